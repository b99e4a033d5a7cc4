#!/usr/bin/env bash
# make demo: what cimlir does today, on the bundled ResNet-18.
#
# The full demo (compile ResNet-18 with a reference mixed-precision policy for
# the default 256x256 crossbar target, run it in cim-sim and print the report)
# needs the front end's QDQ lowering, the crossbar mapping, the ISA and the
# simulator, which are not built yet. Until they are, this script says so and
# shows what works: the exact cost of ResNet-18 under the reference system's
# published CIM-AQ policy against W8A8 on the reference target (the published
# speedup is 2.374x), and the first lowering of a linalg layer to cim.
set -euo pipefail
BUILD=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
opt="$BUILD/tools/cim-opt/cim-opt"
cat <<'MSG'
cimlir demo
===========
Not available yet: running the compiled program in cim-sim (bit-exact outputs,
per-crossbar utilisation). That needs the crossbar mapping, ISA and simulator.

1. ResNet-18 (examples/models/resnet18.mlir, torchvision shapes) under the
   CIM-AQ policy both_constraints-acc05-rcell4, costed on the reference target
   (256x256 crossbar, 4-bit cells, 1-bit DAC, 56 us/write, 1.4 us/MVM) against
   W8A8. Published speedup: 2.374x.
MSG
echo
cmd=("$opt" "$here/examples/models/resnet18.mlir"
     "--cim-estimate=policy=$here/examples/policies/resnet18-both_constraints-acc05-rcell4.json baseline=w8a8"
     -o /dev/null)
echo "\$ cim-opt examples/models/resnet18.mlir --cim-estimate='policy=examples/policies/resnet18-both_constraints-acc05-rcell4.json baseline=w8a8' -o /dev/null"
"${cmd[@]}" 2>&1
echo
echo "2. A quantized layer lowered to the cim dialect:"
echo "\$ cim-opt --convert-linalg-to-cim examples/matmul.mlir"
"$opt" --convert-linalg-to-cim "$here/examples/matmul.mlir"
