import Rules
import XCTest

/// Recording which facts a rule read, for eligibility explanations.
final class FactReadTests: XCTestCase {
    private func reads(_ rule: String, _ data: String) throws -> (JSONValue, [FactRead]) {
        var recorded: [FactRead] = []
        let result = try CompiledRule(parsing: rule).evaluate(json(data), reads: &recorded)
        return (result, recorded)
    }

    func testRecordsEachPathWithTheValueFound() throws {
        let rule = #"{"and": [{">=": [{"var": "age"}, 18]}, {"in": [{"var": "address.country"}, ["FR", "BE"]]}, {"!": {"var": ["nickname", "none"]}}]}"#
        let (result, recorded) = try reads(rule, #"{"age": 30, "address": {"country": "FR"}}"#)
        XCTAssertEqual(result, false)
        XCTAssertEqual(recorded, [
            FactRead(path: "age", value: 30),
            FactRead(path: "address.country", value: "FR"),
            FactRead(path: "nickname", value: .null),  // absent: the default is not a fact
        ])
    }

    func testShortCircuitedBranchesAreNotRead() throws {
        let (_, recorded) = try reads(#"{"and": [{"var": "a"}, {"var": "b"}]}"#, #"{"a": 0, "b": 1}"#)
        XCTAssertEqual(recorded, [FactRead(path: "a", value: 0)])
    }

    func testEachPathIsReportedOnce() throws {
        let (_, recorded) = try reads(#"{"+": [{"var": "n"}, {"var": "n"}, {"val": "m"}]}"#, #"{"n": 1, "m": 2}"#)
        XCTAssertEqual(recorded, [FactRead(path: "n", value: 1), FactRead(path: "m", value: 2)])
    }

    func testMissingExistsAndValAreRecorded() throws {
        let rule = #"{"merge": [{"missing": ["a", "b.c"]}, {"exists": ["d", "e"]}, {"val": ["d", "e"]}, {"missing_some": [1, ["f"]]}]}"#
        let (result, recorded) = try reads(rule, #"{"a": 1, "d": {"e": null}}"#)
        XCTAssertEqual(result, ["b.c", true, .null, "f"])
        XCTAssertEqual(recorded, [
            FactRead(path: "a", value: 1),
            FactRead(path: "b.c", value: .null),
            FactRead(path: "d.e", value: .null),
            FactRead(path: "f", value: .null),
        ])
    }

    func testReadsOfLoopItemsAreNotFacts() throws {
        let rule = #"{"all": [{"var": "items"}, {">": [{"var": "qty"}, {"val": [[-2], "minimum"]}]}]}"#
        let (result, recorded) = try reads(rule, #"{"items": [{"qty": 2}], "minimum": 1}"#)
        XCTAssertEqual(result, true)
        XCTAssertEqual(recorded, [FactRead(path: "items", value: [["qty": 2]])])
    }

    func testComputedPathsAreRecordedAsResolved() throws {
        let (_, recorded) = try reads(#"{"var": {"cat": ["user.", "age"]}}"#, #"{"user": {"age": 40}}"#)
        XCTAssertEqual(recorded, [FactRead(path: "user.age", value: 40)])
    }

    func testReadsBeforeAFailureAreKept() {
        var recorded: [FactRead] = []
        XCTAssertThrowsError(try CompiledRule(json(#"{"and": [{"var": "a"}, {"missing_some": [1, null]}]}"#)).evaluate(["a": 1], reads: &recorded))
        XCTAssertEqual(recorded, [FactRead(path: "a", value: 1)])
    }

    func testRecordingDoesNotChangeTheResult() throws {
        let rule = try CompiledRule(json(#"{"if": [{"<": [{"var": "score"}, 50]}, "low", "high"]}"#))
        var recorded: [FactRead] = []
        XCTAssertEqual(try rule.evaluate(["score": 70], reads: &recorded), try rule.evaluate(["score": 70]))
        XCTAssertEqual(recorded, [FactRead(path: "score", value: 70)])
    }
}
