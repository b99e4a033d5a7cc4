// The cim dialect: quantized layers on integer storage tensors.
// Reference and rationale: docs/dialects/cim.md.
//
// Plain IRDL without C++ predicates, so that stock
//   mlir-opt --irdl-file=dialects/cim.irdl.mlir
// parses cim IR too. Two IRDL rules shape this file:
//  - A constraint value is a variable: every use must match the SAME
//    attribute or type. Each operand, result and attribute therefore gets its
//    own irdl.base / irdl.any_of; only irdl.is leaves (constants) are shared.
//  - irdl.attributes are all required; there are no optional attributes.

irdl.dialect @cim {

  // #cim.target<rows, cols, cell_bits, dac_bits, adc_bits, weight_mapping,
  //             input_encoding, crossbars, ou_rows, write_ports,
  //             t_write_ps, t_mvm_ps, t_adc_ps, t_digital_ps, t_buffer_ps,
  //             e_write_fj, e_mvm_fj, e_adc_fj, e_digital_fj, e_buffer_fj>
  // Positional, one per row of lib/target/TargetFields.def in its order (the
  // order of CimTarget; test/unit/target_test.c checks these names).
  // Times are integer picoseconds, energies integer femtojoules; adc_bits 0
  // means an ideal (lossless) ADC. Ranges beyond these are checked by
  // cimTargetValidate.
  irdl.attribute @target {
    %b1 = irdl.is 1 : i64
    %b2 = irdl.is 2 : i64
    %b3 = irdl.is 3 : i64
    %b4 = irdl.is 4 : i64
    %b5 = irdl.is 5 : i64
    %b6 = irdl.is 6 : i64
    %b7 = irdl.is 7 : i64
    %b8 = irdl.is 8 : i64
    %rows = irdl.base "#builtin.integer"
    %cols = irdl.base "#builtin.integer"
    %cell_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %dac_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %adc_bits = irdl.base "#builtin.integer"
    %m_dcol = irdl.is "differential-column"
    %m_drow = irdl.is "differential-row"
    %m_off = irdl.is "offset"
    %mapping = irdl.any_of(%m_dcol, %m_drow, %m_off)
    %e_uns = irdl.is "unsigned"
    %e_twos = irdl.is "twos-complement"
    %e_off = irdl.is "offset"
    %encoding = irdl.any_of(%e_uns, %e_twos, %e_off)
    %crossbars = irdl.base "#builtin.integer"
    %ou_rows = irdl.base "#builtin.integer"
    %write_ports = irdl.base "#builtin.integer"
    %t_write = irdl.base "#builtin.integer"
    %t_mvm = irdl.base "#builtin.integer"
    %t_adc = irdl.base "#builtin.integer"
    %t_digital = irdl.base "#builtin.integer"
    %t_buffer = irdl.base "#builtin.integer"
    %e_write = irdl.base "#builtin.integer"
    %e_mvm = irdl.base "#builtin.integer"
    %e_adc = irdl.base "#builtin.integer"
    %e_digital = irdl.base "#builtin.integer"
    %e_buffer = irdl.base "#builtin.integer"
    irdl.parameters(rows: %rows, cols: %cols, cell_bits: %cell_bits,
                    dac_bits: %dac_bits, adc_bits: %adc_bits,
                    weight_mapping: %mapping, input_encoding: %encoding,
                    crossbars: %crossbars, ou_rows: %ou_rows,
                    write_ports: %write_ports, t_write_ps: %t_write,
                    t_mvm_ps: %t_mvm, t_adc_ps: %t_adc,
                    t_digital_ps: %t_digital, t_buffer_ps: %t_buffer,
                    e_write_fj: %e_write, e_mvm_fj: %e_mvm, e_adc_fj: %e_adc,
                    e_digital_fj: %e_digital, e_buffer_fj: %e_buffer)
  }

  //===--------------------------------------------------------------------===//
  // Matrix-vector layers (mapped onto crossbars)
  //===--------------------------------------------------------------------===//

  // r[.., m, n] = sum_k a[.., m, k] * w[.., k, n], exact. Rank 2, or rank 3
  // with a leading batch (one weight matrix per batch entry).
  irdl.operation @matmul {
    %a = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %layer = irdl.base "#builtin.integer"
    %b1 = irdl.is 1 : i64
    %b2 = irdl.is 2 : i64
    %b3 = irdl.is 3 : i64
    %b4 = irdl.is 4 : i64
    %b5 = irdl.is 5 : i64
    %b6 = irdl.is 6 : i64
    %b7 = irdl.is 7 : i64
    %b8 = irdl.is 8 : i64
    %a_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %w_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %true = irdl.is true
    %false = irdl.is false
    %a_signed = irdl.any_of(%true, %false)
    %w_signed = irdl.any_of(%true, %false)
    %static = irdl.is "static"
    %dynamic = irdl.is "dynamic"
    %weights = irdl.any_of(%static, %dynamic)
    irdl.operands(a: %a, w: %w)
    irdl.results(result: %r)
    irdl.attributes {"layer" = %layer, "a_bits" = %a_bits, "w_bits" = %w_bits,
                     "a_signed" = %a_signed, "w_signed" = %w_signed,
                     "weights" = %weights}
  }

  // 2-D convolution, layouts as linalg's conv_2d_nchw_fchw / nhwc_hwcf,
  // grouped (depthwise: groups = C), padding value explicit.
  irdl.operation @conv2d {
    %x = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %layer = irdl.base "#builtin.integer"
    %b1 = irdl.is 1 : i64
    %b2 = irdl.is 2 : i64
    %b3 = irdl.is 3 : i64
    %b4 = irdl.is 4 : i64
    %b5 = irdl.is 5 : i64
    %b6 = irdl.is 6 : i64
    %b7 = irdl.is 7 : i64
    %b8 = irdl.is 8 : i64
    %a_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %w_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %true = irdl.is true
    %false = irdl.is false
    %a_signed = irdl.any_of(%true, %false)
    %w_signed = irdl.any_of(%true, %false)
    %static = irdl.is "static"
    %dynamic = irdl.is "dynamic"
    %weights = irdl.any_of(%static, %dynamic)
    %nchw = irdl.is "nchw_fchw"
    %nhwc = irdl.is "nhwc_hwcf"
    %layout = irdl.any_of(%nchw, %nhwc)
    %strides = irdl.base "#builtin.dense_array"
    %dilations = irdl.base "#builtin.dense_array"
    %padding = irdl.base "#builtin.dense_array"
    %groups = irdl.base "#builtin.integer"
    %pad_value = irdl.base "#builtin.integer"
    irdl.operands(x: %x, w: %w)
    irdl.results(result: %r)
    irdl.attributes {"layer" = %layer, "a_bits" = %a_bits, "w_bits" = %w_bits,
                     "a_signed" = %a_signed, "w_signed" = %w_signed,
                     "weights" = %weights, "layout" = %layout,
                     "strides" = %strides, "dilations" = %dilations,
                     "padding" = %padding, "groups" = %groups,
                     "pad_value" = %pad_value}
  }

  //===--------------------------------------------------------------------===//
  // Digital ops
  //===--------------------------------------------------------------------===//

  // r = clamp(rne((x + bias[c] - in_zero_point) * multiplier[c] / 2^shift[c])
  //           + out_zero_point, qmin, qmax); c indexes `axis` when the arrays
  // have one entry per channel, else (one entry) the values apply everywhere.
  irdl.operation @requantize {
    %x = irdl.base "!builtin.tensor"
    %bias = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %axis = irdl.base "#builtin.integer"
    %multiplier = irdl.base "#builtin.dense_array"
    %shift = irdl.base "#builtin.dense_array"
    %in_zp = irdl.base "#builtin.integer"
    %out_zp = irdl.base "#builtin.integer"
    %qmin = irdl.base "#builtin.integer"
    %qmax = irdl.base "#builtin.integer"
    irdl.operands(x: %x, bias: optional %bias)
    irdl.results(result: %r)
    irdl.attributes {"axis" = %axis, "multiplier" = %multiplier,
                     "shift" = %shift, "in_zero_point" = %in_zp,
                     "out_zero_point" = %out_zp, "qmin" = %qmin,
                     "qmax" = %qmax}
  }

  // r = min(max(x, min), max): ReLU, ReLU6, hard-tanh on quantized values.
  irdl.operation @clamp {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %min = irdl.base "#builtin.integer"
    %max = irdl.base "#builtin.integer"
    irdl.operands(x: %x)
    irdl.results(result: %r)
    irdl.attributes {"min" = %min, "max" = %max}
  }

  // r = table[clamp(x - in_min, 0, len - 1)]: GELU, sigmoid, tanh, ...
  // `function` names what the table was built from (informational).
  irdl.operation @lut {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %table = irdl.base "#builtin.dense_array"
    %in_min = irdl.base "#builtin.integer"
    %function = irdl.base "#builtin.string"
    irdl.operands(x: %x)
    irdl.results(result: %r)
    irdl.attributes {"table" = %table, "in_min" = %in_min,
                     "function" = %function}
  }

  // Max or average pooling over a 2-D window; global average pooling is
  // "avg" with the window equal to the spatial size.
  irdl.operation @pool {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %max = irdl.is "max"
    %avg = irdl.is "avg"
    %kind = irdl.any_of(%max, %avg)
    %nchw = irdl.is "nchw"
    %nhwc = irdl.is "nhwc"
    %layout = irdl.any_of(%nchw, %nhwc)
    %window = irdl.base "#builtin.dense_array"
    %strides = irdl.base "#builtin.dense_array"
    %padding = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(result: %r)
    irdl.attributes {"kind" = %kind, "layout" = %layout, "window" = %window,
                     "strides" = %strides, "padding" = %padding}
  }

  // r = lhs + rhs, elementwise and exact (residual connections).
  irdl.operation @add {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(result: %r)
  }

  // Integer softmax along `axis`: e = exp_table[min(max(x) - x, len - 1)],
  // r = clamp(rne(e * one / sum(e)) + out_zero_point, qmin, qmax).
  irdl.operation @softmax {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %axis = irdl.base "#builtin.integer"
    %exp_table = irdl.base "#builtin.dense_array"
    %one = irdl.base "#builtin.integer"
    %out_zp = irdl.base "#builtin.integer"
    %qmin = irdl.base "#builtin.integer"
    %qmax = irdl.base "#builtin.integer"
    irdl.operands(x: %x)
    irdl.results(result: %r)
    irdl.attributes {"axis" = %axis, "exp_table" = %exp_table, "one" = %one,
                     "out_zero_point" = %out_zp, "qmin" = %qmin,
                     "qmax" = %qmax}
  }

  // Integer layer normalization along `axis` (docs/dialects/cim.md gives
  // the exact algorithm: integer mean, variance, floor square root).
  irdl.operation @layer_norm {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %axis = irdl.base "#builtin.integer"
    %frac_bits = irdl.base "#builtin.integer"
    %eps = irdl.base "#builtin.integer"
    %gamma = irdl.base "#builtin.dense_array"
    %beta = irdl.base "#builtin.dense_array"
    %multiplier = irdl.base "#builtin.integer"
    %shift = irdl.base "#builtin.integer"
    %out_zp = irdl.base "#builtin.integer"
    %qmin = irdl.base "#builtin.integer"
    %qmax = irdl.base "#builtin.integer"
    irdl.operands(x: %x)
    irdl.results(result: %r)
    irdl.attributes {"axis" = %axis, "frac_bits" = %frac_bits, "eps" = %eps,
                     "gamma" = %gamma, "beta" = %beta,
                     "multiplier" = %multiplier, "shift" = %shift,
                     "out_zero_point" = %out_zp, "qmin" = %qmin,
                     "qmax" = %qmax}
  }

  // Same elements in row-major order, new shape (the result type).
  irdl.operation @reshape {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    irdl.operands(x: %x)
    irdl.results(result: %r)
  }

  // Result dimension i is input dimension permutation[i].
  irdl.operation @transpose {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %permutation = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(result: %r)
    irdl.attributes {"permutation" = %permutation}
  }

  // Concatenation of two tensors along `axis` (e.g. ViT's class token).
  irdl.operation @concat {
    %lhs = irdl.base "!builtin.tensor"
    %rhs = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %axis = irdl.base "#builtin.integer"
    irdl.operands(lhs: %lhs, rhs: %rhs)
    irdl.results(result: %r)
    irdl.attributes {"axis" = %axis}
  }

  // The block of x at `offsets` with the shape of the result, unit strides.
  irdl.operation @slice {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %offsets = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(result: %r)
    irdl.attributes {"offsets" = %offsets}
  }

  //===--------------------------------------------------------------------===//
  // Crossbar mapping: the tiled form (cim-tile; docs/design.md, "Crossbar
  // mapping"). cim-bitslice lowers it to xbar.
  //===--------------------------------------------------------------------===//

  // r = acc + the contribution of one crossbar tile of the layer a x w
  // (a [M, K], w [K, N], both as in cim.matmul): rows [k_offset, k_offset +
  // k_size) and weight units [unit_offset, unit_offset + units), unit
  // u = n * S + s being slice s (cell_bits wide, S = ceil(w_bits /
  // cell_bits)) of output n. Summed over the layer's tiles this is a x w.
  irdl.operation @matmul_tile {
    %acc = irdl.base "!builtin.tensor"
    %a = irdl.base "!builtin.tensor"
    %w = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %layer = irdl.base "#builtin.integer"
    %b1 = irdl.is 1 : i64
    %b2 = irdl.is 2 : i64
    %b3 = irdl.is 3 : i64
    %b4 = irdl.is 4 : i64
    %b5 = irdl.is 5 : i64
    %b6 = irdl.is 6 : i64
    %b7 = irdl.is 7 : i64
    %b8 = irdl.is 8 : i64
    %a_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %w_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %cell_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %true = irdl.is true
    %false = irdl.is false
    %a_signed = irdl.any_of(%true, %false)
    %w_signed = irdl.any_of(%true, %false)
    %static = irdl.is "static"
    %dynamic = irdl.is "dynamic"
    %weights = irdl.any_of(%static, %dynamic)
    %m_dcol = irdl.is "differential-column"
    %m_drow = irdl.is "differential-row"
    %m_off = irdl.is "offset"
    %mapping = irdl.any_of(%m_dcol, %m_drow, %m_off)
    %k_offset = irdl.base "#builtin.integer"
    %k_size = irdl.base "#builtin.integer"
    %unit_offset = irdl.base "#builtin.integer"
    %units = irdl.base "#builtin.integer"
    irdl.operands(acc: %acc, a: %a, w: %w)
    irdl.results(result: %r)
    irdl.attributes {"layer" = %layer, "a_bits" = %a_bits, "w_bits" = %w_bits,
                     "a_signed" = %a_signed, "w_signed" = %w_signed,
                     "weights" = %weights, "mapping" = %mapping,
                     "cell_bits" = %cell_bits, "k_offset" = %k_offset,
                     "k_size" = %k_size, "unit_offset" = %unit_offset,
                     "units" = %units}
  }
}
