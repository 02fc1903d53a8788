import ConvocaAPI
import Foundation
import HTTPTypes
import OpenAPIRuntime

extension APIHandlers {
    func uploadProposalDocument(_ input: Operations.UploadProposalDocument.Input) async throws -> Operations.UploadProposalDocument.Output {
        guard case .any(let body) = input.body else { throw Problem(.unsupportedMediaType) }
        let bytes = try await Data(collecting: body, upTo: documents.maxBytes + 1)
        let document = try await documents.upload(
            proposalID: input.path.proposalId, filename: input.query.filename, contentType: RequestScope.raw(.contentType, else: nil), bytes: bytes,
            idempotencyKey: input.headers.idempotencyKey)
        return .created(.init(
            headers: .init(
                xRequestId: RequestScope.requestID,
                location: "/v1/proposals/\(document.proposalId)/documents/\(document.id)"),
            body: .json(document)))
    }

    func listProposalDocuments(_ input: Operations.ListProposalDocuments.Input) async throws -> Operations.ListProposalDocuments.Output {
        let request = PageRequest(
            path: "/v1/proposals/\(input.path.proposalId)/documents",
            query: [("limit", input.query.limit.map(String.init))].compactMap(Self.pair),
            cursor: input.query.cursor, limit: input.query.limit, key: try await cursorKey.current())
        let page = try await documents.list(proposalID: input.path.proposalId, page: request)
        let link = request.link(next: page.next)
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID, link: link),
            body: .json(.init(items: page.items, nextCursor: page.next))))
    }

    func getProposalDocument(_ input: Operations.GetProposalDocument.Input) async throws -> Operations.GetProposalDocument.Output {
        let (document, bytes) = try await documents.content(proposalID: input.path.proposalId, documentID: input.path.documentId)
        let tag = "\"\(document.sha256)\""
        if let accept = RequestScope.downloadAccept, !AcceptHeader.allows(document.contentType, accept) {
            throw Problem(.notAcceptable, detail: .noAcceptableRepresentation)
        }
        let preconditions = EntityTag.Preconditions(ifMatch: input.headers.ifMatch, ifNoneMatch: input.headers.ifNoneMatch)
        if try preconditions.notModified(current: tag) {
            return .notModified(.init(headers: .init(xRequestId: RequestScope.requestID, eTag: tag)))
        }
        // The stubs label a wildcard body `*/*`; the stored type is the true one.
        RequestScope.responseHeaders?[.contentType] = document.contentType
        RequestScope.responseHeaders?[.contentDisposition] = ContentDisposition.attachment(filename: document.filename)
        RequestScope.responseHeaders?[.eTag] = tag
        let body = switch bytes {
        case .whole(let data): HTTPBody(data)
        case .slices(let slices): HTTPBody(slices, length: .known(Int64(slices.size)), iterationBehavior: .single)
        }
        return .ok(.init(headers: .init(xRequestId: RequestScope.requestID), body: .any(body)))
    }
}
