// RUN: mlir-opt -emit-bytecode -allow-unregistered-dialect %s | mlir-opt -allow-unregistered-dialect | FileCheck %s

// verify that we round-trip an op without a dialect name (as long as we support this)
func.func @map1d(%lb: index, %ub: index, %step: index) {
// CHECK: "new_processor_id_and_range"
  %0:2 = "new_processor_id_and_range"() : () -> (index, index)
  return
}

// Upstream: llvm/llvm-project mlir/test/Bytecode/unregistered_dialect.mlir (commit 93510a879478).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged apart from this note (at the end, so that line numbers stay).
