import ArgumentParser
import FilterAPI
import Filters
import Foundation

/// `dip-bench video`: a clip of real image content with real motion, run the way a media pipeline
/// runs dip (ffmpeg → dip-pipe → ffmpeg), in each of `--modes` (`Mode`: independent fits, warm
/// starts, deflicker, both). Prints per-frame seconds (dip-pipe's own `done` events), mean PSNR
/// against the clean frames and flicker, and checks that every frame came out.
///
/// The clip: a `--window`-pixel square panning diagonally by one pixel a frame across `--photo`,
/// each crop resized to `--size` with the antialiased lanczos3 resampler, so the content moves
/// by a sub-pixel step (256 from 384: 2/3 px a frame) with no interpolation blur varying between
/// frames; then independent Gaussian noise of `--sigma` per frame (seeded by the frame number).
/// Flicker: the mean absolute difference of consecutive outputs minus that of the clean frames
/// (0–255 scale): what the filter adds to the motion's own change (a blurring filter scores below
/// zero, as its output moves less than the detail it lost). Error flicker: the mean absolute change
/// of the error (output − clean) between consecutive frames — how much the mistakes themselves jump.
struct VideoBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video", abstract: "Warm starts on a noisy panning clip: ffmpeg → dip-pipe → ffmpeg, temporal on and off.")

    @Option(help: "The photo the clip pans across.")
    var photo = "../shared/data/inpaint/library.png"
    @Option(help: "Frames in the clip.")
    var frames = 30
    @Option(help: "Side of the window cut from the photo (pixels).")
    var window = 384
    @Option(help: "Side of the clip's frames (pixels).")
    var size = 256
    @Option(help: "Noise per frame, 0–255 scale.")
    var sigma = 25.0
    @Option(help: "The chain each frame runs through (dip-pipe syntax).")
    var chain = "denoise"
    @Option(help: "Modes to run, comma-separated: off (independent fits), warm (warm starts), deflicker, on (both: dip-pipe's defaults).")
    var modes = "off,on"
    @Option(help: "The dip-pipe to run (default: the one beside dip-bench).")
    var dipPipe: String?
    @Option(help: "Working folder for the frames (kept).")
    var work = ".build/video-bench"
    @Option(help: "Seed of the fits.")
    var seed: UInt64 = 1
    @Flag(help: "Score an earlier run's outputs in --work (its first --frames frames) without running the pipeline; timing is printed when every frame was timed.")
    var scoreOnly = false

    /// How a run treats the stream: dip-pipe's two stream switches.
    enum Mode: String, CaseIterable {
        case off, warm, deflicker, on
        var switches: String {
            switch self {
            case .off: return "--temporal off --deflicker off"
            case .warm: return "--temporal on --deflicker off"
            case .deflicker: return "--temporal off --deflicker on"
            case .on: return "--temporal on --deflicker on"
            }
        }
    }

    func run() throws {
        let clean = try makeClip()
        // Scoring alone leaves the noisy frames be: a pipeline started by hand may still be reading them.
        if !scoreOnly {
            try? FileManager.default.removeItem(atPath: "\(work)/noisy")   // ffmpeg reads every frame there
            try FileManager.default.createDirectory(atPath: "\(work)/noisy", withIntermediateDirectories: true)
            for (k, frame) in clean.enumerated() {
                var context = FilterContext(seed: UInt64(k + 1))
                context.maxPixels = FilterContext.defaultMaxPixels
                let noisy = try QualityHarness.runChain("add-noise --sigma \(sigma)", frame, name: "frame \(k + 1)", context: context)
                try QualityHarness.write(noisy, "\(work)/noisy", Self.frameName(k))
            }
        }
        let noisy = try (0..<frames).map { try ImageCodec.read(path: "\(work)/noisy/\(Self.frameName($0))") }
        print("clip: \(frames) frames \(size)x\(size) from \(photo), sigma \(sigma); chain: \(chain)")
        print("noisy input: mean PSNR \(Quality.format(psnr: try meanPSNR(noisy, clean))) dB")
        let modes = try self.modes.split(separator: ",").map { name -> Mode in
            guard let mode = Mode(rawValue: String(name)) else {
                throw ValidationError("--modes: '\(name)' is not one of \(Mode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return mode
        }
        var results: [Mode: Summary] = [:]
        for mode in modes {
            let s = try score(mode: mode, clean: clean)
            results[mode] = s
            let timing = s.seconds.count == frames
                ? String(format: "frame 1 %.2f s, frames 2-%d mean %.3f s (%.1fx faster)",
                         s.seconds[0], frames, s.laterMean, s.seconds[0] / max(s.laterMean, 1e-9))
                : "\(s.seconds.count) of \(frames) frames timed"
            print(String(format: "%@ (%@): %@, mean PSNR %@ dB, flicker %+.2f, error flicker %.2f, frames out %d/%d",
                         mode.rawValue, mode.switches, timing, Quality.format(psnr: s.psnr), s.flicker, s.errorFlicker,
                         s.framesOut, frames))
            // Timed in part, the times are the log's in its order: which frames they belong to, the log's maker knows.
            print((s.seconds.count == frames ? "  per-frame s: " : "  logged s: ")
                  + s.seconds.map { String(format: "%.2f", $0) }.joined(separator: " "))
            print("  per-frame dB: " + s.psnrs.map { String(format: "%.2f", $0) }.joined(separator: " "))
        }
        guard let off = results[.off] else { return }
        for mode in modes where mode != .off {
            guard let m = results[mode] else { continue }
            let timed = m.seconds.count == frames && off.seconds.count == frames
            let timing = timed ? String(format: "time of frames 2-%d %.2fx frame 1's (off %.2fx), ", frames,
                                        m.laterMean / m.seconds[0], off.laterMean / off.seconds[0]) : ""
            print(String(format: "%@ / off: %@PSNR %+.2f dB, flicker %+.2f, error flicker %+.2f", mode.rawValue, timing,
                         m.psnr - off.psnr, m.flicker - off.flicker, m.errorFlicker - off.errorFlicker))
        }
    }

    struct Summary {
        var seconds: [Double], psnrs: [Double], psnr: Double, flicker: Double, errorFlicker: Double, framesOut: Int
        var laterMean: Double { seconds.count > 1 ? seconds.dropFirst().reduce(0, +) / Double(seconds.count - 1) : 0 }
    }

    static func frameName(_ k: Int) -> String { String(format: "%03d.png", k + 1) }

    /// The clean frames: window k at (k, k), resized to `size`.
    func makeClip() throws -> [Image] {
        let source = try ImageCodec.read(path: photo)
        guard source.width >= window + frames, source.height >= window + frames else {
            throw ValidationError("\(photo) is \(source.width)x\(source.height): too small for a \(window)-pixel window panning \(frames) pixels")
        }
        var rgb = source
        if source.hasAlpha { throw ValidationError("\(photo): use a photo without alpha") }
        rgb.format = .unsigned(bits: 8)
        return try (0..<frames).map { k in
            var crop = Image(width: window, height: window, channels: rgb.channels, format: rgb.format)
            for y in 0..<window {
                let src = ((y + k) * rgb.width + k) * rgb.channels, dst = y * window * rgb.channels
                for i in 0..<(window * rgb.channels) { crop.pixels[dst + i] = rgb.pixels[src + i] }
            }
            return try QualityHarness.runChain("resize --width \(size) --height \(size)", crop, name: "frame \(k + 1)",
                                               context: FilterContext())
        }
    }

    /// Runs (unless `--score-only`) and scores one mode: per-frame seconds, PSNR, flicker.
    func score(mode: Mode, clean: [Image]) throws -> Summary {
        let out = "\(work)/out-\(mode)"
        let progress = "\(work)/progress-\(mode).jsonl"
        if !scoreOnly { try runPipeline(mode: mode, out: out, progress: progress) }
        // Outputs made by hand (say, a run's frames piped through `dip-pipe deflicker`) have no timing.
        let log = scoreOnly && !FileManager.default.fileExists(atPath: progress)
            ? "" : try String(contentsOfFile: progress, encoding: .utf8)
        let seconds = log.split(separator: "\n")
            .filter { $0.contains("\"event\":\"done\"") }.prefix(frames)
            .compactMap { line -> Double? in
                guard let r = line.range(of: "\"elapsed\":") else { return nil }
                return Double(line[r.upperBound...].prefix { "0123456789.eE-+".contains($0) })
            }
        let results = try (0..<frames).compactMap { k -> Image? in
            let path = "\(out)/\(Self.frameName(k))"
            return FileManager.default.fileExists(atPath: path) ? try ImageCodec.read(path: path) : nil
        }
        // A run scored alone may have been timed in part (frames fitted by hand, or a run cut short).
        guard results.count == frames, seconds.count == frames || scoreOnly else {
            throw ValidationError("mode \(mode.rawValue): \(results.count) frames written and \(seconds.count) timed, of \(frames)")
        }
        let psnrs = try zip(results, clean).map { try Quality.psnr($0, $1) }
        return Summary(seconds: seconds, psnrs: psnrs, psnr: psnrs.reduce(0, +) / Double(frames),
                       flicker: meanAbsoluteStep(results) - meanAbsoluteStep(clean),
                       errorFlicker: meanAbsoluteErrorStep(results, clean), framesOut: results.count)
    }

    /// ffmpeg reads the noisy frames and pipes them to dip-pipe, whose output ffmpeg writes as frames.
    func runPipeline(mode: Mode, out: String, progress: String) throws {
        try? FileManager.default.removeItem(atPath: out)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let pipe = dipPipe ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("dip-pipe").path
        let command = "ffmpeg -v error -nostdin -framerate 25 -i '\(work)/noisy/%03d.png' -f image2pipe -c:v png - "
            + "| '\(pipe)' --progress json --seed \(seed) \(mode.switches) \(chain) 2> '\(progress)' "
            + "| ffmpeg -v error -nostdin -f image2pipe -c:v png -i - -y '\(out)/%03d.png'"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-o", "pipefail", "-c", command]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("the pipeline failed (exit \(process.terminationStatus)); see \(progress)")
        }
    }

    /// The mean of the frames' PSNRs.
    func meanPSNR(_ a: [Image], _ b: [Image]) throws -> Double {
        try zip(a, b).map { try Quality.psnr($0, $1) }.reduce(0, +) / Double(a.count)
    }

    /// Mean absolute change of the error (output − clean) between consecutive frames, 0–255 scale.
    func meanAbsoluteErrorStep(_ clip: [Image], _ clean: [Image]) -> Double {
        guard clip.count > 1 else { return 0 }
        var sum = 0.0, count = 0
        for k in 1..<clip.count {
            let a = clip[k - 1].pixels, b = clip[k].pixels, ca = clean[k - 1].pixels, cb = clean[k].pixels
            let n = min(a.count, b.count, ca.count, cb.count)
            for i in 0..<n { sum += Double(abs((b[i] - cb[i]) - (a[i] - ca[i]))) }
            count += n
        }
        return sum / Double(max(count, 1)) * 255
    }

    /// Mean absolute difference of consecutive frames, 0–255 scale.
    func meanAbsoluteStep(_ clip: [Image]) -> Double {
        guard clip.count > 1 else { return 0 }
        var sum = 0.0, count = 0
        for k in 1..<clip.count {
            let a = clip[k - 1].pixels, b = clip[k].pixels
            for i in 0..<min(a.count, b.count) { sum += Double(abs(a[i] - b[i])) }
            count += min(a.count, b.count)
        }
        return sum / Double(max(count, 1)) * 255
    }
}
