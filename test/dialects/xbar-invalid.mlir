// RUN: %cim-opt %s --split-input-file --verify-diagnostics

// One case per kind of constraint the xbar IRDL definitions check, with
// MLIR 22's IRDL verifier messages.

// An MVM reads a tile that xbar.write put on a crossbar, not raw cells.
func.func @mvm_on_cells(%cells: tensor<3x8xi8>, %d: tensor<2x3xi8>) {
  // expected-error @+1 {{expected base type 'xbar.tile' but got 'builtin.tensor'}}
  %0 = "xbar.mvm"(%cells, %d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (tensor<3x8xi8>, tensor<2x3xi8>) -> tensor<2x8xi32>
  return
}

// -----

// The operands before the digits are tile copies: tiles, not cells.
func.func @mvm_copy_is_cells(%t: !xbar.tile, %cells: tensor<3x8xi8>, %d: tensor<2x3xi8>) {
  // expected-error @+1 {{expected base type 'xbar.tile' but got 'builtin.tensor'}}
  %0 = "xbar.mvm"(%t, %cells, %d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<3x8xi8>, tensor<2x3xi8>) -> tensor<2x8xi32>
  return
}

// -----

func.func @write_returns_tile(%cells: tensor<3x8xi8>) {
  // expected-error @+1 {{expected base type 'xbar.tile' but got 'builtin.tensor'}}
  %0 = "xbar.write"(%cells) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> tensor<3x8xi8>
  return
}

// -----

func.func @tile_is_not_a_tensor(%t: !xbar.tile) {
  // expected-error @+1 {{expected base type 'builtin.tensor' but got 'xbar.tile'}}
  %0 = "xbar.adc"(%t) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (!xbar.tile) -> tensor<2x8xi32>
  return
}

// -----

func.func @bad_mapping(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'"differential"' does not satisfy the constraint}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 4 : i64, k_offset = 0 : i64, mapping = "differential", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x8xi8>
  return
}

// -----

// Cells hold 1 to 8 bits.
func.func @zero_bit_cells(%w: tensor<3x4xi4>) {
  // expected-error @+1 {{'0 : i64' does not satisfy the constraint}}
  %0 = "xbar.weight_tile"(%w) {cell_bits = 0 : i64, k_offset = 0 : i64, mapping = "offset", unit_offset = 0 : i64, w_bits = 4 : i64, w_signed = true} : (tensor<3x4xi4>) -> tensor<3x5xi8>
  return
}

// -----

func.func @bad_encoding(%x: tensor<2x3xi8>) {
  // expected-error @+1 {{'"signed"' does not satisfy the constraint}}
  %0 = "xbar.bitplane"(%x) {a_bits = 8 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "signed"} : (tensor<2x3xi8>) -> tensor<2x3xi8>
  return
}

// -----

// A plane is 1 to 8 bits wide.
func.func @zero_bit_plane(%x: tensor<2x3xi8>) {
  // expected-error @+1 {{'0 : i64' does not satisfy the constraint}}
  %0 = "xbar.bitplane"(%x) {a_bits = 8 : i64, bit_offset = 0 : i64, bits = 0 : i64, encoding = "unsigned"} : (tensor<2x3xi8>) -> tensor<2x3xi8>
  return
}

// -----

func.func @mvm_without_row_mode(%t: !xbar.tile, %d: tensor<2x3xi8>) {
  // expected-error @+1 {{'xbar.mvm' op attribute "differential_rows" is expected but not provided}}
  %0 = "xbar.mvm"(%t, %d) {k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  return
}

// -----

func.func @adc_signed_not_bool(%s: tensor<2x8xi32>) {
  // expected-error @+1 {{'"yes"' does not satisfy the constraint}}
  %0 = "xbar.adc"(%s) {bits = 4 : i64, layer = 0 : i64, shift = 0 : i64, signed = "yes"} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  return
}

// -----

func.func @shift_add_without_count(%acc: tensor<2x4xi32>, %p: tensor<2x8xi32>) {
  // expected-error @+1 {{'xbar.shift_add' op attribute "count" is expected but not provided}}
  %0 = "xbar.shift_add"(%acc, %p) {dst_offset = 0 : i64, negate = false, shift = 0 : i64, src_offset = 0 : i64, src_stride = 2 : i64} : (tensor<2x4xi32>, tensor<2x8xi32>) -> tensor<2x4xi32>
  return
}

// -----

// im2col takes the activation layout only; weights are already tiles.
func.func @im2col_bad_layout(%x: tensor<1x4x5x5xi8>) {
  // expected-error @+1 {{'"nchw_fchw"' does not satisfy the constraint}}
  %0 = "xbar.im2col"(%x) {channel_offset = 0 : i64, channels = 4 : i64, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xi8>) -> tensor<9x36xi8>
  return
}

// -----

func.func @barrier_takes_nothing(%t: !xbar.tile) {
  // expected-error @+1 {{op expects exactly 0 operands, but got 1}}
  "xbar.barrier"(%t) : (!xbar.tile) -> ()
  return
}

// -----

// The digital ops check what their cim namesakes check.
func.func @requantize_without_qmin(%x: tensor<4xi32>) {
  // expected-error @+1 {{'xbar.requantize' op attribute "qmin" is expected but not provided}}
  %0 = "xbar.requantize"(%x) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 127 : i64, shift = array<i64: 0>} : (tensor<4xi32>) -> tensor<4xi8>
  return
}

// -----

// Layers are cim ops; xbar has no matmul.
func.func @no_layers_in_xbar(%a: tensor<2x3xi8>, %w: tensor<3x4xi4>) {
  // expected-error @+1 {{unregistered operation 'xbar.matmul' found in dialect ('xbar') that does not allow unknown operations}}
  %0 = "xbar.matmul"(%a, %w) : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return
}

// -----

// Buffers are tensors; !xbar.tile is the only xbar type.
// expected-error @+1 {{expected dynamic type}}
func.func @no_buffer_type(%b: !xbar.buffer) {
  return
}

// -----

// An mvm needs its tile: the copies may be none, the tile may not.
func.func @mvm_without_tile(%d: tensor<2x3xi8>) {
  // expected-error @+1 {{op expects at least 2 operands, but got 1}}
  %0 = "xbar.mvm"(%d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (tensor<2x3xi8>) -> tensor<2x8xi32>
  return
}
