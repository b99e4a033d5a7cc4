# ONNX Runtime for the tests' reference executor (test/import/onnx/ort,
# docs/testing.md "ONNX Runtime oracle"): the npm package onnxruntime-node,
# pinned by test/import/onnx/ort/package-lock.json, installed by install.sh
# into the build tree (never the source tree) when cim-test-depends is built.
# The script is idempotent (offline once installed; a changed lock file
# reinstalls). Without node it installs nothing and the oracle tests are
# UNSUPPORTED. Under the sanitizers the oracle tests do not run (they drive
# the uninstrumented Python interpreter over the library), so nothing is
# installed there.
set(CIM_ORT_DIR "${PROJECT_BINARY_DIR}/onnxruntime-node")
set(_cim_ort_src "${PROJECT_SOURCE_DIR}/test/import/onnx/ort")
if(CIM_ENABLE_SANITIZERS)
  add_custom_target(cim-onnxruntime-node)
else()
  add_custom_target(cim-onnxruntime-node
    COMMAND bash "${_cim_ort_src}/install.sh" "${CIM_ORT_DIR}"
    COMMENT "ONNX Runtime (onnxruntime-node) for the oracle tests"
    VERBATIM)
endif()
