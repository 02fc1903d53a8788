import Rules
import XCTest

/// `+ - * / %`, `min`, `max`: json-logic-js coercions, and NaN and ±Infinity carried on as values,
/// as json-logic-js carries them (raised as `{"type": "NaN"}` by the community edition).
final class ArithmeticTests: XCTestCase {
    func testPlusReadsNumbersWithParseFloat() {
        assertRule(#"{"+": ["3", 2]}"#, gives: "5")
        assertRule(#"{"+": "3"}"#, gives: "3")
        assertRule(#"{"+": ["-1.5"]}"#, gives: "-1.5")
        assertRule(#"{"+": ["12abc"]}"#, gives: "12")          // leading number only
        assertRule(#"{"+": [" 3.5e1x"]}"#, gives: "35")
        assertRule(#"{"+": [".5", "1e2"]}"#, gives: "100.5")
        assertRule(#"{"+": [[1], 2]}"#, gives: "3")             // [1] prints as "1"
        assertRule(#"{"+": []}"#, gives: "0")
        assertRule(#"{"+": [0.1, 0.2]}"#, gives: "0.30000000000000004")
    }

    func testPlusWithoutANumberIsNaN() {
        assertRule(#"{"+": ["abc"]}"#, givesNumber: .nan)
        assertRule(#"{"+": [null, 1]}"#, givesNumber: .nan)    // parseFloat(null) is NaN
        assertRule(#"{"+": [true]}"#, givesNumber: .nan)
        assertRule(#"{"+": [{"var": "absent"}, 1]}"#, #"{}"#, givesNumber: .nan)
        assertRule(#"{"+": ["Infinity"]}"#, givesNumber: .infinity)
        assertRule(#"{"+": ["-Infinityx"]}"#, givesNumber: -.infinity)
    }

    func testMinusUsesNumberCoercion() {
        assertRule(#"{"-": ["5", "2"]}"#, gives: "3")
        assertRule(#"{"-": [null, 1]}"#, gives: "-1")
        assertRule(#"{"-": "5"}"#, gives: "-5")
        assertRule(#"{"-": [" 12 ", true]}"#, gives: "11")
        assertRule(#"{"-": ["0x10", 1]}"#, gives: "15")
        assertRule(#"{"-": ["", []]}"#, gives: "0")
        assertRule(#"{"-": ["12abc", 1]}"#, givesNumber: .nan)  // Number("12abc") is NaN
        assertRule(#"{"-": {"/": [1, 0]}}"#, givesNumber: -.infinity)
    }

    func testMultiply() {
        assertRule(#"{"*": ["2", "3", 4]}"#, gives: "24")
        assertRule(#"{"*": [2, "1.5x"]}"#, gives: "3")
        // json-logic-js returns a lone argument untouched.
        assertRule(#"{"*": ["abc"]}"#, gives: #""abc""#)
        assertRule(#"{"*": ["abc", 2]}"#, givesNumber: .nan)
        assertRule(#"{"*": [{"/": [1, 0]}, 0]}"#, givesNumber: .nan)
    }

    func testDivideAndDivisionByZero() {
        assertRule(#"{"/": ["6", "3"]}"#, gives: "2")
        assertRule(#"{"/": [1, 3]}"#, gives: "0.3333333333333333")
        assertRule(#"{"/": [-1, 8]}"#, gives: "-0.125")
        assertRule(#"{"/": [1, 0]}"#, givesNumber: .infinity)
        assertRule(#"{"/": [-1, 0]}"#, givesNumber: -.infinity)
        assertRule(#"{"/": [0, 0]}"#, givesNumber: .nan)
        assertRule(#"{"/": [1, "x"]}"#, givesNumber: .nan)
        assertRule(#"{"-": [{"/": [1, 0]}, {"/": [1, 0]}]}"#, givesNumber: .nan)
    }

    func testRemainderKeepsTheDividendSign() {
        assertRule(#"{"%": [-7, 3]}"#, gives: "-1")
        assertRule(#"{"%": [7, -3]}"#, gives: "1")
        assertRule(#"{"%": [7.5, 2]}"#, gives: "1.5")
        assertRule(#"{"%": ["9", "4"]}"#, gives: "1")
        assertRule(#"{"%": [1, 0]}"#, givesNumber: .nan)
        assertRule(#"{"%": [5, {"/": [1, 0]}]}"#, gives: "5")
    }

    func testMinAndMax() {
        assertRule(#"{"max": [-1, -5, "3"]}"#, gives: "3")
        assertRule(#"{"min": [null, 1]}"#, gives: "0")
        assertRule(#"{"min": [4, [2], 3]}"#, gives: "2")
        assertRule(#"{"max": []}"#, givesNumber: -.infinity)
        assertRule(#"{"min": []}"#, givesNumber: .infinity)
        assertRule(#"{"max": ["a", 1]}"#, givesNumber: .nan)
        assertRule(#"{"min": [1, "x", {"/": [-1, 0]}]}"#, givesNumber: .nan)
        assertRule(#"{"max": [{"var": "scores"}]}"#, #"{"scores": [1, 2]}"#, givesNumber: .nan)
        // Math.max takes +0 over -0, Math.min -0 over +0: 1 divided by the answer tells them apart.
        assertRule(#"{"/": [1, {"max": [0, -0]}]}"#, givesNumber: .infinity)
        assertRule(#"{"/": [1, {"max": [-0, 0]}]}"#, givesNumber: .infinity)
        assertRule(#"{"/": [1, {"min": [0, -0]}]}"#, givesNumber: -.infinity)
        assertRule(#"{"/": [1, {"max": [-0]}]}"#, givesNumber: -.infinity)
    }

    /// What json-logic-js answers when a number is NaN or infinite (checked against it): values
    /// like any other, through truthiness, comparisons, text and paths.
    func testNonFiniteNumbersGoOnAsValues() {
        assertRule(#"{"!": [{"+": ["a"]}]}"#, gives: "true")
        assertRule(#"{"if": [{"/": [1, 0]}, "yes", "no"]}"#, gives: #""yes""#)
        assertRule(#"{"or": [{"/": [0, 0]}, "fallback"]}"#, gives: #""fallback""#)
        assertRule(#"{"<": [{"/": [1, 0]}, 5]}"#, gives: "false")
        assertRule(#"{">": [{"/": [1, 0]}, 1e308]}"#, gives: "true")
        assertRule(#"{"<=": [{"/": [-1, 0]}, 0, {"/": [1, 0]}]}"#, gives: "true")
        assertRule(#"{"!!": [{"max": ["a"]}]}"#, gives: "false")
        assertRule(#"{"!!": {"max": []}}"#, gives: "true")
        assertRule(#"{"cat": [{"/": [1, 0]}, " ", {"/": [-1, 0]}, " ", {"/": [0, 0]}]}"#, gives: #""Infinity -Infinity NaN""#)
        assertRule(#"{"==": [{"/": [0, 0]}, {"/": [0, 0]}]}"#, gives: "false")
        assertRule(#"{"!==": [{"/": [0, 0]}, {"/": [0, 0]}]}"#, gives: "true")
        assertRule(#"{"===": [{"/": [1, 0]}, {"/": [2, 0]}]}"#, gives: "true")
        assertRule(#"{"==": [{"/": [1, 0]}, "Infinity"]}"#, gives: "true")
        assertRule(#"{"in": [{"/": [1, 0]}, "to Infinity"]}"#, gives: "true")
        assertRule(#"{"in": [{"/": [0, 0]}, [{"/": [0, 0]}]]}"#, gives: "false")
        assertRule(#"{"var": {"/": [1, 0]}}"#, #"{"Infinity": 7}"#, gives: "7")
        assertRule(#"{"substr": ["abcdef", {"/": [-1, 0]}]}"#, gives: #""abcdef""#)
        assertRule(#"{"substr": ["abcdef", 2, {"/": [1, 0]}]}"#, gives: #""cdef""#)
        assertRule(#"{"filter": [[0, 1, 2], {"-": [{"var": ""}, {"/": [0, 0]}]}]}"#, gives: "[]")
        // JSON has no NaN or Infinity: in JSON text they are null, as JSON.stringify writes them.
        let written = try? evaluate(#"{"merge": [{"map": [[1, 0], {"/": [1, {"var": ""}]}]}, {"missing": [{"/": [0, 0]}]}]}"#)
        XCTAssertEqual(written?.jsonText, "[1,null,null]")
    }

    /// A rule that uses an operator only the community edition knows follows that edition, where
    /// arithmetic without a finite result raises `{"type": "NaN"}` (which `try` catches).
    func testCommunityEditionRulesRaiseNaN() throws {
        XCTAssertEqual(try CompiledRule(json(#"{"/": [1, 0]}"#)).edition, .jsonLogicJS)
        XCTAssertEqual(try CompiledRule(json(#"{"??": [{"/": [1, 0]}]}"#)).edition, .community)
        assertRule(#"{"??": [null, {"/": [1, 0]}]}"#, fails: .notANumber)
        assertRule(#"{"??": [{"+": ["a"]}]}"#, fails: .notANumber)
        assertRule(#"{"??": [{"max": ["a", 1]}]}"#, fails: .notANumber)
        assertRule(#"{"??": [{"max": []}]}"#, gives: "null")
        assertRule(#"{"try": [{"%": [1, 0]}, "caught"]}"#, gives: #""caught""#)
        assertRule(#"{"preserve": 1}"#, gives: "1")
    }

    func testUnaryPlusCastsForStrictEquality() {
        assertRule(#"{"===": [{"+": "0042"}, 42]}"#, gives: "true")
        assertRule(#"{"===": [{"-": [{"var": "n"}, 0]}, 7]}"#, #"{"n": "7"}"#, gives: "true")
    }

    func testNaNIsAnErrorValueWithItsOwnType() {
        XCTAssertEqual(RuleError.notANumber.errorType, "NaN")
        XCTAssertEqual(RuleError.notANumber.thrownValue, ["type": "NaN"])
    }
}
