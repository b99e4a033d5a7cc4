func.func @f() {
  "test.foo"(%cst) : (index) -> ()
  %cst = arith.constant 0 : index
  return
}
