#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

/// The skip encoder-decoder planned for one image size and batch: every activation, gradient and
/// workspace buffer is allocated here, once; `forward` and `backward` only reuse them.
///
/// Parameters and their gradients are single contiguous buffers (`parameters`, `gradients`) in
/// construction order: per level the skip conv + BN, the two down convs + BNs, the deeper levels,
/// the concat BN, the up conv + BN, the optional 1×1 conv + BN; the head conv last.
final class SkipNet {
    /// An activation tensor: its values and (if some layer needs it) its gradient, either owned
    /// or a channel slice of a concat buffer.
    struct Node {
        var value: TensorView
        var grad: TensorView?
    }

    enum Op {
        case conv(Conv2D, input: Int, output: Int)
        case batchNorm(BatchNorm, input: Int, output: Int, statsOffset: Int)
        case upsample(Upsample2x, input: Int, output: Int)
        case sigmoid(input: Int, output: Int)
    }

    let config: SkipNetConfig
    let batch: Int, height: Int, width: Int
    private(set) var nodes: [Node] = []
    private(set) var ops: [Op] = []
    private var owned: [FloatBuffer] = []
    /// Whether a node's gradient was already written in the current backward pass (so the next
    /// producer adds to it instead of overwriting): reset at the start of each backward.
    private var gradWritten: [Bool] = []

    let parameters: FloatBuffer
    let gradients: FloatBuffer
    let parameterCount: Int
    private let stats: FloatBuffer
    private let columns: FloatBuffer
    /// Index of the input node (z) and the output node (after the sigmoid).
    let inputNode: Int
    private(set) var outputNode: Int = 0
    /// Forward multiply-accumulates for the whole batch (convs only).
    private(set) var macs: Int = 0

    /// Builds the plan for `batch` images of height × width (multiples of 2^levels).
    /// `activationSlope` is LeakyReLU's negative slope (DIP: 0.2); tests use 1 (no kinks) to check
    /// gradients tightly. `bf16` multiplies the convolutions in bf16 (`BF16`; tests of the whole
    /// net's calculus turn it off). A plan above `memoryBudget` bytes throws
    /// `EngineError.overBudget` before any buffer is allocated.
    init(config: SkipNetConfig, batch: Int = 1, height: Int, width: Int, seed: UInt64,
         activationSlope: Float = 0.2, memoryBudget: Int = .max, bf16: Bool = BF16.enabledByDefault) throws {
        let (builder, plannedFloats, workspace) = try SkipNet.plan(config: config, batch: batch, height: height, width: width,
                                                                   slope: activationSlope, bf16: bf16)
        let (plannedBytes, overflow) = plannedFloats.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
        if overflow || plannedBytes > memoryBudget {
            throw EngineError.overBudget(what: "a \(width)×\(height) fit", bytes: overflow ? .max : plannedBytes,
                                         budget: memoryBudget)
        }
        self.config = config; self.batch = batch; self.height = height; self.width = width
        inputNode = builder.inputNode
        outputNode = builder.outputNode

        parameterCount = builder.parameterCount
        parameters = FloatBuffer(count: builder.parameterCount)
        gradients = FloatBuffer(count: builder.parameterCount)
        stats = FloatBuffer(count: builder.statsCount)
        for op in builder.ops { if case .conv(let c, _, _) = op { macs += c.macs * batch } }
        columns = FloatBuffer(count: workspace)

        // Pass 2: storage. Owned nodes get buffers; slices point into their parent's. A BN's input
        // gradient shares memory with its output gradient when the BN is the input's only
        // consumer (conv outputs, concat buffers): BN backward works in place, and nothing reads
        // the output gradient afterwards. This saves about a third of the gradient memory. The
        // remaining gradient buffers share slots where their lifetimes do not overlap
        // (`GradientPlan`).
        let alias = SkipNet.gradientAliases(builder)
        let gradPlan = SkipNet.gradientPlan(builder, aliases: alias)
        let slots = gradPlan.slotFloats.map { FloatBuffer(count: $0) }
        owned.append(contentsOf: slots)
        var values: [TensorView?] = Array(repeating: nil, count: builder.nodes.count)
        var grads: [TensorView?] = Array(repeating: nil, count: builder.nodes.count)
        for (i, spec) in builder.nodes.enumerated() where spec.sliceOf == nil {
            if let source = spec.valueOf {
                values[i] = values[source]
            } else {
                let v = FloatBuffer(count: batch * spec.c * spec.h * spec.w)
                owned.append(v)
                values[i] = TensorView(base: v.pointer, n: batch, c: spec.c, h: spec.h, w: spec.w)
            }
            if spec.needsGrad && alias[i] == nil, let slot = gradPlan.slotOfNode[i] {
                grads[i] = TensorView(base: slots[slot].pointer, n: batch, c: spec.c, h: spec.h, w: spec.w)
            }
        }
        for (i, target) in alias.enumerated() { if let target { grads[i] = grads[target] } }
        for (i, spec) in builder.nodes.enumerated() {
            guard let parent = spec.sliceOf, let pv = values[parent] else { continue }
            values[i] = pv.slice(channels: spec.sliceFrom, count: spec.c)
            grads[i] = grads[parent].map { $0.slice(channels: spec.sliceFrom, count: spec.c) }
        }
        let resolved = values.compactMap { $0 }
        guard resolved.count == values.count else {
            throw EngineError.badConfiguration("internal: a slice precedes its parent buffer")
        }
        nodes = zip(resolved, grads).map { Node(value: $0, grad: $1) }
        gradWritten = Array(repeating: false, count: nodes.count)
        ops = builder.ops

        // Initialise parameters in construction order from the "weights" stream.
        var rng = SeededRandom(seed: seed, stream: "weights")
        for op in ops {
            switch op {
            case .conv(let c, _, _): c.initialise(parameters.pointer, rng: &rng)
            case .batchNorm(let b, _, _, _): b.initialise(parameters.pointer)
            default: break
            }
        }
    }

    /// Pass 1 of `init` without storage: checks the size, describes the graph (parameter offsets,
    /// node shapes) and counts the floats the plan will allocate — activations + gradients +
    /// the largest workspace + parameters ×5 (values, gradients, Adam's two moments, the guard's
    /// copy). Planners (tiling) call it to size a fit before anything is allocated.
    fileprivate static func plan(config: SkipNetConfig, batch: Int = 1, height: Int, width: Int,
                                 slope: Float = 0.2, bf16: Bool = BF16.enabledByDefault) throws -> (builder: Builder, floats: Int, workspace: Int) {
        try config.validate()
        let m = config.sizeMultiple
        guard batch >= 1, height >= m, width >= m, height % m == 0, width % m == 0 else {
            throw EngineError.badInput("image \(width)×\(height) must be positive multiples of \(m) (2^levels), batch \(batch) ≥ 1")
        }
        if min(height, width) < config.minimumSide {
            throw EngineError.badInput("image \(width)×\(height) is too small for \(config.levels) levels with reflection padding: both sides must be at least \(config.minimumSide)")
        }
        guard batch * height * width <= 1 << 26 else {
            throw EngineError.tooLarge("\(batch)×\(width)×\(height) pixels is beyond the engine's 64 Mpixel limit")
        }
        var builder = Builder(config: config, batch: batch, slope: slope, bf16: bf16)
        let zShape = builder.addNode(c: config.inputDepth, h: height, w: width, needsGrad: false)
        builder.inputNode = zShape
        let top = try builder.level(0, input: zShape)
        let head = try builder.conv(top, cout: config.outputChannels, k: 1, stride: 1, beforeBatchNorm: false)
        let out = builder.addNode(c: config.outputChannels, h: height, w: width, needsGrad: true)
        builder.ops.append(.sigmoid(input: head, output: out))
        builder.outputNode = out

        var floats = 5 * builder.parameterCount
        let aliases = SkipNet.gradientAliases(builder)
        for spec in builder.nodes where spec.sliceOf == nil && spec.valueOf == nil { floats += batch * spec.c * spec.h * spec.w }
        floats += SkipNet.gradientPlan(builder, aliases: aliases).totalFloats
        var workspace = 1
        for op in builder.ops {
            switch op {
            case .conv(let c, _, _): workspace = max(workspace, c.columnFloats)
            case .upsample(_, let i, _):
                workspace = max(workspace, Upsample2x.scratchFloats(n: batch, c: builder.nodes[i].c, w: builder.nodes[i].w))
            default: break
            }
        }
        return (builder, floats + workspace, workspace)
    }

    /// Bytes `init` would allocate for a `width`×`height` net of `config` (the count `plan` makes),
    /// without allocating; throws what `init` would for an unusable size.
    static func plannedBytes(config: SkipNetConfig, batch: Int = 1, height: Int, width: Int) throws -> Int {
        let floats = try plan(config: config, batch: batch, height: height, width: width).floats
        let (bytes, overflow) = floats.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
        return overflow ? .max : bytes
    }

    /// Sets the head conv (the last parameters) to zero, so the net's first output is exactly
    /// sigmoid(0) = 0.5 everywhere: a residual fit then starts from its base image. The head's
    /// gradient is not zero (its input is not), so the rest of the net starts learning one step later.
    func zeroHead() {
        for op in ops.reversed() {
            if case .conv(let c, _, _) = op {
                (parameters.pointer + c.weightOffset).update(repeating: 0, count: c.parameterCount)
                return
            }
        }
    }

    /// The shared gradient slots of a plan: each node's gradient lives in its owner's buffer (its
    /// own, its alias target's, or for a slice its parent's), and owners whose backward lifetimes
    /// do not overlap share a slot.
    private static func gradientPlan(_ b: Builder, aliases: [Int?]) -> GradientPlan {
        var owner = [Int?](repeating: nil, count: b.nodes.count)
        func resolve(_ i: Int) -> Int? {
            let spec = b.nodes[i]
            guard spec.needsGrad else { return nil }
            if let parent = spec.sliceOf { return resolve(parent) }
            if let target = aliases[i] { return resolve(target) }
            return i
        }
        for i in b.nodes.indices { owner[i] = resolve(i) }
        let floats = b.nodes.map { b.batch * $0.c * $0.h * $0.w }
        return GradientPlan(nodeCount: b.nodes.count, owner: owner, floats: floats, opCount: b.ops.count, touches: { index in
            switch b.ops[index] {
            case .conv(_, let i, let o), .batchNorm(_, let i, let o, _), .upsample(_, let i, let o), .sigmoid(let i, let o): return [o, i]
            }
        }, outputNode: b.outputNode)
    }

    /// For each node, the node whose gradient buffer it shares (see pass 2 of `init`), or nil.
    private static func gradientAliases(_ b: Builder) -> [Int?] {
        var consumers = Array(repeating: 0, count: b.nodes.count)
        for op in b.ops {
            switch op {
            case .conv(_, let i, _), .batchNorm(_, let i, _, _), .upsample(_, let i, _), .sigmoid(let i, _): consumers[i] += 1
            }
        }
        var alias: [Int?] = Array(repeating: nil, count: b.nodes.count)
        for op in b.ops {
            guard case .batchNorm(_, let i, let o, _) = op else { continue }
            let x = b.nodes[i], y = b.nodes[o]
            if consumers[i] == 1, x.needsGrad, y.needsGrad, x.sliceOf == nil, y.sliceOf == nil,
               x.c == y.c, x.h == y.h, x.w == y.w {
                alias[i] = o
            }
        }
        return alias
    }

    /// The input tensor z the caller fills before `forward` (batch × inputDepth × H × W).
    var input: TensorView { nodes[inputNode].value }
    /// The sigmoid output (batch × outputChannels × H × W).
    var output: TensorView { nodes[outputNode].value }
    /// Gradient of the loss with respect to the output; the caller fills it before `backward`.
    var outputGrad: TensorView { nodes[outputNode].grad ?? nodes[outputNode].value }
    /// Total bytes of activation, gradient and workspace buffers.
    var plannedBytes: Int { (owned.reduce(0) { $0 + $1.count } + columns.count + 3 * parameters.count) * 4 }

    /// Per-op timing for `dip-bench engine --profile`; nil (no timing) unless `enableProfiling()`.
    private(set) var profiler: Profiler?

    func enableProfiling() { profiler = Profiler(ops: ops.count) }

    /// The `count` convolutions that took longest (forward + backward seconds accumulated), with
    /// their shape and MACs.
    func slowestConvolutions(_ count: Int) -> [(String, Double, Double, Int)] {
        guard let profiler else { return [] }
        var rows: [(String, Double, Double, Int)] = []
        for (i, op) in ops.enumerated() {
            if case .conv(let c, _, _) = op {
                rows.append(("\(c.cin)→\(c.cout) \(c.k)×\(c.k)/\(c.stride) @\(c.w)×\(c.h)",
                             profiler.opSeconds[2 * i], profiler.opSeconds[2 * i + 1], c.macs * batch))
            }
        }
        return Array(rows.sorted { $0.1 + $0.2 > $1.1 + $1.2 }.prefix(count))
    }

    /// The profiler part an op's forward (or backward) time goes to.
    private static func part(_ op: Op, backward: Bool) -> Profiler.Part {
        switch op {
        case .conv: return backward ? .convBackward : .convForward
        case .batchNorm: return backward ? .batchNormBackward : .batchNormForward
        case .upsample: return backward ? .upsampleBackward : .upsampleForward
        case .sigmoid: return backward ? .sigmoidBackward : .sigmoidForward
        }
    }

    /// Adds the time since `t0` to op `index`'s forward or backward total.
    @inline(__always)
    private func record(_ profiler: Profiler, _ op: Op, index: Int, backward: Bool, since t0: Double) {
        let dt = MonotonicClock.now() - t0
        profiler.add(SkipNet.part(op, backward: backward), dt)
        profiler.opSeconds[2 * index + (backward ? 1 : 0)] += dt
    }

    func forward() {
        let p = parameters.pointer, cols = columns.pointer, st = stats.pointer
        for (index, op) in ops.enumerated() {
            let t0 = profiler != nil ? MonotonicClock.now() : 0
            defer { if let profiler { record(profiler, op, index: index, backward: false, since: t0) } }
            switch op {
            case .conv(let c, let i, let o):
                c.forward(x: nodes[i].value, y: nodes[o].value, params: p, cols: cols,
                          affine: c.affineStatsOffset.map { UnsafePointer(st + $0) }, profiler: profiler)
            case .batchNorm(let b, let i, let o, let s):
                b.forward(x: nodes[i].value, y: nodes[o].value, params: p, stats: st + s)
            case .upsample(let u, let i, let o):
                u.forward(x: nodes[i].value, y: nodes[o].value)
            case .sigmoid(let i, let o):
                Activations.sigmoidForward(nodes[i].value, nodes[o].value)
            }
        }
    }

    /// Accumulates parameter gradients (the caller zeroes `gradients` first) from `outputGrad`.
    func backward() {
        let p = parameters.pointer, g = gradients.pointer, cols = columns.pointer, st = stats.pointer
        for i in 0..<gradWritten.count { gradWritten[i] = false }
        gradWritten[outputNode] = true
        for index in stride(from: ops.count - 1, through: 0, by: -1) {
            let op = ops[index]
            let t0 = profiler != nil ? MonotonicClock.now() : 0
            defer { if let profiler { record(profiler, op, index: index, backward: true, since: t0) } }
            switch op {
            case .conv(let c, let i, let o):
                guard let dy = nodes[o].grad else { continue }
                let dx = nodes[i].grad
                let acc = gradWritten[i]
                c.backward(x: nodes[i].value, dy: dy, dx: dx, accumulate: acc, params: p, grads: g, cols: cols,
                           affine: c.affineStatsOffset.map { UnsafePointer(st + $0) },
                           profiler: profiler)
                if dx != nil { gradWritten[i] = true }
            case .batchNorm(let b, let i, let o, let s):
                guard let dy = nodes[o].grad, let dx = nodes[i].grad else { continue }
                b.backward(x: nodes[i].value, dy: dy, dx: dx, accumulate: gradWritten[i], params: p, grads: g, stats: st + s)
                gradWritten[i] = true
            case .upsample(let u, let i, let o):
                guard let dy = nodes[o].grad, let dx = nodes[i].grad else { continue }
                u.backward(dy: dy, dx: dx, accumulate: gradWritten[i], scratch: cols)
                gradWritten[i] = true
            case .sigmoid(let i, let o):
                guard let dy = nodes[o].grad, let dx = nodes[i].grad else { continue }
                Activations.sigmoidBackward(nodes[o].value, dy, dx, accumulate: gradWritten[i])
                gradWritten[i] = true
            }
        }
    }
}

/// Pass 1 of `SkipNet`: records node shapes, ops and parameter offsets, following DIP-REFERENCE's
/// recursive description of each level.
private struct Builder {
    struct NodeSpec {
        var c: Int, h: Int, w: Int
        var needsGrad: Bool
        var sliceOf: Int?
        var sliceFrom: Int
        /// A node whose values are another's (a folded BatchNorm's output: its input, read
        /// through the map the convolution applies); its gradient is its own.
        var valueOf: Int? = nil
    }
    let config: SkipNetConfig
    let batch: Int
    var nodes: [NodeSpec] = []
    var ops: [SkipNet.Op] = []
    var parameterCount = 0
    var statsCount = 0
    /// The input node (z) and the output node (after the sigmoid), set by `SkipNet.plan`.
    var inputNode = 0, outputNode = 0

    let slope: Float
    let bf16: Bool

    init(config: SkipNetConfig, batch: Int, slope: Float, bf16: Bool) {
        self.config = config; self.batch = batch; self.slope = slope; self.bf16 = bf16
    }

    mutating func addNode(c: Int, h: Int, w: Int, needsGrad: Bool = true) -> Int {
        nodes.append(NodeSpec(c: c, h: h, w: w, needsGrad: needsGrad, sliceOf: nil, sliceFrom: 0))
        return nodes.count - 1
    }

    mutating func addSlice(of parent: Int, from: Int, count: Int) -> Int {
        let p = nodes[parent]
        nodes.append(NodeSpec(c: count, h: p.h, w: p.w, needsGrad: p.needsGrad, sliceOf: parent, sliceFrom: from))
        return nodes.count - 1
    }

    /// A conv; `beforeBatchNorm` (every conv but the head) drops the bias's computation, which
    /// the following BN cancels exactly (see `Conv2D.biasMatters`). `affineStats`: the stats
    /// offset of a folded BN's map that the conv applies to its input.
    mutating func conv(_ input: Int, cout: Int, k: Int, stride: Int, beforeBatchNorm: Bool = true,
                       affineStats: Int? = nil) throws -> Int {
        let x = nodes[input]
        var layer = try Conv2D(cin: x.c, cout: cout, k: k, stride: stride, padding: config.padding,
                               h: x.h, w: x.w, offset: parameterCount)
        layer.biasMatters = !beforeBatchNorm
        layer.affineStatsOffset = affineStats
        layer.allowBF16 = bf16
        parameterCount += layer.parameterCount
        let out = addNode(c: cout, h: layer.ho, w: layer.wo)
        ops.append(.conv(layer, input: input, output: out))
        return out
    }

    /// BN (+ LeakyReLU when `leaky`) into `into` (a new node when nil).
    mutating func batchNorm(_ input: Int, leaky: Bool, into: Int? = nil) -> Int {
        let x = nodes[input]
        let layer = BatchNorm(c: x.c, slope: leaky ? slope : 1, offset: parameterCount)
        parameterCount += layer.parameterCount
        let out = into ?? addNode(c: x.c, h: x.h, w: x.w)
        ops.append(.batchNorm(layer, input: input, output: out, statsOffset: statsCount))
        statsCount += layer.statsFloats
        return out
    }

    /// A plain BN folded into the convolution that follows (`BatchNorm.folded`): its output node
    /// stores no values. Returns the node and the stats offset of its map for that convolution.
    mutating func foldedBatchNorm(_ input: Int) -> (node: Int, map: Int) {
        let x = nodes[input]
        var layer = BatchNorm(c: x.c, slope: 1, offset: parameterCount)
        layer.folded = true
        parameterCount += layer.parameterCount
        nodes.append(NodeSpec(c: x.c, h: x.h, w: x.w, needsGrad: true, sliceOf: nil, sliceFrom: 0, valueOf: input))
        let out = nodes.count - 1
        ops.append(.batchNorm(layer, input: input, output: out, statsOffset: statsCount))
        let map = statsCount + 2 * x.c
        statsCount += layer.statsFloats
        return (out, map)
    }

    /// Level i from input x_i; returns the level's output node (nu[i] channels at x_i's size).
    mutating func level(_ i: Int, input: Int) throws -> Int {
        let c = config
        let last = c.levels - 1
        let x = nodes[input]
        let deeperChannels = i < last ? c.up[i + 1] : c.down[i]
        let ns = c.skip[i]
        let concat = addNode(c: ns + deeperChannels, h: x.h, w: x.w)
        if ns > 0 {
            let s = try conv(input, cout: ns, k: c.kernelSkip, stride: 1)
            let slot = addSlice(of: concat, from: 0, count: ns)
            _ = batchNorm(s, leaky: true, into: slot)
        }
        let d1 = try conv(input, cout: c.down[i], k: c.kernelDown, stride: 2)
        let a1 = batchNorm(d1, leaky: true)
        let d2 = try conv(a1, cout: c.down[i], k: c.kernelDown, stride: 1)
        var deep = batchNorm(d2, leaky: true)
        if i < last { deep = try level(i + 1, input: deep) }
        let slot = addSlice(of: concat, from: ns, count: deeperChannels)
        ops.append(.upsample(Upsample2x(mode: c.upsample[i]), input: deep, output: slot))
        // The BN after the concat is folded into the up conv when that conv builds its own padded
        // rows (it then applies the BN's map while reading): the BN's output is never stored.
        let u: Int
        if c.kernelUp > 1 && Conv2D.rowShiftEnabled {
            let (joined, map) = foldedBatchNorm(concat)
            u = try conv(joined, cout: c.up[i], k: c.kernelUp, stride: 1, affineStats: map)
        } else {
            let joined = batchNorm(concat, leaky: false)
            u = try conv(joined, cout: c.up[i], k: c.kernelUp, stride: 1)
        }
        var out = batchNorm(u, leaky: true)
        if c.need1x1Up {
            let one = try conv(out, cout: c.up[i], k: 1, stride: 1)
            out = batchNorm(one, leaky: true)
        }
        return out
    }
}
