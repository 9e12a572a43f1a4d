import Foundation
import XCTest
@testable import FilterAPI

/// FilterAPI formats numbers and trims parameter text without Foundation (libdip links only
/// FoundationEssentials). These pin the replacements to what Foundation gave before.
final class TextWithoutFoundationTests: XCTestCase {
    /// A fixed xorshift sequence, so every run checks the same values.
    private struct Bits {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
    }

    func testFixedDecimalsMatchStringFormat() {
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 1.005, 9.995, 99.995, 20.004,
                                -0.001, -0.004, -0.005, 0.05, 0.15, 0.25, 0.35, 1.0 / 3, 2.0 / 3,
                                .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, 1e22, 1e23, 4503599627370495.5,
                                9007199254740994, 123456789012345678901234.0, 1e300,
                                .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                .infinity, -.infinity, .nan, -Double.nan]
        var bits = Bits()
        for _ in 0..<20_000 {
            values.append(Double(bitPattern: bits.next()))
            // Values near typical PSNR/SSIM magnitudes, including exact binary halves.
            values.append(Double(Int64(bitPattern: bits.next()) % 100_000_000) / 1_000_000)
            values.append(Double(Int64(bitPattern: bits.next()) % 1_000_000) / Double(1 << (bits.next() % 24)))
        }
        for (i, v) in values.enumerated() {
            let decimals = i % 10
            XCTAssertEqual(NumberText.fixed(v, decimals: decimals), String(format: "%.\(decimals)f", v),
                           "\(v) with \(decimals) decimals")
        }
    }

    func testHexMatchesStringFormat() {
        for b in 0...255 {
            XCTAssertEqual(NumberText.hex2(UInt8(b)), String(format: "%02x", b))
        }
    }

    func testQualityFormats() {
        XCTAssertEqual(Quality.format(psnr: 31.234999), "31.23")
        XCTAssertEqual(Quality.format(psnr: 0.125), "0.12")
        XCTAssertEqual(Quality.format(psnr: -.infinity), "-inf")
        XCTAssertEqual(Quality.format(ssim: 0.99995), String(format: "%.4f", 0.99995))
        XCTAssertEqual(Quality.format(ssim: -0.00001), "-0.0000")
    }

    func testParameterTrimMatchesFoundationWhitespaces() {
        var scalars: [Unicode.Scalar] = []
        for v in 0...0x3100 { if let s = Unicode.Scalar(v) { scalars.append(s) } }
        scalars += ["\u{FEFF}", "\u{1F600}", "\u{E0020}"]
        for s in scalars {
            let text = "\(s)\(s)1\(s)2\(s)\(s)"
            XCTAssertEqual(Array(ParameterText.trimmed(text).unicodeScalars),
                           Array(text.trimmingCharacters(in: .whitespaces).unicodeScalars),
                           "U+\(String(s.value, radix: 16))")
        }
        let spec = ParameterSpec("n", .int(0...10), help: "")
        XCTAssertEqual(try spec.parse("\u{3000}\t7\u{200B} "), .int(7))
        XCTAssertThrowsError(try spec.parse("7\n"))
    }
}
