// cim-duplicate prices a tile's MVM time with cimPriceEvents: a time beyond
// 64 bits is an error at the tile's write, never a wrapped number (issue 18,
// item 3). 10^4 MVM cycles at the slowest valid MVM (10^12 ns = 10^15 ps)
// are 10^19 ps > INT64_MAX (~9.22 x 10^18).
// RUN: cim-opt %s --cim-duplicate --verify-diagnostics

module attributes {cim.target = #cim.target<4, 4, 4, 1, 0, "differential-column", "unsigned", 4, 4, 1, 10, 1000000000000000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @f(%a: tensor<10000x2xi8>) -> tensor<10000x4xi32> {
    %c0 = arith.constant dense<1> : tensor<2x4xi8>
    // expected-error @below {{cim-duplicate: the latency of the MVM cycles, 10000 x 1000000000000000 ps, exceeds the 64-bit picosecond counter}}
    %t0 = "xbar.write"(%c0) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    %s0 = "xbar.mvm"(%t0, %a) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, tensor<10000x2xi8>) -> tensor<10000x4xi32>
    return %s0 : tensor<10000x4xi32>
  }
}
