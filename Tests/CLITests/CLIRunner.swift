import Foundation
import XCTest

/// Runs the built `dip-pipe` (and other tools) as a user would: bytes in on stdin, bytes and
/// messages out, exit status.
struct RunResult {
    var status: Int32
    var stdout: Data
    var stderr: String
}

/// One reader thread's output; handed back through DispatchGroup.wait(), which orders the accesses.
private final class Collected: @unchecked Sendable {
    var data = Data()
}

enum CLI {
    /// The dip-pipe binary beside the test bundle (`swift build` puts both in the same folder), or
    /// the path in DIP_PIPE.
    static var dipPipe: String {
        if let path = ProcessInfo.processInfo.environment["DIP_PIPE"] { return path }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("dip-pipe").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for config in ["debug", "release"] {
            let candidate = FileManager.default.currentDirectoryPath + "/.build/\(config)/dip-pipe"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "dip-pipe"
    }

    /// Absolute path of a tool on PATH, or nil.
    static func tool(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: Data = Data(),
                    cwd: String? = nil) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        // Feed stdin and drain both outputs concurrently so no pipe fills up and blocks.
        let group = DispatchGroup()
        let out = Collected(), err = Collected()
        DispatchQueue.global().async(group: group) {
            try? inPipe.fileHandleForWriting.write(contentsOf: stdin)
            try? inPipe.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) { out.data = outPipe.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { err.data = errPipe.fileHandleForReading.readDataToEndOfFile() }
        group.wait()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: out.data,
                         stderr: String(decoding: err.data, as: UTF8.self))
    }

    static func dip(_ arguments: [String], stdin: Data = Data(), cwd: String? = nil) throws -> RunResult {
        try run(dipPipe, arguments, stdin: stdin, cwd: cwd)
    }

    /// Runs a shell pipeline with bash (for ffmpeg/netpbm recipes exactly as users type them).
    static func shell(_ script: String, cwd: String? = nil) throws -> RunResult {
        var env = "DIP=\(dipPipe); "
        env += "set -o pipefail; "
        return try run("/bin/bash", ["-c", env + script], cwd: cwd)
    }

    /// A fresh temporary directory, removed when the test ends.
    static func tempDir(_ test: XCTestCase) throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("dip-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }
}

/// Small images made in the tests, as raw PNM bytes (no codec needed to make them).
enum Fixture {
    /// A smooth RGB gradient with some structure, as binary PPM.
    static func ppm(width: Int = 48, height: Int = 32, maxval: Int = 255, phase: Int = 0) -> Data {
        var bytes = Array("P6\n\(width) \(height)\n\(maxval)\n".utf8)
        for y in 0..<height {
            for x in 0..<width {
                let r = (x * 255 / max(1, width - 1) + phase) % 256
                let g = (y * 255 / max(1, height - 1) + 3 * phase) % 256
                let b = ((x ^ y) * 8 + phase) % 256
                for v in [r, g, b] {
                    let s = v * maxval / 255
                    if maxval > 255 { bytes += [UInt8(s >> 8), UInt8(s & 255)] } else { bytes.append(UInt8(s)) }
                }
            }
        }
        return Data(bytes)
    }

    static func pgm(width: Int = 40, height: Int = 24, plain: Bool = false) -> Data {
        var text = "\(plain ? "P2" : "P5")\n\(width) \(height)\n255\n"
        var bytes: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let v = (x * 7 + y * 13) % 256
                if plain { text += "\(v)\(x == width - 1 ? "\n" : " ")" } else { bytes.append(UInt8(v)) }
            }
        }
        return plain ? Data(text.utf8) : Data(Array(text.utf8) + bytes)
    }

    static func pam(width: Int = 20, height: Int = 10, depth: Int = 4, maxval: Int = 65535) -> Data {
        let tuple = depth == 4 ? "RGB_ALPHA" : depth == 2 ? "GRAYSCALE_ALPHA" : depth == 3 ? "RGB" : "GRAYSCALE"
        var bytes = Array("P7\nWIDTH \(width)\nHEIGHT \(height)\nDEPTH \(depth)\nMAXVAL \(maxval)\nTUPLTYPE \(tuple)\nENDHDR\n".utf8)
        for i in 0..<(width * height * depth) {
            let v = (i * 2_654_435_761) % (maxval + 1)
            if maxval > 255 { bytes += [UInt8(v >> 8), UInt8(v & 255)] } else { bytes.append(UInt8(v)) }
        }
        return Data(bytes)
    }
}
