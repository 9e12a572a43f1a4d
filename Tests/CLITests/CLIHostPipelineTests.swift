import Foundation
import XCTest

/// The pipelines users build with real ffmpeg and netpbm (installed by .ci/run; skipped where absent).
final class CLIHostPipelineTests: XCTestCase {
    private func require(_ tools: String...) throws {
        for t in tools where CLI.tool(t) == nil { throw XCTSkip("\(t) is not installed") }
    }

    func testFFmpegPPMRoundTripKeepsAllTenFrames() throws {
        try require("ffmpeg", "ffprobe")
        let dir = try CLI.tempDir(self)
        let r = try CLI.shell("""
            ffmpeg -v error -f lavfi -i testsrc=size=64x48:rate=10 -frames:v 10 -pix_fmt yuv444p -c:v ffv1 clip.mkv &&
            ffmpeg -v error -i clip.mkv -f image2pipe -vcodec ppm - | "$DIP" --quiet resize --scale 1 |
              ffmpeg -v error -f image2pipe -vcodec ppm -framerate 10 -i - -c:v ffv1 out.mkv &&
            ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 out.mkv
            """, cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), "10")
    }

    func testFFmpegPNGStreamKeepsAllTenFrames() throws {
        try require("ffmpeg", "ffprobe")
        let dir = try CLI.tempDir(self)
        let r = try CLI.shell("""
            ffmpeg -v error -f lavfi -i testsrc=size=64x48:rate=10 -frames:v 10 -f image2pipe -vcodec png - |
              "$DIP" --quiet add-noise --sigma 3 |
              ffmpeg -v error -f image2pipe -vcodec png -framerate 10 -i - -c:v ffv1 out.mkv &&
            ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 out.mkv
            """, cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), "10")
    }

    func testFFmpegFramesSurviveUnchanged() throws {
        try require("ffmpeg")
        let dir = try CLI.tempDir(self)
        let r = try CLI.shell("""
            ffmpeg -v error -f lavfi -i testsrc=size=32x32:rate=10 -frames:v 10 -f image2pipe -vcodec ppm - > in.ppm &&
            "$DIP" --quiet copy < in.ppm > out.ppm && cmp in.ppm out.ppm && echo same
            """, cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "same\n")
    }

    func testPamfileCountsEveryImage() throws {
        try require("pamfile", "pnmcat")
        let dir = try CLI.tempDir(self)
        let stream = (0..<5).map { Fixture.ppm(phase: $0) }.reduce(Data(), +) + Fixture.pam(depth: 4, maxval: 255)
        try stream.write(to: URL(fileURLWithPath: dir + "/in.pnm"))
        let r = try CLI.shell("\"$DIP\" --quiet add-noise --sigma 2 < in.pnm | pamfile -count", cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        // pamfile -count prints "stdin:\t6 images".
        let words = String(decoding: r.stdout, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        XCTAssertEqual(words.dropFirst().first, "6", String(decoding: r.stdout, as: UTF8.self))
    }

    func testNetpbmProducesWhatDipReads() throws {
        try require("pgmramp", "pnmtopng")
        let dir = try CLI.tempDir(self)
        let r = try CLI.shell("""
            pgmramp -lr 64 32 | pnmtopng > ramp.png && "$DIP" --quiet resize --scale 1 < ramp.png | pngtopnm | cmp - <(pgmramp -lr 64 32) && echo same
            """, cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "same\n")
    }
}
