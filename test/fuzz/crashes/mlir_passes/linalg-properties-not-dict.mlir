 func.func @mm(%a: tensor<2x3xi8>) -> tensor<2x4xi32> { %w = arith.constant dense<1> : tensor<3x4xi4>
  %z = arith.constant dense<0> : tensor<2x4xi32>
  %r = linalg.matmul<1> : tensor<3x4xi4>
  %z = arith.constant dense<0> : tensor<2x ins(%a, %w : tensor<2x3xi8>, tensor<3x4xi4>)
outs(%z : tensor<2x4xi32>) -> tensor<2x4xi32>
  return %r : tensor<2x4xi32>
}
