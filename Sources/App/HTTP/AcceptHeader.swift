import HTTPTypes

/// `Accept` read as RFC 9110 §12.5.1 says, once for every operation (`RequestLimitsMiddleware`):
/// a media type's quality is that of the most specific range that matches it (`type/subtype` over
/// `type/*` over `*/*`), and a quality of 0 means "not this one", so `application/json;q=0, */*`
/// rules JSON out. No header, or an empty one, accepts anything; one that cannot be read is a 400.
/// (The generated server reads the header only when it encodes an answer, after the work is done,
/// and ignores qualities; the fast paths would otherwise read it a second way.)
enum AcceptHeader {
    /// A media range of the header and its quality.
    private struct Range {
        var type: Substring
        var subtype: Substring
        var quality: Double
    }

    /// Whether `header` admits `contentType` (parameters of the type are ignored); a header that
    /// cannot be read admits it, since it is refused before this matters.
    static func allows(_ contentType: String, _ header: String) -> Bool {
        (quality(of: contentType, in: header) ?? 1) > 0
    }

    /// The quality `header` gives `contentType`: 1 when the header names no range, 0 when no range
    /// matches, nil when the header is not an `Accept` value.
    static func quality(of contentType: String, in header: String) -> Double? {
        guard let ranges = ranges(header) else { return nil }
        guard !ranges.isEmpty else { return 1 }
        let essence = (contentType.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let parts = essence.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return 0 }
        var best: (specificity: Int, quality: Double) = (0, 0)
        for range in ranges {
            let specificity =
                if range.type == parts[0] && range.subtype == parts[1] { 3 }
                else if range.type == parts[0] && range.subtype == "*" { 2 }
                else if range.type == "*" && range.subtype == "*" { 1 }
                else { 0 }
            if specificity > best.specificity { best = (specificity, range.quality) }
        }
        return best.quality
    }

    /// Whether `header` can be read as an `Accept` value.
    static func isReadable(_ header: String) -> Bool {
        ranges(header) != nil
    }

    /// The media ranges of `header` (empty list elements are allowed, as in any HTTP list), or nil
    /// when an element is not `type/subtype` tokens with `name=value` parameters and a valid `q`.
    private static func ranges(_ header: String) -> [Range]? {
        var ranges: [Range] = []
        for element in header.lowercased().split(separator: ",", omittingEmptySubsequences: false) {
            let parameters = element.split(separator: ";", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: [" ", "\t"]) }
            guard let first = parameters.first else { continue }
            if first.isEmpty && parameters.count == 1 { continue }
            let kinds = first.split(separator: "/", omittingEmptySubsequences: false)
            guard kinds.count == 2, isToken(kinds[0]), isToken(kinds[1]), kinds[0] != "*" || kinds[1] == "*" else { return nil }
            var quality = 1.0
            var sawQuality = false
            for parameter in parameters.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2, isToken(pair[0].trimmingCharacters(in: [" ", "\t"])[...]) else { return nil }
                if pair[0].trimmingCharacters(in: [" ", "\t"]) == "q" {
                    // A second `q` would be read as either of the two.
                    guard !sawQuality, let value = qualityValue(pair[1].trimmingCharacters(in: [" ", "\t"])) else { return nil }
                    sawQuality = true
                    quality = value
                }
            }
            ranges.append(Range(type: kinds[0], subtype: kinds[1], quality: quality))
        }
        return ranges
    }

    /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`.
    private static func qualityValue(_ text: String) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, whole == "0" || whole == "1" else { return nil }
        if parts.count == 2 {
            let fraction = parts[1]
            guard fraction.count <= 3, fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber) else { return nil }
            if whole == "1" && !fraction.allSatisfy({ $0 == "0" }) { return nil }
        }
        return Double(text)
    }

    /// An RFC 9110 token: visible ASCII other than delimiters.
    private static func isToken(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7f && !"\"(),/:;<=>?@[\\]{}".utf8.contains(byte)
        }
    }
}
