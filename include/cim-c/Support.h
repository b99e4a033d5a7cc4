/*===-- cim-c/Support.h - Export macros and common helpers ---------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_SUPPORT_H
#define CIM_C_SUPPORT_H

#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Marks a function as part of the public cimlir C API (exported from
/// libcimlir even though the library is built with hidden visibility).
#if defined(_WIN32)
#define CIM_CAPI_EXPORTED __declspec(dllexport)
#else
#define CIM_CAPI_EXPORTED __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_SUPPORT_H */
