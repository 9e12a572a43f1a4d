/// What one chain stage keeps from one image of a stream to the next, so that a filter can warm
/// start on a video frame from its fit of the frame before (Deep Video Prior's observation:
/// consecutive frames are nearly the same image, so last frame's fitted net is an excellent start).
///
/// The chain calls `begin(_:)` with the stage's input before the filter runs; it decides whether
/// this image continues the previous one (same size and channels, no scene cut) and, if not, drops
/// the filter's state, so a filter only ever sees `state` it left on a frame like this one. The
/// filter reads `state` (its own type, e.g. a fitted net) and leaves its new state there.
public final class FrameMemory {
    /// Why the current image starts fresh, or nil when it continues the previous one.
    public enum Start: Equatable, Sendable {
        case first, sizeChanged, sceneCut, reset
    }

    /// A scene cut: the root-mean-square difference of the two inputs' thumbnails (8×8 box means,
    /// samples in [0, 1]) above this. Noise barely moves box means (σ = 50 on 0–255 becomes about
    /// 0.025 per mean), slow motion moves them a little; a new shot moves them by a tenth or more.
    public static let sceneCutRMS: Float = 0.1
    static let thumbnailBox = 8

    /// The filter's state from the previous image (its own type); nil on a fresh start.
    public var state: AnyObject? { didSet { if state == nil { stateBytes = 0 } } }
    /// Bytes `state` holds (a fitted net's buffers): the later stages' memory budget leaves them out.
    public private(set) var stateBytes = 0
    /// This stage's previous (deflickered) output, while the stream continues.
    public private(set) var lastOutput: Image?
    /// Why the current image started fresh (set by `begin`); nil when it continues the last one.
    public private(set) var start: Start? = .first
    /// Consecutive images continued so far (0 on a fresh start).
    public private(set) var warmImages = 0
    private var previous: Signature?

    public init() {}

    /// True when the current image continues the previous one and `state` may be used.
    public var isWarm: Bool { start == nil }

    /// Compares `image` with the previous input; on a size change or a scene cut drops `state`.
    public func begin(_ image: Image) {
        let signature = Signature(image)
        let next: Start?
        if let previous {
            if previous.width != signature.width || previous.height != signature.height
                || previous.channels != signature.channels {
                next = .sizeChanged
            } else if previous.rmsDifference(signature) > Self.sceneCutRMS {
                next = .sceneCut
            } else {
                next = state == nil ? .reset : nil
            }
        } else {
            next = .first
        }
        if next != nil { state = nil; warmImages = 0 } else { warmImages += 1 }
        // .reset only says the filter kept no state: the stream itself goes on.
        if next != nil && next != .reset { lastOutput = nil }
        start = next
        previous = signature
    }

    /// Keeps `state`, which holds `bytes` of memory, for the next image.
    public func keep(_ state: AnyObject, bytes: Int) {
        self.state = state
        stateBytes = max(0, bytes)
    }

    /// `output` pulled toward this stage's previous output where the two agree (`Deflicker`); kept
    /// as the previous output of the next image.
    public func deflicker(_ output: Image) -> Image {
        let result = lastOutput.map { Deflicker.blend(output, previous: $0) } ?? output
        lastOutput = result
        return result
    }

    /// Forgets everything: the next image starts fresh.
    public func reset() {
        state = nil
        lastOutput = nil
        previous = nil
        warmImages = 0
        start = .first
    }

    /// An image's size and its thumbnail of box means.
    struct Signature {
        let width: Int, height: Int, channels: Int
        let thumbnail: [Float]

        init(_ image: Image) {
            width = image.width; height = image.height; channels = image.channels
            let box = FrameMemory.thumbnailBox
            let tw = max(1, (image.width + box - 1) / box), th = max(1, (image.height + box - 1) / box)
            var sums = [Float](repeating: 0, count: tw * th * image.channels)
            var counts = [Float](repeating: 0, count: tw * th)
            if image.pixels.count == image.width * image.height * image.channels {
                for y in 0..<image.height {
                    let row = (y / box) * tw
                    for x in 0..<image.width {
                        let t = row + x / box
                        counts[t] += 1
                        let p = (y * image.width + x) * image.channels
                        for c in 0..<image.channels { sums[t * image.channels + c] += image.pixels[p + c] }
                    }
                }
            }
            for t in 0..<counts.count where counts[t] > 0 {
                for c in 0..<image.channels { sums[t * image.channels + c] /= counts[t] }
            }
            thumbnail = sums
        }

        func rmsDifference(_ other: Signature) -> Float {
            guard thumbnail.count == other.thumbnail.count, !thumbnail.isEmpty else { return .infinity }
            var sum: Float = 0
            for i in 0..<thumbnail.count { let d = thumbnail[i] - other.thumbnail[i]; sum += d * d }
            return (sum / Float(thumbnail.count)).squareRoot()
        }
    }
}

/// What a chain keeps across the images of one stream: each stage's `FrameMemory` (warm starts,
/// `--temporal`; its previous output, `--deflicker`).
public final class ChainMemory {
    public private(set) var stages: [FrameMemory]
    /// Whether a stage's filter may start from its state on the previous image (`--temporal on`).
    public let warmStarts: Bool
    /// Whether a restoration stage's output is pulled toward its previous one (`--deflicker on`).
    public let deflicker: Bool

    /// The value of a stream switch ("temporal", "deflicker"): "on" or "off", spaces around ignored.
    public static func switchSetting(_ text: String, name: String) throws -> Bool {
        switch ParameterText.trimmed(text) {
        case "on": return true
        case "off": return false
        default: throw DipError.badParameter(name, "'\(text)' is not one of on, off")
        }
    }

    public init(stages count: Int, warmStarts: Bool = true, deflicker: Bool = true) {
        stages = (0..<count).map { _ in FrameMemory() }
        self.warmStarts = warmStarts
        self.deflicker = deflicker
    }

    /// Forgets every stage's state and output: the next image starts fresh.
    public func reset() { stages.forEach { $0.reset() } }

    /// Prepares stage `index` for `image` and returns the context it runs with: with warm starts,
    /// its memory, and `context`'s memory budget less what the other stages hold (their fitted nets
    /// stay allocated).
    public func enter(stage index: Int, image: Image, context: FilterContext) -> FilterContext {
        var context = context
        guard index < stages.count else { return context }
        // Scene cuts and size changes are tracked either way: the deflicker restarts at them too.
        stages[index].begin(image)
        guard warmStarts else { return context }
        let held = stages.indices.reduce(0) { $1 == index ? $0 : $0 &+ stages[$1].stateBytes }
        context.maxMemory = max(0, context.maxMemory - held)
        context.memory = stages[index]
        return context
    }

    /// Stage `index`'s `output` (made by `filter`), deflickered when that is on and `filter` is a
    /// restoration.
    public func finish(stage index: Int, filter: ConfiguredFilter, output: Image) -> Image {
        guard deflicker, filter.type.deflickered, index < stages.count else { return output }
        return stages[index].deflicker(output)
    }
}
