// Every rejection of cim-estimate.
// RUN: cim-opt %s --split-input-file --verify-diagnostics --cim-estimate='baseline=w8a8 table='
// RUN: not cim-opt %s --split-input-file --cim-estimate='baseline=w4a8' 2>&1 | FileCheck %s --check-prefix=BASELINE
// RUN: not cim-opt %s --split-input-file --cim-estimate='target=%S/Inputs/bad-target.json' 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not cim-opt %s --split-input-file --cim-estimate='target=%t.missing.json' 2>&1 | FileCheck %s --check-prefix=MISSING

// BASELINE: error: cim-estimate: baseline 'w4a8' is not 'none' or 'w<N>a<N>' with the same N in 1..8 (e.g. w8a8)
// TARGET: error: {{.*}}bad-target.json: field 'cell_bits': 9 is out of range [1, 8]
// MISSING: error: cannot open target file '{{.*}}missing.json': No such file or directory

// A module target whose values are out of range.
// expected-error @below {{target: field 'rows': 0 is out of range [1, 65536]}}
module attributes {cim.target = #cim.target<0 : i64, 256 : i64, 4 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement", 1 : i64, 256 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
}

// -----

// A layer the target cannot map: signed activations on an unsigned-input
// target, rejected with cim-bitslice's reason (one check,
// cimTargetCheckActivations; issue 17, item 5).
module attributes {cim.target = #cim.target<256 : i64, 256 : i64, 4 : i64, 1 : i64, 0 : i64, "differential-column", "unsigned", 1 : i64, 256 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
  func.func @f(%a: tensor<1x4xi8>, %w: tensor<4x4xi8>) -> tensor<1x4xi32> {
    // expected-error @+1 {{layer 'layer 0': the layer has signed activations but the target's input encoding is 'unsigned'}}
    %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<1x4xi8>, tensor<4x4xi8>) -> tensor<1x4xi32>
    return %m : tensor<1x4xi32>
  }
}

// -----

// A 1x1 crossbar cannot hold a differential column pair: the target is
// rejected, naming the field.
// expected-error @below {{target: field 'cols': 1 is out of range [2, 65536] (differential-column needs a column pair)}}
module attributes {cim.target = #cim.target<1 : i64, 1 : i64, 4 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement", 1 : i64, 1 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
}

// -----

// #cim.target with the wrong number of parameters: the IRDL definition
// rejects it while parsing.
// expected-error @+1 {{expected 20 type arguments, but had 19}}
module attributes {cim.target = #cim.target<256 : i64, 256 : i64, 4 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement", 1 : i64, 256 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
}

// -----

// A cim.target attribute that is not a #cim.target.
// expected-error @below {{the cim.target attribute is not a #cim.target<...>}}
module attributes {cim.target = "reference"} {
}

// -----

func.func @dynamic_shape(%a: tensor<?x4xi8>, %w: tensor<4x4xi8>) -> tensor<?x4xi32> {
  // expected-error @+1 {{'cim.matmul' op operand #0 (tensor<?x4xi8>) needs static tensor shapes}}
  %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<?x4xi8>, tensor<4x4xi8>) -> tensor<?x4xi32>
  return %m : tensor<?x4xi32>
}

// -----

func.func @bad_matmul_ranks(%a: tensor<2x3x4xi8>, %w: tensor<4x5xi8>) -> tensor<2x3x5xi32> {
  // expected-error @+1 {{'cim.matmul' op operand and result shapes do not form [M, K] x [K, N] -> [M, N] (with an optional batch)}}
  %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<2x3x4xi8>, tensor<4x5xi8>) -> tensor<2x3x5xi32>
  return %m : tensor<2x3x5xi32>
}

// -----

func.func @bad_conv_rank(%x: tensor<3x8x8xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{'cim.conv2d' op the input must have rank 4, has 3}}
  %c = "cim.conv2d"(%x, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static", layout = "nchw_fchw", strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, groups = 1 : i64, pad_value = 0 : i64} : (tensor<3x8x8xi8>, tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi32>
  return %c : tensor<1x4x6x6xi32>
}

// -----

func.func @bad_groups(%x: tensor<1x6x8x8xi8>, %w: tensor<4x2x3x3xi8>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{'cim.conv2d' op 4 filters do not split into 3 groups}}
  %c = "cim.conv2d"(%x, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static", layout = "nchw_fchw", strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, groups = 3 : i64, pad_value = 0 : i64} : (tensor<1x6x8x8xi8>, tensor<4x2x3x3xi8>) -> tensor<1x4x6x6xi32>
  return %c : tensor<1x4x6x6xi32>
}

// -----

func.func @buffers(%a: memref<2x3xi8>, %w: memref<3x4xi8>, %c: memref<2x4xi32>) {
  // expected-error @+1 {{layer must be a linalg op on tensors to be costed}}
  linalg.matmul ins(%a, %w : memref<2x3xi8>, memref<3x4xi8>) outs(%c : memref<2x4xi32>)
  return
}

// -----

// A broadcast operand is no contraction cimlir maps: the same message as
// convert-linalg-to-cim's (a transposed one is costed, cim-estimate-linalg).
func.func @broadcast(%a: tensor<512xi8>, %w: tensor<512x1000xi8>) -> tensor<3x1000xi32> {
  %z = arith.constant dense<0> : tensor<3x1000xi32>
  // expected-error @+1 {{linalg.matmul with transposed or broadcast operands is supported only as a contraction with one M, N and K dimension and an optional batch dimension, each operand indexed by a permutation of its dimensions}}
  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%a, %w : tensor<512xi8>, tensor<512x1000xi8>) outs(%z : tensor<3x1000xi32>) -> tensor<3x1000xi32>
  return %r : tensor<3x1000xi32>
}

// -----

// A convolution the layer table lacks is an error, not a layer left out of
// the total (it used to print total 0 and exit 0).
func.func @conv1d(%x: tensor<1x4x6xi8>, %w: tensor<4x4x3xi8>) -> tensor<1x4x4xi32> {
  %z = arith.constant dense<0> : tensor<1x4x4xi32>
  // expected-error @+1 {{cim-estimate: 'linalg.conv_1d_ncw_fcw' is a matrix-vector layer cimlir cannot lower; supported: linalg.matmul, linalg.batch_matmul, linalg.matvec, linalg.vecmat, linalg.generic (a contraction), linalg.conv_2d_nchw_fchw,}}
  %r = linalg.conv_1d_ncw_fcw {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%x, %w : tensor<1x4x6xi8>, tensor<4x4x3xi8>) outs(%z : tensor<1x4x4xi32>) -> tensor<1x4x4xi32>
  return %r : tensor<1x4x4xi32>
}

// -----

// Also on a float model (the policy route), and after a supported layer.
func.func @conv3d_float(%a: tensor<2x3xf32>, %w: tensor<3x4xf32>, %x: tensor<1x1x4x4x4xf32>, %k: tensor<1x1x2x2x2xf32>) -> (tensor<2x4xf32>, tensor<1x1x3x3x3xf32>) {
  %z = arith.constant dense<0.0> : tensor<2x4xf32>
  %r = linalg.matmul ins(%a, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
  %z3 = arith.constant dense<0.0> : tensor<1x1x3x3x3xf32>
  // expected-error @+1 {{cim-estimate: 'linalg.conv_3d_ncdhw_fcdhw' is a matrix-vector layer cimlir cannot lower; supported: }}
  %c = linalg.conv_3d_ncdhw_fcdhw {dilations = dense<1> : tensor<3xi64>, strides = dense<1> : tensor<3xi64>} ins(%x, %k : tensor<1x1x4x4x4xf32>, tensor<1x1x2x2x2xf32>) outs(%z3 : tensor<1x1x3x3x3xf32>) -> tensor<1x1x3x3x3xf32>
  return %r, %c : tensor<2x4xf32>, tensor<1x1x3x3x3xf32>
}

// -----

// A linalg.generic convolution is not a contraction: not in the table.
#map_in = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>
#map_w = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#map_out = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
func.func @generic_conv(%x: tensor<1x2x5x5xi8>, %w: tensor<3x2x2x2xi8>) -> tensor<1x3x4x4xi32> {
  %z = arith.constant dense<0> : tensor<1x3x4x4xi32>
  // expected-error @+1 {{cim-estimate: 'linalg.generic' is a matrix-vector layer cimlir cannot lower; supported: }}
  %r = linalg.generic {indexing_maps = [#map_in, #map_w, #map_out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<1x2x5x5xi8>, tensor<3x2x2x2xi8>) outs(%z : tensor<1x3x4x4xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  } -> tensor<1x3x4x4xi32>
  return %r : tensor<1x3x4x4xi32>
}
