import ArgumentParser
import DIPEngine
import Filters
import Foundation

/// `dip-bench engine`: for the paper's nets — denoising at 512², ×4 super-resolution at 576×384,
/// text inpainting (skip 128) at 512² — and for every net a default (`fast`) preset fits (from
/// the filters' preset tables, at 512²): forward MACs, seconds per step (forward + backward +
/// Adam, median of the timed steps after warm-up), achieved GFLOP/s (6 × MACs / time), cores used
/// (CPU time / wall time over the timed steps), page faults and peak memory; first the machine's
/// sgemm GFLOP/s on a 128×65536×1152 product and `../shared/tools/cpu-state.sh` (when present),
/// which runs again at the end. With `--pytorch`, the same nets' PyTorch step
/// (scripts/peers/torch-step.sh, in a virtual environment it makes from PyPI) runs first and each
/// row shows dip's time as a fraction of it. Inputs are synthetic (speed does not depend on image
/// content).
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine", abstract: "Per-step time, GFLOP/s, cores and peak memory of the DIP engine.")

    @Option(help: "Which nets: paper, defaults, all, or one net's name (denoise, sr, inpaint, or a default's, e.g. 'flash').")
    var config = "all"
    @Option(help: "Timed steps per net.")
    var steps = 10
    @Option(help: "Untimed steps before timing.")
    var warmup = 2
    @Flag(help: "Also print per-part and per-convolution times.")
    var profile = false
    @Flag(help: "Also time each net's step in PyTorch (2 threads), from a virtual environment made from PyPI.")
    var pytorch = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be at least 0") }
        guard !selected.isEmpty else {
            let names = Self.cases.map { "'\($0.name)'" }.joined(separator: ", ")
            throw ValidationError("unknown config '\(config)' (paper, defaults, all, \(names))")
        }
    }

    var selected: [Case] {
        switch config {
        case "all": return Self.cases
        case "paper": return Self.cases.filter { $0.paper }
        case "defaults": return Self.cases.filter { !$0.paper }
        default: return Self.cases.filter { $0.name == config }
        }
    }

    struct Case {
        let name: String
        /// A paper net (else a default preset's).
        var paper = true
        let config: SkipNetConfig
        let height: Int, width: Int
        let make: (SkipNetConfig, Int, Int) -> (NetInput, DataTerm, FitOptions)
    }

    static func syntheticImage(channels: Int, height: Int, width: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed, stream: "bench-image")
        var out = [Float](repeating: 0, count: channels * height * width)
        for c in 0..<channels {
            for y in 0..<height {
                for x in 0..<width {
                    let base = 0.5 + 0.3 * sin(Float(x) * 0.05 + Float(c)) * cos(Float(y) * 0.07)
                    out[(c * height + y) * width + x] = min(1, max(0, base + 0.1 * (rng.nextUniform() - 0.5)))
                }
            }
        }
        return out
    }

    static let cases: [Case] = paperCases + PresetNets.defaults.map { name, net in
        Case(name: name, paper: false, config: net, height: 512, width: 512) { c, h, w in
            (.uniformNoise(depth: c.inputDepth, scale: 0.1),
             .mse(target: syntheticImage(channels: c.outputChannels, height: h, width: w, seed: 4)),
             FitOptions(learningRate: 0.01, regNoiseStd: 0.03, emaDecay: 0.99, seed: 1))
        }
    }

    static let paperCases: [Case] = [
        Case(name: "denoise", config: .paperDenoise(), height: 512, width: 512) { c, h, w in
            (.uniformNoise(depth: c.inputDepth, scale: 0.1),
             .mse(target: syntheticImage(channels: 3, height: h, width: w, seed: 1)),
             FitOptions(learningRate: 0.01, regNoiseStd: 1.0 / 30, emaDecay: 0.99, divergenceGuard: true, seed: 1))
        },
        Case(name: "sr", config: .paperSuperResolution(), height: 384, width: 576) { c, h, w in
            (.uniformNoise(depth: c.inputDepth, scale: 0.1),
             .downsampledMSE(target: syntheticImage(channels: 3, height: h / 4, width: w / 4, seed: 2), factor: 4),
             FitOptions(learningRate: 0.01, regNoiseStd: 0.03, seed: 1))
        },
        Case(name: "inpaint", config: .paperInpaintText(), height: 512, width: 512) { c, h, w in
            var rng = SeededRandom(seed: 3, stream: "bench-mask")
            let mask = (0..<(h * w)).map { _ in rng.nextUniform() < 0.9 ? Float(1) : 0 }
            return (.uniformNoise(depth: c.inputDepth, scale: 0.1),
                    .maskedMSE(target: syntheticImage(channels: 3, height: h, width: w, seed: 3), mask: mask),
                    FitOptions(learningRate: 0.01, regNoiseStd: 0.03, seed: 1))
        },
    ]

    /// Peak resident set (VmHWM) in MiB from /proc, or ru_maxrss when /proc is unavailable.
    static func peakRSSMiB() -> Double {
        if let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
                return kb / 1024
            }
        }
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_maxrss) / 1024
    }

    /// Resets the kernel's peak-RSS mark so each configuration reports its own peak.
    static func resetPeakRSS() {
        if let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            h.write("5".data(using: .utf8)!)
            try? h.close()
        }
    }

    static func pageFaults() -> Int {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return u.ru_minflt + u.ru_majflt
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }

    /// Best-of-5 GFLOP/s of C(128×65536) = A(128×1152)·B(1152×65536), the level-0 up-conv shape.
    static func sgemmGFLOPS() throws -> Double {
        let m = 128, n = 65536, k = 1152
        let a = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        var rng = SeededRandom(seed: 1)
        for i in 0..<(m * k) { a[i] = rng.nextUniform() - 0.5 }
        for i in 0..<(k * n) { b[i] = rng.nextUniform() - 0.5 }
        c.initialize(repeating: 0, count: m * n)
        var best = Double.infinity
        for rep in 0..<6 {
            let t = try MonotonicClock.timed { try BLAS.gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n) }.seconds
            if rep > 0 { best = min(best, t) }
        }
        return 2 * Double(m * n * k) / best / 1e9
    }

    /// CPU seconds (user + system) the process has used.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func sec(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return sec(u.ru_utime) + sec(u.ru_stime)
    }

    /// The machine state line of ../shared/tools/cpu-state.sh, or nil when the script is absent.
    static func machineState() -> String? {
        let script = "../shared/tools/cpu-state.sh"
        guard FileManager.default.isExecutableFile(atPath: script) else { return nil }
        return try? runCapturing(["/bin/bash", script]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a command, returning its stdout (stderr passes through); throws on failure.
    static func runCapturing(_ argv: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ValidationError("\(argv.joined(separator: " ")) exited with status \(p.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The PyTorch step of each case (scripts/peers/torch-step.sh), by name.
    func pytorchSeconds(_ cases: [Case]) throws -> [String: (Double, String)] {
        let script = "scripts/peers/torch-step.sh"
        guard FileManager.default.fileExists(atPath: script) else {
            throw ValidationError("--pytorch needs \(script): run dip-bench from the dip checkout's top folder")
        }
        let configs: [[String: Any]] = cases.map { c in
            let n = c.config
            return ["name": c.name, "input": n.inputDepth, "out": n.outputChannels, "down": n.down, "up": n.up,
                    "skip": n.skip, "kd": n.kernelDown, "ku": n.kernelUp, "ks": n.kernelSkip,
                    "upsample": n.upsample.map { $0 == .nearest ? "nearest" : "bilinear" }, "need1x1": n.need1x1Up,
                    "h": c.height, "w": c.width, "steps": steps, "warmup": warmup]
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: configs), as: UTF8.self)
        var out: [String: (Double, String)] = [:]
        for line in try Self.runCapturing(["/bin/bash", script, json]).split(separator: "\n") {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = obj["name"] as? String, let sec = obj["seconds"] as? Double else { continue }
            out[name] = (sec, "\(obj["torch"] ?? "?") \(obj["format"] ?? "")")
        }
        return out
    }

    func run() throws {
        let selected = self.selected
        do {
            try BLAS.load()
            if let state = Self.machineState() { print("machine before: \(state)") }
            let env = ProcessInfo.processInfo.environment
            if let explicit = env["DIP_OPENBLAS_CORETYPE"], !explicit.isEmpty {
                print("note: DIP_OPENBLAS_CORETYPE=\(explicit) chooses the OpenBLAS kernels")
            } else if BLAS.forcedSkylakeX, let ambient = env["OPENBLAS_CORETYPE"], !ambient.isEmpty {
                print("note: OPENBLAS_CORETYPE=\(ambient) is preset in the environment; dip uses the AVX-512 kernels (set DIP_OPENBLAS_CORETYPE to choose)")
            }
            print("OpenBLAS core: \(BLAS.coreName) (CPU AVX-512: \(BLAS.cpuHasAVX512 ? "yes" : "no"), selected by dip: \(BLAS.forcedSkylakeX ? "yes" : "no")), threads \(BLAS.threads)")
            print("convolution products: \(DIPEngineInfo.convolutionPrecision) (DIP_PRECISION=fp32 forces fp32)")
            var peak = try Self.sgemmGFLOPS()
            print(String(format: "sgemm 128×65536×1152: %.1f GFLOP/s (measured again after each config; the ratio uses the best)", peak))
            let torch = pytorch ? try pytorchSeconds(selected) : [:]
            if let (_, version) = torch.values.first { print("PyTorch \(version.split(separator: " ").first ?? ""): 2 threads, MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000, faster of NCHW and channels_last") }
            print("config          size      fwd GMAC  s/step (median, min..max)   GFLOP/s  vs sgemm  cores  faults/step  peak RSS" + (pytorch ? "  PyTorch s/step  dip/PyTorch" : ""))
            for c in selected {
                Self.resetPeakRSS()
                let (input, data, options) = c.make(c.config, c.height, c.width)
                let fitter = try DIPFitter(config: c.config, height: c.height, width: c.width, input: input, data: data, options: options)
                for _ in 0..<warmup { try fitter.step() }
                if profile { fitter.enableProfiling() }
                var times: [Double] = []
                let f0 = Self.pageFaults(), cpu0 = Self.cpuSeconds()
                for _ in 0..<steps { times.append(try MonotonicClock.timed { try fitter.step() }.seconds) }
                let cores = (Self.cpuSeconds() - cpu0) / times.reduce(0, +)
                let faults = Double(Self.pageFaults() - f0) / Double(steps)
                let rss = Self.peakRSSMiB()
                peak = max(peak, try Self.sgemmGFLOPS())
                let med = Self.median(times)
                let gmac = Double(fitter.forwardMACs) / 1e9
                let gflops = 6 * gmac / med
                var row = c.name.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: " %4d×%-4d %9.1f  %6.3f (%.3f..%.3f)        %7.1f  %7.0f%%  %5.2f  %10.0f  %6.0f MiB",
                                 c.width, c.height, gmac, med, times.min() ?? 0, times.max() ?? 0,
                                 gflops, 100 * gflops / peak, cores, faults, rss)
                if pytorch {
                    if let (t, _) = torch[c.name] { row += String(format: "  %14.3f  %11.2f", t, med / t) } else { row += "  (no result)" }
                }
                print(row)
                if profile {
                    let parts = fitter.profileReport().map { String(format: "%@ %.3f", $0.0 as NSString, $0.1 / Double(steps)) }
                    print("  per step (s): " + parts.joined(separator: ", "))
                    for (shape, f, b, macs) in fitter.slowestConvolutions(8) {
                        let fs = f / Double(steps), bs = b / Double(steps)
                        print(String(format: "    conv %-26@ fwd %.3f s (%.0f GFLOP/s)  bwd %.3f s (%.0f GFLOP/s)", shape as NSString,
                                     fs, 2 * Double(macs) / fs / 1e9, bs, 4 * Double(macs) / bs / 1e9))
                    }
                }
            }
            if let state = Self.machineState() { print("machine after: \(state)") }
        } catch let e as ValidationError {
            throw e
        } catch {
            throw ValidationError("dip-bench engine: \(error)")
        }
    }
}
