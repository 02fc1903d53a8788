/// Identifies a server-side prepared statement: the same text with other parameter types is another statement.
struct StatementKey: Hashable {
    var text: String
    var types: [UInt32]
}

/// A bounded least-recently-used map from statement to server-side prepared statement name.
struct StatementCache {
    let capacity: Int
    private var entries: [StatementKey: (name: String, lastUse: UInt64)] = [:]
    private var useCounter: UInt64 = 0
    private var nameCounter = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The statement's name, marking it as most recently used.
    mutating func name(for key: StatementKey) -> String? {
        // One hash of the key: the entry is found once and updated where it lies.
        guard let index = entries.index(forKey: key) else { return nil }
        useCounter += 1
        entries.values[index].lastUse = useCounter
        return entries.values[index].name
    }

    /// A name never used before on this connection.
    mutating func makeName() -> String {
        nameCounter += 1
        return "stmt_\(nameCounter)"
    }

    /// Records a prepared statement; returns the name of the one evicted to make room, to deallocate.
    mutating func insert(_ key: StatementKey, name: String) -> String? {
        var evicted: String?
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            // A linear scan on insert only: capacity is small and a prepare costs a round trip anyway.
            entries[oldest.key] = nil
            evicted = oldest.value.name
        }
        useCounter += 1
        entries[key] = (name, useCounter)
        return evicted
    }

    mutating func removeAll() {
        entries.removeAll()
    }
}
