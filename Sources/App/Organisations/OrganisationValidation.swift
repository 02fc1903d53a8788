import ConvocaAPI
import Foundation

/// Values an organisation record must hold beyond the shapes the contract enforces.
enum OrganisationValidation {
    /// The secretariat setting due diligence in a request: the status before it, and the note the request gives.
    struct DueDiligenceChange {
        var previous: Components.Schemas.DueDiligenceStatus?
        var previousNote: String?
        var givenNote: String?
    }

    /// `dueDiligence`: given when the request sets due diligence, whose note rules are checked with the rest.
    static func validate(
        _ organisation: Components.Schemas.OrganisationInput, today: Date, dueDiligence: DueDiligenceChange? = nil
    ) throws(Problem) {
        var v = Validator()
        if let change = dueDiligence { check(change, organisation.dueDiligence, into: &v) }
        v.text(organisation.legalName, "/legalName", required: true, max: 300)
        if let registration = organisation.registration {
            v.text(registration.number, "/registration/number", required: true, max: 100)
            notInFuture(&v, registration.registeredOn, "/registration/registeredOn", today: today)
        }
        notInFuture(&v, organisation.foundedOn, "/foundedOn", today: today)
        // An organisation is registered once it exists (`YYYY-MM-DD` texts order as their days do).
        if let registeredOn = organisation.registration?.registeredOn, let foundedOn = organisation.foundedOn,
            Validator.calendarDate(registeredOn) != nil, Validator.calendarDate(foundedOn) != nil
        {
            v.check(registeredOn >= foundedOn, "/registration/registeredOn", .mustBeOnOrAfter("foundedOn"))
        }
        if let website = organisation.website { v.check(Self.isWebsite(website), "/website", .mustBeHTTPURL) }
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

    /// The secretariat says why it sets due diligence: a non-blank note, and a note of the request's own whenever
    /// the status changes, so a clearing never carries the note that justified a flag.
    private static func check(_ change: DueDiligenceChange, _ new: Components.Schemas.DueDiligence?, into v: inout Validator) {
        let statusChanges = (change.previous ?? .pending) != (new?.status ?? .pending)
        if statusChanges && new == nil {
            // Removed (`null`): back to pending, with no note to say why.
            v.fail("/dueDiligence", .removableOnlyWhilePending)
        } else if statusChanges && change.givenNote == nil {
            v.fail("/dueDiligence/note", .requiredWhenStatusChanges)
        } else if statusChanges, let given = change.givenNote, let previous = change.previousNote,
            given.trimmingCharacters(in: .whitespacesAndNewlines) == previous.trimmingCharacters(in: .whitespacesAndNewlines)
        {
            // A clearing that repeats the flag's note word for word says nothing of why it changed.
            v.fail("/dueDiligence/note", .requiredWhenStatusChanges)
        } else if let new {
            v.text(new.note, "/dueDiligence/note", required: true, max: 5000)
        }
    }

    /// An `http`/`https` URL as RFC 3986 writes it (nothing a browser would have to escape, every `%`
    /// followed by two hexadecimal digits), with a host, a port (if any) a TCP port can be, and no
    /// credentials in it.
    static func isWebsite(_ text: String) -> Bool {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
        guard text.unicodeScalars.allSatisfy(allowed.contains), isPercentEncodedWell(text), let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil,
            components.port.map({ (1...65_535).contains($0) }) ?? true
        else { return false }
        return true
    }

    private static func isPercentEncodedWell(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let isHex = { (byte: UInt8) in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
        }
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
        }
        return true
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
