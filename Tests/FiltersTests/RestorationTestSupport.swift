import FilterAPI
import Filters
import XCTest

/// Small inputs for the DIP filter tests: 64×64 crops of the bundled examples/sample.png, and a
/// runner that passes extra images (mask, flash) the way the CLI does.
enum RestorationTest {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The bundled sample, cropped to `size`×`size` at (x, y).
    static func crop(size: Int = 64, x: Int = 60, y: Int = 40) throws -> Image {
        let sample = try ImageCodec.read(path: repoRoot.appendingPathComponent("examples/sample.png").path)
        var out = Image(width: size, height: size, channels: sample.channels, format: sample.format)
        for yy in 0..<size {
            for xx in 0..<size {
                for c in 0..<sample.channels { out[xx, yy, c] = sample[x + xx, y + yy, c] }
            }
        }
        return out
    }

    static func run(_ spec: String, on image: Image, extra: [String: Image] = [:], seed: UInt64 = 0,
                    maxMemory: Int = MemoryBudget.defaultBytes, progress: ((ProgressEvent) -> Bool)? = nil) throws -> Image {
        let chain = try Chain(spec: spec, registry: StandardFilters.registry)
        var extras = [[String: (image: Image, source: String)]](repeating: [:], count: chain.filters.count)
        for entry in chain.imageInputs {
            guard let image = extra[entry.parameter] else { throw DipError.misuse("test lacks --\(entry.parameter)") }
            extras[entry.filter][entry.parameter] = (image, entry.parameter)
        }
        return try chain.run(image, name: "test", extras: extras,
                             context: FilterContext(seed: seed, maxMemory: maxMemory, progress: progress))
    }

    static func psnr(_ a: Image, _ b: Image) throws -> Double { try Quality.psnr(a, b) }
}
