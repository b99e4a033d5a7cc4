// One instance of every op of the layer table (lib/ir/LayerOps.def), each
// named by a location, on integer operands. The crossbar view of each layer,
// derived by hand from its shapes (in_dim, out_dim, invocations, repeat), is
// in test/unit/layer_registry_test.c ("kEveryLayer") and in
// test/passes/layer-registry.mlir; layer_registry_test fails when a row of
// the table has no instance here.
#contract_a = affine_map<(m, n, k) -> (k, m)>
#contract_b = affine_map<(m, n, k) -> (k, n)>
#contract_c = affine_map<(m, n, k) -> (m, n)>
func.func @every_layer(%a: tensor<6x300xi8>, %q: tensor<12x50x64xi8>,
                       %k: tensor<12x64x50xi8>, %v: tensor<20xi8>,
                       %at: tensor<8x3xi8>, %x: tensor<2x3x10x10xi8>,
                       %xh: tensor<1x10x10x16xi8>, %xd: tensor<1x16x10x10xi8>,
                       %xg: tensor<1x2x4x6x6xi8>, %xgh: tensor<1x6x6x2x4xi8>,
                       %xs: tensor<1x3x9x9xi8>)
    -> (tensor<6x5xi32>, tensor<12x50x50xi32>, tensor<7xi32>, tensor<7xi32>,
        tensor<3x5xi32>, tensor<2x16x8x8xi32>, tensor<1x8x8x32xi32>,
        tensor<1x16x8x8xi32>, tensor<1x8x8x16xi32>, tensor<1x8x8x16x2xi32>,
        tensor<1x2x3x4x4xi32>, tensor<1x2x3x4x4xi32>, tensor<1x4x4x2x3xi32>,
        tensor<1x4x4x4xi32>) {
  %w0 = arith.constant dense<1> : tensor<300x5xi8>
  %z0 = arith.constant dense<0> : tensor<6x5xi32>
  %r0 = linalg.matmul ins(%a, %w0 : tensor<6x300xi8>, tensor<300x5xi8>) outs(%z0 : tensor<6x5xi32>) -> tensor<6x5xi32> loc("matmul")
  %z1 = arith.constant dense<0> : tensor<12x50x50xi32>
  %r1 = linalg.batch_matmul ins(%q, %k : tensor<12x50x64xi8>, tensor<12x64x50xi8>) outs(%z1 : tensor<12x50x50xi32>) -> tensor<12x50x50xi32> loc("batch_matmul")
  %w2 = arith.constant dense<2> : tensor<7x20xi8>
  %z2 = arith.constant dense<0> : tensor<7xi32>
  %r2 = linalg.matvec ins(%w2, %v : tensor<7x20xi8>, tensor<20xi8>) outs(%z2 : tensor<7xi32>) -> tensor<7xi32> loc("matvec")
  %w3 = arith.constant dense<-1> : tensor<20x7xi8>
  %r3 = linalg.vecmat ins(%v, %w3 : tensor<20xi8>, tensor<20x7xi8>) outs(%z2 : tensor<7xi32>) -> tensor<7xi32> loc("vecmat")
  %w4 = arith.constant dense<3> : tensor<8x5xi8>
  %z4 = arith.constant dense<0> : tensor<3x5xi32>
  %r4 = linalg.generic {indexing_maps = [#contract_a, #contract_b, #contract_c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%at, %w4 : tensor<8x3xi8>, tensor<8x5xi8>) outs(%z4 : tensor<3x5xi32>) {
  ^bb0(%ea: i8, %eb: i8, %acc: i32):
    %sa = arith.extsi %ea : i8 to i32
    %sb = arith.extsi %eb : i8 to i32
    %m = arith.muli %sa, %sb : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  } -> tensor<3x5xi32> loc("generic")
  %w5 = arith.constant dense<1> : tensor<16x3x3x3xi8>
  %z5 = arith.constant dense<0> : tensor<2x16x8x8xi32>
  %r5 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w5 : tensor<2x3x10x10xi8>, tensor<16x3x3x3xi8>) outs(%z5 : tensor<2x16x8x8xi32>) -> tensor<2x16x8x8xi32> loc("conv_nchw")
  %w6 = arith.constant dense<1> : tensor<3x3x16x32xi8>
  %z6 = arith.constant dense<0> : tensor<1x8x8x32xi32>
  %r6 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xh, %w6 : tensor<1x10x10x16xi8>, tensor<3x3x16x32xi8>) outs(%z6 : tensor<1x8x8x32xi32>) -> tensor<1x8x8x32xi32> loc("conv_nhwc")
  %w7 = arith.constant dense<1> : tensor<16x3x3xi8>
  %z7 = arith.constant dense<0> : tensor<1x16x8x8xi32>
  %r7 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %w7 : tensor<1x16x10x10xi8>, tensor<16x3x3xi8>) outs(%z7 : tensor<1x16x8x8xi32>) -> tensor<1x16x8x8xi32> loc("depthwise_nchw")
  %w8 = arith.constant dense<1> : tensor<3x3x16xi8>
  %z8 = arith.constant dense<0> : tensor<1x8x8x16xi32>
  %r8 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xh, %w8 : tensor<1x10x10x16xi8>, tensor<3x3x16xi8>) outs(%z8 : tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32> loc("depthwise_nhwc")
  %w9 = arith.constant dense<1> : tensor<3x3x16x2xi8>
  %z9 = arith.constant dense<0> : tensor<1x8x8x16x2xi32>
  %r9 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xh, %w9 : tensor<1x10x10x16xi8>, tensor<3x3x16x2xi8>) outs(%z9 : tensor<1x8x8x16x2xi32>) -> tensor<1x8x8x16x2xi32> loc("depthwise_hwcm")
  %w10 = arith.constant dense<1> : tensor<2x3x4x3x3xi8>
  %z10 = arith.constant dense<0> : tensor<1x2x3x4x4xi32>
  %r10 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xg, %w10 : tensor<1x2x4x6x6xi8>, tensor<2x3x4x3x3xi8>) outs(%z10 : tensor<1x2x3x4x4xi32>) -> tensor<1x2x3x4x4xi32> loc("grouped_gfchw")
  %w11 = arith.constant dense<1> : tensor<3x2x4x3x3xi8>
  %z11 = arith.constant dense<0> : tensor<1x2x3x4x4xi32>
  %r11 = linalg.conv_2d_ngchw_fgchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xg, %w11 : tensor<1x2x4x6x6xi8>, tensor<3x2x4x3x3xi8>) outs(%z11 : tensor<1x2x3x4x4xi32>) -> tensor<1x2x3x4x4xi32> loc("grouped_fgchw")
  %w12 = arith.constant dense<1> : tensor<2x3x3x3x4xi8>
  %z12 = arith.constant dense<0> : tensor<1x4x4x2x3xi32>
  %r12 = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xgh, %w12 : tensor<1x6x6x2x4xi8>, tensor<2x3x3x3x4xi8>) outs(%z12 : tensor<1x4x4x2x3xi32>) -> tensor<1x4x4x2x3xi32> loc("grouped_gfhwc")
  %w13 = arith.constant dense<1> : tensor<4x3x3x3xi8>
  %z13 = arith.constant dense<0> : tensor<1x4x4x4xi32>
  %r13 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%xs, %w13 : tensor<1x3x9x9xi8>, tensor<4x3x3x3xi8>) outs(%z13 : tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32> loc("conv_strided")
  return %r0, %r1, %r2, %r3, %r4, %r5, %r6, %r7, %r8, %r9, %r10, %r11, %r12, %r13 : tensor<6x5xi32>, tensor<12x50x50xi32>, tensor<7xi32>, tensor<7xi32>, tensor<3x5xi32>, tensor<2x16x8x8xi32>, tensor<1x8x8x32xi32>, tensor<1x16x8x8xi32>, tensor<1x8x8x16xi32>, tensor<1x8x8x16x2xi32>, tensor<1x2x3x4x4xi32>, tensor<1x2x3x4x4xi32>, tensor<1x4x4x2x3xi32>, tensor<1x4x4x4xi32>
}
