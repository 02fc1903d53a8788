import Foundation
import HTTPTypes
import HummingbirdTesting
import XCTest

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

            // Another applicant sees nothing of it.
            let stranger = try await Fixtures.token(app, role: "applicant", organisations: [try await Fixtures.createOrganisation(client, name: "Other")])
            XCTAssertProblem(try await client.call(.get, "/v1/proposals/\(id)/documents/\(documentID)", token: stranger), .notFound, "not-found")
        }
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
            XCTAssertProblem(
                try await client.call(.post, "/v1/proposals/\(id)/documents", body: Data([1]), contentType: "text/plain"),
                .badRequest, "bad-request")
            let submitted = try await client.call(.post, "/v1/proposals/\(id)/submit")
            XCTAssertEqual(submitted.status, .ok, submitted.text)
            XCTAssertProblem(
                try await client.call(.post, "/v1/proposals/\(id)/documents?filename=late.pdf", body: Data([1]), contentType: "application/pdf"),
                .conflict, "conflict")
        }
    }
}
