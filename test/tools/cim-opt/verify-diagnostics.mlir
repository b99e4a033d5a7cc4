// --verify-diagnostics: every form of expectation, as in mlir-opt.
// RUN: cim-opt --split-input-file --verify-diagnostics --convert-linalg-to-cim %s

func.func @below() {
  %0 = arith.constant 0 : i32
  // expected-error @below {{'func.return' op has 1 operands, but enclosing function (@below) returns 0}}
  return %0 : i32
}

// -----

func.func @plus_one() {
  %0 = arith.constant 0 : i32
  // expected-error @+1 {{returns 0}}
  return %0 : i32
}

// -----

func.func @above() {
  %0 = arith.constant 0 : i32
  return %0 : i32
  // expected-error @above {{has 1 operands}}
}

// -----

func.func @minus_two() {
  %0 = arith.constant 0 : i32
  return %0 : i32
  // A comment line in between.
  // expected-error @-2 {{enclosing function}}
}

// -----

func.func @same_line() {
  %0 = arith.constant 0 : i32
  return %0 : i32 // expected-error {{op has 1 operands}}
}

// -----

func.func @regex() {
  %0 = arith.constant 0 : i32
  // expected-error-re @+1 {{has {{[0-9]+}} operands}}
  return %0 : i32
}

// -----

// A cim pass diagnostic is checked the same way.
func.func @pass_error(%a: tensor<1x4xi8>, %w: tensor<4x2xi8>) -> tensor<1x2xi16> {
  %z = arith.constant dense<0> : tensor<1x2xi16>
  // expected-error @+1 {{needs 18 bits, the result has 16}}
  %r = linalg.matmul ins(%a, %w : tensor<1x4xi8>, tensor<4x2xi8>)
                     outs(%z : tensor<1x2xi16>) -> tensor<1x2xi16>
  return %r : tensor<1x2xi16>
}
