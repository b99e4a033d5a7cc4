// cim-estimate on the lowered program counts the xbar ops (issue 5, item 7);
// every number is derived by hand below and equals the cost model's
// (the MODEL runs cost the same module before lowering).
// RUN: cim-opt %s --split-input-file --convert-cim-to-xbar --cim-estimate -o /dev/null 2>&1 | FileCheck %s
// RUN: cim-opt %s --split-input-file --cim-estimate -o /dev/null 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: cim-opt %s --split-input-file --convert-cim-to-xbar --cim-estimate='report=%t.json table=' -o /dev/null
// RUN: FileCheck %s --check-prefix=JSON < %t.json

// The worked example (docs/design.md): 1 tile, 1 write of 3 x 8 = 24
// cells; 2 invocations x 2 planes = 4 MVM cycles of 3 rows (12 row
// activations); 4 x 8 columns = 32 ADC conversions; latency
// 56 + 4 * 1.4 = 61.6 us. Energy on the default target (docs/target.md,
// "Energy defaults"): 12 row activations * 1017 fJ (256 * 2.34375 + 416.67
// rounded) = 12204 fJ = 0.012 nJ; no ADC figure for the ideal ADC's 12 bits
// and no write figure (both 0).
// CHECK: layer (xbar) writes MVM cycles ADC reads latency (us) energy (nJ)
// CHECK-NEXT: worked 1 4 32 61.600 0.012
// MODEL: worked dense 4/2 1 1 4 32 61.600 0.012
func.func @worked(%a: tensor<2x3xi2>) -> tensor<2x4xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [-1, 2, -3, 4]]> : tensor<3x4xi4>
  %r = "cim.matmul"(%a, %w) {a_bits = 2 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi2>, tensor<3x4xi4>) -> tensor<2x4xi32> loc("worked")
  return %r : tensor<2x4xi32>
}

// -----

// Ragged tiles and OU sub-cycles: a 4x4 crossbar with ou_rows = 3. K = 5,
// N = 3, S = 1, differential columns: row tiles of 4 and 1 rows, column
// tiles of 2 and 1 units (4 and 2 columns): 4 tiles, 4 writes.
// Sub-cycles per invocation and plane: ceil(4/3) = 2 for each of the two
// 4-row tiles, 1 for each 1-row tile: 6; x 2 invocations x 2 planes = 24.
// ADC: 2*4 + 2*2 + 1*4 + 1*2 = 18 per invocation and plane, x 4 = 72.
// Latency 4 * 56 + 24 * 1.4 = 257.6 us.
// CHECK: ragged 4 24 72 257.600 0.000
// MODEL: ragged dense 4/2 4 4 24 72 257.600 0.000
// The JSON report (written by the last split, this one): cells written
// 4*4 + 4*2 + 1*4 + 1*2 = 30; row activations per invocation and plane
// 4 + 4 + 1 + 1 = 10 (sub-cycles of 3+1 rows for the 4-row tiles), x 4 = 40.
// JSON: "source": "xbar"
// JSON: "writes": 4,
// JSON-NEXT: "cells_written": 30,
// JSON-NEXT: "mvm_cycles": 24,
// JSON-NEXT: "adc_conversions": 72,
// JSON-NEXT: "row_activations": 40,
// JSON-NEXT: "latency_ps": 257600000,
// JSON-NEXT: "energy_fj": 0,
// JSON-NEXT: "name": "ragged",
module attributes {cim.target = #cim.target<4, 4, 4, 1, 0, "differential-column", "twos-complement", 1, 3, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @ragged(%a: tensor<2x5xi2>) -> tensor<2x3xi32> {
    %w = arith.constant dense<-3> : tensor<5x3xi4>
    %r = "cim.matmul"(%a, %w) {a_bits = 2 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x5xi2>, tensor<5x3xi4>) -> tensor<2x3xi32> loc("ragged")
    return %r : tensor<2x3xi32>
  }
}
