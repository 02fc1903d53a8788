-- What a role that may not see due diligence gets of an organisation has its own version and updatedAt,
-- which move only when that part of the record changes: otherwise an applicant polling its organisation
-- would see it move when the secretariat clears or flags it, and could tell which by the timing.
ALTER TABLE organisations
    ADD COLUMN public_version integer,
    ADD COLUMN public_updated_at timestamptz;

CREATE FUNCTION bump_organisation_public_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.public_version := 1;
        NEW.public_updated_at := NEW.updated_at;
    ELSIF (NEW.document - 'dueDiligence') IS DISTINCT FROM (OLD.document - 'dueDiligence') THEN
        NEW.public_version := OLD.public_version + 1;
        NEW.public_updated_at := NEW.updated_at;
    ELSE
        NEW.public_version := OLD.public_version;
        NEW.public_updated_at := OLD.public_updated_at;
    END IF;
    RETURN NEW;
END;
$$;

-- Triggers fire in name order: this one after organisations_version, so updated_at is final.
CREATE TRIGGER organisations_version_public BEFORE INSERT OR UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION bump_organisation_public_version();

-- Existing rows: the tags clients hold stay valid (the public version starts where the version is), and
-- filling the columns is not a change.
ALTER TABLE organisations DISABLE TRIGGER organisations_version;
ALTER TABLE organisations DISABLE TRIGGER organisations_version_public;
UPDATE organisations SET public_version = version, public_updated_at = updated_at;
ALTER TABLE organisations ENABLE TRIGGER organisations_version_public;
ALTER TABLE organisations ENABLE TRIGGER organisations_version;
ALTER TABLE organisations ALTER COLUMN public_version SET NOT NULL, ALTER COLUMN public_updated_at SET NOT NULL;
CREATE INDEX organisations_public_updated_at ON organisations (public_updated_at);
