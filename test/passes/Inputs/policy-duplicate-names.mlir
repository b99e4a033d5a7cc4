// Two layers with the same name location, for cim-estimate-policy.mlir.
func.func @dup(%a: tensor<2x300xi8>, %w: tensor<300x100xi8>, %b: tensor<2x100xi8>, %v: tensor<100x10xi8>) -> (tensor<2x100xi32>, tensor<2x10xi32>) {
  %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<2x300xi8>, tensor<300x100xi8>) -> tensor<2x100xi32> loc("fc")
  %n = "cim.matmul"(%b, %v) {layer = 1 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<2x100xi8>, tensor<100x10xi8>) -> tensor<2x10xi32> loc("fc")
  return %m, %n : tensor<2x100xi32>, tensor<2x10xi32>
}
