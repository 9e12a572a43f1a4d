import XCTest
@testable import FilterAPI

final class SuggestionTests: XCTestCase {
    func testDistanceCountsSwapsOnce() {
        func d(_ a: String, _ b: String) -> Int { Suggestion.distance(Array(a.unicodeScalars), Array(b.unicodeScalars)) }
        XCTAssertEqual(d("sigam", "sigma"), 1)     // neighbours swapped
        XCTAssertEqual(d("denoize", "denoise"), 1)
        XCTAssertEqual(d("", "abc"), 3)
        XCTAssertEqual(d("kitten", "sitting"), 3)
        XCTAssertEqual(d("same", "same"), 0)
    }

    func testClosestNameWithinTheLimit() {
        let filters = ["copy", "denoise", "deblock", "sr", "inpaint", "jpeg", "resize"]
        XCTAssertEqual(Suggestion.closest(to: "denoize", among: filters), "denoise")
        XCTAssertEqual(Suggestion.closest(to: "Inpaint", among: filters), "inpaint")
        XCTAssertEqual(Suggestion.closest(to: "resise", among: filters), "resize")
        XCTAssertNil(Suggestion.closest(to: "zzzzzz", among: filters))
        // Short names allow one edit only: "sx" may mean "sr", "ab" means nothing here.
        XCTAssertEqual(Suggestion.closest(to: "sx", among: filters), "sr")
        XCTAssertNil(Suggestion.closest(to: "ab", among: filters))
        XCTAssertNil(Suggestion.closest(to: String(repeating: "a", count: 10_000), among: filters))
        XCTAssertEqual(Suggestion.question(for: "sigam", among: ["sigma", "iters"], prefix: "--"), "did you mean '--sigma'?")
    }

    func testUnknownParameterMessageSuggests() {
        var values = ParameterValues(specs: [ParameterSpec("sigma", .double(0...100), help: "σ")])
        XCTAssertThrowsError(try values.set("sigam", text: "3")) { error in
            XCTAssertEqual((error as? DipError)?.description, "--sigam: unknown parameter (did you mean '--sigma'?)")
        }
    }
}
