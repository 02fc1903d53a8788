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
    /// pass it for good. `list_horizon` returns the highest position drawn once the transactions that
    /// may hold an earlier one have ended (it waits for those alone, up to its `lock_timeout`, then
    /// fails: 503); `sql` (ordered by the table's position) is then read with a later snapshot, in the
    /// same round trip, and rows past the horizon are left out: they belong to writes that began
    /// after it, which a later page or walk sees.
    func keysetPage(of table: ListedTable, _ sql: SQL) async throws -> [Database.Row] {
        let results = try await queryEach(["SELECT list_horizon(\(table.rawValue)) AS horizon", sql])
        let horizon = try results[0][0].decode(Int64.self, column: "horizon")
        return try Array(results[1].prefix { try $0.decode(Int64.self, column: table.position) <= horizon })
    }
}
