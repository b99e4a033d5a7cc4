/*===-- cim-c/Plugin.h - Pass plugins ---------------------------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* A pass plugin is a shared library that links libcimlir and exports         *|
|*                                                                            *|
|*   CimPassPluginInfo cimGetPassPluginInfo(void);                            *|
|*                                                                            *|
|* whose `registerPasses` adds rows to the pass table with cimPassRegistryAdd.*|
|* `cim-opt --load-pass-plugin=libfoo.so` loads it before parsing the         *|
|* pipeline, so the plugin's passes work in flags and --pass-pipeline alike.  *|
|* Dialect plugins need no code: they are IRDL files (--irdl-file).           *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_PLUGIN_H
#define CIM_C_PLUGIN_H

#include <stdint.h>

#include "cim-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Bumped whenever CimPassPluginInfo or CimPassDef changes layout.
#define CIM_PASS_PLUGIN_API_VERSION 1

/// The symbol a plugin exports.
#define CIM_PASS_PLUGIN_ENTRY_POINT "cimGetPassPluginInfo"

typedef struct CimPassPluginInfo {
  uint32_t apiVersion; ///< Must be CIM_PASS_PLUGIN_API_VERSION.
  const char *name;    ///< Shown in error messages.
  const char *version;
  /// Adds the plugin's passes with cimPassRegistryAdd; fails (after passing a
  /// reason to `errorCallback`) if any row is rejected.
  MlirLogicalResult (*registerPasses)(MlirStringCallback errorCallback,
                                      void *userData);
} CimPassPluginInfo;

/// Loads the plugin at `path` (dlopen) and runs its registerPasses. The
/// library stays loaded for the rest of the process. Fails with one message
/// naming the path when the file cannot be loaded, lacks the entry point, has
/// another API version, or its registration fails.
CIM_CAPI_EXPORTED MlirLogicalResult cimLoadPassPlugin(
    const char *path, MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_PLUGIN_H */
