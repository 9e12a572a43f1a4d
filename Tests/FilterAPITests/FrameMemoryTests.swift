import XCTest
@testable import FilterAPI

/// When a stream's image continues the previous one (warm start) and when it starts fresh.
final class FrameMemoryTests: XCTestCase {
    /// A smooth 24x16 RGB gradient, shifted by `shift` pixels, with ±`noise` of pseudo-random noise.
    static func frame(width: Int = 24, height: Int = 16, shift: Int = 0, noise: Float = 0, invert: Bool = false) -> Image {
        var image = Image(width: width, height: height, channels: 3)
        var state: UInt32 = 12345 &+ UInt32(shift)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    state = state &* 1_664_525 &+ 1_013_904_223
                    let r = (Float(state >> 8) / Float(1 << 24) - 0.5) * 2 * noise
                    let v = Float((x + shift) * 3 + y * 5 + c * 20) / 255
                    image.pixels[(y * width + x) * 3 + c] = min(max((invert ? 1 - v : v) + r, 0), 1)
                }
            }
        }
        return image
    }

    final class Token {}

    func testFirstImageStartsFreshAndASimilarNextOneContinues() {
        let memory = FrameMemory()
        memory.begin(Self.frame())
        XCTAssertEqual(memory.start, .first)
        XCTAssertFalse(memory.isWarm)
        memory.state = Token()
        memory.begin(Self.frame(shift: 1, noise: 0.1))
        XCTAssertNil(memory.start, "a shifted, noisy frame of the same scene continues")
        XCTAssertTrue(memory.isWarm)
        XCTAssertNotNil(memory.state)
        XCTAssertEqual(memory.warmImages, 1)
    }

    func testSizeChangeSceneCutAndResetStartFresh() {
        let memory = FrameMemory()
        memory.begin(Self.frame())
        memory.state = Token()
        memory.begin(Self.frame(width: 20))
        XCTAssertEqual(memory.start, .sizeChanged)
        XCTAssertNil(memory.state, "a size change drops the state")

        memory.state = Token()
        memory.begin(Self.frame(width: 20, invert: true))
        XCTAssertEqual(memory.start, .sceneCut)
        XCTAssertNil(memory.state)

        memory.state = Token()
        memory.reset()
        memory.begin(Self.frame(width: 20, invert: true))
        XCTAssertEqual(memory.start, .first)
        XCTAssertNil(memory.state)

        memory.begin(Self.frame(width: 20, invert: true))
        XCTAssertEqual(memory.start, .reset, "no state left by the filter: nothing to continue from")
    }

    func testOtherStagesKeptStateComesOffTheMemoryBudget() {
        let memory = ChainMemory(stages: 3)
        memory.stages[0].keep(Token(), bytes: 300)
        memory.stages[2].keep(Token(), bytes: 200)
        let context = FilterContext(maxMemory: 1000)
        XCTAssertEqual(memory.enter(stage: 1, image: Self.frame(), context: context).maxMemory, 500)
        XCTAssertEqual(memory.enter(stage: 0, image: Self.frame(), context: context).maxMemory, 800,
                       "a stage's own state is not counted against it (it reuses it or drops it)")
        memory.stages[2].state = nil
        XCTAssertEqual(memory.enter(stage: 1, image: Self.frame(), context: context).maxMemory, 1000)
    }

    /// A filter that notes what memory each of its runs saw.
    final class Recorder: Filter {
        static let name = "recorder"
        static let summary = "test"
        static let parameters: [ParameterSpec] = []
        static var seen: [(warm: Bool, stage: ObjectIdentifier?)] = []
        init(parameters: ParameterValues) throws {}
        func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image {
            Self.seen.append((context.memory?.isWarm ?? false, context.memory.map(ObjectIdentifier.init)))
            context.memory?.state = Token()
            return inputs.image
        }
    }

    func testChainGivesEachStageItsOwnMemory() throws {
        var registry = FilterRegistry()
        registry.register(Recorder.self)
        let chain = try Chain(spec: "recorder ! recorder", registry: registry)
        let memory = ChainMemory(stages: 2)
        Recorder.seen = []
        _ = try chain.run(Self.frame(), name: "a", context: FilterContext(), memory: memory)
        _ = try chain.run(Self.frame(shift: 1), name: "b", context: FilterContext(), memory: memory)
        _ = try chain.run(Self.frame(), name: "c", context: FilterContext())
        XCTAssertEqual(Recorder.seen.map(\.warm), [false, false, true, true, false, false])
        XCTAssertNotEqual(Recorder.seen[0].stage, Recorder.seen[1].stage)
        XCTAssertEqual(Recorder.seen[0].stage, Recorder.seen[2].stage)
        XCTAssertNil(Recorder.seen[4].stage, "without a ChainMemory no stage has memory")
    }
}
