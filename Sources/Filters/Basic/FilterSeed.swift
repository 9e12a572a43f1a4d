import DIPEngine
import FilterAPI

/// The optional `--seed` every random filter declares: when given it overrides the run's seed
/// (`FilterContext.seed`) for that filter alone, so one stage of a chain can be pinned.
enum FilterSeed {
    static let spec = ParameterSpec("seed", .int(0...Int.max),
                                    help: "Seed for this filter's random draws (default: the run's --seed)")

    /// The seed given to the filter, if any.
    static func given(_ parameters: ParameterValues) -> UInt64? {
        guard parameters.isSet("seed"), let v = parameters.int("seed"), v >= 0 else { return nil }
        return UInt64(v)
    }

    /// A generator for `stream` (the filter's name), from the filter's own seed or the run's.
    static func generator(_ own: UInt64?, context: FilterContext, stream: String) -> SeededRandom {
        SeededRandom(seed: own ?? context.seed, stream: stream)
    }
}
