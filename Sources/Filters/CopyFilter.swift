import FilterAPI

/// `copy`: passes the image through unchanged (useful to convert formats or test streams).
public final class CopyFilter: Filter {
    public static let name = "copy"
    public static let summary = "Pass images through unchanged (format conversion, stream checks)"
    public static let parameters: [ParameterSpec] = []
    public init(parameters: ParameterValues) throws {}
    public func apply(_ inputs: FilterInputs, context: FilterContext) throws -> Image { inputs.image }
}
