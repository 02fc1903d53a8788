import Foundation

extension UUID {
    /// A UUID written in full: 36 characters, hex digits and hyphens only. Foundation's own reading
    /// stops at a NUL character on Linux, so `"<uuid>\u{0}anything"` would name the same record as
    /// `"<uuid>"`; every id a request gives is read with this instead.
    init?(exactly text: String) {
        let hyphen = UInt8(ascii: "-")
        guard text.utf8.count == 36,
            text.utf8.allSatisfy({ $0 == hyphen || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) })
        else { return nil }
        self.init(uuidString: text)
    }
}
