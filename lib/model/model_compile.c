/*===-- model_compile.c - A model to an ISA program, in-process ------------===*
 *
 * cimModelCompile: a copy of the module gets the target as its `cim.target`
 * attribute (which every pass and the encoder then use), the in-memory
 * policy through cim-assign-precision (with the options of the pipeline's
 * `cim-assign-precision={...}` stage option: calibration, default range,
 * constraints), the rest of the cim-compile pipeline
 * (cimCompilePipelineBuild, the one definition of the lowering) and the
 * encoder (cimProgramCreateFromModule). No file is written.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "cim-c/Model.h"
#include "cim-c/Pipeline.h"
#include "cim-c/Policy.h"
#include "mlir-c/Pass.h"

#include "model/ModelInternal.h"
#include "pass/PassInternal.h"
#include "passes/AssignPrecision.h"
#include "passes/Compile.h"
#include "support/StrBuf.h"
#include "support/StrBuf.h"

static void toSink(MlirStringRef s, void *sink) {
  CimModelDiagSink *k = sink;
  k->errors++;
  if (k->callback)
    k->callback(s, k->userData);
}

/// Reports a bad option text through the sink; frees `owned`, the message
/// of the option parser, if not null.
static bool optionError(CimModelImpl *m, const char *what,
                        const char *message, char *owned) {
  CimStrBuf b = {0};
  cimStrBufPrintf(&b, "%s: %s", what,
                  owned ? owned : message ? message : "bad options");
  toSink(mlirStringRefCreate(cimStrBufGet(&b), b.length), &m->sink);
  cimStrBufFree(&b);
  free(owned);
  return false;
}

/// cim-assign-precision with the rows of `bits` ([L][2]) and the stage's
/// own option text `stageText` (which must not give a second policy).
static bool assignPolicy(CimModelImpl *m, MlirOperation module,
                         const int64_t *bits, MlirStringRef stageText) {
  char *error = NULL;
  intptr_t offset = 0;
  CimPassOptions *options =
      cimPassOptionsParse(&cimAssignPrecisionPass, stageText, &error, &offset);
  if (!options)
    return optionError(m, "cim-compile: in option 'cim-assign-precision'",
                       NULL, error);
  if ((cimPassOptionsIsSet(options, "policy") &&
       cimPassOptionsGetString(options, "policy").length > 0) ||
      cimPassOptionsIsSet(options, "w-bits") ||
      cimPassOptionsIsSet(options, "a-bits")) {
    cimPassOptionsDestroy(options);
    return optionError(m, "cim-compile: in option 'cim-assign-precision'",
                       "a policy is given in memory; the stage's options "
                       "must not give policy=, w-bits= or a-bits= as well",
                       NULL);
  }
  intptr_t n = m->numLayers;
  int64_t *w = malloc((size_t)(n ? n : 1) * sizeof *w);
  int64_t *a = malloc((size_t)(n ? n : 1) * sizeof *a);
  if (!w || !a)
    abort();
  for (intptr_t i = 0; i < n; ++i) {
    w[i] = bits[2 * i];
    a[i] = bits[2 * i + 1];
  }
  CimPolicy policy = cimPolicyCreate(n, w, a, toSink, &m->sink);
  free(w);
  free(a);
  if (cimPolicyIsNull(policy)) {
    cimPassOptionsDestroy(options);
    return false;
  }
  bool ok = mlirLogicalResultIsSuccess(
      cimAssignPrecisionWithPolicy(module, options, policy));
  cimPassOptionsDestroy(options);
  cimPolicyDestroy(policy);
  return ok;
}

/// The cim-compile pipeline on `module`, without its precision stage when
/// the policy was applied in memory.
static bool runPipeline(CimModelImpl *m, MlirOperation module,
                        const CimPassOptions *options, bool precisionDone) {
  MlirPassManager pm = mlirPassManagerCreate(m->ctx);
  bool ok = mlirLogicalResultIsSuccess(cimCompilePipelineBuild(
      mlirPassManagerGetAsOpPassManager(pm), options, precisionDone, toSink,
      &m->sink));
  ok = ok && mlirLogicalResultIsSuccess(mlirPassManagerRunOnOp(pm, module));
  mlirPassManagerDestroy(pm);
  return ok;
}

MlirLogicalResult cimModelCompile(CimModel model, const CimTarget *target,
                                  const int64_t *policy,
                                  MlirStringRef pipelineOptions,
                                  CimProgram **program,
                                  MlirStringCallback errorCallback,
                                  void *userData) {
  CimModelImpl *m = model.ptr;
  *program = NULL;
  if (mlirLogicalResultIsFailure(
          cimTargetValidate(target, errorCallback, userData)))
    return mlirLogicalResultFailure();
  m->sink.callback = errorCallback;
  m->sink.userData = userData;
  m->sink.errors = 0;
  MlirDiagnosticHandlerID id = cimModelDiagSinkAttach(&m->sink, m->ctx);
  MlirOperation module = mlirOperationClone(m->module);
  mlirOperationSetAttributeByName(module,
                                  mlirStringRefCreateFromCString(CIM_TARGET_ATTR_NAME),
                                  cimTargetToAttribute(m->ctx, target));
  CimPassDef view = cimPassPipelineOptionsView(&cimCompilePipeline);
  char *error = NULL;
  intptr_t offset = 0;
  CimPassOptions *options =
      cimPassOptionsParse(&view, pipelineOptions, &error, &offset);
  bool ok = options ? true : optionError(m, "cim-compile options", NULL, error);
  MlirStringRef stageText = mlirStringRefCreate("", 0);
  if (ok && cimPassOptionsIsSet(options, "cim-assign-precision"))
    stageText = cimPassOptionsGetString(options, "cim-assign-precision");
  ok = ok && (!policy || assignPolicy(m, module, policy, stageText)) &&
       runPipeline(m, module, options, policy != NULL);
  if (options)
    cimPassOptionsDestroy(options);
  ok = ok && mlirLogicalResultIsSuccess(cimProgramCreateFromModule(
                 module, mlirStringRefCreate("", 0), mlirStringRefCreate("", 0),
                 program));
  mlirOperationDestroy(module);
  mlirContextDetachDiagnosticHandler(m->ctx, id);
  if (!ok && m->sink.errors == 0 && errorCallback) {
    /* A failure must never be silent. */
    static const char msg[] = "compilation failed without a diagnostic";
    errorCallback(mlirStringRefCreate(msg, sizeof msg - 1), userData);
  }
  m->sink.callback = NULL;
  m->sink.userData = NULL;
  if (!ok) {
    cimProgramDestroy(*program);
    *program = NULL;
  }
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
