import DIPEngine
import FilterAPI

/// The presets of the DIP filters. Every filter offers `fast` (the default: a lighter net and
/// schedule, stopping itself) and `paper` (the reference notebook's set-up for the task, exactly);
/// `quality` (a longer run for a better result) where its table has a row for it.
enum Preset: String, ParameterChoice {
    case fast, quality, paper
}

/// What a preset row holds: a set-up that describes itself in phrases and whose step count and
/// learning rate the user may override.
protocol PresetRecipe: Equatable {
    var phrases: [String] { get }
    var iterations: Int { get }
    var learningRate: Float { get }
    /// A copy that runs exactly `steps` steps (no stopping rule) at `learningRate` when given.
    func overridden(steps: Int?, learningRate: Float?) -> Self
    /// The Deep Image Prior fit this row runs, nil for a row without a net.
    var dipRecipe: DIPRecipe? { get }
}

extension PresetRecipe {
    var dipRecipe: DIPRecipe? { nil }
}

/// A recipe of a classical method that runs passes, no net: a step is one pass, `--iters` sets
/// the passes and `--lr` does not apply (its learning rate reads 0, "none" in the help).
protocol PassRecipe: PresetRecipe {
    var iterations: Int { get set }
}

extension PassRecipe {
    var learningRate: Float { 0 }
    func overridden(steps: Int?, learningRate: Float?) -> Self {
        var r = self
        if let steps { r.iterations = steps }
        return r
    }
}

/// A DIP filter's presets as data: one row per preset and variant (a variant is a case the
/// filter distinguishes, such as "--sigma >= 50" or an inpainting case). The fit takes its recipe
/// from here, and the filter's help text and its parameters' default notes are generated from
/// the same rows, so they cannot disagree with what runs.
struct PresetTable<Recipe: PresetRecipe> {
    struct Row {
        let preset: Preset
        /// nil for the preset's base row; else the condition in words ("--sigma >= 50", "pixels").
        let variant: String?
        let recipe: Recipe

        init(_ preset: Preset, _ variant: String, _ recipe: Recipe) {
            self.preset = preset; self.variant = variant; self.recipe = recipe
        }
        init(_ preset: Preset, _ recipe: Recipe) {
            self.preset = preset; variant = nil; self.recipe = recipe
        }
    }

    let rows: [Row]

    /// The nets `preset`'s rows fit (for a 3-channel image), with each row's variant.
    func nets(_ preset: Preset) -> [(variant: String?, net: SkipNetConfig)] {
        rows.filter { $0.preset == preset }.compactMap { row in
            row.recipe.dipRecipe.map { (row.variant, $0.withChannels(3).net) }
        }
    }

    /// The presets this table has rows for, in `Preset`'s order.
    var presets: [Preset] { Preset.allCases.filter { p in rows.contains { $0.preset == p } } }

    /// The recipe of `preset` for `variant` (the preset's base row when the variant has none).
    func recipe(_ preset: Preset, variant: String? = nil) throws -> Recipe {
        let mine = rows.filter { $0.preset == preset }
        guard let row = mine.first(where: { $0.variant == variant }) ?? mine.first(where: { $0.variant == nil }) else {
            throw DipError.failure("internal: no '\(preset.rawValue)' preset row for \(variant ?? "the base case")")
        }
        return row.recipe
    }

    /// The presets section of a filter's help: each base row in full, each variant by what it
    /// changes (in full when its preset has no base row).
    var helpText: String {
        var lines = ["Presets (--preset; \(Preset.fast.rawValue) is the default):"]
        for preset in presets {
            let mine = rows.filter { $0.preset == preset }
            let base = mine.first { $0.variant == nil }
            for row in mine {
                let label = row.variant.map { "\(preset.rawValue), \($0)" } ?? preset.rawValue
                var phrases = row.recipe.phrases
                if row.variant != nil, let base {
                    let basePhrases = base.recipe.phrases
                    phrases = phrases.filter { !basePhrases.contains($0) }
                    if phrases.isEmpty { phrases = ["as \(preset.rawValue)"] }
                }
                lines += Self.wrap(label: label, phrases.joined(separator: ", "))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// What a field is when the user does not set it, per preset, in words:
    /// "the preset's (fast 1200; paper 3000)", "the preset's (fast 2500, 4000 for x5-x8; ...)" or,
    /// when every row is a variant, "the preset's (fast: pixels 3000, text 1500, ...; ...)".
    func defaultNote<V: Equatable>(_ field: KeyPath<Recipe, V>, _ show: (V) -> String) -> String {
        var parts: [String] = []
        for preset in presets {
            let mine = rows.filter { $0.preset == preset }
            guard let first = mine.first else { continue }
            let value = first.recipe[keyPath: field]
            if mine.allSatisfy({ $0.recipe[keyPath: field] == value }) {
                parts.append("\(preset.rawValue) \(show(value))")
            } else if first.variant == nil {
                let others = mine.dropFirst().filter { $0.recipe[keyPath: field] != value }
                    .map { "\(show($0.recipe[keyPath: field])) for \($0.variant ?? "")" }
                parts.append(([preset.rawValue + " " + show(value)] + others).joined(separator: ", "))
            } else {
                let each = mine.map { "\($0.variant ?? "") \(show($0.recipe[keyPath: field]))" }
                parts.append("\(preset.rawValue): \(each.joined(separator: ", "))")
            }
        }
        return "the preset's (" + parts.joined(separator: "; ") + ")"
    }

    /// `label` in a 22-column margin, then `text` wrapped to 100 columns.
    private static func wrap(label: String, _ text: String) -> [String] {
        let margin = 22, width = 100
        var lines: [String] = []
        var line = "  " + label
        if line.count >= margin { lines.append(line); line = "" }
        line += String(repeating: " ", count: margin - line.count)
        var empty = true
        for word in text.split(separator: " ") {
            if !empty && line.count + 1 + word.count > width {
                lines.append(line)
                line = String(repeating: " ", count: margin)
                empty = true
            }
            line += (empty ? "" : " ") + word
            empty = false
        }
        lines.append(line)
        return lines
    }
}

extension Preset {
    /// What the preset is for, in a few words (the `--preset` help).
    var summary: String {
        switch self {
        case .fast: return "the quickest set-up that measured well (a lighter net, or none; see Presets)"
        case .quality: return "a longer run for a better result"
        case .paper: return "the DIP reference notebook exactly"
        }
    }
}
