// The first chunk holds only comments.

// -----
func.func @redundant_scast() -> tensor<4xi8> {
  %cst = arith.constant dense<5> : tensor<4xi8>
  %1 = "quant.scast"(%cst) : (tensor<4xi8>) -> tensor<4x!quant.uniform<u8:f32, 7.812500e-03:128>>
  %2 = "quant.scast"(%1) : (tensor<4x!quant.uniform<u8:f32, 7.812500e-03:128>>) -> tensor<4xi8>
  return %2 : tensor<4xi8>
}
