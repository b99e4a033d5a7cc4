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
  // expected-error @below {{cannot encode 'xbar.adc': bits = 40 is out of range [0, 32]}}
  %c = "xbar.adc"(%s) {bits = 40 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  return %c : tensor<2x8xi32>
}

// -----

func.func @array_length(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi8> {
  // expected-error @below {{cannot encode 'xbar.pool': attribute 'window' must have 2 elements}}
  %p = "xbar.pool"(%x) {kind = "max", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2, 2>} : (tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi8>
  return %p : tensor<1x4x2x2xi8>
}

// -----

func.func @empty_array(%x: tensor<2x4xi8>) -> tensor<2x4xi8> {
  // expected-error @below {{cannot encode 'xbar.lut': attribute 'table' is empty}}
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
  // expected-error @below {{cannot encode: sums have 7 columns, the tile 8}}
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
