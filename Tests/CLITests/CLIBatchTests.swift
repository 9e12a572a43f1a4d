import Foundation
import XCTest

/// `dip-pipe batch`: many files through one chain, sharded, resumable, each output what a plain
/// run of that item writes.
final class CLIBatchTests: XCTestCase {
    private func makeInputs(_ dir: String, count: Int = 5) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for k in 1...count {
            try Fixture.ppm(width: 20, height: 16, phase: 9 * k).write(to: URL(fileURLWithPath: "\(dir)/img\(k).ppm"))
        }
    }

    func testShardsCoverEveryItemOnceAndMatchPlainRuns() throws {
        let dir = try CLI.tempDir(self)
        try makeInputs(dir + "/in")
        let chain = ["add-noise", "--sigma", "10", "!", "denoise"]
        for shard in ["1/2", "2/2"] {
            let r = try CLI.dip(["--seed", "4", "--quiet", "batch", "--inputs", dir + "/in", "--outputs", dir + "/out",
                                 "--shard", shard] + chain)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        for k in 1...5 {
            let out = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/out/img\(k).ppm"))
            let plain = try CLI.dip(["--seed", "4", "--quiet"] + chain + ["\(dir)/in/img\(k).ppm"])
            XCTAssertEqual(out, plain.stdout, "img\(k): batch output differs from a plain run")
            let record = try String(contentsOfFile: "\(dir)/out/img\(k).ppm.dip.json", encoding: .utf8)
            XCTAssertTrue(record.contains("\"status\":0,") && record.contains("\"seed\":4"), record)
        }
        // A second pass over both shards redoes nothing.
        let again = try CLI.dip(["--seed", "4", "batch", "--inputs", dir + "/in", "--outputs", dir + "/out"] + chain)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("5 item(s): 0 done, 5 already done, 0 failed"), again.stderr)
        // Another seed is another run: everything is redone.
        let reseeded = try CLI.dip(["--seed", "5", "--quiet", "batch", "--inputs", dir + "/in", "--outputs", dir + "/out"] + chain)
        XCTAssertTrue(reseeded.stderr.contains("5 done, 0 already done"), reseeded.stderr)
    }

    func testABadItemIsRecordedAndTheOthersGoOn() throws {
        let dir = try CLI.tempDir(self)
        try makeInputs(dir + "/in", count: 2)
        try Data("not an image\n".utf8).write(to: URL(fileURLWithPath: dir + "/in/bad.ppm"))
        let r = try CLI.dip(["--quiet", "batch", "--inputs", dir + "/in", "--outputs", dir + "/out", "copy"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("bad.ppm") && r.stderr.contains("2 done, 0 already done, 1 failed"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out/bad.ppm"), "a half or empty output was left")
        let record = try String(contentsOfFile: dir + "/out/bad.ppm.dip.json", encoding: .utf8)
        XCTAssertTrue(record.contains("\"status\":1,") && record.contains("unknown image format"), record)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/out/img1.ppm")), Fixture.ppm(width: 20, height: 16, phase: 9))
    }

    func testPerItemMasksAndFormat() throws {
        let dir = try CLI.tempDir(self)
        try makeInputs(dir + "/in", count: 2)
        try FileManager.default.createDirectory(atPath: dir + "/masks", withIntermediateDirectories: true)
        var mask = Array("P5\n20 16\n255\n".utf8) + [UInt8](repeating: 255, count: 20 * 16)
        for y in 5..<9 { for x in 6..<12 { mask[mask.count - 20 * 16 + y * 20 + x] = 0 } }
        try Data(mask).write(to: URL(fileURLWithPath: dir + "/masks/img1.pgm"))   // none for img2
        let r = try CLI.dip(["--quiet", "--format", "png", "batch", "--inputs", dir + "/in", "--outputs", dir + "/out",
                             "inpaint", "--mask", dir + "/masks/{stem}.pgm"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/out/img1.png"))
        XCTAssertTrue(r.stderr.contains("img2.pgm"), "the missing mask is named: \(r.stderr)")
    }

    /// Two processes on the same items (a shard submitted twice): the atomic writes leave every
    /// output complete and equal to a plain run, whoever finishes last.
    func testTwoProcessesRacingOnTheSameItems() throws {
        let dir = try CLI.tempDir(self)
        try makeInputs(dir + "/in", count: 4)
        let batch = "\"$DIP\" --quiet --seed 1 batch --inputs '\(dir)/in' --outputs '\(dir)/out' add-noise --sigma 10 ! denoise"
        let r = try CLI.shell("\(batch) & \(batch) & wait")
        XCTAssertEqual(r.status, 0, r.stderr)
        for k in 1...4 {
            let plain = try CLI.dip(["--quiet", "--seed", "1", "add-noise", "--sigma", "10", "!", "denoise", "\(dir)/in/img\(k).ppm"])
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/out/img\(k).ppm")), plain.stdout, "img\(k)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "temporaries left")
    }

    /// A cluster task computes with the CPUs it was given; the result must not depend on how many.
    func testThreadCountDoesNotChangeTheOutput() throws {
        let chain = ["--quiet", "--seed", "2", "add-noise", "--sigma", "15", "!", "denoise", "--preset", "quality", "--iters", "3"]
        let one = try CLI.dip(["--threads", "1"] + chain, stdin: Fixture.ppm())
        let two = try CLI.dip(["--threads", "2"] + chain, stdin: Fixture.ppm())
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(one.stdout, two.stdout)
        XCTAssertFalse(one.stdout.isEmpty)
        let bad = try CLI.dip(["--threads", "0", "copy"], stdin: Fixture.ppm())
        XCTAssertEqual(bad.status, 2, bad.stderr)
    }

    func testBadBatchOptions() throws {
        for (arguments, expected) in [(["batch", "--inputs", "x", "copy"], "--outputs: required"),
                                      (["batch", "--inputs", "x", "--outputs", "y", "--shard", "3/2", "copy"], "not I/N"),
                                      (["batch", "--inputs", "/nonexistent", "--outputs", "y", "copy"], "no such folder"),
                                      (["batch", "--inputs", "x", "--outputs", "y"], "no filter given"),
                                      (["batch", "--inputs", "x", "--outputs", "y", "denoize"], "did you mean 'denoise'"),
                                      (["batch", "--inputs", "x", "--outputs", "y", "sr"], "sr --scale: required")] {
            let r = try CLI.dip(arguments)
            XCTAssertEqual(r.status, arguments.contains("/nonexistent") ? 1 : 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(expected), "\(arguments): \(r.stderr)")
        }
    }
}
