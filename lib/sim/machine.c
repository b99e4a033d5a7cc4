/*===-- machine.c - Executing a CIM program ---------------------------------===*
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

#define SHAPE_BUF 96

/*===----------------------------------------------------------------------===*
 * Small helpers
 *===----------------------------------------------------------------------===*/

static CimSimTensor viewOf(const CimIsaTensorType *t, int64_t *data) {
  CimSimTensor v;
  memset(&v, 0, sizeof v);
  v.data = data;
  v.rank = t->rank <= CIM_SIM_MAX_RANK ? t->rank : CIM_SIM_MAX_RANK;
  for (int i = 0; i < v.rank; ++i)
    v.shape[i] = t->dims[i];
  return v;
}

static int64_t numElementsOf(const CimIsaTensorType *t) {
  int64_t n = 1;
  for (unsigned i = 0; i < t->rank && i < CIM_ISA_MAX_RANK; ++i)
    n *= t->dims[i];
  return n;
}

static void elemRange(CimIsaElemType e, int64_t *lo, int64_t *hi) {
  unsigned bits = e.bits < 1 ? 1 : e.bits > 64 ? 64 : e.bits;
  if (e.isUnsigned) {
    *lo = 0;
    *hi = bits >= 63 ? INT64_MAX : (INT64_C(1) << bits) - 1;
  } else {
    *lo = bits == 64 ? INT64_MIN : -(INT64_C(1) << (bits - 1));
    *hi = bits == 64 ? INT64_MAX : (INT64_C(1) << (bits - 1)) - 1;
  }
}

static const char *opName(const SimMachine *m) {
  const char *n = cimIsaOpcodeGetName(m->program->instrs[m->pc].opcode);
  return n ? n : "?";
}

/// Reports one error of the running instruction.
static MlirLogicalResult machineFail(SimMachine *m, MlirStringCallback cb,
                                     void *ud, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static MlirLogicalResult machineFail(SimMachine *m, MlirStringCallback cb,
                                     void *ud, const char *fmt, ...) {
  if (cb) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "instruction %u (%s): ", m->pc, opName(m));
    va_list ap;
    va_start(ap, fmt);
    cimStrBufVPrintf(&msg, fmt, ap);
    va_end(ap);
    cb(mlirStringRefCreate(cimStrBufGet(&msg), msg.length), ud);
    cimStrBufFree(&msg);
  }
  return mlirLogicalResultFailure();
}

/// Forwards the message a kernel left in m->kernelMessage.
static MlirLogicalResult kernelFailed(SimMachine *m, MlirStringCallback cb,
                                      void *ud) {
  MlirLogicalResult r =
      machineFail(m, cb, ud, "%s", cimStrBufGet(&m->kernelMessage));
  cimStrBufClear(&m->kernelMessage);
  return r;
}

#define KCB cimStrBufCallback, &m->kernelMessage

static void *xcalloc(int64_t n, size_t size) {
  if (n <= 0)
    n = 1;
  if ((uint64_t)n > SIZE_MAX / size)
    return NULL;
  return calloc((size_t)n, size);
}

static void *xmalloc(int64_t n, size_t size) {
  if (n <= 0)
    n = 1;
  if ((uint64_t)n > SIZE_MAX / size)
    return NULL;
  return malloc((size_t)n * size);
}

/*===----------------------------------------------------------------------===*
 * Tiles, deferred values, buffers
 *===----------------------------------------------------------------------===*/

static void tileRelease(SimTile *t) {
  if (t && --t->refs == 0) {
    free(t->cells);
    free(t);
  }
}

static void lazyRelease(SimLazy *l) {
  if (l && --l->refs == 0) {
    tileRelease(l->tile);
    free(l->drive);
    free(l);
  }
}

static void clearTerms(SimBuffer *b) {
  for (int64_t i = 0; i < b->numTerms; ++i) {
    tileRelease(b->terms[i].tile);
    free(b->terms[i].coef);
  }
  b->numTerms = 0;
}

/// Drops whatever `b` holds (a constant keeps its data).
static void bufferReset(SimBuffer *b) {
  if (b->isConst)
    return;
  lazyRelease(b->lazy);
  b->lazy = NULL;
  clearTerms(b);
  if (b->ownsData)
    free(b->data);
  b->data = NULL;
  b->ownsData = false;
  b->valid = false;
}

/// value[m, c] of a deferred product into out [M, tile.cols].
static void lazyProduct(const SimLazy *l, int64_t *out) {
  int64_t C = l->tile->cols;
  memset(out, 0, (size_t)(l->M * C) * sizeof(int64_t));
  for (int64_t mm = 0; mm < l->M; ++mm) {
    const int64_t *drive = l->drive + mm * l->rows;
    int64_t *o = out + mm * C;
    for (int64_t r = 0; r < l->rows; ++r) {
      int64_t d = drive[r];
      if (d == 0)
        continue;
      const int64_t *row = l->tile->cells + (l->rowOffset + r) * C;
      for (int64_t c = 0; c < C; ++c)
        o[c] += d * row[c];
    }
  }
}

/// Multiplies a pending term out and adds it into `acc` [Ma, Na].
static bool applyTerm(const SimTerm *t, int64_t *acc, int64_t Ma, int64_t Na) {
  int64_t C = t->tile->cols, rows = t->rows, count = t->count;
  int64_t *sel = xmalloc(rows * count, sizeof(int64_t));
  int64_t *tmp = xmalloc(count, sizeof(int64_t));
  if (!sel || !tmp) {
    free(sel);
    free(tmp);
    return false;
  }
  /* The selected columns, contiguous: sel[r, i] = cells[rowOffset + r,
   * srcOffset + i * srcStride]. */
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t *row = t->tile->cells + (t->rowOffset + r) * C + t->srcOffset;
    for (int64_t i = 0; i < count; ++i)
      sel[r * count + i] = row[i * t->srcStride];
  }
  /* |sum| <= rows * maxAbsCoef * maxCell < 2^62, checked when the term
   * grew, so tmp cannot overflow. */
  for (int64_t mm = 0; mm < Ma; ++mm) {
    if (t->M != 1 || mm == 0) {
      memset(tmp, 0, (size_t)count * sizeof(int64_t));
      const int64_t *coef = t->coef + (t->M == 1 ? 0 : mm) * rows;
      for (int64_t r = 0; r < rows; ++r) {
        int64_t c = coef[r];
        if (c == 0)
          continue;
        const int64_t *s = sel + r * count;
        for (int64_t i = 0; i < count; ++i)
          tmp[i] += c * s[i];
      }
    }
    int64_t *dst = acc + mm * Na + t->dstOffset;
    for (int64_t i = 0; i < count; ++i)
      if (__builtin_add_overflow(dst[i], tmp[i], &dst[i])) {
        free(sel);
        free(tmp);
        return false;
      }
  }
  free(sel);
  free(tmp);
  return true;
}

static MlirLogicalResult checkFits(SimMachine *m, uint32_t bufIdx,
                                   const int64_t *v, int64_t n,
                                   MlirStringCallback cb, void *ud) {
  const CimIsaTensorType *t = &m->program->buffers[bufIdx].type;
  int64_t lo, hi;
  elemRange(t->elem, &lo, &hi);
  for (int64_t i = 0; i < n; ++i)
    if (v[i] < lo || v[i] > hi)
      return machineFail(m, cb, ud, "value %lld (element %lld) does not fit "
                         "buffer %u of element type %c%u [%lld, %lld]",
                         (long long)v[i], (long long)i, bufIdx,
                         t->elem.isUnsigned ? 'u' : 'i', (unsigned)t->elem.bits,
                         (long long)lo, (long long)hi);
  return mlirLogicalResultSuccess();
}

/// Makes buffer `idx` hold plain values (multiplying out a deferred product
/// and pending terms) and returns them in *out.
static MlirLogicalResult materialize(SimMachine *m, uint32_t idx,
                                     int64_t **out, MlirStringCallback cb,
                                     void *ud) {
  SimBuffer *b = &m->buffers[idx];
  const CimIsaTensorType *t = &m->program->buffers[idx].type;
  if (!b->valid)
    return machineFail(m, cb, ud, "reads buffer %u before any instruction "
                       "wrote it", idx);
  int64_t n = numElementsOf(t);
  if (b->lazy) {
    int64_t *data = xmalloc(n, sizeof(int64_t));
    if (!data)
      return machineFail(m, cb, ud, "out of memory");
    lazyProduct(b->lazy, data);
    lazyRelease(b->lazy);
    b->lazy = NULL;
    b->data = data;
    b->ownsData = true;
  }
  if (b->numTerms) {
    int64_t Na = t->rank ? t->dims[t->rank - 1] : 1;
    int64_t Ma = n / (Na ? Na : 1);
    for (int64_t i = 0; i < b->numTerms; ++i)
      if (!applyTerm(&b->terms[i], b->data, Ma, Na)) {
        clearTerms(b);
        return machineFail(m, cb, ud, "buffer %u: the accumulated sum exceeds "
                           "64 bits (or out of memory)", idx);
      }
    clearTerms(b);
    if (mlirLogicalResultIsFailure(checkFits(m, idx, b->data, n, cb, ud)))
      return mlirLogicalResultFailure();
  }
  *out = b->data;
  return mlirLogicalResultSuccess();
}

/// Gives buffer `idx` fresh storage for a result (dropping what it held).
static MlirLogicalResult prepareDst(SimMachine *m, uint32_t idx,
                                    int64_t **out, MlirStringCallback cb,
                                    void *ud) {
  SimBuffer *b = &m->buffers[idx];
  if (b->isConst)
    return machineFail(m, cb, ud, "writes constant buffer %u", idx);
  int64_t *keep = b->ownsData ? b->data : NULL;
  b->ownsData = false;
  b->data = NULL;
  bufferReset(b);
  int64_t n = numElementsOf(&m->program->buffers[idx].type);
  if (!keep)
    keep = xmalloc(n, sizeof(int64_t));
  if (!keep)
    return machineFail(m, cb, ud, "out of memory");
  b->data = keep;
  b->ownsData = true;
  *out = keep;
  return mlirLogicalResultSuccess();
}

/// Makes buffer `idx` hold the deferred product `l` (taking the reference).
static MlirLogicalResult setLazy(SimMachine *m, uint32_t idx, SimLazy *l,
                                 MlirStringCallback cb, void *ud) {
  SimBuffer *b = &m->buffers[idx];
  if (b->isConst) {
    lazyRelease(l);
    return machineFail(m, cb, ud, "writes constant buffer %u", idx);
  }
  bufferReset(b);
  b->lazy = l;
  b->valid = true;
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * Data blocks
 *===----------------------------------------------------------------------===*/

/// Values of data block `blk` (decoded once), checking the block against the
/// data section. `want` >= 0 requires that many values.
static MlirLogicalResult blockValues(SimMachine *m, int64_t blk, int64_t want,
                                     const char *what, const int64_t **values,
                                     int64_t *count, MlirStringCallback cb,
                                     void *ud) {
  const CimProgram *p = m->program;
  if (blk < 0 || (uint64_t)blk >= p->numBlocks)
    return machineFail(m, cb, ud, "%s: data block %lld does not exist", what,
                       (long long)blk);
  const CimIsaDataBlock *b = &p->blocks[blk];
  unsigned eb = b->elemBytes;
  if ((eb != 1 && eb != 2 && eb != 4 && eb != 8) ||
      b->count > (uint64_t)CIM_ISA_MAX_ELEMENTS || b->offset > p->dataSize ||
      b->count * eb > p->dataSize - b->offset)
    return machineFail(m, cb, ud, "%s: data block %lld lies outside the data "
                       "section", what, (long long)blk);
  if (want >= 0 && (int64_t)b->count != want)
    return machineFail(m, cb, ud, "%s: data block %lld has %llu values, "
                       "expected %lld", what, (long long)blk,
                       (unsigned long long)b->count, (long long)want);
  if (!m->blockValues[blk]) {
    int64_t *v = xmalloc((int64_t)b->count, sizeof(int64_t));
    if (!v)
      return machineFail(m, cb, ud, "out of memory");
    const uint8_t *src = p->data + b->offset;
    for (uint64_t i = 0; i < b->count; ++i) {
      uint64_t u = 0;
      for (unsigned k = 0; k < eb; ++k)
        u |= (uint64_t)src[i * eb + k] << (8 * k);
      if (eb < 8 && ((u >> (8 * eb - 1)) & 1))
        u |= ~UINT64_C(0) << (8 * eb);
      v[i] = (int64_t)u;
    }
    m->blockValues[blk] = v;
  }
  *values = m->blockValues[blk];
  *count = (int64_t)b->count;
  return mlirLogicalResultSuccess();
}

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

static void machineDestroy(SimMachine *m) {
  if (!m)
    return;
  cimScheduleReportDestroy(m->schedule);
  const CimProgram *p = m->program;
  if (m->buffers)
    for (uint32_t i = 0; i < p->numBuffers; ++i) {
      m->buffers[i].isConst = false;
      bufferReset(&m->buffers[i]);
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
        tileRelease(x->tiles[k].tile);
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
    int64_t n = numElementsOf(&buf->type), count;
    const int64_t *v;
    if (mlirLogicalResultIsFailure(blockValues(m, buf->dataBlock, -1,
                                               "constant buffer", &v, &count,
                                               cb, ud)))
      return mlirLogicalResultFailure();
    SimBuffer *b = &m->buffers[i];
    if (count == n) {
      b->data = (int64_t *)v;
      b->ownsData = false;
    } else if (count == 1) {
      b->data = xmalloc(n, sizeof(int64_t));
      if (!b->data)
        return cimSimFail(cb, ud, "out of memory");
      for (int64_t k = 0; k < n; ++k)
        b->data[k] = v[0];
      b->ownsData = true;
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

/// The simulator keeps every buffer as int64 values: refuses a program whose
/// buffers need more than CIM_MAX_SIM_BYTES (default 8 GiB) before
/// allocating any of them, so a program declaring a 2^40-element buffer gets
/// an error, not an 8 TiB allocation.
static MlirLogicalResult checkMemory(const CimProgram *p,
                                     MlirStringCallback cb, void *ud) {
  uint64_t limit =
      cimByteLimitFromEnvironment("CIM_MAX_SIM_BYTES", (uint64_t)8 << 30);
  uint64_t total = 0;
  for (uint32_t i = 0; i < p->numBuffers; ++i) {
    uint64_t bytes;
    if (__builtin_mul_overflow(
            (uint64_t)numElementsOf(&p->buffers[i].type), sizeof(int64_t),
            &bytes) ||
        __builtin_add_overflow(total, bytes, &total))
      total = UINT64_MAX;
  }
  if (total <= limit)
    return mlirLogicalResultSuccess();
  return cimSimFail(cb, ud,
                    "the program's buffers need %llu bytes, more than the "
                    "simulator's memory limit of %llu bytes (set "
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
  m->buffers = xcalloc(p->numBuffers, sizeof *m->buffers);
  m->blockValues = xcalloc(p->numBlocks, sizeof *m->blockValues);
  m->inputs = xcalloc(p->numInputs, sizeof *m->inputs);
  m->outputs = xcalloc(p->numOutputs, sizeof *m->outputs);
  m->crossbars = xcalloc(m->target.crossbars, sizeof *m->crossbars);
  m->instrSlot = xcalloc(p->numInstrs, sizeof *m->instrSlot);
  m->dead = xcalloc(p->numInstrs, sizeof *m->dead);
  m->layers = xcalloc(p->numInstrs, sizeof *m->layers);
  bool *live = xcalloc(p->numBuffers, sizeof *live);
  if (!m->buffers || !m->blockValues || !m->inputs || !m->outputs ||
      !m->crossbars || !m->instrSlot || !m->dead || !m->layers || !live) {
    free(live);
    machineDestroy(m);
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
  m->layerCounters = xcalloc(m->numLayers + 1, sizeof *m->layerCounters);
  if (!m->layerCounters) {
    free(live);
    machineDestroy(m);
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
    machineDestroy(m);
    return mlirLogicalResultFailure();
  }
  /* The schedule verifier (docs/schedule.md): a scheduled program whose
   * times break the model is rejected before it runs. */
  CimStrBuf schedMsg = {0};
  if (mlirLogicalResultIsFailure(cimScheduleAnalyze(
          p, &m->schedule, cimStrBufCallback, &schedMsg))) {
    machineDestroy(m);
    MlirLogicalResult r =
        cimSimFail(cb, ud, "schedule: %s", cimStrBufGet(&schedMsg));
    cimStrBufFree(&schedMsg);
    return r;
  }
  cimStrBufFree(&schedMsg);
  sim->ptr = m;
  return mlirLogicalResultSuccess();
}

void cimSimDestroy(CimSim sim) { machineDestroy(sim.ptr); }

void cimSimSetShortcuts(CimSim sim, bool enable) {
  ((SimMachine *)sim.ptr)->shortcuts = enable;
}

void cimSimGetShortcutStats(CimSim sim, int64_t *deferred, int64_t *direct) {
  const SimMachine *m = sim.ptr;
  *deferred = m->deferred;
  *direct = m->direct;
}

/*===----------------------------------------------------------------------===*
 * Inputs and outputs
 *===----------------------------------------------------------------------===*/

CimNpyDType cimSimGetDType(CimIsaElemType e) {
  unsigned b = e.bits;
  int k = b <= 8 ? 0 : b <= 16 ? 1 : b <= 32 ? 2 : 3;
  return (CimNpyDType)((e.isUnsigned ? CIM_NPY_U8 : CIM_NPY_I8) + k);
}

static const char *dtypeName(CimNpyDType d) {
  static const char *const names[] = {"int8",  "int16",  "int32",  "int64",
                                      "uint8", "uint16", "uint32", "uint64"};
  return names[d];
}

int64_t cimSimLookupInput(CimSim sim, MlirStringRef name) {
  const SimMachine *m = sim.ptr;
  for (uint32_t i = 0; i < m->program->numInputs; ++i) {
    const char *n = m->program->inputs[i].name;
    if (strlen(n) == name.length && memcmp(n, name.data, name.length) == 0)
      return i;
  }
  return -1;
}

static void appendShape(CimStrBuf *b, int rank, const int64_t *dims) {
  if (rank == 0)
    cimStrBufAppendCString(b, "()");
  for (int i = 0; i < rank; ++i)
    cimStrBufPrintf(b, "%s%lld", i ? "x" : "", (long long)dims[i]);
}

MlirLogicalResult cimSimSetInput(CimSim sim, int64_t index,
                                 const CimNpyArray *a, MlirStringCallback cb,
                                 void *ud) {
  SimMachine *m = sim.ptr;
  if (index < 0 || (uint64_t)index >= m->program->numInputs)
    return cimSimFail(cb, ud, "the program has no input #%lld",
                      (long long)index);
  const CimIsaPort *port = &m->program->inputs[index];
  const CimIsaTensorType *t = &port->type;
  bool sameShape = a->rank == t->rank;
  for (int i = 0; sameShape && i < a->rank; ++i)
    sameShape = a->shape[i] == t->dims[i];
  if (!sameShape) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "input '%s': shape ", port->name);
    appendShape(&msg, a->rank, a->shape);
    cimStrBufAppendCString(&msg, " does not match the program's ");
    appendShape(&msg, t->rank, t->dims);
    cimSimFail(cb, ud, "%s", cimStrBufGet(&msg));
    cimStrBufFree(&msg);
    return mlirLogicalResultFailure();
  }
  CimNpyDType want = cimSimGetDType(t->elem);
  if (a->dtype != want)
    return cimSimFail(cb, ud, "input '%s': dtype %s ('%s') does not match the "
                      "program's %c%u input, which takes %s ('%s')",
                      port->name, dtypeName(a->dtype),
                      cimNpyDTypeGetDescr(a->dtype),
                      t->elem.isUnsigned ? 'u' : 'i', (unsigned)t->elem.bits,
                      dtypeName(want), cimNpyDTypeGetDescr(want));
  int64_t n = numElementsOf(t), lo, hi;
  elemRange(t->elem, &lo, &hi);
  int64_t *v = xmalloc(n, sizeof(int64_t));
  if (!v)
    return cimSimFail(cb, ud, "input '%s': out of memory", port->name);
  for (int64_t i = 0; i < n; ++i) {
    v[i] = cimNpyArrayGetInt(a, i);
    bool bad = v[i] < lo || v[i] > hi ||
               (a->dtype == CIM_NPY_U64 && v[i] < 0);
    if (bad) {
      free(v);
      return cimSimFail(cb, ud, "input '%s': element %lld is %lld, outside "
                        "the range [%lld, %lld] of %c%u", port->name,
                        (long long)i, (long long)cimNpyArrayGetInt(a, i),
                        (long long)lo, (long long)hi,
                        t->elem.isUnsigned ? 'u' : 'i',
                        (unsigned)t->elem.bits);
    }
  }
  free(m->inputs[index]);
  m->inputs[index] = v;
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimGetOutput(CimSim sim, uint32_t index, CimNpyArray *a,
                                  MlirStringCallback cb, void *ud) {
  const SimMachine *m = sim.ptr;
  if (index >= m->program->numOutputs)
    return cimSimFail(cb, ud, "the program has no output #%u", index);
  if (!m->ran || !m->outputs[index])
    return cimSimFail(cb, ud, "output '%s': the program has not run",
                      m->program->outputs[index].name);
  const CimIsaTensorType *t = &m->program->outputs[index].type;
  memset(a, 0, sizeof *a);
  a->dtype = cimSimGetDType(t->elem);
  a->rank = t->rank;
  for (int i = 0; i < t->rank; ++i)
    a->shape[i] = t->dims[i];
  a->numElements = numElementsOf(t);
  size_t es = cimNpyDTypeGetSize(a->dtype);
  a->data = xmalloc(a->numElements, es);
  if (!a->data)
    return cimSimFail(cb, ud, "output '%s': out of memory",
                      m->program->outputs[index].name);
  const int64_t *v = m->outputs[index];
  for (int64_t i = 0; i < a->numElements; ++i) {
    switch (es) {
    case 1: ((int8_t *)a->data)[i] = (int8_t)v[i]; break;
    case 2: ((int16_t *)a->data)[i] = (int16_t)v[i]; break;
    case 4: ((int32_t *)a->data)[i] = (int32_t)v[i]; break;
    default: ((int64_t *)a->data)[i] = v[i]; break;
    }
  }
  return mlirLogicalResultSuccess();
}

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

static MlirLogicalResult execWrite(SimMachine *m, const CimIsaInstr *in,
                                   CimSimCounters *ev, MlirStringCallback cb,
                                   void *ud) {
  const CimIsaTensorType *t = &m->program->buffers[in->src[0]].type;
  if (t->rank != 2)
    return machineFail(m, cb, ud, "the cells must have rank 2");
  int64_t R = t->dims[0], C = t->dims[1];
  int64_t x = in->write.crossbar, row = in->write.row, col = in->write.col;
  if (x < 0 || x >= m->target.crossbars)
    return machineFail(m, cb, ud, "crossbar %lld does not exist (the target "
                       "has %lld)", (long long)x,
                       (long long)m->target.crossbars);
  if (row < 0 || col < 0 || row > m->target.rows - R ||
      col > m->target.cols - C)
    return machineFail(m, cb, ud, "a %lldx%lld tile at (%lld, %lld) does not "
                       "fit the %lldx%lld crossbar", (long long)R,
                       (long long)C, (long long)row, (long long)col,
                       (long long)m->target.rows, (long long)m->target.cols);
  int64_t *cells;
  if (mlirLogicalResultIsFailure(materialize(m, in->src[0], &cells, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t maxLevel = (INT64_C(1) << m->target.cellBits) - 1;
  if (mlirLogicalResultIsFailure(cimSimCheckLevels(
          "write", "cell level", cells, R * C, maxLevel, KCB)))
    return kernelFailed(m, cb, ud);
  SimCrossbar *xb = crossbarAt(m, x);
  SimTile *tile = calloc(1, sizeof *tile);
  int64_t *copy = xmalloc(R * C, sizeof(int64_t));
  if (!xb || !tile || !copy) {
    free(tile);
    free(copy);
    return machineFail(m, cb, ud, "out of memory");
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
      tileRelease(lt->tile);
    else
      xb->tiles[k++] = *lt;
  }
  xb->numTiles = k;
  if (xb->numTiles == xb->capTiles) {
    int64_t cap = xb->capTiles ? 2 * xb->capTiles : 4;
    SimLiveTile *g = realloc(xb->tiles, (size_t)cap * sizeof *g);
    if (!g) {
      tileRelease(tile);
      return machineFail(m, cb, ud, "out of memory");
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
      return machineFail(m, cb, ud, "chunk %llu runs on crossbar %lld, "
                         "which holds no intact copy of the tile",
                         (unsigned long long)c, (long long)x);
    if (copy != tile &&
        memcmp(copy->cells, tile->cells,
               (size_t)(tile->rows * tile->cols) * sizeof(int64_t)))
      return machineFail(m, cb, ud, "crossbar %lld does not hold the same "
                         "cells as crossbar %lld in rows [%lld, %lld) cols "
                         "[%lld, %lld)", (long long)x,
                         (long long)in->mvm.crossbar,
                         (long long)in->mvm.tileRow,
                         (long long)(in->mvm.tileRow + in->mvm.tileRows),
                         (long long)in->mvm.tileCol,
                         (long long)(in->mvm.tileCol + in->mvm.tileCols));
  }
  return mlirLogicalResultSuccess();
}

static MlirLogicalResult execMvm(SimMachine *m, const CimIsaInstr *in,
                                 CimSimCounters *ev, MlirStringCallback cb,
                                 void *ud) {
  const CimProgram *p = m->program;
  int64_t x = in->mvm.crossbar;
  if (x < 0 || x >= m->target.crossbars || !m->crossbars[x])
    return machineFail(m, cb, ud, "crossbar %lld holds no tile",
                       (long long)x);
  SimTile *tile = tileAt(m, x, in);
  if (!tile)
    return machineFail(m, cb, ud, "crossbar %lld holds no intact tile of "
                       "%lldx%lld at (%lld, %lld): no write programmed it, or "
                       "a later write overlapped it", (long long)x,
                       (long long)in->mvm.tileRows, (long long)in->mvm.tileCols,
                       (long long)in->mvm.tileRow, (long long)in->mvm.tileCol);
  if (mlirLogicalResultIsFailure(checkCopies(m, in, tile, cb, ud)))
    return mlirLogicalResultFailure();
  const CimIsaTensorType *dt = &p->buffers[in->src[0]].type;
  const CimIsaTensorType *rt = &p->buffers[in->dst].type;
  if (dt->rank != 2 || rt->rank != 2)
    return machineFail(m, cb, ud, "digits and sums must have rank 2");
  int64_t M = dt->dims[0], Kd = dt->dims[1], C = tile->cols;
  if (rt->dims[0] != M || rt->dims[1] != C)
    return machineFail(m, cb, ud, "the sums must be %lldx%lld, not "
                       "%lldx%lld", (long long)M, (long long)C,
                       (long long)rt->dims[0], (long long)rt->dims[1]);
  CimSimMvmParams mp = {in->mvm.kOffset, in->mvm.rowOffset, in->mvm.rows,
                        in->mvm.differentialRows != 0};
  if (mlirLogicalResultIsFailure(cimSimCheckMvm(tile->rows, M, Kd, &mp, KCB)))
    return kernelFailed(m, cb, ud);
  if (mp.rows > m->target.ouRows)
    return machineFail(m, cb, ud, "activates %lld rows at once but the "
                       "target's OU is %lld rows", (long long)mp.rows,
                       (long long)m->target.ouRows);
  int64_t *digits;
  if (mlirLogicalResultIsFailure(materialize(m, in->src[0], &digits, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t maxDigit = (INT64_C(1) << m->target.dacBits) - 1;
  int64_t rows = mp.rows;
  ev->mvmCycles = M;
  ev->rowActivations = M * rows;
  ev->cellActivations = M * rows * C;

  /* The drive of every active row, checked against the DAC. */
  int64_t *drive = xmalloc(M * rows, sizeof(int64_t));
  if (!drive)
    return machineFail(m, cb, ud, "out of memory");
  int64_t maxRowSum = 0;
  for (int64_t mm = 0; mm < M; ++mm) {
    int64_t rowSum = 0;
    for (int64_t r = 0; r < rows; ++r) {
      int64_t tr = mp.rowOffset + r;
      int64_t d = digits[mm * Kd + mp.kOffset + (mp.differentialRows ? tr / 2 : tr)];
      if (d < 0 || d > maxDigit) {
        free(drive);
        return machineFail(m, cb, ud, "digit %lld (row %lld, column %lld) is "
                           "outside the %lld-bit DAC's [0, %lld]",
                           (long long)d, (long long)mm,
                           (long long)(mp.kOffset +
                                       (mp.differentialRows ? tr / 2 : tr)),
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
    if (mlirLogicalResultIsFailure(prepareDst(m, in->dst, &out, cb, ud)))
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
    return machineFail(m, cb, ud, "out of memory");
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
  return setLazy(m, in->dst, l, cb, ud);
}

static MlirLogicalResult execAdc(SimMachine *m, const CimIsaInstr *in,
                                 CimSimCounters *ev, MlirStringCallback cb,
                                 void *ud) {
  const CimProgram *p = m->program;
  const CimIsaTensorType *t = &p->buffers[in->src[0]].type;
  CimSimTensor vt = viewOf(t, NULL), rt = viewOf(&p->buffers[in->dst].type, NULL);
  if (!cimSimSameShape(&vt, &rt))
    return machineFail(m, cb, ud, "the result must have the operand's shape");
  ev->adcConversions = numElementsOf(t);
  int64_t bits = in->adc.bits, shift = in->adc.shift;
  if (bits < 0 || bits > 62 || shift < 0 || shift > 62)
    return machineFail(m, cb, ud, "bits and shift must lie in [0, 62]");
  SimBuffer *src = &m->buffers[in->src[0]];
  if (src->valid && src->lazy && src->numTerms == 0) {
    /* Deferred sums pass an ADC that provably neither clips nor rounds. */
    const SimLazy *l = src->lazy;
    bool exact = bits == 0;
    if (!exact) {
      int64_t lo = in->adc.isSigned ? -(INT64_C(1) << (bits - 1)) : 0;
      int64_t hi = in->adc.isSigned ? (INT64_C(1) << (bits - 1)) - 1
                                    : (INT64_C(1) << bits) - 1;
      exact = shift == 0 && hi >= l->bound &&
              (l->hasNegative ? lo <= -l->bound : lo <= 0);
    }
    if (exact) {
      if (in->dst == in->src[0])
        return mlirLogicalResultSuccess();
      ++src->lazy->refs;
      return setLazy(m, in->dst, src->lazy, cb, ud);
    }
  }
  int64_t *v, *out;
  if (mlirLogicalResultIsFailure(materialize(m, in->src[0], &v, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t n = numElementsOf(t);
  if (in->dst == in->src[0]) {
    out = v;
  } else {
    if (mlirLogicalResultIsFailure(prepareDst(m, in->dst, &out, cb, ud)))
      return mlirLogicalResultFailure();
  }
  vt.data = v;
  rt.data = out;
  MlirLogicalResult r =
      cimSimAdc(&vt, bits, shift, in->adc.isSigned != 0, &rt, KCB);
  if (mlirLogicalResultIsFailure(r))
    return kernelFailed(m, cb, ud);
  m->buffers[in->dst].valid = true;
  return checkFits(m, in->dst, out, n, cb, ud);
}

/// Adds c * drive of the deferred `part` into a pending term of `dst`;
/// false when the coefficients would grow too large (the caller then adds
/// the materialized values instead).
static bool addTerm(SimMachine *m, SimBuffer *dst, const SimLazy *l,
                    const CimSimShiftAddParams *sp) {
  (void)m;
  if (sp->shift > 40)
    return false;
  int64_t mult = (sp->negate ? -1 : 1) * (INT64_C(1) << sp->shift);
  int64_t maxDrive = 0;
  for (int64_t i = 0; i < l->M * l->rows; ++i) {
    int64_t a = l->drive[i] < 0 ? -l->drive[i] : l->drive[i];
    maxDrive = a > maxDrive ? a : maxDrive;
  }
  int64_t add = maxDrive * (mult < 0 ? -mult : mult); /* <= 2^48 */
  SimTerm *t = NULL;
  for (int64_t i = 0; i < dst->numTerms; ++i) {
    SimTerm *c = &dst->terms[i];
    if (c->tile == l->tile && c->rowOffset == l->rowOffset &&
        c->rows == l->rows && c->M == l->M && c->srcOffset == sp->srcOffset &&
        c->srcStride == sp->srcStride && c->dstOffset == sp->dstOffset &&
        c->count == sp->count) {
      t = c;
      break;
    }
  }
  /* Keep rows * maxAbsCoef * maxCell below 2^62 so that the product of a
   * term can never overflow. */
  const cimI128 limit = (cimI128)1 << 62;
  cimI128 fresh = (cimI128)l->rows * add * (l->tile->maxCell ? l->tile->maxCell : 1);
  if (fresh >= limit)
    return false;
  if (t && (cimI128)l->rows * (t->maxAbsCoef + add) *
                   (l->tile->maxCell ? l->tile->maxCell : 1) >= limit)
    return false;
  if (!t) {
    if (dst->numTerms == dst->capTerms) {
      int64_t cap = dst->capTerms ? 2 * dst->capTerms : 4;
      SimTerm *g = realloc(dst->terms, (size_t)cap * sizeof *g);
      if (!g)
        return false;
      dst->terms = g;
      dst->capTerms = cap;
    }
    int64_t *coef = xcalloc(l->M * l->rows, sizeof(int64_t));
    if (!coef)
      return false;
    t = &dst->terms[dst->numTerms++];
    *t = (SimTerm){l->tile, l->rowOffset, l->rows, l->M, sp->srcOffset,
                   sp->srcStride, sp->dstOffset, sp->count, coef, 0};
    ++l->tile->refs;
  }
  for (int64_t i = 0; i < l->M * l->rows; ++i)
    t->coef[i] += mult * l->drive[i];
  t->maxAbsCoef += add;
  return true;
}

static MlirLogicalResult execShiftAdd(SimMachine *m, const CimIsaInstr *in,
                                      CimSimCounters *ev, MlirStringCallback cb,
                                      void *ud) {
  const CimProgram *p = m->program;
  uint32_t a = in->src[0], pa = in->src[1], d = in->dst;
  CimSimTensor at = viewOf(&p->buffers[a].type, NULL);
  CimSimTensor pt = viewOf(&p->buffers[pa].type, NULL);
  CimSimTensor dt = viewOf(&p->buffers[d].type, NULL);
  if (!cimSimSameShape(&at, &dt))
    return machineFail(m, cb, ud,
                       "the result must have the accumulator's shape");
  CimSimShiftAddParams sp = {in->shiftAdd.srcOffset, in->shiftAdd.srcStride,
                             in->shiftAdd.dstOffset, in->shiftAdd.count,
                             in->shiftAdd.shift, in->shiftAdd.negate != 0};
  if (mlirLogicalResultIsFailure(cimSimCheckShiftAdd(&at, &pt, &sp, KCB)))
    return kernelFailed(m, cb, ud);
  (void)ev;
  SimBuffer *acc = &m->buffers[a], *part = &m->buffers[pa], *dst = &m->buffers[d];
  if (dst->isConst)
    return machineFail(m, cb, ud, "writes constant buffer %u", d);
  if (!acc->valid)
    return machineFail(m, cb, ud, "reads buffer %u before any instruction "
                       "wrote it", a);
  if (!part->valid)
    return machineFail(m, cb, ud, "reads buffer %u before any instruction "
                       "wrote it", pa);
  int64_t Na = at.rank ? at.shape[at.rank - 1] : 1;
  int64_t Ma = cimSimNumElements(&at) / (Na ? Na : 1);
  int64_t Np = pt.rank ? pt.shape[pt.rank - 1] : 1;
  int64_t Mp = cimSimNumElements(&pt) / (Np ? Np : 1);

  /* A part that is the destination (but not the accumulator) is read
   * before the destination is prepared. */
  int64_t *partCopy = NULL;
  SimLazy *lazyPart = NULL;
  if (part->lazy && part->numTerms == 0 && m->shortcuts) {
    lazyPart = part->lazy;
    ++lazyPart->refs;
  } else if (pa == d || pa == a) {
    int64_t *v;
    if (mlirLogicalResultIsFailure(materialize(m, pa, &v, cb, ud)))
      return mlirLogicalResultFailure();
    partCopy = xmalloc(Mp * Np, sizeof(int64_t));
    if (!partCopy)
      return machineFail(m, cb, ud, "out of memory");
    memcpy(partCopy, v, (size_t)(Mp * Np) * sizeof(int64_t));
  }

  /* The destination starts as the accumulator: in place, moved when the
   * accumulator dies here, else copied. */
  MlirLogicalResult r = mlirLogicalResultSuccess();
  if (acc->lazy) {
    int64_t *v;
    r = materialize(m, a, &v, cb, ud);
  }
  if (mlirLogicalResultIsSuccess(r) && d != a) {
    bool accDies = (m->dead[m->pc] & 1) && !acc->isConst && a != pa;
    if (accDies) {
      bufferReset(dst);
      free(dst->terms);
      *dst = *acc;
      memset(acc, 0, sizeof *acc);
    } else {
      int64_t *v, *out;
      r = materialize(m, a, &v, cb, ud);
      if (mlirLogicalResultIsSuccess(r))
        r = prepareDst(m, d, &out, cb, ud);
      if (mlirLogicalResultIsSuccess(r)) {
        memcpy(out, v, (size_t)(Ma * Na) * sizeof(int64_t));
        dst->valid = true;
      }
    }
  }
  if (mlirLogicalResultIsFailure(r)) {
    free(partCopy);
    lazyRelease(lazyPart);
    return r;
  }
  if (lazyPart) {
    bool ok = addTerm(m, dst, lazyPart, &sp);
    if (!ok) {
      /* Coefficients too large to defer: multiply this plane out now. */
      partCopy = xmalloc(Mp * Np, sizeof(int64_t));
      if (partCopy)
        lazyProduct(lazyPart, partCopy);
    }
    lazyRelease(lazyPart);
    if (ok)
      return mlirLogicalResultSuccess();
    if (!partCopy)
      return machineFail(m, cb, ud, "out of memory");
  }
  const int64_t *pv = partCopy;
  if (!pv) {
    int64_t *v;
    if (mlirLogicalResultIsFailure(materialize(m, pa, &v, cb, ud)))
      return mlirLogicalResultFailure();
    pv = v;
  }
  r = cimSimShiftAddCore(dst->data, Ma, Na, pv, Mp, Np, &sp, KCB);
  free(partCopy);
  if (mlirLogicalResultIsFailure(r))
    return kernelFailed(m, cb, ud);
  if (dst->numTerms == 0)
    return checkFits(m, d, dst->data, Ma * Na, cb, ud);
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * Digital and data movement instructions
 *===----------------------------------------------------------------------===*/

/// Runs one instruction that reads src0 (and src1) and writes dst whole.
static MlirLogicalResult execDigital(SimMachine *m, const CimIsaInstr *in,
                                     MlirStringCallback cb, void *ud) {
  const CimProgram *p = m->program;
  int64_t *s0 = NULL, *s1 = NULL;
  if (in->src[0] < p->numBuffers &&
      mlirLogicalResultIsFailure(materialize(m, in->src[0], &s0, cb, ud)))
    return mlirLogicalResultFailure();
  if (in->src[1] < p->numBuffers &&
      mlirLogicalResultIsFailure(materialize(m, in->src[1], &s1, cb, ud)))
    return mlirLogicalResultFailure();
  uint32_t d = in->dst;
  const CimIsaTensorType *dtt = &p->buffers[d].type;
  int64_t n = numElementsOf(dtt);
  /* A destination that is also a source gets fresh storage, swapped in at
   * the end (transpose, im2col, ... cannot work in place). */
  bool alias = d == in->src[0] || d == in->src[1];
  int64_t *out;
  if (alias) {
    if (m->buffers[d].isConst)
      return machineFail(m, cb, ud, "writes constant buffer %u", d);
    out = xmalloc(n, sizeof(int64_t));
    if (!out)
      return machineFail(m, cb, ud, "out of memory");
  } else if (mlirLogicalResultIsFailure(prepareDst(m, d, &out, cb, ud))) {
    return mlirLogicalResultFailure();
  }
  CimSimTensor r = viewOf(dtt, out);
  CimSimTensor x0 = {0}, x1 = {0};
  if (s0)
    x0 = viewOf(&p->buffers[in->src[0]].type, s0);
  if (s1)
    x1 = viewOf(&p->buffers[in->src[1]].type, s1);
  const int64_t *v1 = NULL, *v2 = NULL;
  int64_t c1 = 0, c2 = 0;
  MlirLogicalResult ok = mlirLogicalResultSuccess();
  bool kernel = true;
#define BLOCK(blk, want, what, v, c)                                           \
  if (mlirLogicalResultIsFailure(                                              \
          blockValues(m, blk, want, what, &v, &c, cb, ud))) {                  \
    ok = mlirLogicalResultFailure();                                           \
    kernel = false;                                                            \
    break;                                                                     \
  }
  switch (in->opcode) {
  case CIM_ISA_LOAD: {
    kernel = false;
    int64_t idx = in->load.input;
    if (idx < 0 || (uint64_t)idx >= p->numInputs) {
      ok = machineFail(m, cb, ud, "input #%lld does not exist", (long long)idx);
      break;
    }
    if (numElementsOf(&p->inputs[idx].type) != n) {
      ok = machineFail(m, cb, ud, "input '%s' does not have the destination's "
                       "%lld elements", p->inputs[idx].name, (long long)n);
      break;
    }
    if (!m->inputs[idx]) {
      ok = machineFail(m, cb, ud, "input '%s' was not set",
                       p->inputs[idx].name);
      break;
    }
    memcpy(out, m->inputs[idx], (size_t)n * sizeof(int64_t));
    break;
  }
  case CIM_ISA_WEIGHT_TILE: {
    CimSimWeightTileParams wp = {
        (CimWeightMapping)in->weightTile.mapping, in->weightTile.wBits,
        in->weightTile.cellBits, in->weightTile.wSigned != 0,
        in->weightTile.kOffset, in->weightTile.unitOffset};
    ok = cimSimWeightTile(&x0, &wp, &r, KCB);
    break;
  }
  case CIM_ISA_BITPLANE: {
    CimSimBitplaneParams bp = {(CimInputEncoding)in->bitplane.encoding,
                               in->bitplane.aBits, in->bitplane.bitOffset,
                               in->bitplane.bits};
    ok = cimSimBitplane(&x0, &bp, &r, KCB);
    break;
  }
  case CIM_ISA_IM2COL: {
    CimSimIm2colParams ip = {
        in->im2col.layout == CIM_ISA_LAYOUT_NHWC,
        {in->im2col.kernelH, in->im2col.kernelW},
        {in->im2col.strideH, in->im2col.strideW},
        {in->im2col.dilationH, in->im2col.dilationW},
        {in->im2col.padTop, in->im2col.padLeft, in->im2col.padBottom,
         in->im2col.padRight},
        in->im2col.padValue,
        in->im2col.channelOffset,
        in->im2col.channels};
    ok = cimSimIm2col(&x0, &ip, &r, KCB);
    break;
  }
  case CIM_ISA_INSERT:
    BLOCK(in->insert.offsets, x0.rank, "offsets", v1, c1);
    ok = cimSimInsert(&x0, &x1, v1, &r, KCB);
    break;
  case CIM_ISA_SLICE:
    BLOCK(in->slice.offsets, x0.rank, "offsets", v1, c1);
    ok = cimSimSlice(&x0, v1, &r, KCB);
    break;
  case CIM_ISA_RESHAPE:
    ok = cimSimReshape(&x0, &r, KCB);
    break;
  case CIM_ISA_TRANSPOSE:
    BLOCK(in->transpose.permutation, x0.rank, "permutation", v1, c1);
    ok = cimSimTranspose(&x0, v1, &r, KCB);
    break;
  case CIM_ISA_REQUANTIZE: {
    BLOCK(in->requantize.multiplier, -1, "multiplier", v1, c1);
    BLOCK(in->requantize.shift, -1, "shift", v2, c2);
    CimSimRequantizeParams rp = {in->requantize.axis, v1, c1, v2, c2,
                                 in->requantize.inZeroPoint,
                                 in->requantize.outZeroPoint,
                                 in->requantize.qmin, in->requantize.qmax};
    ok = cimSimRequantize(&x0, s1 ? &x1 : NULL, &rp, &r, KCB);
    break;
  }
  case CIM_ISA_CLAMP:
    ok = cimSimClamp(&x0, in->clamp.min, in->clamp.max, &r, KCB);
    break;
  case CIM_ISA_LUT:
    BLOCK(in->lut.table, -1, "table", v1, c1);
    ok = cimSimLut(&x0, v1, c1, in->lut.inMin, &r, KCB);
    break;
  case CIM_ISA_POOL: {
    CimSimPoolParams pp = {
        in->pool.kind == CIM_ISA_POOL_AVG,
        in->pool.layout == CIM_ISA_LAYOUT_NHWC,
        {in->pool.windowH, in->pool.windowW},
        {in->pool.strideH, in->pool.strideW},
        {in->pool.padTop, in->pool.padLeft, in->pool.padBottom,
         in->pool.padRight}};
    ok = cimSimPool(&x0, &pp, &r, KCB);
    break;
  }
  case CIM_ISA_ADD:
    ok = cimSimAdd(&x0, &x1, &r, KCB);
    break;
  case CIM_ISA_SOFTMAX: {
    BLOCK(in->softmax.expTable, -1, "exp_table", v1, c1);
    CimSimSoftmaxParams sp = {in->softmax.axis, v1, c1, in->softmax.one,
                              in->softmax.outZeroPoint, in->softmax.qmin,
                              in->softmax.qmax};
    ok = cimSimSoftmax(&x0, &sp, &r, KCB);
    break;
  }
  case CIM_ISA_LAYER_NORM: {
    int64_t axis = in->layerNorm.axis;
    int64_t len = axis >= 0 && axis < x0.rank ? x0.shape[axis] : -1;
    if (len < 0) {
      ok = machineFail(m, cb, ud, "axis %lld is not a dimension",
                       (long long)axis);
      kernel = false;
      break;
    }
    BLOCK(in->layerNorm.gamma, len, "gamma", v1, c1);
    BLOCK(in->layerNorm.beta, len, "beta", v2, c2);
    CimSimLayerNormParams lp = {axis,
                                in->layerNorm.fracBits,
                                in->layerNorm.eps,
                                v1,
                                v2,
                                in->layerNorm.multiplier,
                                in->layerNorm.shift,
                                in->layerNorm.outZeroPoint,
                                in->layerNorm.qmin,
                                in->layerNorm.qmax};
    ok = cimSimLayerNorm(&x0, &lp, &r, KCB);
    break;
  }
  default:
    kernel = false;
    ok = machineFail(m, cb, ud, "unexpected opcode %d", (int)in->opcode);
    break;
  }
#undef BLOCK
  if (mlirLogicalResultIsFailure(ok)) {
    if (alias)
      free(out);
    return kernel ? kernelFailed(m, cb, ud) : ok;
  }
  if (alias) {
    SimBuffer *b = &m->buffers[d];
    bufferReset(b);
    b->data = out;
    b->ownsData = true;
  }
  m->buffers[d].valid = true;
  return checkFits(m, d, out, n, cb, ud);
}

static MlirLogicalResult execStore(SimMachine *m, const CimIsaInstr *in,
                                   MlirStringCallback cb, void *ud) {
  const CimProgram *p = m->program;
  int64_t idx = in->store.output;
  if (idx < 0 || (uint64_t)idx >= p->numOutputs)
    return machineFail(m, cb, ud, "output #%lld does not exist",
                       (long long)idx);
  int64_t n = numElementsOf(&p->outputs[idx].type);
  if (numElementsOf(&p->buffers[in->src[0]].type) != n)
    return machineFail(m, cb, ud, "buffer %u does not have output '%s''s "
                       "%lld elements", in->src[0], p->outputs[idx].name,
                       (long long)n);
  int64_t *v;
  if (mlirLogicalResultIsFailure(materialize(m, in->src[0], &v, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t lo, hi;
  elemRange(p->outputs[idx].type.elem, &lo, &hi);
  for (int64_t i = 0; i < n; ++i)
    if (v[i] < lo || v[i] > hi)
      return machineFail(m, cb, ud, "value %lld (element %lld) does not fit "
                         "output '%s'", (long long)v[i], (long long)i,
                         p->outputs[idx].name);
  if (!m->outputs[idx]) {
    m->outputs[idx] = xmalloc(n, sizeof(int64_t));
    if (!m->outputs[idx])
      return machineFail(m, cb, ud, "out of memory");
  }
  memcpy(m->outputs[idx], v, (size_t)n * sizeof(int64_t));
  return mlirLogicalResultSuccess();
}

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
static void resetRun(SimMachine *m) {
  const CimProgram *p = m->program;
  for (uint32_t i = 0; i < p->numBuffers; ++i)
    bufferReset(&m->buffers[i]);
  for (int64_t i = 0; i < m->target.crossbars; ++i) {
    SimCrossbar *x = m->crossbars[i];
    if (!x)
      continue;
    for (int64_t k = 0; k < x->numTiles; ++k)
      tileRelease(x->tiles[k].tile);
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
  m->deferred = m->direct = 0;
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
      return machineFail(m, cb, ud, "buffer %u does not exist", in->src[k]);
  if (in->dst != CIM_ISA_NO_BUFFER && in->dst >= p->numBuffers)
    return machineFail(m, cb, ud, "buffer %u does not exist", in->dst);
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
    return machineFail(m, cb, ud, "has no destination buffer");
  for (int k = 0; k < needsSrcs; ++k)
    if (in->src[k] == CIM_ISA_NO_BUFFER)
      return machineFail(m, cb, ud, "source %d is missing", k);
  switch (in->opcode) {
  case CIM_ISA_BARRIER:
  case CIM_ISA_SCHED: /* times only: docs/schedule.md */
    return mlirLogicalResultSuccess();
  case CIM_ISA_STORE:
    return execStore(m, in, cb, ud);
  case CIM_ISA_WRITE:
    return execWrite(m, in, ev, cb, ud);
  case CIM_ISA_MVM:
    return execMvm(m, in, ev, cb, ud);
  case CIM_ISA_ADC:
    return execAdc(m, in, ev, cb, ud);
  case CIM_ISA_SHIFT_ADD:
    return execShiftAdd(m, in, ev, cb, ud);
  default:
    return execDigital(m, in, cb, ud);
  }
}

MlirLogicalResult cimSimRun(CimSim sim, MlirStringCallback cb, void *ud) {
  SimMachine *m = sim.ptr;
  const CimProgram *p = m->program;
  resetRun(m);
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
      resetRun(m);
      return mlirLogicalResultFailure();
    }
    CimEventCounts k = {0};
    if (mlirLogicalResultIsFailure(
            cimProgramAddInstrCounts(p, m->pc, &k, cb, ud))) {
      resetRun(m);
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
      if (s < p->numBuffers && (m->dead[m->pc] & (1u << k2)) && s != in->dst)
        bufferReset(&m->buffers[s]);
    }
  }
  if (!halted) {
    resetRun(m);
    return cimSimFail(cb, ud, "the program ends without halt");
  }
  for (uint32_t i = 0; i < p->numOutputs; ++i)
    if (!m->outputs[i]) {
      const char *name = p->outputs[i].name;
      resetRun(m);
      return cimSimFail(cb, ud, "output '%s' was never stored", name);
    }
  /* Used crossbars, ascending, and prices. */
  for (int64_t x = 0; x < m->target.crossbars; ++x)
    if (m->crossbars[x] && m->crossbars[x]->used)
      ++m->numUsedCrossbars;
  m->usedCrossbars = xmalloc(m->numUsedCrossbars, sizeof(int64_t));
  if (!m->usedCrossbars) {
    resetRun(m);
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
    resetRun(m);
    return mlirLogicalResultFailure();
  }
  /* Scratch buffers are not needed any more; outputs are kept. */
  for (uint32_t i = 0; i < p->numBuffers; ++i)
    bufferReset(&m->buffers[i]);
  m->ran = true;
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
