import Glibc

/// The one clock of dip's timings: CLOCK_MONOTONIC seconds (never jumps with the wall clock).
public enum MonotonicClock {
    @inline(__always)
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Runs `body` and returns its result with the seconds it took.
    @inline(__always)
    public static func timed<R>(_ body: () throws -> R) rethrows -> (result: R, seconds: Double) {
        let t0 = now()
        let r = try body()
        return (r, now() - t0)
    }
}
