import Foundation

/// `Content-Disposition: attachment` for a stored file name (RFC 6266).
///
/// Header values are ASCII: a name with other characters (accents are the rule in Spanish and
/// Portuguese) travels twice, as an ASCII approximation in `filename` for old clients and exactly,
/// UTF-8 and percent-encoded, in `filename*` (RFC 8187), which every current browser prefers.
enum ContentDisposition {
    static func attachment(filename: String) -> String {
        let fallback = asciiFallback(filename)
        var value = "attachment; filename=\"\(fallback)\""
        if fallback != filename { value += "; filename*=UTF-8''\(extendedValue(filename))" }
        return value
    }

    /// Accents dropped (ó → o), then anything that is not printable ASCII or that the quoted string
    /// would need to escape (`"` and `\`) replaced, and `%`, which some clients decode in `filename`
    /// (`%41.pdf` shown as `A.pdf`; RFC 6266, appendix D), so the exact name goes in `filename*`.
    static func asciiFallback(_ filename: String) -> String {
        let folded = filename.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        return String(String.UnicodeScalarView(folded.unicodeScalars.map { scalar in
            switch scalar {
            case "\"": "'"
            case "\\", "%": "_"
            case " "..."~": scalar
            default: "_"
            }
        }))
    }

    /// RFC 8187 `value-chars`: attr-char kept, every other UTF-8 byte percent-encoded.
    static func extendedValue(_ text: String) -> String {
        let kept = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        var result = ""
        for byte in text.utf8 {
            if kept.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}
