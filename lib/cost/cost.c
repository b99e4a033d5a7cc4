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

#include <inttypes.h>

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

MlirLogicalResult cimLayerCostCompute(const CimTarget *t, const CimLayer *l,
                                      CimLayerCost *c,
                                      MlirStringCallback errorCallback,
                                      void *userData) {
  if (mlirLogicalResultIsFailure(cimTargetValidate(t, errorCallback, userData)))
    return mlirLogicalResultFailure();
  CimStrBuf msg = {0};
  if (l->wBits < 1 || l->wBits > 8 || l->aBits < 1 || l->aBits > 8) {
    cimStrBufPrintf(&msg,
                    "weights have %" PRId64 " bits and activations %" PRId64
                    " bits; crossbar layers take 1 to 8 bits",
                    l->wBits, l->aBits);
    return fail(errorCallback, userData, &msg);
  }
  if (l->inDim < 1 || l->outDim < 1 || l->invocations < 1 || l->repeat < 1) {
    cimStrBufPrintf(&msg,
                    "layer dimensions must be positive: in_dim %" PRId64
                    ", out_dim %" PRId64 ", invocations %" PRId64
                    ", repeat %" PRId64,
                    l->inDim, l->outDim, l->invocations, l->repeat);
    return fail(errorCallback, userData, &msg);
  }
  if (l->aSigned && t->inputEncoding == CIM_INPUT_ENCODING_UNSIGNED) {
    cimStrBufAppendCString(&msg, "the layer has signed activations but the "
                                 "target's input encoding is 'unsigned'");
    return fail(errorCallback, userData, &msg);
  }

  /* Dimensions up to 2^31 keep every product below of three of them in
   * int64 range; the event counts are then multiplied with overflow checks. */
  const int64_t maxDim = INT64_C(1) << 31;
  if (l->inDim > maxDim || l->outDim > maxDim || l->invocations > maxDim ||
      l->repeat > maxDim) {
    cimStrBufPrintf(&msg, "layer dimensions beyond 2^31 are not supported");
    return fail(errorCallback, userData, &msg);
  }
  CimLayerCost r = {0};
  r.weightSlices = ceilDiv(l->wBits, t->cellBits);
  r.inputPlanes = ceilDiv(l->aBits, t->dacBits);

  /* Columns and rows per tile, and what one crossbar can hold. */
  Split rows, cols;
  int64_t extraColsPerTile = 0;
  switch (t->weightMapping) {
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN: {
    /* cimTargetValidate guarantees cols >= 2 (one pair). */
    int64_t pairsPerXbar = t->cols / 2;
    Split pairs = split(l->outDim * r.weightSlices, pairsPerXbar);
    cols = (Split){pairs.tiles, pairs.full * 2, pairs.last * 2};
    rows = split(l->inDim, t->rows);
    r.columns = l->outDim * r.weightSlices * 2;
    r.rows = l->inDim;
    break;
  }
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW: {
    /* cimTargetValidate guarantees rows >= 2 (one pair). */
    int64_t pairsPerXbar = t->rows / 2;
    Split pairs = split(l->inDim, pairsPerXbar);
    rows = (Split){pairs.tiles, pairs.full * 2, pairs.last * 2};
    cols = split(l->outDim * r.weightSlices, t->cols);
    r.columns = l->outDim * r.weightSlices;
    r.rows = l->inDim * 2;
    break;
  }
  case CIM_WEIGHT_MAPPING_OFFSET:
  default: {
    /* cimTargetValidate guarantees cols >= 2 (data + bias column). */
    cols = split(l->outDim * r.weightSlices, t->cols - 1);
    rows = split(l->inDim, t->rows);
    extraColsPerTile = 1;
    r.columns = l->outDim * r.weightSlices;
    r.rows = l->inDim;
    break;
  }
  }
  bool ovf = false;
  r.rowTiles = rows.tiles;
  r.colTiles = cols.tiles;
  ovf |= __builtin_mul_overflow(rows.tiles, cols.tiles, &r.tiles);
  r.columns += extraColsPerTile * r.tiles;

  /* Sum over the tile grid: (rowTiles-1) full rows + 1 last, likewise cols. */
  int64_t cellSum = 0, subcycleSum = 0, conversionSum = 0, activationSum = 0;
  for (int rk = 0; rk < 2; ++rk) {
    int64_t nRowTiles = rk == 0 ? rows.tiles - 1 : 1;
    int64_t r_ = rk == 0 ? rows.full : rows.last;
    if (nRowTiles == 0)
      continue;
    for (int ck = 0; ck < 2; ++ck) {
      int64_t nColTiles = ck == 0 ? cols.tiles - 1 : 1;
      int64_t c_ = (ck == 0 ? cols.full : cols.last) + extraColsPerTile;
      if (nColTiles == 0)
        continue;
      int64_t n, sub = ceilDiv(r_, t->ouRows), x;
      ovf |= __builtin_mul_overflow(nRowTiles, nColTiles, &n);
      ovf |= __builtin_mul_overflow(n, r_, &x);
      ovf |= __builtin_mul_overflow(x, c_, &x);
      ovf |= __builtin_add_overflow(cellSum, x, &cellSum);
      ovf |= __builtin_mul_overflow(n, sub, &x);
      ovf |= __builtin_add_overflow(subcycleSum, x, &subcycleSum);
      ovf |= __builtin_mul_overflow(x, c_, &x);
      ovf |= __builtin_add_overflow(conversionSum, x, &conversionSum);
      ovf |= __builtin_mul_overflow(n, r_, &x);
      ovf |= __builtin_add_overflow(activationSum, x, &activationSum);
    }
  }
  int64_t perTileRun, tmp, t2, t3;
  ovf |= __builtin_mul_overflow(l->invocations, r.inputPlanes, &tmp);
  ovf |= __builtin_mul_overflow(tmp, l->repeat, &perTileRun);
  r.cells = cellSum;
  ovf |= __builtin_mul_overflow(r.tiles, l->repeat, &r.writes);
  ovf |= __builtin_mul_overflow(subcycleSum, perTileRun, &r.mvmCycles);
  ovf |= __builtin_mul_overflow(conversionSum, perTileRun, &r.adcConversions);
  ovf |= __builtin_mul_overflow(activationSum, perTileRun, &r.rowActivations);
  /* latency = writes * t_write + MVMs * t_mvm + conversions * t_adc */
  ovf |= __builtin_mul_overflow(r.writes, t->writePs, &tmp);
  ovf |= __builtin_mul_overflow(r.mvmCycles, t->mvmPs, &t2);
  ovf |= __builtin_add_overflow(tmp, t2, &tmp);
  ovf |= __builtin_mul_overflow(r.adcConversions, t->adcPs, &t2);
  ovf |= __builtin_add_overflow(tmp, t2, &r.latencyPs);
  /* energy = cells * repeat * e_write + activations * e_mvm + reads * e_adc */
  ovf |= __builtin_mul_overflow(cellSum, l->repeat, &tmp);
  ovf |= __builtin_mul_overflow(tmp, t->writeFj, &tmp);
  ovf |= __builtin_mul_overflow(r.rowActivations, t->mvmFj, &t2);
  ovf |= __builtin_mul_overflow(r.adcConversions, t->adcFj, &t3);
  ovf |= __builtin_add_overflow(tmp, t2, &tmp);
  ovf |= __builtin_add_overflow(tmp, t3, &r.energyFj);
  if (ovf) {
    cimStrBufAppendCString(&msg, "the layer's cost exceeds the 64-bit "
                                 "counters (picoseconds, femtojoules)");
    return fail(errorCallback, userData, &msg);
  }
  *c = r;
  return mlirLogicalResultSuccess();
}

void cimLayerCostAccumulate(CimLayerCost *total, const CimLayerCost *c) {
  total->weightSlices += c->weightSlices;
  total->inputPlanes += c->inputPlanes;
  total->columns += c->columns;
  total->rows += c->rows;
  total->rowTiles += c->rowTiles;
  total->colTiles += c->colTiles;
  total->tiles += c->tiles;
  total->cells += c->cells;
  total->writes += c->writes;
  total->mvmCycles += c->mvmCycles;
  total->adcConversions += c->adcConversions;
  total->rowActivations += c->rowActivations;
  total->latencyPs += c->latencyPs;
  total->energyFj += c->energyFj;
}
