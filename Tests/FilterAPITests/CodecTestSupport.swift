import XCTest
import Foundation
@testable import FilterAPI

/// Synthetic test images and hand-made encoded bytes for the codec and stream tests.
enum CodecTestSupport {
    /// A deterministic pseudo-random image whose samples are exact multiples of 1/maxval.
    static func randomImage(width: Int, height: Int, channels: Int, bits: Int, seed: UInt64 = 1,
                            maxval: Int? = nil) -> Image {
        let top = maxval ?? ((1 << bits) - 1)
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var pixels = [Float](repeating: 0, count: width * height * channels)
        for i in pixels.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            pixels[i] = Float(Int(state % UInt64(top + 1))) / Float(top)
        }
        return Image(width: width, height: height, channels: channels, format: .unsigned(bits: bits),
                     maxval: maxval, pixels: pixels)
    }

    /// A smooth colour gradient (for lossy JPEG checks).
    static func smoothImage(width: Int, height: Int, channels: Int) -> Image {
        var image = Image(width: width, height: height, channels: channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    let fx = Float(x) / Float(width), fy = Float(y) / Float(height)
                    let v = 0.5 + 0.35 * sin(3 * fx + 2 * fy + Float(c)) * cos(2 * fy - Float(c) * fx)
                    image[x, y, c] = (v * 255).rounded() / 255
                }
            }
        }
        return image
    }

    static func psnr(_ a: Image, _ b: Image) -> Double {
        var sum = 0.0
        for (x, y) in zip(a.pixels, b.pixels) { sum += Double((x - y) * (x - y)) }
        let mse = sum / Double(a.pixels.count)
        return mse == 0 ? .infinity : 10 * log10(1 / mse)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    // MARK: - A minimal PNG writer (stored deflate blocks) for layouts our encoder never writes

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return crc ^ 0xFFFF_FFFF
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    /// zlib stream of stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return out + be32(b << 16 | a)
    }

    /// A PNG of `samples` (one value per sample, already at `bitDepth`) with the given colour type,
    /// optional palette/tRNS, and Adam7 interlacing when asked. Rows use filter type 0.
    static func handMadePNG(width: Int, height: Int, bitDepth: Int, colorType: UInt8,
                            samplesPerPixel: Int, samples: [Int], palette: [UInt8]? = nil,
                            trns: [UInt8]? = nil, interlaced: Bool = false) -> [UInt8] {
        func packRow(_ xs: [Int], _ y: Int) -> [UInt8] {
            var row: [UInt8] = [0]
            var acc = 0, nbits = 0
            for x in xs {
                for s in 0..<samplesPerPixel {
                    let v = samples[(y * width + x) * samplesPerPixel + s]
                    if bitDepth == 16 {
                        row += [UInt8(v >> 8), UInt8(v & 0xFF)]
                    } else {
                        acc = acc << bitDepth | v; nbits += bitDepth
                        if nbits == 8 { row.append(UInt8(acc)); acc = 0; nbits = 0 }
                    }
                }
            }
            if nbits > 0 { row.append(UInt8(acc << (8 - nbits))) }
            return row
        }
        var raw: [UInt8] = []
        if interlaced {
            let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            for (x0, y0, dx, dy) in passes {
                let xs = Array(stride(from: x0, to: width, by: dx))
                if xs.isEmpty { continue }
                for y in stride(from: y0, to: height, by: dy) { raw += packRow(xs, y) }
            }
        } else {
            for y in 0..<height { raw += packRow(Array(0..<width), y) }
        }
        var ihdr = be32(UInt32(width)) + be32(UInt32(height))
        ihdr += [UInt8(bitDepth), colorType, 0, 0, interlaced ? 1 : 0]
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", ihdr)
        if let palette { png += chunk("PLTE", palette) }
        if let trns { png += chunk("tRNS", trns) }
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return png
    }

    // MARK: - Helpers

    /// Runs `body` with fd 2 redirected to a pipe and returns what was written to it.
    static func capturingStderr(_ body: () throws -> Void) rethrows -> String {
        fflush(stderr)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { try body(); return "" }
        let saved = dup(2)
        dup2(fds[1], 2)
        close(fds[1])
        defer {
            fflush(stderr)
            dup2(saved, 2)
            close(saved)
        }
        try body()
        fflush(stderr)
        dup2(saved, 2)
        var output: [UInt8] = []
        var flags = fcntl(fds[0], F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(fds[0], F_SETFL, flags)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        close(fds[0])
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether a command-line tool is on PATH.
    static func hasTool(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// Runs a shell command and returns its stdout bytes (nil if it failed).
    static func shell(_ command: String) -> [UInt8]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? [UInt8](data) : nil
    }

    /// Asserts `body` throws DipError.badImage whose input is `name` and whose one-line problem
    /// contains `fragment` (case-insensitive).
    static func assertBadImage(_ body: @autoclosure () throws -> Any?, name: String, contains fragment: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try body()
            XCTFail("expected badImage(\(name), …\(fragment)…), got success", file: file, line: line)
        } catch let DipError.badImage(input, problem) {
            XCTAssertEqual(input, name, file: file, line: line)
            XCTAssertTrue(problem.lowercased().contains(fragment.lowercased()),
                          "problem '\(problem)' lacks '\(fragment)'", file: file, line: line)
            XCTAssertFalse(problem.contains("\n"), "message is not one line: \(problem)", file: file, line: line)
        } catch {
            XCTFail("expected badImage, got \(error)", file: file, line: line)
        }
    }
}
