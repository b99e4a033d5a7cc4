// RUN: cim-opt --split-input-file --convert-linalg-to-cim %s | FileCheck %s

// Static weights (an arith.constant) on signed storage.
// CHECK-LABEL: func.func @static_weights
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi8>)
// CHECK: %[[W:.*]] = arith.constant dense<1> : tensor<3x4xi4>
// CHECK-NOT: linalg.matmul
// CHECK: %[[R:.*]] = "cim.matmul"(%[[A]], %[[W]])
// CHECK-SAME: a_bits = 8 : i64
// CHECK-SAME: a_signed = true
// CHECK-SAME: layer = 0 : i64
// CHECK-SAME: w_bits = 4 : i64
// CHECK-SAME: w_signed = true
// CHECK-SAME: weights = "static"
// CHECK-SAME: (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
// CHECK: return %[[R]]
func.func @static_weights(%a: tensor<2x3xi8>) -> tensor<2x4xi32> {
  %w = arith.constant dense<1> : tensor<3x4xi4>
  %z = arith.constant dense<0> : tensor<2x4xi32>
  %r = linalg.matmul ins(%a, %w : tensor<2x3xi8>, tensor<3x4xi4>)
                     outs(%z : tensor<2x4xi32>) -> tensor<2x4xi32>
  return %r : tensor<2x4xi32>
}

// -----

// Weights that are a function argument are written at run time; linalg.fill
// with zero is a zero accumulator; cast_unsigned makes both operands unsigned;
// layers are numbered in program order.
// CHECK-LABEL: func.func @dynamic_unsigned
// CHECK-SAME: (%[[A:.*]]: tensor<1x16xi3>, %[[W:.*]]: tensor<16x8xi1>, %[[B:.*]]: tensor<8x2xi2>)
// CHECK: %[[H:.*]] = "cim.matmul"(%[[A]], %[[W]])
// CHECK-SAME: a_bits = 3 : i64
// CHECK-SAME: a_signed = false
// CHECK-SAME: layer = 0 : i64
// CHECK-SAME: w_bits = 1 : i64
// CHECK-SAME: w_signed = false
// CHECK-SAME: weights = "dynamic"
// CHECK: "cim.matmul"(%{{.*}}, %[[B]])
// CHECK-SAME: layer = 1 : i64
// CHECK-SAME: weights = "dynamic"
func.func @dynamic_unsigned(%a: tensor<1x16xi3>, %w: tensor<16x8xi1>, %b: tensor<8x2xi2>) -> tensor<1x2xi32> {
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x8xi32>
  %z = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x8xi32>) -> tensor<1x8xi32>
  %h = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>}
         ins(%a, %w : tensor<1x16xi3>, tensor<16x8xi1>)
         outs(%z : tensor<1x8xi32>) -> tensor<1x8xi32>
  %h2 = arith.trunci %h : tensor<1x8xi32> to tensor<1x8xi8>
  %e2 = tensor.empty() : tensor<1x2xi32>
  %z2 = linalg.fill ins(%c0 : i32) outs(%e2 : tensor<1x2xi32>) -> tensor<1x2xi32>
  %r = linalg.matmul ins(%h2, %b : tensor<1x8xi8>, tensor<8x2xi2>)
         outs(%z2 : tensor<1x2xi32>) -> tensor<1x2xi32>
  return %r : tensor<1x2xi32>
}

// -----

// The tightest accumulator that provably holds the sums is accepted:
// 4 terms of i8 x i8 lie in [4 * -128 * 127, 4 * 128 * 128] = [-65024, 65536],
// which needs 18 signed bits.
// CHECK-LABEL: func.func @exact_fit
// CHECK: "cim.matmul"
func.func @exact_fit(%a: tensor<1x4xi8>, %w: tensor<4x2xi8>) -> tensor<1x2xi18> {
  %z = arith.constant dense<0> : tensor<1x2xi18>
  %r = linalg.matmul ins(%a, %w : tensor<1x4xi8>, tensor<4x2xi8>)
                     outs(%z : tensor<1x2xi18>) -> tensor<1x2xi18>
  return %r : tensor<1x2xi18>
}

// -----

// linalg.matvec has the weights on the left (y[n] = sum_k A[n, k] x[k]):
// cim.matmul [1, K] x [K, N] with the constant transposed at compile time
// (A = [[1, 2, 3], [4, 5, 6]] -> A^T = [[1, 4], [2, 5], [3, 6]]) and the
// vector reshaped to a row and back. The zero init and its tensor.empty are
// erased.
// CHECK-LABEL: func.func @matvec_static
// CHECK-SAME: (%[[X:.*]]: tensor<3xi8>)
// CHECK-DAG: %[[WT:.*]] = arith.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi4>
// CHECK-DAG: %[[ROW:.*]] = "cim.reshape"(%[[X]]) : (tensor<3xi8>) -> tensor<1x3xi8>
// CHECK: %[[M:.*]] = "cim.matmul"(%[[ROW]], %[[WT]])
// CHECK-SAME: weights = "static"
// CHECK-SAME: (tensor<1x3xi8>, tensor<3x2xi4>) -> tensor<1x2xi32>
// CHECK: %[[Y:.*]] = "cim.reshape"(%[[M]]) : (tensor<1x2xi32>) -> tensor<2xi32>
// CHECK: return %[[Y]]
// CHECK-NOT: tensor.empty
// CHECK-NOT: linalg
func.func @matvec_static(%x: tensor<3xi8>) -> tensor<2xi32> {
  %a = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi4>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2xi32>
  %z = linalg.fill ins(%c0 : i32) outs(%e : tensor<2xi32>) -> tensor<2xi32>
  %r = linalg.matvec ins(%a, %x : tensor<2x3xi4>, tensor<3xi8>) outs(%z : tensor<2xi32>) -> tensor<2xi32>
  return %r : tensor<2xi32>
}

// -----

// matvec with a run-time matrix: the transpose is a cim.transpose.
// CHECK-LABEL: func.func @matvec_dynamic
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi8>, %[[X:.*]]: tensor<3xi8>)
// CHECK-DAG: %[[AT:.*]] = "cim.transpose"(%[[A]]) {permutation = array<i64: 1, 0>} : (tensor<2x3xi8>) -> tensor<3x2xi8>
// CHECK-DAG: %[[ROW:.*]] = "cim.reshape"(%[[X]])
// CHECK: "cim.matmul"(%[[ROW]], %[[AT]])
// CHECK-SAME: weights = "dynamic"
func.func @matvec_dynamic(%a: tensor<2x3xi8>, %x: tensor<3xi8>) -> tensor<2xi32> {
  %z = arith.constant dense<0> : tensor<2xi32>
  %r = linalg.matvec ins(%a, %x : tensor<2x3xi8>, tensor<3xi8>) outs(%z : tensor<2xi32>) -> tensor<2xi32>
  return %r : tensor<2xi32>
}

// -----

// vecmat: [K] x [K, N], no transpose.
// CHECK-LABEL: func.func @vecmat
// CHECK-SAME: (%[[X:.*]]: tensor<3xi8>, %[[W:.*]]: tensor<3x5xi8>)
// CHECK: %[[ROW:.*]] = "cim.reshape"(%[[X]]) : (tensor<3xi8>) -> tensor<1x3xi8>
// CHECK: %[[M:.*]] = "cim.matmul"(%[[ROW]], %[[W]])
// CHECK: "cim.reshape"(%[[M]]) : (tensor<1x5xi32>) -> tensor<5xi32>
func.func @vecmat(%x: tensor<3xi8>, %w: tensor<3x5xi8>) -> tensor<5xi32> {
  %z = arith.constant dense<0> : tensor<5xi32>
  %r = linalg.vecmat ins(%x, %w : tensor<3xi8>, tensor<3x5xi8>) outs(%z : tensor<5xi32>) -> tensor<5xi32>
  return %r : tensor<5xi32>
}

// -----

// Depthwise NCHW: groups = C, weights [C, KH, KW] -> [C, 1, KH, KW] at
// compile time (same element order); 9 terms per output.
// CHECK-LABEL: func.func @depthwise_nchw
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[{{\[}}[1, 2], [3, 4]]], [{{\[}}[5, 6], [7, -8]]]]> : tensor<2x1x2x2xi4>
// CHECK: "cim.conv2d"(%{{.*}}, %[[W]])
// CHECK-SAME: groups = 2 : i64
// CHECK-SAME: layout = "nchw_fchw"
// CHECK-SAME: (tensor<1x2x5x5xi8>, tensor<2x1x2x2xi4>) -> tensor<1x2x4x4xi32>
func.func @depthwise_nchw(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x4x4xi32> {
  %w = arith.constant dense<[[[1, 2], [3, 4]], [[5, 6], [7, -8]]]> : tensor<2x2x2xi4>
  %z = arith.constant dense<0> : tensor<1x2x4x4xi32>
  %r = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x2x5x5xi8>, tensor<2x2x2xi4>) outs(%z : tensor<1x2x4x4xi32>) -> tensor<1x2x4x4xi32>
  return %r : tensor<1x2x4x4xi32>
}

// -----

// Depthwise NHWC with run-time weights [KH, KW, C] -> [KH, KW, 1, C].
// CHECK-LABEL: func.func @depthwise_nhwc_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<1x5x5x3xi8>, %[[W:.*]]: tensor<3x3x3xi8>)
// CHECK: %[[R:.*]] = "cim.reshape"(%[[W]]) : (tensor<3x3x3xi8>) -> tensor<3x3x1x3xi8>
// CHECK: "cim.conv2d"(%[[X]], %[[R]])
// CHECK-SAME: groups = 3 : i64
// CHECK-SAME: layout = "nhwc_hwcf"
// CHECK-SAME: weights = "dynamic"
func.func @depthwise_nhwc_dynamic(%x: tensor<1x5x5x3xi8>, %w: tensor<3x3x3xi8>) -> tensor<1x3x3x3xi32> {
  %z = arith.constant dense<0> : tensor<1x3x3x3xi32>
  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x5x5x3xi8>, tensor<3x3x3xi8>) outs(%z : tensor<1x3x3x3xi32>) -> tensor<1x3x3x3xi32>
  return %r : tensor<1x3x3x3xi32>
}

// -----

// Grouped NGCHW / GFCHW: x [1, 2, 3, 4, 4] -> [1, 6, 4, 4], w [2, 5, 3, 3, 3]
// -> [10, 3, 3, 3], result [1, 10, 2, 2] -> [1, 2, 5, 2, 2]; 27 terms.
// CHECK-LABEL: func.func @grouped
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x4x4xi8>, %[[W:.*]]: tensor<2x5x3x3x3xi8>)
// CHECK-DAG: %[[XR:.*]] = "cim.reshape"(%[[X]]) : (tensor<1x2x3x4x4xi8>) -> tensor<1x6x4x4xi8>
// CHECK-DAG: %[[WR:.*]] = "cim.reshape"(%[[W]]) : (tensor<2x5x3x3x3xi8>) -> tensor<10x3x3x3xi8>
// CHECK: %[[C:.*]] = "cim.conv2d"(%[[XR]], %[[WR]])
// CHECK-SAME: groups = 2 : i64
// CHECK-SAME: -> tensor<1x10x2x2xi32>
// CHECK: "cim.reshape"(%[[C]]) : (tensor<1x10x2x2xi32>) -> tensor<1x2x5x2x2xi32>
func.func @grouped(%x: tensor<1x2x3x4x4xi8>, %w: tensor<2x5x3x3x3xi8>) -> tensor<1x2x5x2x2xi32> {
  %z = arith.constant dense<0> : tensor<1x2x5x2x2xi32>
  %r = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x2x3x4x4xi8>, tensor<2x5x3x3x3xi8>) outs(%z : tensor<1x2x5x2x2xi32>) -> tensor<1x2x5x2x2xi32>
  return %r : tensor<1x2x5x2x2xi32>
}

// -----

// Grouped NGCHW / FGCHW: linalg defines the result as [N, G, F, OH, OW]
// like gfchw's; only the weights differ, w[f, g, c, kh, kw]. With G = 2,
// F = 3, C = 1 and 1x1 kernels, w[f][g] = [[1, 2], [3, 4], [5, 6]] goes to
// [g*F + f] = [1, 3, 5, 2, 4, 6] at compile time, and the cim result is
// reshaped to [1, 2, 3, 2, 2] with no transpose.
// CHECK-LABEL: func.func @grouped_fg
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[1]]], {{\[}}{{\[}}[3]]], {{\[}}{{\[}}[5]]], {{\[}}{{\[}}[2]]], {{\[}}{{\[}}[4]]], {{\[}}{{\[}}[6]]]]> : tensor<6x1x1x1xi8>
// CHECK: %[[C:.*]] = "cim.conv2d"(%{{.*}}, %[[W]])
// CHECK-SAME: groups = 2 : i64
// CHECK-SAME: -> tensor<1x6x2x2xi32>
// CHECK: %[[R:.*]] = "cim.reshape"(%[[C]]) : (tensor<1x6x2x2xi32>) -> tensor<1x2x3x2x2xi32>
// CHECK-NOT: cim.transpose
// CHECK: return %[[R]]
func.func @grouped_fg(%x: tensor<1x2x1x2x2xi8>) -> tensor<1x2x3x2x2xi32> {
  %w = arith.constant dense<[[[[[1]]], [[[2]]]], [[[[3]]], [[[4]]]], [[[[5]]], [[[6]]]]]> : tensor<3x2x1x1x1xi8>
  %z = arith.constant dense<0> : tensor<1x2x3x2x2xi32>
  %r = linalg.conv_2d_ngchw_fgchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x2x1x2x2xi8>, tensor<3x2x1x1x1xi8>) outs(%z : tensor<1x2x3x2x2xi32>) -> tensor<1x2x3x2x2xi32>
  return %r : tensor<1x2x3x2x2xi32>
}

// -----

// Grouped NHWGC / GFHWC with constant weights: w[g, f, kh, kw, c] goes to
// [kh, kw, c, g*F + f] at compile time: g0 = [[1, 2], [3, 4]], g1 =
// [[5, 6], [7, -8]] (kh, kw) -> (0,0): [1, 5], (0,1): [2, 6], (1,0): [3, 7],
// (1,1): [4, -8].
// CHECK-LABEL: func.func @grouped_nhwc
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[1, 5]], {{\[}}[2, 6]]], {{\[}}{{\[}}[3, 7]], {{\[}}[4, -8]]]]> : tensor<2x2x1x2xi4>
// CHECK: %[[C:.*]] = "cim.conv2d"(%{{.*}}, %[[W]])
// CHECK-SAME: groups = 2 : i64
// CHECK-SAME: layout = "nhwc_hwcf"
// CHECK: "cim.reshape"(%[[C]]) : (tensor<1x2x2x2xi32>) -> tensor<1x2x2x2x1xi32>
func.func @grouped_nhwc(%x: tensor<1x3x3x2x1xi8>) -> tensor<1x2x2x2x1xi32> {
  %w = arith.constant dense<[[[[[1], [2]], [[3], [4]]]], [[[[5], [6]], [[7], [-8]]]]]> : tensor<2x1x2x2x1xi4>
  %z = arith.constant dense<0> : tensor<1x2x2x2x1xi32>
  %r = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x3x3x2x1xi8>, tensor<2x1x2x2x1xi4>) outs(%z : tensor<1x2x2x2x1xi32>) -> tensor<1x2x2x2x1xi32>
  return %r : tensor<1x2x2x2x1xi32>
}

// -----

// A linalg.generic contraction with a transposed constant weight
// (r[m, n] = sum_k a[m, k] * w[n, k]): the weights are transposed at compile
// time, [[1, 2], [3, 4], [5, 6]] -> [[1, 3, 5], [2, 4, 6]]; extui on the
// activations makes them unsigned.
// CHECK-LABEL: func.func @generic_contraction
// CHECK-SAME: (%[[A:.*]]: tensor<4x2xi8>)
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[}}[1, 3, 5], [2, 4, 6]]> : tensor<2x3xi8>
// CHECK: "cim.matmul"(%[[A]], %[[WT]])
// CHECK-SAME: a_signed = false
// CHECK-SAME: w_signed = true
// CHECK-SAME: weights = "static"
// CHECK-NOT: linalg.generic
func.func @generic_contraction(%a: tensor<4x2xi8>) -> tensor<4x3xi32> {
  %w = arith.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %z = arith.constant dense<0> : tensor<4x3xi32>
  %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
         ins(%a, %w : tensor<4x2xi8>, tensor<3x2xi8>) outs(%z : tensor<4x3xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x3xi32>
  return %r : tensor<4x3xi32>
}

// -----

// linalg.matmul with a transposed activation (indexing_maps): a cim.transpose
// of the run-time operand.
// CHECK-LABEL: func.func @matmul_transposed_a
// CHECK-SAME: (%[[A:.*]]: tensor<5x3xi8>, %[[W:.*]]: tensor<5x4xi8>)
// CHECK: %[[AT:.*]] = "cim.transpose"(%[[A]]) {permutation = array<i64: 1, 0>} : (tensor<5x3xi8>) -> tensor<3x5xi8>
// CHECK: "cim.matmul"(%[[AT]], %[[W]])
func.func @matmul_transposed_a(%a: tensor<5x3xi8>, %w: tensor<5x4xi8>) -> tensor<3x4xi32> {
  %z = arith.constant dense<0> : tensor<3x4xi32>
  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%a, %w : tensor<5x3xi8>, tensor<5x4xi8>) outs(%z : tensor<3x4xi32>) -> tensor<3x4xi32>
  return %r : tensor<3x4xi32>
}

// -----

// Integer digital ops: ReLU6-like clamp (maxsi 0, minsi 6), max pooling with
// a tensor.pad at the type's minimum folded into padding, an exact add into a
// wider type, reshape, transpose, slice and concat.
// CHECK-LABEL: func.func @digital
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xi8>, %[[Y:.*]]: tensor<1x2x4x4xi8>)
// CHECK: %[[C:.*]] = "cim.clamp"(%[[X]]) {max = 6 : i64, min = 0 : i64} : (tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xi8>
// CHECK: %[[P:.*]] = "cim.pool"(%[[C]]) {kind = "max", layout = "nchw", padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, window = array<i64: 3, 3>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
// CHECK: %[[A:.*]] = "cim.add"(%[[X]], %[[Y]]) : (tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xi9>
// CHECK: %[[R:.*]] = "cim.reshape"(%[[P]]) : (tensor<1x2x2x2xi8>) -> tensor<2x4xi8>
// CHECK: %[[T:.*]] = "cim.transpose"(%[[R]]) {permutation = array<i64: 1, 0>} : (tensor<2x4xi8>) -> tensor<4x2xi8>
// CHECK: %[[S:.*]] = "cim.slice"(%[[T]]) {offsets = array<i64: 1, 0>} : (tensor<4x2xi8>) -> tensor<2x2xi8>
// CHECK: %[[K:.*]] = "cim.concat"(%[[S]], %[[T]]) {axis = 0 : i64} : (tensor<2x2xi8>, tensor<4x2xi8>) -> tensor<6x2xi8>
// CHECK: return %[[A]], %[[K]]
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
func.func @digital(%x: tensor<1x2x4x4xi8>, %y: tensor<1x2x4x4xi8>) -> (tensor<1x2x4x4xi9>, tensor<6x2xi8>) {
  %c0 = arith.constant 0 : i8
  %c6 = arith.constant 6 : i8
  %min = arith.constant -128 : i8
  %e = tensor.empty() : tensor<1x2x4x4xi8>
  %relu = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x2x4x4xi8>) outs(%e : tensor<1x2x4x4xi8>) {
  ^bb0(%v: i8, %o: i8):
    %m = arith.maxsi %v, %c0 : i8
    %n = arith.minsi %m, %c6 : i8
    linalg.yield %n : i8
  } -> tensor<1x2x4x4xi8>
  %p = tensor.pad %relu low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %min : i8
  } : tensor<1x2x4x4xi8> to tensor<1x2x6x6xi8>
  %win = tensor.empty() : tensor<3x3xi8>
  %pe = tensor.empty() : tensor<1x2x2x2xi8>
  %pinit = linalg.fill ins(%min : i8) outs(%pe : tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xi8>
  %pool = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %win : tensor<1x2x6x6xi8>, tensor<3x3xi8>) outs(%pinit : tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xi8>
  %ae = tensor.empty() : tensor<1x2x4x4xi9>
  %sum = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %y : tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>) outs(%ae : tensor<1x2x4x4xi9>) {
  ^bb0(%u: i8, %v: i8, %o: i9):
    %ue = arith.extsi %u : i8 to i9
    %ve = arith.extsi %v : i8 to i9
    %w = arith.addi %ue, %ve : i9
    linalg.yield %w : i9
  } -> tensor<1x2x4x4xi9>
  %flat = tensor.collapse_shape %pool [[0, 1], [2, 3]] : tensor<1x2x2x2xi8> into tensor<2x4xi8>
  %te = tensor.empty() : tensor<4x2xi8>
  %t = linalg.transpose ins(%flat : tensor<2x4xi8>) outs(%te : tensor<4x2xi8>) permutation = [1, 0]
  %s = tensor.extract_slice %t[1, 0] [2, 2] [1, 1] : tensor<4x2xi8> to tensor<2x2xi8>
  %k = tensor.concat dim(0) %s, %t : (tensor<2x2xi8>, tensor<4x2xi8>) -> tensor<6x2xi8>
  return %sum, %k : tensor<1x2x4x4xi9>, tensor<6x2xi8>
}

// -----

// batch_matmul of two activations (attention scores): a rank-3 cim.matmul
// with run-time weights.
// CHECK-LABEL: func.func @attention_scores
// CHECK-SAME: (%[[Q:.*]]: tensor<12x50x64xi8>, %[[K:.*]]: tensor<12x64x50xi8>)
// CHECK-NOT: linalg.batch_matmul
// CHECK: "cim.matmul"(%[[Q]], %[[K]])
// CHECK-SAME: weights = "dynamic"
// CHECK-SAME: (tensor<12x50x64xi8>, tensor<12x64x50xi8>) -> tensor<12x50x50xi32>
func.func @attention_scores(%q: tensor<12x50x64xi8>, %k: tensor<12x64x50xi8>) -> tensor<12x50x50xi32> {
  %z = arith.constant dense<0> : tensor<12x50x50xi32>
  %s = linalg.batch_matmul ins(%q, %k : tensor<12x50x64xi8>, tensor<12x64x50xi8>) outs(%z : tensor<12x50x50xi32>) -> tensor<12x50x50xi32>
  return %s : tensor<12x50x50xi32>
}

// -----

// A strided NCHW convolution whose input is zero-padded by tensor.pad: the
// pad folds into the layer (padding = [top, left, bottom, right]).
// CHECK-LABEL: func.func @conv_nchw_padded
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xi8>)
// CHECK: %[[W:.*]] = arith.constant dense<1> : tensor<4x3x3x3xi4>
// CHECK-NOT: linalg.conv_2d
// CHECK: "cim.conv2d"(%[[X]], %[[W]])
// CHECK-SAME: dilations = array<i64: 1, 1>
// CHECK-SAME: groups = 1 : i64
// CHECK-SAME: layout = "nchw_fchw"
// CHECK-SAME: pad_value = 0 : i64
// CHECK-SAME: padding = array<i64: 1, 1, 1, 1>
// CHECK-SAME: strides = array<i64: 2, 2>
// CHECK-SAME: w_bits = 4 : i64
// CHECK-SAME: -> tensor<1x4x4x4xi32>
func.func @conv_nchw_padded(%x: tensor<1x3x8x8xi8>) -> tensor<1x4x4x4xi32> {
  %c0 = arith.constant 0 : i8
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %c0 : i8
  } : tensor<1x3x8x8xi8> to tensor<1x3x10x10xi8>
  %w = arith.constant dense<1> : tensor<4x3x3x3xi4>
  %z = arith.constant dense<0> : tensor<1x4x4x4xi32>
  %c = linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
         ins(%p, %w : tensor<1x3x10x10xi8>, tensor<4x3x3x3xi4>) outs(%z : tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
  return %c : tensor<1x4x4x4xi32>
}

// -----

// NHWC with dilation 2 and an asymmetric pad of -3 (the activations' zero
// point) on the spatial dims only. The output is the full 4x6 window range
// (8 - 2*2, 10 - 2*2), as cim.conv2d requires.
// CHECK-LABEL: func.func @conv_nhwc_dilated
// CHECK: "cim.conv2d"
// CHECK-SAME: dilations = array<i64: 2, 2>
// CHECK-SAME: layout = "nhwc_hwcf"
// CHECK-SAME: pad_value = -3 : i64
// CHECK-SAME: padding = array<i64: 0, 1, 2, 3>
// CHECK-SAME: strides = array<i64: 1, 1>
func.func @conv_nhwc_dilated(%x: tensor<1x6x6x2xi8>) -> tensor<1x4x6x5xi32> {
  %cm3 = arith.constant -3 : i8
  %p = tensor.pad %x low[0, 0, 1, 0] high[0, 2, 3, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %cm3 : i8
  } : tensor<1x6x6x2xi8> to tensor<1x8x10x2xi8>
  %w = arith.constant dense<1> : tensor<3x3x2x5xi8>
  %z = arith.constant dense<0> : tensor<1x4x6x5xi32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%p, %w : tensor<1x8x10x2xi8>, tensor<3x3x2x5xi8>) outs(%z : tensor<1x4x6x5xi32>) -> tensor<1x4x6x5xi32>
  return %c : tensor<1x4x6x5xi32>
}
