import Foundation
import XCTest

/// The command-line habits users bring from netpbm and other Unix tools: an input file argument,
/// help that exits 0, and usage errors as one line on stderr, exit 2, with a suggestion for a typo
/// and nothing on stdout (which a user may have redirected into an image file).
final class CLIConventionsTests: XCTestCase {
    /// A usage error: exit 2, nothing on stdout, one line on stderr containing `expected`.
    private func assertUsageError(_ arguments: [String], _ expected: String, stdin: Data = Data(),
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.dip(arguments, stdin: stdin)
        XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stdout.count, 0, "\(arguments) wrote to stdout", file: file, line: line)
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "\(arguments): not one line: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("dip-pipe: ") && r.stderr.contains(expected),
                      "\(arguments): '\(r.stderr)' lacks '\(expected)'", file: file, line: line)
    }

    func testInputFileAfterTheChainReadsThatFile() throws {
        let dir = try CLI.tempDir(self)
        let path = dir + "/in.ppm"
        try Fixture.ppm().write(to: URL(fileURLWithPath: path))
        let piped = try CLI.dip(["resize", "--scale", "2", "!", "copy"], stdin: Fixture.ppm())
        let named = try CLI.dip(["resize", "--scale", "2", "!", "copy", path])
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertEqual(named.stdout, piped.stdout)
        XCTAssertFalse(named.stdout.isEmpty)
        // "-" names stdin, as --input - does.
        XCTAssertEqual(try CLI.dip(["copy", "-"], stdin: Fixture.ppm()).stdout, try CLI.dip(["copy"], stdin: Fixture.ppm()).stdout)
        try assertUsageError(["--input", path, "copy", path], "both given")
        try assertUsageError(["copy", path, path], "unexpected argument")
    }

    func testHelpRequestsPrintHelpAndExitZero() throws {
        for arguments in [["-h"], ["--help"], ["-help"], ["help"], ["--quiet", "--help"]] {
            let r = try CLI.dip(arguments)
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
            let text = String(decoding: r.stdout, as: UTF8.self)
            XCTAssertTrue(text.contains("USAGE: dip-pipe") && text.contains("--max-memory"), "\(arguments): \(text.prefix(200))")
        }
        for (arguments, filter) in [(["denoise", "--help"], "denoise"), (["denoise", "--sigma", "25", "-h"], "denoise"),
                                    (["copy", "!", "sr", "-help"], "sr")] {
            let r = try CLI.dip(arguments)
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
            let text = String(decoding: r.stdout, as: UTF8.self)
            XCTAssertTrue(text.hasPrefix("\(filter) — ") && text.contains("PARAMETERS:"), "\(arguments): \(text.prefix(120))")
        }
        try assertUsageError(["denoize", "--help"], "did you mean 'denoise'?")
    }

    func testNoFilterIsAUsageErrorNotHelpOnStdout() throws {
        try assertUsageError([], "no filter given", stdin: Fixture.ppm())
        try assertUsageError(["--quiet"], "no filter given", stdin: Fixture.ppm())
    }

    func testTyposGetASuggestion() throws {
        try assertUsageError(["denoize"], "denoize: unknown filter (did you mean 'denoise'?)")
        try assertUsageError(["denoise", "--sigam", "3"], "denoise --sigam: unknown parameter (did you mean '--sigma'?)")
        try assertUsageError(["--quite", "copy"], "--quite: unknown option (did you mean '--quiet'?)")
        try assertUsageError(["--max-memroy", "1G", "copy"], "did you mean '--max-memory'?")
        try assertUsageError(["help", "denoize"], "did you mean 'denoise'?")
        // Nothing close: no guess, a pointer to the list instead.
        try assertUsageError(["zzzzzz"], "unknown filter (try `dip-pipe list`)")
    }

    func testEveryUsageErrorExitsTwo() throws {
        try assertUsageError(["denoise", "--sigma"], "missing value")
        try assertUsageError(["compare", "a.png"], "Missing expected argument")
        try assertUsageError(["compare", "a.png", "b.png", "--crop", "x"], "--crop")
        try assertUsageError(["list", "--nmaes"], "--nmaes")
        try assertUsageError(["--seed", "abc", "copy"], "'abc'")
        // A value that starts with '-' is still the option's value (and refused as a size), not a
        // "missing value".
        try assertUsageError(["--max-memory", "-1G", "copy"], "--max-memory: '-1G' is not a size")
        try assertUsageError(["--max-pixels", "-4", "copy"], "--max-pixels")
    }

    func testSuperResolutionRequiresAScale() throws {
        try assertUsageError(["sr"], "sr --scale: required", stdin: Fixture.ppm())
        let r = try CLI.dip(["sr", "--scale", "2"], stdin: Fixture.ppm(width: 16, height: 12))
        XCTAssertEqual(r.status, 0, r.stderr)
    }
}
