#map = affine_map<(d0) -> (d0)>
func.func @f(%a: tensor<4xi32>) -> tensor<4xi32> {
  %c = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %0 = arith.addi %a, %c : tensor<4xi32> loc("named"("in.mlir":3:8))
  %1 = arith.addi %a, %c : tensor<4xi32>
  %2 = arith.muli %0, %1 : tensor<4xi32>
  return %2 : tensor<4xi32>
}
