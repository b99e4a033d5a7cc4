// The float form of every-layer-op.mlir (same shapes and names, f32): the
// route cim-assign-precision -> cim-estimate / convert-linalg-to-cim takes.
#contract_a = affine_map<(m, n, k) -> (k, m)>
#contract_b = affine_map<(m, n, k) -> (k, n)>
#contract_c = affine_map<(m, n, k) -> (m, n)>
func.func @every_layer_float(%a: tensor<6x300xf32>, %q: tensor<12x50x64xf32>,
                       %k: tensor<12x64x50xf32>, %v: tensor<20xf32>,
                       %at: tensor<8x3xf32>, %x: tensor<2x3x10x10xf32>,
                       %xh: tensor<1x10x10x16xf32>, %xd: tensor<1x16x10x10xf32>,
                       %xg: tensor<1x2x4x6x6xf32>, %xgh: tensor<1x6x6x2x4xf32>,
                       %xs: tensor<1x3x9x9xf32>)
    -> (tensor<6x5xf32>, tensor<12x50x50xf32>, tensor<7xf32>, tensor<7xf32>,
        tensor<3x5xf32>, tensor<2x16x8x8xf32>, tensor<1x8x8x32xf32>,
        tensor<1x16x8x8xf32>, tensor<1x8x8x16xf32>, tensor<1x8x8x16x2xf32>,
        tensor<1x2x3x4x4xf32>, tensor<1x2x3x4x4xf32>, tensor<1x4x4x2x3xf32>,
        tensor<1x4x4x4xf32>) {
  %w0 = arith.constant dense<1.0> : tensor<300x5xf32>
  %z0 = arith.constant dense<0.0> : tensor<6x5xf32>
  %r0 = linalg.matmul ins(%a, %w0 : tensor<6x300xf32>, tensor<300x5xf32>) outs(%z0 : tensor<6x5xf32>) -> tensor<6x5xf32> loc("matmul")
  %z1 = arith.constant dense<0.0> : tensor<12x50x50xf32>
  %r1 = linalg.batch_matmul ins(%q, %k : tensor<12x50x64xf32>, tensor<12x64x50xf32>) outs(%z1 : tensor<12x50x50xf32>) -> tensor<12x50x50xf32> loc("batch_matmul")
  %w2 = arith.constant dense<2.0> : tensor<7x20xf32>
  %z2 = arith.constant dense<0.0> : tensor<7xf32>
  %r2 = linalg.matvec ins(%w2, %v : tensor<7x20xf32>, tensor<20xf32>) outs(%z2 : tensor<7xf32>) -> tensor<7xf32> loc("matvec")
  %w3 = arith.constant dense<-1.0> : tensor<20x7xf32>
  %r3 = linalg.vecmat ins(%v, %w3 : tensor<20xf32>, tensor<20x7xf32>) outs(%z2 : tensor<7xf32>) -> tensor<7xf32> loc("vecmat")
  %w4 = arith.constant dense<3.0> : tensor<8x5xf32>
  %z4 = arith.constant dense<0.0> : tensor<3x5xf32>
  %r4 = linalg.generic {indexing_maps = [#contract_a, #contract_b, #contract_c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%at, %w4 : tensor<8x3xf32>, tensor<8x5xf32>) outs(%z4 : tensor<3x5xf32>) {
  ^bb0(%ea: f32, %eb: f32, %acc: f32):
    %m = arith.mulf %ea, %eb : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<3x5xf32> loc("generic")
  %w5 = arith.constant dense<1.0> : tensor<16x3x3x3xf32>
  %z5 = arith.constant dense<0.0> : tensor<2x16x8x8xf32>
  %r5 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w5 : tensor<2x3x10x10xf32>, tensor<16x3x3x3xf32>) outs(%z5 : tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32> loc("conv_nchw")
  %w6 = arith.constant dense<1.0> : tensor<3x3x16x32xf32>
  %z6 = arith.constant dense<0.0> : tensor<1x8x8x32xf32>
  %r6 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xh, %w6 : tensor<1x10x10x16xf32>, tensor<3x3x16x32xf32>) outs(%z6 : tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32> loc("conv_nhwc")
  %w7 = arith.constant dense<1.0> : tensor<16x3x3xf32>
  %z7 = arith.constant dense<0.0> : tensor<1x16x8x8xf32>
  %r7 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %w7 : tensor<1x16x10x10xf32>, tensor<16x3x3xf32>) outs(%z7 : tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> loc("depthwise_nchw")
  %w8 = arith.constant dense<1.0> : tensor<3x3x16xf32>
  %z8 = arith.constant dense<0.0> : tensor<1x8x8x16xf32>
  %r8 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xh, %w8 : tensor<1x10x10x16xf32>, tensor<3x3x16xf32>) outs(%z8 : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> loc("depthwise_nhwc")
  %w9 = arith.constant dense<1.0> : tensor<3x3x16x2xf32>
  %z9 = arith.constant dense<0.0> : tensor<1x8x8x16x2xf32>
  %r9 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xh, %w9 : tensor<1x10x10x16xf32>, tensor<3x3x16x2xf32>) outs(%z9 : tensor<1x8x8x16x2xf32>) -> tensor<1x8x8x16x2xf32> loc("depthwise_hwcm")
  %w10 = arith.constant dense<1.0> : tensor<2x3x4x3x3xf32>
  %z10 = arith.constant dense<0.0> : tensor<1x2x3x4x4xf32>
  %r10 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xg, %w10 : tensor<1x2x4x6x6xf32>, tensor<2x3x4x3x3xf32>) outs(%z10 : tensor<1x2x3x4x4xf32>) -> tensor<1x2x3x4x4xf32> loc("grouped_gfchw")
  %w11 = arith.constant dense<1.0> : tensor<3x2x4x3x3xf32>
  %z11 = arith.constant dense<0.0> : tensor<1x2x3x4x4xf32>
  %r11 = linalg.conv_2d_ngchw_fgchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xg, %w11 : tensor<1x2x4x6x6xf32>, tensor<3x2x4x3x3xf32>) outs(%z11 : tensor<1x2x3x4x4xf32>) -> tensor<1x2x3x4x4xf32> loc("grouped_fgchw")
  %w12 = arith.constant dense<1.0> : tensor<2x3x3x3x4xf32>
  %z12 = arith.constant dense<0.0> : tensor<1x4x4x2x3xf32>
  %r12 = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xgh, %w12 : tensor<1x6x6x2x4xf32>, tensor<2x3x3x3x4xf32>) outs(%z12 : tensor<1x4x4x2x3xf32>) -> tensor<1x4x4x2x3xf32> loc("grouped_gfhwc")
  %w13 = arith.constant dense<1.0> : tensor<4x3x3x3xf32>
  %z13 = arith.constant dense<0.0> : tensor<1x4x4x4xf32>
  %r13 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%xs, %w13 : tensor<1x3x9x9xf32>, tensor<4x3x3x3xf32>) outs(%z13 : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("conv_strided")
  return %r0, %r1, %r2, %r3, %r4, %r5, %r6, %r7, %r8, %r9, %r10, %r11, %r12, %r13 : tensor<6x5xf32>, tensor<12x50x50xf32>, tensor<7xf32>, tensor<7xf32>, tensor<3x5xf32>, tensor<2x16x8x8xf32>, tensor<1x8x8x32xf32>, tensor<1x16x8x8xf32>, tensor<1x8x8x16xf32>, tensor<1x8x8x16x2xf32>, tensor<1x2x3x4x4xf32>, tensor<1x2x3x4x4xf32>, tensor<1x4x4x2x3xf32>, tensor<1x4x4x4xf32>
}
