// RUN: mlir-opt --canonicalize %s | FileCheck %s


module {

// CHECK:       func.func @f() {
// CHECK-NEXT:    return
// CHECK-NEXT:  }
  func.func @f() {
    return
  ^bb1:  // no predecessors
    omp.parallel   {
      %0 = llvm.intr.stacksave : !llvm.ptr
      llvm.br ^bb1
    ^bb1:  // pred: ^bb0
      omp.terminator
    }
    return
  }

}

// Upstream: llvm/llvm-project mlir/test/Transforms/gh-77420.mlir (commit c041b179b9c0).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged apart from this note (at the end, so that line numbers stay).
