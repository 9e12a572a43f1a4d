/// Keys' cubic convolution kernel with a = −0.5 (support 2): the bicubic of Pillow, MATLAB and
/// `resize --method bicubic`, and the deflicker's sub-pixel warp (`BlockMotion`).
public enum KeysCubic {
    /// The kernel's weight at distance `x` from the sample.
    @inlinable public static func weight<T: BinaryFloatingPoint>(_ x: T) -> T {
        let a: T = -0.5, t = abs(x)
        if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
        if t < 2 { return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a }
        return 0
    }
}
