// cim-estimate on xbar IR: options that only make sense on cim layers, and
// modules that mix both levels, are errors at the module.
// RUN: cim-opt %s --split-input-file --verify-diagnostics --cim-estimate='baseline=w8a8 table='

// expected-error @below {{cim-estimate: the module holds an xbar crossbar program; policy= and baseline= apply to cim layers only (run cim-estimate before lowering)}}
module {
  func.func @lowered(%c: tensor<2x2xi8>) -> !xbar.tile {
    %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x2xi8>) -> !xbar.tile
    return %t : !xbar.tile
  }
}

// -----

// expected-error @below {{cim-estimate: the module holds an xbar crossbar program; it also has cim layers: lower all of them (convert-cim-to-xbar) or none}}
module {
  func.func @mixed(%c: tensor<2x2xi8>, %a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> (!xbar.tile, tensor<1x2xi32>) {
    %t = "xbar.write"(%c) {col = 0 : i64, crossbar = 0 : i64, layer = 0 : i64, row = 0 : i64} : (tensor<2x2xi8>) -> !xbar.tile
    %r = "cim.matmul"(%a, %w) {a_bits = 8 : i64, a_signed = true, layer = 1 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
    return %t, %r : !xbar.tile, tensor<1x2xi32>
  }
}

// -----

// The tiled form (after cim-tile, before cim-bitslice) has neither layers
// nor crossbar events.
// expected-error @below {{cim-estimate: the module holds crossbar tiles (cim.matmul_tile) that are not bit-sliced yet; run cim-estimate before cim-tile or after cim-bitslice}}
module {
  func.func @tiled(%acc: tensor<1x2xi32>, %a: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
    %r = "cim.matmul_tile"(%acc, %a, %w) {a_bits = 8 : i64, a_signed = true, cell_bits = 4 : i64, k_offset = 0 : i64, k_size = 2 : i64, layer = 0 : i64, mapping = "differential-column", unit_offset = 0 : i64, units = 4 : i64, w_bits = 8 : i64, w_signed = true, weights = "dynamic"} : (tensor<1x2xi32>, tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi32>
    return %r : tensor<1x2xi32>
  }
}
