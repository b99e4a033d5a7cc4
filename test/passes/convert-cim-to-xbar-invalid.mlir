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

// -----

// 8-bit two's complement activations on a 2-bit DAC (2 does not divide 7).
module attributes {cim.target = #cim.target<256, 256, 4, 2, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @dac(%x: tensor<1x1x3x3xi8>) -> tensor<1x1x1x1xi32> {
    %w = arith.constant dense<1> : tensor<1x1x3x3xi8>
    // expected-error @+1 {{cim-bitslice: layer 5: 8-bit two's complement activations on a 2-bit DAC would put the sign bit and magnitude bits in one plane (unipolar DACs cannot drive it); dac_bits must divide a_bits - 1}}
    %r = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 5 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 8 : i64, w_signed = true, weights = "static"} : (tensor<1x1x3x3xi8>, tensor<1x1x3x3xi8>) -> tensor<1x1x1x1xi32>
    return %r : tensor<1x1x1x1xi32>
  }
}
