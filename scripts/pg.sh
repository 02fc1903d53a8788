#!/usr/bin/env bash
# A private PostgreSQL cluster for development, tests and benchmarks.
#   scripts/pg.sh start DIR [extra postgres -c settings...]   initialise (once) and start; socket in DIR/socket
#   scripts/pg.sh stop DIR
#   scripts/pg.sh url DIR [DBNAME]                             print a libpq conninfo for it (with its port, when running)
# PostgreSQL refuses to run as root: when started as root, the cluster belongs to an
# unprivileged user (PG_OS_USER, default postgres) and its binaries run through runuser.
set -euo pipefail

find_bindir() {
  local candidates=()
  if command -v pg_config >/dev/null 2>&1; then candidates+=("$(pg_config --bindir)"); fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do candidates+=("$d"); done
  for d in "${candidates[@]}"; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      local v; v=$("$d/pg_ctl" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
      if [ "$v" -ge 15 ]; then echo "$d"; return 0; fi
    fi
  done
  cat >&2 <<MSG
PostgreSQL 15 or later server binaries were not found (looked in pg_config --bindir and /usr/lib/postgresql/*/bin).
Install them with:
  apt-get update && apt-get install -y postgresql-15 postgresql-client-15 libpq-dev
MSG
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}

ensure_owner() {
  local dir=$1
  if [ "$(id -u)" = 0 ]; then
    if ! id "$PG_OS_USER" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
    fi
    chown "$PG_OS_USER" "$dir"
  fi
}

PG_OS_USER=${PG_OS_USER:-postgres}
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|url DIR" >&2; exit 2; }
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)

case "$cmd" in
  start)
    shift 2
    bindir=$(find_bindir)
    ensure_owner "$dir"
    mkdir -p "$dir/socket"; ensure_owner "$dir/socket"
    if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
      mkdir -p "$dir/pgdata"; ensure_owner "$dir/pgdata"; chmod 700 "$dir/pgdata"
      as_owner "$bindir/initdb" -D "$dir/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    opts="-k $dir/socket -c listen_addresses= -c max_connections=200"
    for s in "$@"; do opts="$opts -c $s"; done
    as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -o "$opts" -w -t 60 start >/dev/null \
      || { tail -20 "$dir/postgres.log" >&2; exit 1; }
    ;;
  stop)
    bindir=$(find_bindir)
    if [ -f "$dir/pgdata/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null || true
    fi
    ;;
  url)
    # The port the running cluster listens on (the socket's name carries it), from its postmaster.pid.
    port=""
    if [ -f "$dir/pgdata/postmaster.pid" ]; then port=" port=$(sed -n 4p "$dir/pgdata/postmaster.pid")"; fi
    echo "host=$dir/socket user=postgres dbname=${3:-postgres}$port"
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
