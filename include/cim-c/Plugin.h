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

/// What a plugin's cimGetPassPluginInfo returns. cimLoadPassPlugin calls that
/// function once per load and checks the fields in this order.
typedef struct CimPassPluginInfo {
  /// Must be CIM_PASS_PLUGIN_API_VERSION of the headers the plugin was built
  /// with. Any other value is refused before registerPasses is called, since
  /// the layout of this struct and of CimPassDef may differ.
  uint32_t apiVersion;
  /// The plugin's name, used only in error messages ("pass plugin 'PATH'
  /// (NAME) failed to register: ..."). May be NULL ("unnamed"). Borrowed:
  /// static storage.
  const char *name;
  /// The plugin's own version string, for its users. cimlir does not read or
  /// compare it. May be NULL.
  const char *version;
  /// Required (NULL is refused). Adds the plugin's passes with
  /// cimPassRegistryAdd(row, errorCallback, userData), passing on the
  /// callback and user data it is given (they are cimlir's: they collect the
  /// reason for the load error), and returns failure if any row is rejected.
  /// Called once per cimLoadPassPlugin; rows added before a failure stay in
  /// the table and the library stays loaded.
  MlirLogicalResult (*registerPasses)(MlirStringCallback errorCallback,
                                      void *userData);
} CimPassPluginInfo;

/// Loads the plugin at `path` (dlopen) and runs its registerPasses. The
/// library stays loaded for the rest of the process. Fails with one message
/// naming the path when the file cannot be loaded, lacks the entry point, has
/// another API version, has no registerPasses, or its registration fails.
CIM_CAPI_EXPORTED MlirLogicalResult cimLoadPassPlugin(
    const char *path, MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_PLUGIN_H */
