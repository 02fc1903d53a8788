-- One organisation per national registration: (registration.country, registration.number), the
-- number compared without case, blanks or punctuation ("20.601.234-567" is "20601234567").
CREATE FUNCTION organisation_registration_key(document jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN number <> '' THEN (document #>> '{registration,country}') || ':' || number END
    FROM (SELECT upper(regexp_replace(document #>> '{registration,number}', '[^[:alnum:]]', '', 'g')) AS number) AS given
$$;

ALTER TABLE organisations
    ADD COLUMN registration_key text GENERATED ALWAYS AS (organisation_registration_key(document)) STORED,
    -- Registered again before numbers were unique: exempt, for the secretariat to resolve, until a
    -- write changes its registration (OrganisationRepository.update clears it then).
    ADD COLUMN registration_duplicate boolean NOT NULL DEFAULT false;

-- Of the records that share a registration, the first keeps it; marking the others is not a change.
ALTER TABLE organisations DISABLE TRIGGER organisations_version;
UPDATE organisations AS later SET registration_duplicate = true
WHERE EXISTS (SELECT FROM organisations AS earlier
              WHERE earlier.registration_key = later.registration_key AND earlier.seq < later.seq);
ALTER TABLE organisations ENABLE TRIGGER organisations_version;

CREATE UNIQUE INDEX organisations_registration ON organisations (registration_key) WHERE NOT registration_duplicate;
