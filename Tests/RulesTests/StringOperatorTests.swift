import Rules
import XCTest

/// `cat`, `substr` and `in` on strings, with JavaScript number printing and UTF-16 positions.
final class StringOperatorTests: XCTestCase {
    func testCatPrintsNumbersLikeJavaScript() {
        assertRule(#"{"cat": [1, 2.0, 2.5]}"#, gives: #""122.5""#)
        assertRule(#"{"cat": [0.1, "|", 1e21, "|", 1e-7, "|", 123456789012]}"#, gives: #""0.1|1e+21|1e-7|123456789012""#)
        assertRule(#"{"cat": [100, "|", 1e20, "|", 0.0000015, "|", -0.0]}"#, gives: #""100|100000000000000000000|0.0000015|0""#)
        assertRule(#"{"cat": [{"+": [0.1, 0.2]}]}"#, gives: #""0.30000000000000004""#)
    }

    func testCatConvertsOtherValues() {
        assertRule(#"{"cat": [null, true, "-", false]}"#, gives: #""true-false""#)
        assertRule(#"{"cat": [[1, [2, null], 3], "|", []]}"#, gives: #""1,2,,3|""#)
        assertRule(#"{"cat": [{"var": "o"}]}"#, #"{"o": {"a": 1}}"#, gives: #""[object Object]""#)
        assertRule(#"{"cat": []}"#, gives: #""""#)
        assertRule(#"{"cat": ["Hello, ", {"var": "name"}, "!"]}"#, #"{"name": "Zoë"}"#, gives: #""Hello, Zoë!""#)
    }

    func testSubstrPositiveAndNegativeArguments() {
        assertRule(#"{"substr": ["jsonlogic", 20]}"#, gives: #""""#)
        assertRule(#"{"substr": ["jsonlogic", -20]}"#, gives: #""jsonlogic""#)
        assertRule(#"{"substr": ["jsonlogic", 2, -20]}"#, gives: #""""#)
        assertRule(#"{"substr": ["jsonlogic", -4, -1]}"#, gives: #""ogi""#)
        assertRule(#"{"substr": ["jsonlogic", 4, 0]}"#, gives: #""""#)
        assertRule(#"{"substr": ["jsonlogic", 4, 100]}"#, gives: #""logic""#)
        assertRule(#"{"substr": ["abcdef", 1.7]}"#, gives: #""bcdef""#)
        assertRule(#"{"substr": ["abcdef", "2", "3"]}"#, gives: #""cde""#)
        assertRule(#"{"substr": ["abcdef", "x"]}"#, gives: #""abcdef""#)  // NaN start is 0
    }

    func testSubstrConvertsItsSource() {
        assertRule(#"{"substr": [12345, 1, 2]}"#, gives: #""23""#)
        assertRule(#"{"substr": [null, 0, 2]}"#, gives: #""nu""#)  // String(null) is "null"
        assertRule(#"{"substr": [[1, 2], 1]}"#, gives: #"",2""#)
    }

    func testSubstrCountsUTF16CodeUnits() {
        assertRule(#"{"substr": ["héllo wörld", -5]}"#, gives: #""wörld""#)
        assertRule(#"{"substr": ["a😀b", 1, 2]}"#, gives: #""😀""#)
        assertRule(#"{"substr": ["a😀b", -1]}"#, gives: #""b""#)
    }

    func testSubstrWithANegativeStringLengthFollowsJavaScriptConcatenation() {
        // json-logic-js computes rest.length + "-2", which is "5-2", which is NaN, so the length is 0.
        assertRule(#"{"substr": ["abcdef", 1, "-2"]}"#, gives: #""""#)
    }

    func testLogReturnsItsArgument() {
        assertRule(#"{"log": "apple"}"#, gives: #""apple""#)
        assertRule(#"{"log": [{"var": "a"}]}"#, #"{"a": [1]}"#, gives: "[1]")
    }

    func testInOnStrings() {
        assertRule(#"{"in": ["log", "jsonlogic"]}"#, gives: "true")
        assertRule(#"{"in": ["Log", "jsonlogic"]}"#, gives: "false")
        assertRule(#"{"in": ["", "abc"]}"#, gives: "true")
        assertRule(#"{"in": ["a", ""]}"#, gives: "false")
        assertRule(#"{"in": [1, "a1b"]}"#, gives: "true")
        assertRule(#"{"in": [null, "nullable"]}"#, gives: "true")
        assertRule(#"{"in": ["ö", "wörld"]}"#, gives: "true")
        assertRule(#"{"in": ["abcd", "abc"]}"#, gives: "false")
    }
}
