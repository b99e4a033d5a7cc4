// RUN: mlir-opt --help-hidden | FileCheck %s -check-prefix=CHECK-HELP
// CHECK-HELP: -p - Alias for --pass-pipeline

// Upstream: llvm/llvm-project mlir/test/mlir-opt/commandline.mlir (commit 30496e07f2ac).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Trimmed for cim-opt's conformance suite (stock mlir-opt 22 must pass too):
//  - the first RUN line (--show-dialects) and its CHECK lines: the list names mlir-opt's test dialects 'test' and 'test_dyn', which libMLIR does not have, and differs from mlir-opt 22's own list in the stored (newer) copy
