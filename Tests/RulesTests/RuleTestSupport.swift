import Rules
import XCTest

/// Parses JSON text written in a test; a malformed literal is a bug in the test itself.
func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONValue {
    do {
        return try JSONValue(parsing: text)
    } catch {
        XCTFail("test JSON does not parse: \(error.message)", file: file, line: line)
        return .null
    }
}

/// Compiles `rule` and evaluates it against `data`, both given as JSON text.
func evaluate(_ rule: String, _ data: String = "null", limits: RuleLimits = .default) throws(RuleError) -> JSONValue {
    try CompiledRule(parsing: rule, limits: limits).evaluate(JSONValue(parsing: data))
}

/// Long documents are cut in failure messages.
private func brief(_ text: String) -> String {
    text.count <= 200 ? text : String(text.prefix(200)) + "…"
}

/// Asserts that `rule` evaluated against `data` gives `expected` (all JSON text).
func assertRule(
    _ rule: String, _ data: String = "null", gives expected: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let actual = try evaluate(rule, data)
        let wanted = json(expected, file: file, line: line)
        XCTAssertEqual(actual, wanted, "\(brief(rule)) with \(brief(data)): expected \(wanted.jsonText), got \(actual.jsonText)", file: file, line: line)
    } catch {
        XCTFail("\(brief(rule)) with \(brief(data)) raised \(error.errorType): \(error.message)", file: file, line: line)
    }
}

/// Asserts that `rule` evaluated against `data` gives the number `expected`, which may be NaN,
/// ±Infinity or -0 (which JSON text cannot say).
func assertRule(
    _ rule: String, _ data: String = "null", givesNumber expected: Double,
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let actual = try evaluate(rule, data)
        guard case .number(let number) = actual,
            number.isNaN ? expected.isNaN : (number == expected && number.sign == expected.sign)
        else {
            return XCTFail("\(brief(rule)) with \(brief(data)): expected \(expected), got \(actual)", file: file, line: line)
        }
    } catch {
        XCTFail("\(brief(rule)) with \(brief(data)) raised \(error.errorType): \(error.message)", file: file, line: line)
    }
}

/// Asserts that compiling or evaluating `rule` against `data` fails with exactly `expected`.
func assertRule(
    _ rule: String, _ data: String = "null", fails expected: RuleError, limits: RuleLimits = .default,
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let actual = try evaluate(rule, data, limits: limits)
        XCTFail("\(brief(rule)) with \(brief(data)): expected \(expected.errorType), got \(actual.jsonText)", file: file, line: line)
    } catch {
        XCTAssertEqual(error, expected, "\(brief(rule)) with \(brief(data))", file: file, line: line)
    }
}

/// Releases a deeply nested value without recursion: dropping it whole would recurse once per
/// level in the value's deinitializer and overflow the stack. Each container is released only
/// after its children have been moved to the work list, so no release cascades.
func dismantle(_ value: inout JSONValue) {
    var pending = [value]
    value = .null
    while let current = pending.popLast() {
        switch current {
        case .array(let items): pending.append(contentsOf: items)
        case .object(let fields): pending.append(contentsOf: fields.values)
        default: break
        }
    }
}
