func.func @overflow(%a: tensor<1x4xi8>, %w: tensor<4x2xi8>) -> tensor<1x2xi16> {
  %z = arith.constant dense<0> : tensor<1x2xi16>
  %r = linalg.matmul ins(%a, %w : tensor<1x4xi8>, tensor<4x2xi8>)
                     outs(%z : tensor<1x2xi16>) -> tensor<1x2xi16>
  return %r : tensor<1x2xi16>
}
