#!/usr/bin/env bash
# make demo: the whole cimlir pipeline on the bundled ResNet-18.
#
# Compiles examples/models/resnet18.mlir for the default target (256x256
# crossbar, 4-bit cells, 1-bit DAC, 56 us/write, 1.4 us/MVM) twice: with the
# reference system's published CIM-AQ policy both_constraints-acc05-rcell4
# (mixed precision) and with uniform W8A8 (the baseline). Both programs are
# encoded to the binary ISA, run bit-exactly in cim-sim on the same
# deterministic input, and the speedup is read from the two simulator reports
# (baseline latency / mixed latency; published: 2.374x), next to the analytic
# cost model's figure (cim-estimate baseline=w8a8). The mixed-precision
# run's energy is shown per layer and component, next to the target's
# energy per event and its published source (docs/target.md, "Energy
# defaults"). Usage: demo.sh [BUILD_DIR]
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cimlir-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

opt="$BUILD/tools/cim-opt/cim-opt"
translate="$BUILD/tools/cim-translate/cim-translate"
sim="$BUILD/tools/cim-sim/cim-sim"
model=examples/models/resnet18.mlir
policy=examples/policies/resnet18-both_constraints-acc05-rcell4.json
# The whole compiler is one pass pipeline (docs/passes.md): cim-assign-precision
# (from the policy or the uniform widths), convert-linalg-to-cim, cim-tile,
# cim-bitslice, convert-cim-to-xbar.

# Prints a command as it would be typed at the repository root (tools by
# name, the temp dir as $TMP), then runs it.
run() {
  local shown="" a
  for a in "$@"; do
    a=${a//"$BUILD"\/tools\/cim-opt\//}
    a=${a//"$BUILD"\/tools\/cim-translate\//}
    a=${a//"$BUILD"\/tools\/cim-sim\//}
    a=${a//"$tmp"/\$TMP}
    [[ $a == *[\ \']* ]] && a="'$a'"
    shown+=" $a"
  done
  echo "\$${shown}"
  "$@"
}

echo "cimlir demo: ResNet-18, policy both_constraints-acc05-rcell4 vs W8A8, default target"
echo
echo "1. Compile to the crossbar program (xbar IR), mixed precision and W8A8:"
run "$opt" "$model" "--cim-compile=policy=$policy" -o "$tmp/resnet18.xbar.mlir"
run "$opt" "$model" "--cim-compile=w-bits=8 a-bits=8" -o "$tmp/resnet18-w8a8.xbar.mlir"
echo
echo "2. Encode as binary programs (docs/isa.md):"
run "$translate" --mlir-to-cim-bin "$tmp/resnet18.xbar.mlir" -o "$tmp/resnet18.bin"
run "$translate" --mlir-to-cim-bin "$tmp/resnet18-w8a8.xbar.mlir" -o "$tmp/resnet18-w8a8.bin"
echo
echo "3. A deterministic input for each program input (name, type and shape from the program):"
"$translate" --cim-bin-to-asm "$tmp/resnet18.bin" | grep '^\.input' | sed 's/^/   /'
inputs=()
while read -r flag arg; do inputs+=("$flag" "$arg"); done < <(
  "$translate" --cim-bin-to-asm "$tmp/resnet18.bin" |
    python3 scripts/make_inputs.py "$tmp")
echo "\$ cim-translate --cim-bin-to-asm \$TMP/resnet18.bin | python3 scripts/make_inputs.py \$TMP"
echo "   ${inputs[*]//"$tmp"/\$TMP}"
echo
echo "4. Run both in the bit-exact simulator (table of the mixed-precision run):"
mkdir -p "$tmp/out" "$tmp/out-w8a8"
run "$sim" "$tmp/resnet18.bin" "${inputs[@]}" --output-dir "$tmp/out" \
    --report "$tmp/report.json"
run "$sim" "$tmp/resnet18-w8a8.bin" "${inputs[@]}" --output-dir "$tmp/out-w8a8" \
    --report "$tmp/report-w8a8.json" --quiet
echo
echo "5. Analytic cost model, for comparison:"
run "$opt" "$model" "--cim-estimate=policy=$policy baseline=w8a8 table= report=$tmp/estimate.json" \
    -o /dev/null
echo
python3 - "$tmp/report.json" "$tmp/report-w8a8.json" "$tmp/estimate.json" <<'PY'
import json, sys
mixed, base, est = (json.load(open(p)) for p in sys.argv[1:4])
m, b = mixed["total"]["latency_ps"], base["total"]["latency_ps"]
print("Result")
print("  cim-sim   mixed %12.3f us  W8A8 %12.3f us  speedup %.3fx"
      % (m / 1e6, b / 1e6, b / m))
e, eb = est["total"]["latency_ps"], est["baseline_total"]["latency_ps"]
print("  estimate  mixed %12.3f us  W8A8 %12.3f us  speedup %.3fx"
      % (e / 1e6, eb / 1e6, est["speedup"]))
print("  published (CIM-AQ, both_constraints-acc05-rcell4)        speedup 2.374x")
PY
echo
echo "6. Energy of the mixed-precision run by component (nJ, from the cim-sim report):"
python3 - "$tmp/report.json" "$tmp/estimate.json" <<'PY'
import json, sys
r, est = (json.load(open(p)) for p in sys.argv[1:3])
comps = list(r["total"]["energy_by_component_fj"])
print("   %-12s" % "layer" + "".join("%12s" % c for c in comps) + "%12s" % "total")
def row(name, c):
    e = c["energy_by_component_fj"]
    print("   %-12s" % name + "".join("%12.3f" % (e[k] / 1e6) for k in comps)
          + "%12.3f" % (c["energy_fj"] / 1e6))
for l in r["layers"]:
    row(str(l["layer"]), l)
row("(no layer)", r["unattributed"])
row("total", r["total"])
e = r["total"]["energy_by_component_fj"]
print("   0.000 in a whole column: no checked figure for that component (below).")
print("   cim-sim %.3f nJ = estimate %.3f nJ (writes, MVM cycles, ADC) + digital"
      " ops %.3f nJ + buffer %.3f nJ" % (r["total"]["energy_fj"] / 1e6,
      est["total"]["energy_fj"] / 1e6, e["digital"] / 1e6, e["buffer"] / 1e6))
PY
echo
echo "   Energy per event on the default target, the demo's (cim-sim --list-target-fields; each source,"
echo "   its table and the arithmetic: docs/target.md, \"Energy defaults\"):"
"$sim" --list-target-fields | grep '^| `e_' | sed 's/^/   /'
