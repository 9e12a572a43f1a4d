// dip-bench: benchmarks, one subcommand per file.
//   dip-bench                 the engine benchmark (same as `dip-bench engine`)
//   dip-bench engine [--config denoise|sr|inpaint|all] [--steps N] [--warmup N]
//   dip-bench quality [--steps N] [--preset fast|paper] [--tasks denoise,restore,sr] [--images A,B]
// To add a benchmark, write a `static func run(_ args: [String]) -> Int32` in its own file and
// add one line to `subcommands` below.
import Foundation

let subcommands: [String: (summary: String, run: ([String]) -> Int32)] = [
    "engine": ("per-step time, GFLOP/s and peak memory of the DIP engine", EngineBenchmark.run),
    "quality": ("PSNR of the DIP filters on the shared benchmark images, beside the paper's", QualityHarness.run),
]

var arguments = Array(CommandLine.arguments.dropFirst())
var name = "engine"
if let first = arguments.first, !first.hasPrefix("-") {
    name = first
    arguments.removeFirst()
}
if name == "help" || arguments.contains("--help") && subcommands[name] == nil {
    print("usage: dip-bench [subcommand] [options]")
    for (key, value) in subcommands.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value.summary)") }
    exit(0)
}
guard let command = subcommands[name] else {
    FileHandle.standardError.write("dip-bench: unknown subcommand '\(name)' (try: \(subcommands.keys.sorted().joined(separator: ", ")))\n".data(using: .utf8)!)
    exit(2)
}
exit(command.run(arguments))
