// A 2x3 activation matrix (8-bit) times constant 3x4 weights (4-bit), exact
// int32 accumulation: the smallest layer cim-opt lowers today.
// Try: cim-opt --convert-linalg-to-cim examples/matmul.mlir
func.func @mm(%a: tensor<2x3xi8>) -> tensor<2x4xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [-1, 2, -3, 4]]> : tensor<3x4xi4>
  %z = arith.constant dense<0> : tensor<2x4xi32>
  %r = linalg.matmul ins(%a, %w : tensor<2x3xi8>, tensor<3x4xi4>)
                     outs(%z : tensor<2x4xi32>) -> tensor<2x4xi32>
  return %r : tensor<2x4xi32>
}
