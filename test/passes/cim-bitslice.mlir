// cim-bitslice: the crossbar program of each tile, every attribute derived
// by hand in the comments (docs/design.md, "Crossbar mapping").
// RUN: cim-opt %s --split-input-file --cim-tile --cim-bitslice | FileCheck %s

// The worked example of docs/design.md on the reference target: W [3, 4]
// 4-bit signed on 4-bit cells (S = 1), 2-bit signed activations, one tile
// of 3 rows and 4 units = 8 columns (differential pairs).
// CHECK-LABEL: func.func @worked_example
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi2>)
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1, -2, 3, -4], [5, -6, 7, -8], [-1, 2, -3, 4]]> : tensor<3x4xi4>
// CHECK: %[[ACC:.*]] = arith.constant dense<0> : tensor<2x4xi32>
// Two planes, two's complement: bit 0, then bit 1 (the sign plane).
// CHECK: %[[P0:.*]] = "xbar.bitplane"(%[[A]]) {a_bits = 2 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
// CHECK: %[[P1:.*]] = "xbar.bitplane"(%[[A]]) {a_bits = 2 : i64, bit_offset = 1 : i64, bits = 1 : i64, encoding = "twos-complement"}
// CHECK: %[[C:.*]] = "xbar.weight_tile"(%[[W]]) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi8>
// CHECK: %[[T:.*]] = "xbar.write"(%[[C]]) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
// Column sums are at most 3 rows * 1 * 15 < 2^31: i32. Q starts at zero.
// CHECK: %[[Q0:.*]] = arith.constant dense<0> : tensor<2x8xi32>
// CHECK: %[[S0:.*]] = "xbar.mvm"(%[[T]], %[[P0]]) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
// The reference target's ADC is ideal (adc_bits = 0).
// CHECK: %[[R0:.*]] = "xbar.adc"(%[[S0]]) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false}
// CHECK: %[[Q1:.*]] = "xbar.shift_add"(%[[Q0]], %[[R0]]) {count = 8 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 1 : i64}
// CHECK: %[[S1:.*]] = "xbar.mvm"(%[[T]], %[[P1]])
// CHECK: %[[R1:.*]] = "xbar.adc"(%[[S1]])
// Plane 1 is the sign plane: shifted by 1 and negated (Q = S0 - 2 * S1).
// CHECK: %[[Q2:.*]] = "xbar.shift_add"(%[[Q1]], %[[R1]]) {count = 8 : i64, dst_offset = 0 : i64, negate = true, shift = 1 : i64, src_offset = 0 : i64, src_stride = 1 : i64}
// Pairs: even columns (positive parts) added, odd ones subtracted, stride
// 2 * S = 2, into outputs 0..3.
// CHECK: %[[O1:.*]] = "xbar.shift_add"(%[[ACC]], %[[Q2]]) {count = 4 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 2 : i64}
// CHECK: %[[O2:.*]] = "xbar.shift_add"(%[[O1]], %[[Q2]]) {count = 4 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 1 : i64, src_stride = 2 : i64}
// CHECK-NOT: cim.
// CHECK: return %[[O2]]
func.func @worked_example(%a: tensor<2x3xi2>) -> tensor<2x4xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [-1, 2, -3, 4]]> : tensor<3x4xi4>
  %r = "cim.matmul"(%a, %w) {a_bits = 2 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi2>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return %r : tensor<2x4xi32>
}

// -----

// OU smaller than the rows, 1-bit unsigned activations, a 5-bit ADC: target
// 5x256 with ou_rows = 2. The tile has K = 5 rows: ceil(5 / 2) = 3 MVMs per
// plane with rows 2, 2, 1 at row offsets 0, 2, 4; each is read out by the
// ADC and the groups are added (two shift_adds) before plane recombination.
// One plane (a_bits = 1), unsigned: not negated.
// CHECK-LABEL: func.func @ou
// CHECK: %[[P:.*]] = "xbar.bitplane"(%{{.*}}) {a_bits = 1 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "unsigned"}
// CHECK: %[[T:.*]] = "xbar.write"
// CHECK: %[[S0:.*]] = "xbar.mvm"(%[[T]], %[[P]]) {{{.*}}row_offset = 0 : i64, rows = 2 : i64}
// CHECK: %[[R0:.*]] = "xbar.adc"(%[[S0]]) {bits = 5 : i64, layer = 0 : i64, shift = 0 : i64, signed = false}
// CHECK: %[[S1:.*]] = "xbar.mvm"(%[[T]], %[[P]]) {{{.*}}row_offset = 2 : i64, rows = 2 : i64}
// CHECK: %[[R1:.*]] = "xbar.adc"(%[[S1]]) {bits = 5 : i64
// CHECK: %[[G1:.*]] = "xbar.shift_add"(%[[R0]], %[[R1]]) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 1 : i64}
// CHECK: %[[S2:.*]] = "xbar.mvm"(%[[T]], %[[P]]) {{{.*}}row_offset = 4 : i64, rows = 1 : i64}
// CHECK: %[[R2:.*]] = "xbar.adc"(%[[S2]])
// CHECK: %[[G2:.*]] = "xbar.shift_add"(%[[G1]], %[[R2]])
// CHECK: "xbar.shift_add"(%{{.*}}, %[[G2]]) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64
// CHECK-NOT: "xbar.mvm"
// CHECK: return
module attributes {cim.target = #cim.target<5, 256, 4, 1, 5, "differential-column", "twos-complement", 1, 2, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @ou(%a: tensor<3x5xi1>) -> tensor<3x1xi32> {
    %w = arith.constant dense<[[1], [2], [3], [4], [5]]> : tensor<5x1xi4>
    %r = "cim.matmul"(%a, %w) {a_bits = 1 : i64, a_signed = false, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<3x5xi1>, tensor<5x1xi4>) -> tensor<3x1xi32>
    return %r : tensor<3x1xi32>
  }
}

// -----

// 1-bit signed weights and activations: values {-1, 0}. One slice, one
// plane, and that plane is the sign bit: negated, shift 0.
// CHECK-LABEL: func.func @one_bit
// CHECK: "xbar.bitplane"({{.*}}) {a_bits = 1 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "twos-complement"}
// CHECK: "xbar.weight_tile"({{.*}}) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 1 : i64, w_signed = true} : (tensor<2x2xi1>) -> tensor<2x4xi8>
// CHECK: "xbar.shift_add"({{.*}}) {count = 4 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 0 : i64, src_stride = 1 : i64}
func.func @one_bit(%a: tensor<1x2xi1>) -> tensor<1x2xi32> {
  %w = arith.constant dense<[[true, false], [false, true]]> : tensor<2x2xi1>
  %r = "cim.matmul"(%a, %w) {a_bits = 1 : i64, a_signed = true, layer = 0 : i64, w_bits = 1 : i64, w_signed = true, weights = "static"} : (tensor<1x2xi1>, tensor<2x2xi1>) -> tensor<1x2xi32>
  return %r : tensor<1x2xi32>
}

// -----

// 8-bit weights on 1-bit cells: S = 8 slices, one output = 8 units = 16
// columns. Slice s sits in columns 2s (positive) and 2s + 1 (negative) and
// is shifted by s * 1 bits: 16 shift_adds, stride 2 * 8 = 16, count 1.
// CHECK-LABEL: func.func @eight_on_one
// CHECK: "xbar.weight_tile"{{.*}}cell_bits = 1 : i64{{.*}}w_bits = 8 : i64{{.*}} -> tensor<1x16xi8>
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 16 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 1 : i64, src_stride = 16 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 0 : i64, negate = false, shift = 1 : i64, src_offset = 2 : i64, src_stride = 16 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 0 : i64, negate = true, shift = 1 : i64, src_offset = 3 : i64, src_stride = 16 : i64}
// CHECK-COUNT-10: "xbar.shift_add"
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 0 : i64, negate = false, shift = 7 : i64, src_offset = 14 : i64, src_stride = 16 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 0 : i64, negate = true, shift = 7 : i64, src_offset = 15 : i64, src_stride = 16 : i64}
// CHECK-NEXT: return
module attributes {cim.target = #cim.target<256, 256, 1, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @eight_on_one(%a: tensor<1x1xi8>) -> tensor<1x1xi32> {
    %w = arith.constant dense<-77> : tensor<1x1xi8>
    %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "static"} : (tensor<1x1xi8>, tensor<1x1xi8>) -> tensor<1x1xi32>
    return %r : tensor<1x1xi32>
  }
}

// -----

// 3-bit weights on 2-bit cells, a 2x6 crossbar (uCap = 3): S = 2, N = 3,
// units u = 2n + s. Tile 0 holds units 0, 1, 2 = (n0 s0), (n0 s1), (n1 s0);
// tile 1 holds 3, 4, 5 = (n1 s1), (n2 s0), (n2 s1): output 1 straddles.
// Tile 0, slice 0: columns of units 0 and 2 -> src 0 and 4 (stride 2S = 4),
//   outputs 0, 1 (count 2); slice 1: unit 1 -> src 2, output 0, shift 2.
// Tile 1, slice 0: unit 4 -> tile column j = 1 -> src 2, output 2;
//   slice 1: units 3 and 5 -> j = 0, 2 -> src 0, outputs 1, 2, shift 2.
// CHECK-LABEL: func.func @straddle
// CHECK: "xbar.weight_tile"{{.*}}unit_offset = 0 : i64{{.*}} -> tensor<2x6xi8>
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 4 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 1 : i64, src_stride = 4 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 0 : i64, negate = false, shift = 2 : i64, src_offset = 2 : i64, src_stride = 4 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 0 : i64, negate = true, shift = 2 : i64, src_offset = 3 : i64, src_stride = 4 : i64}
// CHECK: "xbar.weight_tile"{{.*}}unit_offset = 3 : i64{{.*}} -> tensor<2x6xi8>
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 2 : i64, negate = false, shift = 0 : i64, src_offset = 2 : i64, src_stride = 4 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 1 : i64, dst_offset = 2 : i64, negate = true, shift = 0 : i64, src_offset = 3 : i64, src_stride = 4 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 1 : i64, negate = false, shift = 2 : i64, src_offset = 0 : i64, src_stride = 4 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 1 : i64, negate = true, shift = 2 : i64, src_offset = 1 : i64, src_stride = 4 : i64}
module attributes {cim.target = #cim.target<2, 6, 2, 1, 0, "differential-column", "twos-complement", 1, 2, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @straddle(%a: tensor<1x2xi8>) -> tensor<1x3xi32> {
    %w = arith.constant dense<[[1, 2, 3], [-1, -2, -3]]> : tensor<2x3xi3>
    %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 3 : i64, w_signed = true, weights = "static"} : (tensor<1x2xi8>, tensor<2x3xi3>) -> tensor<1x3xi32>
    return %r : tensor<1x3xi32>
  }
}

// -----

// Differential rows with dynamic weights and an 8-bit ADC: the tile has
// 2 * K = 4 rows and N * S = 2 columns; the MVM drives row pairs with
// opposite polarity, so column sums are signed and so is the ADC. Slices
// are adjacent columns (stride S = 1), no pair subtraction.
// CHECK-LABEL: func.func @drow
// CHECK-SAME: (%[[A:.*]]: tensor<1x2xi4>, %[[W:.*]]: tensor<2x2xi4>)
// CHECK: %[[C:.*]] = "xbar.weight_tile"(%[[W]]) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-row", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<2x2xi4>) -> tensor<4x2xi8>
// CHECK: "xbar.write"(%[[C]])
// CHECK: "xbar.mvm"({{.*}}) {differential_rows = true, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 4 : i64} : (!xbar.tile, tensor<1x2xi8>) -> tensor<1x2xi32>
// CHECK: "xbar.adc"({{.*}}) {bits = 8 : i64, layer = 0 : i64, shift = 0 : i64, signed = true}
// Four unsigned planes: the last plane add is shifted by 3, not negated;
// then the one slice goes into the outputs.
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 3 : i64, src_offset = 0 : i64, src_stride = 1 : i64}
// CHECK-NEXT: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 1 : i64} : (tensor<1x2xi32>, tensor<1x2xi32>) -> tensor<1x2xi32>
// CHECK-NEXT: return
module attributes {cim.target = #cim.target<256, 256, 4, 1, 8, "differential-row", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @drow(%a: tensor<1x2xi4>, %w: tensor<2x2xi4>) -> tensor<1x2xi32> {
    %r = "cim.matmul"(%a, %w) {a_bits = 4 : i64, a_signed = false, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x2xi4>, tensor<2x2xi4>) -> tensor<1x2xi32>
    return %r : tensor<1x2xi32>
  }
}

// -----

// Offset mapping, 5-bit signed weights on 4-bit cells (S = 2), N = 2:
// 4 data columns + the bias column. Outputs 0 and 1: slice 0 in columns 0
// and 2 (stride S = 2), slice 1 in 1 and 3, shifted by 4; the bias column
// (column 4, stride 0: the same column for both outputs) is subtracted at
// 2^(5-1): shift 4.
// CHECK-LABEL: func.func @offset
// CHECK: "xbar.weight_tile"({{.*}}mapping = "offset"{{.*}} -> tensor<3x5xi8>
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 2 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = true, shift = 4 : i64, src_offset = 4 : i64, src_stride = 0 : i64}
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 4 : i64, src_offset = 1 : i64, src_stride = 2 : i64}
// CHECK-NEXT: return
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "offset", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @offset(%a: tensor<1x3xi8>) -> tensor<1x2xi32> {
    %w = arith.constant dense<[[-16, 15], [3, -3], [0, 7]]> : tensor<3x2xi5>
    %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 5 : i64, w_signed = true, weights = "static"} : (tensor<1x3xi8>, tensor<3x2xi5>) -> tensor<1x2xi32>
    return %r : tensor<1x2xi32>
  }
}

// -----

// A 2-bit DAC with 5-bit signed activations: dac_bits = 2 divides
// a_bits - 1 = 4, so planes are bits [0,2), [2,4) and the sign bit [4,5):
// ceil(5 / 2) = 3 planes, shifts 0, 2, 4, only the last negated.
// CHECK-LABEL: func.func @dac2
// CHECK: "xbar.bitplane"({{.*}}) {a_bits = 5 : i64, bit_offset = 0 : i64, bits = 2 : i64
// CHECK: "xbar.bitplane"({{.*}}) {a_bits = 5 : i64, bit_offset = 2 : i64, bits = 2 : i64
// CHECK: "xbar.bitplane"({{.*}}) {a_bits = 5 : i64, bit_offset = 4 : i64, bits = 1 : i64
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 2 : i64
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = true, shift = 4 : i64
module attributes {cim.target = #cim.target<256, 256, 4, 2, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @dac2(%a: tensor<1x1xi5>) -> tensor<1x1xi32> {
    %w = arith.constant dense<3> : tensor<1x1xi4>
    %r = "cim.matmul"(%a, %w) {a_bits = 5 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<1x1xi5>, tensor<1x1xi4>) -> tensor<1x1xi32>
    return %r : tensor<1x1xi32>
  }
}

// -----

// A 2-bit DAC with 4-bit signed activations: 2 does not divide a_bits - 1 = 3,
// so the magnitude bits take ceil(3 / 2) = 2 planes, [0,2) and [2,3), and the
// sign bit 3 a plane of its own: 3 planes (not ceil(4 / 2) = 2, whose top
// plane would mix bit 2, +4, with the sign, -8), shifts 0, 2, 3, the last
// negated. x = -8 * b3 + 4 * b2 + (b1 b0).
// CHECK-LABEL: func.func @dac2_sign_alone
// CHECK: "xbar.bitplane"({{.*}}) {a_bits = 4 : i64, bit_offset = 0 : i64, bits = 2 : i64
// CHECK: "xbar.bitplane"({{.*}}) {a_bits = 4 : i64, bit_offset = 2 : i64, bits = 1 : i64
// CHECK: "xbar.bitplane"({{.*}}) {a_bits = 4 : i64, bit_offset = 3 : i64, bits = 1 : i64
// CHECK-NOT: "xbar.bitplane"
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = false, shift = 2 : i64
// CHECK: "xbar.shift_add"({{.*}}) {count = 2 : i64, dst_offset = 0 : i64, negate = true, shift = 3 : i64
module attributes {cim.target = #cim.target<256, 256, 4, 2, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @dac2_sign_alone(%a: tensor<1x1xi4>) -> tensor<1x1xi32> {
    %w = arith.constant dense<3> : tensor<1x1xi4>
    %r = "cim.matmul"(%a, %w) {a_bits = 4 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<1x1xi4>, tensor<1x1xi4>) -> tensor<1x1xi32>
    return %r : tensor<1x1xi32>
  }
}

// -----

// Two tiles of one layer share the bit-planes: a 2x256 crossbar, K = 3:
// row tiles [0,2) and [2,3); one bitplane op, MVMs at k_offset 0 and 2.
// CHECK-LABEL: func.func @shared_planes
// CHECK: %[[P:.*]] = "xbar.bitplane"
// CHECK-NOT: "xbar.bitplane"
// CHECK: "xbar.mvm"(%{{.*}}, %[[P]]) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 2 : i64}
// CHECK: "xbar.mvm"(%{{.*}}, %[[P]]) {differential_rows = false, k_offset = 2 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 1 : i64}
module attributes {cim.target = #cim.target<2, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 2, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @shared_planes(%a: tensor<4x3xi1>) -> tensor<4x1xi32> {
    %w = arith.constant dense<1> : tensor<3x1xi2>
    %r = "cim.matmul"(%a, %w) {a_bits = 1 : i64, a_signed = false, layer = 0 : i64, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<4x3xi1>, tensor<3x1xi2>) -> tensor<4x1xi32>
    return %r : tensor<4x1xi32>
  }
}
