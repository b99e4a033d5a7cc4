# Locates the pieces of MLIR 22 that cimlir links.
#
# Debian ships the MLIR C API only as static archives (libMLIRCAPI*.a) whose
# imported CMake targets pull in the static C++ libraries as well. Linking those
# next to libMLIR.so would put two copies of MLIR's global registries in one
# process, so we link the C API archives by path and the C++ side only through
# the shared libMLIR.so and libLLVM.so.

set(CIM_MLIR_CAPI_COMPONENTS
  IR RegisterEverything Transforms Conversion Interfaces Debug IRDL Quant Linalg Func Arith Tensor Math)

set(CIM_MLIR_CAPI_ARCHIVES)
foreach(_c IN LISTS CIM_MLIR_CAPI_COMPONENTS)
  find_library(CIM_MLIR_CAPI_${_c} NAMES libMLIRCAPI${_c}.a
    HINTS "${LLVM_LIBRARY_DIR}" NO_DEFAULT_PATH REQUIRED)
  list(APPEND CIM_MLIR_CAPI_ARCHIVES "${CIM_MLIR_CAPI_${_c}}")
endforeach()

find_library(CIM_LIBMLIR NAMES MLIR HINTS "${LLVM_LIBRARY_DIR}" NO_DEFAULT_PATH REQUIRED)
find_library(CIM_LIBLLVM NAMES LLVM HINTS "${LLVM_LIBRARY_DIR}" NO_DEFAULT_PATH REQUIRED)
set(CIM_MLIR_INCLUDE_DIRS ${MLIR_INCLUDE_DIRS} ${LLVM_INCLUDE_DIRS})
list(REMOVE_DUPLICATES CIM_MLIR_INCLUDE_DIRS)
