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
// point) on the spatial dims only.
// CHECK-LABEL: func.func @conv_nhwc_dilated
// CHECK: "cim.conv2d"
// CHECK-SAME: dilations = array<i64: 2, 2>
// CHECK-SAME: layout = "nhwc_hwcf"
// CHECK-SAME: pad_value = -3 : i64
// CHECK-SAME: padding = array<i64: 0, 1, 2, 3>
// CHECK-SAME: strides = array<i64: 1, 1>
func.func @conv_nhwc_dilated(%x: tensor<1x6x6x2xi8>) -> tensor<1x4x5x5xi32> {
  %cm3 = arith.constant -3 : i8
  %p = tensor.pad %x low[0, 0, 1, 0] high[0, 2, 3, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %cm3 : i8
  } : tensor<1x6x6x2xi8> to tensor<1x8x10x2xi8>
  %w = arith.constant dense<1> : tensor<3x3x2x5xi8>
  %z = arith.constant dense<0> : tensor<1x4x5x5xi32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%p, %w : tensor<1x8x10x2xi8>, tensor<3x3x2x5xi8>) outs(%z : tensor<1x4x5x5xi32>) -> tensor<1x4x5x5xi32>
  return %c : tensor<1x4x5x5xi32>
}
