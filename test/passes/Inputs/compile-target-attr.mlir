// One 100 -> 10 layer (i8 inputs, i4 weights) in a module that carries its
// target: 64x64 crossbars with 2-bit cells (test/passes/cim-compile.test).
module attributes {cim.target = #cim.target<64, 64, 2, 1, 0, "differential-column", "twos-complement", 1, 64, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
func.func @mm(%a: tensor<1x100xi8>) -> tensor<1x10xi32> {
  %w = arith.constant dense<3> : tensor<100x10xi4>
  %z = arith.constant dense<0> : tensor<1x10xi32>
  %r = linalg.matmul ins(%a, %w : tensor<1x100xi8>, tensor<100x10xi4>)
                     outs(%z : tensor<1x10xi32>) -> tensor<1x10xi32>
  return %r : tensor<1x10xi32>
}
}
