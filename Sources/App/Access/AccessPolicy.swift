import Foundation

/// Who may call each operation, read from the `x-convoca-roles` of every operation in `openapi.yaml`,
/// so that the contract front ends read and the rule the server enforces are the same text.
struct AccessPolicy: Sendable {
    static let publicRole = "public"
    private(set) var rolesByOperation: [String: Set<String>] = [:]

    init(contract: String) {
        var operation: String?
        for rawLine in contract.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("operationId:") {
                operation = line.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("x-convoca-roles:"), let current = operation {
                let list = line.dropFirst("x-convoca-roles:".count)
                    .trimmingCharacters(in: CharacterSet(charactersIn: " []"))
                rolesByOperation[current] = Set(
                    list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
                operation = nil
            }
        }
    }

    func isPublic(_ operationID: String) -> Bool { rolesByOperation[operationID]?.contains(Self.publicRole) ?? false }

    /// An operation the contract gives no roles is closed to everyone.
    func allows(_ role: Principal.Role, _ operationID: String) -> Bool {
        rolesByOperation[operationID]?.contains(role.rawValue) ?? false
    }
}
