// Every rejection of cim-estimate.
// RUN: cim-opt %s --split-input-file --verify-diagnostics --cim-estimate='baseline=w8a8 table='
// RUN: not cim-opt %s --split-input-file --cim-estimate='baseline=w4a8' 2>&1 | FileCheck %s --check-prefix=BASELINE
// RUN: not cim-opt %s --split-input-file --cim-estimate='target=%S/Inputs/bad-target.json' 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not cim-opt %s --split-input-file --cim-estimate='target=%t.missing.json' 2>&1 | FileCheck %s --check-prefix=MISSING

// BASELINE: error: cim-estimate: baseline 'w4a8' is not 'none' or 'wNaN' with the same N in 1..8 (e.g. w8a8)
// TARGET: error: {{.*}}bad-target.json: field 'cell_bits': 9 is out of range [1, 8]
// MISSING: error: cannot open target file '{{.*}}missing.json': No such file or directory

// A module target whose values are out of range.
// expected-error @below {{target: field 'rows': 0 is out of range [1, 65536]}}
module attributes {cim.target = #cim.target<0 : i64, 256 : i64, 4 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement", 1 : i64, 256 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
}

// -----

// A layer the target cannot map: signed activations on an unsigned-input target.
module attributes {cim.target = #cim.target<256 : i64, 256 : i64, 4 : i64, 1 : i64, 0 : i64, "differential-column", "unsigned", 1 : i64, 256 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
  func.func @f(%a: tensor<1x4xi8>, %w: tensor<4x4xi8>) -> tensor<1x4xi32> {
    // expected-error @+1 {{layer 'layer 0': the layer has signed activations but the target's input encoding is 'unsigned'}}
    %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<1x4xi8>, tensor<4x4xi8>) -> tensor<1x4xi32>
    return %m : tensor<1x4xi32>
  }
}

// -----

// A 1x1 crossbar cannot hold a differential column pair.
module attributes {cim.target = #cim.target<1 : i64, 1 : i64, 4 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement", 1 : i64, 1 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
  func.func @f(%a: tensor<1x4xi8>, %w: tensor<4x4xi8>) -> tensor<1x4xi32> {
    // expected-error @+1 {{layer 'layer 0': a crossbar with 1 column(s) cannot hold one differential column pair}}
    %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<1x4xi8>, tensor<4x4xi8>) -> tensor<1x4xi32>
    return %m : tensor<1x4xi32>
  }
}

// -----

func.func @dynamic_shape(%a: tensor<?x4xi8>, %w: tensor<4x4xi8>) -> tensor<?x4xi32> {
  // expected-error @+1 {{layer needs static tensor shapes to be costed}}
  %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<?x4xi8>, tensor<4x4xi8>) -> tensor<?x4xi32>
  return %m : tensor<?x4xi32>
}
