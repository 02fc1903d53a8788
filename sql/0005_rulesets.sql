-- Eligibility rules: versioned rulesets per call, the version a submission was checked against,
-- and screening decisions.

-- A ruleset version is immutable once written: a change is a new version.
CREATE TABLE rulesets (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    call_id         uuid NOT NULL REFERENCES calls (id),
    version         integer NOT NULL CHECK (version >= 1),
    -- The ruleset as the API accepts it (`RulesetInput`: description and rules).
    document        jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (call_id, version)
);

CREATE FUNCTION refuse_ruleset_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ruleset versions are immutable' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER rulesets_immutable BEFORE UPDATE OR DELETE ON rulesets
    FOR EACH ROW EXECUTE FUNCTION refuse_ruleset_change();

-- The ruleset version whose blocking submission rules a proposal passed when it was submitted.
ALTER TABLE proposals ADD COLUMN ruleset_version integer;

-- Screening decisions, kept whole: every automatic evaluation and every override by the secretariat.
-- The current decision of a proposal is its latest row.
CREATE TABLE screenings (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id        uuid NOT NULL REFERENCES proposals (id),
    kind               text NOT NULL CHECK (kind IN ('evaluation', 'override')),
    decision           text NOT NULL CHECK (decision IN ('eligible', 'ineligible')),
    -- evaluation: the ruleset version and the per-rule results.
    ruleset_version    integer,
    results            jsonb,
    -- override: why, in the secretariat's words.
    justification      text,
    actor_token_id     uuid,
    actor_role         text NOT NULL,
    decided_at         timestamptz NOT NULL,
    CHECK ((kind = 'evaluation') = (results IS NOT NULL)),
    CHECK ((kind = 'override') = (justification IS NOT NULL))
);
CREATE INDEX screenings_proposal ON screenings (proposal_id, id);

CREATE FUNCTION refuse_screening_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'screening decisions are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER screenings_append_only BEFORE UPDATE OR DELETE ON screenings
    FOR EACH ROW EXECUTE FUNCTION refuse_screening_change();
