import DIPEngine
import FilterAPI

/// The optional `--seed` every random filter declares: when given it overrides the run's seed
/// (`FilterContext.seed`) for that filter alone, so one stage of a chain can be pinned.
enum FilterSeed {
    static let parameter = OptionalParameter<Int>.int("seed", 0...Int.max, defaultNote: "the run's --seed",
                                                      help: "Seed for this filter's random draws")

    /// The seed given to the filter, if any.
    static func given(_ parameters: ParameterValues) -> UInt64? { parameters.value(parameter).map { UInt64($0) } }

    /// A generator for `stream` (the filter's name), from the filter's own seed or the run's.
    static func generator(_ own: UInt64?, context: FilterContext, stream: String) -> SeededRandom {
        SeededRandom(seed: own ?? context.seed, stream: stream)
    }
}
