; An input port of 2^32 i8 elements (32 GiB as the simulator's int64 values;
; a sim_run fuzz finding: the limit counted buffers only): limits.test
.version 1
.target rows=256 cols=256 cell_bits=4 dac_bits=1 adc_bits=0 weight_mapping=differential-column input_encoding=twos-complement crossbars=1 ou_rows=256 write_ports=1 t_write_ps=56000000 t_mvm_ps=1400000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0
.input x i8[65536x65536]
.output y i8[4]
.buffer b0 i8[4]
.code
  store @y, b0
  halt
