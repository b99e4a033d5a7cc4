#!/usr/bin/env bash
# make demo-search: the training half on scikit-learn's digits (docs/search.md).
#
# Trains the digits CNN in float, searches a mixed-precision policy with the
# CIM-AQ-style DDPG agent for a latency budget of 0.45 x W8A8 on the default
# target (cimlir prices every candidate in-process; weight widths rounded up
# to whole cells when free), trains it with QAT (and
# W8A8 with the same epochs, for comparison), exports the QAT model as QDQ
# ONNX, compiles it with cimlir and classifies the test set on the
# simulator. Prints float / W8A8 / searched accuracy, the latency ratio and
# the simulator's accuracy. Usage: demo-search.sh [BUILD_DIR [OUT_DIR]]
# (EPISODES=N overrides the episode count).
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$BUILD/demo-search}
mkdir -p "$out"
export PYTHONPATH="$here/python${PYTHONPATH:+:$PYTHONPATH}"
export CIMLIR_LIBRARY="$BUILD/lib/libcimlir.so"
echo "cim-aq-search: digits-cnn, budget 0.45 x W8A8, default target; outputs in $out" >&2
exec /usr/bin/python3 "$here/python/bin/cim-aq-search" --model digits-cnn \
  --budget 0.45 --cell-aligned --episodes "${EPISODES:-40}" --warmup 10 --float-epochs 30 \
  --qat-epochs 15 --compare --simulate --seed 0 --output "$out"
