/*===-- ready_times.c - When each element of a value is ready --------------===*
 *
 * Time buffers (ScheduleInternal.h) and how zero-duration data instructions
 * carry ready times from their sources to their result: an element is ready
 * when every source element it is computed from is. Data movement
 * (im2col, slice, insert, reshape, transpose) moves times exactly as it
 * moves values, so the simulator's own kernels run on the time arrays;
 * max-pooling over times is the latest element of each window (for both
 * pool kinds); softmax and layer norm make an element wait for its whole
 * axis. docs/schedule.md, "Ready times".
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "ScheduleInternal.h"
#include "cim-c/Kernels.h"
#include "isa/IsaKernels.h"


/// Serial numbers of time arrays (0: none).
static _Atomic uint64_t lastSerial;

TimeArray *cimTimeArrayCreate(int64_t n) {
  TimeArray *a = malloc(sizeof *a + (size_t)(n > 0 ? n : 1) * sizeof(int64_t));
  if (!a)
    return NULL;
  a->refs = 1;
  a->serial = ++lastSerial;
  a->n = n;
  return a;
}

static void arrayRelease(TimeArray *a) {
  if (a && --a->refs == 0)
    free(a);
}

void cimTimeBufClear(TimeBuf *b) {
  arrayRelease(b->arr);
  b->kind = TIME_UNIFORM;
  b->uniform = 0;
  b->arr = NULL;
}

void cimTimeBufAssign(TimeBuf *dst, const TimeBuf *src) {
  if (dst == src)
    return;
  if (src->arr)
    ++src->arr->refs;
  arrayRelease(dst->arr);
  *dst = *src;
}

int64_t cimTimeBufMax(const TimeBuf *b) {
  if (b->kind == TIME_UNIFORM)
    return b->uniform;
  int64_t m = 0;
  for (int64_t i = 0; i < b->arr->n; ++i)
    m = max64(m, b->arr->t[i]);
  return m;
}

static int64_t numElements(const CimIsaTensorType *t) {
  return cimIsaTensorTypeGetNumElements(t);
}

int64_t cimTimeBufRowsMax(const TimeBuf *b, const CimIsaTensorType *type,
                          int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  if (b->kind == TIME_UNIFORM)
    return b->uniform;
  int64_t m = 0;
  if (b->kind == TIME_ROWS) {
    for (int64_t r = r0; r < r1; ++r)
      m = max64(m, b->arr->t[r]);
    return m;
  }
  int64_t rows = type->rank ? type->dims[0] : 1;
  int64_t per = rows ? numElements(type) / rows : 0;
  if (type->rank != 2 || c1 <= c0) {
    c0 = 0;
    c1 = per;
  }
  for (int64_t r = r0; r < r1; ++r)
    for (int64_t c = c0; c < c1; ++c)
      m = max64(m, b->arr->t[r * per + c]);
  return m;
}

static void entryDrop(CimRowsMaxCache *cache, CimRowsMaxEntry *s) {
  if (s->rowMax)
    cache->bytes -= s->rowMax->n * (int64_t)sizeof(int64_t);
  if (s->chunkMax)
    cache->bytes -= s->chunkMax->n * (int64_t)sizeof(int64_t);
  arrayRelease(s->rowMax);
  arrayRelease(s->chunkMax);
  *s = (CimRowsMaxEntry){0, 0, 0, NULL, 0, NULL};
}

void cimRowsMaxCacheFree(CimRowsMaxCache *cache) {
  /* Both arrays of every slot (the chunk maxima leaked: LeakSanitizer in
     make check-asan, test/e2e/schedule-one-crossbar.test). */
  if (cache->slots)
    for (int64_t k = 0; k < CIM_ROWS_MAX_CACHE_SLOTS; ++k)
      entryDrop(cache, &cache->slots[k]);
  free(cache->slots);
  cache->slots = NULL;
  cache->bytes = 0;
}

/// Makes `s` hold the maxima of runs of `chunk` rows (false: out of
/// memory, and `s` has none).
static bool entryChunks(CimRowsMaxCache *cache, CimRowsMaxEntry *s,
                        int64_t chunk) {
  int64_t rows = s->rowMax->n, n = (rows + chunk - 1) / chunk;
  if (s->chunkMax)
    cache->bytes -= s->chunkMax->n * (int64_t)sizeof(int64_t);
  arrayRelease(s->chunkMax);
  s->chunk = 0;
  s->chunkMax = cimTimeArrayCreate(n);
  if (!s->chunkMax)
    return false;
  for (int64_t k = 0; k < n; ++k) {
    int64_t v = 0;
    for (int64_t r = k * chunk; r < rows && r < (k + 1) * chunk; ++r)
      v = max64(v, s->rowMax->t[r]);
    s->chunkMax->t[k] = v;
  }
  s->chunk = chunk;
  cache->bytes += n * (int64_t)sizeof(int64_t);
  return true;
}

int64_t cimTimeBufRowsMaxCached(CimRowsMaxCache *cache, const TimeBuf *b,
                                const CimIsaTensorType *type, int64_t r0,
                                int64_t r1, int64_t c0, int64_t c1) {
  if (!cache || b->kind != TIME_FULL)
    return cimTimeBufRowsMax(b, type, r0, r1, c0, c1);
  int64_t rows = type->rank ? type->dims[0] : 1;
  int64_t per = rows ? numElements(type) / rows : 0;
  if (type->rank != 2 || c1 <= c0) {
    c0 = 0;
    c1 = per;
  }
  if (!cache->slots &&
      !(cache->slots = calloc(CIM_ROWS_MAX_CACHE_SLOTS, sizeof *cache->slots)))
    return cimTimeBufRowsMax(b, type, r0, r1, c0, c1);
  uint64_t h = (b->arr->serial * 0x9E3779B97F4A7C15ull) ^
               ((uint64_t)c0 * 0xC2B2AE3D27D4EB4Full) ^ (uint64_t)c1;
  CimRowsMaxEntry *s = &cache->slots[(h >> 32) % CIM_ROWS_MAX_CACHE_SLOTS];
  if (s->serial != b->arr->serial || s->c0 != c0 || s->c1 != c1 ||
      !s->rowMax || s->rowMax->n != rows) {
    entryDrop(cache, s);
    if (cache->bytes + rows * (int64_t)sizeof(int64_t) >
        CIM_ROWS_MAX_CACHE_BYTES)
      for (int64_t k = 0; k < CIM_ROWS_MAX_CACHE_SLOTS; ++k)
        entryDrop(cache, &cache->slots[k]);
    TimeArray *m = cimTimeArrayCreate(rows);
    if (!m)
      return cimTimeBufRowsMax(b, type, r0, r1, c0, c1);
    for (int64_t r = 0; r < rows; ++r) {
      int64_t v = 0;
      const int64_t *t = &b->arr->t[r * per];
      for (int64_t c = c0; c < c1; ++c)
        v = max64(v, t[c]);
      m->t[r] = v;
    }
    *s = (CimRowsMaxEntry){b->arr->serial, c0, c1, m, 0, NULL};
    cache->bytes += rows * (int64_t)sizeof(int64_t);
  }
  /* A chunk of the scheduler: rows [k x len, (k + 1) x len), or the
   * shorter last one, which only the chunk size already held can tell. */
  int64_t len = r1 - r0;
  if (len > 1 && r0 % len == 0 && r1 < rows && s->chunk != len)
    entryChunks(cache, s, len);
  if (s->chunk > 1 && r0 < r1 && r0 % s->chunk == 0 &&
      r1 == (r0 + s->chunk < rows ? r0 + s->chunk : rows))
    return s->chunkMax->t[r0 / s->chunk];
  int64_t v = 0;
  for (int64_t r = r0; r < r1; ++r)
    v = max64(v, s->rowMax->t[r]);
  return v;
}

/// `b` as a full array of `n` elements of type `type` (shared when it
/// already is one). NULL when out of memory.
static TimeArray *fullOf(const TimeBuf *b, const CimIsaTensorType *type) {
  int64_t n = numElements(type);
  if (b->kind == TIME_FULL) {
    ++b->arr->refs;
    return b->arr;
  }
  TimeArray *a = cimTimeArrayCreate(n);
  if (!a)
    return NULL;
  if (b->kind == TIME_UNIFORM) {
    for (int64_t i = 0; i < n; ++i)
      a->t[i] = b->uniform;
  } else {
    int64_t rows = b->arr->n, per = rows ? n / rows : 0;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < per; ++c)
        a->t[r * per + c] = b->arr->t[r];
  }
  return a;
}

static void setFull(TimeBuf *dst, TimeArray *a) {
  TimeBuf t = {TIME_FULL, 0, a};
  cimTimeBufAssign(dst, &t);
  arrayRelease(a); /* dst holds the reference now */
}

static CimSimTensor viewOf(const CimIsaTensorType *t, int64_t *data) {
  CimSimTensor v;
  memset(&v, 0, sizeof v);
  v.data = data;
  v.rank = t->rank;
  for (int i = 0; i < t->rank; ++i)
    v.shape[i] = t->dims[i];
  return v;
}

/// Elementwise latest of two time buffers of one shape.
static bool maxOf(const TimeBuf *a, const TimeBuf *b,
                  const CimIsaTensorType *type, TimeBuf *dst) {
  if (a->kind == TIME_UNIFORM && b->kind == TIME_UNIFORM) {
    TimeBuf t = {TIME_UNIFORM, max64(a->uniform, b->uniform), NULL};
    cimTimeBufAssign(dst, &t);
    return true;
  }
  if (b->kind == TIME_UNIFORM && b->uniform <= 0) {
    cimTimeBufAssign(dst, a);
    return true;
  }
  if (a->kind == TIME_UNIFORM && a->uniform <= 0) {
    cimTimeBufAssign(dst, b);
    return true;
  }
  if (a->kind == TIME_ROWS && b->kind == TIME_ROWS &&
      a->arr->n == b->arr->n) {
    TimeArray *r = cimTimeArrayCreate(a->arr->n);
    if (!r)
      return false;
    for (int64_t i = 0; i < r->n; ++i)
      r->t[i] = max64(a->arr->t[i], b->arr->t[i]);
    TimeBuf t = {TIME_ROWS, 0, r};
    cimTimeBufAssign(dst, &t);
    arrayRelease(r);
    return true;
  }
  TimeArray *fa = fullOf(a, type), *fb = fullOf(b, type);
  TimeArray *r = fa && fb ? cimTimeArrayCreate(fa->n) : NULL;
  if (r)
    for (int64_t i = 0; i < r->n; ++i)
      r->t[i] = max64(fa->t[i], fb->t[i]);
  arrayRelease(fa);
  arrayRelease(fb);
  if (!r)
    return false;
  setFull(dst, r);
  return true;
}

/// Times of shift_add: dst = acc, and dst[m, d + i] waits for part[m', s +
/// i * stride] too.
static bool shiftAddTimes(const CimProgram *p, const CimIsaInstr *in,
                          TimeBuf *bufs, TimeBuf *dst) {
  const CimIsaTensorType *accT = &p->buffers[in->src[0]].type;
  const CimIsaTensorType *partT = &p->buffers[in->src[1]].type;
  const TimeBuf *acc = &bufs[in->src[0]], *part = &bufs[in->src[1]];
  if (in->shiftAdd.count == 0) {
    cimTimeBufAssign(dst, acc);
    return true;
  }
  int64_t M = accT->dims[0], Na = accT->dims[1];
  int64_t Mp = partT->dims[0], Np = partT->dims[1];
  /* Row-wise inputs give a row-wise result: each row of the result waits
   * for the same row of acc and of part (a broadcast part: its one row). */
  if (acc->kind != TIME_FULL && part->kind != TIME_FULL) {
    if (acc->kind == TIME_UNIFORM && part->kind == TIME_UNIFORM)
      return maxOf(acc, part, accT, dst);
    TimeArray *r = cimTimeArrayCreate(M);
    if (!r)
      return false;
    for (int64_t m = 0; m < M; ++m) {
      int64_t ta = acc->kind == TIME_UNIFORM ? acc->uniform : acc->arr->t[m];
      int64_t pm = Mp == 1 ? 0 : m;
      int64_t tp =
          part->kind == TIME_UNIFORM ? part->uniform : part->arr->t[pm];
      r->t[m] = max64(ta, tp);
    }
    /* Columns outside [dst_offset, +count) keep acc's time; treating the
     * whole row as waiting for part is later, never earlier, than exact
     * (a safe over-approximation that the verifier and the scheduler share). */
    TimeBuf t = {TIME_ROWS, 0, r};
    cimTimeBufAssign(dst, &t);
    arrayRelease(r);
    return true;
  }
  TimeArray *r = fullOf(acc, accT);
  TimeArray *fp = fullOf(part, partT);
  if (!r || !fp) {
    arrayRelease(r);
    arrayRelease(fp);
    return false;
  }
  if (r->refs > 1) { /* copy on write */
    TimeArray *c = cimTimeArrayCreate(r->n);
    if (!c) {
      arrayRelease(r);
      arrayRelease(fp);
      return false;
    }
    memcpy(c->t, r->t, (size_t)r->n * sizeof(int64_t));
    arrayRelease(r);
    r = c;
  }
  for (int64_t m = 0; m < M; ++m) {
    int64_t pm = Mp == 1 ? 0 : m;
    for (int64_t i = 0; i < in->shiftAdd.count; ++i) {
      int64_t *d = &r->t[m * Na + in->shiftAdd.dstOffset + i];
      *d = max64(*d, fp->t[pm * Np + in->shiftAdd.srcOffset +
                           i * in->shiftAdd.srcStride]);
    }
  }
  arrayRelease(fp);
  setFull(dst, r);
  return true;
}

/// Every element waits for the whole of `axis` (softmax, layer norm).
static bool axisTimes(const TimeBuf *x, const CimIsaTensorType *t,
                      int64_t axis, TimeBuf *dst) {
  if (x->kind == TIME_UNIFORM || (x->kind == TIME_ROWS && axis != 0)) {
    cimTimeBufAssign(dst, x);
    return true;
  }
  TimeArray *a = fullOf(x, t);
  TimeArray *r = a ? cimTimeArrayCreate(a->n) : NULL;
  if (!r) {
    arrayRelease(a);
    return false;
  }
  int64_t outer = 1, n = t->dims[axis], inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= t->dims[i];
  for (int64_t i = axis + 1; i < t->rank; ++i)
    inner *= t->dims[i];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      int64_t m = 0;
      for (int64_t k = 0; k < n; ++k)
        m = max64(m, a->t[(o * n + k) * inner + j]);
      for (int64_t k = 0; k < n; ++k)
        r->t[(o * n + k) * inner + j] = m;
    }
  arrayRelease(a);
  setFull(dst, r);
  return true;
}

static int64_t *blockValues(const CimProgram *p, int64_t blk, int64_t *n) {
  const CimIsaDataBlock *b = &p->blocks[blk];
  int64_t *v = malloc((size_t)(b->count ? b->count : 1) * sizeof *v);
  if (!v)
    return NULL;
  for (uint64_t i = 0; i < b->count; ++i)
    v[i] = cimProgramGetDataValue(p, (uint32_t)blk, i);
  *n = (int64_t)b->count;
  return v;
}

/// Data movement: runs the simulator's kernel on the time arrays.
static bool moveTimes(const CimProgram *p, const CimIsaInstr *in,
                      TimeBuf *bufs, TimeBuf *dst) {
  const CimIsaTensorType *xt = &p->buffers[in->src[0]].type;
  const CimIsaTensorType *dt = &p->buffers[in->dst].type;
  const TimeBuf *x = &bufs[in->src[0]];
  if (in->opcode == CIM_ISA_INSERT) {
    const TimeBuf *part = &bufs[in->src[1]];
    if (x->kind == TIME_UNIFORM && part->kind == TIME_UNIFORM)
      return maxOf(x, part, dt, dst);
  } else if (x->kind == TIME_UNIFORM) {
    cimTimeBufAssign(dst, x);
    return true;
  }
  if (in->opcode == CIM_ISA_RESHAPE) {
    TimeArray *a = fullOf(x, xt);
    if (!a)
      return false;
    setFull(dst, a);
    return true;
  }
  TimeArray *a = fullOf(x, xt);
  TimeArray *r = a ? cimTimeArrayCreate(numElements(dt)) : NULL;
  if (!r) {
    arrayRelease(a);
    return false;
  }
  CimSimTensor xv = viewOf(xt, a->t), rv = viewOf(dt, r->t);
  bool ok = true;
  int64_t n = 0, *blk = NULL;
  switch (in->opcode) {
  case CIM_ISA_TRANSPOSE:
    ok = (blk = blockValues(p, in->transpose.permutation, &n)) &&
         mlirLogicalResultIsSuccess(
             cimSimTranspose(&xv, blk, &rv, NULL, NULL));
    break;
  case CIM_ISA_SLICE:
    ok = (blk = blockValues(p, in->slice.offsets, &n)) &&
         mlirLogicalResultIsSuccess(cimSimSlice(&xv, blk, &rv, NULL, NULL));
    break;
  case CIM_ISA_INSERT: {
    const CimIsaTensorType *pt = &p->buffers[in->src[1]].type;
    TimeArray *pa = fullOf(&bufs[in->src[1]], pt);
    CimSimTensor pv = viewOf(pt, pa ? pa->t : NULL);
    ok = pa && (blk = blockValues(p, in->insert.offsets, &n)) &&
         mlirLogicalResultIsSuccess(
             cimSimInsert(&xv, &pv, blk, &rv, NULL, NULL));
    arrayRelease(pa);
    break;
  }
  case CIM_ISA_IM2COL: {
    CimSimIm2colParams ip = cimIsaIm2colParams(in);
    ip.padValue = 0; /* padding is a constant: ready at 0 */
    ok = mlirLogicalResultIsSuccess(cimSimIm2col(&xv, &ip, &rv, NULL, NULL));
    break;
  }
  case CIM_ISA_POOL: {
    CimSimPoolParams pp = cimIsaPoolParams(in);
    pp.isAvg = false; /* the latest time of a window, for max and avg alike */
    ok = mlirLogicalResultIsSuccess(cimSimPool(&xv, &pp, &rv, NULL, NULL));
    break;
  }
  default:
    ok = false;
  }
  free(blk);
  arrayRelease(a);
  if (!ok) {
    arrayRelease(r);
    return false;
  }
  setFull(dst, r);
  return true;
}

bool cimTimePropagate(const CimProgram *p, const CimIsaInstr *in,
                      TimeBuf *bufs, TimeBuf *dst) {
  const TimeBuf *x = &bufs[in->src[0]];
  const CimIsaTensorType *dt = &p->buffers[in->dst].type;
  switch (in->opcode) {
  case CIM_ISA_BITPLANE:
  case CIM_ISA_CLAMP:
  case CIM_ISA_LUT:
  case CIM_ISA_ADC:
    cimTimeBufAssign(dst, x);
    return true;
  case CIM_ISA_REQUANTIZE: {
    if (in->src[1] == CIM_ISA_NO_BUFFER) {
      cimTimeBufAssign(dst, x);
      return true;
    }
    TimeBuf bias = {TIME_UNIFORM, cimTimeBufMax(&bufs[in->src[1]]), NULL};
    return maxOf(x, &bias, dt, dst);
  }
  case CIM_ISA_ADD:
    return maxOf(x, &bufs[in->src[1]], dt, dst);
  case CIM_ISA_SHIFT_ADD:
    return shiftAddTimes(p, in, bufs, dst);
  case CIM_ISA_WEIGHT_TILE: {
    TimeBuf t = {TIME_UNIFORM, cimTimeBufMax(x), NULL};
    cimTimeBufAssign(dst, &t);
    return true;
  }
  case CIM_ISA_SOFTMAX:
    return axisTimes(x, dt, in->softmax.axis, dst);
  case CIM_ISA_LAYER_NORM:
    return axisTimes(x, dt, in->layerNorm.axis, dst);
  case CIM_ISA_RESHAPE:
  case CIM_ISA_TRANSPOSE:
  case CIM_ISA_SLICE:
  case CIM_ISA_INSERT:
  case CIM_ISA_IM2COL:
  case CIM_ISA_POOL:
    return moveTimes(p, in, bufs, dst);
  default:
    return false;
  }
}
