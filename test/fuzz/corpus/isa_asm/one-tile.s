; cimlir ISA program (docs/isa.md)
.version 1
.target rows=256 cols=256 cell_bits=4 dac_bits=1 adc_bits=0 weight_mapping=differential-column input_encoding=twos-complement crossbars=1 ou_rows=256 write_ports=1 t_write_ps=56000000 t_mvm_ps=1400000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0
.fingerprint 0x4cf37c4feaef0b6a
.input arg0 i2[2x3]
.output result0 i32[2x4]
.data d0 i8 12
  1 -2 3 -4 5 -6 7 -8 -1 2 -3 4
.data d1 i8 1
  0
.data d2 i8 1
  0
.buffer b0 i2[2x3]
.buffer b1 i4[3x4] = d0
.buffer b2 i8[3x8]
.buffer b3 i8[2x3]
.buffer b4 i8[2x3]
.buffer b5 i32[2x8]
.buffer b6 i32[2x8]
.buffer b7 i32[2x8]
.buffer b8 i32[2x8] = d1
.buffer b9 i32[2x4] = d2
.buffer b10 i32[2x4]
.buffer b11 i32[2x4]
.code
  load b0, @arg0
  weight_tile b2, b1 mapping=differential-column w_bits=4 w_signed=true cell_bits=4 k_offset=0 unit_offset=0
  write b2 crossbar=0 row=0 col=0 layer=0
  bitplane b3, b0 encoding=twos-complement a_bits=2 bit_offset=0 bits=1
  bitplane b4, b0 encoding=twos-complement a_bits=2 bit_offset=1 bits=1
  mvm b5, b3 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
  adc b6, b5 bits=0 shift=0 signed=false layer=0
  mvm b5, b4 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
  adc b7, b5 bits=0 shift=0 signed=false layer=0
  shift_add b5, b8, b6 src_offset=0 src_stride=1 dst_offset=0 count=8 shift=0 negate=false
  shift_add b6, b5, b7 src_offset=0 src_stride=1 dst_offset=0 count=8 shift=1 negate=true
  shift_add b10, b9, b6 src_offset=0 src_stride=2 dst_offset=0 count=4 shift=0 negate=false
  shift_add b11, b10, b6 src_offset=1 src_stride=2 dst_offset=0 count=4 shift=0 negate=true
  barrier
  store @result0, b11
  halt
