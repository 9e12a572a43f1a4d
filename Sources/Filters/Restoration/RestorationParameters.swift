import FilterAPI

/// The parameters every DIP filter shares — preset, step budget, learning rate, seed, time limit —
/// declared once per filter from its preset table, so the defaults they show are the table's.
struct RestorationParameters {
    let preset: Parameter<Preset>
    let iterations: OptionalParameter<Int>
    let learningRate: OptionalParameter<Double>
    let seed = OptionalParameter<Int>.int("seed", 0...Int.max, defaultNote: "the run's --seed",
        help: "Seed for weights, net input and perturbations")
    let maxSeconds = OptionalParameter<Double>.number("max-seconds", 0.001...1e9, defaultNote: "no limit",
        help: "Stop after this many seconds and return the best estimate so far")

    init<R>(presets: PresetTable<R>) {
        preset = .choice("preset", among: presets.presets, default: .fast,
                         help: "Settings bundle (see Presets): " + presets.presets.map { "'\($0.rawValue)' = \($0.summary)" }.joined(separator: "; "))
        iterations = .int("iters", 1...1_000_000, defaultNote: presets.defaultNote(\.iterations) { "\($0)" },
                          help: "Optimisation steps")
        learningRate = .number("lr", 1e-7...10, defaultNote: presets.defaultNote(\.learningRate) { $0 == 0 ? "none (not a net)" : DIPRecipe.number($0) },
                               help: "Adam learning rate")
    }

    var specs: [ParameterSpec] { [preset.spec, iterations.spec, learningRate.spec, seed.spec, maxSeconds.spec] }

    /// What the user chose, read from the values of these declarations.
    struct Choice {
        var preset: Preset
        var iterations: Int?
        var learningRate: Float?
        var seed: UInt64?
        var maxSeconds: Double?

        /// `recipe` with the user's step count (which turns any stopping rule off) and learning rate.
        func apply<R: PresetRecipe>(to recipe: R) -> R { recipe.overridden(steps: iterations, learningRate: learningRate) }

        /// The seed of the fit: the filter's own `--seed`, else the run's.
        func seed(_ context: FilterContext) -> UInt64 { seed ?? context.seed }
    }

    /// The user's choices; ranges were checked when the values were set.
    func choice(_ values: ParameterValues) -> Choice {
        Choice(preset: values.value(preset), iterations: values.value(iterations),
               learningRate: values.value(learningRate).map { Float($0) },
               seed: values.value(seed).map { UInt64($0) }, maxSeconds: values.value(maxSeconds))
    }
}
