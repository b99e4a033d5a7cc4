// cim-estimate reads linalg layers directly, so a model can be costed before
// it is lowered. Each count below is derived by hand (docs/target.md).
// RUN: cim-opt %s --cim-estimate='report=%t.json table=' -o /dev/null
// RUN: FileCheck %s < %t.json
// RUN: cim-opt %s --cim-estimate -o /dev/null 2>&1 | FileCheck %s --check-prefix=TABLE

// Integer operands give the bits. matmul [6,300] x [300,5], i3 weights on
// the default 4-bit cells: 1 slice, 10 columns, 2 row tiles; i4 activations,
// 4 planes: MVMs = 6 * 2 * 4 = 48.
// CHECK: "name": "fc"
// CHECK: "kind": "dense"
// CHECK: "in_dim": 300
// CHECK: "out_dim": 5
// CHECK: "invocations": 6
// CHECK: "w_bits": 3
// CHECK: "a_bits": 4
// CHECK: "mvm_cycles": 48
// matvec m[7,20] x v[20] is weights [20 -> 7]; vecmat v[20] x m[20,7] too.
// CHECK: "name": "layer 1"
// CHECK: "in_dim": 20
// CHECK: "out_dim": 7
// CHECK: "invocations": 1
// CHECK: "name": "layer 2"
// CHECK: "in_dim": 20
// CHECK: "out_dim": 7
// TABLE: fc dense 3/4 2 2 48
// TABLE: layer 1 dense 8/8 1 1 8
// TABLE: layer 2 dense 8/8 1 1 8
func.func @dense(%a: tensor<6x300xi4>, %v: tensor<20xi8>) -> (tensor<6x5xi32>, tensor<7xi32>, tensor<7xi32>) {
  %w = arith.constant dense<1> : tensor<300x5xi3>
  %z = arith.constant dense<0> : tensor<6x5xi32>
  %r = linalg.matmul ins(%a, %w : tensor<6x300xi4>, tensor<300x5xi3>) outs(%z : tensor<6x5xi32>) -> tensor<6x5xi32> loc("fc")
  %m = arith.constant dense<2> : tensor<7x20xi8>
  %z7 = arith.constant dense<0> : tensor<7xi32>
  %mv = linalg.matvec ins(%m, %v : tensor<7x20xi8>, tensor<20xi8>) outs(%z7 : tensor<7xi32>) -> tensor<7xi32>
  %mt = arith.constant dense<2> : tensor<20x7xi8>
  %vm = linalg.vecmat ins(%v, %mt : tensor<20xi8>, tensor<20x7xi8>) outs(%z7 : tensor<7xi32>) -> tensor<7xi32>
  return %r, %mv, %vm : tensor<6x5xi32>, tensor<7xi32>, tensor<7xi32>
}


// Convolutions: nhwc_hwcf 3x3, 16 -> 32 channels on 8x8 output: in 3*3*16 =
// 144, out 32, 64 invocations; depthwise 3x3 on 16 channels: in 9, out 1,
// repeat 16. batch_matmul with two activations is a run-time-weight matmul.
// CHECK: "kind": "conv2d"
// CHECK: "in_dim": 144
// CHECK: "out_dim": 32
// CHECK: "invocations": 64
// CHECK: "kind": "conv2d"
// CHECK: "in_dim": 9
// CHECK: "out_dim": 1
// CHECK: "invocations": 64
// CHECK: "repeat": 16
// CHECK: "kind": "matmul"
// CHECK: "in_dim": 64
// CHECK: "out_dim": 50
// CHECK: "invocations": 50
// CHECK: "repeat": 12
func.func @convs(%x: tensor<1x10x10x16xi8>, %q: tensor<12x50x64xi8>, %k: tensor<12x64x50xi8>) -> (tensor<1x8x8x32xi32>, tensor<1x8x8x16xi32>, tensor<12x50x50xi32>) {
  %w = arith.constant dense<1> : tensor<3x3x16x32xi8>
  %z = arith.constant dense<0> : tensor<1x8x8x32xi32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x10x10x16xi8>, tensor<3x3x16x32xi8>) outs(%z : tensor<1x8x8x32xi32>) -> tensor<1x8x8x32xi32>
  %dw = arith.constant dense<1> : tensor<3x3x16xi8>
  %zd = arith.constant dense<0> : tensor<1x8x8x16xi32>
  %d = linalg.depthwise_conv_2d_nhwc_hwc ins(%x, %dw : tensor<1x10x10x16xi8>, tensor<3x3x16xi8>) outs(%zd : tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32>
  %zs = arith.constant dense<0> : tensor<12x50x50xi32>
  %s = linalg.batch_matmul ins(%q, %k : tensor<12x50x64xi8>, tensor<12x64x50xi8>) outs(%zs : tensor<12x50x50xi32>) -> tensor<12x50x50xi32>
  return %c, %d, %s : tensor<1x8x8x32xi32>, tensor<1x8x8x16xi32>, tensor<12x50x50xi32>
}
// conv: 144 rows, 32 outputs * 2 slices * 2 = 128 columns: 1 tile, 64 * 8 =
// 512 cycles. Depthwise: 16 one-tile copies, 16 writes, 64 * 8 * 16 = 8192
// cycles. Attention scores: 12 one-tile copies, 50 * 8 * 12 = 4800 cycles.
// TABLE: layer 3 conv2d 8/8 1 1 512
// TABLE: layer 4 conv2d 8/8 1 16 8192
// TABLE: layer 5 matmul 8/8 1 12 4800
