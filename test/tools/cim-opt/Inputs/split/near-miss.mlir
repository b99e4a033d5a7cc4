func.func @a() {
  return
}
// ----
func.func @b() {
  return
}
// ------
// -----x
func.func @c() {
  return
}
