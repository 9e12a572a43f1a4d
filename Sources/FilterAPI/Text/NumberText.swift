/// Text for numbers without Foundation's `String(format:)` (FoundationEssentials has no printf-style
/// formatting, and libdip must not link full Foundation).
///
/// `fixed` gives exactly what C's `printf("%.Nf")` gives in the C locale, which is what
/// `String(format:)` produced: the exact binary value rounded half-to-even at N decimals, a minus
/// sign on negative values (also when they round to zero, and on -0.0), "inf"/"-inf", "nan"/"-nan".
/// It never depends on the process locale (a host such as GIMP calls setlocale, and printf would
/// then write a decimal comma).
enum NumberText {
    /// `value` with exactly `decimals` digits after the point (0...9), as `%.<decimals>f`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        precondition((0...9).contains(decimals), "decimals must be 0...9")
        let sign = value.sign == .minus ? "-" : ""
        if value.isNaN { return sign + "nan" }
        if value.isInfinite { return sign + "inf" }
        // |value| = significand · 2^exponent exactly, significand < 2^53.
        let magnitude = value.magnitude
        guard magnitude.isNormal else {
            // Zero or subnormal: significand field · 2^-1074, far below any printed decimal.
            let scaled = roundShifted(UInt128(magnitude.significandBitPattern) * pow10(decimals),
                                      shift: Double.significandBitCount - Int(Double.leastNormalMagnitude.exponent))
            return sign + digits(scaled: scaled, decimals: decimals)
        }
        let significand = magnitude.significandBitPattern | 1 << UInt64(Double.significandBitCount)
        let exponent = Int(magnitude.exponent) - Double.significandBitCount
        if exponent >= 0 {
            // An integer: no rounding, the decimals are zeros.
            return sign + integerDigits(significand, shift: exponent) + (decimals > 0 ? "." + String(repeating: "0", count: decimals) : "")
        }
        return sign + digits(scaled: roundShifted(UInt128(significand) * pow10(decimals), shift: -exponent),
                             decimals: decimals)
    }

    /// A byte as two lower-case hex digits (`%02x`).
    static func hex2(_ byte: UInt8) -> String {
        let hex = Array("0123456789abcdef")
        return String([hex[Int(byte >> 4)], hex[Int(byte & 15)]])
    }

    private static func pow10(_ n: Int) -> UInt128 {
        var p: UInt128 = 1
        for _ in 0..<n { p *= 10 }
        return p
    }

    /// n / 2^shift rounded half-to-even (n < 2^83, so the result fits in UInt128).
    private static func roundShifted(_ n: UInt128, shift: Int) -> UInt128 {
        if shift == 0 { return n }
        if shift >= 127 { return 0 }   // n < 2^83: the quotient is below 2^-44, rounds to 0
        let q = n >> UInt128(shift)
        let r = n & ((1 << UInt128(shift)) - 1)
        let half: UInt128 = 1 << UInt128(shift - 1)
        return r > half || (r == half && q & 1 == 1) ? q + 1 : q
    }

    /// The digits of `scaled` (= value·10^decimals, an integer) with the point placed.
    private static func digits(scaled: UInt128, decimals: Int) -> String {
        var text = String(scaled)
        if text.count <= decimals { text = String(repeating: "0", count: decimals - text.count + 1) + text }
        guard decimals > 0 else { return text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
        return text
    }

    /// The decimal digits of significand · 2^shift (any size: base-10^9 limbs, doubled `shift` times).
    private static func integerDigits(_ significand: UInt64, shift: Int) -> String {
        if shift <= 64 { return String(UInt128(significand) << UInt128(shift)) }
        let base: UInt64 = 1_000_000_000
        var limbs: [UInt64] = [significand % base, (significand / base) % base, significand / (base * base)]
        for _ in 0..<shift {
            var carry: UInt64 = 0
            for i in limbs.indices {
                let v = limbs[i] * 2 + carry
                limbs[i] = v % base
                carry = v / base
            }
            if carry > 0 { limbs.append(carry) }
        }
        while limbs.count > 1 && limbs.last == 0 { limbs.removeLast() }
        var text = String(limbs.last!)
        for limb in limbs.dropLast().reversed() {
            let part = String(limb)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return text
    }
}
