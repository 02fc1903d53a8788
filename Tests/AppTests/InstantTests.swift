@testable import App
import Foundation
import XCTest

/// Instants are written in UTC with milliseconds and survive a read and a write unchanged.
final class InstantTests: XCTestCase {
    func testEveryMillisecondRoundTripsExactly() throws {
        for year in ["0001", "1500", "2026", "9999"] {
            for milliseconds in stride(from: 0, to: 1000, by: 1) {
                let text = String(format: "\(year)-11-27T04:12:57.%03dZ", milliseconds)
                let date = try XCTUnwrap(Representation.parseInstant(text), text)
                XCTAssertEqual(Representation.instant(date), text)
            }
        }
    }

    func testFormsAndEdges() throws {
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: -0.001)), "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: 1_625_090_400)), "2021-06-30T22:00:00.000Z")
        // Beyond the millisecond, digits are dropped as PostgreSQL's rendering drops them: an instant
        // stored with microseconds (a receipt's) reads the same in every answer and every message.
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: 1_625_090_399.9996)), "2021-06-30T21:59:59.999Z")
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: 1_795_804_818.784_5)), "2026-11-27T18:40:18.784Z")
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: 1_795_804_818.784_999)), "2026-11-27T18:40:18.784Z")
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: 1_795_804_818.785)), "2026-11-27T18:40:18.785Z")
        XCTAssertEqual(Representation.instant(Date(timeIntervalSince1970: -0.000_5)), "1969-12-31T23:59:59.999Z")
        let withoutFraction = try XCTUnwrap(Representation.parseInstant("2021-06-30T22:00:00Z"))
        XCTAssertEqual(Representation.instant(withoutFraction), "2021-06-30T22:00:00.000Z")
    }

    /// What RFC 3339 allows reads as the instant it names, written back in UTC.
    func testValidFormsReadAsTheInstantTheyName() {
        let cases: [(String, String)] = [
            ("2021-06-30T22:00:00Z", "2021-06-30T22:00:00.000Z"),
            ("2021-06-30t22:00:00z", "2021-06-30T22:00:00.000Z"),
            ("2021-07-01T00:00:00+02:00", "2021-06-30T22:00:00.000Z"),
            ("2021-06-30T17:00:00.5-05:00", "2021-06-30T22:00:00.500Z"),
            ("2020-02-29T12:00:00Z", "2020-02-29T12:00:00.000Z"),
            ("2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000Z"),
            ("2021-06-30T23:59:59-00:00", "2021-06-30T23:59:59.000Z"),
            // Digits beyond the millisecond are dropped, never rounded up into the next second or year.
            ("2021-06-30T21:59:59.9999Z", "2021-06-30T21:59:59.999Z"),
            ("2021-06-30T21:59:59.123456789Z", "2021-06-30T21:59:59.123Z"),
            ("9999-12-31T23:59:59.9999Z", "9999-12-31T23:59:59.999Z"),
            ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"),
            // The proleptic Gregorian calendar, as the writer and PostgreSQL count: no 10-day jump in 1582.
            ("1582-10-10T00:00:00Z", "1582-10-10T00:00:00.000Z"),
            ("1500-03-01T00:00:00Z", "1500-03-01T00:00:00.000Z"),
            ("1500-02-29T00:00:00Z", nil),
        ].compactMap { text, written in written.map { (text, $0) } }
        for (text, written) in cases {
            XCTAssertEqual(Representation.parseInstant(text).map(Representation.instant), written, text)
        }
    }

    /// Impossible or unwritable instants are refused, not moved to a neighbouring one.
    func testImpossibleInstantsAreRefused() {
        let refused = [
            "2021-02-30T22:00:00Z", "2021-02-29T22:00:00Z", "1900-02-29T00:00:00Z", "2021-04-31T00:00:00Z",
            "2021-13-01T00:00:00Z", "2021-00-10T00:00:00Z", "2021-06-00T00:00:00Z",
            "2021-06-30T24:00:00Z", "2021-06-30T21:60:00Z", "2021-06-30T23:59:60Z",
            "2021-06-30T22:00:00+24:00", "2021-06-30T22:00:00+05:60",
            // Outside years 0001–9999, as written or once in UTC.
            "10000-01-01T00:00:00Z", "0000-06-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-05:00",
            // Not RFC 3339.
            "2021-06-30", "2021-06-30T22:00Z", "2021-06-30T22:00:00", "2021-06-30 22:00:00Z", "2021-06-30T22:00:00.Z",
            "2021-06-30T22:00:00+0200", "2021-06-30T22:00:00+02", "+2021-06-30T22:00:00Z", "2021-6-30T22:00:00Z",
            "２０２１-06-30T22:00:00Z", "2021-06-30T22:00:00Z ", "30 June 2021", "",
        ]
        for text in refused {
            XCTAssertNil(Representation.parseInstant(text), text)
        }
    }

    func testCalendarDatesAreProlepticGregorianInYearsOneTo9999() {
        for valid in ["2020-02-29", "1582-10-10", "1500-03-01", "0001-01-01", "9999-12-31"] {
            XCTAssertNotNil(Validator.calendarDate(valid), valid)
        }
        for invalid in ["2021-02-30", "1500-02-29", "0000-01-01", "+123-01-01", "2021-1-01", "2021-01-1 ", "10000-01-01"] {
            XCTAssertNil(Validator.calendarDate(invalid), invalid)
        }
    }

    /// The API refuses what the parser refuses, naming the field or the query parameter.
    func testImpossibleInstantsAreRefusedWhereverTheyAreSent() async throws {
        try await TestApp.run { _, client in
            for deadline in ["2021-02-30T22:00:00Z", "2021-06-30T24:00:00Z", "2021-06-30T23:59:60Z", "10000-01-01T00:00:00Z"] {
                var body = try Fixtures.callBody(code: "INSTANT-2021")
                body["deadline"] = deadline
                let refused = try await client.call(.post, "/v1/calls", body: body)
                XCTAssertProblem(refused, .badRequest, "validation")
                XCTAssertEqual(refused.errorPointers, ["/deadline"], deadline)
            }
            let none = try await client.call(.get, "/v1/calls/INSTANT-2021")
            XCTAssertEqual(none.status, .notFound)

            let patched = try await client.call(
                .patch, "/v1/calls/LAC-2021", body: ["opensAt": "2021-02-30T00:00:00Z"], contentType: "application/merge-patch+json",
                headers: ["If-Match": "\"1\""])
            XCTAssertProblem(patched, .badRequest, "validation")
            XCTAssertEqual(patched.errorPointers, ["/opensAt"])
            XCTAssertEqual((patched["errors"] as? [[String: Any]])?.first?["detail"] as? String, "is not an RFC 3339 instant")

            for path in ["/v1/organisations?updatedSince=2021-02-30T00:00:00Z", "/v1/calls?updatedSince=2021-06-30T24:00:00Z"] {
                let query = try await client.call(.get, path)
                XCTAssertProblem(query, .badRequest, "validation")
                XCTAssertEqual(query.errorPointers, ["updatedSince"], path)
            }

            let token = try await client.call(
                .post, "/v1/tokens", body: ["name": "far", "role": "reporting", "expiresAt": "10000-01-01T00:00:00Z"])
            XCTAssertProblem(token, .badRequest, "validation")
            XCTAssertEqual(token.errorPointers, ["/expiresAt"])
        }
    }

    /// An instant is stored as it is shown, and rewriting the document leaves it where it was.
    func testStoredInstantsAreTheOnesShownAndDoNotDrift() async throws {
        try await TestApp.run { _, client in
            var body = try Fixtures.callBody(code: "OLD-1500")
            body["opensAt"] = "1500-03-01T00:00:00Z"
            body["deadline"] = "2021-06-30T21:59:59.9999Z"
            let created = try await client.call(.post, "/v1/calls", body: body)
            XCTAssertEqual(created.status, .created, created.text)
            XCTAssertEqual(created["opensAt"] as? String, "1500-03-01T00:00:00.000Z")
            XCTAssertEqual(created["deadline"] as? String, "2021-06-30T21:59:59.999Z")
            for version in 1...3 {
                let changed = try await client.call(
                    .patch, "/v1/calls/OLD-1500", body: ["workplanDueDays": version], contentType: "application/merge-patch+json",
                    headers: ["If-Match": "\"\(version)\""])
                XCTAssertEqual(changed.status, .ok, changed.text)
                XCTAssertEqual(changed["opensAt"] as? String, "1500-03-01T00:00:00.000Z")
                XCTAssertEqual(changed["deadline"] as? String, "2021-06-30T21:59:59.999Z")
            }
        }
    }
}
