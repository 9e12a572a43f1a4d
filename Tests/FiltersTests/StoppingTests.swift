import DIPEngine
import FilterAPI
@testable import Filters
import Foundation
import XCTest

/// The automatic stopping rule: it finds the valley of the output variance, keeps the estimate
/// from there, and a filter run without --iters stops by itself and says why.
final class StoppingTests: XCTestCase {
    /// Outputs that move by a step size falling to a minimum at step 60 and growing after it.
    func testStopsAfterTheVarianceValley() {
        let rule = StoppingRule(minimumSteps: 20, patience: 30)
        let monitor = StoppingMonitor(rule: rule, count: 4)
        var x: [Float] = [0.5, 0.5, 0.5, 0.5]
        var stoppedAt: Int? = nil
        for step in 1...300 {
            let size = 0.001 + 0.0005 * Float(abs(step - 60))
            x = x.enumerated().map { $0.element + (($0.offset + step) % 2 == 0 ? size : -size) }
            let stop = x.withUnsafeBufferPointer { monitor.observe(step: step, output: $0) }
            if stop { stoppedAt = step; break }
        }
        let stop = try? XCTUnwrap(stoppedAt)
        XCTAssertNotNil(stop, "never stopped")
        XCTAssertEqual(Double(monitor.bestStep), 62, accuracy: 8, "valley found at \(monitor.bestStep)")
        XCTAssertEqual(stoppedAt, monitor.bestStep + rule.patience)
    }

    /// A still start (a residual fit's zero head) is not taken for the valley.
    func testAStillStartIsNotTheValley() {
        let rule = StoppingRule(minimumSteps: 40, patience: 10)
        let monitor = StoppingMonitor(rule: rule, count: 2)
        var x: [Float] = [0.5, 0.5]
        for step in 1...100 {
            x[0] += step < 15 ? 0 : 0.01 / Float(step)   // still, then moving ever less
            _ = x.withUnsafeBufferPointer { monitor.observe(step: step, output: $0) }
        }
        XCTAssertGreaterThanOrEqual(monitor.bestStep, 20, "the still start was taken for the minimum")
    }

    func testNoStopBeforeTheMinimum() {
        let monitor = StoppingMonitor(rule: StoppingRule(minimumSteps: 100, patience: 5), count: 2)
        var x: [Float] = [0, 0]
        for step in 1..<100 {
            x[0] += Float(step) * 0.01   // ever larger moves: the variance only grows
            let stop = x.withUnsafeBufferPointer { monitor.observe(step: step, output: $0) }
            XCTAssertFalse(stop, "stopped at \(step), before the minimum of 100 steps")
        }
    }

    /// The plateau rule: an estimate converging geometrically stops once a window's move falls
    /// under the threshold, not before the minimum, and only at window boundaries.
    func testPlateauStopsWhenTheEstimateSettles() {
        let monitor = PlateauMonitor(minimumSteps: 300, window: 100, threshold: 0.001)
        var stoppedAt: Int? = nil
        for step in 1...2000 {
            // x(t) = 1 − e^(−t/150): a window's move at t is about e^(−t/150)·(e^(2/3) − 1).
            let x = 1 - exp(-Float(step) / 150)
            if monitor.observe(step: step, estimate: { [x, x] }) { stoppedAt = step; break }
        }
        // e^(−t/150)·0.948 < 0.001 from t ≈ 1029: the first window boundary after it.
        XCTAssertEqual(stoppedAt, 1100)
        XCTAssertLessThan(monitor.lastChange, 0.001)
        let early = PlateauMonitor(minimumSteps: 500, window: 100, threshold: 1)
        var firstStop: Int? = nil
        for step in 1...600 where firstStop == nil {
            if early.observe(step: step, estimate: { [0.5] }) { firstStop = step }
        }
        XCTAssertEqual(firstStop, 500, "a still estimate stops at the minimum, not before")
    }

    /// A fit with a stopping rule ends before its cap and says why on its last progress event.
    func testFitStopsByItselfAndSaysWhy() throws {
        let image = BasicTest.pattern(64, 64)
        let colours = PlanarImage(colorsOf: image)
        var recipe = DenoiseFilter.dipFast.with(\.iterations, 400)
        recipe.stopping = StoppingRule(minimumSteps: 20, patience: 5)
        recipe = recipe.withChannels(colours.channels)
        let request = FitRequest(filter: "test", imageName: "pattern", recipe: recipe, width: 64, height: 64,
                                 input: .uniformNoise(depth: 32, scale: 0.1), data: .mse(target: colours.planes),
                                 seed: 1, maxSeconds: nil, memoryBudget: .max)
        var last: ProgressEvent? = nil
        let context = FilterContext(seed: 1, progress: { last = $0; return true })
        let out = try DIPRunner.fit(request, context: context) { _ in image }
        let event = try XCTUnwrap(last)
        XCTAssertLessThan(event.step, 400, "did not stop before the cap")
        XCTAssertEqual(event.step, event.total, "the last event must close the progress")
        XCTAssertTrue(event.stopReason?.contains("variance") ?? false, "\(event.stopReason ?? "no reason")")
        XCTAssertEqual(out.count, 3 * 64 * 64)
    }

    /// super-resolution's fast preset for x5-x8 fits a residual over bicubic: its first steps stay
    /// close to bicubic, whatever the random net would draw.
    func testResidualSuperResolutionStartsAtBicubic() throws {
        let low = BasicTest.pattern(24, 16)
        let sr = try RestorationTest.run("sr --scale 5 --iters 1", on: low)
        let bicubic = try RestorationTest.run("resize --width 120 --height 80 --method bicubic", on: low)
        // One step from bicubic, then back-projected: near bicubic, and downsampled it is the input.
        XCTAssertGreaterThan(try RestorationTest.psnr(sr, bicubic), 30)
        XCTAssertGreaterThan(try consistency(sr, low), try consistency(bicubic, low) + 10)
        let paper = try RestorationTest.run("sr --scale 5 --iters 1 --preset paper", on: low)
        XCTAssertLessThan(try RestorationTest.psnr(paper, bicubic), 25, "the paper preset is not residual")
    }

    /// PSNR of `high` downsampled by the fit's Lanczos2 kernel against `low`: how well the result
    /// explains the input.
    private func consistency(_ high: Image, _ low: Image) throws -> Double {
        let planes = PlanarImage(colorsOf: high)
        let down = try Lanczos2Kernel.downsample(planes.planes, width: high.width, height: high.height,
                                                 channels: planes.channels, layout: .planar, factor: high.width / low.width)
        let target = PlanarImage(colorsOf: low).planes
        let mse = zip(down, target).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(target.count)
        return 10 * log10(1 / max(mse, 1e-12))
    }
}
