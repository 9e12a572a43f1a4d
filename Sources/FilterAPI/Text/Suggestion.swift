/// "Did you mean …?" for a mistyped name (`denoize`, `--sigam`): the closest known name by edit
/// distance, when it is close enough that the user plausibly meant it.
public enum Suggestion {
    /// The candidate nearest to `typed` (Damerau–Levenshtein with adjacent swaps, case-insensitive),
    /// if its distance is at most 2 and at most a third of the typed length (rounded up), so that
    /// `sr` does not suggest `jpeg` and a short typo still finds its word. Ties go to the first.
    public static func closest(to typed: String, among candidates: [String]) -> String? {
        let word = Array(typed.lowercased().unicodeScalars)
        guard !word.isEmpty, word.count <= 64 else { return nil }
        let limit = min(2, (word.count + 2) / 3)
        var best: (name: String, distance: Int)? = nil
        for name in candidates {
            let d = distance(word, Array(name.lowercased().unicodeScalars))
            if d <= limit, d < (best?.distance ?? .max) { best = (name, d) }
        }
        return best?.name
    }

    /// "did you mean 'PREFIXNAME'?" for the closest candidate, or nil: the words a message adds.
    public static func question(for typed: String, among candidates: [String], prefix: String = "") -> String? {
        closest(to: typed, among: candidates).map { "did you mean '\(prefix)\($0)'?" }
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbours each cost 1 (`sigam` → `sigma` is 1).
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, previous2[j - 2] + 1) }
                current[j] = d
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
