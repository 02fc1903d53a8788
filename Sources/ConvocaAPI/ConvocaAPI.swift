// The types and server stubs of this module are generated from `openapi.yaml` at build time.
// This file keeps the target visible to the package manager, which needs one source file of its own.
enum ContractSource {
    static let file = "openapi.yaml"
}
