import Rules
import XCTest

/// `+ - * / %`, `min`, `max`: json-logic-js coercions, and NaN raised where JSON has no number.
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

    func testPlusWithoutANumberRaisesNaN() {
        assertRule(#"{"+": ["abc"]}"#, fails: .notANumber)
        assertRule(#"{"+": [null, 1]}"#, fails: .notANumber)    // parseFloat(null) is NaN
        assertRule(#"{"+": [true]}"#, fails: .notANumber)
        assertRule(#"{"+": [{"var": "absent"}, 1]}"#, #"{}"#, fails: .notANumber)
    }

    func testMinusUsesNumberCoercion() {
        assertRule(#"{"-": ["5", "2"]}"#, gives: "3")
        assertRule(#"{"-": [null, 1]}"#, gives: "-1")
        assertRule(#"{"-": "5"}"#, gives: "-5")
        assertRule(#"{"-": [" 12 ", true]}"#, gives: "11")
        assertRule(#"{"-": ["0x10", 1]}"#, gives: "15")
        assertRule(#"{"-": ["", []]}"#, gives: "0")
        assertRule(#"{"-": ["12abc", 1]}"#, fails: .notANumber)  // Number("12abc") is NaN
    }

    func testMultiply() {
        assertRule(#"{"*": ["2", "3", 4]}"#, gives: "24")
        assertRule(#"{"*": [2, "1.5x"]}"#, gives: "3")
        // json-logic-js returns a lone argument untouched.
        assertRule(#"{"*": ["abc"]}"#, gives: #""abc""#)
        assertRule(#"{"*": ["abc", 2]}"#, fails: .notANumber)
    }

    func testDivideAndDivisionByZero() {
        assertRule(#"{"/": ["6", "3"]}"#, gives: "2")
        assertRule(#"{"/": [1, 3]}"#, gives: "0.3333333333333333")
        assertRule(#"{"/": [-1, 8]}"#, gives: "-0.125")
        assertRule(#"{"/": [1, 0]}"#, fails: .notANumber)
        assertRule(#"{"/": [0, 0]}"#, fails: .notANumber)
        assertRule(#"{"/": [1, "x"]}"#, fails: .notANumber)
    }

    func testRemainderKeepsTheDividendSign() {
        assertRule(#"{"%": [-7, 3]}"#, gives: "-1")
        assertRule(#"{"%": [7, -3]}"#, gives: "1")
        assertRule(#"{"%": [7.5, 2]}"#, gives: "1.5")
        assertRule(#"{"%": ["9", "4"]}"#, gives: "1")
        assertRule(#"{"%": [1, 0]}"#, fails: .notANumber)
    }

    func testMinAndMax() {
        assertRule(#"{"max": [-1, -5, "3"]}"#, gives: "3")
        assertRule(#"{"min": [null, 1]}"#, gives: "0")
        assertRule(#"{"min": [4, [2], 3]}"#, gives: "2")
        assertRule(#"{"max": []}"#, gives: "null")
        assertRule(#"{"min": []}"#, gives: "null")
        assertRule(#"{"max": ["a", 1]}"#, fails: .notANumber)
        assertRule(#"{"max": [{"var": "scores"}]}"#, #"{"scores": [1, 2]}"#, fails: .notANumber)
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
