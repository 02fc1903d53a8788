import CLibPQ
import Foundation

/// The rows returned by a statement, in text format.
///
/// Owns the libpq result and frees it exactly once when the last reference goes; rows read
/// straight from libpq's buffers, nothing is copied up front. Not Sendable: decode the values
/// you need inside the connection closure.
public final class QueryResult {
    let handle: OpaquePointer
    /// Number of rows.
    public let rowCount: Int
    /// Number of columns.
    public let columnCount: Int
    private var nameLookup: [String: Int]?
    private var snakeCaseLookup: [String: Int]?

    init(handle: OpaquePointer) {
        self.handle = handle
        rowCount = Int(PQntuples(handle))
        columnCount = Int(PQnfields(handle))
    }

    deinit {
        PQclear(handle)
    }

    /// Rows inserted, updated, deleted, selected… as reported in the command tag; 0 when not applicable.
    public var rowsAffected: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    /// The command tag, e.g. "INSERT 0 1".
    public var commandTag: String {
        PQcmdStatus(handle).map { String(cString: $0) } ?? ""
    }

    /// Column names in order, as the server reported them.
    public var columnNames: [String] {
        (0..<columnCount).map(columnName(at:))
    }

    /// The name of the column at an index.
    public func columnName(at index: Int) -> String {
        PQfname(handle, Int32(index)).map { String(cString: $0) } ?? ""
    }

    /// The type OID of the column at an index.
    public func columnType(at index: Int) -> PostgresType {
        PostgresType(PQftype(handle, Int32(index)))
    }

    /// The index of the first column with exactly this name (no case folding, unlike PQfnumber).
    public func columnIndex(named name: String) -> Int? {
        // Few columns: comparing C strings in place beats building a dictionary.
        if columnCount <= 16 {
            return name.withCString { wanted in
                (0..<columnCount).first { index in
                    PQfname(handle, Int32(index)).map { strcmp($0, wanted) == 0 } ?? false
                }
            }
        }
        if nameLookup == nil {
            var lookup: [String: Int] = [:]
            lookup.reserveCapacity(columnCount)
            for index in (0..<columnCount).reversed() {
                lookup[columnName(at: index)] = index
            }
            nameLookup = lookup
        }
        return nameLookup?[name]
    }

    /// Column index for a camelCase key when column names are converted from snake_case.
    func convertedColumnIndex(for key: String) -> Int? {
        if snakeCaseLookup == nil {
            var lookup: [String: Int] = [:]
            for index in (0..<columnCount).reversed() {
                lookup[RowDecoder.convertFromSnakeCase(columnName(at: index))] = index
            }
            snakeCaseLookup = lookup
        }
        return snakeCaseLookup?[key]
    }

    /// Decodes every row with a `RowDecoder`.
    public func decode<Value: Decodable>(_ type: Value.Type, decoder: RowDecoder = RowDecoder()) throws -> [Value] {
        try map { try decoder.decode(type, from: $0) }
    }
}

extension QueryResult: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }

    public subscript(position: Int) -> Row {
        precondition(position >= 0 && position < rowCount, "row index out of range")
        return Row(result: self, index: position)
    }
}

@available(*, unavailable)
extension QueryResult: Sendable {}
