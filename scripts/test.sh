#!/usr/bin/env bash
# `make test`: the whole suite against a throwaway cluster, which is stopped even when tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d /tmp/convoca-test.XXXXXX)
cleanup() { scripts/pg.sh stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
# Durability is of no use to a throwaway cluster; it only slows the tests.
scripts/pg.sh start "$dir" fsync=off synchronous_commit=off full_page_writes=off

export CONVOCA_TEST_DATABASE_URL
CONVOCA_TEST_DATABASE_URL=$(scripts/pg.sh url "$dir" postgres)
# The schema is migrated once into a template; each test gets its own copy of it.
psql "$CONVOCA_TEST_DATABASE_URL" -qc 'CREATE DATABASE convoca_template'
export CONVOCA_TEST_TEMPLATE=convoca_template

swift build --build-tests
DATABASE_URL=$(scripts/pg.sh url "$dir" convoca_template) .build/debug/convoca migrate
swift test --skip-build --parallel "$@"
