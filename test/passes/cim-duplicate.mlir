// RUN: cim-opt %s --cim-duplicate | FileCheck %s --check-prefix=GREEDY
// RUN: cim-opt %s --cim-duplicate='mode=uniform' | FileCheck %s --check-prefix=UNIFORM
// RUN: cim-opt %s --cim-duplicate='mode=none' | FileCheck %s --check-prefix=NONE

// Target: 4 crossbars, one write port, t_write = t_mvm = 10 ps. Layer 0 has
// one tile read by an mvm of 8 rows (80 ps of crossbar time), layer 1 one
// tile read by 2 rows (20 ps).
//
// Greedy (docs/schedule.md), derived by hand: 2 tiles held, 4 crossbars.
//  1. Bottleneck layer 0 (80 / 1 vs 20): one more copy saves 80 - 40 = 40 ps
//     > 10 ps of write time, and 3 <= 4 crossbars: factor 2.
//  2. Layer 0 (40 vs 20): 40 - 80/3 = 40 - 26 = 14 > 10, 4 <= 4: factor 3.
//  3. Layer 0 (26 vs 20): a fourth copy needs 5 > 4 crossbars: stop.
// So layer 0's tile is written 3 times and its mvm takes all three.
// Uniform (factor 0: as many as fit): 4 crossbars / 2 tiles = 2 each.

module attributes {cim.target = #cim.target<4, 4, 4, 1, 0, "differential-column", "unsigned", 4, 4, 1, 10, 10, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @two_layers(%a: tensor<8x2xi8>, %b: tensor<2x2xi8>) -> (tensor<8x4xi32>, tensor<2x4xi32>) {
    %c0 = arith.constant dense<[[1, 0, 2, 0], [0, 3, 0, 1]]> : tensor<2x4xi8>
    %c1 = arith.constant dense<[[2, 0, 1, 0], [0, 1, 0, 2]]> : tensor<2x4xi8>
    %t0 = "xbar.write"(%c0) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    %t1 = "xbar.write"(%c1) {col = 0 : i64, crossbar = 0 : i64, layer = 1 : i64, row = 0 : i64} : (tensor<2x4xi8>) -> !xbar.tile
    %s0 = "xbar.mvm"(%t0, %a) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, tensor<8x2xi8>) -> tensor<8x4xi32>
    %s1 = "xbar.mvm"(%t1, %b) {differential_rows = false, k_offset = 0 : i64, layer = 1 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, tensor<2x2xi8>) -> tensor<2x4xi32>
    return %s0, %s1 : tensor<8x4xi32>, tensor<2x4xi32>
  }
}

// GREEDY:      %[[T0:.*]] = "xbar.write"(%{{.*}}) {{.*}}layer = 0
// GREEDY-NEXT: %[[C1:.*]] = "xbar.write"(%{{.*}}) {{.*}}layer = 0
// GREEDY-NEXT: %[[C2:.*]] = "xbar.write"(%{{.*}}) {{.*}}layer = 0
// GREEDY-NEXT: %[[T1:.*]] = "xbar.write"(%{{.*}}) {{.*}}layer = 1
// GREEDY-NEXT: "xbar.mvm"(%[[T0]], %[[C1]], %[[C2]], %arg0)
// GREEDY-NEXT: "xbar.mvm"(%[[T1]], %arg1)

// UNIFORM:      %[[T0:.*]] = "xbar.write"(%{{.*}}) {{.*}}layer = 0
// UNIFORM-NEXT: %[[C0:.*]] = "xbar.write"(%{{.*}}) {{.*}}layer = 0
// UNIFORM-NEXT: %[[T1:.*]] = "xbar.write"(%{{.*}}) {{.*}}layer = 1
// UNIFORM-NEXT: %[[C1:.*]] = "xbar.write"(%{{.*}}) {{.*}}layer = 1
// UNIFORM-NEXT: "xbar.mvm"(%[[T0]], %[[C0]], %arg0)
// UNIFORM-NEXT: "xbar.mvm"(%[[T1]], %[[C1]], %arg1)

// NONE-COUNT-2: "xbar.write"
// NONE-NOT:     "xbar.write"
// NONE:         "xbar.mvm"(%{{.*}}, %arg0)

