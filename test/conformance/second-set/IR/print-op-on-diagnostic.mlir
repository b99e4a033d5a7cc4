// RUN: not mlir-opt -split-input-file %s -mlir-print-op-on-diagnostic 2>&1 | FileCheck %s

// This file tests the functionality of 'mlir-print-op-on-diagnostic'.

// CHECK: {{invalid to use 'test.invalid_attr'}}
// CHECK: see current operation:
// CHECK-NEXT: "builtin.module"()
module attributes {test.invalid_attr} {}

// -----

func.func @foo() {
  "test.foo"(%cst) : (index) -> ()
  // CHECK: {{operand #0 does not dominate this use}}
  // CHECK: {{see current operation: "test.foo"(.*)}}
  %cst = arith.constant 0 : index
  return
}

// Upstream: llvm/llvm-project mlir/test/IR/print-op-on-diagnostic.mlir (commit ba075a7f2b40).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged: the second set is not trimmed (run.py drops what stock
// mlir-opt 22 fails and what runs mlir-opt's test passes).
