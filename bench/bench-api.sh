#!/usr/bin/env bash
# `make bench`: the API under wrk against pgbench on the same cluster, in one run.
# 100,000 generated proposals; GET by id, list pages, draft creation; pgbench -S -M prepared and a
# one-row prepared INSERT at the same concurrency over the same Unix socket, and over TCP loopback (the
# transport wrk reaches the API by). Prints medians, ratios,
# the CPU time per request (user + system, from /proc) of the server and of PostgreSQL, and the CPU
# time per request that each throughput target leaves for everything on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
PORT=${PORT:-18080}

# On a fresh machine the package lists may be empty: they are read first, as check-deps.sh does.
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || {
  echo "wrk is missing: apt-get update && apt-get install wrk" >&2; exit 1; }
swift build -c release --scratch-path .build-release --product convoca >/dev/null

dir=$(mktemp -d /tmp/convoca-bench-api.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; scripts/pg.sh stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
# TCP on a free loopback port as well as the socket, for pgbench over the transport wrk uses (PGPORT also
# names the socket file, for every client below).
export PGPORT; PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/pg.sh start "$dir" shared_buffers=256MB "port=$PGPORT" listen_addresses=127.0.0.1
admin=$(scripts/pg.sh url "$dir" postgres)
psql "$admin" -qc 'CREATE DATABASE convoca'
export DATABASE_URL; DATABASE_URL=$(scripts/pg.sh url "$dir" convoca)
export CONVOCA_ADMIN_TOKEN; CONVOCA_ADMIN_TOKEN=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
export LOG_LEVEL=error CONVOCA_RATE_LIMIT_PER_MINUTE=1000000 PORT DB_POOL_SIZE=${DB_POOL_SIZE:-4}
.build-release/release/convoca migrate >/dev/null 2>&1
.build-release/release/convoca seed >/dev/null 2>&1
psql "$DATABASE_URL" -q -f bench/seed-proposals.sql
psql "$DATABASE_URL" -Atc "SELECT id FROM proposals ORDER BY random() LIMIT 10000" > "$dir/ids"
export BENCH_IDS=$dir/ids BENCH_CURSORS=$dir/cursors BENCH_TOKEN=$CONVOCA_ADMIN_TOKEN
export BENCH_LEAD; BENCH_LEAD=$(psql "$DATABASE_URL" -Atc "SELECT id FROM organisations LIMIT 1")
# Callers other than the bootstrap credential hold issued tokens, which every request looks up: GET by id
# is measured with one too (the platform's), besides the bootstrap admin token the other scenarios use.
issued_token=cvk_bench_$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
psql "$DATABASE_URL" -qc "INSERT INTO api_tokens (name, role, organisation_ids, secret_hash, expires_at)
  VALUES ('bench', 'platform', '{}', sha256(convert_to('$issued_token', 'UTF8')), now() + interval '1 day')"

.build-release/release/convoca serve --no-migrate >"$dir/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
# Cursors as the API hands them out (each is bound to its list and filters): one walk through the whole
# list with page sizes drawn at random, one cursor per page, about 2,000 of them.
python3 - "$PORT" "$BENCH_TOKEN" >"$dir/cursors" <<'WALK'
import http.client, json, random, sys
connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
cursor = None
while True:
    path = "/v1/proposals?limit=%d" % random.randint(1, 99) + ("&cursor=" + cursor if cursor else "")
    connection.request("GET", path, headers={"Authorization": "Bearer " + sys.argv[2]})
    cursor = json.loads(connection.getresponse().read())["nextCursor"]
    if cursor is None:
        break
    print(cursor)
WALK

bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgbench=$(command -v pgbench || echo "$bindir/pgbench")
host=$dir/socket
"$pgbench" -h "$host" -U postgres -i -s 1 -q postgres >/dev/null 2>&1

# wrk's "Requests/sec" and latency percentiles, in ms.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f", v}'; }
# CPU time (user + system) in clock ticks, from /proc: the server, and this cluster's PostgreSQL processes
# (the postmaster's children: the pool's backends, which live through a run, and the WAL writer, checkpointer…).
server_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
postmaster=$(head -1 "$dir/pgdata/postmaster.pid")
postgres_ticks() { for p in $(pgrep -P "$postmaster"); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
ticks_per_second=$(getconf CLK_TCK)
per_request() { awk -v t="$1" -v hz="$ticks_per_second" -v n="$2" 'BEGIN {printf "%.0f", t / hz * 1e6 / n}'; }
run_wrk() { # script -> "rps p50 p99 server-us-per-request postgres-us-per-request"
  local out before after pg_before pg_after
  before=$(server_ticks); pg_before=$(postgres_ticks)
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "bench/$1" "http://127.0.0.1:$PORT" 2>&1)
  after=$(server_ticks); pg_after=$(postgres_ticks)
  if echo "$out" | grep -q "Non-2xx"; then echo "$out" | grep "Non-2xx" >&2; fi
  local rps p50 p99 requests
  rps=$(echo "$out" | awk '/Requests\/sec/ {print int($2)}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}' | to_ms)
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}' | to_ms)
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$rps $p50 $p99 $(per_request $((after - before)) "$requests") $(per_request $((pg_after - pg_before)) "$requests")"
}
run_pgbench() { # host, extra args -> tps
  local via=$1; shift
  "$pgbench" -h "$via" -U postgres -M prepared -c "$CONNECTIONS" -j 2 -T "$DURATION" -n "$@" 2>/dev/null | awk '/tps =/ {print int($3)}' | tail -1
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

declare -A col
for run in $(seq "$RUNS"); do
  for scenario in get:get-by-id issued:get-by-id list:list create:create; do
    token=$CONVOCA_ADMIN_TOKEN; [ "${scenario%%:*}" = issued ] && token=$issued_token
    read -r r a b c d <<<"$(BENCH_TOKEN=$token run_wrk "${scenario#*:}.lua")"; k=${scenario%%:*}
    col[${k}_rps]+="$r "; col[${k}_p50]+="$a "; col[${k}_p99]+="$b "; col[${k}_cpu]+="$c "; col[${k}_pg]+="$d "
  done
  col[pg_select]+="$(run_pgbench "$host" -S postgres) "
  col[pg_insert]+="$(run_pgbench "$host" -f bench/pgbench-insert.sql convoca) "
  col[tcp_select]+="$(run_pgbench 127.0.0.1 -S postgres) "
  col[tcp_insert]+="$(run_pgbench 127.0.0.1 -f bench/pgbench-insert.sql convoca) "
  echo "run $run done" >&2
done
m() { echo "${col[$1]}" | tr ' ' '\n' | grep -v '^$' | median; }
rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$server/status")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') over a Unix socket"
echo "medians of $RUNS runs x ${DURATION}s, $CONNECTIONS connections (wrk -t2), DB_POOL_SIZE=$DB_POOL_SIZE, 100,000 proposals"
row() { printf '%-34s %10s %9s %9s %8s %14s %16s\n' "$@"; }
row "what" "req/s" "p50 ms" "p99 ms" "ratio" "server µs/req" "PostgreSQL µs/req"
row "pgbench -S -M prepared" "$(m pg_select)" "" "" "" "" ""
row "pgbench prepared one-row INSERT" "$(m pg_insert)" "" "" "" "" ""
row "GET /v1/proposals/{id}" "$(m get_rps)" "$(m get_p50)" "$(m get_p99)" "$(ratio "$(m get_rps)" "$(m pg_select)")" "$(m get_cpu)" "$(m get_pg)"
row "  with an issued token" "$(m issued_rps)" "$(m issued_p50)" "$(m issued_p99)" "$(ratio "$(m issued_rps)" "$(m pg_select)")" "$(m issued_cpu)" "$(m issued_pg)"
row "GET /v1/proposals?limit=50" "$(m list_rps)" "$(m list_p50)" "$(m list_p99)" "$(ratio "$(m list_rps)" "$(m pg_select)")" "$(m list_cpu)" "$(m list_pg)"
row "POST draft proposal" "$(m create_rps)" "$(m create_p50)" "$(m create_p99)" "$(ratio "$(m create_rps)" "$(m pg_insert)")" "$(m create_cpu)" "$(m create_pg)"
echo "server peak RSS: ${rss} MB"
echo "pgbench over TCP loopback (the API's transport): -S $(m tcp_select) tps, INSERT $(m tcp_insert) tps;" \
  "GET by id $(ratio "$(m get_rps)" "$(m tcp_select)")x, create $(ratio "$(m create_rps)" "$(m tcp_insert)")x of those" \
  "(the targets are judged against the Unix socket figures above)"
# What a throughput target leaves per request for the server, PostgreSQL and wrk together, all on these cores.
budget() { awk -v cores="$(nproc)" -v share="$1" -v base="$2" 'BEGIN {printf "%.0f", cores * 1e6 / (share * base)}'; }
echo "CPU per request at the targets ($(nproc) cores, everything included): GET by id at 0.3x pgbench -S $(budget 0.3 "$(m pg_select)") µs," \
  "create at 0.5x the INSERT $(budget 0.5 "$(m pg_insert)") µs"
