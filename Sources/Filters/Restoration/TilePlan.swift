import DIPEngine
import FilterAPI

/// How DIP fits cover an image within the memory budget (`--max-memory`): the whole image in one
/// fit when its plan fits the budget, else a grid of overlapping tiles, each fitted on its own
/// (its own net, z and BatchNorm statistics: the skip net is fully convolutional, but its
/// statistics are per image, so a tile is an image of its own) and blended with linear ramps
/// across the overlaps. Cost and memory then grow linearly with the pixels.
struct TilePlan: Equatable {
    /// A rectangle of the input image (before any upscaling).
    struct Region: Equatable {
        var x: Int, y: Int, width: Int, height: Int
    }

    /// The tiles, row by row; one region, the whole image, when it fits.
    let regions: [Region]
    /// The input's size and the scale the fit works at (its output is `scale` × each region).
    let width: Int, height: Int, scale: Int

    var isWhole: Bool { regions.count == 1 }

    /// Share of a tile's side its neighbours overlap: wide enough that the border of a tile,
    /// where reflection padding and the missing context bend its fit, gets little weight.
    static let overlapDivisor = 4

    /// Plans `width`×`height` (input pixels) for DIP nets of `config` at `scale` (see the next).
    static func make(width: Int, height: Int, scale: Int, config: SkipNetConfig, step: Int, minimum: Int,
                     budget: Int, held: Int, imageName: String) throws -> TilePlan {
        try make(width: width, height: height, scale: scale, step: step, minimum: minimum, budget: budget, held: held,
                 imageName: imageName) { w, h in
            do { return try DIPFitter.plannedBytes(config: config, height: h, width: w) } catch EngineError.tooLarge(_) { return .max }
        }
    }

    /// Plans `width`×`height` (input pixels) for fits that plan `bytes(w, h)` at a fit size of
    /// w×h (output pixels: `scale` × the padded input). A fit's sides are padded (in input pixels)
    /// to a multiple of `step` and at least `minimum` (the filter's padding). The fits may plan for
    /// `budget` (the run's memory budget) less the `held` bytes the run keeps besides them.
    /// Throws `DipError.noMemory` naming the budget that would do when not even the smallest tile fits.
    static func make(width: Int, height: Int, scale: Int, step: Int, minimum: Int, budget total: Int, held: Int,
                     imageName: String, bytes fitBytes: (Int, Int) throws -> Int) throws -> TilePlan {
        let budget = total - held
        func side(_ n: Int) -> Int { (max(n, minimum) + step - 1) / step * step }
        func bytes(_ w: Int, _ h: Int) throws -> Int { try fitBytes(side(w) * scale, side(h) * scale) }
        if try bytes(width, height) <= budget {
            return TilePlan(regions: [Region(x: 0, y: 0, width: width, height: height)], width: width, height: height, scale: scale)
        }
        // The largest square tile (a padded side, so that no tile needs padding) within the budget.
        var tile = side(max(width, height))
        while tile > side(1), try bytes(min(tile, width), min(tile, height)) > budget { tile -= step }
        let need = try bytes(min(tile, width), min(tile, height))
        guard need <= budget else {
            let least = need.addingReportingOverflow(held)
            throw DipError.noMemory("\(imageName): out of memory: even the smallest tile (\(tile * scale)x\(tile * scale)) needs about \(MemoryBudget.describe(need)) besides the image's own \(MemoryBudget.describe(held)), more than the memory budget of \(MemoryBudget.describe(total)) (--max-memory)" + (least.overflow ? "" : "; it needs at least \(MemoryBudget.describe(least.partialValue))"))
        }
        let overlap = max(tile / overlapDivisor, 1)
        let xs = axis(length: width, tile: tile, overlap: overlap, side: side)
        let ys = axis(length: height, tile: tile, overlap: overlap, side: side)
        var regions: [Region] = []
        for (y, h) in ys { for (x, w) in xs { regions.append(Region(x: x, y: y, width: w, height: h)) } }
        return TilePlan(regions: regions, width: width, height: height, scale: scale)
    }

    /// Tiles along one axis of `length`: as few as cover it with at most `tile` pixels each and
    /// at least `overlap` shared between neighbours, each as short as that allows (rounded up by
    /// `side` to a padded side, so that it needs no padding), spread evenly, the last ending at
    /// the edge.
    static func axis(length: Int, tile: Int, overlap: Int, side: (Int) -> Int) -> [(start: Int, length: Int)] {
        guard length > tile else { return [(0, length)] }
        let count = (length - overlap + (tile - overlap) - 1) / (tile - overlap)
        let each = min(tile, side((length + (count - 1) * overlap + count - 1) / count))
        return (0..<count).map { i in (i * (length - each) / (count - 1), each) }
    }

    /// The weight of output pixel (x, y) of tile `index` (output coordinates inside the tile): a
    /// linear ramp from 0 at each edge shared with a neighbour to 1 at the neighbour's far edge,
    /// so that weights across an overlap sum to one and a tile's own border barely counts.
    func weights(of index: Int) -> (x: [Float], y: [Float]) {
        let r = regions[index]
        func ramp(start: Int, length: Int, starts: [Int], lengths: [Int]) -> [Float] {
            // Overlap with the neighbours before and after on this axis (0 at the image's edges).
            var before = 0, after = 0
            for (s, l) in zip(starts, lengths) where s != start {
                if s < start, s + l > start { before = max(before, s + l - start) }
                if s > start, s < start + length { after = max(after, start + length - s) }
            }
            let n = length * scale, b = before * scale, a = after * scale
            return (0..<n).map { p in
                var w: Float = 1
                if b > 0 { w = min(w, (Float(p) + 0.5) / Float(b)) }
                if a > 0 { w = min(w, (Float(n - p) - 0.5) / Float(a)) }
                return w
            }
        }
        let row = regions.filter { $0.y == r.y }, column = regions.filter { $0.x == r.x }
        return (ramp(start: r.x, length: r.width, starts: row.map(\.x), lengths: row.map(\.width)),
                ramp(start: r.y, length: r.height, starts: column.map(\.y), lengths: column.map(\.height)))
    }
}
