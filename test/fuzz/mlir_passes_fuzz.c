/*===-- mlir_passes_fuzz.c - cim-opt's passes on mutated IR ---------------===*
 *
 * The first byte picks a pipeline of cim passes, the rest is parsed as MLIR
 * (linalg + quant, cim or xbar IR: the corpus holds all three). IR that
 * parses and verifies is run through the pipeline; every pass must either
 * succeed with IR that still verifies or fail with a diagnostic, never crash.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "FuzzCommon.h"
#include "cim-c/Dialects.h"
#include "cim-c/Pipeline.h"
#include "cim-c/Tooling.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Pass.h"
#include "mlir-c/RegisterEverything.h"

static const char *const pipelines[] = {
    "builtin.module(func.func(convert-linalg-to-cim))",
    ("builtin.module(func.func(convert-linalg-to-cim,cim-tile,cim-bitslice),"
     "convert-cim-to-xbar)"),
    "builtin.module(func.func(cim-tile,cim-bitslice),convert-cim-to-xbar)",
    "builtin.module(cim-estimate{table=})",
    "builtin.module(cim-duplicate,cim-schedule)",
    "builtin.module(cim-assign-precision{w-bits=4 a-bits=4})",
};

static MlirLogicalResult swallow(MlirDiagnostic d, void *userData) {
  (void)d;
  (void)userData;
  return mlirLogicalResultSuccess();
}

static MlirContext context(void) {
  static MlirContext ctx;
  if (mlirContextIsNull(ctx)) {
    mlirRegisterAllPasses();
    ctx = cimContextCreate();
    mlirContextAttachDiagnosticHandler(ctx, swallow, NULL, NULL);
  }
  return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  MlirContext ctx = context();
  const char *pipeline =
      pipelines[data[0] % (sizeof pipelines / sizeof *pipelines)];
  /* MLIR 22's lexer relies on a NUL after the text (it scans past the end
   * of an unterminated MlirStringRef: the first finding of this target), so
   * the text is parsed from a terminated copy, as every tool reads it. */
  char *text = malloc(size);
  if (!text)
    abort();
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  /* The one input known to crash MLIR 22's own parser is refused first, as
   * the tools refuse it (cimCheckLinalgProperties). */
  if (!cimCheckLinalgProperties(mlirStringRefCreate(text, size - 1), NULL,
                                NULL)) {
    free(text);
    return 0;
  }
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreate(text, size - 1));
  if (mlirModuleIsNull(module)) {
    free(text);
    return 0;
  }
  MlirOperation op = mlirModuleGetOperation(module);
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  if (mlirLogicalResultIsFailure(cimParsePassPipeline(
          mlirPassManagerGetAsOpPassManager(pm),
          mlirStringRefCreateFromCString(pipeline), cimFuzzIgnore, NULL)))
    abort();
  if (mlirOperationVerify(op) &&
      mlirLogicalResultIsSuccess(mlirPassManagerRunOnOp(pm, op)) &&
      !mlirOperationVerify(op))
    abort(); /* a pass succeeded and left invalid IR */
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  free(text);
  return 0;
}
