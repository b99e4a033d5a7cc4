/*===-- dialects.c - Loading the embedded cim and xbar IRDL dialects -------===*
 *
 * The dialect definitions are IRDL programs (cim.irdl.mlir, xbar.irdl.mlir)
 * that the build embeds as C strings. Loading parses them into a throw-away
 * module and hands it to mlirLoadIRDLDialects, which registers dynamic
 * dialects in the context.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Dialects.h"
#include "cim-c/Tooling.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/IRDL.h"
#include "mlir-c/RegisterEverything.h"

#include "support/FileIO.h"
#include "support/StrBuf.h"

extern const char cimEmbeddedIRDL_cim[];
extern const unsigned long cimEmbeddedIRDL_cim_size;
extern const char cimEmbeddedIRDL_xbar[];
extern const unsigned long cimEmbeddedIRDL_xbar_size;

MlirStringRef cimGetEmbeddedDialectSource(MlirStringRef name) {
  if (mlirStringRefEqual(name, mlirStringRefCreateFromCString("cim")))
    return mlirStringRefCreate(cimEmbeddedIRDL_cim, cimEmbeddedIRDL_cim_size);
  if (mlirStringRefEqual(name, mlirStringRefCreateFromCString("xbar")))
    return mlirStringRefCreate(cimEmbeddedIRDL_xbar, cimEmbeddedIRDL_xbar_size);
  return mlirStringRefCreate(NULL, 0);
}

/// Emits an error with an unknown location (used where no IR exists yet).
static void emitContextError(MlirContext context, const char *message) {
  mlirEmitError(mlirLocationUnknownGet(context), message);
}

/// Returns true if a dialect with this namespace is already loaded.
static bool isDialectLoaded(MlirContext context, const char *ns) {
  // mlirContextGetOrLoadDialect only loads registered (static) dialects; for
  // IRDL dialects it returns the dynamic dialect if it was loaded before.
  MlirDialect d =
      mlirContextGetOrLoadDialect(context, mlirStringRefCreateFromCString(ns));
  return !mlirDialectIsNull(d);
}

MlirLogicalResult cimLoadIRDLSource(MlirContext context, MlirStringRef source,
                                    MlirStringRef sourceName) {
  // Parse like cim-opt does: locations keep `sourceName`, and several
  // top-level irdl.dialect ops are wrapped in one module.
  MlirOperation op = cimParseSourceChunk(context, sourceName,
                                         (CimSourceChunk){source, 1});
  if (mlirOperationIsNull(op))
    return mlirLogicalResultFailure();
  MlirModule module = mlirModuleFromOperation(op);
  // Refuse to redefine a loaded dialect: IRDL would otherwise fail with a
  // message that does not name the file.
  MlirBlock body = mlirModuleGetBody(module);
  for (MlirOperation child = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(child); child = mlirOperationGetNextInBlock(child)) {
    MlirIdentifier childName = mlirOperationGetName(child);
    if (!mlirStringRefEqual(mlirIdentifierStr(childName),
                            mlirStringRefCreateFromCString("irdl.dialect"))) {
      mlirEmitError(mlirOperationGetLocation(child),
                    "an IRDL file may only contain 'irdl.dialect' operations");
      mlirModuleDestroy(module);
      return mlirLogicalResultFailure();
    }
    MlirAttribute symName = mlirOperationGetAttributeByName(
        child, mlirStringRefCreateFromCString("sym_name"));
    if (!mlirAttributeIsNull(symName) && mlirAttributeIsAString(symName)) {
      MlirStringRef ns = mlirStringAttrGetValue(symName);
      char buf[256];
      int n = snprintf(buf, sizeof buf, "%.*s", (int)ns.length, ns.data);
      if (n > 0 && (size_t)n < sizeof buf && isDialectLoaded(context, buf)) {
        char msg[320];
        snprintf(msg, sizeof msg, "dialect '%s' is already loaded", buf);
        mlirEmitError(mlirOperationGetLocation(child), msg);
        mlirModuleDestroy(module);
        return mlirLogicalResultFailure();
      }
    }
  }
  MlirLogicalResult result = mlirLoadIRDLDialects(module);
  mlirModuleDestroy(module);
  return result;
}

static void emitUnknown(MlirStringRef message, void *context) {
  CimStrBuf b = {0};
  cimStrBufAppendRef(&b, message);
  emitContextError(*(MlirContext *)context, cimStrBufGet(&b));
  cimStrBufFree(&b);
}

MlirLogicalResult cimLoadIRDLFile(MlirContext context, MlirStringRef path) {
  CimStrBuf cpath = {0}, text = {0};
  cimStrBufAppendRef(&cpath, path);
  MlirLogicalResult result = mlirLogicalResultFailure();
  if (cimReadWholeFile(cimStrBufGet(&cpath), "IRDL file", &text, emitUnknown,
                       &context))
    result = cimLoadIRDLSource(context,
                               mlirStringRefCreate(cimStrBufGet(&text), text.length),
                               mlirStringRefCreate(cimStrBufGet(&cpath), cpath.length));
  cimStrBufFree(&text);
  cimStrBufFree(&cpath);
  return result;
}

MlirLogicalResult cimLoadDialects(MlirContext context) {
  static const char *const names[] = {"cim", "xbar"};
  // The IRDL dialect itself must be loaded to parse the definitions.
  mlirDialectHandleLoadDialect(mlirGetDialectHandle__irdl__(), context);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
    if (isDialectLoaded(context, names[i]))
      continue;
    MlirStringRef nameRef = mlirStringRefCreateFromCString(names[i]);
    char sourceName[64];
    snprintf(sourceName, sizeof sourceName, "<embedded %s.irdl.mlir>", names[i]);
    if (mlirLogicalResultIsFailure(cimLoadIRDLSource(
            context, cimGetEmbeddedDialectSource(nameRef),
            mlirStringRefCreateFromCString(sourceName))))
      return mlirLogicalResultFailure();
  }
  return mlirLogicalResultSuccess();
}

MlirContext cimContextCreate(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirRegisterAllDialects(registry);
  MlirContext context = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  if (mlirLogicalResultIsFailure(cimLoadDialects(context))) {
    mlirContextDestroy(context);
    return (MlirContext){NULL};
  }
  return context;
}
