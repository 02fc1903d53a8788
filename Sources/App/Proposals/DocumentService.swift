import ConvocaAPI
import Database
import Foundation

/// Supporting documents of a proposal: stored with their SHA-256, served back with their own type.
struct DocumentService: Sendable {
    let pool: DatabasePool
    let audit: AuditLog
    let maxBytes: Int

    typealias Document = Components.Schemas.Document

    /// The formats a call's documents come in; anything else is refused with 415.
    static let acceptedTypes: Set<String> = [
        "application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv", "application/zip",
        "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    ]

    static let metadata = SQL(unsafeRaw: """
        id, proposal_id, filename, content_type, size_bytes, sha256, seq, \(SQLInstant.render("created_at")) AS created_at
        """)

    func upload(
        proposalID: String, filename: String, contentType: String?, bytes: Data, idempotencyKey: String?
    ) async throws -> Document {
        let actor = AuditActor.current
        let principal = try Principal.current
        guard let type = Self.storedType(contentType), let media = Self.mediaType(type), Self.acceptedTypes.contains(media) else {
            throw Problem(.unsupportedMediaType, detail: .documentTypes(Self.acceptedTypes.sorted().joined(separator: ", ")))
        }
        var v = Validator()
        v.check(Self.isPlainFileName(filename), "filename", .mustBePlainFileName)
        v.check(!bytes.isEmpty, "", .documentIsEmpty)
        try v.throwIfInvalid()
        guard bytes.count <= maxBytes else {
            throw Problem(.contentTooLarge, detail: .documentOverLimit(maxBytes))
        }
        let visibility = try ProposalService.visibility()
        guard let uuid = UUID(exactly: proposalID) else { throw Problem.notFound(.noSuch(.proposal, proposalID)) }
        // The same key, name, type and bytes replay the first answer: a retried upload attaches nothing more.
        let request = try IdempotentRequest(
            key: idempotencyKey, principal: principal, operation: "uploadProposalDocument",
            target: "/v1/proposals/\(uuid.uuidString.lowercased())/documents", body: type + "\n" + filename, content: bytes)
        let answer = try await request.run(pool) { connection in
            let proposal = try await ProposalService.lockForChange(connection, uuid, visibility: visibility, principal: principal)
            guard proposal.status == "draft" else {
                throw Problem(.conflict, detail: .documentsOnlyOnDrafts(status: proposal.status))
            }
            let row = try await connection.query("""
                INSERT INTO proposal_documents (proposal_id, filename, content_type, size_bytes, sha256, content)
                VALUES (\(uuid), \(filename), \(type), \(bytes.count), encode(sha256(\(bytes)), 'hex'), \(bytes))
                RETURNING \(Self.metadata)
                """).first!
            let document = try Self.document(row)
            try await audit.record(connection, actor: actor, action: "document.uploaded", entity: "proposal", id: uuid.uuidString.lowercased(),
                             changes: .fields(["document": (old: .null, new: .string("\(document.id) \(filename) \(document.sha256)"))]))
            return .init(status: 201, body: try Representation.json(document))
        }
        return try Representation.decode(Document.self, from: answer.body)
    }

    /// A name shown to people and sent in a header: no folders (`/`, `\\`, `.`, `..`), no control
    /// characters, no bidirectional formatting (U+202E would show `invoice\u{202E}fdp.exe` as `invoiceexe.pdf`),
    /// no surrounding blanks.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\\")
            && name.trimmingCharacters(in: .whitespaces) == name
            && !name.unicodeScalars.contains { scalar in
                scalar.properties.generalCategory == .control
                    || (scalar.properties.generalCategory == .format && scalar.properties.isBidiControl)
            }
    }

    func list(proposalID: String, page request: PageRequest) async throws -> (items: [Document], next: String?) {
        let uuid = try await requireVisible(proposalID)
        let after = try request.after()
        let limit = try request.limit()
        let rows = try await pool.withConnection { connection in
            try await connection.query("""
                SELECT \(Self.metadata) FROM proposal_documents WHERE proposal_id = \(uuid) AND seq > \(after)
                ORDER BY seq LIMIT \(limit + 1)
                """).map { (try Self.document($0), try $0.decode(Int64.self, column: "seq")) }
        }
        let (page, next) = request.page(rows, limit: limit) { row in row.1 }
        return (page.map(\.0), next)
    }

    func content(proposalID: String, documentID: String) async throws -> (document: Document, bytes: Data) {
        let uuid = try await requireVisible(proposalID)
        guard let documentUUID = UUID(exactly: documentID) else { throw Problem.notFound(.noSuch(.document, documentID)) }
        let found = try await pool.withConnection { connection in
            try await connection.query("""
                SELECT \(Self.metadata), content FROM proposal_documents WHERE proposal_id = \(uuid) AND id = \(documentUUID)
                """).first.map { (try Self.document($0), try $0.decode(Data.self, column: "content")) }
        }
        guard let found else { throw Problem.notFound(.noSuch(.document, documentID)) }
        return found
    }

    private func requireVisible(_ proposalID: String) async throws -> UUID {
        let visibility = try ProposalService.visibility()
        guard let uuid = UUID(exactly: proposalID) else { throw Problem.notFound(.noSuch(.proposal, proposalID)) }
        let visible = try await pool.withConnection { connection in
            try await ProposalRepository.find(connection, id: uuid, visibility: visibility) != nil
        }
        guard visible else { throw Problem.notFound(.noSuch(.proposal, proposalID)) }
        return uuid
    }

    static func document(_ row: Database.Row) throws -> Document {
        Document(
            id: try row.decode(UUID.self, column: "id").uuidString.lowercased(),
            proposalId: try row.decode(UUID.self, column: "proposal_id").uuidString.lowercased(),
            filename: try row.decode(String.self, column: "filename"),
            contentType: try row.decode(String.self, column: "content_type"),
            sizeBytes: try row.decode(Int64.self, column: "size_bytes"),
            sha256: try row.decode(String.self, column: "sha256"),
            createdAt: Representation.parseInstant(try row.decode(String.self, column: "created_at")) ?? Date())
    }

    /// `type/subtype` of a Content-Type header, lower-cased, without parameters.
    static func mediaType(_ header: String?) -> String? {
        guard let header, let type = header.split(separator: ";").first else { return nil }
        let trimmed = type.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The type a document is stored and served with: the media type, and for text its `charset` (a
    /// CSV in ISO-8859-1 cannot be read as UTF-8). Other parameters are dropped; a malformed charset is
    /// refused (nil).
    static func storedType(_ header: String?) -> String? {
        guard let header, let media = mediaType(header) else { return nil }
        guard media.hasPrefix("text/") else { return media }
        var charset: String?
        for parameter in header.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            let token = value.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0)) }
            guard !value.isEmpty, token else { return nil }
            charset = value.lowercased()
        }
        return charset.map { "\(media); charset=\($0)" } ?? media
    }
}
