// cim-assign-precision and convert-linalg-to-cim on dense_resource weights
// and biases (blobs, as torch-mlir / IREE importers write them; read in bulk
// by lib/ir/Elements.h): the same types and integers as dense constants.
//   w = [[0.5, -0.25], [0.125, 0.375]]: max |w| = 0.5, 4 bits: i4<-7:7>,
//     scale 0.5/7 = 0.0714285714...; f32 weights are divided in float32
//     (ONNX's QuantizeLinear), by the scale rounded to float32, 0.071428575
//     (just above 1/14): w / s = [[6.9999995, -3.4999998], [1.7499999, 5.25]]
//     (NumPy float32) -> [[7, -3], [2, 5]]; in exact arithmetic -0.25 * 14
//     would be the tie -3.5 -> -4
//   the argument: default range 6 at 8 bits, 6/127
//   bias [1.0, -0.5] / (6/127 * 0.5/7 = 0.0033745781777...) = [296.33...,
//     -148.166...] -> [296, -148]
// RUN: cim-opt %s --cim-assign-precision='w-bits=4' | FileCheck %s --check-prefix=QDQ
// RUN: cim-opt %s --cim-assign-precision='w-bits=4' --convert-linalg-to-cim | FileCheck %s
// QDQ-LABEL: func.func @resource
// QDQ: %[[W:.*]] = arith.constant dense_resource<w> : tensor<2x2xf32>
// QDQ: quant.qcast %[[W]] : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i4<-7:7>:f32, 0.07142857142857{{[0-9]*}}>>
// CHECK-LABEL: func.func @resource
// CHECK-SAME: (%[[X:.*]]: tensor<1x2xi8> {cim.scale = 0.04724409448818{{[0-9]*}} : f64
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[7, -3], [2, 5]]> : tensor<2x2xi4>
// CHECK: %[[M:.*]] = "cim.matmul"(%[[X]], %[[W]])
// CHECK: %[[B:.*]] = arith.constant dense<[296, -148]> : tensor<2xi32>
// CHECK: "cim.requantize"(%[[M]], %[[B]])
// CHECK-NOT: dense_resource
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col2 = affine_map<(d0, d1) -> (d1)>
func.func @resource(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense_resource<w> : tensor<2x2xf32>
  %bias = arith.constant dense_resource<b> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  %b = linalg.generic {indexing_maps = [#id2, #col2, #id2], iterator_types = ["parallel", "parallel"]} ins(%m, %bias : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%a0: f32, %a1: f32, %o: f32):
    %y = arith.addf %a0, %a1 : f32
    linalg.yield %y : f32
  } -> tensor<1x2xf32>
  return %b : tensor<1x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000003F000080BE0000003E0000C03E",
      b: "0x040000000000803F000000BF"
    }
  }
#-}
