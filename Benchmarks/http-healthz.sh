#!/usr/bin/env bash
# Load benchmark of the HTTP server: GET /healthz at 64 keep-alive
# connections with wrk, over loopback, against a release build of kawan, plus
# the daemon's resident memory idle and under load.
#
#   Benchmarks/http-healthz.sh [SECONDS] [CONNECTIONS]
#
# Needs wrk (apt-get install wrk). The load generator shares the machine's
# cores with the daemon, as in the figures in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-64}
port=${KAWAN_BENCH_PORT:-18480}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

swift build -c release --product kawan >&2
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# The access log stays on (info level), written to a file as journald would take it.
.build/release/kawan serve --config Config --listen "127.0.0.1:$port" --db "$work/bench.sqlite" 2>"$work/daemon.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
sleep 1
idle=$(rss_kib)
wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$port/healthz" >"$work/wrk.txt" &
wrk_pid=$!
peak=0
while kill -0 "$wrk_pid" 2>/dev/null; do
    now=$(rss_kib); [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.5
done
wait "$wrk_pid"
cat "$work/wrk.txt"
echo "idle_rss_mib=$(awk "BEGIN {printf \"%.1f\", $idle/1024}") load_peak_rss_mib=$(awk "BEGIN {printf \"%.1f\", $peak/1024}")"
echo "access_log_lines=$(grep -c 'event=http.request' "$work/daemon.log")"
