#!/usr/bin/env bash
# make demo: what exists today, and what the demo will become.
#
# The full demo (compile ResNet-18 with a reference mixed-precision policy for
# the default 256x256 crossbar target, run it in cim-sim and print the report
# with the speedup over 8-bit compilation) needs the cost model, the front end,
# the crossbar mapping passes, the ISA and the simulator, which are not built
# yet. Until they are, this script says so and shows the parts that work: the
# first lowering of a linalg matmul into the cim dialect and its cost estimate.
set -euo pipefail
BUILD=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
cat <<'MSG'
cimlir demo (placeholder)
=========================
Not available yet: compiling ResNet-18 with a CIM-AQ policy, running it in
cim-sim and printing latency/energy/writes per layer and the speedup over W8A8.
That needs the target/cost model, front end, mapping, ISA and simulator issues.

What works today: cim-opt lowering a quantized matmul layer to the cim dialect,
and the exact cost model of the reference system (cim-estimate).
MSG
echo
echo "\$ cim-opt --convert-linalg-to-cim examples/matmul.mlir"
"$BUILD/tools/cim-opt/cim-opt" --convert-linalg-to-cim "$here/examples/matmul.mlir"
echo
echo "\$ cim-opt --convert-linalg-to-cim --cim-estimate='baseline=w8a8' examples/matmul.mlir -o /dev/null"
"$BUILD/tools/cim-opt/cim-opt" --convert-linalg-to-cim --cim-estimate='baseline=w8a8' \
  "$here/examples/matmul.mlir" -o /dev/null 2>&1
