/// One numbered schema change: `NNNN_name.sql` and its SQL text.
public struct Migration: Sendable, Hashable {
    /// The number before the first underscore; migrations apply in ascending order.
    public let version: Int
    /// The file name, e.g. "0003_add_rules.sql".
    public let name: String
    /// The SQL text, run with the simple protocol (several statements allowed).
    public let sql: String

    /// Throws `MigrationError.invalidName` unless `name` starts with digits and an underscore.
    public init(name: String, sql: String) throws {
        let digits = name.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, name.dropFirst(digits.count).first == "_", let version = Int(digits) else {
            throw MigrationError.invalidName(name)
        }
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Why migrations could not be loaded, checked or applied.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    /// A migration's name does not look like `NNNN_name.sql`.
    case invalidName(String)
    /// Two migrations share a version number.
    case duplicateVersion(Int, String, String)
    /// An applied migration's file changed since it was applied.
    case checksumMismatch(name: String, version: Int)
    /// The migration's SQL failed; its transaction was rolled back.
    case failed(name: String, underlying: any Error)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "migration \"\(name)\" must be named NNNN_description.sql"
        case .duplicateVersion(let version, let first, let second):
            "migrations \"\(first)\" and \"\(second)\" share version \(version)"
        case .checksumMismatch(let name, let version):
            "migration \"\(name)\" (version \(version)) was changed after it was applied"
        case .failed(let name, let underlying):
            "migration \"\(name)\" failed: \(underlying)"
        }
    }
}
