import Rules
import XCTest

/// Community-edition operators: `val`, `exists`, `??`, `try`, `throw`, `preserve`.
final class CommunityOperatorTests: XCTestCase {
    func testValReadsKeysWithoutSplittingDots() {
        assertRule(#"{"val": "hello"}"#, #"{"hello": 0}"#, gives: "0")
        assertRule(#"{"val": ["hello", "world"]}"#, #"{"hello": {"world": 1}}"#, gives: "1")
        assertRule(#"{"val": "a.b"}"#, #"{"a.b": 2, "a": {"b": 3}}"#, gives: "2")
        assertRule(#"{"val": ["", ""]}"#, #"{"": {"": 4}}"#, gives: "4")
        assertRule(#"{"val": ["arr", 1]}"#, #"{"arr": [1, 2]}"#, gives: "2")
        assertRule(#"{"val": []}"#, #"{"": 21}"#, gives: #"{"": 21}"#)
        assertRule(#"{"val": null}"#, #"[1]"#, gives: "[1]")
        assertRule(#"{"val": ["a", "b"]}"#, #"{"a": null}"#, gives: "null")
        assertRule(#"{"val": {"cat": ["na", "me"]}}"#, #"{"name": "x"}"#, gives: #""x""#)
    }

    func testValClimbsOutOfIterations() {
        assertRule(#"{"map": [[1, 2, 3], {"+": [{"val": []}, {"val": [[-2], "adder"]}]}]}"#, #"{"adder": 10}"#, gives: "[11, 12, 13]")
        assertRule(#"{"map": [[1, 2, 3], {"+": [{"val": []}, {"val": [[-1], "index"]}]}]}"#, gives: "[1, 3, 5]")
        assertRule(
            #"{"map": [["Test"], {"map": [[1, 2, 3], {"+": [{"val": []}, {"val": [[-4], "adder"]}]}]}]}"#,
            #"{"adder": 10}"#, gives: "[[11, 12, 13]]"
        )
        assertRule(#"{"val": [[-5], "x"]}"#, #"{"x": 1}"#, gives: "null")  // nothing to climb to
        assertRule(
            #"{"reduce": [[1, 2], {"+": [{"var": "accumulator"}, {"val": [[-2], "step"]}, {"val": [[-1], "length"]}]}, 0]}"#,
            #"{"step": 10}"#, gives: "24"
        )
    }

    func testExists() {
        assertRule(#"{"exists": "a"}"#, #"{"a": null}"#, gives: "true")
        assertRule(#"{"exists": "b"}"#, #"{"a": null}"#, gives: "false")
        assertRule(#"{"exists": ["a", "b"]}"#, #"{"a": {"b": false}}"#, gives: "true")
        assertRule(#"{"exists": ["a", "c"]}"#, #"{"a": {"b": false}}"#, gives: "false")
        assertRule(#"{"exists": ["list", 1]}"#, #"{"list": [0, 0]}"#, gives: "true")
        assertRule(#"{"exists": ["list", 2]}"#, #"{"list": [0, 0]}"#, gives: "false")
        assertRule(#"{"exists": "a"}"#, "null", gives: "false")
    }

    func testCoalesce() {
        assertRule(#"{"??": []}"#, gives: "null")
        assertRule(#"{"??": [null, null, "hello", null]}"#, gives: #""hello""#)
        assertRule(#"{"??": [null, false, "hello"]}"#, gives: "false")
        assertRule(#"{"??": [{"val": ["person", "name"]}, {"val": "name"}]}"#, #"{"name": "Jane"}"#, gives: #""Jane""#)
        assertRule(#"{"??": [1, {"/": [1, 0]}]}"#, gives: "1")  // stops at the first non-null
    }

    func testThrowRaisesTypedErrorValues() {
        assertRule(#"{"throw": "hello"}"#, fails: .thrown(["type": "hello"]))
        assertRule(#"{"throw": "NaN"}"#, fails: .notANumber)
        assertRule(#"{"throw": {"val": "x"}}"#, #"{"x": {"type": "Some error"}}"#, fails: .thrown(["type": "Some error"]))
        assertRule(#"{"throw": 404}"#, fails: .thrown(["type": 404]))
    }

    /// The community edition's `try` suite, case by case.
    func testTrySuite() {
        assertRule(#"{"try": [{"throw": "Some error"}, 1]}"#, gives: "1")
        assertRule(#"{"try": [{"/": [0, 0]}, 1]}"#, #"{"hello": "world"}"#, gives: "1")
        assertRule(#"{"try": [{"throw": "Some error"}, {"/": [0, 0]}, 2]}"#, gives: "2")
        assertRule(#"{"try": [{"throw": "Some error"}, {"throw": "Some other error"}]}"#, fails: .thrown(["type": "Some other error"]))
        assertRule(#"{"try": [{"throw": "Some error"}, {"/": [0, 0]}]}"#, fails: .notANumber)
        assertRule(#"{"try": [{"/": [0, 0]}, {"/": [1, 0]}, {"/": [2, 0]}]}"#, fails: .notANumber)
        assertRule(#"{"try": {"throw": "Some error"}}"#, fails: .thrown(["type": "Some error"]))
        assertRule(#"{"try": [{"/": [1, 0]}]}"#, fails: .notANumber)
        assertRule(#"{"map": [[1, 2, 3], {"try": [{"/": [0, 0]}]}]}"#, fails: .notANumber)
        assertRule(
            #"{"try": [{"if": [{"val": ["user", "admin"]}, true, {"throw": "Not an admin"}]}]}"#,
            #"{"user": {"admin": false}}"#, fails: .thrown(["type": "Not an admin"])
        )
        assertRule(#"{"try": [{"if": [true, {"map": [[1, 2, 3], {"/": [0, 0]}]}, null]}, 10]}"#, gives: "10")
        assertRule(#"{"try": [{"throw": "Some error"}, {"val": "type"}]}"#, gives: #""Some error""#)
        assertRule(#"{"try": [{"if": [true, {"throw": "Some error"}, null]}, {"val": "type"}]}"#, gives: #""Some error""#)
        assertRule(#"{"try": [{"throw": "A"}, {"throw": "B"}, {"val": "type"}]}"#, gives: #""B""#)
        assertRule(#"{"try": [{"throw": {"val": "x"}}, {"val": "type"}]}"#, #"{"x": {"type": "Some error"}}"#, gives: #""Some error""#)
        assertRule(#"{"try": [{"if": [true, {"map": [[1, 2, 3], {"/": [0, 0]}]}, null]}, {"val": "type"}]}"#, gives: #""NaN""#)
        let handlesNaN = #"{"try": [{"if": [{"/": [1, {"val": "x"}]}, {"throw": "Some error"}, null]}, {"if": [{"===": [{"val": "type"}, "NaN"]}, "Handled", {"throw": {"val": []}}]}]}"#
        assertRule(handlesNaN, #"{"x": 0}"#, gives: #""Handled""#)
        assertRule(handlesNaN, #"{"x": 1}"#, fails: .thrown(["type": "Some error"]))
        assertRule(#"{"try": [{"if": [true, {"map": [[1, 2, 3], {"/": [0, 0]}]}, null]}, {"val": [[2], "fallback"]}]}"#, #"{"fallback": "Hello"}"#, gives: #""Hello""#)
    }

    func testTryKeepsTheWholeThrownObjectAndPassesValuesThrough() {
        assertRule(#"{"try": [{"throw": {"type": "NotFound", "code": 404}}, {"val": "code"}]}"#, gives: "404")
        assertRule(#"{"try": [{"var": "missing"}, "fallback"]}"#, #"{}"#, gives: "null")  // not an error
        assertRule(#"{"try": [{"+": [{"var": "n"}, 1]}, 0]}"#, #"{"n": "x"}"#, gives: "0")
        assertRule(#"{"try": [{"try": [{"/": [1, {"var": "d"}]}, {"throw": "division failed"}]}, {"val": "type"}]}"#, #"{"d": 0}"#, gives: #""division failed""#)
        assertRule(#"{"try": [{"try": [{"/": [1, {"var": "d"}]}, {"throw": "division failed"}]}, {"val": "type"}]}"#, #"{"d": 4}"#, gives: "0.25")
    }

    func testFallbacksClimbPastLoopsInterruptedByTheError() {
        // The inner map fails part way; the fallback must still see the outer map's scopes.
        let rule = #"{"map": [[10, 20], {"try": [{"map": [[0], {"/": [{"val": [[-2]]}, {"var": ""}]}]}, {"val": [[-4], "k"]}]}]}"#
        assertRule(rule, #"{"k": "root"}"#, gives: #"["root", "root"]"#)
        assertRule(#"{"try": [{"throw": "x"}, {"val": [[-1]]}]}"#, gives: "null")
    }

    func testExistsWithComputedComponents() {
        assertRule(#"{"exists": [{"cat": ["na", "me"]}]}"#, #"{"name": null}"#, gives: "true")
        assertRule(#"{"exists": [{"var": "key"}, "b"]}"#, #"{"key": "a", "a": {"b": 1}}"#, gives: "true")
        assertRule(#"{"exists": [{"var": "key"}, "c"]}"#, #"{"key": "a", "a": {"b": 1}}"#, gives: "false")
    }

    func testPreserveReturnsItsArgumentUnevaluated() {
        assertRule(#"{"preserve": {"+": [1, 2]}}"#, gives: #"{"+": [1, 2]}"#)
        assertRule(#"{"preserve": [1, {"var": "x"}]}"#, gives: #"[1, {"var": "x"}]"#)
        assertRule(#"{"preserve": {"no_such_operator": 1}}"#, gives: #"{"no_such_operator": 1}"#)
        assertRule(#"{"preserve": 0}"#, gives: "0")
        assertRule(#"{"preserve": {}}"#, gives: "{}")
    }
}
