/*===-- model_compile.c - A model to an ISA program, in-process ------------===*
 *
 * cimModelCompile: a copy of the module gets the target as its `cim.target`
 * attribute (which every pass and the encoder then use), the in-memory
 * policy through cim-assign-precision, the cim-compile pipeline
 * (cimOpPassManagerAddCompilePipeline, the one definition of the lowering)
 * and the encoder (cimProgramCreateFromModule). No file is written.
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
#include "support/StrBuf.h"

static void toSink(MlirStringRef s, void *sink) {
  CimModelDiagSink *k = sink;
  k->errors++;
  if (k->callback)
    k->callback(s, k->userData);
}

/// cim-assign-precision with the rows of `bits` ([L][2]).
static bool assignPolicy(CimModelImpl *m, MlirOperation module,
                         const int64_t *bits) {
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
  if (cimPolicyIsNull(policy))
    return false;
  char *error = NULL;
  intptr_t offset = 0;
  CimPassOptions *options = cimPassOptionsParse(
      &cimAssignPrecisionPass, mlirStringRefCreate("", 0), &error, &offset);
  if (!options)
    abort(); /* the defaults always parse */
  bool ok = mlirLogicalResultIsSuccess(
      cimAssignPrecisionWithPolicy(module, options, policy));
  cimPassOptionsDestroy(options);
  cimPolicyDestroy(policy);
  return ok;
}

/// The cim-compile pipeline on `module`.
static bool runPipeline(CimModelImpl *m, MlirOperation module,
                        MlirStringRef options) {
  MlirPassManager pm = mlirPassManagerCreate(m->ctx);
  bool ok = mlirLogicalResultIsSuccess(cimOpPassManagerAddCompilePipeline(
      mlirPassManagerGetAsOpPassManager(pm), options, toSink, &m->sink));
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
  bool ok = (!policy || assignPolicy(m, module, policy)) &&
            runPipeline(m, module, pipelineOptions);
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
