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
    static func problem(_ document: JSONValue, schema: String, failure: DecodingError) -> Problem {
        let own = ProblemMapping.problem(for: failure)
        var errors = ContractConstraints.shared.problems(in: document, schema: schema)
        guard !errors.isEmpty else { return own }
        // The decoder's own finding, should the walk not know it.
        for error in own.errors where own.kind == .validation && !errors.contains(where: { $0.pointer == error.pointer }) {
            errors.append(error)
        }
        return .validation(errors)
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

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let known = Self.bodies[operationID], let body else { return try await next(request, body, metadata) }
        let bytes = try await [UInt8](collecting: body, upTo: maxBodyBytes)
        do {
            return try await next(request, HTTPBody(bytes), metadata)
        } catch let error as ServerError {
            // Only when the body itself does not decode (not a parameter or header that did not).
            guard error.underlyingError is DecodingError, let failure = known.decodingError(bytes),
                let document = try? JSONValue(parsing: bytes)
            else { throw error }
            throw DocumentFaults.problem(document, schema: known.schema, failure: failure)
        }
    }
}

extension JSONPointer {
    /// The coding path without the containers the generator adds (`value1`…), as in `from(_:)`.
    static func documentPath(_ path: [any CodingKey]) -> [any CodingKey] {
        path.filter { !$0.stringValue.hasPrefix("value") || $0.intValue != nil || Int($0.stringValue.dropFirst(5)) == nil }
    }
}
