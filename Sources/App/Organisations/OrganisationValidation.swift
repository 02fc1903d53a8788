import ConvocaAPI
import Foundation

/// Values an organisation record must hold beyond the shapes the contract enforces.
enum OrganisationValidation {
    static func validate(_ organisation: Components.Schemas.OrganisationInput, today: Date) throws(Problem) {
        var v = Validator()
        v.text(organisation.legalName, "/legalName", required: true, max: 300)
        if let registration = organisation.registration {
            v.text(registration.number, "/registration/number", required: true, max: 100)
            notInFuture(&v, registration.registeredOn, "/registration/registeredOn", today: today)
        }
        notInFuture(&v, organisation.foundedOn, "/foundedOn", today: today)
        if let website = organisation.website {
            let url = URL(string: website)
            v.check(["http", "https"].contains(url?.scheme?.lowercased() ?? "") && url?.host != nil,
                    "/website", .mustBeHTTPURL)
        }
        for (index, contact) in (organisation.contacts ?? []).enumerated() {
            v.text(contact.name, "/contacts/\(index)/name", required: true, max: 200)
            v.email(contact.email, "/contacts/\(index)/email")
        }
        for (index, reference) in (organisation.references ?? []).enumerated() {
            v.text(reference.name, "/references/\(index)/name", required: true, max: 200)
            v.email(reference.email, "/references/\(index)/email")
        }
        ContractConstraints.shared.check(organisation, schema: "OrganisationInput", into: &v)
        try v.throwIfInvalid()
    }

    private static func notInFuture(_ v: inout Validator, _ value: String?, _ pointer: String, today: Date) {
        guard let value else { return }
        v.date(value, pointer)
        if Validator.calendarDate(value) != nil {
            v.check(value <= Self.day(today), pointer, .mustNotBeInFuture)
        }
    }

    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle().year().month().day())
    }
}
