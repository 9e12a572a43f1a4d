import Foundation
import XCTest

/// Progress for people and scripts: JSON lines with start, progress, stop, done and error events
/// (README "Progress"), and on a terminal one line that fits its width and is redrawn in place.
final class CLIProgressTests: XCTestCase {
    private func events(_ stderr: String) throws -> [[String: Any]] {
        try stderr.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(line)")
        }
    }

    func testJSONEventsOfARun() throws {
        let r = try CLI.dip(["--progress", "json", "denoise", "--preset", "quality", "--iters", "3"],
                            stdin: Fixture.ppm(width: 24, height: 20))
        XCTAssertEqual(r.status, 0, r.stderr)
        let list = try events(r.stderr)
        XCTAssertEqual(list.map { $0["event"] as? String }, ["start", "progress", "progress", "progress", "stop", "done"])
        XCTAssertEqual(list[0]["width"] as? Int, 24)
        XCTAssertEqual(list[0]["chain"] as? [String], ["denoise"])
        XCTAssertEqual(list[3]["step"] as? Int, 3)
        XCTAssertEqual(list[3]["total"] as? Int, 3)
        XCTAssertNotNil(list[2]["loss"] as? Double)
        XCTAssertEqual(list[4]["reason"] as? String, "finished")
        XCTAssertEqual(list[4]["step"] as? Int, 3)
        XCTAssertEqual(list[5]["image"] as? Int, 1)
    }

    func testJSONStopSaysWhyAndErrorsAreEvents() throws {
        let timed = try CLI.dip(["--progress", "json", "denoise", "--preset", "quality", "--iters", "100000",
                                 "--max-seconds", "0.2"], stdin: Fixture.ppm(width: 24, height: 20))
        XCTAssertEqual(timed.status, 0, timed.stderr)
        let stop = try XCTUnwrap(try events(timed.stderr).first { $0["event"] as? String == "stop" })
        XCTAssertTrue((stop["reason"] as? String ?? "").contains("--max-seconds"), "\(stop)")

        let bad = try CLI.dip(["--progress", "json", "copy"], stdin: Data("not an image\n".utf8))
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stdout.count, 0)
        let list = try events(bad.stderr)
        XCTAssertEqual(list.count, 1, bad.stderr)
        XCTAssertEqual(list.first?["event"] as? String, "error")
        XCTAssertEqual(list.first?["status"] as? Int, 1)
        XCTAssertTrue((list.first?["message"] as? String ?? "").contains("stdin"), bad.stderr)
    }

    /// Under a pseudo-terminal (util-linux `script`) of 50 columns every redraw of the line fits in
    /// 49 columns and carries a bar; the last one shows the bar full.
    func testTerminalLineFitsTheWidth() throws {
        guard let script = CLI.tool("script"), let stty = CLI.tool("stty") else {
            throw XCTSkip("no script(1)/stty(1) to make a terminal")
        }
        let dir = try CLI.tempDir(self)
        try Fixture.ppm(width: 24, height: 20).write(to: URL(fileURLWithPath: dir + "/in.ppm"))
        let command = "\(stty) cols 50; \(CLI.dipPipe) denoise --preset quality --iters 30 \(dir)/in.ppm > \(dir)/out.ppm"
        let r = try CLI.run(script, ["-qc", command, "/dev/null"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let redraws = String(decoding: r.stdout, as: UTF8.self)
            .components(separatedBy: "\r\u{1B}[K").dropFirst()
            .map { $0.trimmingCharacters(in: .newlines) }
        XCTAssertFalse(redraws.isEmpty, String(decoding: r.stdout, as: UTF8.self))
        for line in redraws {
            XCTAssertLessThanOrEqual(line.count, 49, line)
            XCTAssertTrue(line.hasPrefix("denoise") && line.contains("["), line)
        }
        XCTAssertTrue(redraws.last?.contains("30/30") ?? false, "\(redraws.last ?? "")")
        XCTAssertFalse(redraws.last?.contains(".]") ?? true, "last bar not full: \(redraws.last ?? "")")
        XCTAssertGreaterThan(try Data(contentsOf: URL(fileURLWithPath: dir + "/out.ppm")).count, 0)
    }
}
