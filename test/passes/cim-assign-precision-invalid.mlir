// Every rejection of cim-assign-precision. Errors at an op are checked here
// with --verify-diagnostics; errors about files (policy, calibration,
// target) are reported at the module and checked with FileCheck on a
// two-layer module (layers "conv1" and "fc").
// RUN: cim-opt %s --split-input-file --verify-diagnostics --cim-assign-precision='cell-aligned w-bits=7'

// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%t.missing.json' 2>&1 | FileCheck %s --check-prefix=NOPOLICY
// NOPOLICY: error: cim-assign-precision: cannot open policy '{{.*}}missing.json': No such file or directory
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%S/Inputs/policy-3rows.json' 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: error: cim-assign-precision: policy '{{.*}}policy-3rows.json' has 3 layers but the module has 2 matrix-vector layers
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%S/Inputs/assign-precision-9bits.json' 2>&1 | FileCheck %s --check-prefix=BITS
// BITS: error: cim-assign-precision: {{.*}}assign-precision-9bits.json: layer 0: weight bits 9 outside 1..8
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='w-bits=9' 2>&1 | FileCheck %s --check-prefix=WBITS
// WBITS: error: option 'w-bits' of pass 'cim-assign-precision' must be in [1, 8], got 9
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='a-bits=0' 2>&1 | FileCheck %s --check-prefix=ABITS
// ABITS: error: option 'a-bits' of pass 'cim-assign-precision' must be in [1, 8], got 0
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%S/Inputs/policy-2layers.json a-bits=4' 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: error: cim-assign-precision: give either policy=FILE or w-bits/a-bits, not both
// Policies are matched to layers as cim-estimate matches them
// (cim-estimate-policy.mlir has every rule): a named row for a layer the
// module does not have; a layer without a named row; a row whose shape is
// not its layer's (here by position: row 1 says out 4, fc has 2).
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%S/Inputs/policy-misnamed.json' 2>&1 | FileCheck %s --check-prefix=NAMED
// NAMED: error: cim-assign-precision: policy '{{.*}}policy-misnamed.json' row 1 names layer 'classifier', which the module does not have
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%S/Inputs/policy-3layers.json' 2>&1 | FileCheck %s --check-prefix=NAMED3
// NAMED3: error: cim-assign-precision: policy '{{.*}}policy-3layers.json' row 2 names layer 'extra', which the module does not have (policy rows: 3, matrix-vector layers: 2)
// RUN: echo '{"layers": [{"name": "fc", "w_bits": 4, "a_bits": 3}]}' > %t.fc-only.json
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%t.fc-only.json' 2>&1 | FileCheck %s --check-prefix=NOROW
// NOROW: error: loc("conv1"): cim-assign-precision: layer 'conv1' has no row in policy '{{.*}}fc-only.json' (policy rows: 1, matrix-vector layers: 2)
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%S/Inputs/assign-precision-shape-mismatch.json' 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: loc("fc"): cim-assign-precision: layer 'fc' has shape [input_dim 4, output_dim 2, mvm_invocations 1, repeat_factor 1] but policy '{{.*}}assign-precision-shape-mismatch.json' row 1 is for [input_dim 4, output_dim 4]
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='default-range=abc' 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: error: cim-assign-precision: default-range 'abc' is not a positive number (the bound R of values in [-R, R])
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='default-range=0' 2>&1 | FileCheck %s --check-prefix=RANGE0
// RANGE0: error: cim-assign-precision: default-range '0' is not a positive number
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='cell-aligned target=%S/Inputs/bad-target.json' 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: error: {{.*}}bad-target.json: field 'cell_bits': 9 is out of range [1, 8]

// Calibration files.
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%t.missing.json' 2>&1 | FileCheck %s --check-prefix=CAL-MISSING
// CAL-MISSING: error: cim-assign-precision: cannot open calibration file '{{.*}}missing.json': No such file or directory
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-syntax.json' 2>&1 | FileCheck %s --check-prefix=CAL-SYNTAX
// CAL-SYNTAX: error: cim-assign-precision: {{.*}}assign-precision-cal-syntax.json:2:0: ']' expected near end of file
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-badkey.json' 2>&1 | FileCheck %s --check-prefix=CAL-KEY
// CAL-KEY: error: cim-assign-precision: {{.*}}assign-precision-cal-badkey.json: unknown key "extra" (expected "default", "layers", "ops")
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-default.json' 2>&1 | FileCheck %s --check-prefix=CAL-DEFAULT
// CAL-DEFAULT: error: cim-assign-precision: {{.*}}assign-precision-cal-default.json: "default" must be [min, max] with finite min <= max
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-badrange.json' 2>&1 | FileCheck %s --check-prefix=CAL-RANGE
// CAL-RANGE: error: cim-assign-precision: {{.*}}assign-precision-cal-badrange.json: layers[0]: "input" must be [min, max] with finite min <= max
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-nameindex.json' 2>&1 | FileCheck %s --check-prefix=CAL-NAMEINDEX
// CAL-NAMEINDEX: error: cim-assign-precision: {{.*}}assign-precision-cal-nameindex.json: layers[0]: give exactly one of "name" and "index"
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-entrykey.json' 2>&1 | FileCheck %s --check-prefix=CAL-ENTRYKEY
// CAL-ENTRYKEY: error: cim-assign-precision: {{.*}}assign-precision-cal-entrykey.json: layers[0]: unknown key "inputs"
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-empty.json' 2>&1 | FileCheck %s --check-prefix=CAL-EMPTY
// CAL-EMPTY: error: cim-assign-precision: {{.*}}assign-precision-cal-empty.json: layers[0]: the entry gives no range
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-unknown.json' 2>&1 | FileCheck %s --check-prefix=CAL-UNKNOWN
// CAL-UNKNOWN: error: cim-assign-precision: calibration layers[0] names layer 'conv2', which the module does not have
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-index.json' 2>&1 | FileCheck %s --check-prefix=CAL-INDEX
// CAL-INDEX: error: cim-assign-precision: calibration layers[0] is for layer 2, but the module has 2 matrix-vector layers
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-twice.json' 2>&1 | FileCheck %s --check-prefix=CAL-TWICE
// CAL-TWICE: error: cim-assign-precision: calibration layers[1] is the second entry for layer 1 ('fc')
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-weights.json' 2>&1 | FileCheck %s --check-prefix=CAL-WEIGHTS
// CAL-WEIGHTS: error: {{.*}}cim-assign-precision: calibration gives "weights" for layer 'fc', whose weights are a constant (their scale comes from their values)
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='calibration=%S/Inputs/assign-precision-cal-op.json' 2>&1 | FileCheck %s --check-prefix=CAL-OP
// CAL-OP: error: cim-assign-precision: calibration ops[0] names 'ln_9', which is not a digital op (tensor add, concat, softmax, layer norm, non-linearity) of the module

// Nothing is written when the pass fails.
// RUN: rm -f %t.out.mlir
// RUN: not cim-opt %S/Inputs/assign-precision-two-layers.mlir --cim-assign-precision='policy=%S/Inputs/policy-3layers.json' -o %t.out.mlir 2>/dev/null
// RUN: not test -e %t.out.mlir

// cell-aligned on a target with 3-bit cells: 7-bit weights would need 9.
module attributes {cim.target = #cim.target<256 : i64, 256 : i64, 3 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement", 1 : i64, 256 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>} {
  func.func @cells(%a: tensor<1x4xf32>, %w: tensor<4x4xf32>, %z: tensor<1x4xf32>) -> tensor<1x4xf32> {
    // expected-error @+1 {{cim-assign-precision: cell-aligned: layer 'layer 0' has 7-bit weights, which round up to 9 bits (a multiple of the target's 3-bit cells), more than the 8 bits a weight can have}}
    %r = linalg.matmul ins(%a, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%z : tensor<1x4xf32>) -> tensor<1x4xf32>
    return %r : tensor<1x4xf32>
  }
}

// -----

// An elementwise product of two run-time tensors has no rule.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @product(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  // expected-error @+1 {{cim-assign-precision: cannot classify 'linalg.generic': it is not a matrix-vector layer, bias add, ReLU/clamp, scalar scale, tensor add, concat, pooling, shape op, softmax, layer norm or elementwise non-linearity, so there is no rule for where its quantization points go}}
  %p = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x, %y : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a0: f32, %a1: f32, %acc: f32):
    %r = arith.mulf %a0, %a1 : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  return %p : tensor<2x4xf32>
}

// -----

// The model is already quantized.
func.func @qdq(%a: tensor<1x4xf32>, %w: tensor<4x4xf32>, %z: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = quant.qcast %a : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<i8:f32, 0.5>> to tensor<1x4xf32>
  // expected-error @+1 {{cim-assign-precision: the activation operand of 'linalg.matmul' is already quantized (quant.dcast): run the pass on float models only}}
  %r = linalg.matmul ins(%d, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%z : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

// Integer (or f16) operands are not a float model the pass can quantize.
func.func @integer(%a: tensor<1x4xi8>, %w: tensor<4x4xi8>, %z: tensor<1x4xi32>) -> tensor<1x4xi32> {
  // expected-error @+1 {{cim-assign-precision: the activation operand of 'linalg.matmul' is not an f32 tensor: the pass takes float models (quantized types are expressed in f32)}}
  %r = linalg.matmul ins(%a, %w : tensor<1x4xi8>, tensor<4x4xi8>) outs(%z : tensor<1x4xi32>) -> tensor<1x4xi32>
  return %r : tensor<1x4xi32>
}

// -----

func.func @half(%a: tensor<1x4xf32>, %w: tensor<4x4xf16>, %z: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{cim-assign-precision: the weight operand of 'linalg.matmul' is not an f32 tensor}}
  %r = linalg.matmul ins(%a, %w : tensor<1x4xf32>, tensor<4x4xf16>) outs(%z : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

// Weights with a NaN cannot get a max-abs scale.
func.func @nan(%a: tensor<1x2xf32>, %z: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.5, 0x7FC00000], [0.25, 1.0]]> : tensor<2x2xf32>
  // expected-error @+1 {{cim-assign-precision: the weight operand is a constant with infinite or NaN elements; it cannot be quantized}}
  %r = linalg.matmul ins(%a, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}

// -----

// Layers already lowered to cim are not a float model.
func.func @lowered(%a: tensor<1x4xi8>, %w: tensor<4x4xi8>) -> tensor<1x4xi32> {
  // expected-error @+1 {{cim-assign-precision: layer 'layer 0' is already lowered to cim; the pass takes float linalg models}}
  %m = "cim.matmul"(%a, %w) {layer = 0 : i64, a_bits = 8 : i64, w_bits = 8 : i64, a_signed = true, w_signed = true, weights = "static"} : (tensor<1x4xi8>, tensor<4x4xi8>) -> tensor<1x4xi32>
  return %m : tensor<1x4xi32>
}

// -----

// A convolution the layer table (docs/layers.md) lacks: named as such, with
// the list of supported ops, before anything is classified.
func.func @conv1d(%x: tensor<1x4x6xf32>, %w: tensor<4x4x3xf32>) -> tensor<1x4x4xf32> {
  %z = arith.constant dense<0.0> : tensor<1x4x4xf32>
  // expected-error @+1 {{cim-assign-precision: 'linalg.conv_1d_ncw_fcw' is a matrix-vector layer cimlir cannot lower; supported: linalg.matmul, linalg.batch_matmul, linalg.matvec, linalg.vecmat, linalg.generic (a contraction), linalg.conv_2d_nchw_fchw, linalg.conv_2d_nhwc_hwcf, linalg.depthwise_conv_2d_nchw_chw, linalg.depthwise_conv_2d_nhwc_hwc, linalg.depthwise_conv_2d_nhwc_hwcm, linalg.conv_2d_ngchw_gfchw, linalg.conv_2d_ngchw_fgchw, linalg.conv_2d_nhwgc_gfhwc}}
  %r = linalg.conv_1d_ncw_fcw {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%x, %w : tensor<1x4x6xf32>, tensor<4x4x3xf32>) outs(%z : tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
  return %r : tensor<1x4x4xf32>
}

// -----

// A broadcast operand: no contraction cimlir maps (the converter's message).
func.func @broadcast(%a: tensor<512xf32>, %w: tensor<512x1000xf32>) -> tensor<3x1000xf32> {
  %z = arith.constant dense<0.0> : tensor<3x1000xf32>
  // expected-error @+1 {{cim-assign-precision: linalg.matmul with transposed or broadcast operands is supported only as a contraction with one M, N and K dimension}}
  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%a, %w : tensor<512xf32>, tensor<512x1000xf32>) outs(%z : tensor<3x1000xf32>) -> tensor<3x1000xf32>
  return %r : tensor<3x1000xf32>
}
