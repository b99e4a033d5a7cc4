// RUN: mlir-opt --no-implicit-module --mlir-print-skip-regions \
// RUN:   --split-input-file %s | FileCheck %s

// CHECK-LABEL: func.func @foo(%{{.+}}: i32, %{{.+}}: i32, %{{.+}}: i32) -> i32 {...}
// CHECK-NOT:     return
func.func @foo(%arg0: i32, %arg1: i32, %arg3: i32) -> i32 {
  return %arg0: i32
}

// -----

// CHECK: module {...}
// CHECK-NOT: func.func
module {
  func.func @foo(%arg0: i32, %arg1: i32, %arg3: i32) -> i32 {
    return %arg0: i32
  }
}

// Upstream: llvm/llvm-project mlir/test/IR/print-skip-regions.mlir (commit 57e0f7f9595a).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged apart from this note (at the end, so that line numbers stay).
