func.func @one() {
  return
}
//=== cut
func.func @two() {
  return
}
//=== cu
func.func @three() {
  return
}
// -----
func.func @still_three() {
  return
}
