// RUN: %cim-translate --mlir-to-cim-asm --split-input-file --verify-diagnostics %s
// RUN: not %cim-translate --mlir-to-cim-bin %S/Inputs/one-tile.mlir --entry=nope -o %t.bin 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not test -e %t.bin
// ENTRY: one-tile.mlir:4:1: error: no function named 'nope' to encode

// Every diagnostic of the emitter (cimProgramCreateFromModule), at the op
// it is about.

func.func @not_xbar(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @below {{cannot encode 'arith.addi': a program holds only xbar ops, arith.constant and func.return}}
  %r = arith.addi %a, %a : tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

func.func @float_constant() -> tensor<2xf32> {
  // expected-error @below {{cannot encode this constant: expected a dense tensor of integers}}
  %c = arith.constant dense<1.0> : tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

// expected-error @below {{cannot encode argument 0: expected a statically shaped tensor of integers}}
func.func @dynamic_argument(%a: tensor<?xi8>) {
  return
}

// -----

// expected-error @below {{cannot encode argument 0: elements wider than 64 bits (63 unsigned) or rank above 8}}
func.func @wide_argument(%a: tensor<2xi65>) {
  return
}

// -----

// expected-error @below {{cannot encode argument 1: input name 'x' is used twice}}
func.func @duplicate_names(%a: tensor<2xi8> {cim.name = "x"}, %b: tensor<2xi8> {cim.name = "x"}) {
  return
}

// -----

// expected-error @below {{cannot encode argument 0: 'cim.name' must be 1..255 characters of [A-Za-z0-9_.-]}}
func.func @bad_name(%a: tensor<2xi8> {cim.name = "a b"}) {
  return
}

// -----

func.func @adc_bits(%s: tensor<2x8xi32>) -> tensor<2x8xi32> {
  // expected-error @below {{'xbar.adc' op 'bits' = 40 is out of range [0, 32]}}
  %c = "xbar.adc"(%s) {bits = 40 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  return %c : tensor<2x8xi32>
}

// -----

func.func @array_length(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi8> {
  // expected-error @below {{'xbar.pool' op 'window' has 3 entries; expected 2}}
  %p = "xbar.pool"(%x) {kind = "max", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2, 2>} : (tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi8>
  return %p : tensor<1x4x2x2xi8>
}

// -----

func.func @empty_array(%x: tensor<2x4xi8>) -> tensor<2x4xi8> {
  // expected-error @below {{'xbar.lut' op 'table' is empty}}
  %l = "xbar.lut"(%x) {function = "f", in_min = 0 : i64, table = array<i64>} : (tensor<2x4xi8>) -> tensor<2x4xi8>
  return %l : tensor<2x4xi8>
}

// -----

// A tile cannot be a program input (an mvm's tile therefore always comes
// from an xbar.write of the same function).
// expected-error @below {{cannot encode argument 0: expected a statically shaped tensor of integers}}
func.func @tile_argument(%t: !xbar.tile) {
  return
}

// -----

// A write past the crossbar: a rule the verifier checks (docs/isa.md).
func.func @write_outside(%c: tensor<3x8xi8>) {
  // expected-error @below {{cannot encode: region rows [254, 257) x cols [0, 8) exceeds the 256x256 crossbar}}
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 254 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  return
}

// -----

// Shapes the IRDL definition cannot check are checked here.
func.func @mvm_shape(%c: tensor<3x8xi8>, %d: tensor<2x3xi8>) -> tensor<2x7xi32> {
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  // expected-error @below {{'xbar.mvm' op the sums have 7 columns, the tile 8}}
  %s = "xbar.mvm"(%t, %d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x7xi32>
  return %s : tensor<2x7xi32>
}

// -----

// Ranks above CIM_ISA_MAX_RANK.
func.func @rank_nine(%x: tensor<1x1x1x1x1x1x1x1x2xi8>) {
  return
}
// expected-error @-3 {{cannot encode argument 0: elements wider than 64 bits (63 unsigned) or rank above 8}}

// -----

// expected-error @below {{expected exactly one function to encode, found 2 (name one with --entry)}}
module {
  func.func @a() { return }
  func.func @b() { return }
}

// -----

module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @ok(%a: tensor<2xi8>) -> tensor<2xi8> {
    return %a : tensor<2xi8>
  }
}

// -----

// Tile copies and schedule attributes (docs/dialects/xbar.md, "xbar.mvm" and
// "Schedule attributes"), on a 2-crossbar target.

module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 2, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
func.func @copy_elsewhere(%c: tensor<3x8xi8>, %d: tensor<2x3xi8>) -> tensor<2x8xi32> {
  %t0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  %t1 = "xbar.write"(%c) {col = 0 : i64, crossbar = 1 : i64, layer = 0 : i64, row = 3 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  // expected-error @below {{cannot encode 'xbar.mvm': its tile copies must occupy the same region on their crossbars}}
  %s = "xbar.mvm"(%t0, %t1, %d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, !xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  return %s : tensor<2x8xi32>
}
}

// -----

// The same region but other cells' shape: a 3x4 copy of a 3x8 tile.
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 2, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
func.func @copy_other_shape(%c: tensor<3x8xi8>, %c4: tensor<3x4xi8>, %d: tensor<2x3xi8>) -> tensor<2x8xi32> {
  %t0 = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x8xi8>) -> !xbar.tile
  %t1 = "xbar.write"(%c4) {col = 0 : i64, crossbar = 1 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<3x4xi8>) -> !xbar.tile
  // expected-error @below {{cannot encode 'xbar.mvm': its tile copies must occupy the same region on their crossbars}}
  %s = "xbar.mvm"(%t0, %t1, %d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, !xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  return %s : tensor<2x8xi32>
}
}

// -----

func.func @sched_missing(%c: tensor<3x8xi8>) {
  // expected-error @below {{cannot encode 'xbar.write': it has schedule attributes but no 'sched_crossbar'}}
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
  return
}

// -----

func.func @sched_chunk_rows_kind(%c: tensor<3x8xi8>) {
  // expected-error @below {{cannot encode 'xbar.write': 'sched_chunk_rows' must be an integer}}
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = "one", sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
  return
}

// -----

func.func @sched_start_kind(%c: tensor<3x8xi8>) {
  // expected-error @below {{cannot encode 'xbar.write': 'sched_start_ps' must be an array<i64: ...>}}
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = [0]} : (tensor<3x8xi8>) -> !xbar.tile
  return
}

// -----

func.func @sched_chunk_rows_zero(%c: tensor<3x8xi8>) {
  // expected-error @below {{cannot encode 'xbar.write': 'sched_chunk_rows' = 0 is out of range [1, 2^31]}}
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 0 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
  return
}

// -----

func.func @sched_lengths_differ(%c: tensor<3x8xi8>) {
  // expected-error @below {{cannot encode 'xbar.write': 'sched_start_ps' and 'sched_crossbar' must have one entry per chunk}}
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0, 5>} : (tensor<3x8xi8>) -> !xbar.tile
  return
}

// -----

func.func @sched_empty(%c: tensor<3x8xi8>) {
  // expected-error @below {{cannot encode 'xbar.write': 'sched_start_ps' and 'sched_crossbar' must have one entry per chunk}}
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64>, sched_start_ps = array<i64>} : (tensor<3x8xi8>) -> !xbar.tile
  return
}

// -----

// Chunk 1 on crossbar 1, where no copy of the tile was written.
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 2, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
func.func @sched_not_a_copy(%c: tensor<3x8xi8>, %d: tensor<2x3xi8>) -> tensor<2x8xi32> {
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
  // expected-error @below {{cannot encode 'xbar.mvm': 'sched_crossbar' puts chunk 1 on crossbar 1, which holds none of its tile copies}}
  %s = "xbar.mvm"(%t, %d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0, 1>, sched_start_ps = array<i64: 56000000, 56000000>} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  return %s : tensor<2x8xi32>
}
}

// -----

// The ISA rules of 'sched' (docs/isa.md) reach the op through the verifier:
// 2 digit rows in chunks of 1 need 2 entries.
func.func @sched_chunk_count(%c: tensor<3x8xi8>, %d: tensor<2x3xi8>) -> tensor<2x8xi32> {
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
  // expected-error @below {{cannot encode: its 'sched' has 1 start and 1 crossbar entries; 2 chunks need one each}}
  %s = "xbar.mvm"(%t, %d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 56000000>} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  return %s : tensor<2x8xi32>
}

// -----

// A scheduled program schedules every write and mvm.
func.func @sched_partial(%c: tensor<3x8xi8>, %d: tensor<2x3xi8>) -> tensor<2x8xi32> {
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
  // expected-error @below {{cannot encode: the program is scheduled, so every write and mvm needs a 'sched' right before it}}
  %s = "xbar.mvm"(%t, %d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 3 : i64} : (!xbar.tile, tensor<2x3xi8>) -> tensor<2x8xi32>
  return %s : tensor<2x8xi32>
}

// -----

// A write's schedule names its own crossbar; a start lies in [0, 2^62].
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 2, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
func.func @sched_write_crossbar(%c: tensor<3x8xi8>) {
  // expected-error @below {{cannot encode: its 'sched' puts it on crossbar 1, the write names crossbar 0}}
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 1>, sched_start_ps = array<i64: 0>} : (tensor<3x8xi8>) -> !xbar.tile
  return
}
}

// -----

func.func @sched_negative_start(%c: tensor<3x8xi8>) {
  // expected-error @below {{cannot encode: its 'sched' starts chunk 0 at -1 ps, outside [0, 2^62]}}
  %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: -1>} : (tensor<3x8xi8>) -> !xbar.tile
  return
}
