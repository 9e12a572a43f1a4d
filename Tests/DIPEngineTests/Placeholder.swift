import XCTest

final class DIPEngineTestsPlaceholder: XCTestCase {
    func testBuilds() { XCTAssertTrue(true) }
}
