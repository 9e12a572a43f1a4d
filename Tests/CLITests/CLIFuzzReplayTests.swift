import Foundation
import XCTest

/// The fuzz targets (Tests/Fuzz) replayed without libFuzzer: the seed corpora the project makes
/// and every past finding (Tests/Fuzz/regressions/TARGET) go through each target once and must
/// end in a decoded image or a DipError — never a trap. `scripts/fuzz.sh` runs the campaigns.
final class CLIFuzzReplayTests: XCTestCase {
    private var dipFuzz: String {
        URL(fileURLWithPath: CLI.dipPipe).deletingLastPathComponent().appendingPathComponent("dip-fuzz").path
    }

    func testSeedsAndPastFindingsReplayCleanly() throws {
        guard FileManager.default.isExecutableFile(atPath: dipFuzz) else { throw XCTSkip("dip-fuzz not built beside dip-pipe") }
        let dir = try CLI.tempDir(self)
        let seeds = try CLI.run(dipFuzz, ["--seeds", dir])
        XCTAssertEqual(seeds.status, 0, seeds.stderr)
        let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/regressions").path
        for target in ["decode", "stream", "spec"] {
            var files = try FileManager.default.contentsOfDirectory(atPath: dir + "/" + target).map { dir + "/\(target)/" + $0 }
            XCTAssertGreaterThan(files.count, 5, target)
            files += try FileManager.default.contentsOfDirectory(atPath: regressions + "/" + target)
                .map { regressions + "/\(target)/" + $0 }
            let r = try CLI.run(dipFuzz, [target] + files)
            XCTAssertEqual(r.status, 0, "\(target): \(r.stderr)")
            XCTAssertTrue(String(decoding: r.stdout, as: UTF8.self).contains("\(files.count) inputs, no finding"), target)
        }
    }
}
