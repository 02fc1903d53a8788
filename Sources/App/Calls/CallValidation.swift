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
        // Sub-criterion ids are unique across the call (scores name them alone): each repeat is pointed at where it is.
        var subCriteria = Set<String>()
        for (index, criterion) in call.criteria.enumerated() {
            for (subIndex, sub) in criterion.subCriteria.enumerated() where !subCriteria.insert(sub.id).inserted {
                v.fail("/criteria/\(index)/subCriteria/\(subIndex)", .repeatsEarlier(.id))
            }
        }
        for (index, criterion) in call.criteria.enumerated() {
            v.check((Decimal(string: criterion.weight) ?? 0) > 0, "/criteria/\(index)/weight", .mustBeGreaterThanZero)
        }
        v.unique(call.prizes.map(\.rank), "/prizes", what: .rank)
        v.unique((call.organisationKinds ?? []).map(\.rawValue), "/organisationKinds")
        v.unique((call.stages ?? []).map(\.rawValue), "/stages")
        checkPrizes(call.prizes, into: &v)
        checkSchedule(call, into: &v)
        for (name, value) in [("winnersAnnouncedOn", call.winnersAnnouncedOn), ("labStartsOn", call.labStartsOn), ("pilotEndsOn", call.pilotEndsOn)] {
            v.date(value, "/\(name)")
        }
        if let payout = call.payout, payout.currency != "local" {
            v.currency(payout.currency, "/payout/currency")
            if ReferenceData.currencyCodes.contains(payout.currency) {
                v.check(ReferenceData.isMoney(payout.currency), "/payout/currency", .notAMoneyCurrency)
            }
        }
        ContractConstraints.shared.check(call, schema: "CallInput", into: &v)
        try v.throwIfInvalid()
    }

    /// Ranks 1, 2… without gaps; each amount above zero, in a currency money is paid in, with no
    /// more decimals than that currency has.
    static func checkPrizes(_ prizes: [Components.Schemas.Prize], into v: inout Validator) {
        if Set(prizes.map(\.rank)) != Set(1...max(prizes.count, 1)), !prizes.isEmpty { v.fail("/prizes", .ranksMustRunFromOne) }
        for (index, prize) in prizes.enumerated() {
            guard let minor = ReferenceData.moneyMinorUnits[prize.currency], ReferenceData.isMoney(prize.currency) else {
                if ReferenceData.currencyCodes.contains(prize.currency) { v.fail("/prizes/\(index)/currency", .notAMoneyCurrency) }
                continue  // Not a currency code at all: the contract's own check names it.
            }
            v.check((Decimal(string: prize.amount) ?? 0) > 0, "/prizes/\(index)/amount", .mustBeGreaterThanZero)
            let decimals = prize.amount.split(separator: ".").dropFirst().first?.count ?? 0
            v.check(decimals <= minor, "/prizes/\(index)/amount", .tooManyDecimals(for: prize.currency, allowed: minor))
        }
    }

    /// Winners are announced after the deadline's day (in the call's time zone), the lab starts on or
    /// after that day, and the pilots end after the lab starts.
    static func checkSchedule(_ call: Components.Schemas.CallInput, into v: inout Validator) {
        let announced = call.winnersAnnouncedOn.flatMap(Validator.calendarDate) != nil ? call.winnersAnnouncedOn : nil
        let labStarts = call.labStartsOn.flatMap(Validator.calendarDate) != nil ? call.labStartsOn : nil
        let pilotEnds = call.pilotEndsOn.flatMap(Validator.calendarDate) != nil ? call.pilotEndsOn : nil
        if let announced, let zone = TimeZone(identifier: call.timezone) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let day = calendar.dateComponents([.year, .month, .day], from: call.deadline)
            let deadlineDay = String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
            v.check(announced > deadlineDay, "/winnersAnnouncedOn", .mustBeAfter("deadline"))
        }
        // `YYYY-MM-DD` texts order as their days do.
        if let announced, let labStarts { v.check(labStarts >= announced, "/labStartsOn", .mustBeOnOrAfter("winnersAnnouncedOn")) }
        if let labStarts, let pilotEnds { v.check(pilotEnds > labStarts, "/pilotEndsOn", .mustBeAfter("labStartsOn")) }
    }
}
