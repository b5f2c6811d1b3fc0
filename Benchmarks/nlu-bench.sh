#!/usr/bin/env bash
# Language understanding speed on one core: start-up (training from
# Localization/nlu), classifications per second, latency percentiles and
# memory. Release build.
#
#   Benchmarks/nlu-bench.sh [SECONDS] [MESSAGES.jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
swift build -c release --product kawan-nlu-bench >&2
if [ $# -ge 2 ]; then
    exec taskset -c 0 .build/release/kawan-nlu-bench --seconds "$seconds" --messages "$2"
fi
exec taskset -c 0 .build/release/kawan-nlu-bench --seconds "$seconds"
