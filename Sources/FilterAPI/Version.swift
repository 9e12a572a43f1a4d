/// dip's version: one place for dip-pipe's `--version`, libdip's `dip_version()` and
/// `dip_version_number()`. dip.h's DIP_VERSION / DIP_VERSION_NUMBER must match (the host tests
/// compare them through pkg-config and the C API test).
public enum DipVersion {
    /// "major.minor.patch".
    public static let string: StaticString = "0.1.0"
    /// major·1_000_000 + minor·1_000 + patch, as DIP_VERSION_NUMBER.
    public static let number: Int32 = 1000
}
