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

#include "StrBuf.h"

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

  CimLayerCost r = {0};
  r.weightSlices = ceilDiv(l->wBits, t->cellBits);
  r.inputPlanes = ceilDiv(l->aBits, t->dacBits);

  /* Columns and rows per tile, and what one crossbar can hold. */
  Split rows, cols;
  int64_t extraColsPerTile = 0;
  switch (t->weightMapping) {
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN: {
    int64_t pairsPerXbar = t->cols / 2;
    if (pairsPerXbar < 1) {
      cimStrBufPrintf(&msg,
                      "a crossbar with %" PRId64 " column(s) cannot hold one "
                      "differential column pair",
                      t->cols);
      return fail(errorCallback, userData, &msg);
    }
    Split pairs = split(l->outDim * r.weightSlices, pairsPerXbar);
    cols = (Split){pairs.tiles, pairs.full * 2, pairs.last * 2};
    rows = split(l->inDim, t->rows);
    r.columns = l->outDim * r.weightSlices * 2;
    r.rows = l->inDim;
    break;
  }
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW: {
    int64_t pairsPerXbar = t->rows / 2;
    if (pairsPerXbar < 1) {
      cimStrBufPrintf(&msg,
                      "a crossbar with %" PRId64 " row(s) cannot hold one "
                      "differential row pair",
                      t->rows);
      return fail(errorCallback, userData, &msg);
    }
    Split pairs = split(l->inDim, pairsPerXbar);
    rows = (Split){pairs.tiles, pairs.full * 2, pairs.last * 2};
    cols = split(l->outDim * r.weightSlices, t->cols);
    r.columns = l->outDim * r.weightSlices;
    r.rows = l->inDim * 2;
    break;
  }
  case CIM_WEIGHT_MAPPING_OFFSET:
  default: {
    if (t->cols < 2) {
      cimStrBufPrintf(&msg,
                      "a crossbar with %" PRId64 " column(s) cannot hold a "
                      "data column beside the offset mapping's bias column",
                      t->cols);
      return fail(errorCallback, userData, &msg);
    }
    cols = split(l->outDim * r.weightSlices, t->cols - 1);
    rows = split(l->inDim, t->rows);
    extraColsPerTile = 1;
    r.columns = l->outDim * r.weightSlices;
    r.rows = l->inDim;
    break;
  }
  }
  r.rowTiles = rows.tiles;
  r.colTiles = cols.tiles;
  r.tiles = rows.tiles * cols.tiles;
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
      int64_t n = nRowTiles * nColTiles;
      int64_t sub = ceilDiv(r_, t->ouRows);
      cellSum += n * r_ * c_;
      subcycleSum += n * sub;
      conversionSum += n * sub * c_;
      activationSum += n * r_;
    }
  }
  int64_t perTileRun = l->invocations * r.inputPlanes * l->repeat;
  r.cells = cellSum;
  r.writes = r.tiles * l->repeat;
  r.mvmCycles = subcycleSum * perTileRun;
  r.adcConversions = conversionSum * perTileRun;
  r.rowActivations = activationSum * perTileRun;
  r.latencyPs = r.writes * t->writePs + r.mvmCycles * t->mvmPs +
                r.adcConversions * t->adcPs;
  r.energyFj = cellSum * l->repeat * t->writeFj +
               r.rowActivations * t->mvmFj + r.adcConversions * t->adcFj;
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
