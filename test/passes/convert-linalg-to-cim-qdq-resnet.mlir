// A QDQ'd ResNet-style block (conv + bias + ReLU, max pool, residual add,
// ReLU, global average pool, flatten, dense head) converts to cim IR that
// stock mlir-opt parses with the IRDL definition alone.
// RUN: cim-opt --convert-linalg-to-cim %s | FileCheck %s
// RUN: cim-opt --convert-linalg-to-cim %s | %mlir-opt --irdl-file=%irdl_cim | FileCheck %s --check-prefix=STOCK
//
// Hand derivation of the numbers checked below:
//   x: i8 scale 0.5 zp -1. Conv weights 0.5 with per-axis scales {0.25,
//   0.125} -> 2 and 4 (i4<-7:7>). Padding with 0.0 -> pad_value = zp = -1.
//   Zero-point correction +1 * sum of 2*3*3 weights: f0 18 * 2 = 36,
//   f1 18 * 4 = 72; bias [0.5, -0.25] / (0.125, 0.0625) = [4, -4]:
//   [40, 68]. ReLU then u8 scale 1/16: ratios 2 = 0.5 * 2^2 -> shift 29,
//   1 = 0.5 * 2^1 -> shift 30; qmin 0.
//   Residual add: s_c = min(1/16, 1/2) / 256 = 2^-12; max pool output ratio
//   256 -> shift 22, bound 255 * 256 + 1 = 65281; x ratio 2048 -> shift 19,
//   bound 128 * 2048 + 1 = 262145.
//   ReLU on the sum: folded (multiplier 1) with qmin 0 before the average.
//   Flattened average to i8 scale 1/8: ratio 2^-12 / 2^-3 = 2^-9 -> shift 39.
//   Head weights [[1, -1, 0.5], [2, 0.25, -3]] / 0.5 = [[2, -2, 1],
//   [4, 0.5 -> 0 (half to even), -6]]; bias [0.25, 0.5, -1] / (1/8 * 1/2)
//   = [4, 8, -16]; the accumulator is returned at scale 1/16.
// CHECK-LABEL: func.func @block
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xi8> {cim.scale = 5.000000e-01 : f64, cim.zero_point = -1 : i64})
// CHECK-SAME: -> (tensor<1x3xi32> {cim.scale = 6.250000e-02 : f64, cim.zero_point = 0 : i64})
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}[2, 2, 2]{{.*}}[4, 4, 4]{{.*}}> : tensor<2x2x3x3xi4>
// CHECK: %[[C:.*]] = "cim.conv2d"(%[[X]], %[[W]]) {{{.*}}layer = 0 : i64{{.*}}pad_value = -1 : i64, padding = array<i64: 1, 1, 1, 1>
// CHECK: %[[B:.*]] = arith.constant dense<[40, 68]> : tensor<2xi32>
// CHECK: %[[R:.*]] = "cim.requantize"(%[[C]], %[[B]]) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824, 1073741824>, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64, shift = array<i64: 29, 30>} : (tensor<1x2x4x4xi32>, tensor<2xi32>) -> tensor<1x2x4x4xi9>
// CHECK: %[[M:.*]] = "cim.pool"(%[[R]]) {kind = "max", {{.*}}padding = array<i64: 1, 1, 1, 1>
// CHECK: %[[RM:.*]] = "cim.requantize"(%[[M]]) {{{.*}}qmax = 65281 : i64, qmin = -65281 : i64, shift = array<i64: 22>}
// CHECK: %[[RX:.*]] = "cim.requantize"(%[[X]]) {{{.*}}in_zero_point = -1 : i64{{.*}}qmax = 262145 : i64, qmin = -262145 : i64, shift = array<i64: 19>}
// CHECK: %[[S:.*]] = "cim.add"(%[[RM]], %[[RX]])
// CHECK: %[[F:.*]] = "cim.requantize"(%[[S]]) {{{.*}}multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 2147483647 : i64, qmin = 0 : i64, shift = array<i64: 0>}
// CHECK: %[[A:.*]] = "cim.pool"(%[[F]]) {kind = "avg"{{.*}}window = array<i64: 4, 4>}
// CHECK: %[[FL:.*]] = "cim.reshape"(%[[A]]) : (tensor<1x2x1x1xi32>) -> tensor<1x2xi32>
// CHECK: %[[Q:.*]] = "cim.requantize"(%[[FL]]) {{{.*}}qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 39>}
// CHECK: %[[HW:.*]] = arith.constant dense<{{\[}}[2, -2, 1], [4, 0, -6]]> : tensor<2x3xi4>
// CHECK: %[[H:.*]] = "cim.matmul"(%[[Q]], %[[HW]]) {{{.*}}layer = 1 : i64
// CHECK: %[[HB:.*]] = arith.constant dense<[4, 8, -16]> : tensor<3xi32>
// CHECK: %[[OUT:.*]] = "cim.requantize"(%[[H]], %[[HB]]) {{{.*}}multiplier = array<i64: 1>{{.*}}shift = array<i64: 0>}
// CHECK: return %[[OUT]]
// CHECK-NOT: linalg.
// CHECK-NOT: quant.
// STOCK: "cim.conv2d"
// STOCK: "cim.matmul"
!qa = !quant.uniform<i8:f32, 0.5:-1>
!qw = !quant.uniform<i4<-7:7>:f32:0, {0.25, 0.125}>
!qr = !quant.uniform<u8:f32, 0.0625>
!qs = !quant.uniform<i8:f32, 0.125>
!qf = !quant.uniform<i4:f32, 0.5>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col2 = affine_map<(d0, d1) -> (d1)>
func.func @block(%x: tensor<1x2x4x4xf32>) -> tensor<1x3xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %xq = quant.qcast %x : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!qa>
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %p = tensor.pad %xd low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
  %w = arith.constant dense<0.5> : tensor<2x2x3x3xf32>
  %wq = quant.qcast %w : tensor<2x2x3x3xf32> to tensor<2x2x3x3x!qw>
  %wd = quant.dcast %wq : tensor<2x2x3x3x!qw> to tensor<2x2x3x3xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %wd : tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) outs(%init : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %b = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %cb = linalg.generic {indexing_maps = [#id4, #chan4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x2x4x4xf32>, tensor<2xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%a0: f32, %a1: f32, %acc: f32):
    %y = arith.addf %a0, %a1 : f32
    linalg.yield %y : f32
  } -> tensor<1x2x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cb : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %y = arith.maximumf %a0, %zero : f32
    linalg.yield %y : f32
  } -> tensor<1x2x4x4xf32>
  %rq = quant.qcast %r : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!qr>
  %rd = quant.dcast %rq : tensor<1x2x4x4x!qr> to tensor<1x2x4x4xf32>
  %mpp = tensor.pad %rd low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %mpinit = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %mp = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%mpp, %win : tensor<1x2x6x6xf32>, tensor<3x3xf32>) outs(%mpinit : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %add = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%mp, %xd : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%a0: f32, %a1: f32, %acc: f32):
    %y = arith.addf %a0, %a1 : f32
    linalg.yield %y : f32
  } -> tensor<1x2x4x4xf32>
  %r2 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%add : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %y = arith.maximumf %a0, %zero : f32
    linalg.yield %y : f32
  } -> tensor<1x2x4x4xf32>
  %w44 = tensor.empty() : tensor<4x4xf32>
  %e11 = tensor.empty() : tensor<1x2x1x1xf32>
  %sinit = linalg.fill ins(%zero : f32) outs(%e11 : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %sum = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r2, %w44 : tensor<1x2x4x4xf32>, tensor<4x4xf32>) outs(%sinit : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %avg = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sum : tensor<1x2x1x1xf32>) outs(%e11 : tensor<1x2x1x1xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %n = arith.constant 16.0 : f32
    %y = arith.divf %a0, %n : f32
    linalg.yield %y : f32
  } -> tensor<1x2x1x1xf32>
  %flat = tensor.collapse_shape %avg [[0], [1, 2, 3]] : tensor<1x2x1x1xf32> into tensor<1x2xf32>
  %fq = quant.qcast %flat : tensor<1x2xf32> to tensor<1x2x!qs>
  %fd = quant.dcast %fq : tensor<1x2x!qs> to tensor<1x2xf32>
  %fw = arith.constant dense<[[1.0, -1.0, 0.5], [2.0, 0.25, -3.0]]> : tensor<2x3xf32>
  %fwq = quant.qcast %fw : tensor<2x3xf32> to tensor<2x3x!qf>
  %fwd = quant.dcast %fwq : tensor<2x3x!qf> to tensor<2x3xf32>
  %e13 = tensor.empty() : tensor<1x3xf32>
  %finit = linalg.fill ins(%zero : f32) outs(%e13 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %fc = linalg.matmul ins(%fd, %fwd : tensor<1x2xf32>, tensor<2x3xf32>) outs(%finit : tensor<1x3xf32>) -> tensor<1x3xf32>
  %fb = arith.constant dense<[0.25, 0.5, -1.0]> : tensor<3xf32>
  %out = linalg.generic {indexing_maps = [#id2, #col2, #id2], iterator_types = ["parallel", "parallel"]} ins(%fc, %fb : tensor<1x3xf32>, tensor<3xf32>) outs(%e13 : tensor<1x3xf32>) {
  ^bb0(%a0: f32, %a1: f32, %acc: f32):
    %y = arith.addf %a0, %a1 : f32
    linalg.yield %y : f32
  } -> tensor<1x3xf32>
  return %out : tensor<1x3xf32>
}
