// --split-input-file processes each chunk on its own; diagnostics keep the
// line numbers of the whole file; the outputs are joined with '// -----'.
// RUN: cim-opt --split-input-file %s | FileCheck %s
// RUN: not cim-opt --split-input-file %S/Inputs/split-with-error.mlir -o %t.out 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: not test -e %t.out

// CHECK: func.func @first
// CHECK: // -----
// CHECK: func.func @second
// CHECK: // -----
// CHECK: func.func @third_a
// CHECK: func.func @third_b
func.func @first() {
  return
}

// -----

func.func @second() {
  return
}

// -----

// Two top-level functions are wrapped in one implicit module.
func.func @third_a() {
  return
}
func.func @third_b() {
  return
}

// ERR: split-with-error.mlir:7:10: error: use of undeclared SSA value name
// ERR-NOT: error:
