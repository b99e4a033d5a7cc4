// RUN: not mlir-opt %s -o - --split-input-file 2>&1 | FileCheck %s
// This test verifies that diagnostic handler doesn't emit splits.


// -----



func.func @constant_out_of_range() {
  // CHECK: mlir:11:8: error: 'arith.constant'
  %x = "arith.constant"() {value = 100} : () -> i1
  return
}

// Upstream: llvm/llvm-project mlir/test/IR/diagnostic-nosplit.mlir (commit add3cf143599).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged apart from this note (at the end, so that line numbers stay).
