func.func @fine() {
  return
}
// -----

func.func @broken() -> i32 {
  return %nope : i32
}
