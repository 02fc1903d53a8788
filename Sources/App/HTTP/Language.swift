/// The languages the service speaks (problem texts, rule messages), chosen by `Accept-Language`.
public enum Language: String, Sendable, CaseIterable, Codable {
    case en, fr, es, pt

    /// The best supported language for an `Accept-Language` value (RFC 9110 §12.5.4), English otherwise.
    public static func negotiate(_ header: String?) -> Language {
        guard let header else { return .en }
        var best: (Language, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard quality > 0, let language = Language(rawValue: primary) else { continue }
            if best == nil || quality > best!.1 { best = (language, quality) }
        }
        return best?.0 ?? .en
    }
}
