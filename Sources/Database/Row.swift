import CLibPQ
import Foundation

/// One row of a `QueryResult`; cells are read by column name or index.
///
/// Decoding failures (type mismatch, NULL into a non-optional, bad text) throw a
/// `PostgresDecodingError` naming the column.
public struct Row {
    let result: QueryResult
    /// The row's position in its result.
    public let index: Int

    init(result: QueryResult, index: Int) {
        self.result = result
        self.index = index
    }

    /// Number of columns in the row.
    public var columnCount: Int { result.columnCount }

    /// Decodes the cell in the named column.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, column: String) throws -> Value {
        guard let column = result.columnIndex(named: column) else {
            throw PostgresDecodingError(
                column: column, columnIndex: nil, swiftType: "\(Value.self)", postgresType: nil, reason: .missingColumn
            )
        }
        return try decode(type, at: column)
    }

    /// Decodes the cell at a column index (0-based).
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, at column: Int) throws -> Value {
        try checkColumn(column, for: Value.self)
        let handle = result.handle
        let row = Int32(index)
        let field = Int32(column)
        let postgresType = PostgresType(PQftype(handle, field))
        if PQgetisnull(handle, row, field) == 1 {
            if let null = Value.postgresNull { return null }
            throw error(.unexpectedNull, column: column, swiftType: Value.self)
        }
        do {
            return try Value(postgresText: cellBytes(column), type: postgresType)
        } catch let reason as PostgresDecodingError.Reason {
            throw error(reason, column: column, swiftType: Value.self)
        } catch let decodingError as PostgresDecodingError {
            throw decodingError
        } catch {
            throw self.error(.underlying(error), column: column, swiftType: Value.self)
        }
    }

    /// Decodes the whole row into a Decodable type, mapping column names to property names.
    public func decode<Value: Decodable>(_ type: Value.Type, decoder: RowDecoder = RowDecoder()) throws -> Value {
        try decoder.decode(type, from: self)
    }

    /// Decodes a json/jsonb cell with a JSONDecoder.
    public func decodeJSON<Value: Decodable>(
        _ type: Value.Type, column: String, decoder: JSONDecoder = JSONDecoder()
    ) throws -> Value {
        let json = try decode(JSONB.self, column: column)
        do {
            return try json.decode(type, decoder: decoder)
        } catch {
            throw PostgresDecodingError(
                column: column, columnIndex: result.columnIndex(named: column), swiftType: "\(Value.self)",
                postgresType: result.columnIndex(named: column).map(result.columnType(at:)), reason: .underlying(error)
            )
        }
    }

    /// True when the cell at a column index is SQL NULL.
    public func isNull(at column: Int) throws -> Bool {
        try checkColumn(column, for: Any.self)
        return PQgetisnull(result.handle, Int32(index), Int32(column)) == 1
    }

    /// True when the cell in the named column is SQL NULL.
    public func isNull(column: String) throws -> Bool {
        guard let index = result.columnIndex(named: column) else {
            throw PostgresDecodingError(column: column, columnIndex: nil, swiftType: "Any", postgresType: nil, reason: .missingColumn)
        }
        return try isNull(at: index)
    }

    /// Calls `body` with the cell's text bytes (nil for NULL) without copying them.
    /// The buffer is valid only inside `body`; useful to write JSON straight from the result.
    public func withRawText<Result>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result) throws -> Result {
        try checkColumn(column, for: UnsafeBufferPointer<UInt8>.self)
        if PQgetisnull(result.handle, Int32(index), Int32(column)) == 1 { return try body(nil) }
        return try withExtendedLifetime(result) { try body(cellBytes(column)) }
    }

    /// The cell's text form as a String, or nil for NULL, whatever the column's type.
    public func rawText(at column: Int) throws -> String? {
        try withRawText(at: column) { bytes in bytes.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// The named cell's text form, or nil for NULL.
    public func rawText(column: String) throws -> String? {
        guard let index = result.columnIndex(named: column) else {
            throw PostgresDecodingError(column: column, columnIndex: nil, swiftType: "String", postgresType: nil, reason: .missingColumn)
        }
        return try rawText(at: index)
    }

    private func cellBytes(_ column: Int) -> UnsafeBufferPointer<UInt8> {
        let handle = result.handle
        let length = Int(PQgetlength(handle, Int32(index), Int32(column)))
        guard let value = PQgetvalue(handle, Int32(index), Int32(column)) else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: length)
    }

    private func checkColumn(_ column: Int, for type: Any.Type) throws {
        guard column >= 0, column < result.columnCount else {
            throw PostgresDecodingError(
                column: "#\(column)", columnIndex: column, swiftType: "\(type)", postgresType: nil, reason: .missingColumn
            )
        }
    }

    private func error(_ reason: PostgresDecodingError.Reason, column: Int, swiftType: Any.Type) -> PostgresDecodingError {
        PostgresDecodingError(
            column: result.columnName(at: column), columnIndex: column, swiftType: "\(swiftType)",
            postgresType: result.columnType(at: column), reason: reason
        )
    }
}

@available(*, unavailable)
extension Row: Sendable {}
