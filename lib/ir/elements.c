/*===-- elements.c - Reading and quantizing constant tensors in bulk -------===*/

#include "ir/Elements.h"

#include <math.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "support/StrBuf.h"

size_t cimElementsStorageWidth(unsigned bits) {
  return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
}

/*===----------------------------------------------------------------------===*
 * Opening
 *===----------------------------------------------------------------------===*/

/// True if the blob of a dense_resource attribute has data. The C API cannot
/// ask, so a module holding only the attribute is printed with resource
/// strings elided: a blob with data opens a `{-# ... #-}` section, a missing
/// one (`dense_resource<__elided__>`, an undeclared key) prints none.
static bool resourceHasData(MlirAttribute attr) {
  MlirContext ctx = mlirAttributeGetContext(attr);
  MlirModule probe = mlirModuleCreateEmpty(mlirLocationUnknownGet(ctx));
  MlirOperation op = mlirModuleGetOperation(probe);
  mlirOperationSetDiscardableAttributeByName(
      op, mlirStringRefCreateFromCString("cim.probe"), attr);
  MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
  mlirOpPrintingFlagsElideLargeResourceString(flags, 0);
  CimStrBuf text = {0};
  mlirOperationPrintWithFlags(op, flags, cimStrBufCallback, &text);
  mlirOpPrintingFlagsDestroy(flags);
  mlirModuleDestroy(probe);
  bool has = !text.oom && strstr(cimStrBufGet(&text), "{-#") != NULL;
  cimStrBufFree(&text);
  return has;
}

static const char *openResource(MlirType elem, CimElements *e) {
  e->resource = true;
  if (e->kind == CIM_ELEMENTS_F16 || e->kind == CIM_ELEMENTS_BF16)
    return "MLIR 22's C API cannot read f16 or bf16 dense_resource blobs";
  if (e->kind == CIM_ELEMENTS_INT) {
    unsigned b = e->bits;
    if (b != 1 && b != 8 && b != 16 && b != 32 && b != 64)
      return "MLIR 22's C API reads integer dense_resource blobs of 1, 8, "
             "16, 32 or 64 bits only";
    if (mlirIntegerTypeIsSigned(elem))
      return "MLIR 22's C API cannot read dense_resource blobs of signed "
             "(si) integers; use signless integers";
  }
  if (!resourceHasData(e->attr))
    return "the dense_resource blob has no data (elided or not declared in "
           "the file's dialect_resources)";
  return NULL;
}

const char *cimElementsOpen(MlirAttribute attr, CimElements *e) {
  memset(e, 0, sizeof *e);
  e->attr = attr;
  if (mlirAttributeIsNull(attr) ||
      !(mlirAttributeIsADenseIntElements(attr) ||
        mlirAttributeIsADenseFPElements(attr) ||
        mlirAttributeIsADenseResourceElements(attr)))
    return "expected a dense or dense_resource elements attribute";
  MlirType type = mlirAttributeGetType(attr);
  if (!mlirShapedTypeHasStaticShape(type))
    return "the constant has no static shape";
  MlirType elem = mlirShapedTypeGetElementType(type);
  if (mlirTypeIsAInteger(elem)) {
    e->kind = CIM_ELEMENTS_INT;
    e->bits = mlirIntegerTypeGetWidth(elem);
  } else if (mlirTypeIsAF16(elem)) {
    e->kind = CIM_ELEMENTS_F16, e->bits = 16;
  } else if (mlirTypeIsABF16(elem)) {
    e->kind = CIM_ELEMENTS_BF16, e->bits = 16;
  } else if (mlirTypeIsAF32(elem)) {
    e->kind = CIM_ELEMENTS_F32, e->bits = 32;
  } else if (mlirTypeIsAF64(elem)) {
    e->kind = CIM_ELEMENTS_F64, e->bits = 64;
  } else {
    return "elements of integer, f16, bf16, f32 or f64 type are expected";
  }
  if (e->bits < 1 || e->bits > 64)
    return "integer elements of 1 to 64 bits are expected";
  e->count = 1;
  for (intptr_t d = 0; d < mlirShapedTypeGetRank(type); ++d)
    e->count *= mlirShapedTypeGetDimSize(type, d);
  e->width = e->bits == 1 ? 0 : cimElementsStorageWidth(e->bits);
  if (mlirAttributeIsADenseResourceElements(attr))
    return openResource(elem, e);
  e->splat = mlirDenseElementsAttrIsSplat(attr);
  if (e->bits != 1)
    e->raw = mlirDenseElementsAttrGetRawData(attr);
  return NULL;
}

/*===----------------------------------------------------------------------===*
 * Reading
 *===----------------------------------------------------------------------===*/

/// IEEE binary16 to double, exactly.
static double halfToDouble(uint16_t h) {
  int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double v = exponent == 0    ? ldexp(mantissa, -24)
             : exponent == 31 ? (mantissa ? NAN : INFINITY)
                              : ldexp(mantissa + 1024, exponent - 25);
  return (h >> 15) ? -v : v;
}

static double bf16ToDouble(uint16_t h) {
  uint32_t bits = (uint32_t)h << 16;
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

/// Float element i (i already 0 for a splat).
static double floatAt(const CimElements *e, int64_t i) {
  if (e->resource)
    return e->kind == CIM_ELEMENTS_F32
               ? mlirDenseFloatResourceElementsAttrGetValue(e->attr, i)
               : mlirDenseDoubleResourceElementsAttrGetValue(e->attr, i);
  const unsigned char *p = e->raw + (size_t)i * e->width;
  switch (e->kind) {
  case CIM_ELEMENTS_F16:
  case CIM_ELEMENTS_BF16: {
    uint16_t h;
    memcpy(&h, p, sizeof h);
    return e->kind == CIM_ELEMENTS_F16 ? halfToDouble(h) : bf16ToDouble(h);
  }
  case CIM_ELEMENTS_F32: {
    float f;
    memcpy(&f, p, sizeof f);
    return f;
  }
  default: {
    double d;
    memcpy(&d, p, sizeof d);
    return d;
  }
  }
}

void cimElementsGetDoubles(const CimElements *e, int64_t begin, int64_t n,
                           double *out) {
  if (e->splat) {
    double v = floatAt(e, 0);
    for (int64_t i = 0; i < n; ++i)
      out[i] = v;
    return;
  }
  if (!e->resource && e->kind == CIM_ELEMENTS_F32) {
    const unsigned char *p = e->raw + (size_t)begin * 4;
    for (int64_t i = 0; i < n; ++i) {
      float f;
      memcpy(&f, p + (size_t)i * 4, sizeof f);
      out[i] = f;
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i)
    out[i] = floatAt(e, begin + i);
}

/// The raw bits of integer element i (low `bits` bits meaningful).
static uint64_t intBitsAt(const CimElements *e, int64_t i) {
  if (e->resource) {
    switch (e->bits) {
    case 1:
      return mlirDenseBoolResourceElementsAttrGetValue(e->attr, i);
    case 8:
      return mlirDenseUInt8ResourceElementsAttrGetValue(e->attr, i);
    case 16:
      return mlirDenseUInt16ResourceElementsAttrGetValue(e->attr, i);
    case 32:
      return mlirDenseUInt32ResourceElementsAttrGetValue(e->attr, i);
    default:
      return mlirDenseUInt64ResourceElementsAttrGetValue(e->attr, i);
    }
  }
  if (e->bits == 1)
    return mlirDenseElementsAttrGetBoolValue(e->attr, (intptr_t)i);
  const unsigned char *p = e->raw + (size_t)i * e->width;
  uint64_t v = 0;
  for (size_t b = 0; b < e->width; ++b)
    v |= (uint64_t)p[b] << (8 * b);
  return v;
}

int64_t cimElementsGetInt(const CimElements *e, int64_t i, bool isSigned) {
  uint64_t v = intBitsAt(e, e->splat ? 0 : i);
  unsigned bits = e->bits;
  if (bits < 64) {
    v &= (UINT64_C(1) << bits) - 1;
    if (isSigned && (v >> (bits - 1)) & 1)
      v |= ~((UINT64_C(1) << bits) - 1);
  }
  return (int64_t)v;
}

/*===----------------------------------------------------------------------===*
 * Quantizing
 *===----------------------------------------------------------------------===*/

void cimElementsStore(void *raw, size_t width, unsigned bits, int64_t i,
                      int64_t v) {
  uint64_t u = (uint64_t)v;
  if (bits < 64)
    u &= (UINT64_C(1) << bits) - 1;
  unsigned char *p = (unsigned char *)raw + (size_t)i * width;
  switch (width) {
  case 1:
    *p = (unsigned char)u;
    return;
  case 2: {
    uint16_t w = (uint16_t)u;
    memcpy(p, &w, sizeof w);
    return;
  }
  case 4: {
    uint32_t w = (uint32_t)u;
    memcpy(p, &w, sizeof w);
    return;
  }
  default:
    memcpy(p, &u, sizeof u);
  }
}

/// The one definition of QuantizeLinear on one value; false for NaN. The
/// division is ONNX's: in float32 for float32, float16 and bfloat16 elements
/// (ONNX's reference and ONNX Runtime divide float32 by a float32 scale, and
/// widen the 16-bit floats to float32 first), in double for f64 ones. The
/// two differ where the exact quotient lies within float32's rounding of a
/// tie: 0.029396927f / 0.00087752024f is 33.5 in float32 (-> 34) and
/// 33.4999986 in double (-> 33).
static inline bool quantizeOne(double x, double scale, bool inFloat,
                               const CimQuantizeLinear *p, int64_t *q) {
  double quotient = inFloat ? (double)((float)x / (float)scale) : x / scale;
  double v = nearbyint(quotient) + (double)p->zeroPoint;
  if (isnan(v))
    return false;
  *q = v < (double)p->qmin   ? p->qmin
       : v > (double)p->qmax ? p->qmax
                             : (int64_t)v;
  return true;
}

int64_t cimElementsQuantize(const CimElements *e, const CimQuantizeLinear *p,
                            unsigned bits, void *out) {
  size_t width = cimElementsStorageWidth(bits);
  bool inFloat = e->kind != CIM_ELEMENTS_F64;
  int64_t channels = p->numScales > 0 ? p->numScales : 1;
  /* Per tensor: one run over everything. */
  int64_t inner = channels == 1 ? e->count : p->inner > 0 ? p->inner : 1;
  if (e->splat) {
    /* One value per channel, written out when the scales differ. */
    double x = floatAt(e, 0);
    if (channels == 1) {
      int64_t q;
      if (!quantizeOne(x, p->scales[0], inFloat, p, &q))
        return 0;
      cimElementsStore(out, width, bits, 0, q);
      return -1;
    }
    for (int64_t i = 0, c = 0; i < e->count; c = (c + 1) % channels) {
      int64_t q;
      if (!quantizeOne(x, p->scales[c], inFloat, p, &q))
        return i;
      for (int64_t k = 0; k < inner && i < e->count; ++k, ++i)
        cimElementsStore(out, width, bits, i, q);
    }
    return -1;
  }
  /* Runs of `inner` elements share a scale: read a bounded chunk of them at
   * a time (streaming: the tensor is never widened to doubles as a whole). */
  enum { CHUNK = 4096 };
  double buf[CHUNK];
  for (int64_t i = 0, c = 0; i < e->count; c = (c + 1) % channels) {
    double scale = p->scales[c];
    int64_t runEnd = i + inner < e->count ? i + inner : e->count;
    while (i < runEnd) {
      int64_t n = runEnd - i < CHUNK ? runEnd - i : CHUNK;
      cimElementsGetDoubles(e, i, n, buf);
      for (int64_t k = 0; k < n; ++k) {
        int64_t q;
        if (!quantizeOne(buf[k], scale, inFloat, p, &q))
          return i + k;
        cimElementsStore(out, width, bits, i + k, q);
      }
      i += n;
    }
  }
  return -1;
}
