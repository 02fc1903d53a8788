import ConvocaAPI
import Foundation
import OpenAPIRuntime

extension APIHandlers {
    func createProposal(_ input: Operations.CreateProposal.Input) async throws -> Operations.CreateProposal.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType) }
        let rendered = try await proposals.create(
            callReference: input.path.callId, body, idempotencyKey: input.headers.idempotencyKey)
        StoredRepresentationMiddleware.send(rendered.json)
        return .created(.init(
            headers: .init(
                xRequestId: RequestScope.requestID, eTag: rendered.tag, location: "/v1/proposals/\(rendered.proposal.id)"),
            body: .json(rendered.proposal)))
    }

    func listProposals(_ input: Operations.ListProposals.Input) async throws -> Operations.ListProposals.Output {
        let q = input.query
        var v = Validator()
        let callID = q.callId.flatMap(UUID.init(exactly:))
        v.check(q.callId == nil || callID != nil, "callId", .notAUUID)
        let leadID = q.leadOrganisationId.flatMap(UUID.init(exactly:))
        v.check(q.leadOrganisationId == nil || leadID != nil, "leadOrganisationId", .notAUUID)
        try v.throwIfInvalid()
        let filter = ProposalRepository.Filter(
            callID: callID, status: q.status?.rawValue, country: q.country, language: q.language?.rawValue,
            questionID: q.questionId, solutionTypeID: q.solutionTypeId, targetGroup: q.targetGroup,
            leadOrganisationID: leadID, updatedSince: q.updatedSince)
        let query: [(String, String?)] = [
            ("limit", q.limit.map(String.init)), ("callId", q.callId), ("status", q.status?.rawValue),
            ("country", q.country), ("language", q.language?.rawValue), ("questionId", q.questionId),
            ("solutionTypeId", q.solutionTypeId), ("targetGroup", q.targetGroup),
            ("leadOrganisationId", q.leadOrganisationId), ("updatedSince", q.updatedSince.map(Representation.instant)),
        ]
        let request = PageRequest(path: "/v1/proposals", query: query.compactMap(Self.pair), cursor: q.cursor, limit: q.limit, key: try await cursorKey.current())
        let page = try await proposals.list(filter: filter, page: request)
        let link = request.link(next: page.next)
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID, link: link),
            body: .json(.init(items: page.items, nextCursor: page.next))))
    }

    func getProposal(_ input: Operations.GetProposal.Input) async throws -> Operations.GetProposal.Output {
        let rendered = try await proposals.get(input.path.proposalId)
        let preconditions = EntityTag.Preconditions(ifMatch: input.headers.ifMatch, ifNoneMatch: input.headers.ifNoneMatch)
        if try preconditions.notModified(current: rendered.tag) {
            return .notModified(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: rendered.tag)))
        }
        StoredRepresentationMiddleware.send(rendered.json)
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: rendered.tag), body: .json(rendered.proposal)))
    }

    func updateProposal(_ input: Operations.UpdateProposal.Input) async throws -> Operations.UpdateProposal.Output {
        guard case .applicationMergePatchJson = input.body else { throw Problem(.unsupportedMediaType) }
        let rendered = try await proposals.update(
            input.path.proposalId, patch: try Self.mergePatch(),
            preconditions: .init(ifMatch: input.headers.ifMatch, ifNoneMatch: input.headers.ifNoneMatch))
        StoredRepresentationMiddleware.send(rendered.json)
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: rendered.tag), body: .json(rendered.proposal)))
    }

    func submitProposal(_ input: Operations.SubmitProposal.Input) async throws -> Operations.SubmitProposal.Output {
        let rendered = try await proposals.submit(
            input.path.proposalId, idempotencyKey: input.headers.idempotencyKey, preconditions: .init(ifMatch: input.headers.ifMatch))
        StoredRepresentationMiddleware.send(rendered.json)
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: rendered.tag), body: .json(rendered.proposal)))
    }

    func withdrawProposal(_ input: Operations.WithdrawProposal.Input) async throws -> Operations.WithdrawProposal.Output {
        let rendered = try await proposals.withdraw(
            input.path.proposalId, idempotencyKey: input.headers.idempotencyKey, preconditions: .init(ifMatch: input.headers.ifMatch))
        StoredRepresentationMiddleware.send(rendered.json)
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: rendered.tag), body: .json(rendered.proposal)))
    }
}
