import Rules
import XCTest

/// `var`, `missing` and `missing_some`.
final class DataAccessTests: XCTestCase {
    func testVarPathsIndicesAndLength() {
        assertRule(#"{"var": "a.0.b"}"#, #"{"a": [{"b": 1}]}"#, gives: "1")
        assertRule(#"{"var": 0}"#, #"["x", "y"]"#, gives: #""x""#)
        assertRule(#"{"var": 1.0}"#, #"["x", "y"]"#, gives: #""y""#)
        assertRule(#"{"var": "01"}"#, #"["x", "y"]"#, gives: "null")  // not an array index
        assertRule(#"{"var": "list.length"}"#, #"{"list": [4, 5, 6]}"#, gives: "3")
        assertRule(#"{"var": "name.1"}"#, #"{"name": "abc"}"#, gives: #""b""#)
        assertRule(#"{"var": "a"}"#, #""abc""#, gives: "null")
        assertRule(#"{"var": "a.b"}"#, #"{"a": 5}"#, gives: "null")
        assertRule(#"{"var": "a..b"}"#, #"{"a": {"": {"b": 1}}}"#, gives: "1")
    }

    func testVarDefaults() {
        assertRule(#"{"var": ["x", {"cat": ["de", "fault"]}]}"#, #"{}"#, gives: #""default""#)
        assertRule(#"{"var": ["x", 5]}"#, #"{"x": 0}"#, gives: "0")
        assertRule(#"{"var": ["list.5", "past the end"]}"#, #"{"list": [0, 0]}"#, gives: #""past the end""#)
        // A null at the end of the path is a value; a null on the way means not found.
        assertRule(#"{"var": ["a", 5]}"#, #"{"a": null}"#, gives: "null")
        assertRule(#"{"var": ["a.b", 5]}"#, #"{"a": null}"#, gives: "5")
        // The default is only evaluated when needed.
        assertRule(#"{"var": ["x", {"/": [1, 0]}]}"#, #"{"x": 1}"#, gives: "1")
    }

    func testVarWithEmptyPathReturnsTheWholeData() {
        assertRule(#"{"var": ""}"#, #"{"a": [1]}"#, gives: #"{"a": [1]}"#)
        assertRule(#"{"var": null}"#, #"[1, 2]"#, gives: "[1, 2]")
        assertRule(#"{"var": []}"#, #""text""#, gives: #""text""#)
        assertRule(#"{"var": ["", 5]}"#, "null", gives: "null")
    }

    func testVarWithComputedPath() {
        assertRule(#"{"var": {"cat": ["user.", {"var": "field"}]}}"#, #"{"field": "age", "user": {"age": 40}}"#, gives: "40")
        assertRule(#"{"var": [{"var": "index"}, "none"]}"#, #"{"index": 7}"#, gives: #""none""#)
    }

    func testMissing() {
        assertRule(#"{"missing": ["a", "b", "c"]}"#, #"{"a": "", "b": 0, "c": false}"#, gives: #"["a"]"#)
        assertRule(#"{"missing": ["a.b", "a.c"]}"#, #"{"a": {"b": null, "c": []}}"#, gives: #"["a.b"]"#)
        assertRule(#"{"missing": [["x", "y"]]}"#, #"{"y": 1}"#, gives: #"["x"]"#)
        assertRule(#"{"missing": [0, 2]}"#, #"["a", "b"]"#, gives: "[2]")
    }

    func testMissingSome() {
        assertRule(#"{"missing_some": [0, ["a"]]}"#, #"{}"#, gives: "[]")
        assertRule(#"{"missing_some": [2, ["a", "b", "c"]]}"#, #"{"a": 1}"#, gives: #"["b", "c"]"#)
        assertRule(#"{"missing_some": [1, {"merge": [["a"], ["b"]]}]}"#, #"{"b": 1}"#, gives: "[]")
        assertRule(#"{"missing_some": ["1", ["a", "b"]]}"#, #"{"b": 1}"#, gives: "[]")
        // json-logic-js fails reading the length of null options.
        assertRule(#"{"missing_some": [1, {"var": "options"}]}"#, #"{}"#, fails: .invalidArgumentsValue)
        assertRule(#"{"missing_some": [1, {"var": "options"}]}"#, #"{"options": ["a"], "a": 1}"#, gives: "[]")
    }
}
