import FilterAPI
@testable import Filters
import XCTest

/// Warm starts in a stream: a DIP filter continues from its fit of the previous image.
final class WarmStartTests: XCTestCase {
    static let spec = "denoise --preset paper --iters 8 --sigma 25"

    /// Runs `frames` through one chain and memory; returns the outputs and each fit's step total.
    func stream(_ frames: [Image], memory: ChainMemory?) throws -> (images: [Image], totals: [Int]) {
        let chain = try Chain(spec: Self.spec, registry: StandardFilters.registry)
        var totals: [Int] = [], images: [Image] = []
        for (k, frame) in frames.enumerated() {
            var total = 0
            let context = FilterContext(seed: 3, progress: { total = $0.total; return true })
            images.append(try chain.run(frame, name: "frame \(k + 1)", context: context, memory: memory))
            totals.append(total)
        }
        return (images, totals)
    }

    func testWarmFrameRunsAnEighthOfTheStepsDeterministicallyAndASizeChangeStartsFresh() throws {
        let a = try RestorationTest.crop(size: 32, x: 60, y: 40), b = try RestorationTest.crop(size: 32, x: 61, y: 40)
        let c = try RestorationTest.crop(size: 40, x: 61, y: 40)
        let warm = try stream([a, b, c], memory: ChainMemory(stages: 1))
        XCTAssertEqual(warm.totals, [8, 1, 8], "fresh, warm (8 / 8 steps), fresh after the size change")
        let again = try stream([a, b, c], memory: ChainMemory(stages: 1))
        XCTAssertEqual(warm.images, again.images, "the same stream and seed give the same outputs")
        let cold = try stream([a, b, c], memory: nil)
        XCTAssertEqual(cold.totals, [8, 8, 8])
        XCTAssertEqual(warm.images[0], cold.images[0], "the first frame is an ordinary fit")
        XCTAssertNotEqual(warm.images[1], cold.images[1], "the second continues the first's fit")
        XCTAssertEqual(warm.images[2], cold.images[2], "after a size change the fit starts fresh")
        XCTAssertEqual(DIPRecipe(net: .paperDenoise(), input: .noise(depth: 32), iterations: 3000, learningRate: 0.01,
                                 regNoiseStd: 0, emaDecay: nil, divergenceGuard: false).warmIterations, 375)
    }
}
