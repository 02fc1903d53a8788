-- The list horizon of 0011 without a gate that new inserts queue behind.
--
-- With the gate, a page waiting for an open insert made every later insert into the table wait
-- behind the page (PostgreSQL queues a lock request behind a conflicting waiter): one insert left
-- open stalled the table's lists, then its creations. Now an inserting statement announces, before
-- it draws a position, the highest position drawn so far: a shared advisory lock on
-- (table code << 48 | that position), held until its transaction ends. `list_horizon` reads the
-- highest position drawn, then the announcements held; an announcement below it may belong to a
-- transaction holding an earlier position, so the page waits for that announcement's holders alone
-- (an exclusive request on its key, released at once). New inserts announce a higher position,
-- another key, and never wait. Every position up to the horizon then belongs to a transaction that
-- has ended. The wait is bounded: past `lock_timeout` the page fails (55P03) and is answered 503.
DO $$
DECLARE
    listed text;
BEGIN
    FOREACH listed IN ARRAY ARRAY['calls', 'organisations', 'proposals', 'proposal_documents', 'api_tokens', 'audit_events'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', listed || '_list_gate', listed);
    END LOOP;
END;
$$;
DROP FUNCTION list_gate_enter();
DROP FUNCTION list_horizon(text);
DROP SCHEMA list_gate CASCADE;

-- Each listed table, the code its announcements carry and the sequence that draws its positions.
CREATE TABLE list_positions (
    listed text PRIMARY KEY,
    code integer NOT NULL UNIQUE CHECK (code BETWEEN 1 AND 32767),
    sequence regclass NOT NULL
);
INSERT INTO list_positions (listed, code, sequence) VALUES
    ('calls', 1, pg_get_serial_sequence('calls', 'seq')::regclass),
    ('organisations', 2, pg_get_serial_sequence('organisations', 'seq')::regclass),
    ('proposals', 3, pg_get_serial_sequence('proposals', 'seq')::regclass),
    ('proposal_documents', 4, pg_get_serial_sequence('proposal_documents', 'seq')::regclass),
    ('api_tokens', 5, pg_get_serial_sequence('api_tokens', 'seq')::regclass),
    ('audit_events', 6, pg_get_serial_sequence('audit_events', 'id')::regclass);

-- Statement trigger (fires before any position is drawn); arguments: the table's code and sequence.
CREATE FUNCTION list_position_announce() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(
        (TG_ARGV[0]::bigint << 48) | coalesce(pg_sequence_last_value(TG_ARGV[1]::regclass), 0));
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    entry record;
BEGIN
    FOR entry IN SELECT listed, code, sequence::text AS sequence FROM list_positions LOOP
        EXECUTE format(
            'CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH STATEMENT EXECUTE FUNCTION list_position_announce(%L, %L)',
            entry.listed || '_list_position', entry.listed, entry.code, entry.sequence);
    END LOOP;
END;
$$;

-- The highest position drawn in `listed` once every transaction that may hold one up to it has
-- ended (0 before the first). Run it as a statement of its own, before the page's statement.
CREATE FUNCTION list_horizon(listed text) RETURNS bigint
LANGUAGE plpgsql SET lock_timeout = '2s' AS $$
DECLARE
    entry list_positions;
    drawn bigint;
    announced bigint;
BEGIN
    SELECT * INTO STRICT entry FROM list_positions p WHERE p.listed = list_horizon.listed;
    -- First what is drawn, then the announcements: an insert announced after this draws above it.
    drawn := coalesce(pg_sequence_last_value(entry.sequence), 0);
    FOR announced IN
        SELECT DISTINCT (l.classid::bigint << 32) | l.objid::bigint FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::bigint >> 16 = entry.code
    LOOP
        IF (announced & ((1::bigint << 48) - 1)) < drawn THEN
            PERFORM pg_advisory_lock(announced);
            PERFORM pg_advisory_unlock(announced);
        END IF;
    END LOOP;
    RETURN drawn;
END;
$$;
