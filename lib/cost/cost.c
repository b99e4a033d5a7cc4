/*===-- cost.c - Exact crossbar cost of a matrix-vector layer --------------===*
 *
 * The mapping (docs/target.md has the derivations):
 *  - weight slices   S = ceil(w / cell_bits); input planes P = ceil(a / dac_bits)
 *  - differential column: columns = out * S * 2, kept in pairs, so a crossbar
 *    holds floor(cols / 2) pairs; rows = in.
 *  - differential row: rows = in * 2, kept in pairs, floor(rows / 2) per
 *    crossbar; columns = out * S.
 *  - offset: columns = out * S data columns, cols - 1 per crossbar plus one
 *    bias column in every tile; rows = in.
 *  - tiles = rowTiles * colTiles; the last row and column tile may be ragged.
 *  - each MVM of a tile with r rows takes ceil(r / ou_rows) sub-cycles;
 *    every sub-cycle converts every used column of the tile once.
 *  - writes = tiles * repeat; MVM cycles = sum over tiles of sub-cycles,
 *    times invocations * P * repeat.
 * With the reference target (ou_rows = rows) the MVM count reduces to the
 * published model: invocations * tiles * ceil(a / dac_bits) (* repeat).
 *===----------------------------------------------------------------------===*/

#include "cim-c/Cost.h"

#include <assert.h>
#include <inttypes.h>
#include <stddef.h>

#include "support/StrBuf.h"

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

static MlirLogicalResult fail(MlirStringCallback cb, void *ud, CimStrBuf *msg) {
  if (cb)
    cb(mlirStringRefCreate(cimStrBufGet(msg), msg->length), ud);
  cimStrBufFree(msg);
  return mlirLogicalResultFailure();
}

/// Splits `n` items into tiles of at most `cap`: number of tiles, size of the
/// full ones and of the last one.
typedef struct Split {
  int64_t tiles, full, last;
} Split;

static Split split(int64_t n, int64_t cap) {
  Split s;
  s.tiles = ceilDiv(n, cap);
  s.full = cap;
  s.last = n - (s.tiles - 1) * cap;
  return s;
}

/// Rejects a layer the model cannot map (the target is valid).
static MlirLogicalResult checkLayer(const CimTarget *t, const CimLayer *l,
                                    MlirStringCallback cb, void *ud) {
  CimStrBuf msg = {0};
  if (l->wBits < 1 || l->wBits > 8 || l->aBits < 1 || l->aBits > 8) {
    cimStrBufPrintf(&msg,
                    "weights have %" PRId64 " bits and activations %" PRId64
                    " bits; crossbar layers take 1 to 8 bits",
                    l->wBits, l->aBits);
    return fail(cb, ud, &msg);
  }
  if (l->inDim < 1 || l->outDim < 1 || l->invocations < 1 || l->repeat < 1) {
    cimStrBufPrintf(&msg,
                    "layer dimensions must be positive: in_dim %" PRId64
                    ", out_dim %" PRId64 ", invocations %" PRId64
                    ", repeat %" PRId64,
                    l->inDim, l->outDim, l->invocations, l->repeat);
    return fail(cb, ud, &msg);
  }
  /* The check cim-bitslice makes: the same designs, the same reason. */
  if (mlirLogicalResultIsFailure(
          cimTargetCheckActivations(t, l->aBits, l->aSigned, cb, ud)))
    return mlirLogicalResultFailure();
  /* Dimensions up to 2^31 keep every product below of three of them in
   * int64 range; the event counts are then multiplied with overflow checks. */
  const int64_t maxDim = INT64_C(1) << 31;
  if (l->inDim > maxDim || l->outDim > maxDim || l->invocations > maxDim ||
      l->repeat > maxDim) {
    cimStrBufPrintf(&msg, "layer dimensions beyond 2^31 are not supported");
    return fail(cb, ud, &msg);
  }
  return mlirLogicalResultSuccess();
}

/// The tile grid of `l` on `t`: slices, planes, logical rows and columns,
/// and the row and column splits (`*extraCols` bias columns per tile).
static void mapLayer(const CimTarget *t, const CimLayer *l, CimLayerCost *r,
                     Split *rows, Split *cols, int64_t *extraCols) {
  r->weightSlices = ceilDiv(l->wBits, t->cellBits);
  r->inputPlanes = cimTargetInputPlanes(t, l->aBits, l->aSigned);
  *extraCols = 0;
  switch (t->weightMapping) {
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN: {
    /* cimTargetValidate guarantees cols >= 2 (one pair). */
    int64_t pairsPerXbar = t->cols / 2;
    Split pairs = split(l->outDim * r->weightSlices, pairsPerXbar);
    *cols = (Split){pairs.tiles, pairs.full * 2, pairs.last * 2};
    *rows = split(l->inDim, t->rows);
    r->columns = l->outDim * r->weightSlices * 2;
    r->rows = l->inDim;
    break;
  }
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW: {
    /* cimTargetValidate guarantees rows >= 2 (one pair). */
    int64_t pairsPerXbar = t->rows / 2;
    Split pairs = split(l->inDim, pairsPerXbar);
    *rows = (Split){pairs.tiles, pairs.full * 2, pairs.last * 2};
    *cols = split(l->outDim * r->weightSlices, t->cols);
    r->columns = l->outDim * r->weightSlices;
    r->rows = l->inDim * 2;
    break;
  }
  case CIM_WEIGHT_MAPPING_OFFSET:
  default:
    /* cimTargetValidate guarantees cols >= 2 (data + bias column). */
    *cols = split(l->outDim * r->weightSlices, t->cols - 1);
    *rows = split(l->inDim, t->rows);
    *extraCols = 1;
    r->columns = l->outDim * r->weightSlices;
    r->rows = l->inDim;
    break;
  }
  r->rowTiles = rows->tiles;
  r->colTiles = cols->tiles;
}

/// Sums over the tile grid of one pass over all tiles: cells, sub-cycles,
/// conversions and row activations. (rowTiles-1) full rows + 1 last, and
/// likewise for the columns. False on int64 overflow.
static bool sumTiles(const CimTarget *t, Split rows, Split cols,
                     int64_t extraCols, CimLayerCost *sum) {
  bool ovf = false;
  for (int rk = 0; rk < 2; ++rk) {
    int64_t nRowTiles = rk == 0 ? rows.tiles - 1 : 1;
    int64_t r_ = rk == 0 ? rows.full : rows.last;
    for (int ck = 0; ck < 2 && nRowTiles > 0; ++ck) {
      int64_t nColTiles = ck == 0 ? cols.tiles - 1 : 1;
      int64_t c_ = (ck == 0 ? cols.full : cols.last) + extraCols;
      if (nColTiles == 0)
        continue;
      int64_t n, sub = ceilDiv(r_, t->ouRows), x;
      ovf |= __builtin_mul_overflow(nRowTiles, nColTiles, &n);
      ovf |= __builtin_mul_overflow(n, r_, &x);
      ovf |= __builtin_mul_overflow(x, c_, &x);
      ovf |= __builtin_add_overflow(sum->cells, x, &sum->cells);
      ovf |= __builtin_mul_overflow(n, sub, &x);
      ovf |= __builtin_add_overflow(sum->mvmCycles, x, &sum->mvmCycles);
      ovf |= __builtin_mul_overflow(x, c_, &x);
      ovf |= __builtin_add_overflow(sum->adcConversions, x,
                                    &sum->adcConversions);
      ovf |= __builtin_mul_overflow(n, r_, &x);
      ovf |= __builtin_add_overflow(sum->rowActivations, x,
                                    &sum->rowActivations);
    }
  }
  return !ovf;
}

MlirLogicalResult cimLayerCostCompute(const CimTarget *t, const CimLayer *l,
                                      CimLayerCost *c,
                                      MlirStringCallback errorCallback,
                                      void *userData) {
  if (mlirLogicalResultIsFailure(cimTargetValidate(t, errorCallback, userData)) ||
      mlirLogicalResultIsFailure(checkLayer(t, l, errorCallback, userData)))
    return mlirLogicalResultFailure();
  CimLayerCost r = {0}, grid = {0};
  Split rows, cols;
  int64_t extraCols;
  mapLayer(t, l, &r, &rows, &cols, &extraCols);
  bool ovf = __builtin_mul_overflow(rows.tiles, cols.tiles, &r.tiles);
  ovf = ovf || !sumTiles(t, rows, cols, extraCols, &grid);
  r.columns += extraCols * r.tiles;
  /* Every tile runs invocations * P * repeat times; written repeat times. */
  int64_t runs, written;
  ovf |= __builtin_mul_overflow(l->invocations, r.inputPlanes, &runs);
  ovf |= __builtin_mul_overflow(runs, l->repeat, &runs);
  r.cells = grid.cells;
  ovf |= __builtin_mul_overflow(grid.cells, l->repeat, &written);
  ovf |= __builtin_mul_overflow(r.tiles, l->repeat, &r.writes);
  ovf |= __builtin_mul_overflow(grid.mvmCycles, runs, &r.mvmCycles);
  ovf |= __builtin_mul_overflow(grid.adcConversions, runs, &r.adcConversions);
  ovf |= __builtin_mul_overflow(grid.rowActivations, runs, &r.rowActivations);
  if (ovf) {
    CimStrBuf msg = {0};
    cimStrBufAppendCString(&msg, "the layer's event counts exceed 64 bits");
    return fail(errorCallback, userData, &msg);
  }
  /* The analytic model counts the crossbar events only: no digital ops,
   * no buffer accesses (docs/target.md, "Cost model"). */
  CimEventCounts events = {.writes = r.writes,
                           .cellsWritten = written,
                           .mvmCycles = r.mvmCycles,
                           .rowActivations = r.rowActivations,
                           .adcConversions = r.adcConversions};
  CimEventCost price;
  if (mlirLogicalResultIsFailure(
          cimPriceEvents(t, &events, &price, errorCallback, userData)))
    return mlirLogicalResultFailure();
  r.latencyPs = price.totalLatencyPs;
  r.energyFj = price.totalEnergyFj;
  *c = r;
  return mlirLogicalResultSuccess();
}

/// The fields of CimLayerCost (CIM_LAYER_COST_FIELDS): JSON key, prose name
/// and offset.
static const struct {
  const char *key, *name;
  size_t offset;
} costFields[] = {
#define COST_FIELD(MEMBER, KEY, PROSE, DOC)                                    \
  {KEY, PROSE, offsetof(CimLayerCost, MEMBER)},
    CIM_LAYER_COST_FIELDS(COST_FIELD)
#undef COST_FIELD
};
_Static_assert(sizeof costFields / sizeof costFields[0] ==
                   sizeof(CimLayerCost) / sizeof(int64_t),
               "every field of CimLayerCost is in the table");

const char *cimLayerKindGetName(CimLayerKind kind) {
  switch (kind) {
  case CIM_LAYER_CONV2D:
    return "conv2d";
  case CIM_LAYER_DENSE:
    return "dense";
  case CIM_LAYER_MATMUL:
    return "matmul";
  }
  return "?";
}

intptr_t cimLayerCostGetNumFields(void) {
  return (intptr_t)(sizeof costFields / sizeof costFields[0]);
}

const char *cimLayerCostFieldGetName(intptr_t index) {
  if (index < 0 || index >= cimLayerCostGetNumFields())
    return NULL;
  return costFields[index].key;
}

int64_t cimLayerCostGetField(const CimLayerCost *cost, intptr_t index) {
  assert(index >= 0 && index < cimLayerCostGetNumFields());
  return *(const int64_t *)((const char *)cost + costFields[index].offset);
}

MlirLogicalResult cimLayerCostAccumulate(CimLayerCost *total,
                                         const CimLayerCost *c,
                                         MlirStringCallback errorCallback,
                                         void *userData) {
  CimLayerCost sum = *total;
  for (size_t k = 0; k < sizeof costFields / sizeof costFields[0]; ++k) {
    int64_t *to = (int64_t *)((char *)&sum + costFields[k].offset);
    int64_t v = *(const int64_t *)((const char *)c + costFields[k].offset);
    if (__builtin_add_overflow(*to, v, to)) {
      CimStrBuf msg = {0};
      cimStrBufPrintf(&msg, "the total %s over the layers exceeds 64 bits",
                      costFields[k].name);
      return fail(errorCallback, userData, &msg);
    }
  }
  *total = sum;
  return mlirLogicalResultSuccess();
}
