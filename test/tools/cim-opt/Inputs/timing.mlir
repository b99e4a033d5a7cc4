func.func @foo() {
  return
}

func.func @bar() {
  %0 = arith.constant 1 : i32
  %1 = arith.constant 1 : i32
  return
}
