// convert-cim-to-xbar: the whole crossbar program. Layers are lowered as by
// cim-tile and cim-bitslice (their own tests check the details); here:
// digital ops become xbar namesakes with identical operands and
// attributes, nothing of cim is left, both pass orders that are accepted
// give one program, and stock mlir-opt reads the result with the IRDL files.
// RUN: cim-opt %s --split-input-file --convert-cim-to-xbar | FileCheck %s
// RUN: cim-opt %s --split-input-file --convert-cim-to-xbar -o %t.alone
// RUN: cim-opt %s --split-input-file --cim-tile --cim-bitslice --convert-cim-to-xbar -o %t.steps
// RUN: cim-opt %s --split-input-file --cim-tile --convert-cim-to-xbar -o %t.tiled
// RUN: diff %t.alone %t.steps
// RUN: diff %t.alone %t.tiled
// RUN: cat %irdl_cim %irdl_xbar > %t.irdl.mlir
// RUN: cim-opt %s --split-input-file --convert-cim-to-xbar | %mlir-opt --split-input-file --irdl-file=%t.irdl.mlir | FileCheck %s

// A small network: conv -> requantize -> ReLU (clamp) -> max pool ->
// reshape -> matmul -> requantize, on the reference target.
// CHECK-LABEL: func.func @net
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xi8>)
// CHECK: %[[P:.*]] = "xbar.im2col"(%[[X]])
// CHECK: "xbar.bitplane"(%[[P]])
// conv: K = 2*3*3 = 18 rows, F = 2 outputs at 1 slice: one tile, written
// once, 8 planes.
// CHECK: %[[T0:.*]] = "xbar.write"
// CHECK-COUNT-8: "xbar.mvm"(%[[T0]]
// CHECK: "xbar.reshape"
// CHECK: "xbar.transpose"
// CHECK: %[[C:.*]] = "xbar.reshape"({{.*}}) : (tensor<1x2x16xi32>) -> tensor<1x2x4x4xi32>
// CHECK: %[[Q:.*]] = "xbar.requantize"(%[[C]]) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824>, out_zero_point = 0 : i64, qmax = 7 : i64, qmin = -8 : i64, shift = array<i64: 33>} : (tensor<1x2x4x4xi32>) -> tensor<1x2x4x4xi4>
// CHECK: %[[R:.*]] = "xbar.clamp"(%[[Q]]) {max = 7 : i64, min = 0 : i64}
// CHECK: %[[M:.*]] = "xbar.pool"(%[[R]]) {kind = "max", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>}
// CHECK: %[[F:.*]] = "xbar.reshape"(%[[M]]) : (tensor<1x2x2x2xi4>) -> tensor<1x8xi4>
// fc: 4-bit unsigned activations (after ReLU): 4 unsigned planes.
// CHECK: "xbar.bitplane"(%[[F]]) {a_bits = 4 : i64, bit_offset = 0 : i64, bits = 1 : i64, encoding = "unsigned"}
// CHECK: %[[T1:.*]] = "xbar.write"({{.*}}) {col = 0 : i64, crossbar = 0 : i64, layer = 1 : i64, row = 0 : i64}
// CHECK-COUNT-4: "xbar.mvm"(%[[T1]]
// CHECK: "xbar.requantize"
// CHECK-NOT: "cim.
// CHECK: return
func.func @net(%x: tensor<1x2x4x4xi8>) -> tensor<1x3xi8> {
  %w0 = arith.constant dense<1> : tensor<2x2x3x3xi4>
  %c = "cim.conv2d"(%x, %w0) {a_bits = 8 : i64, a_signed = true, dilations = array<i64: 1, 1>, groups = 1 : i64, layer = 0 : i64, layout = "nchw_fchw", pad_value = 0 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<1x2x4x4xi8>, tensor<2x2x3x3xi4>) -> tensor<1x2x4x4xi32>
  %q = "cim.requantize"(%c) {axis = 1 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824>, out_zero_point = 0 : i64, qmax = 7 : i64, qmin = -8 : i64, shift = array<i64: 33>} : (tensor<1x2x4x4xi32>) -> tensor<1x2x4x4xi4>
  %r = "cim.clamp"(%q) {max = 7 : i64, min = 0 : i64} : (tensor<1x2x4x4xi4>) -> tensor<1x2x4x4xi4>
  %m = "cim.pool"(%r) {kind = "max", layout = "nchw", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<1x2x4x4xi4>) -> tensor<1x2x2x2xi4>
  %f = "cim.reshape"(%m) : (tensor<1x2x2x2xi4>) -> tensor<1x8xi4>
  %w1 = arith.constant dense<-3> : tensor<8x3xi4>
  %y = "cim.matmul"(%f, %w1) {a_bits = 4 : i64, a_signed = false, layer = 1 : i64, w_bits = 4 : i64, w_signed = true, weights = "static"} : (tensor<1x8xi4>, tensor<8x3xi4>) -> tensor<1x3xi32>
  %o = "cim.requantize"(%y) {axis = 0 : i64, in_zero_point = 0 : i64, multiplier = array<i64: 1073741824>, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = array<i64: 31>} : (tensor<1x3xi32>) -> tensor<1x3xi8>
  return %o : tensor<1x3xi8>
}

// -----

// The other digital ops, one each: same operands and attributes in xbar.
// cim.concat becomes two xbar.insert into a zero constant: lhs at offset 0,
// rhs at offset 1 along axis 0 (lhs has 1 row).
// CHECK-LABEL: func.func @digital
// CHECK-SAME: (%[[S:.*]]: tensor<2x4xi3>, %[[X:.*]]: tensor<2x4xi8>, %[[Y:.*]]: tensor<2x4xi8>, %[[Z:.*]]: tensor<2x5x5xi32>, %[[L:.*]]: tensor<5x4xi8>, %[[C:.*]]: tensor<1x6xi8>, %[[V:.*]]: tensor<4x6xi8>)
// CHECK: "xbar.lut"(%[[S]]) {function = "gelu", in_min = -4 : i64, table = array<i64: 0, -1, -1, -1, 0, 1, 2, 3>} : (tensor<2x4xi3>) -> tensor<2x4xi3>
// CHECK: "xbar.add"(%[[X]], %[[Y]]) : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi9>
// CHECK: "xbar.softmax"(%[[Z]]) {axis = 2 : i64, exp_table = array<i64: 256, 94, 35, 13, 5, 2, 1, 0>, one = 255 : i64, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64} : (tensor<2x5x5xi32>) -> tensor<2x5x5xi9>
// CHECK: "xbar.layer_norm"(%[[L]]) {axis = 1 : i64, beta = array<i64: 0, 1, -1, 0>, eps = 1 : i64, frac_bits = 8 : i64, gamma = array<i64: 256, 256, 128, 512>, multiplier = 1 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = 10 : i64} : (tensor<5x4xi8>) -> tensor<5x4xi8>
// CHECK: %[[ZERO:.*]] = arith.constant dense<0> : tensor<5x6xi8>
// CHECK: %[[I0:.*]] = "xbar.insert"(%[[ZERO]], %[[C]]) {offsets = array<i64: 0, 0>} : (tensor<5x6xi8>, tensor<1x6xi8>) -> tensor<5x6xi8>
// CHECK: %[[I1:.*]] = "xbar.insert"(%[[I0]], %[[V]]) {offsets = array<i64: 1, 0>} : (tensor<5x6xi8>, tensor<4x6xi8>) -> tensor<5x6xi8>
// CHECK: %[[SL:.*]] = "xbar.slice"(%[[I1]]) {offsets = array<i64: 0, 0>} : (tensor<5x6xi8>) -> tensor<1x6xi8>
// CHECK: "xbar.transpose"(%[[SL]]) {permutation = array<i64: 1, 0>} : (tensor<1x6xi8>) -> tensor<6x1xi8>
// CHECK-NOT: "cim.
func.func @digital(%s: tensor<2x4xi3>, %x: tensor<2x4xi8>, %y: tensor<2x4xi8>, %z: tensor<2x5x5xi32>, %l: tensor<5x4xi8>, %c: tensor<1x6xi8>, %v: tensor<4x6xi8>) -> (tensor<2x4xi3>, tensor<2x4xi9>, tensor<2x5x5xi9>, tensor<5x4xi8>, tensor<6x1xi8>) {
  %0 = "cim.lut"(%s) {function = "gelu", in_min = -4 : i64, table = array<i64: 0, -1, -1, -1, 0, 1, 2, 3>} : (tensor<2x4xi3>) -> tensor<2x4xi3>
  %1 = "cim.add"(%x, %y) : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi9>
  %2 = "cim.softmax"(%z) {axis = 2 : i64, exp_table = array<i64: 256, 94, 35, 13, 5, 2, 1, 0>, one = 255 : i64, out_zero_point = 0 : i64, qmax = 255 : i64, qmin = 0 : i64} : (tensor<2x5x5xi32>) -> tensor<2x5x5xi9>
  %3 = "cim.layer_norm"(%l) {axis = 1 : i64, beta = array<i64: 0, 1, -1, 0>, eps = 1 : i64, frac_bits = 8 : i64, gamma = array<i64: 256, 256, 128, 512>, multiplier = 1 : i64, out_zero_point = 0 : i64, qmax = 127 : i64, qmin = -128 : i64, shift = 10 : i64} : (tensor<5x4xi8>) -> tensor<5x4xi8>
  %4 = "cim.concat"(%c, %v) {axis = 0 : i64} : (tensor<1x6xi8>, tensor<4x6xi8>) -> tensor<5x6xi8>
  %5 = "cim.slice"(%4) {offsets = array<i64: 0, 0>} : (tensor<5x6xi8>) -> tensor<1x6xi8>
  %6 = "cim.transpose"(%5) {permutation = array<i64: 1, 0>} : (tensor<1x6xi8>) -> tensor<6x1xi8>
  return %0, %1, %2, %3, %6 : tensor<2x4xi3>, tensor<2x4xi9>, tensor<2x5x5xi9>, tensor<5x4xi8>, tensor<6x1xi8>
}

// -----

// Attention with dynamic weights (Q x K^T per head): the weights are run-time
// values, so every head's tile is written at run time from the sliced
// operand, once per use.
// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:.*]]: tensor<2x3x4xi8>, %[[K:.*]]: tensor<2x4x3xi8>)
// CHECK: %[[K0:.*]] = "xbar.slice"(%[[K]]) {offsets = array<i64: 0, 0, 0>}
// CHECK: %[[K0R:.*]] = "xbar.reshape"(%[[K0]]) : (tensor<1x4x3xi8>) -> tensor<4x3xi8>
// CHECK: %[[C0:.*]] = "xbar.weight_tile"(%[[K0R]])
// CHECK: "xbar.write"(%[[C0]]) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64}
// CHECK: %[[K1:.*]] = "xbar.slice"(%[[K]]) {offsets = array<i64: 1, 0, 0>}
// CHECK: %[[K1R:.*]] = "xbar.reshape"(%[[K1]])
// CHECK: %[[C1:.*]] = "xbar.weight_tile"(%[[K1R]])
// CHECK: "xbar.write"(%[[C1]])
// CHECK-NOT: "xbar.write"
// CHECK: "xbar.insert"
// CHECK: "xbar.insert"
func.func @attention(%q: tensor<2x3x4xi8>, %k: tensor<2x4x3xi8>) -> tensor<2x3x3xi32> {
  %s = "cim.matmul"(%q, %k) {a_bits = 8 : i64, a_signed = true, layer = 0 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<2x3x4xi8>, tensor<2x4x3xi8>) -> tensor<2x3x3xi32>
  return %s : tensor<2x3x3xi32>
}
