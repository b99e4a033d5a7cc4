// `target=T.json:field=value,...` overrides single fields of the target a
// pass would use (cimTargetResolveForPass): the file's, or with an empty
// path the program's (the module's cim.target), else the default. Every
// pass with a `target=` option takes the same value; cim-estimate shows the
// effect in numbers. The module below has no cim.target: the default.

// The default: 4-bit cells, OU 256 on 256x256. 4-bit weights on a 4x3
// layer: 1 slice, 6 columns, 4 rows, 1 tile; 4 planes; 2 invocations: 8
// cycles, 48 ADC reads; latency 56 + 8 * 1.4 = 67.2 us. Energy (docs/
// target.md, "Energy defaults"): 8 cycles * 4 rows = 32 row activations *
// 1017 fJ (256 * 2.34375 + 416.67) = 32544 fJ = 0.033 nJ; the ideal ADC's
// ceil(log2(256 * 15 + 1)) = 12 bits have no figure (0).
// RUN: cim-opt %s --cim-estimate -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFAULT
// DEFAULT: layer 0 dense 4/4 1 1 8 48 67.200 0.033

// 2-bit cells: 2 slices, 12 columns: 8 cycles, 96 reads, the same 67.2 us.
// The ADC energy follows the cells: an ideal ADC now needs
// ceil(log2(256 * 3 + 1)) = 10 bits, 2.379 pJ: 96 * 2379 + 32 * 1017 =
// 228384 + 32544 = 260928 fJ = 0.261 nJ.
// RUN: cim-opt %s --cim-estimate='target=:cell_bits=2' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CELLS
// CELLS: layer 0 dense 4/4 1 1 8 96 67.200 0.261

// OU 2 rows: 4 rows take 2 sub-cycles: 16 cycles, 16 x 6 = 96 reads; a
// 1 us write: 1 + 16 * 1.4 = 23.4 us. Inside a pipeline the value keeps its
// commas. The ideal ADC of 2 active rows needs ceil(log2(2 * 15 + 1)) = 5
// bits, 0.99 pJ: 96 * 990 + 16 * 2 rows * 1017 = 95040 + 32544 = 127584 fJ
// = 0.128 nJ.
// RUN: cim-opt %s --pass-pipeline='builtin.module(cim-estimate{target=:ou_rows=2,t_write_ns=1000})' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=OU
// OU: layer 0 dense 4/4 1 1 16 96 23.400 0.128

// On a file: examples/targets/multi-crossbar-ou.json (2-bit cells, t_mvm
// 100 ns, t_adc 1 ns, e_write 3.91 pJ, e_mvm 0.2 pJ, e_adc 2 pJ) gives
// 56.896 us and 386.08 pJ (cim-estimate-target.mlir). With t_mvm 200 ns and
// e_adc 1 pJ: 56000 + 8 * 200 + 96 * 1 ns = 57.696 us; 187.68 + 6.4 + 96 * 1
// pJ = 290.08 pJ = 0.290 nJ.
// RUN: cim-opt %s --cim-estimate='target=%cim_src_root/examples/targets/multi-crossbar-ou.json:t_mvm_ns=200,e_adc_pj=1' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=FILE
// FILE: layer 0 dense 4/4 1 1 8 96 57.696 0.290

// The first pass given a target records it on the module; a later pass
// given the same one runs, one given another fails naming the fields
// (given vs the program's). A suffix applies to the program's target, so
// `:cell_bits=2` is the same target again and `:cell_bits=3` is not; its
// ADC energy differs too (the ideal ADC of 3-bit cells needs
// ceil(log2(256 * 7 + 1)) = 11 bits, which no figure covers: 0).
// RUN: cim-opt %s --cim-estimate='target=:cell_bits=2 table=' | FileCheck %s --check-prefix=RECORDED
// RECORDED: module attributes {cim.target = #cim.target<256 : i64, 256 : i64, 2 : i64, 1 : i64,
// RUN: cim-opt %s --cim-estimate='target=:cell_bits=2 table=' --cim-estimate='target=:cell_bits=2' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CELLS
// RUN: cim-opt %s --cim-estimate='target=:cell_bits=2 table=' --cim-estimate -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CELLS
// RUN: not cim-opt %s --cim-estimate='target=:cell_bits=2 table=' --cim-estimate='target=:cell_bits=3' -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=OTHER
// OTHER: error: cim-estimate: target ':cell_bits=3' (fingerprint 0x{{[0-9a-f]+}}) differs from the program's target, the cim.target attribute of the module (fingerprint 0x{{[0-9a-f]+}}): cell_bits 3 vs 2, e_adc_pj 0 vs 2.379 (given vs the program's); a program is compiled for one target: give every pass the same target=, or none after the first

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

module {
  func.func @f(%a: tensor<2x4xi4>, %w: tensor<4x3xi4>) -> tensor<2x3xi32> {
    %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 4 : i64, w_bits = 4 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<2x4xi4>, tensor<4x3xi4>) -> tensor<2x3xi32>
    return %m : tensor<2x3xi32>
  }
}
