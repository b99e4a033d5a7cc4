// The xbar dialect: the crossbar program of a cim network.
// Reference and rationale: docs/dialects/xbar.md.
//
// Plain IRDL without C++ predicates and without references to cim, so this
// file loads alone and in any order with cim.irdl.mlir. As in cim, every
// operand, result and attribute has its own constraint value (IRDL
// constraint values are variables that must match the same thing at every
// use), and every declared attribute is required.
//
// Values are tensors of integers; the one dialect type, !xbar.tile, stands
// for a weight-slice tile resident on a crossbar.

irdl.dialect @xbar {

  // A tile of cells programmed on a crossbar region by xbar.write.
  irdl.type @tile {
  }

  //===--------------------------------------------------------------------===//
  // Crossbar operations
  //===--------------------------------------------------------------------===//

  // The cell levels of one weight-slice tile of the [K, N] weights w, in the
  // layout of `mapping` (docs/dialects/xbar.md); the result shape gives the
  // tile size. Static weights fold to a constant at compile time.
  irdl.operation @weight_tile {
    %w = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %m_dcol = irdl.is "differential-column"
    %m_drow = irdl.is "differential-row"
    %m_off = irdl.is "offset"
    %mapping = irdl.any_of(%m_dcol, %m_drow, %m_off)
    %b1 = irdl.is 1 : i64
    %b2 = irdl.is 2 : i64
    %b3 = irdl.is 3 : i64
    %b4 = irdl.is 4 : i64
    %b5 = irdl.is 5 : i64
    %b6 = irdl.is 6 : i64
    %b7 = irdl.is 7 : i64
    %b8 = irdl.is 8 : i64
    %w_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %cell_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %true = irdl.is true
    %false = irdl.is false
    %w_signed = irdl.any_of(%true, %false)
    %k_offset = irdl.base "#builtin.integer"
    %unit_offset = irdl.base "#builtin.integer"
    irdl.operands(w: %w)
    irdl.results(cells: %r)
    irdl.attributes {"mapping" = %mapping, "w_bits" = %w_bits,
                     "w_signed" = %w_signed, "cell_bits" = %cell_bits,
                     "k_offset" = %k_offset, "unit_offset" = %unit_offset}
  }

  // Programs `cells` into crossbar `crossbar` at (row, col): one crossbar
  // write. The result names the resident tile for the MVMs that read it.
  irdl.operation @write {
    %cells = irdl.base "!builtin.tensor"
    %tile = irdl.base @xbar::@tile
    %layer = irdl.base "#builtin.integer"
    %crossbar = irdl.base "#builtin.integer"
    %row = irdl.base "#builtin.integer"
    %col = irdl.base "#builtin.integer"
    irdl.operands(cells: %cells)
    irdl.results(tile: %tile)
    irdl.attributes {"layer" = %layer, "crossbar" = %crossbar, "row" = %row,
                     "col" = %col}
  }

  // One input bit-plane: digit = (u >> bit_offset) mod 2^bits, where u is x
  // as `encoding` stores it in a_bits (x mod 2^a_bits for unsigned and
  // two's complement, x + 2^(a_bits-1) for offset).
  irdl.operation @bitplane {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %e_uns = irdl.is "unsigned"
    %e_twos = irdl.is "twos-complement"
    %e_off = irdl.is "offset"
    %encoding = irdl.any_of(%e_uns, %e_twos, %e_off)
    %b1 = irdl.is 1 : i64
    %b2 = irdl.is 2 : i64
    %b3 = irdl.is 3 : i64
    %b4 = irdl.is 4 : i64
    %b5 = irdl.is 5 : i64
    %b6 = irdl.is 6 : i64
    %b7 = irdl.is 7 : i64
    %b8 = irdl.is 8 : i64
    %a_bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %bits = irdl.any_of(%b1, %b2, %b3, %b4, %b5, %b6, %b7, %b8)
    %bit_offset = irdl.base "#builtin.integer"
    irdl.operands(x: %x)
    irdl.results(digits: %r)
    irdl.attributes {"encoding" = %encoding, "a_bits" = %a_bits,
                     "bit_offset" = %bit_offset, "bits" = %bits}
  }

  // One MVM per input row of `digits`, driving tile rows
  // [row_offset, row_offset + rows) (one OU group) with
  // digits[m, k_offset + r] (or +/- digits[m, k_offset + r/2] for
  // differential rows); the result holds the exact column sums of every
  // column of the tile. `copies` are writes of the same cells to the same
  // region of other crossbars (cim-duplicate); a schedule runs chunks of
  // the rows on any of them (docs/schedule.md).
  irdl.operation @mvm {
    %tile = irdl.base @xbar::@tile
    %copies = irdl.base @xbar::@tile
    %digits = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %layer = irdl.base "#builtin.integer"
    %k_offset = irdl.base "#builtin.integer"
    %row_offset = irdl.base "#builtin.integer"
    %rows = irdl.base "#builtin.integer"
    %true = irdl.is true
    %false = irdl.is false
    %differential_rows = irdl.any_of(%true, %false)
    irdl.operands(tile: %tile, copies: variadic %copies, digits: %digits)
    irdl.results(sums: %r)
    irdl.attributes {"layer" = %layer, "k_offset" = %k_offset,
                     "row_offset" = %row_offset, "rows" = %rows,
                     "differential_rows" = %differential_rows}
  }

  // ADC read-out of column sums: clamp(rne(v / 2^shift), range) * 2^shift,
  // range [0, 2^bits - 1] or, signed, [-2^(bits-1), 2^(bits-1) - 1];
  // bits = 0 is an ideal ADC (r = v).
  irdl.operation @adc {
    %v = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %layer = irdl.base "#builtin.integer"
    %bits = irdl.base "#builtin.integer"
    %shift = irdl.base "#builtin.integer"
    %true = irdl.is true
    %false = irdl.is false
    %signed = irdl.any_of(%true, %false)
    irdl.operands(sums: %v)
    irdl.results(result: %r)
    irdl.attributes {"layer" = %layer, "bits" = %bits, "shift" = %shift,
                     "signed" = %signed}
  }

  // r = acc, then for every row m and i < count:
  //   r[m, dst_offset + i] += (negate ? -1 : 1)
  //                           * part[m or 0, src_offset + i * src_stride]
  //                           * 2^shift
  // Recombines input planes and weight slices, subtracts differential
  // pairs and offsets, accumulates row tiles and places column tiles.
  irdl.operation @shift_add {
    %acc = irdl.base "!builtin.tensor"
    %part = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %src_offset = irdl.base "#builtin.integer"
    %src_stride = irdl.base "#builtin.integer"
    %dst_offset = irdl.base "#builtin.integer"
    %count = irdl.base "#builtin.integer"
    %shift = irdl.base "#builtin.integer"
    %true = irdl.is true
    %false = irdl.is false
    %negate = irdl.any_of(%true, %false)
    irdl.operands(acc: %acc, part: %part)
    irdl.results(result: %r)
    irdl.attributes {"src_offset" = %src_offset, "src_stride" = %src_stride,
                     "dst_offset" = %dst_offset, "count" = %count,
                     "shift" = %shift, "negate" = %negate}
  }

  // Every crossbar operation before the barrier completes before any after
  // it starts (a synchronisation point of the schedule).
  irdl.operation @barrier {
  }

  //===--------------------------------------------------------------------===//
  // Data movement
  //===--------------------------------------------------------------------===//

  // Convolution patches, one row per output pixel (b, oh, ow), channels
  // [channel_offset, channel_offset + channels) in the weight order of
  // `layout` (nchw: (c, kh, kw); nhwc: (kh, kw, c)).
  irdl.operation @im2col {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %nchw = irdl.is "nchw"
    %nhwc = irdl.is "nhwc"
    %layout = irdl.any_of(%nchw, %nhwc)
    %kernel = irdl.base "#builtin.dense_array"
    %strides = irdl.base "#builtin.dense_array"
    %dilations = irdl.base "#builtin.dense_array"
    %padding = irdl.base "#builtin.dense_array"
    %pad_value = irdl.base "#builtin.integer"
    %channel_offset = irdl.base "#builtin.integer"
    %channels = irdl.base "#builtin.integer"
    irdl.operands(x: %x)
    irdl.results(patches: %r)
    irdl.attributes {"layout" = %layout, "kernel" = %kernel,
                     "strides" = %strides, "dilations" = %dilations,
                     "padding" = %padding, "pad_value" = %pad_value,
                     "channel_offset" = %channel_offset,
                     "channels" = %channels}
  }

  // r = dest with the block at `offsets` replaced by x.
  irdl.operation @insert {
    %dest = irdl.base "!builtin.tensor"
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %offsets = irdl.base "#builtin.dense_array"
    irdl.operands(dest: %dest, x: %x)
    irdl.results(result: %r)
    irdl.attributes {"offsets" = %offsets}
  }

  //===--------------------------------------------------------------------===//
  // Digital ops: same operands, attributes and semantics as their cim
  // namesakes (docs/dialects/cim.md).
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

  // The block of x at `offsets` with the shape of the result, unit strides.
  irdl.operation @slice {
    %x = irdl.base "!builtin.tensor"
    %r = irdl.base "!builtin.tensor"
    %offsets = irdl.base "#builtin.dense_array"
    irdl.operands(x: %x)
    irdl.results(result: %r)
    irdl.attributes {"offsets" = %offsets}
  }
}
