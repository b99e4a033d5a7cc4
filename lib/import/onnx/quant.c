/*===-- quant.c - ONNX importer: quantization parameters -------------------===*
 *
 * Scales and zero points (QParams), the quant types they become, narrow
 * storage ranges, dequantized constants, and the float / dequantized view
 * of a value (cimOnnxUseFloat, cimOnnxUseDequantized); asymmetric weights
 * re-centred (docs/onnx.md, "Asymmetric weights").
 *===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Importer.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Quant.h"
#include "mlir-c/IR.h"

/*===----------------------------------------------------------------------===*
 * Quantization
 *===----------------------------------------------------------------------===*/

bool cimOnnxStorageRange(int32_t dt, int64_t *lo, int64_t *hi) {
  if (dt == DT_UINT8) {
    *lo = 0;
    *hi = 255;
    return true;
  }
  if (dt == DT_INT8) {
    *lo = -128;
    *hi = 127;
    return true;
  }
  return false;
}

/// Reads a scale and an optional zero point (both constants) into `q`.
/// `storage` is the element type the zero point implies when it is absent.
bool cimOnnxReadQParams(const Onnx__NodeProto *n, MlirLocation loc,
                        const Value *scale, const Value *zp, int32_t storage,
                        int axis, int rankOfData, const int64_t *dataDims,
                        QParams *q) {
  memset(q, 0, sizeof *q);
  if (!scale || !scale->c)
    return cimOnnxFail(loc,
                       "node '%s' (%s): the scale must be a constant "
                       "(initializer or Constant node)",
                       cimOnnxNodeName(n), n->op_type);
  if (zp && !zp->c)
    return cimOnnxFail(loc,
                       "node '%s' (%s): the zero point must be a constant "
                       "(initializer or Constant node)",
                       cimOnnxNodeName(n), n->op_type);
  int32_t dt = zp ? zp->c->dtype : storage;
  int64_t lo = 0, hi = 0;
  if (!cimOnnxStorageRange(dt, &lo, &hi))
    return cimOnnxFail(loc,
                       "node '%s' (%s): quantized type %s is not supported "
                       "(uint8 and int8 are)",
                       cimOnnxNodeName(n), n->op_type, cimOnnxDtypeName(dt));
  int64_t ns = scale->c->n;
  if (zp && zp->c->n != ns)
    return cimOnnxFail(loc, "node '%s' (%s): %lld scales but %lld zero points",
                       cimOnnxNodeName(n), n->op_type, (long long)ns,
                       (long long)zp->c->n);
  if (ns < 1)
    return cimOnnxFail(loc, "node '%s' (%s): empty scale", cimOnnxNodeName(n),
                       n->op_type);
  if (ns > 1) {
    if (axis < 0)
      axis += rankOfData;
    if (axis < 0 || axis >= rankOfData)
      return cimOnnxFail(loc, "node '%s' (%s): axis out of range for rank %d",
                         cimOnnxNodeName(n), n->op_type, rankOfData);
    if (dataDims[axis] != ns)
      return cimOnnxFail(loc,
                         "node '%s' (%s): %lld scales for axis %d of size %lld",
                         cimOnnxNodeName(n), n->op_type, (long long)ns, axis,
                         (long long)dataDims[axis]);
  }
  q->dtype = dt;
  q->n = ns;
  q->axis = ns > 1 ? axis : 0;
  q->scales = malloc((size_t)ns * sizeof(double));
  q->zps = malloc((size_t)ns * sizeof(int64_t));
  if (!q->scales || !q->zps) {
    cimOnnxQFree(q);
    return cimOnnxFail(loc, "out of memory");
  }
  for (int64_t i = 0; i < ns; ++i) {
    double s = scale->c->v[i];
    if (!(s > 0) || !isfinite(s)) {
      cimOnnxQFree(q);
      return cimOnnxFail(loc,
                         "node '%s' (%s): scale %g is not positive and finite",
                         cimOnnxNodeName(n), n->op_type, s);
    }
    q->scales[i] = s;
    q->zps[i] = zp ? (int64_t)zp->c->v[i] : 0;
  }
  return true;
}

QParams cimOnnxQUnit(int32_t dtype, int64_t zp) {
  QParams q = {.dtype = dtype,
               .n = 1,
               .scales = malloc(sizeof(double)),
               .zps = malloc(sizeof(int64_t))};
  if (q.scales && q.zps) {
    q.scales[0] = 1.0;
    q.zps[0] = zp;
  }
  return q;
}

bool cimOnnxQCopy(QParams *dst, const QParams *src) {
  *dst = *src;
  dst->scales = malloc((size_t)src->n * sizeof(double));
  dst->zps = malloc((size_t)src->n * sizeof(int64_t));
  if (!dst->scales || !dst->zps) {
    cimOnnxQFree(dst);
    return false;
  }
  memcpy(dst->scales, src->scales, (size_t)src->n * sizeof(double));
  memcpy(dst->zps, src->zps, (size_t)src->n * sizeof(int64_t));
  return true;
}

bool cimOnnxQEqual(const QParams *a, const QParams *b) {
  if (a->dtype != b->dtype || a->n != b->n || (a->n > 1 && a->axis != b->axis))
    return false;
  for (int64_t i = 0; i < a->n; ++i)
    if (a->scales[i] != b->scales[i] || a->zps[i] != b->zps[i])
      return false;
  return true;
}

void cimOnnxNarrowStorage(int64_t lo, int64_t hi, unsigned *bits,
                          bool *isSigned) {
  *isSigned = lo < 0;
  unsigned b = 1;
  if (*isSigned)
    while (b < 63 && !(lo >= -((int64_t)1 << (b - 1)) &&
                       hi <= ((int64_t)1 << (b - 1)) - 1))
      ++b;
  else
    while (b < 63 && hi > ((int64_t)1 << b) - 1)
      ++b;
  *bits = b;
}

/// The quant element type of `q`: the storage is the narrowest integer that
/// holds the value range (the ONNX type's, or the narrower one a Clip
/// declared) and the zero points, so that `u8` clipped to [0, 7] is stored
/// as `u3` and `int8` clipped to [-3, 3] as `i3<-3:3>`: the compiler takes a
/// layer's bits from the storage width (docs/onnx.md, "Narrow storage").
MlirType cimOnnxQuantElemType(Importer *I, const QParams *q) {
  int64_t lo = 0, hi = 0;
  cimOnnxStorageRange(q->dtype, &lo, &hi);
  if (q->hasRange) {
    lo = q->lo;
    hi = q->hi;
  }
  int64_t slo = lo, shi = hi;
  for (int64_t i = 0; i < q->n; ++i) {
    slo = q->zps[i] < slo ? q->zps[i] : slo;
    shi = q->zps[i] > shi ? q->zps[i] : shi;
  }
  unsigned bits;
  bool isSigned;
  cimOnnxNarrowStorage(slo, shi, &bits, &isSigned);
  unsigned flags = isSigned ? mlirQuantizedTypeGetSignedFlag() : 0;
  MlirType storage = mlirIntegerTypeGet(I->ctx, bits);
  if (q->n == 1)
    return mlirUniformQuantizedTypeGet(flags, storage, cimOnnxF32(I),
                                       q->scales[0], q->zps[0], lo, hi);
  return mlirUniformQuantizedPerAxisTypeGet(flags, storage, cimOnnxF32(I), q->n,
                                            q->scales, q->zps, q->axis, lo, hi);
}

bool cimOnnxCheckZeroPoints(const Onnx__NodeProto *n, MlirLocation loc,
                            const QParams *q) {
  int64_t lo = 0, hi = 0;
  cimOnnxStorageRange(q->dtype, &lo, &hi);
  for (int64_t i = 0; i < q->n; ++i)
    if (q->zps[i] < lo || q->zps[i] > hi)
      return cimOnnxFail(loc,
                         "node '%s' (%s): zero point %lld outside [%lld, %lld]",
                         cimOnnxNodeName(n), n->op_type, (long long)q->zps[i],
                         (long long)lo, (long long)hi);
  return true;
}

int64_t cimOnnxChannelOf(const Const *c, int axis, int64_t i) {
  int64_t inner = 1;
  for (int d = axis + 1; d < c->rank; ++d)
    inner *= c->dims[d];
  return (i / inner) % c->dims[axis];
}

/// dcast(qcast(arith.constant(s * (q - z)))) for integer constant `qi`.
MlirValue cimOnnxMaterializeDq(Importer *I, MlirLocation loc, const Const *qi,
                               const QParams *q) {
  float *f = malloc((size_t)(qi->n ? qi->n : 1) * sizeof(float));
  if (!f) {
    cimOnnxFail(loc, "out of memory");
    return (MlirValue){NULL};
  }
  for (int64_t i = 0; i < qi->n; ++i) {
    int64_t ch = q->n > 1 ? cimOnnxChannelOf(qi, q->axis, i) : 0;
    f[i] = (float)(q->scales[ch] * (qi->v[i] - (double)q->zps[ch]));
  }
  MlirValue c = cimOnnxConstF32(I, loc, qi->rank, qi->dims, f, qi->n);
  free(f);
  MlirType qt = cimOnnxTensorOf(qi->rank, qi->dims, cimOnnxQuantElemType(I, q));
  MlirValue qc = cimOnnxEmit1(I, "quant.qcast", loc, 1, &c, qt, 0, NULL);
  return cimOnnxEmit1(I, "quant.dcast", loc, 1, &qc,
                      cimOnnxF32Tensor(I, qi->rank, qi->dims), 0, NULL);
}

/// The f32 value of `v` for a float consumer; null (after a diagnostic) when
/// `v` has none.
MlirValue cimOnnxUseFloat(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, Value *v) {
  if (v->kind == K_FLOAT || v->kind == K_INTARG)
    return v->v;
  if (v->kind == K_QUANT) {
    if (mlirValueIsNull(v->deq))
      v->deq = cimOnnxEmit1(I, "quant.dcast", loc, 1, &v->v,
                            cimOnnxF32Tensor(I, v->rank, v->dims), 0, NULL);
    return v->deq;
  }
  if (!mlirValueIsNull(v->mat))
    return v->mat;
  if (v->dqInt) {
    v->mat = cimOnnxMaterializeDq(I, loc, v->dqInt, &v->dqq);
    return v->mat;
  }
  if (v->c->dtype != DT_FLOAT && v->c->dtype != DT_DOUBLE) {
    cimOnnxFail(loc,
                "node '%s' (%s): constant '%s' of type %s used as a float "
                "tensor",
                cimOnnxNodeName(n), n->op_type, v->name,
                cimOnnxDtypeName(v->c->dtype));
    return (MlirValue){NULL};
  }
  if (v->c->f) {
    /* A layer weight held as f32: the attribute is made from it directly. */
    v->mat = cimOnnxConstF32(I, loc, v->c->rank, v->c->dims, v->c->f, v->c->n);
    return v->mat;
  }
  float *f = malloc((size_t)(v->c->n ? v->c->n : 1) * sizeof(float));
  if (!f) {
    cimOnnxFail(loc, "out of memory");
    return (MlirValue){NULL};
  }
  for (int64_t i = 0; i < v->c->n; ++i)
    f[i] = (float)v->c->v[i];
  v->mat = cimOnnxConstF32(I, loc, v->c->rank, v->c->dims, f, v->c->n);
  free(f);
  return v->mat;
}

/// The f32 value of an ONNX integer tensor `v` read with parameters `q`
/// (a QOperator input): dequantizes constants, quantizes an integer graph
/// input on its first use, reuses a quantized value of the same type.
MlirValue cimOnnxUseDequantized(Importer *I, const Onnx__NodeProto *n,
                                MlirLocation loc, Value *v, const QParams *q,
                                const char *what) {
  if (v->dtype != q->dtype)
    return cimOnnxFail(loc,
                       "node '%s' (%s): %s '%s' is %s but its zero point is %s",
                       cimOnnxNodeName(n), n->op_type, what, v->name,
                       cimOnnxDtypeName(v->dtype), cimOnnxDtypeName(q->dtype)),
           (MlirValue){NULL};
  if (v->kind == K_CONST)
    return cimOnnxMaterializeDq(I, loc, v->c, q);
  if (v->kind == K_INTARG) {
    MlirType qt = cimOnnxTensorOf(v->rank, v->dims, cimOnnxQuantElemType(I, q));
    v->v = cimOnnxEmit1(I, "quant.qcast", loc, 1, &v->v, qt, 0, NULL);
    v->kind = K_QUANT;
    if (!cimOnnxQCopy(&v->q, q))
      return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
    return cimOnnxUseFloat(I, n, loc, v);
  }
  if (v->kind == K_QUANT) {
    if (!cimOnnxQEqual(&v->q, q))
      return cimOnnxFail(
                 loc,
                 "node '%s' (%s): %s '%s' is read with another scale or "
                 "zero point than it was quantized with",
                 cimOnnxNodeName(n), n->op_type, what, v->name),
             (MlirValue){NULL};
    return cimOnnxUseFloat(I, n, loc, v);
  }
  return cimOnnxFail(loc,
                     "node '%s' (%s): %s '%s' must be an integer tensor (a "
                     "quantized value, an integer graph input or a constant)",
                     cimOnnxNodeName(n), n->op_type, what, v->name),
         (MlirValue){NULL};
}

/// A constant weight `w` read with parameters `q` whose zero points are not
/// all 0 (ONNX's asymmetric weights; the crossbar wants symmetric ones, see
/// docs/design.md Q1) becomes exact symmetric weights of the same scales:
/// the integers d = w - z, stored
///   - as uint8 (zero point 0) when every d lies in [0, 255],
///   - as int8 when every d lies in [-128, 127],
///   - otherwise split along the reduction axis `kAxis` into two int8
///     halves floor(d / 2) and ceil(d / 2) (d in [-256, 254]): the weight
///     gets 2K rows and the caller feeds the activation twice (concatenated
///     along its K axis), so that sum_k x_k d_k = sum_k x_k a_k + x_k b_k.
///     Exact, at the price of twice the crossbar rows for that layer
///     (docs/onnx.md, "Asymmetric weights").
/// Symmetric weights (all zero points 0) are dequantized as they are.
/// `*split` says whether the rows were doubled; `wd` receives the shape.
MlirValue cimOnnxUseWeightSymmetric(Importer *I, const Onnx__NodeProto *n,
                                    MlirLocation loc, Value *w,
                                    const QParams *q, int kAxis, bool *split,
                                    int64_t *wd) {
  *split = false;
  for (int i = 0; i < w->rank; ++i)
    wd[i] = w->dims[i];
  bool symmetric = true;
  for (int64_t i = 0; i < q->n; ++i)
    symmetric = symmetric && q->zps[i] == 0;
  if (symmetric || w->kind != K_CONST)
    return cimOnnxUseDequantized(I, n, loc, w, q, "weight");
  if (w->dtype != q->dtype)
    return cimOnnxUseDequantized(I, n, loc, w, q,
                                 "weight"); /* reports the error */
  const Const *c = w->c;
  double lo = 0, hi = 0;
  Const *d = cimOnnxConstNew(c->dtype, c->rank, c->dims);
  if (!d)
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  for (int64_t i = 0; i < c->n; ++i) {
    int64_t ch = q->n > 1 ? cimOnnxChannelOf(c, q->axis, i) : 0;
    d->v[i] = c->v[i] - (double)q->zps[ch];
    lo = i ? fmin(lo, d->v[i]) : d->v[i];
    hi = i ? fmax(hi, d->v[i]) : d->v[i];
  }
  QParams s;
  if (!cimOnnxQCopy(&s, q)) {
    cimOnnxConstFree(d);
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  }
  for (int64_t i = 0; i < s.n; ++i)
    s.zps[i] = 0;
  s.hasRange = false; /* d = w - z: the type follows d's values below */
  MlirValue r = {NULL};
  if (lo >= 0 && hi <= 255) {
    s.dtype = DT_UINT8;
    r = cimOnnxMaterializeDq(I, loc, d, &s);
  } else if (lo >= -128 && hi <= 127) {
    s.dtype = DT_INT8;
    r = cimOnnxMaterializeDq(I, loc, d, &s);
  } else if (lo >= -256 && hi <= 254) {
    s.dtype = DT_INT8;
    int64_t outer = 1, inner = 1, K = c->dims[kAxis];
    for (int i = 0; i < kAxis; ++i)
      outer *= c->dims[i];
    for (int i = kAxis + 1; i < c->rank; ++i)
      inner *= c->dims[i];
    int64_t dims2[MAX_RANK];
    for (int i = 0; i < c->rank; ++i)
      dims2[i] = c->dims[i];
    dims2[kAxis] = 2 * K;
    Const *h = cimOnnxConstNew(DT_INT8, c->rank, dims2);
    if (h) {
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t k = 0; k < K; ++k)
          for (int64_t j = 0; j < inner; ++j) {
            double v = d->v[(o * K + k) * inner + j];
            double a = floor(v / 2);
            h->v[(o * 2 * K + k) * inner + j] = a;
            h->v[(o * 2 * K + K + k) * inner + j] = v - a;
          }
      r = cimOnnxMaterializeDq(I, loc, h, &s);
      cimOnnxConstFree(h);
      *split = true;
      wd[kAxis] = 2 * K;
    } else {
      cimOnnxFail(loc, "out of memory");
    }
  } else {
    cimOnnxFail(loc,
                "node '%s' (%s): weight '%s' minus its zero point spans [%g, "
                "%g], outside [-256, 254]",
                cimOnnxNodeName(n), n->op_type, w->name, lo, hi);
  }
  cimOnnxQFree(&s);
  cimOnnxConstFree(d);
  return r;
}

/// tensor.concat of `x` with itself along `axis` (the activation of a weight
/// whose rows cimOnnxUseWeightSymmetric doubled).
MlirValue cimOnnxConcatSelf(Importer *I, MlirLocation loc, MlirValue x,
                            int rank, const int64_t *dims, int axis,
                            int64_t *outDims) {
  for (int i = 0; i < rank; ++i)
    outDims[i] = dims[i];
  outDims[axis] *= 2;
  MlirValue ops[2] = {x, x};
  MlirNamedAttribute a = cimOnnxNA(
      I, "dim", mlirIntegerAttrGet(mlirIntegerTypeGet(I->ctx, 64), axis));
  return cimOnnxEmit1(I, "tensor.concat", loc, 2, ops,
                      cimOnnxF32Tensor(I, rank, outDims), 1, &a);
}
