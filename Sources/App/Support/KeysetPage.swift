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
    /// so `sql` takes a later snapshot) says how far every position is settled: a page of `fetching`
    /// rows (`sql` asks for that many, ordered by the table's position) that ends there is read as is.
    /// One that reaches past it (the tail of a list while inserts are open) is read again after
    /// `list_horizon_wait`, which waits for those inserts alone (up to its `lock_timeout`, then fails:
    /// 503). Rows past the highest position drawn are left out: they belong to writes that began after
    /// the page did, which a later page or walk sees.
    func keysetPage(of table: ListedTable, _ sql: SQL, fetching count: Int) async throws -> [Database.Row] {
        let results = try await queryEach(["SELECT drawn, settled FROM list_horizon(\(table.rawValue))", sql])
        let drawn = try results[0][0].decode(Int64.self, column: "drawn")
        let settled = try results[0][0].decode(Int64.self, column: "settled")
        let position = table.position
        let below = try results[1].prefix { try $0.decode(Int64.self, column: position) <= settled }
        if settled >= drawn || below.count >= count { return Array(below) }
        let again = try await queryEach(["SELECT list_horizon_wait(\(table.rawValue)) AS horizon", sql])
        let horizon = try again[0][0].decode(Int64.self, column: "horizon")
        return try Array(again[1].prefix { try $0.decode(Int64.self, column: position) <= horizon })
    }
}
