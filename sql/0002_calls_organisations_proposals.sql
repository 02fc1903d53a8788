-- Calls, organisations and proposals: the submission lifecycle.

-- A call is data: its whole definition is a document; the columns are what queries filter on.
CREATE TABLE calls (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    code            text NOT NULL UNIQUE,
    definition      jsonb NOT NULL,
    deadline        timestamptz NOT NULL,
    last_receipt    integer NOT NULL DEFAULT 0,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TRIGGER calls_version BEFORE UPDATE OF code, definition, deadline ON calls
    FOR EACH ROW EXECUTE FUNCTION bump_version();

CREATE TABLE organisations (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                  bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    legal_name           text NOT NULL,
    kind                 text NOT NULL,
    non_profit           boolean NOT NULL,
    country              text NOT NULL,
    due_diligence        text NOT NULL DEFAULT 'pending' CHECK (due_diligence IN ('pending', 'cleared', 'flagged')),
    -- The representation as the API accepts it (all fields, camelCase).
    document             jsonb NOT NULL,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at           timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TRIGGER organisations_version BEFORE UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE INDEX organisations_updated_at ON organisations (updated_at);

CREATE TABLE proposals (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                    bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    call_id                uuid NOT NULL REFERENCES calls (id),
    lead_organisation_id   uuid NOT NULL REFERENCES organisations (id),
    status                 text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    language               text,
    countries              text[] NOT NULL DEFAULT '{}',
    question_ids           text[] NOT NULL DEFAULT '{}',
    solution_type_ids      text[] NOT NULL DEFAULT '{}',
    target_groups          text[] NOT NULL DEFAULT '{}',
    partner_ids            uuid[] NOT NULL DEFAULT '{}',
    -- The representation as the API accepts it (all fields, camelCase).
    document               jsonb NOT NULL,
    receipt_number         text UNIQUE,
    submitted_at           timestamptz,
    withdrawn_at           timestamptz,
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((status = 'submitted') = (receipt_number IS NOT NULL) OR status = 'withdrawn')
);
CREATE TRIGGER proposals_version BEFORE UPDATE ON proposals
    FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE INDEX proposals_call ON proposals (call_id, seq);
CREATE INDEX proposals_lead ON proposals (lead_organisation_id, seq);
CREATE INDEX proposals_status ON proposals (status, seq);
CREATE INDEX proposals_updated_at ON proposals (updated_at);
CREATE INDEX proposals_countries ON proposals USING gin (countries);
CREATE INDEX proposals_partner_ids ON proposals USING gin (partner_ids);

-- Replays of POSTs that carried an Idempotency-Key: written in the same transaction as the work.
CREATE TABLE idempotency_keys (
    principal       text NOT NULL,
    key             text NOT NULL,
    operation       text NOT NULL,
    request_hash    text NOT NULL,
    status          integer NOT NULL,
    body            bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Supporting documents: the bytes and what identifies them.
CREATE TABLE proposal_documents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    proposal_id     uuid NOT NULL REFERENCES proposals (id),
    filename        text NOT NULL,
    content_type    text NOT NULL,
    size_bytes      bigint NOT NULL,
    sha256          text NOT NULL,
    content         bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX proposal_documents_proposal ON proposal_documents (proposal_id, seq);
