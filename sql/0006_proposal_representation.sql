-- Each proposal keeps its API representation rendered when it is written, so a read sends stored
-- text instead of assembling JSON (reads far outnumber writes).
ALTER TABLE proposals ADD COLUMN representation text;

CREATE FUNCTION render_proposal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.representation := (
        NEW.document
        || jsonb_build_object(
            'id', NEW.id, 'callId', NEW.call_id, 'status', NEW.status, 'version', NEW.version,
            'createdAt', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'updatedAt', to_char(NEW.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        || CASE WHEN NEW.receipt_number IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('receipt',
               jsonb_build_object('number', NEW.receipt_number,
                   'submittedAt', to_char(NEW.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) END
        || CASE WHEN NEW.ruleset_version IS NULL THEN '{}'::jsonb
               ELSE jsonb_build_object('rulesetVersion', NEW.ruleset_version) END
    )::text;
    RETURN NEW;
END;
$$;

-- Triggers fire in name order: this one after proposals_version, so version and updated_at are final.
CREATE TRIGGER proposals_zz_representation BEFORE INSERT OR UPDATE ON proposals
    FOR EACH ROW EXECUTE FUNCTION render_proposal();

-- Existing rows: rendered without counting as a change.
ALTER TABLE proposals DISABLE TRIGGER proposals_version;
UPDATE proposals SET representation = NULL;
ALTER TABLE proposals ENABLE TRIGGER proposals_version;
ALTER TABLE proposals ALTER COLUMN representation SET NOT NULL;
