// The cases of issue 20 that passes and tools used to accept with exit 0.
// Every cim pass checks the op rules (lib/ir/verify.c) on its anchor op
// before it runs, and cim-translate before it encodes, so each tool below
// rejects each case with the same diagnostic at the op.
// RUN: %cim-opt %s --split-input-file --verify-diagnostics --cim-compile
// RUN: %cim-opt %s --split-input-file --verify-diagnostics --cim-estimate
// RUN: %cim-opt %s --split-input-file --verify-diagnostics --cim-tile
// RUN: %cim-opt %s --split-input-file --verify-diagnostics --convert-cim-to-xbar
// RUN: %cim-translate %s --split-input-file --verify-diagnostics --mlir-to-cim-asm
// And the exit code and file:line:col of one of them, without the harness:
// RUN: not %cim-opt %s --split-input-file --cim-compile -o /dev/null 2>&1 | FileCheck %s
// CHECK: cim-verify-tools.mlir:[[@LINE+7]]:8: error: 'cim.matmul' op layer 0: its i8 result cannot hold every sum: a 5-term dot product of 8-bit signed activations and 1-bit unsigned weights needs 11 bits

// A 5-term dot product of 8-bit signed activations and 1-bit unsigned
// weights reaches 635 (all activations 127, all weights 1): an i8 result
// was clamped to 127 and every stage exited 0.
func.func @sums_need_11_bits(%a: tensor<2x5xi8>, %w: tensor<5x4xi1>) -> tensor<2x4xi8> {
  // expected-error @+1 {{'cim.matmul' op layer 0: its i8 result cannot hold every sum: a 5-term dot product of 8-bit signed activations and 1-bit unsigned weights needs 11 bits}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 1 : i64, w_signed = false, weights = "dynamic"} : (tensor<2x5xi8>, tensor<5x4xi1>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

func.func @float_operands(%a: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<2x3xf32>) must hold signless integers of 1 to 64 bits}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// -----

func.func @zero_dim(%a: tensor<0x3xi8>, %w: tensor<3x4xi8>) -> tensor<0x4xi32> {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<0x3xi8>): dimension 0 is 0; dimensions must lie in [1, 2^31]}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<0x3xi8>, tensor<3x4xi8>) -> tensor<0x4xi32>
  return %0 : tensor<0x4xi32>
}

// -----

func.func @huge_dim(%a: tensor<4611686018427387904x3xi8>, %w: tensor<3x4xi8>) -> tensor<4611686018427387904x4xi32> {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<4611686018427387904x3xi8>): dimension 0 is 4611686018427387904; dimensions must lie in [1, 2^31]}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<4611686018427387904x3xi8>, tensor<3x4xi8>) -> tensor<4611686018427387904x4xi32>
  return %0 : tensor<4611686018427387904x4xi32>
}

// -----

func.func @negative_layer(%a: tensor<2x3xi8>, %w: tensor<3x4xi8>) -> tensor<2x4xi32> {
  // expected-error @+1 {{'cim.matmul' op 'layer' = -5 is out of range [0, 2147483647]}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = -5 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<2x3xi8>, tensor<3x4xi8>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// -----

// cim-estimate costed this convolution without checking its geometry.
func.func @int64_max_padding(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi32> {
  %w = arith.constant dense<1> : tensor<1x1x3x3xi8>
  // expected-error @+1 {{'cim.conv2d' op 'padding'[0] = 9223372036854775807 is out of range [0, 2147483648]}}
  %0 = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 9223372036854775807, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 8 : i64, w_signed = true, weights = "static"} : (tensor<1x1x4x4xi8>, tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

// cim-translate encoded 4-bit cells into an i1 tile.
func.func @cells_in_i1(%w: tensor<3x4xi4>) -> tensor<3x8xi1> {
  // expected-error @+1 {{'xbar.weight_tile' op its i1 result cannot hold 4-bit cell levels [0, 15]: it needs i5}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi1>
  return %0 : tensor<3x8xi1>
}
