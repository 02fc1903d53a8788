#!/usr/bin/env bash
# `make run`: serve the API. Without DATABASE_URL, on a private cluster under .data/
# (initialised once, stopped again when the server stops).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CONVOCA_BIN:-.build/debug/convoca}

if [ -z "${DATABASE_URL:-}" ]; then
  scripts/pg.sh start .data
  trap 'scripts/pg.sh stop .data' EXIT
  admin=$(scripts/pg.sh url .data postgres)
  if [ "$(psql "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = 'convoca'")" != 1 ]; then
    psql "$admin" -qc 'CREATE DATABASE convoca'
  fi
  export DATABASE_URL
  DATABASE_URL=$(scripts/pg.sh url .data convoca)
  echo "PostgreSQL: private cluster in .data/ ($DATABASE_URL)"
fi

# A ready admin credential for local use (kept across runs in .data/).
if [ -z "${CONVOCA_ADMIN_TOKEN:-}" ]; then
  mkdir -p .data
  if [ ! -s .data/admin-token ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' > .data/admin-token)
  fi
  export CONVOCA_ADMIN_TOKEN
  CONVOCA_ADMIN_TOKEN=$(cat .data/admin-token)
  echo "Admin token for local use: Authorization: Bearer $CONVOCA_ADMIN_TOKEN"
fi

"$bin" migrate
"$bin" seed
"$bin" serve --no-migrate "$@"
