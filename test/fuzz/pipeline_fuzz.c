/*===-- pipeline_fuzz.c - The pass-pipeline string parser -----------------===*
 *
 * Parses the input as a --pass-pipeline string (cim passes with their
 * options, upstream passes, nesting) into a fresh pass manager.
 *===----------------------------------------------------------------------===*/

#include "FuzzCommon.h"
#include "cim-c/Dialects.h"
#include "cim-c/Pipeline.h"
#include "mlir-c/Pass.h"
#include "mlir-c/RegisterEverything.h"

static MlirContext context(void) {
  static MlirContext ctx;
  if (mlirContextIsNull(ctx)) {
    mlirRegisterAllPasses();
    ctx = cimContextCreate();
  }
  return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MlirPassManager pm = mlirPassManagerCreate(context());
  (void)cimParsePassPipeline(mlirPassManagerGetAsOpPassManager(pm),
                             mlirStringRefCreate((const char *)data, size),
                             cimFuzzIgnore, NULL);
  mlirPassManagerDestroy(pm);
  return 0;
}
