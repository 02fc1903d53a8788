import ConvocaAPI
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let q = input.query
        let filter = AuditEventsService.Filter(
            entityType: q.entityType, entityID: q.entityId, actorTokenID: q.actorTokenId, action: q.action,
            occurredFrom: q.occurredFrom, occurredTo: q.occurredTo)
        let query: [(String, String?)] = [
            ("limit", q.limit.map(String.init)), ("entityType", q.entityType), ("entityId", q.entityId),
            ("actorTokenId", q.actorTokenId), ("action", q.action),
            ("occurredFrom", q.occurredFrom.map(Representation.instant)), ("occurredTo", q.occurredTo.map(Representation.instant)),
        ]
        let request = PageRequest(path: "/v1/audit-events", query: query.compactMap(Self.pair), cursor: q.cursor, limit: q.limit, key: try await cursorKey.current())
        let page = try await auditEvents.list(filter: filter, page: request)
        let link = request.link(next: page.next)
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID, link: link),
            body: .json(.init(items: page.items, nextCursor: page.next))))
    }
}
