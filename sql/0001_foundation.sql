-- Shared helpers for the tables that follow.

-- Keeps updated_at and version right on every UPDATE, whatever the writer forgot.
CREATE FUNCTION bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END;
$$;
