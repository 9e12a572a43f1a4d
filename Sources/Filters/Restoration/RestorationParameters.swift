import FilterAPI

/// Parameters every DIP filter shares: preset, step budget, learning rate, seed, time limit.
enum RestorationParameters {
    static func specs(presets: [String], defaultPreset: String = "fast") -> [ParameterSpec] {
        [
            ParameterSpec("preset", .choice(presets), default: .string(defaultPreset),
                          help: "Settings bundle: 'paper' = the DIP reference notebook exactly; 'fast' = a lighter net and schedule"),
            ParameterSpec("iters", .int(1...1_000_000),
                          help: "Optimisation steps (default: the preset's)"),
            ParameterSpec("lr", .double(1e-7...10), help: "Adam learning rate (default: the preset's)"),
            ParameterSpec("seed", .int(0...Int.max),
                          help: "Seed for weights, net input and perturbations (default: the run's --seed)"),
            ParameterSpec("max-seconds", .double(0.001...1e9),
                          help: "Stop after this many seconds and return the best estimate so far"),
        ]
    }

    /// User overrides of a recipe, read from the shared parameters.
    struct Overrides {
        var iterations: Int?
        var learningRate: Float?
        var seed: UInt64?
        var maxSeconds: Double?

        init(_ p: ParameterValues) throws {
            iterations = p.isSet("iters") ? p.int("iters") : nil
            if p.isSet("lr"), let lr = p.double("lr") {
                guard lr.isFinite, lr > 0 else { throw DipError.badParameter("--lr", "must be a positive number") }
                learningRate = Float(lr)
            }
            if p.isSet("seed"), let s = p.int("seed"), s >= 0 { seed = UInt64(s) }
            if p.isSet("max-seconds"), let t = p.double("max-seconds") {
                guard t.isFinite, t > 0 else { throw DipError.badParameter("--max-seconds", "must be a positive number") }
                maxSeconds = t
            }
        }

        func apply(to recipe: DIPRecipe) -> DIPRecipe {
            var r = recipe
            if let iterations { r.iterations = iterations }
            if let learningRate { r.learningRate = learningRate }
            return r
        }
    }
}
