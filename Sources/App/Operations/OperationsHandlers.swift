import ConvocaAPI
import OpenAPIRuntime

extension APIHandlers {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(headers: .init(xRequestId: RequestScope.requestID), body: .json(.init(status: .ok))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        let state = await readiness.check()
        guard state.isReady else {
            throw Problem(
                .serviceUnavailable,
                detail: state.databaseReachable ? .pendingMigrations : .databaseUnreachable,
                headers: [.retryAfter: "5"])
        }
        return .ok(.init(
            headers: .init(xRequestId: RequestScope.requestID),
            body: .json(.init(status: .ready, database: .ok, schema: .current))))
    }

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws -> Operations.GetOpenAPIDocument.Output {
        .ok(.init(headers: .init(xRequestId: RequestScope.requestID), body: .yaml(HTTPBody(contract))))
    }
}
