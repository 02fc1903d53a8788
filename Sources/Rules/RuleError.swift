/// Everything that can go wrong while parsing, compiling or evaluating a rule.
///
/// Every case has a stable ``errorType`` for machine consumers (HTTP problem documents) and a
/// human ``message``. Only ``thrown(_:)`` is an *evaluation error value* in the sense of the
/// JSON Logic community edition: it is what `try` catches. Limit errors are never catchable,
/// so a rule cannot use `try` to keep running past its budget.
public enum RuleError: Error, Sendable, Equatable {
    /// The text is not valid JSON (RFC 8259): what is wrong, and at which byte (counted from 0).
    case invalidJSON(JSONSyntaxFault, byte: Int)
    /// A single-key object names an operator this evaluator does not know.
    case unknownOperator(String)
    /// An operator was given a literal argument it cannot work with.
    case invalidArguments(operator: String, detail: String)
    /// An operator was given a number of arguments outside the counts it takes.
    case argumentCount(operator: String, takes: ClosedRange<Int>, given: Int)
    /// Nesting went past ``RuleLimits/maxDepth``.
    case tooDeep(limit: Int)
    /// The rule has more JSON values than ``RuleLimits/maxNodes``.
    case tooLarge(limit: Int)
    /// The JSON text is longer than ``RuleLimits/maxTextBytes``.
    case inputTooLarge(limit: Int)
    /// An array or string built during evaluation, a string literal, or the result, went past
    /// ``RuleLimits/maxCollectionSize``.
    case valueTooLarge(limit: Int)
    /// Evaluation spent more than ``RuleLimits/maxSteps`` units of work.
    case tooManySteps(limit: Int)
    /// An evaluation error value: `{"type": "NaN"}` from arithmetic that has no finite result in a
    /// rule that follows the community edition (``JSONLogicEdition``),
    /// `{"type": "Invalid Arguments"}` from an operator given unusable values at run time,
    /// or whatever a `throw` raised (a string `s` is raised as `{"type": s}`; an object as is).
    case thrown(JSONValue)
}

extension RuleError {
    /// The value raised when arithmetic produces no finite number in a community-edition rule.
    public static let notANumber = RuleError.thrown(["type": "NaN"])
    /// The value raised when an operator receives values it cannot work with at run time.
    public static let invalidArgumentsValue = RuleError.thrown(["type": "Invalid Arguments"])

    /// A stable identifier: `invalid_json`, `unknown_operator`, `invalid_arguments`, `too_deep`,
    /// `too_large`, `input_too_large`, `value_too_large`, `too_many_steps`, and for ``thrown(_:)``
    /// `NaN`, `Invalid Arguments` (the community edition's names) or `thrown` for custom values.
    public var errorType: String {
        switch self {
        case .invalidJSON: return "invalid_json"
        case .unknownOperator: return "unknown_operator"
        case .invalidArguments, .argumentCount: return "invalid_arguments"
        case .tooDeep: return "too_deep"
        case .tooLarge: return "too_large"
        case .inputTooLarge: return "input_too_large"
        case .valueTooLarge: return "value_too_large"
        case .tooManySteps: return "too_many_steps"
        case .thrown(let value):
            switch Self.thrownType(value) {
            case "NaN": return "NaN"
            case "Invalid Arguments": return "Invalid Arguments"
            default: return "thrown"
            }
        }
    }

    /// A sentence describing the error for people.
    public var message: String {
        switch self {
        case .invalidJSON(let fault, let byte):
            return "Invalid JSON: \(fault.rawValue) at byte \(byte)."
        case .unknownOperator(let name):
            return "Unknown operator \"\(name)\"."
        case .invalidArguments(let name, let detail):
            return "Invalid arguments for \"\(name)\": \(detail)."
        case .argumentCount(let name, let takes, let given):
            return "Invalid arguments for \"\(name)\": expects \(Self.counts(takes)), got \(given)."
        case .tooDeep(let limit):
            return "Nesting is deeper than the limit of \(limit) levels."
        case .tooLarge(let limit):
            return "The rule has more than the limit of \(limit) values."
        case .inputTooLarge(let limit):
            return "The JSON text is longer than the limit of \(limit) bytes."
        case .valueTooLarge(let limit):
            return "A value built during evaluation is larger than the limit of \(limit) elements."
        case .tooManySteps(let limit):
            return "Evaluation took more than the limit of \(limit) steps."
        case .thrown(let value):
            switch Self.thrownType(value) {
            case "NaN": return "Arithmetic produced no finite number (NaN)."
            case "Invalid Arguments": return "An operator received values it cannot work with."
            default: return "The rule raised an error: \(value.jsonText)."
            }
        }
    }

    /// The value `try` hands to its fallback, and what an HTTP layer can show: `nil` unless ``thrown(_:)``.
    public var thrownValue: JSONValue? {
        if case .thrown(let value) = self { return value }
        return nil
    }

    /// "exactly 1 argument", "at least 2 arguments", "2 to 3 arguments".
    private static func counts(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max {
            return "at least \(range.lowerBound) argument\(range.lowerBound == 1 ? "" : "s")"
        }
        if range.lowerBound == range.upperBound {
            return "exactly \(range.lowerBound) argument\(range.lowerBound == 1 ? "" : "s")"
        }
        return "\(range.lowerBound) to \(range.upperBound) arguments"
    }

    private static func thrownType(_ value: JSONValue) -> String? {
        if case .object(let fields) = value, case .string(let type)? = fields["type"] { return type }
        return nil
    }
}

extension RuleError: CustomStringConvertible {
    public var description: String { message }
}

/// Why a text is not JSON, in the words the engine's English messages use.
public enum JSONSyntaxFault: String, Sendable, CaseIterable {
    case unexpectedEnd = "unexpected end of input"
    case expectedCommaOrBracket = "expected ',' or ']'"
    case expectedCommaOrBrace = "expected ',' or '}'"
    case textAfterValue = "unexpected text after the JSON value"
    case expectedKey = "expected a string key"
    case expectedColon = "expected ':' after an object key"
    case unexpectedCharacter = "unexpected character"
    case invalidUTF8 = "invalid UTF-8 in a string"
    case controlCharacter = "control character in a string"
    case invalidEscape = "invalid escape sequence"
    case unterminatedString = "unterminated string"
    case invalidUnicodeEscape = "invalid \\u escape"
    case expectedDigitAfterPoint = "expected a digit after '.'"
    case expectedDigitInExponent = "expected a digit in the exponent"
    case numberOutOfRange = "number out of range"
}
