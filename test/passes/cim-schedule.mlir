// RUN: cim-opt %s --cim-duplicate --cim-schedule=verify | FileCheck %s

// The function of cim-duplicate.mlir (4 crossbars, one write port,
// t_write = t_mvm = 10 ps): cim-duplicate gives layer 0 three copies, then
// cim-schedule (docs/schedule.md), derived by hand:
//  - writes in program order on the crossbar free earliest among those
//    whose tile no later mvm needs, one port: copy 0 on crossbar 0 at 0,
//    copy 1 on 1 at 10, copy 2 on 2 at 20, layer 1's tile on 3 at 30;
//  - layer 0's mvm: 8 rows, 3 copies, 16 chunks per copy: chunk_rows =
//    ceil(8 / 48) = 1, 8 chunks of 10 ps, each on the copy that can start
//    it first (ties: the lowest crossbar). Crossbar free times (0, 1, 2) =
//    (10, 20, 30): chunk 0 on 0 at 10; (20, 20, 30): chunk 1 on 0 at 20;
//    (30, 20, 30): chunk 2 on 1 at 20; (30, 30, 30): chunks 3, 4, 5 on
//    0, 1, 2 at 30; (40, 40, 40): chunks 6, 7 on 0, 1 at 40;
//  - layer 1's mvm: 2 rows, one copy: chunks on crossbar 3 at 40 and 50.

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


// CHECK:      "xbar.write"(%{{.*}}) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0>, sched_start_ps = array<i64: 0>}
// CHECK-NEXT: "xbar.write"(%{{.*}}) {col = 0 : i64, crossbar = 1 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 1>, sched_start_ps = array<i64: 10>}
// CHECK-NEXT: "xbar.write"(%{{.*}}) {col = 0 : i64, crossbar = 2 : i64, layer = 0 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 2>, sched_start_ps = array<i64: 20>}
// CHECK-NEXT: "xbar.write"(%{{.*}}) {col = 0 : i64, crossbar = 3 : i64, layer = 1 : i64, row = 0 : i64, sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 3>, sched_start_ps = array<i64: 30>}
// CHECK-NEXT: "xbar.mvm"({{.*}}) {{{.*}}sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 0, 0, 1, 0, 1, 2, 0, 1>, sched_start_ps = array<i64: 10, 20, 20, 30, 30, 30, 40, 40>}
// CHECK-NEXT: "xbar.mvm"({{.*}}) {{{.*}}sched_chunk_rows = 1 : i64, sched_crossbar = array<i64: 3, 3>, sched_start_ps = array<i64: 40, 50>}
