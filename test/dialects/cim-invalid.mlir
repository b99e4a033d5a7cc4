// RUN: %cim-opt %s --split-input-file --verify-diagnostics

// One case per kind of constraint the cim IRDL definitions check. The
// messages are MLIR 22's IRDL verifier's; a failed constraint does not name
// the attribute, only the offending value.

func.func @operand_not_a_tensor(%a: i8, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{expected base type 'builtin.tensor' but got 'builtin.integer'}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (i8, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

func.func @unranked_tensor(%a: tensor<*xi8>) {
  // expected-error @+1 {{expected base type 'builtin.tensor' but got 'builtin.unranked_tensor'}}
  %0 = "cim.clamp"(%a) {max = 127 : i64, min = 0 : i64} : (tensor<*xi8>) -> tensor<*xi8>
  return
}

// -----

func.func @missing_operand(%a: tensor<2x3xi8>) {
  // expected-error @+1 {{op expects exactly 2 operands, but got 1}}
  %0 = "cim.matmul"(%a) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>) -> tensor<2x4xi32>
  return
}

// -----

func.func @too_many_operands(%x: tensor<4xi32>, %b: tensor<4xi32>) {
  // expected-error @+1 {{op expects at most 2 operands, but got 3}}
  %0 = "cim.requantize"(%x, %b, %b) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 0>} : (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) -> tensor<4xi8>
  return
}

// -----

func.func @no_result(%x: tensor<4xi8>) {
  // expected-error @+1 {{op expects exactly 1 results, but got 0}}
  "cim.clamp"(%x) {max = 127 : i64, min = 0 : i64} : (tensor<4xi8>) -> ()
  return
}

// -----

func.func @missing_attribute(%a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul' op attribute "weights" is expected but not provided}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// Bit widths are 1 to 8.
func.func @nine_bit_weights(%a: tensor<2x3xi8>, %w: tensor<3x4xi16>) {
  // expected-error @+1 {{'9 : i64' does not satisfy the constraint}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 9 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>, tensor<3x4xi16>) -> tensor<2x4xi32>
  return
}

// -----

// Bit widths are i64 integers.
func.func @bits_not_i64(%a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'8 : i32' does not satisfy the constraint}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i32, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

func.func @signedness_not_bool(%a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'1 : i64' does not satisfy the constraint}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = 1 : i64, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

func.func @bad_weights_kind(%a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'"constant"' does not satisfy the constraint}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "constant"} : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

func.func @layer_not_integer(%a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{expected base attribute 'builtin.integer' but got 'builtin.string'}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = "conv1", w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// The layout names both operands' layouts.
func.func @bad_conv_layout(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi4>) {
  // expected-error @+1 {{'"nchw"' does not satisfy the constraint}}
  %0 = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi4>) -> tensor<1x4x6x6xi32>
  return
}

// -----

// Geometry is a dense i64 array, not an array attribute.
func.func @strides_not_dense_array(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi4>) {
  // expected-error @+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.array'}}
  %0 = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = [1, 1], w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi4>) -> tensor<1x4x6x6xi32>
  return
}

// -----

func.func @bad_pool_kind(%x: tensor<1x4x8x8xi8>) {
  // expected-error @+1 {{'"min"' does not satisfy the constraint}}
  %0 = "cim.pool"(%x) {kind = "min", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x4x4xi8>
  return
}

// -----

func.func @clamp_bound_not_integer(%x: tensor<4xi8>) {
  // expected-error @+1 {{expected base attribute 'builtin.integer' but got 'builtin.float'}}
  %0 = "cim.clamp"(%x) {max = 127 : i64, min = 0.0 : f32} : (tensor<4xi8>) -> tensor<4xi8>
  return
}

// -----

func.func @lut_function_not_string(%x: tensor<4xi2>) {
  // expected-error @+1 {{expected base attribute 'builtin.string' but got 'builtin.integer'}}
  %0 = "cim.lut"(%x) {function = 0 : i64, in_min = -2 : i64, table = array<i64: 0, 0, 0, 1>} : (tensor<4xi2>) -> tensor<4xi2>
  return
}

// -----

func.func @unknown_op(%x: tensor<4xi8>) {
  // expected-error @+1 {{unregistered operation 'cim.relu' found in dialect ('cim') that does not allow unknown operations}}
  %0 = "cim.relu"(%x) : (tensor<4xi8>) -> tensor<4xi8>
  return
}

// -----

// #cim.target: cells hold 1 to 8 bits (parameter 3).
// expected-error @+1 {{'9 : i64' does not satisfy the constraint}}
module attributes {cim.target = #cim.target<256, 256, 9, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
}

// -----

// #cim.target: the weight mapping is one of three names (parameter 6).
// expected-error @+1 {{'"differential"' does not satisfy the constraint}}
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
}

// -----

// #cim.target: the input encoding is one of three names (parameter 7).
// expected-error @+1 {{'"twos_complement"' does not satisfy the constraint}}
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos_complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
}

// -----

// #cim.target: every parameter is present, in order.
// expected-error @+1 {{expected 20 type arguments, but had 19}}
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0>} {
}

// -----

// #cim.target: numbers are integers (picoseconds), not strings or floats.
// expected-error @+1 {{expected base attribute 'builtin.integer' but got 'builtin.float'}}
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 5.6e7, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
}

// -----

// Precision lives in plain attributes; there is no #cim.precision.
// expected-error @+1 {{expected dynamic attribute}}
module attributes {cim.p = #cim.precision<4, 8>} {
}

// -----

// cim.matmul_tile: the mapping is one of the three names.
func.func @tile_mapping(%acc: tensor<1x2xi32>, %a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
  // expected-error @+1 {{'"differential"' does not satisfy the constraint}}
  %0 = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "differential", unit_offset = 0 : i64, units = 4 : i64, w_bits = 8 : i64, w_signed = true, weights = "static"} : (tensor<1x2xi32>, tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
  return %0 : tensor<1x2xi32>
}

// -----

// cim.matmul_tile: every attribute is required (here `units`).
func.func @tile_units(%acc: tensor<1x2xi32>, %a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
  // expected-error @+1 {{'cim.matmul_tile' op attribute "units" is expected but not provided}}
  %0 = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "offset", unit_offset = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "static"} : (tensor<1x2xi32>, tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
  return %0 : tensor<1x2xi32>
}
