// Test that an unmatched `expected-*` directive using the `@unknown` location
// specifier emits a diagnostic instead of crashing.
// See https://github.com/llvm/llvm-project/issues/163343

// RUN: not mlir-opt --verify-diagnostics %s 2>&1 | FileCheck %s

// CHECK: expected warning "some warning that is never produced" was not produced

// expected-warning @unknown {{some warning that is never produced}}

// Upstream: llvm/llvm-project mlir/test/mlir-opt/expected-unknown-loc-unmatched.mlir (commit ee0a2386dea7).
// Part of the LLVM Project, under the Apache License v2.0 with LLVM
// Exceptions. See https://llvm.org/LICENSE.txt for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Unchanged apart from this note (at the end, so that line numbers stay).
