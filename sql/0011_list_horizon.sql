-- Keyset lists walk a table by its identity column, and a walk must not skip a row whose
-- transaction drew its position before a page was read and committed after it (under concurrent
-- writes the page would show a later position, and the cursor would pass the earlier one).
--
-- Each listed table has a gate: an empty table in the schema `list_gate`. A statement that inserts
-- into a listed table first takes its gate in ROW EXCLUSIVE mode (a statement trigger, which fires
-- before any position is drawn), held until its transaction ends; writers do not wait for each
-- other. A page is read after `list_horizon`, which takes the gate in SHARE mode, so it waits for
-- the transactions that may hold drawn positions, reads the highest position drawn, and, run in
-- an implicit transaction of its own, lets the gate go at once. Every position up to that horizon
-- then belongs to a transaction that has ended, so the page (read with a later snapshot) shows
-- only rows up to the horizon, and a row committed later always lands after the cursor.
-- A gate, not the table itself: SHARE on the table would also wait for (auto)vacuum.
CREATE SCHEMA list_gate;

CREATE FUNCTION list_gate_enter() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    CASE TG_TABLE_NAME
        WHEN 'calls' THEN LOCK TABLE list_gate.calls IN ROW EXCLUSIVE MODE;
        WHEN 'organisations' THEN LOCK TABLE list_gate.organisations IN ROW EXCLUSIVE MODE;
        WHEN 'proposals' THEN LOCK TABLE list_gate.proposals IN ROW EXCLUSIVE MODE;
        WHEN 'proposal_documents' THEN LOCK TABLE list_gate.proposal_documents IN ROW EXCLUSIVE MODE;
        WHEN 'api_tokens' THEN LOCK TABLE list_gate.api_tokens IN ROW EXCLUSIVE MODE;
        WHEN 'audit_events' THEN LOCK TABLE list_gate.audit_events IN ROW EXCLUSIVE MODE;
    END CASE;
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    listed text;
BEGIN
    FOREACH listed IN ARRAY ARRAY['calls', 'organisations', 'proposals', 'proposal_documents', 'api_tokens', 'audit_events'] LOOP
        EXECUTE format('CREATE TABLE list_gate.%I ()', listed);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH STATEMENT EXECUTE FUNCTION list_gate_enter()',
                       listed || '_list_gate', listed);
    END LOOP;
END;
$$;

-- The highest position drawn in `listed`, once no transaction that may hold one is still open
-- (0 before the first). Run it as a statement of its own, outside any transaction block, so the
-- gate is let go as soon as it returns. A wait for a writer is bounded by statement_timeout.
CREATE FUNCTION list_horizon(listed text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    -- Only a listed table has a gate: any other name fails here.
    EXECUTE format('LOCK TABLE list_gate.%I IN SHARE MODE', listed);
    RETURN coalesce(pg_sequence_last_value(
        pg_get_serial_sequence(listed, CASE listed WHEN 'audit_events' THEN 'id' ELSE 'seq' END)::regclass), 0);
END;
$$;
