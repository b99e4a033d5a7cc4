/*===-- plugin.c - Loading pass plugins ------------------------------------===*/

#define _GNU_SOURCE
#include "cim-c/Plugin.h"

#include <dlfcn.h>
#include <stdio.h>

#include "support/StrBuf.h"

static MlirLogicalResult failWith(MlirStringCallback callback, void *userData,
                                  CimStrBuf *msg) {
  if (callback)
    callback(mlirStringRefCreate(cimStrBufGet(msg), msg->length), userData);
  cimStrBufFree(msg);
  return mlirLogicalResultFailure();
}

MlirLogicalResult cimLoadPassPlugin(const char *path,
                                    MlirStringCallback errorCallback,
                                    void *userData) {
  CimStrBuf msg = {0};
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    cimStrBufPrintf(&msg, "cannot load pass plugin '%s': %s", path,
                    why ? why : "unknown error");
    return failWith(errorCallback, userData, &msg);
  }
  typedef CimPassPluginInfo (*EntryPoint)(void);
  EntryPoint entry;
  *(void **)(&entry) = dlsym(handle, CIM_PASS_PLUGIN_ENTRY_POINT);
  if (!entry) {
    cimStrBufPrintf(&msg,
                    "pass plugin '%s' does not export '" CIM_PASS_PLUGIN_ENTRY_POINT
                    "'",
                    path);
    dlclose(handle);
    return failWith(errorCallback, userData, &msg);
  }
  CimPassPluginInfo info = entry();
  if (info.apiVersion != CIM_PASS_PLUGIN_API_VERSION) {
    cimStrBufPrintf(&msg,
                    "pass plugin '%s' was built for plugin API version %u, "
                    "this cimlir has version %u",
                    path, (unsigned)info.apiVersion,
                    (unsigned)CIM_PASS_PLUGIN_API_VERSION);
    dlclose(handle);
    return failWith(errorCallback, userData, &msg);
  }
  if (!info.registerPasses) {
    cimStrBufPrintf(&msg, "pass plugin '%s' has no registerPasses function",
                    path);
    dlclose(handle);
    return failWith(errorCallback, userData, &msg);
  }
  CimStrBuf reason = {0};
  if (mlirLogicalResultIsFailure(
          info.registerPasses(cimStrBufCallback, &reason))) {
    cimStrBufPrintf(&msg, "pass plugin '%s' (%s) failed to register: %s", path,
                    info.name ? info.name : "unnamed",
                    reason.length ? cimStrBufGet(&reason) : "no reason given");
    cimStrBufFree(&reason);
    /* Rows may already be in the table: keep the library loaded. */
    return failWith(errorCallback, userData, &msg);
  }
  cimStrBufFree(&reason);
  return mlirLogicalResultSuccess();
}
