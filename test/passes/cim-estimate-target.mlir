// Where cim-estimate takes the target from: the module's cim.target attribute
// beats the built-in default; target=FILE is used on a module without one
// (here the same module with its attribute removed) and is an error naming
// both targets on a module whose attribute differs: a program has one target.

// RUN: cim-opt %s --cim-estimate -o /dev/null 2>&1 | FileCheck %s --check-prefix=MODULE
// RUN: sed 's/^module attributes {cim.target = .*} {$/module {/' %s > %t.mlir
// RUN: cim-opt %t.mlir --cim-estimate='target=%cim_src_root/examples/targets/multi-crossbar-ou.json' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=FILE
// RUN: not cim-opt %s --cim-estimate='target=%cim_src_root/examples/targets/multi-crossbar-ou.json' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DIFFERS
// DIFFERS: error: cim-estimate: target '{{.*}}multi-crossbar-ou.json' (fingerprint 0x{{[0-9a-f]+}}) differs from the program's target, the cim.target attribute of the module (fingerprint 0x{{[0-9a-f]+}}): rows 128 vs 256, cols 128 vs 256, adc_bits 8 vs ideal, crossbars 64 vs 1, ou_rows 16 vs 64, write_ports 4 vs 1, t_mvm_ns 100 vs 1400,

// The module says 2-bit cells and 64 active rows (OU) on 256x256 crossbars.
// 4-bit weights: 2 slices, 3*2*2 = 12 columns, 4 rows, 1 tile; 4 planes;
// ceil(4/64) = 1 sub-cycle; 2 invocations: 8 cycles, 96 ADC reads;
// latency 56 + 8 * 1.4 = 67.2 us.
// MODULE: layer 0 dense 4/4 1 1 8 96 67.200 0.000

// examples/targets/multi-crossbar-ou.json: 128x128, 2-bit cells, OU 16,
// t_mvm 100 ns, t_adc 1 ns, e_write 3.91 pJ/cell, e_mvm 0.2 pJ/row-cycle,
// e_adc 2 pJ. Same mapping: 1 tile, 8 cycles, 96 reads.
// latency = 56000 + 8 * 100 + 96 * 1 ns = 56.896 us;
// energy = 4*12 cells * 3.91 + 4 rows * 8 cycles * 0.2 + 96 * 2
//        = 187.68 + 6.4 + 192 = 386.08 pJ = 0.386 nJ.
// FILE: layer 0 dense 4/4 1 1 8 96 56.896 0.386

module attributes {cim.target = #cim.target<256 : i64, 256 : i64, 2 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement", 1 : i64, 64 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
  func.func @f(%a: tensor<2x4xi4>, %w: tensor<4x3xi4>) -> tensor<2x3xi32> {
    %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 4 : i64, w_bits = 4 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<2x4xi4>, tensor<4x3xi4>) -> tensor<2x3xi32>
    return %m : tensor<2x3xi32>
  }
}
