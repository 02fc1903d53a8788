/// Strong entity tags derived from a record's version, and the conditional headers that use them.
enum EntityTag {
    static func of(version: Int) -> String { "\"\(version)\"" }

    /// `If-None-Match`: true when the caller's copy is current (answer 304).
    static func noneMatchHolds(_ header: String?, version: Int) -> Bool {
        guard let header else { return false }
        return tags(in: header, weakAllowed: true).contains { $0 == "*" || $0 == of(version: version) }
    }

    /// `If-Match` on a change: required, and it must name the current version (strong comparison).
    static func requireMatch(_ header: String?, version: Int) throws(Problem) {
        guard let header, !header.isEmpty else {
            throw Problem(.preconditionRequired, detail: .ifMatchRequired)
        }
        let tags = tags(in: header, weakAllowed: false)
        guard tags.contains(where: { $0 == "*" || $0 == of(version: version) }) else {
            throw Problem(.preconditionFailed, detail: .resourceChanged(currentETag: of(version: version)))
        }
    }

    private static func tags(in header: String, weakAllowed: Bool) -> [String] {
        header.split(separator: ",").compactMap { raw in
            var tag = raw.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") {
                guard weakAllowed else { return nil }
                tag.removeFirst(2)
            }
            return tag
        }
    }
}
