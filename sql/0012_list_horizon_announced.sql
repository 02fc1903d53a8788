-- The list horizon of 0011 without a gate that new inserts queue behind.
--
-- With the gate, a page waiting for an open insert made every later insert into the table wait
-- behind the page (PostgreSQL queues a lock request behind a conflicting waiter): one insert left
-- open stalled the table's lists, then its creations; and every page waited for every open insert.
-- Now an inserting statement announces, before it draws a position, the highest position drawn so
-- far: a shared advisory lock on (table code << 48 | that position), held until its transaction
-- ends (and the table's own key, so that "no insert open" takes one attempt to learn), once per
-- transaction and table. A page first reads `list_horizon`: the highest position drawn, and the
-- highest up to which everything is settled (below every announcement held). A page that ends
-- below `settled` is served; one that reaches past it (the tail of a list while inserts are open)
-- is read again a moment later, without waiting in the database (a waiting page would hold a
-- connection, and inserts would queue behind a lock request), for at most 2 s, then answered 503.
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
-- Besides its position, an insert holds the table's own key (the position bits all ones, above any
-- position), so a page can learn with one attempt that no insert is open. A transaction announces
-- once per table: its first announcement is below every position it draws, and a transaction of
-- many inserts would otherwise fill the lock table.
CREATE FUNCTION list_position_announce() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('convoca.list_announced_' || TG_ARGV[0], true) IS DISTINCT FROM 'yes' THEN
        PERFORM pg_advisory_xact_lock_shared((TG_ARGV[0]::bigint << 48) | ((1::bigint << 48) - 1));
        PERFORM pg_advisory_xact_lock_shared(
            (TG_ARGV[0]::bigint << 48) | coalesce(pg_sequence_last_value(TG_ARGV[1]::regclass), 0));
        PERFORM set_config('convoca.list_announced_' || TG_ARGV[0], 'yes', true);
    END IF;
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

-- Where a page of `listed` may end without waiting: `drawn`, the highest position drawn (0 before the
-- first), and `settled`, the highest up to which every position belongs to a transaction that has
-- ended (below every announcement still held under `drawn`; `drawn` when there is none). Run it as a
-- statement of its own (its own transaction), before the page's statement, which then sees every
-- position up to `settled` that committed.
CREATE FUNCTION list_horizon(listed text, OUT drawn bigint, OUT settled bigint)
LANGUAGE plpgsql AS $$
DECLARE
    entry list_positions;
    own bigint;
BEGIN
    SELECT * INTO STRICT entry FROM list_positions p WHERE p.listed = list_horizon.listed;
    own := (entry.code::bigint << 48) | ((1::bigint << 48) - 1);
    -- First what is drawn, then the announcements: an insert announced after this draws above it.
    drawn := coalesce(pg_sequence_last_value(entry.sequence), 0);
    -- No insert open (the table's key is free; taken without waiting, let go as this statement's
    -- transaction ends, even if it is cancelled): all is settled.
    IF pg_try_advisory_xact_lock(own) THEN
        settled := drawn;
        RETURN;
    END IF;
    SELECT least(drawn, min(((l.classid::bigint << 32) | l.objid::bigint) & ((1::bigint << 48) - 1))) INTO settled
    FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint >> 16 = entry.code;
    settled := coalesce(settled, drawn);
END;
$$;
