-- 100,000 proposals over 1,000 organisations, in the shape the API stores.
INSERT INTO organisations (legal_name, kind, non_profit, country, document)
SELECT 'Organisation ' || g, 'ngo', true, 'PE',
       jsonb_build_object('legalName', 'Organisation ' || g, 'kind', 'ngo', 'nonProfit', true, 'country', 'PE',
                          'foundedOn', '2010-01-01', 'contractualCapacity', true)
FROM generate_series(1, 1000) AS g;

INSERT INTO proposals (call_id, lead_organisation_id, language, countries, question_ids, solution_type_ids,
                       target_groups, document)
SELECT c.id, o.ids[1 + g % 1000], (ARRAY['es','pt','en','fr'])[1 + g % 4], ARRAY[(ARRAY['PE','CO','MX','BR','CL'])[1 + g % 5]],
       ARRAY['Q' || (1 + g % 11)], ARRAY['S' || (1 + g % 8)], ARRAY['women', 'youth'],
       jsonb_build_object(
         'leadOrganisationId', o.ids[1 + g % 1000], 'title', 'Proposal ' || g, 'summary', repeat('A mobile service for informal workers. ', 5),
         'need', repeat('Informal workers cannot reach registration offices. ', 4),
         'language', (ARRAY['es','pt','en','fr'])[1 + g % 4], 'stage', 'early',
         'questionIds', jsonb_build_array('Q' || (1 + g % 11)), 'solutionTypeIds', jsonb_build_array('S' || (1 + g % 8)),
         'countries', jsonb_build_array((ARRAY['PE','CO','MX','BR','CL'])[1 + g % 5]),
         'targetGroups', jsonb_build_array('women', 'youth'),
         'projectLead', jsonb_build_object('name', 'Ana Quispe', 'email', 'ana@example.org'),
         'labAvailability', true)
FROM generate_series(1, 100000) AS g
CROSS JOIN (SELECT array_agg(id ORDER BY seq) AS ids FROM organisations) o
CROSS JOIN (SELECT id FROM calls WHERE code = 'LAC-2021') c;

CREATE TABLE bench_inserts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n bigint, payload text,
                            created_at timestamptz NOT NULL DEFAULT clock_timestamp());
ANALYZE;
