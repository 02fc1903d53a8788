extension StringProtocol {
    /// Nothing but white space, or empty: Unicode's `White_Space` and the zero-width space, which is
    /// what Foundation's `.whitespacesAndNewlines` holds. Foundation's trimming bridges through
    /// `NSString` on Linux and builds its character set on every call: about 2 % of a draft
    /// creation's CPU.
    var isBlank: Bool { unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0 == "\u{200B}" } }
}
