// RUN: %cim-translate --mlir-to-cim-asm %s | FileCheck %s

// docs/dialects/xbar.md's worked example (the @one_tile program): the asm
// the emitter writes for it, field by field. Expected values are read off
// the IR below and the layout rules of docs/isa.md, not off the emitter.

// The target is the module's #cim.target, fields in CimTarget order.
// CHECK: .version 1
// CHECK-NEXT: .target rows=256 cols=256 cell_bits=4 dac_bits=1 adc_bits=0 weight_mapping=differential-column input_encoding=twos-complement crossbars=1 ou_rows=256 write_ports=1 t_write_ps=56000000 t_mvm_ps=1400000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0
// CHECK-NEXT: .fingerprint 0x{{[0-9a-f]+}}
// The argument is named by cim.name; the result gets the default name.
// CHECK-NEXT: .input act i2[2x3]
// CHECK-NEXT: .output result0 i32[2x4]
// The weights, in row-major order; every value fits one byte.
// CHECK-NEXT: .data d0 i8 12
// CHECK-NEXT:   1 -2 3 -4 5 -6 7 -8 -1 2 -3 4
// Splat zeros are stored once.
// CHECK-NEXT: .data d1 i8 1
// CHECK-NEXT:   0
// CHECK-NEXT: .data d2 i8 1
// CHECK-NEXT:   0
// CHECK-NEXT: .buffer b0 i2[2x3]
// CHECK-NEXT: .buffer b1 i4[3x4] = d0
// CHECK-NEXT: .buffer b2 i8[3x8]
// CHECK-NEXT: .buffer b3 i8[2x3]
// CHECK-NEXT: .buffer b4 i8[2x3]
// CHECK-NEXT: .buffer b5 i32[2x8]
// CHECK-NEXT: .buffer b6 i32[2x8]
// CHECK-NEXT: .buffer b7 i32[2x8]
// CHECK-NEXT: .buffer b8 i32[2x8] = d1
// CHECK-NEXT: .buffer b9 i32[2x4] = d2
// CHECK-NEXT: .buffer b10 i32[2x4]
// CHECK-NEXT: .buffer b11 i32[2x4]
// CHECK-NEXT: .code
// CHECK-NEXT:   load b0, @act
// CHECK-NEXT:   weight_tile b2, b1 mapping=differential-column w_bits=4 w_signed=true cell_bits=4 k_offset=0 unit_offset=0
// CHECK-NEXT:   write b2 crossbar=0 row=0 col=0 layer=0
// CHECK-NEXT:   bitplane b3, b0 encoding=twos-complement a_bits=2 bit_offset=0 bits=1
// CHECK-NEXT:   bitplane b4, b0 encoding=twos-complement a_bits=2 bit_offset=1 bits=1
// The mvm names the region its tile's write programmed: 3x8 cells at (0, 0).
// CHECK-NEXT:   mvm b5, b3 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
// CHECK-NEXT:   adc b6, b5 bits=0 shift=0 signed=false layer=0
// %s0 (b5) is dead after the first adc, so the second mvm reuses b5; b3
// (plane 0) was dead after the first mvm but no later value is i8[2x3].
// CHECK-NEXT:   mvm b5, b4 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
// CHECK-NEXT:   adc b7, b5 bits=0 shift=0 signed=false layer=0
// CHECK-NEXT:   shift_add b5, b8, b6 src_offset=0 src_stride=1 dst_offset=0 count=8 shift=0 negate=false
// A destination is never one of its instruction's sources: b6 (%c0) is
// reused only by the next shift_add, after its last use.
// CHECK-NEXT:   shift_add b6, b5, b7 src_offset=0 src_stride=1 dst_offset=0 count=8 shift=1 negate=true
// CHECK-NEXT:   shift_add b10, b9, b6 src_offset=0 src_stride=2 dst_offset=0 count=4 shift=0 negate=false
// CHECK-NEXT:   shift_add b11, b10, b6 src_offset=1 src_stride=2 dst_offset=0 count=4 shift=0 negate=true
// CHECK-NEXT:   barrier
// CHECK-NEXT:   store @result0, b11
// CHECK-NEXT:   halt
// CHECK-NOT: {{.}}

module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
func.func @one_tile(%a: tensor<2x3xi2> {cim.name = "act"}) -> tensor<2x4xi32> {
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
}
