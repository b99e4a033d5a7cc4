// RUN: %cim-opt %s | %cim-opt | FileCheck %s
// RUN: %cim-opt %s --mlir-print-op-generic | %cim-opt | FileCheck %s

// Every xbar op parses, verifies and prints back. The programs are small but
// real: their numbers are worked out in docs/dialects/xbar.md.

// The target an xbar program was compiled for travels as a cim attribute.
// CHECK: module attributes {cim.target = #cim.target<256 : i64, 256 : i64, 4 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement"
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {

// design.md's layer with 2-bit activations: one differential-column tile,
// two bit-planes (the upper one is the two's-complement sign plane), an
// ideal ADC, plane and pair recombination.
// CHECK-LABEL: func.func @one_tile
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi2>)
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<3x4xi4>
// CHECK: %[[CELLS:.*]] = "xbar.weight_tile"(%[[W]]) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi8>
// CHECK: %[[T:.*]] = "xbar.write"(%[[CELLS]]) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
// CHECK: %[[P0:.*]] = "xbar.bitplane"(%[[A]]) {a_bits = 2 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
// CHECK: %[[P1:.*]] = "xbar.bitplane"(%[[A]]) {a_bits = 2 : i64, bit_offset = 1 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
// CHECK: %[[S0:.*]] = "xbar.mvm"(%[[T]], %[[P0]]) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
// CHECK: %[[C0:.*]] = "xbar.adc"(%[[S0]]) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
// CHECK: %[[S1:.*]] = "xbar.mvm"(%[[T]], %[[P1]])
// CHECK: %[[C1:.*]] = "xbar.adc"(%[[S1]])
// CHECK: %[[Z8:.*]] = arith.constant dense<0> : tensor<2x8xi32>
// CHECK: %[[Q0:.*]] = "xbar.shift_add"(%[[Z8]], %[[C0]]) {count = 8 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 1 : i64} : (tensor<2x8xi32>, tensor<2x8xi32>) -> tensor<2x8xi32>
// CHECK: %[[Q1:.*]] = "xbar.shift_add"(%[[Q0]], %[[C1]]) {count = 8 : i64, dst_offset = 0 : i64, negate = true, shift = 1 : i64, src_offset = 0 : i64, src_stride = 1 : i64} : (tensor<2x8xi32>, tensor<2x8xi32>) -> tensor<2x8xi32>
// CHECK: %[[Z4:.*]] = arith.constant dense<0> : tensor<2x4xi32>
// CHECK: %[[R0:.*]] = "xbar.shift_add"(%[[Z4]], %[[Q1]]) {count = 4 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
// CHECK: %[[R1:.*]] = "xbar.shift_add"(%[[R0]], %[[Q1]]) {count = 4 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 1 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
// CHECK: "xbar.barrier"() : () -> ()
// CHECK: return %[[R1]]
func.func @one_tile(%a: tensor<2x3xi2>) -> tensor<2x4xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [-1, 2, -3, 4]]> : tensor<3x4xi4>
  %cells = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi8>
  %t = "xbar.write"(%cells) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  %p0 = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
  %p1 = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 1 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
  %s0 = "xbar.mvm"(%t, %p0) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  %c0 = "xbar.adc"(%s0) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  %s1 = "xbar.mvm"(%t, %p1) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  %c1 = "xbar.adc"(%s1) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  %z8 = arith.constant dense<0> : tensor<2x8xi32>
  %q0 = "xbar.shift_add"(%z8, %c0) {count = 8 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 1 : i64} : (tensor<2x8xi32>, tensor<2x8xi32>) -> tensor<2x8xi32>
  %q1 = "xbar.shift_add"(%q0, %c1) {count = 8 : i64, dst_offset = 0 : i64, negate = true, shift = 1 : i64, src_offset = 0 : i64, src_stride = 1 : i64} : (tensor<2x8xi32>, tensor<2x8xi32>) -> tensor<2x8xi32>
  %z4 = arith.constant dense<0> : tensor<2x4xi32>
  %r0 = "xbar.shift_add"(%z4, %q1) {count = 4 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
  %r1 = "xbar.shift_add"(%r0, %q1) {count = 4 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 1 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
  "xbar.barrier"() : () -> ()
  return %r1 : tensor<2x4xi32>
}

// Tile copies (cim-duplicate): one tile written to crossbars 0 and 1 and an
// mvm that takes both copies before its digits, with the schedule
// cim-schedule attaches (docs/dialects/xbar.md, "Schedule attributes"): the
// writes at 0 and 56 us, the mvm's two rows as chunks of one row, row 0 on
// crossbar 0 and row 1 on crossbar 1.
// CHECK-LABEL: func.func @tile_copies
// CHECK-SAME: (%[[D:.*]]: tensor<2x3xi8>, %[[C:.*]]: tensor<3x8xi8>)
// CHECK: %[[T0:.*]] = "xbar.write"(%[[C]]) {col = 0 : i64, crossbar = 0 : i64, layer = 1 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
// CHECK: %[[T1:.*]] = "xbar.write"(%[[C]]) {col = 0 : i64, crossbar = 1 : i64, layer = 1 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 1>, sched_start_ps = array<i64: 56000000>} : (tensor<3x8xi8>) -> !xbar.tile
// CHECK: %[[S:.*]] = "xbar.mvm"(%[[T0]], %[[T1]], %[[D]]) {differential_rows = false, k_offset = 0 : i64, layer = 1 : i64, row_offset = 0 : i64, rows = 3 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0, 1>, sched_start_ps = array<i64: 56000000, 112000000>} : (!xbar.tile, !xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
// CHECK: return %[[S]]
func.func @tile_copies(%d: tensor<2x3xi8>, %cells: tensor<3x8xi8>) -> tensor<2x8xi32> {
  %t0 = "xbar.write"(%cells) {col = 0 : i64, crossbar = 0 : i64, layer = 1 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
  %t1 = "xbar.write"(%cells) {col = 0 : i64, crossbar = 1 : i64, layer = 1 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 1>, sched_start_ps = array<i64: 56000000>} : (tensor<3x8xi8>) -> !xbar.tile
  %s = "xbar.mvm"(%t0, %t1, %d) {differential_rows = false, k_offset = 0 : i64, layer = 1 : i64, row_offset = 0 : i64, rows = 3 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0, 1>, sched_start_ps = array<i64: 56000000, 112000000>} : (!xbar.tile, !xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  return %s : tensor<2x8xi32>
}

// Run-time weights (attention), differential rows, an OU of 4 rows (two
// MVMs on one 6-row tile), a 3-bit signed ADC with a 2-unit step, and a
// second crossbar.
// CHECK-LABEL: func.func @dynamic_differential_rows
// CHECK-SAME: (%[[X:.*]]: tensor<1x3xi4>, %[[K:.*]]: tensor<3x2xi2>)
// CHECK: %[[CELLS:.*]] = "xbar.weight_tile"(%[[K]]) {cell_bits = 1 : i64, k_offset = 0 : i64, mapping = "differential-row", unit_offset = 0 : i64, w_bits = 2 : i64, w_signed = true} : (tensor<3x2xi2>) -> tensor<6x4xi8>
// CHECK: %[[T:.*]] = "xbar.write"(%[[CELLS]]) {col = 0 : i64, crossbar = 1 : i64, layer = 3 : i64, row = 0 : i64} : (tensor<6x4xi8>) -> !xbar.tile
// CHECK: %[[D:.*]] = "xbar.bitplane"(%[[X]]) {a_bits = 4 : i64, bit_offset = 0 : i64, bits = 2 : i64, encoding = "unsigned"} : (tensor<1x3xi4>) -> tensor<1x3xi8>
// CHECK: %[[U0:.*]] = "xbar.mvm"(%[[T]], %[[D]]) {differential_rows = true, k_offset = 0 : i64, layer = 3 : i64, row_offset = 0 : i64, rows = 4 : i64} : (!xbar.tile, tensor<1x3xi8>) -> tensor<1x4xi32>
// CHECK: %[[U1:.*]] = "xbar.mvm"(%[[T]], %[[D]]) {differential_rows = true, k_offset = 0 : i64, layer = 3 : i64, row_offset = 4 : i64, rows = 2 : i64} : (!xbar.tile, tensor<1x3xi8>) -> tensor<1x4xi32>
// CHECK: "xbar.adc"(%[[U0]]) {bits = 3 : i64, layer = 3 : i64, shift = 1 : i64, signed = true} : (tensor<1x4xi32>) -> tensor<1x4xi32>
func.func @dynamic_differential_rows(%x: tensor<1x3xi4>, %k: tensor<3x2xi2>) -> (tensor<1x4xi32>, tensor<1x4xi32>) {
  %cells = "xbar.weight_tile"(%k) {cell_bits = 1 : i64, k_offset = 0 : i64, mapping = "differential-row", unit_offset = 0 : i64, w_bits = 2 : i64, w_signed = true} : (tensor<3x2xi2>) -> tensor<6x4xi8>
  %t = "xbar.write"(%cells) {col = 0 : i64, crossbar = 1 : i64, layer = 3 : i64, row = 0 : i64} : (tensor<6x4xi8>) -> !xbar.tile
  %d = "xbar.bitplane"(%x) {a_bits = 4 : i64, bit_offset = 0 : i64, bits = 2 : i64, encoding = "unsigned"} : (tensor<1x3xi4>) -> tensor<1x3xi8>
  %u0 = "xbar.mvm"(%t, %d) {differential_rows = true, k_offset = 0 : i64, layer = 3 : i64, row_offset = 0 : i64, rows = 4 : i64} : (!xbar.tile, tensor<1x3xi8>) -> tensor<1x4xi32>
  %u1 = "xbar.mvm"(%t, %d) {differential_rows = true, k_offset = 0 : i64, layer = 3 : i64, row_offset = 4 : i64, rows = 2 : i64} : (!xbar.tile, tensor<1x3xi8>) -> tensor<1x4xi32>
  %v0 = "xbar.adc"(%u0) {bits = 3 : i64, layer = 3 : i64, shift = 1 : i64, signed = true} : (tensor<1x4xi32>) -> tensor<1x4xi32>
  %v1 = "xbar.adc"(%u1) {bits = 3 : i64, layer = 3 : i64, shift = 1 : i64, signed = true} : (tensor<1x4xi32>) -> tensor<1x4xi32>
  return %v0, %v1 : tensor<1x4xi32>, tensor<1x4xi32>
}

// The offset mapping's bias column is broadcast to every output with a zero
// source stride; offset-encoded inputs.
// CHECK-LABEL: func.func @offset_bias_column
// CHECK: "xbar.bitplane"(%{{.*}}) {a_bits = 3 : i64, bit_offset = 2 : i64, bits = 1 : i64, encoding = "offset"}
// CHECK: "xbar.shift_add"(%{{.*}}, %{{.*}}) {count = 3 : i64, dst_offset = 0 : i64, negate = true, shift = 3 : i64, src_offset = 3 : i64, src_stride = 0 : i64} : (tensor<2x3xi32>, tensor<2x4xi32>) -> tensor<2x3xi32>
func.func @offset_bias_column(%x: tensor<2x5xi3>, %acc: tensor<2x3xi32>, %sums: tensor<2x4xi32>) -> (tensor<2x5xi8>, tensor<2x3xi32>) {
  %d = "xbar.bitplane"(%x) {a_bits = 3 : i64, bit_offset = 2 : i64, bits = 1 : i64, encoding = "offset"} : (tensor<2x5xi3>) -> tensor<2x5xi8>
  %r = "xbar.shift_add"(%acc, %sums) {count = 3 : i64, dst_offset = 0 : i64, negate = true, shift = 3 : i64, src_offset = 3 : i64, src_stride = 0 : i64} : (tensor<2x3xi32>, tensor<2x4xi32>) -> tensor<2x3xi32>
  return %d, %r : tensor<2x5xi8>, tensor<2x3xi32>
}

// Convolution patches of a grouped convolution's second group, and the group
// result placed into the layer's output.
// CHECK-LABEL: func.func @data_movement
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x5x5xi8>, %[[OUT:.*]]: tensor<25x8xi32>, %[[G:.*]]: tensor<25x4xi32>)
// CHECK: "xbar.im2col"(%[[X]]) {channel_offset = 2 : i64, channels = 2 : i64, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = "nchw", pad_value = -1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xi8>) -> tensor<25x18xi8>
// CHECK: %[[I:.*]] = "xbar.insert"(%[[OUT]], %[[G]]) {offsets = array<i64: 0, 4>} : (tensor<25x8xi32>, tensor<25x4xi32>) -> tensor<25x8xi32>
// CHECK: %[[S:.*]] = "xbar.slice"(%[[I]]) {offsets = array<i64: 0, 0>} : (tensor<25x8xi32>) -> tensor<5x8xi32>
// CHECK: %[[R:.*]] = "xbar.reshape"(%[[S]]) : (tensor<5x8xi32>) -> tensor<1x5x8xi32>
// CHECK: "xbar.transpose"(%[[R]]) {permutation = array<i64: 0, 2, 1>} : (tensor<1x5x8xi32>) -> tensor<1x8x5xi32>
func.func @data_movement(%x: tensor<1x4x5x5xi8>, %out: tensor<25x8xi32>, %g: tensor<25x4xi32>) -> (tensor<25x18xi8>, tensor<1x8x5xi32>) {
  %p = "xbar.im2col"(%x) {channel_offset = 2 : i64, channels = 2 : i64, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = "nchw", pad_value = -1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xi8>) -> tensor<25x18xi8>
  %i = "xbar.insert"(%out, %g) {offsets = array<i64: 0, 4>} : (tensor<25x8xi32>, tensor<25x4xi32>) -> tensor<25x8xi32>
  %s = "xbar.slice"(%i) {offsets = array<i64: 0, 0>} : (tensor<25x8xi32>) -> tensor<5x8xi32>
  %r = "xbar.reshape"(%s) : (tensor<5x8xi32>) -> tensor<1x5x8xi32>
  %t = "xbar.transpose"(%r) {permutation = array<i64: 0, 2, 1>} : (tensor<1x5x8xi32>) -> tensor<1x8x5xi32>
  return %p, %t : tensor<25x18xi8>, tensor<1x8x5xi32>
}

// The digital ops, as in cim.
// CHECK-LABEL: func.func @digital
// CHECK-SAME: (%[[ACC:.*]]: tensor<2x4xi32>, %[[B:.*]]: tensor<4xi32>, %[[X:.*]]: tensor<1x4x4x4xi8>, %[[G:.*]]: tensor<2x4xi2>)
// CHECK: %[[Q:.*]] = "xbar.requantize"(%[[ACC]], %[[B]]) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = -3 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 4>} : (tensor<2x4xi32>, tensor<4xi32>) -> tensor<2x4xi8>
// CHECK: %[[C:.*]] = "xbar.clamp"(%[[Q]]) {max = 127 : i64, min = -3 : i64} : (tensor<2x4xi8>) -> tensor<2x4xi8>
// CHECK: %[[L:.*]] = "xbar.lut"(%[[G]]) {function = "gelu", in_min = -2 : i64, table = array<i64: 0, 0, 0, 1>} : (tensor<2x4xi2>) -> tensor<2x4xi8>
// CHECK: %[[A:.*]] = "xbar.add"(%[[L]], %[[C]]) : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi9>
// CHECK: "xbar.pool"(%[[X]]) {kind = "avg", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi8>
// CHECK: "xbar.softmax"(%[[A]]) {axis = 1 : i64, exp_table = array<i64: 16, 6, 2, 1>, one = 128 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = 0 : i64} : (tensor<2x4xi9>) -> tensor<2x4xi8>
// CHECK: "xbar.layer_norm"(%[[Q]]) {axis = 1 : i64, beta = array<i64: 0, 0, 0, 0>, eps = 0 : i64, frac_bits = 6 : i64, gamma = array<i64: 64, 64, 64, 64>, multiplier = 1 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = 6 : i64} : (tensor<2x4xi8>) -> tensor<2x4xi8>
func.func @digital(%acc: tensor<2x4xi32>, %b: tensor<4xi32>, %x: tensor<1x4x4x4xi8>, %g: tensor<2x4xi2>) -> (tensor<1x4x2x2xi8>, tensor<2x4xi8>, tensor<2x4xi8>) {
  %q = "xbar.requantize"(%acc, %b) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = -3 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 4>} : (tensor<2x4xi32>, tensor<4xi32>) -> tensor<2x4xi8>
  %c = "xbar.clamp"(%q) {max = 127 : i64, min = -3 : i64} : (tensor<2x4xi8>) -> tensor<2x4xi8>
  %l = "xbar.lut"(%g) {function = "gelu", in_min = -2 : i64, table = array<i64: 0, 0, 0, 1>} : (tensor<2x4xi2>) -> tensor<2x4xi8>
  %a = "xbar.add"(%l, %c) : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi9>
  %p = "xbar.pool"(%x) {kind = "avg", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi8>
  %s = "xbar.softmax"(%a) {axis = 1 : i64, exp_table = array<i64: 16, 6, 2, 1>, one = 128 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = 0 : i64} : (tensor<2x4xi9>) -> tensor<2x4xi8>
  %n = "xbar.layer_norm"(%q) {axis = 1 : i64, beta = array<i64: 0, 0, 0, 0>, eps = 0 : i64, frac_bits = 6 : i64, gamma = array<i64: 64, 64, 64, 64>, multiplier = 1 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = 6 : i64} : (tensor<2x4xi8>) -> tensor<2x4xi8>
  return %p, %s, %n : tensor<1x4x2x2xi8>, tensor<2x4xi8>, tensor<2x4xi8>
}

}
