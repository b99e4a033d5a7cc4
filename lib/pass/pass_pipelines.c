/*===-- pass_pipelines.c - Expanding pipeline rows into a pass manager -----===*
 *
 * A pipeline row's options are parsed with the pass option parser (through a
 * pass-row view of the pipeline), then its builder appends the passes. This
 * is what upstream's PassPipelineRegistration does when a pipeline name
 * appears in a textual pipeline: the name is gone after parsing, only its
 * passes are in the pass manager.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "pass/PassInternal.h"
#include "support/StrBuf.h"

static MlirLogicalResult failWith(MlirStringCallback callback, void *userData,
                                  const char *message) {
  if (callback)
    callback(mlirStringRefCreateFromCString(message), userData);
  return mlirLogicalResultFailure();
}

MlirLogicalResult cimOpPassManagerAddPassPipeline(
    MlirOpPassManager passManager, const CimPassPipelineDef *def,
    MlirStringRef options, MlirStringCallback errorCallback, void *userData,
    intptr_t *errorOffset) {
  if (errorOffset)
    *errorOffset = 0;
  if (!def)
    return failWith(errorCallback, userData,
                    "no such pipeline (cimPassRegistryLookupPipeline found "
                    "none)");
  char anchor[256];
  cimOpPassManagerGetAnchor(passManager, anchor, sizeof anchor);
  if (def->anchor[0] && strcmp(anchor, "any") != 0 &&
      strcmp(anchor, def->anchor) != 0) {
    CimStrBuf b = {0};
    cimStrBufPrintf(&b,
                    "pipeline '%s' runs on '%s' but the pass manager runs on "
                    "'%s'; write '%s(%s)' there",
                    def->argument, def->anchor, anchor, def->anchor,
                    def->argument);
    MlirLogicalResult r = failWith(errorCallback, userData, cimStrBufGet(&b));
    cimStrBufFree(&b);
    return r;
  }
  CimPassDef view = cimPassPipelineOptionsView(def);
  char *error = NULL;
  intptr_t offset = 0;
  CimPassOptions *parsed = cimPassOptionsParse(&view, options, &error, &offset);
  if (!parsed) {
    if (errorOffset)
      *errorOffset = offset;
    MlirLogicalResult r =
        failWith(errorCallback, userData, error ? error : "bad options");
    free(error);
    return r;
  }
  MlirLogicalResult r =
      def->build(passManager, parsed, errorCallback, userData);
  cimPassOptionsDestroy(parsed);
  return r;
}

MlirLogicalResult cimOpPassManagerAddCompilePipeline(
    MlirOpPassManager passManager, MlirStringRef options,
    MlirStringCallback errorCallback, void *userData) {
  const CimPassPipelineDef *def = cimPassRegistryLookupPipeline(
      mlirStringRefCreateFromCString("cim-compile"));
  return cimOpPassManagerAddPassPipeline(passManager, def, options,
                                         errorCallback, userData, NULL);
}
