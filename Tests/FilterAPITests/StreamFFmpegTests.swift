import XCTest
@testable import FilterAPI

/// Streams as ffmpeg's image2pipe muxer writes them (skipped when ffmpeg is not installed).
final class StreamFFmpegTests: XCTestCase {
    typealias T = CodecTestSupport

    func ffmpegFrames(_ codec: String, pixelFormat: String) throws -> [UInt8] {
        guard T.hasTool("ffmpeg") else { throw XCTSkip("ffmpeg not installed") }
        let command = "ffmpeg -nostdin -v error -f lavfi -i testsrc=size=40x30:rate=10 -frames:v 6 "
            + "-f image2pipe -vcodec \(codec) -pix_fmt \(pixelFormat) -"
        guard let bytes = T.shell(command), !bytes.isEmpty else { throw XCTSkip("ffmpeg failed: \(command)") }
        return bytes
    }

    func passThrough(_ bytes: [UInt8]) throws -> (images: [Image], output: [UInt8]) {
        let reader = ImageStreamReader(bytes: bytes, name: "stdin")
        var images: [Image] = []
        var output: [UInt8] = []
        while let image = try reader.next() {
            images.append(image)
            output += try ImageCodec.encode(image, as: try XCTUnwrap(reader.lastFormat))
        }
        return (images, output)
    }

    func testPPMAndPAMStreamsPassThroughByteForByte() throws {
        for (codec, format) in [("ppm", "rgb24"), ("ppm", "rgb48be"), ("pam", "rgba"), ("pgm", "gray")] {
            let bytes = try ffmpegFrames(codec, pixelFormat: format)
            let (images, output) = try passThrough(bytes)
            XCTAssertEqual(images.count, 6, "\(codec) \(format)")
            XCTAssertEqual(output, bytes, "\(codec) \(format)")
        }
    }

    func testPNGStreamIsPixelIdentical() throws {
        let bytes = try ffmpegFrames("png", pixelFormat: "rgb24")
        let (images, output) = try passThrough(bytes)
        XCTAssertEqual(images.count, 6)
        XCTAssertEqual(try passThrough(output).images, images)
    }
}
