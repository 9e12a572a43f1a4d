// dip-bench: benchmarks, one subcommand per file.
//   dip-bench                 the engine benchmark (same as `dip-bench engine`)
//   dip-bench engine [--config denoise|sr|inpaint|all] [--steps N] [--warmup N] [--profile]
//   dip-bench video [--chain SPEC] [--temporal on|off|both] [--frames N]
//   dip-bench tiles [--parts scaling,seams,hole] [--sizes 1,4,16,24] [--seam-chain SPEC] [--tiled-memory SIZE]
//   dip-bench quality [--steps N] [--preset fast|quality|paper] [--tasks denoise,restore,sr] [--images A,B]
// To add a benchmark, write a ParsableCommand in its own file and list it in `subcommands`.
import ArgumentParser

struct DipBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dip-bench",
        abstract: "Benchmarks and the quality harness of dip.",
        subcommands: [EngineBenchmark.self, QualityHarness.self, VideoBenchmark.self, TilesBenchmark.self],
        defaultSubcommand: EngineBenchmark.self)
}

DipBench.main()
