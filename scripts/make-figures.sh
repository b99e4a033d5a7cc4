#!/usr/bin/env bash
# Regenerates the committed figures of the docs from the build's library:
#   scripts/make-figures.sh [BUILD_DIR]      (default: build)
# docs/figures/speedup-cell-bits.{svg,png,csv}: the three reference networks
# with their published CIM-AQ policies against W8A8, cell bits 1..4 and
# crossbar sizes 64..512 (docs/sweep.md, docs/python.md). Deterministic: the
# same library and matplotlib give the same bytes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
export CIMLIR_LIBRARY="$BUILD/lib/libcimlir.so"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"
P=test/e2e/Inputs
/usr/bin/python3 python/bin/cim-sweep \
  --model examples/models/resnet18.mlir \
  --model examples/models/vgg16.mlir \
  --model examples/models/vitb32.mlir \
  --policy resnet18=$P/resnet18-both_constraints-acc05-rcell4.json \
  --policy vgg16=$P/vgg16-both_constraints-acc05-rcell4.json \
  --policy vitb32=$P/vitb32-both_constraints-acc05-rcell4.json \
  --baseline uniform:8,8 \
  --set cell_bits=1,2,3,4 --set rows,cols=64,128,256,512 \
  --no-layers --plot --quiet --output "$OUT"
mkdir -p docs/figures
for ext in svg png; do
  cp "$OUT/speedup-cell-bits.$ext" "docs/figures/speedup-cell-bits.$ext"
done
cp "$OUT/points.csv" docs/figures/speedup-cell-bits.csv
echo "make-figures: wrote docs/figures/speedup-cell-bits.{svg,png,csv}"
