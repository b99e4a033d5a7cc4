/*===-- digital.c - Exact integer semantics of the digital instructions ----===*
 *
 * requantize, clamp, lut, pool, add, softmax, layer_norm and the data
 * movement instructions, exactly as docs/dialects/cim.md defines them. Each
 * intermediate that can exceed 64 bits is computed in 128 bits with an
 * overflow check; a value that does not fit is an error, never a wrap.
 *===----------------------------------------------------------------------===*/

#include <string.h>

#include "KernelsInternal.h"

#define SHAPE_BUF 96

static MlirLogicalResult expectShape(const char *op, const char *what,
                                     const CimSimTensor *got,
                                     const CimSimTensor *want,
                                     MlirStringCallback cb, void *ud) {
  if (cimSimSameShape(got, want))
    return mlirLogicalResultSuccess();
  char g[SHAPE_BUF], w[SHAPE_BUF];
  return cimSimFail(cb, ud, "%s: %s has shape %s, expected %s", op, what,
                    cimSimShapeStr(got, g, sizeof g),
                    cimSimShapeStr(want, w, sizeof w));
}

/// Splits a shape at `axis`: outer * n * inner elements.
static void splitAxis(const CimSimTensor *t, int64_t axis, int64_t *outer,
                      int64_t *n, int64_t *inner) {
  *outer = 1;
  *inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    *outer *= t->shape[i];
  *n = t->shape[axis];
  for (int64_t i = axis + 1; i < t->rank; ++i)
    *inner *= t->shape[i];
}

/*===----------------------------------------------------------------------===*
 * requantize
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimRequantize(const CimSimTensor *x,
                                   const CimSimTensor *bias,
                                   const CimSimRequantizeParams *p,
                                   CimSimTensor *r, MlirStringCallback cb,
                                   void *ud) {
  const char *op = "requantize";
  if (mlirLogicalResultIsFailure(expectShape(op, "the result", r, x, cb, ud)))
    return mlirLogicalResultFailure();
  bool perChannel = p->numMultipliers > 1 || p->numShifts > 1 || bias;
  int64_t channels = 1;
  if (perChannel) {
    if (p->axis < 0 || p->axis >= x->rank)
      return cimSimFail(cb, ud, "%s: axis %lld is not a dimension of the "
                        "rank-%d operand", op, (long long)p->axis, x->rank);
    channels = x->shape[p->axis];
  }
  if (p->numMultipliers != 1 && p->numMultipliers != channels)
    return cimSimFail(cb, ud, "%s: %lld multipliers for %lld channels", op,
                      (long long)p->numMultipliers, (long long)channels);
  if (p->numShifts != 1 && p->numShifts != channels)
    return cimSimFail(cb, ud, "%s: %lld shifts for %lld channels", op,
                      (long long)p->numShifts, (long long)channels);
  if (bias && (bias->rank != 1 || bias->shape[0] != channels))
    return cimSimFail(cb, ud, "%s: the bias needs one value per channel (%lld)",
                      op, (long long)channels);
  for (int64_t c = 0; c < p->numMultipliers; ++c)
    if (p->multiplier[c] < 0)
      return cimSimFail(cb, ud, "%s: multiplier %lld is negative", op,
                        (long long)p->multiplier[c]);
  for (int64_t c = 0; c < p->numShifts; ++c)
    if (p->shift[c] < 0 || p->shift[c] > 62)
      return cimSimFail(cb, ud, "%s: shift %lld is outside [0, 62]", op,
                        (long long)p->shift[c]);
  if (p->qmin > p->qmax)
    return cimSimFail(cb, ud, "%s: qmin %lld is above qmax %lld", op,
                      (long long)p->qmin, (long long)p->qmax);

  int64_t outer = 1, n = 1, inner = cimSimNumElements(x);
  if (perChannel)
    splitAxis(x, p->axis, &outer, &n, &inner);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < n; ++c) {
      cimI128 m = p->multiplier[p->numMultipliers == 1 ? 0 : c];
      int s = (int)p->shift[p->numShifts == 1 ? 0 : c];
      cimI128 offset = (cimI128)(bias ? bias->data[c] : 0) - p->inZeroPoint;
      int64_t base = (o * n + c) * inner;
      for (int64_t i = 0; i < inner; ++i) {
        /* |x + bias - zp| < 3 * 2^63 and m < 2^63: the product can reach
         * 2^127.6, so check it. */
        cimI128 v = (cimI128)x->data[base + i] + offset, prod;
        if (__builtin_mul_overflow(v, m, &prod))
          return cimSimFail(cb, ud, "%s: (x + bias - in_zero_point) * "
                            "multiplier exceeds 128 bits", op);
        cimI128 q = cimSimRneShift128(prod, s);
        /* q < 2^127 and out_zero_point is int64: keep the sum in range. */
        if (q > ((cimI128)1 << 100))
          q = (cimI128)1 << 100;
        if (q < -((cimI128)1 << 100))
          q = -((cimI128)1 << 100);
        r->data[base + i] =
            (int64_t)cimSimClamp128(q + p->outZeroPoint, p->qmin, p->qmax);
      }
    }
  }
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * clamp, lut, add
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimClamp(const CimSimTensor *x, int64_t lo, int64_t hi,
                              CimSimTensor *r, MlirStringCallback cb,
                              void *ud) {
  if (mlirLogicalResultIsFailure(
          expectShape("clamp", "the result", r, x, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t n = cimSimNumElements(x);
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = x->data[i];
    v = v < lo ? lo : v;
    r->data[i] = v > hi ? hi : v;
  }
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimLut(const CimSimTensor *x, const int64_t *table,
                            int64_t len, int64_t inMin, CimSimTensor *r,
                            MlirStringCallback cb, void *ud) {
  if (mlirLogicalResultIsFailure(expectShape("lut", "the result", r, x, cb, ud)))
    return mlirLogicalResultFailure();
  if (len < 1)
    return cimSimFail(cb, ud, "lut: the table is empty");
  int64_t n = cimSimNumElements(x);
  for (int64_t i = 0; i < n; ++i) {
    cimI128 k = cimSimClamp128((cimI128)x->data[i] - inMin, 0, len - 1);
    r->data[i] = table[(int64_t)k];
  }
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimAdd(const CimSimTensor *a, const CimSimTensor *b,
                            CimSimTensor *r, MlirStringCallback cb, void *ud) {
  if (mlirLogicalResultIsFailure(expectShape("add", "rhs", b, a, cb, ud)) ||
      mlirLogicalResultIsFailure(expectShape("add", "the result", r, a, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t n = cimSimNumElements(a);
  for (int64_t i = 0; i < n; ++i) {
    int64_t s;
    if (__builtin_add_overflow(a->data[i], b->data[i], &s))
      return cimSimFail(cb, ud, "add: %lld + %lld exceeds 64 bits",
                        (long long)a->data[i], (long long)b->data[i]);
    r->data[i] = s;
  }
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * pool
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimPool(const CimSimTensor *x, const CimSimPoolParams *p,
                             CimSimTensor *r, MlirStringCallback cb, void *ud) {
  const char *op = "pool";
  if (x->rank != 4 || r->rank != 4)
    return cimSimFail(cb, ud, "%s: operand and result must have rank 4", op);
  for (int i = 0; i < 2; ++i) {
    if (p->window[i] < 1 || p->strides[i] < 1)
      return cimSimFail(cb, ud, "%s: window and strides must be positive", op);
    if (p->padding[i] < 0 || p->padding[i + 2] < 0 ||
        p->padding[i] >= p->window[i] || p->padding[i + 2] >= p->window[i])
      return cimSimFail(cb, ud, "%s: each padding must lie in [0, window)",
                        op);
  }
  int hAxis = p->isNhwc ? 1 : 2, wAxis = p->isNhwc ? 2 : 3,
      cAxis = p->isNhwc ? 3 : 1;
  int64_t B = x->shape[0], C = x->shape[cAxis], H = x->shape[hAxis],
          W = x->shape[wAxis];
  int64_t spanH = H + p->padding[0] + p->padding[2] - p->window[0];
  int64_t spanW = W + p->padding[1] + p->padding[3] - p->window[1];
  if (spanH < 0 || spanW < 0)
    return cimSimFail(cb, ud, "%s: the window is larger than the padded input",
                      op);
  CimSimTensor want = *x;
  want.shape[hAxis] = spanH / p->strides[0] + 1;
  want.shape[wAxis] = spanW / p->strides[1] + 1;
  if (mlirLogicalResultIsFailure(expectShape(op, "the result", r, &want, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t OH = want.shape[hAxis], OW = want.shape[wAxis];
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          int64_t h0 = oh * p->strides[0] - p->padding[0];
          int64_t w0 = ow * p->strides[1] - p->padding[1];
          cimI128 sum = 0;
          int64_t best = INT64_MIN, count = 0;
          for (int64_t i = 0; i < p->window[0]; ++i) {
            int64_t h = h0 + i;
            if (h < 0 || h >= H)
              continue;
            for (int64_t j = 0; j < p->window[1]; ++j) {
              int64_t w = w0 + j;
              if (w < 0 || w >= W)
                continue;
              int64_t v = p->isNhwc ? x->data[((b * H + h) * W + w) * C + c]
                                    : x->data[((b * C + c) * H + h) * W + w];
              sum += v;
              best = v > best ? v : best;
              ++count;
            }
          }
          if (count == 0)
            return cimSimFail(cb, ud, "%s: a window lies entirely in the "
                              "padding", op);
          int64_t v = p->isAvg ? (int64_t)cimSimRneDiv128(sum, count) : best;
          if (p->isNhwc)
            r->data[((b * OH + oh) * OW + ow) * C + c] = v;
          else
            r->data[((b * C + c) * OH + oh) * OW + ow] = v;
        }
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * softmax
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimSoftmax(const CimSimTensor *x,
                                const CimSimSoftmaxParams *p, CimSimTensor *r,
                                MlirStringCallback cb, void *ud) {
  const char *op = "softmax";
  if (mlirLogicalResultIsFailure(expectShape(op, "the result", r, x, cb, ud)))
    return mlirLogicalResultFailure();
  if (p->axis < 0 || p->axis >= x->rank)
    return cimSimFail(cb, ud, "%s: axis %lld is not a dimension of the "
                      "rank-%d operand", op, (long long)p->axis, x->rank);
  if (p->expTableLength < 1 || p->expTable[0] <= 0)
    return cimSimFail(cb, ud, "%s: exp_table[0] must be positive", op);
  for (int64_t i = 0; i < p->expTableLength; ++i)
    if (p->expTable[i] < 0)
      return cimSimFail(cb, ud, "%s: exp_table[%lld] is negative", op,
                        (long long)i);
  if (p->qmin > p->qmax)
    return cimSimFail(cb, ud, "%s: qmin is above qmax", op);
  int64_t outer, n, inner;
  splitAxis(x, p->axis, &outer, &n, &inner);
  int64_t last = p->expTableLength - 1;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      const int64_t *row = x->data + o * n * inner + in;
      int64_t *out = r->data + o * n * inner + in;
      int64_t mx = INT64_MIN;
      for (int64_t i = 0; i < n; ++i)
        mx = row[i * inner] > mx ? row[i * inner] : mx;
      /* n <= 2^40 entries of < 2^63 each: the sum fits 128 bits. */
      cimI128 sum = 0;
      for (int64_t i = 0; i < n; ++i) {
        cimI128 d = (cimI128)mx - row[i * inner];
        sum += p->expTable[d > last ? last : (int64_t)d];
      }
      for (int64_t i = 0; i < n; ++i) {
        cimI128 d = (cimI128)mx - row[i * inner], prod;
        cimI128 e = p->expTable[d > last ? last : (int64_t)d];
        if (__builtin_mul_overflow(e, (cimI128)p->one, &prod))
          return cimSimFail(cb, ud, "%s: e * one exceeds 128 bits", op);
        cimI128 q = cimSimRneDiv128(prod, sum);
        if (q > ((cimI128)1 << 100))
          q = (cimI128)1 << 100;
        if (q < -((cimI128)1 << 100))
          q = -((cimI128)1 << 100);
        out[i * inner] =
            (int64_t)cimSimClamp128(q + p->outZeroPoint, p->qmin, p->qmax);
      }
    }
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * layer_norm
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimLayerNorm(const CimSimTensor *x,
                                  const CimSimLayerNormParams *p,
                                  CimSimTensor *r, MlirStringCallback cb,
                                  void *ud) {
  const char *op = "layer_norm";
  if (mlirLogicalResultIsFailure(expectShape(op, "the result", r, x, cb, ud)))
    return mlirLogicalResultFailure();
  if (p->axis < 0 || p->axis >= x->rank)
    return cimSimFail(cb, ud, "%s: axis %lld is not a dimension of the "
                      "rank-%d operand", op, (long long)p->axis, x->rank);
  if (p->fracBits < 0 || p->fracBits > 62 || p->shift < 0 || p->shift > 62)
    return cimSimFail(cb, ud, "%s: frac_bits and shift must lie in [0, 62]",
                      op);
  if (p->eps < 0 || p->multiplier < 0)
    return cimSimFail(cb, ud, "%s: eps and multiplier must not be negative",
                      op);
  if (p->qmin > p->qmax)
    return cimSimFail(cb, ud, "%s: qmin is above qmax", op);
  int64_t outer, n, inner;
  splitAxis(x, p->axis, &outer, &n, &inner);
  const char *tooBig = "%s: an intermediate exceeds 128 bits (values too "
                       "large for an exact layer norm)";
  int f2 = (int)(2 * p->fracBits);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      const int64_t *row = x->data + o * n * inner + in;
      int64_t *out = r->data + o * n * inner + in;
      cimI128 s = 0;
      for (int64_t i = 0; i < n; ++i)
        s += row[i * inner];
      /* c_i = n * x_i - s; v = sum c_i^2. */
      cimI128 v = 0;
      for (int64_t i = 0; i < n; ++i) {
        cimI128 c, c2;
        if (__builtin_mul_overflow((cimI128)n, (cimI128)row[i * inner], &c) ||
            __builtin_sub_overflow(c, s, &c) ||
            __builtin_mul_overflow(c, c, &c2) ||
            __builtin_add_overflow(v, c2, &v))
          return cimSimFail(cb, ud, tooBig, op);
      }
      /* D = isqrt(floor(v * 2^(2f) / n^3) + eps). */
      cimI128 n3, scaled, radicand;
      if (__builtin_mul_overflow((cimI128)n, (cimI128)n, &n3) ||
          __builtin_mul_overflow(n3, (cimI128)n, &n3) || f2 > 125 ||
          __builtin_mul_overflow(v, (cimI128)1 << f2, &scaled))
        return cimSimFail(cb, ud, tooBig, op);
      if (__builtin_add_overflow(scaled / n3, (cimI128)p->eps, &radicand))
        return cimSimFail(cb, ud, tooBig, op);
      cimI128 D = (cimI128)cimSimIsqrt128((cimU128)radicand);
      cimI128 nD;
      if (__builtin_mul_overflow((cimI128)n, D, &nD))
        return cimSimFail(cb, ud, tooBig, op);
      for (int64_t i = 0; i < n; ++i) {
        cimI128 c, z = 0, t;
        c = (cimI128)n * row[i * inner] - s; /* checked above */
        if (D != 0) {
          if (__builtin_mul_overflow(c, (cimI128)1 << f2, &t))
            return cimSimFail(cb, ud, tooBig, op);
          z = cimSimRneDiv128(t, nD);
        }
        /* r = clamp(rne((z * gamma + beta) * multiplier / 2^shift) + zp). */
        if (__builtin_mul_overflow(z, (cimI128)p->gamma[i], &t) ||
            __builtin_add_overflow(t, (cimI128)p->beta[i], &t) ||
            __builtin_mul_overflow(t, (cimI128)p->multiplier, &t))
          return cimSimFail(cb, ud, tooBig, op);
        cimI128 q = cimSimRneShift128(t, (int)p->shift);
        if (q > ((cimI128)1 << 100))
          q = (cimI128)1 << 100;
        if (q < -((cimI128)1 << 100))
          q = -((cimI128)1 << 100);
        out[i * inner] =
            (int64_t)cimSimClamp128(q + p->outZeroPoint, p->qmin, p->qmax);
      }
    }
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * Data movement
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimReshape(const CimSimTensor *x, CimSimTensor *r,
                                MlirStringCallback cb, void *ud) {
  int64_t n = cimSimNumElements(x);
  if (cimSimNumElements(r) != n)
    return cimSimFail(cb, ud, "reshape: %lld elements into %lld",
                      (long long)n, (long long)cimSimNumElements(r));
  if (r->data != x->data)
    memmove(r->data, x->data, (size_t)n * sizeof(int64_t));
  return mlirLogicalResultSuccess();
}

/// Row-major strides of `t`.
static void stridesOf(const CimSimTensor *t, int64_t *st) {
  int64_t s = 1;
  for (int i = t->rank - 1; i >= 0; --i) {
    st[i] = s;
    s *= t->shape[i];
  }
}

MlirLogicalResult cimSimTranspose(const CimSimTensor *x, const int64_t *perm,
                                  CimSimTensor *r, MlirStringCallback cb,
                                  void *ud) {
  const char *op = "transpose";
  if (r->rank != x->rank)
    return cimSimFail(cb, ud, "%s: result rank %d differs from operand rank %d",
                      op, r->rank, x->rank);
  bool seen[CIM_SIM_MAX_RANK] = {false};
  for (int i = 0; i < x->rank; ++i) {
    if (perm[i] < 0 || perm[i] >= x->rank || seen[perm[i]])
      return cimSimFail(cb, ud, "%s: not a permutation of %d dimensions", op,
                        x->rank);
    seen[perm[i]] = true;
    if (r->shape[i] != x->shape[perm[i]])
      return cimSimFail(cb, ud, "%s: result dimension %d is %lld, expected "
                        "%lld", op, i, (long long)r->shape[i],
                        (long long)x->shape[perm[i]]);
  }
  int64_t xs[CIM_SIM_MAX_RANK], idx[CIM_SIM_MAX_RANK] = {0};
  stridesOf(x, xs);
  int64_t n = cimSimNumElements(r);
  /* Walk the result in row-major order; src offset follows the permuted
   * strides. */
  int64_t src = 0;
  for (int64_t e = 0; e < n; ++e) {
    r->data[e] = x->data[src];
    for (int d = r->rank - 1; d >= 0; --d) {
      src += xs[perm[d]];
      if (++idx[d] < r->shape[d])
        break;
      src -= xs[perm[d]] * r->shape[d];
      idx[d] = 0;
    }
  }
  return mlirLogicalResultSuccess();
}

/// Copies the block of shape `blk` between `big` (at `offsets`) and a dense
/// block buffer; `toBlock` selects the direction.
static void copyBlock(int64_t *big, const CimSimTensor *bigT, int64_t *block,
                      const CimSimTensor *blk, const int64_t *offsets,
                      bool toBlock) {
  int64_t bs[CIM_SIM_MAX_RANK], idx[CIM_SIM_MAX_RANK] = {0};
  stridesOf(bigT, bs);
  int64_t n = cimSimNumElements(blk);
  if (n == 0)
    return;
  int64_t base = 0;
  for (int d = 0; d < bigT->rank; ++d)
    base += offsets[d] * bs[d];
  int rank = blk->rank;
  int64_t inner = rank ? blk->shape[rank - 1] : 1;
  for (int64_t e = 0; e < n; e += inner) {
    int64_t off = base;
    for (int d = 0; d < rank - 1; ++d)
      off += idx[d] * bs[d];
    if (toBlock)
      memmove(block + e, big + off, (size_t)inner * sizeof(int64_t));
    else
      memmove(big + off, block + e, (size_t)inner * sizeof(int64_t));
    for (int d = rank - 2; d >= 0; --d) {
      if (++idx[d] < blk->shape[d])
        break;
      idx[d] = 0;
    }
  }
}

static MlirLogicalResult checkBlock(const char *op, const CimSimTensor *big,
                                    const CimSimTensor *blk,
                                    const int64_t *offsets,
                                    MlirStringCallback cb, void *ud) {
  if (blk->rank != big->rank)
    return cimSimFail(cb, ud, "%s: rank %d block in a rank-%d tensor", op,
                      blk->rank, big->rank);
  for (int d = 0; d < big->rank; ++d)
    if (offsets[d] < 0 || offsets[d] > big->shape[d] ||
        blk->shape[d] > big->shape[d] - offsets[d])
      return cimSimFail(cb, ud, "%s: block of %lld at offset %lld exceeds "
                        "dimension %d of size %lld", op,
                        (long long)blk->shape[d], (long long)offsets[d], d,
                        (long long)big->shape[d]);
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimSlice(const CimSimTensor *x, const int64_t *offsets,
                              CimSimTensor *r, MlirStringCallback cb,
                              void *ud) {
  if (mlirLogicalResultIsFailure(checkBlock("slice", x, r, offsets, cb, ud)))
    return mlirLogicalResultFailure();
  copyBlock(x->data, x, r->data, r, offsets, true);
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimInsert(const CimSimTensor *dest, const CimSimTensor *x,
                               const int64_t *offsets, CimSimTensor *r,
                               MlirStringCallback cb, void *ud) {
  if (mlirLogicalResultIsFailure(
          expectShape("insert", "the result", r, dest, cb, ud)) ||
      mlirLogicalResultIsFailure(checkBlock("insert", dest, x, offsets, cb, ud)))
    return mlirLogicalResultFailure();
  if (r->data != dest->data)
    memmove(r->data, dest->data,
            (size_t)cimSimNumElements(dest) * sizeof(int64_t));
  copyBlock(r->data, r, x->data, x, offsets, false);
  return mlirLogicalResultSuccess();
}
