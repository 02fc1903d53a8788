import ConvocaAPI
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Rules

/// Every fault of a request document, not only the first.
///
/// The generated decoders stop at the first thing wrong (a missing member, a wrong type, a value
/// outside an enumeration, an unknown member, an instant that is not one). When a document fails
/// to decode, it is walked once along its contract schema (`ContractConstraints.problems`), which
/// finds all of those and every constraint the document breaks, so the 400 names each bad field.
enum DocumentFaults {
    /// The problem for `document`, which failed to decode as schema `schema` with `failure`.
    /// `now` is the request's clock reading, for the value checks that compare with it.
    static func problem(_ document: JSONValue, schema: String, failure: DecodingError, now: Date) -> Problem {
        let own = ProblemMapping.problem(for: failure)
        var errors = ContractConstraints.shared.problems(in: document, schema: schema)
        guard !errors.isEmpty else { return own }
        // The decoder's own finding, should the walk not know it.
        for error in own.errors where own.kind == .validation && !errors.contains(where: { $0.pointer == error.pointer }) {
            errors.append(error)
        }
        return .validation(withValueChecks(errors, document: document, schema: schema, now: now))
    }

    /// `errors` (the document's shape faults) and what the service's value checks find in the rest
    /// of it: the members named by a shape fault are left out and what remains is decoded and checked
    /// as a write would check it, so one wrong type does not hide a bad e-mail elsewhere. When what
    /// remains does not decode either (a required member is at fault), only `errors` are known.
    static func withValueChecks(
        _ errors: [Problem.FieldError], document: JSONValue, schema: String, now: Date
    ) -> [Problem.FieldError] {
        guard let check = valueChecks[schema], case .object(var members) = document else { return errors }
        let faulty = Set(errors.map { topMember(of: $0.pointer) })
        guard !faulty.contains(nil) else { return errors }
        for name in faulty { if let name { members.removeValue(forKey: name) } }
        var all = errors
        for error in check(.object(members), now)
        where !faulty.contains(topMember(of: error.pointer)) && !all.contains(where: { $0.pointer == error.pointer }) {
            all.append(error)
        }
        return all.sorted { $0.pointer < $1.pointer }
    }

    /// The checks each write applies to a document that has the contract's shape, per schema.
    static let valueChecks: [String: @Sendable (JSONValue, Date) -> [Problem.FieldError]] = [
        "CallInput": checking(Components.Schemas.CallInput.self) { call, _ throws(Problem) in try CallValidation.validate(call) },
        "OrganisationInput": checking(Components.Schemas.OrganisationInput.self) { organisation, now throws(Problem) in
            try OrganisationValidation.validate(organisation, today: now)
        },
        "ProposalInput": checking(Components.Schemas.ProposalInput.self) { proposal, _ throws(Problem) in
            try ProposalValidation.validate(proposal)
        },
        "TokenInput": checking(Components.Schemas.TokenInput.self) { token, now throws(Problem) in
            try TokensService.validate(token, now: now)
        },
    ]

    private static func checking<Input: Decodable>(
        _ type: Input.Type, _ validate: @escaping @Sendable (Input, Date) throws(Problem) -> Void
    ) -> @Sendable (JSONValue, Date) -> [Problem.FieldError] {
        { document, now in
            guard let input = try? Representation.decoder.decode(Input.self, from: Data(document.jsonText.utf8)) else { return [] }
            do throws(Problem) {
                try validate(input, now)
                return []
            } catch {
                return error.kind == .validation ? error.errors : []
            }
        }
    }

    /// The root member a JSON pointer starts with (`/contacts/0/email` → `contacts`); nil for the root itself.
    private static func topMember(of pointer: String) -> String? {
        guard pointer.hasPrefix("/") else { return nil }
        let first = pointer.dropFirst().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return first.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }
}

/// Names every fault of the JSON bodies the generated server decodes (see `DocumentFaults`).
///
/// Runs after access checks, so only callers allowed to send a body get it read twice, and only
/// when the generated decoding failed.
struct DocumentFaultsMiddleware: ServerMiddleware {
    /// The operations with an `application/json` body and the schema it decodes into. A test holds
    /// this table to `openapi.yaml`. (Merge-patch documents are checked once merged, by the services.)
    static let bodies: [String: Body] = [
        "createCall": .init("CallInput", Components.Schemas.CallInput.self),
        "createOrganisation": .init("OrganisationInput", Components.Schemas.OrganisationInput.self),
        "createProposal": .init("ProposalInput", Components.Schemas.ProposalInput.self),
        "evaluateRule": .init("RuleEvaluationInput", Components.Schemas.RuleEvaluationInput.self),
        "createRuleset": .init("RulesetInput", Components.Schemas.RulesetInput.self),
        "overrideProposalScreening": .init("ScreeningOverrideInput", Components.Schemas.ScreeningOverrideInput.self),
        "createToken": .init("TokenInput", Components.Schemas.TokenInput.self),
    ]

    /// The merge-patch operations. Their documents are checked by the services: member names first
    /// (`null` included, at any depth), then the merged result as a whole, every fault at once; and
    /// they are read as sent (`APIHandlers.mergePatch`), since the generated types (`ProposalPatch`…)
    /// read a member given as `null` as absent. The generated server is handed an empty patch in
    /// their place, so that its decoder, which stops at the first fault, does not answer first.
    static let mergePatches: Set<String> = ["updateCall", "updateOrganisation", "updateProposal"]

    /// A JSON body: the contract schema it is, and why it does not decode as that (nil when it does).
    struct Body: Sendable {
        let schema: String
        let decodingError: @Sendable ([UInt8]) -> DecodingError?
        init<Input: Decodable>(_ schema: String, _ type: Input.Type) {
            self.schema = schema
            decodingError = { bytes in
                do {
                    _ = try Representation.decoder.decode(Input.self, from: Data(bytes))
                    return nil
                } catch {
                    return error as? DecodingError
                }
            }
        }
    }

    /// Bodies are limited before they get here (`RequestLimitsMiddleware`); this only bounds the buffer.
    let maxBodyBytes: Int
    /// The server's clock, for the value checks that compare with it.
    let now: @Sendable () -> Date

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // No body where the contract requires one: said as such, not as JSON that does not parse.
        if body == nil || body?.length == .known(0), ContractConstraints.shared.requiresBody(operationID) {
            throw Problem.validation([.init(pointer: "", detail: .required)])
        }
        if Self.mergePatches.contains(operationID), let document = RequestScope.jsonBody {
            guard case .object = document else {
                throw Problem.validation([.init(pointer: "", detail: document == .null ? .mustBeNotNull(.object) : .mustBe(.object))])
            }
            return try await next(request, HTTPBody("{}"), metadata)
        }
        guard let known = Self.bodies[operationID], let body else { return try await next(request, body, metadata) }
        let bytes = try await [UInt8](collecting: body, upTo: maxBodyBytes)
        do {
            return try await next(request, HTTPBody(bytes), metadata)
        } catch let error as ServerError {
            // Only when the body itself does not decode (not a parameter or header that did not).
            guard error.underlyingError is DecodingError, let failure = known.decodingError(bytes),
                let document = try? JSONValue(parsing: bytes)
            else { throw error }
            throw DocumentFaults.problem(document, schema: known.schema, failure: failure, now: now())
        }
    }
}

extension JSONPointer {
    /// The coding path without the containers the generator adds (`value1`…), as in `from(_:)`.
    static func documentPath(_ path: [any CodingKey]) -> [any CodingKey] {
        path.filter { !$0.stringValue.hasPrefix("value") || $0.intValue != nil || Int($0.stringValue.dropFirst(5)) == nil }
    }
}
