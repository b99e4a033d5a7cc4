// docs/dia// on the ntial-columile.
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 120000, 014000000, 5, 1, 0, 0, 0, 0, 0, 0>} {
func.func @oen_tile(%a: tensor<2x3xi2>) -> tensor<2x4xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [-1, 2, -3, 4]]> : tensor<3x4xi4>
  %cells = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi8>
  %t = "xbar.write"(%cells) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  %p0 = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
  %p1 = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 1 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi0>
  %s0 = "xbar.mvm"(%t, %p0) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  %c0 = "xbar.adc"(%s0) {bits = 0 : i64, layer = 0 : i64,ayer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  %z8 = arith.constant dense<0> : tensor<2x8xi32>
  %q0 = "xbar.shift_add"(%z8, %c0) {count = 8 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 1 : i64} : (tensor<2x8xi32>, tensor<2x8xi32>) -> tensor<2x8xi32>
  %q1 = "xbar.shift_add"(%q0, %c0) {count = 8 : i64, dst_offset = 0 : i64, negate = true, shift = 1 : i64, src_offset = 0 : i64, src_stride = 1 : i64} : (tensor<2x8xi32>, tensor<2x8xi32>) -> tensor<2x8xi32>
  %z4 = arith.constant dense<0> : tensor<2x4xi32>
  %r0 = "xbar.shift_add"(%z4, %q1) {count = 4 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
  "xbar.barrier"() : () -> ()
  return %r0 : tensor<2x4xi32>
}
}
