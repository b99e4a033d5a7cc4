// Layers convert-cim-to-xbar cannot map are rejected at the layer, with the
// reason; nothing is written (the output file is not created).
// RUN: cim-opt %s --split-input-file --verify-diagnostics --convert-cim-to-xbar
// RUN: not cim-opt %s --split-input-file --convert-cim-to-xbar -o %t.out
// RUN: not test -e %t.out

// Signed activations on a target that drives only unsigned inputs.
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "unsigned", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @unsigned_target(%a: tensor<1x2xi8>) -> tensor<1x2xi32> {
    %w = arith.constant dense<1> : tensor<2x2xi8>
    // expected-error @+1 {{cim-bitslice: layer 0: the layer has signed activations but the target's input encoding is 'unsigned'}}
    %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "static"} : (tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
    return %r : tensor<1x2xi32>
  }
}
