// cim-estimate on xbar IR: a count or a cost beyond 64 bits is an error
// naming the layer and what overflowed, never a wrapped number (issue 18,
// item 3; the pricing is cimPriceEvents, lib/cost/pricing.c).
// RUN: cim-opt %s --split-input-file --verify-diagnostics --cim-estimate='table='

// 100 x 100 ADC conversions at the slowest valid ADC (10^12 ns = 10^15 ps):
// 10^4 x 10^15 = 10^19 ps > INT64_MAX (~9.22 x 10^18).
// expected-error @below {{cim-estimate: layer 'adc' (xbar): the latency of the ADC conversions, 10000 x 1000000000000000 ps, exceeds the 64-bit picosecond counter}}
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 1000000000000000, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @f(%p: tensor<100x100xi32>) -> tensor<100x100xi32> {
    %r = "xbar.adc"(%p) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<100x100xi32>) -> tensor<100x100xi32> loc("adc")
    return %r : tensor<100x100xi32>
  }
}

// -----

// Each layer fits, the total does not: 5000 conversions per layer cost
// 5 x 10^18 ps; two layers 10^19 ps.
// expected-error @below {{cim-estimate: total (xbar): the latency of the ADC conversions, 10000 x 1000000000000000 ps, exceeds the 64-bit picosecond counter}}
module attributes {cim.target = #cim.target<256, 256, 4, 1, 0, "differential-column", "twos-complement", 1, 256, 1, 56000000, 1400000, 1000000000000000, 0, 0, 0, 0, 0, 0, 0>} {
  func.func @f(%p: tensor<50x100xi32>) -> (tensor<50x100xi32>, tensor<50x100xi32>) {
    %a = "xbar.adc"(%p) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<50x100xi32>) -> tensor<50x100xi32> loc("a")
    %b = "xbar.adc"(%p) {bits = 0 : i64, layer = 1 : i64, shift = 0 : i64, signed = false} : (tensor<50x100xi32>) -> tensor<50x100xi32> loc("b")
    return %a, %b : tensor<50x100xi32>, tensor<50x100xi32>
  }
}

// -----

// The counts themselves: two conversions of 2^31 x 2^31 elements would be
// 2^63 conversions, one more than int64 holds. Every pass now rejects such
// tensors first (at most 2^40 elements, lib/ir/verify.c), at each op.
module {
  func.func @f(%p: tensor<2147483648x2147483648xi32>) -> (tensor<2147483648x2147483648xi32>, tensor<2147483648x2147483648xi32>) {
    // expected-error @below {{'xbar.adc' op operand #0 (tensor<2147483648x2147483648xi32>) has more than 2^40 elements}}
    %a = "xbar.adc"(%p) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2147483648x2147483648xi32>) -> tensor<2147483648x2147483648xi32>
    // expected-error @below {{'xbar.adc' op operand #0 (tensor<2147483648x2147483648xi32>) has more than 2^40 elements}}
    %b = "xbar.adc"(%p) {bits = 0 : i64, layer = 0 : i64, shift = 0 : i64, signed = false} : (tensor<2147483648x2147483648xi32>) -> tensor<2147483648x2147483648xi32>
    return %a, %b : tensor<2147483648x2147483648xi32>, tensor<2147483648x2147483648xi32>
  }
}
