// Weights convert-linalg-to-cim cannot read (lib/ir/Elements.h): a
// dense_resource whose blob has no data (what --mlir-elide-elementsattrs-if-larger
// prints, read back), NaN weights, an integer blob without data.
// RUN: cim-opt --split-input-file --verify-diagnostics --convert-linalg-to-cim %s

!a8 = !quant.uniform<i8:f32, 0.5>
func.func @elided_blob(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!a8>
  %xd = quant.dcast %xq : tensor<1x2x!a8> to tensor<1x2xf32>
  %w = arith.constant dense_resource<__elided__> : tensor<2x2xf32>
  %wq = quant.qcast %w : tensor<2x2xf32> to tensor<2x2x!a8>
  // expected-error @+1 {{convert-linalg-to-cim: cannot quantize this constant: the dense_resource blob has no data (elided or not declared in the file's dialect_resources)}}
  %wd = quant.dcast %wq : tensor<2x2x!a8> to tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

!a8 = !quant.uniform<i8:f32, 0.5>
func.func @nan_weight(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!a8>
  %xd = quant.dcast %xq : tensor<1x2x!a8> to tensor<1x2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [0x7FC00000, 3.0]]> : tensor<2x2xf32>
  %wq = quant.qcast %w : tensor<2x2xf32> to tensor<2x2x!a8>
  // expected-error @+1 {{convert-linalg-to-cim: cannot quantize this constant: element 2 is NaN}}
  %wd = quant.dcast %wq : tensor<2x2x!a8> to tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

func.func @integer_blob_without_data(%x: tensor<3xi8>) -> tensor<2xi32> {
  %a = arith.constant dense_resource<missing> : tensor<2x3xi8>
  %z = arith.constant dense<0> : tensor<2xi32>
  // expected-error @+1 {{convert-linalg-to-cim: cannot read the constant weights: the dense_resource blob has no data (elided or not declared in the file's dialect_resources)}}
  %r = linalg.matvec ins(%a, %x : tensor<2x3xi8>, tensor<3xi8>) outs(%z : tensor<2xi32>) -> tensor<2xi32>
  return %r : tensor<2xi32>
}
