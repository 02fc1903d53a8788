import Database
import Foundation
import Testing

@Suite("Connection strings")
struct ConnectionStringTests {
    /// Where the test cluster listens, read from the server so the tests work with any URL form.
    private static func serverLocation() async throws -> (user: String, socketDirectory: String, port: String) {
        try await TestCluster.adminPool().withConnection { c in
            let row = try await c.query("""
                SELECT current_user AS u, split_part(current_setting('unix_socket_directories'), ',', 1) AS dir,
                       current_setting('port') AS port
                """)[0]
            return (try row.decode(String.self, column: "u"), try row.decode(String.self, column: "dir"),
                    try row.decode(String.self, column: "port"))
        }
    }

    @Test func uriForm() async throws {
        try await withTestDatabase { db in
            let server = try await ConnectionStringTests.serverLocation()
            var components = URLComponents()
            components.scheme = "postgresql"
            components.host = ""
            components.user = server.user
            components.path = "/" + db.name
            components.queryItems = [
                URLQueryItem(name: "host", value: server.socketDirectory),
                URLQueryItem(name: "port", value: server.port),
                URLQueryItem(name: "application_name", value: "uri test"),
            ]
            let pool = DatabasePool(configuration: .init(conninfo: components.string!, size: 1))
            let result = await Result {
                try await pool.withConnection { c in
                    await (try await c.scalar(String.self, "SELECT current_database()"),
                     try await c.scalar(String.self, "SELECT current_setting('application_name')"))
                }
            }
            await pool.shutdown()
            let (database, application) = try result.get()
            #expect(database == db.name)
            #expect(application == "uri test")
        }
    }

    @Test func keyValueFormWithMultiHostFailover() async throws {
        try await withTestDatabase { db in
            let server = try await ConnectionStringTests.serverLocation()
            // The first host does not exist: libpq moves on to the second, as documented.
            var configuration = DatabasePool.Configuration(
                conninfo: "host=/nonexistent-convoca-socket-dir,\(server.socketDirectory) port=\(server.port),\(server.port) "
                    + "user=\(server.user) dbname=\(db.name) target_session_attrs=read-write",
                size: 1
            )
            configuration.applicationName = "fallback name"
            let pool = DatabasePool(configuration: configuration)
            let result = await Result {
                try await pool.withConnection { c in
                    await (try await c.scalar(String.self, "SELECT current_database()"),
                     try await c.scalar(String.self, "SELECT current_setting('application_name')"))
                }
            }
            await pool.shutdown()
            let (database, application) = try result.get()
            #expect(database == db.name)
            #expect(application == "fallback name")
        }
    }

    @Test func parametersOverrideTheConnectionString() async throws {
        try await withTestDatabase(configure: { $0.parameters["application_name"] = "override" }) { db in
            let name = try await db.pool.withConnection { c in
                try await c.scalar(String.self, "SELECT current_setting('application_name')")
            }
            #expect(name == "override")
        }
    }

    @Test func sessionSettingsTheDecodersRelyOn() async throws {
        try await withTestDatabase { db in
            let settings = try await db.pool.withConnection { c in
                try await c.query("""
                    SELECT current_setting('client_encoding') AS e, current_setting('DateStyle') AS d,
                           current_setting('bytea_output') AS b
                    """).map { row in [try row.decode(String.self, column: "e"), try row.decode(String.self, column: "d"),
                                      try row.decode(String.self, column: "b")] }
            }
            #expect(settings == [["UTF8", "ISO, MDY", "hex"]])
        }
    }
}
