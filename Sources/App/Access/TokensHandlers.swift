import ConvocaAPI
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let principal = try Principal.current
        let me = Components.Schemas.Me(
            tokenId: principal.tokenID?.lowercasedString, role: .init(rawValue: principal.role.rawValue)!,
            organisationIds: principal.organisationIDs.map { $0.lowercasedString })
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID), body: .json(me)))
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let q = input.query
        let request = PageRequest(
            path: "/v1/tokens", query: [("limit", q.limit.map(String.init))].compactMap(Self.pair), cursor: q.cursor, limit: q.limit, key: try await cursorKey.current())
        let page = try await tokens.list(page: request)
        let link = request.link(next: page.next)
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID, link: link),
            body: .json(.init(items: page.items, nextCursor: page.next))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType) }
        let issued = try await tokens.issue(body)
        return .created(.init(headers: .init(xRequestId: RequestScope.requestID), body: .json(issued)))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        try await tokens.revoke(input.path.tokenId)
        return .noContent(.init(headers: .init(xRequestId: RequestScope.requestID)))
    }
}
