-- Secrets the service keeps for itself, shared by every instance that serves the same database:
-- `cursor` seals list cursors, so a cursor issued by one instance reads on any other, and after a
-- restart. Each is made by the first server that needs it (32 random bytes) and never changes.
CREATE TABLE service_secrets (
    name text PRIMARY KEY,
    secret bytea NOT NULL CHECK (octet_length(secret) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
