import ConvocaAPI
import Database
import Foundation
import Logging
import Rules

/// The implementation of every operation in `openapi.yaml`; one extension per resource, each a thin
/// layer over that resource's service.
struct APIHandlers: APIProtocol {
    let readiness: ReadinessProbe
    let contract: Data
    let calls: CallService
    let organisations: OrganisationService
    let proposals: ProposalService
    let documents: DocumentService
    let tokens: TokensService
    let auditEvents: AuditEventsService
    let rulesets: RulesetService
    let eligibility: EligibilityService
    /// Seals the lists' cursors.
    let cursorKey: CursorKey
}
