// A pass plugin adds rows to the pass table: its pass works as a flag, in a
// pipeline, with options, and shows in --help.
// RUN: cim-opt --load-pass-plugin=%sample_plugin --sample-count-ops %s | FileCheck %s
// RUN: cim-opt --load-pass-plugin=%sample_plugin --pass-pipeline='builtin.module(func.func(sample-count-ops{attr=n}))' %s \
// RUN:   | FileCheck %s --check-prefix=OPT
// RUN: cim-opt --load-pass-plugin=%sample_plugin --list-passes | FileCheck %s --check-prefix=LIST

// CHECK-LABEL: func.func @three
// CHECK-SAME: sample.num_ops = 3 : i64
// OPT-LABEL: func.func @three
// OPT-SAME: n = 3 : i64
// LIST: --sample-count-ops
// LIST-NEXT: attr=<string>
func.func @three(%a: i32) -> i32 {
  %0 = arith.addi %a, %a : i32
  %1 = arith.muli %0, %a : i32
  return %1 : i32
}
