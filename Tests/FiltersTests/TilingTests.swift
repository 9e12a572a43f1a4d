import DIPEngine
import FilterAPI
@testable import Filters
import XCTest

/// Tiled fitting (`TilePlan`, `TileBlend`): an image whose fit is above the memory budget is
/// fitted in overlapping tiles that cover it and blend back without seams.
final class TilingTests: XCTestCase {
    static let net = SkipNetConfig.paperDenoise()

    func plan(_ width: Int, _ height: Int, scale: Int = 1, budget: Int) throws -> TilePlan {
        try TilePlan.make(width: width, height: height, scale: scale, config: Self.net, step: 32 / scale,
                          minimum: 64 / scale, budget: budget, held: 0, imageName: "test")
    }

    func testAFittingImageIsOneRegionAndALargerOneTilesThatCoverItWithOverlap() throws {
        let whole = try plan(200, 150, budget: 1 << 40)
        XCTAssertEqual(whole.regions, [TilePlan.Region(x: 0, y: 0, width: 200, height: 150)])
        let tile96 = try DIPFitter.plannedBytes(config: Self.net, height: 96, width: 96)
        let tiled = try plan(300, 200, budget: tile96)
        XCTAssertGreaterThan(tiled.regions.count, 1)
        var covered = [Int](repeating: 0, count: 300 * 200)
        for r in tiled.regions {
            XCTAssertTrue(r.width <= 96 && r.height <= 96 && r.width % 32 == 0 && r.height % 32 == 0, "\(r)")
            XCTAssertTrue(r.x >= 0 && r.y >= 0 && r.x + r.width <= 300 && r.y + r.height <= 200, "\(r)")
            for y in r.y..<(r.y + r.height) { for x in r.x..<(r.x + r.width) { covered[y * 300 + x] += 1 } }
        }
        XCTAssertFalse(covered.contains(0), "every pixel is in a tile")
        for (i, a) in tiled.regions.enumerated() {
            if let b = tiled.regions.dropFirst(i + 1).first(where: { $0.y == a.y }) {
                XCTAssertGreaterThanOrEqual(a.x + a.width - b.x, 96 / TilePlan.overlapDivisor, "overlap \(a) \(b)")
            }
        }
    }

    func testBlendingTilesCutFromAnImageGivesTheImageBackAtScaleOneAndTwo() throws {
        for scale in [1, 2] {
            let tileBytes = try DIPFitter.plannedBytes(config: Self.net, height: 96, width: 96)
            let plan = try plan(150, 110, scale: scale, budget: tileBytes)
            XCTAssertGreaterThan(plan.regions.count, 2)
            let (w, h) = (150 * scale, 110 * scale)
            let truth = PlanarImage(width: w, height: h, channels: 2,
                                    planes: (0..<(2 * w * h)).map { Float(($0 * 7919) % 1000) / 1000 })
            var blend = TileBlend(plan: plan, channels: 2)
            for (k, r) in plan.regions.enumerated() {
                blend.add(truth.cropped(x: r.x * scale, y: r.y * scale, width: r.width * scale, height: r.height * scale).planes, tile: k)
            }
            let out = blend.result()
            XCTAssertEqual(out.width, w)
            for i in 0..<out.planes.count { XCTAssertEqual(out.planes[i], truth.planes[i], accuracy: 1e-5, "sample \(i), scale \(scale)") }
        }
    }

    func testABudgetBelowTheSmallestTileNamesWhatItNeeds() throws {
        XCTAssertThrowsError(try plan(500, 500, budget: 1 << 20)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("out of memory") && text.contains("smallest tile (64x64)") && text.contains("--max-memory"), text)
        }
    }

    /// A paper denoise above the budget runs in tiles, reports them, keeps 16 bits, and is deterministic.
    func testATiledDenoiseReportsItsTilesAndIsDeterministic() throws {
        var image = try RestorationTest.crop(size: 100, x: 40, y: 30)
        image.format = .unsigned(bits: 16)
        let budget = try DIPFitter.plannedBytes(config: Self.net, height: 96, width: 96) + (2 << 20)
        var events: [ProgressEvent] = []
        let a = try RestorationTest.run("denoise --preset paper --iters 2 --sigma 25", on: image, seed: 4,
                                        maxMemory: budget, progress: { events.append($0); return true })
        let b = try RestorationTest.run("denoise --preset paper --iters 2 --sigma 25", on: image, seed: 4, maxMemory: budget)
        XCTAssertEqual(a, b)
        XCTAssertEqual([a.width, a.height, a.channels], [100, 100, 3])
        XCTAssertEqual(a.format, .unsigned(bits: 16), "a 16-bit input stays 16-bit through tiles")
        XCTAssertEqual(events.map(\.tiles).max(), 4, "2×2 tiles")
        XCTAssertEqual(events.map(\.tile), [1, 1, 2, 2, 3, 3, 4, 4])
        XCTAssertEqual(events.map { $0.overall.step }, [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(events.filter(\.isLast).count, 1)
    }

    /// The quality denoise's zero-shot net trains tile by tile above the budget, and its blended
    /// result steers the Wiener passes as a whole-image result does.
    func testTheZeroShotPilotTrainsInTilesAboveTheBudget() throws {
        let image = try RestorationTest.crop(size: 100, x: 40, y: 30)
        let budget = ZeroShotDenoiser.plannedBytes(channels: 3, height: 64, width: 64, features: 48) + 4 * 16 * 30000
        var tiles = Set<Int>()
        let spec = "denoise --preset quality --iters 2 --sigma 25"
        let a = try RestorationTest.run(spec, on: image, seed: 2, maxMemory: budget, progress: { tiles.insert($0.tile); return true })
        XCTAssertEqual(tiles, [1, 2, 3, 4])
        XCTAssertEqual(a, try RestorationTest.run(spec, on: image, seed: 2, maxMemory: budget))
        let whole = try RestorationTest.run(spec, on: image, seed: 2)
        XCTAssertGreaterThan(try RestorationTest.psnr(a, whole), 35, "tiles and whole agree closely")
    }

    /// A hole across a tile border is filled from both tiles; known pixels keep their values, and
    /// the tiles without a hole keep their input without a fit.
    func testATiledInpaintFillsAHoleAcrossATileBorder() throws {
        let image = try RestorationTest.crop(size: 100, x: 40, y: 30)
        var holed = image
        var mask = Image(width: 100, height: 100, channels: 1)
        for y in 0..<100 { for x in 0..<100 {
            let hole = (40..<60).contains(x) && (10..<30).contains(y)
            mask[x, y, 0] = hole ? 0 : 1
            if hole { for c in 0..<3 { holed[x, y, c] = 0 } }
        } }
        let budget = try DIPFitter.plannedBytes(config: .paperInpaintLargeHoles(), height: 64, width: 64) + (2 << 20)
        var tiles = 0, fitted = Set<Int>(), ended = false
        let out = try RestorationTest.run("inpaint --preset paper --case holes --iters 10", on: holed, extra: ["mask": mask],
                                          maxMemory: budget, progress: { tiles = max(tiles, $0.tiles); if $0.step == 1 { fitted.insert($0.tile) }; ended = ended || $0.isLast; return true })
        XCTAssertEqual(tiles, 4)
        XCTAssertEqual(fitted, [1, 2], "only the top tiles have a hole to fit")
        XCTAssertTrue(ended, "the run's last event says so even when its last tile had nothing to fit")
        var holeError = 0.0, holeInput = 0.0, n = 0
        for y in 10..<30 { for x in 40..<60 { for c in 0..<3 {
            holeError += Double(abs(out[x, y, c] - image[x, y, c])); holeInput += Double(image[x, y, c]); n += 1
        } } }
        for (x, y) in [(10, 10), (45, 5), (50, 60), (90, 90)] { XCTAssertEqual(out[x, y, 1], holed[x, y, 1], "(\(x), \(y)) is known") }
        XCTAssertLessThan(holeError / Double(n), 0.5 * holeInput / Double(n), "the hole is filled, not left black")
    }
}
