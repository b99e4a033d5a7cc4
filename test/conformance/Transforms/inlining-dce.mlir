// RUN: mlir-opt -allow-unregistered-dialect %s -inline -split-input-file | FileCheck %s

// This file tests the callgraph dead code elimination performed by the inliner.

// Function is already dead.
// CHECK-NOT: func private @dead_function
func.func private @dead_function() {
  return
}

// Function becomes dead after inlining.
// CHECK-NOT: func private @dead_function_b
func.func private @dead_function_b() {
  return
}

// CHECK: func @live_function()
func.func @live_function() {
  call @dead_function_b() : () -> ()
  return
}

// Same as above, but a transitive example.

// CHECK: func @live_function_b
func.func @live_function_b() {
  return
}
// CHECK-NOT: func private @dead_function_c
func.func private @dead_function_c() {
  call @live_function_b() : () -> ()
  return
}
// CHECK-NOT: func private @dead_function_d
func.func private @dead_function_d() {
  call @dead_function_c() : () -> ()
  call @dead_function_c() : () -> ()
  return
}
// CHECK: func @live_function_c
func.func @live_function_c() {
  call @dead_function_c() : () -> ()
  call @dead_function_d() : () -> ()
  return
}

// A function constant is inlined after optimization

// CHECK-NOT: func private @dead_function_h
func.func private @dead_function_h() {
  call @live_function_b() : () -> ()
  return
}

// CHECK: func @live_function_f
func.func @live_function_f() {
  %0 = func.constant @dead_function_h : () -> ()
  call_indirect %0() : () -> ()
  return
}

// Function is referenced by non-callable top-level user.
// CHECK: func private @live_function_d
func.func private @live_function_d() {
  return
}

"live.user"() {use = @live_function_d} : () -> ()

// Upstream: llvm/llvm-project mlir/test/Transforms/inlining-dce.mlir (commit abeac8dc6997).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Trimmed for cim-opt's conformance suite (stock mlir-opt 22 must pass too):
//  - the last chunk (dead functions referenced by calls that test.fold_to_call_op materializes: needs the test dialect)
//  - the case of private functions only called from dead code (@dead_function_e/f: MLIR 22's inliner keeps @dead_function_e)
