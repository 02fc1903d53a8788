-- Credentials and the audit trail.

CREATE TABLE api_tokens (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    name               text NOT NULL,
    role               text NOT NULL CHECK (role IN ('admin', 'applicant', 'platform', 'reviewer', 'finance', 'reporting')),
    organisation_ids   uuid[] NOT NULL DEFAULT '{}',
    -- SHA-256 of the secret; the secret itself is shown once and never stored.
    secret_hash        bytea NOT NULL UNIQUE,
    expires_at         timestamptz,
    revoked_at         timestamptz,
    last_used_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE audit_events (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_token_id     uuid,
    actor_role         text NOT NULL,
    action             text NOT NULL,
    entity_type        text NOT NULL,
    entity_id          text NOT NULL,
    changes            jsonb NOT NULL DEFAULT '{}',
    request_id         text
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, id);
CREATE INDEX audit_events_actor ON audit_events (actor_token_id, id);
CREATE INDEX audit_events_action ON audit_events (action, id);

-- The trail is append-only: PostgreSQL itself refuses to change or remove an event.
CREATE FUNCTION refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
