// RUN: mlir-opt -emit-bytecode %s | mlir-opt | FileCheck %s


func.func @roundtripOperandSizeAttr(%arg0: i32) {
  // CHECK: operandSegmentSizes = array<i32: 0, 2, 1, 1>}>
  "test.attr_sized_operands"(%arg0, %arg0, %arg0, %arg0) <{operandSegmentSizes = array<i32: 0, 2, 1, 1>}> : (i32, i32, i32, i32) -> ()
  return
}

// Upstream: llvm/llvm-project mlir/test/Bytecode/operand_segment_sizes.mlir (commit 3fa6aafd5917).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Not trimmed: every RUN line passes with stock mlir-opt 22 and cim-opt.
