import FilterAPI

/// One `dip_filter_run`: checks the caller's buffers, converts them, runs each stage with the
/// caller's progress callback, and writes the result only after every stage succeeded (so a
/// failed or cancelled run leaves the output untouched, and output may alias input 1).
public struct ChainRun {
    public typealias Progress = @convention(c) (UnsafeMutableRawPointer?, Int32, Int32, Float) -> Int32

    let chain: Chain
    let seed: UInt64
    var maxPixels = MemoryLimit.defaultMaxPixels
    var maxMemory = MemoryBudget.defaultBytes
    /// The handle's memory of its previous run (warm starts, deflicker), or nil.
    var frames: ChainMemory? = nil

    func run(inputs: UnsafeRawPointer?, count: Int, output: UnsafeMutableRawPointer?,
             progress: Progress?, user: UnsafeMutableRawPointer?) throws {
        let extrasWanted = chain.imageInputs
        let needed = 1 + extrasWanted.count
        guard let inputs else { throw DipError.misuse("inputs is NULL") }
        guard let output else { throw DipError.misuse("output is NULL") }
        guard count == needed else {
            let what = extrasWanted.isEmpty ? "" : " (the image, then " +
                extrasWanted.map { "--\($0.parameter) of stage \($0.filter + 1)" }.joined(separator: ", ") + ")"
            throw DipError.misuse("n_inputs is \(count) but this chain needs \(needed)\(what)")
        }

        // Every buffer's fields are checked, the output's first after input 1's size, before any
        // pixel is read: a caller's mistake costs no copy and reads nothing it did not describe.
        let raw = RawImage(inputs)
        _ = try raw.validate(role: "input 1", maxPixels: maxPixels, badShape: { DipError.badImage("input 1", $0) })
        let size = try chain.outputSize(width: raw.width, height: raw.height)
        let out = RawImage(UnsafeRawPointer(output))
        let outStride = try out.validate(role: "output", maxPixels: maxPixels,
                                         badShape: { DipError.misuse("output: \($0)") })
        guard out.width == size.width, out.height == size.height else {
            throw DipError.misuse("output is \(out.width)x\(out.height) but the filter makes \(size.width)x\(size.height) from \(raw.width)x\(raw.height) (see dip_filter_output_size)")
        }
        let extraRaws = try extrasWanted.indices.map { k -> RawImage in
            let role = "input \(k + 2)", r = RawImage(inputs, index: k + 1)
            _ = try r.validate(role: role, maxPixels: maxPixels, badShape: { DipError.badImage(role, $0) })
            return r
        }

        let first = try raw.toImage(role: "input 1", maxPixels: maxPixels)
        var extras = [[String: (image: Image, source: String)]](repeating: [:], count: chain.filters.count)
        for (k, want) in extrasWanted.enumerated() {
            let role = "input \(k + 2)"
            let image = try extraRaws[k].toImage(role: role, maxPixels: maxPixels)
            extras[want.filter][want.parameter] = (image, "\(role) (--\(want.parameter))")
        }

        var current = first
        var name = "input 1"
        for (i, stage) in chain.filters.enumerated() {
            var reported = false
            var context = FilterContext(seed: seed, maxPixels: maxPixels, maxMemory: maxMemory)
            if let frames { context = frames.enter(stage: i, image: current, context: context) }
            if let progress {
                context.progress = { event in
                    reported = true
                    let (step, total) = event.overall
                    return progress(user, Int32(clamping: step), Int32(clamping: total),
                                    Float(event.loss)) == 0
                }
            }
            current = try Chain([stage]).run(current, name: name, extras: [extras[i]], context: context)
            if let frames { current = frames.finish(stage: i, filter: stage, output: current) }
            name = "input 1 after \(stage.name)"
            if let progress, !reported, progress(user, 1, 1, .nan) != 0 { throw DipError.cancelled }
        }
        guard current.width == size.width, current.height == size.height else {
            throw DipError.failure("\(chain.filters.map(\.name).joined(separator: " ! ")): made \(current.width)x\(current.height), announced \(size.width)x\(size.height)")
        }
        out.store(current, rowStride: outStride)
    }
}
