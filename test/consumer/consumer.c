/*===-- consumer.c - An out-of-tree compiler embedding cimlir --------------===*
 *
 * Builds its own pass manager, mixes an upstream pass with a cim pass and runs
 * it on a module: what a compiler engineer embedding the pass library does.
 * Prints the resulting IR; the lit test checks it.
 *===----------------------------------------------------------------------===*/

#include <stdio.h>

#include "cim-c/Dialects.h"
#include "cim-c/Passes.h"
#include "cim-c/Version.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/RegisterEverything.h"

static void print(MlirStringRef s, void *userData) {
  fwrite(s.data, 1, s.length, (FILE *)userData);
}

static const char *source =
    "func.func @mm(%a: tensor<4x8xi8>) -> tensor<4x3xi32> {\n"
    "  %w = arith.constant dense<1> : tensor<8x3xi4>\n"
    "  %c = arith.constant dense<0> : tensor<4x3xi32>\n"
    "  %r = linalg.matmul ins(%a, %w : tensor<4x8xi8>, tensor<8x3xi4>)\n"
    "                     outs(%c : tensor<4x3xi32>) -> tensor<4x3xi32>\n"
    "  return %r : tensor<4x3xi32>\n"
    "}\n";

int main(void) {
  printf("cimlir %s\n", cimGetVersion());
  mlirRegisterAllPasses();
  MlirContext ctx = cimContextCreate();
  if (mlirContextIsNull(ctx))
    return 1;
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(source));
  if (mlirModuleIsNull(module))
    return 1;

  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager fpm = mlirPassManagerGetNestedUnder(
      pm, mlirStringRefCreateFromCString("func.func"));
  const CimPassDef *def = cimPassRegistryLookup(
      mlirStringRefCreateFromCString("convert-linalg-to-cim"));
  if (!def)
    return 1;
  /* A bad option gives a null pass, which MLIR must not be handed. */
  MlirPass pass =
      cimPassCreate(def, mlirStringRefCreateFromCString(""), NULL, NULL, NULL);
  if (cimPassIsNull(pass))
    return 1;
  mlirOpPassManagerAddOwnedPass(fpm, pass);
  if (mlirLogicalResultIsFailure(mlirOpPassManagerAddPipeline(
          fpm, mlirStringRefCreateFromCString("canonicalize"), NULL, NULL)))
    return 1;
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module))))
    return 1;
  mlirOperationPrint(mlirModuleGetOperation(module), print, stdout);
  printf("\n");
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  printf("live pass instances: %ld\n", (long)cimPassGetLiveInstanceCount());
  return 0;
}
