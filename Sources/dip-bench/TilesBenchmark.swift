import ArgumentParser
import FilterAPI
import Filters
import Foundation
import Glibc

/// `dip-bench tiles`: dip on photo-sized images within a memory budget (`--max-memory`), run as a
/// user runs it (dip-pipe on a file), each run's peak RSS and time read from wait4.
///
/// - scaling: `--scaling-chain` on noisy photos of `--sizes` megapixels (3:2, mirror-tiled from
///   `--photo`, σ = `--sigma` noise), printing seconds per megapixel and peak RSS for each;
/// - seams: on a `--seam-size` crop (noisy; for an `sr --scale N` chain downscaled by N),
///   `--seam-chain` once whole (`--whole-memory`) and once forced
///   into tiles (`--tiled-memory`): PSNR of both against the clean crop, and the mean absolute
///   difference of neighbouring pixels across the tiles' borders against that inside the tiles
///   (the tiles are read from the run's own progress events);
/// - hole: `--hole-chain` (an inpaint) fills a `--hole`-pixel-wide square hole that crosses the
///   tiled run's first vertical tile border, tiled against whole (PSNR inside the hole).
struct TilesBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiles", abstract: "Photo-sized images: time and peak RSS per megapixel, seams of tiled fits.")

    @Option(help: "The photo the test images are made from.")
    var photo = "../shared/data/inpaint/library.png"
    @Option(help: "Parts to run: scaling, seams, hole (comma-separated).")
    var parts = "scaling,seams,hole"
    @Option(help: "Sizes in megapixels for the scaling part.")
    var sizes = "1,4,16,24"
    @Option(help: "The chain the scaling part runs.")
    var scalingChain = "denoise --iters 50"
    @Option(help: "Noise added to the test images, 0–255 scale.")
    var sigma = 25.0
    @Option(help: "Side of the seam check's crop.")
    var seamSize = 1024
    @Option(help: "The chain the seam check runs (a DIP filter).")
    var seamChain = "denoise --preset paper --iters 100"
    @Option(help: "Budget of the whole-image runs.")
    var wholeMemory = "12G"
    @Option(help: "Budget of the tiled runs.")
    var tiledMemory = "1G"
    @Option(help: "The chain the hole check runs (an inpaint; the mask is added).")
    var holeChain = "inpaint --preset paper --case holes --iters 300"
    @Option(help: "Side of the hole check's square hole (pixels); its crop is --seam-size.")
    var hole = 200
    @Option(help: "The dip-pipe to run (default: the one beside dip-bench).")
    var dipPipe: String?
    @Option(help: "Working folder (kept).")
    var work = ".build/tiles-bench"
    @Option(help: "Seed of the runs.")
    var seed: UInt64 = 1

    func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)   // each figure as it comes: these runs take minutes
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let source = try ImageCodec.read(path: photo)
        let wanted = Set(parts.split(separator: ",").map(String.init))
        if wanted.contains("scaling") { try scaling(source) }
        if wanted.contains("seams") { try seams(source) }
        if wanted.contains("hole") { try holeCheck(source) }
    }

    // MARK: parts

    func scaling(_ source: Image) throws {
        print("scaling: \(scalingChain), sigma \(sigma), photo \(photo), default budget unless the chain sets one")
        var first: Double? = nil
        for text in sizes.split(separator: ",") {
            guard let mp = Double(text), mp > 0 else { throw ValidationError("--sizes: '\(text)' is not a number of megapixels") }
            let height = Int((mp * 1e6 / 1.5).squareRoot().rounded()), width = Int((mp * 1e6 / Double(height)).rounded())
            let clean = Self.mirrorTiled(source, width: width, height: height)
            let noisy = try QualityHarness.runChain("add-noise --sigma \(sigma)", clean, name: "scaling", context: FilterContext(seed: seed, maxPixels: .max))
            let input = "\(work)/scaling-\(text).png", output = "\(work)/scaling-\(text)-out.png"
            try ImageCodec.write(noisy, to: input, format: .png)
            let r = try Self.timed(dip: dip, arguments: ["--quiet", "--seed", "\(seed)"] + scalingChain.split(separator: " ").map(String.init),
                                   input: input, output: output, log: "\(work)/scaling-\(text).log")
            let result = try ImageCodec.read(path: output)
            let perMP = r.seconds / (Double(width * height) / 1e6)
            if first == nil { first = perMP }
            print(String(format: "  %5.1f MP (%dx%d): %.1f s, %.2f s/MP (%.2fx the first size's), peak RSS %.2f GiB, PSNR %@ dB (noisy %@)",
                         Double(width * height) / 1e6, width, height, r.seconds, perMP, perMP / (first ?? perMP),
                         Double(r.peakKiB) / 1048576, Quality.format(psnr: try Quality.psnr(result, clean)),
                         Quality.format(psnr: try Quality.psnr(noisy, clean))))
        }
    }

    func seams(_ source: Image) throws {
        let clean = Self.mirrorTiled(source, width: seamSize, height: seamSize)
        let input = "\(work)/seams-in.png"
        // An sr chain gets the crop downscaled by its factor (the paper's protocol); others the noisy crop.
        if let factor = Self.scaleFactor(seamChain) {
            let low = try QualityHarness.runChain("downscale --factor \(factor)", clean, name: "seams", context: FilterContext(seed: seed))
            try ImageCodec.write(low, to: input, format: .png)
            print("seams: \(seamChain) from \(low.width)x\(low.height) to \(seamSize)x\(seamSize)")
        } else {
            let noisy = try QualityHarness.runChain("add-noise --sigma \(sigma)", clean, name: "seams", context: FilterContext(seed: seed))
            try ImageCodec.write(noisy, to: input, format: .png)
            print("seams: \(seamChain) on \(seamSize)x\(seamSize), sigma \(sigma); noisy PSNR \(Quality.format(psnr: try Quality.psnr(noisy, clean))) dB")
        }
        let runs = try [("whole", wholeMemory), ("tiled", tiledMemory)].map { (name, memory) -> (Image, [Region]) in
            try runChain(seamChain, name: "seams-\(name)", input: input, memory: memory, extra: [])
        }
        let scale = Self.scaleFactor(seamChain) ?? 1
        let tiles = runs[1].1.map { (x: $0.x * scale, y: $0.y * scale, width: $0.width * scale, height: $0.height * scale) }
        guard tiles.count > 1 else { throw ValidationError("--tiled-memory \(tiledMemory) did not tile \(seamSize)x\(seamSize): lower it") }
        guard runs[0].1.count <= 1 else { throw ValidationError("--whole-memory \(wholeMemory) tiled the whole-image run: raise it") }
        for ((image, _), name) in zip(runs, ["whole", "tiled"]) {
            let (across, inside) = Self.neighbourDifferences(image, borders: tiles)
            print(String(format: "  %@: PSNR %@ dB; neighbour |difference| across tile borders %.3f, inside tiles %.3f (ratio %.3f)",
                         name, Quality.format(psnr: try Quality.psnr(image, clean)), across, inside, across / inside))
        }
        print(String(format: "  tiled − whole: %+.2f dB over %d tiles", try Quality.psnr(runs[1].0, clean) - Quality.psnr(runs[0].0, clean), tiles.count))
    }

    func holeCheck(_ source: Image) throws {
        let clean = Self.mirrorTiled(source, width: seamSize, height: seamSize)
        // Where the tiled run puts its first vertical border: plan it with a one-step run.
        let probe = "\(work)/hole-clean.png"
        try ImageCodec.write(clean, to: probe, format: .png)
        var mask = Image(width: seamSize, height: seamSize, channels: 1, pixels: [Float](repeating: 1, count: seamSize * seamSize))
        let maskPath = "\(work)/hole-mask.png"
        // A first mask (the hole at the centre) only to learn the tiles.
        func cut(atX x0: Int) throws {
            let y0 = (seamSize - hole) / 2
            mask.pixels = [Float](repeating: 1, count: seamSize * seamSize)
            for y in y0..<(y0 + hole) { for x in max(0, x0)..<min(seamSize, x0 + hole) { mask.pixels[y * seamSize + x] = 0 } }
            try ImageCodec.write(mask, to: maskPath, format: .png)
        }
        try cut(atX: (seamSize - hole) / 2)
        let steps = holeChain.replacingOccurrences(of: #"--iters [0-9]+"#, with: "--iters 1", options: .regularExpression)
        let tiles = try runChain(steps, name: "hole-probe", input: probe, memory: tiledMemory, extra: ["--mask", maskPath]).1
        guard let border = tiles.map({ $0.x + $0.width }).filter({ $0 < seamSize }).min() else {
            throw ValidationError("--tiled-memory \(tiledMemory) did not tile the hole check: lower it")
        }
        // The hole straddles the tile's right edge, half on each side.
        try cut(atX: border - hole / 2)
        var holed = clean
        for i in 0..<(seamSize * seamSize) where mask.pixels[i] == 0 { for c in 0..<holed.channels { holed.pixels[i * holed.channels + c] = 0 } }
        let input = "\(work)/hole-in.png"
        try ImageCodec.write(holed, to: input, format: .png)
        print("hole: \(holeChain), a \(hole)x\(hole) hole across the tile border at x = \(border) of \(seamSize)x\(seamSize)")
        var scores: [Double] = []
        for (name, memory) in [("whole", wholeMemory), ("tiled", tiledMemory)] {
            let (image, regions) = try runChain(holeChain, name: "hole-\(name)", input: input, memory: memory, extra: ["--mask", maskPath])
            let psnr = Self.psnr(image, clean, where: mask)
            scores.append(psnr)
            print(String(format: "  %@ (%d tile%@): PSNR in the hole %.2f dB", name, max(regions.count, 1), regions.count > 1 ? "s" : "", psnr))
        }
        print(String(format: "  tiled − whole: %+.2f dB", scores[1] - scores[0]))
    }

    // MARK: running dip-pipe

    typealias Region = (x: Int, y: Int, width: Int, height: Int)

    var dip: String {
        dipPipe ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dip-pipe").path
    }

    /// Runs `chain` on `input` with `--max-memory memory`; returns the result and the tiles the
    /// (first) tiled filter reported (empty for a whole-image fit).
    func runChain(_ chain: String, name: String, input: String, memory: String, extra: [String]) throws -> (Image, [Region]) {
        let output = "\(work)/\(name).png", log = "\(work)/\(name).jsonl"
        let words = chain.split(separator: " ").map(String.init)
        let r = try Self.timed(dip: dip, arguments: ["--progress", "json", "--seed", "\(seed)", "--max-memory", memory] + words + extra,
                               input: input, output: output, log: log)
        print(String(format: "    %@: %.1f s, peak RSS %.2f GiB", name, r.seconds, Double(r.peakKiB) / 1048576))
        var regions: [Region] = []
        for line in try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n") where line.contains("\"region\":[") {
            guard let range = line.range(of: "\"region\":[") else { continue }
            let numbers = line[range.upperBound...].prefix { $0 != "]" }.split(separator: ",").compactMap { Int($0) }
            guard numbers.count == 4 else { continue }
            let region = (numbers[0], numbers[1], numbers[2], numbers[3])
            if !regions.contains(where: { $0 == region }) { regions.append(region) }
        }
        return (try ImageCodec.read(path: output), regions)
    }

    /// Runs dip-pipe with stdin from `input`, stdout to `output`, stderr to `log`; its wall time
    /// and peak RSS (wait4's ru_maxrss, KiB). Throws when it fails.
    static func timed(dip: String, arguments: [String], input: String, output: String, log: String) throws -> (seconds: Double, peakKiB: Int) {
        func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = "exec " + ([dip] + arguments).map(quote).joined(separator: " ") + " < \(quote(input)) > \(quote(output)) 2> \(quote(log))"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for a in argv { free(a) } }
        let start = Date()
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw ValidationError("could not start \(dip)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(start)
        guard status == 0 else {
            let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? ""
            throw ValidationError("\(dip) \(arguments.joined(separator: " ")) failed (status \(status)): \(tail)")
        }
        return (seconds, usage.ru_maxrss)
    }

    // MARK: images and measures

    /// N of an `sr --scale N` chain (the upscaling the seam check must undo), else nil.
    static func scaleFactor(_ chain: String) -> Int? {
        let words = chain.split(separator: " ")
        guard words.first == "sr", let i = words.firstIndex(of: "--scale"), i + 1 < words.count else { return nil }
        return Int(words[i + 1])
    }

    /// `source` repeated with mirroring (no hard edges) to `width`×`height`.
    static func mirrorTiled(_ source: Image, width: Int, height: Int) -> Image {
        var out = Image(width: width, height: height, channels: source.channels, format: source.format)
        func mirror(_ i: Int, _ n: Int) -> Int { let p = i % (2 * n); return p < n ? p : 2 * n - 1 - p }
        for y in 0..<height {
            let sy = mirror(y, source.height)
            for x in 0..<width {
                let s = (sy * source.width + mirror(x, source.width)) * source.channels, d = (y * width + x) * source.channels
                for c in 0..<source.channels { out.pixels[d + c] = source.pixels[s + c] }
            }
        }
        return out
    }

    /// Mean absolute difference (0–255) of horizontally and vertically neighbouring pixels: the
    /// pairs that straddle a tile's edge (a tile's left/top edge at x, y > 0, its right/bottom
    /// edge inside the image), and all other pairs.
    static func neighbourDifferences(_ image: Image, borders tiles: [Region]) -> (across: Double, inside: Double) {
        var columns = Set<Int>(), rows = Set<Int>()   // a pair (p−1, p) straddles when p is in the set
        for t in tiles {
            if t.x > 0 { columns.insert(t.x) }
            if t.x + t.width < image.width { columns.insert(t.x + t.width) }
            if t.y > 0 { rows.insert(t.y) }
            if t.y + t.height < image.height { rows.insert(t.y + t.height) }
        }
        var across = 0.0, nAcross = 0, inside = 0.0, nInside = 0
        let c = image.colorChannels
        for y in 0..<image.height {
            for x in 0..<image.width {
                for ch in 0..<c {
                    let v = image[x, y, ch]
                    if x > 0 {
                        let d = Double(abs(v - image[x - 1, y, ch]))
                        if columns.contains(x) { across += d; nAcross += 1 } else { inside += d; nInside += 1 }
                    }
                    if y > 0 {
                        let d = Double(abs(v - image[x, y - 1, ch]))
                        if rows.contains(y) { across += d; nAcross += 1 } else { inside += d; nInside += 1 }
                    }
                }
            }
        }
        return (across / Double(max(nAcross, 1)) * 255, inside / Double(max(nInside, 1)) * 255)
    }

    /// PSNR of `a` against `b` over the pixels `mask` marks missing (0).
    static func psnr(_ a: Image, _ b: Image, where mask: Image) -> Double {
        var sum = 0.0, n = 0
        for i in 0..<mask.pixels.count where mask.pixels[i] < 0.5 {
            for c in 0..<a.colorChannels {
                let d = Double(a.pixels[i * a.channels + c] - b.pixels[i * b.channels + c])
                sum += d * d; n += 1
            }
        }
        return n == 0 ? .infinity : 10 * log10(1 / max(sum / Double(n), 1e-20))
    }
}
