import Rules

/// A text a client can receive in a problem (its `detail`, or an `errors[].detail`), in every language the
/// service speaks.
///
/// Problems are often made on database threads, where the request's language (a task-local) is not visible, so
/// they carry messages rather than text: `ProblemMiddleware` renders them in the negotiated language as it writes
/// the body. Each message is a `Key` of the catalog (its texts are in `MessageTexts.swift`) with the arguments
/// that fill its placeholders (`{0}`, `{1}`…).
public struct Message: Sendable, Equatable, CustomStringConvertible {
    /// What fills a placeholder.
    enum Argument: Sendable, Equatable {
        /// Shown as it is in every language: ids, codes, numbers, pointers, instants, a parser's diagnosis.
        case data(String)
        /// A phrase of the catalog, rendered in the same language as the message around it.
        case phrase(Message)
    }

    private enum Content: Sendable, Equatable {
        case entry(Key, [Argument])
        case translated([Language: String])
    }

    private let content: Content

    init(_ key: Key, _ arguments: Argument...) {
        content = .entry(key, arguments)
    }

    private init(translated texts: [Language: String]) {
        content = .translated(texts)
    }

    /// A text written in every language elsewhere (a rule's messages); English stands in for a missing one.
    static func translated(_ texts: [Language: String]) -> Message { Message(translated: texts) }

    public func text(in language: Language) -> String {
        switch content {
        case .translated(let texts):
            return texts[language] ?? texts[.en] ?? ""
        case .entry(let key, let arguments):
            return Self.fill(key.texts[language], with: arguments, in: language)
        }
    }

    /// The English text (logs, seed errors).
    public var description: String { text(in: .en) }

    /// Replaces `{n}` with the n-th argument; anything else is copied as it is.
    static func fill(_ template: String, with arguments: [Argument], in language: Language) -> String {
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}"), let index = Int(rest[afterOpen..<close]),
                arguments.indices.contains(index)
            else {
                result += "{"
                rest = rest[afterOpen...]
                continue
            }
            switch arguments[index] {
            case .data(let text): result += text
            case .phrase(let message): result += message.text(in: language)
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// A message's text in each language.
    struct Texts: Sendable {
        var en: String
        var fr: String
        var es: String
        var pt: String

        subscript(language: Language) -> String {
            switch language {
            case .en: en
            case .fr: fr
            case .es: es
            case .pt: pt
            }
        }
    }
}

// MARK: - Field errors (said of the value at the pointer)

extension Message {
    static let required = Message(.required)
    static let mustNotBeBlank = Message(.mustNotBeBlank)
    static func mustBeAtMost(characters: Int) -> Message { Message(.mustBeAtMostCharacters, .data(String(characters))) }
    static func mustBeFrom(_ low: Int, to high: Int) -> Message { mustBeFrom(String(low), to: String(high)) }
    static func mustBeFrom(_ low: String, to high: String) -> Message { Message(.mustBeFromTo, .data(low), .data(high)) }
    static let mustBeGreaterThanZero = Message(.mustBeGreaterThanZero)
    static let notACountryCode = Message(.notACountryCode)
    static let notACurrencyCode = Message(.notACurrencyCode)
    static let notAnEmail = Message(.notAnEmail)
    static let notADate = Message(.notADate)
    static let notAUUID = Message(.notAUUID)
    static func mustMatch(pattern: String) -> Message { Message(.mustMatchPattern, .data(pattern)) }
    static func mustBeAtLeast(characters: Int) -> Message { Message(.mustBeAtLeastCharacters, .data(String(characters))) }
    static func mustHoldAtMost(items: Int) -> Message { Message(.mustHoldAtMostItems, .data(String(items))) }
    static func mustHoldAtLeast(items: Int) -> Message { Message(.mustHoldAtLeastItems, .data(String(items))) }
    static func mustHaveAtLeast(members: Int) -> Message { Message(.mustHaveAtLeastMembers, .data(String(members))) }
    static func mustBeAtLeast(_ number: String) -> Message { Message(.mustBeAtLeast, .data(number)) }
    static func mustBeAtMost(_ number: String) -> Message { Message(.mustBeAtMost, .data(number)) }
    static let notAnInstantValue = Message(.notAnInstantValue)
    static let notAURI = Message(.notAURI)
    static let mustNotContainNUL = Message(.mustNotContainNUL)
    static let mustNotContainLoneSurrogate = Message(.mustNotContainLoneSurrogate)
    static let mustNotContainByteOrderMark = Message(.mustNotContainByteOrderMark)
    static let repeatedMember = Message(.repeatedMember)
    static func nestedTooDeep(limit: Int) -> Message { Message(.nestedTooDeep, .data(String(limit))) }
    static let notAParameterHere = Message(.notAParameterHere)
    static let givenMoreThanOnce = Message(.givenMoreThanOnce)
    static let notATimeZone = Message(.notATimeZone)
    static let notAPhoneNumber = Message(.notAPhoneNumber)
    static let mustBeHTTPURL = Message(.mustBeHTTPURL)
    static let mustNotBeInFuture = Message(.mustNotBeInFuture)
    static let mustBeInFuture = Message(.mustBeInFuture)
    static let mustBeAfterOpensAt = Message(.mustBeAfterOpensAt)
    static let isTaken = Message(.isTaken)
    static let requiredWhenStatusChanges = Message(.requiredWhenStatusChanges)
    static let removableOnlyWhilePending = Message(.removableOnlyWhilePending)
    static let notACursor = Message(.notACursor)
    static let notAPhaseName = Message(.notAPhaseName)
    static let mustBePlainFileName = Message(.mustBePlainFileName)
    static let documentIsEmpty = Message(.documentIsEmpty)

    /// What a list must not name twice.
    enum Item: Sendable { case value, language, country, id, rank, targetGroup, organisation }

    static func repeatsEarlier(_ item: Item) -> Message {
        switch item {
        case .value: Message(.repeatsEarlierValue)
        case .language: Message(.repeatsEarlierLanguage)
        case .country: Message(.repeatsEarlierCountry)
        case .id: Message(.repeatsEarlierID)
        case .rank: Message(.repeatsEarlierRank)
        case .targetGroup: Message(.repeatsEarlierTargetGroup)
        case .organisation: Message(.repeatsEarlierOrganisation)
        }
    }

    // Decoding

    static let notAKnownField = Message(.notAKnownField)
    static let hasInvalidValue = Message(.hasInvalidValue)
    static func mustBeOneOf(_ values: [String]) -> Message { Message(.mustBeOneOf, .data(values.joined(separator: ", "))) }

    /// The JSON types a decoder expects.
    enum JSONType: Sendable { case string, boolean, integer, number, array, object, other }

    static func mustBe(_ type: JSONType) -> Message { Message(.mustBe, .phrase(phrase(type))) }
    static func mustBeNotNull(_ type: JSONType) -> Message { Message(.mustBeNotNull, .phrase(phrase(type))) }

    private static func phrase(_ type: JSONType) -> Message {
        switch type {
        case .string: Message(.aString)
        case .boolean: Message(.aBoolean)
        case .integer: Message(.anInteger)
        case .number: Message(.aNumber)
        case .array: Message(.anArray)
        case .object: Message(.anObject)
        case .other: Message(.ofAnotherType)
        }
    }

    // Access and tokens

    static let mayNotBeSetByThisRole = Message(.mayNotBeSetByThisRole)
    static let mayNotBeUsedByThisRole = Message(.mayNotBeUsedByThisRole)
    static let notAnOrganisationYouActFor = Message(.notAnOrganisationYouActFor)
    static let notARegisteredOrganisation = Message(.notARegisteredOrganisation)
    static let notADocumentOfThisProposal = Message(.notADocumentOfThisProposal)
    static let ranksMustRunFromOne = Message(.ranksMustRunFromOne)
    static let mustNotContainControlCharacters = Message(.mustNotContainControlCharacters)
    static func credentialActsForTooMany(_ limit: Int) -> Message { Message(.credentialActsForTooMany, .data(String(limit))) }
    static let notAMoneyCurrency = Message(.notAMoneyCurrency)
    static func tooManyDecimals(for currency: String, allowed: Int) -> Message {
        Message(.tooManyDecimalsForCurrency, .data(currency), .data(String(allowed)))
    }
    static func mustBeAfter(_ field: String) -> Message { Message(.mustBeAfterField, .data(field)) }
    static func mustBeOnOrAfter(_ field: String) -> Message { Message(.mustBeOnOrAfterField, .data(field)) }
    static let applicantTokenNeedsOrganisation = Message(.applicantTokenNeedsOrganisation)
    static func mustBeEmpty(forRole role: String) -> Message { Message(.mustBeEmptyForRole, .data(role)) }

    // Idempotency

    static let idempotencyKeyFormat = Message(.idempotencyKeyFormat)
    static let idempotencyKeyUsedElsewhere = Message(.idempotencyKeyUsedElsewhere)

    // Proposals against their call

    static let isTheLeadOrganisation = Message(.isTheLeadOrganisation)
    static let notALanguageOfThisCall = Message(.notALanguageOfThisCall)
    static let notAStageOfThisCall = Message(.notAStageOfThisCall)
    static func deadlinePassed(_ instant: String) -> Message { Message(.deadlinePassed, .data(instant)) }
    static func callOpensAt(_ instant: String) -> Message { Message(.callOpensAt, .data(instant)) }

    /// What a proposal picks from its call.
    enum CallChoice: Sendable { case question, solutionType, targetGroup, eligibleCountry }

    static func needsAtLeastOne(_ choice: CallChoice) -> Message {
        switch choice {
        case .question: Message(.needsAQuestion)
        case .solutionType: Message(.needsASolutionType)
        case .targetGroup: Message(.needsATargetGroup)
        case .eligibleCountry: Message(.needsAnEligibleCountry)
        }
    }

    static func isNotA(_ choice: CallChoice) -> Message {
        switch choice {
        case .question: Message(.notAQuestionOfThisCall)
        case .solutionType: Message(.notASolutionTypeOfThisCall)
        case .targetGroup: Message(.notATargetGroupOfThisCall)
        case .eligibleCountry: Message(.notAnEligibleCountryOfThisCall)
        }
    }

    // Rulesets

    static func mustHoldAtMost(rules: Int) -> Message { Message(.mustHoldAtMostRules, .data(String(rules))) }
    static let ruleIDFormat = Message(.ruleIDFormat)
    static let phaseFormat = Message(.phaseFormat)
    static func repeatsRuleID(of pointer: String, _ id: String) -> Message { Message(.repeatsRuleID, .data(pointer), .data(id)) }
    static func operatorNotPortable(rule: String, operator name: String) -> Message {
        Message(.operatorNotPortable, .data(rule), .data(name))
    }
    static func ruleIsInvalid(rule: String, _ error: RuleError) -> Message {
        Message(.ruleIsInvalid, .data(rule), .phrase(ruleError(error)))
    }

    /// What the rules engine reports, said in the reader's language (the values it names stay as they are).
    static func ruleError(_ error: RuleError) -> Message {
        switch error {
        case .invalidJSON(let fault, let byte): Message(.ruleInvalidJSON, .phrase(jsonSyntax(fault, byte: byte)))
        case .unknownOperator(let name): Message(.ruleUnknownOperator, .data(name))
        case .invalidArguments(let name, let detail): Message(.ruleInvalidArguments, .data(name), .data(detail))
        case .argumentCount(let name, let takes, let given): argumentCount(operator: name, takes: takes, given: given)
        case .tooDeep(let limit): Message(.ruleTooDeep, .data(String(limit)))
        case .tooLarge(let limit): Message(.ruleTooLarge, .data(String(limit)))
        case .inputTooLarge(let limit): Message(.ruleInputTooLarge, .data(String(limit)))
        case .valueTooLarge(let limit): Message(.ruleValueTooLarge, .data(String(limit)))
        case .tooManySteps(let limit): Message(.ruleTooManySteps, .data(String(limit)))
        case .thrown(let value):
            switch error.errorType {
            case "NaN": Message(.ruleNaN)
            case "Invalid Arguments": Message(.ruleInvalidArgumentValues)
            default: Message(.ruleRaised, .data(value.jsonText))
            }
        }
    }
}

// MARK: - Problem details

extension Message {
    static func fieldsNotValid(_ count: Int) -> Message {
        count == 1 ? Message(.oneFieldNotValid) : Message(.fieldsNotValid, .data(String(count)))
    }

    // The HTTP edge

    static func methodNotAllowed(_ method: String, allowed: String) -> Message {
        Message(.methodNotAllowed, .data(method), .data(allowed))
    }
    static func noOperation(at path: String) -> Message { Message(.noOperation, .data(path)) }
    static func unexpectedError(requestID: String) -> Message { Message(.unexpectedError, .data(requestID)) }
    static let contentTypeNotAccepted = Message(.contentTypeNotAccepted)
    static let noAcceptableRepresentation = Message(.noAcceptableRepresentation)
    static let bodyNotJSON = Message(.bodyNotJSON)
    static func bodyNotJSON(because reason: Message) -> Message { Message(.bodyNotJSONBecause, .phrase(reason)) }
    /// Where and why a text stops being JSON (`JSONSyntaxFault`), without a full stop: it ends other sentences.
    static func jsonSyntax(_ fault: JSONSyntaxFault, byte: Int) -> Message {
        let key: Key =
            switch fault {
            case .unexpectedEnd: .jsonUnexpectedEnd
            case .expectedCommaOrBracket: .jsonExpectedCommaOrBracket
            case .expectedCommaOrBrace: .jsonExpectedCommaOrBrace
            case .textAfterValue: .jsonTextAfterValue
            case .expectedKey: .jsonExpectedKey
            case .expectedColon: .jsonExpectedColon
            case .unexpectedCharacter: .jsonUnexpectedCharacter
            case .invalidUTF8: .jsonInvalidUTF8
            case .controlCharacter: .jsonControlCharacter
            case .invalidEscape: .jsonInvalidEscape
            case .unterminatedString: .jsonUnterminatedString
            case .invalidUnicodeEscape: .jsonInvalidUnicodeEscape
            case .expectedDigitAfterPoint: .jsonExpectedDigitAfterPoint
            case .expectedDigitInExponent: .jsonExpectedDigitInExponent
            case .numberOutOfRange: .jsonNumberOutOfRange
            }
        return Message(key, .data(String(byte)))
    }
    /// An operator given a number of arguments it does not take.
    static func argumentCount(operator name: String, takes: ClosedRange<Int>, given: Int) -> Message {
        let (low, high, got) = (String(takes.lowerBound), String(takes.upperBound), String(given))
        if takes.upperBound == Int.max {
            return takes.lowerBound == 1
                ? Message(.ruleArgumentsAtLeastOne, .data(name), .data(got)) : Message(.ruleArgumentsAtLeast, .data(name), .data(got), .data(low))
        }
        if takes.lowerBound == takes.upperBound {
            return takes.lowerBound == 1
                ? Message(.ruleArgumentsExactlyOne, .data(name), .data(got)) : Message(.ruleArgumentsExactly, .data(name), .data(got), .data(low))
        }
        return Message(.ruleArgumentsFromTo, .data(name), .data(got), .data(low), .data(high))
    }
    static func bodyNestedTooDeep(limit: Int) -> Message { Message(.bodyNestedTooDeep, .data(String(limit))) }
    static let bodyUnreadable = Message(.bodyUnreadable)
    static let documentUnreadable = Message(.documentUnreadable)
    static func bodyTooLarge(bytes: Int, limit: Int) -> Message {
        Message(.bodyTooLarge, .data(String(bytes)), .data(String(limit)))
    }
    static func bodyOverLimit(_ limit: Int) -> Message { Message(.bodyOverLimit, .data(String(limit))) }
    static let bodyNeedsContentType = Message(.bodyNeedsContentType)
    static func missingHeader(_ name: String) -> Message { Message(.missingHeader, .data(name)) }
    static func missingPathParameter(_ name: String) -> Message { Message(.missingPathParameter, .data(name)) }
    static let bodyRequired = Message(.bodyRequired)
    static func valueNotAllowed(_ value: String) -> Message { Message(.valueNotAllowed, .data(value)) }
    static let notAnInstant = Message(.notAnInstant)
    static let requestValueHasNUL = Message(.requestValueHasNUL)
    static func parameterUnreadable(_ cause: String) -> Message { Message(.parameterUnreadable, .data(cause)) }

    // Availability

    static let serviceBusy = Message(.serviceBusy)
    static let listWaitsForCreation = Message(.listWaitsForCreation)
    static let changeMayHaveBeenMade = Message(.changeMayHaveBeenMade)
    static let shuttingDown = Message(.shuttingDown)
    static let databaseUnreachableTryAgain = Message(.databaseUnreachableTryAgain)
    static let databaseUnreachable = Message(.databaseUnreachable)
    static let requestConflicted = Message(.requestConflicted)
    static let requestTookTooLong = Message(.requestTookTooLong)
    static let pendingMigrations = Message(.pendingMigrations)
    static let tooManyConnections = Message(.tooManyConnections)
    static let tooManyBodiesInFlight = Message(.tooManyBodiesInFlight)
    static let requestHeadTooLarge = Message(.requestHeadTooLarge)
    static let requestHeadUnreadable = Message(.requestHeadUnreadable)
    static let pathUnreadable = Message(.pathUnreadable)
    static let acceptUnreadable = Message(.acceptUnreadable)
    static let contentCodingNotAccepted = Message(.contentCodingNotAccepted)
    static let hostRequired = Message(.hostRequired)
    static let hostNotValid = Message(.hostNotValid)
    static let transferEncodingUnframed = Message(.transferEncodingUnframed)
    static func transferCodingNotImplemented(_ codings: String) -> Message { Message(.transferCodingNotImplemented, .data(codings)) }
    static let connectNotServed = Message(.connectNotServed)
    static func bodyTooSlow(seconds: Int) -> Message { Message(.bodyTooSlow, .data(String(seconds))) }

    // Conditional requests and idempotency

    static let ifMatchRequired = Message(.ifMatchRequired)
    static func resourceChanged(currentETag: String) -> Message { Message(.resourceChanged, .data(currentETag)) }
    static func preconditionMalformed(currentETag: String) -> Message { Message(.preconditionMalformed, .data(currentETag)) }
    static func currentVersionNamed(currentETag: String) -> Message { Message(.currentVersionNamed, .data(currentETag)) }
    static let idempotencyKeyInUse = Message(.idempotencyKeyInUse)
    static let idempotencyKeyReused = Message(.idempotencyKeyReused)

    // Access

    static let bearerTokenRequired = Message(.bearerTokenRequired)
    static func tooManyRequests(retryAfter seconds: Int) -> Message { Message(.tooManyRequests, .data(String(seconds))) }
    static func roleMayNotCall(_ role: String, _ operationID: String) -> Message {
        Message(.roleMayNotCall, .data(role), .data(operationID))
    }
    static func roleMayNotChangeOrganisations(_ role: String) -> Message { Message(.roleMayNotChangeOrganisations, .data(role)) }
    static let onlySecretariatSetsDueDiligence = Message(.onlySecretariatSetsDueDiligence)
    static func dueDiligenceNotFor(role: String) -> Message { Message(.dueDiligenceNotForRole, .data(role)) }
    static let credentialNotForLead = Message(.credentialNotForLead)
    static let onlyLeadChangesProposal = Message(.onlyLeadChangesProposal)

    // Records that are not there

    /// The kinds of record a 404 names.
    enum Record: Sendable { case call, organisation, proposal, token, document }

    static func noSuch(_ record: Record, _ id: String) -> Message {
        switch record {
        case .call: Message(.noSuchCall, .data(id))
        case .organisation: Message(.noSuchOrganisation, .data(id))
        case .proposal: Message(.noSuchProposal, .data(id))
        case .token: Message(.noSuchToken, .data(id))
        case .document: Message(.noSuchDocument, .data(id))
        }
    }
    static func noCallForProposal(_ id: String) -> Message { Message(.noCallForProposal, .data(id)) }
    static func callCodeExists(_ code: String) -> Message { Message(.callCodeExists, .data(code)) }
    static let callChangeBreaksSubmissions = Message(.callChangeBreaksSubmissions)
    static let codeHasReceipts = Message(.codeHasReceipts)
    static func stillUsedBySubmissions(_ values: [String]) -> Message {
        Message(.stillUsedBySubmissions, .data(values.sorted().joined(separator: ", ")))
    }
    static func mustStayAfterSubmissions(_ instant: String) -> Message { Message(.mustStayAfterSubmissions, .data(instant)) }
    static func mustStayBeforeSubmissions(_ instant: String) -> Message { Message(.mustStayBeforeSubmissions, .data(instant)) }
    static func registrationTaken(country: String, number: String) -> Message {
        Message(.registrationTaken, .data(country), .data(number))
    }

    // The proposal lifecycle (statuses are the contract's values, shown as they are)

    static func onlyDraftsChange(status: String) -> Message { Message(.onlyDraftsChange, .data(status)) }
    static func onlyDraftsSubmit(status: String) -> Message { Message(.onlyDraftsSubmit, .data(status)) }
    static func cannotWithdraw(status: String) -> Message { Message(.cannotWithdraw, .data(status)) }
    static func documentsOnlyOnDrafts(status: String) -> Message { Message(.documentsOnlyOnDrafts, .data(status)) }
    static func onlySubmittedScreened(status: String) -> Message { Message(.onlySubmittedScreened, .data(status)) }
    static func onlySubmittedOverridden(status: String) -> Message { Message(.onlySubmittedOverridden, .data(status)) }
    static func cannotSubmit(reasons: Int) -> Message {
        reasons == 1 ? Message(.cannotSubmitOneReason) : Message(.cannotSubmit, .data(String(reasons)))
    }
    static func documentTypes(_ list: String) -> Message { Message(.documentTypes, .data(list)) }
    static func documentOverLimit(_ limit: Int) -> Message { Message(.documentOverLimit, .data(String(limit))) }

    // Rulesets and screening

    static func noRulesetYet(call: String) -> Message { Message(.noRulesetYet, .data(call)) }
    static func noRulesetToScreenWith(call: String) -> Message { Message(.noRulesetToScreenWith, .data(call)) }
    static let screenBeforeOverriding = Message(.screenBeforeOverriding)
    static func notScreened(proposal id: String) -> Message { Message(.notScreened, .data(id)) }
    static func problemsWithRules(_ count: Int) -> Message {
        count == 1 ? Message(.oneProblemWithRules) : Message(.problemsWithRules, .data(String(count)))
    }
    static func submissionRulesFailed(_ count: Int, rulesetVersion: Int) -> Message {
        count == 1
            ? Message(.submissionRuleFailed, .data(String(rulesetVersion)))
            : Message(.submissionRulesFailed, .data(String(count)), .data(String(rulesetVersion)))
    }
}
