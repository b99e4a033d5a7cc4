// cim-assign-precision with a policy, the first/last constraint and a
// calibration file. Layers in program order: 0 conv1, 1 fc, 2 extra;
// Inputs/policy-3layers.json gives them W8A8, W4A3, W4A3 (named rows).
// RUN: cim-opt %s --cim-assign-precision='policy=%S/Inputs/policy-3layers.json' | FileCheck %s --check-prefix=POLICY
// RUN: cim-opt %s --cim-assign-precision='policy=%S/Inputs/policy-3layers.json first-last-8bit' | FileCheck %s --check-prefix=FIRSTLAST
// RUN: cim-opt %s --cim-assign-precision='policy=%S/Inputs/policy-3layers.json calibration=%S/Inputs/assign-precision-cal.json' | FileCheck %s --check-prefix=CAL
// RUN: cim-opt %s --cim-assign-precision='policy=%S/Inputs/assign-precision-3layers.npy' | FileCheck %s --check-prefix=NPY
// The estimate reads the bits back off the QDQ types: W8A8, W4A3, W4A3.
// RUN: cim-opt %s --cim-assign-precision='policy=%S/Inputs/policy-3layers.json' --mlir-print-debuginfo \
// RUN:   | cim-opt --cim-estimate -o /dev/null 2>&1 | FileCheck %s --check-prefix=ESTIMATE

// Weights: max |w| = 0.5 everywhere. 8 bits: 0.5/127 = 0.00393700787401574...;
// 4 bits: 0.5/7 = 0.0714285714285714... Activations are signed (no ReLU) and
// use the default range 6: 8 bits 6/127 = 0.0472440944881889..., 3 bits
// i3<-3:3>, 6/3 = 2.0. Layer 2's weights are a run-time argument: signed,
// 4 bits, 6/7 = 0.857142857142857...
// POLICY-LABEL: func.func @three
// POLICY: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// POLICY: quant.qcast %{{.*}} : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i4<-7:7>:f32, 0.857142857142857{{[0-9]*}}>>
// POLICY: quant.qcast %{{.*}} : tensor<4x4xf32> to tensor<4x4x!quant.uniform<i8<-127:127>:f32, 0.0039370078740157{{[0-9]*}}>>
// POLICY: linalg.matmul
// POLICY: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i3<-3:3>:f32, 2.000000e+00>>
// POLICY: quant.qcast %{{.*}} : tensor<4x2xf32> to tensor<4x2x!quant.uniform<i4<-7:7>:f32, 0.07142857142857{{[0-9]*}}>>
// POLICY: linalg.matmul
// POLICY: quant.qcast %{{.*}} : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i3<-3:3>:f32, 2.000000e+00>>
// POLICY: linalg.matmul
//
// first-last-8bit: layers 0 and 2 get W8A8 (layer 2's run-time weights
// 6/127, its input 6/127), layer 1 keeps W4A3.
// FIRSTLAST-LABEL: func.func @three
// FIRSTLAST: quant.qcast %{{.*}} : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// FIRSTLAST: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i3<-3:3>:f32, 2.000000e+00>>
// FIRSTLAST: quant.qcast %{{.*}} : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
//
// Calibration (Inputs/assign-precision-cal.json): layer 0 is not listed and
// takes the file's default [-2, 2]: 2/127 = 0.0157480314960629...; "fc" by
// name [-2.54, 1.0] at 3 bits: 2.54/3 = 0.846666666666666...; index 2 input
// [0, 5] (signed: not provably non-negative) 5/3 = 1.66666666666666..., its
// run-time weights [-1.4, 0.7] at 4 bits: 1.4/7 = 0.2 (0.19999999999999998
// in doubles, as 1.4 is not exact). The softmax "sm": input [-12.7, 3] at 8
// bits 12.7/127 = 0.1 (0.09999999999999999 in doubles), output [0, 0.51] unsigned
// 0.51/255 = 0.002.
// CAL-LABEL: func.func @three
// CAL: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8<-127:127>:f32, 0.01574803149606{{[0-9]*}}>>
// CAL: quant.qcast %{{.*}} : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i4<-7:7>:f32, {{2.000000e-01|0.1999999999999999[0-9]*}}>>
// CAL: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i3<-3:3>:f32, 0.84666666666666{{[0-9]*}}>>
// CAL: quant.qcast %{{.*}} : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i3<-3:3>:f32, 1.66666666666666{{[0-9]*}}>>
// CAL: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8<-127:127>:f32, {{1.000000e-01|0.09999999999999999[0-9]*}}>>
// CAL: linalg.softmax
// CAL: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<u8:f32, 2.000000e-03>>
//
// The .npy form (int64 [3, 2]: W6A8, W4A3, W2A5, no names): layer 0's
// weights 0.5/31 = 0.0161290322580645...; layer 2's run-time weights i2<-1:1>
// with 6/1, its input i5<-15:15> with 6/15 = 0.4.
// NPY-LABEL: func.func @three
// NPY: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// NPY: quant.qcast %{{.*}} : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i2<-1:1>:f32, 6.000000e+00>>
// NPY: quant.qcast %{{.*}} : tensor<4x4xf32> to tensor<4x4x!quant.uniform<i6<-31:31>:f32, 0.01612903225806{{[0-9]*}}>>
// NPY: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i3<-3:3>:f32, 2.000000e+00>>
// NPY: quant.qcast %{{.*}} : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i5<-15:15>:f32, 4.000000e-01>>
//
// ESTIMATE: conv1 {{ *}}dense {{ *}}8/8
// ESTIMATE: fc {{ *}}dense {{ *}}4/3
// ESTIMATE: extra {{ *}}matmul {{ *}}4/3
func.func @three(%a: tensor<1x4xf32>, %w2: tensor<2x4xf32>) -> tensor<1x4xf32> {
  %zero = arith.constant 0.0 : f32
  %w0 = arith.constant dense<0.5> : tensor<4x4xf32>
  %e0 = tensor.empty() : tensor<1x4xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %r0 = linalg.matmul ins(%a, %w0 : tensor<1x4xf32>, tensor<4x4xf32>) outs(%f0 : tensor<1x4xf32>) -> tensor<1x4xf32> loc("conv1")
  %w1 = arith.constant dense<-0.5> : tensor<4x2xf32>
  %e1 = tensor.empty() : tensor<1x2xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %r1 = linalg.matmul ins(%r0, %w1 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f1 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc")
  %r2 = linalg.matmul ins(%r1, %w2 : tensor<1x2xf32>, tensor<2x4xf32>) outs(%f0 : tensor<1x4xf32>) -> tensor<1x4xf32> loc("extra")
  %sm = linalg.softmax dimension(1) ins(%r2 : tensor<1x4xf32>) outs(%e0 : tensor<1x4xf32>) -> tensor<1x4xf32> loc("sm")
  return %sm : tensor<1x4xf32>
}
