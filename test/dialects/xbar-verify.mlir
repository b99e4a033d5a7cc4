// RUN: %cim-opt %s --split-input-file --verify-diagnostics --convert-linalg-to-cim

// One case per rule of lib/ir/verify.c for the xbar ops: the rules of
// docs/dialects/xbar.md that IRDL cannot state. The digital ops share cim's
// rule functions (test/dialects/cim-verify.mlir); one case here shows that.

// The cells hold 4-bit levels [0, 15]: i1 cannot (cim-translate encoded it before).
func.func @c0(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'xbar.weight_tile' op its i1 result cannot hold 4-bit cell levels [0, 15]: it needs i5}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi1>
  return
}

// -----

// Cell levels are non-negative, so 4-bit levels need i5, not i4.
func.func @c1(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'xbar.weight_tile' op its i4 result cannot hold 4-bit cell levels [0, 15]: it needs i5}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi4>
  return
}

// -----

// Differential columns come in pairs.
func.func @c2(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'xbar.weight_tile' op differential-column cells need an even column count, got 7}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x7xi8>
  return
}

// -----

// Differential rows come in pairs.
func.func @c3(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'xbar.weight_tile' op differential-row cells need an even row count, got 5}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-row", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<5x4xi8>
  return
}

// -----

// The offset mapping has a bias column.
func.func @c4(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'xbar.weight_tile' op offset cells need at least 2 columns (data and bias)}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "offset", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x1xi8>
  return
}

// -----

// The tile's rows lie in the weights.
func.func @c5(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'xbar.weight_tile' op rows [1, 1 + 3) exceed the 3 weight rows}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 1 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi8>
  return
}

// -----

// The tile's units lie in N * ceil(w_bits / cell_bits).
func.func @c6(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'xbar.weight_tile' op units [1, 1 + 4) exceed the 4 weight units}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 1 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi8>
  return
}

// -----

// Offsets are >= 0.
func.func @c7(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'xbar.weight_tile' op 'k_offset' = -1 is out of range [0, 2147483648]}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = -1 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi8>
  return
}

// -----

// A write's region starts at a row >= 0.
func.func @c8(%c: tensor<3x8xi8>) {
  // expected-error @+1 {{'xbar.write' op 'row' = -2 is out of range [0, 2147483648]}}
  %0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = -2 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  return
}

// -----

// A write's layer is >= 0.
func.func @c9(%c: tensor<3x8xi8>) {
  // expected-error @+1 {{'xbar.write' op 'layer' = -1 is out of range [0, 2147483647]}}
  %0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = -1 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  return
}

// -----

// Cells are 2-D.
func.func @c10(%c: tensor<24xi8>) {
  // expected-error @+1 {{'xbar.write' op the cells must have rank 2, has 1}}
  %0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<24xi8>) -> !xbar.tile
  return
}

// -----

// A plane lies within the activation's bits.
func.func @c11(%a: tensor<2x3xi2>) {
  // expected-error @+1 {{'xbar.bitplane' op bits [1, 3) exceed the 2 activation bits}}
  %0 = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 1 : i64, bits = 2 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
  return
}

// -----

// Digits are non-negative: 1-bit digits need i2.
func.func @c12(%a: tensor<2x3xi2>) {
  // expected-error @+1 {{'xbar.bitplane' op its i1 result cannot hold 1-bit digits [0, 1]: it needs i2}}
  %0 = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi1>
  return
}

// -----

// A plane keeps the shape.
func.func @c13(%a: tensor<2x3xi2>) {
  // expected-error @+1 {{'xbar.bitplane' op x and the digits must have the same shape}}
  %0 = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<3x2xi8>
  return
}

// -----

// ADC bits in [0, 32].
func.func @c14(%s: tensor<2x8xi32>) {
  // expected-error @+1 {{'xbar.adc' op 'bits' = 33 is out of range [0, 32]}}
  %0 = "xbar.adc"(%s) {bits = 33 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  return
}

// -----

// ADC shift in [0, 62].
func.func @c15(%s: tensor<2x8xi32>) {
  // expected-error @+1 {{'xbar.adc' op 'shift' = 63 is out of range [0, 62]}}
  %0 = "xbar.adc"(%s) {bits = 0 : i64, layer = 0 : i64, shift = 63 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  return
}

// -----

// An ADC keeps the shape.
func.func @c16(%s: tensor<2x8xi32>) {
  // expected-error @+1 {{'xbar.adc' op the sums and the result must have the same shape}}
  %0 = "xbar.adc"(%s) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<8x2xi32>
  return
}

// -----

// shift_add: acc and the result have one type.
func.func @c17(%acc: tensor<2x4xi32>, %part: tensor<2x8xi32>) {
  // expected-error @+1 {{'xbar.shift_add' op acc and the result must have one type}}
  %0 = "xbar.shift_add"(%acc, %part) {count = 4 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 1 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi64>
  return
}

// -----

// shift_add: part has the rows of acc, or one.
func.func @c18(%acc: tensor<2x4xi32>, %part: tensor<3x8xi32>) {
  // expected-error @+1 {{'xbar.shift_add' op part has 3 rows; expected 2 or 1}}
  %0 = "xbar.shift_add"(%acc, %part) {count = 4 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 1 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<3x8xi32>) -> tensor<2x4xi32>
  return
}

// -----

// shift_add: the columns written lie in acc.
func.func @c19(%acc: tensor<2x4xi32>, %part: tensor<2x8xi32>) {
  // expected-error @+1 {{'xbar.shift_add' op columns [1, 1 + 4) exceed the 4 columns of acc}}
  %0 = "xbar.shift_add"(%acc, %part) {count = 4 : i64, dst_offset = 1 : i64, negate = true, shift = 0 : i64, src_offset = 1 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
  return
}

// -----

// shift_add: the columns read lie in part.
func.func @c20(%acc: tensor<2x4xi32>, %part: tensor<2x8xi32>) {
  // expected-error @+1 {{'xbar.shift_add' op reads part column past its 8 columns}}
  %0 = "xbar.shift_add"(%acc, %part) {count = 4 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 2 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
  return
}

// -----

// shift_add: shift in [0, 62].
func.func @c21(%acc: tensor<2x4xi32>, %part: tensor<2x8xi32>) {
  // expected-error @+1 {{'xbar.shift_add' op 'shift' = 64 is out of range [0, 62]}}
  %0 = "xbar.shift_add"(%acc, %part) {count = 4 : i64, dst_offset = 0 : i64, negate = true, shift = 64 : i64, src_offset = 1 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
  return
}

// -----

// im2col: the channels lie in the input.
func.func @c22(%x: tensor<1x3x8x8xi8>) {
  // expected-error @+1 {{'xbar.im2col' op channels [1, 1 + 3) exceed the 3 input channels}}
  %0 = "xbar.im2col"(%x) {channel_offset = 1 : i64, channels = 3 : i64, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = "nchw", pad_value = 0 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>) -> tensor<64x27xi8>
  return
}

// -----

// im2col: patches are [B*OH*OW, channels*KH*KW].
func.func @c23(%x: tensor<1x3x8x8xi8>) {
  // expected-error @+1 {{'xbar.im2col' op patches must be [B*OH*OW, channels*KH*KW] = [1 * 8 * 8, 3 * 3 * 3]}}
  %0 = "xbar.im2col"(%x) {channel_offset = 0 : i64, channels = 3 : i64, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = "nchw", pad_value = 0 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>) -> tensor<36x27xi8>
  return
}

// -----

// im2col: the patches hold pad_value.
func.func @c24(%x: tensor<1x3x8x8xi8>) {
  // expected-error @+1 {{'xbar.im2col' op its i8 result cannot hold the input's values and pad_value 200}}
  %0 = "xbar.im2col"(%x) {channel_offset = 0 : i64, channels = 3 : i64, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = "nchw", pad_value = 200 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>) -> tensor<64x27xi8>
  return
}

// -----

// im2col: INT64_MAX padding.
func.func @c25(%x: tensor<1x3x8x8xi8>) {
  // expected-error @+1 {{'xbar.im2col' op 'padding'[2] = 9223372036854775807 is out of range [0, 2147483648]}}
  %0 = "xbar.im2col"(%x) {channel_offset = 0 : i64, channels = 3 : i64, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = "nchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 9223372036854775807, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi8>) -> tensor<64x27xi8>
  return
}

// -----

// insert: the block lies inside dest.
func.func @c26(%d: tensor<5x6xi8>, %x: tensor<1x6xi8>) {
  // expected-error @+1 {{'xbar.insert' op offset 1 of dimension 1 places 6 elements past the 6 there}}
  %0 = "xbar.insert"(%d, %x) {offsets = array<i64: 0, 1>} : (tensor<5x6xi8>, tensor<1x6xi8>) -> tensor<5x6xi8>
  return
}

// -----

// insert: dest and the result have one type.
func.func @c27(%d: tensor<5x6xi8>, %x: tensor<1x6xi8>) {
  // expected-error @+1 {{'xbar.insert' op dest and the result must have one type}}
  %0 = "xbar.insert"(%d, %x) {offsets = array<i64: 0, 0>} : (tensor<5x6xi8>, tensor<1x6xi8>) -> tensor<5x6xi16>
  return
}

// -----

// The digital ops have cim's rules (here requantize's shift).
func.func @c28(%x: tensor<2x4xi32>) {
  // expected-error @+1 {{'xbar.requantize' op 'shift'[0] = 70 is out of range [0, 62]}}
  %0 = "xbar.requantize"(%x) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 70>} : (tensor<2x4xi32>) -> tensor<2x4xi8>
  return
}

// -----

// Integer element types only, in xbar too.
func.func @c29(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'xbar.clamp' op operand #0 (tensor<2x4xf32>) must hold signless integers of 1 to 64 bits}}
  %0 = "xbar.clamp"(%x) {max = 1 : i64, min = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// i0 is an MLIR integer type but holds no value (found by the mlir_passes
// fuzz target: a zero width reached the range helpers).
func.func @c29_i0(%x: tensor<2x4xi0>) {
  // expected-error @+1 {{'xbar.clamp' op operand #0 (tensor<2x4xi0>) must hold signless integers of 1 to 64 bits}}
  %0 = "xbar.clamp"(%x) {max = 1 : i64, min = 0 : i64} : (tensor<2x4xi0>) -> tensor<2x4xi0>
  return
}

// -----

// An mvm drives digit columns that exist.
func.func @c30(%c: tensor<3x8xi8>, %p: tensor<2x3xi8>) {
  %0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  // expected-error @+1 {{'xbar.mvm' op drives digit column 3 of 3}}
  %1 = "xbar.mvm"(%0, %p) {differential_rows = false, k_offset = 1 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  return
}

// -----

// An mvm drives rows of its tile.
func.func @c31(%c: tensor<3x8xi8>, %p: tensor<2x4xi8>) {
  %0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  // expected-error @+1 {{'xbar.mvm' op rows [1, 4) exceed the tile's 3 rows}}
  %1 = "xbar.mvm"(%0, %p) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 1 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x4xi8>) -> tensor<2x8xi32>
  return
}

// -----

// An mvm reads every column of its tile.
func.func @c32(%c: tensor<3x8xi8>, %p: tensor<2x3xi8>) {
  %0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  // expected-error @+1 {{'xbar.mvm' op the sums have 4 columns, the tile 8}}
  %1 = "xbar.mvm"(%0, %p) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x4xi32>
  return
}

// -----

// One row of sums per row of digits.
func.func @c33(%c: tensor<3x8xi8>, %p: tensor<2x3xi8>) {
  %0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  // expected-error @+1 {{'xbar.mvm' op the sums have 1 rows, the digits 2}}
  %1 = "xbar.mvm"(%0, %p) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<1x8xi32>
  return
}

// -----

// An mvm's sums hold every sum of `rows` digit x cell products. Without
// their producers the types bound them: 4 rows x 127 (i8 digits) x 127 (i8
// cells) = 64516 > 2^15 - 1, which needs 17 bits (2^16 = 65536 > 64516,
// plus the sign).
func.func @c_mvm_sums_types(%c: tensor<4x2xi8>, %p: tensor<1x4xi8>) {
  %0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<4x2xi8>) -> !xbar.tile
  // expected-error @+1 {{'xbar.mvm' op its i16 sums cannot hold every sum of 4 rows of digits up to 127 and cells up to 127: they need 17 bits}}
  %1 = "xbar.mvm"(%0, %p) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 4 : i64} : (!xbar.tile, tensor<1x4xi8>) -> tensor<1x2xi16>
  return
}

// -----

// With the producers known, their bits bound the values: 1-bit planes
// (digits <= 1) on 4-bit cells (<= 15), 256 rows: sums up to 3840 < 2^12,
// 13 bits with the sign; i8 is too narrow ...
func.func @c_mvm_sums_producers(%w: tensor<256x1xi4>, %x: tensor<1x256xi8>) {
  %c = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<256x1xi4>) -> tensor<256x2xi8>
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<256x2xi8>) -> !xbar.tile
  %p = "xbar.bitplane"(%x) {a_bits = 8 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "unsigned"} : (tensor<1x256xi8>) -> tensor<1x256xi8>
  // expected-error @+1 {{'xbar.mvm' op its i8 sums cannot hold every sum of 256 rows of digits up to 1 and cells up to 15: they need 13 bits}}
  %s = "xbar.mvm"(%t, %p) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 256 : i64} : (!xbar.tile, tensor<1x256xi8>) -> tensor<1x2xi8>
  return
}

// -----

// ... and i13 holds them (no diagnostic), even with the odd rows negated
// (differential rows: [-3840, 3840]).
func.func @c_mvm_sums_fit(%w: tensor<128x1xi4>, %x: tensor<1x128xi8>) {
  %c = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-row", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<128x1xi4>) -> tensor<256x1xi8>
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<256x1xi8>) -> !xbar.tile
  %p = "xbar.bitplane"(%x) {a_bits = 8 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "unsigned"} : (tensor<1x128xi8>) -> tensor<1x128xi8>
  %s = "xbar.mvm"(%t, %p) {differential_rows = true, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 256 : i64} : (!xbar.tile, tensor<1x128xi8>) -> tensor<1x1xi13>
  return
}

// -----

// A non-negative integer splat constant bounds its digits by its value (the
// offset input encoding's all-ones correction pass): ones on 4-bit cells
// over 256 rows sum to at most 256 * 15 = 3840: i13 holds them, as for a
// 1-bit plane ...
func.func @c_mvm_sums_splat_ones(%w: tensor<256x1xi4>) {
  %c = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<256x1xi4>) -> tensor<256x2xi8>
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<256x2xi8>) -> !xbar.tile
  %ones = arith.constant dense<1> : tensor<1x256xi8>
  %s = "xbar.mvm"(%t, %ones) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 256 : i64} : (!xbar.tile, tensor<1x256xi8>) -> tensor<1x2xi13>
  return
}

// -----

// ... while a splat of 3 needs 256 * 3 * 15 = 11520 < 2^14: 15 bits with
// the sign, and a negative splat is bounded by the type (127).
func.func @c_mvm_sums_splat_three(%w: tensor<256x1xi4>) {
  %c = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<256x1xi4>) -> tensor<256x2xi8>
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<256x2xi8>) -> !xbar.tile
  %three = arith.constant dense<3> : tensor<1x256xi8>
  // expected-error @+1 {{'xbar.mvm' op its i13 sums cannot hold every sum of 256 rows of digits up to 3 and cells up to 15: they need 15 bits}}
  %s = "xbar.mvm"(%t, %three) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 256 : i64} : (!xbar.tile, tensor<1x256xi8>) -> tensor<1x2xi13>
  return
}

// -----

func.func @c_mvm_sums_splat_negative(%w: tensor<256x1xi4>) {
  %c = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<256x1xi4>) -> tensor<256x2xi8>
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<256x2xi8>) -> !xbar.tile
  %m = arith.constant dense<-1> : tensor<1x256xi8>
  // expected-error @+1 {{'xbar.mvm' op its i13 sums cannot hold every sum of 256 rows of digits up to 127 and cells up to 15: they need 20 bits}}
  %s = "xbar.mvm"(%t, %m) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 256 : i64} : (!xbar.tile, tensor<1x256xi8>) -> tensor<1x2xi13>
  return
}
