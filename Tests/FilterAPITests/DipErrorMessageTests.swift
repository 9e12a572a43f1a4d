@testable import FilterAPI
import XCTest

/// Messages reach a terminal: control characters from file names, values and header bytes are
/// shown escaped, so a message stays one line and cannot move the cursor or change colours.
final class DipErrorMessageTests: XCTestCase {
    func testControlCharactersAreEscaped() {
        XCTAssertEqual(DipError.badImage("in\u{1b}[31m.pam", "bad\nheader\t\u{7f}").description,
                       "in\\x1b[31m.pam: bad\\nheader\\t\\x7f")
        XCTAssertEqual(DipError.failure("\u{0}\u{85}\r").description, "\\x00\\x85\\r")
        XCTAssertEqual(DipError.badParameter("--sigma", "'é' is not a number").description, "--sigma: 'é' is not a number")
    }

    /// A PAM whose header carries an escape sequence: the message names it without passing it on.
    func testDecoderMessageDoesNotEchoAnEscapeSequence() throws {
        let bytes = Array("P7\nWIDTH 2\nHEIGHT 2\nDEPTH 3\nMAXVAL 255\nBOGUS\u{1b}[2J 1\nENDHDR\n".utf8) + [UInt8](repeating: 0, count: 12)
        XCTAssertThrowsError(try ImageCodec.decode(bytes, name: "x.pam")) { error in
            let message = "\\(error)"
            XCTAssertFalse(message.unicodeScalars.contains { $0.value == 0x1b }, message)
        }
    }
}
