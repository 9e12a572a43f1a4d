import FilterAPI

/// The weighted sum of tile results over a whole output image (`TilePlan`): each tile adds its
/// planes times its ramp weights; the result divides by the summed weights.
struct TileBlend {
    let plan: TilePlan
    let channels: Int
    /// Output size (`scale` × the input's).
    let width: Int, height: Int
    private var sum: [Float]
    private var weight: [Float]

    init(plan: TilePlan, channels: Int) {
        self.plan = plan; self.channels = channels
        width = plan.width * plan.scale; height = plan.height * plan.scale
        sum = [Float](repeating: 0, count: channels * width * height)
        weight = [Float](repeating: 0, count: width * height)
    }

    /// Adds tile `index`'s result: `planes` is channels × (scale·region) in planar order.
    mutating func add(_ planes: [Float], tile index: Int) {
        let r = plan.regions[index], s = plan.scale
        let (wx, wy) = plan.weights(of: index)
        let tw = r.width * s, th = r.height * s, x0 = r.x * s, y0 = r.y * s
        let plane = width * height, tilePlane = tw * th
        for y in 0..<th {
            for x in 0..<tw {
                let w = wx[x] * wy[y], o = (y0 + y) * width + x0 + x
                weight[o] += w
                for c in 0..<channels { sum[c * plane + o] += w * planes[c * tilePlane + y * tw + x] }
            }
        }
    }

    /// The blend of the tiles added so far, with `pending` (a tile's current estimate) added
    /// for the view only; pixels no tile has covered yet are 0.
    func result(pending: (planes: [Float], tile: Int)? = nil) -> PlanarImage {
        var view = self
        if let pending { view.add(pending.planes, tile: pending.tile) }
        var out = view.sum
        let plane = width * height
        for i in 0..<plane where view.weight[i] > 0 {
            let inv = 1 / view.weight[i]
            for c in 0..<channels { out[c * plane + i] *= inv }
        }
        return PlanarImage(width: width, height: height, channels: channels, planes: out)
    }
}

extension TileBlend {
    /// The tile loop every tiled fit runs: `fit(k, region, context, view)` fits tile k with the
    /// context `TileProgress` gives it and returns its planes (channels × scale·region);
    /// `view(planes)` is the blend so far with those planes in tile k's place, for the observer
    /// (a snapshot is kept only when there is an observer). Returns the blend of all tiles.
    static func fitted(_ plan: TilePlan, channels: Int, context: FilterContext,
                       fit: (Int, TilePlan.Region, FilterContext, @escaping ([Float]) -> PlanarImage) throws -> [Float]) throws -> PlanarImage {
        var blend = TileBlend(plan: plan, channels: channels)
        let progress = TileProgress(plan: plan, context: context)
        /// Tile k; its closures (and the snapshot) end with it, before the blend changes.
        func tile(_ k: Int, _ region: TilePlan.Region) throws -> [Float] {
            let snapshot = context.observer == nil ? nil : blend
            let view = { (planes: [Float]) -> PlanarImage in
                snapshot?.result(pending: (planes, k))
                    ?? PlanarImage(width: region.width * plan.scale, height: region.height * plan.scale, channels: channels, planes: planes)
            }
            return try fit(k, region, progress.context(tile: k), view)
        }
        for (k, region) in plan.regions.enumerated() { blend.add(try tile(k, region), tile: k) }
        try progress.finish()
        return blend.result()
    }
}
