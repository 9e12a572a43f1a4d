import XCTest

final class FilterAPITestsPlaceholder: XCTestCase {
    func testBuilds() { XCTAssertTrue(true) }
}
