// RUN: %cim-opt %s --split-input-file --verify-diagnostics --convert-linalg-to-cim

// One case per rule of lib/ir/verify.c for the cim ops: the rules of
// docs/dialects/cim.md that IRDL cannot state. Every cim pass checks them on
// its anchor op before it runs (here convert-linalg-to-cim, which would leave
// these ops alone), so the IR below never reaches a pass.

// Integer element types only: f32 operands were lowered before.
func.func @c0(%a: tensor<2x3xf32>, %w: tensor<3x4xf32>) {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<2x3xf32>) must hold signless integers of 1 to 64 bits}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xi32>
  return
}

// -----

// Signless integers only.
func.func @c1(%a: tensor<2x3xui8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<2x3xui8>) must hold signless integers}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xui8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// Static shapes only.
func.func @c2(%a: tensor<?x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<?x3xi8>) needs static tensor shapes}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<?x3xi8>, tensor<3x4xi4>) -> tensor<?x4xi32>
  return
}

// -----

// A 0-sized dimension.
func.func @c3(%a: tensor<0x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<0x3xi8>): dimension 0 is 0; dimensions must lie in [1, 2^31]}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<0x3xi8>, tensor<3x4xi4>) -> tensor<0x4xi32>
  return
}

// -----

// A 2^62-sized dimension.
func.func @c4(%a: tensor<4611686018427387904x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<4611686018427387904x3xi8>): dimension 0 is 4611686018427387904; dimensions must lie in [1, 2^31]}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<4611686018427387904x3xi8>, tensor<3x4xi4>) -> tensor<4611686018427387904x4xi32>
  return
}

// -----

// Every dimension representable, the element count is not (2^62).
func.func @c5(%a: tensor<2147483648x2147483648xi8>) {
  // expected-error @+1 {{'cim.clamp' op operand #0 (tensor<2147483648x2147483648xi8>) has more than 2^40 elements}}
  %0 = "cim.clamp"(%a) {max = 127 : i64, min = 0 : i64} : (tensor<2147483648x2147483648xi8>) -> tensor<2147483648x2147483648xi8>
  return
}

// -----

// Rank at most 8.
func.func @c6(%a: tensor<1x1x1x1x1x1x1x1x1xi8>) {
  // expected-error @+1 {{'cim.reshape' op operand #0 (tensor<1x1x1x1x1x1x1x1x1xi8>) has rank 9; at most 8}}
  %0 = "cim.reshape"(%a) : (tensor<1x1x1x1x1x1x1x1x1xi8>) -> tensor<1xi8>
  return
}

// -----

// Layer ids are >= 0.
func.func @c7(%a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul' op 'layer' = -1 is out of range [0, 2147483647]}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = -1 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// Layer ids fit the ISA's 31 bits.
func.func @c8(%a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul' op 'layer' = 2147483648 is out of range [0, 2147483647]}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 2147483648 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// [M, K] x [K, N] -> [M, N].
func.func @c9(%a: tensor<2x3xi8>, %w: tensor<5x4xi4>) {
  // expected-error @+1 {{'cim.matmul' op operand and result shapes do not form [M, K] x [K, N] -> [M, N] (with an optional batch)}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>, tensor<5x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// Batches agree.
func.func @c10(%a: tensor<2x2x3xi8>, %w: tensor<3x3x4xi4>) {
  // expected-error @+1 {{'cim.matmul' op operand and result shapes do not form}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x2x3xi8>, tensor<3x3x4xi4>) -> tensor<2x2x4xi32>
  return
}

// -----

// The result holds every sum: 8-bit signed activations times 1-bit unsigned
// weights over 5 terms reach 635 (and -640), which i8 clamped to 127 before.
func.func @c11(%a: tensor<2x5xi8>, %w: tensor<5x4xi1>) {
  // expected-error @+1 {{'cim.matmul' op layer 3: its i8 result cannot hold every sum: a 5-term dot product of 8-bit signed activations and 1-bit unsigned weights needs 11 bits}}
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 3 : i64, w_bits = 1 : i64, w_signed = false, weights = "static"} : (tensor<2x5xi8>, tensor<5x4xi1>) -> tensor<2x4xi8>
  return
}

// -----

// Conv operands are 4-D.
func.func @c12(%a: tensor<4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op the input must have rank 4, has 3}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// Strides are >= 1.
func.func @c13(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op 'strides'[0] = 0 is out of range [1, 2147483648]}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// Dilations are >= 1.
func.func @c14(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op 'dilations'[1] = -1 is out of range [1, 2147483648]}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, -1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// Padding is [top, left, bottom, right].
func.func @c15(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op 'padding' has 2 entries; expected 4}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// INT64_MAX padding (cim-estimate costed it before).
func.func @c16(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op 'padding'[0] = 9223372036854775807 is out of range [0, 2147483648]}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 9223372036854775807, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// Geometry arrays are i64 arrays.
func.func @c17(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op attribute 'strides' must be an array<i64: ...>}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i32: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// Groups split the filters.
func.func @c18(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op 4 filters do not split into 3 groups}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 3 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// Groups split the input channels.
func.func @c19(%a: tensor<1x4x5x5xi8>, %w: tensor<4x2x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op 4 input channels do not split into 1 groups of 2}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x2x3x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// The result has the input's batch and the filter count.
func.func @c20(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op the result must be [batch 1, 4 filters] in the layout's order}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x5x3x3xi32>
  return
}

// -----

// The result size follows from the geometry.
func.func @c21(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op the result height is 5 but the input, kernel, stride, dilation and padding give 3}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x5x5xi32>
  return
}

// -----

// The kernel fits the padded input.
func.func @c22(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x7x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op the height input (5), kernel (7), stride, dilation and padding do not give a valid window}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x7x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// pad_value is an activation: in the a_bits range.
func.func @c23(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op pad_value 128 is not a 8-bit signed activation}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 128 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x3x3xi32>
  return
}

// -----

// The result holds every sum (4 * 3 * 3 terms of i8 x i2).
func.func @c24(%a: tensor<1x4x5x5xi8>, %w: tensor<4x4x3x3xi2>) {
  // expected-error @+1 {{'cim.conv2d' op layer 0: its i8 result cannot hold every sum: a 36-term dot product of 8-bit signed activations and 2-bit signed weights needs 15 bits}}
  %0 = "cim.conv2d"(%a, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x5x5xi8>, tensor<4x4x3x3xi2>) -> tensor<1x4x3x3xi8>
  return
}

// -----

// A tile's rows lie in K.
func.func @c25(%acc: tensor<2x4xi32>, %a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul_tile' op rows [2, 2 + 2) exceed the 3 weight rows}}
  %0 = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 2 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, units = 4 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x4xi32>, tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// A tile's units lie in N * ceil(w_bits / cell_bits).
func.func @c26(%acc: tensor<2x4xi32>, %a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul_tile' op units [1, 1 + 4) exceed the 4 weight units}}
  %0 = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 3 : i64, layer = 0 : i64, mapping = "differential-column", unit_offset = 1 : i64, units = 4 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x4xi32>, tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// acc and the result have one type.
func.func @c27(%acc: tensor<2x4xi64>, %a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul_tile' op acc and the result must have one type}}
  %0 = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 3 : i64, layer = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, units = 4 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x4xi64>, tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// A tile's result holds every sum of the layer.
func.func @c28(%acc: tensor<2x4xi8>, %a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{'cim.matmul_tile' op layer 0: its i8 result cannot hold every sum: a 3-term dot product of 8-bit signed activations and 4-bit signed weights needs 13 bits}}
  %0 = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 3 : i64, layer = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, units = 4 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x4xi8>, tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi8>
  return
}

// -----

// requantize keeps the shape.
func.func @c29(%x: tensor<2x4xi32>) {
  // expected-error @+1 {{'cim.requantize' op x and the result must have the same shape}}
  %0 = "cim.requantize"(%x) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 0>} : (tensor<2x4xi32>) -> tensor<4x2xi8>
  return
}

// -----

// shift in [0, 62].
func.func @c30(%x: tensor<2x4xi32>) {
  // expected-error @+1 {{'cim.requantize' op 'shift'[0] = 63 is out of range [0, 62]}}
  %0 = "cim.requantize"(%x) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 63>} : (tensor<2x4xi32>) -> tensor<2x4xi8>
  return
}

// -----

// multiplier >= 0.
func.func @c31(%x: tensor<2x4xi32>) {
  // expected-error @+1 {{'cim.requantize' op 'multiplier'[0] = -3 is negative}}
  %0 = "cim.requantize"(%x) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: -3>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 0>} : (tensor<2x4xi32>) -> tensor<2x4xi8>
  return
}

// -----

// Per-channel arrays have one entry per channel of axis.
func.func @c32(%x: tensor<2x4xi32>) {
  // expected-error @+1 {{'cim.requantize' op 'multiplier' and 'shift' need 1 or 4 entries (the channels of axis 1)}}
  %0 = "cim.requantize"(%x) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1, 2, 3>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 0, 0, 0>} : (tensor<2x4xi32>) -> tensor<2x4xi8>
  return
}

// -----

// Per-channel axis is a dimension.
func.func @c33(%x: tensor<2x4xi32>) {
  // expected-error @+1 {{'cim.requantize' op axis 2 is not a dimension of the rank-2 input}}
  %0 = "cim.requantize"(%x) {axis = 2 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1, 2>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 0, 0>} : (tensor<2x4xi32>) -> tensor<2x4xi8>
  return
}

// -----

// The bias has one value per channel.
func.func @c34(%x: tensor<2x4xi32>, %b: tensor<3xi32>) {
  // expected-error @+1 {{'cim.requantize' op the bias must be [4] (one value per channel of axis 1)}}
  %0 = "cim.requantize"(%x, %b) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 0>} : (tensor<2x4xi32>, tensor<3xi32>) -> tensor<2x4xi8>
  return
}

// -----

// qmin <= qmax.
func.func @c35(%x: tensor<2x4xi32>) {
  // expected-error @+1 {{'cim.requantize' op qmin 5 is above qmax 4}}
  %0 = "cim.requantize"(%x) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 4 : i64, qmin = 5 : i64, shift = array<i64: 0>} : (tensor<2x4xi32>) -> tensor<2x4xi8>
  return
}

// -----

// The result holds [qmin, qmax].
func.func @c36(%x: tensor<2x4xi32>) {
  // expected-error @+1 {{'cim.requantize' op its i8 result cannot hold [qmin, qmax] = [0, 255]}}
  %0 = "cim.requantize"(%x) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64, shift = array<i64: 0>} : (tensor<2x4xi32>) -> tensor<2x4xi8>
  return
}

// -----

// clamp: min <= max.
func.func @c37(%x: tensor<4xi8>) {
  // expected-error @+1 {{'cim.clamp' op min 1 is above max 0}}
  %0 = "cim.clamp"(%x) {max = 0 : i64, min = 1 : i64} : (tensor<4xi8>) -> tensor<4xi8>
  return
}

// -----

// clamp: the result holds the clamped values.
func.func @c38(%x: tensor<4xi8>) {
  // expected-error @+1 {{'cim.clamp' op its i4 result cannot hold the clamped values [0, 100]}}
  %0 = "cim.clamp"(%x) {max = 100 : i64, min = 0 : i64} : (tensor<4xi8>) -> tensor<4xi4>
  return
}

// -----

// lut: the result holds every table entry.
func.func @c39(%x: tensor<4xi2>) {
  // expected-error @+1 {{'cim.lut' op its i8 result cannot hold 'table'[3] = 300}}
  %0 = "cim.lut"(%x) {function = "f", in_min = -2 : i64, table = array<i64: 0, 1, 2, 300>} : (tensor<4xi2>) -> tensor<4xi8>
  return
}

// -----

// lut: the table is not empty.
func.func @c40(%x: tensor<4xi2>) {
  // expected-error @+1 {{'cim.lut' op 'table' is empty}}
  %0 = "cim.lut"(%x) {function = "f", in_min = -2 : i64, table = array<i64>} : (tensor<4xi2>) -> tensor<4xi8>
  return
}

// -----

// pool: each padding is smaller than the window.
func.func @c41(%x: tensor<1x4x8x8xi8>) {
  // expected-error @+1 {{'cim.pool' op each padding must be smaller than the window}}
  %0 = "cim.pool"(%x) {kind = "max", layout = "nchw", padding = array<i64: 2, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x4x4xi8>
  return
}

// -----

// pool: the result size follows from the geometry.
func.func @c42(%x: tensor<1x4x8x8xi8>) {
  // expected-error @+1 {{'cim.pool' op the result height is 3 but the input, kernel, stride, dilation and padding give 4}}
  %0 = "cim.pool"(%x) {kind = "max", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x3x4xi8>
  return
}

// -----

// pool: batch and channels are kept.
func.func @c43(%x: tensor<1x4x8x8xi8>) {
  // expected-error @+1 {{'cim.pool' op the result must keep the input's batch and channels}}
  %0 = "cim.pool"(%x) {kind = "max", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<1x4x8x8xi8>) -> tensor<1x3x4x4xi8>
  return
}

// -----

// pool: the result holds the input's values.
func.func @c44(%x: tensor<1x4x8x8xi8>) {
  // expected-error @+1 {{'cim.pool' op its i4 result cannot hold the i8 input's values}}
  %0 = "cim.pool"(%x) {kind = "max", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x4x4xi4>
  return
}

// -----

// pool: window >= 1.
func.func @c45(%x: tensor<1x4x8x8xi8>) {
  // expected-error @+1 {{'cim.pool' op 'window'[0] = 0 is out of range [1, 2147483648]}}
  %0 = "cim.pool"(%x) {kind = "max", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 0, 2>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x4x4xi8>
  return
}

// -----

// add: operands of one shape.
func.func @c46(%x: tensor<2x4xi8>, %y: tensor<4x2xi8>) {
  // expected-error @+1 {{'cim.add' op lhs and rhs must have the same shape}}
  %0 = "cim.add"(%x, %y) : (tensor<2x4xi8>, tensor<4x2xi8>) -> tensor<2x4xi9>
  return
}

// -----

// softmax: exp_table[0] > 0.
func.func @c47(%x: tensor<2x5xi32>) {
  // expected-error @+1 {{'cim.softmax' op 'exp_table'[0] = 0: entries must be non-negative and the first positive}}
  %0 = "cim.softmax"(%x) {axis = 1 : i64, exp_table = array<i64: 0, 1>, one = 255 : i64, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64} : (tensor<2x5xi32>) -> tensor<2x5xi9>
  return
}

// -----

// softmax: entries >= 0.
func.func @c48(%x: tensor<2x5xi32>) {
  // expected-error @+1 {{'cim.softmax' op 'exp_table'[1] = -1: entries must be non-negative and the first positive}}
  %0 = "cim.softmax"(%x) {axis = 1 : i64, exp_table = array<i64: 5, -1>, one = 255 : i64, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64} : (tensor<2x5xi32>) -> tensor<2x5xi9>
  return
}

// -----

// softmax: axis is a dimension.
func.func @c49(%x: tensor<2x5xi32>) {
  // expected-error @+1 {{'cim.softmax' op axis -1 is not a dimension of the rank-2 input}}
  %0 = "cim.softmax"(%x) {axis = -1 : i64, exp_table = array<i64: 256, 94, 35>, one = 255 : i64, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64} : (tensor<2x5xi32>) -> tensor<2x5xi9>
  return
}

// -----

// softmax: the result holds [qmin, qmax].
func.func @c50(%x: tensor<2x5xi32>) {
  // expected-error @+1 {{'cim.softmax' op its i8 result cannot hold [qmin, qmax] = [0, 255]}}
  %0 = "cim.softmax"(%x) {axis = 1 : i64, exp_table = array<i64: 256, 94, 35>, one = 255 : i64, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64} : (tensor<2x5xi32>) -> tensor<2x5xi8>
  return
}

// -----

// layer_norm: gamma has one entry per element of the axis.
func.func @c51(%x: tensor<5x4xi8>) {
  // expected-error @+1 {{'cim.layer_norm' op 'gamma' has 2 entries; expected 4}}
  %0 = "cim.layer_norm"(%x) {axis = 1 : i64, beta = array<i64: 0, 1, -1, 0>, eps = 1 : i64, frac_bits = 8 : i64, gamma = array<i64: 1, 2>, multiplier = 1 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = 10 : i64} : (tensor<5x4xi8>) -> tensor<5x4xi8>
  return
}

// -----

// layer_norm: frac_bits in [0, 30].
func.func @c52(%x: tensor<5x4xi8>) {
  // expected-error @+1 {{'cim.layer_norm' op 'frac_bits' = 31 is out of range [0, 30]}}
  %0 = "cim.layer_norm"(%x) {axis = 1 : i64, beta = array<i64: 0, 1, -1, 0>, eps = 1 : i64, frac_bits = 31 : i64, gamma = array<i64: 256, 256, 128, 512>, multiplier = 1 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = 10 : i64} : (tensor<5x4xi8>) -> tensor<5x4xi8>
  return
}

// -----

// reshape keeps the element count.
func.func @c53(%x: tensor<4x6xi8>) {
  // expected-error @+1 {{'cim.reshape' op the result must have the input's element count}}
  %0 = "cim.reshape"(%x) : (tensor<4x6xi8>) -> tensor<5x5xi8>
  return
}

// -----

// transpose: a permutation.
func.func @c54(%x: tensor<4x2x3xi8>) {
  // expected-error @+1 {{'cim.transpose' op 'permutation' is not a permutation of [0, 3)}}
  %0 = "cim.transpose"(%x) {permutation = array<i64: 1, 1, 2>} : (tensor<4x2x3xi8>) -> tensor<2x2x3xi8>
  return
}

// -----

// transpose: result dimension i is input dimension permutation[i].
func.func @c55(%x: tensor<4x2x3xi8>) {
  // expected-error @+1 {{'cim.transpose' op result dimension 0 must be input dimension 1}}
  %0 = "cim.transpose"(%x) {permutation = array<i64: 1, 0, 2>} : (tensor<4x2x3xi8>) -> tensor<4x2x3xi8>
  return
}

// -----

// concat: other dimensions agree.
func.func @c56(%c: tensor<1x5xi8>, %x: tensor<4x6xi8>) {
  // expected-error @+1 {{'cim.concat' op operands and result must agree in dimension 1}}
  %0 = "cim.concat"(%c, %x) {axis = 0 : i64} : (tensor<1x5xi8>, tensor<4x6xi8>) -> tensor<5x6xi8>
  return
}

// -----

// concat: the result's axis is the sum.
func.func @c57(%c: tensor<1x6xi8>, %x: tensor<4x6xi8>) {
  // expected-error @+1 {{'cim.concat' op the result's dimension 0 must be 1 + 4}}
  %0 = "cim.concat"(%c, %x) {axis = 0 : i64} : (tensor<1x6xi8>, tensor<4x6xi8>) -> tensor<6x6xi8>
  return
}

// -----

// slice: the block lies inside the input.
func.func @c58(%t: tensor<5x6xi8>) {
  // expected-error @+1 {{'cim.slice' op offset 4 of dimension 0 places 2 elements past the 5 there}}
  %0 = "cim.slice"(%t) {offsets = array<i64: 4, 0>} : (tensor<5x6xi8>) -> tensor<2x6xi8>
  return
}
