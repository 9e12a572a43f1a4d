import DIPEngine

/// The skip nets the restoration filters' presets fit, read from their preset tables (so a
/// benchmark of "the default presets' nets" follows the tables when they change).
public enum PresetNets {
    /// Every net the default preset (`fast`) of any filter fits, named "filter" or
    /// "filter variant", for a 3-channel image. Filters whose default runs no net add none.
    public static var defaults: [(name: String, net: SkipNetConfig)] {
        let preset = Preset.fast
        let tables: [(String, [(variant: String?, net: SkipNetConfig)])] = [
            (DenoiseFilter.name, DenoiseFilter.presets.nets(preset)),
            (DeblockFilter.name, DeblockFilter.presets.nets(preset)),
            (SuperResolutionFilter.name, SuperResolutionFilter.presets.nets(preset)),
            (InpaintFilter.name, InpaintFilter.presets.nets(preset)),
            (FlashFilter.name, FlashFilter.presets.nets(preset)),
        ]
        return tables.flatMap { filter, nets in
            nets.map { (variant: String?, net: SkipNetConfig) in
                (variant.map { "\(filter) \($0)" } ?? filter, net)
            }
        }
    }
}
