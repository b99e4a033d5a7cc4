// RUN: cim-opt %s --cim-schedule --split-input-file --verify-diagnostics
// RUN: not cim-opt %s --cim-schedule='report=%t.json' 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not test -e %t.json
// REPORT: error: cim-schedule: report= needs a module with exactly one function (this one has 2)

// Three copies of one tile and two more tiles, all needed by later mvms,
// on 4 crossbars: the fifth write finds no crossbar it may use.
module attributes {cim.target = #cim.target<4, 4, 4, 1, 0, "differential-column", "unsigned", 4, 4, 1, 10, 10, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @too_many_copies(%a: tensor<8x2xi8>) -> tensor<8x4xi32> {
    %c0 = arith.constant dense<1> : tensor<2x4xi8>
    %t0 = "xbar.write"(%c0) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    %t1 = "xbar.write"(%c0) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    %t2 = "xbar.write"(%c0) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    %u = "xbar.write"(%c0) {col = 0 : i64, crossbar = 0 : i64, layer = 1 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    // expected-error @+1 {{cim-schedule: instruction 5 (write): all 4 crossbars hold tiles that later mvms still need; the schedule needs more crossbars at once (fewer tile copies)}}
    %v = "xbar.write"(%c0) {col = 0 : i64, crossbar = 0 : i64, layer = 2 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    %s0 = "xbar.mvm"(%t0, %t1, %t2, %a) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, !xbar.tile, !xbar.tile, tensor<8x2xi8>) -> tensor<8x4xi32>
    %s1 = "xbar.mvm"(%u, %a) {differential_rows = false, k_offset = 0 : i64, layer = 1 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, tensor<8x2xi8>) -> tensor<8x4xi32>
    %s2 = "xbar.mvm"(%v, %a) {differential_rows = false, k_offset = 0 : i64, layer = 2 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, tensor<8x2xi8>) -> tensor<8x4xi32>
    return %s0 : tensor<8x4xi32>
  }
}

// -----

// The function must be encodable: the schedule is computed on its program.
// expected-error @+2 {{cannot encode 'func.call': a program holds only xbar ops, arith.constant and func.return}}
func.func @g(%a: tensor<2xi8>) -> tensor<2xi8> {
  %r = func.call @g(%a) : (tensor<2xi8>) -> tensor<2xi8>
  return %r : tensor<2xi8>
}
