import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Synchronization
import XCTest
import Yams

@testable import App

final class DocumentTests: XCTestCase {
    func testUploadListAndDownloadKeepBytesTypeAndDigest() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let applicant = try await Fixtures.token(app, role: "applicant", organisations: [lead])
            let id = try await Fixtures.proposalID(client, lead: lead, token: applicant)
            let bytes = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) })
            let uploaded = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=support%20letter.pdf", token: applicant, body: bytes,
                contentType: "application/pdf")
            XCTAssertEqual(uploaded.status, .created, uploaded.text)
            XCTAssertEqual(uploaded["filename"] as? String, "support letter.pdf")
            XCTAssertEqual(uploaded["sizeBytes"] as? Int, 4096)
            let expectedDigest = try await app.pool.withConnection { connection in
                try await connection.query("SELECT encode(sha256(\(bytes)), 'hex') AS d").first!.decode(String.self, column: "d")
            }
            XCTAssertEqual(uploaded["sha256"] as? String, expectedDigest)
            let documentID = try XCTUnwrap(uploaded["id"] as? String)

            let list = try await client.call(.get, "/v1/proposals/\(id)/documents", token: applicant)
            XCTAssertEqual((list["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [documentID])

            let download = try await client.call(.get, "/v1/proposals/\(id)/documents/\(documentID)", token: applicant)
            XCTAssertEqual(download.status, .ok)
            XCTAssertEqual(download.body, bytes)
            XCTAssertEqual(download.headers[.contentType], "application/pdf")
            XCTAssertEqual(download.headers[.eTag], "\"\(expectedDigest)\"")
            XCTAssertEqual(download.headers[.contentDisposition], "attachment; filename=\"support letter.pdf\"")

            // `Accept` is held to the stored type: what a PDF viewer sends gets the PDF.
            let path = "/v1/proposals/\(id)/documents/\(documentID)"
            for accept in ["application/pdf", "application/*", "application/pdf, */*;q=0.1", "*/*", "text/html, application/pdf;q=0.5"] {
                let answer = try await client.call(.get, path, token: applicant, headers: ["Accept": accept])
                XCTAssertEqual(answer.status, .ok, "\(accept): \(answer.text)")
                XCTAssertEqual(answer.body, bytes, accept)
            }
            for accept in ["application/json", "image/*", "application/pdf;q=0, text/plain"] {
                let answer = try await client.call(.get, path, token: applicant, headers: ["Accept": accept])
                XCTAssertProblem(answer, .notAcceptable, "not-acceptable")
            }

            // A name in Spanish travels as RFC 6266 asks: an ASCII approximation, then the exact UTF-8 name.
            let accented = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=Propuesta%20Formalizaci%C3%B3n%20%22v2%22.pdf", token: applicant,
                body: Data([1, 2, 3]), contentType: "application/pdf")
            XCTAssertEqual(accented["filename"] as? String, "Propuesta Formalización \"v2\".pdf")
            let accentedDownload = try await client.call(
                .get, "/v1/proposals/\(id)/documents/\(try XCTUnwrap(accented["id"] as? String))", token: applicant)
            XCTAssertEqual(
                accentedDownload.headers[.contentDisposition],
                "attachment; filename=\"Propuesta Formalizacion 'v2'.pdf\"; filename*=UTF-8''Propuesta%20Formalizaci%C3%B3n%20%22v2%22.pdf")

            // Another applicant sees nothing of it.
            let stranger = try await Fixtures.token(app, role: "applicant", organisations: [try await Fixtures.createOrganisation(client, name: "Other")])
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(id)/documents/\(documentID)", token: stranger), .notFound, "not-found")
        }
    }

    /// A document larger than a slice is read one slice per statement as its answer is written: the
    /// bytes arrive whole and in order on either side of every slice boundary, with the length the
    /// head promised; one of a slice or less comes with its metadata.
    func testADocumentOfManySlicesDownloadsWhole() async throws {
        try await TestApp.run(configure: { $0.documentSliceBytes = 1000 }) { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            for size in [1, 999, 1000, 1001, 3000, 4321] {
                let bytes = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) })
                let uploaded = try await client.call(
                    .post, "/v1/proposals/\(id)/documents?filename=part-\(size).pdf", body: bytes, contentType: "application/pdf")
                XCTAssertEqual(uploaded.status, .created, uploaded.text)
                let download = try await client.call(.get, "/v1/proposals/\(id)/documents/\(try XCTUnwrap(uploaded["id"] as? String))")
                XCTAssertEqual(download.status, .ok, "\(size)")
                XCTAssertEqual(download.body, bytes, "\(size) bytes")
                XCTAssertEqual(download.headers[.contentLength], "\(size)")
            }

            // The slices themselves: whole slices, then what is left; a document that is not there
            // (or shorter than its size says) is an error, never an answer cut short in silence.
            let uploaded = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=slices.pdf", body: Data(count: 2500), contentType: "application/pdf")
            let documentID = try XCTUnwrap(UUID(uuidString: try XCTUnwrap(uploaded["id"] as? String)))
            let slices = DocumentSlices(pool: app.pool, id: documentID, size: 2500, sliceBytes: 1000, logger: Logger(label: "test"))
            var sizes: [Int] = []
            for try await slice in slices { sizes.append(slice.count) }
            XCTAssertEqual(sizes, [1000, 1000, 500])
            for (id, size) in [(documentID, 2600), (UUID(), 10)] {
                let missing = DocumentSlices(pool: app.pool, id: id, size: size, sliceBytes: 1000, logger: Logger(label: "test"))
                var received = 0
                do {
                    for try await slice in missing { received += slice.count }
                    XCTFail("\(size) bytes of \(id) were read without an error")
                } catch is DocumentSlices.SliceMissing {
                    XCTAssertEqual(received, size == 2600 ? 2000 : 0)
                }
            }
        }
    }

    /// A download whose document can no longer be read part-way (here its row is deleted under it)
    /// ends short of the length its head promised, the connection closed; the log says which request
    /// and which document it was, though the slice was read after the handler had returned.
    func testADownloadCutShortSaysWhichRequestItWas() async throws {
        let logs = CapturedLogs()
        let databaseURL = Mutex("")
        try await LiveApp.run(configure: { configuration in
            databaseURL.withLock { [url = configuration.databaseURL] in $0 = url }
            configuration.maxDocumentBytes = 16_000_000
        }, logs: logs) { port, client in
            let (proposal, document, bytes) = try await Fixtures.largeDocument(client)
            let connection = try RawConnection(port: port)
            try connection.send("""
                GET /v1/proposals/\(proposal)/documents/\(document) HTTP/1.1\r\nHost: localhost\r\n\
                Authorization: Bearer \(TestApp.adminToken)\r\nX-Request-Id: cut-short-1\r\n\r\n
                """)
            let head = try connection.readHead(within: .seconds(5))
            XCTAssertTrue(head.hasPrefix("HTTP/1.1 200"), head)
            let documentID = try XCTUnwrap(UUID(uuidString: document))
            try await TestDatabase.withAdminConnection(databaseURL.withLock { $0 }) { connection in
                try await connection.execute("DELETE FROM proposal_documents WHERE id = \(documentID)")
            }
            let (received, _) = try await connection.readAll(upTo: bytes.count, pausing: .zero, within: .seconds(20))
            XCTAssertLessThan(received, bytes.count, "the whole document arrived")
            XCTAssertTrue(try connection.closedByServer(within: .seconds(2)))
            let line = logs.all.first { $0.contains("document download cut short") }
            XCTAssertTrue(line?.contains("requestId=cut-short-1") == true, "\(logs.all)")
            XCTAssertTrue(line?.contains(document) == true, "\(String(describing: line))")
        }
    }

    /// Documents are stored uncompressed out of line, so that a slice reads its own chunks only:
    /// a highly compressible text is stored as it is.
    func testDocumentsAreStoredUncompressed() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let text = Data(String(repeating: "Carta de apoyo. ", count: 20_000).utf8)
            let uploaded = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=carta.txt", body: text, contentType: "text/plain")
            XCTAssertEqual(uploaded.status, .created, uploaded.text)
            let documentID = try XCTUnwrap(UUID(uuidString: try XCTUnwrap(uploaded["id"] as? String)))
            let compression = try await app.pool.withConnection { connection in
                try await connection.query("""
                    SELECT pg_column_compression(content) AS method, pg_column_size(content) AS stored FROM proposal_documents WHERE id = \(documentID)
                    """).first.map { (try $0.decode(String?.self, column: "method"), try $0.decode(Int.self, column: "stored")) }
            }
            XCTAssertNil(try XCTUnwrap(compression).0)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(compression).1, text.count)
        }
    }

    /// A download's ETag is the strong tag of its bytes: If-None-Match naming it (weakly) or `*` answers 304
    /// with the tag and no body; If-Match naming another is a 412.
    func testADownloadHonoursItsOwnETag() async throws {
        try await TestApp.run { app, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let bytes = Data("Carta de apoyo".utf8)
            let uploaded = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=carta.txt", body: bytes, contentType: "text/plain")
            XCTAssertEqual(uploaded.status, .created, uploaded.text)
            let path = "/v1/proposals/\(id)/documents/\(try XCTUnwrap(uploaded["id"] as? String))"
            let tag = "\"\(try XCTUnwrap(uploaded["sha256"] as? String))\""

            for held in [tag, "*", "W/\(tag)", "\"other\", \(tag)"] {
                let notModified = try await client.call(.get, path, headers: ["If-None-Match": held])
                XCTAssertEqual(notModified.status, .notModified, "\(held): \(notModified.text)")
                XCTAssertTrue(notModified.body.isEmpty, held)
                XCTAssertEqual(notModified.headers[.eTag], tag, held)
            }
            let other = try await client.call(.get, path, headers: ["If-None-Match": "\"other\""])
            XCTAssertEqual(other.status, .ok)
            XCTAssertEqual(other.body, bytes)
            XCTAssertEqual(other.headers[.eTag], tag)

            XCTAssertProblem(try await client.call(.get, path, headers: ["If-Match": "\"other\""]), .preconditionFailed, "precondition-failed")
            let matching = try await client.call(.get, path, headers: ["If-Match": tag])
            XCTAssertEqual(matching.status, .ok)
            XCTAssertEqual(matching.body, bytes)

            // An answer the client would not accept is a 406 whatever the preconditions say (RFC 9110 §13.2.1).
            for conditions in [["If-Match": "\"other\""], ["If-None-Match": tag], ["If-Match": tag]] {
                let refused = try await client.call(.get, path, headers: conditions.merging(["Accept": "text/html"]) { a, _ in a })
                XCTAssertProblem(refused, .notAcceptable, "not-acceptable")
            }
        }
    }

    /// The contract names every type a document may have, and only those.
    func testTheContractListsTheAcceptedTypes() throws {
        let contract = try XCTUnwrap(try Yams.load(yaml: try ContractOperations.text()) as? [String: Any])
        let paths = try XCTUnwrap(contract["paths"] as? [String: Any])
        let upload = try XCTUnwrap((paths["/v1/proposals/{proposalId}/documents"] as? [String: Any])?["post"] as? [String: Any])
        let description = try XCTUnwrap(upload["description"] as? String)
        let named = Set(description.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            .filter { $0.contains("/") && !$0.contains(" ") })
        XCTAssertEqual(named, DocumentService.acceptedTypes)
    }

    func testRefusedTypesSizesAndFrozenProposals() async throws {
        try await TestApp.run(configure: { $0.maxDocumentBytes = 2048 }) { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            XCTAssertProblem(
                try await client.call(.post, "/v1/proposals/\(id)/documents?filename=a.exe", body: Data([1, 2, 3]),
                                      contentType: "application/x-msdownload"),
                .unsupportedMediaType, "unsupported-media-type")
            XCTAssertProblem(
                try await client.call(.post, "/v1/proposals/\(id)/documents?filename=big.pdf", body: Data(count: 4096),
                                      contentType: "application/pdf"),
                .contentTooLarge, "content-too-large")
            XCTAssertProblem(
                try await client.call(.post, "/v1/proposals/\(id)/documents?filename=..%2Fetc%2Fpasswd", body: Data([1]),
                                      contentType: "text/plain"),
                .badRequest, "validation")
            // Nothing blank or invisible at either end (a trailing paragraph separator, a combining grapheme
            // joiner alone, a byte-order mark, which decoders drop), no noncharacter.
            for name in ["evil%0D%0ASet-Cookie%3A%20x.pdf", "tab%09name.pdf", "nul%00.pdf", ".", "..", "invoice%E2%80%AEfdp.exe",
                         "a%E2%81%A6b.pdf", "%20padded.pdf", "x%E2%80%A9", "%CD%8F", "%EF%BF%BE", "%EF%BB%BFa.pdf",
                         "%EF%BB%BF%EF%BB%BF", "a%EF%BB%BFb.pdf", "%E2%80%8Bhidden.pdf", "nbsp.pdf%C2%A0"] {
                XCTAssertProblem(
                    try await client.call(.post, "/v1/proposals/\(id)/documents?filename=\(name)", body: Data([1]), contentType: "text/plain"),
                    .badRequest, "validation")
            }
            let bom = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=%EF%BB%BFa.pdf", body: Data([1]), contentType: "text/plain")
            let errors = try XCTUnwrap(bom.json["errors"] as? [[String: Any]], bom.text)
            XCTAssertEqual(errors.map { $0["pointer"] as? String }, ["filename"], bom.text)
            XCTAssertEqual(errors.first?["detail"] as? String, "must not contain a byte-order mark (U+FEFF)")
            // Visible characters joined or varied by invisible ones are names like any other.
            for name in ["%E2%9D%A4%EF%B8%8F", "a%E2%80%8Db.pdf"] {
                let kept = try await client.call(
                    .post, "/v1/proposals/\(id)/documents?filename=\(name)", body: Data([1]), contentType: "text/plain")
                XCTAssertEqual(kept.status, .created, kept.text)
                XCTAssertEqual(kept["filename"] as? String, name.removingPercentEncoding)
            }
            // A name left out is named as a fault of `filename`, as an empty one is.
            for query in ["", "?filename="] {
                let unnamed = try await client.call(.post, "/v1/proposals/\(id)/documents\(query)", body: Data([1]), contentType: "text/plain")
                XCTAssertProblem(unnamed, .badRequest, "validation")
                XCTAssertEqual((unnamed.json["errors"] as? [[String: Any]])?.compactMap { $0["pointer"] as? String }, ["filename"], unnamed.text)
            }
            let submitted = try await client.call(.post, "/v1/proposals/\(id)/submit")
            XCTAssertEqual(submitted.status, .ok, submitted.text)
            XCTAssertProblem(
                try await client.call(.post, "/v1/proposals/\(id)/documents?filename=late.pdf", body: Data([1]), contentType: "application/pdf"),
                .conflict, "conflict")
        }
    }

    /// A letter of support names a document of its own proposal: not another proposal's, not one that
    /// does not exist; on creation (no documents yet), on change and at submission.
    func testLettersOfSupportNameDocumentsOfTheirOwnProposal() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let mine = try await Fixtures.proposalID(client, lead: lead)
            let theirs = try await Fixtures.proposalID(client, lead: try await Fixtures.createOrganisation(client, name: "Otra"))
            func upload(_ proposal: String) async throws -> String {
                let answer = try await client.call(
                    .post, "/v1/proposals/\(proposal)/documents?filename=carta.pdf", body: Data("%PDF".utf8), contentType: "application/pdf")
                return try XCTUnwrap(answer["id"] as? String, answer.text)
            }
            let own = try await upload(mine)
            let foreign = try await upload(theirs)
            let missing = UUID().uuidString.lowercased()

            var body = Fixtures.proposalBody(lead: lead)
            body["stakeholderSupport"] = [["name": "Ana", "organisation": "Ministerio", "documentId": missing]]
            let created = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: body)
            XCTAssertProblem(created, .badRequest, "validation")
            XCTAssertEqual(created.errorPointers, ["/stakeholderSupport/0/documentId"])
            // With organisations that are not registered, the refusal names them too.
            var unknown = body
            unknown["leadOrganisationId"] = UUID().uuidString.lowercased()
            unknown["partners"] = [["organisationId": UUID().uuidString.lowercased(), "role": "Socio técnico"]]
            let createdUnknown = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: unknown)
            XCTAssertProblem(createdUnknown, .badRequest, "validation")
            XCTAssertEqual(
                createdUnknown.errorPointers,
                ["/leadOrganisationId", "/partners/0/organisationId", "/stakeholderSupport/0/documentId"])
            XCTAssertProblem(
                try await client.call(.post, "/v1/calls/NO-SUCH-CALL/proposals", body: unknown), .notFound, "not-found")
            // Nor does another fault hide them.
            unknown["title"] = String(repeating: "t", count: 301)
            let createdFaulty = try await client.call(.post, "/v1/calls/LAC-2021/proposals", body: unknown)
            XCTAssertProblem(createdFaulty, .badRequest, "validation")
            XCTAssertEqual(
                createdFaulty.errorPointers,
                ["/title", "/leadOrganisationId", "/partners/0/organisationId", "/stakeholderSupport/0/documentId"])

            let current = try await client.call(.get, "/v1/proposals/\(mine)")
            func patched(_ body: [String: Any]) async throws -> TestResponse {
                try await client.call(
                    .patch, "/v1/proposals/\(mine)", body: body, contentType: "application/merge-patch+json",
                    headers: ["If-Match": try XCTUnwrap(current.headers[.eTag])])
            }
            let patch: [String: Any] = ["stakeholderSupport": [
                ["name": "Ana", "organisation": "Ministerio", "documentId": own],
                ["name": "Luis", "organisation": "Sindicato", "documentId": foreign],
                ["name": "Eva", "organisation": "Cámara", "documentId": missing],
            ]]
            let refused = try await patched(patch)
            XCTAssertProblem(refused, .badRequest, "validation")
            XCTAssertEqual(refused.errorPointers, ["/stakeholderSupport/1/documentId", "/stakeholderSupport/2/documentId"])
            var withPartner = patch
            withPartner["partners"] = [["organisationId": UUID().uuidString.lowercased(), "role": "Socio técnico"]]
            let refusedBoth = try await patched(withPartner)
            XCTAssertProblem(refusedBoth, .badRequest, "validation")
            XCTAssertEqual(
                refusedBoth.errorPointers,
                ["/partners/0/organisationId", "/stakeholderSupport/1/documentId", "/stakeholderSupport/2/documentId"])
            withPartner["title"] = String(repeating: "t", count: 301)
            let refusedAll = try await patched(withPartner)
            XCTAssertProblem(refusedAll, .badRequest, "validation")
            XCTAssertEqual(
                refusedAll.errorPointers,
                ["/title", "/partners/0/organisationId", "/stakeholderSupport/1/documentId", "/stakeholderSupport/2/documentId"])

            let accepted = try await patched(["stakeholderSupport": [["name": "Ana", "organisation": "Ministerio", "documentId": own]]])
            XCTAssertEqual(accepted.status, .ok, accepted.text)
        }
    }

    /// A retried upload (same key, name, type and bytes) replays the first answer and attaches nothing
    /// more; the same key with other bytes is refused.
    func testUploadHonoursIdempotencyKey() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let path = "/v1/proposals/\(id)/documents?filename=letter.pdf"
            let key = ["Idempotency-Key": "upload-1"]
            let bytes = Data("%PDF-1.7 letter".utf8)
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await client.call(.post, path, body: bytes, contentType: "application/pdf", headers: key) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(answers.map(\.status), Array(repeating: .created, count: 4), answers.map(\.text).joined())
            XCTAssertEqual(Set(answers.compactMap { $0["id"] as? String }).count, 1, "one document for four tries")
            let list = try await client.call(.get, "/v1/proposals/\(id)/documents")
            XCTAssertEqual((list["items"] as? [Any])?.count, 1)

            let other = try await client.call(.post, path, body: Data("%PDF-1.7 another".utf8), contentType: "application/pdf", headers: key)
            XCTAssertProblem(other, .unprocessableContent, "unprocessable")
            let renamed = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=other.pdf", body: bytes, contentType: "application/pdf", headers: key)
            XCTAssertProblem(renamed, .unprocessableContent, "unprocessable")
            let without = try await client.call(.post, path, body: bytes, contentType: "application/pdf")
            XCTAssertEqual(without.status, .created)
            XCTAssertNotEqual(without["id"] as? String, answers[0]["id"] as? String)
        }
    }

    /// A text document keeps its charset (a CSV in ISO-8859-1 is not UTF-8); other parameters do not travel.
    func testTextDocumentsKeepTheirCharset() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let latin1 = Data([0x4E, 0x6F, 0x6D, 0x62, 0x72, 0x65, 0x3B, 0x61, 0xF1, 0x6F, 0x0A])
            let csv = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=datos.csv", body: latin1, contentType: "text/csv; Charset=\"ISO-8859-1\"")
            XCTAssertEqual(csv["contentType"] as? String, "text/csv; charset=iso-8859-1", csv.text)
            let download = try await client.call(.get, "/v1/proposals/\(id)/documents/\(try XCTUnwrap(csv["id"] as? String))")
            XCTAssertEqual(download.headers[.contentType], "text/csv; charset=iso-8859-1")
            XCTAssertEqual(download.body, latin1)

            let pdf = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=a.pdf", body: Data([1]), contentType: "application/pdf; version=1.7")
            XCTAssertEqual(pdf["contentType"] as? String, "application/pdf")
            // The header's grammar (RFC 9110 §5.6.6): a parameter without a value, an unterminated quote, an
            // empty charset are refused; a quoted pair is read as the character it quotes.
            for contentType in ["text/plain; charset=\"utf 8", "text/plain; charset", "text/plain; charset=utf-8; x=\"open",
                                "text/plain; charset=", "text/plain; charset=\"\"", "text/plain charset=utf-8"] {
                let malformed = try await client.call(
                    .post, "/v1/proposals/\(id)/documents?filename=b.txt", body: Data([65]), contentType: contentType)
                XCTAssertProblem(malformed, .unsupportedMediaType, "unsupported-media-type")
            }
            let quoted = try await client.call(
                .post, "/v1/proposals/\(id)/documents?filename=q.txt", body: Data([65]), contentType: "text/plain; charset=\"utf\\-8\";;")
            XCTAssertEqual(quoted["contentType"] as? String, "text/plain; charset=utf-8", quoted.text)
            // JSON is no document type: refused as such, the bytes never read as this service's JSON.
            for body in ["not json", "{\"a\": 1, \"a\": 2}"] {
                let json = try await client.call(
                    .post, "/v1/proposals/\(id)/documents?filename=j.json", body: Data(body.utf8), contentType: "application/json")
                XCTAssertProblem(json, .unsupportedMediaType, "unsupported-media-type")
            }
            // A parameter given twice is not read as one of the two.
            for contentType in ["text/plain; charset=iso-8859-1; charset=utf-8", "text/plain; Charset=utf-8; CHARSET=utf-8"] {
                let twice = try await client.call(
                    .post, "/v1/proposals/\(id)/documents?filename=c.txt", body: Data([65]), contentType: contentType)
                XCTAssertProblem(twice, .unsupportedMediaType, "unsupported-media-type")
            }
        }
    }

    func testContentDispositionKeepsNamesExactAndHeadersASCII() {
        XCTAssertEqual(ContentDisposition.attachment(filename: "letter.pdf"), "attachment; filename=\"letter.pdf\"")
        XCTAssertEqual(
            ContentDisposition.attachment(filename: "Carta de apoio – São Paulo.pdf"),
            "attachment; filename=\"Carta de apoio _ Sao Paulo.pdf\"; filename*=UTF-8''Carta%20de%20apoio%20%E2%80%93%20S%C3%A3o%20Paulo.pdf")
        XCTAssertEqual(
            ContentDisposition.attachment(filename: "報告.pdf"),
            "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf")
        // A `%` is not left in `filename`, where some clients would decode it (`%41` as `A`).
        XCTAssertEqual(
            ContentDisposition.attachment(filename: "%41.pdf"), "attachment; filename=\"_41.pdf\"; filename*=UTF-8''%2541.pdf")
        for name in ["Ñandú's \"plan\".csv", "100% año.txt", "100%.pdf", "emoji 📄.zip"] {
            let value = ContentDisposition.attachment(filename: name)
            XCTAssertTrue(value.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 }, value)
            let encoded = String(value.split(separator: "''", maxSplits: 1).last ?? "")
            XCTAssertEqual(encoded.removingPercentEncoding, name)
        }
    }
}
