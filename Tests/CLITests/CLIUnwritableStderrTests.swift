import Foundation
import XCTest

/// stderr that cannot take dip-pipe's messages (full device, closed descriptor, a reader that went
/// away) changes nothing about a run: it succeeds with its output, or fails with its usual status —
/// never the trap (SIGILL, status 132) FileHandle's write used to raise at the first progress line.
final class CLIUnwritableStderrTests: XCTestCase {
    func testRunsAndErrorsEndAsUsualWhateverStderrIs() throws {
        let dir = try CLI.tempDir(self)
        // A 16×16 PPM with varied pixels, and a net run that prints progress lines.
        var ppm = Data("P6\n16 16\n255\n".utf8)
        ppm.append(contentsOf: (0..<768).map { UInt8(($0 * 37) % 251) })
        try ppm.write(to: URL(fileURLWithPath: dir + "/in.ppm"))
        let run = "\"$DIP\" --progress text --output \"\(dir)/out.png\" denoise --preset quality --iters 20 < \"\(dir)/in.ppm\""
        for redirect in ["2>/dev/full", "2>&-", "2> >(true)"] {
            let r = try CLI.shell("rm -f \"\(dir)/out.png\"; \(run) \(redirect); echo \"status $?\"; test -s \"\(dir)/out.png\" && echo written")
            let said = String(decoding: r.stdout, as: UTF8.self)
            XCTAssertTrue(said.contains("status 0"), "\(redirect): \(said) \(r.stderr)")
            XCTAssertTrue(said.contains("written"), "\(redirect): no output file")
        }
        for redirect in ["2>/dev/full", "2>&-"] {
            let r = try CLI.shell("\"$DIP\" no-such-filter < \"\(dir)/in.ppm\" \(redirect); echo \"status $?\"")
            XCTAssertTrue(String(decoding: r.stdout, as: UTF8.self).contains("status 2"), "\(redirect): \(String(decoding: r.stdout, as: UTF8.self))")
        }
    }

    /// A reader that stops early makes the output write fail with a message and status 1 (SIGPIPE
    /// is ignored, so this is an error of the write, not a silent kill).
    func testClosedStdoutIsAWriteError() throws {
        let dir = try CLI.tempDir(self)
        var ppm = Data("P6\n256 256\n255\n".utf8)
        ppm.append(contentsOf: (0..<(3 * 256 * 256)).map { UInt8($0 % 256) })
        try ppm.write(to: URL(fileURLWithPath: dir + "/in.ppm"))
        let r = try CLI.shell("\"$DIP\" --format pnm copy < \"\(dir)/in.ppm\" | head -c 1 > /dev/null; echo \"status ${PIPESTATUS[0]}\"")
        let said = String(decoding: r.stdout, as: UTF8.self)
        XCTAssertTrue(said.contains("status 1"), said)
        XCTAssertTrue(r.stderr.contains("stdout: write failed"), r.stderr)
    }
}
