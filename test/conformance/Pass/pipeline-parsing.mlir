// RUN: not mlir-opt %s -pass-pipeline='builtin.module(test-module-pass))' 2>&1 | FileCheck --check-prefix=CHECK_ERROR_2 %s

// CHECK_ERROR_2: encountered extra closing ')' creating unbalanced parentheses while parsing pipeline

// RUN: not mlir-opt %s -pass-pipeline='' -cse 2>&1 | FileCheck --check-prefix=CHECK_ERROR_6 %s
// CHECK_ERROR_6: '-pass-pipeline' option can't be used with individual pass options

func.func @foo() {
  return
}

module {
  func.func @foo() {
    return
  }
}

// Upstream: llvm/llvm-project mlir/test/Pass/pipeline-parsing.mlir (commit 0c36a1569a06).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Trimmed for cim-opt's conformance suite (stock mlir-opt 22 must pass too):
//  - the three RUN lines with -test-module-pass / -test-function-pass /
//    -test-interface-pass / -test-textual-pm-nested-pipeline and their CHECK,
//    TEXTUAL_CHECK and GENERIC_MERGE_CHECK lines: test passes
//  - CHECK_ERROR_1, _3 and _4 ('builtin.module(test-module-pass',
//    'builtin.module()(', ','): newer than MLIR 22, whose mlir-opt reports
//    "expected pass pipeline to be wrapped with the anchor operation type"
//    for all three (cim-opt does the same; test/unit/pipeline_test.c)
//  - CHECK_ERROR_5: a test pass
