#!/usr/bin/env bash
# make bench: runs the benchmark drivers and appends their results, with the
# command, the date and the machine, to bench/results/ (see bench/README.md).
#
#   bench.sh [BUILD_DIR] [all|cost-oracle|pipeline|compile|schedule|python|
#            sim|grid|import|sizes] [grid options]
#
# cost-oracle: bench/cim-bench-cost-oracle -> bench/results/cost-oracle.txt
# pipeline:    scripts/bench_pipeline.py (compile time of the reference
#              networks to a binary, cim-sim throughput on ResNet-18)
#              -> bench/results/pipeline.txt
# compile:     bench/bench_compile.py (cim-opt's front end against stock
#              mlir-opt parse+print of the same input, CPU and peak RSS;
#              per-pass times from --mlir-timing)
#              -> bench/results/compile.txt
# schedule:    scripts/bench_schedule.py (cim-duplicate + cim-schedule of
#              the reference networks on 1, 2*H and H/4 crossbars, every
#              duplication mode, against the bounds)
#              -> bench/results/schedule.txt
# python:      bench/python_oracle.py (the Python package as a search
#              oracle: batch and single estimates, latency tables, compile,
#              against a cim-opt process per policy)
#              -> bench/results/python-oracle.txt
# sim:         bench/bench_sim.py (cim-sim on ResNet-18 next to a plain C
#              int64 GEMM of the same layer shapes, CPU time and peak RSS)
#              -> bench/results/sim.txt
# grid:        bench/bench_grid.py (the reference networks' schedules over a
#              target grid: latency, bound and its binding term, ratio,
#              monotonic in crossbars and ports; not part of `all`: the full
#              grid takes hours; options after `grid` pick the grid, e.g.
#              --nets resnet18 --cells 2,4 --ous none,16)
#              -> bench/results/grid.txt
# import:      bench/bench_import.py (cim-translate --import-onnx of
#              torchvision VGG-16 and ResNet-18 with random weights: CPU,
#              wall, peak RSS against the file size; not part of `all`: the
#              first run exports 600 MB of ONNX)
#              -> bench/results/import.txt
# sizes:       bench/bench_sizes.py (ResNet-18's xbar program and ISA binary
#              on the default, 2-bit-cell and OU-limited targets, sequential
#              and scheduled: sizes, op counts, CPU and peak RSS)
#              -> bench/results/sizes.txt
set -euo pipefail
BUILD=${1:-build}
what=${2:-all}
shift $(( $# < 2 ? $# : 2 ))
here=$(cd "$(dirname "$0")/.." && pwd)
case $what in
  all|cost-oracle|pipeline|compile|schedule|python|sim|grid|import|sizes) ;;
  *) echo "bench.sh: unknown benchmark '$what' (all, cost-oracle, pipeline, compile, schedule, python, sim, grid, import, sizes)" >&2
     exit 2 ;;
esac

# record FILE COMMAND RESULT: appends one record (date, host, commit, the
# command and its output) to a results file.
record() {
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(nproc) cores, $(uname -m)  commit: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "command: $2"
    echo "$3"
    echo
  } >> "$1"
}

# driver SCRIPT RESULTS [ARGS...]: a Python driver in bench/ that appends its
# own record (date, machine, commit, commands) to bench/results/RESULTS.
driver() {
  local script=$1 results=$2 build_abs
  shift 2
  build_abs=$(cd "$BUILD" && pwd)
  echo "\$ /usr/bin/python3 bench/$script $BUILD bench/results/$results $*"
  (cd "$here" && /usr/bin/python3 "bench/$script" "$build_abs" \
    "bench/results/$results" "$@")
  echo "recorded in bench/results/$results"
}

if [[ $what == all || $what == cost-oracle ]]; then
  out="$here/bench/results/cost-oracle.txt"
  cmd="$BUILD/bench/cim-bench-cost-oracle test/data/cim-aq-policies.json 5"
  result=$(cd "$here" && $cmd)
  echo "$result"
  record "$out" "$cmd" "$result"
  echo "recorded in bench/results/cost-oracle.txt"
  echo
fi

if [[ $what == all || $what == pipeline ]]; then
  # BUILD is resolved against the caller's directory; the script runs from the
  # repository root.
  build_abs=$(cd "$BUILD" && pwd)
  echo "\$ python3 scripts/bench_pipeline.py $BUILD bench/results/pipeline.txt"
  python3 "$here/scripts/bench_pipeline.py" "$build_abs" \
    "$here/bench/results/pipeline.txt"
  echo "recorded in bench/results/pipeline.txt"
fi

if [[ $what == all || $what == compile ]]; then
  build_abs=$(cd "$BUILD" && pwd)
  echo "\$ /usr/bin/python3 bench/bench_compile.py $BUILD bench/results/compile.txt"
  /usr/bin/python3 "$here/bench/bench_compile.py" "$build_abs" \
    "$here/bench/results/compile.txt"
  echo "recorded in bench/results/compile.txt"
fi

if [[ $what == all || $what == schedule ]]; then
  build_abs=$(cd "$BUILD" && pwd)
  echo "\$ python3 scripts/bench_schedule.py $BUILD bench/results/schedule.txt"
  python3 "$here/scripts/bench_schedule.py" "$build_abs" \
    "$here/bench/results/schedule.txt"
  echo "recorded in bench/results/schedule.txt"
fi

if [[ $what == all || $what == python ]]; then
  build_abs=$(cd "$BUILD" && pwd)
  out="$here/bench/results/python-oracle.txt"
  cmd="PYTHONPATH=python CIMLIR_LIBRARY=$BUILD/lib/libcimlir.so /usr/bin/python3 bench/python_oracle.py $BUILD 1000000"
  echo "\$ $cmd"
  result=$(cd "$here" && PYTHONPATH="$here/python" \
    CIMLIR_LIBRARY="$build_abs/lib/libcimlir.so" \
    /usr/bin/python3 bench/python_oracle.py "$build_abs" 1000000)
  echo "$result"
  record "$out" "$cmd" "$result"
  echo "recorded in bench/results/python-oracle.txt"
fi

if [[ $what == all || $what == sim ]]; then
  driver bench_sim.py sim.txt
fi

if [[ $what == grid ]]; then
  driver bench_grid.py grid.txt "$@"
fi

if [[ $what == all || $what == sizes ]]; then
  driver bench_sizes.py sizes.txt
fi

if [[ $what == import ]]; then
  driver bench_import.py import.txt "$@"
fi
