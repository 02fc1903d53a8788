import ConvocaAPI
import Database
import Foundation

extension SeedLoader {
    /// Loads `seed/rulesets/<call code>.json` (a `RulesetInput`) as version 1 of that call's ruleset, unless the
    /// call has a ruleset already. Returns the codes of the calls that received one.
    @discardableResult
    func loadRulesets(from directory: URL) async throws -> [String] {
        let folder = directory.appendingPathComponent("rulesets", isDirectory: true)
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var loaded: [String] = []
        for file in files {
            let code = file.deletingPathExtension().lastPathComponent
            let input: Components.Schemas.RulesetInput
            do {
                input = try Representation.decoder.decode(Components.Schemas.RulesetInput.self, from: Data(contentsOf: file))
                try RulesetValidation.validate(input)
            } catch let problem as Problem {
                throw SeedRulesetError(file: file.lastPathComponent, reason: problem.errors.map { "\($0.pointer) \($0.detail)" }
                    .joined(separator: "; "))
            } catch {
                throw SeedRulesetError(file: file.lastPathComponent, reason: String(describing: error))
            }
            let document = try Representation.json(input)
            let inserted = try await pool.withTransaction { connection -> Bool in
                // The call's row lock keeps two seeding processes from both writing version 1.
                guard let call = try await connection.query("SELECT id FROM calls WHERE code = \(code) \(CallRepository.changeLock)").first else {
                    throw SeedRulesetError(file: file.lastPathComponent, reason: "no call has the code \(code)")
                }
                let callID = try call.decode(UUID.self, column: "id")
                guard try await RulesetRepository.current(connection, callID: callID) == nil else { return false }
                let row = try await RulesetRepository.insertNext(connection, callID: callID, document: document)
                try await AuditLog().record(
                    connection, actor: .system, action: "ruleset.seeded", entity: "ruleset",
                    id: "\(callID.lowercasedString)/\(row.version)", changes: .created(row.json))
                return true
            }
            logger.info(inserted ? "seed ruleset loaded" : "seed ruleset present already", metadata: ["call": "\(code)"])
            if inserted { loaded.append(code) }
        }
        return loaded
    }
}

public struct SeedRulesetError: Error, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "seed file rulesets/\(file) is not a valid ruleset: \(reason)" }
}
