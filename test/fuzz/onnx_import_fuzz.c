/*===-- onnx_import_fuzz.c - The ONNX importer ----------------------------===*
 *
 * Imports the input as a serialized ONNX ModelProto (cimImportOnnxBytes):
 * the protobuf-c reader, then every operator's attribute and shape checks.
 * A model that imports must give a module that verifies. The source name is
 * a directory that does not exist, so external-data references read nothing.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>

#include "FuzzCommon.h"
#include "cim-c/Dialects.h"
#include "cim-c/Import.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"

static MlirLogicalResult swallow(MlirDiagnostic d, void *userData) {
  (void)d;
  (void)userData;
  return mlirLogicalResultSuccess();
}

static MlirContext context(void) {
  static MlirContext ctx;
  if (mlirContextIsNull(ctx)) {
    ctx = cimContextCreate();
    mlirContextAttachDiagnosticHandler(ctx, swallow, NULL, NULL);
  }
  return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MlirOperation module = cimImportOnnxBytes(
      context(), data, size,
      mlirStringRefCreateFromCString("/nonexistent-cim-fuzz-dir/model.onnx"));
  if (mlirOperationIsNull(module))
    return 0;
  if (!mlirOperationVerify(module)) {
    fputs("an imported module does not verify\n", stderr);
    abort();
  }
  mlirOperationDestroy(module);
  return 0;
}
