/*===-- model_cost.c - The cost of policies on a target, one or many -------===*
 *
 * A policy's cost is a sum over layers of entries that depend only on the
 * layer, the target and its two widths (the analytic model, cim-c/Cost.h).
 * So the [L][8][8][F] table is computed once per target with
 * cimLayerCostCompute -- the function cim-estimate uses -- and kept in the
 * model; a batch of policies then costs one lookup and one checked add per
 * layer and field.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "cim-c/Model.h"
#include "model/ModelInternal.h"
#include "support/StrBuf.h"

enum { W = CIM_MODEL_MAX_BITS, A = CIM_MODEL_MAX_BITS };

static MlirLogicalResult failf(MlirStringCallback cb, void *ud,
                               CimStrBuf *msg) {
  if (cb)
    cb(mlirStringRefCreate(cimStrBufGet(msg), strlen(cimStrBufGet(msg))), ud);
  cimStrBufFree(msg);
  return mlirLogicalResultFailure();
}

/// Swallows the message of an entry the target cannot map (stored as -1).
static void ignore(MlirStringRef s, void *ud) {
  (void)s;
  (void)ud;
}

/// Fills `table` ([L][8][8][F]) for `target`.
static void fillTable(const CimModelImpl *m, const CimTarget *target,
                      int64_t *table) {
  intptr_t F = cimLayerCostGetNumFields();
  for (intptr_t i = 0; i < m->numLayers; ++i)
    for (int w = 1; w <= W; ++w)
      for (int a = 1; a <= A; ++a) {
        CimLayer l = m->layers[i].layer;
        l.wBits = w;
        l.aBits = a;
        CimLayerCost c;
        int64_t *row = table + ((i * W + w - 1) * A + a - 1) * F;
        if (mlirLogicalResultIsFailure(
                cimLayerCostCompute(target, &l, &c, ignore, NULL))) {
          for (intptr_t f = 0; f < F; ++f)
            row[f] = -1;
          continue;
        }
        for (intptr_t f = 0; f < F; ++f)
          row[f] = cimLayerCostGetField(&c, f);
      }
}

/// The model's table for `target`, computed when the target differs from
/// the cached one. NULL after a message on an invalid target.
static const int64_t *tableFor(CimModelImpl *m, const CimTarget *target,
                               MlirStringCallback cb, void *ud) {
  if (m->table && cimTargetEqual(&m->tableTarget, target))
    return m->table;
  if (mlirLogicalResultIsFailure(cimTargetValidate(target, cb, ud)))
    return NULL;
  size_t entries = (size_t)(m->numLayers ? m->numLayers : 1) * W * A *
                   (size_t)cimLayerCostGetNumFields();
  int64_t *table = malloc(entries * sizeof *table);
  if (!table)
    abort();
  fillTable(m, target, table);
  free(m->table);
  m->table = table;
  m->tableTarget = *target;
  return table;
}

MlirLogicalResult cimModelGetCostTable(CimModel model, const CimTarget *target,
                                       int64_t *out,
                                       MlirStringCallback errorCallback,
                                       void *userData) {
  CimModelImpl *m = model.ptr;
  const int64_t *table = tableFor(m, target, errorCallback, userData);
  if (!table)
    return mlirLogicalResultFailure();
  memcpy(out, table,
         (size_t)m->numLayers * W * A * (size_t)cimLayerCostGetNumFields() *
             sizeof *out);
  return mlirLogicalResultSuccess();
}

/// Why layer `i` of policy `p` cannot be costed: bits out of range, or a
/// width the target cannot map (cimLayerCostCompute's own message).
static MlirLogicalResult badEntry(const CimModelImpl *m,
                                  const CimTarget *target, intptr_t p,
                                  intptr_t i, int64_t w, int64_t a,
                                  MlirStringCallback cb, void *ud) {
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "policy %ld, layer %ld ('%s'): ", (long)p, (long)i,
                  m->layers[i].name);
  if (w < 1 || w > W || a < 1 || a > A) {
    cimStrBufPrintf(&msg,
                    "w_bits %lld and a_bits %lld must both be in 1..%d",
                    (long long)w, (long long)a, W);
    return failf(cb, ud, &msg);
  }
  CimLayer l = m->layers[i].layer;
  l.wBits = w;
  l.aBits = a;
  CimLayerCost c;
  CimStrBuf reason = {0};
  if (mlirLogicalResultIsFailure(cimLayerCostCompute(
          target, &l, &c, cimStrBufCallback, &reason)))
    cimStrBufAppendCString(&msg, cimStrBufGet(&reason));
  else
    cimStrBufAppendCString(&msg, "cannot be costed");
  cimStrBufFree(&reason);
  return failf(cb, ud, &msg);
}

MlirLogicalResult cimModelEstimateBatch(
    CimModel model, const CimTarget *target, intptr_t numPolicies,
    const int64_t *policies, const intptr_t *fields, intptr_t numFields,
    int64_t *totals, int64_t *layerCosts, MlirStringCallback errorCallback,
    void *userData) {
  CimModelImpl *m = model.ptr;
  intptr_t F = cimLayerCostGetNumFields(), L = m->numLayers;
  for (intptr_t k = 0; fields && k < numFields; ++k)
    if (fields[k] < 0 || fields[k] >= F) {
      CimStrBuf msg = {0};
      cimStrBufPrintf(&msg, "cost field %ld is not in 0..%ld", (long)fields[k],
                      (long)(F - 1));
      return failf(errorCallback, userData, &msg);
    }
  if (!fields && numFields != F) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "numFields must be %ld when fields is NULL",
                    (long)F);
    return failf(errorCallback, userData, &msg);
  }
  const int64_t *table = tableFor(m, target, errorCallback, userData);
  if (!table)
    return mlirLogicalResultFailure();
  for (intptr_t p = 0; p < numPolicies; ++p) {
    int64_t *total = totals + p * numFields;
    memset(total, 0, (size_t)numFields * sizeof *total);
    const int64_t *bits = policies + p * L * 2;
    for (intptr_t i = 0; i < L; ++i) {
      int64_t w = bits[2 * i], a = bits[2 * i + 1];
      if (w < 1 || w > W || a < 1 || a > A)
        return badEntry(m, target, p, i, w, a, errorCallback, userData);
      const int64_t *row = table + ((i * W + w - 1) * A + a - 1) * F;
      if (row[0] < 0)
        return badEntry(m, target, p, i, w, a, errorCallback, userData);
      int64_t *out = layerCosts ? layerCosts + (p * L + i) * numFields : NULL;
      for (intptr_t k = 0; k < numFields; ++k) {
        int64_t v = row[fields ? fields[k] : k];
        if (out)
          out[k] = v;
        if (__builtin_add_overflow(total[k], v, &total[k])) {
          CimStrBuf msg = {0};
          cimStrBufPrintf(&msg, "policy %ld: the total %s exceeds 64 bits",
                          (long)p,
                          cimLayerCostFieldGetName(fields ? fields[k] : k));
          return failf(errorCallback, userData, &msg);
        }
      }
    }
  }
  return mlirLogicalResultSuccess();
}
