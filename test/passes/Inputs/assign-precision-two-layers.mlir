// Two layers, conv1 and fc, for cim-assign-precision-invalid.mlir's file
// errors.
func.func @two(%a: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w0 = arith.constant dense<0.5> : tensor<4x4xf32>
  %e0 = tensor.empty() : tensor<1x4xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %r0 = linalg.matmul ins(%a, %w0 : tensor<1x4xf32>, tensor<4x4xf32>) outs(%f0 : tensor<1x4xf32>) -> tensor<1x4xf32> loc("conv1")
  %w1 = arith.constant dense<0.5> : tensor<4x2xf32>
  %e1 = tensor.empty() : tensor<1x2xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %r1 = linalg.matmul ins(%r0, %w1 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f1 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %r1 : tensor<1x2xf32>
}
