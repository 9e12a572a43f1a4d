import Foundation
import XCTest

/// `--temporal`: in a stream, a DIP filter warm starts from its fit of the previous image.
final class CLITemporalTests: XCTestCase {
    /// A short DIP fit; a given σ, so the result is the fit blended with the input, never the input.
    static let chain = ["denoise", "--preset", "paper", "--iters", "8", "--sigma", "25"]

    /// The step totals of each image's fit, from `--progress json`.
    func totals(_ stderr: String) -> [Int] {
        stderr.split(separator: "\n").filter { $0.contains("\"event\":\"progress\"") && $0.contains("\"step\":1,") }
            .compactMap { line in
                line.range(of: "\"total\":").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) }
            }
    }

    func testWarmStartsContinueSameSizeFramesAndRestartAtASizeChange() throws {
        let frames = [Fixture.ppm(width: 32, height: 32), Fixture.ppm(width: 32, height: 32, phase: 1),
                      Fixture.ppm(width: 40, height: 32, phase: 1), Fixture.ppm(width: 32, height: 32)]
        let warm = try CLI.dip(["--progress", "json", "--seed", "3"] + Self.chain, stdin: frames.reduce(Data(), +))
        XCTAssertEqual(warm.status, 0, warm.stderr)
        XCTAssertEqual(totals(warm.stderr), [8, 1, 8, 8], "fresh, warm (an eighth of the steps), fresh at each size change")
        let off = try CLI.dip(["--quiet", "--seed", "3", "--temporal", "off"] + Self.chain, stdin: frames.reduce(Data(), +))
        XCTAssertEqual(off.status, 0, off.stderr)
        // Each output image's length (header and pixels) is its copy's: split both streams by them.
        let lengths = try frames.map { try CLI.dip(["--quiet", "copy"], stdin: $0).stdout.count }
        XCTAssertEqual(warm.stdout.count, lengths.reduce(0, +), "every frame comes out")
        XCTAssertEqual(off.stdout.count, lengths.reduce(0, +))
        func image(_ data: Data, _ k: Int) -> Data {
            Data(data.dropFirst(lengths.prefix(k).reduce(0, +)).prefix(lengths[k]))
        }
        XCTAssertEqual(image(warm.stdout, 0), image(off.stdout, 0), "the first frame is an ordinary fit")
        XCTAssertNotEqual(image(warm.stdout, 1), image(off.stdout, 1), "the second continues the first's fit")
        XCTAssertEqual(image(warm.stdout, 2), image(off.stdout, 2), "after a size change the fit starts fresh")
        XCTAssertEqual(image(warm.stdout, 3), image(off.stdout, 3))
        let single = try CLI.dip(["--quiet", "--seed", "3"] + Self.chain, stdin: frames[3])
        XCTAssertEqual(single.stdout, image(off.stdout, 3), "--temporal off: every image as if alone")
    }

    func testTemporalTakesOnOrOff() throws {
        let r = try CLI.dip(["--temporal", "maybe", "copy"], stdin: Fixture.ppm())
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--temporal") && r.stderr.contains("'maybe'"), r.stderr)
    }

    func testDeflickerTakesOnOrOff() throws {
        let r = try CLI.dip(["--deflicker", "maybe", "copy"], stdin: Fixture.ppm())
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--deflicker") && r.stderr.contains("'maybe'"), r.stderr)
    }

    func testDeflickerChangesRestoredFramesOnlyAndOnlyInAStream() throws {
        let frames = [Fixture.ppm(width: 32, height: 32), Fixture.ppm(width: 32, height: 32, phase: 1)]
        let stream = frames.reduce(Data(), +)
        let copied = try CLI.dip(["--quiet", "copy"], stdin: stream)
        XCTAssertEqual(copied.stdout, stream, "an exact operation's stream is never deflickered")
        let off = try CLI.dip(["--quiet", "--deflicker", "off", "deflicker"], stdin: stream)
        XCTAssertEqual(off.stdout, stream, "--deflicker off: unchanged")
        let on = try CLI.dip(["--quiet", "deflicker"], stdin: stream)
        XCTAssertEqual(on.status, 0, on.stderr)
        XCTAssertEqual(on.stdout.count, stream.count, "every frame comes out")
        XCTAssertEqual(Data(on.stdout.prefix(frames[0].count)), frames[0], "the first frame has nothing to agree with")
        XCTAssertNotEqual(on.stdout, stream, "the second is pulled toward the first")
    }
}
