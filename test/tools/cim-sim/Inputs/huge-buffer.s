; A buffer of 2^40 i8 elements (8 TiB as the simulator's int64 values): limits.test
.version 1
.target rows=256 cols=256 cell_bits=4 dac_bits=1 adc_bits=0 weight_mapping=differential-column input_encoding=twos-complement crossbars=1 ou_rows=256 write_ports=1 t_write_ps=56000000 t_mvm_ps=1400000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0
.input x i8[4]
.output y i8[4]
.buffer b0 i8[4]
.buffer b1 i8[1048576x1048576]
.code
  load b0, @x
  store @y, b0
  halt
