import ConvocaAPI
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func listOrganisations(_ input: Operations.ListOrganisations.Input) async throws -> Operations.ListOrganisations.Output {
        let q = input.query
        let filter = OrganisationRepository.Filter(
            kind: q.kind?.rawValue, country: q.country, dueDiligence: q.dueDiligence?.rawValue, updatedSince: q.updatedSince)
        let query: [(String, String?)] = [
            ("limit", q.limit.map(String.init)), ("kind", q.kind?.rawValue), ("country", q.country),
            ("dueDiligence", q.dueDiligence?.rawValue), ("updatedSince", q.updatedSince.map(Representation.instant)),
        ]
        let request = PageRequest(path: "/v1/organisations", query: query.compactMap(Self.pair), cursor: q.cursor, limit: q.limit, key: try await cursorKey.current())
        let page = try await organisations.list(filter: filter, page: request)
        let link = request.link(next: page.next)
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID, link: link),
            body: .json(.init(items: page.items, nextCursor: page.next))))
    }

    func createOrganisation(_ input: Operations.CreateOrganisation.Input) async throws -> Operations.CreateOrganisation.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType) }
        let organisation = try await organisations.create(body, idempotencyKey: input.headers.idempotencyKey)
        return .created(.init(
            headers: .init(
                xRequestId: RequestScope.requestID, eTag: try OrganisationService.entityTag(of: organisation),
                location: "/v1/organisations/\(organisation.id)"),
            body: .json(organisation)))
    }

    func getOrganisation(_ input: Operations.GetOrganisation.Input) async throws -> Operations.GetOrganisation.Output {
        let organisation = try await organisations.get(input.path.organisationId)
        let tag = try OrganisationService.entityTag(of: organisation)
        let preconditions = EntityTag.Preconditions(ifMatch: input.headers.ifMatch, ifNoneMatch: input.headers.ifNoneMatch)
        if try preconditions.notModified(current: tag) {
            return .notModified(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: tag)))
        }
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: tag), body: .json(organisation)))
    }

    func updateOrganisation(_ input: Operations.UpdateOrganisation.Input) async throws -> Operations.UpdateOrganisation.Output {
        guard case .applicationMergePatchJson = input.body else { throw Problem(.unsupportedMediaType) }
        let organisation = try await organisations.update(
            input.path.organisationId, patch: try Self.mergePatch(),
            preconditions: .init(ifMatch: input.headers.ifMatch, ifNoneMatch: input.headers.ifNoneMatch))
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID, eTag: try OrganisationService.entityTag(of: organisation)),
            body: .json(organisation)))
    }
}
