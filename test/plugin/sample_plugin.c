/*===-- sample_plugin.c - A pass plugin, as a user would write one ---------===*
 *
 * Adds `sample-count-ops`: annotates every func.func with the number of ops
 * in its body, under an attribute whose name is the `attr` option. Built as
 * cim-sample-plugin.so and loaded by test/tools/cim-opt/plugin.mlir with
 * `cim-opt --load-pass-plugin=...`.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Passes.h"
#include "cim-c/Plugin.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

static void countOps(MlirOperation op, intptr_t *count) {
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(op); ++r) {
    MlirRegion region = mlirOperationGetRegion(op, r);
    for (MlirBlock b = mlirRegionGetFirstBlock(region); !mlirBlockIsNull(b);
         b = mlirBlockGetNextInRegion(b))
      for (MlirOperation o = mlirBlockGetFirstOperation(b);
           !mlirOperationIsNull(o); o = mlirOperationGetNextInBlock(o)) {
        ++*count;
        countOps(o, count);
      }
  }
}

static MlirLogicalResult run(MlirOperation func, const CimPassOptions *options) {
  intptr_t count = 0;
  countOps(func, &count);
  MlirContext ctx = mlirOperationGetContext(func);
  MlirAttribute value =
      mlirIntegerAttrGet(mlirIntegerTypeGet(ctx, 64), (int64_t)count);
  mlirOperationSetAttributeByName(
      func, cimPassOptionsGetString(options, "attr"), value);
  return mlirLogicalResultSuccess();
}

static const CimPassOptionDef options[] = {
    {"attr", CIM_PASS_OPTION_STRING, "sample.num_ops",
     "Name of the attribute that receives the count.", 0, 0},
};

static const CimPassDef samplePass = {
    .argument = "sample-count-ops",
    .name = "SampleCountOps",
    .summary = "Annotate each function with the number of ops it contains",
    .description = "A pass from a plugin: proves that plugins extend the table.",
    .anchor = "func.func",
    .options = options,
    .numOptions = 1,
    .run = run,
};

static MlirLogicalResult registerPasses(MlirStringCallback errorCallback,
                                        void *userData) {
  return cimPassRegistryAdd(&samplePass, errorCallback, userData);
}

CimPassPluginInfo cimGetPassPluginInfo(void);

__attribute__((visibility("default"))) CimPassPluginInfo
cimGetPassPluginInfo(void) {
  return (CimPassPluginInfo){CIM_PASS_PLUGIN_API_VERSION, "sample", "1.0",
                             registerPasses};
}
