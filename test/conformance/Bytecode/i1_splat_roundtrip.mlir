// RUN: mlir-opt %s -emit-bytecode | mlir-opt | FileCheck %s

func.func @test_i1_splat_true() -> tensor<100xi1> {
  %0 = arith.constant dense<true> : tensor<100xi1>
  return %0 : tensor<100xi1>
}

// CHECK-LABEL: func.func @test_i1_splat_true
// CHECK: arith.constant dense<true> : tensor<100xi1>

func.func @test_i1_splat_false() -> tensor<100xi1> {
  %0 = arith.constant dense<false> : tensor<100xi1>
  return %0 : tensor<100xi1>
}

// CHECK-LABEL: func.func @test_i1_splat_false
// CHECK: arith.constant dense<false> : tensor<100xi1>

// Upstream: llvm/llvm-project mlir/test/Bytecode/i1_splat_roundtrip.mlir (commit 347bc265b44b).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged apart from this note (at the end, so that line numbers stay).
