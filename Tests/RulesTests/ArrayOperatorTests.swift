import Rules
import XCTest

/// `map`, `filter`, `reduce`, `all`, `none`, `some`, `merge` and `in` on arrays.
final class ArrayOperatorTests: XCTestCase {
    func testMapAndFilter() {
        assertRule(#"{"map": [[1, 2, 3], {"*": [{"var": ""}, 10]}]}"#, gives: "[10, 20, 30]")
        assertRule(#"{"map": [{"var": "people"}, {"var": "name"}]}"#, #"{"people": [{"name": "a"}, {}]}"#, gives: #"["a", null]"#)
        assertRule(#"{"filter": [[0, 1, "", "x", [], [0]], {"var": ""}]}"#, gives: #"[1, "x", [0]]"#)
        assertRule(#"{"map": ["not an array", 1]}"#, gives: "[]")
        assertRule(#"{"filter": [{"var": "none"}, true]}"#, #"{}"#, gives: "[]")
    }

    func testReduceWithAndWithoutInitialValue() {
        let sum = #"{"+": [{"var": "accumulator"}, {"var": "current"}]}"#
        assertRule(#"{"reduce": [[1, 2, 3], \#(sum), 10]}"#, gives: "16")
        assertRule(#"{"reduce": [[1, 2, 3], \#(sum), {"var": "start"}]}"#, #"{"start": 5}"#, gives: "11")
        assertRule(#"{"reduce": [[], \#(sum), 7]}"#, gives: "7")
        assertRule(#"{"reduce": [{"var": "absent"}, \#(sum), 7]}"#, #"{}"#, gives: "7")
        // Without an initial value the accumulator starts as null, which max reads as 0.
        assertRule(#"{"reduce": [[3, 9, 4], {"max": [{"var": "accumulator"}, {"var": "current"}]}]}"#, gives: "9")
        assertRule(#"{"reduce": [[1, 2, 3], {"merge": [{"var": "accumulator"}, [{"var": "current"}]]}, []]}"#, gives: "[1, 2, 3]")
        assertRule(#"{"reduce": [{"var": "items"}, {"+": [{"var": "accumulator"}, {"var": "current.q"}]}, 0]}"#, #"{"items": [{"q": 2}, {"q": 5}]}"#, gives: "7")
    }

    func testAllNoneSome() {
        assertRule(#"{"all": [[1, 2], {">": [{"var": ""}, 0]}]}"#, gives: "true")
        assertRule(#"{"all": [[1, -2], {">": [{"var": ""}, 0]}]}"#, gives: "false")
        assertRule(#"{"all": [[], true]}"#, gives: "false")
        assertRule(#"{"all": ["x", true]}"#, gives: "false")
        assertRule(#"{"none": [[1, 2], {"<": [{"var": ""}, 0]}]}"#, gives: "true")
        assertRule(#"{"none": [{"var": "x"}, true]}"#, #"{}"#, gives: "true")
        assertRule(#"{"some": [[0, 0, 3], {"var": ""}]}"#, gives: "true")
        assertRule(#"{"some": [[0, 0], {"var": ""}]}"#, gives: "false")
    }

    func testIterationStopsAtTheFirstDecidingElement() {
        // The third element would raise an error if it were visited.
        let visitingBoomRaises = #"{"if": [{"===": [{"var": ""}, "boom"]}, {"throw": "visited"}, "#
        assertRule(#"{"some": [[1, 2, "boom"], \#(visitingBoomRaises){"==": [{"/": [6, {"var": ""}]}, 3]}]}]}"#, gives: "true")
        assertRule(#"{"all": [[1, 0, "boom"], \#(visitingBoomRaises){"===": [{"var": ""}, 1]}]}]}"#, gives: "false")
    }

    func testMergeFlattensOneLevel() {
        assertRule(#"{"merge": [[1, [2]], 3, null, []]}"#, gives: "[1, [2], 3, null]")
        assertRule(#"{"merge": [{"var": "a"}, {"var": "b"}]}"#, #"{"a": [1], "b": "x"}"#, gives: #"[1, "x"]"#)
    }

    func testInOnArraysUsesStrictEquality() {
        assertRule(#"{"in": [1, ["1", 1]]}"#, gives: "true")
        assertRule(#"{"in": ["1", [1]]}"#, gives: "false")
        assertRule(#"{"in": [[1], [[1]]]}"#, gives: "false")
        assertRule(#"{"in": [null, [null]]}"#, gives: "true")
        assertRule(#"{"in": ["a", []]}"#, gives: "false")
        assertRule(#"{"in": ["a", {"var": "o"}]}"#, #"{"o": {"a": 1}}"#, gives: "false")
        assertRule(#"{"in": [1, 1]}"#, gives: "false")
    }

    func testNestedIterationsSeeTheirOwnItems() {
        assertRule(
            #"{"map": [[[1, 2], [3]], {"reduce": [{"var": ""}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}]}"#,
            gives: "[3, 3]"
        )
    }
}
