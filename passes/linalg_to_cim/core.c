/*===-- core.c - convert-linalg-to-cim: state, constants, requantize -------===*/

#include "Convert.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/Quant.h"

#include "ir/Elements.h"
#include "ir/LayerInfo.h"
#include "ir/PassUtils.h"
#include "support/StrBuf.h"

/*===----------------------------------------------------------------------===*
 * Diagnostics
 *===----------------------------------------------------------------------===*/

void cvError(CvConverter *cv, MlirOperation op, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cimEmitErrorV(mlirOperationGetLocation(op), "convert-linalg-to-cim: ", fmt,
                ap);
  va_end(ap);
  cv->failed = true;
}

const char *cvOpName(MlirOperation op, char *buf, size_t size) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  size_t len = n.length < size - 1 ? n.length : size - 1;
  memcpy(buf, n.data, len);
  buf[len] = '\0';
  return buf;
}

/*===----------------------------------------------------------------------===*
 * Value -> representation map (open addressing on the value pointer)
 *===----------------------------------------------------------------------===*/

static size_t hashPtr(const void *p, intptr_t cap) {
  uintptr_t x = (uintptr_t)p;
  x ^= x >> 17;
  x *= 0x9E3779B97F4A7C15ull;
  return (size_t)(x >> 7) & (size_t)(cap - 1);
}

static CvMapEntry *mapSlot(CvConverter *cv, const void *key) {
  size_t i = hashPtr(key, cv->mapCap);
  while (cv->map[i].key && cv->map[i].key != key)
    i = (i + 1) & (size_t)(cv->mapCap - 1);
  return &cv->map[i];
}

static void mapGrow(CvConverter *cv) {
  CvMapEntry *old = cv->map;
  intptr_t oldCap = cv->mapCap;
  cv->mapCap = oldCap ? oldCap * 2 : 64;
  cv->map = calloc((size_t)cv->mapCap, sizeof *cv->map);
  if (!cv->map)
    abort();
  for (intptr_t i = 0; i < oldCap; ++i)
    if (old[i].key)
      *mapSlot(cv, old[i].key) = old[i];
  free(old);
}

CvRep *cvGetRep(CvConverter *cv, MlirValue v) {
  if (!cv->mapCap || mlirValueIsNull(v))
    return NULL;
  CvMapEntry *e = mapSlot(cv, v.ptr);
  return e->key ? e->rep : NULL;
}

CvRep *cvNewRep(CvConverter *cv, MlirValue v) {
  if ((cv->mapSize + 1) * 2 > cv->mapCap)
    mapGrow(cv);
  CvRep *r = calloc(1, sizeof *r);
  if (!r)
    abort();
  r->axis = -1;
  r->axisSpan = 1;
  r->lo = -INFINITY;
  r->hi = INFINITY;
  r->numS = 1;
  r->s = malloc(sizeof(double));
  if (!r->s)
    abort();
  r->s[0] = 1.0;
  if (cv->numReps == cv->capReps) {
    cv->capReps = cv->capReps ? cv->capReps * 2 : 64;
    cv->reps = realloc(cv->reps, (size_t)cv->capReps * sizeof *cv->reps);
    if (!cv->reps)
      abort();
  }
  cv->reps[cv->numReps++] = r;
  CvMapEntry *e = mapSlot(cv, v.ptr);
  if (!e->key)
    ++cv->mapSize;
  e->key = v.ptr;
  e->rep = r;
  return r;
}

void cvSetScales(CvRep *r, intptr_t n, const double *s) {
  double *copy = malloc((size_t)n * sizeof *copy);
  if (!copy)
    abort();
  memcpy(copy, s, (size_t)n * sizeof *copy);
  free(r->s);
  r->s = copy;
  r->numS = n;
}

void cvSetBias(CvRep *r, intptr_t n, const int64_t *bias) {
  int64_t *copy = NULL;
  if (n) {
    copy = malloc((size_t)n * sizeof *copy);
    if (!copy)
      abort();
    memcpy(copy, bias, (size_t)n * sizeof *copy);
  }
  free(r->bias);
  r->bias = copy;
  r->numBias = n;
}

void cvCopyRep(CvRep *dst, const CvRep *src) {
  dst->q = src->q;
  dst->storage = src->storage;
  dst->bits = src->bits;
  dst->isSigned = src->isSigned;
  dst->qmin = src->qmin;
  dst->qmax = src->qmax;
  cvSetScales(dst, src->numS, src->s);
  dst->axis = src->axis;
  dst->axisSpan = src->axisSpan;
  dst->z = src->z;
  cvSetBias(dst, src->numBias, src->bias);
  dst->lo = src->lo;
  dst->hi = src->hi;
  dst->layer = (MlirOperation){NULL};
}

bool cvRepIsPlainStorage(const CvRep *r) {
  return r->storage && r->numBias == 0 && isinf(r->lo) && isinf(r->hi);
}

/*===----------------------------------------------------------------------===*
 * Building ops, types and attributes
 *===----------------------------------------------------------------------===*/

MlirOperation cvBuild(CvConverter *cv, const char *name, MlirLocation loc,
                      intptr_t nOperands, const MlirValue *operands,
                      MlirType result, intptr_t nAttrs,
                      const MlirNamedAttribute *attrs) {
  MlirOperationState st =
      mlirOperationStateGet(mlirStringRefCreateFromCString(name), loc);
  if (nOperands)
    mlirOperationStateAddOperands(&st, nOperands, operands);
  mlirOperationStateAddResults(&st, 1, &result);
  if (nAttrs)
    mlirOperationStateAddAttributes(&st, nAttrs, attrs);
  MlirOperation op = mlirOperationCreate(&st);
  mlirBlockInsertOwnedOperationBefore(cv->block, cv->at, op);
  return op;
}

MlirValue cvBuild1(CvConverter *cv, const char *name, MlirLocation loc,
                   intptr_t nOperands, const MlirValue *operands,
                   MlirType result, intptr_t nAttrs,
                   const MlirNamedAttribute *attrs) {
  return mlirOperationGetResult(
      cvBuild(cv, name, loc, nOperands, operands, result, nAttrs, attrs), 0);
}

MlirNamedAttribute cvNamedArray(MlirContext ctx, const char *name, intptr_t n,
                                const int64_t *values) {
  return mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString(name)),
      mlirDenseI64ArrayGet(ctx, n, values));
}

MlirType cvIntType(MlirContext ctx, unsigned bits) {
  return mlirIntegerTypeGet(ctx, bits);
}

unsigned cvSignedBitsFor(int64_t lo, int64_t hi) {
  unsigned bits = 1;
  while (bits < 64 && !(lo >= -((int64_t)1 << (bits - 1)) &&
                        hi <= ((int64_t)1 << (bits - 1)) - 1))
    ++bits;
  return bits;
}

MlirType cvTensorType(MlirContext ctx, intptr_t rank, const int64_t *shape,
                      MlirType elem) {
  (void)ctx;
  return mlirRankedTensorTypeGet(rank, shape, elem, mlirAttributeGetNull());
}

bool cvReadShape(MlirType type, intptr_t *rank, int64_t *shape) {
  if (!mlirTypeIsARankedTensor(type) || !mlirShapedTypeHasStaticShape(type))
    return false;
  *rank = mlirShapedTypeGetRank(type);
  if (*rank > CV_MAX_RANK)
    return false;
  for (intptr_t i = 0; i < *rank; ++i)
    shape[i] = mlirShapedTypeGetDimSize(type, i);
  return true;
}

int64_t cvNumElements(intptr_t rank, const int64_t *shape) {
  int64_t n = 1;
  for (intptr_t i = 0; i < rank; ++i)
    n *= shape[i];
  return n;
}

void cvPermute(intptr_t rank, const int64_t *shape, const int64_t *perm,
               size_t width, const void *in, void *out) {
  int64_t outShape[CV_MAX_RANK], inStride[CV_MAX_RANK], step[CV_MAX_RANK];
  int64_t stride = 1;
  for (intptr_t d = rank - 1; d >= 0; --d) {
    inStride[d] = stride;
    stride *= shape[d];
  }
  for (intptr_t i = 0; i < rank; ++i) {
    outShape[i] = shape[perm[i]];
    step[i] = inStride[perm[i]];
  }
  /* Walks the output in order; src follows incrementally. */
  const unsigned char *src = in;
  unsigned char *dst = out;
  int64_t n = stride, idx[CV_MAX_RANK] = {0}, at = 0;
  for (int64_t o = 0; o < n; ++o) {
    memcpy(dst + (size_t)o * width, src + (size_t)at * width, width);
    for (intptr_t i = rank - 1; i >= 0; --i) {
      at += step[i];
      if (++idx[i] < outShape[i])
        break;
      at -= step[i] * outShape[i];
      idx[i] = 0;
    }
  }
}

/*===----------------------------------------------------------------------===*
 * Constants
 *===----------------------------------------------------------------------===*/

MlirValue cvRawConstant(CvConverter *cv, MlirLocation loc, intptr_t rank,
                        const int64_t *shape, unsigned bits, const void *raw,
                        bool splat, MlirAttribute *attrOut) {
  MlirType elem = cvIntType(cv->ctx, bits);
  MlirType type = cvTensorType(cv->ctx, rank, shape, elem);
  int64_t n = cvNumElements(rank, shape);
  size_t width = cimElementsStorageWidth(bits);
  const unsigned char *bytes = raw;
  if (!splat && n > 1) {
    /* MLIR stores a tensor of equal elements as a splat; so do we. */
    splat = true;
    for (int64_t i = 1; i < n && splat; ++i)
      splat = memcmp(bytes, bytes + (size_t)i * width, width) == 0;
  }
  MlirAttribute attr;
  if (splat || n == 0) {
    int64_t v = 0;
    if (n) {
      uint64_t u = 0;
      for (size_t b = 0; b < width; ++b)
        u |= (uint64_t)bytes[b] << (8 * b);
      if (bits < 64 && (u >> (bits - 1)) & 1) /* sign-extend */
        u |= ~((UINT64_C(1) << bits) - 1);
      v = (int64_t)u;
    }
    attr = mlirDenseElementsAttrSplatGet(type, mlirIntegerAttrGet(elem, v));
  } else if (bits == 1) {
    /* i1 is bit-packed in MLIR's storage: built from ints instead. */
    int *b = malloc((size_t)n * sizeof *b);
    if (!b)
      abort();
    for (int64_t i = 0; i < n; ++i)
      b[i] = bytes[i] & 1;
    attr = mlirDenseElementsAttrBoolGet(type, n, b);
    free(b);
  } else {
    /* Byte-aligned storage holding the value's low `bits` bits, the layout
     * MLIR writes itself. */
    attr = mlirDenseElementsAttrRawBufferGet(type, (size_t)n * width, raw);
  }
  if (attrOut)
    *attrOut = attr;
  MlirNamedAttribute value = mlirNamedAttributeGet(
      mlirIdentifierGet(cv->ctx, mlirStringRefCreateFromCString("value")),
      attr);
  return cvBuild1(cv, "arith.constant", loc, 0, NULL, type, 1, &value);
}

MlirValue cvIntConstant(CvConverter *cv, MlirLocation loc, intptr_t rank,
                        const int64_t *shape, unsigned bits,
                        const int64_t *values) {
  int64_t n = cvNumElements(rank, shape);
  size_t width = cimElementsStorageWidth(bits);
  unsigned char *raw = malloc((size_t)(n ? n : 1) * width);
  if (!raw)
    abort();
  for (int64_t i = 0; i < n; ++i)
    cimElementsStore(raw, width, bits, i, values[i]);
  MlirValue v = cvRawConstant(cv, loc, rank, shape, bits, raw, false, NULL);
  free(raw);
  return v;
}

MlirValue cvTransformConstant(CvConverter *cv, MlirOperation op,
                              MlirAttribute values, intptr_t rank,
                              const int64_t *shape, const int64_t *perm,
                              intptr_t newRank, const int64_t *newShape,
                              unsigned bits, MlirAttribute *attr) {
  MlirLocation loc = mlirOperationGetLocation(op);
  CimElements e;
  const char *why = cimElementsOpen(values, &e);
  if (!why && e.kind != CIM_ELEMENTS_INT)
    why = "expected integer elements";
  if (why) {
    cvError(cv, op, "cannot read the constant weights: %s", why);
    return (MlirValue){NULL};
  }
  size_t width = cimElementsStorageWidth(bits);
  if (e.splat) {
    unsigned char one[8];
    cimElementsStore(one, width, bits, 0, cimElementsGetInt(&e, 0, true));
    return cvRawConstant(cv, loc, newRank, newShape, bits, one, true, attr);
  }
  /* Same element width in and out (the storage type of the constant is
   * `bits` wide) and dense storage: moved as bytes. Otherwise (i1, a
   * resource) read once into the storage layout first. */
  unsigned char *in = NULL;
  const unsigned char *src = e.raw;
  if (!src || e.bits != bits) {
    in = malloc((size_t)(e.count ? e.count : 1) * width);
    if (!in)
      abort();
    for (int64_t i = 0; i < e.count; ++i)
      cimElementsStore(in, width, bits, i, cimElementsGetInt(&e, i, true));
    src = in;
  }
  unsigned char *out = NULL;
  if (perm) {
    out = malloc((size_t)(e.count ? e.count : 1) * width);
    if (!out)
      abort();
    cvPermute(rank, shape, perm, width, src, out);
  }
  MlirValue v = cvRawConstant(cv, loc, newRank, newShape, bits,
                              out ? out : src, false, attr);
  free(in);
  free(out);
  return v;
}

MlirAttribute cvConstantAttr(MlirValue v) {
  if (mlirValueIsNull(v) || !mlirValueIsAOpResult(v))
    return mlirAttributeGetNull();
  MlirOperation def = mlirOpResultGetOwner(v);
  if (!cimOpIsA(def, "arith.constant"))
    return mlirAttributeGetNull();
  MlirAttribute a = mlirOperationGetAttributeByName(
      def, mlirStringRefCreateFromCString("value"));
  if (mlirAttributeIsNull(a) || !(mlirAttributeIsADenseElements(a) ||
                                  mlirAttributeIsADenseResourceElements(a) ||
                                  mlirAttributeIsAFloat(a) ||
                                  mlirAttributeIsAInteger(a)))
    return mlirAttributeGetNull();
  /* Other dense elements (strings, complex) are not readable here. */
  if (mlirAttributeIsADenseElements(a) &&
      !(mlirAttributeIsADenseFPElements(a) ||
        mlirAttributeIsADenseIntElements(a)))
    return mlirAttributeGetNull();
  return a;
}

bool cvScalarFloat(MlirValue v, double *out) {
  MlirAttribute a = cvConstantAttr(v);
  if (mlirAttributeIsNull(a))
    return false;
  if (mlirAttributeIsAFloat(a)) {
    *out = mlirFloatAttrGetValueDouble(a);
    return true;
  }
  if (mlirAttributeIsADenseFPElements(a) && mlirDenseElementsAttrIsSplat(a)) {
    MlirAttribute s = mlirDenseElementsAttrGetSplatValue(a);
    *out = mlirFloatAttrGetValueDouble(s);
    return true;
  }
  return false;
}

bool cvScalarInt(MlirValue v, int64_t *out) {
  MlirAttribute a = cvConstantAttr(v);
  if (mlirAttributeIsNull(a))
    return false;
  if (mlirAttributeIsAInteger(a)) {
    *out = mlirIntegerAttrGetValueInt(a);
    return true;
  }
  if (mlirAttributeIsADenseIntElements(a) && mlirDenseElementsAttrIsSplat(a)) {
    *out = mlirIntegerAttrGetValueInt(mlirDenseElementsAttrGetSplatValue(a));
    return true;
  }
  return false;
}

/*===----------------------------------------------------------------------===*
 * Numerics
 *===----------------------------------------------------------------------===*/

int64_t cvRne(double x) {
  /* nearbyint rounds half to even in the default rounding mode. */
  return (int64_t)nearbyint(x);
}

bool cvMultiplierShift(double r, int64_t *multiplier, int64_t *shift) {
  assert(r > 0 && isfinite(r));
  int e;
  double m = frexp(r, &e); /* r = m * 2^e, m in [0.5, 1) */
  int64_t mu = cvRne(ldexp(m, 31));
  if (mu == ((int64_t)1 << 31)) {
    mu >>= 1;
    ++e;
  }
  int64_t sh = 31 - e;
  if (sh < 0)
    return false;
  if (sh > 62) {
    mu = 0;
    sh = 0;
  }
  *multiplier = mu;
  *shift = sh;
  return true;
}

/*===----------------------------------------------------------------------===*
 * Quantized types
 *===----------------------------------------------------------------------===*/

bool cvReadQType(CvConverter *cv, MlirOperation op, MlirType quant,
                 CvQType *t) {
  if (!mlirTypeIsAQuantizedType(quant) ||
      !(mlirTypeIsAUniformQuantizedType(quant) ||
        mlirTypeIsAUniformQuantizedPerAxisType(quant))) {
    cvError(cv, op, "only !quant.uniform types are supported");
    return false;
  }
  int64_t bits = 0;
  bool isSigned = false;
  cimQuantTypeGetBits(quant, &bits, &isSigned);
  if (bits < 1 || bits > 8) {
    cvError(cv, op,
            "quantized storage of %lld bits is not supported; cimlir takes 1 "
            "to 8 bits",
            (long long)bits);
    return false;
  }
  if (!mlirTypeIsAF32(mlirQuantizedTypeGetExpressedType(quant))) {
    cvError(cv, op, "quantized types must express f32");
    return false;
  }
  t->quantType = quant;
  t->bits = (unsigned)bits;
  t->isSigned = isSigned;
  t->qmin = mlirQuantizedTypeGetStorageTypeMin(quant);
  t->qmax = mlirQuantizedTypeGetStorageTypeMax(quant);
  if (mlirTypeIsAUniformQuantizedType(quant)) {
    t->scale = mlirUniformQuantizedTypeGetScale(quant);
    t->zeroPoint = mlirUniformQuantizedTypeGetZeroPoint(quant);
  } else {
    t->scale = 0; /* per axis: the caller reads the scales */
    t->zeroPoint = 0;
  }
  return true;
}

static bool sameQType(const CvRep *r, const CvQType *t) {
  return cvRepIsPlainStorage(r) && r->numS == 1 && r->s[0] == t->scale &&
         r->z == t->zeroPoint && r->qmin == t->qmin && r->qmax == t->qmax &&
         r->bits == t->bits && r->isSigned == t->isSigned;
}

static MlirType withElem(MlirValue like, MlirType elem) {
  MlirType t = mlirValueGetType(like);
  intptr_t rank = mlirShapedTypeGetRank(t);
  int64_t shape[CV_MAX_RANK];
  for (intptr_t i = 0; i < rank && i < CV_MAX_RANK; ++i)
    shape[i] = mlirShapedTypeGetDimSize(t, i);
  return mlirRankedTensorTypeGet(rank, shape, elem, mlirAttributeGetNull());
}

static unsigned elemWidth(MlirValue v) {
  return mlirIntegerTypeGetWidth(
      mlirShapedTypeGetElementType(mlirValueGetType(v)));
}

/// Bias operand (tensor<Cxi32>) of a requantize, or a null value.
static bool biasOperand(CvConverter *cv, MlirOperation user, const CvRep *r,
                        MlirValue *out) {
  *out = (MlirValue){NULL};
  if (!r->numBias)
    return true;
  for (intptr_t c = 0; c < r->numBias; ++c)
    if (r->bias[c] < INT32_MIN || r->bias[c] > INT32_MAX) {
      cvError(cv, user,
              "a bias of %lld (in units of the accumulator scale) does not "
              "fit in 32 bits",
              (long long)r->bias[c]);
      return false;
    }
  int64_t shape[1] = {r->numBias};
  *out = cvIntConstant(cv, mlirOperationGetLocation(user), 1, shape, 32,
                       r->bias);
  return true;
}

static MlirValue buildRequantize(CvConverter *cv, MlirOperation user,
                                 const CvRep *r, intptr_t numRatios,
                                 const int64_t *mult, const int64_t *shift,
                                 int64_t outZp, int64_t qmin, int64_t qmax,
                                 MlirType elem) {
  MlirValue bias;
  if (!biasOperand(cv, user, r, &bias))
    return (MlirValue){NULL};
  /* Channels spanning adjacent dims (a grouped convolution's G, F) are
   * requantized along one merged dim, then reshaped back. */
  MlirLocation loc = mlirOperationGetLocation(user);
  MlirValue x = r->q;
  MlirType xt = mlirValueGetType(x);
  intptr_t rank = mlirShapedTypeGetRank(xt);
  int64_t shape[CV_MAX_RANK], merged[CV_MAX_RANK];
  intptr_t mrank = 0;
  bool span = r->axis >= 0 && r->axisSpan > 1;
  for (intptr_t i = 0; i < rank && i < CV_MAX_RANK; ++i) {
    shape[i] = mlirShapedTypeGetDimSize(xt, i);
    if (span && i > r->axis && i < r->axis + r->axisSpan)
      merged[mrank - 1] *= shape[i];
    else
      merged[mrank++] = shape[i];
  }
  if (span)
    x = cvBuild1(cv, "cim.reshape", loc, 1, &x,
                 cvTensorType(cv->ctx, mrank, merged,
                              mlirShapedTypeGetElementType(xt)),
                 0, NULL);
  MlirValue operands[2] = {x, bias};
  MlirNamedAttribute attrs[] = {
      cimNamedI64(cv->ctx, "axis", r->axis >= 0 ? r->axis : 0),
      cvNamedArray(cv->ctx, "multiplier", numRatios, mult),
      cvNamedArray(cv->ctx, "shift", numRatios, shift),
      cimNamedI64(cv->ctx, "in_zero_point", r->z),
      cimNamedI64(cv->ctx, "out_zero_point", outZp),
      cimNamedI64(cv->ctx, "qmin", qmin),
      cimNamedI64(cv->ctx, "qmax", qmax),
  };
  MlirValue v = cvBuild1(cv, "cim.requantize", loc,
                         mlirValueIsNull(bias) ? 1 : 2, operands,
                         withElem(x, elem), sizeof attrs / sizeof attrs[0],
                         attrs);
  if (span)
    v = cvBuild1(cv, "cim.reshape", loc, 1, &v,
                 cvTensorType(cv->ctx, rank, shape, elem), 0, NULL);
  return v;
}

MlirValue cvMaterialize(CvConverter *cv, MlirOperation user, CvRep *r,
                        const CvQType *t) {
  if (sameQType(r, t))
    return r->q;
  for (intptr_t i = 0; i < r->numCache; ++i)
    if (mlirTypeEqual(r->cacheType[i], t->quantType))
      return r->cacheValue[i];
  int64_t mult[1024], shift[1024];
  int64_t *m = mult, *sh = shift;
  if (r->numS > 1024) {
    m = malloc((size_t)r->numS * sizeof *m);
    sh = malloc((size_t)r->numS * sizeof *sh);
    if (!m || !sh)
      abort();
  }
  bool ok = true;
  for (intptr_t c = 0; c < r->numS && ok; ++c)
    if (!cvMultiplierShift(r->s[c] / t->scale, &m[c], &sh[c])) {
      cvError(cv, user,
              "requantizing from scale %g to scale %g needs a ratio of "
              "2^31 or more",
              r->s[c], t->scale);
      ok = false;
    }
  /* The pending clamp, quantized like the values it bounds (quantize is
   * monotone, so clamping before or after it gives the same result). */
  int64_t qmin = t->qmin, qmax = t->qmax;
  if (ok && isfinite(r->lo)) {
    double b = r->lo / t->scale + (double)t->zeroPoint;
    if (b > (double)qmin)
      qmin = b > (double)qmax ? qmax : cvRne(b);
  }
  if (ok && isfinite(r->hi)) {
    double b = r->hi / t->scale + (double)t->zeroPoint;
    if (b < (double)qmax)
      qmax = b < (double)qmin ? qmin : cvRne(b);
  }
  MlirValue v = {NULL};
  if (ok)
    v = buildRequantize(cv, user, r, r->numS, m, sh, t->zeroPoint, qmin, qmax,
                        cvIntType(cv->ctx, cvSignedBitsFor(t->qmin, t->qmax)));
  if (m != mult) {
    free(m);
    free(sh);
  }
  if (!mlirValueIsNull(v) && r->numCache < CV_CACHE) {
    r->cacheType[r->numCache] = t->quantType;
    r->cacheValue[r->numCache++] = v;
  }
  return v;
}

MlirValue cvStorageValue(CvConverter *cv, MlirOperation user, CvRep *r,
                         const char *what) {
  if (!r->storage || r->numBias) {
    cvError(cv, user,
            "%s is an unquantized accumulator; quantize it first "
            "(quant.dcast(quant.qcast(x)))",
            what);
    return (MlirValue){NULL};
  }
  if (cvRepIsPlainStorage(r))
    return r->q;
  int64_t lo = r->qmin, hi = r->qmax;
  if (isfinite(r->lo)) {
    double b = r->lo / r->s[0] + (double)r->z;
    if (b > (double)lo)
      lo = b > (double)hi ? hi : cvRne(b);
  }
  if (isfinite(r->hi)) {
    double b = r->hi / r->s[0] + (double)r->z;
    if (b < (double)hi)
      hi = b < (double)lo ? lo : cvRne(b);
  }
  MlirNamedAttribute attrs[] = {cimNamedI64(cv->ctx, "min", lo),
                                cimNamedI64(cv->ctx, "max", hi)};
  MlirValue v = cvBuild1(cv, "cim.clamp", mlirOperationGetLocation(user), 1,
                         &r->q, mlirValueGetType(r->q), 2, attrs);
  r->q = v;
  r->lo = -INFINITY;
  r->hi = INFINITY;
  return v;
}

bool cvFlatten(CvConverter *cv, MlirOperation user, CvRep *r) {
  if (r->numBias == 0 && r->z == 0 && isinf(r->lo) && isinf(r->hi))
    return true;
  unsigned w = elemWidth(r->q);
  if (r->storage)
    w = 32;
  int64_t qmin = -((int64_t)1 << (w - 1)), qmax = ((int64_t)1 << (w - 1)) - 1;
  if (w >= 64) {
    qmin = INT64_MIN;
    qmax = INT64_MAX;
  }
  bool perChannel = r->numS > 1;
  if (isfinite(r->lo)) {
    if (perChannel && r->lo != 0) {
      cvError(cv, user, "a clamp at %g on a per-channel accumulator cannot be "
                        "applied; quantize the value first",
              r->lo);
      return false;
    }
    double b = r->lo / r->s[0];
    if (b > (double)qmin)
      qmin = cvRne(b);
  }
  if (isfinite(r->hi)) {
    if (perChannel && r->hi != 0) {
      cvError(cv, user, "a clamp at %g on a per-channel accumulator cannot be "
                        "applied; quantize the value first",
              r->hi);
      return false;
    }
    double b = r->hi / r->s[0];
    if (b < (double)qmax)
      qmax = cvRne(b);
  }
  int64_t one = 1, zero = 0;
  MlirValue v = buildRequantize(cv, user, r, 1, &one, &zero, 0, qmin, qmax,
                                cvIntType(cv->ctx, w));
  if (mlirValueIsNull(v))
    return false;
  r->q = v;
  r->storage = false;
  r->z = 0;
  cvSetBias(r, 0, NULL);
  r->lo = -INFINITY;
  r->hi = INFINITY;
  r->numCache = 0;
  if (r->numS == 1)
    r->axis = -1, r->axisSpan = 1;
  return true;
}

CvRep *cvForward(CvConverter *cv, MlirValue result, const CvRep *src,
                 MlirValue newQ, int64_t axis) {
  CvRep *r = cvNewRep(cv, result);
  cvCopyRep(r, src);
  r->q = newQ;
  if (axis != src->axis)
    r->axisSpan = 1;
  r->axis = axis;
  r->values = mlirAttributeGetNull();
  return r;
}

void cvDestroy(CvConverter *cv) {
  for (intptr_t i = 0; i < cv->numReps; ++i) {
    free(cv->reps[i]->s);
    free(cv->reps[i]->bias);
    free(cv->reps[i]);
  }
  free(cv->reps);
  free(cv->map);
  free(cv->args);
  free(cv->norms);
  *cv = (CvConverter){0};
}
