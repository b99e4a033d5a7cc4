func.func @f(%a: i64) -> i64 {
  %0 = "toy.twice"(%a) : (i64) -> i64
  return %0 : i64
}
