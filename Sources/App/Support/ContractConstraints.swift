import Foundation
import Rules
import Yams

/// The constraints `openapi.yaml` declares on request documents — `pattern`, `minLength` (a
/// string of at least one character must not be blank either), `maxLength`, `minItems`,
/// `maxItems`, `minProperties`, `minimum`, `maximum` and the formats `uuid`, `date`,
/// `date-time`, `email`, `uri`, and the ISO lists behind `CountryCode` and `CurrencyCode` —
/// checked on every write, so the server refuses what the contract says it refuses. The generated
/// decoders check types, required members, enumerations and unknown members only, and stop at the
/// first they find: `problems(in:schema:)` checks those too, all at once, for documents the
/// decoders refused.
///
/// Read once from the contract the server serves; `ContractConstraintTests` breaks each declared
/// constraint of each input schema in turn and expects a 400 pointing at it.
final class ContractConstraints: Sendable {
    static let shared: ContractConstraints = {
        do {
            return try ContractConstraints(contract: String(decoding: try BundledFiles.contract(), as: UTF8.self))
        } catch {
            // The contract is part of the build; without it no request is served either.
            fatalError("openapi.yaml cannot be read: \(error)")
        }
    }()

    /// One schema, compiled: its own constraints and those of its members and items. Immutable
    /// once built; a `Regex` (a value, not declared Sendable) is only ever matched against.
    final class Node: @unchecked Sendable {
        /// The JSON types allowed (`integer`, `null`…); empty for any value.
        let types: [String]
        let pattern: String?
        let regex: Regex<AnyRegexOutput>?
        let minLength, maxLength, minItems, maxItems, minProperties: Int?
        let minimum, maximum: Double?
        let format: String?
        let properties: [String: Node]
        let items: Node?
        let required: [String]
        /// The values a string enumeration allows.
        let enumeration: [String]?
        /// `additionalProperties: false`: a member not in `properties` is unknown.
        let closed: Bool
        /// The named schema this one is (`CountryCode`), when reached through a `$ref`.
        let name: String?

        /// The first type other than `null` (a query parameter's).
        var type: String? { types.first { $0 != "null" } }

        init(_ schema: [String: Any], schemas: [String: Any], depth: Int = 0) throws {
            var schema = schema
            var name: String?
            var hops = 0
            while let ref = schema["$ref"] as? String, hops < 20 {
                let target = String(ref.split(separator: "/").last ?? "")
                guard let resolved = schemas[target] as? [String: Any] else { break }
                schema = resolved
                name = target
                hops += 1
            }
            self.name = name
            types = (schema["type"] as? String).map { [$0] } ?? (schema["type"] as? [Any])?.compactMap { $0 as? String } ?? []
            pattern = schema["pattern"] as? String
            regex = try pattern.map { try Regex($0) }
            minLength = schema["minLength"] as? Int
            maxLength = schema["maxLength"] as? Int
            minItems = schema["minItems"] as? Int
            maxItems = schema["maxItems"] as? Int
            minProperties = schema["minProperties"] as? Int
            minimum = (schema["minimum"] as? NSNumber)?.doubleValue
            maximum = (schema["maximum"] as? NSNumber)?.doubleValue
            format = schema["format"] as? String
            enumeration = (schema["enum"] as? [Any])?.compactMap { $0 as? String }
            guard depth < 32 else {
                // Past any nesting the contract has: nothing below is checked, nothing called unknown.
                properties = [:]
                items = nil
                required = []
                closed = false
                return
            }
            required = schema["required"] as? [String] ?? []
            closed = schema["additionalProperties"] as? Bool == false
            var properties: [String: Node] = [:]
            for (name, property) in schema["properties"] as? [String: Any] ?? [:] {
                if let property = property as? [String: Any] {
                    properties[name] = try Node(property, schemas: schemas, depth: depth + 1)
                }
            }
            self.properties = properties
            items = try (schema["items"] as? [String: Any]).map { try Node($0, schemas: schemas, depth: depth + 1) }
        }
    }

    private let schemas: [String: Node]
    /// Per operation id, its string, integer and array query parameters and their schemas.
    private let queryParameters: [String: [String: Node]]
    /// Per operation id, every query parameter it declares, and whether it may repeat (an array).
    private let declaredQuery: [String: [String: Bool]]
    private let operations: [Operation]
    /// The operations whose request body is a JSON document the contract marks required.
    private let requiredBodies: Set<String>

    init(contract: String) throws {
        let document = try Yams.load(yaml: contract) as? [String: Any] ?? [:]
        let components = document["components"] as? [String: Any] ?? [:]
        let all = components["schemas"] as? [String: Any] ?? [:]
        var schemas: [String: Node] = [:]
        for (name, schema) in all {
            if let schema = schema as? [String: Any] { schemas[name] = try Node(schema, schemas: all) }
        }
        self.schemas = schemas

        let shared = components["parameters"] as? [String: Any] ?? [:]
        let sharedResponses = components["responses"] as? [String: Any] ?? [:]
        /// Whether a success of the operation carries a body (a 204 carries none, so `Accept` has nothing to rule on).
        func answersABody(_ operation: [String: Any]) -> Bool {
            (operation["responses"] as? [String: Any] ?? [:]).contains { status, response in
                guard status.hasPrefix("2"), var response = response as? [String: Any] else { return false }
                if let ref = response["$ref"] as? String {
                    response = sharedResponses[String(ref.split(separator: "/").last ?? "")] as? [String: Any] ?? [:]
                }
                return !(response["content"] as? [String: Any] ?? [:]).isEmpty
            }
        }
        func resolve(_ parameter: Any) -> [String: Any]? {
            guard let parameter = parameter as? [String: Any] else { return nil }
            guard let ref = parameter["$ref"] as? String else { return parameter }
            return shared[String(ref.split(separator: "/").last ?? "")] as? [String: Any]
        }
        var queryParameters: [String: [String: Node]] = [:]
        var declaredQuery: [String: [String: Bool]] = [:]
        var requiredBodies: Set<String> = []
        var operations: [Operation] = []
        for (path, item) in document["paths"] as? [String: Any] ?? [:] {
            guard let item = item as? [String: Any] else { continue }
            let common = (item["parameters"] as? [Any] ?? []).compactMap(resolve)
            for (method, operation) in item {
                guard let operation = operation as? [String: Any], let id = operation["operationId"] as? String else { continue }
                let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any] ?? [:]
                operations.append(Operation(
                    id: id, method: method.uppercased(), segments: path.split(separator: "/").map(String.init),
                    bodyTypes: content.keys.map { $0.lowercased() }, answersABody: answersABody(operation)))
                var nodes: [String: Node] = [:]
                var declared: [String: Bool] = [:]
                for parameter in common + (operation["parameters"] as? [Any] ?? []).compactMap(resolve)
                where parameter["in"] as? String == "query" {
                    guard let name = parameter["name"] as? String, let schema = parameter["schema"] as? [String: Any] else { continue }
                    let node = try Node(schema, schemas: all)
                    declared[name] = node.type == "array"
                    if node.type == "string" || node.type == "array" || node.type == "integer" { nodes[name] = node }
                }
                if !nodes.isEmpty { queryParameters[id] = nodes }
                declaredQuery[id] = declared
                if let body = operation["requestBody"] as? [String: Any], body["required"] as? Bool == true,
                    let content = body["content"] as? [String: Any], content.keys.contains(where: { $0.hasSuffix("json") })
                {
                    requiredBodies.insert(id)
                }
            }
        }
        self.queryParameters = queryParameters
        self.declaredQuery = declaredQuery
        self.requiredBodies = requiredBodies
        self.operations = operations
    }

    /// An operation of the contract: where it is, and the media types its body may have.
    struct Operation: Sendable {
        let id: String
        let method: String
        let segments: [String]
        let bodyTypes: [String]
        /// Whether a success carries a body: `Accept` rules only on those.
        let answersABody: Bool

        /// Whether a body of media type `type/subtype` is one the operation takes, as the generated
        /// server matches them (the declared type, or a declared `type/*` or `*/*`).
        func takes(_ essence: String) -> Bool {
            let major = essence.split(separator: "/").first.map { "\($0)/*" } ?? ""
            return bodyTypes.contains { $0 == essence || $0 == major || $0 == "*/*" }
        }
    }

    /// The operation at a concrete path (`{param}` segments match any value) with `method`.
    func operation(method: String, path: String) -> Operation? {
        let segments = path.split(separator: "/")
        return operations.first { $0.method == method && RouteTable.matches($0.segments, segments) }
    }

    /// Whether the operation requires a JSON document as its body (an upload's empty file is the
    /// upload's own to name).
    func requiresBody(_ operation: String) -> Bool {
        requiredBodies.contains(operation)
    }

    /// Adds to `v` what the query's parameters (strings, and arrays of repeated parameters) break
    /// of operation `id`'s declared constraints, each at the parameter's name (`phase/2` for an item).
    func checkQuery(_ items: [(name: String, value: String)], operation id: String, into v: inout Validator) {
        // A parameter the operation does not have (a misspelt filter would otherwise be ignored and
        // the answer unfiltered), or a single-valued one given twice (which value counts?), is refused.
        if let declared = declaredQuery[id] {
            var seen: Set<String> = []
            for (name, _) in items {
                guard let repeatable = declared[name] else {
                    v.fail(name, .notAParameterHere)
                    continue
                }
                if !seen.insert(name).inserted, !repeatable { v.fail(name, .givenMoreThanOnce) }
            }
        }
        guard let nodes = queryParameters[id] else { return }
        var values: [String: [String]] = [:]
        for (name, value) in items where nodes[name] != nil { values[name, default: []].append(value) }
        var found: [(String, Message)] = []
        for (name, given) in values {
            guard let node = nodes[name], let last = given.last else { continue }
            let value: JSONValue
            switch node.type {
            case "array": value = .array(given.map { .string($0) })
            // Not a whole number: left a string, which the shape check names as not an integer.
            case "integer": value = Int(last).map { .number(Double($0)) } ?? .string(last)
            default: value = .string(last)
            }
            var path = [name]
            // Shapes too: an integer that is not one, a value outside its enumeration, named like the rest.
            Self.check(value, node, path: &path, into: &found, shapes: true)
        }
        // Parameters are named without the leading slash of a body pointer.
        add(found.map { (String($0.0.dropFirst()), $0.1) }, to: &v)
    }

    /// Adds to `v` what `value` breaks of schema `name`, at pointers nothing else reported yet.
    func check(_ value: JSONValue, schema name: String, into v: inout Validator) {
        guard let node = schemas[name] else { return }
        var path: [String] = []
        var found: [(String, Message)] = []
        Self.check(value, node, path: &path, into: &found)
        add(found, to: &v)
    }

    /// Everything `document` breaks of schema `name`, the shapes the generated decoders check
    /// included (missing members, types, enumerations, unknown members): for a document they
    /// refused, which they name only the first fault of. Empty when nothing is found.
    func problems(in document: JSONValue, schema name: String) -> [Problem.FieldError] {
        guard let node = schemas[name] else { return [] }
        var path: [String] = []
        var found: [(String, Message)] = []
        Self.check(document, node, path: &path, into: &found, shapes: true)
        var v = Validator()
        add(found, to: &v)
        return v.errors
    }

    /// The members an RFC 7396 patch of schema `name` names that the schema does not know, at any
    /// depth the patch merges objects into (arrays replace whole, and are checked once merged).
    func unknownMembers(inPatch patch: JSONValue, schema name: String) -> [Problem.FieldError] {
        guard let node = schemas[name] else { return [] }
        var path: [String] = []
        var found: [(String, Message)] = []
        Self.unknownMembers(patch, node, path: &path, into: &found)
        var v = Validator()
        add(found, to: &v)
        return v.errors
    }

    private static func unknownMembers(_ patch: JSONValue, _ node: Node, path: inout [String], into found: inout [(String, Message)]) {
        guard case .object(let members) = patch else { return }
        for (name, value) in members {
            path.append(name)
            if let property = node.properties[name] {
                unknownMembers(value, property, path: &path, into: &found)
            } else if node.closed {
                found.append((path.map { "/" + JSONPointer.escape($0) }.joined(), .notAKnownField))
            }
            path.removeLast()
        }
    }

    /// `value` encoded as the document the client sent (the generated input types encode back to it).
    func check<Input: Encodable>(_ input: Input, schema name: String, into v: inout Validator) {
        // Read as deep as the rules engine ever reads (bodies are bounded far below that as they arrive);
        // a document that cannot be read is refused, never let through unchecked.
        let limits = RuleLimits(maxDepth: RuleLimits.hardMaxDepth, maxTextBytes: .max)
        guard let json = try? Representation.json(input), let value = try? JSONValue(parsing: Array(json.utf8), limits: limits) else {
            v.fail("", .nestedTooDeep(limit: RuleLimits.hardMaxDepth))
            return
        }
        check(value, schema: name, into: &v)
    }

    private func add(_ found: [(String, Message)], to v: inout Validator) {
        guard !found.isEmpty else { return }
        let reported = Set(v.errors.map(\.pointer))
        // Members are visited in no particular order: answer in pointer order.
        for (pointer, message) in found.sorted(by: { $0.0 < $1.0 }) where !reported.contains(pointer) { v.fail(pointer, message) }
    }

    /// Walks `value` along `node`; `path` is the way down, made into a pointer only for a finding.
    /// With `shapes`, also what the generated decoders check: a value of another type is reported
    /// and not looked into.
    private static func check(
        _ value: JSONValue, _ node: Node, path: inout [String], into found: inout [(String, Message)], shapes: Bool = false
    ) {
        func report(_ message: Message) {
            found.append((path.map { "/" + JSONPointer.escape($0) }.joined(), message))
        }
        if shapes, !node.types.isEmpty, !node.types.contains(where: { value.hasType($0) }) {
            let expected = Message.JSONType(schemaType: node.type ?? "")
            report(value == .null ? .mustBeNotNull(expected) : .mustBe(expected))
            return
        }
        switch value {
        case .string(let text):
            if shapes, let allowed = node.enumeration, !allowed.contains(text) { report(.mustBeOneOf(allowed)) }
            if text.unicodeScalars.contains(where: Self.isHidden) { report(.mustNotContainControlCharacters) }
            if let regex = node.regex, let pattern = node.pattern, (try? regex.firstMatch(in: text)) == nil {
                report(node.name == "PhoneNumber" ? .notAPhoneNumber : .mustMatch(pattern: pattern))
            } else if let message = listError(text, node.name) {
                report(message)
            }
            if node.maxLength != nil || node.minLength != nil {
                let length = text.unicodeScalars.count
                if let max = node.maxLength, length > max { report(.mustBeAtMost(characters: max)) }
                if let min = node.minLength, length < min {
                    report(min == 1 ? .mustNotBeBlank : .mustBeAtLeast(characters: min))
                } else if let min = node.minLength, min > 0, text.isBlank {
                    report(.mustNotBeBlank)
                }
            }
            if let format = node.format, let message = formatError(text, format) { report(message) }
        case .number(let number):
            // A range with both ends is named whole ("from 1 to 200"), whichever end is crossed.
            if let min = node.minimum, let max = node.maximum, number < min || number > max {
                report(.mustBeFrom(display(min), to: display(max)))
            } else if let min = node.minimum, number < min {
                report(.mustBeAtLeast(display(min)))
            } else if let max = node.maximum, number > max {
                report(.mustBeAtMost(display(max)))
            }
        case .array(let elements):
            if let max = node.maxItems, elements.count > max { report(.mustHoldAtMost(items: max)) }
            if let min = node.minItems, elements.count < min { report(.mustHoldAtLeast(items: min)) }
            if let items = node.items {
                for (index, element) in elements.enumerated() {
                    path.append(String(index))
                    check(element, items, path: &path, into: &found, shapes: shapes)
                    path.removeLast()
                }
            }
        case .object(let members):
            // A member given as null is absent (to the decoders, and once merged).
            if let min = node.minProperties, members.values.count(where: { $0 != .null }) < min {
                report(.mustHaveAtLeast(members: min))
            }
            for (name, property) in node.properties {
                // An optional member given as null is absent to the decoders; a required one is not there.
                guard let member = members[name], member != .null || (shapes && node.required.contains(name)) else { continue }
                path.append(name)
                check(member, property, path: &path, into: &found, shapes: shapes)
                path.removeLast()
            }
            guard shapes else { break }
            for name in node.required where members[name] == nil {
                path.append(name)
                report(.required)
                path.removeLast()
            }
            for name in members.keys where node.closed && node.properties[name] == nil {
                path.append(name)
                report(.notAKnownField)
                path.removeLast()
            }
        default:
            break
        }
    }

    /// The ISO list a named code schema stands for.
    private static func listError(_ text: String, _ schema: String?) -> Message? {
        switch schema {
        case "CountryCode": ReferenceData.countryCodes.contains(text) ? nil : .notACountryCode
        case "CurrencyCode": ReferenceData.currencyCodes.contains(text) ? nil : .notACurrencyCode
        default: nil
        }
    }

    /// What no text of a document may hold: control characters other than tab and line breaks
    /// (a terminal escape in a legal name, a bell), and the bidirectional overrides and isolates that
    /// make a name display as another (`Org\u{202E}live` reads `Orgevil`). U+0000 has its own refusal.
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x01...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func formatError(_ text: String, _ format: String) -> Message? {
        switch format {
        case "uuid": UUID(exactly: text) == nil ? .notAUUID : nil
        case "date": Validator.calendarDate(text) == nil ? .notADate : nil
        case "date-time": Representation.parseInstant(text) == nil ? .notAnInstantValue : nil
        case "email": Validator.isEmailAddress(text) ? nil : .notAnEmail
        case "uri": URL(string: text)?.scheme == nil ? .notAURI : nil
        default: nil
        }
    }

    private static func display(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}

extension JSONValue {
    /// Whether this is a value of JSON Schema type `type`.
    fileprivate func hasType(_ type: String) -> Bool {
        switch (self, type) {
        case (.null, "null"), (.bool, "boolean"), (.string, "string"), (.array, "array"), (.object, "object"), (.number, "number"):
            true
        case (.number(let number), "integer"):
            number == number.rounded() && abs(number) < 9.2e18
        default:
            false
        }
    }
}

extension Message.JSONType {
    fileprivate init(schemaType: String) {
        self = switch schemaType {
        case "string": .string
        case "boolean": .boolean
        case "integer": .integer
        case "number": .number
        case "array": .array
        case "object": .object
        default: .other
        }
    }
}
