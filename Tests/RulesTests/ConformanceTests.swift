import Foundation
import Rules
import XCTest

/// Runs the shared JSON Logic test suite (jsonlogic.com `tests.json`, as json-logic-js runs it).
final class ConformanceTests: XCTestCase {
    func testSharedSuite() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "tests", withExtension: "json", subdirectory: "Fixtures"))
        let suite = try JSONValue(parsing: Data(contentsOf: url))
        guard case .array(let entries) = suite else { return XCTFail("tests.json is not an array") }

        var ran = 0
        var failures: [String] = []
        for entry in entries {
            // Strings are section comments; everything else is [rule, data, expected].
            guard case .array(let triple) = entry else { continue }
            XCTAssertEqual(triple.count, 3, "malformed case \(entry.jsonText)")
            guard triple.count == 3 else { continue }
            let (rule, data, expected) = (triple[0], triple[1], triple[2])
            ran += 1
            do {
                let actual = try CompiledRule(rule).evaluate(data)
                if actual != expected {
                    failures.append("rule \(rule.jsonText) data \(data.jsonText): expected \(expected.jsonText), got \(actual.jsonText)")
                }
            } catch {
                failures.append("rule \(rule.jsonText) data \(data.jsonText): expected \(expected.jsonText), raised \(error.errorType): \(error.message)")
            }
        }
        for failure in failures { XCTFail(failure) }
        XCTAssertEqual(ran, 277, "the suite should have 277 cases")
        print("JSON Logic shared suite: \(ran - failures.count) of \(ran) cases match")
    }
}
