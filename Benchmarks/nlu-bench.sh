#!/usr/bin/env bash
# Language understanding speed on one core: start-up (training from
# Localization/nlu), classifications per second, latency percentiles and
# memory. Release build.
#
#   [SCRATCH_PATH=.build] Benchmarks/nlu-bench.sh [SECONDS] [MESSAGES.jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
scratch=${SCRATCH_PATH:-.build}
swift build -c release --scratch-path "$scratch" --product kawan-nlu-bench >&2
bench=$scratch/release/kawan-nlu-bench
if [ $# -ge 2 ]; then
    exec taskset -c 0 "$bench" --seconds "$seconds" --messages "$2"
fi
exec taskset -c 0 "$bench" --seconds "$seconds"
