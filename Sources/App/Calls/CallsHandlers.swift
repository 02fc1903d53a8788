import ConvocaAPI
import Foundation
import OpenAPIRuntime
import Rules

extension APIHandlers {
    func listCalls(_ input: Operations.ListCalls.Input) async throws -> Operations.ListCalls.Output {
        let request = PageRequest(
            path: "/v1/calls", query: [("limit", input.query.limit.map(String.init))].compactMap(Self.pair),
            cursor: input.query.cursor, limit: input.query.limit, key: try await cursorKey.current())
        let page = try await calls.list(page: request)
        let link = request.link(next: page.next)
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID, link: link),
            body: .json(.init(items: page.items, nextCursor: page.next))))
    }

    func createCall(_ input: Operations.CreateCall.Input) async throws -> Operations.CreateCall.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType) }
        let call = try await calls.create(body, idempotencyKey: input.headers.idempotencyKey)
        return .created(.init(
            headers: .init(
                xRequestId: RequestScope.requestID, eTag: EntityTag.of(version: call.version), location: "/v1/calls/\(call.id)"),
            body: .json(call)))
    }

    func getCall(_ input: Operations.GetCall.Input) async throws -> Operations.GetCall.Output {
        let call = try await calls.get(input.path.callId)
        let tag = EntityTag.of(version: call.version)
        let preconditions = EntityTag.Preconditions(ifMatch: input.headers.ifMatch, ifNoneMatch: input.headers.ifNoneMatch)
        if try preconditions.notModified(current: tag) {
            return .notModified(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: tag)))
        }
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: tag), body: .json(call)))
    }

    func updateCall(_ input: Operations.UpdateCall.Input) async throws -> Operations.UpdateCall.Output {
        guard case .applicationMergePatchJson = input.body else { throw Problem(.unsupportedMediaType) }
        let call = try await calls.update(
            input.path.callId, patch: try Self.mergePatch(),
            preconditions: .init(ifMatch: input.headers.ifMatch, ifNoneMatch: input.headers.ifNoneMatch))
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID, eTag: EntityTag.of(version: call.version)), body: .json(call)))
    }
}

extension APIHandlers {
    static func pair(_ item: (String, String?)) -> (String, String)? { item.1.map { (item.0, $0) } }

    /// The merge patch as it was sent. Its generated type (`ProposalPatch`…) reads a member given as
    /// `null` as absent, and in a merge patch `null` removes the member: the document parsed as the
    /// body arrived (`RequestLimitsMiddleware`) keeps both apart.
    static func mergePatch() throws -> Rules.JSONValue {
        guard let document = RequestScope.jsonBody else { throw Problem(.badRequest, detail: .bodyUnreadable) }
        return document
    }
}
