/*===-- count.c - cim-estimate on xbar IR: counting the crossbar program ---===*
 *
 * docs/dialects/xbar.md, "Counting on xbar IR": events are read off the ops,
 * not computed from a formula. Per layer (the `layer` attribute of
 * xbar.write / xbar.mvm / xbar.adc, within its function):
 *   writes          = number of xbar.write
 *   cells written   = sum over writes of R * C (the written regions)
 *   MVM cycles      = sum over xbar.mvm of M (rows of the digits operand)
 *   row activations = sum over xbar.mvm of M * rows
 *   ADC conversions = sum over xbar.adc of its element count
 * latency and energy follow with the target's costs, priced by
 * cimPriceEvents (lib/cost/pricing.c) like the analytic model and the ISA:
 *   latency = writes * t_write + MVMs * t_mvm + conversions * t_adc
 *   energy  = cells * e_write + activations * e_mvm + conversions * e_adc
 * A count or a cost beyond int64 is an error naming the layer, never a wrap.
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"

#include "support/FileIO.h"
#include "ir/LayerInfo.h"
#include "Mapping.h"
#include "ir/PassUtils.h"
#include "support/StrBuf.h"
#include "target/TargetJSON.h"

typedef struct Group {
  MlirOperation func; /* the function the layer is in */
  int64_t layer;
  char name[128];
  CimXbarCounts c;
} Group;

typedef struct Counter {
  Group *groups;
  intptr_t n, cap;
  bool oom, any;
  bool failed; /* an error was emitted */
} Counter;

static MlirOperation enclosingFunc(MlirOperation op) {
  MlirOperation p = mlirOperationGetParentOperation(op);
  while (!mlirOperationIsNull(p) && !cimOpIsA(p, "func.func"))
    p = mlirOperationGetParentOperation(p);
  return p;
}

/// Elements of a static tensor type; -1 when dynamic or beyond int64.
static int64_t elements(MlirType t) {
  if (!mlirTypeIsARankedTensor(t) || !mlirShapedTypeHasStaticShape(t))
    return -1;
  int64_t n = 1;
  for (intptr_t i = 0; i < mlirShapedTypeGetRank(t); ++i)
    if (__builtin_mul_overflow(n, mlirShapedTypeGetDimSize(t, i), &n))
      return -1;
  return n;
}

static Group *groupFor(Counter *c, MlirOperation op) {
  MlirOperation func = enclosingFunc(op);
  int64_t layer = cimMapIntAttr(op, "layer", -1);
  for (intptr_t i = c->n - 1; i >= 0; --i)
    if (c->groups[i].layer == layer &&
        mlirOperationEqual(c->groups[i].func, func))
      return &c->groups[i];
  if (c->n == c->cap) {
    intptr_t cap = c->cap ? c->cap * 2 : 16;
    Group *grown = realloc(c->groups, (size_t)cap * sizeof *grown);
    if (!grown)
      return NULL;
    c->groups = grown;
    c->cap = cap;
  }
  Group *g = &c->groups[c->n];
  memset(g, 0, sizeof *g);
  g->func = func;
  g->layer = layer;
  cimLayerGetName(op, c->n, g->name, sizeof g->name);
  c->n++;
  return g;
}

/// The events of one xbar.write / xbar.mvm / xbar.adc. False when a shape
/// is dynamic, `rows` negative or a product exceeds int64.
static bool opEvents(MlirOperation op, bool write, bool mvm,
                     CimEventCounts *ev) {
  if (write) {
    ev->writes = 1;
    ev->cellsWritten =
        elements(mlirValueGetType(mlirOperationGetOperand(op, 0)));
    return ev->cellsWritten >= 0;
  }
  if (mvm) {
    /* digits: the last operand (the tile copies come first). */
    MlirType d = mlirValueGetType(
        mlirOperationGetOperand(op, mlirOperationGetNumOperands(op) - 1));
    int64_t m = mlirTypeIsARankedTensor(d) && mlirShapedTypeGetRank(d) == 2
                    ? mlirShapedTypeGetDimSize(d, 0)
                    : -1;
    int64_t rows = cimMapIntAttr(op, "rows", 0);
    ev->mvmCycles = m;
    return m >= 0 && rows >= 0 &&
           !__builtin_mul_overflow(m, rows, &ev->rowActivations);
  }
  ev->adcConversions =
      elements(mlirValueGetType(mlirOperationGetResult(op, 0)));
  return ev->adcConversions >= 0;
}

typedef struct Named {
  MlirLocation loc;
  const char *name;
} Named;

/// Emits an error at `loc`, naming the layer (or "total").
static void emitForLayer(MlirStringRef s, void *ud) {
  const Named *n = ud;
  cimEmitErrorf(n->loc, "cim-estimate: %s (xbar): %.*s", n->name,
                (int)s.length, s.data);
}

static MlirWalkResult countOp(MlirOperation op, void *userData) {
  Counter *c = userData;
  bool write = cimOpIsA(op, "xbar.write"), mvm = cimOpIsA(op, "xbar.mvm"),
       adc = cimOpIsA(op, "xbar.adc");
  if (!write && !mvm && !adc)
    return MlirWalkResultAdvance;
  c->any = true;
  Group *g = groupFor(c, op);
  if (!g) {
    c->oom = true;
    return MlirWalkResultInterrupt;
  }
  char name[160];
  snprintf(name, sizeof name, "layer '%s'", g->name);
  Named at = {mlirOperationGetLocation(op), name};
  CimEventCounts ev = {0};
  if (!opEvents(op, write, mvm, &ev)) {
    emitForLayer(mlirStringRefCreateFromCString(
                     "the op has a dynamic shape, negative rows or more than "
                     "2^63 events"),
                 &at);
    c->failed = true;
    return MlirWalkResultInterrupt;
  }
  if (mlirLogicalResultIsFailure(
          cimEventCountsAdd(&g->c.events, &ev, emitForLayer, &at))) {
    c->failed = true;
    return MlirWalkResultInterrupt;
  }
  return MlirWalkResultAdvance;
}

/// Prices every layer and the total (the sum of the layers' events).
static bool priceAll(Counter *c, const CimTarget *t, CimXbarCounts *total,
                     MlirLocation loc) {
  for (intptr_t i = 0; i < c->n; ++i) {
    CimXbarCounts *g = &c->groups[i].c;
    char name[160];
    snprintf(name, sizeof name, "layer '%s'", c->groups[i].name);
    Named n = {loc, name};
    if (mlirLogicalResultIsFailure(
            cimPriceEvents(t, &g->events, &g->cost, emitForLayer, &n)))
      return false;
    Named tn = {loc, "total"};
    if (mlirLogicalResultIsFailure(cimEventCountsAdd(
            &total->events, &g->events, emitForLayer, &tn)))
      return false;
  }
  Named tn = {loc, "total"};
  return mlirLogicalResultIsSuccess(
      cimPriceEvents(t, &total->events, &total->cost, emitForLayer, &tn));
}

bool cimXbarHasCrossbarOps(MlirOperation root) {
  static const char *const names[] = {"xbar.write", "xbar.mvm", "xbar.adc",
                                      NULL};
  MlirOperation *ops;
  intptr_t n;
  bool ok = cimMapCollect(root, names, &ops, &n);
  free(ops);
  return ok && n > 0;
}

static void printRow(FILE *out, const char *name, const CimXbarCounts *c) {
  const CimEventCounts *e = &c->events;
  int64_t ps = c->cost.totalLatencyPs;
  fprintf(out, "%-24.24s %7lld %12lld %12lld %16lld.%03lld %14.3f\n", name,
          (long long)e->writes, (long long)e->mvmCycles,
          (long long)e->adcConversions, (long long)(ps / 1000000),
          (long long)((ps / 1000) % 1000),
          (double)c->cost.totalEnergyFj / 1e6);
}

typedef struct Report {
  const Counter *counter;
  const CimXbarCounts *total;
  const CimTarget *target;
} Report;

static bool writeTable(FILE *out, void *data) {
  const Report *r = data;
  fprintf(out, "%-24s %7s %12s %12s %20s %14s\n", "layer (xbar)", "writes",
          "MVM cycles", "ADC reads", "latency (us)", "energy (nJ)");
  for (intptr_t i = 0; i < r->counter->n; ++i)
    printRow(out, r->counter->groups[i].name, &r->counter->groups[i].c);
  printRow(out, "total", r->total);
  return !ferror(out);
}

static json_t *countsJSON(const CimXbarCounts *c) {
  const CimEventCounts *e = &c->events;
  return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "writes",
                   (json_int_t)e->writes, "cells_written",
                   (json_int_t)e->cellsWritten, "mvm_cycles",
                   (json_int_t)e->mvmCycles, "adc_conversions",
                   (json_int_t)e->adcConversions, "row_activations",
                   (json_int_t)e->rowActivations, "latency_ps",
                   (json_int_t)c->cost.totalLatencyPs, "energy_fj",
                   (json_int_t)c->cost.totalEnergyFj);
}

static bool writeJSON(FILE *out, void *data) {
  const Report *r = data;
  json_t *layers = json_array();
  for (intptr_t i = 0; i < r->counter->n; ++i) {
    const Group *g = &r->counter->groups[i];
    json_t *e = countsJSON(&g->c);
    json_object_set_new(e, "name", json_string(g->name));
    json_object_set_new(e, "layer", json_integer(g->layer));
    json_array_append_new(layers, e);
  }
  char fingerprint[24];
  snprintf(fingerprint, sizeof fingerprint, "0x%016" PRIx64,
           cimTargetGetFingerprint(r->target));
  json_t *root = json_pack("{s:s, s:o, s:s, s:o, s:o}", "source", "xbar",
                           "target", cimTargetToJSON(r->target),
                           "target_fingerprint", fingerprint, "layers",
                           layers, "total", countsJSON(r->total));
  bool ok = root && json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
            fputc('\n', out) != EOF;
  json_decref(root);
  return ok && !ferror(out);
}

static void emitAt(MlirStringRef s, void *loc) {
  CimStrBuf b = {0};
  cimStrBufAppendRef(&b, s);
  mlirEmitError(*(MlirLocation *)loc, cimStrBufGet(&b));
  cimStrBufFree(&b);
}

MlirLogicalResult cimXbarEstimate(MlirOperation module, const CimTarget *target,
                                  MlirStringRef tablePath,
                                  MlirStringRef reportPath) {
  MlirLocation loc = mlirOperationGetLocation(module);
  Counter c = {0};
  mlirOperationWalk(module, countOp, &c, MlirWalkPreOrder);
  CimXbarCounts total = {0};
  if (c.oom)
    cimEmitErrorf(loc, "cim-estimate: out of memory");
  bool ok = !c.oom && !c.failed && priceAll(&c, target, &total, loc);
  Report r = {&c, &total, target};
  if (ok && mlirStringRefEqual(tablePath, mlirStringRefCreateFromCString("-"))) {
    ok = writeTable(stderr, &r);
  } else if (ok && tablePath.length > 0) {
    CimStrBuf path = {0};
    cimStrBufAppendRef(&path, tablePath);
    ok = mlirLogicalResultIsSuccess(cimWriteFileAtomically(
        cimStrBufGet(&path), writeTable, &r, emitAt, &loc));
    cimStrBufFree(&path);
  }
  if (ok && reportPath.length > 0) {
    CimStrBuf path = {0};
    cimStrBufAppendRef(&path, reportPath);
    ok = mlirLogicalResultIsSuccess(cimWriteFileAtomically(
        cimStrBufGet(&path), writeJSON, &r, emitAt, &loc));
    cimStrBufFree(&path);
  }
  free(c.groups);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
