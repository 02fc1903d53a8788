#!/usr/bin/env bash
# `make bench-downloads`: what serving documents costs. A private cluster, the release server, one
# document of 10 MiB; then the server's peak RSS while 20 clients read it at 100 KB/s each for 7 s,
# and the downloads, MiB/s and server CPU per download of 4 clients reading it as fast as they can
# for 10 s (curl over TCP loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18081}
swift build -c release --scratch-path .build-release --product convoca >/dev/null
bin=.build-release/release/convoca

dir=$(mktemp -d /tmp/convoca-bench-downloads.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; scripts/pg.sh stop "$dir" >/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
export PGPORT; PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/pg.sh start "$dir" "port=$PGPORT" >/dev/null
psql "$(scripts/pg.sh url "$dir" postgres)" -qc 'CREATE DATABASE convoca'
export DATABASE_URL; DATABASE_URL=$(scripts/pg.sh url "$dir" convoca)
export CONVOCA_ADMIN_TOKEN; CONVOCA_ADMIN_TOKEN=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
export LOG_LEVEL=error CONVOCA_RATE_LIMIT_PER_MINUTE=1000000 PORT
"$bin" migrate >/dev/null 2>&1
"$bin" seed >/dev/null 2>&1
"$bin" serve --no-migrate >"$dir/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

api() { curl -sf -H "Authorization: Bearer $CONVOCA_ADMIN_TOKEN" "$@"; }
id() { python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }
org=$(api -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/v1/organisations" -d '{
  "legalName": "Cooperativa Andina", "kind": "cooperative", "nonProfit": true, "country": "PE", "contractualCapacity": true,
  "foundedOn": "2010-01-01", "registration": {"number": "R-1", "country": "PE", "registeredOn": "2010-01-02"},
  "contacts": [{"name": "Ana", "email": "ana@example.org"}]}' | id)
proposal=$(api -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/v1/calls/LAC-2021/proposals" \
  -d '{"leadOrganisationId": "'"$org"'", "title": "Formalisation in two clicks", "language": "es"}' | id)
head -c $((10 << 20)) /dev/urandom >"$dir/document.pdf"
document=$(api -H 'Content-Type: application/pdf' --data-binary @"$dir/document.pdf" \
  "http://127.0.0.1:$PORT/v1/proposals/$proposal/documents?filename=document.pdf" | id)
url="http://127.0.0.1:$PORT/v1/proposals/$proposal/documents/$document"
api -o "$dir/copy.pdf" "$url"
cmp -s "$dir/document.pdf" "$dir/copy.pdf" || { echo "the download differs from the upload" >&2; exit 1; }

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
echo "server RSS at rest, after one upload and one download: $(( $(rss) / 1024 )) MB"

slow=()
for _ in $(seq 20); do api --limit-rate 100k -o /dev/null --max-time 7 "$url" & slow+=($!); done
peak=0
for _ in $(seq 30); do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.2; done
wait "${slow[@]}" 2>/dev/null || true
echo "20 clients reading at 100 KB/s: peak server RSS $(( peak / 1024 )) MB"

before=$(ticks)
end=$((SECONDS + 10))
reader() { local n=0; while [ $SECONDS -lt $end ]; do api -o /dev/null "$url" && n=$((n + 1)); done; echo $n; }
fast=()
for i in 1 2 3 4; do reader >"$dir/fast.$i" & fast+=($!); done
wait "${fast[@]}"
count=0
for i in 1 2 3 4; do count=$((count + $(cat "$dir/fast.$i"))); done
after=$(ticks)
ticks_per_second=$(getconf CLK_TCK)
echo "4 clients reading at full speed: $count downloads in 10 s ($(( count )) MiB/s)," \
  "server CPU $(( (after - before) * 1000 / ticks_per_second / count )) ms per download"
