// --irdl-file loads user dialects (the plugin mechanism for dialects); the
// IRDL constraints are verified.
// RUN: cim-opt --irdl-file=%S/Inputs/toy.irdl.mlir %s | FileCheck %s
// RUN: not cim-opt --irdl-file=%S/Inputs/toy.irdl.mlir %S/Inputs/toy-invalid.mlir 2>&1 | FileCheck %s --check-prefix=BAD

// Loading a dialect that is already there is an error naming it.
// RUN: not cim-opt --irdl-file=%S/Inputs/toy.irdl.mlir --irdl-file=%S/Inputs/toy.irdl.mlir %s 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: toy.irdl.mlir:2:1: error: dialect 'toy' is already loaded

// CHECK-LABEL: func.func @f
// CHECK: "toy.twice"(%{{.*}}) : (i32) -> i32
// BAD: toy-invalid.mlir:2:8: error:
func.func @f(%a: i32) -> i32 {
  %0 = "toy.twice"(%a) : (i32) -> i32
  return %0 : i32
}
