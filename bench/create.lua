-- POST /v1/calls/LAC-2021/proposals: a new draft each time.
local token = os.getenv("BENCH_TOKEN")
local lead = os.getenv("BENCH_LEAD")
wrk.method = "POST"
wrk.path = "/v1/calls/LAC-2021/proposals"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"leadOrganisationId":"' .. lead .. '","title":"Formalisation in two clicks","summary":"A mobile service.",'
  .. '"need":"Informal workers cannot reach registration offices.","language":"es","stage":"early",'
  .. '"questionIds":["Q1"],"solutionTypeIds":["S1"],"countries":["PE"],"targetGroups":["women"],"labAvailability":true}'
