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

// Ops the pass does not handle yet pass through untouched.
// CHECK-LABEL: func.func @other_ops
// CHECK: linalg.matvec
func.func @other_ops(%m: tensor<4x3xi8>, %v: tensor<3xi8>, %o: tensor<4xi32>) -> tensor<4xi32> {
  %r = linalg.matvec ins(%m, %v : tensor<4x3xi8>, tensor<3xi8>) outs(%o : tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}
