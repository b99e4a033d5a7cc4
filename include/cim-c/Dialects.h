/*===-- cim-c/Dialects.h - The cim and xbar dialects ----------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* The `cim` (layer level) and `xbar` (crossbar program) dialects are IRDL    *|
|* programs (dialects/<name>.irdl.mlir) embedded in the library and loaded at run  *|
|* time. Other IRDL dialects load the same way (cim-opt --irdl-file).         *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_DIALECTS_H
#define CIM_C_DIALECTS_H

#include "cim-c/Support.h"
#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Returns the IRDL source embedded in the library for dialect `name` ("cim"
/// or "xbar"), borrowed with static lifetime; a null string for other names.
CIM_CAPI_EXPORTED MlirStringRef cimGetEmbeddedDialectSource(MlirStringRef name);

/// Loads the `cim` and `xbar` dialects into `context`. Idempotent: dialects
/// already loaded are left alone. The upstream dialects the cim IR refers to
/// (builtin, func, arith, tensor, linalg, quant) must be registered or loaded
/// by the caller; cimContextCreate does both. Fails, with a diagnostic on the
/// context, only if the embedded IRDL does not load.
CIM_CAPI_EXPORTED MlirLogicalResult cimLoadDialects(MlirContext context);

/// Parses the IRDL program in `source` (named `sourceName` in diagnostics) and
/// loads every dialect it defines into `context`. This is the plugin mechanism
/// for dialects. Fails with a diagnostic at the offending location when the
/// text does not parse, is not IRDL, or defines a dialect that is already
/// loaded.
CIM_CAPI_EXPORTED MlirLogicalResult cimLoadIRDLSource(MlirContext context,
                                                      MlirStringRef source,
                                                      MlirStringRef sourceName);

/// Reads the file at `path` and loads it with cimLoadIRDLSource. A file that
/// cannot be read is reported as a diagnostic with an unknown location.
CIM_CAPI_EXPORTED MlirLogicalResult cimLoadIRDLFile(MlirContext context,
                                                    MlirStringRef path);

/// Creates a context with every upstream MLIR dialect registered and the cim
/// and xbar dialects loaded. Threading is disabled (a deterministic single
/// thread; the pass manager runs functions in order). Returns a null context
/// if the embedded dialects fail to load. Destroy with mlirContextDestroy.
CIM_CAPI_EXPORTED MlirContext cimContextCreate(void);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_DIALECTS_H */
