# Convoca: the two commands are `make run` and `make test`.
SWIFT ?= swift
.PHONY: run build test bench-db bench bench-downloads bench-rules release clean-data check-deps check-contract

check-deps:
	@scripts/check-deps.sh

build: check-deps
	$(SWIFT) build --product convoca

release: check-deps
	$(SWIFT) build -c release --product convoca

# Builds, then serves on http://127.0.0.1:8080 (private PostgreSQL under .data/ unless DATABASE_URL is set).
run: build
	scripts/run.sh

# The whole suite against a throwaway PostgreSQL cluster.
test: check-deps
	scripts/test.sh

# Point-selects through the pool against pgbench -S -M prepared, same cluster, same run.
bench-db: check-deps
	bench/bench-db.sh

# The 2021 ruleset against a realistic facts document: median and p99 per whole-ruleset evaluation (release build).
bench-rules:
	$(SWIFT) build -c release --product convoca-rules-bench
	.build/release/convoca-rules-bench seed/rulesets/LAC-2021.json bench/facts-LAC-2021.json

# The API under wrk (GET by id, list, create) against pgbench, 100,000 proposals, same cluster, same run.
bench: check-deps
	bench/bench-api.sh

# Serving a 10 MiB document: peak server RSS under 20 slow readers, throughput and CPU of 4 fast ones.
bench-downloads: check-deps
	bench/bench-downloads.sh

# Every example in openapi.yaml against its schema (needs: pip install pyyaml jsonschema).
check-contract:
	python3 scripts/check-contract-examples.py openapi.yaml

clean-data:
	rm -rf .data
