func.func @f() {
  %0 = arith.constant 0 : i32
  // expected-error @+1 {{this never happens}}
  return
}
