@testable import App
import Foundation
import Testing

/// A text is blank exactly when Foundation's trimming of white space and line breaks leaves nothing.
@Suite struct BlankTextTests {
    @Test func everyScalarIsBlankAsFoundationTrimsIt() {
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            if text.isBlank != text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { differing.append(value) }
        }
        #expect(differing.isEmpty, "\(differing.map { String($0, radix: 16) })")
    }

    @Test func textsOfSeveralCharacters() {
        #expect("".isBlank)
        #expect(" \t\r\n\u{A0}\u{2028}\u{3000}".isBlank)
        #expect(!" a ".isBlank)
        #expect(" \u{200B}".isBlank)
        #expect(!" \u{0}".isBlank)
    }
}
