import Rules
import XCTest

/// Truthiness, `if`, `and`/`or`, `!`/`!!`, equality and ordering with JavaScript coercions.
final class LogicAndComparisonTests: XCTestCase {
    func testTruthinessTable() {
        let falsy: [JSONValue] = [.null, false, 0, -0.0, .number(.nan), "", []]
        let truthy: [JSONValue] = [true, 1, -1, 0.5, "0", "false", " ", [0], [[]], [:], ["a": 0]]
        for value in falsy {
            XCTAssertFalse(value.isTruthy, "\(value) should be falsy")
            XCTAssertFalse(Truthiness.isTruthy(value), "\(value) should be falsy")
        }
        for value in truthy {
            XCTAssertTrue(value.isTruthy, "\(value) should be truthy")
            XCTAssertTrue(Truthiness.isTruthy(value), "\(value) should be truthy")
        }
    }

    func testIfChainsAndTernary() {
        assertRule(#"{"if": [{"var": "a"}, "A", {"var": "b"}, "B", "neither"]}"#, #"{"b": 1}"#, gives: #""B""#)
        assertRule(#"{"if": [{"var": "a"}, "A", {"var": "b"}, "B", "neither"]}"#, #"{}"#, gives: #""neither""#)
        assertRule(#"{"if": [{"var": "a"}, "A", {"var": "b"}, "B"]}"#, #"{}"#, gives: "null")
        assertRule(#"{"?:": [{"<": [{"var": "t"}, 10]}, "cold", "warm"]}"#, #"{"t": 3}"#, gives: #""cold""#)
        assertRule(#"{"if": [{}, "empty object is truthy", "no"]}"#, gives: #""empty object is truthy""#)
    }

    func testIfOnlyEvaluatesTheChosenBranch() {
        // The untaken branch would raise an error if it ran.
        assertRule(#"{"if": [true, 1, {"throw": "ran"}]}"#, gives: "1")
        assertRule(#"{"if": [false, {"throw": "ran"}, 2]}"#, gives: "2")
    }

    func testAndOrReturnOperandsAndShortCircuit() {
        assertRule(#"{"and": [1, "a", [1]]}"#, gives: "[1]")
        assertRule(#"{"and": [1, "", {"/": [1, 0]}]}"#, gives: #""""#)
        assertRule(#"{"or": [0, null, "x", {"/": [1, 0]}]}"#, gives: #""x""#)
        assertRule(#"{"or": [0, null, []]}"#, gives: "[]")
    }

    func testNotAndDoubleNot() {
        assertRule(#"{"!": [{"var": "missing"}]}"#, #"{}"#, gives: "true")
        assertRule(#"{"!!": ["0"]}"#, gives: "true")
        assertRule(#"{"!!": [[0]]}"#, gives: "true")
        assertRule(#"{"!": {"var": "flag"}}"#, #"{"flag": 0}"#, gives: "true")
    }

    func testLooseEqualityCoercions() {
        assertRule(#"{"==": [0, ""]}"#, gives: "true")
        assertRule(#"{"==": ["1", true]}"#, gives: "true")
        assertRule(#"{"==": [2, true]}"#, gives: "false")
        assertRule(#"{"==": [null, 0]}"#, gives: "false")
        assertRule(#"{"==": [null, false]}"#, gives: "false")
        assertRule(#"{"==": [null, {"var": "nothing"}]}"#, #"{}"#, gives: "true")
        assertRule(#"{"==": [[], false]}"#, gives: "true")
        assertRule(#"{"==": [[1, 2], "1,2"]}"#, gives: "true")
        assertRule(#"{"==": [[[3]], 3]}"#, gives: "true")
        assertRule(#"{"==": [{"var": "o"}, "[object Object]"]}"#, #"{"o": {}}"#, gives: "true")
        assertRule(#"{"==": [" 12 ", 12]}"#, gives: "true")
        assertRule(#"{"==": ["0x10", 16]}"#, gives: "true")
        assertRule(#"{"==": ["abc", "abc"]}"#, gives: "true")
    }

    func testArraysAndObjectsCompareByIdentity() {
        // Distinct arrays and objects are never equal in JavaScript, even with equal contents...
        assertRule(#"{"==": [[1], [1]]}"#, gives: "false")
        assertRule(#"{"===": [{"var": "a"}, {"var": "b"}]}"#, #"{"a": [1], "b": [1]}"#, gives: "false")
        assertRule(#"{"==": [{"var": "o"}, {"var": "p"}]}"#, #"{"o": {"a": 1}, "p": {"a": 1}}"#, gives: "false")
        assertRule(#"{"==": [{"var": "tags"}, []]}"#, #"{"tags": []}"#, gives: "false")
        assertRule(#"{"==": [{"merge": [{"var": "a"}]}, {"var": "a"}]}"#, #"{"a": [1]}"#, gives: "false")
        // ...but the same fact read twice is the same object.
        assertRule(#"{"===": [{"var": "a"}, {"var": "a"}]}"#, #"{"a": [1]}"#, gives: "true")
        assertRule(#"{"==": [{"var": "o"}, {"var": "o"}]}"#, #"{"o": {"a": 1}}"#, gives: "true")
        assertRule(#"{"!==": [{"var": "o.y"}, {"var": "o.y"}]}"#, #"{"o": {"y": [1, "2"]}}"#, gives: "false")
        assertRule(#"{"in": [{"var": "o"}, [{"var": "o"}]]}"#, #"{"o": {"a": 1}}"#, gives: "true")
    }

    func testEqualityComparesCodeUnitsNotCanonicalEquivalence() {
        // "é" precomposed and "e" + combining acute are different JavaScript strings.
        assertRule(#"{"==": ["\u00e9", "e\u0301"]}"#, gives: "false")
        assertRule(#"{"===": ["\u00e9", "\u00e9"]}"#, gives: "true")
    }

    func testStrictEqualityAndNegations() {
        assertRule(#"{"===": [1, 1.0]}"#, gives: "true")
        assertRule(#"{"===": [null, null]}"#, gives: "true")
        assertRule(#"{"===": ["1", 1]}"#, gives: "false")
        assertRule(#"{"===": [[], []]}"#, gives: "false")
        assertRule(#"{"!=": [null, 0]}"#, gives: "true")
        assertRule(#"{"!=": ["1", 1]}"#, gives: "false")
        assertRule(#"{"!==": ["1", 1]}"#, gives: "true")
        assertRule(#"{"!==": [false, false]}"#, gives: "false")
    }

    func testOrderingOfNumbersStringsAndMixtures() {
        assertRule(#"{"<": ["a", "b"]}"#, gives: "true")
        assertRule(#"{"<": ["10", "9"]}"#, gives: "true")  // both strings: compared as text
        assertRule(#"{"<": ["10", 9]}"#, gives: "false")   // one number: compared as numbers
        assertRule(#"{"<": [null, 1]}"#, gives: "true")
        assertRule(#"{"<=": [null, 0]}"#, gives: "true")
        assertRule(#"{"<": [false, true]}"#, gives: "true")
        assertRule(#"{"<=": [[2], 3]}"#, gives: "true")
        assertRule(#"{">": [[10], "9"]}"#, gives: "false")  // "10" > "9" as text is false
        // NaN makes every ordering false.
        assertRule(#"{"<": ["abc", 1]}"#, gives: "false")
        assertRule(#"{">=": ["abc", 1]}"#, gives: "false")
        assertRule(#"{">": [{"var": "o"}, 1]}"#, #"{"o": {}}"#, gives: "false")
        assertRule(#"{">=": [2, 2]}"#, gives: "true")
        assertRule(#"{">": ["b", "a"]}"#, gives: "true")
    }

    func testStringOrderingUsesUTF16CodeUnits() {
        // U+1F600 is encoded as D83D DE00, which sorts before U+FF61 in UTF-16 (not in code points).
        assertRule(#"{"<": ["😀", "｡"]}"#, gives: "true")
        assertRule(#"{"<": ["abc", "abd"]}"#, gives: "true")
        assertRule(#"{"<": ["ab", "abc"]}"#, gives: "true")
    }

    func testBetweenForms() {
        assertRule(#"{"<": [0, {"var": "x"}, 10]}"#, #"{"x": 5}"#, gives: "true")
        assertRule(#"{"<": [0, {"var": "x"}, 10]}"#, #"{"x": 10}"#, gives: "false")
        assertRule(#"{"<": [0, {"var": "x"}, 10]}"#, #"{"x": 0}"#, gives: "false")
        assertRule(#"{"<=": [0, {"var": "x"}, 10]}"#, #"{"x": 10}"#, gives: "true")
        assertRule(#"{"<=": [0, {"var": "x"}, 10]}"#, #"{"x": 0}"#, gives: "true")
        assertRule(#"{"<=": [0, {"var": "x"}, 10]}"#, #"{"x": 11}"#, gives: "false")
        assertRule(#"{"<": ["a", "b", "c"]}"#, gives: "true")
        assertRule(#"{"<=": ["1", 2, "3"]}"#, gives: "true")
    }
}
