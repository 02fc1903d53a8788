import Foundation
import Synchronization

/// Request ids: the caller's own when it is safe to log and echo, a fresh UUID otherwise.
enum RequestID {
    static let maxLength = 128

    static func accept(_ incoming: String?) -> String {
        if let incoming, isSafe(incoming) { return incoming }
        return fresh()
    }

    /// A version 4 UUID, unique in this process and unpredictable across processes, made without a
    /// system call: Foundation's `UUID()` opens and reads /dev/urandom each time (~4 % of a GET).
    /// Request ids correlate logs and answers; they are not secrets.
    static func fresh() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        var high = mix(seed.0 &+ n), low = mix(seed.1 ^ n)
        high = (high & ~0xF000) | 0x4000  // version 4
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48)  // RFC 4122 variant
        let uuid = withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { UUID(uuid: $0.load(as: uuid_t.self)) }
        return uuid.lowercasedString
    }

    private static let seed: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()

    private static let counter = Atomic<UInt64>(0)

    /// SplitMix64's finaliser: a bijection, so distinct counters give distinct ids.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Safe to log, to echo, and to give as a problem's `instance`, which RFC 9457 makes a URI
    /// reference: a few ASCII characters, and a colon before any slash only after a scheme's name
    /// (`urn:…` is an absolute URI; `1:x` is neither a URI nor a relative reference).
    static func isSafe(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= maxLength else { return false }
        let firstSegment = value.utf8.prefix { $0 != UInt8(ascii: "/") }
        if let colon = firstSegment.firstIndex(of: UInt8(ascii: ":")) {
            let scheme = value.utf8[..<colon]
            guard let first = scheme.first, isLetter(first),
                scheme.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
            else { return false }
        }
        return value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: ":"), UInt8(ascii: "/"):
                true
            default: false
            }
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
