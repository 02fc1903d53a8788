import Foundation
import Rules
import XCTest

/// Parsing JSON text and writing it back.
final class JSONTextTests: XCTestCase {
    func testRoundTrip() throws {
        let text = #"{"b": [1, 2.5, -0.001, 1e21, true, false, null, "x\"\\\n\u0001é😀/"], "a": {}, "c": []}"#
        let value = try JSONValue(parsing: text)
        let written = value.jsonText
        XCTAssertEqual(written, #"{"a":{},"b":[1,2.5,-0.001,1e+21,true,false,null,"x\"\\\n\u0001é😀/"],"c":[]}"#)
        XCTAssertEqual(try JSONValue(parsing: written), value)
    }

    func testRepeatedMemberNamesAreNotedWithTheirPointers() throws {
        let text = #"{"a": 1, "a": 2, "b": {"c": [{"d": 1}, {"d": 1, "e": 0, "d": 2}], "x/y": {"~": 1, "~": 2, "~": 3}}, "a": 3}"#
        let reading = try JSONValue.reading(Array(text.utf8))
        let (value, duplicates) = (reading.value, reading.duplicates)
        XCTAssertEqual(reading.tooDeep, [])
        XCTAssertEqual(duplicates, ["/a", "/b/c/1/d", "/b/x~1y/~0", "/b/x~1y/~0", "/a"])
        // The value is what the plain parser gives: the last one wins.
        XCTAssertEqual(value, try JSONValue(parsing: text))
        guard case .object(let members) = value else { return XCTFail("not an object") }
        XCTAssertEqual(members["a"], .number(3))
        XCTAssertEqual(try JSONValue.reading(Array(#"{"a": [{"b": 1}], "b": {"a": 1}}"#.utf8)).duplicates, [])
        XCTAssertThrowsError(try JSONValue.reading(Array(#"{"a": 1,}"#.utf8)))
    }

    /// Half a surrogate pair, escaped, is no character: reading notes each string or member name that
    /// holds one (read as U+FFFD); a whole pair is one character and noted nowhere.
    func testReadingNotesLoneSurrogatesWithTheirPointers() throws {
        let text = #"{"a": "x\uD800", "b": ["ok \uD83D\uDE00", "\uDE00", {"c\uDBFF": 1}], "d": "\uD800\u0041", "e": "\uD800\uD800\uDC00"}"#
        let reading = try JSONValue.reading(Array(text.utf8))
        XCTAssertEqual(reading.loneSurrogates, ["/a", "/b/1", "/b/2/c\u{FFFD}", "/d", "/e"])
        XCTAssertEqual(reading.value, try JSONValue(parsing: text))
        XCTAssertEqual(reading.value, [
            "a": "x\u{FFFD}", "b": ["ok 😀", "\u{FFFD}", ["c\u{FFFD}": 1]], "d": "\u{FFFD}A", "e": "\u{FFFD}𐀀",
        ])
        XCTAssertEqual(try JSONValue.reading(Array(#""\uD800""#.utf8)).loneSurrogates, [""])
        XCTAssertEqual(try JSONValue.reading(Array(#"["\uD83D\uDE00", "é"]"#.utf8)).loneSurrogates, [])
    }

    /// Reading a document notes every place nested past the limit, all in one pass, and builds
    /// nothing deeper: the cost of a deep document is that of reading its text once.
    func testReadingNotesWhatNestsTooDeepAndKeepsNoneOfIt() throws {
        let limits = RuleLimits(maxDepth: 3)
        let text = #"{"a": [[1, [2]], [[]]], "b/c": {"d": {"e": [{"f": 1}]}}, "g": [1, {"h": 2}], "i": [[[[[[[[[[]]]]]]]]]]}"#
        let reading = try JSONValue.reading(Array(text.utf8), limits: limits)
        XCTAssertEqual(reading.tooDeep, ["/a/0/1", "/a/1/0", "/b~1c/d/e", "/i/0/0"])
        // What crossed the limit reads as null; what did not is kept.
        XCTAssertEqual(reading.value, [
            "a": [[1, nil], [nil]], "b/c": ["d": ["e": nil]], "g": [1, ["h": 2]], "i": [[nil]],
        ])
        // Repeats inside what is not kept are not looked for; elsewhere they still are.
        let repeats = try JSONValue.reading(Array(#"{"a": [[[{"x": 1, "x": 2}]]], "a": 1}"#.utf8), limits: limits)
        XCTAssertEqual(repeats.tooDeep, ["/a/0/0"])
        XCTAssertEqual(repeats.duplicates, ["/a"])

        // 100,000 levels: one place noted, a value three levels deep, and broken text still refused.
        let depth = 100_000
        let arrays = "[" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + ", 1]"
        let deep = try JSONValue.reading(Array(arrays.utf8), limits: limits)
        XCTAssertEqual(deep.tooDeep, ["/0/0/0"])
        XCTAssertEqual(deep.value, [[[nil]], 1])
        XCTAssertThrowsError(try JSONValue.reading(Array(arrays.dropLast(2).utf8), limits: limits)) { error in
            XCTAssertEqual(error as? RuleError, .invalidJSON(.unexpectedEnd, byte: arrays.utf8.count - 2))
        }
        // At most `maxTooDeep` places are noted.
        let many = "[" + Array(repeating: "[[[[]]]]", count: 500).joined(separator: ",") + "]"
        XCTAssertEqual(try JSONValue.reading(Array(many.utf8), limits: limits).tooDeep.count, JSONReading.maxTooDeep)
    }

    func testNumbersPrintLikeJavaScript() {
        let cases: [(Double, String)] = [
            (1.0, "1"), (100, "100"), (-42, "-42"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
            (1e-7, "1e-7"), (0.000001, "0.000001"), (123456789.125, "123456789.125"), (-0.0, "0"),
            (9007199254740992, "9007199254740992"), (Double.leastNonzeroMagnitude, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (0.1, "0.1"), (-1.5e-9, "-1.5e-9"),
            (123e25, "1.23e+27"),
        ]
        for (number, expected) in cases {
            XCTAssertEqual(JSONValue.number(number).jsonText, expected)
        }
        XCTAssertEqual(JSONValue.number(.nan).jsonText, "null")
    }

    func testStringEscaping() {
        XCTAssertEqual(JSONValue.string("tab\there \u{1F} \u{7F} \"q\" \\").jsonText, #""tab\there \u001f \#u{7F} \"q\" \\""#)
        XCTAssertEqual(JSONValue.string("\u{8}\u{C}\r").jsonText, #""\b\f\r""#)
    }

    func testEscapesAndSurrogates() throws {
        XCTAssertEqual(try JSONValue(parsing: #""\ud83d\ude00""#), "😀")
        XCTAssertEqual(try JSONValue(parsing: #""\u00e9\/""#), "é/")
        XCTAssertEqual(try JSONValue(parsing: #""\ud83d""#), "\u{FFFD}")
    }

    func testDuplicateKeysKeepTheLastValue() throws {
        XCTAssertEqual(try JSONValue(parsing: #"{"a": 1, "a": 2}"#), ["a": 2])
    }

    func testByteInputs() throws {
        let bytes: [UInt8] = Array(#"[1, "two"]"#.utf8)
        XCTAssertEqual(try JSONValue(parsing: bytes), [1, "two"])
        XCTAssertEqual(try JSONValue(parsing: Data(bytes)), [1, "two"])
        XCTAssertEqual(try JSONValue(parsing: bytes.lazy.map { $0 }), [1, "two"])  // not contiguous
    }

    func testNumbers() throws {
        XCTAssertEqual(try JSONValue(parsing: "-0"), .number(-0.0))
        XCTAssertEqual(try JSONValue(parsing: "123456789012345678901234567890"), .number(1.2345678901234568e29))
        XCTAssertEqual(try JSONValue(parsing: "2.5E-3"), .number(0.0025))
        XCTAssertEqual(try JSONValue(parsing: " 7 "), 7)
    }

    func testInvalidJSONIsRejected() {
        let invalid = [
            "", " ", "[1,]", "[1 2]", #"{"a" 1}"#, #"{"a":1,}"#, "{1: 2}", "01", "1.", ".5", "-", "+1", "1e", "0x10",
            #""\x""#, "tru", "nul", "[1] x", "\"a", "[", "{", "NaN", "Infinity", "'a'", "1e400", "-1e400",
        ]
        for text in invalid {
            XCTAssertThrowsError(try JSONValue(parsing: text), "\(text) should not parse") { error in
                guard case .invalidJSON = error as? RuleError else { return XCTFail("\(text): \(error)") }
            }
        }
        XCTAssertThrowsError(try JSONValue(parsing: [0x22, 0x01, 0x22] as [UInt8]))  // raw control character
        XCTAssertThrowsError(try JSONValue(parsing: [0x22, 0xFF, 0x22] as [UInt8]))  // invalid UTF-8
        XCTAssertThrowsError(try JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xC3, 0x22] as [UInt8]))  // truncated UTF-8 after an escape
    }

    func testErrorsSayWhere() {
        XCTAssertThrowsError(try JSONValue(parsing: "[1, ?]")) { error in
            XCTAssertEqual(error as? RuleError, .invalidJSON(.unexpectedCharacter, byte: 4))
        }
    }

    func testLiteralsBuildValues() {
        let value: JSONValue = ["a": [1, 2.5, "x", true, nil]]
        XCTAssertEqual(value, .object(["a": .array([.number(1), .number(2.5), .string("x"), .bool(true), .null])]))
        XCTAssertEqual(value.description, #"{"a":[1,2.5,"x",true,null]}"#)
    }
}
