/// Mirror indexing without repeating the edge sample (PyTorch's ReflectionPad): for a side of `n`
/// samples, −1 → 1, n → n−2. Indices further out keep bouncing between the edges (period 2(n−1)),
/// so any offset maps into 0..<n — image padding needs that when a side is shorter than the pad;
/// convolutions only ever ask for one bounce. The one reflection rule of dip: the convolutions'
/// reflection padding and the filters' padding to the net's size multiple both use it.
public enum Reflection {
    @inline(__always)
    public static func index(_ i: Int, _ n: Int) -> Int {
        if i >= 0 && i < n { return i }
        guard n > 1 else { return 0 }
        if i < 0 && i > -n { return -i }
        if i >= n && i < 2 * n - 1 { return 2 * (n - 1) - i }
        let period = 2 * (n - 1)
        var k = i % period
        if k < 0 { k += period }
        return k >= n ? period - k : k
    }
}

extension PaddingMode {
    /// The input index a "same" convolution reads for index `i` of a side of `size`, or −1 for a
    /// zero (outside the image with zero padding).
    @inline(__always)
    func sourceIndex(_ i: Int, _ size: Int) -> Int {
        if i >= 0 && i < size { return i }
        return self == .zero ? -1 : Reflection.index(i, size)
    }
}
