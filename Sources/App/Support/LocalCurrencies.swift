import Foundation

extension ReferenceData {
    /// The currencies in use in each country (ISO 4217 codes by ISO 3166 alpha-2 code), from the bundled
    /// `reference/country-currencies.json` (every country, so a call in any region can ask for local
    /// currencies), without the ISO 4217 fund codes: units of account such as Chile's Unidad de Fomento
    /// (CLF) are not money a grant is paid in.
    static let localCurrencies: [String: [String]] = {
        struct Country: Decodable {
            struct Currency: Decodable { let code: String }
            let alpha2: String
            let currencies: [Currency]
        }
        guard let data = try? Data(contentsOf: BundledFiles.referenceFile("country-currencies.json")),
            let countries = try? JSONDecoder().decode([Country].self, from: data)
        else { fatalError("the bundled list of the currencies of each country is missing or unreadable") }
        let funds: Set<String> = ["BOV", "CLF", "COU", "MXV", "UYI", "UYW", "USN", "CHE", "CHW", "XSU", "XUA"]
        return Dictionary(
            countries.map { ($0.alpha2, $0.currencies.map(\.code).filter { !funds.contains($0) }) },
            uniquingKeysWith: { first, _ in first })
    }()
}
