import XCTest
import Foundation
@testable import FilterAPI

final class StreamReaderTests: XCTestCase {
    typealias T = CodecTestSupport

    /// Seven netpbm images of different variants, back to back, as netpbm tools emit them.
    static var mixedNetpbmStream: [[UInt8]] {
        let files = CodecPNMTests.netpbmFiles
        return [files[0].1, files[3].1, files[5].1, files[8].1, files[10].1, files[11].1, files[13].1]
    }

    func readAll(_ reader: ImageStreamReader) throws -> [Image] {
        var images: [Image] = []
        while let image = try reader.next() { images.append(image) }
        return images
    }

    /// Writes images through ImageStreamWriter into a temporary file and returns its bytes.
    func writeAll(_ images: [Image], formats: [ImageFormat]) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dip-stream-\(getpid())-\(UUID())").path
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { unlink(path) }
        let writer = ImageStreamWriter(fileDescriptor: fd, name: "out")
        for (image, format) in zip(images, formats) { try writer.write(image, as: format, options: .init()) }
        close(fd)
        XCTAssertEqual(writer.imagesWritten, images.count)
        return [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    }

    func testMixedSevenImageNetpbmStreamPassesThroughByteForByte() throws {
        let parts = Self.mixedNetpbmStream
        let stream = parts.flatMap { $0 }
        let reader = ImageStreamReader(bytes: stream, name: "stdin")
        var images: [Image] = []
        var formats: [ImageFormat] = []
        while let image = try reader.next() {
            images.append(image)
            formats.append(try XCTUnwrap(reader.lastFormat))
        }
        XCTAssertEqual(images.count, 7)
        XCTAssertEqual(reader.imagesRead, 7)
        XCTAssertEqual(formats, [.pnm, .pnm, .pnm, .pnm, .pnm, .pam, .pam])
        XCTAssertEqual(try writeAll(images, formats: formats), stream)
    }

    func testTenFramePNGStreamIsPixelIdentical() throws {
        var frames: [Image] = []
        for i in 0..<10 {
            let channels = i % 2 == 0 ? 3 : 4
            let bits = i < 5 ? 8 : 16
            frames.append(T.randomImage(width: 12, height: 9, channels: channels, bits: bits, seed: UInt64(i + 100)))
        }
        let stream = try frames.flatMap { try ImageCodec.encode($0, as: .png) }
        let images = try readAll(ImageStreamReader(bytes: stream, name: "stdin"))
        XCTAssertEqual(images, frames)
        let rewritten = try writeAll(images, formats: Array(repeating: .png, count: 10))
        XCTAssertEqual(try readAll(ImageStreamReader(bytes: rewritten, name: "again")), frames)
    }

    func testJPEGStreamIsSplitAtEachEndOfImage() throws {
        let frames = (0..<3).map { _ in T.smoothImage(width: 24, height: 16, channels: 3) }
        var options = EncodeOptions()
        options.jpegProgressive = true
        let stream = try ImageCodec.encode(frames[0], as: .jpeg) + ImageCodec.encode(frames[1], as: .jpeg, options: options)
            + ImageCodec.encode(frames[2], as: .jpeg)
        let images = try readAll(ImageStreamReader(bytes: stream, name: "stdin"))
        XCTAssertEqual(images.count, 3)
        for image in images { XCTAssertGreaterThan(T.psnr(image, frames[0]), 30) }
    }

    func testSingleTIFFIsReadToEndOfInput() throws {
        let image = T.randomImage(width: 9, height: 4, channels: 2, bits: 16)
        let reader = ImageStreamReader(bytes: try ImageCodec.encode(image, as: .tiff), name: "stdin")
        XCTAssertEqual(try reader.next(), image)
        XCTAssertEqual(reader.lastFormat, .tiff)
        XCTAssertNil(try reader.next())
    }

    func testEmptyInputAndWhitespaceOnlyGiveNil() throws {
        XCTAssertNil(try ImageStreamReader(bytes: [], name: "stdin").next())
        let reader = ImageStreamReader(bytes: T.bytes(" \n\n"), name: "stdin")
        XCTAssertNil(try reader.next())
        XCTAssertEqual(reader.imagesRead, 0)
    }

    func testTruncatedSecondImageComesAfterAGoodFirst() throws {
        for format in [ImageFormat.pnm, .png, .pam, .jpeg] {
            let image = T.randomImage(width: 8, height: 8, channels: format == .pam ? 4 : 3, bits: 8)
            let one = try ImageCodec.encode(image, as: format)
            let reader = ImageStreamReader(bytes: one + one.prefix(one.count - 10), name: "stdin")
            XCTAssertNotNil(try reader.next(), "\(format)")
            T.assertBadImage(try reader.next(), name: "stdin image 2", contains: "truncated")
            // The error sticks: the stream cannot be resynchronised.
            XCTAssertThrowsError(try reader.next())
        }
    }

    func testTrailingGarbageAfterAValidImage() throws {
        let one = try ImageCodec.encode(T.randomImage(width: 4, height: 4, channels: 1, bits: 8), as: .png)
        let reader = ImageStreamReader(bytes: one + T.bytes("\ngarbage"), name: "stdin")
        XCTAssertNotNil(try reader.next())
        T.assertBadImage(try reader.next(), name: "stdin image 2", contains: "not an image")
        let unknown = ImageStreamReader(bytes: T.bytes("hello"), name: "stdin")
        T.assertBadImage(try unknown.next(), name: "stdin image 1", contains: "unknown image format")
    }

    func testStreamRefusesHugeImagesFromTheHeader() {
        let reader = ImageStreamReader(bytes: T.bytes("P5\n5000 5000\n255\n"), name: "stdin", maxPixels: 1000)
        T.assertBadImage(try reader.next(), name: "stdin image 1", contains: "limit")
        var png = T.handMadePNG(width: 1, height: 1, bitDepth: 8, colorType: 0, samplesPerPixel: 1, samples: [0])
        png.replaceSubrange(16..<24, with: T.be32(5000) + T.be32(5000))
        T.assertBadImage(try ImageStreamReader(bytes: png, name: "stdin", maxPixels: 1000).next(),
                         name: "stdin image 1", contains: "limit")
    }

    /// Reading from a pipe fed in small pieces returns each image as soon as it is complete,
    /// before the writer has sent the next one.
    func testPipeIsReadOneImageAtATime() throws {
        let parts = Self.mixedNetpbmStream + [try ImageCodec.encode(T.randomImage(width: 30, height: 20, channels: 3, bits: 16), as: .png)]
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let readEnd = fds[0], writeEnd = fds[1]
        let permits = DispatchSemaphore(value: 0)
        let writerThread = Thread {
            for part in parts {
                var offset = 0
                while offset < part.count {   // dribble 5 bytes at a time
                    let n = min(5, part.count - offset)
                    _ = part[offset..<(offset + n)].withUnsafeBytes { write(writeEnd, $0.baseAddress, n) }
                    offset += n
                }
                permits.wait()   // don't send the next image until the reader has this one
            }
            close(writeEnd)
        }
        writerThread.start()
        let reader = ImageStreamReader(fileDescriptor: readEnd, name: "stdin")
        var count = 0
        while let image = try reader.next() {
            count += 1
            XCTAssertGreaterThan(image.width, 0)
            permits.signal()
        }
        close(readEnd)
        XCTAssertEqual(count, parts.count)
    }
}

/// The named-temporary fallback of AtomicFile (filesystems without O_TMPFILE).
final class AtomicFileFallbackTests: XCTestCase {
    func testStaleTemporariesOfDeadRunsAreRemovedAndLiveOnesKept() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dip-stale-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // pid_max is at most 2^22, so no process has PID 2^31 − 1.
        let names = [".out.png.dip-2147483647-aB3xYz", ".out.png.dip-\(getpid())-q1w2e3", ".other.png.dip-2147483647-zzz", "out.png"]
        for name in names { _ = FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: Data()) }
        AtomicFile.removeStaleTemporaries(in: dir, prefix: ".out.png.dip-")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(),
                       [".other.png.dip-2147483647-zzz", ".out.png.dip-\(getpid())-q1w2e3", "out.png"])
    }
}
