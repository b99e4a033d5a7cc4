/*===-- ContextFixture.h - A checked MLIR context for Check suites --------===*
 *
 * The fixture of suites that parse IR: `setup` creates a context with the
 * cim and xbar dialects and a handler that counts errors (`numErrors`) and
 * keeps the text of the last one (`lastError`); `teardown` destroys it.
 * Include once, in the suite's .c file (the definitions are static).
 *===----------------------------------------------------------------------===*/

#ifndef CIM_TEST_UNIT_CONTEXTFIXTURE_H
#define CIM_TEST_UNIT_CONTEXTFIXTURE_H

#include <check.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"

static MlirContext ctx;
static int numErrors;
static char lastError[4096];

static void appendError(MlirStringRef s, void *userData) {
  (void)userData;
  size_t have = strlen(lastError);
  size_t n = s.length < sizeof lastError - 1 - have ? s.length
                                                    : sizeof lastError - 1 - have;
  memcpy(lastError + have, s.data, n);
  lastError[have + n] = '\0';
}

static MlirLogicalResult recordErrors(MlirDiagnostic d, void *userData) {
  (void)userData;
  if (mlirDiagnosticGetSeverity(d) == MlirDiagnosticError) {
    ++numErrors;
    lastError[0] = '\0';
    mlirDiagnosticPrint(d, appendError, NULL);
  }
  return mlirLogicalResultSuccess();
}

static void setup(void) {
  ctx = cimContextCreate();
  ck_assert(!mlirContextIsNull(ctx));
  numErrors = 0;
  lastError[0] = '\0';
  mlirContextAttachDiagnosticHandler(ctx, recordErrors, NULL, NULL);
}

static void teardown(void) { mlirContextDestroy(ctx); }

#endif /* CIM_TEST_UNIT_CONTEXTFIXTURE_H */
