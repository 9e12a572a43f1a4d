/// What a preset row runs when a filter has two ways to restore: a Deep Image Prior fit or an
/// alternative that wins on the measured curves (denoise: Wiener passes after a pilot; sr: the
/// sparse upscale; inpaint's scattered pixels: the DCT fill) — exactly one of the two (made only by `dip(_:)` and
/// `alternative(_:)`). A struct of two optionals rather than an enum with two payloads: the
/// enum's copies read bytes of the smaller payload that were never written to find the case
/// (valgrind, through the C ABI's dip_filter_new, once the zero-shot recipe grew).
struct NetRecipe<Alternative: PresetRecipe>: PresetRecipe {
    private(set) var dip: DIPRecipe?
    private(set) var alternative: Alternative?

    static func dip(_ r: DIPRecipe) -> Self { Self(dip: r, alternative: nil) }
    static func alternative(_ r: Alternative) -> Self { Self(dip: nil, alternative: r) }

    var dipRecipe: DIPRecipe? { dip }
    var phrases: [String] { dip?.phrases ?? alternative?.phrases ?? [] }
    var iterations: Int { dip?.iterations ?? alternative?.iterations ?? 0 }
    var learningRate: Float { dip?.learningRate ?? alternative?.learningRate ?? 0 }
    func overridden(steps: Int?, learningRate: Float?) -> Self {
        Self(dip: dip?.overridden(steps: steps, learningRate: learningRate),
             alternative: alternative?.overridden(steps: steps, learningRate: learningRate))
    }
}
