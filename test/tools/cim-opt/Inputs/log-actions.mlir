// Input of log-actions.test: three functions and a nested module; line
// numbers are used by the test's --log-mlir-actions-filter lines.
func.func @a(%x: i32) -> i32 {
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %0 = arith.addi %c1, %c2 : i32
  %1 = arith.addi %0, %x : i32
  return %1 : i32
}

func.func @b() {
  return
}

module @inner {
  func.func @c() {
    return
  }
  func.func private @d()
}
