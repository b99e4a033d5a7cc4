func.func @f() {
  "test.fine"() : () -> ()
  %0 = "foo.bar"() : () -> i32
  return
}
