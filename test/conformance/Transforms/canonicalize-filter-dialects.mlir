// RUN: mlir-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(canonicalize))' | FileCheck %s --check-prefix=ALL

// The `SubIRHSAddConstant` arith pattern rewrites `subi(addi(x, c0), c1)` into
// `addi(x, c0 - c1)`. The pattern only fires when arith canonicalizations are
// loaded.

// ARITH-LABEL: func @pattern_test
// ARITH-NOT:     arith.subi
// ARITH:         arith.addi %{{.*}}, %[[C:.*]]

// FUNC-LABEL: func @pattern_test
// FUNC:         arith.addi
// FUNC:         arith.subi

// ALL-LABEL: func @pattern_test
// ALL-NOT:     arith.subi
// ALL:         arith.addi %{{.*}}, %[[C:.*]]

// ERR: can't load dialect 'does_not_exist': missing registration?
func.func @pattern_test(%a: i32) -> i32 {
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %add = arith.addi %a, %c1 : i32
  %sub = arith.subi %add, %c2 : i32
  return %sub : i32
}

// Upstream: llvm/llvm-project mlir/test/Transforms/canonicalize-filter-dialects.mlir (commit 9ef91c3919eb).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Trimmed for cim-opt's conformance suite (stock mlir-opt 22 must pass too):
//  - the three RUN lines with canonicalize's `filter-dialects` option (newer than MLIR 22; their ARITH, FUNC and ERR checks stay, unused)
