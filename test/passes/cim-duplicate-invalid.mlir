// RUN: cim-opt %s --cim-duplicate='mode=uniform factor=3' --verify-diagnostics
// RUN: not cim-opt %s --cim-duplicate='mode=fastest' 2>&1 | FileCheck %s --check-prefix=MODE
// MODE: error: cim-duplicate: mode 'fastest' is not one of greedy, uniform, none

// Uniform factor 3: 2 tiles x 3 copies do not fit 4 crossbars.
// expected-error @+1 {{cim-duplicate: factor 3 needs 6 crossbars for 2 tiles; the target has 4}}
module attributes {cim.target = #cim.target<4, 4, 4, 1, 0, "differential-column", "unsigned", 4, 4, 1, 10, 10, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @f(%a: tensor<8x2xi8>) -> tensor<8x4xi32> {
    %c0 = arith.constant dense<1> : tensor<2x4xi8>
    %t0 = "xbar.write"(%c0) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    %t1 = "xbar.write"(%c0) {col = 0 : i64, crossbar = 0 : i64, layer = 1 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    %s0 = "xbar.mvm"(%t0, %a) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, tensor<8x2xi8>) -> tensor<8x4xi32>
    %s1 = "xbar.mvm"(%t1, %a) {differential_rows = false, k_offset = 0 : i64, layer = 1 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, tensor<8x2xi8>) -> tensor<8x4xi32>
    return %s0 : tensor<8x4xi32>
  }
}
