// `target=T.json:field=value,...` overrides single fields of the target a
// pass would use (cimTargetResolve): the file's, or with an empty path the
// module's cim.target (else the default). Every pass with a `target=` option
// takes the same value; cim-estimate shows the effect in numbers.

// The module: 2-bit cells, OU 64 on 256x256. 4-bit weights on a 4x3 layer:
// 2 slices, 12 columns, 4 rows, 1 tile; 4 planes; 2 invocations: 8 cycles,
// 96 ADC reads; latency 56 + 8 * 1.4 = 67.2 us (cim-estimate-target.mlir).

// 4-bit cells: 1 slice, 6 columns: 8 cycles, 48 reads, the same 67.2 us.
// RUN: cim-opt %s --cim-estimate='target=:cell_bits=4' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CELLS
// CELLS: layer 0 dense 4/4 1 1 8 48 67.200 0.000

// OU 2 rows: 4 rows take 2 sub-cycles: 16 cycles, 16 x 12 = 192 reads; a
// 1 us write:
// 1 + 16 * 1.4 = 23.4 us. Inside a pipeline the value keeps its commas.
// RUN: cim-opt %s --pass-pipeline='builtin.module(cim-estimate{target=:ou_rows=2,t_write_ns=1000})' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=OU
// OU: layer 0 dense 4/4 1 1 16 192 23.400 0.000

// On a file: examples/targets/multi-crossbar-ou.json (t_mvm 100 ns, t_adc
// 1 ns, e_write 3.91 pJ, e_mvm 0.2 pJ, e_adc 2 pJ) gives 56.896 us and
// 386.08 pJ (cim-estimate-target.mlir). With t_mvm 200 ns and e_adc 1 pJ:
// 56000 + 8 * 200 + 96 * 1 ns = 57.696 us; 187.68 + 6.4 + 96 * 1 pJ
// = 290.08 pJ = 0.290 nJ.
// RUN: cim-opt %s --cim-estimate='target=%cim_src_root/examples/targets/multi-crossbar-ou.json:t_mvm_ns=200,e_adc_pj=1' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=FILE
// FILE: layer 0 dense 4/4 1 1 8 96 57.696 0.290

// Errors are diagnostics at the module, with the range or the valid names.
// RUN: not cim-opt %s --cim-estimate='target=:cell_bits=9' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=RANGE
// RANGE: error: target override: field 'cell_bits': 9 is out of range [1, 8]
// RUN: not cim-opt %s --cim-estimate='target=:rowz=1' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NAME
// NAME: error: target override: unknown field 'rowz'; the fields are rows, cols, cell_bits, dac_bits, adc_bits, weight_mapping, input_encoding, crossbars, ou_rows, write_ports, t_write_ns, t_mvm_ns, t_adc_ns, t_digital_ns, t_buffer_ns, e_write_pj, e_mvm_pj, e_adc_pj, e_digital_pj, e_buffer_pj
// RUN: not cim-opt %s --cim-estimate='target=:write_ports=2' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CROSS
// CROSS: error: target override: field 'write_ports': 2 is out of range [1, 1]
// RUN: not cim-opt %s --cim-estimate='target=%t.missing.json:rows=1' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: cannot open target file '{{.*}}.missing.json'

module attributes {cim.target = #cim.target<256 : i64, 256 : i64, 2 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement", 1 : i64, 64 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
  func.func @f(%a: tensor<2x4xi4>, %w: tensor<4x3xi4>) -> tensor<2x3xi32> {
    %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 4 : i64, w_bits = 4 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<2x4xi4>, tensor<4x3xi4>) -> tensor<2x3xi32>
    return %m : tensor<2x3xi32>
  }
}
