; cimlir ISA program (docs/isa.md)
.version 1
.target rows=256 cols=256 cell_bits=4 dac_bits=1 adc_bits=0 weight_mapping=differential-column input_encoding=twos-complement crossbars=1 ou_rows=256 write_ports=1 t_write_ps=56000000 t_mvm_ps=1400000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0
.fingerprint 0x4cf37c4feaef0b6a
.input arg0 i8[1x1x8x8]
.output result0 i32[1x10]
.data d0 i8 36
  -103 -32 103 127 -24 -48 95 8 -87 127 -8 -111 -79 -8 56 16
  -24 40 16 -111 -127 -64 -87 -103 -119 -24 -111 32 103 -48 79 -71
  16 -8 71 -16
.data d1 i8 2
  1 0
.data d2 i8 1
  0
.data d3 i8 1
  0
.data d4 i8 3
  0 2 1
.data d5 i16 4
  1344 336 0 -1680
.data d6 i32 1
  2147350504
.data d7 i8 1
  40
.data d8 i8 288
  0 0 2 6 -2 -4 7 6 -2 0 7 4 -2 6 6 5
  -2 -6 -1 1 2 3 -1 5 -2 0 7 4 4 -3 1 3
  -2 0 -3 2 0 -3 1 1 -6 -1 6 -7 7 -5 5 5
  4 1 -4 -3 -4 7 6 -2 2 -5 3 3 4 7 -7 1
  5 -4 0 -2 3 -7 -2 -2 -1 3 -7 2 0 7 1 7
  0 3 -7 -5 -4 6 -2 -4 -7 7 5 -5 -5 -4 -6 -3
  4 -6 3 5 7 0 7 0 -7 1 7 -6 -1 -6 -4 3
  -4 7 4 2 -3 3 4 6 4 -4 4 7 0 -7 -6 -5
  -4 -7 -7 -1 4 -5 2 -7 -3 -3 -4 5 -4 -5 -1 -2
  -4 -5 4 1 6 7 4 4 0 -3 2 -2 2 4 6 3
  -6 -7 -5 7 5 0 -6 1 2 1 -4 0 -5 2 -3 4
  2 5 3 -7 0 3 7 0 1 -6 -1 -3 -1 0 4 -4
  -7 -2 -7 -1 1 4 -2 4 6 -4 6 -6 2 7 -4 2
  0 -2 0 3 -1 -5 -4 1 3 -7 -1 7 0 6 -6 -4
  1 -5 -2 -2 -7 1 2 -1 -7 1 2 -1 3 6 -2 2
  0 3 0 4 6 1 1 0 -3 -7 0 -6 -5 -2 0 3
  -1 2 -2 4 5 7 1 2 -6 -3 7 3 -7 -4 3 6
  3 3 -1 6 1 -6 -7 -7 -5 7 1 1 4 6 -2 4
.data d9 i8 2
  1 0
.data d10 i8 1
  0
.data d11 i8 1
  0
.data d12 i8 3
  0 2 1
.data d13 i8 8
  74 0 -64 -18 55 -74 64 -37
.data d14 i32 1
  1241742245
.data d15 i8 1
  32
.data d16 i8 8
  74 0 -64 -18 55 -74 64 -37
.data d17 i32 1
  1168698584
.data d18 i8 1
  36
.data d19 i8 576
  0 2 3 2 0 2 1 -3 3 2 -1 0 -2 -2 0 -2
  2 -2 -2 1 -1 -2 2 -2 3 2 1 -3 2 2 3 -1
  2 1 3 -3 2 1 -2 -3 -2 -2 1 2 3 -2 -3 1
  -2 2 -3 -1 -1 2 -2 3 1 2 0 2 2 -3 -3 3
  -1 0 -3 0 0 1 3 -1 0 1 0 1 3 0 -1 1
  -2 -3 -2 -3 -3 -2 2 -1 1 2 -2 2 1 3 2 1
  0 2 3 -2 -3 2 0 3 0 0 -3 1 3 0 -1 -1
  -1 3 2 -3 -3 0 -2 1 -3 -2 2 -1 3 0 -3 1
  3 -2 2 -1 2 -3 0 -2 0 0 2 -2 2 3 2 -3
  -1 0 0 -1 0 -2 1 2 -1 -1 0 -3 2 2 2 1
  1 2 1 2 -2 0 -2 2 1 0 -3 2 0 1 -1 0
  -1 1 3 -1 -3 -2 -2 3 2 2 1 2 -2 1 3 2
  -2 0 3 -1 0 1 -1 3 0 -3 2 -1 -2 2 0 1
  0 2 2 0 1 1 -3 2 1 1 -1 -3 2 -1 -3 -3
  -1 -2 1 -1 -1 -2 2 0 -1 1 2 -3 -1 -2 -3 3
  1 0 0 1 2 0 -1 -3 1 1 1 2 2 1 -2 -3
  3 -2 3 3 -2 1 -2 1 -3 -2 -1 2 -1 0 -1 1
  0 -2 -3 -1 2 -2 -2 -3 2 -3 3 -1 -2 1 -3 -1
  3 2 2 -3 -3 2 -2 2 -2 2 1 1 3 -1 -2 -3
  0 2 -2 -2 0 0 -2 2 -1 -2 -2 1 1 2 1 1
  2 -2 2 -1 -1 1 0 3 1 1 0 1 0 -2 -3 -1
  -2 -1 2 -1 1 2 3 2 2 3 -1 1 -2 2 2 -2
  2 2 1 1 0 -1 -2 -2 -1 3 -2 -2 0 2 2 2
  2 -3 1 0 -2 0 -1 -2 1 2 3 2 -1 0 -2 -1
  -2 -2 3 2 -2 -2 0 -3 2 3 2 -3 3 1 -2 2
  -2 -2 2 -2 1 -2 3 -1 -1 3 1 1 1 2 -2 -3
  2 -1 1 1 2 0 3 -2 -2 1 3 0 -3 2 -3 1
  -1 -2 3 2 -2 3 -3 0 2 2 -1 3 0 3 3 1
  -2 -3 2 0 -2 2 0 -1 2 1 -2 2 3 -3 2 -2
  -2 -1 -1 -2 2 0 2 -2 0 0 -2 0 3 -1 -1 0
  1 -2 1 -3 2 2 3 -3 0 3 -2 -1 0 -2 2 -1
  1 1 0 -2 2 3 0 -2 1 -2 1 2 0 -3 3 1
  -2 2 2 3 2 2 -3 -1 -1 1 -1 -2 -3 -2 -2 -3
  0 -3 -2 0 -1 -1 1 2 -2 2 2 0 0 -3 0 -2
  0 2 -2 1 1 2 2 -1 2 2 3 -1 3 -2 1 2
  1 0 1 -2 -1 2 -2 2 0 -1 2 -1 2 -3 1 2
.data d20 i8 2
  1 0
.data d21 i8 1
  0
.data d22 i8 1
  0
.data d23 i8 3
  0 2 1
.data d24 i8 8
  -6 7 5 4 -7 0 3 7
.data d25 i32 1
  1515169018
.data d26 i8 1
  30
.data d27 i32 1
  1077969154
.data d28 i8 1
  21
.data d29 i32 1
  1073741824
.data d30 i8 1
  22
.data d31 i8 1
  1
.data d32 i8 1
  0
.data d33 i32 1
  1073741824
.data d34 i8 1
  38
.data d35 i8 80
  0 -111 127 -79 119 0 127 -48 -79 87 -64 24 40 -87 0 87
  64 -87 16 -40 -8 111 24 95 -40 -119 103 119 -71 111 111 127
  16 -8 -87 -111 111 103 -40 0 -16 111 0 -64 -40 32 -64 127
  -111 64 -71 56 -40 32 87 -87 -119 -95 87 -103 -119 -79 -71 -95
  24 -79 32 -87 -71 0 -87 32 -8 -32 103 64 71 -8 -8 -119
.data d36 i8 1
  0
.data d37 i8 1
  0
.data d38 i16 10
  -2024 5398 4048 -4723 -4048 0 -2024 4048 4048 2699
.data d39 i8 1
  1
.data d40 i8 1
  0
.buffer b0 i8[1x1x8x8]
.buffer b1 i8[4x1x3x3] = d0
.buffer b2 i8[64x9]
.buffer b3 i8[4x9]
.buffer b4 i8[9x4]
.buffer b5 i32[64x4] = d2
.buffer b6 i8[64x9]
.buffer b7 i8[64x9]
.buffer b8 i8[64x9]
.buffer b9 i8[64x9]
.buffer b10 i8[64x9]
.buffer b11 i8[64x9]
.buffer b12 i8[64x9]
.buffer b13 i8[64x9]
.buffer b14 i8[9x16]
.buffer b15 i32[64x16] = d3
.buffer b16 i32[64x16]
.buffer b17 i32[64x16]
.buffer b18 i32[64x16]
.buffer b19 i32[64x4]
.buffer b20 i32[64x4]
.buffer b21 i32[1x64x4]
.buffer b22 i32[1x4x64]
.buffer b23 i32[1x4x8x8]
.buffer b24 i32[1x4x4x4]
.buffer b25 i32[4] = d5
.buffer b26 i7[1x4x4x4]
.buffer b27 i4[8x4x3x3] = d8
.buffer b28 i7[16x36]
.buffer b29 i4[8x36]
.buffer b30 i4[36x8]
.buffer b31 i32[16x8] = d10
.buffer b32 i8[16x36]
.buffer b33 i8[16x36]
.buffer b34 i8[16x36]
.buffer b35 i8[16x36]
.buffer b36 i8[16x36]
.buffer b37 i8[16x36]
.buffer b38 i8[36x16]
.buffer b39 i32[16x16] = d11
.buffer b40 i32[16x16]
.buffer b41 i32[16x16]
.buffer b42 i32[16x16]
.buffer b43 i32[16x8]
.buffer b44 i32[16x8]
.buffer b45 i32[1x16x8]
.buffer b46 i32[1x8x16]
.buffer b47 i32[1x8x4x4]
.buffer b48 i32[8] = d13
.buffer b49 i9[1x8x4x4]
.buffer b50 i32[8] = d16
.buffer b51 i5[1x8x4x4]
.buffer b52 i3[8x8x3x3] = d19
.buffer b53 i5[16x72]
.buffer b54 i3[8x72]
.buffer b55 i3[72x8]
.buffer b56 i32[16x8] = d21
.buffer b57 i8[16x72]
.buffer b58 i8[16x72]
.buffer b59 i8[16x72]
.buffer b60 i8[16x72]
.buffer b61 i8[72x16]
.buffer b62 i32[16x16] = d22
.buffer b63 i32[8] = d24
.buffer b64 i8[1x8x4x4]
.buffer b65 i32[1x8x4x4]
.buffer b66 i32[1x8x4x4]
.buffer b67 i32[1x8x1x1]
.buffer b68 i9[1x8x1x1]
.buffer b69 i9[1x8]
.buffer b70 i8[8x10] = d35
.buffer b71 i32[1x10] = d36
.buffer b72 i8[1x8]
.buffer b73 i8[1x8]
.buffer b74 i8[1x8]
.buffer b75 i8[1x8]
.buffer b76 i8[1x8]
.buffer b77 i8[1x8]
.buffer b78 i8[1x8]
.buffer b79 i8[1x8]
.buffer b80 i8[8x40]
.buffer b81 i32[1x40] = d37
.buffer b82 i32[1x40]
.buffer b83 i32[1x40]
.buffer b84 i32[1x40]
.buffer b85 i32[1x10]
.buffer b86 i32[1x10]
.buffer b87 i32[10] = d38
.code
  load b0, @arg0
  im2col b2, b0 layout=nchw kernel_h=3 kernel_w=3 stride_h=1 stride_w=1 dilation_h=1 dilation_w=1 pad_top=1 pad_left=1 pad_bottom=1 pad_right=1 pad_value=0 channel_offset=0 channels=1
  reshape b3, b1
  transpose b4, b3 permutation=d1
  bitplane b6, b2 encoding=twos-complement a_bits=8 bit_offset=0 bits=1
  bitplane b7, b2 encoding=twos-complement a_bits=8 bit_offset=1 bits=1
  bitplane b8, b2 encoding=twos-complement a_bits=8 bit_offset=2 bits=1
  bitplane b9, b2 encoding=twos-complement a_bits=8 bit_offset=3 bits=1
  bitplane b10, b2 encoding=twos-complement a_bits=8 bit_offset=4 bits=1
  bitplane b11, b2 encoding=twos-complement a_bits=8 bit_offset=5 bits=1
  bitplane b12, b2 encoding=twos-complement a_bits=8 bit_offset=6 bits=1
  bitplane b13, b2 encoding=twos-complement a_bits=8 bit_offset=7 bits=1
  weight_tile b14, b4 mapping=differential-column w_bits=8 w_signed=true cell_bits=4 k_offset=0 unit_offset=0
  write b14 crossbar=0 row=0 col=0 layer=0
  mvm b16, b6 crossbar=0 tile_row=0 tile_col=0 tile_rows=9 tile_cols=16 k_offset=0 row_offset=0 rows=9 differential_rows=false layer=0
  adc b17, b16 bits=0 shift=0 signed=false layer=0
  shift_add b16, b15, b17 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=0 negate=false
  mvm b17, b7 crossbar=0 tile_row=0 tile_col=0 tile_rows=9 tile_cols=16 k_offset=0 row_offset=0 rows=9 differential_rows=false layer=0
  adc b18, b17 bits=0 shift=0 signed=false layer=0
  shift_add b17, b16, b18 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=1 negate=false
  mvm b18, b8 crossbar=0 tile_row=0 tile_col=0 tile_rows=9 tile_cols=16 k_offset=0 row_offset=0 rows=9 differential_rows=false layer=0
  adc b16, b18 bits=0 shift=0 signed=false layer=0
  shift_add b18, b17, b16 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=2 negate=false
  mvm b16, b9 crossbar=0 tile_row=0 tile_col=0 tile_rows=9 tile_cols=16 k_offset=0 row_offset=0 rows=9 differential_rows=false layer=0
  adc b17, b16 bits=0 shift=0 signed=false layer=0
  shift_add b16, b18, b17 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=3 negate=false
  mvm b17, b10 crossbar=0 tile_row=0 tile_col=0 tile_rows=9 tile_cols=16 k_offset=0 row_offset=0 rows=9 differential_rows=false layer=0
  adc b18, b17 bits=0 shift=0 signed=false layer=0
  shift_add b17, b16, b18 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=4 negate=false
  mvm b18, b11 crossbar=0 tile_row=0 tile_col=0 tile_rows=9 tile_cols=16 k_offset=0 row_offset=0 rows=9 differential_rows=false layer=0
  adc b16, b18 bits=0 shift=0 signed=false layer=0
  shift_add b18, b17, b16 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=5 negate=false
  mvm b16, b12 crossbar=0 tile_row=0 tile_col=0 tile_rows=9 tile_cols=16 k_offset=0 row_offset=0 rows=9 differential_rows=false layer=0
  adc b17, b16 bits=0 shift=0 signed=false layer=0
  shift_add b16, b18, b17 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=6 negate=false
  mvm b17, b13 crossbar=0 tile_row=0 tile_col=0 tile_rows=9 tile_cols=16 k_offset=0 row_offset=0 rows=9 differential_rows=false layer=0
  adc b18, b17 bits=0 shift=0 signed=false layer=0
  shift_add b17, b16, b18 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=7 negate=true
  shift_add b19, b5, b17 src_offset=0 src_stride=4 dst_offset=0 count=4 shift=0 negate=false
  shift_add b20, b19, b17 src_offset=1 src_stride=4 dst_offset=0 count=4 shift=0 negate=true
  shift_add b19, b20, b17 src_offset=2 src_stride=4 dst_offset=0 count=4 shift=4 negate=false
  shift_add b20, b19, b17 src_offset=3 src_stride=4 dst_offset=0 count=4 shift=4 negate=true
  reshape b21, b20
  transpose b22, b21 permutation=d4
  reshape b23, b22
  pool b24, b23 kind=max layout=nchw window_h=2 window_w=2 stride_h=2 stride_w=2 pad_top=0 pad_left=0 pad_bottom=0 pad_right=0
  requantize b26, b24, b25 axis=1 multiplier=d6 shift=d7 in_zero_point=0 out_zero_point=0 qmin=0 qmax=63
  im2col b28, b26 layout=nchw kernel_h=3 kernel_w=3 stride_h=1 stride_w=1 dilation_h=1 dilation_w=1 pad_top=1 pad_left=1 pad_bottom=1 pad_right=1 pad_value=0 channel_offset=0 channels=4
  reshape b29, b27
  transpose b30, b29 permutation=d9
  bitplane b32, b28 encoding=unsigned a_bits=6 bit_offset=0 bits=1
  bitplane b33, b28 encoding=unsigned a_bits=6 bit_offset=1 bits=1
  bitplane b34, b28 encoding=unsigned a_bits=6 bit_offset=2 bits=1
  bitplane b35, b28 encoding=unsigned a_bits=6 bit_offset=3 bits=1
  bitplane b36, b28 encoding=unsigned a_bits=6 bit_offset=4 bits=1
  bitplane b37, b28 encoding=unsigned a_bits=6 bit_offset=5 bits=1
  weight_tile b38, b30 mapping=differential-column w_bits=4 w_signed=true cell_bits=4 k_offset=0 unit_offset=0
  write b38 crossbar=0 row=0 col=0 layer=1
  mvm b40, b32 crossbar=0 tile_row=0 tile_col=0 tile_rows=36 tile_cols=16 k_offset=0 row_offset=0 rows=36 differential_rows=false layer=1
  adc b41, b40 bits=0 shift=0 signed=false layer=1
  shift_add b40, b39, b41 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=0 negate=false
  mvm b41, b33 crossbar=0 tile_row=0 tile_col=0 tile_rows=36 tile_cols=16 k_offset=0 row_offset=0 rows=36 differential_rows=false layer=1
  adc b42, b41 bits=0 shift=0 signed=false layer=1
  shift_add b41, b40, b42 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=1 negate=false
  mvm b42, b34 crossbar=0 tile_row=0 tile_col=0 tile_rows=36 tile_cols=16 k_offset=0 row_offset=0 rows=36 differential_rows=false layer=1
  adc b40, b42 bits=0 shift=0 signed=false layer=1
  shift_add b42, b41, b40 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=2 negate=false
  mvm b40, b35 crossbar=0 tile_row=0 tile_col=0 tile_rows=36 tile_cols=16 k_offset=0 row_offset=0 rows=36 differential_rows=false layer=1
  adc b41, b40 bits=0 shift=0 signed=false layer=1
  shift_add b40, b42, b41 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=3 negate=false
  mvm b41, b36 crossbar=0 tile_row=0 tile_col=0 tile_rows=36 tile_cols=16 k_offset=0 row_offset=0 rows=36 differential_rows=false layer=1
  adc b42, b41 bits=0 shift=0 signed=false layer=1
  shift_add b41, b40, b42 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=4 negate=false
  mvm b42, b37 crossbar=0 tile_row=0 tile_col=0 tile_rows=36 tile_cols=16 k_offset=0 row_offset=0 rows=36 differential_rows=false layer=1
  adc b40, b42 bits=0 shift=0 signed=false layer=1
  shift_add b42, b41, b40 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=5 negate=false
  shift_add b43, b31, b42 src_offset=0 src_stride=2 dst_offset=0 count=8 shift=0 negate=false
  shift_add b44, b43, b42 src_offset=1 src_stride=2 dst_offset=0 count=8 shift=0 negate=true
  reshape b45, b44
  transpose b46, b45 permutation=d12
  reshape b47, b46
  requantize b49, b47, b48 axis=1 multiplier=d14 shift=d15 in_zero_point=0 out_zero_point=0 qmin=0 qmax=255
  requantize b51, b47, b50 axis=1 multiplier=d17 shift=d18 in_zero_point=0 out_zero_point=0 qmin=0 qmax=15
  im2col b53, b51 layout=nchw kernel_h=3 kernel_w=3 stride_h=1 stride_w=1 dilation_h=1 dilation_w=1 pad_top=1 pad_left=1 pad_bottom=1 pad_right=1 pad_value=0 channel_offset=0 channels=8
  reshape b54, b52
  transpose b55, b54 permutation=d20
  bitplane b57, b53 encoding=unsigned a_bits=4 bit_offset=0 bits=1
  bitplane b58, b53 encoding=unsigned a_bits=4 bit_offset=1 bits=1
  bitplane b59, b53 encoding=unsigned a_bits=4 bit_offset=2 bits=1
  bitplane b60, b53 encoding=unsigned a_bits=4 bit_offset=3 bits=1
  weight_tile b61, b55 mapping=differential-column w_bits=3 w_signed=true cell_bits=4 k_offset=0 unit_offset=0
  write b61 crossbar=0 row=0 col=0 layer=2
  mvm b42, b57 crossbar=0 tile_row=0 tile_col=0 tile_rows=72 tile_cols=16 k_offset=0 row_offset=0 rows=72 differential_rows=false layer=2
  adc b40, b42 bits=0 shift=0 signed=false layer=2
  shift_add b42, b62, b40 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=0 negate=false
  mvm b40, b58 crossbar=0 tile_row=0 tile_col=0 tile_rows=72 tile_cols=16 k_offset=0 row_offset=0 rows=72 differential_rows=false layer=2
  adc b41, b40 bits=0 shift=0 signed=false layer=2
  shift_add b40, b42, b41 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=1 negate=false
  mvm b41, b59 crossbar=0 tile_row=0 tile_col=0 tile_rows=72 tile_cols=16 k_offset=0 row_offset=0 rows=72 differential_rows=false layer=2
  adc b42, b41 bits=0 shift=0 signed=false layer=2
  shift_add b41, b40, b42 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=2 negate=false
  mvm b42, b60 crossbar=0 tile_row=0 tile_col=0 tile_rows=72 tile_cols=16 k_offset=0 row_offset=0 rows=72 differential_rows=false layer=2
  adc b40, b42 bits=0 shift=0 signed=false layer=2
  shift_add b42, b41, b40 src_offset=0 src_stride=1 dst_offset=0 count=16 shift=3 negate=false
  shift_add b44, b56, b42 src_offset=0 src_stride=2 dst_offset=0 count=8 shift=0 negate=false
  shift_add b43, b44, b42 src_offset=1 src_stride=2 dst_offset=0 count=8 shift=0 negate=true
  reshape b45, b43
  transpose b46, b45 permutation=d23
  reshape b47, b46
  requantize b64, b47, b63 axis=1 multiplier=d25 shift=d26 in_zero_point=0 out_zero_point=0 qmin=-127 qmax=127
  requantize b47, b64, _ axis=0 multiplier=d27 shift=d28 in_zero_point=0 out_zero_point=0 qmin=-65281 qmax=65281
  requantize b65, b49, _ axis=0 multiplier=d29 shift=d30 in_zero_point=0 out_zero_point=0 qmin=-65281 qmax=65281
  add b66, b47, b65
  requantize b65, b66, _ axis=0 multiplier=d31 shift=d32 in_zero_point=0 out_zero_point=0 qmin=0 qmax=2147483647
  pool b67, b65 kind=avg layout=nchw window_h=4 window_w=4 stride_h=1 stride_w=1 pad_top=0 pad_left=0 pad_bottom=0 pad_right=0
  requantize b68, b67, _ axis=0 multiplier=d33 shift=d34 in_zero_point=0 out_zero_point=0 qmin=0 qmax=255
  reshape b69, b68
  bitplane b72, b69 encoding=unsigned a_bits=8 bit_offset=0 bits=1
  bitplane b73, b69 encoding=unsigned a_bits=8 bit_offset=1 bits=1
  bitplane b74, b69 encoding=unsigned a_bits=8 bit_offset=2 bits=1
  bitplane b75, b69 encoding=unsigned a_bits=8 bit_offset=3 bits=1
  bitplane b76, b69 encoding=unsigned a_bits=8 bit_offset=4 bits=1
  bitplane b77, b69 encoding=unsigned a_bits=8 bit_offset=5 bits=1
  bitplane b78, b69 encoding=unsigned a_bits=8 bit_offset=6 bits=1
  bitplane b79, b69 encoding=unsigned a_bits=8 bit_offset=7 bits=1
  weight_tile b80, b70 mapping=differential-column w_bits=8 w_signed=true cell_bits=4 k_offset=0 unit_offset=0
  write b80 crossbar=0 row=0 col=0 layer=3
  mvm b82, b72 crossbar=0 tile_row=0 tile_col=0 tile_rows=8 tile_cols=40 k_offset=0 row_offset=0 rows=8 differential_rows=false layer=3
  adc b83, b82 bits=0 shift=0 signed=false layer=3
  shift_add b82, b81, b83 src_offset=0 src_stride=1 dst_offset=0 count=40 shift=0 negate=false
  mvm b83, b73 crossbar=0 tile_row=0 tile_col=0 tile_rows=8 tile_cols=40 k_offset=0 row_offset=0 rows=8 differential_rows=false layer=3
  adc b84, b83 bits=0 shift=0 signed=false layer=3
  shift_add b83, b82, b84 src_offset=0 src_stride=1 dst_offset=0 count=40 shift=1 negate=false
  mvm b84, b74 crossbar=0 tile_row=0 tile_col=0 tile_rows=8 tile_cols=40 k_offset=0 row_offset=0 rows=8 differential_rows=false layer=3
  adc b82, b84 bits=0 shift=0 signed=false layer=3
  shift_add b84, b83, b82 src_offset=0 src_stride=1 dst_offset=0 count=40 shift=2 negate=false
  mvm b82, b75 crossbar=0 tile_row=0 tile_col=0 tile_rows=8 tile_cols=40 k_offset=0 row_offset=0 rows=8 differential_rows=false layer=3
  adc b83, b82 bits=0 shift=0 signed=false layer=3
  shift_add b82, b84, b83 src_offset=0 src_stride=1 dst_offset=0 count=40 shift=3 negate=false
  mvm b83, b76 crossbar=0 tile_row=0 tile_col=0 tile_rows=8 tile_cols=40 k_offset=0 row_offset=0 rows=8 differential_rows=false layer=3
  adc b84, b83 bits=0 shift=0 signed=false layer=3
  shift_add b83, b82, b84 src_offset=0 src_stride=1 dst_offset=0 count=40 shift=4 negate=false
  mvm b84, b77 crossbar=0 tile_row=0 tile_col=0 tile_rows=8 tile_cols=40 k_offset=0 row_offset=0 rows=8 differential_rows=false layer=3
  adc b82, b84 bits=0 shift=0 signed=false layer=3
  shift_add b84, b83, b82 src_offset=0 src_stride=1 dst_offset=0 count=40 shift=5 negate=false
  mvm b82, b78 crossbar=0 tile_row=0 tile_col=0 tile_rows=8 tile_cols=40 k_offset=0 row_offset=0 rows=8 differential_rows=false layer=3
  adc b83, b82 bits=0 shift=0 signed=false layer=3
  shift_add b82, b84, b83 src_offset=0 src_stride=1 dst_offset=0 count=40 shift=6 negate=false
  mvm b83, b79 crossbar=0 tile_row=0 tile_col=0 tile_rows=8 tile_cols=40 k_offset=0 row_offset=0 rows=8 differential_rows=false layer=3
  adc b84, b83 bits=0 shift=0 signed=false layer=3
  shift_add b83, b82, b84 src_offset=0 src_stride=1 dst_offset=0 count=40 shift=7 negate=false
  shift_add b85, b71, b83 src_offset=0 src_stride=4 dst_offset=0 count=10 shift=0 negate=false
  shift_add b86, b85, b83 src_offset=1 src_stride=4 dst_offset=0 count=10 shift=0 negate=true
  shift_add b85, b86, b83 src_offset=2 src_stride=4 dst_offset=0 count=10 shift=4 negate=false
  shift_add b86, b85, b83 src_offset=3 src_stride=4 dst_offset=0 count=10 shift=4 negate=true
  requantize b85, b86, b87 axis=1 multiplier=d39 shift=d40 in_zero_point=0 out_zero_point=0 qmin=-2147483648 qmax=2147483647
  store @result0, b85
  halt
