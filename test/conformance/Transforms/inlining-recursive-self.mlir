// RUN: mlir-opt %s -inline='default-pipeline=' | FileCheck %s
// RUN: mlir-opt %s --mlir-disable-threading -inline='default-pipeline=' | FileCheck %s

// CHECK-LABEL: func.func @b0
func.func @b0() {
  // CHECK:         call @b0
  // CHECK-NEXT:    call @b1
  // CHECK-NEXT:    call @b0
  // CHECK-NEXT:    call @b1
  // CHECK-NEXT:    call @b0
  func.call @b0() : () -> ()
  func.call @b1() : () -> ()
  func.call @b0() : () -> ()
  func.call @b1() : () -> ()
  func.call @b0() : () -> ()
  return
}
func.func @b1() {
  func.call @b1() : () -> ()
  func.call @b1() : () -> ()
  return
}

// Upstream: llvm/llvm-project mlir/test/Transforms/inlining-recursive-self.mlir (commit 25dd2865f587).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged apart from this note (at the end, so that line numbers stay).
