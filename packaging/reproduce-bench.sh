#!/usr/bin/env bash
# The miniature reproduction of the paper's benchmark table (docs/reproduction.md): the shipped
# base, sft and rl generators with the world's oracle render and the reference-blind sft as
# bounds, on a frozen held-out suite, then the report.
#   ./packaging/reproduce-bench.sh WORKSPACE [SAMPLES_PER_SUBSET=20] [SEEDS=1]
# WORKSPACE must hold the imported emoji world (`psr workspace init`, `psr assets import`).
# Resumable: every finished batch is stored, so rerunning after Ctrl-C continues. Writes
# WORKSPACE/exports/reproduction-repro-N.{json,html}. PSR_BIN overrides the psr binary (default: the
# one packaging/studio.sh builds, build/release/bin/psr). A model retrained in place is refused
# (its stored values are of other weights): PSR_RESTART="rl" (labels, space-separated) recomputes
# those labels.
set -euo pipefail
cd "$(dirname "$0")/.."

ws="${1:?usage: packaging/reproduce-bench.sh WORKSPACE [SAMPLES_PER_SUBSET] [SEEDS]}"
samples="${2:-20}"
seeds="${3:-1}"
psr="${PSR_BIN:-build/release/bin/psr}"
[ -x "$psr" ] || { echo "reproduce-bench: no psr binary at $psr (build first or set PSR_BIN)" >&2; exit 2; }
suite="repro-$samples"
threads="${PSR_THREADS:-0}"

if ! "$psr" -w "$ws" bench suite list --json | grep -q "\"$suite\""; then
  "$psr" -w "$ws" bench suite create --name "$suite" --samples "$samples" --seen-samples 0
fi
# Same sampler settings for every generator: 20 Euler steps, CFG 1.5 (text and references; the default).
for model in oracle blind:sft base sft rl; do
  echo "reproduce-bench: $model on $suite" >&2
  restart=()
  [[ " ${PSR_RESTART:-} " == *" $model "* ]] && restart=(--restart)
  "$psr" -w "$ws" bench run --model "$model" --suite "$suite" --seeds "$seeds" --steps 20 --guidance 1.5 \
    --batch 8 --threads "$threads" "${restart[@]}" >/dev/null
done
mkdir -p "$ws/exports"
"$psr" -w "$ws" bench report --suite "$suite" --models oracle blind:sft base sft rl --json \
  --out "$ws/exports/reproduction-$suite.json" --html "$ws/exports/reproduction-$suite.html" >/dev/null
echo "reproduce-bench: wrote $ws/exports/reproduction-$suite.json and .html" >&2
