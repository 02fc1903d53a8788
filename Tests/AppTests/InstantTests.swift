@testable import App
import Foundation
import XCTest

/// Instants are written in UTC with milliseconds and survive a read and a write unchanged.
final class InstantTests: XCTestCase {
    func testEveryMillisecondRoundTripsExactly() throws {
        for milliseconds in stride(from: 0, to: 1000, by: 1) {
            let text = String(format: "2026-11-27T04:12:57.%03dZ", milliseconds)
            let date = try XCTUnwrap(Representation.parseInstant(text), text)
            XCTAssertEqual(Representation.instant(date), text)
        }
    }

    func testFormsAndEdges() throws {
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: -0.001)), "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: 1_625_090_400)), "2021-06-30T22:00:00.000Z")
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: 1_625_090_399.9996)), "2021-06-30T22:00:00.000Z")
        let withoutFraction = try XCTUnwrap(Representation.parseInstant("2021-06-30T22:00:00Z"))
        XCTAssertEqual(Representation.instant(withoutFraction), "2021-06-30T22:00:00.000Z")
    }
}
