// The QDQ (float) path of convert-linalg-to-cim: one case per op form and
// quant variant. Every golden number is derived by hand in the comment above
// its CHECK (docs/design.md, "Front end").
// RUN: cim-opt --split-input-file --convert-linalg-to-cim %s | FileCheck %s

// Per-tensor matmul, weights folded with ONNX rounding, the output
// requantized with multiplier/shift.
//   x: i8, scale 0.5, zp 0 -> argument tensor<1x2xi8>, cim.scale 0.5
//   w = [[0.75, -1.5], [0.25, 3.0]] / 0.25 = [[3, -6], [1, 12 -> saturated 7]]
//   accumulator scale 0.5 * 0.25 = 0.125; output scale 1/6:
//   ratio 0.75 = 0.75 * 2^0 -> multiplier 0.75 * 2^31 = 1610612736, shift 31
// End to end, x = [1.0, -1.5] (q = [2, -3]): acc = [2*3 - 3*1, 2*(-6) - 3*7]
//   = [3, -33]; rne(3 * 0.75) = rne(2.25) = 2, rne(-33 * 0.75) = rne(-24.75)
//   = -25. The float QDQ model: x @ dq(w) = [1*0.75 - 1.5*0.25,
//   1*(-1.5) - 1.5*1.75] = [0.375, -4.125]; quantized at 1/6: 2.25 -> 2,
//   -24.75 -> -25. Same integers.
// CHECK-LABEL: func.func @matmul_per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<1x2xi8> {cim.scale = 5.000000e-01 : f64, cim.zero_point = 0 : i64})
// CHECK-SAME: -> (tensor<1x2xi8> {cim.scale = 0.1666{{.*}} : f64, cim.zero_point = 0 : i64})
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[3, -6], [1, 7]]> : tensor<2x2xi4>
// CHECK: %[[M:.*]] = "cim.matmul"(%[[X]], %[[W]])
// CHECK-SAME: a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"
// CHECK-SAME: -> tensor<1x2xi32>
// CHECK: %[[Q:.*]] = "cim.requantize"(%[[M]]) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1610612736>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 31>} : (tensor<1x2xi32>) -> tensor<1x2xi8>
// CHECK: return %[[Q]]
// CHECK-NOT: quant.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
func.func @matmul_per_tensor(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<1x2x!quant.uniform<i8:f32, 0.5>> to tensor<1x2xf32>
  %w = arith.constant dense<[[0.75, -1.5], [0.25, 3.0]]> : tensor<2x2xf32>
  %wq = quant.qcast %w : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i4:f32, 0.25>>
  %wd = quant.dcast %wq : tensor<2x2x!quant.uniform<i4:f32, 0.25>> to tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  %mq = quant.qcast %m : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.16666666666666666>>
  %md = quant.dcast %mq : tensor<1x2x!quant.uniform<i8:f32, 0.16666666666666666>> to tensor<1x2xf32>
  return %md : tensor<1x2xf32>
}

// -----

// Per-axis weights, asymmetric unsigned activations, bias add and ReLU.
//   x: u8, scale 0.5, zp 3 -> storage i9 (holds [0, 255] as signed)
//   w (axis 0, scales {0.5, 0.25}) = [[1.0, -0.5], [0.25, 0.75]] per output
//     channel -> [[2, -1], [1, 3]] in i4<-7:7>
//   zero-point correction -3 * sum_c w[f, c]: f0 -3 * 1 = -3, f1 -3 * 4 = -12
//   bias [1.0, -0.5] / (0.5 * 0.5, 0.5 * 0.25) = [4, -4]; total [1, -16]
//   to u8 scale 0.25: ratios 0.25/0.25 = 1 -> (2^30, 30), 0.125/0.25 = 0.5
//   -> (2^30, 31); ReLU: qmin = max(0, 0 + rne(0 / 0.25)) = 0
// CHECK-LABEL: func.func @conv_per_axis_asymmetric
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x2xi9> {cim.scale = 5.000000e-01 : f64, cim.zero_point = 3 : i64})
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[2]], {{\[}}[-1]]], {{\[}}{{\[}}[1]], {{\[}}[3]]]]> : tensor<2x2x1x1xi4>
// CHECK: %[[C:.*]] = "cim.conv2d"(%[[X]], %[[W]])
// CHECK-SAME: a_bits = 8 : i64, a_signed = false
// CHECK-SAME: w_bits = 4 : i64, w_signed = true
// CHECK: %[[B:.*]] = arith.constant dense<[1, -16]> : tensor<2xi32>
// CHECK: "cim.requantize"(%[[C]], %[[B]]) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824, 1073741824>, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64, shift = array<i64: 30, 31>} : (tensor<1x2x2x2xi32>, tensor<2xi32>) -> tensor<1x2x2x2xi9>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan4 = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @conv_per_axis_asymmetric(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5:3>>
  %xd = quant.dcast %xq : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5:3>> to tensor<1x2x2x2xf32>
  %w = arith.constant dense<[[[[1.0]], [[-0.5]]], [[[0.25]], [[0.75]]]]> : tensor<2x2x1x1xf32>
  %wq = quant.qcast %w : tensor<2x2x1x1xf32> to tensor<2x2x1x1x!quant.uniform<i4<-7:7>:f32:0, {0.5, 0.25}>>
  %wd = quant.dcast %wq : tensor<2x2x1x1x!quant.uniform<i4<-7:7>:f32:0, {0.5, 0.25}>> to tensor<2x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) outs(%z : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %b = arith.constant dense<[1.0, -0.5]> : tensor<2xf32>
  %cb = linalg.generic {indexing_maps = [#id4, #chan4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x2x2x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%a0: f32, %a1: f32, %o: f32):
    %y = arith.addf %a0, %a1 : f32
    linalg.yield %y : f32
  } -> tensor<1x2x2x2xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cb : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%a0: f32, %o: f32):
    %y = arith.maximumf %a0, %zero : f32
    linalg.yield %y : f32
  } -> tensor<1x2x2x2xf32>
  %rq = quant.qcast %r : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
  %rd = quant.dcast %rq : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>> to tensor<1x2x2x2xf32>
  return %rd : tensor<1x2x2x2xf32>
}

// -----

// Residual add of two storage values at different scales: both requantized
// to i32 at s_c = min(0.5, 0.25) / 2^8 = 2^-10, then cim.add.
//   a (scale 0.5, zp -1): ratio 2^9 = 0.5 * 2^10 -> (2^30, 31 - 10 = 21);
//     bound 128 * 512 + 1 = 65537 (|q - zp| <= 128)
//   b (scale 0.25): ratio 2^8 -> (2^30, 22); bound 128 * 256 + 1 = 32769
//   output i8 scale 0.5: ratio 2^-10 / 0.5 = 2^-9 = 0.5 * 2^-8 -> (2^30, 39)
// CHECK-LABEL: func.func @residual_add
// CHECK-SAME: (%[[A:.*]]: tensor<4xi8> {cim.scale = 5.000000e-01 : f64, cim.zero_point = -1 : i64}, %[[B:.*]]: tensor<4xi8> {cim.scale = 2.500000e-01 : f64, cim.zero_point = 0 : i64})
// CHECK: %[[RA:.*]] = "cim.requantize"(%[[A]]) {axis = 0 : i64, in_zero_point = -1 : i64, multiplier = array<i64: 1073741824>, out_zero_point = 0 : i64, qmax = 65537 : i64, qmin = -65537 : i64, shift = array<i64: 21>} : (tensor<4xi8>) -> tensor<4xi32>
// CHECK: %[[RB:.*]] = "cim.requantize"(%[[B]]) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824>, out_zero_point = 0 : i64, qmax = 32769 : i64, qmin = -32769 : i64, shift = array<i64: 22>} : (tensor<4xi8>) -> tensor<4xi32>
// CHECK: %[[S:.*]] = "cim.add"(%[[RA]], %[[RB]]) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
// CHECK: "cim.requantize"(%[[S]]) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 39>}
func.func @residual_add(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %aq = quant.qcast %a : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5:-1>>
  %ad = quant.dcast %aq : tensor<4x!quant.uniform<i8:f32, 0.5:-1>> to tensor<4xf32>
  %bq = quant.qcast %b : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.25>>
  %bd = quant.dcast %bq : tensor<4x!quant.uniform<i8:f32, 0.25>> to tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %s = linalg.add ins(%ad, %bd : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %sq = quant.qcast %s : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %sd = quant.dcast %sq : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %sd : tensor<4xf32>
}

// -----

// Attention scores: both operands run-time (weights = "dynamic"), then the
// 1/sqrt(64) = 0.125 scale changes s only: 0.5 * 0.5 * 0.125 = 2^-5; to
// scale 2^-4: ratio 0.5 = 0.5 * 2^0 -> (2^30, 31). K transposed by
// linalg.transpose.
// CHECK-LABEL: func.func @attention_dynamic
// CHECK-SAME: (%[[Q:.*]]: tensor<2x3x4xi8> {{.*}}, %[[K:.*]]: tensor<2x3x4xi8>
// CHECK: %[[KT:.*]] = "cim.transpose"(%[[K]]) {permutation = array<i64: 0, 2, 1>} : (tensor<2x3x4xi8>) -> tensor<2x4x3xi8>
// CHECK: %[[S:.*]] = "cim.matmul"(%[[Q]], %[[KT]])
// CHECK-SAME: weights = "dynamic"
// CHECK-SAME: -> tensor<2x3x3xi32>
// CHECK: "cim.requantize"(%[[S]]) {axis = 2 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 31>}
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @attention_dynamic(%q: tensor<2x3x4xf32>, %k: tensor<2x3x4xf32>) -> tensor<2x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %qq = quant.qcast %q : tensor<2x3x4xf32> to tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>
  %qd = quant.dcast %qq : tensor<2x3x4x!quant.uniform<i8:f32, 0.5>> to tensor<2x3x4xf32>
  %kq = quant.qcast %k : tensor<2x3x4xf32> to tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>
  %kd = quant.dcast %kq : tensor<2x3x4x!quant.uniform<i8:f32, 0.5>> to tensor<2x3x4xf32>
  %te = tensor.empty() : tensor<2x4x3xf32>
  %kt = linalg.transpose ins(%kd : tensor<2x3x4xf32>) outs(%te : tensor<2x4x3xf32>) permutation = [0, 2, 1]
  %e = tensor.empty() : tensor<2x3x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  %s = linalg.batch_matmul ins(%qd, %kt : tensor<2x3x4xf32>, tensor<2x4x3xf32>) outs(%z : tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  %sc = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<2x3x3xf32>) outs(%e : tensor<2x3x3xf32>) {
  ^bb0(%a0: f32, %o: f32):
    %c = arith.constant 0.125 : f32
    %y = arith.mulf %a0, %c : f32
    linalg.yield %y : f32
  } -> tensor<2x3x3xf32>
  %sq = quant.qcast %sc : tensor<2x3x3xf32> to tensor<2x3x3x!quant.uniform<i8:f32, 0.0625>>
  %sd = quant.dcast %sq : tensor<2x3x3x!quant.uniform<i8:f32, 0.0625>> to tensor<2x3x3xf32>
  return %sd : tensor<2x3x3xf32>
}

// -----

// Max pool on a storage value (padding at -inf folded), average pool as sum
// + divide by the window (cim.pool "avg", scale kept: the storage value is
// returned as it is), flatten, and a clamp to [0, 6] (ReLU6) of a storage
// value applied as cim.clamp at its grid: [0 + rne(0 / 0.5), rne(6 / 0.5)]
// = [0, 12].
// CHECK-LABEL: func.func @pools
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xi8>
// CHECK-SAME: -> (tensor<1x1xi8> {cim.scale = 5.000000e-01 : f64, cim.zero_point = 0 : i64})
// CHECK: %[[M:.*]] = "cim.pool"(%[[X]]) {kind = "max", layout = "nchw", padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, window = array<i64: 3, 3>} : (tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8>
// CHECK: %[[A:.*]] = "cim.pool"(%[[M]]) {kind = "avg", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, window = array<i64: 2, 2>} : (tensor<1x1x2x2xi8>) -> tensor<1x1x1x1xi8>
// CHECK: %[[F:.*]] = "cim.reshape"(%[[A]]) : (tensor<1x1x1x1xi8>) -> tensor<1x1xi8>
// CHECK: %[[C:.*]] = "cim.clamp"(%[[F]]) {max = 12 : i64, min = 0 : i64}
// CHECK: return %[[C]]
#id4b = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#id2b = affine_map<(d0, d1) -> (d0, d1)>
func.func @pools(%x: tensor<1x1x4x4xf32>) -> tensor<1x1xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %xq = quant.qcast %x : tensor<1x1x4x4xf32> to tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>> to tensor<1x1x4x4xf32>
  %p = tensor.pad %xd low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x6x6xf32>
  %w3 = tensor.empty() : tensor<3x3xf32>
  %me = tensor.empty() : tensor<1x1x2x2xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%me : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %m = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %w3 : tensor<1x1x6x6xf32>, tensor<3x3xf32>) outs(%mi : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %w2 = tensor.empty() : tensor<2x2xf32>
  %se = tensor.empty() : tensor<1x1x1x1xf32>
  %si = linalg.fill ins(%zero : f32) outs(%se : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%m, %w2 : tensor<1x1x2x2xf32>, tensor<2x2xf32>) outs(%si : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %a = linalg.generic {indexing_maps = [#id4b, #id4b], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x1x1x1xf32>) outs(%se : tensor<1x1x1x1xf32>) {
  ^bb0(%a0: f32, %o: f32):
    %n = arith.constant 4.0 : f32
    %y = arith.divf %a0, %n : f32
    linalg.yield %y : f32
  } -> tensor<1x1x1x1xf32>
  %f = tensor.collapse_shape %a [[0], [1, 2, 3]] : tensor<1x1x1x1xf32> into tensor<1x1xf32>
  %fe = tensor.empty() : tensor<1x1xf32>
  %r6 = linalg.generic {indexing_maps = [#id2b, #id2b], iterator_types = ["parallel", "parallel"]} ins(%f : tensor<1x1xf32>) outs(%fe : tensor<1x1xf32>) {
  ^bb0(%a0: f32, %o: f32):
    %lo = arith.maximumf %a0, %zero : f32
    %hi = arith.minimumf %lo, %six : f32
    linalg.yield %hi : f32
  } -> tensor<1x1xf32>
  return %r6 : tensor<1x1xf32>
}

// -----

// An accumulator that needs more than 32 bits gets an i64 accumulator:
// 2^18 terms of i8 x i8 reach 2^18 * 2^14 = 2^32 (34 signed bits).
// CHECK-LABEL: func.func @wide_accumulator
// CHECK: "cim.matmul"
// CHECK-SAME: -> tensor<1x1xi64>
func.func @wide_accumulator(%a: tensor<1x262144xf32>, %w: tensor<262144x1xf32>) -> tensor<1x1xf32> {
  %zero = arith.constant 0.0 : f32
  %aq = quant.qcast %a : tensor<1x262144xf32> to tensor<1x262144x!quant.uniform<i8:f32, 0.5>>
  %ad = quant.dcast %aq : tensor<1x262144x!quant.uniform<i8:f32, 0.5>> to tensor<1x262144xf32>
  %wq = quant.qcast %w : tensor<262144x1xf32> to tensor<262144x1x!quant.uniform<i8:f32, 0.5>>
  %wd = quant.dcast %wq : tensor<262144x1x!quant.uniform<i8:f32, 0.5>> to tensor<262144x1xf32>
  %e = tensor.empty() : tensor<1x1xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1xf32>) -> tensor<1x1xf32>
  %m = linalg.matmul ins(%ad, %wd : tensor<1x262144xf32>, tensor<262144x1xf32>) outs(%z : tensor<1x1xf32>) -> tensor<1x1xf32>
  %mq = quant.qcast %m : tensor<1x1xf32> to tensor<1x1x!quant.uniform<i8:f32, 1.0>>
  %md = quant.dcast %mq : tensor<1x1x!quant.uniform<i8:f32, 1.0>> to tensor<1x1xf32>
  return %md : tensor<1x1xf32>
}

// -----

// GELU as a table over an i3 input (scale 0.5, [-4, 3]) into i4 (scale 0.25):
// gelu(x) = x/2 * (1 + erf(x / sqrt 2)) at x = -2, -1.5, ..., 1.5 is
// -0.0455, -0.1002, -0.1587, -0.1543, 0, 0.3457, 0.8413, 1.3998; divided by
// 0.25 and rounded half to even: 0, 0, -1, -1, 0, 1, 3, 6.
// Then softmax over the last axis into u8 scale 1/256: one = 256,
// exp_table[0] = 2^30, exp_table[1] = rne(2^30 * exp(-0.25)) = 836230973
// (2^30 * 0.7788007831 = 836230972.9).
// CHECK-LABEL: func.func @gelu_softmax
// CHECK: %[[G:.*]] = "cim.lut"(%{{.*}}) {function = "gelu", in_min = -4 : i64, table = array<i64: 0, 0, -1, -1, 0, 1, 3, 6>} : (tensor<2x4xi3>) -> tensor<2x4xi4>
// CHECK: "cim.softmax"(%[[G]]) {axis = 1 : i64, exp_table = array<i64: 1073741824, 836230973,
// CHECK-SAME: one = 256 : i64, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64} : (tensor<2x4xi4>) -> tensor<2x4xi9>
#id2c = affine_map<(d0, d1) -> (d0, d1)>
func.func @gelu_softmax(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %xq = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i3:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<2x4x!quant.uniform<i3:f32, 0.5>> to tensor<2x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %g = linalg.generic {indexing_maps = [#id2c, #id2c], iterator_types = ["parallel", "parallel"]} ins(%xd : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a0: f32, %o: f32):
    %half = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %rsqrt2 = arith.constant 0.707106769 : f32
    %u = arith.mulf %a0, %rsqrt2 : f32
    %er = math.erf %u : f32
    %p = arith.addf %er, %one : f32
    %h = arith.mulf %a0, %half : f32
    %y = arith.mulf %h, %p : f32
    linalg.yield %y : f32
  } -> tensor<2x4xf32>
  %gq = quant.qcast %g : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i4:f32, 0.25>>
  %gd = quant.dcast %gq : tensor<2x4x!quant.uniform<i4:f32, 0.25>> to tensor<2x4xf32>
  %s = linalg.softmax dimension(1) ins(%gd : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %sq = quant.qcast %s : tensor<2x4xf32> to tensor<2x4x!quant.uniform<u8:f32, 0.00390625>>
  %sd = quant.dcast %sq : tensor<2x4x!quant.uniform<u8:f32, 0.00390625>> to tensor<2x4xf32>
  return %sd : tensor<2x4xf32>
}

// -----

// Grouped convolution with asymmetric activations: the output channels span
// two dims (G, F) of the linalg result, so the zero-point correction is one
// bias per (g, f), applied along the merged dim and reshaped back.
//   x: u8, scale 0.5, zp 3; w (per tensor, scale 0.25) [g][f] =
//     [[1.0, -0.5], [0.25, 0.75]] -> [[4, -2], [1, 3]] in i4<-7:7>
//   correction -3 * w[g, f] (C = R = S = 1): [-12, 6, -3, -9] in (g, f) order
//   to u8 scale 0.25: ratio 0.125 / 0.25 = 0.5 -> (2^30, 31)
// CHECK-LABEL: func.func @grouped_conv_asymmetric
// CHECK: %[[C:.*]] = "cim.conv2d"
// CHECK-SAME: groups = 2 : i64
// CHECK-SAME: -> tensor<1x4x1x1xi32>
// CHECK: %[[C5:.*]] = "cim.reshape"(%[[C]]) : (tensor<1x4x1x1xi32>) -> tensor<1x2x2x1x1xi32>
// CHECK: %[[B:.*]] = arith.constant dense<[-12, 6, -3, -9]> : tensor<4xi32>
// CHECK: %[[M:.*]] = "cim.reshape"(%[[C5]]) : (tensor<1x2x2x1x1xi32>) -> tensor<1x4x1x1xi32>
// CHECK: %[[Q:.*]] = "cim.requantize"(%[[M]], %[[B]]) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824>, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64, shift = array<i64: 31>} : (tensor<1x4x1x1xi32>, tensor<4xi32>) -> tensor<1x4x1x1xi9>
// CHECK: "cim.reshape"(%[[Q]]) : (tensor<1x4x1x1xi9>) -> tensor<1x2x2x1x1xi9>
func.func @grouped_conv_asymmetric(%x: tensor<1x2x1x1x1xf32>) -> tensor<1x2x2x1x1xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2x1x1x1xf32> to tensor<1x2x1x1x1x!quant.uniform<u8:f32, 0.5:3>>
  %xd = quant.dcast %xq : tensor<1x2x1x1x1x!quant.uniform<u8:f32, 0.5:3>> to tensor<1x2x1x1x1xf32>
  %w = arith.constant dense<[[[[[1.0]]], [[[-0.5]]]], [[[[0.25]]], [[[0.75]]]]]> : tensor<2x2x1x1x1xf32>
  %wq = quant.qcast %w : tensor<2x2x1x1x1xf32> to tensor<2x2x1x1x1x!quant.uniform<i4<-7:7>:f32, 0.25>>
  %wd = quant.dcast %wq : tensor<2x2x1x1x1x!quant.uniform<i4<-7:7>:f32, 0.25>> to tensor<2x2x1x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x1x1xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x1x1xf32>) -> tensor<1x2x2x1x1xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x1x1x1xf32>, tensor<2x2x1x1x1xf32>) outs(%z : tensor<1x2x2x1x1xf32>) -> tensor<1x2x2x1x1xf32>
  %rq = quant.qcast %c : tensor<1x2x2x1x1xf32> to tensor<1x2x2x1x1x!quant.uniform<u8:f32, 0.25>>
  %rd = quant.dcast %rq : tensor<1x2x2x1x1x!quant.uniform<u8:f32, 0.25>> to tensor<1x2x2x1x1xf32>
  return %rd : tensor<1x2x2x1x1xf32>
}

// -----

// A per-channel result returned as it is (the last layer of a model with
// per-output-channel weights, which a QAT export dequantizes to float
// logits): the accumulator goes out with one scale per channel,
// s_x * s_w[n] = 0.5 * 0.5 = 0.25 and 0.5 * 0.25 = 0.125, as
// cim.scale = array<f64> along cim.axis = 1 (the matmul's N).
// Weights per column: [1.0, 0.25] / 0.5 = [2, 0.5 -> 0] (half to even),
// [-0.5, 0.75] / 0.25 = [-2, 3].
// CHECK-LABEL: func.func @return_per_channel
// CHECK-SAME: -> (tensor<1x2xi32> {cim.axis = 1 : i64, cim.scale = array<f64: 2.500000e-01, 1.250000e-01>, cim.zero_point = 0 : i64})
// CHECK: arith.constant dense<{{\[}}[2, -2], [0, 3]]> : tensor<2x2xi4>
// CHECK: %[[M:.*]] = "cim.matmul"
// CHECK: return %[[M]]
func.func @return_per_channel(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<1x2x!quant.uniform<i8:f32, 0.5>> to tensor<1x2xf32>
  %w = arith.constant dense<[[1.0, -0.5], [0.25, 0.75]]> : tensor<2x2xf32>
  %wq = quant.qcast %w : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i4<-7:7>:f32:1, {0.5, 0.25}>>
  %wd = quant.dcast %wq : tensor<2x2x!quant.uniform<i4<-7:7>:f32:1, {0.5, 0.25}>> to tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}
