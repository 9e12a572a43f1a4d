/// Statistics of an inpainting mask that pick the reference notebook's set-up for the case
/// (documented in `inpaint`'s help):
/// - `pixels` — scattered missing pixels (the paper's "restoration", e.g. 50% dropped): the mean
///   distance from a missing pixel to the nearest known one is at most 1.15 (random drops give 1.0).
/// - `text` — thin overlays (text, scribbles, watermarks): no missing pixel is more than 6 pixels
///   (chessboard distance) from a known one.
/// - `region` — thick holes covering at least 10% of the image or in more than 4 pieces
///   (the library example: 18.6%, 18 pieces).
/// - `holes` — otherwise: a few large holes (the vase example: 2.7%, one piece).
struct MaskAnalysis {
    enum Case: String, CaseIterable { case pixels, text, holes, region }

    let missingFraction: Double
    let meanDistance: Double
    let maxDistance: Int
    let components: Int

    /// `known[i]` true where the pixel is known.
    init(known: [Bool], width: Int, height: Int) {
        let n = width * height
        // Two-pass chessboard distance transform to the nearest known pixel.
        let far = Int32.max / 2
        var d = [Int32](repeating: far, count: n)
        for i in 0..<n where known[i] { d[i] = 0 }
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                guard d[i] > 0 else { continue }
                var m = d[i]
                if x > 0 { m = min(m, d[i - 1] + 1) }
                if y > 0 {
                    m = min(m, d[i - width] + 1)
                    if x > 0 { m = min(m, d[i - width - 1] + 1) }
                    if x + 1 < width { m = min(m, d[i - width + 1] + 1) }
                }
                d[i] = m
            }
        }
        for y in stride(from: height - 1, through: 0, by: -1) {
            for x in stride(from: width - 1, through: 0, by: -1) {
                let i = y * width + x
                guard d[i] > 0 else { continue }
                var m = d[i]
                if x + 1 < width { m = min(m, d[i + 1] + 1) }
                if y + 1 < height {
                    m = min(m, d[i + width] + 1)
                    if x + 1 < width { m = min(m, d[i + width + 1] + 1) }
                    if x > 0 { m = min(m, d[i + width - 1] + 1) }
                }
                d[i] = m
            }
        }
        var missing = 0, sum = 0, maxD = 0
        for i in 0..<n where !known[i] {
            missing += 1
            sum += Int(d[i])
            maxD = max(maxD, Int(d[i]))
        }
        missingFraction = n > 0 ? Double(missing) / Double(n) : 0
        meanDistance = missing > 0 ? Double(sum) / Double(missing) : 0
        maxDistance = maxD
        components = MaskAnalysis.countComponents(known: known, width: width, height: height)
    }

    var suggestedCase: Case {
        if meanDistance <= 1.15 { return .pixels }
        if maxDistance <= 6 { return .text }
        if missingFraction >= 0.10 || components > 4 { return .region }
        return .holes
    }

    /// 8-connected pieces of the missing area (iterative flood fill, no recursion).
    private static func countComponents(known: [Bool], width: Int, height: Int) -> Int {
        var seen = known
        var stack: [Int] = []
        var count = 0
        for start in 0..<(width * height) where !seen[start] {
            count += 1
            seen[start] = true
            stack.append(start)
            while let i = stack.popLast() {
                let x = i % width, y = i / width
                for dy in -1...1 {
                    for dx in -1...1 {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
                        let j = ny * width + nx
                        if !seen[j] { seen[j] = true; stack.append(j) }
                    }
                }
            }
        }
        return count
    }
}
