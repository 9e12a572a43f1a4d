/// Which memory each gradient buffer of a `SkipNet` plan uses. A node's gradient is needed only
/// during the backward pass, from the op that first writes it (its last consumer, backward runs
/// in reverse) to the op that last reads it (its producer), so buffers whose intervals do not
/// overlap share one allocation: at full resolution the up conv's and the 1×1 conv's gradients
/// are dead before the deeper levels' are born. `SkipNet.plan` counts the shared slots and
/// `SkipNet.init` allocates them, from this one assignment.
struct GradientPlan {
    /// Per node with its own gradient buffer (owned, needs a gradient, not aliased): its slot.
    let slotOfNode: [Int?]
    /// Floats of each slot (the largest gradient placed in it).
    let slotFloats: [Int]

    var totalFloats: Int { slotFloats.reduce(0, +) }

    /// `owner[i]`: the node whose gradient buffer node i's gradient lives in (itself, its alias
    /// target, or its slice parent's), nil when it has none. `floats[i]`: the buffer's size for
    /// owners. `touches(op)`: the nodes whose gradients backward op `op` reads or writes.
    init(nodeCount: Int, owner: [Int?], floats: [Int], opCount: Int, touches: (Int) -> [Int], outputNode: Int) {
        // Backward time: op index opCount−1 runs first (time 0); the loss writes the output's
        // gradient before it (time −1).
        var first = [Int](repeating: .max, count: nodeCount), last = [Int](repeating: .min, count: nodeCount)
        func use(_ node: Int, at time: Int) {
            guard let o = owner[node] else { return }
            first[o] = min(first[o], time); last[o] = max(last[o], time)
        }
        use(outputNode, at: -1)
        for op in stride(from: opCount - 1, through: 0, by: -1) {
            for node in touches(op) { use(node, at: opCount - 1 - op) }
        }
        // Greedy by birth: reuse the smallest free slot that fits, else the largest free one
        // (grown), else a new slot. A slot frees after its occupant's last use.
        let owners = (0..<nodeCount).filter { owner[$0] == $0 && first[$0] != .max }.sorted { (first[$0], $0) < (first[$1], $1) }
        var slotOf = [Int?](repeating: nil, count: nodeCount)
        var sizes: [Int] = []
        var busyUntil: [Int] = []
        for node in owners {
            let need = floats[node]
            let free = sizes.indices.filter { busyUntil[$0] < first[node] }
            let fitting = free.filter { sizes[$0] >= need }.min { (sizes[$0], $0) < (sizes[$1], $1) }
            let slot: Int
            if let fitting {
                slot = fitting
            } else if let grow = free.max(by: { (sizes[$0], -$0) < (sizes[$1], -$1) }) {
                slot = grow; sizes[grow] = need
            } else {
                slot = sizes.count; sizes.append(need); busyUntil.append(.min)
            }
            slotOf[node] = slot
            busyUntil[slot] = last[node]
        }
        slotOfNode = slotOf
        slotFloats = sizes
    }
}
