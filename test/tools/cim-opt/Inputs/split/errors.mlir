func.func @parse_error() {
  %0 = arith.addi %x, %x : i32
  return
}

// -----

func.func @good() {
  return
}

// -----

func.func @verifier_error() -> i32 {
  %0 = arith.constant 1 : i64
  return %0 : i64
}

// -----   text after a marker is the next chunk's

func.func @unregistered() {
  "foo.bar"() : () -> ()
  return
}
// -----
  func.func @indented_after_marker() { return }
