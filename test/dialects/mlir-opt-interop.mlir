// Stock mlir-opt, given our IRDL files, reads what cim-opt writes and the
// other way round: the dialects need nothing but IRDL.
//
// Stock mlir-opt 22 keeps only the last --irdl-file, so both dialects go in
// one file (IRDL files are plain MLIR and concatenate).
// RUN: cat %irdl_cim %irdl_xbar > %t.irdl.mlir
// RUN: %cim-opt %S/cim-roundtrip.mlir | %mlir-opt --irdl-file=%t.irdl.mlir | FileCheck %S/cim-roundtrip.mlir
// RUN: %cim-opt %S/xbar-roundtrip.mlir | %mlir-opt --irdl-file=%t.irdl.mlir | FileCheck %S/xbar-roundtrip.mlir
// RUN: %mlir-opt --irdl-file=%t.irdl.mlir %S/cim-roundtrip.mlir | %cim-opt | FileCheck %S/cim-roundtrip.mlir
// RUN: %mlir-opt --irdl-file=%t.irdl.mlir %S/xbar-roundtrip.mlir | %cim-opt | FileCheck %S/xbar-roundtrip.mlir
//
// Each file also loads alone: cim IR needs only cim.irdl.mlir, and xbar IR
// without a #cim.target only xbar.irdl.mlir (xbar never refers to cim).
// RUN: %mlir-opt --irdl-file=%irdl_cim %S/cim-roundtrip.mlir | FileCheck %S/cim-roundtrip.mlir
// RUN: %mlir-opt --irdl-file=%irdl_xbar %s | FileCheck %s
//
// Why the concatenation: with two --irdl-file options the first is ignored.
// RUN: not %mlir-opt --irdl-file=%irdl_cim --irdl-file=%irdl_xbar %S/cim-roundtrip.mlir 2>&1 | FileCheck %s --check-prefix=LAST
// LAST: cim-roundtrip.mlir:{{.*}}: error: {{.*}}unregistered dialect

// CHECK-LABEL: func.func @xbar_alone
// CHECK: %[[T:.*]] = "xbar.write"(%{{.*}}) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x2xi8>) -> !xbar.tile
// CHECK: "xbar.mvm"(%[[T]], %{{.*}}) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, tensor<1x2xi8>) -> tensor<1x2xi32>
func.func @xbar_alone(%cells: tensor<2x2xi8>, %d: tensor<1x2xi8>) -> tensor<1x2xi32> {
  %t = "xbar.write"(%cells) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x2xi8>) -> !xbar.tile
  %s = "xbar.mvm"(%t, %d) {differential_rows = false, k_offset = 0 : i64, layer = 0 : i64, row_offset = 0 : i64, rows = 2 : i64} : (!xbar.tile, tensor<1x2xi8>) -> tensor<1x2xi32>
  return %s : tensor<1x2xi32>
}
