/// Strong entity tags derived from a record's version, and the conditional headers that use them (RFC 9110 §13).
///
/// A tag names one representation: a role that gets a record cut down (a property it may not read
/// left out) gets another tag for the same version, `"<version>-<view>"`, since a strong tag promises
/// the same bytes.
enum EntityTag {
    static func of(version: Int, view: String? = nil) -> String {
        view.map { "\"\(version)-\($0)\"" } ?? "\"\(version)\""
    }

    /// What an `If-Match` or `If-None-Match` field says (RFC 9110 §13.1.1: `*` alone, or a list of entity tags).
    enum Condition: Equatable {
        case any
        case tags([Listed])
        /// Neither: `*` beside tags, an unquoted tag… It names no representation.
        case malformed

        struct Listed: Equatable {
            var weak: Bool
            var tag: String
        }

        init(_ field: String) {
            let trimmed = field.trimmingCharacters(in: .whitespaces)
            if trimmed == "*" {
                self = .any
                return
            }
            var tags: [Listed] = []
            var rest = Substring(trimmed)
            while true {
                rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
                if rest.isEmpty { break }
                let weak = rest.hasPrefix("W/")
                if weak { rest = rest.dropFirst(2) }
                // A quoted tag: no quote, control character or space inside (etagc is %x21 / %x23-7E / obs-text).
                guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else {
                    self = .malformed
                    return
                }
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                guard inner.unicodeScalars.allSatisfy({ $0.value == 0x21 || (0x23...0x7E).contains($0.value) || $0.value >= 0x80 })
                else {
                    self = .malformed
                    return
                }
                tags.append(Listed(weak: weak, tag: String(rest[...close])))
                rest = rest[rest.index(after: close)...].drop { $0 == " " || $0 == "\t" }
                guard rest.isEmpty || rest.first == "," else {
                    self = .malformed
                    return
                }
            }
            self = tags.isEmpty ? .malformed : .tags(tags)
        }
    }

    /// The conditional headers of one request, evaluated against the current tag of its target in the
    /// order RFC 9110 §13.2.2 gives: `If-Match`, then `If-None-Match`.
    struct Preconditions: Sendable {
        var ifMatch: String?
        var ifNoneMatch: String?

        /// The fields as they arrived in the request (the generated stubs percent-decode what they pass:
        /// `"%31"` would name `"1"`), or the values given outside a request.
        init(ifMatch: String?, ifNoneMatch: String? = nil) {
            self.ifMatch = RequestScope.raw(.ifMatch, else: ifMatch)
            self.ifNoneMatch = RequestScope.raw(.ifNoneMatch, else: ifNoneMatch)
        }

        /// `If-Match` (strong comparison): false when it is sent and names no current representation.
        /// A malformed field names none, so it never lets a change through. An empty field counts as
        /// not sent, on every method alike: a change then needs one (428), a read is answered.
        static func ifMatchHolds(_ field: String?, current: String) -> Bool {
            guard let field, !isBlank(field) else { return true }
            switch Condition(field) {
            case .any: return true
            case .tags(let tags): return tags.contains { !$0.weak && $0.tag == current }
            case .malformed: return false
            }
        }

        /// `If-None-Match` (weak comparison): false when it names the current representation (or is `*`).
        /// A malformed field names nothing, so it holds.
        static func ifNoneMatchHolds(_ field: String?, current: String) -> Bool {
            guard let field else { return true }
            switch Condition(field) {
            case .any: return false
            case .tags(let tags): return !tags.contains { $0.tag == current }
            case .malformed: return true
            }
        }

        private static func isBlank(_ field: String) -> Bool {
            field.allSatisfy { $0 == " " || $0 == "\t" }
        }

        /// For a `GET` (or `HEAD`): throws 412 when `If-Match` fails; true when the caller's copy is current (304).
        func notModified(current: String) throws(Problem) -> Bool {
            guard Self.ifMatchHolds(ifMatch, current: current) else { throw EntityTag.failed(ifMatch, current: current) }
            return !Self.ifNoneMatchHolds(ifNoneMatch, current: current)
        }

        /// For a change: 428 when `If-Match` is required and missing, 412 when either condition fails.
        func requireForChange(current: String, ifMatchRequired: Bool) throws(Problem) {
            if ifMatchRequired, ifMatch.map(Self.isBlank) ?? true {
                throw Problem(.preconditionRequired, detail: .ifMatchRequired)
            }
            guard Self.ifMatchHolds(ifMatch, current: current) else { throw EntityTag.failed(ifMatch, current: current) }
            guard Self.ifNoneMatchHolds(ifNoneMatch, current: current) else {
                throw Problem(.preconditionFailed, detail: .currentVersionNamed(currentETag: current))
            }
        }
    }

    private static func failed(_ ifMatch: String?, current: String) -> Problem {
        if let ifMatch, Condition(ifMatch) == .malformed {
            return Problem(.preconditionFailed, detail: .preconditionMalformed(currentETag: current))
        }
        return Problem(.preconditionFailed, detail: .resourceChanged(currentETag: current))
    }
}
