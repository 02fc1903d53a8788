import Foundation

extension UUID {
    /// The id as the API writes it: lower-case hex digits with hyphens. Written directly: Foundation's
    /// `uuidString` goes through `snprintf`, and every request id is made this way.
    var lowercasedString: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                let digits: StaticString = "0123456789abcdef"
                var index = 0
                for (position, byte) in bytes.enumerated() {
                    if position == 4 || position == 6 || position == 8 || position == 10 {
                        text[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    text[index] = digits.utf8Start[Int(byte >> 4)]
                    text[index + 1] = digits.utf8Start[Int(byte & 0x0F)]
                    index += 2
                }
                return index
            }
        }
    }

    /// A UUID written in full: 36 characters, hex digits in either case, hyphens at 8, 13, 18 and 23.
    /// Foundation's own reading stops at a NUL character on Linux, so `"<uuid>\u{0}anything"` would
    /// name the same record as `"<uuid>"`; every id a request gives is read with this instead. It also
    /// reads the digits itself: Foundation's reading goes through `sscanf`, which cost about 1 % of a
    /// GET by id's CPU for the two ids each such request reads.
    init?(exactly text: String) {
        var text = text
        guard let uuid = text.withUTF8(UUID.parse) else { return nil }
        self.init(uuid: uuid)
    }

    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard utf8.count == 36 else { return nil }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let read = withUnsafeMutableBytes(of: &uuid) { bytes -> Bool in
            var index = 0
            var byte = 0
            while index < 36 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard utf8[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                    continue
                }
                guard let high = hexDigit(utf8[index]), let low = hexDigit(utf8[index + 1]) else { return false }
                bytes[byte] = high << 4 | low
                byte += 1
                index += 2
            }
            return true
        }
        return read ? uuid : nil
    }

    private static func hexDigit(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
