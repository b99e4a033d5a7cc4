// RUN: rm -rf %t && mkdir -p %t
// RUN: %cim-translate --mlir-to-cim-asm --entry=tile_copies %s -o %t/copies.s
// RUN: FileCheck %s < %t/copies.s
// The sched instructions survive asm -> bin -> asm exactly, and the binary
// the emitter writes is the one the asm assembles to.
// RUN: %cim-translate --cim-asm-to-bin %t/copies.s -o %t/copies.bin
// RUN: %cim-translate --cim-bin-to-asm %t/copies.bin | diff %t/copies.s -
// RUN: %cim-translate --mlir-to-cim-bin --entry=tile_copies %s | cmp - %t/copies.bin
// cim-sim runs it (its schedule verifier accepts the times) and computes the
// worked example's product A x W with A = [[1,-2,0],[-1,1,1]],
// W = [[1,-2,3,-4],[5,-6,7,-8],[-1,2,-3,4]]: row 0 = W0 - 2 W1 =
// [-9,10,-11,12], row 1 = -W0 + W1 + W2 = [3,-2,1,0].
// RUN: python3 %S/../cim-sim/Inputs/npy.py write %t/a.npy '|i1' 2x3 1,-2,0,-1,1,1
// RUN: %cim-sim %t/copies.bin --input act=%t/a.npy --output-dir %t --quiet
// RUN: python3 %S/../cim-sim/Inputs/npy.py read %t/result0.npy | FileCheck %s --check-prefix=OUT
// OUT: <i4 2x4: -9 10 -11 12 3 -2 1 0
//
// Without schedule attributes the copies are plain writes and an mvm reads
// the region of its first tile operand's write (crossbar 1 here).
// RUN: %cim-translate --mlir-to-cim-asm --entry=unscheduled_copies %s | FileCheck %s --check-prefix=PLAIN

// docs/dialects/xbar.md's worked example on a 2-crossbar target: the tile
// is written to crossbars 0 and 1 (one write port: at 0 and 56 us); each
// mvm's two input rows are two chunks (sched_chunk_rows = 1), row 0 on
// crossbar 0 and row 1 on crossbar 1, each 1.4 us. The expected program is
// read off the IR and docs/isa.md: data blocks in the order the ops create
// them (the weights; then per scheduled op its start and crossbar arrays,
// each in the smallest element size that holds it; then the zero splats),
// and a sched right before each write and mvm, with the op's layer.
// CHECK:      .target {{.*}} crossbars=2
// CHECK:      .data d0 i8 12
// CHECK-NEXT:   1 -2 3 -4 5 -6 7 -8 -1 2 -3 4
// CHECK-NEXT: .data d1 i8 1
// CHECK-NEXT:   0
// CHECK-NEXT: .data d2 i8 1
// CHECK-NEXT:   0
// CHECK-NEXT: .data d3 i32 1
// CHECK-NEXT:   56000000
// CHECK-NEXT: .data d4 i8 1
// CHECK-NEXT:   1
// CHECK-NEXT: .data d5 i32 2
// CHECK-NEXT:   56000000 112000000
// CHECK-NEXT: .data d6 i8 2
// CHECK-NEXT:   0 1
// CHECK-NEXT: .data d7 i32 2
// CHECK-NEXT:   57400000 113400000
// CHECK-NEXT: .data d8 i8 2
// CHECK-NEXT:   0 1
// CHECK:      .code
// CHECK-NEXT:   load b0, @act
// CHECK-NEXT:   weight_tile b2, b1
// CHECK-NEXT:   sched chunk_rows=1 start=d1 crossbar=d2 layer=0
// CHECK-NEXT:   write b2 crossbar=0 row=0 col=0 layer=0
// CHECK-NEXT:   sched chunk_rows=1 start=d3 crossbar=d4 layer=0
// CHECK-NEXT:   write b2 crossbar=1 row=0 col=0 layer=0
// CHECK-NEXT:   bitplane b3, b0
// CHECK-NEXT:   bitplane b4, b0
// CHECK-NEXT:   sched chunk_rows=1 start=d5 crossbar=d6 layer=0
// CHECK-NEXT:   mvm b5, b3 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
// CHECK-NEXT:   adc b6, b5
// The second mvm lists the copy on crossbar 1 first: its region fields name
// crossbar 1, its chunks still run on crossbars 0 and 1.
// CHECK-NEXT:   sched chunk_rows=1 start=d7 crossbar=d8 layer=0
// CHECK-NEXT:   mvm b5, b4 crossbar=1 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
// CHECK-NEXT:   adc b7, b5
// CHECK-NOT:    sched
// CHECK:        halt

// The arguments are loaded into b0 and b1; the bit-plane is b2, the sums b3.
// PLAIN-NOT:  sched
// PLAIN:      write b1 crossbar=0 row=0 col=0 layer=0
// PLAIN-NEXT: write b1 crossbar=1 row=0 col=0 layer=0
// PLAIN-NEXT: bitplane b2, b0
// PLAIN-NEXT: mvm b3, b2 crossbar=1 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8
// PLAIN-NOT:  sched

module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 2, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
func.func @tile_copies(%a: tensor<2x3xi2> {cim.name = "act"}) -> tensor<2x4xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [-1, 2, -3, 4]]> : tensor<3x4xi4>
  %cells = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi8>
  %t0 = "xbar.write"(%cells) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
  %t1 = "xbar.write"(%cells) {col = 0 : i64, crossbar = 1 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 1>, sched_start_ps = array<i64: 56000000>} : (tensor<3x8xi8>) -> !xbar.tile
  %p0 = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
  %p1 = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 1 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
  %s0 = "xbar.mvm"(%t0, %t1, %p0) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0, 1>, sched_start_ps = array<i64: 56000000, 112000000>} : (!xbar.tile, !xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  %c0 = "xbar.adc"(%s0) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  %s1 = "xbar.mvm"(%t1, %t0, %p1) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0, 1>, sched_start_ps = array<i64: 57400000, 113400000>} : (!xbar.tile, !xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  %c1 = "xbar.adc"(%s1) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  %z8 = arith.constant dense<0> : tensor<2x8xi32>
  %q0 = "xbar.shift_add"(%z8, %c0) {count = 8 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 1 : i64} : (tensor<2x8xi32>, tensor<2x8xi32>) -> tensor<2x8xi32>
  %q1 = "xbar.shift_add"(%q0, %c1) {count = 8 : i64, dst_offset = 0 : i64, negate = true, shift = 1 : i64, src_offset = 0 : i64, src_stride = 1 : i64} : (tensor<2x8xi32>, tensor<2x8xi32>) -> tensor<2x8xi32>
  %z4 = arith.constant dense<0> : tensor<2x4xi32>
  %r0 = "xbar.shift_add"(%z4, %q1) {count = 4 : i64, dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
  %r1 = "xbar.shift_add"(%r0, %q1) {count = 4 : i64, dst_offset = 0 : i64, negate = true, shift = 0 : i64, src_offset = 1 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
  return %r1 : tensor<2x4xi32>
}

func.func @unscheduled_copies(%a: tensor<2x3xi2>, %cells: tensor<3x8xi8>) -> tensor<2x8xi32> {
  %t0 = "xbar.write"(%cells) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  %t1 = "xbar.write"(%cells) {col = 0 : i64, crossbar = 1 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  %p = "xbar.bitplane"(%a) {a_bits = 2 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "twos-complement"} : (tensor<2x3xi2>) -> tensor<2x3xi8>
  %s = "xbar.mvm"(%t1, %t0, %p) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, !xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  return %s : tensor<2x8xi32>
}
}
