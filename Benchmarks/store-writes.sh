#!/usr/bin/env bash
# Acknowledged message writes per second from 64 concurrent writers, with
# durability full and normal, group commit against one transaction per
# write (the baseline). Release build.
#
#   Benchmarks/store-writes.sh [SECONDS] [WRITERS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
writers=${2:-64}
swift build -c release --product kawan-store-bench >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Benchmarks/fsync-probe.py "$work"
for durability in full normal; do
    for mode in group single; do
        .build/release/kawan-store-bench --db "$work/bench.sqlite" --writers "$writers" --seconds "$seconds" \
            --durability "$durability" --mode "$mode"
    done
done
