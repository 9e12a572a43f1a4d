import CDip
import FilterAPI

/// The C ABI's result codes, read from dip.h's `DIP_OK` ... `DIP_CANCELLED` (the header is the one
/// place they are written), and the mapping of every Swift error onto them.
enum ResultCode {
    static let ok = Int32(DIP_OK)
    static let error = Int32(DIP_ERROR)
    static let misuse = Int32(DIP_MISUSE)
    static let noMemory = Int32(DIP_NOMEM)
    static let badParameter = Int32(DIP_BADPARAM)
    static let badImage = Int32(DIP_BADIMAGE)
    static let cancelled = Int32(DIP_CANCELLED)

    /// `dip_errstr`'s texts, indexed by code (dip_header_check.c asserts the codes are 0...6).
    static let descriptions = [
        "not an error", "filter failed", "library misuse", "out of memory",
        "bad parameter", "bad image", "cancelled",
    ]

    /// The code of each kind of `DipError`.
    static func code(of error: DipError) -> Int32 {
        switch error {
        case .failure: return ResultCode.error
        case .misuse: return misuse
        case .noMemory: return noMemory
        case .badParameter: return badParameter
        case .badImage: return badImage
        case .cancelled: return cancelled
        }
    }

    /// The code and one-line message for any error a Swift call threw.
    static func of(_ error: Error) -> (code: Int32, message: String) {
        if let dip = error as? DipError { return (code(of: dip), dip.description) }
        return (ResultCode.error, String(describing: error))
    }
}
