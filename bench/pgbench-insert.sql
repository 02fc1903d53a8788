\set n random(1, 1000000000)
INSERT INTO bench_inserts (n, payload) VALUES (:n, 'Formalisation in two clicks: a mobile service for informal workers');
