; Every instruction of the ISA once (requantize twice: with and without a
; bias), with shapes that satisfy every rule of docs/isa.md. Used by the
; round-trip tests (all-instructions.test) and test/unit/isa_test.c. The
; write and the mvm are scheduled (sched), so every write and mvm has one.
.version 1
.target rows=8 cols=8 cell_bits=2 dac_bits=1 adc_bits=4 weight_mapping=differential-column input_encoding=twos-complement crossbars=2 ou_rows=4 write_ports=1 t_write_ps=1000 t_mvm_ps=100 t_adc_ps=10 t_digital_ps=1 t_buffer_ps=2 e_write_fj=5 e_mvm_fj=3 e_adc_fj=7 e_digital_fj=11 e_buffer_fj=13
.input x i4[2x3]
.input img i8[1x2x4x4]
.output y i32[2x4]
.output pooled i8[1x2x2x2]
.output normed i8[2x4]
.data d0 i8 6
  1 -2 3 -4 5 -8
.data d1 i8 1
  0
.data d2 i8 2
  0 0
.data d3 i8 2
  1 0
.data d4 i32 4
  100000 -7 0 12
.data d5 i32 1
  1073741824
.data d6 i8 4
  30 31 30 32
.data d7 i8 8
  0 -1 -1 -1 0 1 2 3
.data d8 i8 4
  16 6 2 1
.data d9 i8 4
  64 64 64 64
.data d10 i8 4
  0 1 -1 0
.data d11 i8 1
  4
.data d12 i32 1
  100000
.data d13 i8 1
  1
.data d14 i32 2
  200000 300000
.data d15 i8 2
  1 1
.buffer b0 i4[2x3]
.buffer b1 i8[1x2x4x4]
.buffer b2 i4[3x2] = d0
.buffer b3 i8[3x8]
.buffer b4 i8[2x3]
.buffer b5 i32[2x8]
.buffer b6 i32[2x8]
.buffer b7 i32[2x4] = d1
.buffer b8 i32[2x4]
.buffer b9 i8[16x18]
.buffer b10 i8[2x3]
.buffer b11 i32[2x4]
.buffer b12 i32[4x2]
.buffer b13 i32[2x4]
.buffer b14 i8[2x4]
.buffer b15 i32[4] = d4
.buffer b16 i8[2x4]
.buffer b17 i8[2x4]
.buffer b18 i9[2x4]
.buffer b19 i8[2x4]
.buffer b20 i8[2x4]
.buffer b21 i8[1x2x2x2]
.buffer b22 i8[2x4]
.code
  load b0, @x
  load b1, @img
  weight_tile b3, b2 mapping=differential-column w_bits=4 w_signed=true cell_bits=2 k_offset=0 unit_offset=0
  sched chunk_rows=1 start=d12 crossbar=d13 layer=0
  write b3 crossbar=1 row=2 col=0 layer=0
  bitplane b4, b0 encoding=twos-complement a_bits=4 bit_offset=3 bits=1
  sched chunk_rows=1 start=d14 crossbar=d15 layer=0
  mvm b5, b4 crossbar=1 tile_row=2 tile_col=0 tile_rows=3 tile_cols=8 k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0
  adc b6, b5 bits=4 shift=1 signed=false layer=0
  shift_add b8, b7, b6 src_offset=0 src_stride=2 dst_offset=0 count=4 shift=3 negate=true
  barrier
  im2col b9, b1 layout=nchw kernel_h=3 kernel_w=3 stride_h=1 stride_w=1 dilation_h=1 dilation_w=1 pad_top=1 pad_left=1 pad_bottom=1 pad_right=1 pad_value=-1 channel_offset=0 channels=2
  slice b10, b9 offsets=d2
  insert b11, b8, b7 offsets=d2
  reshape b12, b11
  transpose b13, b12 permutation=d3
  requantize b14, b13, b15 axis=1 multiplier=d5 shift=d6 in_zero_point=0 out_zero_point=-3 qmin=-128 qmax=127
  clamp b16, b14 min=-3 max=127
  lut b17, b16 table=d7 in_min=-4
  add b18, b17, b16
  softmax b19, b18 axis=1 exp_table=d8 one=128 out_zero_point=0 qmin=0 qmax=127
  layer_norm b20, b19 axis=1 frac_bits=6 eps=0 gamma=d9 beta=d10 multiplier=1 shift=6 out_zero_point=0 qmin=-128 qmax=127
  pool b21, b1 kind=max layout=nchw window_h=2 window_w=2 stride_h=2 stride_w=2 pad_top=0 pad_left=0 pad_bottom=0 pad_right=0
  requantize b22, b13, _ axis=0 multiplier=d5 shift=d11 in_zero_point=0 out_zero_point=0 qmin=-7 qmax=7 layer=5
  store @y, b13
  store @pooled, b21
  store @normed, b20
  halt
