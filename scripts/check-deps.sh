#!/usr/bin/env bash
# What a fresh machine needs before the first build: the Swift toolchain, libpq headers, PostgreSQL 15+ binaries.
set -euo pipefail
missing=()
command -v swift >/dev/null 2>&1 || { echo "swift is not on PATH: install the Swift 6 toolchain" >&2; exit 1; }
pkg-config --exists libpq 2>/dev/null || missing+=(libpq-dev pkg-config)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client-15)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql-15)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing packages; install them with: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
