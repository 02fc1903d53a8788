import Foundation

/// Decodes a row into a `Decodable` type: each coding key names a column.
///
/// Properties whose type is `PostgresDecodable` are decoded with it; other Decodable
/// properties are read from json/jsonb columns with `jsonDecoder`, or, for other columns,
/// through a single-value container (raw-value enums, wrapper types).
public struct RowDecoder: Sendable {
    public enum KeyDecodingStrategy: Sendable {
        /// Property names equal column names.
        case useDefaultKeys
        /// Column `created_at` fills property `createdAt` (same rule as JSONDecoder).
        case convertFromSnakeCase
    }

    public var keyDecodingStrategy: KeyDecodingStrategy
    /// Used for json/jsonb columns backing nested Decodable values.
    public var jsonDecoder: JSONDecoder

    public init(keyDecodingStrategy: KeyDecodingStrategy = .useDefaultKeys, jsonDecoder: JSONDecoder = JSONDecoder()) {
        self.keyDecodingStrategy = keyDecodingStrategy
        self.jsonDecoder = jsonDecoder
    }

    /// Decodes one row; a `PostgresDecodable` type alone is read from the first column.
    public func decode<Value: Decodable>(_ type: Value.Type, from row: Row) throws -> Value {
        let decoder = CellDecoding(row: row, options: self)
        if let postgresType = type as? any PostgresDecodable.Type {
            return try decoder.decodePostgres(postgresType, column: 0) as! Value
        }
        return try Value(from: RowDecoding(cells: decoder))
    }

    static func convertFromSnakeCase(_ name: String) -> String {
        guard let first = name.firstIndex(where: { $0 != "_" }) else { return name }
        let last = name.lastIndex(where: { $0 != "_" })!
        let words = name[first...last].split(separator: "_")
        guard words.count > 1 else { return name }
        let joined = ([words[0].lowercased()] + words.dropFirst().map { $0.capitalized }).joined()
        return String(name[..<first]) + joined + String(name[name.index(after: last)...])
    }
}

/// Shared cell access for the row and single-cell decoders.
private struct CellDecoding {
    let row: Row
    let options: RowDecoder

    func columnIndex(for key: String) -> Int? {
        switch options.keyDecodingStrategy {
        case .useDefaultKeys: row.result.columnIndex(named: key)
        case .convertFromSnakeCase: row.result.convertedColumnIndex(for: key)
        }
    }

    func decodePostgres<Value: PostgresDecodable>(_ type: Value.Type, column: Int) throws -> Value {
        try row.decode(type, at: column)
    }

    func decode<Value: Decodable>(_ type: Value.Type, column: Int, codingPath: [any CodingKey]) throws -> Value {
        if let postgresType = type as? any PostgresDecodable.Type {
            return try decodePostgres(postgresType, column: column) as! Value
        }
        let columnType = row.result.columnType(at: column)
        if columnType == .json || columnType == .jsonb {
            let json = try row.decode(JSONB.self, at: column)
            do {
                return try options.jsonDecoder.decode(type, from: Data(json.text.utf8))
            } catch {
                throw failure(.underlying(error), column: column, swiftType: type)
            }
        }
        return try Value(from: SingleCellDecoder(cells: self, column: column, codingPath: codingPath))
    }

    func isNull(column: Int) throws -> Bool {
        try row.isNull(at: column)
    }

    func failure(_ reason: PostgresDecodingError.Reason, column: Int, swiftType: Any.Type) -> PostgresDecodingError {
        PostgresDecodingError(
            column: row.result.columnName(at: column), columnIndex: column, swiftType: "\(swiftType)",
            postgresType: row.result.columnType(at: column), reason: reason
        )
    }
}

private struct RowDecoding: Decoder {
    let cells: CellDecoding
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowKeyedContainer<Key>(cells: cells))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw cells.failure(.typeMismatch, column: 0, swiftType: [Any].self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleCellDecoder(cells: cells, column: 0, codingPath: [])
    }
}

private struct RowKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let cells: CellDecoding
    var codingPath: [any CodingKey] { [] }

    var allKeys: [Key] {
        (0..<cells.row.columnCount).compactMap { index in
            let name = cells.row.result.columnName(at: index)
            switch cells.options.keyDecodingStrategy {
            case .useDefaultKeys: return Key(stringValue: name)
            case .convertFromSnakeCase: return Key(stringValue: RowDecoder.convertFromSnakeCase(name))
            }
        }
    }

    func contains(_ key: Key) -> Bool {
        cells.columnIndex(for: key.stringValue) != nil
    }

    private func column(_ key: Key, _ type: Any.Type) throws -> Int {
        guard let index = cells.columnIndex(for: key.stringValue) else {
            throw PostgresDecodingError(
                column: key.stringValue, columnIndex: nil, swiftType: "\(type)", postgresType: nil, reason: .missingColumn
            )
        }
        return index
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try cells.isNull(column: column(key, Any.self))
    }

    func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
        try decodeValue(type, forKey: key)
    }

    private func decodeValue<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
        try cells.decode(type, column: column(key, type), codingPath: [key])
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decodeValue(type, forKey: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decodeValue(type, forKey: key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decodeValue(type, forKey: key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decodeValue(type, forKey: key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decodeValue(type, forKey: key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decodeValue(type, forKey: key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decodeValue(type, forKey: key) }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        let index = try column(key, type)
        return try SingleCellDecoder(cells: cells, column: index, codingPath: [key]).decode(type)
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try narrow(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try narrow(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try narrow(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try narrow(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try narrow(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try narrow(key) }

    private func narrow<Value: FixedWidthInteger>(_ key: Key) throws -> Value {
        let index = try column(key, Value.self)
        return try SingleCellDecoder(cells: cells, column: index, codingPath: [key]).narrow()
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw cells.failure(.typeMismatch, column: try column(key, type), swiftType: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw cells.failure(.typeMismatch, column: try column(key, [Any].self), swiftType: [Any].self)
    }

    func superDecoder() throws -> any Decoder {
        RowDecoding(cells: cells)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        SingleCellDecoder(cells: cells, column: try column(key, Any.self), codingPath: [key])
    }
}

/// Decodes one cell through a single-value container (raw-value enums, wrapper types).
private struct SingleCellDecoder: Decoder, SingleValueDecodingContainer {
    let cells: CellDecoding
    let column: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw cells.failure(.typeMismatch, column: column, swiftType: type)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw cells.failure(.typeMismatch, column: column, swiftType: [Any].self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool {
        (try? cells.isNull(column: column)) ?? false
    }

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try cells.decode(type, column: column, codingPath: codingPath)
    }

    func decode(_ type: Bool.Type) throws -> Bool { try cells.decodePostgres(type, column: column) }
    func decode(_ type: String.Type) throws -> String { try cells.decodePostgres(type, column: column) }
    func decode(_ type: Double.Type) throws -> Double { try cells.decodePostgres(type, column: column) }
    func decode(_ type: Int.Type) throws -> Int { try cells.decodePostgres(type, column: column) }
    func decode(_ type: Int16.Type) throws -> Int16 { try cells.decodePostgres(type, column: column) }
    func decode(_ type: Int32.Type) throws -> Int32 { try cells.decodePostgres(type, column: column) }
    func decode(_ type: Int64.Type) throws -> Int64 { try cells.decodePostgres(type, column: column) }

    func decode(_ type: Float.Type) throws -> Float {
        let value = try cells.decodePostgres(Double.self, column: column)
        guard value.isNaN || Double(Float(value)) == value else { throw cells.failure(.outOfRange, column: column, swiftType: type) }
        return Float(value)
    }

    func decode(_ type: Int8.Type) throws -> Int8 { try narrow() }
    func decode(_ type: UInt.Type) throws -> UInt { try narrow() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try narrow() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try narrow() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try narrow() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try narrow() }

    func narrow<Value: FixedWidthInteger>() throws -> Value {
        let value = try cells.decodePostgres(Int64.self, column: column)
        guard let narrowed = Value(exactly: value) else { throw cells.failure(.outOfRange, column: column, swiftType: Value.self) }
        return narrowed
    }
}
