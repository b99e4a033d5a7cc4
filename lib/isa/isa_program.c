/*===-- isa_program.c - Program lifetime and verifier ---------------------===*
 *
 * The verifier states, in code, every rule docs/isa.md gives for a program:
 * decoded binaries, parsed assembly and emitted programs all pass through it,
 * so an executor can index buffers without checking again.
 *
 * Longer than the house limit (about 950 lines): one check per opcode and
 * per table, each short, sharing the Verifier state and a dozen static
 * helpers (fail, needRank, needSameDims, blockCount, windowOut, ...) that
 * would otherwise become an internal API. Event counts are isa_events.c.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "IsaInternal.h"

void cimProgramDestroy(CimProgram *p) {
  if (!p)
    return;
  for (uint32_t i = 0; p->inputs && i < p->numInputs; ++i)
    free(p->inputs[i].name);
  for (uint32_t i = 0; p->outputs && i < p->numOutputs; ++i)
    free(p->outputs[i].name);
  free(p->inputs);
  free(p->outputs);
  free(p->buffers);
  free(p->blocks);
  free(p->instrs);
  free(p->data);
  free(p);
}

int64_t cimIsaTensorTypeGetNumElements(const CimIsaTensorType *t) {
  int64_t n = 1;
  for (unsigned i = 0; i < t->rank && i < CIM_ISA_MAX_RANK; ++i)
    n *= t->dims[i];
  return n;
}

int64_t cimProgramGetDataValue(const CimProgram *p, uint32_t block,
                               uint64_t i) {
  const CimIsaDataBlock *b = &p->blocks[block];
  return cimIsaReadLE(p->data + b->offset + i * b->elemBytes, b->elemBytes);
}

bool cimIsaCheckTensorType(const CimIsaTensorType *t, CimStrBuf *msg) {
  unsigned maxBits = t->elem.isUnsigned ? 63 : 64;
  if (t->elem.bits < 1 || t->elem.bits > maxBits) {
    cimStrBufPrintf(msg, "element width %u is out of range [1, %u]",
                    (unsigned)t->elem.bits, maxBits);
    return false;
  }
  if (t->rank > CIM_ISA_MAX_RANK) {
    cimStrBufPrintf(msg, "rank %u is out of range [0, %d]", (unsigned)t->rank,
                    CIM_ISA_MAX_RANK);
    return false;
  }
  int64_t n = 1;
  for (unsigned i = 0; i < CIM_ISA_MAX_RANK; ++i) {
    int64_t d = t->dims[i];
    if (i >= t->rank) {
      if (d != 0) {
        cimStrBufPrintf(msg, "dimension %u beyond rank %u is not 0", i,
                        (unsigned)t->rank);
        return false;
      }
      continue;
    }
    if (d < 1 || d > CIM_ISA_MAX_DIM) {
      cimStrBufPrintf(msg, "dimension %u is %lld, out of range [1, 2^31]", i,
                      (long long)d);
      return false;
    }
    if (!cimIsaMulOk(n, d, &n) || n > CIM_ISA_MAX_ELEMENTS) {
      cimStrBufAppendCString(msg, "more than 2^40 elements");
      return false;
    }
  }
  return true;
}

/*===----------------------------------------------------------------------===*
 * Verifier
 *===----------------------------------------------------------------------===*/

/// A crossbar region programmed by a write and not overwritten since.
typedef struct Region {
  int64_t crossbar, r0, r1, c0, c1;
  uint32_t write;
} Region;

typedef struct Verifier {
  const CimProgram *p;
  CimStrBuf *msg;
  Region *live;
  size_t numLive, capLive;
  bool scheduled; ///< the program has 'sched' instructions
} Verifier;

static const CimIsaTensorType *bufType(const Verifier *v, uint32_t id) {
  return &v->p->buffers[id].type;
}

static bool sameDims(const CimIsaTensorType *a, const CimIsaTensorType *b) {
  if (a->rank != b->rank)
    return false;
  for (unsigned i = 0; i < a->rank; ++i)
    if (a->dims[i] != b->dims[i])
      return false;
  return true;
}

static bool sameType(const CimIsaTensorType *a, const CimIsaTensorType *b) {
  return sameDims(a, b) && a->elem.bits == b->elem.bits &&
         a->elem.isUnsigned == b->elem.isUnsigned;
}

static bool fail(Verifier *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool fail(Verifier *v, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cimStrBufVPrintf(v->msg, fmt, ap);
  va_end(ap);
  return false;
}

static bool needRank(Verifier *v, const char *what, uint32_t id,
                     unsigned rank) {
  if (bufType(v, id)->rank != rank)
    return fail(v, "%s b%u must have rank %u, has rank %u", what, id, rank,
                (unsigned)bufType(v, id)->rank);
  return true;
}

static bool needSameDims(Verifier *v, const char *what, uint32_t a,
                         uint32_t b) {
  if (!sameDims(bufType(v, a), bufType(v, b))) {
    CimStrBuf ta = {0}, tb = {0};
    cimIsaPrintTensorType(&ta, bufType(v, a));
    cimIsaPrintTensorType(&tb, bufType(v, b));
    fail(v, "%s: b%u (%s) and b%u (%s) must have the same shape", what, a,
         cimStrBufGet(&ta), b, cimStrBufGet(&tb));
    cimStrBufFree(&ta);
    cimStrBufFree(&tb);
    return false;
  }
  return true;
}

static uint64_t blockCount(const Verifier *v, int64_t block) {
  return v->p->blocks[block].count;
}

static int64_t blockValue(const Verifier *v, int64_t block, uint64_t i) {
  return cimProgramGetDataValue(v->p, (uint32_t)block, i);
}

/// A per-channel array (requantize multiplier/shift): 1 entry or `channels`.
static bool checkChannelBlock(Verifier *v, const char *name, int64_t block,
                              int64_t channels, int64_t lo, int64_t hi) {
  uint64_t n = blockCount(v, block);
  if (n != 1 && (int64_t)n != channels)
    return fail(v, "'%s' has %llu entries; expected 1 or %lld", name,
                (unsigned long long)n, (long long)channels);
  for (uint64_t i = 0; i < n; ++i) {
    int64_t x = blockValue(v, block, i);
    if (x < lo || x > hi)
      return fail(v, "'%s'[%llu] = %lld is out of range [%lld, %lld]", name,
                  (unsigned long long)i, (long long)x, (long long)lo,
                  (long long)hi);
  }
  return true;
}

/// Output size of a window: floor((in + pads - eff) / stride) + 1, >= 1.
static bool windowOut(Verifier *v, const char *what, int64_t in, int64_t pad0,
                      int64_t pad1, int64_t window, int64_t dilation,
                      int64_t stride, int64_t *out) {
  int64_t eff = dilation * (window - 1) + 1; /* all <= 2^31: no overflow */
  int64_t span = in + pad0 + pad1 - eff;
  if (span < 0)
    return fail(v, "%s: window of %lld does not fit input of %lld with "
                   "padding %lld + %lld",
                what, (long long)eff, (long long)in, (long long)pad0,
                (long long)pad1);
  *out = span / stride + 1;
  return true;
}

/* Is the mvm's tile region resident on crossbar x (the latest write
 * overlapping it programmed exactly it)? */
static bool residentOn(Verifier *v, const CimIsaInstr *in, int64_t x) {
  Region want = {x, in->mvm.tileRow, in->mvm.tileRow + in->mvm.tileRows,
                 in->mvm.tileCol, in->mvm.tileCol + in->mvm.tileCols, 0};
  for (size_t j = 0; j < v->numLive; ++j) {
    const Region *r = &v->live[j];
    if (r->crossbar == want.crossbar && r->r0 == want.r0 &&
        r->r1 == want.r1 && r->c0 == want.c0 && r->c1 == want.c1)
      return true;
  }
  return fail(v, "crossbar %lld holds no tile at rows [%lld, %lld) cols "
                 "[%lld, %lld): no earlier 'write' programmed it, or a "
                 "later one overwrote part of it",
              (long long)want.crossbar, (long long)want.r0,
              (long long)want.r1, (long long)want.c0, (long long)want.c1);
}

/* The blocks of a 'sched': `chunks` entries each, times in [0, 2^62],
 * crossbars of the target. */
static bool schedBlocks(Verifier *v, const CimIsaInstr *sc, uint64_t chunks) {
  const CimProgram *p = v->p;
  uint64_t ns = p->blocks[sc->sched.start].count;
  uint64_t nx = p->blocks[sc->sched.crossbar].count;
  if (ns != chunks || nx != chunks)
    return fail(v, "its 'sched' has %llu start and %llu crossbar entries; "
                   "%llu chunks need one each",
                (unsigned long long)ns, (unsigned long long)nx,
                (unsigned long long)chunks);
  for (uint64_t c = 0; c < chunks; ++c) {
    int64_t st = cimProgramGetDataValue(p, (uint32_t)sc->sched.start, c);
    int64_t x = cimProgramGetDataValue(p, (uint32_t)sc->sched.crossbar, c);
    if (st < 0 || st > ((int64_t)1 << 62))
      return fail(v, "its 'sched' starts chunk %llu at %lld ps, outside "
                     "[0, 2^62]",
                  (unsigned long long)c, (long long)st);
    if (x < 0 || x >= p->target.crossbars)
      return fail(v, "its 'sched' puts chunk %llu on crossbar %lld, which "
                     "does not exist (the target has %lld)",
                  (unsigned long long)c, (long long)x,
                  (long long)p->target.crossbars);
  }
  return true;
}

/// One instruction and its operand types, for the per-opcode checks that
/// verifyInstr dispatches to.
typedef struct InstrView {
  Verifier *v;
  const CimIsaInstr *in;
  const CimIsaTensorType *d, *s0, *s1;
  uint32_t index;
} InstrView;

static bool verifyWeightTile(const InstrView *x) {
  Verifier *v = x->v;
  const CimIsaInstr *in = x->in;
  const CimIsaTensorType *d = x->d;
  const CimIsaTensorType *s0 = x->s0;
  if (!needRank(v, "weights", in->src[0], 2) ||
      !needRank(v, "cells", in->dst, 2))
    return false;
  int64_t k = s0->dims[0], n = s0->dims[1];
  int64_t slices =
      (in->weightTile.wBits + in->weightTile.cellBits - 1) /
      in->weightTile.cellBits;
  int64_t ks = d->dims[0], units = d->dims[1];
  switch (in->weightTile.mapping) {
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN:
    if (units % 2)
      return fail(v, "differential-column cells need an even column count, "
                     "got %lld", (long long)units);
    units /= 2;
    break;
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW:
    if (ks % 2)
      return fail(v, "differential-row cells need an even row count, got "
                     "%lld", (long long)ks);
    ks /= 2;
    break;
  default:
    if (units < 2)
      return fail(v, "offset cells need at least 2 columns");
    units -= 1;
    break;
  }
  if (in->weightTile.kOffset + ks > k)
    return fail(v, "rows [%lld, %lld) exceed the %lld weight rows",
                (long long)in->weightTile.kOffset,
                (long long)(in->weightTile.kOffset + ks), (long long)k);
  if (in->weightTile.unitOffset + units > n * slices)
    return fail(v, "units [%lld, %lld) exceed the %lld units",
                (long long)in->weightTile.unitOffset,
                (long long)(in->weightTile.unitOffset + units),
                (long long)(n * slices));
  return true;
}

static bool verifyWrite(const InstrView *x) {
  Verifier *v = x->v;
  const CimProgram *p = x->v->p;
  const CimIsaInstr *in = x->in;
  const CimIsaTensorType *s0 = x->s0;
  const CimTarget *t = &x->v->p->target;
  uint32_t index = x->index;
  if (!needRank(v, "cells", in->src[0], 2))
    return false;
  if (in->write.crossbar >= t->crossbars)
    return fail(v, "crossbar %lld does not exist (the target has %lld)",
                (long long)in->write.crossbar, (long long)t->crossbars);
  if (in->write.row + s0->dims[0] > t->rows ||
      in->write.col + s0->dims[1] > t->cols)
    return fail(v, "region rows [%lld, %lld) x cols [%lld, %lld) exceeds "
                   "the %lldx%lld crossbar",
                (long long)in->write.row,
                (long long)(in->write.row + s0->dims[0]),
                (long long)in->write.col,
                (long long)(in->write.col + s0->dims[1]), (long long)t->rows,
                (long long)t->cols);
  Region r = {in->write.crossbar, in->write.row, in->write.row + s0->dims[0],
              in->write.col, in->write.col + s0->dims[1], index};
  size_t kept = 0;
  for (size_t j = 0; j < v->numLive; ++j) {
    const Region *o = &v->live[j];
    bool overlap = o->crossbar == r.crossbar && o->r0 < r.r1 &&
                   r.r0 < o->r1 && o->c0 < r.c1 && r.c0 < o->c1;
    if (!overlap)
      v->live[kept++] = *o;
  }
  v->numLive = kept;
  if (v->numLive == v->capLive) {
    size_t cap = v->capLive ? 2 * v->capLive : 16;
    Region *grown = realloc(v->live, cap * sizeof *grown);
    if (!grown)
      return fail(v, "out of memory");
    v->live = grown;
    v->capLive = cap;
  }
  v->live[v->numLive++] = r;
  if (index > 0 && p->instrs[index - 1].opcode == CIM_ISA_SCHED) {
    const CimIsaInstr *sc = &p->instrs[index - 1];
    if (sc->sched.chunkRows != 1)
      return fail(v, "the 'sched' of a write must have chunk_rows=1, not "
                     "%lld", (long long)sc->sched.chunkRows);
    if (!schedBlocks(v, sc, 1))
      return false;
    if (cimProgramGetDataValue(p, (uint32_t)sc->sched.crossbar, 0) !=
        in->write.crossbar)
      return fail(v, "its 'sched' puts it on crossbar %lld, the write "
                     "names crossbar %lld",
                  (long long)cimProgramGetDataValue(
                      p, (uint32_t)sc->sched.crossbar, 0),
                  (long long)in->write.crossbar);
  }
  return true;
}

static bool verifyMvm(const InstrView *x) {
  Verifier *v = x->v;
  const CimProgram *p = x->v->p;
  const CimIsaInstr *in = x->in;
  const CimIsaTensorType *d = x->d;
  const CimIsaTensorType *s0 = x->s0;
  uint32_t index = x->index;
  if (!needRank(v, "digits", in->src[0], 2) ||
      !needRank(v, "sums", in->dst, 2))
    return false;
  if (d->dims[0] != s0->dims[0])
    return fail(v, "sums have %lld rows, digits %lld",
                (long long)d->dims[0], (long long)s0->dims[0]);
  if (d->dims[1] != in->mvm.tileCols)
    return fail(v, "sums have %lld columns, the tile %lld",
                (long long)d->dims[1], (long long)in->mvm.tileCols);
  if (in->mvm.rowOffset + in->mvm.rows > in->mvm.tileRows)
    return fail(v, "rows [%lld, %lld) exceed the tile's %lld rows",
                (long long)in->mvm.rowOffset,
                (long long)(in->mvm.rowOffset + in->mvm.rows),
                (long long)in->mvm.tileRows);
  int64_t last = in->mvm.rowOffset + in->mvm.rows - 1;
  int64_t need = in->mvm.kOffset + (in->mvm.differentialRows ? last / 2 : last);
  if (need >= s0->dims[1])
    return fail(v, "drives digit column %lld of %lld", (long long)need,
                (long long)s0->dims[1]);
  /* The tile must be what the latest write overlapping it programmed,
   * on its own crossbar and on every crossbar a chunk of its schedule
   * runs on (the copies). */
  if (!residentOn(v, in, in->mvm.crossbar))
    return false;
  if (index > 0 && p->instrs[index - 1].opcode == CIM_ISA_SCHED) {
    const CimIsaInstr *sc = &p->instrs[index - 1];
    int64_t M = s0->dims[0], rows = sc->sched.chunkRows;
    uint64_t chunks = (uint64_t)((M + rows - 1) / rows);
    if (!schedBlocks(v, sc, chunks))
      return false;
    /* Chunks cycle over a few copies: each crossbar is checked once (the
     * residency scan is linear in the resident tiles). */
    enum { SEEN = 64 };
    int64_t seen[SEEN];
    unsigned numSeen = 0;
    for (uint64_t c = 0; c < chunks; ++c) {
      int64_t xb = cimProgramGetDataValue(p, (uint32_t)sc->sched.crossbar, c);
      bool again = false;
      for (unsigned k = 0; k < numSeen && !again; ++k)
        again = seen[k] == xb;
      if (again)
        continue;
      if (!residentOn(v, in, xb))
        return false;
      if (numSeen < SEEN)
        seen[numSeen++] = xb;
    }
  }
  return true;
}

static bool verifyShiftAdd(const InstrView *x) {
  Verifier *v = x->v;
  const CimIsaInstr *in = x->in;
  const CimIsaTensorType *s0 = x->s0;
  const CimIsaTensorType *s1 = x->s1;
  if (!needRank(v, "acc", in->src[0], 2) ||
      !needRank(v, "part", in->src[1], 2) ||
      !needSameDims(v, "shift_add", in->dst, in->src[0]))
    return false;
  if (s1->dims[0] != s0->dims[0] && s1->dims[0] != 1)
    return fail(v, "part has %lld rows; expected %lld or 1",
                (long long)s1->dims[0], (long long)s0->dims[0]);
  const int64_t count = in->shiftAdd.count;
  if (in->shiftAdd.dstOffset + count > s0->dims[1])
    return fail(v, "columns [%lld, %lld) exceed the %lld columns of acc",
                (long long)in->shiftAdd.dstOffset,
                (long long)(in->shiftAdd.dstOffset + count),
                (long long)s0->dims[1]);
  if (count > 0) {
    int64_t lastSrc;
    if (!cimIsaMulOk(count - 1, in->shiftAdd.srcStride, &lastSrc) ||
        lastSrc > CIM_ISA_MAX_ELEMENTS ||
        in->shiftAdd.srcOffset + lastSrc >= s1->dims[1])
      return fail(v, "reads part column past its %lld columns",
                  (long long)s1->dims[1]);
  }
  return true;
}

static bool verifyIm2col(const InstrView *x) {
  Verifier *v = x->v;
  const CimIsaInstr *in = x->in;
  const CimIsaTensorType *d = x->d;
  const CimIsaTensorType *s0 = x->s0;
  if (!needRank(v, "input", in->src[0], 4) ||
      !needRank(v, "patches", in->dst, 2))
    return false;
  bool nchw = in->im2col.layout == CIM_ISA_LAYOUT_NCHW;
  int64_t b = s0->dims[0], c = nchw ? s0->dims[1] : s0->dims[3];
  int64_t h = nchw ? s0->dims[2] : s0->dims[1];
  int64_t w = nchw ? s0->dims[3] : s0->dims[2];
  int64_t oh = 0, ow = 0;
  if (!windowOut(v, "im2col height", h, in->im2col.padTop,
                 in->im2col.padBottom, in->im2col.kernelH,
                 in->im2col.dilationH, in->im2col.strideH, &oh) ||
      !windowOut(v, "im2col width", w, in->im2col.padLeft,
                 in->im2col.padRight, in->im2col.kernelW,
                 in->im2col.dilationW, in->im2col.strideW, &ow))
    return false;
  if (in->im2col.channelOffset + in->im2col.channels > c)
    return fail(v, "channels [%lld, %lld) exceed the input's %lld",
                (long long)in->im2col.channelOffset,
                (long long)(in->im2col.channelOffset + in->im2col.channels),
                (long long)c);
  int64_t rows, cols;
  if (!cimIsaMulOk(b, oh, &rows) || !cimIsaMulOk(rows, ow, &rows) ||
      !cimIsaMulOk(in->im2col.channels, in->im2col.kernelH, &cols) ||
      !cimIsaMulOk(cols, in->im2col.kernelW, &cols) ||
      d->dims[0] != rows || d->dims[1] != cols)
    return fail(v, "patches must be [%lld, %lld], are [%lld, %lld]",
                (long long)(b * oh * ow),
                (long long)(in->im2col.channels * in->im2col.kernelH *
                            in->im2col.kernelW),
                (long long)d->dims[0], (long long)d->dims[1]);
  return true;
}

static bool verifySliceOrInsert(const InstrView *x) {
  Verifier *v = x->v;
  const CimIsaInstr *in = x->in;
  const CimIsaTensorType *d = x->d;
  const CimIsaTensorType *s0 = x->s0;
  const CimIsaTensorType *s1 = x->s1;
  bool ins = in->opcode == CIM_ISA_INSERT;
  const CimIsaTensorType *big = ins ? s0 : s0;
  const CimIsaTensorType *small = ins ? s1 : d;
  if (ins && !needSameDims(v, "insert", in->dst, in->src[0]))
    return false;
  if (small->rank != big->rank)
    return fail(v, "ranks %u and %u differ", (unsigned)big->rank,
                (unsigned)small->rank);
  int64_t blk = ins ? in->insert.offsets : in->slice.offsets;
  if (blockCount(v, blk) != big->rank)
    return fail(v, "'offsets' has %llu entries; expected %u",
                (unsigned long long)blockCount(v, blk), (unsigned)big->rank);
  for (unsigned i = 0; i < big->rank; ++i) {
    int64_t o = blockValue(v, blk, i);
    if (o < 0 || o > big->dims[i] - small->dims[i])
      return fail(v, "offset %lld of dimension %u places %lld elements "
                     "outside %lld",
                  (long long)o, i, (long long)small->dims[i],
                  (long long)big->dims[i]);
  }
  return true;
}

static bool verifyTranspose(const InstrView *x) {
  Verifier *v = x->v;
  const CimIsaInstr *in = x->in;
  const CimIsaTensorType *d = x->d;
  const CimIsaTensorType *s0 = x->s0;
  int64_t blk = in->transpose.permutation;
  if (d->rank != s0->rank || blockCount(v, blk) != s0->rank)
    return fail(v, "'permutation' and both buffers must have rank %u",
                (unsigned)s0->rank);
  bool seen[CIM_ISA_MAX_RANK] = {false};
  for (unsigned i = 0; i < s0->rank; ++i) {
    int64_t q = blockValue(v, blk, i);
    if (q < 0 || q >= s0->rank || seen[q])
      return fail(v, "'permutation' is not a permutation of [0, %u)",
                  (unsigned)s0->rank);
    seen[q] = true;
    if (d->dims[i] != s0->dims[q])
      return fail(v, "result dimension %u must be input dimension %lld", i,
                  (long long)q);
  }
  return true;
}

static bool verifyRequantize(const InstrView *x) {
  Verifier *v = x->v;
  const CimIsaInstr *in = x->in;
  const CimIsaTensorType *s0 = x->s0;
  const CimIsaTensorType *s1 = x->s1;
  if (!needSameDims(v, "requantize", in->dst, in->src[0]))
    return false;
  int64_t axis = in->requantize.axis;
  int64_t channels = axis < s0->rank ? s0->dims[axis] : 1;
  bool perChannel = blockCount(v, in->requantize.multiplier) != 1 ||
                    blockCount(v, in->requantize.shift) != 1 || s1;
  if (perChannel && axis >= s0->rank)
    return fail(v, "axis %lld is not below rank %u", (long long)axis,
                (unsigned)s0->rank);
  if (!checkChannelBlock(v, "multiplier", in->requantize.multiplier,
                         channels, 0, ((int64_t)1 << 32) - 1) ||
      !checkChannelBlock(v, "shift", in->requantize.shift, channels, 0, 62))
    return false;
  if (s1 && (s1->rank != 1 || s1->dims[0] != channels))
    return fail(v, "bias b%u must be [%lld]", in->src[1],
                (long long)channels);
  if (in->requantize.qmin > in->requantize.qmax)
    return fail(v, "qmin %lld is above qmax %lld",
                (long long)in->requantize.qmin,
                (long long)in->requantize.qmax);
  return true;
}

static bool verifyPool(const InstrView *x) {
  Verifier *v = x->v;
  const CimIsaInstr *in = x->in;
  const CimIsaTensorType *d = x->d;
  const CimIsaTensorType *s0 = x->s0;
  if (!needRank(v, "input", in->src[0], 4) ||
      !needRank(v, "result", in->dst, 4))
    return false;
  if (in->pool.padTop >= in->pool.windowH ||
      in->pool.padBottom >= in->pool.windowH ||
      in->pool.padLeft >= in->pool.windowW ||
      in->pool.padRight >= in->pool.windowW)
    return fail(v, "padding must be smaller than the window");
  bool nchw = in->pool.layout == CIM_ISA_LAYOUT_NCHW;
  int hAxis = nchw ? 2 : 1, wAxis = nchw ? 3 : 2, cAxis = nchw ? 1 : 3;
  int64_t oh = 0, ow = 0;
  if (!windowOut(v, "pool height", s0->dims[hAxis], in->pool.padTop,
                 in->pool.padBottom, in->pool.windowH, 1, in->pool.strideH,
                 &oh) ||
      !windowOut(v, "pool width", s0->dims[wAxis], in->pool.padLeft,
                 in->pool.padRight, in->pool.windowW, 1, in->pool.strideW,
                 &ow))
    return false;
  if (d->dims[0] != s0->dims[0] || d->dims[cAxis] != s0->dims[cAxis] ||
      d->dims[hAxis] != oh || d->dims[wAxis] != ow)
    return fail(v, "result has the wrong shape (output %lldx%lld)",
                (long long)oh, (long long)ow);
  return true;
}

/// An instruction along `axis` of src0 whose result has src0's dims
/// (softmax, layer_norm).
static bool needAxisOp(const InstrView *x, const char *op, int64_t axis) {
  Verifier *v = x->v;
  if (!needSameDims(v, op, x->in->dst, x->in->src[0]))
    return false;
  if (axis >= x->s0->rank)
    return fail(v, "axis %lld is not below rank %u", (long long)axis,
                (unsigned)x->s0->rank);
  return true;
}

static bool verifySoftmax(const InstrView *x) {
  Verifier *v = x->v;
  const CimIsaInstr *in = x->in;
  if (!needAxisOp(x, "softmax", in->softmax.axis))
    return false;
  int64_t blk = in->softmax.expTable;
  for (uint64_t i = 0; i < blockCount(v, blk); ++i) {
    int64_t e = blockValue(v, blk, i);
    if (e < 0 || e > ((int64_t)1 << 32) || (i == 0 && e == 0))
      return fail(v, "'exp_table'[%llu] = %lld: entries must lie in [0, "
                     "2^32] and the first be positive",
                  (unsigned long long)i, (long long)e);
  }
  if (in->softmax.qmin > in->softmax.qmax)
    return fail(v, "qmin is above qmax");
  return true;
}

static bool verifyLayerNorm(const InstrView *x) {
  Verifier *v = x->v;
  const CimIsaInstr *in = x->in;
  if (!needAxisOp(x, "layer_norm", in->layerNorm.axis))
    return false;
  int64_t n = x->s0->dims[in->layerNorm.axis];
  if ((int64_t)blockCount(v, in->layerNorm.gamma) != n ||
      (int64_t)blockCount(v, in->layerNorm.beta) != n)
    return fail(v, "'gamma' and 'beta' need %lld entries", (long long)n);
  if (in->layerNorm.qmin > in->layerNorm.qmax)
    return fail(v, "qmin is above qmax");
  return true;
}

/* Semantic checks of one instruction (indices already checked). */
static bool verifyInstr(Verifier *v, uint32_t index) {
  const CimProgram *p = v->p;
  const CimIsaInstr *in = &p->instrs[index];
  const CimIsaTensorType *d =
      in->dst != CIM_ISA_NO_BUFFER ? bufType(v, in->dst) : NULL;
  const CimIsaTensorType *s0 =
      in->src[0] != CIM_ISA_NO_BUFFER ? bufType(v, in->src[0]) : NULL;
  const CimIsaTensorType *s1 =
      in->src[1] != CIM_ISA_NO_BUFFER ? bufType(v, in->src[1]) : NULL;
  InstrView x = {v, in, d, s0, s1, index};

  if (v->scheduled &&
      (in->opcode == CIM_ISA_WRITE || in->opcode == CIM_ISA_MVM) &&
      (index == 0 || p->instrs[index - 1].opcode != CIM_ISA_SCHED))
    return fail(v, "the program is scheduled, so every write and mvm needs "
                   "a 'sched' right before it");
  switch (in->opcode) {
  case CIM_ISA_HALT:
    if (index + 1 != p->numInstrs)
      return fail(v, "'halt' must be the last instruction");
    return true;
  case CIM_ISA_BARRIER:
  case CIM_ISA_NUM_OPCODES:
    return true;
  case CIM_ISA_SCHED: {
    CimIsaOpcode next = index + 1 < p->numInstrs
                            ? p->instrs[index + 1].opcode
                            : CIM_ISA_HALT;
    if (next != CIM_ISA_WRITE && next != CIM_ISA_MVM)
      return fail(v, "'sched' must be followed by a 'write' or an 'mvm'");
    return true;
  }
  case CIM_ISA_LOAD:
    if (!sameType(d, &p->inputs[in->load.input].type))
      return fail(v, "b%u does not have the type of input '%s'", in->dst,
                  p->inputs[in->load.input].name);
    return true;
  case CIM_ISA_STORE:
    if (!sameType(s0, &p->outputs[in->store.output].type))
      return fail(v, "b%u does not have the type of output '%s'", in->src[0],
                  p->outputs[in->store.output].name);
    return true;
  case CIM_ISA_WEIGHT_TILE:
    return verifyWeightTile(&x);
  case CIM_ISA_WRITE:
    return verifyWrite(&x);
  case CIM_ISA_BITPLANE:
    if (in->bitplane.bitOffset >= in->bitplane.aBits)
      return fail(v, "bit_offset %lld is not below a_bits %lld",
                  (long long)in->bitplane.bitOffset,
                  (long long)in->bitplane.aBits);
    return needSameDims(v, "bitplane", in->dst, in->src[0]);
  case CIM_ISA_MVM:
    return verifyMvm(&x);
  case CIM_ISA_ADC:
    return needSameDims(v, "adc", in->dst, in->src[0]);
  case CIM_ISA_SHIFT_ADD:
    return verifyShiftAdd(&x);
  case CIM_ISA_IM2COL:
    return verifyIm2col(&x);
  case CIM_ISA_INSERT:
  case CIM_ISA_SLICE:
    return verifySliceOrInsert(&x);
  case CIM_ISA_RESHAPE:
    if (cimIsaTensorTypeGetNumElements(s0) !=
        cimIsaTensorTypeGetNumElements(d))
      return fail(v, "reshape changes the element count");
    return true;
  case CIM_ISA_TRANSPOSE:
    return verifyTranspose(&x);
  case CIM_ISA_REQUANTIZE:
    return verifyRequantize(&x);
  case CIM_ISA_CLAMP:
    return needSameDims(v, "clamp", in->dst, in->src[0]);
  case CIM_ISA_LUT:
    return needSameDims(v, "lut", in->dst, in->src[0]);
  case CIM_ISA_POOL:
    return verifyPool(&x);
  case CIM_ISA_ADD:
    return needSameDims(v, "add", in->dst, in->src[0]) &&
           needSameDims(v, "add", in->dst, in->src[1]);
  case CIM_ISA_SOFTMAX:
    return verifySoftmax(&x);
  case CIM_ISA_LAYER_NORM:
    return verifyLayerNorm(&x);
  }
  return true;
}

static bool checkPort(Verifier *v, const CimIsaPort *port,
                      const CimIsaPort *all, uint32_t index) {
  if (!port->name || !cimIsaIsValidPortName(port->name, strlen(port->name)))
    return fail(v, "name must be 1..255 characters of [A-Za-z0-9_.-]");
  for (uint32_t j = 0; j < index; ++j)
    if (!strcmp(all[j].name, port->name))
      return fail(v, "name '%s' is used twice", port->name);
  return cimIsaCheckTensorType(&port->type, v->msg);
}

/// The embedded target and the fingerprint that names it.
static bool verifyTarget(Verifier *v) {
  const CimProgram *p = v->p;
  if (mlirLogicalResultIsFailure(
          cimTargetValidate(&p->target, cimStrBufCallback, v->msg)))
    return false;
  if (p->fingerprint != cimTargetGetFingerprint(&p->target))
    return fail(v, "fingerprint 0x%016llx does not match the target's "
                   "0x%016llx",
                (unsigned long long)p->fingerprint,
                (unsigned long long)cimTargetGetFingerprint(&p->target));
  return true;
}

/// Data block i: element size, count and bytes inside the data section.
static bool verifyBlock(Verifier *v, uint32_t i) {
  const CimProgram *p = v->p;
  const CimIsaDataBlock *b = &p->blocks[i];
  if (b->elemBytes != 1 && b->elemBytes != 2 && b->elemBytes != 4 &&
      b->elemBytes != 8)
    return fail(v, "element size %u is not 1, 2, 4 or 8",
                (unsigned)b->elemBytes);
  if (b->count < 1 || b->count > (uint64_t)CIM_ISA_MAX_ELEMENTS)
    return fail(v, "element count %llu is out of range [1, 2^40]",
                (unsigned long long)b->count);
  uint64_t bytes = b->count * b->elemBytes; /* <= 2^43: no overflow */
  if (b->offset > p->dataSize || bytes > p->dataSize - b->offset)
    return fail(v, "bytes [%llu, %llu) lie outside the %llu-byte data "
                   "section",
                (unsigned long long)b->offset,
                (unsigned long long)(b->offset + bytes),
                (unsigned long long)p->dataSize);
  return true;
}

/// Buffer i: its type, and a constant's data block (size, values in range).
static bool verifyBuffer(Verifier *v, uint32_t i) {
  const CimProgram *p = v->p;
  const CimIsaBuffer *b = &p->buffers[i];
  if (!cimIsaCheckTensorType(&b->type, v->msg))
    return false;
  if (b->dataBlock == CIM_ISA_NO_DATA)
    return true;
  if (b->dataBlock >= p->numBlocks)
    return fail(v, "data block d%u does not exist (%u blocks)", b->dataBlock,
                p->numBlocks);
  uint64_t n = p->blocks[b->dataBlock].count;
  int64_t elems = cimIsaTensorTypeGetNumElements(&b->type);
  if (n != 1 && n != (uint64_t)elems)
    return fail(v, "data block d%u has %llu values; the buffer has %lld "
                   "elements",
                b->dataBlock, (unsigned long long)n, (long long)elems);
  unsigned bits = b->type.elem.bits;
  int64_t lo, hi;
  if (b->type.elem.isUnsigned) {
    lo = 0;
    hi = (int64_t)((1ull << bits) - 1);
  } else {
    lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
  }
  for (uint64_t k = 0; k < n; ++k) {
    int64_t x = cimProgramGetDataValue(p, b->dataBlock, k);
    if (x < lo || x > hi)
      return fail(v, "value %lld of data block d%u does not fit %c%u",
                  (long long)x, b->dataBlock,
                  b->type.elem.isUnsigned ? 'u' : 'i', bits);
  }
  return true;
}

/// Immediate k of an instruction: in its field's range (enumerators, data
/// blocks, inputs and outputs by their counts); unused ones are 0.
static bool verifyImmediate(Verifier *v, const CimIsaOpDesc *desc,
                            unsigned k, int64_t x) {
  const CimProgram *p = v->p;
  if (k >= desc->numImms) {
    if (x != 0)
      return fail(v, "unused immediate %u is not 0", k);
    return true;
  }
  const CimIsaField *f = &desc->imms[k];
  int64_t lo = f->min, hi = f->max;
  const char *what = "";
  switch (f->kind) {
  case CIM_ISA_FIELD_ENUM:
    hi = -1;
    while (f->enumNames[hi + 1])
      ++hi;
    lo = 0;
    break;
  case CIM_ISA_FIELD_BLOCK:
    lo = 0;
    hi = (int64_t)p->numBlocks - 1;
    what = " (data block)";
    break;
  case CIM_ISA_FIELD_INPUT:
    lo = 0;
    hi = (int64_t)p->numInputs - 1;
    what = " (input)";
    break;
  case CIM_ISA_FIELD_OUTPUT:
    lo = 0;
    hi = (int64_t)p->numOutputs - 1;
    what = " (output)";
    break;
  default:
    break;
  }
  if (x < lo || x > hi)
    return fail(v, "'%s' = %lld%s is out of range [%lld, %lld]", f->name,
                (long long)x, what, (long long)lo, (long long)hi);
  return true;
}

/// The operands of instruction i as the opcode table describes them (opcode,
/// layer, destination, sources, immediates), then its semantics
/// (verifyInstr).
static bool verifyInstrOperands(Verifier *v, uint32_t i) {
  const CimProgram *p = v->p;
  const CimIsaInstr *in = &p->instrs[i];
  if ((unsigned)in->opcode >= CIM_ISA_NUM_OPCODES)
    return fail(v, "unknown opcode %u", (unsigned)in->opcode);
  const CimIsaOpDesc *desc = &cimIsaOpDescs[in->opcode];
  if (in->layer < CIM_ISA_NO_LAYER || in->layer > INT32_MAX)
    return fail(v, "layer %lld is out of range [-1, 2^31-1]",
                (long long)in->layer);
  if (desc->hasDst) {
    if (in->dst >= p->numBuffers)
      return fail(v, "destination b%u does not exist (%u buffers)", in->dst,
                  p->numBuffers);
    if (p->buffers[in->dst].dataBlock != CIM_ISA_NO_DATA)
      return fail(v, "destination b%u is a constant", in->dst);
  } else if (in->dst != CIM_ISA_NO_BUFFER) {
    return fail(v, "'%s' has no destination", desc->name);
  }
  for (unsigned s = 0; s < CIM_ISA_MAX_SRCS; ++s) {
    uint32_t id = in->src[s];
    if (s >= desc->numSrcs ||
        (id == CIM_ISA_NO_BUFFER && (desc->optionalSrcs >> s) & 1)) {
      if (id != CIM_ISA_NO_BUFFER)
        return fail(v, "'%s' has no source %u", desc->name, s);
      continue;
    }
    if (id >= p->numBuffers)
      return fail(v, "source b%u does not exist (%u buffers)", id,
                  p->numBuffers);
    if (desc->hasDst && id == in->dst)
      return fail(v, "b%u is both source and destination", id);
  }
  for (unsigned k = 0; k < CIM_ISA_MAX_IMMS; ++k)
    if (!verifyImmediate(v, desc, k, in->imm[k]))
      return false;
  return verifyInstr(v, i);
}

/// Every table in order (target, data blocks, inputs, outputs, buffers,
/// instructions, the final halt); *locus names the entry at fault.
static bool verifyAll(Verifier *v, CimIsaLocus *locus) {
  const CimProgram *p = v->p;
  *locus = (CimIsaLocus){CIM_ISA_LOCUS_TARGET, 0};
  if (!verifyTarget(v))
    return false;
  *locus = (CimIsaLocus){CIM_ISA_LOCUS_BLOCK, 0};
  for (uint32_t i = 0; i < p->numBlocks; ++i)
    if (locus->index = i, !verifyBlock(v, i))
      return false;
  *locus = (CimIsaLocus){CIM_ISA_LOCUS_INPUT, 0};
  for (uint32_t i = 0; i < p->numInputs; ++i)
    if (locus->index = i, !checkPort(v, &p->inputs[i], p->inputs, i))
      return false;
  *locus = (CimIsaLocus){CIM_ISA_LOCUS_OUTPUT, 0};
  for (uint32_t i = 0; i < p->numOutputs; ++i)
    if (locus->index = i, !checkPort(v, &p->outputs[i], p->outputs, i))
      return false;
  *locus = (CimIsaLocus){CIM_ISA_LOCUS_BUFFER, 0};
  for (uint32_t i = 0; i < p->numBuffers; ++i)
    if (locus->index = i, !verifyBuffer(v, i))
      return false;
  *locus = (CimIsaLocus){CIM_ISA_LOCUS_INSTR, 0};
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    if (p->instrs[i].opcode == CIM_ISA_SCHED)
      v->scheduled = true;
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    if (locus->index = i, !verifyInstrOperands(v, i))
      return false;
  *locus = (CimIsaLocus){CIM_ISA_LOCUS_PROGRAM, 0};
  if (p->numInstrs == 0 || p->instrs[p->numInstrs - 1].opcode != CIM_ISA_HALT)
    return fail(v, "the program does not end with 'halt'");
  return true;
}

bool cimIsaVerify(const CimProgram *p, CimIsaLocus *locus, CimStrBuf *msg) {
  Verifier v = {p, msg, NULL, 0, 0, false};
  bool ok = verifyAll(&v, locus);
  free(v.live);
  return ok;
}

MlirLogicalResult cimProgramVerify(const CimProgram *p,
                                   MlirStringCallback errorCallback,
                                   void *userData) {
  CimStrBuf msg = {0};
  CimIsaLocus locus;
  bool ok = cimIsaVerify(p, &locus, &msg);
  if (!ok) {
    CimStrBuf full = {0};
    switch (locus.kind) {
    case CIM_ISA_LOCUS_PROGRAM:
      break;
    case CIM_ISA_LOCUS_TARGET:
      cimStrBufAppendCString(&full, "target: ");
      break;
    case CIM_ISA_LOCUS_INPUT:
      cimStrBufPrintf(&full, "input %u: ", locus.index);
      break;
    case CIM_ISA_LOCUS_OUTPUT:
      cimStrBufPrintf(&full, "output %u: ", locus.index);
      break;
    case CIM_ISA_LOCUS_BUFFER:
      cimStrBufPrintf(&full, "buffer b%u: ", locus.index);
      break;
    case CIM_ISA_LOCUS_BLOCK:
      cimStrBufPrintf(&full, "data block d%u: ", locus.index);
      break;
    case CIM_ISA_LOCUS_INSTR: {
      const char *name = cimIsaOpcodeGetName(p->instrs[locus.index].opcode);
      cimStrBufPrintf(&full, "instruction %u (%s): ", locus.index,
                      name ? name : "?");
      break;
    }
    }
    cimStrBufAppendCString(&full, cimStrBufGet(&msg));
    if (errorCallback)
      errorCallback(mlirStringRefCreate(cimStrBufGet(&full), full.length),
                    userData);
    cimStrBufFree(&full);
  }
  cimStrBufFree(&msg);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
