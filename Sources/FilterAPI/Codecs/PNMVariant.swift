/// Which netpbm variant an image was read from, so a PNM/PAM → PNM/PAM pass-through writes the
/// same bytes (magic number, plain or raw, PAM tuple type, plain-text line layout).
public struct PNMVariant: Equatable, Sendable {
    /// How a plain (P1–P3) raster wraps its lines. Netpbm has two writers: libpam's (each sample
    /// followed by a space, a fixed number of samples per line; used by `pnmtoplainpnm`,
    /// `pamtopnm -plain`) and the classic libpgm/libppm one (lines broken near 65 characters, no
    /// trailing space; used by e.g. `pgmramp -plain`). The reader notices which one it saw.
    public enum PlainLayout: Equatable, Sendable {
        case pam
        case classic
    }

    /// The digit after "P": 1 plain PBM, 2 plain PGM, 3 plain PPM, 4 raw PBM, 5 raw PGM,
    /// 6 raw PPM, 7 PAM.
    public var magic: Int
    /// PAM TUPLTYPE (nil: the header had none). Ignored for P1–P6.
    public var tupleType: String?
    /// Line layout of a plain raster. Ignored for raw variants.
    public var plainLayout: PlainLayout

    public init(magic: Int, tupleType: String? = nil, plainLayout: PlainLayout = .pam) {
        self.magic = magic
        self.tupleType = tupleType
        self.plainLayout = plainLayout
    }

    /// P1–P3 store samples as decimal text.
    public var isPlain: Bool { magic >= 1 && magic <= 3 }
    /// P1 and P4: one bit per pixel, 1 meaning black.
    public var isBitmap: Bool { magic == 1 || magic == 4 }
}
