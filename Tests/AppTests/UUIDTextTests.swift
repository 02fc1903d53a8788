@testable import App
import Foundation
import Testing

/// Ids in paths, bodies and queries are read by `UUID(exactly:)` and written by `lowercasedString`.
@Suite struct UUIDTextTests {
    @Test func writesWhatFoundationWritesInLowerCase() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(id.lowercasedString == id.uuidString.lowercased())
        }
        let edges = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        #expect(edges.map(\.lowercasedString) == ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"])
    }

    @Test func readsWhatFoundationWritesInEitherCase() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(UUID(exactly: id.uuidString) == id)
            #expect(UUID(exactly: id.uuidString.lowercased()) == id)
        }
    }

    /// Every text that differs from a valid id by one character: read as Foundation reads it when it is
    /// still a full id, refused otherwise. Foundation alone is laxer: it skips a space or a sign where a
    /// digit belongs (`sscanf`), so `"9E09-31E-…"` named another record, and stops at a NUL.
    @Test func readsOneCharacterChangesAsFoundationDoesFullIds() {
        var generator = SystemRandomNumberGenerator()
        let replacements: [Character] = ["-", "g", "G", "0", "9", "a", "F", " ", "+", "é", "\u{0}"]
        let hyphens: Set = [8, 13, 18, 23]
        for _ in 0..<5_000 {
            var characters = Array(UUID().uuidString)
            let position = Int.random(in: 0..<characters.count, using: &generator)
            characters[position] = replacements.randomElement(using: &generator)!
            let text = String(characters)
            let full = characters.enumerated().allSatisfy { index, character in
                hyphens.contains(index) ? character == "-" : character.isHexDigit
            }
            #expect(UUID(exactly: text) == (full ? UUID(uuidString: text) : nil), "\(text.debugDescription)")
            if full { #expect(UUID(exactly: text) != nil) }
        }
    }

    @Test func refusesAnythingButTheFullForm() {
        let id = UUID().uuidString
        for text in [
            "", String(id.dropLast()), id + "0", id + "\u{0}", "{\(id)}", String(id.filter { $0 != "-" }),
            "-" + String(id.dropLast()), String(id.dropFirst()) + "-", id.replacingOccurrences(of: "-", with: "_"),
            // Foundation read this as 456c52f2-c195-46d9-833f-83979630f866: one record, two paths.
            "456c52f2-c195-46d9-833f-83979630-866",
        ] {
            #expect(UUID(exactly: text) == nil, "\(text.debugDescription)")
        }
    }
}
