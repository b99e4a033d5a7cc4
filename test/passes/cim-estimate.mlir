// cim-estimate costs every layer; every number below is derived by hand in
// the comments from docs/target.md's formulas.

// RUN: cim-opt %s --cim-estimate='baseline=w8a8 report=%t.json' -o /dev/null 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: cim-opt %s --cim-estimate='target=%cim_src_root/examples/targets/reference-2bit-cells.json' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CELL2
// RUN: cim-opt %s --cim-estimate='table=%t.table' | FileCheck %s --check-prefix=IR
// RUN: FileCheck %s --check-prefix=FILE < %t.table

// conv1 of ResNet-18 at W4A6: in 3*7*7 = 147, out 64, 112*112 = 12544
// invocations. 4-bit weights on 4-bit cells: 1 slice, 64*1*2 = 128 columns:
// 1 tile. MVM cycles = 12544 * 1 * 6 = 75264; ADC reads = 75264 * 128 =
// 9633792; latency = 56 + 75264 * 1.4 = 105425.6 us. W8A8: 2 slices, 256
// columns, 1 tile, 100352 cycles, 56 + 140492.8 = 140548.8 us; speedup
// 140548.8 / 105425.6 = 1.333x.
// Energy on the default target (docs/target.md, "Energy defaults"): one
// active row costs e_mvm = 256 cols * 2.34375 fJ + 416.67 fJ (1-bit DAC) =
// 1016.67 -> 1017 fJ; the ideal ADC needs ceil(log2(256 * 15 * 1 + 1)) = 12
// bits, which no figure covers (e_adc = 0); writes are not priced
// (e_write = 0). conv1 uses 147 rows (one OU): 75264 * 147 = 11063808 row
// activations * 1017 fJ = 11251892736 fJ = 11251.893 nJ.
// CHECK: layer kind w/a tiles writes MVM cycles ADC reads latency (us) energy (nJ) W8A8 (us) speedup
// CHECK-NEXT: conv1 conv2d 4/6 1 1 75264 9633792 105425.600 11251.893 140548.800 1.333x
// fc at W2A8 with unsigned activations: in 512, out 1000, 1 invocation.
// 1 slice, 2000 columns: 8 column tiles (7 of 256, one of 208) x 2 row tiles
// = 16 tiles; 16 writes; 16 * 8 = 128 MVM cycles; ADC reads = 2 row tiles *
// 8 planes * 2000 = 32000; latency = 16 * 56 + 128 * 1.4 = 1075.2 us. W8A8:
// 4000 columns = 16 column tiles, 32 tiles, 256 cycles: 1792 + 358.4 =
// 2150.4 us; speedup 2.000x. Energy: every tile uses all 256 rows, 128 *
// 256 = 32768 row activations * 1017 fJ = 33325056 fJ = 33.325 nJ.
// CHECK-NEXT: layer 1 dense 2/8 16 16 128 32000 1075.200 33.325 2150.400 2.000x
// total: 17 tiles, 17 writes, 75392 cycles, 9665792 reads,
// 106500.8 us vs 142699.2 us = 1.340x; energy 11251892736 + 33325056 =
// 11285217792 fJ = 11285.218 nJ.
// CHECK-NEXT: total 17 17 75392 9665792 106500.800 11285.218 142699.200 1.340x

// JSON: "name": "conv1"
// JSON: "mvm_cycles": 75264
// JSON: "latency_ps": 105425600000
// JSON: "baseline_bits": 8
// 142699.2 / 106500.8 = 1.33988...
// JSON: "speedup": 1.3398{{[0-9]*}}

// On 2-bit cells conv1's 4-bit weights take 2 slices: 256 columns, still 1
// tile, same 75264 cycles; fc's 2-bit weights still 1 slice.
// CELL2: conv1 conv2d 4/6 1 1 75264
// CELL2-NOT: W8A8

// The IR is unchanged and the table can go to a file.
// IR: "cim.conv2d"
// IR: "cim.matmul"
// FILE: total 17 17 75392

func.func @net(%x: tensor<1x3x224x224xi8>, %w: tensor<64x3x7x7xi4>, %a: tensor<1x512xi8>, %fc: tensor<512x1000xi2>) -> (tensor<1x64x112x112xi32>, tensor<1x1000xi32>) {
  %c = "cim.conv2d"(%x, %w) {layer = 0 : i64, a_bits = 6 : i64, w_bits = 4 : i64, a_signed = true, w_signed = true, weights = "static", layout = "nchw_fchw", strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = array<i64: 3, 3, 3, 3>, groups = 1 : i64, pad_value = 0 : i64} : (tensor<1x3x224x224xi8>, tensor<64x3x7x7xi4>) -> tensor<1x64x112x112xi32> loc("conv1")
  %m = "cim.matmul"(%a, %fc) {layer = 1 : i64, a_bits = 8 : i64, w_bits = 2 : i64, a_signed = false, w_signed = true, weights = "static"} : (tensor<1x512xi8>, tensor<512x1000xi2>) -> tensor<1x1000xi32>
  return %c, %m : tensor<1x64x112x112xi32>, tensor<1x1000xi32>
}

// A policy replaces the layers' bits in program order: conv1 at W8A8 costs
// its baseline (140548.8 us, 1.000x); fc at W4A3: 1 slice -> 2000 columns,
// 16 tiles, 16 * 3 = 48 cycles, 16 * 56 + 48 * 1.4 = 963.2 us,
// 2150.4 / 963.2 = 2.233x. Energy at 1017 fJ per row activation: conv1
// 100352 * 147 rows = 14751744 -> 15002.524 nJ; fc 48 * 256 = 12288 ->
// 12.497 nJ.
// RUN: cim-opt %s --cim-estimate='policy=%S/Inputs/policy-2layers.json baseline=w8a8' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=POLICY
// POLICY: conv1 conv2d 8/8 1 1 100352 {{[0-9]+}} 140548.800 15002.524 140548.800 1.000x
// POLICY-NEXT: layer 1 dense 4/3 16 16 48 {{[0-9]+}} 963.200 12.497 2150.400 2.233x

// How rows meet layers (by name, by position, shapes) and every policy
// error: cim-estimate-policy.mlir.

// Reports and tables that cannot be written are errors, and leave no file.
// RUN: not cim-opt %s --cim-estimate='report=%t.nodir/r.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOREPORT
// NOREPORT: error: cannot open output file '{{.*}}nodir/r.json': No such file or directory
// RUN: not cim-opt %s --cim-estimate='table=%t.nodir/t.txt' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTABLE
// NOTABLE: error: cannot open output file '{{.*}}nodir/t.txt': No such file or directory
