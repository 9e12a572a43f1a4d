import Foundation
import XCTest

/// How a signal ends a run writing a file: every catchable terminating signal as SIGTERM (exit
/// 128 + signal, the complete images kept), and no temporary left even by SIGKILL.
final class CLISignalTests: XCTestCase {
    /// A dip-pipe run whose stdin the test feeds by hand, so it can stop it between images.
    private final class HeldRun {
        let process = Process()
        let stdin = Pipe()
        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: CLI.dipPipe)
            process.arguments = arguments
            process.standardInput = stdin
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }
        func feed(_ data: Data) { stdin.fileHandleForWriting.write(data) }

        /// Waits (at most 30 s) until the run holds its unnamed output file in `dir` with at least
        /// `bytes` bytes, and returns false if it never does.
        func waitForOutput(in dir: String, bytes: Int) -> Bool {
            let fds = "/proc/\(process.processIdentifier)/fd"
            for _ in 0..<3000 {
                for entry in (try? FileManager.default.contentsOfDirectory(atPath: fds)) ?? [] {
                    let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fds)/\(entry)")) ?? ""
                    guard link.hasPrefix(dir), link.hasSuffix("(deleted)") else { continue }
                    var st = stat()   // stat, not lstat: the size of the file the link stands for
                    if stat("\(fds)/\(entry)", &st) == 0, Int(st.st_size) >= bytes { return true }
                }
                usleep(10_000)
            }
            return false
        }

        func stop(with sig: Int32) -> Int32 {
            kill(process.processIdentifier, sig)
            process.waitUntilExit()
            try? stdin.fileHandleForWriting.close()
            return process.terminationStatus
        }
    }

    private func files(in dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    func testEveryTerminatingSignalKeepsTheCompleteImages() throws {
        let dir = try CLI.tempDir(self)
        let first = Fixture.ppm(), second = Fixture.ppm(phase: 7)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGALRM, SIGXCPU] {
            let out = "\(dir)/out-\(sig).ppm"
            let run = try HeldRun(["--quiet", "--output", out, "copy"])
            run.feed(first + second.prefix(40))   // image 1, then the start of image 2
            XCTAssertTrue(run.waitForOutput(in: dir, bytes: first.count), "signal \(sig): image 1 never written")
            XCTAssertEqual(run.stop(with: sig), 128 + sig, "signal \(sig)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), first,
                           "signal \(sig): the file holds exactly the complete image")
        }
        XCTAssertEqual(files(in: dir).count, 7, "no temporary left: \(files(in: dir))")
    }

    func testASignalBeforeAnyCompleteImageLeavesNoFile() throws {
        let dir = try CLI.tempDir(self)
        let run = try HeldRun(["--quiet", "--output", dir + "/out.ppm", "copy"])
        XCTAssertTrue(run.waitForOutput(in: dir, bytes: 0))
        run.feed(Fixture.ppm().prefix(40))
        XCTAssertEqual(run.stop(with: SIGTERM), 128 + SIGTERM)
        XCTAssertEqual(files(in: dir), [])
    }

    func testSIGKILLLeavesTheOldFileAndNoTemporary() throws {
        let dir = try CLI.tempDir(self)
        let out = dir + "/out.ppm"
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        let run = try HeldRun(["--quiet", "--output", out, "copy"])
        run.feed(Fixture.ppm())
        XCTAssertTrue(run.waitForOutput(in: dir, bytes: Fixture.ppm().count))
        XCTAssertEqual(run.stop(with: SIGKILL), SIGKILL)
        XCTAssertEqual(files(in: dir), ["out.ppm"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), Data("old".utf8))
    }
}
