import ConvocaAPI
import Foundation

/// What makes a call definition coherent, beyond the shapes the contract already enforces.
enum CallValidation {
    static func validate(_ call: Components.Schemas.CallInput) throws(Problem) {
        var v = Validator()
        v.check(Validator.isTimeZoneName(call.timezone), "/timezone", .notATimeZone)
        v.check(call.opensAt < call.deadline, "/deadline", .mustBeAfterOpensAt)
        v.unique(call.languages.map(\.rawValue), "/languages", what: .language)
        v.unique(call.eligibleCountries, "/eligibleCountries", what: .country)
        v.unique(call.questions.map(\.id), "/questions", what: .id)
        v.unique(call.solutionTypes.map(\.id), "/solutionTypes", what: .id)
        v.unique(call.targetGroups.map(\.id), "/targetGroups", what: .id)
        v.unique(call.criteria.map(\.id), "/criteria", what: .id)
        v.unique(call.criteria.flatMap { $0.subCriteria.map(\.id) }, "/criteria/*/subCriteria", what: .id)
        for (index, criterion) in call.criteria.enumerated() {
            v.check((Decimal(string: criterion.weight) ?? 0) > 0, "/criteria/\(index)/weight", .mustBeGreaterThanZero)
        }
        v.unique(call.prizes.map(\.rank), "/prizes", what: .rank)
        for (name, value) in [("winnersAnnouncedOn", call.winnersAnnouncedOn), ("labStartsOn", call.labStartsOn), ("pilotEndsOn", call.pilotEndsOn)] {
            v.date(value, "/\(name)")
        }
        if let payout = call.payout, payout.currency != "local" { v.currency(payout.currency, "/payout/currency") }
        ContractConstraints.shared.check(call, schema: "CallInput", into: &v)
        try v.throwIfInvalid()
    }
}
