-- An answer whose texts are in the caller's language (rule messages of a screening) is replayed in the
-- language it was written in, and says which: the language is kept beside the body.
ALTER TABLE idempotency_keys ADD COLUMN language text;
