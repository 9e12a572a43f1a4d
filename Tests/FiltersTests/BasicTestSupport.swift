import FilterAPI
import Filters
import XCTest

/// Helpers shared by the Basic*/Quality* tests: small synthetic images and running a filter by name.
enum BasicTest {
    /// Runs `name` with textual `arguments` on `image`, through the registry as the CLI does.
    static func run(_ name: String, _ arguments: [(String, String)] = [], on image: Image,
                    seed: UInt64 = 0, maxPixels: Int = FilterContext.defaultMaxPixels) throws -> Image {
        let configured = try StandardFilters.registry.make(name, arguments: arguments.map { (name: $0.0, value: $0.1) })
        return try configured.filter.apply(FilterInputs(image: image, imageName: "test"),
                                           context: FilterContext(seed: seed, maxPixels: maxPixels))
    }

    /// A configured filter (to test construction and outputSize).
    static func make(_ name: String, _ arguments: [(String, String)]) throws -> any Filter {
        try StandardFilters.registry.make(name, arguments: arguments.map { (name: $0.0, value: $0.1) }).filter
    }

    /// Every sample equal to `value`.
    static func constant(_ width: Int, _ height: Int, channels: Int = 3, value: Float = 0.5,
                         format: SampleFormat = .unsigned(bits: 8)) -> Image {
        Image(width: width, height: height, channels: channels, format: format,
              pixels: [Float](repeating: value, count: width * height * channels))
    }

    /// A smooth but non-trivial test picture (gradients and a sinusoid), values in [0, 1].
    static func pattern(_ width: Int, _ height: Int, channels: Int = 3) -> Image {
        var image = Image(width: width, height: height, channels: channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    let fx = Double(x) / Double(max(width - 1, 1)), fy = Double(y) / Double(max(height - 1, 1))
                    let v = 0.5 + 0.3 * sin(Double(x) * 0.7 + Double(c)) * cos(Double(y) * 0.4) + 0.15 * (fx - fy)
                    image[x, y, c] = Float(min(max(v, 0), 1))
                }
            }
        }
        return image
    }

    /// Asserts that `body` throws `DipError.badParameter`.
    static func assertBadParameter(_ body: @autoclosure () throws -> Any, _ message: String = "",
                                   file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("expected badParameter \(message)", file: file, line: line)
        } catch let error as DipError {
            guard case .badParameter = error else {
                return XCTFail("expected badParameter, got \(error) \(message)", file: file, line: line)
            }
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    /// Asserts that `body` throws `DipError.badImage`.
    static func assertBadImage(_ body: @autoclosure () throws -> Any, _ message: String = "",
                               file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("expected badImage \(message)", file: file, line: line)
        } catch let error as DipError {
            guard case .badImage = error else {
                return XCTFail("expected badImage, got \(error) \(message)", file: file, line: line)
            }
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }
}
