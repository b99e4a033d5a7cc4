// Every rejection of convert-linalg-to-cim, with its message.
// RUN: cim-opt --split-input-file --verify-diagnostics --convert-linalg-to-cim %s

func.func @float_operands(%a: tensor<2x3xf32>, %w: tensor<3x4xf32>, %c: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{linalg.matmul needs 2-D static integer tensors (quantized storage); quantize float operands first}}
  %r = linalg.matmul ins(%a, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%c : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

func.func @dynamic_shape(%a: tensor<?x3xi8>, %w: tensor<3x4xi8>, %c: tensor<?x4xi32>) -> tensor<?x4xi32> {
  // expected-error @+1 {{needs 2-D static integer tensors}}
  %r = linalg.matmul ins(%a, %w : tensor<?x3xi8>, tensor<3x4xi8>) outs(%c : tensor<?x4xi32>) -> tensor<?x4xi32>
  return %r : tensor<?x4xi32>
}

// -----

func.func @too_wide(%a: tensor<2x3xi16>, %w: tensor<3x4xi8>) -> tensor<2x4xi64> {
  %z = arith.constant dense<0> : tensor<2x4xi64>
  // expected-error @+1 {{activations have 16 bits and weights 8 bits; crossbar layers take 1 to 8 bits}}
  %r = linalg.matmul ins(%a, %w : tensor<2x3xi16>, tensor<3x4xi8>) outs(%z : tensor<2x4xi64>) -> tensor<2x4xi64>
  return %r : tensor<2x4xi64>
}

// -----

func.func @nonzero_accumulator(%a: tensor<2x3xi8>, %w: tensor<3x4xi8>, %c: tensor<2x4xi32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{the accumulator of linalg.matmul must start at zero (linalg.fill 0 or a zero constant)}}
  %r = linalg.matmul ins(%a, %w : tensor<2x3xi8>, tensor<3x4xi8>) outs(%c : tensor<2x4xi32>) -> tensor<2x4xi32>
  return %r : tensor<2x4xi32>
}

// -----

// 4 terms of i8 x i8 reach 4 * (-128) * (-128) = 65536: 18 signed bits, not 16.
func.func @overflow(%a: tensor<1x4xi8>, %w: tensor<4x2xi8>) -> tensor<1x2xi16> {
  %z = arith.constant dense<0> : tensor<1x2xi16>
  // expected-error @+1 {{layer 0 can overflow its accumulator: a 4-term dot product of 8-bit signed activations and 8-bit weights needs 18 bits, the result has 16}}
  %r = linalg.matmul ins(%a, %w : tensor<1x4xi8>, tensor<4x2xi8>) outs(%z : tensor<1x2xi16>) -> tensor<1x2xi16>
  return %r : tensor<1x2xi16>
}

// -----

// Unsigned 8 x 8 bits, 2 terms: at most 2 * 255 * 255 = 130050 < 2^17, so
// 18 signed bits are needed; i17 is one short.
func.func @overflow_unsigned(%a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi17> {
  %z = arith.constant dense<0> : tensor<1x2xi17>
  // expected-error @+1 {{2-term dot product of 8-bit unsigned activations and 8-bit weights needs 18 bits, the result has 17}}
  %r = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%a, %w : tensor<1x2xi8>, tensor<2x2xi8>) outs(%z : tensor<1x2xi17>) -> tensor<1x2xi17>
  return %r : tensor<1x2xi17>
}

// -----

func.func @buffers(%a: memref<2x3xi8>, %w: memref<3x4xi8>, %c: memref<2x4xi32>) {
  // expected-error @+1 {{expected linalg.matmul on tensors with one result}}
  linalg.matmul ins(%a, %w : memref<2x3xi8>, memref<3x4xi8>) outs(%c : memref<2x4xi32>)
  return
}

// -----

// 3x3 over 16 channels: 144 terms of i8 x i8 reach 144 * 16384 = 2359296,
// which needs 23 signed bits (2^22 - 1 = 4194303 >= 2359296 > 2^21 - 1).
func.func @conv_overflow(%x: tensor<1x16x5x5xi8>, %w: tensor<8x16x3x3xi8>) -> tensor<1x8x3x3xi16> {
  %z = arith.constant dense<0> : tensor<1x8x3x3xi16>
  // expected-error @+1 {{layer 0 can overflow its accumulator: a 144-term dot product of 8-bit signed activations and 8-bit weights needs 23 bits, the result has 16}}
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x16x5x5xi8>, tensor<8x16x3x3xi8>) outs(%z : tensor<1x8x3x3xi16>) -> tensor<1x8x3x3xi16>
  return %c : tensor<1x8x3x3xi16>
}

// -----

func.func @conv_float(%x: tensor<1x3x5x5xf32>, %w: tensor<8x3x3x3xf32>, %z: tensor<1x8x3x3xf32>) -> tensor<1x8x3x3xf32> {
  // expected-error @+1 {{linalg.conv_2d_nchw_fchw needs 4-D static integer tensors (quantized storage); quantize float operands first}}
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x5x5xf32>, tensor<8x3x3x3xf32>) outs(%z : tensor<1x8x3x3xf32>) -> tensor<1x8x3x3xf32>
  return %c : tensor<1x8x3x3xf32>
}

// -----

func.func @batch_nonzero(%a: tensor<2x3x4xi8>, %b: tensor<2x4x5xi8>, %c: tensor<2x3x5xi32>) -> tensor<2x3x5xi32> {
  // expected-error @+1 {{the accumulator of linalg.batch_matmul must start at zero}}
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x3x4xi8>, tensor<2x4x5xi8>) outs(%c : tensor<2x3x5xi32>) -> tensor<2x3x5xi32>
  return %r : tensor<2x3x5xi32>
}

// -----

// A transposed operand (non-default indexing_maps) is rejected, not misread.
func.func @transposed(%a: tensor<512x3xi8>, %w: tensor<512x1000xi8>) -> tensor<3x1000xi32> {
  %z = arith.constant dense<0> : tensor<3x1000xi32>
  // expected-error @+1 {{linalg.matmul with transposed or broadcast operands (non-default indexing_maps) is not supported; transpose the operand explicitly}}
  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%a, %w : tensor<512x3xi8>, tensor<512x1000xi8>) outs(%z : tensor<3x1000xi32>) -> tensor<3x1000xi32>
  return %r : tensor<3x1000xi32>
}
