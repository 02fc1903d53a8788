import Rules
import XCTest

/// The stable machine-readable types and the human messages of errors.
final class RuleErrorTests: XCTestCase {
    func testErrorTypesAreStable() {
        let cases: [(RuleError, String)] = [
            (.invalidJSON("x"), "invalid_json"),
            (.unknownOperator("x"), "unknown_operator"),
            (.invalidArguments(operator: "x", detail: "y"), "invalid_arguments"),
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
        XCTAssertEqual(RuleError.invalidArguments(operator: "map", detail: "expects exactly 2 arguments, got 1").message,
                       #"Invalid arguments for "map": expects exactly 2 arguments, got 1."#)
    }

    func testOnlyThrownErrorsCarryAValue() {
        XCTAssertEqual(RuleError.thrown(["type": "x"]).thrownValue, ["type": "x"])
        XCTAssertNil(RuleError.tooDeep(limit: 3).thrownValue)
    }
}
