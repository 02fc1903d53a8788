@testable import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest
import Yams

/// The conventions every endpoint follows: problem bodies, request ids, 404/405/400/413/415, health.
final class HTTPConventionTests: XCTestCase {
    func testHealthAndReadinessAndContract() async throws {
        try await TestApp.run { _, client in
            let health = try await client.call(.get, "/healthz", token: nil)
            XCTAssertEqual(health.status, .ok)
            XCTAssertEqual(health["status"] as? String, "ok")

            let ready = try await client.call(.get, "/readyz", token: nil)
            XCTAssertEqual(ready.status, .ok, ready.text)
            XCTAssertEqual(ready["schema"] as? String, "current")

            let contract = try await client.call(.get, "/openapi.yaml", token: nil)
            XCTAssertEqual(contract.status, .ok)
            XCTAssertEqual(contract.headers[.contentType], "application/yaml")
            XCTAssertTrue(contract.text.hasPrefix("openapi: 3.1"))
        }
    }

    func testRequestIDIsEchoedWhenSafeAndReplacedOtherwise() async throws {
        try await TestApp.run { _, client in
            let echoed = try await client.call(.get, "/healthz", token: nil, headers: ["X-Request-Id": "abc-123"])
            XCTAssertEqual(echoed.headers[HTTPField.Name("X-Request-Id")!], "abc-123")

            let unsafe = try await client.call(.get, "/healthz", token: nil, headers: ["X-Request-Id": "bad id\u{7f}<script>"])
            let id = unsafe.headers[HTTPField.Name("X-Request-Id")!]
            XCTAssertNotNil(id)
            XCTAssertNotEqual(id, "bad id\u{7f}<script>")
            XCTAssertEqual(id?.count, 36)
            XCTAssertEqual(unsafe.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff")

            // The id is a problem's `instance`, a URI reference (RFC 9457): an absolute URI or a
            // relative reference is echoed, an id that is neither is replaced.
            for kept in ["urn:trace:42", "a1.b-c:x/y", "trace/1:2", "x_y"] {
                let answer = try await client.call(.get, "/v1/nowhere", token: nil, headers: ["X-Request-Id": kept])
                XCTAssertEqual(answer.headers[HTTPField.Name("X-Request-Id")!], kept)
                XCTAssertEqual(answer["instance"] as? String, kept)
            }
            for replaced in ["1:x", ":x", "a_b:c", "-a:b"] {
                let answer = try await client.call(.get, "/v1/nowhere", token: nil, headers: ["X-Request-Id": replaced])
                let id = try XCTUnwrap(answer.headers[HTTPField.Name("X-Request-Id")!])
                XCTAssertNotNil(UUID(uuidString: id), "\(replaced) was kept as \(id)")
                XCTAssertEqual(answer["instance"] as? String, id)
            }
        }
    }

    func testFreshRequestIDsAreDistinctVersion4UUIDs() {
        let ids = (0..<20_000).map { _ in RequestID.fresh() }
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids.prefix(200) {
            let uuid = UUID(uuidString: id)
            XCTAssertNotNil(uuid, id)
            XCTAssertEqual(id, id.lowercased())
            // Version nibble 4, RFC 4122 variant (8, 9, a or b).
            let characters = Array(id)
            XCTAssertEqual(characters[14], "4", id)
            XCTAssertTrue("89ab".contains(characters[19]), id)
        }
    }

    func testHeaderValuesArePercentDecodedOnce() {
        XCTAssertEqual(ProblemMiddleware<BasicRequestContext>.percentDecoded("%223%22"), "\"3\"")
        XCTAssertEqual(
            ProblemMiddleware<BasicRequestContext>.percentDecoded("%3C/v1/proposals?cursor=czE6NTA%3E; rel=%22next%22"),
            "</v1/proposals?cursor=czE6NTA>; rel=\"next\"")
        XCTAssertEqual(ProblemMiddleware<BasicRequestContext>.percentDecoded("caf%C3%A9"), "café")
        XCTAssertEqual(ProblemMiddleware<BasicRequestContext>.percentDecoded("plain"), "plain")
        XCTAssertNil(ProblemMiddleware<BasicRequestContext>.percentDecoded("%2"))
        XCTAssertNil(ProblemMiddleware<BasicRequestContext>.percentDecoded("%zz"))
        XCTAssertNil(ProblemMiddleware<BasicRequestContext>.percentDecoded("%FF"))
    }

    func testBearerSecretToleratesSurroundingBlanksOnly() {
        let secret = String(repeating: "s", count: 32)
        XCTAssertEqual(Authenticator.bearerSecret("Bearer \(secret)"), secret)
        XCTAssertEqual(Authenticator.bearerSecret("bearer   \(secret)\t "), secret)
        XCTAssertNil(Authenticator.bearerSecret("Bearer \(secret) more"))
        XCTAssertNil(Authenticator.bearerSecret("Bearer short"))
        XCTAssertNil(Authenticator.bearerSecret("Basic \(secret)"))
        XCTAssertNil(Authenticator.bearerSecret("Bearer \(secret)é"))
        XCTAssertNil(Authenticator.bearerSecret(nil))
    }

    func testUnknownPathIs404Problem() async throws {
        try await TestApp.run { _, client in
            let response = try await client.call(.get, "/v1/nothing-here")
            XCTAssertProblem(response, .notFound, "not-found")
            // A body sent there, however it is (no credential, a type the service never reads), is not read: 404.
            let posted = try await client.call(.post, "/v1/nothing-here", token: nil, body: Data("x".utf8), contentType: "text/html",
                                               headers: ["Accept": "text/html"])
            XCTAssertProblem(posted, .notFound, "not-found")
        }
    }

    /// A path is read one way only: an id followed by an encoded NUL names no record (a parser of ids
    /// would stop at it), empty segments are no documented path, broken percent-encoding is refused.
    func testAPathIsReadOneWayOnly() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let proposal = try await Fixtures.proposalID(client, lead: lead)
            let nul = try await client.call(.get, "/v1/proposals/\(proposal)%00garbage")
            XCTAssertProblem(nul, .badRequest, "bad-request")
            XCTAssertEqual(nul["detail"] as? String, "A path segment, parameter or header contains the NUL character (U+0000).")
            let withdrawn = try await client.call(.post, "/v1/proposals/\(proposal)%00x/withdraw")
            XCTAssertProblem(withdrawn, .badRequest, "bad-request")
            let still = try await client.call(.get, "/v1/proposals/\(proposal)")
            XCTAssertEqual(still["status"] as? String, "draft", "nothing was withdrawn")

            // The same in a body: an id followed by a NUL is no id.
            var body = Fixtures.proposalBody(lead: lead)
            body["leadOrganisationId"] = lead + "\u{0}x"
            let created = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body)
            XCTAssertProblem(created, .badRequest, "validation")
            XCTAssertEqual(created.errorPointers, ["/leadOrganisationId"])

            let secret = try await Fixtures.token(app, role: "reporting")
            let me = try await client.call(.get, "/v1/me", token: secret)
            let tokenID = try XCTUnwrap(me["tokenId"] as? String)
            XCTAssertProblem(try await client.call(.delete, "/v1/tokens/\(tokenID)%00ignored"), .badRequest, "bad-request")
            let stillWorks = try await client.call(.get, "/v1/me", token: secret)
            XCTAssertEqual(stillWorks.status, .ok, "the token was not revoked")

            for path in ["/v1/calls/", "//v1/calls", "/v1//calls", "/v1/proposals/\(proposal)/", "/healthz/"] {
                let answer = try await client.call(.get, path)
                XCTAssertEqual(answer.status, .notFound, path)
                XCTAssertEqual(answer.problemType, "urn:convoca:problem:not-found", path)
            }
            let doubled = try await client.call(.post, "//v1//calls//LAC-2021//proposals//", body: Fixtures.proposalBody(lead: lead))
            XCTAssertEqual(doubled.status, .notFound)
            for path in ["/v1/calls/%ZZ", "/v1/calls/%", "/v1/calls/%C3"] {
                XCTAssertProblem(try await client.call(.get, path), .badRequest, "bad-request")
            }
            let accented = try await client.call(.get, "/v1/calls/%C3%A9t%C3%A9")
            XCTAssertProblem(accented, .notFound, "not-found")
            XCTAssertEqual(accented["detail"] as? String, "No call été.")
        }
    }

    func testUndocumentedMethodIs405WithAllow() async throws {
        try await TestApp.run { _, client in
            let response = try await client.call(.delete, "/v1/calls")
            XCTAssertProblem(response, .methodNotAllowed, "method-not-allowed")
            XCTAssertEqual(response.headers[.allow], "GET, HEAD, POST")

            let templated = try await client.call(.put, "/v1/proposals/00000000-0000-4000-8000-000000000000", token: nil,
                                                  body: Data("{}".utf8))
            XCTAssertProblem(templated, .methodNotAllowed, "method-not-allowed")
            XCTAssertEqual(templated.headers[.allow], "GET, HEAD, PATCH")
        }
    }

    /// Every GET also answers HEAD: the status and headers of the GET (its length and validator
    /// included), no body; refusals too, since a client reading a body after HEAD would lose the
    /// connection's framing.
    func testEveryGetAnswersHeadWithTheSameHeadersAndNoBody() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let proposal = try await Fixtures.proposalID(client, lead: lead)
            let paths = [
                "/healthz", "/openapi.yaml", "/v1/calls", "/v1/calls/LAC-2021", "/v1/organisations/\(lead)",
                "/v1/proposals/\(proposal)", "/v1/proposals?limit=1", "/v1/proposals?status=draft",
            ]
            for path in paths {
                let get = try await client.call(.get, path)
                let head = try await client.call(.head, path)
                XCTAssertEqual(get.status, .ok, path)
                XCTAssertEqual(head.status, .ok, path)
                XCTAssertTrue(head.body.isEmpty, path)
                for name in [HTTPField.Name.contentType, .eTag, .link] {
                    XCTAssertEqual(head.headers[name], get.headers[name], "\(path): \(name)")
                }
                XCTAssertEqual(head.headers[.contentLength], get.headers[.contentLength] ?? String(get.body.count), path)
            }
            let refused = try await client.call(.head, "/v1/proposals/\(proposal)", token: nil)
            XCTAssertEqual(refused.status, .unauthorized)
            XCTAssertEqual(refused.headers[.contentType], "application/problem+json")
            XCTAssertTrue(refused.body.isEmpty)
            let postOnly = try await client.call(.head, "/v1/proposals/\(proposal)/submit")
            XCTAssertEqual(postOnly.status, .methodNotAllowed)
            XCTAssertEqual(postOnly.headers[.allow], "POST")
            XCTAssertTrue(postOnly.body.isEmpty)
        }
    }

    func testMalformedJSONIs400NamingWhere() async throws {
        try await TestApp.run { _, client in
            let response = try await client.call(.post, "/v1/organisations", body: Data(#"{"legalName": "x", "kind": }"#.utf8))
            XCTAssertProblem(response, .badRequest, "malformed-json")
            XCTAssertTrue((response["detail"] as? String ?? "").contains("JSON"), response.text)

            // JSON that nests however deep is still JSON: see the next test.
            let deep = "{\"legalName\": " + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + "}"
            let nested = try await client.call(.post, "/v1/organisations", body: Data(deep.utf8))
            XCTAssertProblem(nested, .badRequest, "validation")

            // An empty body where a document is required says so.
            for path in ["/v1/organisations", "/v1/calls/LAC-2021/proposals"] {
                let empty = try await client.call(.post, path, body: Data())
                XCTAssertProblem(empty, .badRequest, "validation")
                XCTAssertEqual(empty.errorPointers, [""])
            }

            // JSON is exchanged in UTF-8 (RFC 8259): a UTF-16 body is not read another way, past the
            // checks made on UTF-8 (a repeated member name here), but refused as malformed.
            let twice = #"{"legalName": "first", "legalName": "second", "kind": "ngo", "nonProfit": true, "country": "PE"}"#
            for encoding in [String.Encoding.utf16, .utf16LittleEndian, .utf16BigEndian] {
                let utf16 = try await client.call(.post, "/v1/organisations", body: try XCTUnwrap(twice.data(using: encoding)))
                XCTAssertProblem(utf16, .badRequest, "malformed-json")
            }
            let health = try await client.call(.get, "/healthz")
            XCTAssertEqual(health.status, .ok)
        }
    }

    /// No field nests more than a few levels: a body nesting arrays or objects deeper than 64 levels
    /// (a stack-exhaustion attempt, or a slow decode) is refused as it is read, naming each place
    /// that crosses the limit, and saying the limit.
    func testNestingDeeperThanTheLimitIs400NamingWhere() async throws {
        try await TestApp.run { _, client in
            func arrays(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
            func objects(_ depth: Int) -> String {
                String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            }
            // The body is one level: its members may nest 63 more.
            // Within the limit, the body is read and each fault named: the array where a name goes, the missing members.
            let within = try await client.call(.post, "/v1/organisations", body: Data(#"{"legalName": \#(arrays(63))}"#.utf8))
            XCTAssertProblem(within, .badRequest, "validation")
            XCTAssertEqual(within.errorPointers, ["/country", "/kind", "/legalName", "/nonProfit"])
            for depth in [64, 100_000] {
                let body = #"{"legalName": \#(arrays(depth)), "kind": "ngo", "registration": \#(objects(depth))}"#
                let nested = try await client.call(.post, "/v1/organisations", body: Data(body.utf8))
                XCTAssertProblem(nested, .badRequest, "validation")
                XCTAssertEqual(nested["detail"] as? String, "The body nests arrays and objects deeper than the limit of 64 levels.")
                XCTAssertEqual(nested.errorPointers, [
                    "/legalName" + String(repeating: "/0", count: 63), "/registration" + String(repeating: "/a", count: 63),
                ])
                let details = (nested["errors"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
                XCTAssertEqual(Set(details), ["is nested deeper than the body's limit of 64 levels"])
            }
        }
    }

    func testWrongTypesAndUnknownFieldsAre400WithPointers() async throws {
        try await TestApp.run { _, client in
            let wrongType = try await client.call(
                .post, "/v1/organisations",
                body: ["legalName": "Fundación", "kind": "ngo", "nonProfit": "yes", "country": "PE"])
            XCTAssertProblem(wrongType, .badRequest, "validation")
            XCTAssertEqual(wrongType.errorPointers, ["/nonProfit"])

            let unknown = try await client.call(
                .post, "/v1/organisations",
                body: ["legalName": "Fundación", "kind": "ngo", "nonProfit": true, "country": "PE", "colour": "red"])
            XCTAssertProblem(unknown, .badRequest, "validation")
            XCTAssertEqual(unknown.errorPointers, ["/colour"])

            // Every unknown field at once, at any depth, and nothing created.
            var body = Fixtures.organisationBody(name: "Fundación Desconocida")
            body["colour"] = "red"
            body["size"] = 3
            var registration = try XCTUnwrap(body["registration"] as? [String: Any])
            registration["extra"] = true
            body["registration"] = registration
            var contacts = try XCTUnwrap(body["contacts"] as? [[String: Any]])
            contacts[0]["nickname"] = "Pepe"
            body["contacts"] = contacts
            let several = try await client.call(.post, "/v1/organisations", body: body)
            XCTAssertProblem(several, .badRequest, "validation")
            XCTAssertEqual(several.errorPointers, ["/colour", "/contacts/0/nickname", "/registration/extra", "/size"])
            let listed = try await client.call(.get, "/v1/organisations?limit=200")
            let names = (listed["items"] as? [[String: Any]] ?? []).compactMap { $0["legalName"] as? String }
            XCTAssertFalse(names.contains("Fundación Desconocida"))
        }
    }

    /// A missing member, a wrong type or a value outside an enumeration hides no other bad field.
    func testEveryBadFieldOfARefusedBodyIsNamed() async throws {
        try await TestApp.run { _, client in
            func refused(_ path: String, _ body: Any, method: HTTPRequest.Method = .post, headers: [String: String] = [:],
                         contentType: String = "application/json") async throws -> [String: String] {
                let answer = try await client.call(method, path, body: body, contentType: contentType, headers: headers)
                XCTAssertProblem(answer, .badRequest, "validation")
                var details: [String: String] = [:]
                for error in answer.json["errors"] as? [[String: Any]] ?? [] {
                    details[error["pointer"] as? String ?? "?"] = error["detail"] as? String
                }
                XCTAssertEqual(answer.errorPointers, answer.errorPointers.sorted(), "in pointer order")
                return details
            }
            let empty = try await refused("/v1/organisations", [String: Any]())
            XCTAssertEqual(empty, ["/country": "is required", "/kind": "is required", "/legalName": "is required", "/nonProfit": "is required"])

            let several = try await refused("/v1/organisations", [
                "legalName": "x", "kind": "bogus", "nonProfit": "yes", "country": "XX", "website": 3, "colour": "red",
                "contacts": [["name": "a", "email": "nope"], "Pepe"], "registration": ["country": "pe", "registeredOn": "2021-02-30"],
            ])
            XCTAssertEqual(Set(several.keys), [
                "/colour", "/contacts/0/email", "/contacts/1", "/country", "/kind", "/nonProfit", "/registration/country",
                "/registration/number", "/registration/registeredOn", "/website",
            ])
            XCTAssertEqual(several["/kind"]?.hasPrefix("must be one of: government_agency, "), true, several["/kind"] ?? "")
            XCTAssertEqual(several["/nonProfit"], "must be a boolean")
            XCTAssertEqual(several["/contacts/1"], "must be an object")
            XCTAssertEqual(several["/country"], "is not an ISO 3166-1 alpha-2 country code")
            XCTAssertEqual(several["/colour"], "is not a known field")

            let lead = try await Fixtures.createOrganisation(client)
            let proposals: [([String: Any], Set<String>)] = [
                (["leadOrganisationId": lead, "stage": "x", "language": "de"], ["/language", "/stage"]),
                (["leadOrganisationId": lead, "labAvailability": "yes", "title": String(repeating: "x", count: 301), "countries": ["XX"]],
                 ["/countries/0", "/labAvailability", "/title"]),
                (["leadOrganisationId": lead, "foo": 1, "countries": ["XX"]], ["/countries/0", "/foo"]),
                (["leadOrganisationId": NSNull(), "partners": [["role": ""]]], ["/leadOrganisationId", "/partners/0/organisationId", "/partners/0/role"]),
            ]
            for (body, pointers) in proposals {
                let found = try await refused("/v1/calls/LAC-2021/proposals", body)
                XCTAssertEqual(Set(found.keys), pointers, "\(body)")
            }

            var call = try Fixtures.callBody(code: "FAULTS-2021")
            call["workplanDueDays"] = 21.5
            call["languages"] = ["es", "de"]
            call.removeValue(forKey: "title")
            call["deadline"] = "2021-02-30T00:00:00Z"
            let callFaults = try await refused("/v1/calls", call)
            XCTAssertEqual(callFaults, [
                "/deadline": "is not an RFC 3339 instant", "/languages/1": "must be one of: es, pt, en, fr",
                "/title": "is required", "/workplanDueDays": "must be an integer",
            ])

            let notAnObject = try await refused("/v1/organisations", ["legalName"])
            XCTAssertEqual(notAnObject, ["": "must be an object"])

            // A merged patch the same way.
            let patched = try await refused(
                "/v1/organisations/\(lead)", ["kind": "bogus", "nonProfit": "yes", "country": "XX", "contacts": [["name": "a"]]],
                method: .patch, headers: ["If-Match": "\"1\""], contentType: "application/merge-patch+json")
            XCTAssertEqual(Set(patched.keys), ["/contacts/0/email", "/country", "/kind", "/nonProfit"])
            let unchanged = try await client.call(.get, "/v1/organisations/\(lead)")
            XCTAssertEqual(unchanged.headers[.eTag], "\"1\"")

            // A filter on a country the standard does not assign would only ever answer nothing.
            let filter = try await client.call(.get, "/v1/organisations?country=XX")
            XCTAssertProblem(filter, .badRequest, "validation")
            XCTAssertEqual(filter.errorPointers, ["country"])
        }
    }

    /// A shape fault (a wrong type, an unknown member) does not hide what the service's own checks
    /// find in the rest of the body: the first refusal names both.
    func testAShapeFaultHidesNoValueFault() async throws {
        try await TestApp.run { _, client in
            func pointers(_ method: HTTPRequest.Method, _ path: String, _ body: Any, headers: [String: String] = [:],
                          contentType: String = "application/json") async throws -> Set<String> {
                let answer = try await client.call(method, path, body: body, contentType: contentType, headers: headers)
                XCTAssertProblem(answer, .badRequest, "validation")
                return Set(answer.errorPointers)
            }
            var organisation = Fixtures.organisationBody()
            organisation["contractualCapacity"] = "yes"
            organisation["website"] = "ftp://files.formaliza.example"
            organisation["foundedOn"] = "2999-01-01"
            let created = try await pointers(.post, "/v1/organisations", organisation)
            XCTAssertEqual(created, ["/contractualCapacity", "/foundedOn", "/registration/registeredOn", "/website"])

            let lead = try await Fixtures.createOrganisation(client)
            var proposal = Fixtures.proposalBody(lead: lead)
            proposal["labAvailability"] = "yes"
            proposal["countries"] = ["PE", "PE"]
            proposal["partners"] = [["organisationId": lead, "role": "partner"]]
            let proposalFaults = try await pointers(.post, "/v1/calls/LAC-2021/proposals", proposal)
            XCTAssertEqual(proposalFaults, ["/countries/1", "/labAvailability", "/partners/0/organisationId"])

            var call = try Fixtures.callBody(code: "VALUES-2021")
            call["colour"] = "red"
            call["timezone"] = "Mars/Olympus_Mons"
            let callFaults = try await pointers(.post, "/v1/calls", call)
            XCTAssertEqual(callFaults, ["/colour", "/timezone"])

            let token: [String: Any] = [
                "name": "Reporting", "role": "reporting", "organisationIds": "all", "expiresAt": "2001-01-01T00:00:00Z",
            ]
            let tokenFaults = try await pointers(.post, "/v1/tokens", token)
            XCTAssertEqual(tokenFaults, ["/expiresAt", "/organisationIds"])

            // A merge patch, checked once merged, the same way; nothing is changed.
            let patchFaults = try await pointers(
                .patch, "/v1/organisations/\(lead)", ["contractualCapacity": "yes", "website": "javascript:alert(1)"],
                headers: ["If-Match": "\"1\""], contentType: "application/merge-patch+json")
            XCTAssertEqual(patchFaults, ["/contractualCapacity", "/website"])
            let unchanged = try await client.call(.get, "/v1/organisations/\(lead)")
            XCTAssertEqual(unchanged.headers[.eTag], "\"1\"")

            // With a required member at fault the rest cannot be read as a record: only the shape is named.
            organisation["nonProfit"] = "yes"
            let withoutRecord = try await pointers(.post, "/v1/organisations", organisation)
            XCTAssertEqual(withoutRecord, ["/contractualCapacity", "/nonProfit"])
        }
    }

    /// Each JSON body the contract declares, sent with every required member missing and an unknown
    /// one, is refused naming them all.
    func testEveryJSONBodyOfTheContractNamesAllItsFaults() async throws {
        let document = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
        let schemas = try XCTUnwrap((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let operations = Dictionary(uniqueKeysWithValues: try ContractOperations.load().map { ($0.id, $0) })
        var requiredMembers: [String: [String]] = [:]
        for (_, body) in DocumentFaultsMiddleware.bodies {
            requiredMembers[body.schema] = try XCTUnwrap((schemas[body.schema] as? [String: Any])?["required"] as? [String], body.schema)
        }
        try await TestApp.run { [requiredMembers] _, client in
            for (id, body) in DocumentFaultsMiddleware.bodies {
                let operation = try XCTUnwrap(operations[id])
                let path = operation.path.replacingOccurrences(of: "{callId}", with: "LAC-2021")
                    .replacingOccurrences(of: "{proposalId}", with: UUID().uuidString.lowercased())
                let required = try XCTUnwrap(requiredMembers[body.schema])
                let answer = try await client.call(operation.method, path, body: ["zzUnknown": 1])
                XCTAssertProblem(answer, .badRequest, "validation")
                XCTAssertEqual(Set(answer.errorPointers), Set(required.map { "/" + $0 } + ["/zzUnknown"]), "\(id): \(answer.text)")
            }
        }
    }

    func testEveryJSONBodyOfTheContractIsInTheTable() throws {
        let document = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
        let paths = try XCTUnwrap(document["paths"] as? [String: Any])
        var withJSONBodies: [String: String] = [:]
        for (_, item) in paths {
            for method in ContractOperations.methods {
                guard let operation = (item as? [String: Any])?[method] as? [String: Any],
                    let body = operation["requestBody"] as? [String: Any],
                    let json = (body["content"] as? [String: Any])?["application/json"] as? [String: Any],
                    let ref = (json["schema"] as? [String: Any])?["$ref"] as? String
                else { continue }
                withJSONBodies[try XCTUnwrap(operation["operationId"] as? String)] = String(ref.split(separator: "/").last!)
            }
        }
        XCTAssertFalse(withJSONBodies.isEmpty)
        XCTAssertEqual(Set(DocumentFaultsMiddleware.bodies.keys), Set(withJSONBodies.keys))
        XCTAssertEqual(DocumentFaultsMiddleware.bodies.mapValues(\.schema), withJSONBodies)
    }

    /// `Accept` is read one way on every operation, the fast paths included: the most specific range
    /// decides, `q=0` rules a type out, and a header that cannot be read is a 400.
    func testAcceptIsReadAsRFC9110SaysOnEveryOperation() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let proposal = try await Fixtures.proposalID(client, lead: lead)
            let reads = [
                "/healthz", "/v1/me", "/v1/calls", "/v1/calls/LAC-2021", "/v1/organisations/\(lead)",
                "/v1/proposals/\(proposal)", "/v1/proposals?limit=5", "/v1/proposals?status=draft",
            ]
            for path in reads {
                for accept in ["application/json;q=0", "*/*;q=0", "application/json;q=0, */*", "application/*;q=0, text/html"] {
                    let answer = try await client.call(.get, path, headers: ["Accept": accept])
                    XCTAssertEqual(answer.status, .notAcceptable, "\(path) with \(accept)")
                    XCTAssertEqual(answer.problemType, "urn:convoca:problem:not-acceptable", "\(path) with \(accept)")
                }
                for accept in ["application/json;q=0.5, text/html", "text/html, */*;q=0.1", "application/*", "APPLICATION/JSON", ""] {
                    let answer = try await client.call(.get, path, headers: ["Accept": accept])
                    XCTAssertEqual(answer.status, .ok, "\(path) with \(accept): \(answer.text)")
                }
                for accept in [";;;", "application/json;q=-1", "application/json;q=1.0001", "application/json;q=NaN", "*/json", "/", "json",
                               "application/json;q=0.5;q=0"] {
                    let answer = try await client.call(.get, path, headers: ["Accept": accept])
                    XCTAssertEqual(answer.status, .badRequest, "\(path) with \(accept)")
                    XCTAssertEqual(answer.problemType, "urn:convoca:problem:bad-request", "\(path) with \(accept)")
                }
            }
            let contract = try await client.call(.get, "/openapi.yaml", headers: ["Accept": "application/yaml;q=0, */*"])
            XCTAssertEqual(contract.status, .notAcceptable)
            let yaml = try await client.call(.get, "/openapi.yaml", headers: ["Accept": "application/json, application/*;q=0.2"])
            XCTAssertEqual(yaml.status, .ok)

            // A change the client would not accept the answer of is not made, however the header rules JSON out.
            let withdraw = try await client.call(.post, "/v1/proposals/\(proposal)/withdraw", headers: ["Accept": "application/json;q=0, */*"])
            XCTAssertProblem(withdraw, .notAcceptable, "not-acceptable")
            let still = try await client.call(.get, "/v1/proposals/\(proposal)")
            XCTAssertEqual(still["status"] as? String, "draft")
        }
    }

    /// A `+` in a query is a space (form encoding), as the generated server reads it: every reader of
    /// the query agrees, and the parameter it spoils is named.
    func testAPlusInAQueryIsASpaceToEveryReader() async throws {
        try await TestApp.run { _, client in
            for path in ["/v1/calls?limit=+5", "/v1/proposals?limit=+1", "/v1/proposals?limit=1%2B"] {
                let answer = try await client.call(.get, path)
                XCTAssertProblem(answer, .badRequest, "validation")
                XCTAssertEqual(answer.errorPointers, ["limit"], path)
            }
            for path in ["/v1/proposals?updatedSince=2021-06-01T00:00:00+00:00", "/v1/audit-events?occurredFrom=2021-06-01T00:00:00+00:00"] {
                let answer = try await client.call(.get, path)
                XCTAssertProblem(answer, .badRequest, "validation")
                XCTAssertEqual(answer.errorPointers.count, 1, path)
            }
            let encoded = try await client.call(.get, "/v1/proposals?updatedSince=2021-06-01T00:00:00%2B00:00")
            XCTAssertEqual(encoded.status, .ok, encoded.text)
            // A value that cannot be read is named once, for that, whether or not the parameter exists.
            for (path, pointers) in [
                ("/v1/proposals?country=%ZZ", ["country"]), ("/v1/proposals?limit=%zz", ["limit"]),
                ("/v1/proposals?x=%zz", ["x"]), ("/v1/proposals?x=%zz&y=1", ["x", "y"]),
                ("/v1/proposals?x=%zz&x=%zz", ["x"]), ("/v1/proposals?x=1&x=1", ["x"]),
            ] {
                let broken = try await client.call(.get, path)
                XCTAssertProblem(broken, .badRequest, "validation")
                XCTAssertEqual(broken.errorPointers, pointers, path)
            }
            // The unfiltered page (the fast path) names an unreadable cursor as the filtered one does.
            for value in ["%zz", "%00"] {
                func errors(_ path: String) async throws -> [[String: String]] {
                    let answer = try await client.call(.get, path)
                    XCTAssertProblem(answer, .badRequest, "validation")
                    return ((answer["errors"] as? [[String: Any]]) ?? []).map { $0.compactMapValues { $0 as? String } }
                }
                let alone = try await errors("/v1/proposals?cursor=\(value)")
                let filtered = try await errors("/v1/proposals?cursor=\(value)&status=draft")
                XCTAssertEqual(alone, filtered, value)
                XCTAssertEqual(alone.map { $0["pointer"] }, ["cursor"], value)
            }
        }
    }

    /// An operation whose JSON body is required, called without one, says so in the caller's language.
    func testAMissingRequiredBodyIsNamedAsSuch() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let cases: [(HTTPRequest.Method, String, [String: String])] = [
                (.post, "/v1/calls", [:]), (.post, "/v1/organisations", [:]), (.post, "/v1/calls/LAC-2021/proposals", [:]),
                (.patch, "/v1/organisations/\(lead)", ["If-Match": "\"1\""]),
            ]
            for (method, path, headers) in cases {
                let answer = try await client.call(method, path, headers: headers.merging(["Accept-Language": "fr"]) { a, _ in a })
                XCTAssertProblem(answer, .badRequest, "validation")
                let errors = answer["errors"] as? [[String: Any]] ?? []
                XCTAssertEqual(errors.first?["pointer"] as? String, "", path)
                XCTAssertEqual(errors.first?["detail"] as? String, "est obligatoire", path)
            }
            let unchanged = try await client.call(.get, "/v1/organisations/\(lead)")
            XCTAssertEqual(unchanged.headers[.eTag], "\"1\"")
        }
    }

    /// A body is read as sent: one with a content coding would be stored as its compressed bytes.
    func testABodyWithAContentCodingIsRefused() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let proposal = try await Fixtures.proposalID(client, lead: lead)
            for coding in ["gzip", "identity, gzip", "br"] {
                let upload = try await client.call(
                    .post, "/v1/proposals/\(proposal)/documents?filename=notes.txt", body: Data("plain words".utf8),
                    contentType: "text/plain", headers: ["Content-Encoding": coding])
                XCTAssertProblem(upload, .unsupportedMediaType, "unsupported-media-type")
                XCTAssertEqual(upload.headers[HTTPField.Name("Accept-Encoding")!], "identity")
                let json = try await client.call(.post, "/v1/organisations", body: Fixtures.organisationBody(), headers: ["Content-Encoding": coding])
                XCTAssertProblem(json, .unsupportedMediaType, "unsupported-media-type")
            }
            let listed = try await client.call(.get, "/v1/proposals/\(proposal)/documents")
            XCTAssertEqual((listed["items"] as? [Any])?.count, 0, "nothing was stored")
            // JSON is UTF-8 (RFC 8259): a body labelled with another charset is not read as JSON.
            for contentType in ["application/json; charset=latin1", "application/json; charset=\"utf-16\""] {
                let labelled = try await client.call(.post, "/v1/organisations", body: Fixtures.organisationBody(), contentType: contentType)
                XCTAssertProblem(labelled, .unsupportedMediaType, "unsupported-media-type")
            }
            let utf8 = try await client.call(
                .post, "/v1/organisations", body: Fixtures.organisationBody(), contentType: "application/json; charset=UTF-8")
            XCTAssertEqual(utf8.status, .created, utf8.text)
            let identity = try await client.call(
                .post, "/v1/proposals/\(proposal)/documents?filename=notes.txt", body: Data("plain words".utf8),
                contentType: "text/plain", headers: ["Content-Encoding": "identity"])
            XCTAssertEqual(identity.status, .created, identity.text)
        }
    }

    /// A body on a GET or DELETE, which no operation here takes, is not read: an anonymous client
    /// gets its 401 however large or malformed the body, and a body never changes an answer.
    func testABodyOnAReadOrADeleteIsNotRead() async throws {
        try await TestApp.run { app, client in
            let malformed = Data(("{\"x\": [" + String(repeating: "1,", count: 100_000)).utf8)
            let anonymous = try await client.call(.get, "/v1/calls", token: nil, body: malformed)
            XCTAssertProblem(anonymous, .unauthorized, "unauthorized")
            for contentType in ["application/json", "text/plain", nil] {
                let read = try await client.call(.get, "/v1/calls/LAC-2021", body: malformed, contentType: contentType)
                XCTAssertEqual(read.status, .ok, "\(contentType ?? "no type"): \(read.text)")
            }
            let secret = try await Fixtures.token(app, role: "reporting")
            let me = try await client.call(.get, "/v1/me", token: secret)
            let tokenID = try XCTUnwrap(me["tokenId"] as? String)
            // Its success has no body, so `Accept` has no representation to rule out.
            let revoked = try await client.call(
                .delete, "/v1/tokens/\(tokenID)", body: malformed, contentType: nil, headers: ["Accept": "text/html"])
            XCTAssertEqual(revoked.status, .noContent, revoked.text)

            // A change that takes no body ignores one, as clients that send `{}` with every POST expect:
            // not read, checked or parsed, whatever its size, type or coding.
            let lead = try await Fixtures.createOrganisation(client)
            let large = Data(repeating: UInt8(ascii: " "), count: 2 << 20)
            let ignored: [(Data, String?, [String: String])] = [
                (Data("{}".utf8), "application/json", [:]), (Data("why not".utf8), "text/plain", [:]),
                (Data("{bad".utf8), "application/json", [:]), (large, "application/json", [:]),
                (Data("{}".utf8), "*/*", [:]), (Data("{}".utf8), "application/json; charset=bogus", [:]),
                (Data("{}".utf8), "application/json", ["Content-Encoding": "gzip"]), (Data("{}".utf8), nil, [:]),
            ]
            for (body, contentType, headers) in ignored {
                let proposal = try await Fixtures.proposalID(client, lead: lead)
                let withdrawn = try await client.call(
                    .post, "/v1/proposals/\(proposal)/withdraw", body: body, contentType: contentType, headers: headers)
                XCTAssertEqual(withdrawn.status, .ok, "\(contentType ?? "no type") \(headers): \(withdrawn.text)")
                // The state still decides: a second withdrawal is refused as without a body.
                let again = try await client.call(
                    .post, "/v1/proposals/\(proposal)/withdraw", body: body, contentType: contentType, headers: headers)
                XCTAssertProblem(again, .conflict, "conflict")
            }
            // Nor does a role that may not call it get further for sending one.
            let reporting = try await Fixtures.token(app, role: "reporting")
            let proposal = try await Fixtures.proposalID(client, lead: lead)
            let refused = try await client.call(.post, "/v1/proposals/\(proposal)/withdraw", token: reporting, body: large)
            XCTAssertProblem(refused, .forbidden, "forbidden")
        }
    }

    func testAChangeWhoseAnswerCannotBeAcceptedIsRefusedBeforeItIsMade() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            for (contentType, accept) in [
                ("application/json", "text/html"), ("application/json; charset=utf-8", "text/html"),
                ("application/json", "application/json;q=0, text/html"),  // q=0: "not this one" (RFC 9110)
            ] {
                let refused = try await client.call(
                    .post, "/v1/calls/LAC-2021/proposals", body: Fixtures.proposalBody(lead: lead), contentType: contentType,
                    headers: ["Accept": accept])
                XCTAssertProblem(refused, .notAcceptable, "not-acceptable")
            }
            let none = try await client.call(.get, "/v1/proposals?leadOrganisationId=\(lead)")
            XCTAssertEqual((none["items"] as? [Any])?.count, 0, "a refused creation stored nothing")

            let accepted = try await client.call(
                .post, "/v1/calls/LAC-2021/proposals", body: Fixtures.proposalBody(lead: lead),
                headers: ["Accept": "text/html, application/json;q=0.9"])
            XCTAssertEqual(accepted.status, .created, accepted.text)
            let id = try XCTUnwrap(accepted["id"] as? String)
            let patch = try await client.call(
                .patch, "/v1/proposals/\(id)", body: ["title": "Changed"], contentType: "application/merge-patch+json",
                headers: ["If-Match": "\"1\"", "Accept": "text/html"])
            XCTAssertProblem(patch, .notAcceptable, "not-acceptable")
            let unchanged = try await client.call(.get, "/v1/proposals/\(id)")
            XCTAssertEqual(unchanged.headers[.eTag], "\"1\"")
            XCTAssertEqual(unchanged["title"] as? String, "Formalisation in two clicks")
        }
    }

    /// The early 406 above assumes every change answers JSON; hold the contract to it.
    func testEveryChangeOfTheContractAnswersJSON() throws {
        let document = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
        let paths = try XCTUnwrap(document["paths"] as? [String: Any])
        var checked = 0
        for (path, item) in paths {
            for method in ["post", "patch", "put"] {
                guard let operation = (item as? [String: Any])?[method] as? [String: Any],
                    let responses = operation["responses"] as? [String: Any]
                else { continue }
                for (status, response) in responses where status.hasPrefix("2") {
                    let content = ((response as? [String: Any])?["content"] as? [String: Any]) ?? [:]
                    XCTAssertTrue(Set(content.keys).isSubset(of: ["application/json"]), "\(method) \(path) \(status): \(content.keys)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 10)
    }

    /// Statuses any operation can answer are in each operation's list: 500 everywhere, 503 (a
    /// connection over the limit), 408 (a body announced, not sent in time) and 501 (a transfer coding
    /// other than `chunked`) too, 400 (a head without `Host`), 406 wherever a success carries a body (`Accept`
    /// against it).
    func testEveryOperationDocumentsTheStatusesItCanAlwaysAnswer() throws {
        let document = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
        let paths = try XCTUnwrap(document["paths"] as? [String: Any])
        let shared = try XCTUnwrap((document["components"] as? [String: Any])?["responses"] as? [String: Any])
        var operations = 0
        for (path, item) in paths {
            for method in ContractOperations.methods {
                guard let operation = (item as? [String: Any])?[method] as? [String: Any],
                    let responses = operation["responses"] as? [String: Any]
                else { continue }
                operations += 1
                XCTAssertNotNil(responses["500"], "\(method) \(path) lists no 500")
                XCTAssertNotNil(responses["503"], "\(method) \(path) lists no 503")
                XCTAssertNotNil(responses["408"], "\(method) \(path) lists no 408")
                XCTAssertNotNil(responses["501"], "\(method) \(path) lists no 501")
                // A head without `Host`, or a parameter the operation does not have.
                XCTAssertNotNil(responses["400"], "\(method) \(path) lists no 400")
                let answersABody = responses.contains { status, response in
                    guard status.hasPrefix("2"), var response = response as? [String: Any] else { return false }
                    if let ref = response["$ref"] as? String {
                        response = (shared[String(ref.split(separator: "/").last!)] as? [String: Any]) ?? [:]
                    }
                    return !((response["content"] as? [String: Any]) ?? [:]).isEmpty
                }
                if answersABody { XCTAssertNotNil(responses["406"], "\(method) \(path) lists no 406") }
                // The server checks `Accept` on every GET without looking the operation up.
                if method == "get" { XCTAssertTrue(answersABody, "\(method) \(path) answers no body") }
                // A key reused with another request is refused with 422.
                let parameters = (operation["parameters"] as? [[String: Any]]) ?? []
                if parameters.contains(where: { ($0["$ref"] as? String)?.hasSuffix("/IdempotencyKey") == true }) {
                    XCTAssertNotNil(responses["422"], "\(method) \(path) takes an Idempotency-Key but lists no 422")
                }
            }
        }
        XCTAssertGreaterThan(operations, 30)
    }

    /// An unquoted comma inside a flow mapping (`{description: a, b}`) silently makes `b` a key
    /// with no value: the description is cut and the schema gains a keyword nobody meant. Outside
    /// examples and defaults, the contract holds no null.
    func testTheContractHoldsNoStrayNullKeys() throws {
        let document = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()))
        var stray: [String] = []
        func walk(_ node: Any, _ path: String) {
            if let map = node as? [String: Any] {
                for (key, value) in map where !["example", "examples", "default", "const", "enum"].contains(key) {
                    if value is NSNull { stray.append(path + "/" + key) } else { walk(value, path + "/" + key) }
                }
            } else if let list = node as? [Any] {
                for (index, value) in list.enumerated() { walk(value, path + "/\(index)") }
            }
        }
        walk(document, "")
        XCTAssertEqual(stray, [])
    }

    /// Every link of the contract (what a client can do next with an answer) names an operation, only
    /// parameters that operation has, and values the answer or request it leaves from carries.
    func testEveryLinkLeadsSomewhereWithWhatTheAnswerCarries() throws {
        let document = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
        let components = try XCTUnwrap(document["components"] as? [String: Any])
        let sharedParameters = try XCTUnwrap(components["parameters"] as? [String: [String: Any]])
        let schemas = try XCTUnwrap(components["schemas"] as? [String: [String: Any]])
        let headers = try XCTUnwrap(components["headers"] as? [String: Any])
        func resolved(_ node: [String: Any], in table: [String: [String: Any]]) -> [String: Any] {
            (node["$ref"] as? String).flatMap { table[String($0.split(separator: "/").last!)] } ?? node
        }
        var operations: [String: (parameters: [String: String], operation: [String: Any])] = [:]
        for (_, item) in try XCTUnwrap(document["paths"] as? [String: [String: Any]]) {
            let shared = item["parameters"] as? [[String: Any]] ?? []
            for case let (_, operation as [String: Any]) in item {
                guard let id = operation["operationId"] as? String else { continue }
                var names: [String: String] = [:]
                for parameter in shared + (operation["parameters"] as? [[String: Any]] ?? []) {
                    let p = resolved(parameter, in: sharedParameters)
                    names[p["name"] as! String] = p["in"] as? String
                }
                operations[id] = (names, operation)
            }
        }
        let links = try XCTUnwrap(components["links"] as? [String: [String: Any]])
        var used: Set<String> = []
        for (id, entry) in operations {
            for case let (_, response as [String: Any]) in entry.operation["responses"] as? [String: Any] ?? [:] {
                for case let (name, link as [String: Any]) in response["links"] as? [String: Any] ?? [:] {
                    let linkName = try XCTUnwrap((link["$ref"] as? String)?.split(separator: "/").last.map(String.init), name)
                    let target = try XCTUnwrap(links[linkName], linkName)
                    used.insert(linkName)
                    let targetID = try XCTUnwrap(target["operationId"] as? String, linkName)
                    let targetParameters = try XCTUnwrap(operations[targetID], "\(linkName): no operation \(targetID)").parameters
                    let body = resolved(
                        try XCTUnwrap(((response["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any]),
                        in: schemas)
                    for case let (key, expression as String) in try XCTUnwrap(target["parameters"] as? [String: Any], linkName) {
                        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
                        let (place, parameter) = parts.count == 2 ? (Optional(parts[0]), parts[1]) : (nil, parts[0])
                        XCTAssertNotNil(targetParameters[parameter], "\(linkName): \(targetID) has no parameter \(parameter)")
                        if let place { XCTAssertEqual(targetParameters[parameter], place, "\(linkName): \(key)") }
                        if let member = expression.removingPrefix("$response.body#/") {
                            XCTAssertNotNil((body["properties"] as? [String: Any])?[member], "\(linkName): the answer of \(id) has no \(member)")
                            XCTAssertTrue((body["required"] as? [String])?.contains(member) == true, "\(linkName): \(member) may be missing")
                        } else if let header = expression.removingPrefix("$response.header.") {
                            XCTAssertNotNil((response["headers"] as? [String: Any])?[header] ?? nil, "\(linkName): \(id) answers no \(header)")
                            XCTAssertNotNil(headers[header], header)
                        } else if let path = expression.removingPrefix("$request.path.") {
                            XCTAssertEqual(entry.parameters[path], "path", "\(linkName): \(id) has no path parameter \(path)")
                        } else {
                            XCTFail("\(linkName): \(expression) is not an expression this test reads")
                        }
                    }
                }
            }
        }
        XCTAssertEqual(used, Set(links.keys), "links defined but offered by no answer")
        XCTAssertFalse(used.isEmpty)
    }

    func testEveryLastPageSaysItsNextCursorIsNull() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            _ = try await Fixtures.createOrganisation(client, name: "Second")
            let proposal = try await Fixtures.proposalID(client, lead: lead)
            let lastPages = [
                "/v1/calls", "/v1/organisations?limit=200", "/v1/proposals", "/v1/proposals?status=draft",
                "/v1/proposals/\(proposal)/documents", "/v1/calls/LAC-2021/rulesets", "/v1/tokens",
                "/v1/audit-events?limit=200",
            ]
            for path in lastPages {
                let page = try await client.call(.get, path)
                XCTAssertEqual(page.status, .ok, "\(path): \(page.text)")
                XCTAssertTrue(page.json["nextCursor"] is NSNull, "\(path) answered \(page.text.suffix(80))")
                if let length = page.headers[.contentLength] { XCTAssertEqual(Int(length), page.body.count, path) }
                XCTAssertNotNil(page.json["items"] as? [Any], path)
            }
            let first = try await client.call(.get, "/v1/organisations?limit=1")
            XCTAssertNotNil(first.json["nextCursor"] as? String, first.text)
            XCTAssertEqual((first.json["items"] as? [Any])?.count, 1)
        }
    }

    /// `NullCursorMiddleware` relies on the pages being the contract's only required nullable
    /// properties and on its table naming every operation that answers one.
    func testPagesAreTheOnlyRequiredNullablePropertiesAndAllAreCovered() throws {
        let document = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
        let schemas = try XCTUnwrap((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        var requiredNullable: [String] = []
        func walk(_ schema: Any, _ path: String) {
            guard let schema = schema as? [String: Any] else { return }
            let required = Set(schema["required"] as? [String] ?? [])
            for (name, property) in schema["properties"] as? [String: Any] ?? [:] {
                if required.contains(name), let types = (property as? [String: Any])?["type"] as? [String], types.contains("null") {
                    requiredNullable.append(path + "." + name)
                }
                walk(property, path + "." + name)
            }
            if let items = schema["items"] { walk(items, path + "[]") }
        }
        for (name, schema) in schemas { walk(schema, name) }
        let pageSchemas = Set(schemas.keys.filter { $0.hasSuffix("Page") })
        XCTAssertEqual(Set(requiredNullable), Set(pageSchemas.map { $0 + ".nextCursor" }))
        for name in pageSchemas {
            let properties = ((schemas[name] as? [String: Any])?["properties"] as? [String: Any]) ?? [:]
            XCTAssertEqual(Set(properties.keys), ["items", "nextCursor"], name)
        }

        var pageOperations: Set<String> = []
        for (_, item) in try XCTUnwrap(document["paths"] as? [String: Any]) {
            for method in ContractOperations.methods {
                guard let operation = (item as? [String: Any])?[method] as? [String: Any],
                    let ok = (operation["responses"] as? [String: Any])?["200"] as? [String: Any],
                    let schema = ((ok["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any],
                    let ref = schema["$ref"] as? String, pageSchemas.contains(String(ref.split(separator: "/").last!))
                else { continue }
                pageOperations.insert(try XCTUnwrap(operation["operationId"] as? String))
            }
        }
        XCTAssertEqual(NullCursorMiddleware.pages, pageOperations)
    }

    /// PostgreSQL text cannot hold U+0000: such a string is refused with its pointer, on every
    /// JSON body (fast path, generated path, merge patches), never a 500.
    /// A terminal escape or a bell in a name, or a bidirectional override that shows it as another
    /// name, is refused wherever a text goes; line breaks and tabs in longer texts are fine.
    func testControlCharactersAndBidiOverridesInTextsAreRefused() async throws {
        try await TestApp.run { _, client in
            var organisation = Fixtures.organisationBody(name: "Org\u{7}\u{1B}[31m")
            organisation["contacts"] = [["name": "Ana\u{202E}lanigirO", "email": "a@x.example"]]
            let refused = try await client.call(.post, "/v1/organisations", body: organisation)
            XCTAssertProblem(refused, .badRequest, "validation")
            XCTAssertEqual(Set(refused.errorPointers), ["/legalName", "/contacts/0/name"])

            let lead = try await Fixtures.createOrganisation(client)
            var proposal = Fixtures.proposalBody(lead: lead)
            proposal["summary"] = "Line one.\n\tLine two, indented.\r\nLine three."
            let created = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: proposal)
            XCTAssertEqual(created.status, .created, created.text)
            proposal["title"] = "Title\u{2066}hidden\u{2069}"
            let isolate = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: proposal)
            XCTAssertEqual(isolate.errorPointers, ["/title"])
        }
    }

    func testNULCharactersInJSONAreRefusedWithTheirPointers() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            var organisation = Fixtures.organisationBody(name: "N\u{0}L")
            organisation["contacts"] = [["name": "A", "email": "a@x.example", "phone": "1\u{0}"]]
            let refused = try await client.call(.post, "/v1/organisations", body: organisation)
            XCTAssertProblem(refused, .badRequest, "validation")
            let pointers = ((refused.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
            XCTAssertEqual(Set(pointers), ["/legalName", "/contacts/0/phone"])

            var proposal = Fixtures.proposalBody(lead: lead)
            proposal["title"] = "\u{0}"
            XCTAssertProblem(try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: proposal), .badRequest, "validation")
            let id = try await Fixtures.proposalID(client, lead: lead)
            let patch = try await client.call(
                .patch, "/v1/proposals/\(id)", body: ["summary": "a\u{0}b"], contentType: "application/merge-patch+json",
                headers: ["If-Match": "\"1\""])
            XCTAssertProblem(patch, .badRequest, "validation")
            XCTAssertEqual((patch.json["errors"] as? [[String: Any]])?.first?["pointer"] as? String, "/summary")
            let listed = try await client.call(.get, "/v1/organisations?limit=200")
            XCTAssertFalse(listed.text.contains("N\\u0000L"), "nothing stored")
            // In a path or a query the character is refused or finds nothing; it never reaches SQL.
            for path in ["/v1/calls/%00", "/v1/calls/A%00/rulesets", "/v1/proposals?questionId=%00",
                         "/v1/audit-events?entityType=%00", "/v1/proposals?solutionTypeId=S%001"] {
                let answer = try await client.call(.get, path)
                XCTAssertTrue([400, 404].contains(answer.status.code), "\(path): \(answer.status) \(answer.text)")
            }
        }
    }

    /// Half a UTF-16 surrogate pair, escaped in a body, is refused with its pointer: it cannot be
    /// stored as sent, and reading it as U+FFFD would store other text.
    func testLoneSurrogatesInJSONAreRefusedWithTheirPointers() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let body = #"{"leadOrganisationId": "\#(lead)", "title": "a\uD800", "summary": "\uD83D\uDE00 fine", "#
                + #""projectLead": {"name": "\uDC00", "email": "ana@example.org"}}"#
            let created = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: Data(body.utf8))
            XCTAssertProblem(created, .badRequest, "validation")
            XCTAssertEqual(created.errorPointers, ["/title", "/projectLead/name"])
            let details = (created.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
            XCTAssertEqual(Set(details), ["must not contain half of a UTF-16 surrogate pair (a \\uD800–\\uDFFF escape without its other half)"])
            let id = try await Fixtures.proposalID(client, lead: lead)
            let patch = try await client.call(
                .patch, "/v1/proposals/\(id)", body: Data(#"{"summary": "b\uDBFF"}"#.utf8), contentType: "application/merge-patch+json",
                headers: ["If-Match": "\"1\""])
            XCTAssertProblem(patch, .badRequest, "validation")
            XCTAssertEqual(patch.errorPointers, ["/summary"])
            let unchanged = try await client.call(.get, "/v1/proposals/\(id)")
            XCTAssertEqual(unchanged.headers[.eTag], "\"1\"")
            // A whole pair is one character, kept as sent.
            let emoji = try await client.call(
                .patch, "/v1/proposals/\(id)", body: Data(#"{"summary": "\uD83D\uDE00"}"#.utf8), contentType: "application/merge-patch+json",
                headers: ["If-Match": "\"1\""])
            XCTAssertEqual(emoji.status, .ok, emoji.text)
            XCTAssertEqual(emoji["summary"] as? String, "😀")
        }
    }

    /// A member name given twice in one object is ambiguous (programs disagree on which value wins):
    /// refused with its pointer, with every other such problem, and nothing is stored.
    func testRepeatedMemberNamesAreRefusedWithTheirPointers() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let body = #"{"leadOrganisationId": "\#(lead)", "title": "First", "title": "Second", "language": "es", "#
                + #""projectLead": {"name": "Ana", "name": "Eva", "email": "ana@example.org"}, "summary": "a\u0000b"}"#
            let count = { try await app.pool.withConnection { c in try await c.query("SELECT count(*)::int8 AS n FROM proposals")[0].decode(Int.self, column: "n") } }
            let before = try await count()
            let created = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: Data(body.utf8))
            XCTAssertProblem(created, .badRequest, "validation")
            XCTAssertEqual(Set(created.errorPointers), ["/title", "/projectLead/name", "/summary"])
            let details = (created.json["errors"] as? [[String: Any]] ?? []).filter { $0["pointer"] as? String == "/title" }
            XCTAssertEqual(details.first?["detail"] as? String, "appears more than once in its object")
            let after = try await count()
            XCTAssertEqual(after, before)

            let proposal = try await Fixtures.createProposal(client, lead: lead)
            let id = try XCTUnwrap(proposal["id"] as? String)
            let patched = try await client.call(
                .patch, "/v1/proposals/\(id)", body: Data(#"{"title": "A", "title": null}"#.utf8),
                contentType: "application/merge-patch+json", headers: ["If-Match": try XCTUnwrap(proposal.headers[.eTag])])
            XCTAssertProblem(patched, .badRequest, "validation")
            XCTAssertEqual(patched.errorPointers, ["/title"])
        }
    }

    /// A query parameter the operation does not declare (a misspelt filter would otherwise answer
    /// unfiltered) or a single-valued one given twice is refused by name; arrays may repeat.
    func testUndeclaredAndRepeatedQueryParametersAreRefusedByName() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let refused: [(String, [String])] = [
                ("/v1/proposals?contry=PE", ["contry"]),
                ("/v1/proposals?limit=1&cursor=x&extra=1", ["extra"]),
                ("/v1/proposals?targetGroup=women&targetGroup=youth", ["targetGroup"]),
                ("/v1/proposals?limit=1&limit=2", ["limit"]),
                ("/v1/proposals/\(id)?expand=documents", ["expand"]),
                ("/v1/calls?_=1700000000", ["_"]),
                ("/v1/organisations?limit=5&country=PE&foo=1&bar=2", ["foo", "bar"]),
            ]
            for (path, names) in refused {
                let response = try await client.call(.get, path, headers: ["Accept-Language": "fr"])
                XCTAssertProblem(response, .badRequest, "validation")
                XCTAssertEqual(Set(response.errorPointers), Set(names), path)
            }
            let unknown = try await client.call(.get, "/v1/proposals?contry=PE")
            XCTAssertEqual((unknown.json["errors"] as? [[String: Any]])?.first?["detail"] as? String, "is not a parameter of this operation")
            let accepted = [
                "/v1/proposals?limit=1", "/v1/proposals?targetGroup=women&status=draft",
                "/v1/proposals/\(id)/eligibility?phase=submission&phase=screening",
            ]
            for path in accepted {
                let response = try await client.call(.get, path)
                XCTAssertNotEqual(response.status, .badRequest, "\(path): \(response.text)")
            }
        }
    }

    func testBodyOverTheLimitIs413() async throws {
        try await TestApp.run(configure: { $0.maxBodyBytes = 2048 }) { _, client in
            let big = Data(("{\"legalName\": \"" + String(repeating: "a", count: 4096) + "\"}").utf8)
            let response = try await client.call(.post, "/v1/organisations", body: big)
            XCTAssertProblem(response, .contentTooLarge, "content-too-large")
        }
    }

    func testMissingOrUnsupportedContentTypeIs415() async throws {
        try await TestApp.run { _, client in
            let body = Data(#"{"legalName": "x", "kind": "ngo", "nonProfit": true, "country": "PE"}"#.utf8)
            let missing = try await client.call(.post, "/v1/organisations", body: body, contentType: nil)
            XCTAssertProblem(missing, .unsupportedMediaType, "unsupported-media-type")

            let wrong = try await client.call(.post, "/v1/organisations", body: body, contentType: "text/plain")
            XCTAssertProblem(wrong, .unsupportedMediaType, "unsupported-media-type")
            // A type that only mentions JSON in a parameter is not JSON: its body is not read as JSON (this
            // one would be malformed), the type is refused.
            let mentions = try await client.call(
                .post, "/v1/organisations", body: Data("legalName=x".utf8), contentType: "text/plain; format=json")
            XCTAssertProblem(mentions, .unsupportedMediaType, "unsupported-media-type")

            // What names no one media type is not read as JSON (nor its checks skipped): a wildcard, or a
            // value that is not `type/subtype`. A body with a repeated member shows which reading happened.
            let twice = Data(#"{"legalName": "x", "legalName": "y", "kind": "ngo", "nonProfit": true, "country": "PE"}"#.utf8)
            for contentType in ["*/*", "application/*", "json", "application/json/x", "; charset=utf-8"] {
                let unnamed = try await client.call(.post, "/v1/organisations", body: twice, contentType: contentType)
                XCTAssertProblem(unnamed, .unsupportedMediaType, "unsupported-media-type")
            }
            let named = try await client.call(.post, "/v1/organisations", body: twice, contentType: "application/json; charset=utf-8")
            XCTAssertProblem(named, .badRequest, "validation")
            XCTAssertEqual(named.errorPointers, ["/legalName"])
        }
    }

    func testProblemTitlesFollowAcceptLanguage() async throws {
        try await TestApp.run { _, client in
            let french = try await client.call(.get, "/v1/nothing", headers: ["Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"])
            XCTAssertEqual(french["title"] as? String, "Introuvable")
            let spanish = try await client.call(.get, "/v1/nothing", headers: ["Accept-Language": "de, es;q=0.5"])
            XCTAssertEqual(spanish["title"] as? String, "No encontrado")
            let fallback = try await client.call(.get, "/v1/nothing", headers: ["Accept-Language": "de"])
            XCTAssertEqual(fallback["title"] as? String, "Not found")
        }
    }
}
