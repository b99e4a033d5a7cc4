/*===-- placement.c - Where and when a write or an mvm runs ----------------===*
 *
 * The engine's two kinds of crossbar events (engine.c walks the program and
 * calls these): a write takes a write port and a crossbar, an mvm's row
 * chunks take crossbars holding its tile; in COMPUTE as early as data and
 * resources allow, in CHECK at the `sched` times, which are verified, in
 * IDEAL at the ready times. docs/schedule.md describes the rules.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "Engine.h"
#include "support/Checked.h"

/// *r = a + n x per, checked like schedAddPs.
static bool addRowsPs(Engine *e, uint32_t i, int64_t a, int64_t n, int64_t per,
                      int64_t *r) {
  int64_t t = 0;
  if (!cimCheckedMul(n, per, &t))
    return schedFail(e, i,
                     "a time of %lld rows x %lld ps exceeds the 64-bit "
                     "picosecond counter",
                     (long long)n, (long long)per);
  return schedAddPs(e, i, a, t, r);
}

/// Books one crossbar event [start, end) of instruction i on crossbar x
/// (0 <= start <= end). Fails when a busy time does not fit in int64.
static bool bookEvent(Engine *e, uint32_t i, int64_t x, int64_t start,
                      int64_t end) {
  e->makespan = max64(e->makespan, end);
  e->crossbarEnd = max64(e->crossbarEnd, end);
  if (!e->rep)
    return true;
  if (!schedAddPs(e, i, e->rep->crossbarBusyPs[x], end - start,
                  &e->rep->crossbarBusyPs[x]))
    return false;
  int64_t layer = e->p->instrs[i].layer;
  if (layer == CIM_ISA_NO_LAYER)
    return true;
  CimScheduleLayer *l = schedLayerOf(e, layer);
  if (!l)
    return false;
  l->startPs = min64(l->startPs, start);
  l->endPs = max64(l->endPs, end);
  return schedAddPs(e, i, l->busyPs, end - start, &l->busyPs);
}

static bool addBusy(Engine *e, int64_t x, uint32_t i, int64_t s, int64_t t) {
  if (!schedGrowArr((void **)&e->busy[x], &e->capBusy[x], e->numBusy[x],
                    sizeof(Busy)))
    return e->oom = true, false;
  e->busy[x][e->numBusy[x]++] = (Busy){s, t, i};
  return true;
}

/*===----------------------------------------------------------------------===*
 * Writes
 *===----------------------------------------------------------------------===*/

/// A copy writes the cells value an earlier write of the same layer wrote
/// (two layers may share a constant, e.g. a zero tile: no copies).
static bool isCopy(Engine *e, const CimIsaInstr *in) {
  uint32_t b = in->src[0];
  bool copy =
      e->writtenVersion[b] == e->version[b] && e->writtenLayer[b] == in->layer;
  e->writtenVersion[b] = e->version[b];
  e->writtenLayer[b] = in->layer;
  return copy;
}

static int64_t earliestPort(Engine *e) {
  int64_t best = 0;
  for (int64_t k = 1; k < e->P; ++k)
    if (e->portFree[k] < e->portFree[best])
      best = k;
  return best;
}

bool schedPlaceWrite(Engine *e, uint32_t i) {
  const CimIsaInstr *in = &e->p->instrs[i];
  int64_t dur = schedInstrTime(e, i);
  int64_t ready = cimTimeBufMax(&e->bufs[in->src[0]]);
  bool copy = isCopy(e, in);
  if (e->rep && e->countWork) {
    if (e->minWritePs < 0 || dur < e->minWritePs)
      e->minWritePs = dur;
    ++e->rep->writes;
    if (copy)
      ++e->rep->copies;
    else if (!schedAddPs(e, i, e->rep->workPs, dur, &e->rep->workPs) ||
             !schedAddPs(e, i, e->writeWorkPs, dur, &e->writeWorkPs))
      return false;
    if (in->layer != CIM_ISA_NO_LAYER) {
      CimScheduleLayer *l = schedLayerOf(e, in->layer);
      if (!l)
        return false;
      ++l->writes;
      l->copies += copy;
      /* divided by C at the end */
      if (!copy && !schedAddPs(e, i, l->workBoundPs, dur, &l->workBoundPs))
        return false;
    }
  }
  if (e->mode == MODE_IDEAL) {
    int64_t end;
    if (!schedAddPs(e, i, ready, dur, &end))
      return false;
    schedAddWrite(e, i, in->write.crossbar, ready, end);
    e->makespan = max64(e->makespan, end);
    return !e->oom;
  }
  if (e->mode == MODE_COMPUTE) {
    int64_t g = e->tileOf[i], x = -1;
    for (int64_t k = 0; k < e->C; ++k) {
      int64_t h = e->holdTile[k];
      if (h >= 0 && e->pending[h] > 0)
        continue; /* a later mvm still needs that tile */
      if (x < 0 || e->freeAt[k] < e->freeAt[x])
        x = k;
    }
    if (x < 0) {
      cimStrBufPrintf(e->err,
                      "instruction %u (write): all %lld crossbars hold tiles "
                      "that later mvms still need; the schedule needs more "
                      "crossbars at once (fewer tile copies)",
                      i, (long long)e->C);
      return false;
    }
    int64_t port = earliestPort(e);
    int64_t start = max64(max64(ready, e->barrierFloor),
                          max64(e->freeAt[x], e->portFree[port]));
    int64_t end;
    if (!schedAddPs(e, i, start, dur, &end))
      return false;
    e->portFree[port] = end;
    e->freeAt[x] = end;
    e->holdTile[x] = g;
    e->holdReady[x] = end;
    if (e->writeCopies) /* the latency only: copies share instruction i */
      return bookEvent(e, i, x, start, end);
    CimInstrSchedule *s = &e->sched->instrs[i];
    s->chunkRows = 1;
    s->numChunks = 1;
    s->start = malloc(sizeof(int64_t));
    s->crossbar = malloc(sizeof(int64_t));
    if (!s->start || !s->crossbar)
      return e->oom = true, false;
    s->start[0] = start;
    s->crossbar[0] = x;
    return bookEvent(e, i, x, start, end);
  }
  /* CHECK: the preceding sched gives the time. */
  const CimIsaInstr *sc = &e->p->instrs[i - 1];
  int64_t start = cimProgramGetDataValue(e->p, (uint32_t)sc->sched.start, 0);
  int64_t x = in->write.crossbar, end;
  if (start < 0)
    return schedFail(e, i, "starts at %lld ps, before 0", (long long)start);
  if (!schedAddPs(e, i, start, dur, &end))
    return false;
  if (start < ready)
    return schedFail(e, i,
                     "starts at %lld ps, before its cells are ready at "
                     "%lld ps",
                     (long long)start, (long long)ready);
  if (start < e->barrierFloor)
    return schedFail(e, i,
                     "starts at %lld ps, before the preceding barrier "
                     "(%lld ps)",
                     (long long)start, (long long)e->barrierFloor);
  if (!schedAddWrite(e, i, x, start, end) || !addBusy(e, x, i, start, end) ||
      !schedGrowArr((void **)&e->writeBusy, &e->capWriteBusy, e->numWriteBusy,
                    sizeof(Busy)))
    return e->oom = true, false;
  e->writeBusy[e->numWriteBusy++] = (Busy){start, end, i};
  return bookEvent(e, i, x, start, end);
}

/*===----------------------------------------------------------------------===*
 * MVMs
 *===----------------------------------------------------------------------===*/

/// Latest ready time of rows [r0, r1) of mvm i's digits, over the columns
/// it reads.
static int64_t digitsReady(Engine *e, uint32_t i, int64_t r0, int64_t r1) {
  const CimIsaInstr *in = &e->p->instrs[i];
  const CimIsaTensorType *dt = &e->p->buffers[in->src[0]].type;
  int64_t last = in->mvm.rowOffset + in->mvm.rows - 1;
  int64_t c0 =
      in->mvm.kOffset +
      (in->mvm.differentialRows ? in->mvm.rowOffset / 2 : in->mvm.rowOffset);
  int64_t c1 =
      in->mvm.kOffset + (in->mvm.differentialRows ? last / 2 : last) + 1;
  return max64(cimTimeBufRowsMaxCached(&e->rowsMax, &e->bufs[in->src[0]], dt,
                                       r0, r1, c0, c1),
               e->mode == MODE_IDEAL ? 0 : e->barrierFloor);
}

static int64_t digitRows(const Engine *e, uint32_t i) {
  return e->p->buffers[e->p->instrs[i].src[0]].type.dims[0];
}

/// Sets mvm i's result times from its chunks' end times.
static bool mvmResult(Engine *e, uint32_t i, const CimInstrSchedule *s,
                      int64_t perRow) {
  int64_t M = digitRows(e, i);
  TimeArray *a = cimTimeArrayCreate(M);
  if (!a)
    return e->oom = true, false;
  for (int64_t c = 0; c < s->numChunks; ++c) {
    int64_t r0 = c * s->chunkRows, r1 = min64(M, r0 + s->chunkRows);
    int64_t end = 0;
    if (!addRowsPs(e, i, s->start[c], r1 - r0, perRow, &end)) {
      free(a);
      return false;
    }
    for (int64_t r = r0; r < r1; ++r)
      a->t[r] = end;
  }
  TimeBuf t = {TIME_ROWS, 0, a};
  cimTimeBufAssign(&e->bufs[e->p->instrs[i].dst], &t);
  cimTimeBufClear(&t);
  return true;
}

static int64_t perRowTime(Engine *e, uint32_t i) {
  int64_t M = digitRows(e, i);
  return M ? schedInstrTime(e, i) / M : 0;
}

/// COMPUTE: schedules mvm i together with the other mvms of its tile whose
/// digits are already computed, chunk by chunk (all planes and OU groups of
/// chunk 0 first), so that a layer's first rows are finished first.
static bool scheduleTileMvms(Engine *e, uint32_t i) {
  int64_t g = e->tileOf[i], D = 0;
  int64_t *copies = malloc((size_t)e->C * sizeof *copies);
  int64_t n = 0, *set = malloc((size_t)e->numTileMvms[g] * sizeof *set);
  if (!copies || !set) {
    free(copies);
    free(set);
    return e->oom = true, false;
  }
  for (int64_t k = 0; k < e->C; ++k)
    if (e->holdTile[k] == g)
      copies[D++] = k;
  if (D == 0) {
    free(copies);
    free(set);
    cimStrBufPrintf(e->err,
                    "instruction %u (mvm): no crossbar holds its "
                    "tile",
                    i);
    return false;
  }
  for (int64_t k = 0; k < e->numTileMvms[g]; ++k) {
    int64_t j = e->tileMvms[g][k];
    if (!e->done[j] && j >= i && e->defIdx[j] < (int64_t)i)
      set[n++] = j;
  }
  int64_t maxChunks = 0;
  for (int64_t k = 0; k < n; ++k) {
    int64_t j = set[k], M = digitRows(e, (uint32_t)j);
    int64_t want = e->req->chunksPerCopy * D;
    int64_t rows = (M + want - 1) / want;
    if (rows < 1)
      rows = 1;
    CimInstrSchedule *s = &e->sched->instrs[j];
    s->chunkRows = rows;
    s->numChunks = (M + rows - 1) / rows;
    s->start = malloc((size_t)s->numChunks * sizeof(int64_t));
    s->crossbar = malloc((size_t)s->numChunks * sizeof(int64_t));
    if (!s->start || !s->crossbar) {
      free(copies);
      free(set);
      return e->oom = true, false;
    }
    maxChunks = max64(maxChunks, s->numChunks);
  }
  for (int64_t c = 0; c < maxChunks; ++c)
    for (int64_t k = 0; k < n; ++k) {
      uint32_t j = (uint32_t)set[k];
      CimInstrSchedule *s = &e->sched->instrs[j];
      if (c >= s->numChunks)
        continue;
      int64_t M = digitRows(e, j), r0 = c * s->chunkRows;
      int64_t r1 = min64(M, r0 + s->chunkRows);
      int64_t ready = digitsReady(e, j, r0, r1);
      int64_t best = -1, bestStart = 0;
      for (int64_t d = 0; d < D; ++d) {
        int64_t x = copies[d];
        int64_t st = max64(ready, max64(e->freeAt[x], e->holdReady[x]));
        if (best < 0 || st < bestStart) {
          best = x;
          bestStart = st;
        }
      }
      int64_t end = 0;
      if (!addRowsPs(e, j, bestStart, r1 - r0, perRowTime(e, j), &end) ||
          !bookEvent(e, j, best, bestStart, end)) {
        free(copies);
        free(set);
        return false;
      }
      s->start[c] = bestStart;
      s->crossbar[c] = best;
      e->freeAt[best] = end;
    }
  for (int64_t k = 0; k < n; ++k)
    e->done[set[k]] = true;
  free(copies);
  free(set);
  return true;
}

bool schedPlaceMvm(Engine *e, uint32_t i) {
  const CimIsaInstr *in = &e->p->instrs[i];
  int64_t perRow = perRowTime(e, i), M = digitRows(e, i);
  if (e->rep && e->countWork &&
      (!addRowsPs(e, i, e->rep->workPs, M, perRow, &e->rep->workPs) ||
       !addRowsPs(e, i, e->mvmWorkPs, M, perRow, &e->mvmWorkPs)))
    return false;
  if (e->rep && e->countWork && in->layer != CIM_ISA_NO_LAYER) {
    CimScheduleLayer *l = schedLayerOf(e, in->layer);
    if (!l || !addRowsPs(e, i, l->workBoundPs, M, perRow, &l->workBoundPs))
      return false;
  }
  if (e->mode == MODE_COMPUTE) {
    if (!e->done[i] && !scheduleTileMvms(e, i))
      return false;
    /* Its tile may be evicted once program order has passed all its mvms
     * (the residency rule of docs/isa.md is in program order). */
    --e->pending[e->tileOf[i]];
    return mvmResult(e, i, &e->sched->instrs[i], perRow);
  }
  if (e->mode == MODE_IDEAL) {
    WriteRec *w = schedResidentWrite(e, in->mvm.crossbar, in);
    int64_t tileReady = w ? w->end : 0;
    TimeArray *a = cimTimeArrayCreate(M);
    if (!a)
      return e->oom = true, false;
    for (int64_t r = 0; r < M; ++r) {
      if (!schedAddPs(e, i, max64(digitsReady(e, i, r, r + 1), tileReady),
                      perRow, &a->t[r])) {
        free(a);
        return false;
      }
      e->makespan = max64(e->makespan, a->t[r]);
    }
    TimeBuf t = {TIME_ROWS, 0, a};
    cimTimeBufAssign(&e->bufs[in->dst], &t);
    cimTimeBufClear(&t);
    return true;
  }
  /* CHECK */
  const CimIsaInstr *sc = &e->p->instrs[i - 1];
  CimInstrSchedule s = {sc->sched.chunkRows, 0, NULL, NULL};
  s.numChunks = (M + s.chunkRows - 1) / s.chunkRows;
  s.start = malloc((size_t)(s.numChunks ? s.numChunks : 1) * sizeof(int64_t));
  if (!s.start)
    return e->oom = true, false;
  bool ok = true;
  for (int64_t c = 0; ok && c < s.numChunks; ++c) {
    int64_t st =
        cimProgramGetDataValue(e->p, (uint32_t)sc->sched.start, (uint64_t)c);
    int64_t x =
        cimProgramGetDataValue(e->p, (uint32_t)sc->sched.crossbar, (uint64_t)c);
    int64_t r0 = c * s.chunkRows, r1 = min64(M, r0 + s.chunkRows);
    int64_t end = 0;
    int64_t ready = digitsReady(e, i, r0, r1);
    WriteRec *w = schedResidentWrite(e, x, in);
    s.start[c] = st;
    if (st < 0)
      ok = schedFail(e, i, "chunk %lld starts at %lld ps, before 0",
                     (long long)c, (long long)st);
    else if (!addRowsPs(e, i, st, r1 - r0, perRow, &end))
      ok = false;
    else if (st < ready)
      ok = schedFail(e, i,
                     "chunk %lld (rows [%lld, %lld)) starts at %lld ps, "
                     "before its digits are ready at %lld ps",
                     (long long)c, (long long)r0, (long long)r1, (long long)st,
                     (long long)ready);
    else if (!w)
      ok = schedFail(e, i,
                     "chunk %lld runs on crossbar %lld, which holds no "
                     "copy of its tile",
                     (long long)c, (long long)x);
    else if (st < w->end)
      ok = schedFail(e, i,
                     "chunk %lld starts at %lld ps on crossbar %lld, "
                     "before the write of its tile (instruction %u) ends "
                     "at %lld ps",
                     (long long)c, (long long)st, (long long)x, w->instr,
                     (long long)w->end);
    else {
      w->holdEnd = max64(w->holdEnd, end);
      ok = addBusy(e, x, i, st, end) && bookEvent(e, i, x, st, end);
    }
  }
  ok = ok && mvmResult(e, i, &s, perRow);
  free(s.start);
  return ok;
}
