import FilterAPI

/// The C ABI's result codes (dip.h `DIP_OK` ... `DIP_CANCELLED`), kept in one place so the Swift side
/// and the header cannot drift apart silently (the C host test checks each value).
enum ResultCode {
    static let ok: Int32 = 0
    static let error: Int32 = 1
    static let misuse: Int32 = 2
    static let noMemory: Int32 = 3
    static let badParameter: Int32 = 4
    static let badImage: Int32 = 5
    static let cancelled: Int32 = 6

    /// `dip_errstr`'s texts, indexed by code.
    static let descriptions = [
        "not an error", "filter failed", "library misuse", "out of memory",
        "bad parameter", "bad image", "cancelled",
    ]

    /// The code and one-line message for any error a Swift call threw.
    static func of(_ error: Error) -> (code: Int32, message: String) {
        if let dip = error as? DipError { return (dip.code, dip.description) }
        return (ResultCode.error, String(describing: error))
    }
}
