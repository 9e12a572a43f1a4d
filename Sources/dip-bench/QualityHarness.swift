import ArgumentParser
import DIPEngine
import FilterAPI
import Filters
import Foundation

/// `dip-bench quality`: degrades the shared benchmark images exactly as the paper does, runs the
/// DIP filters, and prints one row per image with the PSNR reached, the paper's figure where it
/// gives one, and the degraded input's PSNR.
///
///   dip-bench quality [--data DIR] [--steps N] [--preset fast|paper] [--tasks denoise,restore,sr,inpaint]
///                     [--images NAME,...] [--seed S]
///
/// Degradations (seeded, so rows are reproducible):
/// - denoise: Gaussian noise σ = 25 on the 0–255 scale (F16 and the CBSD68 dev images).
/// - restore: 50% of pixels dropped (barbara grey, kate), filled by `inpaint --case pixels`.
/// - inpaint: the reference's own masks (kate: text, library: region, vase: holes) applied to their
///   images, filled by `inpaint` with the case it picks from the mask; scored on the whole image
///   against the unmasked original (the paper shows these cases without figures).
/// - sr: Set5 centre-cropped to a multiple of 32, downscaled ×4 with the antialiased lanczos3
///   resampler; scored on BT.601 luma with a 4-pixel border crop (the paper's protocol). The
///   input column is bicubic upscaling scored the same way.
struct QualityHarness: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality", abstract: "PSNR of the DIP filters on the shared benchmark images, beside the paper's.")

    static let allTasks = ["denoise", "restore", "sr", "inpaint"]

    @Option(help: "The shared benchmark images (../shared/data).")
    var data = "../shared/data"
    @Option(help: "Steps per fit (default: each preset's).")
    var steps: Int?
    @Option(help: "fast or paper.")
    var preset = "fast"
    @Option(help: "Seed of the degradations and the fits.")
    var seed: UInt64 = 1
    @Option(help: "Comma-separated tasks: \(allTasks.joined(separator: ", ")).")
    var tasks = allTasks.joined(separator: ",")
    @Option(help: "Comma-separated image names (default: all).")
    var images: String?

    struct Row {
        var task: String, image: String, steps: Int, seconds: Double, psnr: Double
        var paper: String, input: Double
    }

    func validate() throws {
        if let unknown = taskList.first(where: { !Self.allTasks.contains($0) }) {
            throw ValidationError("unknown task \(unknown) (\(Self.allTasks.joined(separator: ", ")))")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
    }

    var taskList: [String] { tasks.split(separator: ",").map(String.init) }

    func run() throws {
        let tasks = taskList, only = images.map { $0.split(separator: ",").map(String.init) }
        print("| task | image | steps | seconds | PSNR (dB) | paper (dB) | input PSNR (dB) |")
        print("|---|---|---|---|---|---|---|")
        var rows: [Row] = []
        do {
            for task in tasks {
                for (name, path) in Self.images(for: task, data: data) where only?.contains(name) ?? true {
                    let row = try Self.measure(task: task, name: name, path: path, steps: steps, preset: preset, seed: seed)
                    rows.append(row)
                    print(String(format: "| %@ | %@ | %d | %.1f | %.2f | %@ | %.2f |", row.task, row.image, row.steps,
                                 row.seconds, row.psnr, row.paper, row.input))
                    fflush(stdout)
                }
            }
        } catch {
            throw ValidationError("dip-bench quality: \(error)")
        }
        for task in tasks {
            let r = rows.filter { $0.task == task }
            guard !r.isEmpty else { continue }
            let mean = r.map(\.psnr).reduce(0, +) / Double(r.count)
            let input = r.map(\.input).reduce(0, +) / Double(r.count)
            print(String(format: "| %@ | mean of %d | | %.1f | %.2f | %@ | %.2f |", task, r.count,
                         r.map(\.seconds).reduce(0, +), mean, Self.paperMean(task), input))
        }
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

    static func measure(task: String, name: String, path: String, steps: Int?, preset: String,
                        seed: UInt64) throws -> Row {
        let registry = StandardFilters.registry
        // The steps actually run, as the filters report them (their presets decide the default).
        final class StepCounter { var last = 0 }
        let counter = StepCounter()
        let context = FilterContext(seed: seed, progress: { event in
            counter.last = event.step
            if event.step % 100 == 0 {
                FileHandle.standardError.write(Data(String(format: "%@ %@: step %d/%d  %.1f s  eta %.0f s\n",
                    task, name, event.step, event.total, event.elapsed, event.eta).utf8))
            }
            return true
        })
        func run(_ spec: String, _ image: Image, extras: [String: Image] = [:]) throws -> Image {
            let chain = try Chain(spec: spec, registry: registry)
            var e = [[String: (image: Image, source: String)]](repeating: [:], count: chain.filters.count)
            for entry in chain.imageInputs { if let img = extras[entry.parameter] { e[entry.filter][entry.parameter] = (img, entry.parameter) } }
            return try chain.run(image, name: name, extras: e, context: context)
        }
        var clean = try ImageCodec.read(path: path)
        if clean.hasAlpha { clean = try run("copy", clean) }
        let stepArg = steps.map { " --iters \($0)" } ?? ""
        var row = Row(task: task, image: name, steps: 0, seconds: 0, psnr: 0,
                      paper: paperFigure(task: task, image: name), input: 0)
        switch task {
        case "denoise":
            let noisy = try run("add-noise --sigma 25 --seed \(seed)", clean)
            let (out, seconds) = try MonotonicClock.timed { try run("denoise --preset \(preset)" + stepArg, noisy) }
            row.seconds = seconds
            row.psnr = try Quality.psnr(out, clean)
            row.input = try Quality.psnr(noisy, clean)
        case "restore":
            let damaged = try run("drop-pixels --fraction 0.5 --seed \(seed)", clean)
            var mask = Image(width: clean.width, height: clean.height, channels: 1)
            let cc = clean.colorChannels
            for y in 0..<clean.height {
                for x in 0..<clean.width {
                    let dropped = (0..<cc).allSatisfy { damaged[x, y, $0] == 0 } && (0..<cc).contains { clean[x, y, $0] != 0 }
                    mask[x, y, 0] = dropped ? 0 : 1
                }
            }
            let (out, seconds) = try MonotonicClock.timed { try run("inpaint --mask m --case pixels --preset \(preset)" + stepArg, damaged, extras: ["mask": mask]) }
            row.seconds = seconds
            row.psnr = try Quality.psnr(out, clean)
            row.input = try Quality.psnr(damaged, clean)
        case "inpaint":
            let mask = try ImageCodec.read(path: String(path.dropLast(4)) + "_mask.png")
            guard mask.width == clean.width, mask.height == clean.height else {
                throw DipError.badImage(path, "mask is \(mask.width)x\(mask.height), image \(clean.width)x\(clean.height)")
            }
            var damaged = clean
            for y in 0..<clean.height {
                for x in 0..<clean.width where mask[x, y, 0] < 0.5 {
                    for c in 0..<clean.colorChannels { damaged[x, y, c] = 0 }
                }
            }
            let (out, seconds) = try MonotonicClock.timed { try run("inpaint --mask m --preset \(preset)" + stepArg, damaged, extras: ["mask": mask]) }
            row.seconds = seconds
            row.psnr = try Quality.psnr(out, clean)
            row.input = try Quality.psnr(damaged, clean)
        default:   // sr ×4, paper protocol
            let w = clean.width / 32 * 32, h = clean.height / 32 * 32
            var gt = Image(width: w, height: h, channels: clean.channels, format: clean.format)
            let ox = (clean.width - w) / 2, oy = (clean.height - h) / 2
            for y in 0..<h { for x in 0..<w { for c in 0..<clean.channels { gt[x, y, c] = clean[x + ox, y + oy, c] } } }
            let low = try run("resize --width \(w / 4) --height \(h / 4) --method lanczos3", gt)
            let bicubic = try run("resize --width \(w) --height \(h) --method bicubic", low)
            let (out, seconds) = try MonotonicClock.timed { try run("sr --scale 4 --preset \(preset)" + stepArg, low) }
            row.seconds = seconds
            row.psnr = try Quality.psnr(out, gt, luma: true, crop: 4)
            row.input = try Quality.psnr(bicubic, gt, luma: true, crop: 4)
        }
        row.steps = counter.last
        return row
    }
}
