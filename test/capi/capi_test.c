/*===-- capi_test.c - The cimlir C API, used as a client would -------------===*
 *
 * RUN: cim-capi-test 2>&1 | FileCheck %s
 *
 * Like MLIR's own mlir/test/CAPI tests: a C program drives the public headers
 * and prints what it observes; FileCheck compares against the expectations
 * below, each derived from the API contract, not from a previous run.
 *===----------------------------------------------------------------------===*/

#include <stdio.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "cim-c/Passes.h"
#include "cim-c/Pipeline.h"
#include "cim-c/Target.h"
#include "cim-c/Version.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/RegisterEverything.h"

static void printToStdout(MlirStringRef s, void *userData) {
  (void)userData;
  fwrite(s.data, 1, s.length, stdout);
}

static MlirLogicalResult printDiagnostic(MlirDiagnostic d, void *userData) {
  (void)userData;
  printf("diagnostic: ");
  mlirDiagnosticPrint(d, printToStdout, NULL);
  printf("\n");
  return mlirLogicalResultSuccess();
}

static void testVersion(void) {
  // CHECK-LABEL: testVersion
  printf("testVersion\n");
  char expected[32];
  snprintf(expected, sizeof expected, "%d.%d.%d", CIM_VERSION_MAJOR,
           CIM_VERSION_MINOR, CIM_VERSION_PATCH);
  // CHECK: header and library agree: 1
  printf("header and library agree: %d\n", strcmp(expected, cimGetVersion()) == 0);
}

static void testDialects(MlirContext ctx) {
  // CHECK-LABEL: testDialects
  printf("testDialects\n");
  // CHECK: cim loaded: 1
  // CHECK: xbar loaded: 1
  printf("cim loaded: %d\n",
         !mlirDialectIsNull(mlirContextGetOrLoadDialect(
             ctx, mlirStringRefCreateFromCString("cim"))));
  printf("xbar loaded: %d\n",
         !mlirDialectIsNull(mlirContextGetOrLoadDialect(
             ctx, mlirStringRefCreateFromCString("xbar"))));
  // Loading again is a no-op, not an error.
  // CHECK: second load: 1
  printf("second load: %d\n", mlirLogicalResultIsSuccess(cimLoadDialects(ctx)));
  // CHECK: embedded cim source starts with irdl.dialect: 1
  MlirStringRef src =
      cimGetEmbeddedDialectSource(mlirStringRefCreateFromCString("cim"));
  printf("embedded cim source starts with irdl.dialect: %d\n",
         src.length > 0 && strstr(src.data, "irdl.dialect @cim") != NULL);
  // CHECK: unknown embedded dialect is null: 1
  printf("unknown embedded dialect is null: %d\n",
         cimGetEmbeddedDialectSource(mlirStringRefCreateFromCString("quant"))
                 .length == 0);
}

static void testPassTable(void) {
  // CHECK-LABEL: testPassTable
  printf("testPassTable\n");
  const CimPassDef *def = cimPassRegistryLookup(
      mlirStringRefCreateFromCString("convert-linalg-to-cim"));
  // CHECK: found convert-linalg-to-cim on func.func
  printf("found %s on %s\n", def ? def->argument : "nothing",
         def ? def->anchor : "-");
  // CHECK: unknown pass: 1
  printf("unknown pass: %d\n",
         cimPassRegistryLookup(mlirStringRefCreateFromCString("cim-nope")) ==
             NULL);
  // A pass without options rejects any option, pointing at its name.
  intptr_t offset = -1;
  printf("bad option: ");
  MlirPass p = cimPassCreate(def, mlirStringRefCreateFromCString("  rows=4"),
                             printToStdout, NULL, &offset);
  // CHECK: bad option: pass 'convert-linalg-to-cim' has no option 'rows' at offset 2
  printf(" at offset %ld\n", (long)offset);
  // CHECK: null pass: 1
  printf("null pass: %d\n", cimPassIsNull(p));
}

static const char *kInput =
    "func.func @mm(%a: tensor<2x3xi8>) -> tensor<2x4xi32> {\n"
    "  %w = arith.constant dense<1> : tensor<3x4xi4>\n"
    "  %z = arith.constant dense<0> : tensor<2x4xi32>\n"
    "  %r = linalg.matmul ins(%a, %w : tensor<2x3xi8>, tensor<3x4xi4>)\n"
    "                     outs(%z : tensor<2x4xi32>) -> tensor<2x4xi32>\n"
    "  return %r : tensor<2x4xi32>\n"
    "}\n";

static void testPipeline(MlirContext ctx) {
  // CHECK-LABEL: testPipeline
  printf("testPipeline\n");
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kInput));
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  MlirLogicalResult r = cimParsePassPipeline(
      opm,
      mlirStringRefCreateFromCString(
          "builtin.module(func.func(convert-linalg-to-cim,canonicalize))"),
      printToStdout, NULL);
  // CHECK: parsed: 1
  printf("parsed: %d\n", mlirLogicalResultIsSuccess(r));
  // CHECK: ran: 1
  printf("ran: %d\n", mlirLogicalResultIsSuccess(mlirPassManagerRunOnOp(
                          pm, mlirModuleGetOperation(module))));
  // CHECK: func.func @mm
  // CHECK-NOT: linalg.matmul
  // CHECK: "cim.matmul"
  // CHECK-SAME: a_bits = 8
  // CHECK-SAME: w_bits = 4
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");
  // CHECK: live instances while the pipeline exists: 1
  printf("live instances while the pipeline exists: %d\n",
         cimPassGetLiveInstanceCount() > 0);
  mlirPassManagerDestroy(pm);
  // CHECK: live instances after destroy: 0
  printf("live instances after destroy: %ld\n",
         (long)cimPassGetLiveInstanceCount());
  mlirModuleDestroy(module);

  // A bad pipeline: the message points at the offending character.
  pm = mlirPassManagerCreate(ctx);
  // CHECK: <pass pipeline>:1:26: error: 'no-such-pass' is neither a cim pass nor a registered MLIR pass
  // CHECK-NEXT: builtin.module(func.func(no-such-pass))
  // CHECK-NEXT: {{^                         \^$}}
  r = cimParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString("builtin.module(func.func(no-such-pass))"),
      printToStdout, NULL);
  printf("\n");
  // CHECK: bad pipeline rejected: 1
  printf("bad pipeline rejected: %d\n", mlirLogicalResultIsFailure(r));
  mlirPassManagerDestroy(pm);
}

/// Counts the ops named `name` nested anywhere in `op`.
static int countOps(MlirOperation op, const char *name) {
  int n = mlirStringRefEqual(mlirIdentifierStr(mlirOperationGetName(op)),
                             mlirStringRefCreateFromCString(name));
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(op); ++r)
    for (MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, r));
         !mlirBlockIsNull(b); b = mlirBlockGetNextInRegion(b))
      for (MlirOperation c = mlirBlockGetFirstOperation(b);
           !mlirOperationIsNull(c); c = mlirOperationGetNextInBlock(c))
        n += countOps(c, name);
  return n;
}

/// A 100 -> 10 layer (i8 inputs, i4 weights) through cim-compile, with the
/// target given in memory as the module's cim.target attribute.
static const char *kLayer =
    "func.func @mm(%a: tensor<1x100xi8>) -> tensor<1x10xi32> {\n"
    "  %w = arith.constant dense<3> : tensor<100x10xi4>\n"
    "  %z = arith.constant dense<0> : tensor<1x10xi32>\n"
    "  %r = linalg.matmul ins(%a, %w : tensor<1x100xi8>, tensor<100x10xi4>)\n"
    "                     outs(%z : tensor<1x10xi32>) -> tensor<1x10xi32>\n"
    "  return %r : tensor<1x10xi32>\n"
    "}\n";

static void compileAndCount(MlirContext ctx, const CimTarget *target,
                            const char *options) {
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kLayer));
  MlirOperation op = mlirModuleGetOperation(module);
  if (target)
    mlirOperationSetAttributeByName(
        op, mlirStringRefCreateFromCString(CIM_TARGET_ATTR_NAME),
        cimTargetToAttribute(ctx, target));
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString("builtin.module"));
  MlirLogicalResult added = cimOpPassManagerAddCompilePipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString(options), printToStdout, NULL);
  bool ran = mlirLogicalResultIsSuccess(added) &&
             mlirLogicalResultIsSuccess(mlirPassManagerRunOnOp(pm, op));
  printf("ran %d: %d writes, %d mvms\n", ran, countOps(op, "xbar.write"),
         countOps(op, "xbar.mvm"));
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
}

static void testCompilePipeline(MlirContext ctx) {
  // CHECK-LABEL: testCompilePipeline
  printf("testCompilePipeline\n");
  // Default target (256x256, 4-bit cells): one slice, 10 x 2 = 20 columns,
  // 100 rows: one tile; 8 input bit-planes: 8 MVMs.
  // CHECK: ran 1: 1 writes, 8 mvms
  compileAndCount(ctx, NULL, "");
  // In memory, 64x64 with 2-bit cells: 2 slices, 40 columns, ceil(100/64) =
  // 2 row tiles: 2 writes, 16 MVMs. Every stage read the attribute (tiling
  // with the default and slicing with this one would not give these).
  CimTarget small = cimTargetGetDefault();
  small.rows = small.cols = small.ouRows = 64;
  small.cellBits = 2;
  // CHECK: ran 1: 2 writes, 16 mvms
  compileAndCount(ctx, &small, "");
  // Stage options through the same option text as --cim-compile='...'.
  // 32 rows: ceil(100/32) = 4 row tiles, 32 MVMs.
  // CHECK: ran 1: 4 writes, 32 mvms
  compileAndCount(ctx, &small, "cim-tile={rows=32}");
  // A bad option: one message, nothing run.
  // CHECK: pipeline 'cim-compile' has no option 'colz'ran 0
  compileAndCount(ctx, &small, "colz=3");

  // A pass manager on func.func cannot take a module pipeline.
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString("func.func"));
  // CHECK: pipeline 'cim-compile' runs on 'builtin.module' but the pass manager runs on 'func.func'
  MlirLogicalResult r = cimOpPassManagerAddCompilePipeline(
      mlirPassManagerGetAsOpPassManager(pm), mlirStringRefCreate(NULL, 0),
      printToStdout, NULL);
  printf("\n");
  // CHECK: func.func pass manager rejected: 1
  printf("func.func pass manager rejected: %d\n",
         mlirLogicalResultIsFailure(r));
  mlirPassManagerDestroy(pm);
  // CHECK: live instances at the end: 0
  printf("live instances at the end: %ld\n",
         (long)cimPassGetLiveInstanceCount());
}

int main(void) {
  testVersion();
  mlirRegisterAllPasses();
  MlirContext ctx = cimContextCreate();
  if (mlirContextIsNull(ctx)) {
    printf("context creation failed\n");
    return 1;
  }
  mlirContextAttachDiagnosticHandler(ctx, printDiagnostic, NULL, NULL);
  testDialects(ctx);
  testPassTable();
  testPipeline(ctx);
  testCompilePipeline(ctx);
  mlirContextDestroy(ctx);
  // CHECK: done
  printf("done\n");
  return 0;
}
