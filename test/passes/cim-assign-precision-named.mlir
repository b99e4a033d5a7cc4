// cim-assign-precision with a policy whose rows have names: they meet the
// layers by name, in any order (lib/cost/policy.c, cimPolicyMatchLayers, as
// cim-estimate). Inputs/assign-precision-named.json lists fc (W4A3, with its
// shape: in 4, out 2, 1 invocation) before conv1 (W8A8); the module has
// conv1 first. Errors: cim-assign-precision-invalid.mlir.
// RUN: cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%S/Inputs/assign-precision-named.json' | FileCheck %s
//
// conv1 at W8A8: activations (default range 6, signed) 6/127 =
// 0.0472440944881889..., weights (max |w| 0.5) 0.5/127 = 0.0039370078740157...
// CHECK-LABEL: func.func @two
// CHECK: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8<-127:127>:f32, 0.04724409448818{{[0-9]*}}>>
// CHECK: quant.qcast %{{.*}} : tensor<4x4xf32> to tensor<4x4x!quant.uniform<i8<-127:127>:f32, 0.0039370078740157{{[0-9]*}}>>
// CHECK: linalg.matmul
// fc at W4A3: activations 6/3 = 2.0 on i3<-3:3>, weights 0.5/7 =
// 0.0714285714285714... on i4<-7:7>.
// CHECK: quant.qcast %{{.*}} : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i3<-3:3>:f32, 2.000000e+00>>
// CHECK: quant.qcast %{{.*}} : tensor<4x2xf32> to tensor<4x2x!quant.uniform<i4<-7:7>:f32, 0.07142857142857{{[0-9]*}}>>
// CHECK: linalg.matmul
