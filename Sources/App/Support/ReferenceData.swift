import Foundation

/// ISO 3166-1 countries and ISO 4217 currencies, loaded once from the bundled reference files.
enum ReferenceData {
    /// The reference files the service reads.
    static let files = ["iso3166-countries.json", "iso4217-currencies.csv", "country-currencies.json"]

    /// A reference file the service needs is not where the bundled files are.
    struct MissingFiles: Error, CustomStringConvertible {
        let paths: [String]
        var description: String { "bundled reference files are missing or unreadable: \(paths.joined(separator: ", "))" }
    }

    /// The reference files that cannot be read under `folder`.
    static func missingFiles(in folder: URL) -> [String] {
        files.map { folder.appendingPathComponent($0).path }.filter { !FileManager.default.isReadableFile(atPath: $0) }
    }

    /// Reads every list now, so that a missing or broken file stops start-up rather than the first
    /// request that needs it.
    static func loadAtStart() throws {
        let missing = missingFiles(in: BundledFiles.root.appendingPathComponent("reference", isDirectory: true))
        guard missing.isEmpty else { throw MissingFiles(paths: missing) }
        _ = (countryCodes, currencyCodes, moneyMinorUnits, localCurrencies)
    }
    static let countryCodes: Set<String> = {
        struct Country: Decodable {
            let alpha2: String
            enum CodingKeys: String, CodingKey { case alpha2 = "alpha-2" }
        }
        guard let data = try? Data(contentsOf: BundledFiles.referenceFile("iso3166-countries.json")),
            let countries = try? JSONDecoder().decode([Country].self, from: data)
        else { fatalError("the bundled ISO 3166 list is missing or unreadable") }
        return Set(countries.map(\.alpha2))
    }()

    /// Current (not withdrawn) alphabetic currency codes.
    static let currencyCodes: Set<String> = {
        guard let text = try? String(contentsOf: BundledFiles.referenceFile("iso4217-currencies.csv"), encoding: .utf8)
        else { fatalError("the bundled ISO 4217 list is missing or unreadable") }
        var codes = Set<String>()
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = csvFields(line)
            // Entity,Currency,AlphabeticCode,NumericCode,MinorUnit,WithdrawalDate
            guard fields.count >= 6, fields[2].count == 3, fields[5].isEmpty else { continue }
            codes.insert(fields[2])
        }
        return codes
    }()

    /// Current currencies money is paid in, with their minor units (USD 2, JPY 0); funds, metals
    /// and test codes (minor unit `-` in ISO 4217: XAU, XDR, XTS, XXX…) are not among them.
    static let moneyMinorUnits: [String: Int] = {
        guard let text = try? String(contentsOf: BundledFiles.referenceFile("iso4217-currencies.csv"), encoding: .utf8)
        else { fatalError("the bundled ISO 4217 list is missing or unreadable") }
        var units: [String: Int] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = csvFields(line)
            guard fields.count >= 6, fields[2].count == 3, fields[5].isEmpty, let minor = Int(fields[4]) else { continue }
            units[fields[2]] = minor
        }
        return units
    }()

    /// ISO 4217 fund codes: units of account, not money a grant is paid in.
    static let fundCodes: Set<String> = ["BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"]

    /// Whether `code` is a currency money is paid in: current, with minor units, not a fund.
    static func isMoney(_ code: String) -> Bool { moneyMinorUnits[code] != nil && !fundCodes.contains(code) }

    /// One CSV line split into fields, honouring double quotes.
    static func csvFields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var previous: Character?
        for character in line {
            if character == "\"" {
                if quoted && previous == "\"" { current.append("\"") }
                quoted.toggle()
            } else if character == "," && !quoted {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        fields.append(current)
        return fields
    }
}
