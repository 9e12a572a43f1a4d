import Foundation
import XCTest

/// Several images back to back on stdin, as netpbm and ffmpeg's image2pipe send them.
final class CLIStreamTests: XCTestCase {
    func testMixedPNMStreamPassesThroughUnchanged() throws {
        // Six binary images (P5, P6, P7 at 8 and 16 bits) must come back byte for byte; the plain
        // P2 image last may be re-spaced by the writer, so it is compared by its pixels.
        let raw: [Data] = [
            Fixture.ppm(), Fixture.pgm(), Fixture.pam(depth: 4, maxval: 65535), Fixture.ppm(maxval: 65535),
            Fixture.pam(depth: 2, maxval: 255), Fixture.ppm(width: 5, height: 3, phase: 4),
        ]
        let plain = Fixture.pgm(plain: true)
        let rawStream = raw.reduce(Data(), +)
        let r = try CLI.dip(["--quiet", "resize", "--scale", "1"], stdin: rawStream + plain)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.prefix(rawStream.count), rawStream)
        let plainOut = r.stdout.dropFirst(rawStream.count)
        XCTAssertTrue(plainOut.starts(with: Data("P2".utf8)), "plain stays plain")
        let asPAM = { (d: Data) throws -> Data in try CLI.dip(["--format", "pam", "copy"], stdin: d).stdout }
        let decoded = try asPAM(Data(plainOut))
        XCTAssertFalse(decoded.isEmpty)
        XCTAssertEqual(decoded, try asPAM(plain))
        XCTAssertEqual(decoded, try asPAM(Fixture.pgm()), "P2 pixels equal the P5 twin")
    }

    func testPNGStreamOfTenFramesPassesThrough() throws {
        // Ten PNG frames made by dip itself from PPM input, then fed back as a PNG stream.
        var pngs: [Data] = []
        for i in 0..<10 {
            let r = try CLI.dip(["--format", "png", "copy"], stdin: Fixture.ppm(phase: i * 11))
            XCTAssertEqual(r.status, 0, r.stderr)
            pngs.append(r.stdout)
        }
        let r = try CLI.dip(["--quiet", "resize", "--scale", "1", "!", "copy"], stdin: pngs.reduce(Data(), +))
        XCTAssertEqual(r.status, 0, r.stderr)
        // Decode both streams to PPM and compare pixel for pixel.
        let a = try CLI.dip(["--format", "pnm", "copy"], stdin: r.stdout)
        let expected = (0..<10).map { Fixture.ppm(phase: $0 * 11) }.reduce(Data(), +)
        XCTAssertEqual(a.stdout, expected)
    }

    func testStreamErrorKeepsEarlierImagesAndNamesTheIndex() throws {
        var stream = Fixture.ppm() + Fixture.ppm(phase: 3)
        stream += Fixture.ppm().prefix(30)  // image 3 truncated
        let r = try CLI.dip(["--quiet", "copy"], stdin: stream)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stdout, Fixture.ppm() + Fixture.ppm(phase: 3), "complete images stay valid")
        XCTAssertTrue(r.stderr.contains("image 3"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }

    func testStreamErrorToFileKeepsCompleteImagesOnly() throws {
        let dir = try CLI.tempDir(self)
        let stream = Fixture.ppm() + Fixture.ppm().prefix(25)
        let r = try CLI.dip(["--quiet", "--output", dir + "/out.ppm", "copy"], stdin: stream)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("image 2"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/out.ppm")), Fixture.ppm())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.ppm"], "no temporary left")
    }
}
