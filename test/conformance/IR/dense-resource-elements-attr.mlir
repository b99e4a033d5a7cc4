// RUN: mlir-opt -allow-unregistered-dialect %s -verify-diagnostics -split-input-file | FileCheck %s

// CHECK: attr = dense_resource<blob1> : tensor<3xi64>
"test.user_op"() {attr = dense_resource<blob1> : tensor<3xi64> } : () -> ()

{-#
  dialect_resources: {
    builtin: {
      // CHECK: blob1: "0x08000000010000000000000002000000000000000300000000000000"
      blob1: "0x08000000010000000000000002000000000000000300000000000000"
    }
  }
#-}

// -----

// DenseResourceElementsHandle key blob\-"one" is quoted and escaped.
// CHECK: attr = dense_resource<"blob\\-\22one\22"> : tensor<2xi16>
"test.user_op"() {attr = dense_resource<"blob\\-\22one\22"> : tensor<2xi16>} : () -> ()

{-#
  dialect_resources: {
    builtin: {
      // CHECK: "blob\\-\22one\22": "0x0200000001000200"
      "blob\\-\22one\22": "0x0200000001000200"
    }
  }
#-}

// Upstream: llvm/llvm-project mlir/test/IR/dense-resource-elements-attr.mlir (commit cab25e941adb).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Not trimmed: every RUN line passes with stock mlir-opt 22 and cim-opt.
