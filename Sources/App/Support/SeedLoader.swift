import ConvocaAPI
import Database
import Foundation
import Logging

/// Loads the data files under `seed/` idempotently: a call whose code exists already is left as it is.
public struct SeedLoader: Sendable {
    let pool: DatabasePool
    let logger: Logger

    public init(pool: DatabasePool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Returns the codes of the calls it created.
    @discardableResult
    public func loadAll(from directory: URL) async throws -> [String] {
        let folder = directory.appendingPathComponent("calls", isDirectory: true)
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var created: [String] = []
        for file in files {
            let input: Components.Schemas.CallInput
            do {
                input = try Representation.decoder.decode(Components.Schemas.CallInput.self, from: Data(contentsOf: file))
                try CallValidation.validate(input)
            } catch {
                throw SeedError(file: file.lastPathComponent, reason: String(describing: error))
            }
            let definition = try Representation.json(input)
            let inserted = try await pool.withTransaction { connection in
                let rows = try await connection.query("""
                    INSERT INTO calls (code, definition, deadline) VALUES (\(input.code), \(JSONB(definition)), \(input.deadline))
                    ON CONFLICT (code) DO NOTHING RETURNING id
                    """)
                if let row = rows.first {
                    try await AuditLog().record(
                        connection, actor: .system, action: "call.seeded", entity: "call",
                        id: try row.decode(UUID.self, column: "id").lowercasedString, changes: .created(definition))
                }
                return rows.count == 1
            }
            logger.info(inserted ? "seed call loaded" : "seed call present already", metadata: ["code": "\(input.code)"])
            if inserted { created.append(input.code) }
        }
        try await loadRulesets(from: directory)
        return created
    }
}

public struct SeedError: Error, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "seed file \(file) is not a valid call: \(reason)" }
}
