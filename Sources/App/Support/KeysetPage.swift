import Database

/// The tables that lists walk by keyset, each with its announced positions and horizon
/// (`sql/0012_list_horizon_announced.sql`).
enum ListedTable: String, Sendable, CaseIterable {
    case calls, organisations, proposals
    case proposalDocuments = "proposal_documents"
    case apiTokens = "api_tokens"
    case auditEvents = "audit_events"

    /// The identity column that orders the list and that cursors hold.
    var position: String { self == .auditEvents ? "id" : "seq" }
}

extension Connection {
    /// The rows of a keyset page that a walk can trust while others insert.
    ///
    /// A position is drawn when a row is inserted but shows when its transaction commits, so a page
    /// could show a later position while an earlier one is still uncommitted, and the cursor would
    /// pass it for good. `list_horizon` (a statement of its own before `sql`, in the same round trip,
    /// so `sql` takes a later snapshot) says how far every position is settled. A page of `fetching`
    /// rows (`sql` asks for that many, ordered by the table's position: the page, then one row that
    /// only says a next page exists) is served when its page rows are settled; rows past the highest
    /// position drawn are left out (writes that began after it, which a later page or walk sees).
    /// A page that reaches past what is settled throws `PageNotSettled`: read it again a moment later
    /// (`DatabasePool.withSettledPage`).
    func keysetPage(of table: ListedTable, _ sql: SQL, fetching count: Int) async throws -> [Database.Row] {
        let results = try await queryEach(["SELECT drawn, settled FROM list_horizon(\(table.rawValue))", sql])
        let drawn = try results[0][0].decode(Int64.self, column: "drawn")
        let settled = try results[0][0].decode(Int64.self, column: "settled")
        let position = table.position
        let rows = results[1]
        if settled >= drawn { return try Array(rows.prefix { try $0.decode(Int64.self, column: position) <= drawn }) }
        let below = try rows.prefix { try $0.decode(Int64.self, column: position) <= settled }
        // Every row the page shows is settled, and a row after them (committed, whatever its
        // position) says that a next page exists.
        if below.count >= count - 1, rows.count >= count { return Array(rows.prefix(count)) }
        throw PageNotSettled()
    }
}

/// A list page that reaches positions open inserts may still fill.
struct PageNotSettled: Error {}

extension DatabasePool {
    /// Reads a list page on a connection, again a moment later (no connection held meanwhile) while it
    /// reaches positions that inserts still open may fill; after 2 s, 503 with `Retry-After`. Inserts
    /// take milliseconds: a page waits that long at a list's tail while they run.
    func withSettledPage<Value>(_ body: (Connection) async throws -> Value) async throws -> Value {
        let deadline = ContinuousClock.now + .seconds(2)
        var pause = Duration.milliseconds(1)
        while true {
            do {
                return try await withConnection(body)
            } catch is PageNotSettled {
                guard ContinuousClock.now + pause < deadline else {
                    throw Problem(.serviceUnavailable, detail: .listWaitsForCreation, headers: [.retryAfter: "1"])
                }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(50))
            }
        }
    }
}
