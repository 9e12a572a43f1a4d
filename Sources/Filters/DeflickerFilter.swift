import FilterAPI

/// `deflicker`: a stream's images deflickered (`Deflicker`: each pulled toward the previous one,
/// moved by block motion, where the two agree) and nothing else; a lone image passes unchanged.
/// For frames restored earlier, or by another tool: `dip-pipe --deflicker on denoise` does the
/// same to its own output as it goes.
public final class DeflickerFilter: Filter {
    public static let name = "deflicker"
    public static let summary = "Deflicker a stream of restored frames (motion-compensated, gated average with the previous one)"
    public static var details: String {
        """
        Each image of a stream is pulled toward the previous result, moved onto it by block motion
        (\(Deflicker.block)x\(Deflicker.block) blocks, sub-pixel), by up to \(DIPRecipe.number(Deflicker.maxWeight)) where their
        neighbourhoods differ by nothing, falling to 0 at a mean absolute difference of
        \(DIPRecipe.number(Deflicker.threshold * 255)) (0-255 scale). A size change or a scene cut starts again; --deflicker off turns it off.
        """
    }
    public static let parameters: [ParameterSpec] = []
    public static let deflickered = true
    public init(parameters: ParameterValues) throws {}
    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image { inputs.image }
}
