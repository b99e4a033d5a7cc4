/*===-- estimate.c - Per-layer cost tables and JSON reports ----------------===*/

#define _POSIX_C_SOURCE 200809L
#include "cim-c/Estimate.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/FileIO.h"
#include "support/StrBuf.h"
#include "target/TargetJSON.h"

typedef struct EstimateLayer {
  char *name;
  CimLayer layer;
  CimLayerCost cost;
  CimLayerCost baseline;
} EstimateLayer;

typedef struct EstimateImpl {
  CimTarget target;
  int64_t baselineBits;
  EstimateLayer *layers;
  intptr_t numLayers, capLayers;
  CimLayerCost total, baselineTotal;
} EstimateImpl;

CimEstimate cimEstimateCreate(const CimTarget *target, int64_t baselineBits) {
  EstimateImpl *e = calloc(1, sizeof *e);
  if (!e)
    return (CimEstimate){NULL};
  e->target = *target;
  e->baselineBits = baselineBits;
  return (CimEstimate){e};
}

void cimEstimateDestroy(CimEstimate estimate) {
  EstimateImpl *e = estimate.ptr;
  if (!e)
    return;
  for (intptr_t i = 0; i < e->numLayers; ++i)
    free(e->layers[i].name);
  free(e->layers);
  free(e);
}

typedef struct Prefixed {
  MlirStringCallback cb;
  void *ud;
  const char *name;
} Prefixed;

static void prefixError(MlirStringRef s, void *userData) {
  Prefixed *p = userData;
  if (!p->cb)
    return;
  CimStrBuf b = {0};
  cimStrBufPrintf(&b, "layer '%s': ", p->name);
  cimStrBufAppendRef(&b, s);
  p->cb(mlirStringRefCreate(cimStrBufGet(&b), b.length), p->ud);
  cimStrBufFree(&b);
}

MlirLogicalResult cimEstimateAddLayer(CimEstimate estimate, const char *name,
                                      const CimLayer *layer,
                                      MlirStringCallback errorCallback,
                                      void *userData) {
  EstimateImpl *e = estimate.ptr;
  EstimateLayer l = {0};
  Prefixed p = {errorCallback, userData, name};
  if (mlirLogicalResultIsFailure(
          cimLayerCostCompute(&e->target, layer, &l.cost, prefixError, &p)))
    return mlirLogicalResultFailure();
  if (e->baselineBits > 0) {
    CimLayer b = *layer;
    b.wBits = b.aBits = e->baselineBits;
    if (mlirLogicalResultIsFailure(
            cimLayerCostCompute(&e->target, &b, &l.baseline, prefixError, &p)))
      return mlirLogicalResultFailure();
  }
  if (e->numLayers == e->capLayers) {
    intptr_t cap = e->capLayers ? e->capLayers * 2 : 16;
    EstimateLayer *grown = realloc(e->layers, (size_t)cap * sizeof *grown);
    if (!grown)
      return mlirLogicalResultFailure();
    e->layers = grown;
    e->capLayers = cap;
  }
  l.name = strdup(name);
  if (!l.name)
    return mlirLogicalResultFailure();
  l.layer = *layer;
  /* Totals first: a network whose sum does not fit keeps no layer. */
  CimLayerCost total = e->total, baselineTotal = e->baselineTotal;
  if (mlirLogicalResultIsFailure(cimLayerCostAccumulate(
          &total, &l.cost, prefixError, &p)) ||
      mlirLogicalResultIsFailure(cimLayerCostAccumulate(
          &baselineTotal, &l.baseline, prefixError, &p))) {
    free(l.name);
    return mlirLogicalResultFailure();
  }
  e->total = total;
  e->baselineTotal = baselineTotal;
  e->layers[e->numLayers++] = l;
  return mlirLogicalResultSuccess();
}

intptr_t cimEstimateGetNumLayers(CimEstimate estimate) {
  return ((EstimateImpl *)estimate.ptr)->numLayers;
}

const CimLayerCost *cimEstimateGetLayerCost(CimEstimate estimate, intptr_t i) {
  return &((EstimateImpl *)estimate.ptr)->layers[i].cost;
}

const CimLayerCost *cimEstimateGetTotalCost(CimEstimate estimate) {
  return &((EstimateImpl *)estimate.ptr)->total;
}

const CimLayerCost *cimEstimateGetBaselineTotalCost(CimEstimate estimate) {
  return &((EstimateImpl *)estimate.ptr)->baselineTotal;
}

/// Picoseconds as microseconds with three decimals (exact to the ns).
static void appendMicros(CimStrBuf *b, int64_t ps, int width) {
  char buf[64];
  snprintf(buf, sizeof buf, "%" PRId64 ".%03" PRId64, ps / 1000000,
           (ps % 1000000) / 1000);
  cimStrBufPrintf(b, "%*s", width, buf);
}

static double speedup(const CimLayerCost *base, const CimLayerCost *c) {
  return c->latencyPs ? (double)base->latencyPs / (double)c->latencyPs : 0.0;
}

static void appendRow(CimStrBuf *b, const EstimateImpl *e, const char *name,
                      const char *kind, const char *bits, const CimLayerCost *c,
                      const CimLayerCost *base) {
  cimStrBufPrintf(b, "%-24.24s %-7s %5s %6" PRId64 " %7" PRId64 " %12" PRId64
                     " %14" PRId64 " ",
                  name, kind, bits, c->tiles, c->writes, c->mvmCycles,
                  c->adcConversions);
  appendMicros(b, c->latencyPs, 16);
  cimStrBufPrintf(b, " %14.3f", (double)c->energyFj / 1e6);
  if (e->baselineBits > 0) {
    cimStrBufAppendCString(b, " ");
    appendMicros(b, base->latencyPs, 16);
    cimStrBufPrintf(b, " %8.3fx", speedup(base, c));
  }
  cimStrBufAppendCString(b, "\n");
}

void cimEstimatePrintTable(CimEstimate estimate, MlirStringCallback callback,
                           void *userData) {
  const EstimateImpl *e = estimate.ptr;
  CimStrBuf b = {0};
  cimStrBufPrintf(&b, "%-24s %-7s %5s %6s %7s %12s %14s %16s %14s", "layer",
                  "kind", "w/a", "tiles", "writes", "MVM cycles", "ADC reads",
                  "latency (us)", "energy (nJ)");
  if (e->baselineBits > 0) {
    char head[64];
    snprintf(head, sizeof head, "W%" PRId64 "A%" PRId64 " (us)", e->baselineBits,
             e->baselineBits);
    cimStrBufPrintf(&b, " %16s %9s", head, "speedup");
  }
  cimStrBufAppendCString(&b, "\n");
  for (intptr_t i = 0; i < e->numLayers; ++i) {
    const EstimateLayer *l = &e->layers[i];
    char bits[16];
    snprintf(bits, sizeof bits, "%" PRId64 "/%" PRId64, l->layer.wBits,
             l->layer.aBits);
    appendRow(&b, e, l->name, cimLayerKindGetName(l->layer.kind), bits, &l->cost,
              &l->baseline);
  }
  appendRow(&b, e, "total", "", "", &e->total, &e->baselineTotal);
  callback(mlirStringRefCreate(cimStrBufGet(&b), b.length), userData);
  cimStrBufFree(&b);
}

static json_t *costToJSON(const CimLayerCost *c) {
  json_t *o = json_object();
  for (intptr_t k = 0; o && k < cimLayerCostGetNumFields(); ++k)
    json_object_set_new(o, cimLayerCostFieldGetName(k),
                        json_integer((json_int_t)cimLayerCostGetField(c, k)));
  return o;
}

static bool writeJSON(FILE *out, void *root) {
  return json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
         fputc('\n', out) != EOF;
}

MlirLogicalResult cimEstimateWriteJSON(CimEstimate estimate, const char *path,
                                       MlirStringCallback errorCallback,
                                       void *userData) {
  const EstimateImpl *e = estimate.ptr;
  json_t *target = cimTargetToJSON(&e->target);
  json_t *layers = json_array();
  for (intptr_t i = 0; i < e->numLayers; ++i) {
    const EstimateLayer *l = &e->layers[i];
    json_t *entry = json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:o}", "name",
        l->name, "kind", cimLayerKindGetName(l->layer.kind), "in_dim",
        (json_int_t)l->layer.inDim, "out_dim", (json_int_t)l->layer.outDim,
        "invocations", (json_int_t)l->layer.invocations, "repeat",
        (json_int_t)l->layer.repeat, "w_bits", (json_int_t)l->layer.wBits,
        "a_bits", (json_int_t)l->layer.aBits, "w_signed", l->layer.wSigned,
        "a_signed", l->layer.aSigned, "cost", costToJSON(&l->cost));
    if (e->baselineBits > 0) {
      json_object_set_new(entry, "baseline", costToJSON(&l->baseline));
      json_object_set_new(entry, "speedup",
                          json_real(speedup(&l->baseline, &l->cost)));
    }
    json_array_append_new(layers, entry);
  }
  char fingerprint[24];
  snprintf(fingerprint, sizeof fingerprint, "0x%016" PRIx64,
           cimTargetGetFingerprint(&e->target));
  json_t *root = json_pack("{s:o, s:s, s:o, s:o}", "target", target,
                           "target_fingerprint", fingerprint, "layers",
                           layers, "total", costToJSON(&e->total));
  if (e->baselineBits > 0) {
    json_object_set_new(root, "baseline_bits", json_integer(e->baselineBits));
    json_object_set_new(root, "baseline_total", costToJSON(&e->baselineTotal));
    json_object_set_new(root, "speedup",
                        json_real(speedup(&e->baselineTotal, &e->total)));
  }
  MlirLogicalResult r =
      cimWriteFileAtomically(path, writeJSON, root, errorCallback, userData);
  json_decref(root);
  return r;
}
