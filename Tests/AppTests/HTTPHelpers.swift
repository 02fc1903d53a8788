import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import XCTest

/// A response as the tests read it: status, headers and the body parsed as JSON (when it is JSON).
struct TestResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Data

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }
    var text: String { String(decoding: body, as: UTF8.self) }
    subscript(key: String) -> Any? { json[key] }
    var problemType: String? { json["type"] as? String }
    var errorPointers: [String] {
        ((json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
    }
}

extension TestClientProtocol {
    /// One request; `body` is encoded as JSON unless it is already `Data`.
    func call(
        _ method: HTTPRequest.Method, _ path: String, token: String? = TestApp.adminToken, body: Any? = nil,
        contentType: String? = "application/json", headers extra: [String: String] = [:]
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            let data = try (body as? Data) ?? JSONSerialization.data(withJSONObject: body)
            buffer = ByteBuffer(bytes: data)
            if let contentType { headers[.contentType] = contentType }
        }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await execute(uri: path, method: method, headers: headers, body: buffer) { response in
            TestResponse(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }
}

func XCTAssertProblem(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ type: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(response.status, status, response.text, file: file, line: line)
    XCTAssertEqual(response.headers[.contentType], "application/problem+json", file: file, line: line)
    XCTAssertEqual(response.problemType, "urn:convoca:problem:\(type)", response.text, file: file, line: line)
    XCTAssertEqual(response["status"] as? Int, Int(status.code), file: file, line: line)
    XCTAssertNotNil(response["title"] as? String, file: file, line: line)
    XCTAssertEqual(response["instance"] as? String, response.headers[HTTPField.Name("X-Request-Id")!], file: file, line: line)
}
