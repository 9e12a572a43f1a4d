import Foundation
import XCTest

/// Bad input: one line on stderr naming the input and the problem, non-zero exit, no trap, and no
/// output file left behind.
final class CLIBadInputTests: XCTestCase {
    private func assertCleanFailure(_ args: [String], stdin: Data = Data(), mentions: [String],
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try CLI.tempDir(self)
        let out = dir + "/out.png"
        let r = try CLI.dip(["--output", out] + args, stdin: stdin)
        XCTAssertNotEqual(r.status, 0, "should fail: \(args)", file: file, line: line)
        XCTAssertLessThan(r.status, 128, "crashed (signal) on \(args): \(r.stderr)", file: file, line: line)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "want one line, got: \(r.stderr)", file: file, line: line)
        for word in mentions {
            XCTAssertTrue(r.stderr.contains(word), "'\(word)' not in: \(r.stderr)", file: file, line: line)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        XCTAssertEqual(left, [], "output left behind: \(left)", file: file, line: line)
    }

    func testTruncatedImage() throws {
        try assertCleanFailure(["copy"], stdin: Fixture.ppm().prefix(40), mentions: ["stdin"])
    }

    func testCorruptPNG() throws {
        let png = try CLI.dip(["--format", "png", "copy"], stdin: Fixture.ppm()).stdout
        var bad = png
        for i in stride(from: 60, to: min(bad.count, 200), by: 3) { bad[i] ^= 0x5A }
        try assertCleanFailure(["copy"], stdin: bad, mentions: ["stdin"])
    }

    func testHeaderLyingAboutSize() throws {
        var lie = Array("P6\n4000 4000\n255\n".utf8)
        lie += [UInt8](repeating: 7, count: 1000)
        try assertCleanFailure(["copy"], stdin: Data(lie), mentions: ["stdin"])
    }

    func testZeroSizeImage() throws {
        try assertCleanFailure(["copy"], stdin: Data("P6\n0 0\n255\n".utf8), mentions: ["stdin"])
    }

    func testAbsurdDimensionsAreCappedBeforeAllocating() throws {
        try assertCleanFailure(["copy"], stdin: Data("P6\n999999999 999999999\n255\n".utf8), mentions: ["stdin"])
        try assertCleanFailure(["--max-pixels", "100", "copy"], stdin: Fixture.ppm(), mentions: ["stdin"])
    }

    /// `--max-pixels` is bounded by the memory the process may use: a value above it, or an image
    /// above what a memory limit (`ulimit -v`) leaves, is a one-line refusal, not an allocation
    /// that aborts (it did: "failed to allocate 13194139533344 bytes" and a backtrace).
    func testMaxPixelsIsBoundedByTheMemoryLimit() throws {
        try assertCleanFailure(["--max-pixels", "9223372036854775807", "resize", "--width", "1048576", "--height", "1048576"],
                               stdin: Fixture.ppm(), mentions: ["--max-pixels", "limit"])
        let compare = try CLI.dip(["compare", "--max-pixels", "9223372036854775807", "-", "-"], stdin: Fixture.ppm())
        XCTAssertEqual(compare.status, 2, compare.stderr)
        XCTAssertTrue(compare.stderr.contains("--max-pixels"), compare.stderr)
        // Under a 1 GiB address-space limit the default bound falls to ~16 M pixels: a 9000×9000
        // result (81 M pixels, ~1 GB of floats) is refused before it is allocated.
        let dir = try CLI.tempDir(self)
        try Fixture.ppm().write(to: URL(fileURLWithPath: dir + "/in.ppm"))
        let r = try CLI.shell("ulimit -v 1048576; \"$DIP\" --input '\(dir)/in.ppm' --output '\(dir)/out.png' resize --width 9000 --height 9000")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertLessThan(r.status, 128, "crashed under ulimit -v: \(r.stderr)")
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("--max-pixels"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out.png"))
    }

    /// `--max-memory`: a neural filter whose plan is above the budget fails as `out of memory`
    /// (exit 1, one line, no output) before allocating; sizes are plain decimals with a binary
    /// unit, and a budget above the process's limit is a usage error. Under `ulimit -v` the
    /// default budget follows the limit (half of it): under 400,000 KiB a 2000×1500 image (~21
    /// GiB whole for the paper net, so tiles; the image's own buffers take 172 MiB) leaves no room
    /// for even the smallest tile, and is refused with the budget named — not an abort (it was,
    /// after 6 s, before budgets).
    func testMaxMemoryRefusesPlansAboveTheBudget() throws {
        try assertCleanFailure(["--max-memory", "1M", "denoise", "--preset", "paper", "--iters", "1"],
                               stdin: Fixture.ppm(), mentions: ["out of memory", "--max-memory", "1.0 MiB"])
        for bad in ["0", "0x10", "1e3", "4Q", "5iB", "1.G", "100000T"] {
            let r = try CLI.dip(["--max-memory", bad, "copy"], stdin: Fixture.ppm())
            XCTAssertEqual(r.status, 2, "--max-memory \(bad): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--max-memory"), r.stderr)
        }
        let ok = try CLI.dip(["--max-memory", "1.5GiB", "denoise", "--preset", "paper", "--iters", "1"], stdin: Fixture.ppm())
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let dir = try CLI.tempDir(self)
        try Fixture.ppm().write(to: URL(fileURLWithPath: dir + "/in.ppm"))
        let r = try CLI.shell("ulimit -v 400000; \"$DIP\" --input '\(dir)/in.ppm' resize --width 2000 --height 1500 | \"$DIP\" --output '\(dir)/out.png' denoise --preset paper --iters 1")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("out of memory") && r.stderr.contains("smallest tile")
                      && r.stderr.contains("memory budget of 195.3 MiB"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out.png"))
    }

    func testUnknownFormat() throws {
        try assertCleanFailure(["copy"], stdin: Data("hello, this is not an image\n".utf8), mentions: ["stdin"])
    }

    func testEmptyInput() throws {
        try assertCleanFailure(["copy"], stdin: Data(), mentions: ["stdin"])
    }

    func testMissingInputFile() throws {
        try assertCleanFailure(["--input", "/nonexistent/x.png", "copy"], mentions: ["/nonexistent/x.png"])
    }

    func testUnknownFilter() throws {
        try assertCleanFailure(["frobnicate"], stdin: Fixture.ppm(), mentions: ["frobnicate", "unknown filter"])
    }

    func testUnknownParameter() throws {
        try assertCleanFailure(["add-noise", "--sigmaa", "3"], stdin: Fixture.ppm(), mentions: ["--sigmaa"])
    }

    func testOutOfRangeAndNaNValues() throws {
        try assertCleanFailure(["add-noise", "--sigma", "-4"], stdin: Fixture.ppm(), mentions: ["--sigma"])
        try assertCleanFailure(["add-noise", "--sigma", "nan"], stdin: Fixture.ppm(), mentions: ["--sigma"])
        try assertCleanFailure(["resize", "--scale", "0"], stdin: Fixture.ppm(), mentions: ["--scale"])
        try assertCleanFailure(["--progress", "loud", "copy"], stdin: Fixture.ppm(), mentions: ["--progress"])
        try assertCleanFailure(["--format", "gif", "copy"], stdin: Fixture.ppm(), mentions: ["--format"])
    }

    func testEmptyChainStage() throws {
        try assertCleanFailure(["copy", "!"], stdin: Fixture.ppm(), mentions: ["!"])
    }

    func testMissingMaskFile() throws {
        let names = String(decoding: try CLI.dip(["list", "--names"]).stdout, as: UTF8.self)
        guard names.split(separator: "\n").contains("inpaint") else { throw XCTSkip("inpaint not registered yet") }
        try assertCleanFailure(["inpaint", "--mask", "/nonexistent/mask.png"], stdin: Fixture.ppm(),
                               mentions: ["/nonexistent/mask.png"])
    }

    func testMaskOfAnotherSize() throws {
        let names = String(decoding: try CLI.dip(["list", "--names"]).stdout, as: UTF8.self)
        guard names.split(separator: "\n").contains("inpaint") else { throw XCTSkip("inpaint not registered yet") }
        let dir = try CLI.tempDir(self)
        try Fixture.pgm(width: 10, height: 10).write(to: URL(fileURLWithPath: dir + "/mask.pgm"))
        try assertCleanFailure(["inpaint", "--mask", dir + "/mask.pgm", "--iters", "2"], stdin: Fixture.ppm(),
                               mentions: ["mask"])
    }
}
