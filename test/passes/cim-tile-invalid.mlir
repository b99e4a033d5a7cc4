// Every rejection of cim-tile, on a 1x1 crossbar (rows=1 cols=1) where
// one applies.
// RUN: cim-opt %s --split-input-file --verify-diagnostics --cim-tile='rows=1 cols=1'

// Differential columns need a column pair: 2 columns.
func.func @dcol(%a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
  // expected-error @+1 {{cim-tile: layer 0 cannot be mapped: a 1x1 crossbar is too small for one column pair (2 columns) of the 'differential-column' mapping}}
  %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
  return %r : tensor<1x2xi32>
}

// -----

// Differential rows need a row pair: 2 rows.
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-row", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @drow(%a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
    // expected-error @+1 {{cim-tile: layer 3 cannot be mapped: a 1x1 crossbar is too small for one row pair (2 rows) of the 'differential-row' mapping}}
    %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 3 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
    return %r : tensor<1x2xi32>
  }
}

// -----

// The offset mapping needs a data column beside the bias column.
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "offset", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @offset(%x: tensor<1x1x3x3xi8>, %w: tensor<1x1x3x3xi8>) -> tensor<1x1x1x1xi32> {
    // expected-error @+1 {{cim-tile: layer 0 cannot be mapped: a 1x1 crossbar is too small for one data column beside the bias column (2 columns) of the 'offset' mapping}}
    %r = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x1x3x3xi8>, tensor<1x1x3x3xi8>) -> tensor<1x1x1x1xi32>
    return %r : tensor<1x1x1x1xi32>
  }
}

// -----

// Dynamic shapes: the tile grid needs static ones.
func.func @dynamic_shape(%a: tensor<?x2xi8>, %w: tensor<2x2xi8>) -> tensor<?x2xi32> {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<?x2xi8>) needs static tensor shapes}}
  %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<?x2xi8>, tensor<2x2xi8>) -> tensor<?x2xi32>
  return %r : tensor<?x2xi32>
}

// -----

// Groups that do not divide the input channels (4 channels, 2 groups, but
// the weights have 1 channel per group).
func.func @groups(%x: tensor<1x4x3x3xi8>, %w: tensor<2x1x3x3xi8>) -> tensor<1x2x1x1xi32> {
  // expected-error @+1 {{'cim.conv2d' op 4 input channels do not split into 2 groups of 1}}
  %r = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 2 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x4x3x3xi8>, tensor<2x1x3x3xi8>) -> tensor<1x2x1x1xi32>
  return %r : tensor<1x2x1x1xi32>
}

// -----

// A result size the geometry does not give: (5 + 0 - 2 - 1) / 2 + 1 = 2
// rows and columns, not 3.
func.func @geometry(%x: tensor<1x1x5x5xi8>, %w: tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xi32> {
  // expected-error @+1 {{'cim.conv2d' op the result height is 3 but the input, kernel, stride, dilation and padding give 2}}
  %r = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x1x5x5xi8>, tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xi32>
  return %r : tensor<1x1x3x3xi32>
}

// -----

// Padding near INT64_MAX: 5 + 2^62 + 2^62 overflows int64. It used to wrap
// (UBSan: signed overflow in tileLayer) and pass the geometry check; the
// verifier now bounds padding by 2^31 before cim-tile runs.
func.func @padding_overflow(%x: tensor<1x1x5x5xi8>, %w: tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xi32> {
  // expected-error @+1 {{'cim.conv2d' op 'padding'[0] = 4611686018427387904 is out of range [0, 2147483648]}}
  %r = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 4611686018427387904, 0, 4611686018427387904, 0>, strides = array<i64: 1, 1>, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x1x5x5xi8>, tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xi32>
  return %r : tensor<1x1x3x3xi32>
}

// -----

// A stride of 0 is no window.
func.func @stride_zero(%x: tensor<1x1x5x5xi8>, %w: tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xi32> {
  // expected-error @+1 {{'cim.conv2d' op 'strides'[0] = 0 is out of range [1, 2147483648]}}
  %r = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x1x5x5xi8>, tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xi32>
  return %r : tensor<1x1x3x3xi32>
}

// -----

// A result too narrow for its sums (cim.md forbids it): 5 x (-128) x (-128)
// = 81920 needs 18 signed bits; i8 would have been clamped to 127 with exit 0.
func.func @narrow_result(%a: tensor<1x5xi8>, %w: tensor<5x2xi8>) -> tensor<1x2xi8> {
  // expected-error @+1 {{'cim.matmul' op layer 0: its i8 result cannot hold every sum: a 5-term dot product of 8-bit signed activations and 8-bit signed weights needs 18 bits}}
  %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x5xi8>, tensor<5x2xi8>) -> tensor<1x2xi8>
  return %r : tensor<1x2xi8>
}

// -----

// Unsigned activations: 3 x 255 x (-128) = -97920 and 3 x 255 x 127 = 97155
// need 18 signed bits; an i16 result is too narrow.
func.func @narrow_unsigned(%a: tensor<1x3xi8>, %w: tensor<3x2xi8>) -> tensor<1x2xi16> {
  // expected-error @+1 {{'cim.matmul' op layer 0: its i16 result cannot hold every sum: a 3-term dot product of 8-bit unsigned activations and 8-bit signed weights needs 18 bits}}
  %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = false, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x3xi8>, tensor<3x2xi8>) -> tensor<1x2xi16>
  return %r : tensor<1x2xi16>
}

// -----

// Reduction lengths that disagree: a is [1, 3], w is [2, 2].
func.func @shapes(%a: tensor<1x3xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
  // expected-error @+1 {{'cim.matmul' op operand and result shapes do not form [M, K] x [K, N] -> [M, N] (with an optional batch)}}
  %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x3xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
  return %r : tensor<1x2xi32>
}
