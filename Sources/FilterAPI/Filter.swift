/// A named image operation with typed, documented parameters (as in libvips and netpbm).
///
/// A filter type declares its name and parameters once; an instance is configured from validated
/// `ParameterValues` and then applied to images. Filters with a second image input (a mask, a flash
/// image) declare it as a parameter of kind `.image`; the image arrives in `FilterInputs.extra`.
public protocol Filter: AnyObject {
    /// Command-line name, e.g. `denoise`, `add-noise`.
    static var name: String { get }
    /// One line for `dip-pipe list`.
    static var summary: String { get }
    /// Longer help for `dip-pipe help NAME` (may be empty).
    static var details: String { get }
    /// Every parameter the filter accepts.
    static var parameters: [ParameterSpec] { get }

    /// Builds a configured filter; throws `DipError.badParameter` for inconsistent values.
    init(parameters: ParameterValues) throws

    /// Names of the `.image` parameters that need an image for the values given (empty for
    /// single-input filters; `["mask"]` for `inpaint --mask FILE`, `[]` for `inpaint --mask alpha`).
    var imageInputs: [String] { get }

    /// Whether a stream deflickers this filter's output (`Deflicker`, `--deflicker on`): true for
    /// restorations, whose estimates' mistakes change from frame to frame; false for exact
    /// operations (copy, resize, add-noise), whose output a stream must not change.
    static var deflickered: Bool { get }

    /// The output size for an input of the given size; throws if the input size is unusable.
    func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int)

    /// Runs the filter. Must not trap on any input: report problems as `DipError`.
    func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image
}

public extension Filter {
    static var details: String { "" }
    static var deflickered: Bool { false }
    var imageInputs: [String] { [] }
    func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int) { (width, height) }
}

/// The images a filter runs on: the main (piped) image and any declared extra images by parameter name.
public struct FilterInputs {
    public var image: Image
    /// Where `image` came from, for error messages ("stdin", "stdin image 3", a path).
    public var imageName: String
    public var extra: [String: Image]
    public var extraNames: [String: String]

    public init(image: Image, imageName: String = "input", extra: [String: Image] = [:],
                extraNames: [String: String] = [:]) {
        self.image = image
        self.imageName = imageName
        self.extra = extra
        self.extraNames = extraNames
    }

    /// The extra image for parameter `name`, or a misuse error naming it.
    public func extraImage(_ name: String) throws -> (image: Image, source: String) {
        guard let image = extra[name] else { throw DipError.misuse("--\(name): no image was given") }
        return (image, extraNames[name] ?? "--\(name)")
    }
}

/// One progress report from a long-running filter.
public struct ProgressEvent: Sendable {
    public var filter: String
    public var step: Int
    public var total: Int
    public var loss: Double
    /// Seconds since the filter started.
    public var elapsed: Double
    /// PSNR of the current output against the degraded input, where the filter tracks it.
    public var psnr: Double?
    /// Set on the last event when the filter stopped by itself: why, in words.
    public var stopReason: String?
    /// For a fit done in tiles (the image's fit above the memory budget): which tile (1-based) of
    /// how many; `step` and `total` count within the tile. 1 of 1 otherwise.
    public var tile = 1, tiles = 1
    /// For a fit done in tiles: the rectangle of the filter's input this tile covers (its output
    /// covers the same rectangle times the filter's scale).
    public var tileRegion: (x: Int, y: Int, width: Int, height: Int)? = nil

    public init(filter: String, step: Int, total: Int, loss: Double, elapsed: Double, psnr: Double? = nil) {
        self.filter = filter
        self.step = step
        self.total = total
        self.loss = loss
        self.elapsed = elapsed
        self.psnr = psnr
    }

    /// Step and total over all tiles (as if each took `total` steps), for hosts whose progress is
    /// one step count: it only grows, and ends at step = total.
    public var overall: (step: Int, total: Int) {
        guard tiles > 1 else { return (step, total) }
        let (done, o1) = (tile - 1).multipliedReportingOverflow(by: total)
        let (all, o2) = tiles.multipliedReportingOverflow(by: total)
        return o1 || o2 ? (step, total) : (done + step, isLast ? done + step : all)
    }

    /// The filter's last event: the last step of its last tile.
    public var isLast: Bool { step >= total && tile >= tiles }

    /// Estimated seconds left, from the mean time so far per share of the work (tiles alike).
    public var eta: Double {
        guard step > 0, total > 0, tiles > 0 else { return 0 }
        let done = (Double(tile - 1) + Double(min(step, total)) / Double(total)) / Double(tiles)
        return done > 0 ? elapsed / done * (1 - done) : 0
    }
}

/// What a running filter may consult: the seed, the limits, and where to report progress.
public struct FilterContext {
    /// Seed for every random draw (noise, masks, network weights). Same seed, same output.
    public var seed: UInt64
    /// Largest image (width × height) a filter may produce or accept.
    public var maxPixels: Int
    /// Bytes a filter may plan for its working buffers (`MemoryBudget`).
    public var maxMemory: Int
    /// Called with each progress report; returning false cancels the run (`DipError.cancelled`).
    public var progress: ((ProgressEvent) -> Bool)?
    /// For benchmarks: called after each step of an iterative filter with the step's event and a
    /// function that renders the image the filter would return if it stopped there (a full
    /// image's work: call it only on the steps to record).
    public var observer: ((ProgressEvent, () -> Image) -> Void)?
    /// In a stream with warm starts on (`--temporal on`, a C handle's default): this stage's memory
    /// of the previous image, already told about this one (`FrameMemory.begin`). nil: a lone image.
    public var memory: FrameMemory?

    public static let defaultMaxPixels = 100_000_000

    public init(seed: UInt64 = 0, maxPixels: Int = FilterContext.defaultMaxPixels,
                maxMemory: Int = MemoryBudget.defaultBytes, progress: ((ProgressEvent) -> Bool)? = nil) {
        self.seed = seed
        self.maxPixels = maxPixels
        self.maxMemory = maxMemory
        self.progress = progress
    }

    /// Reports progress; throws `DipError.cancelled` if the receiver asked to stop.
    public func report(_ event: ProgressEvent) throws {
        if let progress, !progress(event) { throw DipError.cancelled }
    }
}
