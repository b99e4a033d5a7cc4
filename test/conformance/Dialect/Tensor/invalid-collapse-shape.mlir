// RUN: mlir-opt %s -split-input-file -verify-diagnostics

// This test checks that an empty reassociation group in `tensor.collapse_shape`
// results in a proper error instead of an assert/crash.

// -----

func.func @test_empty_reassociation(%arg0: tensor<1x?xf32>) -> tensor<?x10xf32> {
  // expected-error@+1 {{'tensor.collapse_shape' op reassociation indices must not be empty}}
  %0 = tensor.collapse_shape %arg0 [[0, 1], []] : tensor<1x?xf32> into tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}


// Upstream: llvm/llvm-project mlir/test/Dialect/Tensor/invalid-collapse-shape.mlir (commit 113138b864db).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged apart from this note (at the end, so that line numbers stay).
