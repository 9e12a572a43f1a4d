import DIPEngine
import FilterAPI

/// The progress of a run done in tiles (`TilePlan`): each tile's fit reports through a context
/// that names the tile and its region and counts time from the first tile, and the run's last
/// report is made even when its last tiles had nothing to fit.
final class TileProgress {
    let plan: TilePlan
    let context: FilterContext
    private let start = MonotonicClock.now()
    private var lastEvent: ProgressEvent? = nil

    init(plan: TilePlan, context: FilterContext) { self.plan = plan; self.context = context }

    /// The context tile `k` fits with. Tiles fit from scratch: a stream's warm start holds one
    /// fit, not a grid of them.
    func context(tile k: Int) -> FilterContext {
        var tileContext = context
        tileContext.memory = nil
        let offset = MonotonicClock.now() - start
        let region = plan.regions[k], count = plan.regions.count
        let placed = { [unowned self] (e: ProgressEvent) -> ProgressEvent in
            var e = e
            e.tile = k + 1; e.tiles = count; e.elapsed += offset
            e.tileRegion = (region.x, region.y, region.width, region.height)
            self.lastEvent = e
            return e
        }
        if let progress = context.progress { tileContext.progress = { progress(placed($0)) } }
        if let observer = context.observer { tileContext.observer = { event, render in observer(placed(event), render) } }
        return tileContext
    }

    /// Reports the run's end when its last report was not the last tile's last step.
    func finish() throws {
        guard var e = lastEvent, !e.isLast else { return }
        e.tile = e.tiles; e.step = e.total; e.elapsed = MonotonicClock.now() - start
        try context.report(e)
    }
}
