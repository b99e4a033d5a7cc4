// A float layer has no precision until a policy gives it one.
// RUN: cim-opt %s --verify-diagnostics --cim-estimate
// RUN: echo "[[4, 4]]" > %t.policy.json
// RUN: cim-opt %s --cim-estimate='policy=%t.policy.json' -o /dev/null 2>&1 | FileCheck %s
// 8 outputs, 4-bit weights: 16 columns; 16 rows; 1 tile; 4 planes, 2 rows of
// activations: 8 cycles, 56 + 8 * 1.4 = 67.2 us.
// CHECK: fc dense 4/4 1 1 8 128 67.200
func.func @f(%a: tensor<2x16xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<0.5> : tensor<16x8xf32>
  %z = arith.constant dense<0.0> : tensor<2x8xf32>
  // A name location carries no file position: the error is @unknown.
  // expected-error @unknown {{cim-estimate: layer 'fc' has float operands and no precision: give a policy=FILE or quantize the model first}}
  %r = linalg.matmul ins(%a, %w : tensor<2x16xf32>, tensor<16x8xf32>) outs(%z : tensor<2x8xf32>) -> tensor<2x8xf32> loc("fc")
  return %r : tensor<2x8xf32>
}
