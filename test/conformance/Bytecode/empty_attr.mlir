// RUN: mlir-opt -emit-bytecode %s | mlir-opt | FileCheck %s

// CHECK: module
// CHECK: foo.asdf = 0 : i0
module attributes { foo.asdf = 0 : i0 } { }

// Upstream: llvm/llvm-project mlir/test/Bytecode/empty_attr.mlir (commit cd174dc2db99).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged apart from this note (at the end, so that line numbers stay).
