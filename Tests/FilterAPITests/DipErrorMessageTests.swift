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
    /// A message quotes at most `longestQuote` characters of one input word and is at most
    /// `longestMessage` long, and still names the problem (a 1 MiB spec gave a 1 MiB message).
    func testMessagesAreBounded() throws {
        let long = String(repeating: "x", count: 1 << 20)
        let e = DipError.badImage(long, "mask marks nothing to fill")
        XCTAssertLessThan(e.description.count, DipError.longestQuote + 60, e.description.prefix(300).description)
        XCTAssertTrue(e.description.hasSuffix("mask marks nothing to fill"))
        // The cut word is the name with its colon.
        XCTAssertTrue(e.description.contains("…(\((1 << 20) + 1 - DipError.longestQuote) more)"))
        let words = DipError.failure(String(repeating: "ab ", count: 1 << 18))
        XCTAssertLessThan(words.description.count, DipError.longestMessage + 40)
        XCTAssertEqual(DipError.failure("short message").description, "short message")
        do {
            _ = try Chain(spec: long, registry: FilterRegistry())
            XCTFail("a 1 MiB filter name was accepted")
        } catch let error as DipError {
            XCTAssertLessThan(error.description.count, DipError.longestMessage + 40)
        }
    }

    func testDecoderMessageDoesNotEchoAnEscapeSequence() throws {
        let bytes = Array("P7\nWIDTH 2\nHEIGHT 2\nDEPTH 3\nMAXVAL 255\nBOGUS\u{1b}[2J 1\nENDHDR\n".utf8) + [UInt8](repeating: 0, count: 12)
        XCTAssertThrowsError(try ImageCodec.decode(bytes, name: "x.pam")) { error in
            let message = "\\(error)"
            XCTAssertFalse(message.unicodeScalars.contains { $0.value == 0x1b }, message)
        }
    }
}

/// Numbers in parameters are plain decimals: what Swift's Double(_:) also reads (hexadecimal,
/// inf, nan) or silently rounds away (underflow to 0) is refused.
final class DecimalParameterTests: XCTestCase {
    func testPlainDecimalsOnly() {
        for (text, value) in [("25", 25.0), ("-0.5", -0.5), ("+3", 3), (".5", 0.5), ("5.", 5), ("1e-3", 0.001),
                              ("2E+2", 200), ("0", 0), ("0.000", 0), ("-0", 0)] as [(String, Double)] {
            XCTAssertEqual(ParameterText.decimal(text), value, text)
        }
        for text in ["0x10", "0X1p4", "inf", "nan", "-infinity", "1e-400", "1e400", "", ".", "e5", "1e", "1e+",
                     "5 ", "1,5", "1_000", "--1", "١٢"] {
            XCTAssertNil(ParameterText.decimal(text), text)
        }
    }

    func testANumberParameterRefusesHex() {
        let spec = ParameterSpec("sigma", .double(0...255), help: "noise")
        XCTAssertThrowsError(try spec.parse("0x10")) { error in
            XCTAssertTrue("\(error)".contains("not a finite decimal number"), "\(error)")
        }
        XCTAssertEqual(try spec.parse(" 16 "), .double(16))
    }
}
