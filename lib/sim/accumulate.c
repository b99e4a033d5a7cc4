/*===-- accumulate.c - ADC and shift-add -----------------------------------===*
 *
 * The ADC passes a deferred value through when it provably neither clips
 * nor rounds; shift_add folds deferred planes into coefficient matrices
 * (SimTerm) of the accumulator (the exact shortcut, machine.c).
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "SimMachine.h"

MlirLogicalResult cimSimExecAdc(SimMachine *m, const CimIsaInstr *in,
                                 CimSimCounters *ev, MlirStringCallback cb,
                                 void *ud) {
  const CimProgram *p = m->program;
  const CimIsaTensorType *t = &p->buffers[in->src[0]].type;
  CimSimTensor vt = cimSimViewOf(t, NULL),
               rt = cimSimViewOf(&p->buffers[in->dst].type, NULL);
  if (!cimSimSameShape(&vt, &rt))
    return cimSimMachineFail(m, cb, ud,
                             "the result must have the operand's shape");
  ev->adcConversions = cimSimTypeNumElements(t);
  int64_t bits = in->adc.bits, shift = in->adc.shift;
  if (bits < 0 || bits > 62 || shift < 0 || shift > 62)
    return cimSimMachineFail(m, cb, ud, "bits and shift must lie in [0, 62]");
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
      ++m->adcPassed;
      if (in->dst == in->src[0])
        return mlirLogicalResultSuccess();
      ++src->lazy->refs;
      return cimSimSetLazy(m, in->dst, src->lazy, cb, ud);
    }
  }
  ++m->adcApplied;
  int64_t *v, *out;
  if (mlirLogicalResultIsFailure(cimSimMaterialize(m, in->src[0], &v, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t n = cimSimTypeNumElements(t);
  if (in->dst == in->src[0]) {
    out = v;
  } else {
    if (mlirLogicalResultIsFailure(cimSimPrepareDst(m, in->dst, &out, cb, ud)))
      return mlirLogicalResultFailure();
  }
  vt.data = v;
  rt.data = out;
  MlirLogicalResult r =
      cimSimAdc(&vt, bits, shift, in->adc.isSigned != 0, &rt, KCB);
  if (mlirLogicalResultIsFailure(r))
    return cimSimKernelFailed(m, cb, ud);
  m->buffers[in->dst].valid = true;
  return cimSimCheckFits(m, in->dst, out, n, cb, ud);
}

/// The pending term of `dst` with the same tile rows, column selection and
/// coefficient shape as `key`, or NULL.
static SimTerm *findTerm(SimBuffer *dst, const SimTerm *key) {
  for (int64_t i = 0; i < dst->numTerms; ++i) {
    SimTerm *c = &dst->terms[i];
    if (c->tile == key->tile && c->rowOffset == key->rowOffset &&
        c->rows == key->rows && c->M == key->M &&
        c->srcOffset == key->srcOffset && c->srcStride == key->srcStride &&
        c->dstOffset == key->dstOffset && c->count == key->count)
      return c;
  }
  return NULL;
}

/// Whether adding coefficients of magnitude at most `add` to the term `key`
/// of `dst` keeps rows * maxAbsCoef * maxCell below 2^62, so that the
/// product of a term can never overflow.
static bool termFits(SimBuffer *dst, const SimTerm *key, int64_t add) {
  const cimI128 limit = (cimI128)1 << 62;
  int64_t maxCell = key->tile->maxCell ? key->tile->maxCell : 1;
  const SimTerm *t = findTerm(dst, key);
  cimI128 coef = (cimI128)add + (t ? t->maxAbsCoef : 0);
  return (cimI128)key->rows * coef * maxCell < limit;
}

/// to[i] += mult * from[i] for mult = +-2^shift (a shift: vectorizes).
CIM_SIM_VECTOR_CLONES static void addScaled(int64_t *restrict to,
                                            const int64_t *restrict from,
                                            int64_t n, unsigned shift,
                                            bool negate) {
  if (negate)
    for (int64_t i = 0; i < n; ++i)
      to[i] -= (int64_t)((uint64_t)from[i] << shift);
  else
    for (int64_t i = 0; i < n; ++i)
      to[i] += (int64_t)((uint64_t)from[i] << shift);
}

/// Adds mult * coef (M x rows, |mult * coef| <= add) into the term `key`
/// of `dst`, creating it; termFits must hold. False when out of memory.
static bool mergeTerm(SimBuffer *dst, const SimTerm *key, const int64_t *coef,
                      unsigned shift, bool negate, int64_t add) {
  SimTerm *t = findTerm(dst, key);
  int64_t n = key->M * key->rows;
  if (!t) {
    if (dst->numTerms == dst->capTerms) {
      int64_t cap = dst->capTerms ? 2 * dst->capTerms : 4;
      SimTerm *g = realloc(dst->terms, (size_t)cap * sizeof *g);
      if (!g)
        return false;
      dst->terms = g;
      dst->capTerms = cap;
    }
    int64_t *c = cimSimCalloc(n, sizeof(int64_t));
    if (!c)
      return false;
    t = &dst->terms[dst->numTerms++];
    *t = *key;
    t->coef = c;
    t->maxAbsCoef = 0;
    ++t->tile->refs;
  }
  addScaled(t->coef, coef, n, shift, negate);
  t->maxAbsCoef += add;
  return true;
}

/// Adds c * drive of the deferred `part` into a pending term of `dst`;
/// false when the coefficients would grow too large (the caller then adds
/// the materialized values instead).
static bool addTerm(SimBuffer *dst, const SimLazy *l,
                    const CimSimShiftAddParams *sp) {
  if (sp->shift > 40)
    return false;
  int64_t mult = (sp->negate ? -1 : 1) * (INT64_C(1) << sp->shift);
  int64_t maxDrive = 0;
  for (int64_t i = 0; i < l->M * l->rows; ++i) {
    int64_t a = l->drive[i] < 0 ? -l->drive[i] : l->drive[i];
    maxDrive = a > maxDrive ? a : maxDrive;
  }
  int64_t add = maxDrive * (mult < 0 ? -mult : mult); /* <= 2^48 */
  SimTerm key = {l->tile,       l->rowOffset,   l->rows,
                 l->M,          sp->srcOffset,  sp->srcStride,
                 sp->dstOffset, sp->count,      NULL,
                 0};
  return termFits(dst, &key, add) &&
         mergeTerm(dst, &key, l->drive, (unsigned)sp->shift, sp->negate, add);
}

/// Term `t` of a part, read through the column selection of `sp`: part
/// column sp->srcOffset + i * sp->srcStride is tile column
/// t->srcOffset + (that - t->dstOffset) * t->srcStride.
static SimTerm forwardedKey(const SimTerm *t, const CimSimShiftAddParams *sp) {
  SimTerm key = *t;
  key.srcOffset = t->srcOffset + (sp->srcOffset - t->dstOffset) * t->srcStride;
  key.srcStride = sp->srcStride * t->srcStride;
  key.dstOffset = sp->dstOffset;
  key.count = sp->count;
  key.coef = NULL;
  key.maxAbsCoef = 0;
  return key;
}

/// A part that is plain values plus pending terms, added with a column
/// selection: the values are added now, and each term moves into `dst` with
/// its columns composed with the selection and its coefficients scaled,
///     mult * (coef x cells)[:, sel] = (mult * coef) x cells[:, sel'],
/// so the product is still made once, at the final accumulator (where the
/// terms of a weight's slices fold into one, buffers.c). Taken only when
/// it provably changes nothing: every term covers the selected columns, no
/// coefficient can grow past the product bound, and no value of the part
/// can leave its element type (the check the part's materialization would
/// make). False: not applicable (nothing changed).
static bool canForwardTerms(SimMachine *m, uint32_t pa, SimBuffer *dst,
                            int64_t Mp, int64_t Np,
                            const CimSimShiftAddParams *sp) {
  const SimBuffer *part = &m->buffers[pa];
  if (sp->shift > 40 || !part->data || part->lazy)
    return false;
  int64_t mult = (sp->negate ? -1 : 1) * (INT64_C(1) << sp->shift);
  int64_t absMult = mult < 0 ? -mult : mult;
  int64_t first = sp->srcOffset;
  int64_t last = sp->srcOffset + (sp->count - 1) * sp->srcStride;
  cimI128 bound = 0;
  for (int64_t i = 0; i < Mp * Np; ++i) {
    int64_t v = part->data[i];
    cimI128 a = v < 0 ? -(cimI128)v : v;
    bound = a > bound ? a : bound;
  }
  for (int64_t k = 0; k < part->numTerms; ++k) {
    const SimTerm *t = &part->terms[k];
    int64_t maxCell = t->tile->maxCell ? t->tile->maxCell : 1;
    bound += (cimI128)t->rows * t->maxAbsCoef * maxCell;
    if (first < t->dstOffset || last >= t->dstOffset + t->count)
      return false;
    SimTerm key = forwardedKey(t, sp);
    if ((cimI128)t->maxAbsCoef * absMult >= (cimI128)1 << 62 ||
        !termFits(dst, &key, t->maxAbsCoef * absMult))
      return false;
    /* Two terms landing on one key would be checked apart: not taken. */
    for (int64_t j = 0; j < k; ++j) {
      SimTerm other = forwardedKey(&part->terms[j], sp);
      if (other.tile == key.tile && other.rowOffset == key.rowOffset &&
          other.rows == key.rows && other.M == key.M &&
          other.srcOffset == key.srcOffset)
        return false;
    }
  }
  int64_t lo, hi;
  cimSimElemRange(m->program->buffers[pa].type.elem, &lo, &hi);
  if (bound > hi || -bound < lo)
    return false;
  return true;
}
/// Adds the part's plain values into `dst` now and moves its pending terms
/// there, read through the selection (canForwardTerms holds).
static MlirLogicalResult forwardPart(SimMachine *m, const SimBuffer *part,
                                     SimBuffer *dst, int64_t Ma, int64_t Na,
                                     int64_t Mp, int64_t Np,
                                     const CimSimShiftAddParams *sp,
                                     MlirStringCallback cb, void *ud) {
  MlirLogicalResult r =
      cimSimShiftAddCore(dst->data, Ma, Na, part->data, Mp, Np, sp, KCB);
  if (mlirLogicalResultIsFailure(r))
    return cimSimKernelFailed(m, cb, ud);
  int64_t absMult = INT64_C(1) << sp->shift;
  for (int64_t k = 0; k < part->numTerms; ++k) {
    const SimTerm *t = &part->terms[k];
    SimTerm key = forwardedKey(t, sp);
    if (!mergeTerm(dst, &key, t->coef, (unsigned)sp->shift, sp->negate,
                   t->maxAbsCoef * absMult))
      return cimSimMachineFail(m, cb, ud, "out of memory");
  }
  ++m->forwarded;
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimExecShiftAdd(SimMachine *m, const CimIsaInstr *in,
                                      CimSimCounters *ev, MlirStringCallback cb,
                                      void *ud) {
  const CimProgram *p = m->program;
  uint32_t a = in->src[0], pa = in->src[1], d = in->dst;
  CimSimTensor at = cimSimViewOf(&p->buffers[a].type, NULL);
  CimSimTensor pt = cimSimViewOf(&p->buffers[pa].type, NULL);
  CimSimTensor dt = cimSimViewOf(&p->buffers[d].type, NULL);
  if (!cimSimSameShape(&at, &dt))
    return cimSimMachineFail(m, cb, ud,
                       "the result must have the accumulator's shape");
  CimSimShiftAddParams sp = {in->shiftAdd.srcOffset, in->shiftAdd.srcStride,
                             in->shiftAdd.dstOffset, in->shiftAdd.count,
                             in->shiftAdd.shift, in->shiftAdd.negate != 0};
  if (mlirLogicalResultIsFailure(cimSimCheckShiftAdd(&at, &pt, &sp, KCB)))
    return cimSimKernelFailed(m, cb, ud);
  (void)ev;
  SimBuffer *acc = &m->buffers[a], *part = &m->buffers[pa],
            *dst = &m->buffers[d];
  if (dst->isConst)
    return cimSimMachineFail(m, cb, ud, "writes constant buffer %u", d);
  if (!acc->valid)
    return cimSimMachineFail(m, cb, ud,
                             "reads buffer %u before any instruction "
                             "wrote it",
                             a);
  if (!part->valid)
    return cimSimMachineFail(m, cb, ud,
                             "reads buffer %u before any instruction "
                             "wrote it",
                             pa);
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
    if (mlirLogicalResultIsFailure(cimSimMaterialize(m, pa, &v, cb, ud)))
      return mlirLogicalResultFailure();
    partCopy = cimSimMalloc(Mp * Np, sizeof(int64_t));
    if (!partCopy)
      return cimSimMachineFail(m, cb, ud, "out of memory");
    memcpy(partCopy, v, (size_t)(Mp * Np) * sizeof(int64_t));
  }

  /* The destination starts as the accumulator: in place, moved when the
   * accumulator dies here, else copied. */
  MlirLogicalResult r = mlirLogicalResultSuccess();
  if (acc->lazy) {
    int64_t *v;
    r = cimSimMaterialize(m, a, &v, cb, ud);
  }
  if (mlirLogicalResultIsSuccess(r) && d != a) {
    bool accDies = (m->dead[m->pc] & 1) && !acc->isConst && a != pa;
    if (accDies) {
      cimSimBufferReset(dst);
      free(dst->terms);
      *dst = *acc;
      memset(acc, 0, sizeof *acc);
    } else {
      int64_t *v, *out;
      r = cimSimMaterialize(m, a, &v, cb, ud);
      if (mlirLogicalResultIsSuccess(r))
        r = cimSimPrepareDst(m, d, &out, cb, ud);
      if (mlirLogicalResultIsSuccess(r)) {
        memcpy(out, v, (size_t)(Ma * Na) * sizeof(int64_t));
        dst->valid = true;
      }
    }
  }
  if (mlirLogicalResultIsFailure(r)) {
    free(partCopy);
    cimSimLazyRelease(lazyPart);
    return r;
  }
  if (!lazyPart && !partCopy && m->shortcuts && part->numTerms > 0 &&
      canForwardTerms(m, pa, dst, Mp, Np, &sp))
    return forwardPart(m, part, dst, Ma, Na, Mp, Np, &sp, cb, ud);
  if (lazyPart) {
    bool ok = addTerm(dst, lazyPart, &sp);
    if (!ok) {
      /* Coefficients too large to defer: multiply this plane out now. */
      partCopy = cimSimMalloc(Mp * Np, sizeof(int64_t));
      if (partCopy)
        cimSimLazyProduct(lazyPart, partCopy);
    }
    cimSimLazyRelease(lazyPart);
    if (ok)
      return mlirLogicalResultSuccess();
    if (!partCopy)
      return cimSimMachineFail(m, cb, ud, "out of memory");
  }
  const int64_t *pv = partCopy;
  if (!pv) {
    int64_t *v;
    if (mlirLogicalResultIsFailure(cimSimMaterialize(m, pa, &v, cb, ud)))
      return mlirLogicalResultFailure();
    pv = v;
  }
  r = cimSimShiftAddCore(dst->data, Ma, Na, pv, Mp, Np, &sp, KCB);
  free(partCopy);
  if (mlirLogicalResultIsFailure(r))
    return cimSimKernelFailed(m, cb, ud);
  if (dst->numTerms == 0)
    return cimSimCheckFits(m, d, dst->data, Ma * Na, cb, ud);
  return mlirLogicalResultSuccess();
}
