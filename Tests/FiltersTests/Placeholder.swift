import XCTest

final class FiltersTestsPlaceholder: XCTestCase {
    func testBuilds() { XCTAssertTrue(true) }
}
