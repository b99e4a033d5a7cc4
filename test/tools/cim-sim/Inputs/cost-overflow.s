; A valid program whose cost does not fit in 64 bits: 10^4 elements loaded
; and stored are 2 x 10^4 buffer accesses, at the slowest valid buffer
; access (10^12 ns = 10^15 ps) 2 x 10^19 ps > INT64_MAX (~9.22 x 10^18).
; Pricing must fail with an error, never wrap or saturate (issue 18).
.version 1
.target rows=256 cols=256 cell_bits=4 dac_bits=1 adc_bits=0 weight_mapping=differential-column input_encoding=twos-complement crossbars=1 ou_rows=256 write_ports=1 t_write_ps=56000000 t_mvm_ps=1400000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=1000000000000000 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0
.input a i8[100x100]
.output r i8[100x100]
.buffer b0 i8[100x100]
.code
  load b0, @a
  store @r, b0
  halt
