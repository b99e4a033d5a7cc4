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
 * latency and energy follow with the target's costs, as in lib/cost/cost.c:
 *   latency = writes * t_write + MVMs * t_mvm + conversions * t_adc
 *   energy  = cells * e_write + activations * e_mvm + conversions * e_adc
 *===----------------------------------------------------------------------===*/

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
  bool overflow;
} Counter;

static MlirOperation enclosingFunc(MlirOperation op) {
  MlirOperation p = mlirOperationGetParentOperation(op);
  while (!mlirOperationIsNull(p) && !cimOpIsA(p, "func.func"))
    p = mlirOperationGetParentOperation(p);
  return p;
}

static int64_t elements(MlirType t) {
  if (!mlirTypeIsARankedTensor(t) || !mlirShapedTypeHasStaticShape(t))
    return -1;
  int64_t n = 1;
  for (intptr_t i = 0; i < mlirShapedTypeGetRank(t); ++i)
    n *= mlirShapedTypeGetDimSize(t, i);
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
  bool ovf = false;
  if (write) {
    int64_t cells = elements(mlirValueGetType(mlirOperationGetOperand(op, 0)));
    g->c.writes += 1;
    ovf |= cells < 0 || __builtin_add_overflow(g->c.cells, cells, &g->c.cells);
  } else if (mvm) {
    /* digits: the last operand (the tile copies come first). */
    MlirType d = mlirValueGetType(
        mlirOperationGetOperand(op, mlirOperationGetNumOperands(op) - 1));
    int64_t m = mlirTypeIsARankedTensor(d) && mlirShapedTypeGetRank(d) == 2
                    ? mlirShapedTypeGetDimSize(d, 0)
                    : -1;
    int64_t act;
    ovf |= m < 0 ||
           __builtin_add_overflow(g->c.mvmCycles, m, &g->c.mvmCycles) ||
           __builtin_mul_overflow(m, cimMapIntAttr(op, "rows", 0), &act) ||
           __builtin_add_overflow(g->c.rowActivations, act,
                                  &g->c.rowActivations);
  } else {
    int64_t n = elements(mlirValueGetType(mlirOperationGetResult(op, 0)));
    ovf |= n < 0 || __builtin_add_overflow(g->c.adcConversions, n,
                                           &g->c.adcConversions);
  }
  if (ovf) {
    c->overflow = true;
    return MlirWalkResultInterrupt;
  }
  return MlirWalkResultAdvance;
}

static bool costs(const CimTarget *t, CimXbarCounts *c) {
  bool ovf = false;
  int64_t a, b;
  ovf |= __builtin_mul_overflow(c->writes, t->writePs, &a);
  ovf |= __builtin_mul_overflow(c->mvmCycles, t->mvmPs, &b);
  ovf |= __builtin_add_overflow(a, b, &a);
  ovf |= __builtin_mul_overflow(c->adcConversions, t->adcPs, &b);
  ovf |= __builtin_add_overflow(a, b, &c->latencyPs);
  ovf |= __builtin_mul_overflow(c->cells, t->writeFj, &a);
  ovf |= __builtin_mul_overflow(c->rowActivations, t->mvmFj, &b);
  ovf |= __builtin_add_overflow(a, b, &a);
  ovf |= __builtin_mul_overflow(c->adcConversions, t->adcFj, &b);
  ovf |= __builtin_add_overflow(a, b, &c->energyFj);
  return !ovf;
}

static void add(CimXbarCounts *total, const CimXbarCounts *c) {
  total->writes += c->writes;
  total->cells += c->cells;
  total->mvmCycles += c->mvmCycles;
  total->rowActivations += c->rowActivations;
  total->adcConversions += c->adcConversions;
  total->latencyPs += c->latencyPs;
  total->energyFj += c->energyFj;
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
  fprintf(out, "%-24.24s %7lld %12lld %12lld %16lld.%03lld %14.3f\n", name,
          (long long)c->writes, (long long)c->mvmCycles,
          (long long)c->adcConversions, (long long)(c->latencyPs / 1000000),
          (long long)((c->latencyPs / 1000) % 1000), (double)c->energyFj / 1e6);
}

typedef struct Report {
  const Counter *counter;
  const CimXbarCounts *total;
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
  return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "writes",
                   (json_int_t)c->writes, "cells_written", (json_int_t)c->cells,
                   "mvm_cycles", (json_int_t)c->mvmCycles, "adc_conversions",
                   (json_int_t)c->adcConversions, "row_activations",
                   (json_int_t)c->rowActivations, "latency_ps",
                   (json_int_t)c->latencyPs, "energy_fj",
                   (json_int_t)c->energyFj);
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
  json_t *root = json_pack("{s:s, s:o, s:o}", "source", "xbar", "layers",
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
  bool ok = !c.oom && !c.overflow;
  if (c.overflow)
    cimEmitErrorf(loc, "cim-estimate: the xbar program's counts exceed 64 "
                       "bits or an xbar op has a dynamic shape");
  for (intptr_t i = 0; ok && i < c.n; ++i) {
    ok = costs(target, &c.groups[i].c);
    add(&total, &c.groups[i].c);
  }
  if (ok && c.n > 0 && !costs(target, &total))
    ok = false;
  if (!ok && !c.overflow)
    cimEmitErrorf(loc, "cim-estimate: the xbar program's cost exceeds the "
                       "64-bit counters (picoseconds, femtojoules)");
  Report r = {&c, &total};
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
