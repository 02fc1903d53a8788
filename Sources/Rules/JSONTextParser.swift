extension JSONValue {
    /// Parses RFC 8259 JSON text given as UTF-8 bytes (`Data`, `[UInt8]`, `ByteBuffer` views, ...).
    ///
    /// The parser keeps its own stack instead of recursing, so even 100,000 nested arrays fail with
    /// ``RuleError/tooDeep(limit:)`` rather than a stack overflow. Duplicate object keys keep the last
    /// value, like `JSON.parse`. Numbers too large for a double are rejected, since JSON Logic cannot
    /// represent infinity; lone UTF-16 surrogate escapes become U+FFFD.
    public init(parsing bytes: some Collection<UInt8>, limits: RuleLimits = .default) throws(RuleError) {
        if bytes.count > limits.maxTextBytes { throw .inputTooLarge(limit: limits.maxTextBytes) }
        let depth = limits.effectiveMaxDepth
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(RuleError) -> JSONValue in
                var parser = JSONTextParser(bytes: buffer, maxDepth: depth)
                return try parser.parseDocument()
            }
        }
        if let parsed {
            self = try parsed.get()
            return
        }
        // Non-contiguous collections are copied once so the parser can work on a buffer.
        let copy = Array(bytes)
        self = try copy.withUnsafeBufferPointer { buffer throws(RuleError) -> JSONValue in
            var parser = JSONTextParser(bytes: buffer, maxDepth: depth)
            return try parser.parseDocument()
        }
    }

    /// Reads a document for a service that must refuse what parsers disagree on and what nests too deep,
    /// listing every such place at once (see ``JSONReading``). Unlike ``init(parsing:limits:)``, nesting
    /// past `limits.maxDepth` does not stop the reading: each array or object that crosses the limit is
    /// noted and read as `null`, so no deeper value is ever built, and the whole text is still checked
    /// in the same single pass. Fails only for text that is not JSON, or that is too long.
    public static func reading(_ bytes: some Collection<UInt8>, limits: RuleLimits = .default) throws(RuleError) -> JSONReading {
        if bytes.count > limits.maxTextBytes { throw .inputTooLarge(limit: limits.maxTextBytes) }
        let depth = limits.effectiveMaxDepth
        func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(RuleError) -> JSONReading {
            var parser = JSONTextParser(bytes: buffer, maxDepth: depth)
            parser.duplicates = []
            parser.tooDeep = []
            parser.loneSurrogates = []
            let value = try parser.parseDocument()
            return JSONReading(
                value: value, duplicates: parser.duplicates ?? [], tooDeep: parser.tooDeep ?? [],
                loneSurrogates: parser.loneSurrogates ?? [])
        }
        if let parsed = bytes.withContiguousStorageIfAvailable({ buffer in Result { () throws(RuleError) in try parse(buffer) } }) {
            return try parsed.get()
        }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(RuleError) in try parse(buffer) }
    }

    /// Parses JSON text held in a `String`.
    public init(parsing text: String, limits: RuleLimits = .default) throws(RuleError) {
        try self.init(parsing: text.utf8, limits: limits)
    }
}

/// What ``JSONValue/reading(_:limits:)`` found in a document, each place as a JSON Pointer (RFC 6901).
public struct JSONReading: Sendable {
    /// The document, with every array or object nested past the limit read as `null`.
    public var value: JSONValue
    /// Object members whose name appeared earlier in the same object: parsers disagree on which of
    /// the two wins (this one, like `JSON.parse`, keeps the last).
    public var duplicates: [String]
    /// The arrays and objects that crossed the depth limit (the outermost of each, and at most
    /// ``JSONReading/maxTooDeep`` of them).
    public var tooDeep: [String]
    /// Strings and member names that held a lone UTF-16 surrogate escape (`"\uD800"` without its
    /// pair), which no UTF-8 text can hold: read as U+FFFD, where `JSON.parse` keeps the half.
    public var loneSurrogates: [String]

    /// How many places nested too deep are noted; the rest of the text is still read and checked.
    public static let maxTooDeep = 100
}

/// A non-recursive JSON reader over a byte buffer.
struct JSONTextParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0

    // Open containers live in parallel stacks so appends mutate them in place (no copy-on-write).
    private var openIsArray: [Bool] = []
    private var openArrays: [[JSONValue]] = []
    private var openObjects: [[String: JSONValue]] = []
    private var pendingKeys: [String] = []
    /// When not nil, collects the pointer of each repeated object member name.
    var duplicates: [String]?
    /// When not nil, containers nested past `maxDepth` are noted here (their pointers) and read as
    /// `null` instead of failing the parse; nothing inside them is kept.
    var tooDeep: [String]?
    /// When not nil, collects the pointer of each string or member name that held a lone UTF-16
    /// surrogate escape (read as U+FFFD).
    var loneSurrogates: [String]?
    /// Whether the string just read held a lone surrogate escape.
    private var sawLoneSurrogate = false

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(RuleError) -> JSONValue {
        nextValue: while true {
            skipWhitespace()
            guard position < bytes.count else { throw failure(.unexpectedEnd) }
            var completed: JSONValue
            switch bytes[position] {
            case UInt8(ascii: "["):
                position += 1
                try enterContainer()
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    completed = isTooDeep ? .null : .array([])
                    openIsArray.removeLast()
                } else {
                    openIsArray[openIsArray.count - 1] = true
                    openArrays.append([])
                    continue nextValue
                }
            case UInt8(ascii: "{"):
                position += 1
                try enterContainer()
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    completed = isTooDeep ? .null : .object([:])
                    openIsArray.removeLast()
                } else {
                    openIsArray[openIsArray.count - 1] = false
                    openObjects.append([:])
                    pendingKeys.append(try parseKey())
                    noteLoneSurrogate()
                    continue nextValue
                }
            case UInt8(ascii: "\""):
                completed = .string(try parseString())
                noteLoneSurrogate()
            case UInt8(ascii: "t"):
                try expectWord("true")
                completed = .bool(true)
            case UInt8(ascii: "f"):
                try expectWord("false")
                completed = .bool(false)
            case UInt8(ascii: "n"):
                try expectWord("null")
                completed = .null
            default:
                completed = .number(try parseNumber())
            }

            // Hand the finished value to its container, closing containers that end here.
            while let isArray = openIsArray.last {
                skipWhitespace()
                guard position < bytes.count else { throw failure(.unexpectedEnd) }
                let byte = bytes[position]
                position += 1
                // What is nested too deep is read, but not kept.
                let keeps = !isTooDeep
                if isArray {
                    if keeps { openArrays[openArrays.count - 1].append(completed) }
                    if byte == UInt8(ascii: ",") { continue nextValue }
                    guard byte == UInt8(ascii: "]") else { throw failure(.expectedCommaOrBracket, at: position - 1) }
                    let items = openArrays.removeLast()
                    completed = keeps ? .array(items) : .null
                } else {
                    let key = pendingKeys.removeLast()
                    if keeps, openObjects[openObjects.count - 1].updateValue(completed, forKey: key) != nil, duplicates != nil {
                        let pointer = pointerToOpenMember(named: key)
                        duplicates?.append(pointer)
                    }
                    if byte == UInt8(ascii: ",") {
                        pendingKeys.append(try parseKey())
                        noteLoneSurrogate()
                        continue nextValue
                    }
                    guard byte == UInt8(ascii: "}") else { throw failure(.expectedCommaOrBrace, at: position - 1) }
                    let members = openObjects.removeLast()
                    completed = keeps ? .object(members) : .null
                }
                openIsArray.removeLast()
            }
            skipWhitespace()
            guard position == bytes.count else { throw failure(.textAfterValue) }
            return completed
        }
    }

    /// Notes the string just read (a value, or the member name just taken) when it held a lone surrogate.
    private mutating func noteLoneSurrogate() {
        guard sawLoneSurrogate else { return }
        sawLoneSurrogate = false
        if loneSurrogates != nil { loneSurrogates!.append(pointerInside(openIsArray.count)) }
    }

    /// Whether the innermost open container is nested past the limit (only when noting, see `tooDeep`).
    private var isTooDeep: Bool { openIsArray.count > maxDepth }

    /// The pointer of member `key` of the innermost open object, whose own pending key is already taken.
    private func pointerToOpenMember(named key: String) -> String {
        pointerInside(openIsArray.count - 1) + "/" + Self.escaped(key)
    }

    /// The pointer of the value being read inside the outermost `containers` open containers: in each,
    /// the element after those read so far, or the member whose key was read last.
    private func pointerInside(_ containers: Int) -> String {
        var pointer = ""
        var arrayLevel = 0
        var objectLevel = 0
        for isArray in openIsArray.prefix(containers) {
            if isArray {
                pointer += "/\(openArrays[arrayLevel].count)"
                arrayLevel += 1
            } else {
                pointer += "/" + Self.escaped(pendingKeys[objectLevel])
                objectLevel += 1
            }
        }
        return pointer
    }

    private static func escaped(_ name: String) -> String {
        var result = ""
        for character in name {
            switch character {
            case "~": result += "~0"
            case "/": result += "~1"
            default: result.append(character)
            }
        }
        return result
    }

    private mutating func enterContainer() throws(RuleError) {
        if openIsArray.count >= maxDepth {
            guard tooDeep != nil else { throw .tooDeep(limit: maxDepth) }
            // Only the container that crosses the limit is noted, not those inside it.
            if openIsArray.count == maxDepth, tooDeep!.count < JSONReading.maxTooDeep {
                tooDeep!.append(pointerInside(openIsArray.count))
            }
        }
        openIsArray.append(true)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func parseKey() throws(RuleError) -> String {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw failure(.expectedKey)
        }
        let key = try parseString()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
            throw failure(.expectedColon)
        }
        position += 1
        return key
    }

    private mutating func expectWord(_ word: StaticString) throws(RuleError) {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count else { throw failure(.unexpectedEnd) }
        let start = word.utf8Start
        for offset in 0..<length where bytes[position + offset] != start[offset] {
            throw failure(.unexpectedCharacter)
        }
        position += length
    }

    /// Reads a string starting at its opening quote, decoding escapes and validating UTF-8.
    private mutating func parseString() throws(RuleError) -> String {
        position += 1
        let start = position
        var isASCII = true
        // Fast path: no escapes, so the bytes can become the string directly.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                if isASCII { return String(decoding: slice, as: UTF8.self) }
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw failure(.invalidUTF8, at: start)
                }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure(.controlCharacter) }
            if byte >= 0x80 { isASCII = false }
            position += 1
        }
        var decoded: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: decoded, as: UTF8.self) else {
                    throw failure(.invalidUTF8, at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw failure(.unexpectedEnd) }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): decoded.append(0x22)
                case UInt8(ascii: "\\"): decoded.append(0x5C)
                case UInt8(ascii: "/"): decoded.append(0x2F)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    decoded.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    throw failure(.invalidEscape, at: position - 1)
                }
            default:
                if byte < 0x20 { throw failure(.controlCharacter) }
                decoded.append(byte)
                position += 1
            }
        }
        throw failure(.unterminatedString, at: start - 1)
    }

    /// Reads the hex digits after `\u`, joining surrogate pairs; a lone surrogate becomes U+FFFD.
    private mutating func parseUnicodeEscape() throws(RuleError) -> Unicode.Scalar {
        let first = try parseHexQuad()
        if (0xD800...0xDBFF).contains(first),
           position + 6 <= bytes.count,
           bytes[position] == UInt8(ascii: "\\"),
           bytes[position + 1] == UInt8(ascii: "u") {
            let saved = position
            position += 2
            let second = try parseHexQuad()
            if (0xDC00...0xDFFF).contains(second) {
                let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                return Unicode.Scalar(combined) ?? "\u{FFFD}"
            }
            position = saved
        }
        guard let scalar = Unicode.Scalar(first) else {
            sawLoneSurrogate = true
            return "\u{FFFD}"
        }
        return scalar
    }

    private mutating func parseHexQuad() throws(RuleError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure(.unexpectedEnd) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure(.invalidUnicodeEscape)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Reads a number with JSON's grammar, which is stricter than the double parser's.
    private mutating func parseNumber() throws(RuleError) -> Double {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw failure(.unexpectedCharacter, at: start)
        }
        var integer: Int64 = 0
        var digitCount = 0
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) {
                if digitCount < 18 { integer = integer * 10 + Int64(bytes[position] - UInt8(ascii: "0")) }
                digitCount += 1
                position += 1
            }
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw failure(.expectedDigitAfterPoint) }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw failure(.expectedDigitInExponent) }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        // Integers of up to 15 digits are exact as doubles, so they skip the general parser.
        if isInteger && digitCount <= 15 {
            if negative && integer == 0 { return -0.0 }
            return Double(negative ? -integer : integer)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw failure(.numberOutOfRange, at: start)
        }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func failure(_ fault: JSONSyntaxFault, at offset: Int? = nil) -> RuleError {
        .invalidJSON(fault, byte: offset ?? position)
    }
}
