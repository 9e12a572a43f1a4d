import FilterAPI
import Filters
import XCTest

final class BasicMaskOutTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "/dip-basic-mask-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testMaskFileMatchesDroppedPixels() throws {
        let image = BasicTest.constant(40, 30, value: 0.6)
        for name in ["mask.png", "mask.pgm", "mask"] {
            let path = directory + "/" + name
            let out = try BasicTest.run("drop-pixels", [("fraction", "0.3"), ("mask-out", path), ("seed", "2")], on: image)
            let mask = try ImageCodec.read(path: path)
            XCTAssertEqual(mask.width, 40)
            XCTAssertEqual(mask.height, 30)
            XCTAssertEqual(mask.channels, 1)
            XCTAssertEqual(mask.format, .unsigned(bits: 8))
            var dropped = 0
            for p in 0..<out.pixelCount {
                let kept = out.pixels[p * 3] != 0
                XCTAssertEqual(mask.pixels[p], kept ? 1 : 0, "\(name) pixel \(p)")
                if !kept { dropped += 1 }
            }
            XCTAssertEqual(Double(dropped) / 1200, 0.3, accuracy: 0.06)
        }
        // No format from the extension: PNG.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/mask")))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        // No temporary files left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).sorted(), ["mask", "mask.pgm", "mask.png"])
    }

    func testUnwritableMaskIsAnError() {
        XCTAssertThrowsError(try BasicTest.run("drop-pixels", [("mask-out", directory + "/missing/dir/m.png")],
                                               on: BasicTest.constant(4, 4))) {
            XCTAssertTrue($0 is DipError, "\($0)")
        }
    }
}
