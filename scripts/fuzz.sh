#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets of test/fuzz with clang-22, ASan and
# UBSan (build dir build-fuzz), then runs each for FUZZ_SECONDS (default 60)
# on a working copy of its seed corpus, with its dictionary, and prints
# libFuzzer's final stats (whole logs in build-fuzz/logs/NAME.log). Findings
# are written to build-fuzz/findings/NAME/;
# copy each (minimised with -minimize_crash=1) into test/fuzz/crashes/NAME/
# once fixed, so that make check replays it. docs/testing.md records runs.
#
# FUZZ_CPU_SECONDS=N instead stops each target once the fuzzer process has
# used N seconds of CPU (user + system, read from /proc), so that a run on a
# busy machine still counts toward issue 20's CPU-minutes; the log then ends
# with a `cpu_seconds:` line.
#
#   fuzz.sh [BUILD_DIR] [TARGET...]      FUZZ_SECONDS=N | FUZZ_CPU_SECONDS=N
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$here/build-fuzz}
shift || true
seconds=${FUZZ_SECONDS:-60}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(isa_decode isa_asm npy target_json target_overrides policy
           calibration pipeline sim_run mlir_passes onnx_import)
fi

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang-22 CXX=clang++-22 cmake -S "$here" -B "$BUILD" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCIM_ENABLE_SANITIZERS=ON \
    -DCIM_BUILD_FUZZERS=ON
fi
cmake --build "$BUILD" -j "$(nproc)" --target $(printf '%s_fuzzer ' "${targets[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  work="$BUILD/corpus/$t"
  findings="$BUILD/findings/$t"
  mkdir -p "$work" "$findings"
  cp -n "$here/test/fuzz/corpus/$t"/* "$work"/ 2>/dev/null || true
  dict=()
  [ -f "$here/test/fuzz/dict/$t.dict" ] && dict=(-dict="$here/test/fuzz/dict/$t.dict")
  echo "== $t: ${FUZZ_CPU_SECONDS:+${FUZZ_CPU_SECONDS} CPU-seconds}${FUZZ_CPU_SECONDS:-${seconds}s}"
  # The whole log (stack traces of findings) in logs/NAME.log; the summary here.
  mkdir -p "$BUILD/logs"
  run=("$BUILD/test/fuzz/${t}_fuzzer" "${dict[@]}" -print_final_stats=1
       -artifact_prefix="$findings/" -rss_limit_mb=4096 -timeout=20)
  if [ -n "${FUZZ_CPU_SECONDS:-}" ]; then
    # Wall time is only a safety net here; the CPU budget ends the run
    # (libFuzzer prints its final stats on SIGINT).
    "${run[@]}" -max_total_time=$((FUZZ_CPU_SECONDS * 10)) "$work" \
      > "$BUILD/logs/$t.log" 2>&1 &
    pid=$!
    ticks=$(getconf CLK_TCK)
    cpu=0
    while kill -0 "$pid" 2>/dev/null; do
      sleep 5
      stat=$(cat "/proc/$pid/stat" 2>/dev/null) || break
      # Fields 14 and 15 (utime, stime) after the parenthesised command name.
      set -- ${stat##*) }
      cpu=$(( (${12} + ${13}) / ticks ))
      if [ "$cpu" -ge "$FUZZ_CPU_SECONDS" ]; then
        kill -INT "$pid" 2>/dev/null || true
        break
      fi
    done
    wait "$pid" || true
    echo "cpu_seconds: $cpu" >> "$BUILD/logs/$t.log"
  else
    "${run[@]}" -max_total_time="$seconds" "$work" \
      > "$BUILD/logs/$t.log" 2>&1 || true
  fi
  grep -E '^(stat::|#[0-9]+ *DONE|==[0-9]+==ERROR|SUMMARY|Test unit written|cpu_seconds:)' \
    "$BUILD/logs/$t.log" || true
  if [ -n "$(ls -A "$findings")" ]; then
    echo "!! $t: findings in $findings"
    status=1
  fi
done
exit $status
