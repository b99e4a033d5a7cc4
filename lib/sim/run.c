/*===-- run.c - The run loop and counters ----------------------------------===*
 *
 * Instruction dispatch in program order, event counters per layer and
 * crossbar, pricing, and the counter accessors of cim-c/Sim.h.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "SimMachine.h"

/*===----------------------------------------------------------------------===*
 * The run loop
 *===----------------------------------------------------------------------===*/

static void addCounters(CimSimCounters *to, const CimSimCounters *ev) {
  to->instructions += ev->instructions;
  to->writes += ev->writes;
  to->cellsWritten += ev->cellsWritten;
  to->mvmCycles += ev->mvmCycles;
  to->rowActivations += ev->rowActivations;
  to->cellActivations += ev->cellActivations;
  to->adcConversions += ev->adcConversions;
  to->digitalOps += ev->digitalOps;
  to->bufferAccesses += ev->bufferAccesses;
}

MlirLogicalResult cimSimPrice(const SimMachine *m, CimSimCounters *c,
                              MlirStringCallback cb, void *ud) {
  CimEventCounts k = {c->writes,         c->cellsWritten,   c->mvmCycles,
                      c->rowActivations, c->adcConversions, c->digitalOps,
                      c->bufferAccesses};
  CimEventCost cost;
  if (mlirLogicalResultIsFailure(cimPriceEvents(&m->target, &k, &cost, cb, ud)))
    return mlirLogicalResultFailure();
  c->latencyPs = cost.totalLatencyPs;
  c->energyFj = cost.totalEnergyFj;
  return mlirLogicalResultSuccess();
}

/// Drops all run state: scratch buffers, crossbar contents, outputs.
void cimSimResetRun(SimMachine *m) {
  const CimProgram *p = m->program;
  for (uint32_t i = 0; i < p->numBuffers; ++i)
    cimSimBufferReset(&m->buffers[i]);
  for (int64_t i = 0; i < m->target.crossbars; ++i) {
    SimCrossbar *x = m->crossbars[i];
    if (!x)
      continue;
    for (int64_t k = 0; k < x->numTiles; ++k)
      cimSimTileRelease(x->tiles[k].tile);
    x->numTiles = 0;
    memset(&x->counters, 0, sizeof x->counters);
    x->used = false;
  }
  for (uint32_t i = 0; i < p->numOutputs; ++i) {
    free(m->outputs[i]);
    m->outputs[i] = NULL;
  }
  memset(m->layerCounters, 0,
         (size_t)(m->numLayers + 1) * sizeof *m->layerCounters);
  memset(&m->total, 0, sizeof m->total);
  free(m->usedCrossbars);
  m->usedCrossbars = NULL;
  m->numUsedCrossbars = 0;
  m->deferred = m->direct = m->forwarded = 0;
  m->adcPassed = m->adcApplied = 0;
  m->ran = false;
}

/// A scheduled mvm's events go to the crossbars its chunks run on: chunk j
/// of r_j rows adds r_j MVM cycles, r_j x rows row activations, r_j x rows x
/// tile_cols cell activations and its r_j x (rows + tile_cols) of the mvm's
/// M x rows + n(dst) buffer accesses (docs/isa.md, "Cost") to crossbar[j];
/// the instruction itself counts on the crossbar of chunk 0. The shares add
/// up to `ev` exactly.
static void addChunkCounters(SimMachine *m, const CimIsaInstr *in,
                             const CimIsaInstr *sc, const CimSimCounters *ev) {
  const CimProgram *p = m->program;
  int64_t M = p->buffers[in->src[0]].type.dims[0];
  int64_t rows = in->mvm.rows, cols = in->mvm.tileCols;
  int64_t n = sc->sched.chunkRows;
  uint64_t chunks = p->blocks[sc->sched.crossbar].count;
  CimSimCounters sum = {0};
  for (uint64_t j = 0; j < chunks; ++j) {
    int64_t first = (int64_t)j * n;
    int64_t r = M - first < n ? M - first : n;
    CimSimCounters share = {0};
    share.instructions = j == 0 ? ev->instructions : 0;
    share.mvmCycles = r;
    share.rowActivations = r * rows;
    share.cellActivations = r * rows * cols;
    share.bufferAccesses = r * (rows + cols);
    int64_t x = cimProgramGetDataValue(p, (uint32_t)sc->sched.crossbar, j);
    addCounters(&m->crossbars[x]->counters, &share);
    addCounters(&sum, &share);
  }
  assert(sum.mvmCycles == ev->mvmCycles &&
         sum.rowActivations == ev->rowActivations &&
         sum.cellActivations == ev->cellActivations &&
         sum.bufferAccesses == ev->bufferAccesses &&
         sum.instructions == ev->instructions);
  (void)sum;
}

static MlirLogicalResult step(SimMachine *m, const CimIsaInstr *in,
                              CimSimCounters *ev, MlirStringCallback cb,
                              void *ud) {
  const CimProgram *p = m->program;
  /* Operand indices are checked even though cimProgramVerify did. */
  for (int k = 0; k < CIM_ISA_MAX_SRCS; ++k)
    if (in->src[k] != CIM_ISA_NO_BUFFER && in->src[k] >= p->numBuffers)
      return cimSimMachineFail(m, cb, ud, "buffer %u does not exist",
                               in->src[k]);
  if (in->dst != CIM_ISA_NO_BUFFER && in->dst >= p->numBuffers)
    return cimSimMachineFail(m, cb, ud, "buffer %u does not exist", in->dst);
  bool needsDst = in->opcode != CIM_ISA_STORE && in->opcode != CIM_ISA_WRITE &&
                  in->opcode != CIM_ISA_BARRIER && in->opcode != CIM_ISA_SCHED;
  int needsSrcs = 0;
  switch (in->opcode) {
  case CIM_ISA_LOAD: case CIM_ISA_BARRIER: case CIM_ISA_SCHED:
    needsSrcs = 0; break;
  case CIM_ISA_SHIFT_ADD: case CIM_ISA_INSERT: case CIM_ISA_ADD:
    needsSrcs = 2; break;
  default: needsSrcs = 1; break;
  }
  if (needsDst && in->dst == CIM_ISA_NO_BUFFER)
    return cimSimMachineFail(m, cb, ud, "has no destination buffer");
  for (int k = 0; k < needsSrcs; ++k)
    if (in->src[k] == CIM_ISA_NO_BUFFER)
      return cimSimMachineFail(m, cb, ud, "source %d is missing", k);
  switch (in->opcode) {
  case CIM_ISA_BARRIER:
  case CIM_ISA_SCHED: /* times only: docs/schedule.md */
    return mlirLogicalResultSuccess();
  case CIM_ISA_STORE:
    return cimSimExecStore(m, in, cb, ud);
  case CIM_ISA_WRITE:
    return cimSimExecWrite(m, in, ev, cb, ud);
  case CIM_ISA_MVM:
    return cimSimExecMvm(m, in, ev, cb, ud);
  case CIM_ISA_ADC:
    return cimSimExecAdc(m, in, ev, cb, ud);
  case CIM_ISA_SHIFT_ADD:
    return cimSimExecShiftAdd(m, in, ev, cb, ud);
  default:
    return cimSimExecDigital(m, in, cb, ud);
  }
}

static MlirLogicalResult runOnce(SimMachine *m, MlirStringCallback cb,
                                 void *ud) {
  const CimProgram *p = m->program;
  cimSimResetRun(m);
  for (uint32_t i = 0; i < p->numInputs; ++i)
    if (!m->inputs[i])
      return cimSimFail(cb, ud, "input '%s' was not given", p->inputs[i].name);
  bool halted = false;
  for (m->pc = 0; m->pc < p->numInstrs; ++m->pc) {
    const CimIsaInstr *in = &p->instrs[m->pc];
    if (in->opcode == CIM_ISA_HALT) {
      halted = true;
      break;
    }
    CimSimCounters ev = {0};
    ev.instructions = 1;
    if (mlirLogicalResultIsFailure(step(m, in, &ev, cb, ud))) {
      cimSimResetRun(m);
      return mlirLogicalResultFailure();
    }
    CimEventCounts k = {0};
    if (mlirLogicalResultIsFailure(
            cimProgramAddInstrCounts(p, m->pc, &k, cb, ud))) {
      cimSimResetRun(m);
      return mlirLogicalResultFailure();
    }
    ev.digitalOps = k.digitalOps;
    ev.bufferAccesses = k.bufferAccesses;
    addCounters(&m->layerCounters[m->instrSlot[m->pc]], &ev);
    addCounters(&m->total, &ev);
    const CimIsaInstr *sc = m->pc > 0 && p->instrs[m->pc - 1].opcode ==
                                             CIM_ISA_SCHED
                                ? &p->instrs[m->pc - 1]
                                : NULL;
    int64_t x = in->opcode == CIM_ISA_WRITE ? in->write.crossbar
                : in->opcode == CIM_ISA_MVM ? in->mvm.crossbar
                                            : -1;
    if (in->opcode == CIM_ISA_MVM && sc)
      addChunkCounters(m, in, sc, &ev);
    else if (x >= 0)
      addCounters(&m->crossbars[x]->counters, &ev);
    /* Free what no later instruction reads. */
    for (int k2 = 0; k2 < CIM_ISA_MAX_SRCS; ++k2) {
      uint32_t s = in->src[k2];
      if (s >= p->numBuffers || !(m->dead[m->pc] & (1u << k2)) ||
          s == in->dst)
        continue;
      SimBuffer *b = &m->buffers[s];
      if (b->splat && b->ownsData) { /* filled again if ever read */
        free(b->data);
        b->data = NULL;
        b->ownsData = false;
      }
      cimSimBufferReset(b);
    }
  }
  if (!halted) {
    cimSimResetRun(m);
    return cimSimFail(cb, ud, "the program ends without halt");
  }
  for (uint32_t i = 0; i < p->numOutputs; ++i)
    if (!m->outputs[i]) {
      const char *name = p->outputs[i].name;
      cimSimResetRun(m);
      return cimSimFail(cb, ud, "output '%s' was never stored", name);
    }
  /* Used crossbars, ascending, and prices. */
  for (int64_t x = 0; x < m->target.crossbars; ++x)
    if (m->crossbars[x] && m->crossbars[x]->used)
      ++m->numUsedCrossbars;
  m->usedCrossbars = cimSimMalloc(m->numUsedCrossbars, sizeof(int64_t));
  if (!m->usedCrossbars) {
    cimSimResetRun(m);
    return cimSimFail(cb, ud, "out of memory");
  }
  /* The total first: its message is the one that matters, and when it
   * fits, so do its parts (cimSimCreate checked the program's cost). */
  bool priced = mlirLogicalResultIsSuccess(cimSimPrice(m, &m->total, cb, ud));
  int64_t k = 0;
  for (int64_t x = 0; x < m->target.crossbars; ++x)
    if (m->crossbars[x] && m->crossbars[x]->used) {
      m->usedCrossbars[k++] = x;
      priced = priced && mlirLogicalResultIsSuccess(cimSimPrice(
                             m, &m->crossbars[x]->counters, cb, ud));
    }
  for (int64_t i = 0; i <= m->numLayers; ++i)
    priced = priced && mlirLogicalResultIsSuccess(
                           cimSimPrice(m, &m->layerCounters[i], cb, ud));
  if (!priced) {
    cimSimResetRun(m);
    return mlirLogicalResultFailure();
  }
  /* Scratch buffers are not needed any more; outputs are kept. */
  for (uint32_t i = 0; i < p->numBuffers; ++i)
    cimSimBufferReset(&m->buffers[i]);
  m->ran = true;
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * The reference check (CIM_SIM_CHECK_REFERENCE)
 *===----------------------------------------------------------------------===*/

static bool sameCounters(const CimSimCounters *a, const CimSimCounters *b) {
  return memcmp(a, b, sizeof *a) == 0;
}

/// Runs the program again with the shortcuts off (every MVM plane by
/// plane) and compares every output element and every counter with the
/// shortcut run that just finished; fails naming the first difference.
static MlirLogicalResult checkReference(SimMachine *m, MlirStringCallback cb,
                                        void *ud) {
  const CimProgram *p = m->program;
  int64_t **fast = cimSimCalloc(p->numOutputs, sizeof *fast);
  int64_t nl = m->numLayers + 1;
  CimSimCounters *layers = cimSimMalloc(nl, sizeof *layers);
  if (!fast || !layers) {
    free(fast);
    free(layers);
    return cimSimFail(cb, ud, "out of memory");
  }
  for (uint32_t i = 0; i < p->numOutputs; ++i) {
    fast[i] = m->outputs[i];
    m->outputs[i] = NULL;
  }
  memcpy(layers, m->layerCounters, (size_t)nl * sizeof *layers);
  CimSimCounters total = m->total;
  int64_t deferred = m->deferred, direct = m->direct, fwd = m->forwarded;
  int64_t passed = m->adcPassed, applied = m->adcApplied;
  m->shortcuts = false;
  MlirLogicalResult r = runOnce(m, cb, ud);
  m->shortcuts = true;
  for (uint32_t i = 0; i < p->numOutputs && mlirLogicalResultIsSuccess(r);
       ++i) {
    int64_t n = cimSimTypeNumElements(&p->outputs[i].type);
    for (int64_t k = 0; k < n; ++k)
      if (fast[i][k] != m->outputs[i][k]) {
        r = cimSimFail(cb, ud, "reference check: output '%s' element %lld "
                       "is %lld with the exact shortcuts and %lld computed "
                       "plane by plane", p->outputs[i].name, (long long)k,
                       (long long)fast[i][k], (long long)m->outputs[i][k]);
        break;
      }
  }
  if (mlirLogicalResultIsSuccess(r)) {
    bool same = sameCounters(&total, &m->total);
    for (int64_t i = 0; i < nl; ++i)
      same = same && sameCounters(&layers[i], &m->layerCounters[i]);
    if (!same)
      r = cimSimFail(cb, ud, "reference check: the counters differ between "
                     "the exact shortcuts and the plane-by-plane run");
  }
  for (uint32_t i = 0; i < p->numOutputs; ++i)
    free(fast[i]);
  free(fast);
  free(layers);
  m->deferred = deferred;
  m->direct = direct;
  m->forwarded = fwd;
  m->adcPassed = passed;
  m->adcApplied = applied;
  if (mlirLogicalResultIsFailure(r))
    cimSimResetRun(m);
  return r;
}

MlirLogicalResult cimSimRun(CimSim sim, MlirStringCallback cb, void *ud) {
  SimMachine *m = sim.ptr;
  if (mlirLogicalResultIsFailure(runOnce(m, cb, ud)))
    return mlirLogicalResultFailure();
  const char *check = getenv("CIM_SIM_CHECK_REFERENCE");
  if (m->shortcuts && check && *check && strcmp(check, "0") != 0)
    return checkReference(m, cb, ud);
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * Counters
 *===----------------------------------------------------------------------===*/

CimSimCounters cimSimGetTotal(CimSim sim) {
  return ((const SimMachine *)sim.ptr)->total;
}

int64_t cimSimGetNumLayers(CimSim sim) {
  return ((const SimMachine *)sim.ptr)->numLayers;
}

int64_t cimSimGetLayer(CimSim sim, int64_t i) {
  const SimMachine *m = sim.ptr;
  return i >= 0 && i < m->numLayers ? m->layers[i] : CIM_ISA_NO_LAYER;
}

CimSimCounters cimSimGetLayerCounters(CimSim sim, int64_t i) {
  const SimMachine *m = sim.ptr;
  CimSimCounters zero = {0};
  return i >= 0 && i < m->numLayers ? m->layerCounters[i] : zero;
}

CimSimCounters cimSimGetUnattributedCounters(CimSim sim) {
  const SimMachine *m = sim.ptr;
  return m->layerCounters[m->numLayers];
}

int64_t cimSimGetNumCrossbars(CimSim sim) {
  return ((const SimMachine *)sim.ptr)->numUsedCrossbars;
}

int64_t cimSimGetCrossbar(CimSim sim, int64_t i) {
  const SimMachine *m = sim.ptr;
  return i >= 0 && i < m->numUsedCrossbars ? m->usedCrossbars[i] : -1;
}

CimSimCounters cimSimGetCrossbarCounters(CimSim sim, int64_t i) {
  const SimMachine *m = sim.ptr;
  CimSimCounters zero = {0};
  if (i < 0 || i >= m->numUsedCrossbars)
    return zero;
  return m->crossbars[m->usedCrossbars[i]]->counters;
}
