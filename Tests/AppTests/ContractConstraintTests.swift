@testable import App
import ConvocaAPI
import OpenAPIRuntime
import Foundation
import HTTPTypes
import HummingbirdTesting
import XCTest
import Yams

/// Every constraint the contract declares on a request body (pattern, length, item count, range,
/// format) is enforced: for each one, the contract's own example is sent with that one value
/// broken, and the answer must be a 400 pointing at it. The constraints are read from
/// `openapi.yaml`, so a constraint added there without a check in the server fails here.
final class ContractConstraintTests: XCTestCase {
    /// A place in a document: property names, and `*` for "the first element".
    typealias Path = [String]

    struct Constraint: CustomStringConvertible {
        var path: Path
        var keyword: String
        var broken: Any
        var description: String { "/" + path.joined(separator: "/") + " " + keyword }
        /// Where the 400 must point: the value, or for an item count the array.
        var pointer: String { "/" + path.map { $0 == "*" ? "0" : $0 }.joined(separator: "/") }
    }

    func testEveryDeclaredConstraintOfARequestBodyIsEnforced() async throws {
        try await TestApp.run { app, client in
            let contract = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
            let components = try XCTUnwrap(contract["components"] as? [String: Any])
            let schemas = try XCTUnwrap(components["schemas"] as? [String: Any])
            let examples = try XCTUnwrap(components["examples"] as? [String: Any])
            func example(_ name: String) throws -> [String: Any] {
                try XCTUnwrap((examples[name] as? [String: Any])?["value"] as? [String: Any], name)
            }
            let lead = try await Fixtures.createOrganisation(client)
            let partner = try await Fixtures.createOrganisation(client, name: "Partner")
            var proposal = try example("ProposalInput")
            proposal["leadOrganisationId"] = lead
            proposal["partners"] = [["organisationId": partner, "role": "Delivers the training"]]
            // No documentId: a new draft has no documents its letters could name (a test of its own holds that).
            proposal["stakeholderSupport"] = [["name": "Luis Pérez", "organisation": "Ministerio de Trabajo"]]
            // The token example is inline in the operation; the same values.
            let token: [String: Any] = [
                "name": "Fundación Formaliza portal", "role": "applicant", "organisationIds": [lead],
                "expiresAt": "2022-06-01T00:00:00.000Z",
            ]
            var codes = 0
            let cases: [(schema: String, path: String, body: [String: Any], vary: (inout [String: Any]) -> Void)] = [
                ("ProposalInput", "/v1/calls/LAC-2021/proposals", proposal, { _ in }),
                ("OrganisationInput", "/v1/organisations", try example("OrganisationInput"), { _ in }),
                ("CallInput", "/v1/calls", try example("CallInput"), { body in
                    codes += 1
                    body["code"] = "CONSTRAINT-\(codes)"
                }),
                ("TokenInput", "/v1/tokens", token, { _ in }),
                ("RulesetInput", "/v1/calls/LAC-2021/rulesets", try example("RulesetInput"), { _ in }),
            ]
            var checked = 0
            for (schema, path, base, vary) in cases {
                var valid = base
                vary(&valid)
                let accepted = try await client.call(.post, path, body: valid)
                XCTAssertEqual(accepted.status, .created, "\(schema) example: \(accepted.text)")
                for constraint in Self.constraints(in: schemas[schema] as Any, schemas: schemas, at: []) {
                    var start = base
                    vary(&start)
                    guard let body = Self.replacing(constraint.path, in: start, with: constraint.broken) as? [String: Any]
                    else { continue }  // The example has no value there to break.
                    let answer = try await client.call(.post, path, body: body)
                    let pointers = ((answer.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
                    // Rulesets are refused as 422 (documented), everything else as 400.
                    XCTAssertTrue([400, 422].contains(answer.status.code), "\(schema)\(constraint): \(answer.text)")
                    XCTAssertTrue(
                        pointers.contains { $0 == constraint.pointer || $0.hasPrefix(constraint.pointer + "/") },
                        "\(schema)\(constraint) answered \(answer.status.code) pointing at \(pointers)")
                    checked += 1
                }
            }
            XCTAssertGreaterThan(checked, 60)
        }
    }

    /// Merge patches are checked once merged, as a whole document: the same constraints apply.
    /// A document too deep to read is refused, never passed as if it had nothing wrong (bodies are
    /// bounded far below this as they arrive; this holds for any other way a document gets here).
    func testADocumentTooDeepToReadIsRefusedNotPassed() throws {
        let json = #"{"rules": [{"id": "deep", "phase": "submission", "severity": "blocking", "messages": {"en": "x"}, "expression": []}]}"#
        var input = try Representation.decoder.decode(Components.Schemas.RulesetInput.self, from: Data(json.utf8))
        var deep: [(any Sendable)?] = []
        for _ in 0..<600 { deep = [deep] }
        input.rules[0].expression = try OpenAPIValueContainer(unvalidatedValue: deep)
        var v = Validator()
        ContractConstraints.shared.check(input, schema: "RulesetInput", into: &v)
        XCTAssertEqual(v.errors.map(\.pointer), [""])
    }

    func testMergePatchesMeetTheSameConstraints() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let proposal = try await Fixtures.proposalID(client, lead: lead)
            let patches: [(path: String, body: [String: Any], pointer: String)] = [
                ("/v1/proposals/\(proposal)", ["questionIds": ["Q 1"]], "/questionIds/0"),
                ("/v1/proposals/\(proposal)", ["projectLead": ["name": "A", "email": "a@x.example", "phone": String(repeating: "1", count: 41)]],
                 "/projectLead/phone"),
                ("/v1/organisations/\(lead)", ["contacts": [["name": "A", "email": "a@x.example", "phone": String(repeating: "1", count: 41)]]],
                 "/contacts/0/phone"),
                ("/v1/calls/LAC-2021", ["workplanDueDays": 5000], "/workplanDueDays"),
            ]
            for (path, body, pointer) in patches {
                let answer = try await client.call(
                    .patch, path, body: body, contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
                XCTAssertProblem(answer, .badRequest, "validation")
                let pointers = ((answer.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
                XCTAssertTrue(pointers.contains(pointer), "\(path) \(body): \(pointers)")
            }
        }
    }

    /// Each change operation's body is the merge-patch schema of its resource, and that schema names the
    /// members of the input schema it patches, at every depth, each with the input's type, enumeration
    /// and constraints, `null` allowed besides (it removes the member). Generated clients then see what a
    /// change may hold; the server checks it as it checks a new resource (the tests above).
    func testMergePatchSchemasMirrorTheInputSchemas() throws {
        let contract = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
        let components = try XCTUnwrap(contract["components"] as? [String: Any])
        let schemas = try XCTUnwrap(components["schemas"] as? [String: Any])
        let paths = try XCTUnwrap(contract["paths"] as? [String: Any])
        func resolve(_ schema: Any) throws -> [String: Any] {
            var schema = try XCTUnwrap(schema as? [String: Any])
            while let ref = schema["$ref"] as? String {
                schema = try XCTUnwrap(schemas[String(ref.split(separator: "/").last!)] as? [String: Any], ref)
            }
            return schema
        }
        func types(_ schema: [String: Any]) -> Set<String> {
            (schema["type"] as? String).map { [$0] } ?? Set((schema["type"] as? [Any] ?? []).compactMap { $0 as? String })
        }
        func strings(_ value: Any?) -> [String]? { (value as? [Any])?.compactMap { $0 as? String } }
        var compared = 0
        func compare(_ patch: Any, _ input: Any, at path: String) throws {
            let patch = try resolve(patch), input = try resolve(input)
            XCTAssertEqual(types(patch), types(input).union(["null"]), "\(path) type")
            if types(input) == ["object"] {
                let patchMembers = try XCTUnwrap(patch["properties"] as? [String: Any], path)
                let inputMembers = try XCTUnwrap(input["properties"] as? [String: Any], path)
                XCTAssertEqual(Set(patchMembers.keys), Set(inputMembers.keys), path)
                XCTAssertEqual(patch["additionalProperties"] as? Bool, false, path)
                for (name, member) in inputMembers {
                    if let patchMember = patchMembers[name] { try compare(patchMember, member, at: path + "/" + name) }
                }
                return
            }
            compared += 1
            if let allowed = strings(input["enum"]) {
                let patchEnum = try XCTUnwrap(patch["enum"] as? [Any], "\(path) enum")
                XCTAssertEqual(strings(patchEnum), allowed, "\(path) enum")
                XCTAssertEqual(patchEnum.count, allowed.count + 1, "\(path) enum has null")
            }
            for keyword in ["pattern", "format", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minimum", "maximum"] {
                XCTAssertEqual(patch[keyword].map { "\($0)" }, input[keyword].map { "\($0)" }, "\(path) \(keyword)")
            }
            // Array items are whole values (an array is replaced, not merged): the same schema.
            XCTAssertEqual(
                (patch["items"] as? [String: Any])?["$ref"] as? String, (input["items"] as? [String: Any])?["$ref"] as? String,
                "\(path) items")
        }
        for (operation, path, patch, input) in [
            ("updateCall", "/v1/calls/{callId}", "CallPatch", "CallInput"),
            ("updateOrganisation", "/v1/organisations/{organisationId}", "OrganisationPatch", "OrganisationInput"),
            ("updateProposal", "/v1/proposals/{proposalId}", "ProposalPatch", "ProposalInput"),
        ] {
            let item = try XCTUnwrap(paths[path] as? [String: Any], path)
            let change = try XCTUnwrap(item["patch"] as? [String: Any], path)
            XCTAssertEqual(change["operationId"] as? String, operation)
            let body = try XCTUnwrap(((change["requestBody"] as? [String: Any])?["content"] as? [String: Any]), operation)
            XCTAssertEqual(Array(body.keys), ["application/merge-patch+json"], operation)
            let schema = try XCTUnwrap((body["application/merge-patch+json"] as? [String: Any])?["schema"] as? [String: Any])
            XCTAssertEqual(schema["$ref"] as? String, "#/components/schemas/\(patch)", operation)
            // The patch itself is an object (a null patch would replace the resource).
            let top = try resolve(schema)
            XCTAssertEqual(top["type"] as? String, "object", patch)
            var patchTop = top
            patchTop["type"] = ["object", "null"]
            try compare(patchTop, try XCTUnwrap(schemas[input]), at: patch)
        }
        XCTAssertGreaterThan(compared, 50)
    }

    /// Language maps hold at least one text and no blank one, however the call is written.
    func testLanguageMapsHoldTexts() async throws {
        try await TestApp.run { _, client in
            let cases: [(vary: (inout [String: Any]) -> Void, pointer: String)] = [
                ({ $0["title"] = [String: Any]() }, "/title"),
                ({ $0["title"] = ["en": NSNull()] }, "/title"),
                ({ $0["title"] = ["en": ""] }, "/title/en"),
                ({ $0["summary"] = ["en": "Fine", "es": "   "] }, "/summary/es"),
                ({ body in
                    var questions = body["questions"] as? [[String: Any]] ?? []
                    questions[0]["text"] = ["en": "\n"]
                    body["questions"] = questions
                }, "/questions/0/text/en"),
            ]
            for (index, (vary, pointer)) in cases.enumerated() {
                var body = try Fixtures.callBody(code: "MAPS-\(index)")
                vary(&body)
                let answer = try await client.call(.post, "/v1/calls", body: body)
                XCTAssertProblem(answer, .badRequest, "validation")
                XCTAssertEqual(answer.errorPointers, [pointer], answer.text)
            }
            let emptied = try await client.call(
                .patch, "/v1/calls/LAC-2021", body: ["title": ["en": NSNull(), "es": NSNull(), "fr": NSNull(), "pt": NSNull()]],
                contentType: "application/merge-patch+json", headers: ["If-Match": "\"1\""])
            XCTAssertProblem(emptied, .badRequest, "validation")
            XCTAssertEqual(emptied.errorPointers, ["/title"])
            let page = try await client.call(.get, "/v1/calls")
            XCTAssertEqual((page["items"] as? [[String: Any]])?.count, 1, "nothing refused was stored")
        }
    }

    func testEmailAddressesAreMailboxes() {
        for valid in ["ana@formaliza.example", "Ana.Quispe+calls@mail.formaliza.example", "o'neil@x-y.example.pe",
                      "a!#$%&'*+-/=?^_`{|}~@b.co", "a@b.c0m", String(repeating: "a", count: 64) + "@b.example"] {
            XCTAssertTrue(Validator.isEmailAddress(valid), valid)
        }
        for invalid in ["a;b@-x..com", "a@b..com", "a@-b.com", "a@b-.com", "..@b.com", ".a@b.com", "a.@b.com", "a..b@c.com",
                        "a@b_c.com", "a\u{1}@b.com", "a@b.com\u{0}", "a b@c.com", "\"a b\"@c.com", "a@[192.0.2.1]", "a@b",
                        "a@b.123", "@b.com", "a@", "a@b@c.com", "josé@b.com", "a@bü.com", "a@.b.com", "a@b.com.",
                        String(repeating: "a", count: 65) + "@b.example",
                        "a@" + String(repeating: "b", count: 64) + ".com", "a@" + String(repeating: "b.", count: 126) + "com"] {
            XCTAssertFalse(Validator.isEmailAddress(invalid), invalid)
        }
    }

    func testTimeZonesAreTzDatabaseNames() {
        for valid in ["Europe/Zurich", "America/Lima", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "UTC", "Etc/UTC",
                      "Etc/GMT+5", "Etc/GMT-14", "GMT"] {
            XCTAssertTrue(Validator.isTimeZoneName(valid), valid)
        }
        for invalid in ["GMT+5", "UTC+03:00", "GMT-14", "GMT+05:30", "utc", "europe/zurich", "America/Foo", "Etc/GMT+15",
                        "Europe/Zurich ", "Z", ""] {
            XCTAssertFalse(Validator.isTimeZoneName(invalid), invalid)
        }
    }

    /// Contacts' addresses and phones, and a call's time zone, are refused by pointer when they are not ones.
    func testAddressesPhonesAndTimeZonesAreChecked() async throws {
        try await TestApp.run { _, client in
            var organisation = Fixtures.organisationBody(name: "Contactos")
            organisation["contacts"] = [
                ["name": "a", "email": "a;b@-x..com", "phone": "call me maybe"],
                ["name": "b", "email": "b@formaliza.example", "phone": ""],
                ["name": "c", "email": "c@formaliza.example", "phone": "+51 1 421 7788"],
                ["name": "d", "email": "d@formaliza.example", "phone": "+1 (555) 010-0123"],
                ["name": "e", "email": "a\u{1}@b.com", "phone": "+51 1234"],
                ["name": "f", "email": "f@formaliza.example", "phone": "+51 12345"],
            ]
            organisation["references"] = [["name": "r", "email": "r@b..com", "phone": "0044 20 7946 0958"]]
            let refused = try await client.call(.post, "/v1/organisations", body: organisation)
            XCTAssertProblem(refused, .badRequest, "validation")
            XCTAssertEqual(Set(refused.errorPointers), [
                "/contacts/0/email", "/contacts/0/phone", "/contacts/1/phone", "/contacts/4/email", "/contacts/4/phone",
                "/references/0/email", "/references/0/phone",
            ])
            let phone = (refused["errors"] as? [[String: Any]])?.first { $0["pointer"] as? String == "/contacts/0/phone" }
            XCTAssertEqual(phone?["detail"] as? String, "is not an international phone number (+, country code and number)")

            for (index, zone) in ["GMT+5", "UTC+03:00", "GMT-14"].enumerated() {
                var call = try Fixtures.callBody(code: "ZONE-\(index)")
                call["timezone"] = zone
                let answer = try await client.call(.post, "/v1/calls", body: call)
                XCTAssertProblem(answer, .badRequest, "validation")
                XCTAssertEqual(answer.errorPointers, ["/timezone"], zone)
            }
            var call = try Fixtures.callBody(code: "ZONE-LIMA")
            call["timezone"] = "America/Lima"
            let accepted = try await client.call(.post, "/v1/calls", body: call)
            XCTAssertEqual(accepted.status, .created, accepted.text)
        }
    }

    /// The same for query parameters: each declared constraint of each string parameter of each
    /// GET, broken alone, is refused with a 400 that names the parameter.
    func testEveryDeclaredConstraintOfAQueryParameterIsEnforced() async throws {
        try await TestApp.run { app, client in
            let contract = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
            let components = try XCTUnwrap(contract["components"] as? [String: Any])
            let schemas = try XCTUnwrap(components["schemas"] as? [String: Any])
            let shared = try XCTUnwrap(components["parameters"] as? [String: Any])
            let lead = try await Fixtures.createOrganisation(client)
            let proposal = try await Fixtures.proposalID(client, lead: lead)
            let ids = ["{callId}": "LAC-2021", "{proposalId}": proposal, "{organisationId}": lead]
            var checked = 0
            for (template, item) in try XCTUnwrap(contract["paths"] as? [String: Any]) {
                guard let item = item as? [String: Any], let operation = item["get"] as? [String: Any] else { continue }
                let path = ids.reduce(template) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
                guard !path.contains("{") else { continue }  // an id this test has none of (a document)
                let parameters = ((item["parameters"] as? [Any] ?? []) + (operation["parameters"] as? [Any] ?? [])).compactMap {
                    parameter -> [String: Any]? in
                    guard let parameter = parameter as? [String: Any] else { return nil }
                    guard let ref = parameter["$ref"] as? String else { return parameter }
                    return shared[String(ref.split(separator: "/").last!)] as? [String: Any]
                }
                for parameter in parameters where parameter["in"] as? String == "query" {
                    let name = try XCTUnwrap(parameter["name"] as? String)
                    for constraint in Self.constraints(in: parameter["schema"] as Any, schemas: schemas, at: []) {
                        let query: String
                        if let text = constraint.broken as? String {
                            query = "\(name)=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                        } else if let many = constraint.broken as? Many {
                            // A repeated parameter, one time too many, with the contract's example item.
                            let example = (parameter["example"] as? [Any])?.first ?? parameter["example"] ?? "a"
                            query = Array(repeating: "\(name)=\(example)", count: many.count).joined(separator: "&")
                        } else {
                            continue
                        }
                        let answer = try await client.call(.get, "\(path)?\(query)")
                        let pointers = ((answer.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
                        XCTAssertEqual(answer.status, .badRequest, "GET \(template) \(name) \(constraint.keyword): \(answer.text)")
                        XCTAssertTrue(pointers.contains { $0 == name || $0.hasPrefix(name + "/") }, "GET \(template) \(name) \(constraint.keyword) pointed at \(pointers)")
                        checked += 1
                    }
                }
            }
            XCTAssertGreaterThan(checked, 15)
        }
    }

    /// The constraints under `schema` with a value that breaks each.
    static func constraints(in schema: Any, schemas: [String: Any], at path: Path) -> [Constraint] {
        guard var schema = schema as? [String: Any] else { return [] }
        while let ref = schema["$ref"] as? String {
            guard let target = schemas[String(ref.split(separator: "/").last!)] as? [String: Any] else { return [] }
            schema = target
        }
        var found: [Constraint] = []
        if let pattern = schema["pattern"] as? String { found.append(.init(path: path, keyword: "pattern \(pattern)", broken: "!")) }
        if let max = schema["maxLength"] as? Int { found.append(.init(path: path, keyword: "maxLength", broken: String(repeating: "x", count: max + 1))) }
        if let min = schema["minLength"] as? Int, min > 0 {
            found.append(.init(path: path, keyword: "minLength", broken: ""))
            found.append(.init(path: path, keyword: "minLength (blank)", broken: " \t "))
        }
        if let min = schema["minProperties"] as? Int, min > 0 {
            found.append(.init(path: path, keyword: "minProperties", broken: [String: Any]()))
        }
        if let max = schema["maxItems"] as? Int { found.append(.init(path: path, keyword: "maxItems", broken: Many(count: max + 1))) }
        if let min = schema["minItems"] as? Int, min > 0 { found.append(.init(path: path, keyword: "minItems", broken: [Any]())) }
        if schema["uniqueItems"] as? Bool == true { found.append(.init(path: path, keyword: "uniqueItems", broken: Many(count: 2))) }
        if let min = schema["minimum"] as? Int { found.append(.init(path: path, keyword: "minimum", broken: min - 1)) }
        if let max = schema["maximum"] as? Int { found.append(.init(path: path, keyword: "maximum", broken: max + 1)) }
        if let format = schema["format"] as? String {
            let broken: String? = switch format {
            case "uuid": "not-a-uuid"
            case "date": "2021-02-30"
            case "date-time": "30 June 2021"
            case "email": "not an address"
            case "uri": "no scheme here"
            default: nil
            }
            if let broken { found.append(.init(path: path, keyword: "format \(format)", broken: broken)) }
        }
        for (name, property) in schema["properties"] as? [String: Any] ?? [:] {
            found += constraints(in: property, schemas: schemas, at: path + [name])
        }
        if let items = schema["items"] { found += constraints(in: items, schemas: schemas, at: path + ["*"]) }
        return found
    }

    /// An array of `count` copies of the array's first element, made when the path is reached.
    struct Many { var count: Int }

    /// `document` with the value at `path` replaced; nil when the path leads nowhere.
    static func replacing(_ path: Path, in document: Any, with value: Any) -> Any? {
        guard let head = path.first else {
            if let many = value as? Many {
                guard let first = (document as? [Any])?.first else { return nil }
                return Array(repeating: first, count: many.count)
            }
            return value
        }
        let rest = Array(path.dropFirst())
        if head == "*" {
            guard var array = document as? [Any], !array.isEmpty, let changed = replacing(rest, in: array[0], with: value) else { return nil }
            array[0] = changed
            return array
        }
        guard var object = document as? [String: Any], let child = object[head] else { return nil }
        guard let changed = replacing(rest, in: child, with: value) else { return nil }
        object[head] = changed
        return object
    }
}
