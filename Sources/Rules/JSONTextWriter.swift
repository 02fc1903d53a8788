extension JSONValue {
    /// Compact JSON text: no whitespace, numbers as JavaScript prints them (`1`, not `1.0`),
    /// object keys sorted so equal values always print the same. Written without recursion,
    /// so any nesting depth is safe. Non-finite numbers print as `null`, like `JSON.stringify`.
    public var jsonText: String {
        var writer = JSONTextWriter()
        writer.write(self)
        return String(decoding: writer.output, as: UTF8.self)
    }
}

/// Serializes values with an explicit work stack instead of recursion.
struct JSONTextWriter {
    private(set) var output: [UInt8] = []

    private enum Work {
        case value(JSONValue)
        case key(String)
        case byte(UInt8)
    }

    mutating func write(_ root: JSONValue) {
        var pending: [Work] = [.value(root)]
        while let work = pending.popLast() {
            switch work {
            case .byte(let byte):
                output.append(byte)
            case .key(let key):
                writeString(key)
                output.append(UInt8(ascii: ":"))
            case .value(let value):
                switch value {
                case .null: output.append(contentsOf: "null".utf8)
                case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
                case .number(let number):
                    if number.isFinite {
                        output.append(contentsOf: JSNumberFormat.string(number).utf8)
                    } else {
                        output.append(contentsOf: "null".utf8)
                    }
                case .string(let text): writeString(text)
                case .array(let items):
                    output.append(UInt8(ascii: "["))
                    pending.append(.byte(UInt8(ascii: "]")))
                    // Pushed in reverse so they pop in order.
                    for index in items.indices.reversed() {
                        pending.append(.value(items[index]))
                        if index > 0 { pending.append(.byte(UInt8(ascii: ","))) }
                    }
                case .object(let fields):
                    output.append(UInt8(ascii: "{"))
                    pending.append(.byte(UInt8(ascii: "}")))
                    let keys = fields.keys.sorted()
                    for index in keys.indices.reversed() {
                        pending.append(.value(fields[keys[index]]!))
                        pending.append(.key(keys[index]))
                        if index > 0 { pending.append(.byte(UInt8(ascii: ","))) }
                    }
                }
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Escapes quotes, backslashes and control characters; everything else is written as UTF-8.
    private mutating func writeString(_ text: String) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                output.append(Self.hexDigits[Int(byte >> 4)])
                output.append(Self.hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
