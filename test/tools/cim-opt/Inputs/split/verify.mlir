func.func @one() -> i32 {
  // expected-note @below {{prior use here}}
  %0 = arith.constant 1 : i64
  // expected-error @+1 {{use of value '%0' expects different type than prior uses: 'i32' vs 'i64'}}
  return %0 : i32
}

// -----

func.func @two() {
  // expected-error @+1 {{'arith.addi' op requires the same type for all operands and results}}
  %0 = "arith.addi"(%a, %b) : (i32, i32) -> i64
  return
}

// -----

func.func @three(%a: i32) {
  // This chunk's expectation is not met, and its error is unexpected.
  // expected-error @+2 {{never emitted}}
  %0 = arith.addi %a, %a : i64
  return
}

// -----

// expected-error @+1 {{redefinition of symbol named 'dup'}}
func.func @dup() { return }
func.func @dup() { return }
