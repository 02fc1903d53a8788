import ConvocaAPI
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Rules

/// Every unknown field of a request document, not only the first.
///
/// The generated decoders stop at the first unknown field (the runtime reports one key of one
/// object). When that is the first thing wrong with a document, it is decoded again without each
/// unknown field found so far, until it decodes or fails for another reason, so the 400 names them
/// all at once, as validation problems do.
enum UnknownFields {
    static func isUnknownField(_ error: DecodingError) -> Bool {
        guard case .dataCorrupted(let context) = error, !context.codingPath.isEmpty else { return false }
        return context.debugDescription.hasPrefix("Additional properties are disabled")
    }

    /// The pointers of the unknown fields, sorted; nil when `document` does not first fail on one.
    static func pointers<T: Decodable>(_ type: T.Type, in document: JSONValue, limit: Int = 100) -> [String]? {
        var document = document
        var found: [String] = []
        for _ in 0..<limit {
            do {
                _ = try Representation.decoder.decode(type, from: Data(document.jsonText.utf8))
                break
            } catch let error as DecodingError {
                guard isUnknownField(error), case .dataCorrupted(let context) = error else { break }
                let path = JSONPointer.documentPath(context.codingPath)
                found.append(JSONPointer.from(path))
                guard document.removeValue(at: path[...]) else { break }
            } catch {
                break
            }
        }
        return found.isEmpty ? nil : found.sorted()
    }

    /// The problem for a document whose decoding failed on an unknown field.
    static func problem(_ pointers: [String]) -> Problem {
        .validation(pointers.map { .init(pointer: $0, detail: .notAKnownField) })
    }
}

/// Names every unknown field of the JSON bodies the generated server decodes (see `UnknownFields`).
///
/// Runs after access checks, so only callers allowed to send a body get it read twice, and only
/// when the first decoding failed on an unknown field.
struct UnknownFieldsMiddleware: ServerMiddleware {
    /// The operations with an `application/json` body and the schema it decodes into. A test holds
    /// this table to `openapi.yaml`. (Merge-patch documents are checked once merged, by the services.)
    static let bodies: [String: Body] = [
        "createCall": .init("CallInput") { UnknownFields.pointers(Components.Schemas.CallInput.self, in: $0) },
        "createOrganisation": .init("OrganisationInput") { UnknownFields.pointers(Components.Schemas.OrganisationInput.self, in: $0) },
        "createProposal": .init("ProposalInput") { UnknownFields.pointers(Components.Schemas.ProposalInput.self, in: $0) },
        "evaluateRule": .init("RuleEvaluationInput") { UnknownFields.pointers(Components.Schemas.RuleEvaluationInput.self, in: $0) },
        "createRuleset": .init("RulesetInput") { UnknownFields.pointers(Components.Schemas.RulesetInput.self, in: $0) },
        "overrideProposalScreening": .init("ScreeningOverrideInput") {
            UnknownFields.pointers(Components.Schemas.ScreeningOverrideInput.self, in: $0)
        },
        "createToken": .init("TokenInput") { UnknownFields.pointers(Components.Schemas.TokenInput.self, in: $0) },
    ]

    /// A JSON body: the contract schema it is, and how to find its unknown fields.
    struct Body: Sendable {
        let schema: String
        let unknownFields: @Sendable (JSONValue) -> [String]?
        init(_ schema: String, unknownFields: @escaping @Sendable (JSONValue) -> [String]?) {
            self.schema = schema
            self.unknownFields = unknownFields
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
            guard let decoding = error.underlyingError as? DecodingError, let document = try? JSONValue(parsing: bytes) else {
                throw error
            }
            if UnknownFields.isUnknownField(decoding), let pointers = known.unknownFields(document), pointers.count > 1 {
                throw UnknownFields.problem(pointers)
            }
            // An instant the date transcoder refused says not where it was (the transcoder sees only
            // the text): the contract's constraints find it, and any other broken value, by pointer.
            if case .dataCorrupted(let context) = decoding, context.codingPath.isEmpty,
                context.debugDescription == RFC3339DateTranscoder.notAnInstant
            {
                var v = Validator()
                ContractConstraints.shared.check(document, schema: known.schema, into: &v)
                try v.throwIfInvalid()
            }
            throw error
        }
    }
}

extension JSONPointer {
    /// The coding path without the containers the generator adds (`value1`…), as in `from(_:)`.
    static func documentPath(_ path: [any CodingKey]) -> [any CodingKey] {
        path.filter { !$0.stringValue.hasPrefix("value") || $0.intValue != nil || Int($0.stringValue.dropFirst(5)) == nil }
    }
}

extension JSONValue {
    /// Removes the member or element at `path`; false when the path leads nowhere.
    fileprivate mutating func removeValue(at path: ArraySlice<any CodingKey>) -> Bool {
        guard let key = path.first else { return false }
        let rest = path.dropFirst()
        switch self {
        case .object(var fields):
            if rest.isEmpty {
                guard fields.removeValue(forKey: key.stringValue) != nil else { return false }
            } else {
                guard var child = fields[key.stringValue], child.removeValue(at: rest) else { return false }
                fields[key.stringValue] = child
            }
            self = .object(fields)
            return true
        case .array(var items):
            guard let index = key.intValue, items.indices.contains(index), !rest.isEmpty,
                items[index].removeValue(at: rest)
            else { return false }
            self = .array(items)
            return true
        default:
            return false
        }
    }
}
