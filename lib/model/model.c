/*===-- model.c - A network read from a file, with its layer table ---------===*
 *
 * cimModelLoadFile / cimModelParse: one context per model (every upstream
 * dialect plus cim and xbar), the module parsed from MLIR or imported from
 * ONNX, and the layer records read once through lib/ir (cimLayerCollect,
 * cimLayerFromOp, cimLayerGeometryFromOp). Diagnostics go to the caller's
 * callback as "file:line:col: error: message" lines (lib/model/model_diag.c).
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "cim-c/Import.h"
#include "cim-c/Input.h"
#include "cim-c/Model.h"
#include "cim-c/Tooling.h"
#include "mlir-c/IR.h"

#include "ir/LayerInfo.h"
#include "ir/PassUtils.h"
#include "model/ModelInternal.h"

static const struct {
  const char *key, *doc;
} layerFields[] = {
#define LAYER_FIELD(ID, KEY, DOC) {KEY, DOC},
    CIM_MODEL_LAYER_FIELDS(LAYER_FIELD)
#undef LAYER_FIELD
};

const char *cimModelLayerFieldGetName(intptr_t field) {
  return field >= 0 && field < CIM_MODEL_LAYER_NUM_FIELDS
             ? layerFields[field].key
             : NULL;
}

const char *cimModelLayerFieldGetDoc(intptr_t field) {
  return field >= 0 && field < CIM_MODEL_LAYER_NUM_FIELDS
             ? layerFields[field].doc
             : NULL;
}

static void freeModel(CimModelImpl *m) {
  if (!m)
    return;
  free(m->table);
  for (intptr_t i = 0; i < m->numLayers; ++i) {
    free(m->layers[i].name);
    free(m->layers[i].opName);
  }
  free(m->layers);
  if (!mlirOperationIsNull(m->module))
    mlirOperationDestroy(m->module);
  if (!mlirContextIsNull(m->ctx))
    mlirContextDestroy(m->ctx);
  free(m->source);
  free(m->name);
  free(m);
}

void cimModelDestroy(CimModel model) { freeModel(model.ptr); }

/// The record of layer op `op` (number `i` in program order).
static bool describeLayer(MlirOperation op, intptr_t i, CimModelLayer *rec) {
  CimLayer l;
  int64_t index;
  CimLayerGeometry g;
  if (mlirLogicalResultIsFailure(cimLayerFromOp(op, &l, &index)) ||
      mlirLogicalResultIsFailure(cimLayerGeometryFromOp(op, &l, &g)))
    return false;
  char name[256];
  cimLayerGetName(op, i, name, sizeof name);
  MlirStringRef opName =
      mlirIdentifierStr(mlirOperationGetName(op));
  rec->layer = l;
  rec->name = strdup(name);
  rec->opName = strndup(opName.data, opName.length);
  if (!rec->name || !rec->opName)
    abort();
  int64_t *f = rec->fields;
  f[CIM_MODEL_LAYER_KIND] = (int64_t)l.kind;
  f[CIM_MODEL_LAYER_IN_DIM] = l.inDim;
  f[CIM_MODEL_LAYER_OUT_DIM] = l.outDim;
  f[CIM_MODEL_LAYER_INVOCATIONS] = l.invocations;
  f[CIM_MODEL_LAYER_REPEAT] = l.repeat;
  f[CIM_MODEL_LAYER_W_BITS] = l.wBits;
  f[CIM_MODEL_LAYER_A_BITS] = l.aBits;
  f[CIM_MODEL_LAYER_W_SIGNED] = l.wSigned;
  f[CIM_MODEL_LAYER_A_SIGNED] = l.aSigned;
  f[CIM_MODEL_LAYER_IN_CHANNELS] = g.inChannels;
  f[CIM_MODEL_LAYER_OUT_CHANNELS] = g.outChannels;
  f[CIM_MODEL_LAYER_KERNEL_H] = g.kernelH;
  f[CIM_MODEL_LAYER_KERNEL_W] = g.kernelW;
  f[CIM_MODEL_LAYER_STRIDE_H] = g.strideH;
  f[CIM_MODEL_LAYER_STRIDE_W] = g.strideW;
  f[CIM_MODEL_LAYER_GROUPS] = g.groups;
  f[CIM_MODEL_LAYER_BATCH] = g.batch;
  f[CIM_MODEL_LAYER_IN_H] = g.inH;
  f[CIM_MODEL_LAYER_IN_W] = g.inW;
  f[CIM_MODEL_LAYER_OUT_H] = g.outH;
  f[CIM_MODEL_LAYER_OUT_W] = g.outW;
  /* Shapes are checked by the verifier, but their products are not: a
   * layer too large to count is refused, never wrapped. */
  int64_t weights, macs;
  if (__builtin_mul_overflow(l.inDim, l.outDim, &weights) ||
      __builtin_mul_overflow(weights, l.repeat, &weights) ||
      __builtin_mul_overflow(weights, l.invocations, &macs)) {
    cimEmitErrorf(mlirOperationGetLocation(op),
                  "layer '%s' has more than 2^63 weights or MACs", name);
    return false;
  }
  f[CIM_MODEL_LAYER_MACS] = macs;
  f[CIM_MODEL_LAYER_WEIGHTS] = weights;
  return true;
}

/// Reads the layer table of m->module; false after a diagnostic.
static bool collectLayers(CimModelImpl *m) {
  MlirOperation *ops = NULL;
  intptr_t n = 0;
  if (mlirLogicalResultIsFailure(
          cimLayerCollect(m->module, NULL, &ops, &n))) {
    free(ops);
    return false;
  }
  m->layers = calloc((size_t)(n ? n : 1), sizeof *m->layers);
  if (!m->layers)
    abort();
  bool ok = true;
  for (intptr_t i = 0; ok && i < n; ++i) {
    ok = describeLayer(ops[i], i, &m->layers[i]);
    m->numLayers = i + 1;
  }
  free(ops);
  return ok;
}

/// Creates the model shell: a context with the dialects and the caller's
/// diagnostic sink attached.
static CimModelImpl *newModel(MlirStringRef sourceName,
                              MlirStringCallback errorCallback,
                              void *userData) {
  CimModelImpl *m = calloc(1, sizeof *m);
  if (!m)
    abort();
  m->ctx = cimContextCreate();
  m->name = strndup(sourceName.data, sourceName.length);
  if (!m->name)
    abort();
  m->sink = cimModelDiagSinkCreate(errorCallback, userData);
  cimModelDiagSinkSetSource(&m->sink, mlirStringRefCreateFromCString(m->name),
                            (MlirStringRef){"", 0});
  return m;
}

/// Finishes loading: verifier, layers. Returns the model or a null one.
static CimModel finishModel(CimModelImpl *m) {
  MlirDiagnosticHandlerID id = cimModelDiagSinkAttach(&m->sink, m->ctx);
  bool ok = !mlirOperationIsNull(m->module) && mlirOperationVerify(m->module) &&
            collectLayers(m);
  mlirContextDetachDiagnosticHandler(m->ctx, id);
  if (!ok) {
    freeModel(m);
    return (CimModel){NULL};
  }
  return (CimModel){m};
}

static CimModel parseInto(CimModelImpl *m) {
  MlirStringRef name = mlirStringRefCreateFromCString(m->name);
  MlirStringRef text = mlirStringRefCreate(m->source, m->sourceSize);
  cimModelDiagSinkSetSource(&m->sink, name, text);
  bool bytecode = m->sourceSize >= 4 && memcmp(m->source, "ML\xefR", 4) == 0;
  unsigned line = 0;
  if (!bytecode && !cimCheckNestingDepth(text, cimGetMaxNestingDepth(), &line)) {
    cimModelDiagSinkReport(&m->sink, name, line,
                           "brackets nest deeper than the parser's limit");
    freeModel(m);
    return (CimModel){NULL};
  }
  if (!bytecode && !cimCheckLinalgProperties(text, &line, NULL)) {
    cimModelDiagSinkReport(&m->sink, name, line, "properties of a linalg op must be a dictionary, '<{...}>': MLIR 22's linalg parser crashes on any other attribute there");
    freeModel(m);
    return (CimModel){NULL};
  }
  MlirDiagnosticHandlerID id = cimModelDiagSinkAttach(&m->sink, m->ctx);
  CimSourceBuffer source = {name, text};
  CimSourceChunk whole = {text, 1};
  m->module = cimParseSourceChunkInBuffer(m->ctx, source, whole);
  mlirContextDetachDiagnosticHandler(m->ctx, id);
  return finishModel(m);
}

CimModel cimModelParse(MlirStringRef text, MlirStringRef sourceName,
                       MlirStringCallback errorCallback, void *userData) {
  CimModelImpl *m = newModel(sourceName, errorCallback, userData);
  m->source = malloc(text.length + 1);
  if (!m->source)
    abort();
  memcpy(m->source, text.data, text.length);
  m->source[text.length] = '\0';
  m->sourceSize = text.length;
  return parseInto(m);
}

static bool hasSuffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

CimModel cimModelLoadFile(const char *path, MlirStringCallback errorCallback,
                          void *userData) {
  MlirStringRef name = mlirStringRefCreateFromCString(path);
  CimModelImpl *m = newModel(name, errorCallback, userData);
  if (hasSuffix(path, ".onnx")) {
    MlirDiagnosticHandlerID id = cimModelDiagSinkAttach(&m->sink, m->ctx);
    m->module = cimImportOnnxFile(m->ctx, name);
    mlirContextDetachDiagnosticHandler(m->ctx, id);
    if (mlirOperationIsNull(m->module)) {
      freeModel(m);
      return (CimModel){NULL};
    }
    return finishModel(m);
  }
  if (mlirLogicalResultIsFailure(cimReadInputFile(path, "model", &m->source,
                                                  &m->sourceSize,
                                                  errorCallback, userData))) {
    freeModel(m);
    return (CimModel){NULL};
  }
  return parseInto(m);
}

MlirOperation cimModelGetModule(CimModel model) {
  CimModelImpl *m = model.ptr;
  return m->module;
}

intptr_t cimModelGetNumLayers(CimModel model) {
  CimModelImpl *m = model.ptr;
  return m->numLayers;
}

static const CimModelLayer *layerAt(CimModel model, intptr_t i) {
  CimModelImpl *m = model.ptr;
  assert(i >= 0 && i < m->numLayers);
  return &m->layers[i];
}

const char *cimModelGetLayerName(CimModel model, intptr_t i) {
  return layerAt(model, i)->name;
}

const char *cimModelGetLayerOpName(CimModel model, intptr_t i) {
  return layerAt(model, i)->opName;
}

int64_t cimModelGetLayerField(CimModel model, intptr_t i,
                              CimModelLayerField field) {
  assert(field >= 0 && field < CIM_MODEL_LAYER_NUM_FIELDS);
  return layerAt(model, i)->fields[field];
}

const CimLayer *cimModelGetLayer(CimModel model, intptr_t i) {
  return &layerAt(model, i)->layer;
}
