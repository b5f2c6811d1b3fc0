#!/usr/bin/env bash
# Kawan's language understanding beside its peers, on dev.jsonl and the
# public sets in ../shared/nlu/external (see docs/nlu.md). Creates the
# Python peers' virtual environment under .build/nlu-venv from PyPI, builds
# kawan in release mode, and writes one JSON line per run to
# .build/nlu-results/.
#
#   [SCRATCH_PATH=.build] Benchmarks/nlu/run-peers.sh [SHARED_NLU_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${1:-../shared/nlu}
external=$shared/external
results=.build/nlu-results
venv=.build/nlu-venv
mkdir -p "$results"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet scikit-learn lingua-language-detector pycld2 langid
fi
python=$venv/bin/python
scratch=${SCRATCH_PATH:-.build}
swift build -c release --scratch-path "$scratch" --product kawan >&2
kawan=$scratch/release/kawan
corpus=(Localization/nlu/train/{id,tl,vi,ja,en}.jsonl)

"$kawan" eval "$shared/dev.jsonl" --json > "$results/kawan-dev.json"
"$python" Benchmarks/nlu/peers.py intents --train "${corpus[@]}" --test "$shared/dev.jsonl" > "$results/sklearn-dev.json"
# Kawan's own held-out set (Benchmarks/nlu/heldout/README.md): all of it, and
# half B alone (lines 2, 4, 6, ... of each file), the half never used for error analysis.
heldout=$(mktemp -d)
cat Benchmarks/nlu/heldout/*.jsonl > "$heldout/all.jsonl"
for file in Benchmarks/nlu/heldout/*.jsonl; do sed -n '2~2p' "$file"; done > "$heldout/half-b.jsonl"
for part in all half-b; do
    "$kawan" eval "$heldout/$part.jsonl" --json > "$results/kawan-heldout-$part.json"
    "$python" Benchmarks/nlu/peers.py intents --train "${corpus[@]}" --test "$heldout/$part.jsonl" > "$results/sklearn-heldout-$part.json"
    "$python" Benchmarks/nlu/peers.py languages --test "$heldout/$part.jsonl" > "$results/peers-heldout-$part.json"
done
rm -rf "$heldout"
for set in xsid sib200 clinc150small; do
    "$kawan" eval "$external/${set}_test.jsonl" --train "$external/${set}_train.jsonl" --json > "$results/kawan-$set.json"
    "$python" Benchmarks/nlu/peers.py intents --train "$external/${set}_train.jsonl" \
        --test "$external/${set}_test.jsonl" > "$results/sklearn-$set.json"
done
for set in lid_lingua_word-pairs lid_lingua_sentences; do
    "$kawan" eval "$external/$set.jsonl" --json > "$results/kawan-$set.json"
    "$python" Benchmarks/nlu/peers.py languages --test "$external/$set.jsonl" > "$results/peers-$set.json"
done
"$python" Benchmarks/nlu/peers.py languages --test "$shared/dev.jsonl" > "$results/peers-dev.json"
ls -l "$results"
