#!/usr/bin/env bash
# Fuzzes every parser of outside data with libFuzzer + ASan + UBSan (tests/fuzz).
#   ./packaging/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 600 s, every target)
# Installs clang-14 and its runtimes if missing (idempotent), configures and builds the `fuzz`
# preset (build/fuzz), then runs each target for the given time seeded with its committed
# corpus tests/fuzz/corpus/<target>/. New inputs go to build/fuzz/work/<target>/corpus, never
# into the committed corpus; crashes go to build/fuzz/work/<target>/artifacts and are minimised
# there (*.min). Add a fixed crash input to the committed corpus as regression-<name> so that
# CTest's fuzz_replay_<target> replays it on every run. Prints per target: seconds, execs/s,
# total execs, corpus size, crashes. Exit status 1 when any target crashed.
# PSR_FUZZ_JOBS sets the build parallelism (default: nproc); extra libFuzzer flags come from
# PSR_FUZZ_FLAGS (e.g. PSR_FUZZ_FLAGS="-only_ascii=1").
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-600}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "usage: packaging/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi

./packaging/install-deps.sh
# clang and libclang_rt.fuzzer / asan / ubsan (Debian 12: clang-14 + libclang-rt-14-dev).
fuzz_packages=(clang-14 libclang-rt-14-dev)
missing=()
for p in "${fuzz_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "fuzz: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
    || { $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -- -j"${PSR_FUZZ_JOBS:-$(nproc)}"

build=build/fuzz
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  IFS=';' read -r -a targets < "$build/fuzz-targets.txt"
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

summary=()
failed=0
for t in "${targets[@]}"; do
  bin="$build/bin/fuzz_$t"
  seeds="tests/fuzz/corpus/$t"
  if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
    echo "fuzz: unknown target '$t' (targets: $(tr ';' ' ' < "$build/fuzz-targets.txt"))" >&2
    exit 2
  fi
  work="$build/work/$t"
  mkdir -p "$work/corpus" "$work/artifacts"
  dict=tests/fuzz/json.dict
  maxlen=32768
  case "$t" in
    image_decode) dict=tests/fuzz/image.dict; maxlen=65536 ;;
    safetensors) maxlen=65536 ;;
  esac
  log="$work/fuzz.log"
  echo "fuzz: $t for ${seconds}s (log $log)"
  set +e
  # shellcheck disable=SC2086
  "$bin" -max_total_time="$seconds" -print_final_stats=1 -max_len="$maxlen" -timeout=25 -rss_limit_mb=2560 \
    -dict="$dict" -artifact_prefix="$work/artifacts/" ${PSR_FUZZ_FLAGS:-} "$work/corpus" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(awk '/^stat::number_of_executed_units:/ {v = $2} END {print v}' "$log")
  rate=$(awk '/^stat::average_exec_per_sec:/ {v = $2} END {print v}' "$log")
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | awk '{print $2}')
  crashes=$(find "$work/artifacts" -maxdepth 1 -type f ! -name '*.min' | wc -l)
  for c in $(find "$work/artifacts" -maxdepth 1 -type f ! -name '*.min'); do
    [ -e "$c.min" ] && continue
    echo "fuzz: $t: minimising $c"
    "$bin" -minimize_crash=1 -max_total_time=60 -exact_artifact_path="$c.min" "$c" >"$c.minimise.log" 2>&1 || true
  done
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    failed=1
    echo "fuzz: $t FAILED (exit $rc); see $log and $work/artifacts" >&2
    grep -m1 -A12 'ERROR:\|runtime error\|fuzz invariant\|deadly signal' "$log" >&2 || true
  fi
  summary+=("$(printf '%-16s %6ss %10s execs/s %12s execs  corpus %-14s crashes %s' \
    "$t" "$seconds" "${rate:-?}" "${execs:-?}" "${corp:-?}" "$crashes")")
done

echo
echo "fuzz summary (corpus: inputs/bytes after the run, committed seeds included)"
printf '%s\n' "${summary[@]}"
exit "$failed"
