// cim-assign-precision: where the QDQ pairs go and their types. Every scale
// below is derived by hand (docs/precision.md, "Scales"):
//   signed b-bit narrow:   scale = bound / (2^(b-1) - 1)
//   unsigned b-bit:        scale = bound / (2^b - 1)
//   default range R = 6:   8-bit signed 6/127 = 0.0472440944881889...,
//                          8-bit unsigned 6/255 = 0.0235294117647058...
// RUN: cim-opt %s --split-input-file --cim-assign-precision='w-bits=4' | FileCheck %s
// RUN: cim-opt %s --split-input-file --cim-assign-precision='w-bits=4' | %mlir-opt --split-input-file -o /dev/null
// RUN: cim-opt %s --split-input-file --cim-assign-precision='w-bits=1 a-bits=1' | FileCheck %s --check-prefix=ONE
// RUN: cim-opt %s --split-input-file --cim-assign-precision='w-bits=3 cell-aligned' | FileCheck %s --check-prefix=CELL4
// RUN: cim-opt %s --split-input-file --cim-assign-precision='w-bits=5 cell-aligned target=%cim_src_root/examples/targets/reference-2bit-cells.json' | FileCheck %s --check-prefix=CELL2
// RUN: cim-opt %s --split-input-file --cim-assign-precision='w-bits=2 a-bits=3 digital-bits=6 default-range=3.5' | FileCheck %s --check-prefix=OPTS

// Weights with max |w| = 0.5 at 4 bits: i4<-7:7>, scale 0.5/7 = 0.0714285714285714...
// The argument (signed, default range 6) at 8 bits: 6/127.
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>)
// CHECK: %[[QA:.*]] = quant.qcast %[[A]] : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK: %[[DA:.*]] = quant.dcast %[[QA]] : tensor<2x3x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>> to tensor<2x3xf32>
// CHECK: %[[W:.*]] = arith.constant
// CHECK: %[[QW:.*]] = quant.qcast %[[W]] : tensor<3x4xf32> to tensor<3x4x!quant.uniform<i4<-7:7>:f32, 0.07142857142857{{[0-9]*}}>>
// CHECK: %[[DW:.*]] = quant.dcast %[[QW]]
// CHECK: linalg.matmul ins(%[[DA]], %[[DW]] :
//
// b = 1: signed values use i1 (levels -1, 0) with scale max|x|: the weights
// 0.5, the argument 6 (default range).
// ONE-LABEL: func.func @dense
// ONE: quant.qcast %{{.*}} to tensor<2x3x!quant.uniform<i1:f32, 6.000000e+00>>
// ONE: quant.qcast %{{.*}} to tensor<3x4x!quant.uniform<i1:f32, 5.000000e-01>>
//
// cell-aligned: 3-bit weights round up to 4 on the default 4-bit cells
// (0.5/7 again), to 6 bits on 2-bit cells with w-bits=5: i6<-31:31>, 0.5/31 =
// 0.0161290322580645...
// CELL4-LABEL: func.func @dense
// CELL4: quant.qcast %{{.*}} to tensor<3x4x!quant.uniform<i4<-7:7>:f32, 0.07142857142857{{[0-9]*}}>>
// CELL2-LABEL: func.func @dense
// CELL2: quant.qcast %{{.*}} to tensor<3x4x!quant.uniform<i6<-31:31>:f32, 0.01612903225806{{[0-9]*}}>>
//
// w-bits=2: i2<-1:1>, scale 0.5/1; a-bits=3 with R = 3.5: i3<-3:3>, 3.5/3 =
// 1.1666666666666...
// OPTS-LABEL: func.func @dense
// OPTS: quant.qcast %{{.*}} to tensor<2x3x!quant.uniform<i3<-3:3>:f32, 1.16666666666666{{[0-9]*}}>>
// OPTS: quant.qcast %{{.*}} to tensor<3x4x!quant.uniform<i2<-1:1>:f32, 5.000000e-01>>
func.func @dense(%a: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[0.25, -0.5, 0.125, 0.0], [0.375, 0.0625, -0.25, 0.5], [-0.125, 0.25, 0.0, -0.375]]> : tensor<3x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %r = linalg.matmul ins(%a, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// conv + bias + ReLU + conv: the first conv's input pair goes in front of its
// pad (signed, 6/127); the bias add gets no pair; the second conv's input is
// a ReLU output, so unsigned u8 with 6/255, also in front of the pad. The
// second conv's weights are all zero: scale 1.0.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan4 = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @conv_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK: %[[QX:.*]] = quant.qcast %[[X]] : tensor<1x1x4x4xf32> to tensor<1x1x4x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK: %[[DX:.*]] = quant.dcast %[[QX]]
// CHECK: %[[P1:.*]] = tensor.pad %[[DX]]
// CHECK: quant.qcast %{{.*}} : tensor<2x1x3x3xf32> to tensor<2x1x3x3x!quant.uniform<i4<-7:7>:f32, 0.07142857142857{{[0-9]*}}>>
// CHECK: %[[DW1:.*]] = quant.dcast
// CHECK: %[[C1:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[P1]], %[[DW1]] :
// CHECK-NOT: quant.qcast
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%[[C1]], %{{.*}} : tensor<1x2x4x4xf32>, tensor<2xf32>)
// CHECK-NOT: quant.qcast
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<1x2x4x4xf32>)
// CHECK: arith.maximumf
// CHECK: %[[QR:.*]] = quant.qcast %[[R]] : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<u8:f32, 0.02352941176470{{[0-9]*}}>>
// CHECK: %[[DR:.*]] = quant.dcast %[[QR]]
// CHECK: %[[P2:.*]] = tensor.pad %[[DR]]
// CHECK: quant.qcast %{{.*}} : tensor<2x2x3x3xf32> to tensor<2x2x3x3x!quant.uniform<i4<-7:7>:f32, 1.000000e+00>>
// CHECK: %[[DW2:.*]] = quant.dcast
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[P2]], %[[DW2]] :
func.func @conv_relu(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %p1 = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x6x6xf32>
  %w1 = arith.constant dense<-0.5> : tensor<2x1x3x3xf32>
  %e1 = tensor.empty() : tensor<1x2x4x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p1, %w1 : tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>) outs(%f1 : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %bias = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %e2 = tensor.empty() : tensor<1x2x4x4xf32>
  %b = linalg.generic {indexing_maps = [#id4, #chan4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c1, %bias : tensor<1x2x4x4xf32>, tensor<2xf32>) outs(%e2 : tensor<1x2x4x4xf32>) {
  ^bb0(%a0: f32, %a1: f32, %acc: f32):
    %y = arith.addf %a0, %a1 : f32
    linalg.yield %y : f32
  } -> tensor<1x2x4x4xf32>
  %e3 = tensor.empty() : tensor<1x2x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<1x2x4x4xf32>) outs(%e3 : tensor<1x2x4x4xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %c0 = arith.constant 0.0 : f32
    %y = arith.maximumf %a0, %c0 : f32
    linalg.yield %y : f32
  } -> tensor<1x2x4x4xf32>
  %p2 = tensor.pad %r low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
  %w2 = arith.constant dense<0.0> : tensor<2x2x3x3xf32>
  %e4 = tensor.empty() : tensor<1x2x4x4xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p2, %w2 : tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) outs(%f4 : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %c2 : tensor<1x2x4x4xf32>
}

// -----

// One constant (what cse makes of identical splat weights) used by two
// layers: one qcast per use, each right before its layer. The argument feeds
// both layers with the same type: one shared pair. Splat 0.25 at 4 bits:
// 0.25/7 = 0.0357142857142857...
// CHECK-LABEL: func.func @shared
// CHECK-SAME: (%[[A:.*]]: tensor<1x4xf32>)
// CHECK: %[[QA:.*]] = quant.qcast %[[A]]
// CHECK: %[[DA:.*]] = quant.dcast %[[QA]]
// CHECK-NOT: quant.qcast %[[A]]
// CHECK: %[[W:.*]] = arith.constant dense<2.500000e-01>
// CHECK: %[[Q1:.*]] = quant.qcast %[[W]] : tensor<4x4xf32> to tensor<4x4x!quant.uniform<i4<-7:7>:f32, 0.03571428571428{{[0-9]*}}>>
// CHECK: %[[D1:.*]] = quant.dcast %[[Q1]]
// CHECK: linalg.matmul ins(%[[DA]], %[[D1]] :
// CHECK: %[[Q2:.*]] = quant.qcast %[[W]] : tensor<4x4xf32> to tensor<4x4x!quant.uniform<i4<-7:7>:f32, 0.03571428571428{{[0-9]*}}>>
// CHECK: %[[D2:.*]] = quant.dcast %[[Q2]]
// CHECK: linalg.matmul ins(%[[DA]], %[[D2]] :
func.func @shared(%a: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.25> : tensor<4x4xf32>
  %e = tensor.empty() : tensor<1x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
  %r1 = linalg.matmul ins(%a, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
  %r2 = linalg.matmul ins(%a, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r1, %r2 : tensor<1x4xf32>, tensor<1x4xf32>
}

// -----

// Attention: Q.K^T and A.V have run-time weights (K^T, V), signed, default
// range, 4 bits: 6/7 = 0.857142857142857... The softmax's input gets a Q2
// pair at 8 bits (6/127). Its result feeds A.V only, whose activation type is
// unsigned with the softmax's known range [0, 1]: u8, 1/255 =
// 0.00392156862745098...; that one pair is also the Q3 qcast (no second one).
// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:.*]]: tensor<2x3x4xf32>, %[[KT:.*]]: tensor<2x4x3xf32>, %[[V:.*]]: tensor<2x3x4xf32>)
// CHECK-DAG: quant.qcast %[[Q]] : tensor<2x3x4xf32> to tensor<2x3x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK-DAG: quant.qcast %[[KT]] : tensor<2x4x3xf32> to tensor<2x4x3x!quant.uniform<i4<-7:7>:f32, 0.857142857142857{{[0-9]*}}>>
// CHECK-DAG: quant.qcast %[[V]] : tensor<2x3x4xf32> to tensor<2x3x4x!quant.uniform<i4<-7:7>:f32, 0.857142857142857{{[0-9]*}}>>
// CHECK: %[[S:.*]] = linalg.batch_matmul
// CHECK: %[[QS:.*]] = quant.qcast %[[S]] : tensor<2x3x3xf32> to tensor<2x3x3x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK: %[[DS:.*]] = quant.dcast %[[QS]]
// CHECK: %[[SM:.*]] = linalg.softmax dimension(2) ins(%[[DS]] :
// CHECK: %[[QSM:.*]] = quant.qcast %[[SM]] : tensor<2x3x3xf32> to tensor<2x3x3x!quant.uniform<u8:f32, 0.0039215686274509{{[0-9]*}}>>
// CHECK-NOT: quant.qcast %[[SM]]
// CHECK: %[[DSM:.*]] = quant.dcast %[[QSM]]
// CHECK: linalg.batch_matmul ins(%[[DSM]], %{{.*}} :
func.func @attention(%q: tensor<2x3x4xf32>, %kt: tensor<2x4x3xf32>, %v: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<2x3x3xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x3x4xf32>, tensor<2x4x3xf32>) outs(%f1 : tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  %e2 = tensor.empty() : tensor<2x3x3xf32>
  %sm = linalg.softmax dimension(2) ins(%s : tensor<2x3x3xf32>) outs(%e2 : tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  %e3 = tensor.empty() : tensor<2x3x4xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %o = linalg.batch_matmul ins(%sm, %v : tensor<2x3x3xf32>, tensor<2x3x4xf32>) outs(%f3 : tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %o : tensor<2x3x4xf32>
}

// -----

// A residual add of two run-time values (Q2, digital-bits 8, 6/127 each)
// and a concat with a constant class token (Q2). Concatenated operands share
// one type: signed (both are), bound max(max|token| = 0.75, R = 6) = 6, so
// 6/127 for the token too. With digital-bits=6 and default-range=3.5:
// i6<-31:31>, bound max(0.75, 3.5): 3.5/31 = 0.112903225806451... for all.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @add_concat
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>, %[[Y:.*]]: tensor<2x4xf32>)
// CHECK-DAG: %[[QX:.*]] = quant.qcast %[[X]] : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK-DAG: %[[QY:.*]] = quant.qcast %[[Y]] : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK-DAG: %[[DX:.*]] = quant.dcast %[[QX]]
// CHECK-DAG: %[[DY:.*]] = quant.dcast %[[QY]]
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[DX]], %[[DY]] :
// CHECK: %[[QS:.*]] = quant.qcast %[[S]] : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK: %[[DS:.*]] = quant.dcast %[[QS]]
// CHECK: %[[T:.*]] = arith.constant dense<{{.*}}> : tensor<1x4xf32>
// CHECK: %[[QT:.*]] = quant.qcast %[[T]] : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK: %[[DT:.*]] = quant.dcast %[[QT]]
// CHECK: tensor.concat dim(0) %[[DT]], %[[DS]] :
// OPTS-LABEL: func.func @add_concat
// OPTS: quant.qcast %{{.*}} : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i6<-31:31>:f32, 0.11290322580645{{[0-9]*}}>>
// OPTS: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i6<-31:31>:f32, 0.11290322580645{{[0-9]*}}>>
func.func @add_concat(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<3x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %s = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x, %y : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a0: f32, %a1: f32, %acc: f32):
    %r = arith.addf %a0, %a1 : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %tok = arith.constant dense<[[0.5, -0.75, 0.25, 0.0]]> : tensor<1x4xf32>
  %c = tensor.concat dim(0) %tok, %s : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %c : tensor<3x4xf32>
}

// -----

// Layer norm (the three-generic pattern of vitb32.mlir) then GELU: the layer
// norm's input gets one pair that all three generics read; gamma and beta
// stay float. The layer norm's result feeds only the GELU, whose Q2 pair
// (8 bits, 6/127) is its Q3 qcast; the GELU's result is returned, so it gets
// its own Q3 pair (6/127).
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#row2 = affine_map<(d0, d1) -> (d0)>
#col2 = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @ln_gelu
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK: %[[QX:.*]] = quant.qcast %[[X]] : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK: %[[DX:.*]] = quant.dcast %[[QX]]
// CHECK-NOT: quant.qcast %[[X]]
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[DX]] : tensor<2x4xf32>)
// CHECK: %[[VAR:.*]] = linalg.generic {{.*}} ins(%[[DX]], %[[MEAN]] :
// CHECK: %[[LN:.*]] = linalg.generic {{.*}} ins(%[[DX]], %[[MEAN]], %[[VAR]], %{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[QLN:.*]] = quant.qcast %[[LN]] : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK-NOT: quant.qcast %[[LN]]
// CHECK: %[[DLN:.*]] = quant.dcast %[[QLN]]
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[DLN]] : tensor<2x4xf32>)
// CHECK: math.erf
// CHECK: %[[QG:.*]] = quant.qcast %[[G]] : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK: %[[DG:.*]] = quant.dcast %[[QG]]
// CHECK: return %[[DG]]
func.func @ln_gelu(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %gamma = arith.constant dense<1.0> : tensor<4xf32>
  %beta = arith.constant dense<0.0> : tensor<4xf32>
  %e0 = tensor.empty() : tensor<2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<2xf32>) -> tensor<2xf32>
  %mean = linalg.generic {indexing_maps = [#map2, #row2], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<2x4xf32>) outs(%f0 : tensor<2xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %n = arith.constant 4.0 : f32
    %q = arith.divf %a0, %n : f32
    %y = arith.addf %q, %acc : f32
    linalg.yield %y : f32
  } -> tensor<2xf32>
  %e1 = tensor.empty() : tensor<2xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2xf32>) -> tensor<2xf32>
  %var = linalg.generic {indexing_maps = [#map2, #row2, #row2], iterator_types = ["parallel", "reduction"]} ins(%x, %mean : tensor<2x4xf32>, tensor<2xf32>) outs(%f1 : tensor<2xf32>) {
  ^bb0(%a0: f32, %a1: f32, %acc: f32):
    %n = arith.constant 4.0 : f32
    %c = arith.subf %a0, %a1 : f32
    %sq = arith.mulf %c, %c : f32
    %q = arith.divf %sq, %n : f32
    %y = arith.addf %q, %acc : f32
    linalg.yield %y : f32
  } -> tensor<2xf32>
  %e2 = tensor.empty() : tensor<2x4xf32>
  %ln = linalg.generic {indexing_maps = [#map2, #row2, #row2, #col2, #col2, #map2], iterator_types = ["parallel", "parallel"]} ins(%x, %mean, %var, %gamma, %beta : tensor<2x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e2 : tensor<2x4xf32>) {
  ^bb0(%a0: f32, %a1: f32, %a2: f32, %a3: f32, %a4: f32, %acc: f32):
    %eps = arith.constant 1.0e-06 : f32
    %c = arith.subf %a0, %a1 : f32
    %ve = arith.addf %a2, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %c, %r : f32
    %g = arith.mulf %nn, %a3 : f32
    %y = arith.addf %g, %a4 : f32
    linalg.yield %y : f32
  } -> tensor<2x4xf32>
  %e3 = tensor.empty() : tensor<2x4xf32>
  %gelu = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%ln : tensor<2x4xf32>) outs(%e3 : tensor<2x4xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %half = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %rs2 = arith.constant 0.70710678118654757 : f32
    %t = arith.mulf %a0, %rs2 : f32
    %er = math.erf %t : f32
    %p = arith.addf %er, %one : f32
    %h = arith.mulf %a0, %half : f32
    %y = arith.mulf %h, %p : f32
    linalg.yield %y : f32
  } -> tensor<2x4xf32>
  return %gelu : tensor<2x4xf32>
}

// -----

// A softmax result used by two layers with different types (the first as
// activations, u8 with the known range [0, 1]: 1/255; the second as run-time
// weights, unsigned 4-bit with the known range: 1/15 = 0.0666666666666...)
// gets its own Q3 pair at digital-bits (u8, 1/255). The first layer wants
// that very type and reads the pair as it is; the second requantizes.
// CHECK-LABEL: func.func @softmax_two_users
// CHECK: %[[SM:.*]] = linalg.softmax
// CHECK: %[[Q3:.*]] = quant.qcast %[[SM]] : tensor<3x3xf32> to tensor<3x3x!quant.uniform<u8:f32, 0.0039215686274509{{[0-9]*}}>>
// CHECK-NOT: quant.qcast %[[SM]]
// CHECK: %[[D3:.*]] = quant.dcast %[[Q3]]
// CHECK: %[[Q4:.*]] = quant.qcast %[[D3]] : tensor<3x3xf32> to tensor<3x3x!quant.uniform<u4:f32, 0.0666666666666666{{[0-9]*}}>>
// CHECK: %[[D4:.*]] = quant.dcast %[[Q4]]
// CHECK-NOT: quant.qcast %[[D3]]
// CHECK: linalg.matmul ins(%[[D3]], %{{.*}} :
// CHECK: linalg.matmul ins(%{{.*}}, %[[D4]] :
func.func @softmax_two_users(%s: tensor<3x3xf32>, %a: tensor<3x3xf32>) -> (tensor<3x3xf32>, tensor<3x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x3xf32>
  %sm = linalg.softmax dimension(1) ins(%s : tensor<3x3xf32>) outs(%e : tensor<3x3xf32>) -> tensor<3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x3xf32>) -> tensor<3x3xf32>
  %r1 = linalg.matmul ins(%sm, %a : tensor<3x3xf32>, tensor<3x3xf32>) outs(%f : tensor<3x3xf32>) -> tensor<3x3xf32>
  %r2 = linalg.matmul ins(%a, %sm : tensor<3x3xf32>, tensor<3x3xf32>) outs(%f : tensor<3x3xf32>) -> tensor<3x3xf32>
  return %r1, %r2 : tensor<3x3xf32>, tensor<3x3xf32>
}

// -----

// matvec: the matrix (operand 0) is the weight, the vector the activation.
// CHECK-LABEL: func.func @matvec
// CHECK: %[[QW:.*]] = quant.qcast %{{.*}} : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i4<-7:7>:f32, 0.07142857142857{{[0-9]*}}>>
// CHECK: %[[DW:.*]] = quant.dcast %[[QW]]
// CHECK: linalg.matvec ins(%[[DW]], %{{.*}} :
func.func @matvec(%v: tensor<3xf32>) -> tensor<2xf32> {
  %zero = arith.constant 0.0 : f32
  %m = arith.constant dense<[[0.5, -0.25, 0.0], [0.125, 0.25, -0.375]]> : tensor<2x3xf32>
  %e = tensor.empty() : tensor<2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  %r = linalg.matvec ins(%m, %v : tensor<2x3xf32>, tensor<3xf32>) outs(%f : tensor<2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// ReLU, then max pooling over -inf padding (pads of 1, window 3: every window
// sees data), then flatten: provably non-negative, u8 with 6/255. The value
// gets its pair in front of the collapse (so the reshape moves quantized
// storage) and at the layer's operand, both of one type.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @maxpool_flatten
// CHECK: %[[P:.*]] = linalg.pooling_nchw_max
// CHECK: %[[QP:.*]] = quant.qcast %[[P]] : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<u8:f32, 0.02352941176470{{[0-9]*}}>>
// CHECK: %[[DP:.*]] = quant.dcast %[[QP]]
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[DP]]
// CHECK: %[[QC:.*]] = quant.qcast %[[C]] : tensor<1x8xf32> to tensor<1x8x!quant.uniform<u8:f32, 0.02352941176470{{[0-9]*}}>>
// CHECK: %[[DC:.*]] = quant.dcast %[[QC]]
// CHECK: linalg.matmul ins(%[[DC]], %{{.*}} :
func.func @maxpool_flatten(%x: tensor<1x2x4x4xf32>) -> tensor<1x3xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e0 = tensor.empty() : tensor<1x2x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x2x4x4xf32>) outs(%e0 : tensor<1x2x4x4xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %c0 = arith.constant 0.0 : f32
    %y = arith.maximumf %a0, %c0 : f32
    linalg.yield %y : f32
  } -> tensor<1x2x4x4xf32>
  %p = tensor.pad %r low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %e1 = tensor.empty() : tensor<1x2x2x2xf32>
  %f1 = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %mp = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %win : tensor<1x2x6x6xf32>, tensor<3x3xf32>) outs(%f1 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = tensor.collapse_shape %mp [[0], [1, 2, 3]] : tensor<1x2x2x2xf32> into tensor<1x8xf32>
  %w = arith.constant dense<0.5> : tensor<8x3xf32>
  %e2 = tensor.empty() : tensor<1x3xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %m = linalg.matmul ins(%c, %w : tensor<1x8xf32>, tensor<8x3xf32>) outs(%f2 : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %m : tensor<1x3xf32>
}

// -----

// Average pooling (sum from a zero init, then a divide by the window size)
// of a ReLU output stays non-negative: u8, 6/255. Without the ReLU (a
// function argument straight into the pool) it is signed: 6/127.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @avgpool
// CHECK: linalg.pooling_nchw_sum
// CHECK: arith.divf
// CHECK: quant.qcast %{{.*}} : tensor<1x2x1x1xf32> to tensor<1x2x1x1x!quant.uniform<u8:f32, 0.02352941176470{{[0-9]*}}>>
// CHECK: linalg.pooling_nchw_sum
// CHECK: arith.divf
// CHECK: quant.qcast %{{.*}} : tensor<1x2x1x1xf32> to tensor<1x2x1x1x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
func.func @avgpool(%x: tensor<1x2x4x4xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<1x2x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x2x4x4xf32>) outs(%e0 : tensor<1x2x4x4xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %c0 = arith.constant 0.0 : f32
    %y = arith.maximumf %a0, %c0 : f32
    linalg.yield %y : f32
  } -> tensor<1x2x4x4xf32>
  %win = tensor.empty() : tensor<4x4xf32>
  %e1 = tensor.empty() : tensor<1x2x1x1xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r, %win : tensor<1x2x4x4xf32>, tensor<4x4xf32>) outs(%f1 : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %e2 = tensor.empty() : tensor<1x2x1x1xf32>
  %avg = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x2x1x1xf32>) outs(%e2 : tensor<1x2x1x1xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %n = arith.constant 16.0 : f32
    %y = arith.divf %a0, %n : f32
    linalg.yield %y : f32
  } -> tensor<1x2x1x1xf32>
  %c = tensor.collapse_shape %avg [[0], [1, 2, 3]] : tensor<1x2x1x1xf32> into tensor<1x2xf32>
  %w = arith.constant dense<0.5> : tensor<2x3xf32>
  %e3 = tensor.empty() : tensor<1x3xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %m = linalg.matmul ins(%c, %w : tensor<1x2xf32>, tensor<2x3xf32>) outs(%f3 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %s2 = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %win : tensor<1x2x4x4xf32>, tensor<4x4xf32>) outs(%f1 : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %avg2 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s2 : tensor<1x2x1x1xf32>) outs(%e2 : tensor<1x2x1x1xf32>) {
  ^bb0(%a0: f32, %acc: f32):
    %n = arith.constant 16.0 : f32
    %y = arith.divf %a0, %n : f32
    linalg.yield %y : f32
  } -> tensor<1x2x1x1xf32>
  %c2 = tensor.collapse_shape %avg2 [[0], [1, 2, 3]] : tensor<1x2x1x1xf32> into tensor<1x2xf32>
  %m2 = linalg.matmul ins(%c2, %w : tensor<1x2xf32>, tensor<2x3xf32>) outs(%f3 : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %m, %m2 : tensor<1x3xf32>, tensor<1x3xf32>
}
