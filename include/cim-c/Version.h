/*===-- cim-c/Version.h - Library version ---------------------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_VERSION_H
#define CIM_C_VERSION_H

#include "cim-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CMake reads these three lines to set the project version: keep the form. */
#define CIM_VERSION_MAJOR 0
#define CIM_VERSION_MINOR 1
#define CIM_VERSION_PATCH 0

/// The LLVM/MLIR major version the library was built against. The MLIR C API
/// makes no stability promise, so a library built for one major must not be
/// mixed with another.
#define CIM_MLIR_VERSION_MAJOR 22

/// Returns the library version as "MAJOR.MINOR.PATCH" (static storage, never
/// freed). Compare it with the CIM_VERSION_* macros to detect a header/library
/// mismatch at run time.
CIM_CAPI_EXPORTED const char *cimGetVersion(void);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_VERSION_H */
