// cim-tile: the tile grid of every layer, checked against hand-derived
// tile boundaries. A layer [K, N] at w_bits on cell_bits cells has
// S = ceil(w_bits / cell_bits) slices and N * S units (unit n*S+s = slice s
// of output n). Tiles hold kCap inputs and uCap units:
// differential-column kCap = rows, uCap = floor(cols / 2); differential-row
// kCap = floor(rows / 2), uCap = cols; offset kCap = rows, uCap = cols - 1.
// Tiles are emitted row tile by row tile, column tiles inside.

// RUN: cim-opt %s --split-input-file --cim-tile='rows=2 cols=4' | FileCheck %s
// The brief's spelling, nested under func.func, is the same pass:
// RUN: cim-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(cim-tile{rows=2 cols=4}),canonicalize)' | FileCheck %s
// RUN: cim-opt %s --split-input-file --cim-tile | FileCheck %s --check-prefix=DEFAULT

// K = 5, N = 3, 4-bit weights on 4-bit cells: S = 1, 3 units. A 2x4
// crossbar with differential columns: kCap = 2, uCap = 2. Row tiles
// [0,2) [2,4) [4,5) (last ragged), column tiles units [0,2) [2,3): 6 tiles,
// each adding into the accumulator of the previous one, from zero.
// CHECK-LABEL: func.func @ragged
// CHECK-SAME: (%[[A:.*]]: tensor<2x5xi8>)
// CHECK: %[[W:.*]] = arith.constant dense<1> : tensor<5x3xi4>
// CHECK: %[[Z:.*]] = arith.constant dense<0> : tensor<2x3xi32>
// CHECK: %[[T0:.*]] = "cim.matmul_tile"(%[[Z]], %[[A]], %[[W]]) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, units = 2 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"}
// CHECK: %[[T1:.*]] = "cim.matmul_tile"(%[[T0]], %[[A]], %[[W]]) {{.*}}k_offset = 0 : i64, k_size = 2 : i64, {{.*}}unit_offset = 2 : i64, units = 1 : i64
// CHECK: %[[T2:.*]] = "cim.matmul_tile"(%[[T1]], %[[A]], %[[W]]) {{.*}}k_offset = 2 : i64, k_size = 2 : i64, {{.*}}unit_offset = 0 : i64, units = 2 : i64
// CHECK: %[[T3:.*]] = "cim.matmul_tile"(%[[T2]], {{.*}}k_offset = 2 : i64, k_size = 2 : i64, {{.*}}unit_offset = 2 : i64, units = 1 : i64
// CHECK: %[[T4:.*]] = "cim.matmul_tile"(%[[T3]], {{.*}}k_offset = 4 : i64, k_size = 1 : i64, {{.*}}unit_offset = 0 : i64, units = 2 : i64
// CHECK: %[[T5:.*]] = "cim.matmul_tile"(%[[T4]], {{.*}}k_offset = 4 : i64, k_size = 1 : i64, {{.*}}unit_offset = 2 : i64, units = 1 : i64
// CHECK-NOT: cim.matmul_tile
// CHECK-NOT: "cim.matmul"
// CHECK: return %[[T5]]
// On the default 256x256 crossbar the layer is one tile.
// DEFAULT-LABEL: func.func @ragged
// DEFAULT: "cim.matmul_tile"({{.*}}k_offset = 0 : i64, k_size = 5 : i64, {{.*}}unit_offset = 0 : i64, units = 3 : i64
// DEFAULT-NOT: cim.matmul_tile
func.func @ragged(%a: tensor<2x5xi8>) -> tensor<2x3xi32> {
  %w = arith.constant dense<1> : tensor<5x3xi4>
  %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x5xi8>, tensor<5x3xi4>) -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// 3-bit weights on 2-bit cells: S = ceil(3/2) = 2, N = 3 gives 6 units.
// A 2x4 crossbar holds 2 units: units [0,2) = output 0, [2,4) = output 1,
// [4,6) = output 2; K = 2 fits one row tile: 3 tiles.
// With 2x6 (DEFAULT run uses the module's 2x6 target: uCap = 3): units
// [0,3) and [3,6), so output 1 (units 2 and 3) straddles the two tiles.
// CHECK-LABEL: func.func @straddle
// CHECK: "cim.matmul_tile"({{.*}}cell_bits = 2 : i64, k_offset = 0 : i64, k_size = 2 : i64, {{.*}}unit_offset = 0 : i64, units = 2 : i64, w_bits = 3 : i64
// CHECK: "cim.matmul_tile"({{.*}}unit_offset = 2 : i64, units = 2 : i64
// CHECK: "cim.matmul_tile"({{.*}}unit_offset = 4 : i64, units = 2 : i64
// CHECK-NOT: cim.matmul_tile
// DEFAULT-LABEL: func.func @straddle
// DEFAULT: "cim.matmul_tile"({{.*}}cell_bits = 2 : i64, k_offset = 0 : i64, k_size = 2 : i64, {{.*}}unit_offset = 0 : i64, units = 3 : i64
// DEFAULT: "cim.matmul_tile"({{.*}}unit_offset = 3 : i64, units = 3 : i64
// DEFAULT-NOT: cim.matmul_tile
module attributes {cim.target = #cim.target<2, 6, 2, 1, 0, "differential-column", "twos-complement", 1, 2, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @straddle(%a: tensor<1x2xi8>) -> tensor<1x3xi32> {
    %w = arith.constant dense<[[1, 2, 3], [-1, -2, -3]]> : tensor<2x3xi3>
    %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 3 : i64, w_signed = true, weights = "static"} : (tensor<1x2xi8>, tensor<2x3xi3>) -> tensor<1x3xi32>
    return %r : tensor<1x3xi32>
  }
}

// -----

// Differential rows on a 5x2 target crossbar (rows=2 cols=4 options win):
// kCap = floor(2/2) = 1, uCap = 4. K = 3, N = 2, 8-bit weights on 4-bit
// cells: 4 units, one column tile, 3 row tiles of one input each.
// CHECK-LABEL: func.func @drow
// CHECK: "cim.matmul_tile"({{.*}}k_offset = 0 : i64, k_size = 1 : i64, {{.*}}mapping = "differential-row", unit_offset = 0 : i64, units = 4 : i64
// CHECK: "cim.matmul_tile"({{.*}}k_offset = 1 : i64, k_size = 1 : i64, {{.*}}unit_offset = 0 : i64, units = 4 : i64
// CHECK: "cim.matmul_tile"({{.*}}k_offset = 2 : i64, k_size = 1 : i64, {{.*}}unit_offset = 0 : i64, units = 4 : i64
// CHECK-NOT: cim.matmul_tile
// The target's own 5x2 crossbar: kCap = 2, uCap = 2: row tiles [0,2) [2,3),
// column tiles [0,2) [2,4): 4 tiles.
// DEFAULT-LABEL: func.func @drow
// DEFAULT: "cim.matmul_tile"({{.*}}k_offset = 0 : i64, k_size = 2 : i64, {{.*}}unit_offset = 0 : i64, units = 2 : i64
// DEFAULT: "cim.matmul_tile"({{.*}}k_offset = 0 : i64, k_size = 2 : i64, {{.*}}unit_offset = 2 : i64, units = 2 : i64
// DEFAULT: "cim.matmul_tile"({{.*}}k_offset = 2 : i64, k_size = 1 : i64, {{.*}}unit_offset = 0 : i64, units = 2 : i64
// DEFAULT: "cim.matmul_tile"({{.*}}k_offset = 2 : i64, k_size = 1 : i64, {{.*}}unit_offset = 2 : i64, units = 2 : i64
// DEFAULT-NOT: cim.matmul_tile
module attributes {cim.target = #cim.target<5, 2, 4, 1, 0, "differential-row", "twos-complement", 1, 5, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @drow(%a: tensor<1x3xi8>) -> tensor<1x2xi32> {
    %w = arith.constant dense<100> : tensor<3x2xi8>
    %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "static"} : (tensor<1x3xi8>, tensor<3x2xi8>) -> tensor<1x2xi32>
    return %r : tensor<1x2xi32>
  }
}

// -----

// Offset mapping: a 2x4 crossbar holds 3 data columns beside the bias
// column. K = 1, N = 4 at 1 slice: units [0,3) and [3,4).
// CHECK-LABEL: func.func @offset
// CHECK: "cim.matmul_tile"({{.*}}k_offset = 0 : i64, k_size = 1 : i64, {{.*}}mapping = "offset", unit_offset = 0 : i64, units = 3 : i64
// CHECK: "cim.matmul_tile"({{.*}}unit_offset = 3 : i64, units = 1 : i64
// CHECK-NOT: cim.matmul_tile
// DEFAULT-LABEL: func.func @offset
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "offset", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @offset(%a: tensor<3x1xi4>) -> tensor<3x4xi32> {
    %w = arith.constant dense<[[-8, -1, 0, 7]]> : tensor<1x4xi4>
    %r = "cim.matmul"(%a, %w) {a_bits = 4 : i64, a_signed = false, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<3x1xi4>, tensor<1x4xi4>) -> tensor<3x4xi32>
    return %r : tensor<3x4xi32>
  }
}

// -----

// A narrow result type: 1 term of 4-bit values fits i10 (|r| <= 64), but the
// partial sums of the decomposition are only bounded by
// K * 2^a * 2^(S*cell_bits) * 4 = 1 * 16 * 16 * 4 = 1024, which needs 12
// signed bits: the tiles accumulate in i64 and an identity requantize
// (multiplier 1, shift 0, range of i10: [-512, 511]) narrows at the end.
// CHECK-LABEL: func.func @narrow
// CHECK: %[[Z:.*]] = arith.constant dense<0> : tensor<3x2xi64>
// CHECK: %[[T:.*]] = "cim.matmul_tile"(%[[Z]],
// CHECK: %[[N:.*]] = "cim.requantize"(%[[T]]) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1>, out_zero_point = 0 : i64, qmax = 511 : i64, qmin = -512 : i64, shift = array<i64: 0>} : (tensor<3x2xi64>) -> tensor<3x2xi10>
// CHECK: return %[[N]]
func.func @narrow(%a: tensor<3x1xi4>) -> tensor<3x2xi10> {
  %w = arith.constant dense<-8> : tensor<1x2xi4>
  %r = "cim.matmul"(%a, %w) {a_bits = 4 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<3x1xi4>, tensor<1x2xi4>) -> tensor<3x2xi10>
  return %r : tensor<3x2xi10>
}

// -----

// A grouped nchw convolution with dynamic weights, default crossbar: per
// group g (2 groups, Cg = 2, Fg = 2): im2col of channels [2g, 2g+2) gives
// [B*OH*OW, Cg*KH*KW] = [9, 18]; the weights [F=4, 2, 3, 3] are sliced to the
// group's filters [2g, 2g+2), flattened to [2, 18] and transposed to
// [18, 2]; one tile (18 rows, 2 units); the [9, 2] result goes back to
// [1, 2, 3, 3] and the groups are concatenated along channels.
// DEFAULT-LABEL: func.func @conv
// DEFAULT-SAME: (%[[X:.*]]: tensor<1x4x5x5xi8>, %[[W:.*]]: tensor<4x2x3x3xi2>)
// DEFAULT: %[[P0:.*]] = "xbar.im2col"(%[[X]]) {channel_offset = 0 : i64, channels = 2 : i64, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = "nchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xi8>) -> tensor<9x18xi8>
// DEFAULT: %[[S0:.*]] = "cim.slice"(%[[W]]) {offsets = array<i64: 0, 0, 0, 0>} : (tensor<4x2x3x3xi2>) -> tensor<2x2x3x3xi2>
// DEFAULT: %[[R0:.*]] = "cim.reshape"(%[[S0]]) : (tensor<2x2x3x3xi2>) -> tensor<2x18xi2>
// DEFAULT: %[[W0:.*]] = "cim.transpose"(%[[R0]]) {permutation = array<i64: 1, 0>} : (tensor<2x18xi2>) -> tensor<18x2xi2>
// DEFAULT: %[[T0:.*]] = "cim.matmul_tile"({{.*}}, %[[P0]], %[[W0]]) {{.*}}k_offset = 0 : i64, k_size = 18 : i64, {{.*}}unit_offset = 0 : i64, units = 2 : i64, {{.*}}weights = "dynamic"} : (tensor<9x2xi32>, tensor<9x18xi8>, tensor<18x2xi2>) -> tensor<9x2xi32>
// DEFAULT: %[[A0:.*]] = "cim.reshape"(%[[T0]]) : (tensor<9x2xi32>) -> tensor<1x9x2xi32>
// DEFAULT: %[[B0:.*]] = "cim.transpose"(%[[A0]]) {permutation = array<i64: 0, 2, 1>} : (tensor<1x9x2xi32>) -> tensor<1x2x9xi32>
// DEFAULT: %[[G0:.*]] = "cim.reshape"(%[[B0]]) : (tensor<1x2x9xi32>) -> tensor<1x2x3x3xi32>
// DEFAULT: "xbar.im2col"(%[[X]]) {channel_offset = 2 : i64, channels = 2 : i64
// DEFAULT: "cim.slice"(%[[W]]) {offsets = array<i64: 2, 0, 0, 0>}
// DEFAULT: %[[G1:.*]] = "cim.reshape"({{.*}}) : (tensor<1x2x9xi32>) -> tensor<1x2x3x3xi32>
// DEFAULT: %[[C:.*]] = "cim.concat"(%[[G0]], %[[G1]]) {axis = 1 : i64} : (tensor<1x2x3x3xi32>, tensor<1x2x3x3xi32>) -> tensor<1x4x3x3xi32>
// DEFAULT: return %[[C]]
func.func @conv(%x: tensor<1x4x5x5xi8>, %w: tensor<4x2x3x3xi2>) -> tensor<1x4x3x3xi32> {
  %r = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 2 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x4x5x5xi8>, tensor<4x2x3x3xi2>) -> tensor<1x4x3x3xi32>
  return %r : tensor<1x4x3x3xi32>
}

// -----

// nhwc with a splat constant weight: the flattened [K, F] = [3*3*2, 3]
// weight is a new splat constant, no shape ops; one group, so no concat.
// DEFAULT-LABEL: func.func @conv_nhwc
// DEFAULT: %[[P:.*]] = "xbar.im2col"(%{{.*}}) {channel_offset = 0 : i64, channels = 2 : i64, {{.*}}layout = "nhwc", pad_value = -1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x4x2xi8>) -> tensor<4x18xi8>
// DEFAULT: %[[W:.*]] = arith.constant dense<3> : tensor<18x3xi4>
// DEFAULT: %[[T:.*]] = "cim.matmul_tile"(%{{.*}}, %[[P]], %[[W]])
// DEFAULT: %[[R:.*]] = "cim.reshape"(%[[T]]) : (tensor<4x3xi32>) -> tensor<1x2x2x3xi32>
// DEFAULT-NOT: cim.concat
// DEFAULT: return %[[R]]
func.func @conv_nhwc(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x3xi32> {
  %w = arith.constant dense<3> : tensor<3x3x2x3xi4>
  %r = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nhwc_hwcf", pad_value = -1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<1x4x4x2xi8>, tensor<3x3x2x3xi4>) -> tensor<1x2x2x3xi32>
  return %r : tensor<1x2x2x3xi32>
}

// -----

// Batched (attention heads) with dynamic weights: each head b is sliced out
// of both operands, tiled on its own, and the heads are concatenated.
// DEFAULT-LABEL: func.func @heads
// DEFAULT-SAME: (%[[A:.*]]: tensor<2x3x4xi8>, %[[W:.*]]: tensor<2x4x5xi8>)
// DEFAULT: %[[A0:.*]] = "cim.slice"(%[[A]]) {offsets = array<i64: 0, 0, 0>} : (tensor<2x3x4xi8>) -> tensor<1x3x4xi8>
// DEFAULT: "cim.reshape"(%[[A0]]) : (tensor<1x3x4xi8>) -> tensor<3x4xi8>
// DEFAULT: %[[W0:.*]] = "cim.slice"(%[[W]]) {offsets = array<i64: 0, 0, 0>} : (tensor<2x4x5xi8>) -> tensor<1x4x5xi8>
// DEFAULT: "cim.reshape"(%[[W0]]) : (tensor<1x4x5xi8>) -> tensor<4x5xi8>
// 8-bit weights, 4-bit cells: 2 slices, 10 units, 4 rows: one tile.
// DEFAULT: "cim.matmul_tile"({{.*}}k_offset = 0 : i64, k_size = 4 : i64, layer = 1 : i64, {{.*}}unit_offset = 0 : i64, units = 10 : i64
// DEFAULT: %[[H0:.*]] = "cim.reshape"({{.*}}) : (tensor<3x5xi32>) -> tensor<1x3x5xi32>
// DEFAULT: "cim.slice"(%[[A]]) {offsets = array<i64: 1, 0, 0>}
// DEFAULT: "cim.slice"(%[[W]]) {offsets = array<i64: 1, 0, 0>}
// DEFAULT: "cim.matmul_tile"({{.*}}k_offset = 0 : i64, k_size = 4 : i64, layer = 1 : i64, {{.*}}unit_offset = 0 : i64, units = 10 : i64
// DEFAULT: %[[H1:.*]] = "cim.reshape"({{.*}}) : (tensor<3x5xi32>) -> tensor<1x3x5xi32>
// DEFAULT: %[[C:.*]] = "cim.concat"(%[[H0]], %[[H1]]) {axis = 0 : i64} : (tensor<1x3x5xi32>, tensor<1x3x5xi32>) -> tensor<2x3x5xi32>
// DEFAULT: return %[[C]]
func.func @heads(%a: tensor<2x3x4xi8>, %w: tensor<2x4x5xi8>) -> tensor<2x3x5xi32> {
  %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 1 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<2x3x4xi8>, tensor<2x4x5xi8>) -> tensor<2x3x5xi32>
  return %r : tensor<2x3x5xi32>
}

// -----

// Depthwise (groups = C = 4, Cg = Fg = 1): four parts, put together as a
// balanced tree of concats ((g0 g1) (g2 g3)), so the copies grow with
// G log G rather than G^2.
// DEFAULT-LABEL: func.func @depthwise
// DEFAULT-COUNT-4: "xbar.im2col"
// DEFAULT: %[[C01:.*]] = "cim.concat"(%[[G0:.*]], %[[G1:.*]]) {axis = 1 : i64} : (tensor<1x1x2x2xi32>, tensor<1x1x2x2xi32>) -> tensor<1x2x2x2xi32>
// DEFAULT: %[[C23:.*]] = "cim.concat"(%[[G2:.*]], %[[G3:.*]]) {axis = 1 : i64} : (tensor<1x1x2x2xi32>, tensor<1x1x2x2xi32>) -> tensor<1x2x2x2xi32>
// DEFAULT: %[[C:.*]] = "cim.concat"(%[[C01]], %[[C23]]) {axis = 1 : i64} : (tensor<1x2x2x2xi32>, tensor<1x2x2x2xi32>) -> tensor<1x4x2x2xi32>
// DEFAULT: return %[[C]]
func.func @depthwise(%x: tensor<1x4x4x4xi8>) -> tensor<1x4x2x2xi32> {
  %w = arith.constant dense<1> : tensor<4x1x3x3xi2>
  %r = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 4 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x4x4x4xi8>, tensor<4x1x3x3xi2>) -> tensor<1x4x2x2xi32>
  return %r : tensor<1x4x2x2xi32>
}
