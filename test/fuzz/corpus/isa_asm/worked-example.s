; The worked example of docs/dialects/xbar.md: A (2x3, 2-bit signed) times
; W (3x4, 4-bit signed, differential-column cells), reference target.
.version 1
.target rows=256 cols=256 cell_bits=4 dac_bits=1 adc_bits=0 weight_mapping=differential-column input_encoding=twos-complement crossbars=1 ou_rows=256 write_ports=1 t_write_ps=56000000 t_mvm_ps=1400000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0
.input a i2[2x3]
.output r i32[2x4]
.data d0 i8 24
  1 0 0 2 3 0 0 4  5 0 0 6 7 0 0 8  0 1 2 0 0 3 4 0
.data d1 i32 1
  0
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
.code
  load b1, @a
  write b0 crossbar=0 row=0 col=0 layer=0
  bitplane b2, b1 encoding=twos-complement a_bits=2 bit_offset=0 bits=1
  bitplane b3, b1 encoding=twos-complement a_bits=2 bit_offset=1 bits=1
  mvm b4, b2 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
  adc b10, b4 bits=0 shift=0 signed=false layer=0
  mvm b5, b3 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
  adc b11, b5 bits=0 shift=0 signed=false layer=0
  shift_add b7, b6, b10 src_offset=0 src_stride=1 dst_offset=0 count=8 shift=0 negate=false
  shift_add b12, b7, b11 src_offset=0 src_stride=1 dst_offset=0 count=8 shift=1 negate=true
  shift_add b9, b8, b12 src_offset=0 src_stride=2 dst_offset=0 count=4 shift=0 negate=false
  shift_add b13, b9, b12 src_offset=1 src_stride=2 dst_offset=0 count=4 shift=0 negate=true
  store @r, b13
  halt
