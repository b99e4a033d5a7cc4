// How cim-estimate applies policy=FILE (lib/cost/policy.c,
// cimPolicyMatchLayers; cim-assign-precision applies policies the same way).
// Two layers in program order: "layer 0" (no name location: in 300, out 100,
// 2 invocations) and "fc" (in 100, out 10, 2 invocations), on the default
// target (256x256, 4-bit cells, 1-bit DAC, differential columns, 56 us per
// write, 1.4 us per MVM cycle).
//
// Rows with names meet the layers by name, in any order: the policy lists fc
// (W8A2) before layer 0 (W4A3).
// RUN: cim-opt %s --cim-estimate='policy=%S/Inputs/policy-named-swapped.json' -o /dev/null 2>&1 | FileCheck %s
// layer 0 at W4A3: 1 slice, 100 * 1 * 2 = 200 columns (1 column tile),
// ceil(300 / 256) = 2 row tiles: 2 tiles, 2 writes; 2 invocations * 2 tiles
// * 3 planes = 12 cycles; ADC reads 2 * 2 row tiles * 3 planes * 200 = 2400;
// 2 * 56 + 12 * 1.4 = 128.8 us.
// CHECK: layer 0 dense 4/3 2 2 12 2400 128.800
// fc at W8A2: 2 slices, 10 * 2 * 2 = 40 columns, 1 row tile: 1 tile, 1 write;
// 2 * 1 * 2 = 4 cycles; ADC reads 2 * 1 * 2 * 40 = 160; 56 + 5.6 = 61.6 us.
// CHECK-NEXT: fc dense 8/2 1 1 4 160 61.600
// CHECK-NEXT: total 3 3 16 2560 190.400
//
// Rows without names meet the layers by position, also when they carry the
// layers' shapes (which then must agree): the same bits.
// RUN: echo "[[4, 3], [8, 2]]" > %t.positional.json
// RUN: cim-opt %s --cim-estimate='policy=%t.positional.json' -o /dev/null 2>&1 | FileCheck %s
// RUN: cim-opt %s --cim-estimate='policy=%S/Inputs/policy-shaped.json' -o /dev/null 2>&1 | FileCheck %s
//
// By position, rows whose shapes are those of other layers (a policy written
// for another layer order) are an error at the first layer they miss, with
// both shapes.
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-shaped-rotated.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ROTATED
// ROTATED: cim-estimate-policy.mlir:[[@LINE+35]]:8: error: cim-estimate: layer 'layer 0' has shape [input_dim 300, output_dim 100, mvm_invocations 2, repeat_factor 1] but policy '{{.*}}policy-shaped-rotated.json' row 0 is for [input_dim 100, output_dim 10]
//
// The same by name (fc has a name location only: no file position).
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-named-shape-mismatch.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NAMED-SHAPE
// NAMED-SHAPE: error: loc("fc"): cim-estimate: layer 'fc' has shape [input_dim 100, output_dim 10, mvm_invocations 2, repeat_factor 1] but policy '{{.*}}policy-named-shape-mismatch.json' row 0 is for [input_dim 99]
//
// A layer without a row, at the layer.
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-named-missing-row.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NO-ROW
// NO-ROW: cim-estimate-policy.mlir:[[@LINE+27]]:8: error: cim-estimate: layer 'layer 0' has no row in policy '{{.*}}policy-named-missing-row.json' (policy rows: 1, matrix-vector layers: 2)
//
// A row for a layer the module does not have, at the module.
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-named-unknown-layer.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: cim-estimate: policy '{{.*}}policy-named-unknown-layer.json' row 1 names layer 'layer 1', which the module does not have
//
// Positional policies keep the count check.
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-3rows.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: error: cim-estimate: policy '{{.*}}policy-3rows.json' has 3 layers but the module has 2 matrix-vector layers
//
// Two layers with one name cannot be told apart by a policy with names.
// RUN: not cim-opt %S/Inputs/policy-duplicate-names.mlir --cim-estimate='policy=%S/Inputs/policy-named-swapped.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=DUP
// DUP: error: loc("fc"): cim-estimate: layers 0 and 1 of the module are both named 'fc': policy '{{.*}}policy-named-swapped.json' names its rows, so it cannot tell them apart
//
// The reader's rules for rows (errors at the module, naming the file).
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-named-mixed.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=MIXED
// MIXED: error: {{.*}}policy-named-mixed.json: layer 0 has a name but layer 1 has none: name every row (the rows then meet the layers by name) or none (by position)
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-named-twice.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: error: {{.*}}policy-named-twice.json: layers 0 and 1 both name 'fc'
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-unknown-key.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEY
// KEY: error: {{.*}}policy-unknown-key.json: layer 0: unknown key 'in_dim' (a row has w_bits, a_bits and optionally name, input_dim, output_dim, mvm_invocations, repeat_factor)
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-bad-dim.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=DIM
// DIM: error: {{.*}}policy-bad-dim.json: layer 0: "output_dim" must be a positive integer
// RUN: not cim-opt %s --cim-estimate='policy=%S/Inputs/policy-empty-name.json' -o /dev/null 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: {{.*}}policy-empty-name.json: layer 0: "name" must be a non-empty string

func.func @net(%a: tensor<2x300xi8>, %w: tensor<300x100xi8>, %b: tensor<2x100xi8>, %v: tensor<100x10xi8>) -> (tensor<2x100xi32>, tensor<2x10xi32>) {
  %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<2x300xi8>, tensor<300x100xi8>) -> tensor<2x100xi32>
  %n = "cim.matmul"(%b, %v) {layer = 1 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<2x100xi8>, tensor<100x10xi8>) -> tensor<2x10xi32> loc("fc")
  return %m, %n : tensor<2x100xi32>, tensor<2x10xi32>
}
