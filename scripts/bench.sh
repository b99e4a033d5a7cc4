#!/usr/bin/env bash
# make bench: runs the benchmark drivers and appends their results, with the
# command, the date and the machine, to bench/results/.
set -euo pipefail
BUILD=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/bench/results/cost-oracle.txt"
cmd="$BUILD/bench/cim-bench-cost-oracle test/data/cim-aq-policies.json 5"
result=$(cd "$here" && $cmd)
echo "$result"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(nproc) cores, $(uname -m)  commit: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "command: $cmd"
  echo "$result"
  echo
} >> "$out"
echo "recorded in bench/results/cost-oracle.txt"
