/// Filters run in sequence inside one process: `add-noise --sigma 25 ! resize --scale 2`.
public struct Chain {
    public var filters: [ConfiguredFilter]
    /// The input file named after the last stage's parameters (`dip-pipe denoise in.png`), as
    /// netpbm tools take theirs; only where `init(arguments:registry:acceptsFile:)` allowed one.
    public private(set) var inputFile: String? = nil

    public init(_ filters: [ConfiguredFilter]) { self.filters = filters }

    /// Parses dip-pipe's filter syntax: `NAME [--param value | --param=value | --flag]... [! NAME ...]`,
    /// plus, when `acceptsFile` (the command line), one trailing input file. The same syntax serves
    /// argv (already split) and the C ABI's spec strings (see `tokenize`), which take no file.
    public init(arguments: [String], registry: FilterRegistry, acceptsFile: Bool = false) throws {
        var stages: [[String]] = [[]]
        for arg in arguments {
            if arg == "!" { stages.append([]) } else { stages[stages.count - 1].append(arg) }
        }
        var filters: [ConfiguredFilter] = []
        for (index, stage) in stages.enumerated() {
            guard let name = stage.first else {
                throw DipError.badParameter("filter chain", index == 0 && stages.count == 1
                    ? "no filter given (try `dip-pipe list`)" : "empty stage around '!'")
            }
            guard !name.hasPrefix("-") else {
                throw DipError.badParameter(name, "expected a filter name before options")
            }
            guard let type = registry.type(named: name) else { throw registry.unknownFilter(name) }
            var pairs: [(name: String, value: String)] = []
            var i = 1
            while i < stage.count {
                let token = stage[i]
                guard token.hasPrefix("--"), token.count > 2 else {
                    if acceptsFile, index == stages.count - 1, i == stage.count - 1 {
                        inputFile = token
                        break
                    }
                    throw DipError.badParameter("\(name) \(token)", "unexpected argument (parameters are --name value)")
                }
                var key = String(token.dropFirst(2))
                var value: String
                if let eq = key.firstIndex(of: "=") {
                    value = String(key[key.index(after: eq)...])
                    key = String(key[..<eq])
                    i += 1
                } else if let spec = type.parameters.first(where: { $0.name == key }), spec.kind == .bool,
                          i + 1 >= stage.count || (try? spec.parse(stage[i + 1])) == nil {
                    // A flag: the next token is its value only if it reads as true or false.
                    value = "true"
                    i += 1
                } else {
                    guard i + 1 < stage.count else {
                        throw DipError.badParameter("\(name) --\(key)", "missing value")
                    }
                    value = stage[i + 1]
                    i += 2
                }
                // A repeated parameter is an error, not "the last one wins": one of the two
                // was not what the user meant, and dip cannot tell which.
                guard !pairs.contains(where: { $0.name == key }) else {
                    throw DipError.badParameter("\(name) --\(key)", "given twice")
                }
                pairs.append((key, value))
            }
            filters.append(try registry.make(name, arguments: pairs))
        }
        self.filters = filters
    }

    /// Splits a spec string on white space, honouring single and double quotes and backslashes.
    public static func tokenize(_ spec: String) throws -> [String] {
        var tokens: [String] = []
        var current = ""
        var inToken = false
        var quote: Character? = nil
        var escaped = false
        for ch in spec {
            if escaped { current.append(ch); escaped = false; continue }
            if ch == "\\" && quote != "'" { escaped = true; inToken = true; continue }
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
                continue
            }
            if ch == "'" || ch == "\"" { quote = ch; inToken = true; continue }
            if ch.isWhitespace {
                if inToken { tokens.append(current); current = ""; inToken = false }
                continue
            }
            current.append(ch)
            inToken = true
        }
        if quote != nil || escaped { throw DipError.badParameter("filter spec", "unterminated quote or escape") }
        if inToken { tokens.append(current) }
        return tokens
    }

    public init(spec: String, registry: FilterRegistry) throws {
        try self.init(arguments: try Chain.tokenize(spec), registry: registry)
    }

    /// Each extra image the chain needs, in order: (filter index, parameter name, parameter value).
    public var imageInputs: [(filter: Int, parameter: String, value: String)] {
        var out: [(Int, String, String)] = []
        for (i, f) in filters.enumerated() {
            for p in f.filter.imageInputs {
                out.append((i, p, f.values.string(p) ?? ""))
            }
        }
        return out
    }

    /// The final output size for an input of the given size.
    public func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int) {
        var size = (width: width, height: height)
        for f in filters { size = try f.filter.outputSize(width: size.width, height: size.height) }
        return size
    }

    /// Runs every stage on `image`. `extras[i]` holds the extra images of stage i by parameter name.
    /// With `memory` (one per stream, `ChainMemory(stages: filters.count)`), each stage may warm
    /// start from its state on the stream's previous image (see `FrameMemory`), and a restoration
    /// stage's output is deflickered against its previous one (see `Deflicker`).
    public func run(_ image: Image, name: String, extras: [[String: (image: Image, source: String)]] = [],
                    context: FilterContext, memory: ChainMemory? = nil) throws -> Image {
        var current = image
        var currentName = name
        for (i, f) in filters.enumerated() {
            let context = memory?.enter(stage: i, image: current, context: context) ?? context
            var inputs = FilterInputs(image: current, imageName: currentName)
            if i < extras.count {
                for (param, entry) in extras[i] {
                    inputs.extra[param] = entry.image
                    inputs.extraNames[param] = entry.source
                }
            }
            current = try f.filter.apply(inputs, context: context)
            if let memory { current = memory.finish(stage: i, filter: f, output: current) }
            currentName = "\(name) after \(f.name)"
            guard current.pixelCount <= context.maxPixels else {
                throw DipError.noMemory("\(f.name): output of \(current.width)x\(current.height) exceeds --max-pixels \(context.maxPixels)")
            }
        }
        return current
    }
}
