#!/usr/bin/env bash
# The training half on digits (docs/search.md): accuracy and latency ratio of
# the digits CNN at float, W8A8, searched mixed precision (default 4-bit-cell
# target and a 2-bit-cell target) and uniform 4 and 2 bits, each also
# classified on the simulator; wall time of a 100-episode search and the
# oracle's share. Writes one summary.json per run under OUT and prints a
# table of them. Usage: bench/search_digits.sh BUILD [OUT]
# Takes about 10 minutes on an idle 2-core machine (much longer under load).
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$BUILD/bench-search}
export PYTHONPATH="$here/python" CIMLIR_LIBRARY="$BUILD/lib/libcimlir.so"
run() { /usr/bin/python3 "$here/python/bin/cim-aq-search" --model digits-cnn \
          --float-epochs 40 --qat-epochs 15 --simulate --seed 0 --quiet "$@"; }
run --budget 0.4 --episodes 100 --compare --output "$out/search-cell4"
run --budget 0.45 --cell-aligned --episodes 40 --warmup 10 --compare \
    --output "$out/search-cell4-b045"
run --budget 0.45 --cell-aligned --episodes 40 --warmup 10 --compare \
    --target-set cell_bits=2 --output "$out/search-cell2"
for u in 8,8 4,4 2,2; do run --uniform "$u" --output "$out/uniform-${u/,/}"; done
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
print("| run | cells | float | W8A8 QAT | policy QAT | sim | agree | latency/W8A8 | search s | oracle share |")
print("|---|---|---|---|---|---|---|---|---|---|")
for d in sorted(os.listdir(out)):
    p = os.path.join(out, d, "summary.json")
    if not os.path.exists(p):
        continue
    s = json.load(open(p))
    se = s.get("search", {})
    print(f"| {d} | {s['target_cell_bits']} | {s['float_acc']:.2f} | "
          f"{s.get('w8a8_acc', float('nan')):.2f} | {s['qat_acc']:.2f} | "
          f"{s.get('sim_acc', float('nan')):.2f} | {100 * s.get('sim_agree', float('nan')):.2f} | "
          f"{s['latency_ratio']:.4f} | {se.get('wall_seconds', float('nan')):.0f} | "
          f"{100 * se.get('oracle_share', float('nan')):.3f}% |")
PY
