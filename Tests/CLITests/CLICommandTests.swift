import Foundation
import XCTest

/// The fixed commands (list, help, compare) and global options.
final class CLICommandTests: XCTestCase {
    func testListNamesEveryFilter() throws {
        let r = try CLI.dip(["list", "--names"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        for expected in ["copy", "resize", "add-noise", "downscale", "drop-pixels", "jpeg"] {
            XCTAssertTrue(names.contains(expected), "list lacks \(expected): \(names)")
        }
    }

    func testHelpShowsDeclaredParameters() throws {
        let r = try CLI.dip(["help", "add-noise"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = String(decoding: r.stdout, as: UTF8.self)
        XCTAssertTrue(text.contains("--sigma"), text)
        XCTAssertTrue(text.contains("add-noise"), text)
    }

    /// Every parameter of every DIP filter shows its default: a value, or in words what its
    /// absence means (a second image such as --mask, or sr's --scale, is required instead).
    func testHelpShowsEveryDefault() throws {
        for filter in ["denoise", "deblock", "sr", "inpaint", "flash", "resize", "add-noise", "drop-pixels"] {
            let r = try CLI.dip(["help", filter])
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
            guard let start = lines.firstIndex(of: "PARAMETERS:") else { XCTFail("\(filter): no PARAMETERS"); continue }
            let body = Array(lines[(start + 1)...])
            for (i, line) in body.enumerated() where line.hasPrefix("  --") && !line.contains("<file>") {
                let help = i + 1 < body.count ? body[i + 1] : ""
                XCTAssertTrue(help.contains("default") || help.contains("required)"),
                              "\(filter) \(line.trimmingCharacters(in: .whitespaces)) shows no default: \(help)")
            }
        }
        let denoise = String(decoding: try CLI.dip(["help", "denoise"]).stdout, as: UTF8.self)
        XCTAssertTrue(denoise.contains("--iters <int>") && denoise.contains("default: the preset's ("), denoise)
    }

    func testVersionMatchesTheCHeader() throws {
        let r = try CLI.dip(["--version"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let header = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/CDip/include/dip.h").path, encoding: .utf8)
        let line = try XCTUnwrap(header.split(separator: "\n").first { $0.hasPrefix("#define DIP_VERSION ") })
        let version = try XCTUnwrap(line.split(separator: "\"").dropFirst().first)
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "dip-pipe \(version)\n")
    }

    func testHelpUnknownFilterFails() throws {
        let r = try CLI.dip(["help", "no-such-filter"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("no-such-filter"), r.stderr)
        XCTAssertTrue(r.stderr.contains("unknown filter"), r.stderr)
    }

    func testCompareIdenticalIsInfinite() throws {
        let dir = try CLI.tempDir(self)
        try Fixture.ppm().write(to: URL(fileURLWithPath: dir + "/a.ppm"))
        let r = try CLI.dip(["compare", dir + "/a.ppm", "-"], stdin: Fixture.ppm())
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "PSNR inf SSIM 1.0000\n")
    }

    func testCompareReportsFiniteScoresForDifferentImages() throws {
        let dir = try CLI.tempDir(self)
        try Fixture.ppm().write(to: URL(fileURLWithPath: dir + "/a.ppm"))
        try Fixture.ppm(phase: 9).write(to: URL(fileURLWithPath: dir + "/b.ppm"))
        let r = try CLI.dip(["compare", dir + "/a.ppm", dir + "/b.ppm", "--luma", "--crop", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let parts = String(decoding: r.stdout, as: UTF8.self).split(separator: " ")
        XCTAssertEqual(parts.count, 4)
        XCTAssertEqual(parts.first, "PSNR")
        let psnr = Double(parts[1]) ?? .nan
        XCTAssertTrue(psnr > 5 && psnr < 60, "psnr \(psnr)")
    }

    func testAddNoiseSigma25GivesAbout20dB() throws {
        // σ = 25 on the 0–255 scale: PSNR ≈ 20·log10(255/25) ≈ 20.17 dB, a little more where
        // clamping to [0, 1] trims the noise. A mid-tone image keeps clamping rare.
        let dir = try CLI.tempDir(self)
        let clean = Fixture.ppm(width: 96, height: 96)
        try clean.write(to: URL(fileURLWithPath: dir + "/clean.ppm"))
        let noisy = try CLI.dip(["--seed", "1", "add-noise", "--sigma", "25"], stdin: clean)
        XCTAssertEqual(noisy.status, 0, noisy.stderr)
        let r = try CLI.dip(["compare", "-", dir + "/clean.ppm"], stdin: noisy.stdout)
        XCTAssertEqual(r.status, 0, r.stderr)
        let psnr = Double(String(decoding: r.stdout, as: UTF8.self).split(separator: " ")[1]) ?? 0
        XCTAssertGreaterThan(psnr, 20)
        XCTAssertLessThan(psnr, 21.5)
    }

    func testSameSeedSameBytesDifferentSeedDifferent() throws {
        let a = try CLI.dip(["--seed", "7", "add-noise", "--sigma", "10"], stdin: Fixture.ppm())
        let b = try CLI.dip(["--seed", "7", "add-noise", "--sigma", "10"], stdin: Fixture.ppm())
        let c = try CLI.dip(["--seed", "8", "add-noise", "--sigma", "10"], stdin: Fixture.ppm())
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertNotEqual(a.stdout, c.stdout)
    }

    func testChainRunsInOneProcess() throws {
        let r = try CLI.dip(["--quiet", "add-noise", "--sigma", "5", "!", "resize", "--scale", "2", "!",
                             "copy"], stdin: Fixture.ppm(width: 48, height: 32))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.starts(with: Data("P6\n96 64\n255\n".utf8)),
                      String(decoding: r.stdout.prefix(20), as: UTF8.self))
    }

    func testFormatOptionAndOutputExtension() throws {
        let dir = try CLI.tempDir(self)
        let png = try CLI.dip(["--format", "png", "copy"], stdin: Fixture.ppm())
        XCTAssertEqual(png.status, 0, png.stderr)
        XCTAssertEqual(Array(png.stdout.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        let r = try CLI.dip(["--output", dir + "/out.tif", "copy"], stdin: Fixture.ppm())
        XCTAssertEqual(r.status, 0, r.stderr)
        let tiff = try Data(contentsOf: URL(fileURLWithPath: dir + "/out.tif"))
        XCTAssertTrue(tiff.starts(with: Data("II*\0".utf8)) || tiff.starts(with: Data("MM\0*".utf8)))
        // And back: the TIFF decodes to the same pixels.
        let back = try CLI.dip(["--input", dir + "/out.tif", "--format", "pnm", "copy"])
        XCTAssertEqual(back.stdout, Fixture.ppm())
    }

    func testJSONProgressGoesToStderrOnly() throws {
        let r = try CLI.dip(["--progress", "json", "copy"], stdin: Fixture.ppm())
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, Fixture.ppm())
        for line in r.stderr.split(separator: "\n") {
            XCTAssertTrue(line.hasPrefix("{") && line.hasSuffix("}"), "not JSON: \(line)")
        }
    }
}
