import ConvocaAPI
import Database
import Foundation
import Rules

/// Rulesets are data: admins publish immutable versions per call, every authenticated caller reads them,
/// and anyone may try a rule against a document.
struct RulesetService: Sendable {
    let pool: DatabasePool
    let audit: AuditLog

    typealias Ruleset = Components.Schemas.Ruleset
    typealias Input = Components.Schemas.RulesetInput

    /// Evaluates one rule; a rule that does not compile or fails to evaluate is a 422 naming the failure.
    /// (A rule or document nested deeper than rules may nest never gets here: the body is refused as
    /// it is read, see `BodyNesting`.)
    func evaluate(rule: JSONValue, data: JSONValue) throws(Problem) -> JSONValue {
        do {
            return try CompiledRule(rule).evaluate(data)
        } catch {
            throw Self.evaluationProblem(error, at: ["/rule"])
        }
    }

    /// The 422 of `POST /v1/rules/evaluate`: what failed, and `errorType` its kind.
    static func evaluationProblem(_ error: RuleError, at pointers: [String]) -> Problem {
        Problem(
            .unprocessable, detail: .ruleError(error), errors: pointers.map { .init(pointer: $0, detail: .ruleError(error)) },
            extensions: ["errorType": error.errorType])
    }

    func create(callReference: String, _ input: Input, idempotencyKey: String?) async throws -> Ruleset {
        let principal = try Principal.current
        let actor = AuditActor.current
        try RulesetValidation.validate(input)
        let document = try Representation.json(input)
        let request = try IdempotentRequest(
            key: idempotencyKey, principal: principal, operation: "createRuleset",
            target: "/v1/calls/\(callReference)/rulesets", body: document)
        let answer = try await request.run(pool) { connection in
            // The call's row lock orders publications, and submissions read the ruleset under the same lock.
            guard let callID = try await CallRepository.id(connection, callReference, forUpdate: true) else {
                throw Problem.notFound(.noSuch(.call, callReference))
            }
            let row = try await RulesetRepository.insertNext(connection, callID: callID, document: document)
            try await audit.record(connection, actor: actor, action: "ruleset.created", entity: "ruleset",
                             id: "\(callID.lowercasedString)/\(row.version)", changes: .created(row.json))
            return .init(status: 201, body: row.json)
        }
        return try Representation.decode(Ruleset.self, from: answer.body)
    }

    func current(callReference: String) async throws -> Ruleset {
        let row = try await pool.withConnection { connection -> RulesetRepository.Row? in
            guard let callID = try await CallRepository.id(connection, callReference) else {
                throw Problem.notFound(.noSuch(.call, callReference))
            }
            return try await RulesetRepository.current(connection, callID: callID)
        }
        guard let row else { throw Problem.notFound(.noRulesetYet(call: callReference)) }
        return try Representation.decode(Ruleset.self, from: row.json)
    }

    func list(callReference: String, page given: PageRequest) async throws -> (items: [Ruleset], next: String?) {
        let limit = try given.limit()
        let (rows, request) = try await pool.withConnection { connection in
            guard let callID = try await CallRepository.id(connection, callReference) else {
                throw Problem.notFound(.noSuch(.call, callReference))
            }
            // The call's list whether it is named by its code or its id: a cursor serves both paths.
            let request = given.scoped(to: "/v1/calls/\(callID.lowercasedString)/rulesets")
            let after = try request.after()
            return (try await RulesetRepository.list(connection, callID: callID, afterVersion: after, limit: limit + 1), request)
        }
        let (page, next) = try request.page(rows, limit: limit) { row in Int64(row.version) }
        return (try page.map { try Representation.decode(Ruleset.self, from: $0.json) }, next)
    }

    /// The call's current ruleset, compiled (nil when it has none).
    static func current(_ connection: Connection, callID: UUID) async throws -> CompiledRuleset? {
        guard let row = try await RulesetRepository.current(connection, callID: callID) else { return nil }
        return try CompiledRuleset(callID: callID, version: row.version, document: row.document)
    }

    static func find(_ connection: Connection, callID: UUID, version: Int) async throws -> CompiledRuleset? {
        guard let row = try await RulesetRepository.find(connection, callID: callID, version: version) else { return nil }
        return try CompiledRuleset(callID: callID, version: row.version, document: row.document)
    }
}
