// RUN: %cim-opt %s | %cim-opt | FileCheck %s
// RUN: %cim-opt %s --mlir-print-op-generic | %cim-opt | FileCheck %s

// Every cim op and the target attribute parse, verify and print back.
// IRDL ops print in generic form with their attributes sorted by name.

// The reference target, carried as a module attribute.
// CHECK: module attributes {cim.target = #cim.target<256 : i64, 256 : i64, 4 : i64, 1 : i64, 0 : i64, "differential-column", "twos-complement", 1 : i64, 256 : i64, 1 : i64, 56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>}
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 0, 0, 0, 0, 0, 0, 0, 0>} {

// Other targets: every mapping and encoding, an ideal and a 6-bit ADC.
// CHECK-LABEL: func.func @targets
// CHECK-SAME: cim.a = #cim.target<128 : i64, 64 : i64, 2 : i64, 2 : i64, 6 : i64, "differential-row", "offset", 4 : i64, 32 : i64, 2 : i64, 1000 : i64, 10 : i64, 1 : i64, 1 : i64, 1 : i64, 50 : i64, 3 : i64, 2 : i64, 1 : i64, 1 : i64>
// CHECK-SAME: cim.b = #cim.target<16 : i64, 17 : i64, 1 : i64, 8 : i64, 0 : i64, "offset", "unsigned", 1 : i64, 16 : i64, 1 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64>
func.func @targets() attributes {
    cim.a = #cim.target<128, 64, 2, 2, 6, "differential-row", "offset", 4, 32, 2, 1000, 10, 1, 1, 1, 50, 3, 2, 1, 1>,
    cim.b = #cim.target<16, 17, 1, 8, 0, "offset", "unsigned", 1, 16, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0>} {
  return
}

// A static-weight layer and a dynamic, batched, unsigned one (attention).
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi8>, %[[Q:.*]]: tensor<4x5x8xi8>, %[[K:.*]]: tensor<4x8x5xi3>)
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<3x4xi4>
// CHECK: %{{.*}} = "cim.matmul"(%[[A]], %[[W]]) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
// CHECK: %{{.*}} = "cim.matmul"(%[[Q]], %[[K]]) {a_bits = 8 : i64, a_signed = true, layer = 1 : i64, w_bits = 3 : i64, w_signed = false, weights = "dynamic"} : (tensor<4x5x8xi8>, tensor<4x8x5xi3>) -> tensor<4x5x5xi32>
func.func @matmul(%a: tensor<2x3xi8>, %q: tensor<4x5x8xi8>, %k: tensor<4x8x5xi3>) -> (tensor<2x4xi32>, tensor<4x5x5xi32>) {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [-1, 2, -3, 4]]> : tensor<3x4xi4>
  %0 = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  %1 = "cim.matmul"(%q, %k) {a_bits = 8 : i64, a_signed = true, layer = 1 : i64, w_bits = 3 : i64, w_signed = false, weights = "dynamic"} : (tensor<4x5x8xi8>, tensor<4x8x5xi3>) -> tensor<4x5x5xi32>
  return %0, %1 : tensor<2x4xi32>, tensor<4x5x5xi32>
}

// Both layouts; a strided, padded, dilated, grouped (depthwise) convolution.
// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xi8>, %[[W:.*]]: tensor<4x3x3x3xi2>, %[[Y:.*]]: tensor<1x8x8x6xi4>, %[[D:.*]]: tensor<3x3x1x6xi8>)
// CHECK: "cim.conv2d"(%[[X]], %[[W]]) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi2>) -> tensor<1x4x8x8xi32>
// CHECK: "cim.conv2d"(%[[Y]], %[[D]]) {a_bits = 4 : i64, a_signed = false, dilations = array<i64: 2, 2>, groups = 6 : i64, layer = 1 : i64, layout = "nhwc_hwcf", pad_value = 3 : i64, padding = array<i64: 2, 2, 1, 1>, strides = array<i64: 2, 2>, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x8x8x6xi4>, tensor<3x3x1x6xi8>) -> tensor<1x4x4x6xi32>
func.func @conv2d(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi2>, %y: tensor<1x8x8x6xi4>, %d: tensor<3x3x1x6xi8>) -> (tensor<1x4x8x8xi32>, tensor<1x4x4x6xi32>) {
  %0 = "cim.conv2d"(%x, %w) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, w_bits = 2 : i64, w_signed = true, weights = "static"} : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi2>) -> tensor<1x4x8x8xi32>
  %1 = "cim.conv2d"(%y, %d) {a_bits = 4 : i64, a_signed = false, dilations = array<i64: 2, 2>, groups = 6 : i64, layer = 1 : i64, layout = "nhwc_hwcf", pad_value = 3 : i64, padding = array<i64: 2, 2, 1, 1>, strides = array<i64: 2, 2>, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x8x8x6xi4>, tensor<3x3x1x6xi8>) -> tensor<1x4x4x6xi32>
  return %0, %1 : tensor<1x4x8x8xi32>, tensor<1x4x4x6xi32>
}

// Per-channel with a bias, and per-tensor without one (the optional operand).
// CHECK-LABEL: func.func @requantize
// CHECK-SAME: (%[[ACC:.*]]: tensor<1x4x8x8xi32>, %[[B:.*]]: tensor<4xi32>, %[[V:.*]]: tensor<2x4xi32>)
// CHECK: "cim.requantize"(%[[ACC]], %[[B]]) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824, 1518500250, 1073741824, 2147483647>, out_zero_point = 0 : i64, qmax = 7 : i64, qmin = -7 : i64, shift = array<i64: 38, 39, 38, 40>} : (tensor<1x4x8x8xi32>, tensor<4xi32>) -> tensor<1x4x8x8xi8>
// CHECK: "cim.requantize"(%[[V]]) {axis = 0 : i64, in_zero_point = 3 : i64, multiplier = array<i64: 3>, out_zero_point = 128 : i64, qmax = 255 : i64, qmin = 0 : i64, shift = array<i64: 2>} : (tensor<2x4xi32>) -> tensor<2x4xi9>
func.func @requantize(%acc: tensor<1x4x8x8xi32>, %b: tensor<4xi32>, %v: tensor<2x4xi32>) -> (tensor<1x4x8x8xi8>, tensor<2x4xi9>) {
  %0 = "cim.requantize"(%acc, %b) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824, 1518500250, 1073741824, 2147483647>, out_zero_point = 0 : i64, qmax = 7 : i64, qmin = -7 : i64, shift = array<i64: 38, 39, 38, 40>} : (tensor<1x4x8x8xi32>, tensor<4xi32>) -> tensor<1x4x8x8xi8>
  %1 = "cim.requantize"(%v) {axis = 0 : i64, in_zero_point = 3 : i64, multiplier = array<i64: 3>, out_zero_point = 128 : i64, qmax = 255 : i64, qmin = 0 : i64, shift = array<i64: 2>} : (tensor<2x4xi32>) -> tensor<2x4xi9>
  return %0, %1 : tensor<1x4x8x8xi8>, tensor<2x4xi9>
}

// ReLU as a clamp at the zero point; GELU as a table over i3 inputs.
// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xi8>, %[[S:.*]]: tensor<2x4xi3>)
// CHECK: %[[R:.*]] = "cim.clamp"(%[[X]]) {max = 127 : i64, min = -3 : i64} : (tensor<2x4xi8>) -> tensor<2x4xi8>
// CHECK: "cim.lut"(%[[S]]) {function = "gelu", in_min = -4 : i64, table = array<i64: 0, -1, -1, -1, 0, 1, 2, 3>} : (tensor<2x4xi3>) -> tensor<2x4xi3>
// CHECK: "cim.add"(%[[R]], %[[X]]) : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi9>
func.func @elementwise(%x: tensor<2x4xi8>, %s: tensor<2x4xi3>) -> (tensor<2x4xi3>, tensor<2x4xi9>) {
  %0 = "cim.clamp"(%x) {max = 127 : i64, min = -3 : i64} : (tensor<2x4xi8>) -> tensor<2x4xi8>
  %1 = "cim.lut"(%s) {function = "gelu", in_min = -4 : i64, table = array<i64: 0, -1, -1, -1, 0, 1, 2, 3>} : (tensor<2x4xi3>) -> tensor<2x4xi3>
  %2 = "cim.add"(%0, %x) : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi9>
  return %1, %2 : tensor<2x4xi3>, tensor<2x4xi9>
}

// ResNet's stem max pooling and a global average pooling.
// CHECK-LABEL: func.func @pool
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xi8>, %[[Y:.*]]: tensor<1x7x7x4xi8>)
// CHECK: "cim.pool"(%[[X]]) {kind = "max", layout = "nchw", padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, window = array<i64: 3, 3>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x4x4xi8>
// CHECK: "cim.pool"(%[[Y]]) {kind = "avg", layout = "nhwc", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, window = array<i64: 7, 7>} : (tensor<1x7x7x4xi8>) -> tensor<1x1x1x4xi8>
func.func @pool(%x: tensor<1x4x8x8xi8>, %y: tensor<1x7x7x4xi8>) -> (tensor<1x4x4x4xi8>, tensor<1x1x1x4xi8>) {
  %0 = "cim.pool"(%x) {kind = "max", layout = "nchw", padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>, window = array<i64: 3, 3>} : (tensor<1x4x8x8xi8>) -> tensor<1x4x4x4xi8>
  %1 = "cim.pool"(%y) {kind = "avg", layout = "nhwc", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, window = array<i64: 7, 7>} : (tensor<1x7x7x4xi8>) -> tensor<1x1x1x4xi8>
  return %0, %1 : tensor<1x4x4x4xi8>, tensor<1x1x1x4xi8>
}

// The transformer ops.
// CHECK-LABEL: func.func @transformer
// CHECK-SAME: (%[[X:.*]]: tensor<5x4xi8>, %[[S:.*]]: tensor<2x5x5xi32>)
// CHECK: "cim.layer_norm"(%[[X]]) {axis = 1 : i64, beta = array<i64: 0, 1, -1, 0>, eps = 1 : i64, frac_bits = 8 : i64, gamma = array<i64: 256, 256, 128, 512>, multiplier = 1 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = 10 : i64} : (tensor<5x4xi8>) -> tensor<5x4xi8>
// CHECK: "cim.softmax"(%[[S]]) {axis = 2 : i64, exp_table = array<i64: 256, 94, 35, 13, 5, 2, 1, 0>, one = 255 : i64, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64} : (tensor<2x5x5xi32>) -> tensor<2x5x5xi9>
func.func @transformer(%x: tensor<5x4xi8>, %s: tensor<2x5x5xi32>) -> (tensor<5x4xi8>, tensor<2x5x5xi9>) {
  %0 = "cim.layer_norm"(%x) {axis = 1 : i64, beta = array<i64: 0, 1, -1, 0>, eps = 1 : i64, frac_bits = 8 : i64, gamma = array<i64: 256, 256, 128, 512>, multiplier = 1 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = 10 : i64} : (tensor<5x4xi8>) -> tensor<5x4xi8>
  %1 = "cim.softmax"(%s) {axis = 2 : i64, exp_table = array<i64: 256, 94, 35, 13, 5, 2, 1, 0>, one = 255 : i64, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64} : (tensor<2x5x5xi32>) -> tensor<2x5x5xi9>
  return %0, %1 : tensor<5x4xi8>, tensor<2x5x5xi9>
}

// Splitting heads, the class token, and taking it back out.
// CHECK-LABEL: func.func @data_movement
// CHECK-SAME: (%[[X:.*]]: tensor<4x6xi8>, %[[C:.*]]: tensor<1x6xi8>)
// CHECK: %[[R:.*]] = "cim.reshape"(%[[X]]) : (tensor<4x6xi8>) -> tensor<4x2x3xi8>
// CHECK: "cim.transpose"(%[[R]]) {permutation = array<i64: 1, 0, 2>} : (tensor<4x2x3xi8>) -> tensor<2x4x3xi8>
// CHECK: %[[T:.*]] = "cim.concat"(%[[C]], %[[X]]) {axis = 0 : i64} : (tensor<1x6xi8>, tensor<4x6xi8>) -> tensor<5x6xi8>
// CHECK: "cim.slice"(%[[T]]) {offsets = array<i64: 0, 0>} : (tensor<5x6xi8>) -> tensor<1x6xi8>
func.func @data_movement(%x: tensor<4x6xi8>, %c: tensor<1x6xi8>) -> (tensor<2x4x3xi8>, tensor<1x6xi8>) {
  %0 = "cim.reshape"(%x) : (tensor<4x6xi8>) -> tensor<4x2x3xi8>
  %1 = "cim.transpose"(%0) {permutation = array<i64: 1, 0, 2>} : (tensor<4x2x3xi8>) -> tensor<2x4x3xi8>
  %2 = "cim.concat"(%c, %x) {axis = 0 : i64} : (tensor<1x6xi8>, tensor<4x6xi8>) -> tensor<5x6xi8>
  %3 = "cim.slice"(%2) {offsets = array<i64: 0, 0>} : (tensor<5x6xi8>) -> tensor<1x6xi8>
  return %1, %3 : tensor<2x4x3xi8>, tensor<1x6xi8>
}

// The tiled form (cim-tile, docs/design.md "Crossbar mapping"): one crossbar
// tile of a layer added into an accumulator.
// CHECK-LABEL: func.func @matmul_tile
// CHECK-SAME: (%[[ACC:.*]]: tensor<2x4xi32>, %[[A:.*]]: tensor<2x3xi8>, %[[W:.*]]: tensor<3x4xi4>)
// CHECK: "cim.matmul_tile"(%[[ACC]], %[[A]], %[[W]]) {a_bits = 8 : i64, a_signed = true, cell_bits = 2 : i64, k_offset = 0 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "offset", unit_offset = 3 : i64, units = 5 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x4xi32>, tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
func.func @matmul_tile(%acc: tensor<2x4xi32>, %a: tensor<2x3xi8>, %w: tensor<3x4xi4>) -> tensor<2x4xi32> {
  %0 = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 2 : i64, k_offset = 0 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "offset", unit_offset = 3 : i64, units = 5 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<2x4xi32>, tensor<2x3xi8>, tensor<3x4xi4>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

}
