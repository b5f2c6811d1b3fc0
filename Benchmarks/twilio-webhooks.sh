#!/usr/bin/env bash
# Signed Twilio webhooks per second through the whole pipeline: signature
# verification, dedupe, durable storage (durability=full, group commit) and
# the inline TwiML reply, at 64 connections, against a release build.
#
#   Benchmarks/twilio-webhooks.sh [SECONDS] [CONNECTIONS]
#
# Needs wrk and python3. Afterwards it checks that every 2xx is a stored row.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-64}
port=${KAWAN_BENCH_PORT:-18481}
threads=2
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

swift build -c release --product kawan >&2
work=$(mktemp -d)
python3 Benchmarks/fsync-probe.py "$work"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# Enough distinct messages that no request repeats within the run.
count=$((seconds * 30000))
python3 Benchmarks/twilio/make_requests.py "$count" "http://127.0.0.1:8080/webhooks/demo/sms" \
    "$(cat Config/secrets/demo/twilio_auth_token)" "$work/requests.tsv"

.build/release/kawan serve --config Config --listen "127.0.0.1:$port" --db "$work/bench.sqlite" 2>"$work/daemon.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# The daemon's CPU time (user + system, clock ticks) around the run: CPU per
# request varies far less than throughput on a machine shared with others.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
ticks_before=$(cpu_ticks)
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s Benchmarks/twilio/signed.lua \
    "http://127.0.0.1:$port" -- "$work/requests.tsv" "$threads" /webhooks/demo/sms | tee "$work/wrk.txt"
ticks_after=$(cpu_ticks)
kill -TERM "$pid"; wait "$pid" || true

total=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $5}' "$work/wrk.txt"); non2xx=${non2xx:-0}
stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM messages WHERE direction='in'\").fetchone()[0])" "$work/bench.sqlite")
echo "requests=$total non_2xx=$non2xx stored_inbound_rows=$stored"
python3 -c "import os,sys; ticks=int(sys.argv[2])-int(sys.argv[1]); print('daemon_cpu_seconds=%.2f cpu_us_per_request=%.1f' % (ticks/os.sysconf('SC_CLK_TCK'), ticks/os.sysconf('SC_CLK_TCK')*1e6/max(1,int(sys.argv[3]))))" "$ticks_before" "$ticks_after" "$total"
# wrk counts only completed responses; a request cut off at the end may
# still have been stored, so stored >= 2xx is the invariant.
if [ "$stored" -lt $((total - non2xx)) ]; then echo "FAIL: fewer stored rows than 2xx answers" >&2; exit 1; fi
