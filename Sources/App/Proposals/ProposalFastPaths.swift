import ConvocaAPI
import Foundation
import HTTPTypes
import Hummingbird
import Rules

/// The hottest operations answered with the JSON PostgreSQL already rendered instead of decoding it
/// into the generated types and encoding it again (that round trip was most of their CPU time):
/// `GET` (and `HEAD`) `/v1/proposals/{proposalId}` without a query, `GET /v1/proposals` with at most
/// one `limit` and one `cursor`, and `POST /v1/calls/{callId}/proposals` with a plain JSON body that
/// decodes. Same contract, same access checks (`AccessMiddleware.authorize`), same service; any other
/// shape of request (filters, other or repeated parameters, bad ids, other media types, a body that
/// does not decode) goes on to the generated handlers, which answer it exactly as documented.
struct ProposalFastPaths<Context: RequestContext>: RouterMiddleware {
    let access: AccessMiddleware
    let proposals: ProposalService
    let cursorKey: CursorKey

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // `Accept` was checked before (`RequestLimitsMiddleware`): it admits JSON.
        if request.method == .post { return try await create(request, context: context, next: next) }
        // HEAD too, so its headers (Content-Length) are those of the GET it stands for.
        guard request.method == .get || request.method == .head else { return try await next(request, context) }
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        // ["", "v1", "proposals"] or ["", "v1", "proposals", "<uuid>"]
        guard segments.count >= 3, segments.count <= 4, segments[0].isEmpty, segments[1] == "v1", segments[2] == "proposals"
        else { return try await next(request, context) }
        if segments.count == 4 {
            // Any query (an undeclared parameter) is the generated path's to refuse.
            guard request.uri.query == nil, UUID(exactly: String(segments[3])) != nil else { return try await next(request, context) }
            return try await one(String(segments[3]), request)
        }
        // A `+` means a space to the generated server (form encoding), and an encoded value may not decode at
        // all: the generated path names what either makes wrong (cursors and limits need neither).
        guard request.uri.query?.contains(where: { $0 == "+" || $0 == "%" }) != true else { return try await next(request, context) }
        let query = request.uri.queryParameters
        guard query.allSatisfy({ $0.key == "limit" || $0.key == "cursor" }), query.count == Set(query.map(\.key)).count
        else { return try await next(request, context) }
        var limit: Int?
        if let text = query["limit"] {
            guard let number = Int(text) else { return try await next(request, context) }
            limit = number
        }
        return try await page(limit: limit, cursor: query["cursor"].map(String.init), request)
    }

    /// `POST /v1/calls/{callId}/proposals`: the body is decoded once, into the generated input type
    /// (which refuses unknown fields), and the answer is the stored representation as rendered.
    private func create(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        // ["", "v1", "calls", "<callId>", "proposals"]
        guard segments.count == 5, segments[0].isEmpty, segments[1] == "v1", segments[2] == "calls", !segments[3].isEmpty,
            segments[4] == "proposals", request.uri.query == nil,
            request.headers[.contentType]?.lowercased() == "application/json"
        else { return try await next(request, context) }
        // `RequestLimitsMiddleware` has already read the body (within its limit) into memory.
        let body = request.body
        guard let bytes = try? await body.collect(upTo: .max),
            let input = try? Representation.decoder.decode(Components.Schemas.ProposalInput.self, from: bytes)
        else { return try await next(request, context) }
        let principal = try await access.authorize("createProposal", authorization: request.headers[.authorization])
        let callReference = String(segments[3]).removingPercentEncoding ?? String(segments[3])
        let answer = try await RequestScope.$principal.withValue(principal) {
            try await proposals.createAnswer(
                callReference: callReference, input, idempotencyKey: request.headers[HTTPField.Name.idempotencyKey])
        }
        guard case .object(let fields) = try JSONValue(parsing: Array(answer.body.utf8)),
            case .string(let id) = fields["id"], case .number(let version) = fields["version"]
        else { throw Problem(.internalError) }
        let headers: HTTPFields = [
            .eTag: EntityTag.of(version: Int(version)), .location: "/v1/proposals/\(id)",
            .contentType: "application/json; charset=utf-8",
        ]
        return Response(
            status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }

    private func one(_ id: String, _ request: Request) async throws -> Response {
        let principal = try await access.authorize("getProposal", authorization: request.headers[.authorization])
        let (json, tag) = try await RequestScope.$principal.withValue(principal) { try await proposals.representation(id) }
        var headers: HTTPFields = [.eTag: tag]
        let preconditions = EntityTag.Preconditions(ifMatch: request.headers[.ifMatch], ifNoneMatch: request.headers[.ifNoneMatch])
        if try preconditions.notModified(current: tag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    private func page(limit: Int?, cursor: String?, _ request: Request) async throws -> Response {
        let principal = try await access.authorize("listProposals", authorization: request.headers[.authorization])
        let pageRequest = PageRequest(
            path: "/v1/proposals", query: limit.map { [("limit", String($0))] } ?? [], cursor: cursor, limit: limit,
            key: try await cursorKey.current())
        let page = try await RequestScope.$principal.withValue(principal) {
            try await proposals.representations(filter: .init(), page: pageRequest)
        }
        var body = ByteBuffer()
        body.reserveCapacity(page.items.reduce(64) { $0 + $1.utf8.count + 1 })
        body.writeString(#"{"items":["#)
        for (index, item) in page.items.enumerated() {
            if index > 0 { body.writeString(",") }
            body.writeString(item)
        }
        body.writeString(#"],"nextCursor":"#)
        // Cursors are base64url: no character needs escaping inside the quotes.
        body.writeString(page.next.map { "\"\($0)\"" } ?? "null")
        body.writeString("}")
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let link = pageRequest.link(next: page.next) { headers[.link] = link }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
