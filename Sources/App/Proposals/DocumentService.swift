import ConvocaAPI
import Database
import Foundation
import Logging

/// Supporting documents of a proposal: stored with their SHA-256, served back with their own type.
struct DocumentService: Sendable {
    let pool: DatabasePool
    let audit: AuditLog
    let maxBytes: Int
    /// Bytes read by one statement while a download is written (`Configuration.documentSliceBytes`).
    let sliceBytes: Int
    let logger: Logger

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
        let type = try Self.acceptedType(contentType)
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
            target: "/v1/proposals/\(uuid.lowercasedString)/documents", body: type + "\n" + filename, content: bytes)
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
            try await audit.record(connection, actor: actor, action: "document.uploaded", entity: "proposal", id: uuid.lowercasedString,
                             changes: .fields(["document": (old: .null, new: .string("\(document.id) \(filename) \(document.sha256)"))]))
            return .init(status: 201, body: try Representation.json(document))
        }
        return try Representation.decode(Document.self, from: answer.body)
    }

    /// A name shown to people and sent in a header: no folders (`/`, `\\`, `.`, `..`), no control
    /// characters, no bidirectional formatting (U+202E would show `invoice\u{202E}fdp.exe` as `invoiceexe.pdf`),
    /// no byte-order mark or noncharacter, nothing blank or invisible at either end.
    static func isPlainFileName(_ name: String) -> Bool {
        guard let first = name.first, let last = name.last, name != ".", name != "..", !name.contains("/"), !name.contains("\\")
        else { return false }
        // A name must begin and end with something visible: not a blank of any kind (a trailing U+2029) nor
        // a character that shows nothing (U+034F, a zero-width space), so no name is invisible either.
        let isBlank = { (character: Character) in
            character.unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.properties.isDefaultIgnorableCodePoint }
        }
        guard !isBlank(first), !isBlank(last) else { return false }
        return !name.unicodeScalars.contains { scalar in
            let properties = scalar.properties
            // A byte-order mark is dropped by decoders at the start of a text: the name would not stay as sent.
            return properties.generalCategory == .control || properties.isBidiControl || properties.isNoncharacterCodePoint
                || scalar == "\u{FEFF}"
        }
    }

    func list(proposalID: String, page request: PageRequest) async throws -> (items: [Document], next: String?) {
        let uuid = try await requireVisible(proposalID)
        let after = try request.after()
        let limit = try request.limit()
        let rows = try await pool.withSettledPage { connection in
            try await connection.keysetPage(of: .proposalDocuments, """
                SELECT \(Self.metadata) FROM proposal_documents WHERE proposal_id = \(uuid) AND seq > \(after)
                ORDER BY seq LIMIT \(limit + 1)
                """, fetching: limit + 1).map { (try Self.document($0), try $0.decode(Int64.self, column: "seq")) }
        }
        let (page, next) = try request.page(rows, limit: limit) { row in row.1 }
        return (page.map(\.0), next)
    }

    /// A document's metadata and its bytes. A document of one slice or less comes with its metadata;
    /// a larger one is read a slice at a time as its answer is written (`DocumentSlices`), so a
    /// download holds one slice in memory, not the whole document, and no connection between slices.
    func content(proposalID: String, documentID: String) async throws -> (document: Document, bytes: DocumentBytes) {
        let uuid = try await requireVisible(proposalID)
        guard let documentUUID = UUID(exactly: documentID) else { throw Problem.notFound(.noSuch(.document, documentID)) }
        let found = try await pool.withConnection { connection in
            try await connection.query("""
                SELECT \(Self.metadata), CASE WHEN size_bytes <= \(sliceBytes) THEN content END AS content
                FROM proposal_documents WHERE proposal_id = \(uuid) AND id = \(documentUUID)
                """).first.map { (try Self.document($0), try $0.decode(Data?.self, column: "content")) }
        }
        guard let (document, whole) = found else { throw Problem.notFound(.noSuch(.document, documentID)) }
        if let whole { return (document, .whole(whole)) }
        // The slices are read after the handler returned, outside the request's scope: its id travels with them.
        var logger = logger
        logger[metadataKey: "requestId"] = RequestScope.requestID.map { .string($0) }
        let slices = DocumentSlices(
            pool: pool, id: documentUUID, size: Int(document.sizeBytes), sliceBytes: sliceBytes, logger: logger)
        return (document, .slices(slices))
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
            id: try row.decode(UUID.self, column: "id").lowercasedString,
            proposalId: try row.decode(UUID.self, column: "proposal_id").lowercasedString,
            filename: try row.decode(String.self, column: "filename"),
            contentType: try row.decode(String.self, column: "content_type"),
            sizeBytes: try row.decode(Int64.self, column: "size_bytes"),
            sha256: try row.decode(String.self, column: "sha256"),
            createdAt: Representation.parseInstant(try row.decode(String.self, column: "created_at")) ?? Date())
    }

    /// The type a document is stored and served with: the media type, and for text its `charset` (a
    /// CSV in ISO-8859-1 cannot be read as UTF-8). Other parameters are dropped. A value that breaks
    /// the header's grammar, or a charset given twice or empty, is refused (nil).
    static func storedType(_ header: String?) -> (essence: String, stored: String)? {
        guard let header, let type = MediaTypeHeader(header) else { return nil }
        let charsets = type.parameters.filter { $0.name == "charset" }.map(\.value)
        guard charsets.count <= 1 else { return nil }
        guard type.essence.hasPrefix("text/"), let charset = charsets.first else { return (type.essence, type.essence) }
        guard !charset.isEmpty, charset.utf8.allSatisfy(MediaTypeHeader.isTokenByte) else { return nil }
        return (type.essence, "\(type.essence); charset=\(charset.lowercased())")
    }

    /// The type to store a document sent with this `Content-Type` as; 415 when it is not one of the
    /// types documents may have, or cannot be read. (Checked before the body is read or invited, too.)
    static func acceptedType(_ header: String?) throws(Problem) -> String {
        guard let header, !header.isEmpty else { throw Problem(.unsupportedMediaType, detail: .bodyNeedsContentType) }
        guard let type = storedType(header), acceptedTypes.contains(type.essence) else {
            throw Problem(.unsupportedMediaType, detail: .documentTypes(acceptedTypes.sorted().joined(separator: ", ")))
        }
        return type.stored
    }
}

/// What a download sends: the bytes read with the metadata, or a document read in slices.
enum DocumentBytes: Sendable {
    case whole(Data)
    case slices(DocumentSlices)
}

/// A stored document's bytes, one statement per slice, each run when the answer's writer asks for
/// the next: a reader that stops reading stops the reads. Documents are never changed once stored,
/// so the slices of one download are of one document; one that comes back short (the row gone) or
/// a statement that fails ends the sequence with an error, and the connection is closed with the
/// answer cut short (its length was promised in the head).
struct DocumentSlices: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>

    let pool: DatabasePool
    let id: UUID
    let size: Int
    let sliceBytes: Int
    let logger: Logger

    struct SliceMissing: Error {}

    func makeAsyncIterator() -> Iterator { Iterator(slices: self) }

    struct Iterator: AsyncIteratorProtocol {
        let slices: DocumentSlices
        var offset = 0

        mutating func next() async throws -> ArraySlice<UInt8>? {
            guard offset < slices.size else { return nil }
            let length = Swift.min(slices.sliceBytes, slices.size - offset)
            do {
                let bytes = try await slices.read(from: offset, length: length)
                offset += length
                return ArraySlice(bytes)
            } catch {
                slices.logger.error(
                    "document download cut short", metadata: ["document": "\(slices.id.lowercasedString)", "offset": "\(offset)", "error": "\(error)"])
                throw error
            }
        }
    }

    /// `length` bytes from `offset` (counted from 0).
    func read(from offset: Int, length: Int) async throws -> Data {
        let bytes = try await pool.withConnection { connection in
            try await connection.query("""
                SELECT substring(content FROM CAST(\(offset + 1) AS integer) FOR CAST(\(length) AS integer)) AS slice
                FROM proposal_documents WHERE id = \(id)
                """).first.map { try $0.decode(Data.self, column: "slice") }
        }
        guard let bytes, bytes.count == length else { throw SliceMissing() }
        return bytes
    }
}
