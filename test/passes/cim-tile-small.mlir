// cim-tile on the smallest crossbar that can hold a differential column
// pair. (The 1x1 crossbar is rejected: cim-tile-invalid.mlir.)
// RUN: cim-opt %s --cim-tile='rows=1 cols=2' | FileCheck %s --check-prefix=ONE

// A 1x2 crossbar (one row, one column pair) still maps a layer: K = 2,
// N = 2, S = 1: kCap = 1, uCap = 1, 2 x 2 = 4 tiles.
// ONE-LABEL: func.func @one_row
// ONE: "cim.matmul_tile"({{.*}}k_offset = 0 : i64, k_size = 1 : i64, {{.*}}unit_offset = 0 : i64, units = 1 : i64
// ONE: "cim.matmul_tile"({{.*}}k_offset = 0 : i64, k_size = 1 : i64, {{.*}}unit_offset = 1 : i64, units = 1 : i64
// ONE: "cim.matmul_tile"({{.*}}k_offset = 1 : i64, k_size = 1 : i64, {{.*}}unit_offset = 0 : i64, units = 1 : i64
// ONE: "cim.matmul_tile"({{.*}}k_offset = 1 : i64, k_size = 1 : i64, {{.*}}unit_offset = 1 : i64, units = 1 : i64
// ONE-NOT: cim.matmul_tile
func.func @one_row(%a: tensor<1x2xi2>) -> tensor<1x2xi32> {
  %w = arith.constant dense<[[1, -1], [0, 1]]> : tensor<2x2xi2>
  %r = "cim.matmul"(%a, %w) {a_bits = 2 : i64, a_signed = true, layer = 0 : i64, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x2xi2>, tensor<2x2xi2>) -> tensor<1x2xi32>
  return %r : tensor<1x2xi32>
}

