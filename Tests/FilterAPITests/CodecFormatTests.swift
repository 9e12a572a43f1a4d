import XCTest
@testable import FilterAPI

final class CodecFormatTests: XCTestCase {
    func testDetectionFromFirstBytes() {
        XCTAssertEqual(ImageFormat.detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), .png)
        XCTAssertEqual(ImageFormat.detect([0xFF, 0xD8, 0xFF, 0xE0]), .jpeg)
        XCTAssertEqual(ImageFormat.detect(Array("II*\0".utf8)), .tiff)
        XCTAssertEqual(ImageFormat.detect(Array("MM\0*".utf8)), .tiff)
        for digit in 1...6 { XCTAssertEqual(ImageFormat.detect(Array("P\(digit)\n".utf8)), .pnm) }
        XCTAssertEqual(ImageFormat.detect(Array("P7\nWIDTH".utf8)), .pam)
        XCTAssertNil(ImageFormat.detect(Array("P8\n".utf8)))
        XCTAssertNil(ImageFormat.detect(Array("PNG?".utf8)))
        XCTAssertNil(ImageFormat.detect(Array("Pizza".utf8)))
        XCTAssertNil(ImageFormat.detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x00]))
        XCTAssertNil(ImageFormat.detect([]))
        XCTAssertNil(ImageFormat.detect(Array("GIF89a".utf8)))
    }

    func testExtensions() {
        let cases: [(String, ImageFormat?)] = [
            ("a.png", .png), ("dir.x/B.PNG", .png), ("x.tif", .tiff), ("x.tiff", .tiff),
            ("x.jpg", .jpeg), ("x.JPEG", .jpeg), ("x.pnm", .pnm), ("x.pbm", .pnm), ("x.pgm", .pnm),
            ("x.ppm", .pnm), ("x.pam", .pam), ("x.gif", nil), ("png", nil), (".png", nil),
            ("dir.png/file", nil),
        ]
        for (path, format) in cases { XCTAssertEqual(ImageFormat.fromExtension(path), format, path) }
    }

    func testEveryFormatRoundTripsThroughAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dip-codec-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = CodecTestSupport.randomImage(width: 6, height: 5, channels: 3, bits: 8)
        for ext in ["png", "tif", "ppm", "pam"] {
            let path = dir.appendingPathComponent("x.\(ext)").path
            try ImageCodec.write(image, to: path)
            var back = try ImageCodec.read(path: path)
            back.pnmVariant = nil
            XCTAssertEqual(back, image, ext)
        }
        CodecTestSupport.assertBadImage(try ImageCodec.read(path: dir.appendingPathComponent("missing.png").path),
                                        name: dir.appendingPathComponent("missing.png").path, contains: "no such file")
    }
}
