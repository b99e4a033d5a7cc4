// -----
func.func @after_leading_marker() {
  return
}
// -----
// -----
func.func @after_empty_chunk() {
  return
}
// -----

// -----
func.func @last() {
  return
}
// -----