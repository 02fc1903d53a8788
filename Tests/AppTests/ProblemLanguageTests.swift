@testable import App
import Foundation
import HTTPTypes
import HummingbirdTesting
import Rules
import XCTest

/// Problem details and field errors are written in the language `Accept-Language` chooses (English otherwise),
/// including problems made on database threads, where the request's language is not visible.
final class ProblemLanguageTests: XCTestCase {
    /// The `Accept-Language` each language is asked with (nil: no header, so English).
    static let asked: [(header: String?, language: Language)] = [
        (nil, .en), ("fr-CH, fr;q=0.9, en;q=0.8", .fr), ("es-PE", .es), ("pt-BR", .pt),
    ]

    /// Sends the request once per language and checks the problem's detail and field errors in each.
    private static func assertTranslated(
        _ send: (_ headers: [String: String]) async throws -> TestResponse,
        status: HTTPResponse.Status, type: String, detail: [Language: String], errors: [String: [Language: String]] = [:],
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        for (header, language) in Self.asked {
            let response = try await send(header.map { ["Accept-Language": $0] } ?? [:])
            XCTAssertProblem(response, status, type, file: file, line: line)
            XCTAssertEqual(response["detail"] as? String, detail[language], "\(language)", file: file, line: line)
            XCTAssertEqual(response.headers[.contentLanguage], language.rawValue, file: file, line: line)
            XCTAssertTrue(response.headers[values: .vary].contains("Accept-Language"), file: file, line: line)
            let received = (response["errors"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) { result, error in
                if let pointer = error["pointer"] as? String { result[pointer] = error["detail"] as? String }
            }
            XCTAssertEqual(received, errors.compactMapValues { $0[language] }, "\(language)", file: file, line: line)
        }
    }

    func testValidationProblem() async throws {
        try await TestApp.run { _, client in
            var body = Fixtures.organisationBody()
            body["legalName"] = String(repeating: "a", count: 301)
            body["contacts"] = [["name": "Ana Quispe", "email": "ana at formaliza"]]
            try await Self.assertTranslated(
                { try await client.call(.post, "/v1/organisations", body: body, headers: $0) },
                status: .badRequest, type: "validation",
                detail: [
                    .en: "2 fields are not valid.", .fr: "2 champs ne sont pas valides.", .es: "2 campos no son válidos.",
                    .pt: "2 campos não são válidos.",
                ],
                errors: [
                    "/legalName": [
                        .en: "must be at most 300 characters", .fr: "doit comporter au plus 300 caractères",
                        .es: "debe tener como máximo 300 caracteres", .pt: "deve ter no máximo 300 caracteres",
                    ],
                    "/contacts/0/email": [
                        .en: "is not an e-mail address", .fr: "n'est pas une adresse électronique",
                        .es: "no es una dirección de correo electrónico", .pt: "não é um endereço de e-mail",
                    ],
                ])

            // A decoding failure: the expected type is a phrase of its own, in the same language.
            var wrongType = Fixtures.organisationBody()
            wrongType["nonProfit"] = "yes"
            try await Self.assertTranslated(
                { try await client.call(.post, "/v1/organisations", body: wrongType, headers: $0) },
                status: .badRequest, type: "validation",
                detail: [.en: "1 field is not valid.", .fr: "1 champ n'est pas valide.", .es: "1 campo no es válido.", .pt: "1 campo não é válido."],
                errors: [
                    "/nonProfit": [.en: "must be a boolean", .fr: "doit être un booléen", .es: "debe ser un booleano", .pt: "deve ser um booleano"]
                ])
        }
    }

    func testNotFoundMadeOnADatabaseThread() async throws {
        try await TestApp.run { _, client in
            // `RulesetService.list` throws this inside `pool.withConnection`.
            try await Self.assertTranslated(
                { try await client.call(.get, "/v1/calls/NOPE/rulesets", headers: $0) },
                status: .notFound, type: "not-found",
                detail: [
                    .en: "No call NOPE.", .fr: "Appel NOPE introuvable.", .es: "Convocatoria NOPE no encontrada.",
                    .pt: "Convocatória NOPE não encontrada.",
                ])
            let id = UUID().uuidString.lowercased()
            try await Self.assertTranslated(
                { try await client.call(.get, "/v1/proposals/\(id)", headers: $0) },
                status: .notFound, type: "not-found",
                detail: [
                    .en: "No proposal \(id).", .fr: "Proposition \(id) introuvable.", .es: "Propuesta \(id) no encontrada.",
                    .pt: "Proposta \(id) não encontrada.",
                ])
        }
    }

    func testPreconditionProblems() async throws {
        try await TestApp.run { _, client in
            let id = try await Fixtures.createOrganisation(client)
            let patch = ["website": "https://formaliza.example"]
            try await Self.assertTranslated(
                { try await client.call(
                    .patch, "/v1/organisations/\(id)", body: patch, contentType: "application/merge-patch+json", headers: $0) },
                status: .preconditionRequired, type: "precondition-required",
                detail: [
                    .en: "Send If-Match with the ETag of the version you are changing.",
                    .fr: "Veuillez envoyer If-Match avec l'ETag de la version que vous modifiez.",
                    .es: "Envíe If-Match con el ETag de la versión que está modificando.",
                    .pt: "Envie If-Match com o ETag da versão que está sendo alterada.",
                ])
            // Checked inside the updating transaction.
            try await Self.assertTranslated(
                { try await client.call(
                    .patch, "/v1/organisations/\(id)", body: patch, contentType: "application/merge-patch+json",
                    headers: $0.merging(["If-Match": "\"7\""]) { first, _ in first }) },
                status: .preconditionFailed, type: "precondition-failed",
                detail: [
                    .en: "If-Match names no current version of the resource as you see it; its current ETag is \"1\".",
                    .fr: "If-Match ne désigne aucune version actuelle de la ressource telle que vous la voyez ; son ETag actuel est \"1\".",
                    .es: "If-Match no designa ninguna versión actual del recurso tal como usted lo ve; su ETag actual es \"1\".",
                    .pt: "If-Match não designa nenhuma versão atual do recurso como você o vê; seu ETag atual é \"1\".",
                ])
        }
    }

    func testConflictMadeInATransaction() async throws {
        try await TestApp.run { _, client in
            let lead = try await Fixtures.createOrganisation(client)
            let id = try await Fixtures.proposalID(client, lead: lead)
            let withdrawn = try await client.call(.post, "/v1/proposals/\(id)/withdraw")
            XCTAssertEqual(withdrawn.status, .ok, withdrawn.text)
            try await Self.assertTranslated(
                { try await client.call(.post, "/v1/proposals/\(id)/withdraw", headers: $0) },
                status: .conflict, type: "conflict",
                detail: [
                    .en: "The proposal is withdrawn; it cannot be withdrawn.",
                    .fr: "La proposition est à l'état « withdrawn » ; elle ne peut pas être retirée.",
                    .es: "La propuesta está en estado «withdrawn»; no se puede retirar.",
                    .pt: "A proposta está no estado “withdrawn”; não pode ser retirada.",
                ])
        }
    }

    /// Where a body stops being JSON, and why, is said in the reader's language too.
    func testMalformedJSON() async throws {
        try await TestApp.run { _, client in
            try await Self.assertTranslated(
                { try await client.call(.post, "/v1/organisations", body: Data(#"{"legalName":"#.utf8), headers: $0) },
                status: .badRequest, type: "malformed-json",
                detail: [
                    .en: "The body is not valid JSON: unexpected end of input at byte 13.",
                    .fr: "Le corps de la requête n'est pas un JSON valide : fin inattendue du texte à l'octet 13.",
                    .es: "El cuerpo de la solicitud no es un JSON válido: fin inesperado del texto en el byte 13.",
                    .pt: "O corpo da requisição não é um JSON válido: fim inesperado do texto no byte 13.",
                ])
        }
    }

    func testUnauthorized() async throws {
        try await TestApp.run { _, client in
            try await Self.assertTranslated(
                { try await client.call(.get, "/v1/calls", token: nil, headers: $0) },
                status: .unauthorized, type: "unauthorized",
                detail: [
                    .en: "A valid bearer token is required.", .fr: "Un jeton porteur (bearer) valide est requis.",
                    .es: "Se requiere un token de portador (bearer) válido.", .pt: "É necessário um token de portador (bearer) válido.",
                ])
        }
    }

    func testContentTooLarge() async throws {
        try await TestApp.run(configure: { $0.maxBodyBytes = 2048 }) { _, client in
            let big = Data(("{\"legalName\": \"" + String(repeating: "a", count: 4096) + "\"}").utf8)
            let size = big.count
            try await Self.assertTranslated(
                { try await client.call(.post, "/v1/organisations", body: big, headers: $0) },
                status: .contentTooLarge, type: "content-too-large",
                detail: [
                    .en: "The body is \(size) bytes; the limit is 2048 bytes.",
                    .fr: "Le corps de la requête fait \(size) octets ; la limite est de 2048 octets.",
                    .es: "El cuerpo de la solicitud tiene \(size) bytes; el límite es de 2048 bytes.",
                    .pt: "O corpo da requisição tem \(size) bytes; o limite é de 2048 bytes.",
                ])
        }
    }

    /// What the OpenAPI runtime refuses is said from the catalog too, keeping the names it reports.
    func testRuntimeRefusals() async throws {
        try await TestApp.run { _, client in
            let id = UUID().uuidString.lowercased()
            try await Self.assertTranslated(
                { try await client.call(
                    .post, "/v1/proposals/\(id)/documents", body: Data("%PDF".utf8), contentType: "application/pdf", headers: $0) },
                status: .badRequest, type: "validation",
                detail: [.en: "1 field is not valid.", .fr: "1 champ n'est pas valide.", .es: "1 campo no es válido.", .pt: "1 campo não é válido."],
                errors: ["filename": [.en: "is required", .fr: "est obligatoire", .es: "es obligatorio", .pt: "é obrigatório"]])
            // A query value outside its enumeration is named, like any bad field, before the runtime reads it.
            try await Self.assertTranslated(
                { try await client.call(.get, "/v1/proposals?status=lost", headers: $0) },
                status: .badRequest, type: "validation",
                detail: [.en: "1 field is not valid.", .fr: "1 champ n'est pas valide.", .es: "1 campo no es válido.", .pt: "1 campo não é válido."],
                errors: ["status": [
                    .en: "must be one of: draft, submitted, withdrawn", .fr: "doit être l'une de ces valeurs : draft, submitted, withdrawn",
                    .es: "debe ser uno de estos valores: draft, submitted, withdrawn", .pt: "deve ser um destes valores: draft, submitted, withdrawn",
                ]])
        }
    }

    /// Every message of the catalog has its own text in every language, with the same placeholders as the English
    /// one: a new key without translations fails here.
    /// `Accept-Language` as RFC 9110 §12.5.4 reads it: qualities, regional tags, `*` for the rest, `q=0` to refuse.
    func testTheLanguageIsNegotiated() {
        let cases: [(String?, Language)] = [
            (nil, .en), ("fr", .fr), ("es-419, en;q=0.5", .es), ("pt-BR;q=0.8, fr;q=0.9", .fr), ("de, pt;q=0.1", .pt),
            ("en;q=0, *", .fr), ("en;q=0, fr;q=0, *;q=0.5", .es), ("*", .en), ("de", .en), ("es;q=0", .en),
            ("en-GB;q=0.2, EN;q=0.3, es;q=0.25", .en), ("", .en), ("fr;q=0, *;q=0", .en),
        ]
        for (header, expected) in cases {
            XCTAssertEqual(Language.negotiate(header), expected, header ?? "nil")
        }
    }

    func testEveryMessageIsTranslated() {
        for key in Message.Key.allCases {
            let texts = key.texts
            let english = texts[.en]
            XCTAssertFalse(english.trimmingCharacters(in: .whitespaces).isEmpty, "\(key) has no English text")
            for language in Language.allCases where language != .en {
                let text = texts[language]
                XCTAssertFalse(text.trimmingCharacters(in: .whitespaces).isEmpty, "\(key) has no \(language) text")
                XCTAssertNotEqual(text, english, "\(key) is not translated into \(language)")
                XCTAssertEqual(Self.placeholders(text), Self.placeholders(english), "\(key) in \(language) has other placeholders")
            }
        }
    }

    func testMessagesRenderTheirArgumentsInTheSameLanguage() {
        XCTAssertEqual(Message.mustBeNotNull(.integer).text(in: .en), "must be an integer, not null")
        XCTAssertEqual(Message.mustBeNotNull(.integer).text(in: .fr), "doit être un nombre entier, et non null")
        XCTAssertEqual(Message.ruleIsInvalid(rule: "r1", .tooDeep(limit: 64)).text(in: .es),
                       "regla r1: El anidamiento supera el límite de 64 niveles.")
        XCTAssertEqual(Message.fieldsNotValid(1).text(in: .pt), "1 campo não é válido.")
        XCTAssertEqual(Message.translated([.en: "Lead", .fr: "Chef de file"]).text(in: .es), "Lead", "English stands in")
        // The English texts of rule errors are the engine's own.
        let errors: [RuleError] = [
            .invalidJSON(.unexpectedEnd, byte: 3), .unknownOperator("zz"), .invalidArguments(operator: "if", detail: "x"),
            .argumentCount(operator: "==", takes: 2...2, given: 1), .argumentCount(operator: "!", takes: 1...1, given: 3),
            .argumentCount(operator: "and", takes: 1...Int.max, given: 0), .argumentCount(operator: "var", takes: 0...2, given: 3),
            .tooDeep(limit: 1), .tooLarge(limit: 2), .inputTooLarge(limit: 3), .valueTooLarge(limit: 4), .tooManySteps(limit: 5),
            .notANumber, .invalidArgumentsValue, .thrown(["type": "custom"]),
        ]
        for error in errors { XCTAssertEqual(Message.ruleError(error).text(in: .en), error.message) }
        for fault in JSONSyntaxFault.allCases {
            XCTAssertEqual(Message.ruleError(.invalidJSON(fault, byte: 8)).text(in: .en), RuleError.invalidJSON(fault, byte: 8).message)
        }
        // …and in the other languages they are said whole, not half in English.
        XCTAssertEqual(Message.ruleError(.argumentCount(operator: "==", takes: 2...2, given: 1)).text(in: .es),
                       "Argumentos no válidos para «==»: espera exactamente 2 argumentos, recibe 1.")
        XCTAssertEqual(Message.ruleError(.invalidJSON(.unexpectedEnd, byte: 8)).text(in: .pt), "JSON inválido: fim inesperado do texto no byte 8.")

        let problem = Problem(.validation, detail: .fieldsNotValid(1), errors: [.init(pointer: "/x", detail: .required)])
        let body = try? JSONSerialization.jsonObject(with: problem.body(requestID: "r", language: .fr)) as? [String: Any]
        XCTAssertEqual(body?["detail"] as? String, "1 champ n'est pas valide.")
        XCTAssertEqual((body?["errors"] as? [[String: String]])?.first?["detail"], "est obligatoire")
        XCTAssertEqual(body?["title"] as? String, "La requête n'est pas valide")
    }

    private static func placeholders(_ text: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            found.append(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return found.sorted()
    }
}
