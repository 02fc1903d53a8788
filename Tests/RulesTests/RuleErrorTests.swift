import Rules
import XCTest

/// The stable machine-readable types and the human messages of errors.
final class RuleErrorTests: XCTestCase {
    func testErrorTypesAreStable() {
        let cases: [(RuleError, String)] = [
            (.invalidJSON(.unexpectedEnd, byte: 0), "invalid_json"),
            (.unknownOperator("x"), "unknown_operator"),
            (.invalidArguments(operator: "x", detail: "y"), "invalid_arguments"),
            (.argumentCount(operator: "x", takes: 1...1, given: 2), "invalid_arguments"),
            (.tooDeep(limit: 1), "too_deep"),
            (.tooLarge(limit: 1), "too_large"),
            (.inputTooLarge(limit: 1), "input_too_large"),
            (.valueTooLarge(limit: 1), "value_too_large"),
            (.tooManySteps(limit: 1), "too_many_steps"),
            (.notANumber, "NaN"),
            (.invalidArgumentsValue, "Invalid Arguments"),
            (.thrown(["type": "custom"]), "thrown"),
            (.thrown(["code": 1]), "thrown"),
        ]
        for (error, type) in cases {
            XCTAssertEqual(error.errorType, type)
            XCTAssertFalse(error.message.isEmpty)
        }
    }

    func testMessagesNameTheProblem() {
        XCTAssertEqual(RuleError.unknownOperator("frob").message, #"Unknown operator "frob"."#)
        XCTAssertEqual(RuleError.tooManySteps(limit: 5).message, "Evaluation took more than the limit of 5 steps.")
        XCTAssertTrue(RuleError.thrown(["type": "Not an admin"]).message.contains(#""Not an admin""#))
        XCTAssertEqual(RuleError.argumentCount(operator: "map", takes: 2...2, given: 1).message,
                       #"Invalid arguments for "map": expects exactly 2 arguments, got 1."#)
        XCTAssertEqual(RuleError.argumentCount(operator: "!", takes: 1...1, given: 0).message,
                       #"Invalid arguments for "!": expects exactly 1 argument, got 0."#)
        XCTAssertEqual(RuleError.argumentCount(operator: "and", takes: 1...Int.max, given: 0).message,
                       #"Invalid arguments for "and": expects at least 1 argument, got 0."#)
        XCTAssertEqual(RuleError.argumentCount(operator: "substr", takes: 2...3, given: 1).message,
                       #"Invalid arguments for "substr": expects 2 to 3 arguments, got 1."#)
        XCTAssertEqual(RuleError.invalidJSON(.expectedCommaOrBrace, byte: 7).message, "Invalid JSON: expected ',' or '}' at byte 7.")
    }

    func testOnlyThrownErrorsCarryAValue() {
        XCTAssertEqual(RuleError.thrown(["type": "x"]).thrownValue, ["type": "x"])
        XCTAssertNil(RuleError.tooDeep(limit: 3).thrownValue)
    }
}
