/*===-- crossbar.c - Crossbar instructions: write and mvm ------------------===*
 *
 * WRITE programs a tile (immutable, reference counted); MVM checks its
 * digits against the DAC and defers its column sums (the exact shortcut,
 * machine.c) or computes them cycle by cycle.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "SimMachine.h"

/*===----------------------------------------------------------------------===*
 * Crossbar instructions
 *===----------------------------------------------------------------------===*/

static SimCrossbar *crossbarAt(SimMachine *m, int64_t x) {
  if (!m->crossbars[x]) {
    m->crossbars[x] = calloc(1, sizeof(SimCrossbar));
    if (!m->crossbars[x])
      return NULL;
  }
  return m->crossbars[x];
}

MlirLogicalResult cimSimExecWrite(SimMachine *m, const CimIsaInstr *in,
                                   CimSimCounters *ev, MlirStringCallback cb,
                                   void *ud) {
  const CimIsaTensorType *t = &m->program->buffers[in->src[0]].type;
  if (t->rank != 2)
    return cimSimMachineFail(m, cb, ud, "the cells must have rank 2");
  int64_t R = t->dims[0], C = t->dims[1];
  int64_t x = in->write.crossbar, row = in->write.row, col = in->write.col;
  if (x < 0 || x >= m->target.crossbars)
    return cimSimMachineFail(m, cb, ud,
                             "crossbar %lld does not exist (the target "
                             "has %lld)",
                             (long long)x, (long long)m->target.crossbars);
  if (row < 0 || col < 0 || row > m->target.rows - R ||
      col > m->target.cols - C)
    return cimSimMachineFail(m, cb, ud,
                             "a %lldx%lld tile at (%lld, %lld) does not "
                             "fit the %lldx%lld crossbar",
                             (long long)R, (long long)C, (long long)row,
                             (long long)col, (long long)m->target.rows,
                             (long long)m->target.cols);
  int64_t *cells;
  if (mlirLogicalResultIsFailure(
          cimSimMaterialize(m, in->src[0], &cells, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t maxLevel = (INT64_C(1) << m->target.cellBits) - 1;
  if (mlirLogicalResultIsFailure(cimSimCheckLevels(
          "write", "cell level", cells, R * C, maxLevel, KCB)))
    return cimSimKernelFailed(m, cb, ud);
  SimCrossbar *xb = crossbarAt(m, x);
  SimTile *tile = calloc(1, sizeof *tile);
  int64_t *copy = cimSimMalloc(R * C, sizeof(int64_t));
  if (!xb || !tile || !copy) {
    free(tile);
    free(copy);
    return cimSimMachineFail(m, cb, ud, "out of memory");
  }
  memcpy(copy, cells, (size_t)(R * C) * sizeof(int64_t));
  tile->refs = 1;
  tile->rows = R;
  tile->cols = C;
  tile->cells = copy;
  for (int64_t i = 0; i < R * C; ++i)
    tile->maxCell = copy[i] > tile->maxCell ? copy[i] : tile->maxCell;
  /* Tiles that overlap the new region are gone. */
  int64_t k = 0;
  for (int64_t i = 0; i < xb->numTiles; ++i) {
    SimLiveTile *lt = &xb->tiles[i];
    bool overlap = lt->row < row + R && row < lt->row + lt->tile->rows &&
                   lt->col < col + C && col < lt->col + lt->tile->cols;
    if (overlap)
      cimSimTileRelease(lt->tile);
    else
      xb->tiles[k++] = *lt;
  }
  xb->numTiles = k;
  if (xb->numTiles == xb->capTiles) {
    int64_t cap = xb->capTiles ? 2 * xb->capTiles : 4;
    SimLiveTile *g = realloc(xb->tiles, (size_t)cap * sizeof *g);
    if (!g) {
      cimSimTileRelease(tile);
      return cimSimMachineFail(m, cb, ud, "out of memory");
    }
    xb->tiles = g;
    xb->capTiles = cap;
  }
  xb->tiles[xb->numTiles++] = (SimLiveTile){row, col, tile};
  xb->used = true;
  ev->writes = 1;
  ev->cellsWritten = R * C;
  return mlirLogicalResultSuccess();
}

/// The tile region on crossbar x (NULL: none intact).
static SimTile *tileAt(SimMachine *m, int64_t x, const CimIsaInstr *in) {
  if (x < 0 || x >= m->target.crossbars || !m->crossbars[x])
    return NULL;
  SimCrossbar *xb = m->crossbars[x];
  SimTile *tile = NULL;
  for (int64_t i = 0; i < xb->numTiles; ++i) {
    SimLiveTile *lt = &xb->tiles[i];
    if (lt->row == in->mvm.tileRow && lt->col == in->mvm.tileCol &&
        lt->tile->rows == in->mvm.tileRows &&
        lt->tile->cols == in->mvm.tileCols)
      tile = lt->tile;
  }
  return tile;
}

/// A scheduled mvm runs its chunks on copies of its tile: each crossbar a
/// chunk names must hold exactly the cells of the mvm's own crossbar, so
/// computing every chunk from one of them is what the hardware computes.
static MlirLogicalResult checkCopies(SimMachine *m, const CimIsaInstr *in,
                                     const SimTile *tile,
                                     MlirStringCallback cb, void *ud) {
  const CimProgram *p = m->program;
  if (m->pc == 0 || p->instrs[m->pc - 1].opcode != CIM_ISA_SCHED)
    return mlirLogicalResultSuccess();
  const CimIsaInstr *sc = &p->instrs[m->pc - 1];
  uint64_t n = p->blocks[sc->sched.crossbar].count;
  for (uint64_t c = 0; c < n; ++c) {
    int64_t x = cimProgramGetDataValue(p, (uint32_t)sc->sched.crossbar, c);
    if (x == in->mvm.crossbar)
      continue;
    SimTile *copy = tileAt(m, x, in);
    if (!copy)
      return cimSimMachineFail(m, cb, ud, "chunk %llu runs on crossbar %lld, "
                         "which holds no intact copy of the tile",
                         (unsigned long long)c, (long long)x);
    if (copy != tile &&
        memcmp(copy->cells, tile->cells,
               (size_t)(tile->rows * tile->cols) * sizeof(int64_t)))
      return cimSimMachineFail(
          m, cb, ud,
          "crossbar %lld does not hold the same "
          "cells as crossbar %lld in rows [%lld, %lld) cols "
          "[%lld, %lld)",
          (long long)x, (long long)in->mvm.crossbar, (long long)in->mvm.tileRow,
          (long long)(in->mvm.tileRow + in->mvm.tileRows),
          (long long)in->mvm.tileCol,
          (long long)(in->mvm.tileCol + in->mvm.tileCols));
  }
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimExecMvm(SimMachine *m, const CimIsaInstr *in,
                                 CimSimCounters *ev, MlirStringCallback cb,
                                 void *ud) {
  const CimProgram *p = m->program;
  int64_t x = in->mvm.crossbar;
  if (x < 0 || x >= m->target.crossbars || !m->crossbars[x])
    return cimSimMachineFail(m, cb, ud, "crossbar %lld holds no tile",
                       (long long)x);
  SimTile *tile = tileAt(m, x, in);
  if (!tile)
    return cimSimMachineFail(m, cb, ud, "crossbar %lld holds no intact tile of "
                       "%lldx%lld at (%lld, %lld): no write programmed it, or "
                       "a later write overlapped it", (long long)x,
                       (long long)in->mvm.tileRows, (long long)in->mvm.tileCols,
                       (long long)in->mvm.tileRow, (long long)in->mvm.tileCol);
  if (mlirLogicalResultIsFailure(checkCopies(m, in, tile, cb, ud)))
    return mlirLogicalResultFailure();
  const CimIsaTensorType *dt = &p->buffers[in->src[0]].type;
  const CimIsaTensorType *rt = &p->buffers[in->dst].type;
  if (dt->rank != 2 || rt->rank != 2)
    return cimSimMachineFail(m, cb, ud, "digits and sums must have rank 2");
  int64_t M = dt->dims[0], Kd = dt->dims[1], C = tile->cols;
  if (rt->dims[0] != M || rt->dims[1] != C)
    return cimSimMachineFail(m, cb, ud, "the sums must be %lldx%lld, not "
                       "%lldx%lld", (long long)M, (long long)C,
                       (long long)rt->dims[0], (long long)rt->dims[1]);
  CimSimMvmParams mp = {in->mvm.kOffset, in->mvm.rowOffset, in->mvm.rows,
                        in->mvm.differentialRows != 0};
  if (mlirLogicalResultIsFailure(cimSimCheckMvm(tile->rows, M, Kd, &mp, KCB)))
    return cimSimKernelFailed(m, cb, ud);
  if (mp.rows > m->target.ouRows)
    return cimSimMachineFail(m, cb, ud,
                             "activates %lld rows at once but the "
                             "target's OU is %lld rows",
                             (long long)mp.rows, (long long)m->target.ouRows);
  int64_t *digits;
  if (mlirLogicalResultIsFailure(
          cimSimMaterialize(m, in->src[0], &digits, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t maxDigit = (INT64_C(1) << m->target.dacBits) - 1;
  int64_t rows = mp.rows;
  ev->mvmCycles = M;
  ev->rowActivations = M * rows;
  ev->cellActivations = M * rows * C;

  /* The drive of every active row, checked against the DAC. */
  int64_t *drive = cimSimMalloc(M * rows, sizeof(int64_t));
  if (!drive)
    return cimSimMachineFail(m, cb, ud, "out of memory");
  int64_t maxRowSum = 0;
  for (int64_t mm = 0; mm < M; ++mm) {
    int64_t rowSum = 0;
    for (int64_t r = 0; r < rows; ++r) {
      int64_t tr = mp.rowOffset + r;
      int64_t d =
          digits[mm * Kd + mp.kOffset + (mp.differentialRows ? tr / 2 : tr)];
      if (d < 0 || d > maxDigit) {
        free(drive);
        return cimSimMachineFail(
            m, cb, ud,
            "digit %lld (row %lld, column %lld) is "
            "outside the %lld-bit DAC's [0, %lld]",
            (long long)d, (long long)mm,
            (long long)(mp.kOffset + (mp.differentialRows ? tr / 2 : tr)),
            (long long)m->target.dacBits, (long long)maxDigit);
      }
      drive[mm * rows + r] = mp.differentialRows && (tr & 1) ? -d : d;
      rowSum += d;
    }
    maxRowSum = rowSum > maxRowSum ? rowSum : maxRowSum;
  }
  if (!m->shortcuts) {
    free(drive);
    int64_t *out;
    if (mlirLogicalResultIsFailure(cimSimPrepareDst(m, in->dst, &out, cb, ud)))
      return mlirLogicalResultFailure();
    /* Cycle by cycle from the digits, as the crossbar does. */
    cimSimMvmCore(tile->cells, C, C, digits, M, Kd, &mp, out);
    m->buffers[in->dst].valid = true;
    ++m->direct;
    return mlirLogicalResultSuccess();
  }
  SimLazy *l = calloc(1, sizeof *l);
  if (!l) {
    free(drive);
    return cimSimMachineFail(m, cb, ud, "out of memory");
  }
  l->refs = 1;
  l->tile = tile;
  ++tile->refs;
  l->rowOffset = mp.rowOffset;
  l->rows = rows;
  l->M = M;
  l->drive = drive;
  /* maxRowSum <= rows * 255 and maxCell <= 255: no overflow. */
  l->bound = maxRowSum * tile->maxCell;
  l->hasNegative = mp.differentialRows;
  ++m->deferred;
  return cimSimSetLazy(m, in->dst, l, cb, ud);
}
