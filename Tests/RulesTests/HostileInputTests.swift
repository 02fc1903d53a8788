import Foundation
import Rules
import XCTest

/// Rules and documents built to crash, hang or exhaust memory must fail with a clear error.
final class HostileInputTests: XCTestCase {
    private let depthLimit = RuleLimits.default.maxDepth

    func testDeeplyNestedJSONTextIsRejectedWithoutRecursion() {
        let depth = 100_000
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        XCTAssertThrowsError(try JSONValue(parsing: arrays)) { error in
            XCTAssertEqual(error as? RuleError, .tooDeep(limit: depthLimit))
        }
        let rule = String(repeating: #"{"!":"#, count: depth) + "true" + String(repeating: "}", count: depth)
        XCTAssertThrowsError(try CompiledRule(parsing: rule)) { error in
            XCTAssertEqual(error as? RuleError, .tooDeep(limit: depthLimit))
        }
    }

    func testNestingUpToTheLimitIsAccepted() throws {
        let text = String(repeating: "[", count: depthLimit) + String(repeating: "]", count: depthLimit)
        XCTAssertNoThrow(try JSONValue(parsing: text))
        let tooDeep = "[" + text + "]"
        XCTAssertThrowsError(try JSONValue(parsing: tooDeep))
    }

    func testDeeplyNestedRuleValueIsRejectedWithoutRecursion() {
        var rule = JSONValue.bool(true)
        for _ in 0..<100_000 { rule = ["!": [rule]] }
        XCTAssertThrowsError(try CompiledRule(rule)) { error in
            XCTAssertEqual(error as? RuleError, .tooDeep(limit: depthLimit))
        }
        var literal = JSONValue.null
        for _ in 0..<100_000 { literal = ["a": literal, "b": 1] }
        XCTAssertThrowsError(try CompiledRule(["preserve": literal])) { error in
            XCTAssertEqual(error as? RuleError, .tooDeep(limit: depthLimit))
        }
        dismantle(&rule)
        dismantle(&literal)
    }

    func testDeeplyNestedDataIsHandledWithoutRecursion() throws {
        var data = JSONValue.null
        for _ in 0..<100_000 { data = [data] }
        XCTAssertEqual(data.jsonText.utf8.count, 100_000 * 2 + 4)
        // Reading it is a loop; converting it to text for `cat` stops at the depth limit.
        XCTAssertEqual(try CompiledRule(json(#"{"!!": {"var": "0.0.0"}}"#)).evaluate(data), true)
        XCTAssertThrowsError(try CompiledRule(json(#"{"cat": {"var": ""}}"#)).evaluate(data)) { error in
            XCTAssertEqual(error as? RuleError, .tooDeep(limit: depthLimit))
        }
        dismantle(&data)
    }

    func testUnknownOperatorIsACompileError() {
        assertRule(#"{"frobnicate": [1]}"#, fails: .unknownOperator("frobnicate"))
        // Even in a branch that would never run.
        assertRule(#"{"if": [true, 1, {"nope": 2}]}"#, fails: .unknownOperator("nope"))
    }

    func testWrongArityIsACompileError() {
        assertRule(#"{"substr": []}"#, fails: .argumentCount(operator: "substr", takes: 2...3, given: 0))
        assertRule(#"{">": [3, 2, 5]}"#, fails: .argumentCount(operator: ">", takes: 2...2, given: 3))
        assertRule(#"{"map": [[1]]}"#, fails: .argumentCount(operator: "map", takes: 2...2, given: 1))
        assertRule(#"{"!": [1, 2]}"#, fails: .argumentCount(operator: "!", takes: 1...1, given: 2))
        assertRule(#"{"*": []}"#, fails: .argumentCount(operator: "*", takes: 1...Int.max, given: 0))
        assertRule(#"{"var": ["a", 1, 2]}"#, fails: .argumentCount(operator: "var", takes: 0...2, given: 3))
    }

    func testNestedLoopsHitTheStepLimit() {
        let rule = #"{"some": [{"var": "xs"}, {"some": [{"val": [[-2], "xs"]}, {"some": [{"val": [[-4], "xs"]}, false]}]}]}"#
        let data = #"{"xs": ["# + (0..<1_000).map(String.init).joined(separator: ",") + "]}"
        assertRule(rule, data, fails: .tooManySteps(limit: RuleLimits.default.maxSteps))
        var small = RuleLimits.default
        small.maxSteps = 100
        assertRule(#"{"map": [{"var": "xs"}, {"+": [{"var": ""}, 1]}]}"#, data, fails: .tooManySteps(limit: 100), limits: small)
    }

    func testMapOverMergeOfItselfHitsAValueLimit() {
        // Each step doubles the accumulator: 2^64 elements if nothing stopped it.
        let doubling = #"{"reduce": [{"var": "xs"}, {"merge": [{"var": "accumulator"}, {"var": "accumulator"}]}, [1]]}"#
        let data = #"{"xs": ["# + (0..<64).map(String.init).joined(separator: ",") + "]}"
        assertRule(doubling, data, fails: .valueTooLarge(limit: RuleLimits.default.maxCollectionSize))
        assertRule(#"{"map": [\#(doubling), {"merge": [{"var": ""}, {"var": ""}]}]}"#, data, fails: .valueTooLarge(limit: RuleLimits.default.maxCollectionSize))
        // try cannot be used to keep going past a limit.
        assertRule(#"{"try": [\#(doubling), "fallback"]}"#, data, fails: .valueTooLarge(limit: RuleLimits.default.maxCollectionSize))
    }

    func testReduceCannotBuildUnboundedlyDeepValues() {
        let data = #"{"xs": ["# + (0..<10_000).map(String.init).joined(separator: ",") + "]}"
        assertRule(#"{"reduce": [{"var": "xs"}, [{"var": "accumulator"}], null]}"#, data, fails: .tooDeep(limit: depthLimit))
        // Shared halves: 2^n values in n steps, caught by the same depth check.
        assertRule(#"{"reduce": [{"var": "xs"}, [{"var": "accumulator"}, {"var": "accumulator"}], 0]}"#, data, fails: .tooDeep(limit: depthLimit))
    }

    func testResultsThatShareValuesCountEveryCopy() {
        let data = #"{"xs": ["# + (0..<2_000).map(String.init).joined(separator: ",") + "]}"
        assertRule(#"{"map": [{"var": "xs"}, {"val": [[-2]]}]}"#, data, fails: .valueTooLarge(limit: RuleLimits.default.maxCollectionSize))
    }

    func testExponentiallySharedRuleIsRejectedBySize() {
        // 2^30 operators when expanded, a few kilobytes in memory.
        var rule: JSONValue = ["var": "x"]
        for _ in 0..<30 { rule = ["merge": [rule, rule]] }
        XCTAssertThrowsError(try CompiledRule(rule)) { error in
            XCTAssertEqual(error as? RuleError, .tooLarge(limit: RuleLimits.default.maxNodes))
        }
    }

    func testHugeLiteralsAreRejected() {
        let bigArray = "[" + (0..<60_000).map(String.init).joined(separator: ",") + "]"
        assertRule(#"{"in": ["x", \#(bigArray)]}"#, fails: .tooLarge(limit: RuleLimits.default.maxNodes))
        assertRule(#"{"preserve": \#(bigArray)}"#, fails: .tooLarge(limit: RuleLimits.default.maxNodes))
        let bigString = "\"" + String(repeating: "x", count: 200_000) + "\""
        assertRule(#"{"cat": [\#(bigString)]}"#, fails: .valueTooLarge(limit: RuleLimits.default.maxCollectionSize))
        var limits = RuleLimits.default
        limits.maxTextBytes = 1_000
        XCTAssertThrowsError(try CompiledRule(parsing: bigArray, limits: limits)) { error in
            XCTAssertEqual(error as? RuleError, .inputTooLarge(limit: 1_000))
        }
    }

    func testStringBuildingIsBounded() {
        let data = #"{"xs": ["# + (0..<30).map(String.init).joined(separator: ",") + "]}"
        let rule = #"{"reduce": [{"var": "xs"}, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "ab"]}"#
        assertRule(rule, data, fails: .valueTooLarge(limit: RuleLimits.default.maxCollectionSize))
    }

    func testRulesAtTheDepthLimitRunOnASmallStack() {
        let levels = RuleLimits.default.maxDepth
        var negations = JSONValue.number(1)
        for _ in 0..<(levels - 1) { negations = ["!": negations] }
        var conditions = JSONValue.number(1)
        for _ in 0..<(levels / 2 - 1) { conditions = ["if": [true, conditions, 0]] }
        var loops: JSONValue = ["var": ""]
        for _ in 0..<(levels / 4 - 1) { loops = ["map": [[1], ["try": [loops, 0]]]] }
        let cases: [(JSONValue, JSONValue)] = [
            (negations, .bool((levels - 1) % 2 == 0)),  // !!...!1
            (conditions, 1),
            (loops, (0..<(levels / 4 - 1)).reduce(JSONValue.number(1)) { inner, _ in [inner] }),
        ]

        // Server threads may have far smaller stacks than the test runner's main thread.
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            for (rule, _) in cases {
                let result = Result { () throws(RuleError) in try CompiledRule(rule).evaluate(.null) }
                outcome.append(result)
            }
            finished.signal()
        }
        thread.stackSize = 512 * 1_024
        thread.start()
        XCTAssertEqual(finished.wait(timeout: .now() + 60), .success)
        let results = outcome.results
        XCTAssertEqual(results.count, cases.count)
        for (result, (_, expected)) in zip(results, cases) {
            XCTAssertEqual(try? result.get(), expected)
        }
    }

    func testEachLimitIsConfigurable() {
        assertRule(#"{"and": [1, 2, 3, 4, 5]}"#, fails: .tooLarge(limit: 5), limits: RuleLimits(maxNodes: 5))
        assertRule(#"{"!": {"!": {"!": {"!": 1}}}}"#, fails: .tooDeep(limit: 3), limits: RuleLimits(maxDepth: 3))
        assertRule(#"{"merge": [[1, 2, 3], [4, 5, 6]]}"#, fails: .valueTooLarge(limit: 5), limits: RuleLimits(maxCollectionSize: 5))
        assertRule(#"{"cat": ["abc", "def"]}"#, fails: .valueTooLarge(limit: 5), limits: RuleLimits(maxCollectionSize: 5))
        assertRule(#"{"+": [1, 2, 3]}"#, fails: .tooManySteps(limit: 3), limits: RuleLimits(maxSteps: 3))
        // The same rules pass under the defaults.
        assertRule(#"{"merge": [[1, 2, 3], [4, 5, 6]]}"#, gives: "[1, 2, 3, 4, 5, 6]")
        assertRule(#"{"+": [1, 2, 3]}"#, gives: "6")
    }

    func testDepthLimitIsClampedToWhatCanBeRecursedSafely() {
        let limits = RuleLimits(maxDepth: 10_000_000)
        let depth = 100_000
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        XCTAssertThrowsError(try JSONValue(parsing: arrays, limits: limits)) { error in
            XCTAssertEqual(error as? RuleError, .tooDeep(limit: RuleLimits.hardMaxDepth))
        }
    }
}

/// Results handed from a worker thread back to the test.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Result<JSONValue, RuleError>] = []

    func append(_ result: Result<JSONValue, RuleError>) {
        lock.withLock { stored.append(result) }
    }

    var results: [Result<JSONValue, RuleError>] {
        lock.withLock { stored }
    }
}
