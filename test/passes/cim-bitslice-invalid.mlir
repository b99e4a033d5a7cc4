// Every rejection of cim-bitslice (its input is cim-tile's form).
// RUN: cim-opt %s --split-input-file --verify-diagnostics --cim-bitslice

// The order question: bit slicing before tiling is rejected, because the
// slices are placed per tile and the tile grid (which may split the slices
// of one output over two tiles) does not exist yet.
func.func @untiled(%a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
  // expected-error @+1 {{cim-bitslice: layer 2 is not tiled; run cim-tile first: weight slices are placed per crossbar tile, so the tile grid (which may split one output's slices across tiles) must exist before bit slicing}}
  %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 2 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
  return %r : tensor<1x2xi32>
}

// -----

// Signed activations on a target that only drives unsigned inputs.
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "unsigned", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @unsigned_target(%acc: tensor<1x2xi32>, %a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
    // expected-error @+1 {{cim-bitslice: layer 0: the layer has signed activations but the target's input encoding is 'unsigned'}}
    %r = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, units = 4 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x2xi32>, tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
    return %r : tensor<1x2xi32>
  }
}

// -----

// A tile outside its layer: 2 outputs x 2 slices are 4 units, not 5.
func.func @outside(%acc: tensor<1x2xi32>, %a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
  // expected-error @+1 {{'cim.matmul_tile' op units [1, 1 + 5) exceed the 4 weight units}}
  %r = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "differential-column", unit_offset = 1 : i64, units = 5 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x2xi32>, tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
  return %r : tensor<1x2xi32>
}

// -----

// Operands that are not static 2-D tensors.
func.func @rank(%acc: tensor<1x2xi32>, %a: tensor<1x1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
  // expected-error @+1 {{'cim.matmul_tile' op a must have rank 2, has 3}}
  %r = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, units = 4 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x2xi32>, tensor<1x1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
  return %r : tensor<1x2xi32>
}
