/*===-- machine.c - Creating and destroying a simulator --------------------===*
 *
 * The machine: numbered buffers, crossbars holding the tiles WRITEs put
 * there, program inputs and outputs. Instructions run in program order (the
 * sequential schedule); each one checks its operands before touching memory,
 * so even a hand-built program that skipped cimProgramVerify cannot make the
 * simulator read or write out of bounds.
 *
 * The exact shortcut (docs/cim-sim.md). An MVM's column sums are linear in
 * its digits, an ideal (or wide enough) ADC is the identity, and shift_add
 * adds a shifted multiple of them to an accumulator. So instead of computing
 * sums_p = drive_p * cells for every input plane p and adding
 * c_p * sums_p, the simulator keeps the MVM result deferred (SimLazy: the
 * tile and the drive matrix), lets an exact ADC pass it through, and has
 * shift_add add c_p * drive_p into one coefficient matrix per (tile, rows,
 * column selection) of the accumulator (SimTerm). When anything reads the
 * accumulator, each term is multiplied out once:
 *     sum_p c_p * (drive_p * cells) = (sum_p c_p * drive_p) * cells
 * which is integer distributivity, exact, and costs one product instead of
 * one per plane. An ADC that could clip or round (bits too few for the
 * largest possible column sum, or shift > 0) materializes the sums first and
 * applies the ADC to every plane, as the hardware does.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "SimMachine.h"
#include "support/FileIO.h"

/*===----------------------------------------------------------------------===*
 * Creation
 *===----------------------------------------------------------------------===*/

static void captureFirst(MlirStringRef s, void *ud) {
  CimStrBuf *b = ud;
  if (b->length == 0)
    cimStrBufAppendRef(b, s);
}

static int cmpI64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/// The first field other than a time or an energy in which `a` and `b`
/// differ (what a program's mapping depends on), or NULL.
static const char *differingField(const CimTarget *a, const CimTarget *b) {
  for (intptr_t i = 0; i < cimTargetGetNumFields(); ++i) {
    CimTargetFieldKind k = cimTargetFieldGetKind(i);
    if (k != CIM_TARGET_FIELD_KIND_TIME && k != CIM_TARGET_FIELD_KIND_ENERGY &&
        cimTargetGetFieldValue(a, i) != cimTargetGetFieldValue(b, i))
      return cimTargetFieldGetName(i);
  }
  return NULL;
}

void cimSimMachineDestroy(SimMachine *m) {
  if (!m)
    return;
  cimScheduleReportDestroy(m->schedule);
  const CimProgram *p = m->program;
  if (m->buffers)
    for (uint32_t i = 0; i < p->numBuffers; ++i) {
      m->buffers[i].isConst = false;
      cimSimBufferReset(&m->buffers[i]);
      free(m->buffers[i].terms);
    }
  free(m->buffers);
  if (m->blockValues)
    for (uint32_t i = 0; i < p->numBlocks; ++i)
      free(m->blockValues[i]);
  free(m->blockValues);
  if (m->inputs)
    for (uint32_t i = 0; i < p->numInputs; ++i)
      free(m->inputs[i]);
  free(m->inputs);
  if (m->outputs)
    for (uint32_t i = 0; i < p->numOutputs; ++i)
      free(m->outputs[i]);
  free(m->outputs);
  if (m->crossbars)
    for (int64_t i = 0; i < m->target.crossbars; ++i) {
      SimCrossbar *x = m->crossbars[i];
      if (!x)
        continue;
      for (int64_t k = 0; k < x->numTiles; ++k)
        cimSimTileRelease(x->tiles[k].tile);
      free(x->tiles);
      free(x);
    }
  free(m->crossbars);
  free(m->usedCrossbars);
  free(m->layers);
  free(m->instrSlot);
  free(m->layerCounters);
  free(m->dead);
  cimStrBufFree(&m->kernelMessage);
  free(m);
}

/// Loads the constant buffers from their data blocks.
static MlirLogicalResult loadConstants(SimMachine *m, MlirStringCallback cb,
                                       void *ud) {
  const CimProgram *p = m->program;
  for (uint32_t i = 0; i < p->numBuffers; ++i) {
    const CimIsaBuffer *buf = &p->buffers[i];
    if (buf->dataBlock == CIM_ISA_NO_DATA)
      continue;
    int64_t n = cimSimTypeNumElements(&buf->type), count;
    const int64_t *v;
    if (mlirLogicalResultIsFailure(cimSimBlockValues(m, buf->dataBlock, -1,
                                               "constant buffer", &v, &count,
                                               cb, ud)))
      return mlirLogicalResultFailure();
    SimBuffer *b = &m->buffers[i];
    if (count == n) {
      b->data = (int64_t *)v;
      b->ownsData = false;
    } else if (count == 1) {
      /* A splat (a model with constant weights): filled when an
       * instruction first reads it, freed after its last read (run.c). */
      b->data = NULL;
      b->ownsData = false;
      b->splat = true;
      b->splatValue = v[0];
    } else {
      return cimSimFail(cb, ud, "buffer %u: data block %u has %lld values "
                        "for %lld elements", i, buf->dataBlock,
                        (long long)count, (long long)n);
    }
    b->valid = true;
    b->isConst = true;
  }
  return mlirLogicalResultSuccess();
}

/// Adds the int64 storage of `n` values of type `t` to `*total`
/// (saturating at UINT64_MAX).
static void addInt64Storage(const CimIsaTensorType *t, uint64_t *total) {
  uint64_t bytes;
  if (__builtin_mul_overflow((uint64_t)cimSimTypeNumElements(t),
                             sizeof(int64_t), &bytes) ||
      __builtin_add_overflow(*total, bytes, total))
    *total = UINT64_MAX;
}

/// The simulator keeps every buffer, input and output as int64 values:
/// refuses a program whose buffers and ports need more than
/// CIM_MAX_SIM_BYTES (default 8 GiB) before allocating any of them, so a
/// program declaring a 2^40-element buffer or input gets an error, not an
/// 8 TiB allocation.
static MlirLogicalResult checkMemory(const CimProgram *p,
                                     MlirStringCallback cb, void *ud) {
  uint64_t limit =
      cimByteLimitFromEnvironment("CIM_MAX_SIM_BYTES", (uint64_t)8 << 30);
  uint64_t total = 0;
  for (uint32_t i = 0; i < p->numBuffers; ++i)
    addInt64Storage(&p->buffers[i].type, &total);
  for (uint32_t i = 0; i < p->numInputs; ++i)
    addInt64Storage(&p->inputs[i].type, &total);
  for (uint32_t i = 0; i < p->numOutputs; ++i)
    addInt64Storage(&p->outputs[i].type, &total);
  if (total <= limit)
    return mlirLogicalResultSuccess();
  return cimSimFail(cb, ud,
                    "the program's buffers and ports need %llu bytes, more "
                    "than the simulator's memory limit of %llu bytes (set "
                    "CIM_MAX_SIM_BYTES to raise it)",
                    (unsigned long long)total, (unsigned long long)limit);
}

/// What cimSimCreate refuses: a program that does not verify, an invalid
/// target or one that differs in more than times and energies, and a
/// program whose cost on the target does not fit in int64.
static MlirLogicalResult checkProgramAndTarget(const CimProgram *program,
                                               const CimTarget *target,
                                               MlirStringCallback cb,
                                               void *ud) {
  CimStrBuf first = {0};
  if (mlirLogicalResultIsFailure(
          cimProgramVerify(program, captureFirst, &first))) {
    cimSimFail(cb, ud, "invalid program: %s", cimStrBufGet(&first));
    cimStrBufFree(&first);
    return mlirLogicalResultFailure();
  }
  if (target) {
    if (mlirLogicalResultIsFailure(
            cimTargetValidate(target, captureFirst, &first))) {
      cimSimFail(cb, ud, "invalid target: %s", cimStrBufGet(&first));
      cimStrBufFree(&first);
      return mlirLogicalResultFailure();
    }
    const char *f = differingField(target, &program->target);
    if (f)
      return cimSimFail(cb, ud, "the target's '%s' differs from the one the "
                        "program was compiled for; only times and energies "
                        "may differ", f);
  }
  /* Every count and price of a run is part of the program's sequential
   * cost; when that fits in int64, so does every sum a run makes (per
   * layer, per crossbar), and an overflow is found before any work. */
  if (mlirLogicalResultIsFailure(cimProgramGetCost(
          program, target, NULL, NULL, captureFirst, &first))) {
    cimSimFail(cb, ud, "%s", cimStrBufGet(&first));
    cimStrBufFree(&first);
    return mlirLogicalResultFailure();
  }
  cimStrBufFree(&first);
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimCreate(const CimProgram *program,
                               const CimTarget *target, CimSim *sim,
                               MlirStringCallback cb, void *ud) {
  sim->ptr = NULL;
  if (mlirLogicalResultIsFailure(
          checkProgramAndTarget(program, target, cb, ud)) ||
      mlirLogicalResultIsFailure(checkMemory(program, cb, ud)))
    return mlirLogicalResultFailure();

  SimMachine *m = calloc(1, sizeof *m);
  if (!m)
    return cimSimFail(cb, ud, "out of memory");
  m->program = program;
  m->target = target ? *target : program->target;
  m->shortcuts = true;
  const CimProgram *p = program;
  m->buffers = cimSimCalloc(p->numBuffers, sizeof *m->buffers);
  m->blockValues = cimSimCalloc(p->numBlocks, sizeof *m->blockValues);
  m->inputs = cimSimCalloc(p->numInputs, sizeof *m->inputs);
  m->outputs = cimSimCalloc(p->numOutputs, sizeof *m->outputs);
  m->crossbars = cimSimCalloc(m->target.crossbars, sizeof *m->crossbars);
  m->instrSlot = cimSimCalloc(p->numInstrs, sizeof *m->instrSlot);
  m->dead = cimSimCalloc(p->numInstrs, sizeof *m->dead);
  m->layers = cimSimCalloc(p->numInstrs, sizeof *m->layers);
  bool *live = cimSimCalloc(p->numBuffers, sizeof *live);
  if (!m->buffers || !m->blockValues || !m->inputs || !m->outputs ||
      !m->crossbars || !m->instrSlot || !m->dead || !m->layers || !live) {
    free(live);
    cimSimMachineDestroy(m);
    return cimSimFail(cb, ud, "out of memory");
  }
  /* Layers: distinct `layer` values, ascending. */
  int64_t nl = 0;
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    if (p->instrs[i].layer != CIM_ISA_NO_LAYER)
      m->layers[nl++] = p->instrs[i].layer;
  qsort(m->layers, (size_t)nl, sizeof *m->layers, cmpI64);
  int64_t u = 0;
  for (int64_t i = 0; i < nl; ++i)
    if (u == 0 || m->layers[u - 1] != m->layers[i])
      m->layers[u++] = m->layers[i];
  m->numLayers = u;
  for (uint32_t i = 0; i < p->numInstrs; ++i) {
    int64_t l = p->instrs[i].layer, slot = m->numLayers;
    if (l != CIM_ISA_NO_LAYER) {
      const int64_t *f = bsearch(&l, m->layers, (size_t)m->numLayers,
                                 sizeof *m->layers, cmpI64);
      slot = f - m->layers;
    }
    m->instrSlot[i] = slot;
  }
  m->layerCounters = cimSimCalloc(m->numLayers + 1, sizeof *m->layerCounters);
  if (!m->layerCounters) {
    free(live);
    cimSimMachineDestroy(m);
    return cimSimFail(cb, ud, "out of memory");
  }
  /* Liveness, backwards: src k of instruction i is dead after i when no
   * later instruction reads it before one writes it. */
  for (uint32_t i = p->numInstrs; i-- > 0;) {
    const CimIsaInstr *in = &p->instrs[i];
    uint8_t bits = 0;
    for (int k = 0; k < CIM_ISA_MAX_SRCS; ++k) {
      uint32_t s = in->src[k];
      if (s < p->numBuffers && !live[s])
        bits |= (uint8_t)(1u << k);
    }
    m->dead[i] = bits;
    if (in->dst < p->numBuffers)
      live[in->dst] = false;
    for (int k = 0; k < CIM_ISA_MAX_SRCS; ++k)
      if (in->src[k] < p->numBuffers)
        live[in->src[k]] = true;
  }
  free(live);
  if (mlirLogicalResultIsFailure(loadConstants(m, cb, ud))) {
    cimSimMachineDestroy(m);
    return mlirLogicalResultFailure();
  }
  /* The schedule verifier (docs/schedule.md): a scheduled program whose
   * times break the model is rejected before it runs. */
  CimStrBuf schedMsg = {0};
  if (mlirLogicalResultIsFailure(cimScheduleAnalyze(
          p, &m->schedule, cimStrBufCallback, &schedMsg))) {
    cimSimMachineDestroy(m);
    MlirLogicalResult r =
        cimSimFail(cb, ud, "schedule: %s", cimStrBufGet(&schedMsg));
    cimStrBufFree(&schedMsg);
    return r;
  }
  cimStrBufFree(&schedMsg);
  sim->ptr = m;
  return mlirLogicalResultSuccess();
}

void cimSimDestroy(CimSim sim) { cimSimMachineDestroy(sim.ptr); }

void cimSimSetShortcuts(CimSim sim, bool enable) {
  ((SimMachine *)sim.ptr)->shortcuts = enable;
}

void cimSimGetFastPathStats(CimSim sim, int64_t *adcPassed,
                            int64_t *adcApplied, int64_t *forwarded) {
  const SimMachine *m = sim.ptr;
  *adcPassed = m->adcPassed;
  *adcApplied = m->adcApplied;
  *forwarded = m->forwarded;
}

void cimSimGetShortcutStats(CimSim sim, int64_t *deferred, int64_t *direct) {
  const SimMachine *m = sim.ptr;
  *deferred = m->deferred;
  *direct = m->direct;
}

