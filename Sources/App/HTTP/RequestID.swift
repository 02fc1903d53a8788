import Foundation

/// Request ids: the caller's own when it is safe to log and echo, a fresh UUID otherwise.
enum RequestID {
    static let maxLength = 128

    static func accept(_ incoming: String?) -> String {
        if let incoming, isSafe(incoming) { return incoming }
        return UUID().uuidString.lowercased()
    }

    static func isSafe(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= maxLength else { return false }
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
}
