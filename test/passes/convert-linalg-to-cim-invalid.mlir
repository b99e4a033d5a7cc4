// Every rejection of convert-linalg-to-cim, with its message.
// RUN: cim-opt --split-input-file --verify-diagnostics --convert-linalg-to-cim %s

func.func @float_operands(%a: tensor<2x3xf32>, %w: tensor<3x4xf32>, %c: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{function argument #0 is used unquantized by 'linalg.matmul'; every use of a float argument must be quant.qcast}}
  %r = linalg.matmul ins(%a, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%c : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

func.func @dynamic_shape(%a: tensor<?x3xi8>, %w: tensor<3x4xi8>, %c: tensor<?x4xi32>) -> tensor<?x4xi32> {
  // expected-error @+1 {{linalg.matmul needs static integer or quantized (QDQ) tensors with static shapes}}
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
  // expected-error @+1 {{function argument #0 is used unquantized by 'linalg.conv_2d_nchw_fchw'}}
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

// A broadcast operand (non-default indexing_maps that are no permutation)
// is rejected, not misread.
func.func @broadcast(%a: tensor<512xi8>, %w: tensor<512x1000xi8>) -> tensor<3x1000xi32> {
  %z = arith.constant dense<0> : tensor<3x1000xi32>
  // expected-error @+1 {{linalg.matmul with transposed or broadcast operands is supported only as a contraction with one M, N and K dimension and an optional batch dimension, each operand indexed by a permutation of its dimensions}}
  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%a, %w : tensor<512xi8>, tensor<512x1000xi8>) outs(%z : tensor<3x1000xi32>) -> tensor<3x1000xi32>
  return %r : tensor<3x1000xi32>
}

// -----

func.func @conv3d(%x: tensor<1x1x4x4x4xi8>, %w: tensor<1x1x2x2x2xi8>) -> tensor<1x1x3x3x3xi32> {
  %z = arith.constant dense<0> : tensor<1x1x3x3x3xi32>
  // expected-error @+1 {{convert-linalg-to-cim: 'linalg.conv_3d_ncdhw_fcdhw' is a matrix-vector layer cimlir cannot lower; supported: linalg.matmul, linalg.batch_matmul, linalg.matvec, linalg.vecmat, linalg.generic (a contraction), linalg.conv_2d_nchw_fchw, linalg.conv_2d_nhwc_hwcf, linalg.depthwise_conv_2d_nchw_chw, linalg.depthwise_conv_2d_nhwc_hwc, linalg.depthwise_conv_2d_nhwc_hwcm, linalg.conv_2d_ngchw_gfchw, linalg.conv_2d_ngchw_fgchw, linalg.conv_2d_nhwgc_gfhwc}}
  %r = linalg.conv_3d_ncdhw_fcdhw {dilations = dense<1> : tensor<3xi64>, strides = dense<1> : tensor<3xi64>} ins(%x, %w : tensor<1x1x4x4x4xi8>, tensor<1x1x2x2x2xi8>) outs(%z : tensor<1x1x3x3x3xi32>) -> tensor<1x1x3x3x3xi32>
  return %r : tensor<1x1x3x3x3xi32>
}

// -----

func.func @conv1d(%x: tensor<1x4x6xi8>, %w: tensor<4x4x3xi8>) -> tensor<1x4x4xi32> {
  %z = arith.constant dense<0> : tensor<1x4x4xi32>
  // expected-error @+1 {{convert-linalg-to-cim: 'linalg.conv_1d_ncw_fcw' is a matrix-vector layer cimlir cannot lower; supported: linalg.matmul,}}
  %r = linalg.conv_1d_ncw_fcw {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%x, %w : tensor<1x4x6xi8>, tensor<4x4x3xi8>) outs(%z : tensor<1x4x4xi32>) -> tensor<1x4x4xi32>
  return %r : tensor<1x4x4xi32>
}

// -----

func.func @batch_matvec(%a: tensor<2x3x4xi8>, %v: tensor<2x4xi8>) -> tensor<2x3xi32> {
  %z = arith.constant dense<0> : tensor<2x3xi32>
  // expected-error @+1 {{convert-linalg-to-cim: 'linalg.batch_matvec' is a matrix-vector layer cimlir cannot lower; supported: }}
  %r = linalg.batch_matvec ins(%a, %v : tensor<2x3x4xi8>, tensor<2x4xi8>) outs(%z : tensor<2x3xi32>) -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// A linalg.generic convolution is no contraction: it is not in the table,
// and not taken for an elementwise generic either.
#map_in = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>
#map_w = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#map_out = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
func.func @generic_conv(%x: tensor<1x2x5x5xi8>, %w: tensor<3x2x2x2xi8>) -> tensor<1x3x4x4xi32> {
  %z = arith.constant dense<0> : tensor<1x3x4x4xi32>
  // expected-error @+1 {{convert-linalg-to-cim: 'linalg.generic' is a matrix-vector layer cimlir cannot lower; supported: }}
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

// -----

func.func @other_linalg(%x: tensor<4xi8>, %y: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{convert-linalg-to-cim: 'linalg.copy' is not supported}}
  %r = linalg.copy ins(%x : tensor<4xi8>) outs(%y : tensor<4xi8>) -> tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

func.func @int_sum_pool(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi32> {
  %w = tensor.empty() : tensor<2x2xi8>
  %z = arith.constant dense<0> : tensor<1x1x2x2xi32>
  // expected-error @+1 {{linalg.pooling_nchw_sum on integers has no exact cim equivalent (cim.pool "avg" divides with rounding); use the QDQ form}}
  %r = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x1x4x4xi8>, tensor<2x2xi8>) outs(%z : tensor<1x1x2x2xi32>) -> tensor<1x1x2x2xi32>
  return %r : tensor<1x1x2x2xi32>
}

// -----

func.func @int_add_wraps(%x: tensor<4xi8>, %y: tensor<4xi8>) -> tensor<4xi8> {
  %e = tensor.empty() : tensor<4xi8>
  // expected-error @+1 {{integer add of i8 and i8 into i8 can wrap; cim.add is exact: widen the result to i9}}
  %r = linalg.add ins(%x, %y : tensor<4xi8>, tensor<4xi8>) outs(%e : tensor<4xi8>) -> tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

func.func @int_multiply(%x: tensor<4xi8>, %y: tensor<4xi8>) -> tensor<4xi8> {
  %e = tensor.empty() : tensor<4xi8>
  // expected-error @+1 {{linalg.generic on integers is supported as clamp (arith.maxsi / minsi with constants) or add only}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x, %y : tensor<4xi8>, tensor<4xi8>) outs(%e : tensor<4xi8>) {
  ^bb0(%a: i8, %b: i8, %o: i8):
    %m = arith.muli %a, %b : i8
    linalg.yield %m : i8
  } -> tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

func.func @int_max_pool_bad_init(%x: tensor<1x1x4x4xi8>, %init: tensor<1x1x2x2xi8>) -> tensor<1x1x2x2xi8> {
  %w = tensor.empty() : tensor<2x2xi8>
  // expected-error @+1 {{the init of linalg.pooling_nchw_max must be a fill with the lowest value (-inf)}}
  %r = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x1x4x4xi8>, tensor<2x2xi8>) outs(%init : tensor<1x1x2x2xi8>) -> tensor<1x1x2x2xi8>
  return %r : tensor<1x1x2x2xi8>
}

// -----

// linalg allows an output smaller than the window range (it then reads part
// of the input); cim.conv2d computes the whole range: (8 - 2*2) x (10 - 2*2)
// = 4x6 here, not the 4x5 the op asks for.
func.func @conv_partial_output(%x: tensor<1x8x10x2xi8>) -> tensor<1x4x5x5xi32> {
  %w = arith.constant dense<1> : tensor<3x3x2x5xi8>
  %z = arith.constant dense<0> : tensor<1x4x5x5xi32>
  // expected-error @+1 {{linalg.conv_2d_nhwc_hwcf computes a 4x5 output, but its input, kernel, strides, dilations and padding give 4x6; cimlir maps convolutions that compute their whole output (slice the result instead)}}
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x8x10x2xi8>, tensor<3x3x2x5xi8>) outs(%z : tensor<1x4x5x5xi32>) -> tensor<1x4x5x5xi32>
  return %c : tensor<1x4x5x5xi32>
}

// -----

// With a folded tensor.pad of 1 on each side, a 3x3 window over 4x4 gives
// 4x4 (stride 1): a 3x3 output is partial.
func.func @conv_partial_output_padded(%x: tensor<1x2x4x4xi8>) -> tensor<1x2x3x3xi32> {
  %c0 = arith.constant 0 : i8
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %c0 : i8
  } : tensor<1x2x4x4xi8> to tensor<1x2x6x6xi8>
  %w = arith.constant dense<1> : tensor<2x2x3x3xi8>
  %z = arith.constant dense<0> : tensor<1x2x3x3xi32>
  // expected-error @+1 {{linalg.conv_2d_nchw_fchw computes a 3x3 output, but its input, kernel, strides, dilations and padding give 4x4}}
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%p, %w : tensor<1x2x6x6xi8>, tensor<2x2x3x3xi8>) outs(%z : tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xi32>
  return %c : tensor<1x2x3x3xi32>
}
