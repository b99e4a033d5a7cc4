// Every rejection of the QDQ (float) path of convert-linalg-to-cim.
// RUN: cim-opt --split-input-file --verify-diagnostics --convert-linalg-to-cim %s

!a8 = !quant.uniform<i8:f32, 0.5>
func.func @weight_zero_point(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!a8>
  %xd = quant.dcast %xq : tensor<1x2x!a8> to tensor<1x2xf32>
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %wq = quant.qcast %w : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 0.5:3>>
  %wd = quant.dcast %wq : tensor<2x2x!quant.uniform<i8:f32, 0.5:3>> to tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{the weights of linalg.matmul have zero point 3; crossbar weights must be symmetric (zero point 0)}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

!a8 = !quant.uniform<i8:f32, 0.5>
func.func @per_axis_wrong_axis(%x: tensor<1x2xf32>) -> tensor<1x3xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!a8>
  %xd = quant.dcast %xq : tensor<1x2x!a8> to tensor<1x2xf32>
  %w = arith.constant dense<1.0> : tensor<2x3xf32>
  %wq = quant.qcast %w : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %wd = quant.dcast %wq : tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>> to tensor<2x3xf32>
  %e = tensor.empty() : tensor<1x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  // expected-error @+1 {{per-axis weights of linalg.matmul must be quantized along axis 1 (output channels), not 0}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x3xf32>) outs(%z : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %m : tensor<1x3xf32>
}

// -----

func.func @storage_too_wide(%x: tensor<4xf32>) -> tensor<4xf32> {
  %xq = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i16:f32, 0.5>>
  // expected-error @+1 {{quantized storage of 16 bits is not supported; cimlir takes 1 to 8 bits}}
  %xd = quant.dcast %xq : tensor<4x!quant.uniform<i16:f32, 0.5>> to tensor<4xf32>
  return %xd : tensor<4xf32>
}

// -----

func.func @concat_mismatch(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> tensor<2x4xf32> {
  %xq = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<1x4x!quant.uniform<i8:f32, 0.5>> to tensor<1x4xf32>
  %yq = quant.qcast %y : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.25>>
  %yd = quant.dcast %yq : tensor<1x4x!quant.uniform<i8:f32, 0.25>> to tensor<1x4xf32>
  // expected-error @+1 {{mismatched quant types: operand #1 of tensor.concat has scale 0.25 and zero point 0, operand #0 scale 0.5 and zero point 0; concatenated values must share one type}}
  %c = tensor.concat dim(0) %xd, %yd : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}

// -----

func.func @add_unquantized_constant(%x: tensor<4xf32>) -> tensor<4xf32> {
  %xq = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  %c = arith.constant dense<1.0> : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  // expected-error @+1 {{operand #1 of linalg.add has no integer representation: it must be quantized (quant.dcast(quant.qcast(x))), or be a constant bias added directly to a matrix-vector layer's result}}
  %s = linalg.add ins(%xd, %c : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @layer_operand_not_quantized(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<1x2x!quant.uniform<i8:f32, 0.5>> to tensor<1x2xf32>
  %wq = quant.qcast %w : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  %wd = quant.dcast %wq : tensor<2x2x!quant.uniform<i8:f32, 0.5>> to tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  // The second layer takes the first one's accumulator without a QDQ pair.
  // expected-error @+1 {{the activations of linalg.matmul are not quantized: a layer operand must be quant.dcast(quant.qcast(x))}}
  %m2 = linalg.matmul ins(%m, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m2 : tensor<1x2xf32>
}

// -----

func.func @asymmetric_dynamic(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>
  %xd = quant.dcast %xq : tensor<1x2x!quant.uniform<u8:f32, 0.5:128>> to tensor<1x2xf32>
  %wq = quant.qcast %w : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  %wd = quant.dcast %wq : tensor<2x2x!quant.uniform<i8:f32, 0.5>> to tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{activations of linalg.matmul have zero point 128, which needs constant weights with one output channel axis}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

func.func @argument_unquantized(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  // expected-error @+1 {{function argument #0 is used unquantized by 'linalg.add'; every use of a float argument must be quant.qcast}}
  %s = linalg.add ins(%x, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @argument_two_types(%x: tensor<4xf32>) -> tensor<4xf32> {
  %aq = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %ad = quant.dcast %aq : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  %bq = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.25>>
  // expected-error @+1 {{function argument #0 is quantized to two different types}}
  %bd = quant.dcast %bq : tensor<4x!quant.uniform<i8:f32, 0.25>> to tensor<4xf32>
  return %ad : tensor<4xf32>
}

// -----

func.func @per_axis_activation(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %q = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{per-axis quantization is supported for constant weights only, not for values computed at run time}}
  %d = quant.dcast %q : tensor<2x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>> to tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

func.func @qcast_escapes(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{the result of quant.qcast is used by 'func.return'; only quant.dcast may use it}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @negative_scale(%x: tensor<4xf32>) -> tensor<4xf32> {
  %xq = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  // expected-error @+1 {{only multiplication or division by a positive constant is supported (factor -2)}}
  %m = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%xd : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant -2.0 : f32
    %y = arith.mulf %a, %c : f32
    linalg.yield %y : f32
  } -> tensor<4xf32>
  return %m : tensor<4xf32>
}

// -----

func.func @product_of_values(%x: tensor<4xf32>) -> tensor<4xf32> {
  %xq = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  // expected-error @+1 {{linalg.generic computes something other than a bias add, tensor add, ReLU / clamp with constants, a multiplication by a positive constant or an elementwise function of one input; it has no cim equivalent}}
  %m = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%xd, %xd : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %y = arith.mulf %a, %b : f32
    linalg.yield %y : f32
  } -> tensor<4xf32>
  return %m : tensor<4xf32>
}

// -----

func.func @softmax_unquantized_result(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %xq = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<2x4x!quant.uniform<i8:f32, 0.5>> to tensor<2x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  // expected-error @+1 {{the result of linalg.softmax is used by 'func.return'; it must be used only by quant.qcast, directly or through reshape / transpose / slice (Q3)}}
  %s = linalg.softmax dimension(1) ins(%xd : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

func.func @softmax_unquantized_input(%x: tensor<2x4xf32>, %w: tensor<4x4xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<2x4x!quant.uniform<i8:f32, 0.5>> to tensor<2x4xf32>
  %wq = quant.qcast %w : tensor<4x4xf32> to tensor<4x4x!quant.uniform<i8:f32, 0.5>>
  %wd = quant.dcast %wq : tensor<4x4x!quant.uniform<i8:f32, 0.5>> to tensor<4x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-error @+1 {{the input of linalg.softmax is not quantized: it must be quant.dcast(quant.qcast(x)) (Q2)}}
  %s = linalg.softmax dimension(1) ins(%m : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %sq = quant.qcast %s : tensor<2x4xf32> to tensor<2x4x!quant.uniform<u8:f32, 0.00390625>>
  %sd = quant.dcast %sq : tensor<2x4x!quant.uniform<u8:f32, 0.00390625>> to tensor<2x4xf32>
  return %sd : tensor<2x4xf32>
}

// -----

func.func @pad_not_representable(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %pv = arith.constant 0.3 : f32
  %xq = quant.qcast %x : tensor<1x1x2x2xf32> to tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>> to tensor<1x1x2x2xf32>
  %p = tensor.pad %xd low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %pv : f32
  } : tensor<1x1x2x2xf32> to tensor<1x1x4x4xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x3x3xf32>
  %wq = quant.qcast %w : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5>>
  %wd = quant.dcast %wq : tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5>> to tensor<1x1x3x3xf32>
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  // expected-error @+1 {{the padding value 0.3 of linalg.conv_2d_nchw_fchw's input is not exactly representable in its quantized type}}
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %wd : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) outs(%z : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %cq = quant.qcast %c : tensor<1x1x2x2xf32> to tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>>
  %cd = quant.dcast %cq : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>> to tensor<1x1x2x2xf32>
  return %cd : tensor<1x1x2x2xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row2 = affine_map<(d0, d1) -> (d0)>
func.func @bias_wrong_axis(%x: tensor<2x2xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<2x2x!quant.uniform<i8:f32, 0.5>> to tensor<2x2xf32>
  %w = arith.constant dense<1.0> : tensor<2x3xf32>
  %wq = quant.qcast %w : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32, 0.5>>
  %wd = quant.dcast %wq : tensor<2x3x!quant.uniform<i8:f32, 0.5>> to tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<2x2xf32>, tensor<2x3xf32>) outs(%z : tensor<2x3xf32>) -> tensor<2x3xf32>
  %b = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-error @+1 {{the bias added to a matrix-vector layer's result must be a constant that varies only along the layer's output channels}}
  %r = linalg.generic {indexing_maps = [#id2, #row2, #id2], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<2x3xf32>, tensor<2xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a0: f32, %a1: f32, %o: f32):
    %y = arith.addf %a0, %a1 : f32
    linalg.yield %y : f32
  } -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

func.func @ratio_too_large(%x: tensor<4xf32>) -> tensor<4xf32> {
  %xq = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 1.0e+10>>
  %xd = quant.dcast %xq : tensor<4x!quant.uniform<i8:f32, 1.0e+10>> to tensor<4xf32>
  %yq = quant.qcast %xd : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 1.0>>
  // expected-error @+1 {{requantizing from scale 1e+10 to scale 1 needs a ratio of 2^31 or more}}
  %yd = quant.dcast %yq : tensor<4x!quant.uniform<i8:f32, 1.0>> to tensor<4xf32>
  return %yd : tensor<4xf32>
}

// -----

func.func @dcast_without_qcast(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xf32> {
  // expected-error @+1 {{quant.dcast must take the result of a quant.qcast (a dcast(qcast(x)) pair)}}
  %d = quant.dcast %x : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @unsupported_float_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  %xq = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  // expected-error @+1 {{'arith.negf' is not supported: its float operands have no integer (cim) form}}
  %n = arith.negf %xd : tensor<4xf32>
  return %n : tensor<4xf32>
}

// -----

func.func @sum_pool_padded(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x1x2x2xf32> to tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>> to tensor<1x1x2x2xf32>
  %p = tensor.pad %xd low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x2x2xf32> to tensor<1x1x4x4xf32>
  %w = tensor.empty() : tensor<3x3xf32>
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  // expected-error @+1 {{linalg.pooling_nchw_sum of a tensor.pad is supported only for max pooling with padding at the lowest value (-inf): cim.pool ignores padded positions}}
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x1x4x4xf32>, tensor<3x3xf32>) outs(%z : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %s : tensor<1x1x2x2xf32>
}

// -----

// A grouped convolution's output channels span dims 1 and 2 (G, F): a bias
// added there, or a transpose before they are collapsed, is refused.
#id5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
#g5 = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2)>
func.func @grouped_bias_unmerged(%x: tensor<1x2x1x1x1xf32>) -> tensor<1x2x2x1x1xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2x1x1x1xf32> to tensor<1x2x1x1x1x!quant.uniform<u8:f32, 0.5:3>>
  %xd = quant.dcast %xq : tensor<1x2x1x1x1x!quant.uniform<u8:f32, 0.5:3>> to tensor<1x2x1x1x1xf32>
  %w = arith.constant dense<0.5> : tensor<2x2x1x1x1xf32>
  %wq = quant.qcast %w : tensor<2x2x1x1x1xf32> to tensor<2x2x1x1x1x!quant.uniform<i8:f32, 0.25>>
  %wd = quant.dcast %wq : tensor<2x2x1x1x1x!quant.uniform<i8:f32, 0.25>> to tensor<2x2x1x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x1x1xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x1x1xf32>) -> tensor<1x2x2x1x1xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x1x1x1xf32>, tensor<2x2x1x1x1xf32>) outs(%z : tensor<1x2x2x1x1xf32>) -> tensor<1x2x2x1x1xf32>
  %b = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // expected-error @+1 {{a bias added to a grouped convolution's result, whose output channels span dims 1 to 2, is not supported; collapse them into one dim first}}
  %cb = linalg.generic {indexing_maps = [#id5, #g5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x2x2x1x1xf32>, tensor<2x2xf32>) outs(%e : tensor<1x2x2x1x1xf32>) {
  ^bb0(%a0: f32, %a1: f32, %o: f32):
    %y = arith.addf %a0, %a1 : f32
    linalg.yield %y : f32
  } -> tensor<1x2x2x1x1xf32>
  %rq = quant.qcast %cb : tensor<1x2x2x1x1xf32> to tensor<1x2x2x1x1x!quant.uniform<u8:f32, 0.25>>
  %rd = quant.dcast %rq : tensor<1x2x2x1x1x!quant.uniform<u8:f32, 0.25>> to tensor<1x2x2x1x1xf32>
  return %rd : tensor<1x2x2x1x1xf32>
}

// -----

func.func @grouped_transpose_unmerged(%x: tensor<1x2x1x1x1xf32>) -> tensor<1x1x2x2x1xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2x1x1x1xf32> to tensor<1x2x1x1x1x!quant.uniform<u8:f32, 0.5:3>>
  %xd = quant.dcast %xq : tensor<1x2x1x1x1x!quant.uniform<u8:f32, 0.5:3>> to tensor<1x2x1x1x1xf32>
  %w = arith.constant dense<0.5> : tensor<2x2x1x1x1xf32>
  %wq = quant.qcast %w : tensor<2x2x1x1x1xf32> to tensor<2x2x1x1x1x!quant.uniform<i8:f32, 0.25>>
  %wd = quant.dcast %wq : tensor<2x2x1x1x1x!quant.uniform<i8:f32, 0.25>> to tensor<2x2x1x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x1x1xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x1x1xf32>) -> tensor<1x2x2x1x1xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x1x1x1xf32>, tensor<2x2x1x1x1xf32>) outs(%z : tensor<1x2x2x1x1xf32>) -> tensor<1x2x2x1x1xf32>
  %e2 = tensor.empty() : tensor<1x1x2x2x1xf32>
  // expected-error @+1 {{linalg.transpose moves the output channels of a grouped convolution, which span dims 1 to 2 and carry per-channel biases, before they are merged into one dim; collapse them first}}
  %t = linalg.transpose ins(%c : tensor<1x2x2x1x1xf32>) outs(%e2 : tensor<1x1x2x2x1xf32>) permutation = [0, 3, 1, 2, 4]
  %rq = quant.qcast %t : tensor<1x1x2x2x1xf32> to tensor<1x1x2x2x1x!quant.uniform<u8:f32, 0.25>>
  %rd = quant.dcast %rq : tensor<1x1x2x2x1x!quant.uniform<u8:f32, 0.25>> to tensor<1x1x2x2x1xf32>
  return %rd : tensor<1x1x2x2x1xf32>
}
