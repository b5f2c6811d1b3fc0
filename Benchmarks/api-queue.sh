#!/usr/bin/env bash
# Caseworker API latency: claim-next and queue listing with TOTAL open
# escalations across TENANTS tenants, against a release build of kawan
# (durability full, access log on). The rows are seeded straight into the
# SQLite file (after the daemon has created the schema); the client is
# Benchmarks/api/queue_bench.py over loopback keep-alive connections, one
# request at a time, so the figures are per-request latencies.
#
#   Benchmarks/api-queue.sh [TOTAL] [TENANTS] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-100000}
tenants=${2:-20}
requests=${3:-2000}
port=${KAWAN_BENCH_PORT:-18490}
scratch=${KAWAN_BENCH_SCRATCH:-.build}

swift build -c release --scratch-path "$scratch" --product kawan >&2
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r Config "$work/Config"
python3 Benchmarks/api/queue_bench.py config "$work/Config" "$tenants"

start() {
    "$scratch/release/kawan" serve --config "$work/Config" --localization Localization --listen "127.0.0.1:$port" \
        --db "$work/bench.sqlite" 2>"$work/daemon.log" &
    pid=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
    echo "kawan did not become ready" >&2; cat "$work/daemon.log" >&2; exit 1
}
start                      # creates the schema
kill "$pid"; wait "$pid" || true
python3 Benchmarks/api/queue_bench.py seed "$work/bench.sqlite" "$tenants" "$total"
start
python3 Benchmarks/api/queue_bench.py measure "$port" "$tenants" "$requests"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r); load average after the run: $(cut -d" " -f1-3 /proc/loadavg)"
