#!/usr/bin/env bash
# The database layer against PostgreSQL's own pgbench, on one private cluster, in one run:
# point selects through the pool (WORKERS connections) vs `pgbench -S -M prepared` with as many clients,
# alternating, RUNS rounds; prints each round's ratio and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS=${WORKERS:-8}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
RUNS=${RUNS:-5}
SCALE=${SCALE:-1}

swift build -c release --scratch-path .build-release --product convoca-bench >/dev/null 2>&1
bench_bin=.build-release/release/convoca-bench
dir=$(mktemp -d /tmp/convoca-bench.XXXXXX)
trap 'scripts/pg.sh stop "$dir"; rm -rf "$dir"' EXIT
scripts/pg.sh start "$dir" shared_buffers=256MB
url=$(scripts/pg.sh url "$dir" postgres)
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgbench=$(command -v pgbench || echo "$bindir/pgbench")
host=$dir/socket
"$pgbench" -h "$host" -U postgres -i -s "$SCALE" -q postgres >/dev/null 2>&1
rows=$((SCALE * 100000))

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
pg=(); ours=(); handoff=(); ratios=()
for run in $(seq "$RUNS"); do
  # Alternate the two so that machine noise falls on both alike.
  p=$("$pgbench" -h "$host" -U postgres -S -M prepared -c "$WORKERS" -j 2 -T "$SECONDS_PER_RUN" -n postgres 2>/dev/null \
      | awk '/tps =/ {print int($3)}' | tail -1)
  o=$("$bench_bin" "$url" "$WORKERS" "$SECONDS_PER_RUN" "$rows" inline)
  h=$("$bench_bin" "$url" "$WORKERS" "$SECONDS_PER_RUN" "$rows" handoff)
  r=$(awk -v a="$o" -v b="$p" 'BEGIN {printf "%.2f", a/b}')
  echo "run $run: pgbench -S -M prepared ${p} tps, pool point-select ${o} q/s (tasks on the database event loops, ratio ${r}), ${h} q/s (tasks on the cooperative pool)"
  pg+=("$p"); ours+=("$o"); handoff+=("$h"); ratios+=("$r")
done
pgm=$(printf '%s\n' "${pg[@]}" | median)
om=$(printf '%s\n' "${ours[@]}" | median)
hm=$(printf '%s\n' "${handoff[@]}" | median)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'), Unix socket"
rm=$(printf '%s\n' "${ratios[@]}" | median)
echo "median of $RUNS x ${SECONDS_PER_RUN}s, $WORKERS clients: pgbench ${pgm} tps, pool ${om} q/s, ratio $(awk -v a="$om" -v b="$pgm" 'BEGIN {printf "%.2f", a/b}') (median of the rounds' ratios ${rm}; tasks on the cooperative pool ${hm} q/s, $(awk -v a="$hm" -v b="$pgm" 'BEGIN {printf "%.2f", a/b}'))"
