/*===-- crossbar.c - Exact integer semantics of the crossbar instructions --===*
 *
 * weight_tile, bitplane, mvm, adc, shift_add and im2col, exactly as
 * docs/dialects/xbar.md defines them. Cell levels and digits are checked to
 * lie in [0, 255] (8-bit cells and DACs at most), so a column sum over at
 * most 2^31 rows stays far inside 64 bits.
 *===----------------------------------------------------------------------===*/

#include <string.h>

#include "KernelsInternal.h"
#include "support/Checked.h"

#define SHAPE_BUF 96

static int64_t lastDim(const CimSimTensor *t) {
  return t->rank ? t->shape[t->rank - 1] : 1;
}

static int64_t leadingElements(const CimSimTensor *t) {
  int64_t n = 1;
  for (int i = 0; i + 1 < t->rank; ++i)
    n *= t->shape[i];
  return n;
}

/*===----------------------------------------------------------------------===*
 * weight_tile
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimWeightTile(const CimSimTensor *w,
                                   const CimSimWeightTileParams *p,
                                   CimSimTensor *r, MlirStringCallback cb,
                                   void *ud) {
  const char *op = "weight_tile";
  if (w->rank != 2 || r->rank != 2)
    return cimSimFail(cb, ud, "%s: weights and tile must have rank 2", op);
  if (p->wBits < 1 || p->wBits > 8 || p->cellBits < 1 || p->cellBits > 8)
    return cimSimFail(cb, ud, "%s: w_bits and cell_bits must lie in [1, 8]",
                      op);
  int64_t K = w->shape[0], N = w->shape[1];
  int64_t S = (p->wBits + p->cellBits - 1) / p->cellBits;
  int64_t kSize, units;
  switch (p->mapping) {
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN:
    if (r->shape[1] % 2)
      return cimSimFail(cb, ud, "%s: a differential-column tile has an even "
                        "number of columns, not %lld", op,
                        (long long)r->shape[1]);
    kSize = r->shape[0];
    units = r->shape[1] / 2;
    break;
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW:
    if (r->shape[0] % 2)
      return cimSimFail(cb, ud, "%s: a differential-row tile has an even "
                        "number of rows, not %lld", op, (long long)r->shape[0]);
    kSize = r->shape[0] / 2;
    units = r->shape[1];
    break;
  case CIM_WEIGHT_MAPPING_OFFSET:
    kSize = r->shape[0];
    units = r->shape[1] - 1;
    break;
  default:
    return cimSimFail(cb, ud, "%s: unknown weight mapping %d", op,
                      (int)p->mapping);
  }
  if (p->kOffset < 0 || p->kOffset > K || kSize > K - p->kOffset)
    return cimSimFail(cb, ud, "%s: rows [%lld, +%lld) exceed the %lld inputs",
                      op, (long long)p->kOffset, (long long)kSize,
                      (long long)K);
  if (p->unitOffset < 0 || p->unitOffset > N * S ||
      units > N * S - p->unitOffset)
    return cimSimFail(cb, ud, "%s: units [%lld, +%lld) exceed the %lld units "
                      "(%lld outputs x %lld slices)", op,
                      (long long)p->unitOffset, (long long)units,
                      (long long)(N * S), (long long)N, (long long)S);
  /* Storage is signless: an unsigned weight is its element read modulo
     2^w_bits (docs/dialects/xbar.md), so a w-bit element that holds the bit
     pattern of 2^(w-1) .. 2^w - 1 arrives sign-extended as a negative value
     and is accepted as such. */
  int64_t lo = -(INT64_C(1) << (p->wBits - 1));
  int64_t hi = p->wSigned ? (INT64_C(1) << (p->wBits - 1)) - 1
                          : (INT64_C(1) << p->wBits) - 1;
  int64_t wMask = (INT64_C(1) << p->wBits) - 1;
  int64_t mask = (INT64_C(1) << p->cellBits) - 1;
  int64_t cols = r->shape[1];
  for (int64_t i = 0; i < kSize; ++i) {
    for (int64_t j = 0; j < units; ++j) {
      int64_t u = p->unitOffset + j, n = u / S, s = u % S;
      int64_t v = w->data[(p->kOffset + i) * N + n];
      bool outside = v < lo || v > hi;
      if (!p->wSigned)
        v &= wMask;
      if (outside)
        return cimSimFail(cb, ud, "%s: weight %lld at [%lld, %lld] is outside "
                          "the %s %lld-bit range [%lld, %lld]", op,
                          (long long)v, (long long)(p->kOffset + i),
                          (long long)n, p->wSigned ? "signed" : "unsigned",
                          (long long)p->wBits, (long long)lo, (long long)hi);
      int sh = (int)(s * p->cellBits);
      int64_t pos = ((v > 0 ? v : 0) >> sh) & mask;
      int64_t neg = ((v < 0 ? -v : 0) >> sh) & mask;
      switch (p->mapping) {
      case CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN:
        r->data[i * cols + 2 * j] = pos;
        r->data[i * cols + 2 * j + 1] = neg;
        break;
      case CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW:
        r->data[(2 * i) * cols + j] = pos;
        r->data[(2 * i + 1) * cols + j] = neg;
        break;
      default: {
        int64_t biased = p->wSigned ? v + (INT64_C(1) << (p->wBits - 1)) : v;
        r->data[i * cols + j] = (biased >> sh) & mask;
        break;
      }
      }
    }
    if (p->mapping == CIM_WEIGHT_MAPPING_OFFSET)
      r->data[i * cols + units] = 1;
  }
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * bitplane
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimBitplane(const CimSimTensor *x,
                                 const CimSimBitplaneParams *p,
                                 CimSimTensor *r, MlirStringCallback cb,
                                 void *ud) {
  const char *op = "bitplane";
  if (!cimSimSameShape(x, r))
    return cimSimFail(cb, ud, "%s: the result must have the operand's shape",
                      op);
  if (p->aBits < 1 || p->aBits > 8 || p->bits < 1 || p->bits > 8 ||
      p->bitOffset < 0 || p->bitOffset > 63)
    return cimSimFail(cb, ud, "%s: a_bits and bits must lie in [1, 8] and "
                      "bit_offset in [0, 63]", op);
  bool isUnsigned = p->encoding == CIM_INPUT_ENCODING_UNSIGNED;
  /* Unsigned activations are their element read modulo 2^a_bits, like
     unsigned weights: an a-bit element holding 2^(a-1) .. 2^a - 1 arrives
     sign-extended. */
  int64_t lo = -(INT64_C(1) << (p->aBits - 1));
  int64_t hi = isUnsigned ? (INT64_C(1) << p->aBits) - 1
                          : (INT64_C(1) << (p->aBits - 1)) - 1;
  int64_t aMask = (INT64_C(1) << p->aBits) - 1;
  int64_t dMask = (INT64_C(1) << p->bits) - 1;
  int64_t n = cimSimNumElements(x);
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = x->data[i], u;
    if (v < lo || v > hi)
      return cimSimFail(cb, ud, "%s: activation %lld is outside the %lld-bit "
                        "range [%lld, %lld] of encoding '%s'", op, (long long)v,
                        (long long)p->aBits, (long long)lo, (long long)hi,
                        cimInputEncodingGetName(p->encoding));
    switch (p->encoding) {
    case CIM_INPUT_ENCODING_UNSIGNED:
      u = v & aMask;
      break;
    case CIM_INPUT_ENCODING_TWOS_COMPLEMENT:
      u = v & aMask;
      break;
    default:
      u = v + (INT64_C(1) << (p->aBits - 1));
      break;
    }
    r->data[i] = (u >> p->bitOffset) & dMask;
  }
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * mvm
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimCheckMvm(int64_t R, int64_t M, int64_t Kd,
                                 const CimSimMvmParams *p,
                                 MlirStringCallback cb, void *ud) {
  const char *op = "mvm";
  if (p->rows < 1 || p->rowOffset < 0 || p->rowOffset > R ||
      p->rows > R - p->rowOffset)
    return cimSimFail(cb, ud, "%s: rows [%lld, +%lld) exceed the tile's %lld "
                      "rows", op, (long long)p->rowOffset, (long long)p->rows,
                      (long long)R);
  int64_t last = p->rowOffset + p->rows - 1;
  int64_t need = p->kOffset + (p->differentialRows ? last / 2 : last) + 1;
  if (p->kOffset < 0 || p->kOffset > Kd || need > Kd)
    return cimSimFail(cb, ud, "%s: the tile rows read digits up to column "
                      "%lld but the digits have %lld", op,
                      (long long)(need - 1), (long long)Kd);
  (void)M;
  return mlirLogicalResultSuccess();
}

void cimSimMvmCore(const int64_t *cells, int64_t ldc, int64_t C,
                   const int64_t *digits, int64_t M, int64_t Kd,
                   const CimSimMvmParams *p, int64_t *out) {
  memset(out, 0, (size_t)(M * C) * sizeof(int64_t));
  for (int64_t m = 0; m < M; ++m) {
    const int64_t *d = digits + m * Kd;
    int64_t *o = out + m * C;
    for (int64_t r = p->rowOffset; r < p->rowOffset + p->rows; ++r) {
      int64_t drive = p->differentialRows
                          ? ((r & 1) ? -d[p->kOffset + r / 2]
                                     : d[p->kOffset + r / 2])
                          : d[p->kOffset + r];
      if (drive == 0)
        continue;
      const int64_t *row = cells + r * ldc;
      if (drive == 1) {
        for (int64_t c = 0; c < C; ++c)
          o[c] += row[c];
      } else if (drive == -1) {
        for (int64_t c = 0; c < C; ++c)
          o[c] -= row[c];
      } else {
        for (int64_t c = 0; c < C; ++c)
          o[c] += drive * row[c];
      }
    }
  }
}

MlirLogicalResult cimSimCheckLevels(const char *op, const char *what,
                                    const int64_t *v, int64_t n, int64_t max,
                                    MlirStringCallback cb, void *ud) {
  for (int64_t i = 0; i < n; ++i)
    if (v[i] < 0 || v[i] > max)
      return cimSimFail(cb, ud, "%s: %s %lld (element %lld) is outside [0, "
                        "%lld]", op, what, (long long)v[i], (long long)i,
                        (long long)max);
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimMvm(const CimSimTensor *cells,
                            const CimSimTensor *digits,
                            const CimSimMvmParams *p, CimSimTensor *r,
                            MlirStringCallback cb, void *ud) {
  const char *op = "mvm";
  if (cells->rank != 2 || digits->rank != 2 || r->rank != 2)
    return cimSimFail(cb, ud, "%s: cells, digits and sums must have rank 2",
                      op);
  int64_t R = cells->shape[0], C = cells->shape[1], M = digits->shape[0],
          Kd = digits->shape[1];
  if (r->shape[0] != M || r->shape[1] != C)
    return cimSimFail(cb, ud, "%s: sums must be %lldx%lld", op, (long long)M,
                      (long long)C);
  if (mlirLogicalResultIsFailure(cimSimCheckMvm(R, M, Kd, p, cb, ud)) ||
      mlirLogicalResultIsFailure(cimSimCheckLevels(
          op, "cell level", cells->data, R * C, 255, cb, ud)) ||
      mlirLogicalResultIsFailure(cimSimCheckLevels(
          op, "digit", digits->data, M * Kd, 255, cb, ud)))
    return mlirLogicalResultFailure();
  cimSimMvmCore(cells->data, C, C, digits->data, M, Kd, p, r->data);
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * adc
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimAdc(const CimSimTensor *v, int64_t bits, int64_t shift,
                            bool isSigned, CimSimTensor *r,
                            MlirStringCallback cb, void *ud) {
  const char *op = "adc";
  if (!cimSimSameShape(v, r))
    return cimSimFail(cb, ud, "%s: the result must have the operand's shape",
                      op);
  if (bits < 0 || bits > 62 || shift < 0 || shift > 62)
    return cimSimFail(cb, ud, "%s: bits and shift must lie in [0, 62]", op);
  int64_t n = cimSimNumElements(v);
  if (bits == 0) {
    if (r->data != v->data)
      memmove(r->data, v->data, (size_t)n * sizeof(int64_t));
    return mlirLogicalResultSuccess();
  }
  int64_t lo = isSigned ? -(INT64_C(1) << (bits - 1)) : 0;
  int64_t hi = isSigned ? (INT64_C(1) << (bits - 1)) - 1
                        : (INT64_C(1) << bits) - 1;
  for (int64_t i = 0; i < n; ++i) {
    cimI128 q = cimSimClamp128(cimSimRneShift128(v->data[i], (int)shift), lo,
                               hi);
    cimI128 out = q * ((cimI128)1 << shift);
    if (!cimSimFits64(out))
      return cimSimFail(cb, ud, "%s: read-out %lld * 2^%lld exceeds 64 bits",
                        op, (long long)q, (long long)shift);
    r->data[i] = (int64_t)out;
  }
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * shift_add
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimCheckShiftAdd(const CimSimTensor *acc,
                                      const CimSimTensor *part,
                                      const CimSimShiftAddParams *p,
                                      MlirStringCallback cb, void *ud) {
  const char *op = "shift_add";
  if (acc->rank < 1 || part->rank < 1)
    return cimSimFail(cb, ud, "%s: operands must have rank 1 or more", op);
  int64_t Ma = leadingElements(acc), Na = lastDim(acc);
  int64_t Mp = leadingElements(part), Np = lastDim(part);
  if (Mp != Ma && Mp != 1)
    return cimSimFail(cb, ud, "%s: the part has %lld rows, the accumulator "
                      "%lld (a part of one row is broadcast)", op,
                      (long long)Mp, (long long)Ma);
  if (p->count < 0 || p->dstOffset < 0 || p->srcOffset < 0 ||
      p->srcStride < 0 || p->shift < 0 || p->shift > 62)
    return cimSimFail(cb, ud, "%s: count, offsets and stride must not be "
                      "negative and shift must lie in [0, 62]", op);
  if (p->dstOffset > Na || p->count > Na - p->dstOffset)
    return cimSimFail(cb, ud, "%s: columns [%lld, +%lld) exceed the "
                      "accumulator's %lld", op, (long long)p->dstOffset,
                      (long long)p->count, (long long)Na);
  if (p->count > 0) {
    cimI128 lastSrc = (cimI128)p->srcOffset + (cimI128)(p->count - 1) *
                                                  p->srcStride;
    if (lastSrc >= Np)
      return cimSimFail(cb, ud, "%s: reads part column %lld of %lld", op,
                        (long long)(lastSrc > INT64_MAX ? INT64_MAX
                                                        : (int64_t)lastSrc),
                        (long long)Np);
  }
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimShiftAddCore(int64_t *out, int64_t Ma, int64_t Na,
                                     const int64_t *part, int64_t Mp,
                                     int64_t Np, const CimSimShiftAddParams *p,
                                     MlirStringCallback cb, void *ud) {
  for (int64_t m = 0; m < Ma; ++m) {
    const int64_t *src = part + (Mp == 1 ? 0 : m) * Np + p->srcOffset;
    int64_t *dst = out + m * Na + p->dstOffset;
    for (int64_t i = 0; i < p->count; ++i) {
      cimI128 t = (cimI128)src[i * p->srcStride] * ((cimI128)1 << p->shift);
      t = p->negate ? dst[i] - t : dst[i] + t;
      if (!cimSimFits64(t))
        return cimSimFail(cb, ud, "shift_add: the sum exceeds 64 bits");
      dst[i] = (int64_t)t;
    }
  }
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimSimShiftAdd(const CimSimTensor *acc,
                                 const CimSimTensor *part,
                                 const CimSimShiftAddParams *p,
                                 CimSimTensor *r, MlirStringCallback cb,
                                 void *ud) {
  if (!cimSimSameShape(acc, r))
    return cimSimFail(cb, ud,
                      "shift_add: the result must have the accumulator's shape");
  if (mlirLogicalResultIsFailure(cimSimCheckShiftAdd(acc, part, p, cb, ud)))
    return mlirLogicalResultFailure();
  if (r->data != acc->data)
    memmove(r->data, acc->data,
            (size_t)cimSimNumElements(acc) * sizeof(int64_t));
  return cimSimShiftAddCore(r->data, leadingElements(acc), lastDim(acc),
                            part->data, leadingElements(part), lastDim(part),
                            p, cb, ud);
}

/*===----------------------------------------------------------------------===*
 * im2col
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimSimIm2col(const CimSimTensor *x,
                               const CimSimIm2colParams *p, CimSimTensor *r,
                               MlirStringCallback cb, void *ud) {
  const char *op = "im2col";
  if (x->rank != 4 || r->rank != 2)
    return cimSimFail(cb, ud, "%s: the input must have rank 4 and the patches "
                      "rank 2", op);
  for (int i = 0; i < 2; ++i)
    if (p->kernel[i] < 1 || p->strides[i] < 1 || p->dilations[i] < 1 ||
        p->padding[i] < 0 || p->padding[i + 2] < 0)
      return cimSimFail(cb, ud, "%s: kernel, strides and dilations must be "
                        "positive and padding not negative", op);
  int64_t B = x->shape[0];
  int64_t C = p->isNhwc ? x->shape[3] : x->shape[1];
  int64_t H = p->isNhwc ? x->shape[1] : x->shape[2];
  int64_t W = p->isNhwc ? x->shape[2] : x->shape[3];
  if (p->channels < 1 || p->channelOffset < 0 || p->channelOffset > C ||
      p->channels > C - p->channelOffset)
    return cimSimFail(cb, ud, "%s: channels [%lld, +%lld) exceed the input's "
                      "%lld", op, (long long)p->channelOffset,
                      (long long)p->channels, (long long)C);
  int64_t KH = p->kernel[0], KW = p->kernel[1];
  int64_t OH, OW;
  if (!cimWindowOutputSize(H, p->padding[0], p->padding[2], KH,
                           p->dilations[0], p->strides[0], &OH) ||
      !cimWindowOutputSize(W, p->padding[1], p->padding[3], KW,
                           p->dilations[1], p->strides[1], &OW))
    return cimSimFail(cb, ud, "%s: the kernel is larger than the padded input "
                      "(or a window parameter is out of range)", op);
  int64_t cols = p->channels * KH * KW;
  if (r->shape[0] != B * OH * OW || r->shape[1] != cols)
    return cimSimFail(cb, ud, "%s: patches must be %lldx%lld, not %lldx%lld",
                      op, (long long)(B * OH * OW), (long long)cols,
                      (long long)r->shape[0], (long long)r->shape[1]);
  int64_t *out = r->data;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        for (int64_t c = 0; c < p->channels; ++c)
          for (int64_t i = 0; i < KH; ++i)
            for (int64_t j = 0; j < KW; ++j) {
              int64_t h = oh * p->strides[0] + i * p->dilations[0] - p->padding[0];
              int64_t w = ow * p->strides[1] + j * p->dilations[1] - p->padding[1];
              int64_t ch = p->channelOffset + c;
              int64_t v = p->padValue;
              if (h >= 0 && h < H && w >= 0 && w < W)
                v = p->isNhwc ? x->data[((b * H + h) * W + w) * C + ch]
                              : x->data[((b * C + ch) * H + h) * W + w];
              /* Column order (c, i, j) for nchw, (i, j, c) for nhwc. */
              int64_t col = p->isNhwc ? (i * KW + j) * p->channels + c
                                      : (c * KH + i) * KW + j;
              out[col] = v;
            }
        out += cols;
      }
  return mlirLogicalResultSuccess();
}
