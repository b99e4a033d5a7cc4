/*===-- buffers.c - Buffers, tiles and deferred values ---------------------===*
 *
 * Small helpers shared by the simulator's files, the reference-counted tiles
 * and deferred MVM results (SimLazy, SimTerm), materializing a buffer's
 * value, and the decoded data blocks.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "SimMachine.h"

/*===----------------------------------------------------------------------===*
 * Small helpers
 *===----------------------------------------------------------------------===*/

CimSimTensor cimSimViewOf(const CimIsaTensorType *t, int64_t *data) {
  CimSimTensor v;
  memset(&v, 0, sizeof v);
  v.data = data;
  v.rank = t->rank <= CIM_SIM_MAX_RANK ? t->rank : CIM_SIM_MAX_RANK;
  for (int i = 0; i < v.rank; ++i)
    v.shape[i] = t->dims[i];
  return v;
}

int64_t cimSimTypeNumElements(const CimIsaTensorType *t) {
  int64_t n = 1;
  for (unsigned i = 0; i < t->rank && i < CIM_ISA_MAX_RANK; ++i)
    n *= t->dims[i];
  return n;
}

void cimSimElemRange(CimIsaElemType e, int64_t *lo, int64_t *hi) {
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

MlirLogicalResult cimSimMachineFail(SimMachine *m, MlirStringCallback cb,
                                    void *ud, const char *fmt, ...) {
  char prefix[96];
  snprintf(prefix, sizeof prefix, "instruction %u (%s): ", m->pc, opName(m));
  va_list ap;
  va_start(ap, fmt);
  MlirLogicalResult r = cimSimFailV(cb, ud, prefix, fmt, ap);
  va_end(ap);
  return r;
}

/// Forwards the message a kernel left in m->kernelMessage.
MlirLogicalResult cimSimKernelFailed(SimMachine *m, MlirStringCallback cb,
                                     void *ud) {
  MlirLogicalResult r =
      cimSimMachineFail(m, cb, ud, "%s", cimStrBufGet(&m->kernelMessage));
  cimStrBufClear(&m->kernelMessage);
  return r;
}

void *cimSimCalloc(int64_t n, size_t size) {
  if (n <= 0)
    n = 1;
  if ((uint64_t)n > SIZE_MAX / size)
    return NULL;
  return calloc((size_t)n, size);
}

void *cimSimMalloc(int64_t n, size_t size) {
  if (n <= 0)
    n = 1;
  if ((uint64_t)n > SIZE_MAX / size)
    return NULL;
  return malloc((size_t)n * size);
}

/*===----------------------------------------------------------------------===*
 * Tiles, deferred values, buffers
 *===----------------------------------------------------------------------===*/

void cimSimTileRelease(SimTile *t) {
  if (t && --t->refs == 0) {
    free(t->cells);
    free(t);
  }
}

void cimSimLazyRelease(SimLazy *l) {
  if (l && --l->refs == 0) {
    cimSimTileRelease(l->tile);
    free(l->drive);
    free(l);
  }
}

static void clearTerms(SimBuffer *b) {
  for (int64_t i = 0; i < b->numTerms; ++i) {
    cimSimTileRelease(b->terms[i].tile);
    free(b->terms[i].coef);
  }
  b->numTerms = 0;
}

/// Drops whatever `b` holds (a constant keeps its data).
void cimSimBufferReset(SimBuffer *b) {
  if (b->isConst)
    return;
  cimSimLazyRelease(b->lazy);
  b->lazy = NULL;
  clearTerms(b);
  if (b->ownsData)
    free(b->data);
  b->data = NULL;
  b->ownsData = false;
  b->valid = false;
}

/// value[m, c] of a deferred product into out [M, tile.cols].
void cimSimLazyProduct(const SimLazy *l, int64_t *out) {
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

/* Multiplying pending terms out (the exact shortcut's step 4).
 *
 * The terms of one accumulator that read the same tile rows for the same
 * output columns differ only in the column selection: one per weight slice
 * (cell), with coefficients c_p * 2^(slice * cell bits) * drive_p. Their
 * coefficient matrices are then integer multiples of one another,
 * coef_t = k_t * coef_0, and by distributivity
 *     sum_t coef_t x sel_t = coef_0 x (sum_t k_t * sel_t) = coef_0 x W
 * where W is the integer weight the slices encode: one integer product per
 * tile instead of one per slice, the same work as a plain GEMM. A term whose
 * coefficients are not a multiple (or whose bound would grow past 2^62) is
 * multiplied out alone. When rows * max |coef_0| * max |W| < 2^31 the
 * product runs on int32 (exact: no partial sum can exceed that bound),
 * else on int64; both give the same integers. */

/// tmp[i] = sum_r coef[r] * w[r * count + i], int32 (see above for why it
/// cannot overflow).
CIM_SIM_VECTOR_CLONES static void dot32(const int32_t *restrict coef, const int32_t *restrict w,
                  int64_t rows, int64_t count, int32_t *restrict tmp) {
  memset(tmp, 0, (size_t)count * sizeof(int32_t));
  for (int64_t r = 0; r < rows; ++r) {
    int32_t c = coef[r];
    if (c == 0)
      continue;
    const int32_t *restrict s = w + r * count;
    for (int64_t i = 0; i < count; ++i)
      tmp[i] += c * s[i];
  }
}

static void dot64(const int64_t *restrict coef, const int64_t *restrict w,
                  int64_t rows, int64_t count, int64_t *restrict tmp) {
  memset(tmp, 0, (size_t)count * sizeof(int64_t));
  for (int64_t r = 0; r < rows; ++r) {
    int64_t c = coef[r];
    if (c == 0)
      continue;
    const int64_t *s = w + r * count;
    for (int64_t i = 0; i < count; ++i)
      tmp[i] += c * s[i];
  }
}

static int64_t absMax(const int64_t *v, int64_t n) {
  int64_t m = 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t a = v[i] < 0 ? -v[i] : v[i];
    m = a > m ? a : m;
  }
  return m;
}

/// Whether term `t` can join the group of `base` (same rows, output
/// columns and coefficient shape) and, if so, its factor k: coef_t =
/// k * coef_base element by element.
static bool termMultiple(const SimTerm *base, const SimTerm *t, int64_t *k) {
  if (t->tile != base->tile || t->rowOffset != base->rowOffset ||
      t->rows != base->rows || t->M != base->M ||
      t->dstOffset != base->dstOffset || t->count != base->count)
    return false;
  int64_t n = base->M * base->rows, first = -1;
  for (int64_t i = 0; i < n && first < 0; ++i)
    if (base->coef[i] != 0)
      first = i;
  if (first < 0 || t->coef[first] % base->coef[first] != 0)
    return false;
  int64_t f = t->coef[first] / base->coef[first];
  for (int64_t i = 0; i < n; ++i)
    if (t->coef[i] != f * base->coef[i]) /* |f * coef| <= |t->coef| */
      return false;
  *k = f;
  return true;
}

/// Multiplies the pending terms of a buffer out and adds them into `acc`
/// [Ma, Na]; false on overflow of the accumulator or out of memory.
static bool applyTerms(SimTerm *terms, int64_t numTerms, int64_t *acc,
                       int64_t Ma, int64_t Na) {
  bool ok = true;
  bool *done = cimSimCalloc(numTerms, sizeof(bool));
  int64_t *group = cimSimMalloc(numTerms, sizeof(int64_t));
  int64_t *factor = cimSimMalloc(numTerms, sizeof(int64_t));
  if (!done || !group || !factor) {
    free(done);
    free(group);
    free(factor);
    return false;
  }
  for (int64_t b = 0; b < numTerms && ok; ++b) {
    if (done[b])
      continue;
    const SimTerm *t = &terms[b];
    int64_t C = t->tile->cols, rows = t->rows, count = t->count;
    int64_t maxCell = t->tile->maxCell ? t->tile->maxCell : 1;
    /* The group: this term and every later multiple of it. */
    cimI128 bound = (cimI128)rows * t->maxAbsCoef * maxCell;
    int64_t n = 0;
    group[n] = b;
    factor[n++] = 1;
    done[b] = true;
    for (int64_t j = b + 1; j < numTerms; ++j) {
      int64_t k;
      if (done[j] || !termMultiple(t, &terms[j], &k))
        continue;
      cimI128 more = (cimI128)rows * terms[j].maxAbsCoef * maxCell;
      if (bound + more >= (cimI128)1 << 62)
        continue;
      bound += more;
      group[n] = j;
      factor[n++] = k;
      done[j] = true;
    }
    /* W[r, i] = sum_t k_t * cells[rowOffset + r, srcOffset_t + i * stride_t]:
     * |W| * rows * max |coef_0| <= bound < 2^62. */
    int64_t *w = cimSimCalloc(rows * count, sizeof(int64_t));
    int64_t *tmp = cimSimMalloc(count, sizeof(int64_t));
    int32_t *w32 = NULL, *coef32 = NULL, *tmp32 = NULL;
    if (!w || !tmp) {
      free(w);
      free(tmp);
      ok = false;
      break;
    }
    for (int64_t g = 0; g < n; ++g) {
      const SimTerm *u = &terms[group[g]];
      int64_t k = factor[g];
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t *row =
            t->tile->cells + (t->rowOffset + r) * C + u->srcOffset;
        int64_t *wr = w + r * count;
        for (int64_t i = 0; i < count; ++i)
          wr[i] += k * row[i * u->srcStride];
      }
    }
    int64_t maxW = absMax(w, rows * count);
    int64_t maxC = absMax(t->coef, t->M * rows);
    bool narrow = (cimI128)rows * maxC * maxW < (cimI128)1 << 31;
    if (narrow) {
      w32 = cimSimMalloc(rows * count, sizeof(int32_t));
      coef32 = cimSimMalloc(t->M * rows, sizeof(int32_t));
      tmp32 = cimSimMalloc(count, sizeof(int32_t));
      if (w32 && coef32 && tmp32) {
        for (int64_t i = 0; i < rows * count; ++i)
          w32[i] = (int32_t)w[i];
        for (int64_t i = 0; i < t->M * rows; ++i)
          coef32[i] = (int32_t)t->coef[i];
      } else {
        narrow = false;
      }
    }
    for (int64_t mm = 0; mm < Ma && ok; ++mm) {
      if (t->M != 1 || mm == 0) {
        int64_t cr = (t->M == 1 ? 0 : mm) * rows;
        if (narrow) {
          dot32(coef32 + cr, w32, rows, count, tmp32);
          for (int64_t i = 0; i < count; ++i)
            tmp[i] = tmp32[i];
        } else {
          dot64(t->coef + cr, w, rows, count, tmp);
        }
      }
      int64_t *dst = acc + mm * Na + t->dstOffset;
      for (int64_t i = 0; i < count; ++i)
        if (__builtin_add_overflow(dst[i], tmp[i], &dst[i]))
          ok = false;
    }
    free(w);
    free(tmp);
    free(w32);
    free(coef32);
    free(tmp32);
  }
  free(done);
  free(group);
  free(factor);
  return ok;
}

MlirLogicalResult cimSimCheckFits(SimMachine *m, uint32_t bufIdx,
                                   const int64_t *v, int64_t n,
                                   MlirStringCallback cb, void *ud) {
  const CimIsaTensorType *t = &m->program->buffers[bufIdx].type;
  int64_t lo, hi;
  cimSimElemRange(t->elem, &lo, &hi);
  for (int64_t i = 0; i < n; ++i)
    if (v[i] < lo || v[i] > hi)
      return cimSimMachineFail(
          m, cb, ud,
          "value %lld (element %lld) does not fit "
          "buffer %u of element type %c%u [%lld, %lld]",
          (long long)v[i], (long long)i, bufIdx, t->elem.isUnsigned ? 'u' : 'i',
          (unsigned)t->elem.bits, (long long)lo, (long long)hi);
  return mlirLogicalResultSuccess();
}

/// Makes buffer `idx` hold plain values (multiplying out a deferred product
/// and pending terms) and returns them in *out.
MlirLogicalResult cimSimMaterialize(SimMachine *m, uint32_t idx,
                                     int64_t **out, MlirStringCallback cb,
                                     void *ud) {
  SimBuffer *b = &m->buffers[idx];
  const CimIsaTensorType *t = &m->program->buffers[idx].type;
  if (!b->valid)
    return cimSimMachineFail(m, cb, ud,
                             "reads buffer %u before any instruction "
                             "wrote it",
                             idx);
  int64_t n = cimSimTypeNumElements(t);
  if (b->splat && !b->data) {
    int64_t *data = cimSimMalloc(n, sizeof(int64_t));
    if (!data)
      return cimSimMachineFail(m, cb, ud, "out of memory");
    for (int64_t i = 0; i < n; ++i)
      data[i] = b->splatValue;
    b->data = data;
    b->ownsData = true;
  }
  if (b->lazy) {
    int64_t *data = cimSimMalloc(n, sizeof(int64_t));
    if (!data)
      return cimSimMachineFail(m, cb, ud, "out of memory");
    cimSimLazyProduct(b->lazy, data);
    cimSimLazyRelease(b->lazy);
    b->lazy = NULL;
    b->data = data;
    b->ownsData = true;
  }
  if (b->numTerms) {
    int64_t Na = t->rank ? t->dims[t->rank - 1] : 1;
    int64_t Ma = n / (Na ? Na : 1);
    if (!applyTerms(b->terms, b->numTerms, b->data, Ma, Na)) {
      clearTerms(b);
      return cimSimMachineFail(m, cb, ud,
                               "buffer %u: the accumulated sum exceeds "
                               "64 bits (or out of memory)",
                               idx);
    }
    clearTerms(b);
    if (mlirLogicalResultIsFailure(cimSimCheckFits(m, idx, b->data, n, cb, ud)))
      return mlirLogicalResultFailure();
  }
  *out = b->data;
  return mlirLogicalResultSuccess();
}

/// Gives buffer `idx` fresh storage for a result (dropping what it held).
MlirLogicalResult cimSimPrepareDst(SimMachine *m, uint32_t idx,
                                    int64_t **out, MlirStringCallback cb,
                                    void *ud) {
  SimBuffer *b = &m->buffers[idx];
  if (b->isConst)
    return cimSimMachineFail(m, cb, ud, "writes constant buffer %u", idx);
  int64_t *keep = b->ownsData ? b->data : NULL;
  b->ownsData = false;
  b->data = NULL;
  cimSimBufferReset(b);
  int64_t n = cimSimTypeNumElements(&m->program->buffers[idx].type);
  if (!keep)
    keep = cimSimMalloc(n, sizeof(int64_t));
  if (!keep)
    return cimSimMachineFail(m, cb, ud, "out of memory");
  b->data = keep;
  b->ownsData = true;
  *out = keep;
  return mlirLogicalResultSuccess();
}

/// Makes buffer `idx` hold the deferred product `l` (taking the reference).
MlirLogicalResult cimSimSetLazy(SimMachine *m, uint32_t idx, SimLazy *l,
                                 MlirStringCallback cb, void *ud) {
  SimBuffer *b = &m->buffers[idx];
  if (b->isConst) {
    cimSimLazyRelease(l);
    return cimSimMachineFail(m, cb, ud, "writes constant buffer %u", idx);
  }
  cimSimBufferReset(b);
  b->lazy = l;
  b->valid = true;
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * Data blocks
 *===----------------------------------------------------------------------===*/

/// Values of data block `blk` (decoded once), checking the block against the
/// data section. `want` >= 0 requires that many values.
MlirLogicalResult cimSimBlockValues(SimMachine *m, int64_t blk, int64_t want,
                                     const char *what, const int64_t **values,
                                     int64_t *count, MlirStringCallback cb,
                                     void *ud) {
  const CimProgram *p = m->program;
  if (blk < 0 || (uint64_t)blk >= p->numBlocks)
    return cimSimMachineFail(m, cb, ud, "%s: data block %lld does not exist",
                             what, (long long)blk);
  const CimIsaDataBlock *b = &p->blocks[blk];
  unsigned eb = b->elemBytes;
  if ((eb != 1 && eb != 2 && eb != 4 && eb != 8) ||
      b->count > (uint64_t)CIM_ISA_MAX_ELEMENTS || b->offset > p->dataSize ||
      b->count * eb > p->dataSize - b->offset)
    return cimSimMachineFail(m, cb, ud,
                             "%s: data block %lld lies outside the data "
                             "section",
                             what, (long long)blk);
  if (want >= 0 && (int64_t)b->count != want)
    return cimSimMachineFail(m, cb, ud, "%s: data block %lld has %llu values, "
                       "expected %lld", what, (long long)blk,
                       (unsigned long long)b->count, (long long)want);
  if (!m->blockValues[blk]) {
    int64_t *v = cimSimMalloc((int64_t)b->count, sizeof(int64_t));
    if (!v)
      return cimSimMachineFail(m, cb, ud, "out of memory");
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
