; The worked example of docs/dialects/xbar.md (A 2x3, 2-bit, times W 3x4,
; 4-bit, differential-column cells) scheduled on two crossbars: the tile is
; written to crossbar 0 and, as a copy, to crossbar 1 (same region, from b14,
; whose block d9 holds the same cells as d0); each mvm's two input rows run
; as two chunks of one row (chunk_rows=1), row 0 on crossbar 0 and row 1 on
; crossbar 1. Schedule (one write port, t_write 56 us, t_mvm 1.4 us):
;   write 0 on crossbar 0 [0, 56) us, write 1 on crossbar 1 [56, 112) us
;   mvm b4: row 0 on crossbar 0 [56, 57.4), row 1 on crossbar 1 [112, 113.4)
;   mvm b5: row 0 on crossbar 0 [57.4, 58.8), row 1 on crossbar 1 [113.4, 114.8)
; Used by test/tools/cim-sim/sched.test, test/unit/isa_test.c (verifier
; rules) and test/unit/sim_test.c (per-crossbar counters).
.version 1
.target rows=256 cols=256 cell_bits=4 dac_bits=1 adc_bits=0 weight_mapping=differential-column input_encoding=twos-complement crossbars=2 ou_rows=256 write_ports=1 t_write_ps=56000000 t_mvm_ps=1400000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0
.input a i2[2x3]
.output r i32[2x4]
.data d0 i8 24
  1 0 0 2 3 0 0 4  5 0 0 6 7 0 0 8  0 1 2 0 0 3 4 0
.data d1 i32 1
  0
; write 0: start 0 on crossbar 0
.data d2 i8 1
  0
.data d3 i8 1
  0
; write 1: start 56 us on crossbar 1
.data d4 i32 1
  56000000
.data d5 i8 1
  1
; mvm b4: rows 0 and 1 at 56 us and 112 us on crossbars 0 and 1
.data d6 i32 2
  56000000 112000000
.data d7 i8 2
  0 1
; mvm b5: rows 0 and 1 at 57.4 us and 113.4 us on crossbars 0 and 1
.data d8 i32 2
  57400000 113400000
; the copy's cells (equal to d0)
.data d9 i8 24
  1 0 0 2 3 0 0 4  5 0 0 6 7 0 0 8  0 1 2 0 0 3 4 0
.buffer b0 i8[3x8] = d0
.buffer b1 i2[2x3]
.buffer b2 i8[2x3]
.buffer b3 i8[2x3]
.buffer b4 i32[2x8]
.buffer b5 i32[2x8]
.buffer b6 i32[2x8] = d1
.buffer b7 i32[2x8]
.buffer b8 i32[2x4] = d1
.buffer b9 i32[2x4]
.buffer b10 i32[2x8]
.buffer b11 i32[2x8]
.buffer b12 i32[2x8]
.buffer b13 i32[2x4]
.buffer b14 i8[3x8] = d9
.code
  load b1, @a
  sched chunk_rows=1 start=d2 crossbar=d3 layer=0
  write b0 crossbar=0 row=0 col=0 layer=0
  sched chunk_rows=1 start=d4 crossbar=d5 layer=0
  write b14 crossbar=1 row=0 col=0 layer=0
  bitplane b2, b1 encoding=twos-complement a_bits=2 bit_offset=0 bits=1
  bitplane b3, b1 encoding=twos-complement a_bits=2 bit_offset=1 bits=1
  sched chunk_rows=1 start=d6 crossbar=d7 layer=0
  mvm b4, b2 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
  adc b10, b4 bits=0 shift=0 signed=false layer=0
  sched chunk_rows=1 start=d8 crossbar=d7 layer=0
  mvm b5, b3 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
  adc b11, b5 bits=0 shift=0 signed=false layer=0
  shift_add b7, b6, b10 src_offset=0 src_stride=1 dst_offset=0 count=8 shift=0 negate=false
  shift_add b12, b7, b11 src_offset=0 src_stride=1 dst_offset=0 count=8 shift=1 negate=true
  shift_add b9, b8, b12 src_offset=0 src_stride=2 dst_offset=0 count=4 shift=0 negate=false
  shift_add b13, b9, b12 src_offset=1 src_stride=2 dst_offset=0 count=4 shift=0 negate=true
  store @r, b13
  halt
