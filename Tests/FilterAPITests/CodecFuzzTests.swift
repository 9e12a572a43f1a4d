import XCTest
@testable import FilterAPI

/// Randomly damaged files: decoding may succeed or throw DipError.badImage, but must never trap,
/// hang or print. (Deterministic: a fixed xorshift sequence.)
final class CodecFuzzTests: XCTestCase {
    typealias T = CodecTestSupport

    func testRandomlyDamagedFilesNeverCrash() throws {
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        let image = T.smoothImage(width: 24, height: 16, channels: 4)
        var originals: [(String, [UInt8])] = try ImageFormat.allCases.map { ("\($0)", try ImageCodec.encode(image, as: $0)) }
        var tiled = EncodeOptions()
        tiled.tiffTileSize = 16
        originals.append(("tiled tiff", try ImageCodec.encode(image, as: .tiff, options: tiled)))
        originals.append(("plain pgm", T.bytes("P2\n3 2\n255\n0 128 255\n1 2 3\n")))
        var outcomes = [0, 0]
        let printed = try T.capturingStderr {
            for (label, original) in originals {
                for _ in 0..<200 {
                    var bytes = original
                    switch next(3) {
                    case 0:   // flip a few bytes
                        for _ in 0..<(1 + next(4)) { bytes[next(bytes.count)] = UInt8(next(256)) }
                    case 1:   // cut
                        bytes = Array(bytes.prefix(next(bytes.count)))
                    default:  // flip header bytes
                        for _ in 0..<(1 + next(3)) { bytes[next(min(64, bytes.count))] = UInt8(next(256)) }
                    }
                    do {
                        _ = try ImageCodec.decode(bytes, name: label, maxPixels: 1 << 20)
                        outcomes[0] += 1
                    } catch let DipError.badImage(name, problem) {
                        XCTAssertEqual(name, label)
                        XCTAssertFalse(problem.contains("\n"))
                        outcomes[1] += 1
                    }
                    // Streams too (a second copy after the damaged one).
                    let reader = ImageStreamReader(bytes: bytes + original, name: "stdin", maxPixels: 1 << 20)
                    do { while try reader.next() != nil {} } catch DipError.badImage(_, _) {}
                }
            }
        }
        XCTAssertEqual(printed, "")
        XCTAssertGreaterThan(outcomes[1], 100, "most damage should be detected")
    }
}
