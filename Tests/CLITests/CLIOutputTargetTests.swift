import Foundation
import XCTest

/// `--output` onto something other than a regular file: the node stays what it was. A file is
/// still replaced atomically, but a FIFO, a device or `/dev/stdout` is written into, and a symlink's
/// target is replaced with the link kept (a file renamed over them replaced the node itself).
final class CLIOutputTargetTests: XCTestCase {
    func testAFIFOIsWrittenInto() throws {
        let dir = try CLI.tempDir(self)
        try Fixture.ppm().write(to: URL(fileURLWithPath: dir + "/in.ppm"))
        let r = try CLI.shell("""
            cd '\(dir)' && mkfifo pipe && (timeout 20 cat pipe > got &) && \
            timeout 20 "$DIP" --input in.ppm --output pipe --format pnm copy; s=$?; sleep 0.5; exit $s
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        var st = stat()
        XCTAssertEqual(stat(dir + "/pipe", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO, "the FIFO was replaced")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/got")), Fixture.ppm())
    }

    func testDevStdoutAndDevNullAreWrittenInto() throws {
        let dir = try CLI.tempDir(self)
        try Fixture.ppm().write(to: URL(fileURLWithPath: dir + "/in.ppm"))
        let r = try CLI.shell("\"$DIP\" --input '\(dir)/in.ppm' --output /dev/stdout --format pnm copy | wc -c")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Int(String(decoding: r.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                       Fixture.ppm().count)
        let null = try CLI.dip(["--input", dir + "/in.ppm", "--output", "/dev/null", "--format", "pnm", "copy"])
        XCTAssertEqual(null.status, 0, null.stderr)
        var st = stat()
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "/dev/null is no longer a device")
    }

    func testASymlinkKeepsPointingAtItsReplacedTarget() throws {
        let dir = try CLI.tempDir(self)
        try Fixture.ppm().write(to: URL(fileURLWithPath: dir + "/in.ppm"))
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/target.ppm"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.ppm", withDestinationPath: "target.ppm")
        let r = try CLI.dip(["--input", dir + "/in.ppm", "--output", dir + "/link.ppm", "copy"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.ppm"), "target.ppm")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/target.ppm")), Fixture.ppm())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["in.ppm", "link.ppm", "target.ppm"])
    }
}
