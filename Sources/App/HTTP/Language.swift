/// The languages the service speaks (problem texts, rule messages), chosen by `Accept-Language`.
public enum Language: String, Sendable, CaseIterable, Codable {
    case en, fr, es, pt

    /// The best supported language for an `Accept-Language` value (RFC 9110 §12.5.4), English otherwise.
    public static func negotiate(_ header: String?) -> Language {
        guard let header else { return .en }
        // The quality of each language the header names (its highest, over tags such as `es-419`), in
        // the order named, and of `*`, which stands for every language not named (RFC 4647 §2.1).
        var named: [(Language, Double)] = []
        var wildcard: Double?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            if tag == "*" {
                wildcard = max(wildcard ?? 0, quality)
                continue
            }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary) else { continue }
            if let index = named.firstIndex(where: { $0.0 == language }) {
                named[index].1 = max(named[index].1, quality)
            } else {
                named.append((language, quality))
            }
        }
        // Named languages first, in the header's order; then, through `*`, the others in the service's order.
        var candidates = named
        for language in Language.allCases where !named.contains(where: { $0.0 == language }) {
            candidates.append((language, wildcard ?? 0))
        }
        var best: (Language, Double)?
        for candidate in candidates where candidate.1 > 0 && candidate.1 > (best?.1 ?? 0) { best = candidate }
        return best?.0 ?? .en
    }
}
