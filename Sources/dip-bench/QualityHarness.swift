import ArgumentParser
import DIPEngine
import FilterAPI
import Filters
import Foundation

/// `dip-bench quality`: degrades the shared benchmark images exactly as the paper does, runs the
/// DIP filters, and prints one row per image: the PSNR returned, the best PSNR reached along the
/// run (the curve against ground truth, recorded every `--every` steps), the stopping step, the
/// seconds, the paper's figure where it gives one, and the degraded input's PSNR. With `--out DIR`
/// it also writes, per image, the clean image, the degraded input (and mask), dip's result and
/// its curve, which `scripts/peers-benchmark.sh` uses to run the peers on the same inputs.
///
/// Degradations (seeded, so rows are reproducible):
/// - denoise: Gaussian noise σ = 25 on the 0–255 scale (F16 and the CBSD68 dev images).
/// - restore: 50% of pixels dropped (barbara grey, kate), filled by `inpaint --case pixels`.
/// - inpaint: the reference's own masks (kate: text, library: region, vase: holes) applied to their
///   images, filled by `inpaint` with the case it picks from the mask; scored on the whole image
///   against the unmasked original (the paper shows these cases without figures).
/// - deblock: F16 and the CBSD68 dev images round-tripped through libjpeg-turbo at qualities 10
///   and 30 (`jpeg --quality Q`); the input column is the JPEG's own PSNR (doing nothing).
/// - sr: Set5 centre-cropped to a multiple of 32, downscaled ×4 with the antialiased lanczos3
///   resampler; scored on BT.601 luma with a 4-pixel border crop (the paper's protocol). The
///   input column is bicubic upscaling scored the same way.
struct QualityHarness: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality", abstract: "PSNR of the DIP filters on the shared benchmark images, beside the paper's.")

    static let allTasks = ["denoise", "restore", "sr", "inpaint", "deblock"]
    /// The JPEG qualities of the deblock rows: heavy and moderate compression.
    static let deblockQualities = [10, 30]

    @Option(help: "The shared benchmark images (../shared/data).")
    var data = "../shared/data"
    @Option(help: "Steps per fit (default: each preset's, or its stopping rule).")
    var steps: Int?
    @Option(help: "fast, quality (where the filter has it) or paper.")
    var preset = "fast"
    @Option(help: "Seed of the degradations and the fits.")
    var seed: UInt64 = 1
    @Option(help: "Comma-separated tasks: \(allTasks.joined(separator: ", ")).")
    var tasks = allTasks.joined(separator: ",")
    @Option(help: "Comma-separated image names (default: all).")
    var images: String?
    @Option(help: "Record the PSNR against ground truth every N steps.")
    var every = 10
    @Option(help: "Write inputs, results and curves here.")
    var out: String?

    struct Row {
        var task: String, image: String, steps = 0, seconds = 0.0, psnr = 0.0
        var best = 0.0, bestStep = 0, paper: String, input = 0.0
        var curve: [(step: Int, seconds: Double, psnr: Double, change: Double)] = []
    }

    func validate() throws {
        if let unknown = taskList.first(where: { !Self.allTasks.contains($0) }) {
            throw ValidationError("unknown task \(unknown) (\(Self.allTasks.joined(separator: ", ")))")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        guard every >= 1 else { throw ValidationError("--every must be at least 1") }
    }

    var taskList: [String] { tasks.split(separator: ",").map(String.init) }

    func run() throws {
        let only = images.map { $0.split(separator: ",").map(String.init) }
        if let out { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) }
        print("| task | image | preset | stop step | seconds | PSNR (dB) | best along the run (step) | paper (dB) | input (dB) |")
        print("|---|---|---|---|---|---|---|---|---|")
        var rows: [Row] = []
        do {
            for task in taskList {
                for (name, path) in Self.images(for: task, data: data) where only?.contains(name) ?? true {
                    let row = try measure(task: task, name: name, path: path)
                    rows.append(row)
                    print(String(format: "| %@ | %@ | %@ | %d | %.1f | %.2f | %.2f (%d) | %@ | %.2f |", row.task, row.image,
                                 preset, row.steps, row.seconds, row.psnr, row.best, row.bestStep, row.paper, row.input))
                    fflush(stdout)
                }
            }
        } catch {
            throw ValidationError("dip-bench quality: \(error)")
        }
        for task in taskList {
            let r = rows.filter { $0.task == task }
            guard !r.isEmpty else { continue }
            func mean(_ f: (Row) -> Double) -> Double { r.map(f).reduce(0, +) / Double(r.count) }
            print(String(format: "| %@ | mean of %d | %@ | | %.1f | %.2f | %.2f | %@ | %.2f |", task, r.count, preset,
                         r.map(\.seconds).reduce(0, +), mean(\.psnr), mean(\.best), Self.paperMean(task), mean(\.input)))
        }
        let worst = rows.map { $0.best - $0.psnr }.max() ?? 0
        print(String(format: "stopping: the largest gap between the best PSNR along a run and the returned one is %.2f dB", worst))
    }

    static func images(for task: String, data: String) -> [(String, String)] {
        func list(_ dir: String) -> [(String, String)] {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            return files.filter { $0.hasSuffix(".png") }.sorted()
                .map { (String($0.dropLast(4)), dir + "/" + $0) }
        }
        switch task {
        case "denoise": return [("F16", data + "/denoise/F16.png")] + list(data + "/denoise/CBSD68-dev")
        case "restore": return [("barbara", data + "/restore/barbara.png"), ("kate", data + "/restore/kate.png")]
        case "sr": return list(data + "/sr/CSet5")
        case "inpaint": return ["kate", "library", "vase"].map { ($0, data + "/inpaint/\($0).png") }
        case "deblock":
            return images(for: "denoise", data: data).flatMap { image in
                deblockQualities.map { ("\(image.0)-q\($0)", image.1) }
            }
        default: return []
        }
    }

    static func paperMean(_ task: String) -> String {
        switch task {
        case "denoise": return "30.43 (Set9 avg)"
        case "restore": return "33.48 (11 grey avg)"
        case "sr": return "29.90 (Set5 avg)"
        default: return "—"
        }
    }

    static func paperFigure(task: String, image: String) -> String {
        switch (task, image) {
        case ("restore", "barbara"): return "32.22"
        case ("denoise", _): return "30.43 (Set9 avg)"
        case ("sr", _): return "29.90 (Set5 avg)"
        default: return "—"
        }
    }

    /// Degrades one image, runs dip on it with the curve recorded, writes the files of `--out`.
    func measure(task: String, name: String, path: String) throws -> Row {
        var row = Row(task: task, image: name, paper: Self.paperFigure(task: task, image: name))
        var clean = try ImageCodec.read(path: path)
        if clean.hasAlpha { clean = try Self.runChain("copy", clean, name: name, context: FilterContext(seed: seed)) }
        var truth = clean, score: (Image) throws -> Double = { try Quality.psnr($0, truth) }
        let stepArg = steps.map { " --iters \($0)" } ?? ""
        let degraded: Image, spec: String, extras: [String: Image], dir = out.map { "\($0)/\(task)-\(name)" }
        switch task {
        case "denoise":
            degraded = try Self.runChain("add-noise --sigma 25 --seed \(seed)", clean, name: name, context: FilterContext(seed: seed))
            spec = "denoise --preset \(preset)"; extras = [:]
        case "deblock":
            let quality = name.split(separator: "q").last.map(String.init) ?? ""
            degraded = try Self.runChain("jpeg --quality \(quality)", clean, name: name, context: FilterContext(seed: seed))
            spec = "deblock --preset \(preset)"; extras = [:]
        case "restore", "inpaint":
            var mask = Image(width: clean.width, height: clean.height, channels: 1)
            var damaged = clean
            if task == "restore" {
                let dropped = try Self.runChain("drop-pixels --fraction 0.5 --seed \(seed)", clean, name: name, context: FilterContext(seed: seed))
                let cc = clean.colorChannels
                for y in 0..<clean.height {
                    for x in 0..<clean.width {
                        let lost = (0..<cc).allSatisfy { dropped[x, y, $0] == 0 } && (0..<cc).contains { clean[x, y, $0] != 0 }
                        mask[x, y, 0] = lost ? 0 : 1
                    }
                }
                damaged = dropped
            } else {
                mask = try ImageCodec.read(path: String(path.dropLast(4)) + "_mask.png")
                guard mask.width == clean.width, mask.height == clean.height else {
                    throw DipError.badImage(path, "mask is \(mask.width)x\(mask.height), image \(clean.width)x\(clean.height)")
                }
                for y in 0..<clean.height {
                    for x in 0..<clean.width where mask[x, y, 0] < 0.5 {
                        for c in 0..<clean.colorChannels { damaged[x, y, c] = 0 }
                        mask[x, y, 0] = 0
                    }
                }
            }
            degraded = damaged
            spec = "inpaint --mask m" + (task == "restore" ? " --case pixels" : "") + " --preset \(preset)"
            extras = ["mask": mask]
            if let dir { try Self.write(mask, dir, "mask.png") }
        default:   // sr ×4, paper protocol
            let w = clean.width / 32 * 32, h = clean.height / 32 * 32
            var gt = Image(width: w, height: h, channels: clean.channels, format: clean.format)
            let ox = (clean.width - w) / 2, oy = (clean.height - h) / 2
            for y in 0..<h { for x in 0..<w { for c in 0..<clean.channels { gt[x, y, c] = clean[x + ox, y + oy, c] } } }
            truth = gt
            score = { try Quality.psnr($0, gt, luma: true, crop: 4) }
            degraded = try Self.runChain("resize --width \(w / 4) --height \(h / 4) --method lanczos3", gt, name: name,
                                         context: FilterContext(seed: seed))
            let bicubic = try Self.runChain("resize --width \(w) --height \(h) --method bicubic", degraded, name: name,
                                            context: FilterContext(seed: seed))
            row.input = try score(bicubic)
            if let dir { try Self.write(bicubic, dir, "peer.png") }
            spec = "sr --scale 4 --preset \(preset)"; extras = [:]
        }
        if task != "sr" { row.input = try score(degraded) }
        if let dir {
            try Self.write(truth, dir, "truth.png")
            try Self.write(degraded, dir, "input.png")
        }
        // The curve: the PSNR of what the filter would return, every `every` steps, and how much
        // that estimate moved since the previous point (RMS, 0-255 levels; what a plateau rule sees).
        final class Recorder { var last = 0; var curve: [(Int, Double, Double, Double)] = []; var previous: [Float]? }
        let recorder = Recorder(), every = self.every, taskName = task
        var context = FilterContext(seed: seed, progress: { event in
            recorder.last = event.step
            if event.step % 100 == 0 {
                FileHandle.standardError.write(Data(String(format: "%@ %@: step %d/%d  %.1f s\n",
                    taskName, name, event.step, event.total, event.elapsed).utf8))
            }
            return true
        })
        context.observer = { event, render in
            guard event.step % every == 0 else { return }
            let image = render()
            guard let p = try? score(image) else { return }
            var change = Double.nan
            if let previous = recorder.previous, previous.count == image.pixels.count {
                let s = zip(previous, image.pixels).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
                change = 255 * (s / Double(max(previous.count, 1))).squareRoot()
            }
            recorder.previous = image.pixels
            recorder.curve.append((event.step, event.elapsed, p, change))
        }
        let (result, seconds) = try MonotonicClock.timed {
            try Self.runChain(spec + stepArg, degraded, name: name, context: context, extras: extras)
        }
        row.seconds = seconds
        row.psnr = try score(result)
        row.steps = recorder.last
        row.curve = recorder.curve.map { (step: $0.0, seconds: $0.1, psnr: $0.2, change: $0.3) }
        let best = row.curve.max { $0.psnr < $1.psnr }
        row.best = max(best?.psnr ?? row.psnr, row.psnr)
        row.bestStep = (best?.psnr ?? -1) > row.psnr ? best?.step ?? row.steps : row.steps
        if let dir {
            try Self.write(result, dir, "dip-\(preset).png")
            let lines = ["step\tseconds\tpsnr\tchange"]
                + row.curve.map { String(format: "%d\t%.2f\t%.3f\t%.3f", $0.step, $0.seconds, $0.psnr, $0.change) }
                + [String(format: "%d\t%.2f\t%.3f\treturned", row.steps, row.seconds, row.psnr)]
            try (lines.joined(separator: "\n") + "\n").write(toFile: "\(dir)/dip-\(preset).tsv", atomically: true, encoding: .utf8)
        }
        return row
    }

    static func runChain(_ spec: String, _ image: Image, name: String, context: FilterContext,
                         extras: [String: Image] = [:]) throws -> Image {
        let chain = try Chain(spec: spec, registry: StandardFilters.registry)
        var e = [[String: (image: Image, source: String)]](repeating: [:], count: chain.filters.count)
        for entry in chain.imageInputs { if let img = extras[entry.parameter] { e[entry.filter][entry.parameter] = (img, entry.parameter) } }
        return try chain.run(image, name: name, extras: e, context: context)
    }

    static func write(_ image: Image, _ dir: String, _ file: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var eight = image
        eight.format = .unsigned(bits: 8)
        try ImageCodec.write(eight, to: "\(dir)/\(file)")
    }
}
