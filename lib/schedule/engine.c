/*===-- engine.c - Compute, check and bound static schedules ---------------===*
 *
 * One walk over a program in program order, in one of three modes:
 *   COMPUTE  list scheduling: every write and mvm chunk starts as early as
 *            its data, a crossbar (and a write port) allow;
 *   CHECK    the schedule verifier: the `sched` instructions give the times
 *            and crossbars; every rule of docs/schedule.md is checked;
 *   IDEAL    the dependency critical path: unlimited crossbars and ports,
 *            every row of every mvm on its own copy.
 * The ready times of buffer elements (ready_times.c) are what the modes
 * share. docs/schedule.md describes the model.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Engine.h"
#include "ScheduleCopies.h"
#include "ScheduleInternal.h"
#include "cim-c/Schedule.h"
#include "support/Checked.h"
#include "support/StrBuf.h"

bool schedFail(Engine *e, uint32_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool schedFail(Engine *e, uint32_t i, const char *fmt, ...) {
  if (e->err->length)
    return false;
  cimStrBufPrintf(e->err, "instruction %u (%s): ", i,
                  cimIsaOpcodeGetName(e->p->instrs[i].opcode));
  va_list ap;
  va_start(ap, fmt);
  cimStrBufVPrintf(e->err, fmt, ap);
  va_end(ap);
  return false;
}

/// *r = a + b; fails naming instruction i when the time does not fit in
/// int64 (a start time of a hand-written `sched` can be anything).
bool schedAddPs(Engine *e, uint32_t i, int64_t a, int64_t b, int64_t *r) {
  if (cimCheckedAdd(a, b, r))
    return true;
  return schedFail(e, i,
                   "a time of %lld + %lld ps exceeds the 64-bit picosecond "
                   "counter",
                   (long long)a, (long long)b);
}

bool schedGrowArr(void **arr, int64_t *cap, int64_t n, size_t size) {
  if (n < *cap)
    return true;
  int64_t c = *cap ? *cap * 2 : 16;
  void *a = realloc(*arr, (size_t)c * size);
  if (!a)
    return false;
  *arr = a;
  *cap = c;
  return true;
}

/// The sequential time of instruction i (cimPriceEvents). Cannot fail: the
/// entry points check first that the whole program's cost fits in int64
/// (programCostFits), and one instruction's cost is part of it; so is every
/// sum of instruction times the engine makes.
int64_t schedInstrTime(const Engine *e, uint32_t i) {
  if (e->instrTime)
    return e->instrTime[i];
  CimEventCounts c = {0};
  CimEventCost cost = {0};
  bool ok =
      mlirLogicalResultIsSuccess(
          cimProgramAddInstrCounts(e->p, i, &c, NULL, NULL)) &&
      mlirLogicalResultIsSuccess(cimPriceEvents(e->t, &c, &cost, NULL, NULL));
  assert(ok && "the program's cost was checked to fit");
  (void)ok;
  return cost.totalLatencyPs;
}

/// Fails, with the pricing message, when the program's sequential cost (so
/// any instruction's, and any sum of them) does not fit in int64.
static bool programCostFits(const CimProgram *p, int64_t *sequentialPs,
                            MlirStringCallback cb, void *ud) {
  CimEventCost cost;
  if (mlirLogicalResultIsFailure(
          cimProgramGetCost(p, NULL, NULL, &cost, cb, ud)))
    return false;
  if (sequentialPs)
    *sequentialPs = cost.totalLatencyPs;
  return true;
}

/*===----------------------------------------------------------------------===*
 * Statistics
 *===----------------------------------------------------------------------===*/

CimScheduleLayer *schedLayerOf(Engine *e, int64_t layer) {
  CimScheduleReport *r = e->rep;
  for (int64_t k = 0; k < r->numLayers; ++k)
    if (r->layers[k].layer == layer)
      return &r->layers[k];
  CimScheduleLayer *a =
      realloc(r->layers, (size_t)(r->numLayers + 1) * sizeof *a);
  if (!a) {
    e->oom = true;
    return NULL;
  }
  r->layers = a;
  CimScheduleLayer *l = &a[r->numLayers++];
  memset(l, 0, sizeof *l);
  l->layer = layer;
  l->startPs = INT64_MAX;
  return l;
}

/*===----------------------------------------------------------------------===*
 * Residency by region
 *===----------------------------------------------------------------------===*/

static bool overlaps(const WriteRec *w, int64_t x, int64_t r0, int64_t r1,
                     int64_t c0, int64_t c1) {
  return w->crossbar == x && w->r0 < r1 && r0 < w->r1 && w->c0 < c1 &&
         c0 < w->c1;
}

/// The write whose tile is resident in the region in program order: the
/// latest write overlapping it (cimProgramVerify made sure it is exact).
WriteRec *schedResidentWrite(Engine *e, int64_t x, const CimIsaInstr *in) {
  int64_t r0 = in->mvm.tileRow, r1 = r0 + in->mvm.tileRows;
  int64_t c0 = in->mvm.tileCol, c1 = c0 + in->mvm.tileCols;
  for (int64_t k = e->numWrites - 1; k >= 0; --k)
    if (overlaps(&e->writes[k], x, r0, r1, c0, c1))
      return &e->writes[k];
  return NULL;
}

WriteRec *schedAddWrite(Engine *e, uint32_t i, int64_t x, int64_t start,
                        int64_t end) {
  if (!schedGrowArr((void **)&e->writes, &e->capWrites, e->numWrites,
                    sizeof *e->writes)) {
    e->oom = true;
    return NULL;
  }
  const CimIsaInstr *in = &e->p->instrs[i];
  const CimIsaTensorType *cells = &e->p->buffers[in->src[0]].type;
  WriteRec *w = &e->writes[e->numWrites++];
  *w = (WriteRec){i,
                  x,
                  in->write.row,
                  in->write.row + cells->dims[0],
                  in->write.col,
                  in->write.col + cells->dims[1],
                  start,
                  end,
                  -1};
  return w;
}

/*===----------------------------------------------------------------------===*
 * The walk
 *===----------------------------------------------------------------------===*/

static bool step(Engine *e, uint32_t i) {
  const CimIsaInstr *in = &e->p->instrs[i];
  if (in->dst != CIM_ISA_NO_BUFFER)
    ++e->version[in->dst];
  switch (in->opcode) {
  case CIM_ISA_HALT:
  case CIM_ISA_SCHED:
    return true;
  case CIM_ISA_LOAD:
    cimTimeBufClear(&e->bufs[in->dst]);
    return true;
  case CIM_ISA_STORE:
    e->makespan = max64(e->makespan, cimTimeBufMax(&e->bufs[in->src[0]]));
    return true;
  case CIM_ISA_BARRIER:
    if (e->mode != MODE_IDEAL)
      e->barrierFloor = e->crossbarEnd;
    return true;
  case CIM_ISA_WRITE: {
    /* Copies of a tile follow their write: each is one more write. */
    int64_t n = e->writeCopies ? e->writeCopies[i] : 1;
    for (int64_t k = 0; k < n; ++k)
      if (!schedPlaceWrite(e, i))
        return false;
    return true;
  }
  case CIM_ISA_MVM:
    return schedPlaceMvm(e, i);
  default:
    break;
  }
  int64_t dur = schedInstrTime(e, i);
  if (dur > 0) {
    /* A digital instruction that takes time runs whole on the digital unit:
     * it starts when all its sources are ready and the unit is free. */
    int64_t ready = 0;
    for (int s = 0; s < CIM_ISA_MAX_SRCS; ++s)
      if (in->src[s] != CIM_ISA_NO_BUFFER)
        ready = max64(ready, cimTimeBufMax(&e->bufs[in->src[s]]));
    int64_t start =
        e->mode == MODE_IDEAL ? ready : max64(ready, e->digitalFree);
    int64_t end;
    if (!schedAddPs(e, i, start, dur, &end))
      return false;
    if (e->mode != MODE_IDEAL)
      e->digitalFree = end;
    else if (!schedAddPs(e, i, max64(ready, e->digitalChain), dur,
                         &e->digitalChain))
      return false;
    e->makespan = max64(e->makespan, end);
    TimeBuf t = {TIME_UNIFORM, end, NULL};
    cimTimeBufAssign(&e->bufs[in->dst], &t);
    return true;
  }
  TimeBuf r = {TIME_UNIFORM, 0, NULL};
  if (!cimTimePropagate(e->p, in, e->bufs, &r)) {
    cimTimeBufClear(&r);
    return e->oom = true, false;
  }
  cimTimeBufAssign(&e->bufs[in->dst], &r);
  cimTimeBufClear(&r);
  return true;
}

static int cmpBusy(const void *a, const void *b) {
  const Busy *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/// CHECK, after the walk: crossbars and write ports never over-committed,
/// and no tile re-programmed while a chunk still reads it.
static bool checkResources(Engine *e) {
  for (int64_t x = 0; x < e->C; ++x) {
    if (e->numBusy[x] > 1) /* qsort needs a non-null base */
      qsort(e->busy[x], (size_t)e->numBusy[x], sizeof(Busy), cmpBusy);
    for (int64_t k = 1; k < e->numBusy[x]; ++k) {
      const Busy *a = &e->busy[x][k - 1], *b = &e->busy[x][k];
      if (b->start < a->end)
        return schedFail(e, b->instr,
                         "uses crossbar %lld from %lld ps while instruction %u "
                         "uses it until %lld ps",
                         (long long)x, (long long)b->start, a->instr,
                         (long long)a->end);
    }
  }
  /* Write ports: at most P writes at once (ends before starts at a tie). */
  int64_t n = e->numWriteBusy;
  Busy *ends = malloc((size_t)(n ? n : 1) * sizeof *ends);
  if (!ends)
    return e->oom = true, false;
  if (n > 0)
    memcpy(ends, e->writeBusy, (size_t)n * sizeof *ends);
  for (int64_t k = 0; k < n; ++k)
    ends[k].start = ends[k].end;
  if (n > 1) {
    qsort(e->writeBusy, (size_t)n, sizeof(Busy), cmpBusy);
    qsort(ends, (size_t)n, sizeof(Busy), cmpBusy);
  }
  int64_t open = 0, ke = 0;
  bool ok = true;
  for (int64_t k = 0; ok && k < n; ++k) {
    while (ke < n && ends[ke].start <= e->writeBusy[k].start)
      ++ke, --open;
    if (++open > e->P)
      ok = schedFail(e, e->writeBusy[k].instr,
                     "starts a write at %lld ps while %lld others are in "
                     "progress; the target has %lld write ports",
                     (long long)e->writeBusy[k].start, (long long)(open - 1),
                     (long long)e->P);
  }
  free(ends);
  for (int64_t a = 0; ok && a < e->numWrites; ++a) {
    const WriteRec *w = &e->writes[a];
    if (w->holdEnd < 0)
      continue;
    for (int64_t b = 0; ok && b < e->numWrites; ++b) {
      const WriteRec *o = &e->writes[b];
      if (b == a || !overlaps(o, w->crossbar, w->r0, w->r1, w->c0, w->c1))
        continue;
      if (o->start < w->holdEnd && o->end > w->start)
        ok = schedFail(e, o->instr,
                       "re-programs crossbar %lld at %lld ps while the tile of "
                       "instruction %u is read there until %lld ps",
                       (long long)w->crossbar, (long long)o->start, w->instr,
                       (long long)w->holdEnd);
    }
  }
  return ok;
}

static void engineFree(Engine *e) {
  if (e->bufs)
    for (uint32_t b = 0; b < e->p->numBuffers; ++b)
      cimTimeBufClear(&e->bufs[b]);
  free(e->bufs);
  free(e->freeAt);
  free(e->portFree);
  free(e->writes);
  free(e->tileOf);
  free(e->holdTile);
  free(e->holdReady);
  free(e->pending);
  if (e->tileMvms)
    for (int64_t g = 0; g < e->numTiles; ++g)
      free(e->tileMvms[g]);
  free(e->tileMvms);
  free(e->numTileMvms);
  free(e->defIdx);
  free(e->done);
  if (e->busy)
    for (int64_t x = 0; x < e->C; ++x)
      free(e->busy[x]);
  free(e->busy);
  free(e->numBusy);
  free(e->capBusy);
  free(e->writeBusy);
  free(e->version);
  free(e->writtenVersion);
  free(e->writtenLayer);
  if (e->ownInstrTime)
    free((int64_t *)e->instrTime);
  e->instrTime = NULL;
  e->ownInstrTime = false;
  cimRowsMaxCacheFree(&e->rowsMax);
}

static bool engineInit(Engine *e, const CimProgram *p, Mode mode) {
  memset(e, 0, sizeof *e);
  e->p = p;
  e->t = &p->target;
  e->mode = mode;
  e->C = p->target.crossbars;
  e->P = p->target.writePorts > 0 ? p->target.writePorts : 1;
  size_t nb = p->numBuffers ? p->numBuffers : 1;
  e->bufs = calloc(nb, sizeof *e->bufs);
  e->version = calloc(nb, sizeof *e->version);
  e->writtenVersion = malloc(nb * sizeof *e->writtenVersion);
  e->writtenLayer = malloc(nb * sizeof *e->writtenLayer);
  e->freeAt = calloc((size_t)e->C, sizeof *e->freeAt);
  e->portFree = calloc((size_t)e->P, sizeof *e->portFree);
  if (!e->bufs || !e->version || !e->writtenVersion || !e->writtenLayer ||
      !e->freeAt || !e->portFree)
    return false;
  for (size_t b = 0; b < nb; ++b)
    e->writtenVersion[b] = -1;
  /* Every instruction's time once (the callers checked the program's
   * cost fits, so each one's does). */
  int64_t *times = malloc((p->numInstrs ? p->numInstrs : 1) * sizeof *times);
  if (!times)
    return false;
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    times[i] = schedInstrTime(e, i);
  e->instrTime = times;
  e->ownInstrTime = true;
  if (mode == MODE_CHECK) {
    e->busy = calloc((size_t)e->C, sizeof *e->busy);
    e->numBusy = calloc((size_t)e->C, sizeof *e->numBusy);
    e->capBusy = calloc((size_t)e->C, sizeof *e->capBusy);
    if (!e->busy || !e->numBusy || !e->capBusy)
      return false;
  }
  return true;
}

static bool walk(Engine *e) {
  for (uint32_t i = 0; i < e->p->numInstrs; ++i) {
    if (!step(e, i))
      return false;
    /* The makespan never decreases: the latency is at least the cutoff. */
    if (e->cutoffPs > 0 && e->makespan >= e->cutoffPs)
      return true;
  }
  return e->mode != MODE_CHECK || checkResources(e);
}

static MlirLogicalResult finish(Engine *e, bool ok, MlirStringCallback cb,
                                void *ud) {
  if (e->oom && !e->err->length)
    cimStrBufAppendCString(e->err, "out of memory while scheduling");
  if (!ok && cb && e->err->length)
    cb(mlirStringRefCreate(e->err->data, e->err->length), ud);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

/*===----------------------------------------------------------------------===*
 * cimScheduleCompute
 *===----------------------------------------------------------------------===*/

/// Tiles by region when the request names none: each write is a tile, each
/// mvm reads the latest write of its region.
static bool deriveTiles(Engine *e) {
  const CimProgram *p = e->p;
  e->tileOf =
      malloc((size_t)(p->numInstrs ? p->numInstrs : 1) * sizeof *e->tileOf);
  if (!e->tileOf)
    return false;
  for (uint32_t i = 0; i < p->numInstrs; ++i) {
    const CimIsaInstr *in = &p->instrs[i];
    e->tileOf[i] = -1;
    if (e->req->tileOf) {
      e->tileOf[i] = e->req->tileOf[i];
      continue;
    }
    if (in->opcode == CIM_ISA_WRITE) {
      if (!schedAddWrite(e, i, in->write.crossbar, 0, 0))
        return false;
      e->tileOf[i] = e->numTiles++;
    } else if (in->opcode == CIM_ISA_MVM) {
      WriteRec *w = schedResidentWrite(e, in->mvm.crossbar, in);
      e->tileOf[i] = w ? e->tileOf[w->instr] : -1;
    }
  }
  e->numTiles = e->req->tileOf ? e->req->numTiles : e->numTiles;
  e->numWrites = 0;
  return true;
}

/// Whether the sequential cost of `p` with write i issued copies[i] times
/// fits in int64, as programCostFits would find for the program that has
/// the copies as instructions (the counts are non-negative, so the order of
/// the sums does not matter).
static bool costWithCopiesFits(const CimProgram *p, const int64_t *copies) {
  CimEventCounts total = {0};
  for (uint32_t i = 0; i < p->numInstrs; ++i) {
    int64_t n = p->instrs[i].opcode == CIM_ISA_WRITE ? copies[i] : 1;
    if (n > 1) {
      CimEventCounts one = {0};
      if (mlirLogicalResultIsFailure(
              cimProgramAddInstrCounts(p, i, &one, NULL, NULL)))
        return false;
      for (int64_t k = 0; k < n; ++k)
        if (mlirLogicalResultIsFailure(
                cimEventCountsAdd(&total, &one, NULL, NULL)))
          return false;
    } else if (n == 1 && mlirLogicalResultIsFailure(cimProgramAddInstrCounts(
                             p, i, &total, NULL, NULL))) {
      return false;
    }
  }
  CimEventCost cost;
  return mlirLogicalResultIsSuccess(
      cimPriceEvents(&p->target, &total, &cost, NULL, NULL));
}

/// cimScheduleCompute, with write i issued copies[i] times when `copies`
/// is given (then only the latency is meaningful: the copies' own
/// schedules are not recorded).
static MlirLogicalResult compute(const CimProgram *p,
                                 const CimScheduleRequest *req,
                                 const int64_t *copies, int64_t cutoffPs,
                                 CimSchedule **out, MlirStringCallback cb,
                                 void *ud) {
  *out = NULL;
  if (copies ? !costWithCopiesFits(p, copies)
             : !programCostFits(p, NULL, cb, ud))
    return mlirLogicalResultFailure();
  CimStrBuf err = {0};
  Engine e;
  bool ok = engineInit(&e, p, MODE_COMPUTE);
  if (ok && copies && cutoffPs > 0) {
    /* Every write holds one of P ports for its time: the latency is at
     * least their sum / P, which may already reach the cutoff. */
    int64_t sum = 0, t;
    for (uint32_t i = 0; i < p->numInstrs; ++i)
      if (p->instrs[i].opcode == CIM_ISA_WRITE &&
          (__builtin_mul_overflow(e.instrTime[i], copies[i], &t) ||
           __builtin_add_overflow(sum, t, &sum)))
        sum = INT64_MAX;
    if (ceilDiv(sum, e.P) >= cutoffPs) {
      engineFree(&e);
      CimSchedule *s = calloc(1, sizeof *s);
      if (!s)
        return mlirLogicalResultFailure();
      s->latencyPs = ceilDiv(sum, e.P);
      *out = s;
      return mlirLogicalResultSuccess();
    }
  }
  e.err = &err;
  e.req = req;
  e.writeCopies = copies;
  e.cutoffPs = copies ? cutoffPs : 0;
  e.sched = calloc(1, sizeof *e.sched);
  ok = ok && e.sched;
  if (ok) {
    e.sched->numInstrs = p->numInstrs;
    e.sched->instrs =
        calloc(p->numInstrs ? p->numInstrs : 1, sizeof *e.sched->instrs);
    ok = e.sched->instrs && deriveTiles(&e);
  }
  size_t nt = (size_t)(e.numTiles > 0 ? e.numTiles : 1);
  size_t ni = p->numInstrs ? p->numInstrs : 1;
  if (ok) {
    e.holdTile = malloc((size_t)e.C * sizeof *e.holdTile);
    e.holdReady = calloc((size_t)e.C, sizeof *e.holdReady);
    e.pending = calloc(nt, sizeof *e.pending);
    e.tileMvms = calloc(nt, sizeof *e.tileMvms);
    e.numTileMvms = calloc(nt, sizeof *e.numTileMvms);
    e.defIdx = malloc(ni * sizeof *e.defIdx);
    e.done = calloc(ni, sizeof *e.done);
    int64_t *lastDef =
        malloc((size_t)(p->numBuffers ? p->numBuffers : 1) * sizeof *lastDef);
    int64_t *cap = calloc(nt, sizeof *cap);
    ok = e.holdTile && e.holdReady && e.pending && e.tileMvms &&
         e.numTileMvms && e.defIdx && e.done && lastDef && cap;
    for (int64_t x = 0; ok && x < e.C; ++x)
      e.holdTile[x] = -1;
    for (uint32_t b = 0; ok && b < p->numBuffers; ++b)
      lastDef[b] = -1;
    for (uint32_t i = 0; ok && i < p->numInstrs; ++i) {
      const CimIsaInstr *in = &p->instrs[i];
      if (in->opcode == CIM_ISA_MVM) {
        int64_t g = e.tileOf[i];
        if (g < 0 || g >= e.numTiles) {
          cimStrBufPrintf(&err, "instruction %u (mvm): reads no tile", i);
          ok = false;
          break;
        }
        e.defIdx[i] = lastDef[in->src[0]];
        if (!schedGrowArr((void **)&e.tileMvms[g], &cap[g], e.numTileMvms[g],
                          sizeof(int64_t))) {
          ok = false;
          break;
        }
        e.tileMvms[g][e.numTileMvms[g]++] = i;
        ++e.pending[g];
      }
      if (in->dst != CIM_ISA_NO_BUFFER)
        lastDef[in->dst] = i;
    }
    free(lastDef);
    free(cap);
    if (!ok && !err.length)
      e.oom = true;
  } else if (!err.length) {
    e.oom = true;
  }
  if (e.req->chunksPerCopy < 1)
    e.req = &(CimScheduleRequest){req->tileOf, req->numTiles, 1};
  ok = ok && walk(&e);
  MlirLogicalResult r = finish(&e, ok, cb, ud);
  engineFree(&e);
  cimStrBufFree(&err);
  if (mlirLogicalResultIsFailure(r)) {
    cimScheduleDestroy(e.sched);
    return r;
  }
  e.sched->latencyPs = e.makespan;
  *out = e.sched;
  return r;
}

MlirLogicalResult cimScheduleCompute(const CimProgram *p,
                                     const CimScheduleRequest *req,
                                     CimSchedule **out, MlirStringCallback cb,
                                     void *ud) {
  return compute(p, req, NULL, 0, out, cb, ud);
}

bool cimScheduleLatencyWithCopies(const CimProgram *p,
                                  const CimScheduleRequest *req,
                                  const int64_t *copies, int64_t cutoffPs,
                                  int64_t *latencyPs) {
  CimSchedule *s = NULL;
  bool ok = mlirLogicalResultIsSuccess(
      compute(p, req, copies, cutoffPs, &s, NULL, NULL));
  *latencyPs = ok ? s->latencyPs : INT64_MAX;
  cimScheduleDestroy(s);
  return ok;
}

void cimScheduleDestroy(CimSchedule *s) {
  if (!s)
    return;
  for (uint32_t i = 0; s->instrs && i < s->numInstrs; ++i) {
    free(s->instrs[i].start);
    free(s->instrs[i].crossbar);
  }
  free(s->instrs);
  free(s);
}

/*===----------------------------------------------------------------------===*
 * cimScheduleAnalyze
 *===----------------------------------------------------------------------===*/

static bool isScheduled(const CimProgram *p) {
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    if (p->instrs[i].opcode == CIM_ISA_SCHED)
      return true;
  return false;
}

MlirLogicalResult cimScheduleAnalyze(const CimProgram *p,
                                     CimScheduleReport **out,
                                     MlirStringCallback cb, void *ud) {
  *out = NULL;
  int64_t sequentialPs;
  if (!programCostFits(p, &sequentialPs, cb, ud))
    return mlirLogicalResultFailure();
  CimStrBuf err = {0};
  CimScheduleReport *rep = calloc(1, sizeof *rep);
  bool ok = rep != NULL;
  if (ok) {
    rep->sequentialPs = sequentialPs;
    rep->scheduled = isScheduled(p);
    rep->numCrossbars = p->target.crossbars;
    rep->targetFingerprint = cimTargetGetFingerprint(&p->target);
    rep->crossbarBusyPs =
        calloc((size_t)rep->numCrossbars, sizeof *rep->crossbarBusyPs);
    ok = rep->crossbarBusyPs != NULL;
  }
  int64_t writeWork = 0, mvmWork = 0, minWrite = 0;
  /* The critical path, and the work, writes and copies. */
  Engine e;
  if (ok) {
    ok = engineInit(&e, p, MODE_IDEAL);
    e.err = &err;
    e.rep = rep;
    e.countWork = true;
    e.minWritePs = -1;
    ok = ok && walk(&e);
    rep->criticalPathPs = e.makespan;
    rep->digitalBoundPs = e.digitalChain;
    writeWork = e.writeWorkPs;
    mvmWork = e.mvmWorkPs;
    minWrite = e.minWritePs;
    ok = mlirLogicalResultIsSuccess(finish(&e, ok, cb, ud));
    engineFree(&e);
  }
  if (ok && rep->scheduled) {
    /* The verifier: times from the sched instructions. */
    ok = engineInit(&e, p, MODE_CHECK);
    e.err = &err;
    e.rep = rep;
    ok = ok && walk(&e);
    rep->latencyPs = e.makespan;
    ok = mlirLogicalResultIsSuccess(finish(&e, ok, cb, ud));
    engineFree(&e);
  } else if (ok) {
    /* Sequential: each event after the previous one. */
    rep->latencyPs = rep->sequentialPs;
    int64_t now = 0;
    e.p = p;
    e.t = &p->target;
    e.rep = rep;
    e.oom = false;
    for (uint32_t i = 0; ok && i < p->numInstrs; ++i) {
      const CimIsaInstr *in = &p->instrs[i];
      int64_t d = schedInstrTime(&e, i);
      int64_t x = in->opcode == CIM_ISA_WRITE ? in->write.crossbar
                  : in->opcode == CIM_ISA_MVM ? in->mvm.crossbar
                                              : -1;
      if (x >= 0) {
        rep->crossbarBusyPs[x] += d;
        CimScheduleLayer *l =
            in->layer == CIM_ISA_NO_LAYER ? NULL : schedLayerOf(&e, in->layer);
        if (l) {
          l->startPs = min64(l->startPs, now);
          l->endPs = now + d;
          l->busyPs += d;
        }
      }
      now += d;
    }
    ok = !e.oom;
  }
  if (ok) {
    int64_t C = rep->numCrossbars > 0 ? rep->numCrossbars : 1;
    int64_t P = p->target.writePorts > 0 ? p->target.writePorts : 1;
    rep->workBoundPs = ceilDiv(rep->workPs, C);
    rep->writeBoundPs = ceilDiv(writeWork, P);
    rep->writeFillBoundPs = cimScheduleWriteFillBound(mvmWork, minWrite, C, P);
    const int64_t terms[CIM_SCHEDULE_NUM_BOUNDS] = {
        [CIM_SCHEDULE_BOUND_WORK] = rep->workBoundPs,
        [CIM_SCHEDULE_BOUND_WRITE_PORTS] = rep->writeBoundPs,
        [CIM_SCHEDULE_BOUND_DIGITAL] = rep->digitalBoundPs,
        [CIM_SCHEDULE_BOUND_CRITICAL_PATH] = rep->criticalPathPs,
        [CIM_SCHEDULE_BOUND_WRITE_FILL] = rep->writeFillBoundPs};
    rep->binding = CIM_SCHEDULE_BOUND_WORK;
    for (int k = 1; k < CIM_SCHEDULE_NUM_BOUNDS; ++k)
      if (terms[k] > terms[rep->binding])
        rep->binding = (CimScheduleBound)k;
    rep->boundPs = terms[rep->binding];
    for (int64_t k = 0; k < rep->numLayers; ++k) {
      CimScheduleLayer *l = &rep->layers[k];
      l->workBoundPs = ceilDiv(l->workBoundPs, C);
      if (l->startPs == INT64_MAX)
        l->startPs = 0;
    }
  } else if (rep && !err.length && cb) {
    cb(mlirStringRefCreateFromCString("out of memory while analysing the "
                                      "schedule"),
       ud);
  }
  cimStrBufFree(&err);
  if (!ok) {
    cimScheduleReportDestroy(rep);
    return mlirLogicalResultFailure();
  }
  *out = rep;
  return mlirLogicalResultSuccess();
}

void cimScheduleReportDestroy(CimScheduleReport *r) {
  if (!r)
    return;
  free(r->crossbarBusyPs);
  free(r->layers);
  free(r);
}
