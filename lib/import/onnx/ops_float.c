/*===-- ops_float.c - ONNX float operators: pooling, softmax, arithmetic ---===*
 *
 * AveragePool, GlobalAveragePool, Softmax, Sub / Mul / Div (and Add's
 * general case), Sqrt, ReduceMean, Clip and BatchNormalization
 * (docs/onnx.md, "Operators"), emitted in the forms the front end
 * recognises (lib/ir/FrontEndMatch.h):
 *   - an average pool is linalg.pooling_nchw_sum (init: a fill of 0) divided
 *     by the window size (cimMatchAvgPool);
 *   - a multiply or divide by one constant value is a scalar scale
 *     (cimMatchScalarScale); an add or subtract of a constant is a bias add;
 *   - ReduceMean is the reduction `acc + x / n` of the layer-norm pattern;
 *   - Sqrt is a unary linalg.generic over math.sqrt;
 *   - Softmax is linalg.softmax; Clip is a clamp (maximumf / minimumf).
 * Constant operands are folded at import time.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Importer.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

/*===----------------------------------------------------------------------===*
 * A linalg.generic with a body built by the caller
 *===----------------------------------------------------------------------===*/

MlirValue cimOnnxScalarIn(Importer *I, MlirBlock b, MlirLocation loc,
                          double x) {
  MlirType f = cimOnnxF32(I);
  MlirNamedAttribute a =
      cimOnnxNA(I, "value", mlirFloatAttrDoubleGet(I->ctx, f, x));
  return mlirOperationGetResult(
      cimOnnxEmitIn(I, b, "arith.constant", loc, 0, NULL, 1, &f, 1, &a, NULL),
      0);
}

MlirValue cimOnnxOp2(Importer *I, MlirBlock b, MlirLocation loc,
                     const char *name, MlirValue x, MlirValue y) {
  MlirValue xy[2] = {x, y};
  MlirType f = cimOnnxF32(I);
  return mlirOperationGetResult(
      cimOnnxEmitIn(I, b, name, loc, 2, xy, 1, &f, 0, NULL, NULL), 0);
}

MlirValue cimOnnxGenericFn(Importer *I, MlirLocation loc, int nIns,
                           const MlirValue *ins, const char *const *maps,
                           int loops, const bool *reduce, MlirValue init,
                           CimOnnxBodyFn fn, const void *ud) {
  assert(nIns < CIM_ONNX_MAX_GENERIC_INS);
  MlirValue ops[CIM_ONNX_MAX_GENERIC_INS + 1];
  MlirAttribute mapAttrs[CIM_ONNX_MAX_GENERIC_INS + 1];
  MlirType argTypes[CIM_ONNX_MAX_GENERIC_INS + 1];
  MlirLocation argLocs[CIM_ONNX_MAX_GENERIC_INS + 1];
  for (int i = 0; i <= nIns; ++i) {
    ops[i] = i < nIns ? ins[i] : init;
    mapAttrs[i] = mlirAttributeParseGet(I->ctx, cimOnnxS(maps[i]));
    argTypes[i] = cimOnnxF32(I);
    argLocs[i] = loc;
  }
  MlirAttribute its[MAX_RANK];
  MlirAttribute par = mlirAttributeParseGet(
      I->ctx, cimOnnxS("#linalg.iterator_type<parallel>"));
  MlirAttribute red = mlirAttributeParseGet(
      I->ctx, cimOnnxS("#linalg.iterator_type<reduction>"));
  for (int i = 0; i < loops; ++i)
    its[i] = reduce && reduce[i] ? red : par;
  MlirNamedAttribute attrs[3] = {
      cimOnnxNA(I, "indexing_maps",
                mlirArrayAttrGet(I->ctx, nIns + 1, mapAttrs)),
      cimOnnxNA(I, "iterator_types", mlirArrayAttrGet(I->ctx, loops, its)),
      cimOnnxNA(I, "operandSegmentSizes", cimOnnxSegments(I, nIns, 1))};
  MlirBlock b = mlirBlockCreate(nIns + 1, argTypes, argLocs);
  MlirValue args[CIM_ONNX_MAX_GENERIC_INS + 1];
  for (int i = 0; i <= nIns; ++i)
    args[i] = mlirBlockGetArgument(b, i);
  MlirValue y = fn(I, b, loc, args, ud);
  cimOnnxEmitIn(I, b, "linalg.yield", loc, 1, &y, 0, NULL, 0, NULL, NULL);
  MlirRegion r = mlirRegionCreate();
  mlirRegionAppendOwnedBlock(r, b);
  MlirType t = mlirValueGetType(init);
  return mlirOperationGetResult(cimOnnxEmitIn(I, I->block, "linalg.generic",
                                              loc, nIns + 1, ops, 1, &t, 3,
                                              attrs, &r),
                                0);
}

/// A binary arith op of the two inputs, or of the input and a scalar.
typedef struct Bin {
  const char *op;
  bool scalar;      ///< one input; the other operand is `value`
  bool scalarFirst; ///< `value op x` instead of `x op value`
  double value;
} Bin;

static MlirValue binBody(Importer *I, MlirBlock b, MlirLocation loc,
                         const MlirValue *args, const void *ud) {
  const Bin *k = ud;
  if (!k->scalar)
    return cimOnnxOp2(I, b, loc, k->op, args[0], args[1]);
  MlirValue c = cimOnnxScalarIn(I, b, loc, k->value);
  return k->scalarFirst ? cimOnnxOp2(I, b, loc, k->op, c, args[0])
                        : cimOnnxOp2(I, b, loc, k->op, args[0], c);
}

/*===----------------------------------------------------------------------===*
 * Sub, Mul, Div (and Add's general case)
 *===----------------------------------------------------------------------===*/

static const char *const ARITH[] = {"arith.addf", "arith.subf", "arith.mulf",
                                    "arith.divf"};
static const char *const NAMED[] = {"linalg.add", "linalg.sub", "linalg.mul",
                                    "linalg.div"};

static double fold(int kind, double a, double b, bool isFloat) {
  double r = kind == 0   ? a + b
             : kind == 1 ? a - b
             : kind == 2 ? a * b
             : isFloat   ? a / b
             : b != 0    ? trunc(a / b)
                         : 0;
  return isFloat ? (double)(float)r : r;
}

/// Numpy broadcast of a and b into od; false if incompatible.
static bool broadcastShape(const Value *a, const Value *b, int *ro,
                           int64_t *od) {
  int r = a->rank > b->rank ? a->rank : b->rank;
  for (int i = 0; i < r; ++i) {
    int ia = i - (r - a->rank), ib = i - (r - b->rank);
    int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
    if (da != db && da != 1 && db != 1)
      return false;
    od[i] = da == 1 ? db : da;
  }
  *ro = r;
  return true;
}

/// Index into `v` (right-aligned broadcast into rank r) of output element o.
int64_t cimOnnxBcastIndex(const Const *v, int r, const int64_t *od, int64_t o) {
  int64_t idx = 0, st = 1;
  for (int i = r - 1; i >= 0; --i) {
    int64_t oi = o % od[i];
    o /= od[i];
    int vi = i - (r - v->rank);
    if (vi < 0)
      continue;
    idx += (v->dims[vi] == 1 ? 0 : oi) * st;
    st *= v->dims[vi];
  }
  return idx;
}

/// x op c for a constant c of one value `v` (`ca`: c is the left operand):
/// x + c and x - c are bias adds of one value; x * c and x / c are scalar
/// scales. c - x and c / x keep their order.
static bool binaryUniform(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, int kind, bool ca, MlirValue xf,
                          double v, int r, const int64_t *od, MlirValue init) {
  char idm[256];
  cimOnnxIdMap(idm, sizeof idm, r);
  if ((kind == 0 || kind == 1) && !(ca && kind == 1)) {
    if (r == 0)
      return cimOnnxFail(loc,
                         "node '%s' (%s): a rank-0 tensor operand is "
                         "not supported",
                         cimOnnxNodeName(n), n->op_type);
    float *f = malloc((size_t)od[r - 1] * sizeof(float));
    if (!f)
      return cimOnnxFail(loc, "out of memory");
    for (int64_t i = 0; i < od[r - 1]; ++i)
      f[i] = (float)(kind == 1 ? -v : v);
    MlirValue y = cimOnnxAddChannelBias(I, loc, xf, r, od, r - 1, f);
    free(f);
    return cimOnnxDefineFloat(I, n, loc, y, r, od);
  }
  Bin k = {ARITH[kind], true, ca, v};
  const char *maps[2] = {idm, idm};
  MlirValue y =
      cimOnnxGenericFn(I, loc, 1, &xf, maps, r, NULL, init, binBody, &k);
  return cimOnnxDefineFloat(I, n, loc, y, r, od);
}

/// x op c for a constant c varying along some axes (`ca`: c is the left
/// operand).
static bool binaryVarying(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, int kind, bool ca, Value *c,
                          MlirValue xf, int r, const int64_t *od,
                          MlirValue init) {
  char idm[256];
  cimOnnxIdMap(idm, sizeof idm, r);
  /* A constant varying along some axes: materialized without its broadcast
   * (unit) dimensions, read through a projected map. */
  int keep[MAX_RANK], nk = 0;
  int64_t kd[MAX_RANK];
  for (int i = 0; i < c->rank; ++i) {
    int oi = i + (r - c->rank);
    if (c->dims[i] != 1) {
      keep[nk] = oi;
      kd[nk++] = c->dims[i];
    }
  }
  /* Varying along several axes and of the result's full shape (ViT's
   * position embedding): the named op of two tensors, which the front end
   * reads as a tensor add (cimMatchTensorAdd). */
  bool full = nk >= 2 && c->rank == r;
  for (int i = 0; full && i < r; ++i)
    full = c->dims[i] == od[i];
  if (full) {
    MlirValue cf = cimOnnxUseFloat(I, n, loc, c);
    if (mlirValueIsNull(cf))
      return false;
    MlirValue ins[2] = {ca ? cf : xf, ca ? xf : cf};
    MlirValue y = cimOnnxEmitNamed(I, NAMED[kind], loc, 2, ins, init, 0, NULL);
    return cimOnnxDefineFloat(I, n, loc, y, r, od);
  }
  float *f = malloc((size_t)c->c->n * sizeof(float));
  if (!f)
    return cimOnnxFail(loc, "out of memory");
  for (int64_t i = 0; i < c->c->n; ++i)
    f[i] = (float)(kind == 1 && !ca ? -c->c->v[i] : c->c->v[i]);
  MlirValue cv = cimOnnxConstF32(I, loc, nk, kd, f, c->c->n);
  free(f);
  char cm[256];
  cimOnnxMapText(cm, sizeof cm, r, keep, nk);
  bool asAdd = kind == 1 && !ca; /* x - c = x + (-c), a bias add */
  Bin k = {ARITH[asAdd ? 0 : kind], false, false, 0};
  const char *maps[3] = {ca ? cm : idm, ca ? idm : cm, idm};
  MlirValue ins[2] = {ca ? cv : xf, ca ? xf : cv};
  MlirValue y =
      cimOnnxGenericFn(I, loc, 2, ins, maps, r, NULL, init, binBody, &k);
  return cimOnnxDefineFloat(I, n, loc, y, r, od);
}

/// A non-constant operand of a binary op must have the result's shape
/// (broadcasting a tensor is not supported): fails naming it otherwise.
static bool hasResultShape(const Onnx__NodeProto *n, MlirLocation loc,
                           const Value *v, int r, const int64_t *od) {
  bool same = v->rank == r;
  for (int i = 0; same && i < r; ++i)
    same = v->dims[i] == od[i];
  if (!same)
    return cimOnnxFail(loc,
                       "node '%s' (%s): broadcasting the non-constant "
                       "operand '%s' is not supported",
                       cimOnnxNodeName(n), n->op_type, v->name);
  return true;
}

/// Elementwise `a op b` (kind: 0 add, 1 sub, 2 mul, 3 div) with numpy
/// broadcasting of constants; a non-constant operand must have the
/// result's shape.
bool cimOnnxBinary(Importer *I, const Onnx__NodeProto *n, MlirLocation loc,
                   int kind) {
  IN(a, 0) IN(b, 1) REQUIRE(a, "A") REQUIRE(b, "B") int r;
  int64_t od[MAX_RANK];
  if (!broadcastShape(a, b, &r, od))
    return cimOnnxFail(loc, "node '%s' (%s): shapes do not broadcast",
                       cimOnnxNodeName(n), n->op_type);
  bool ca = a->kind == K_CONST, cb = b->kind == K_CONST;
  if (ca && cb) {
    bool isFloat = a->c->dtype == DT_FLOAT || a->c->dtype == DT_DOUBLE;
    Const *c = cimOnnxConstNew(a->c->dtype, r, od);
    for (int64_t o = 0; c && o < c->n; ++o)
      c->v[o] = fold(kind, a->c->v[cimOnnxBcastIndex(a->c, r, od, o)],
                     b->c->v[cimOnnxBcastIndex(b->c, r, od, o)], isFloat);
    return cimOnnxDefineConst(I, n, loc, c);
  }
  Value *x = ca ? b : a, *c = ca ? a : b;
  if (!hasResultShape(n, loc, x, r, od))
    return false;
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  MlirValue init = cimOnnxEmptyF32(I, loc, r, od);
  if (c->kind != K_CONST) {
    if (!hasResultShape(n, loc, c, r, od))
      return false;
    MlirValue cf = cimOnnxUseFloat(I, n, loc, c);
    if (mlirValueIsNull(cf))
      return false;
    MlirValue ins[2] = {ca ? cf : xf, ca ? xf : cf};
    MlirValue y = cimOnnxEmitNamed(I, NAMED[kind], loc, 2, ins, init, 0, NULL);
    return cimOnnxDefineFloat(I, n, loc, y, r, od);
  }
  if (c->c->dtype != DT_FLOAT && c->c->dtype != DT_DOUBLE)
    return cimOnnxFail(loc,
                       "node '%s' (%s): constant '%s' of type %s used as "
                       "a float tensor",
                       cimOnnxNodeName(n), n->op_type, c->name,
                       cimOnnxDtypeName(c->c->dtype));
  bool uniform = c->c->n >= 1;
  for (int64_t i = 1; uniform && i < c->c->n; ++i)
    uniform = c->c->v[i] == c->c->v[0];
  if (uniform)
    return binaryUniform(I, n, loc, kind, ca, xf, (float)c->c->v[0], r, od,
                         init);
  return binaryVarying(I, n, loc, kind, ca, c, xf, r, od, init);
}

bool cimOnnxSub(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  return cimOnnxBinary(I, n, loc, 1);
}
bool cimOnnxMul(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  return cimOnnxBinary(I, n, loc, 2);
}
bool cimOnnxDiv(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  return cimOnnxBinary(I, n, loc, 3);
}

/*===----------------------------------------------------------------------===*
 * Sqrt, ReduceMean, Clip, Softmax
 *===----------------------------------------------------------------------===*/

static MlirValue sqrtBody(Importer *I, MlirBlock b, MlirLocation loc,
                          const MlirValue *args, const void *ud) {
  (void)ud;
  MlirType f = cimOnnxF32(I);
  return mlirOperationGetResult(
      cimOnnxEmitIn(I, b, "math.sqrt", loc, 1, args, 1, &f, 0, NULL, NULL), 0);
}

bool cimOnnxSqrt(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "X") if (x->kind == K_CONST && !x->dqInt) {
    Const *c = cimOnnxConstNew(x->c->dtype, x->c->rank, x->c->dims);
    for (int64_t i = 0; c && i < c->n; ++i)
      c->v[i] = (double)sqrtf((float)x->c->v[i]);
    return cimOnnxDefineConst(I, n, loc, c);
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  char m[256];
  cimOnnxIdMap(m, sizeof m, x->rank);
  const char *maps[2] = {m, m};
  MlirValue y = cimOnnxGenericFn(I, loc, 1, &xf, maps, x->rank, NULL,
                                 cimOnnxEmptyF32(I, loc, x->rank, x->dims),
                                 sqrtBody, NULL);
  return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
}

static MlirValue meanBody(Importer *I, MlirBlock b, MlirLocation loc,
                          const MlirValue *args, const void *ud) {
  MlirValue q = cimOnnxOp2(I, b, loc, "arith.divf", args[0],
                           cimOnnxScalarIn(I, b, loc, *(const double *)ud));
  return cimOnnxOp2(I, b, loc, "arith.addf", args[1], q);
}

bool cimOnnxReduceMean(Importer *I, const Onnx__NodeProto *n,
                       MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "data") int64_t axes[MAX_RANK];
  int k = cimOnnxAttrInts(n, "axes", axes, MAX_RANK);
  if (k < 0 && n->n_input > 1 && n->input[1] && *n->input[1]) {
    IN(a, 1)
    if (!a || !a->c || a->c->n > MAX_RANK)
      return cimOnnxFail(loc,
                         "node '%s' (ReduceMean): axes must be a "
                         "constant",
                         cimOnnxNodeName(n));
    k = (int)a->c->n;
    for (int i = 0; i < k; ++i)
      axes[i] = (int64_t)a->c->v[i];
  }
  bool red[MAX_RANK] = {false};
  for (int i = 0; i < x->rank; ++i)
    red[i] = k <= 0 && !cimOnnxAttrInt(n, "noop_with_empty_axes", 0);
  for (int i = 0; i < k; ++i) {
    int64_t a = axes[i] < 0 ? axes[i] + x->rank : axes[i];
    if (a < 0 || a >= x->rank)
      return cimOnnxFail(loc, "node '%s' (ReduceMean): axis %lld out of range",
                         cimOnnxNodeName(n), (long long)axes[i]);
    red[a] = true;
  }
  if (x->kind == K_CONST)
    return cimOnnxFail(loc,
                       "node '%s' (ReduceMean): a constant input is not "
                       "supported",
                       cimOnnxNodeName(n));
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  int keep[MAX_RANK], nk = 0;
  int64_t rd[MAX_RANK], kd[MAX_RANK];
  double count = 1;
  for (int i = 0; i < x->rank; ++i) {
    kd[i] = red[i] ? 1 : x->dims[i];
    if (red[i])
      count *= (double)x->dims[i];
    else {
      keep[nk] = i;
      rd[nk++] = x->dims[i];
    }
  }
  char m0[256], m1[256];
  cimOnnxIdMap(m0, sizeof m0, x->rank);
  cimOnnxMapText(m1, sizeof m1, x->rank, keep, nk);
  const char *maps[2] = {m0, m1};
  MlirValue init = cimOnnxFillF32(I, loc, nk, rd, cimOnnxZeroF32(I, loc));
  MlirValue y = cimOnnxGenericFn(I, loc, 1, &xf, maps, x->rank, red, init,
                                 meanBody, &count);
  if (cimOnnxAttrInt(n, "keepdims", 1)) {
    y = cimOnnxReshape(I, loc, y, nk, rd, x->rank, kd);
    return cimOnnxDefineFloat(I, n, loc, y, x->rank, kd);
  }
  return cimOnnxDefineFloat(I, n, loc, y, nk, rd);
}

typedef struct Clamp {
  double lo, hi;
} Clamp;

static MlirValue clampBody(Importer *I, MlirBlock b, MlirLocation loc,
                           const MlirValue *args, const void *ud) {
  const Clamp *c = ud;
  MlirValue y = args[0];
  if (c->lo > -INFINITY)
    y = cimOnnxOp2(I, b, loc, "arith.maximumf", y,
                   cimOnnxScalarIn(I, b, loc, c->lo));
  if (c->hi < INFINITY)
    y = cimOnnxOp2(I, b, loc, "arith.minimumf", y,
                   cimOnnxScalarIn(I, b, loc, c->hi));
  return y;
}

/// The storage range [*lo, *hi] a Clip with bounds `c` leaves of an
/// integer tensor whose range is [slo, shi]: the bounds must be integers
/// (ONNX gives them the input's type) with min <= max, and the result must
/// not be empty. One diagnostic otherwise.
static bool clipStorageRange(const Onnx__NodeProto *n, MlirLocation loc,
                             const Clamp *c, int32_t dtype, int64_t slo,
                             int64_t shi, int64_t *lo, int64_t *hi) {
  const char *name = cimOnnxNodeName(n);
  if (c->lo > c->hi)
    return cimOnnxFail(loc,
                       "node '%s' (Clip): min %g is greater than max %g; the "
                       "range of a quantized tensor must not be empty",
                       name, c->lo, c->hi);
  double b[2] = {c->lo, c->hi};
  for (int i = 0; i < 2; ++i)
    if (isfinite(b[i]) && b[i] != floor(b[i]))
      return cimOnnxFail(loc,
                         "node '%s' (Clip): %s %g is not an integer; the "
                         "bounds of a quantized (%s) tensor are storage "
                         "integers",
                         name, i ? "max" : "min", b[i],
                         cimOnnxDtypeName(dtype));
  *lo = (int64_t)fmax((double)slo, c->lo);
  *hi = (int64_t)fmin((double)shi, c->hi);
  if (*lo > *hi)
    return cimOnnxFail(loc,
                       "node '%s' (Clip): the range [%g, %g] holds no value "
                       "of the input's %s range [%lld, %lld]",
                       name, c->lo, c->hi, cimOnnxDtypeName(dtype),
                       (long long)slo, (long long)shi);
  return true;
}

/// Clip: a clamp on floats. On a quantized tensor (QuantizeLinear's output,
/// torch's (0, 127) activations) it narrows the storage range, which is a
/// requantization to the same scale and zero point with the narrower range;
/// on an int8/uint8 constant (a weight before its DequantizeLinear) it
/// clamps the values and records the range. Either way the quant type then
/// stores the narrowest integer holding the range (cimOnnxQuantElemType).
bool cimOnnxClip(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0)
  IN(lo, 1) IN(hi, 2) REQUIRE(x, "input")
      Clamp c = {cimOnnxAttrFloat(n, "min", -INFINITY),
                 cimOnnxAttrFloat(n, "max", INFINITY)};
  if ((lo && (!lo->c || lo->c->n != 1)) || (hi && (!hi->c || hi->c->n != 1)))
    return cimOnnxFail(loc,
                       "node '%s' (Clip): min and max must be scalar "
                       "constants",
                       cimOnnxNodeName(n));
  if (lo)
    c.lo = lo->c->v[0];
  if (hi)
    c.hi = hi->c->v[0];
  if (x->kind == K_CONST && !x->dqInt) {
    bool narrow = cimOnnxIsIntType(x->c->dtype);
    int64_t qlo = 0, qhi = 0;
    if (narrow) {
      int64_t slo = 0, shi = 0;
      cimOnnxStorageRange(x->c->dtype, &slo, &shi);
      if (x->c->hasRange)
        slo = x->c->lo, shi = x->c->hi;
      if (!clipStorageRange(n, loc, &c, x->c->dtype, slo, shi, &qlo, &qhi))
        return false;
    }
    Const *k = cimOnnxConstNew(x->c->dtype, x->c->rank, x->c->dims);
    for (int64_t i = 0; k && i < k->n; ++i)
      k->v[i] = fmin(fmax(x->c->v[i], c.lo), c.hi);
    if (k && narrow) {
      k->hasRange = true;
      k->lo = qlo;
      k->hi = qhi;
    }
    return cimOnnxDefineConst(I, n, loc, k);
  }
  if (x->kind == K_QUANT) {
    if (x->q.n != 1)
      return cimOnnxFail(loc, "node '%s' (Clip): per-axis quantized input",
                         cimOnnxNodeName(n));
    int64_t slo = 0, shi = 0, qlo = 0, qhi = 0;
    cimOnnxStorageRange(x->q.dtype, &slo, &shi);
    if (x->q.hasRange)
      slo = x->q.lo, shi = x->q.hi;
    if (!clipStorageRange(n, loc, &c, x->q.dtype, slo, shi, &qlo, &qhi))
      return false;
    if (x->q.zps[0] < qlo || x->q.zps[0] > qhi)
      return cimOnnxFail(loc,
                         "node '%s' (Clip): the range [%g, %g] leaves out "
                         "the zero point %lld",
                         cimOnnxNodeName(n), c.lo, c.hi,
                         (long long)x->q.zps[0]);
    QParams q;
    if (!cimOnnxQCopy(&q, &x->q))
      return cimOnnxFail(loc, "out of memory");
    q.hasRange = true;
    q.lo = qlo;
    q.hi = qhi;
    MlirValue f = cimOnnxUseFloat(I, n, loc, x);
    Value *o = cimOnnxOutput(I, n, 0, loc);
    if (!o) {
      cimOnnxQFree(&q);
      return false;
    }
    o->kind = K_QUANT;
    o->dtype = x->dtype;
    o->q = q;
    cimOnnxSetShape(o, x->rank, x->dims);
    o->v = cimOnnxEmit1(
        I, "quant.qcast", loc, 1, &f,
        cimOnnxTensorOf(x->rank, x->dims, cimOnnxQuantElemType(I, &q)), 0,
        NULL);
    return true;
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  char m[256];
  cimOnnxIdMap(m, sizeof m, x->rank);
  const char *maps[2] = {m, m};
  MlirValue y = cimOnnxGenericFn(I, loc, 1, &xf, maps, x->rank, NULL,
                                 cimOnnxEmptyF32(I, loc, x->rank, x->dims),
                                 clampBody, &c);
  return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
}

bool cimOnnxSoftmax(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0)
  REQUIRE(x, "input") int64_t axis =
      cimOnnxAttrInt(n, "axis", I->opset >= 13 ? -1 : 1);
  if (axis < 0)
    axis += x->rank;
  if (axis < 0 || axis >= x->rank)
    return cimOnnxFail(loc, "node '%s' (Softmax): axis out of range",
                       cimOnnxNodeName(n));
  /* Before opset 13, Softmax normalizes over all dimensions from `axis` on
   * (the input coerced to 2-D): the same as one axis when it is the last. */
  if (I->opset < 13 && axis != x->rank - 1)
    return cimOnnxFail(loc,
                       "node '%s' (Softmax): opset %lld's softmax over "
                       "dimensions %lld.. is supported only on the last "
                       "dimension",
                       cimOnnxNodeName(n), (long long)I->opset,
                       (long long)axis);
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  MlirValue ops[2] = {xf, cimOnnxEmptyF32(I, loc, x->rank, x->dims)};
  MlirNamedAttribute a = cimOnnxNA(
      I, "dimension", mlirIntegerAttrGet(mlirIntegerTypeGet(I->ctx, 64), axis));
  MlirValue y = cimOnnxEmit1(I, "linalg.softmax", loc, 2, ops,
                             cimOnnxF32Tensor(I, x->rank, x->dims), 1, &a);
  return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
}

/*===----------------------------------------------------------------------===*
 * AveragePool, GlobalAveragePool
 *===----------------------------------------------------------------------===*/

/// Sum pool of `xf` with window kernel[2] then a divide by its size.
static MlirValue avgPool(Importer *I, MlirLocation loc, MlirValue xf,
                         const int64_t *pd, const ConvGeom *g, int64_t *od) {
  od[0] = pd[0];
  od[1] = pd[1];
  for (int i = 0; i < 2; ++i)
    od[2 + i] =
        (pd[2 + i] - g->dilations[i] * (g->kernel[i] - 1) - 1) / g->strides[i] +
        1;
  MlirValue init = cimOnnxFillF32(I, loc, 4, od, cimOnnxZeroF32(I, loc));
  MlirValue win = cimOnnxEmptyF32(I, loc, 2, g->kernel);
  MlirType i64t =
      cimOnnxTensorOf(1, (int64_t[]){2}, mlirIntegerTypeGet(I->ctx, 64));
  MlirNamedAttribute attrs[2] = {
      cimOnnxNA(I, "dilations",
                mlirDenseElementsAttrInt64Get(i64t, 2, g->dilations)),
      cimOnnxNA(I, "strides",
                mlirDenseElementsAttrInt64Get(i64t, 2, g->strides))};
  MlirValue ins[2] = {xf, win};
  MlirValue s = cimOnnxEmitNamed(I, "linalg.pooling_nchw_sum", loc, 2, ins,
                                 init, 2, attrs);
  char m[256];
  cimOnnxIdMap(m, sizeof m, 4);
  const char *maps[2] = {m, m};
  Bin k = {"arith.divf", true, false, (double)(g->kernel[0] * g->kernel[1])};
  return cimOnnxGenericFn(I, loc, 1, &s, maps, 4, NULL,
                          cimOnnxEmptyF32(I, loc, 4, od), binBody, &k);
}

bool cimOnnxAveragePool(Importer *I, const Onnx__NodeProto *n,
                        MlirLocation loc) {
  IN(x, 0)
  REQUIRE(x, "X") if (x->rank != 4) return cimOnnxFail(
      loc,
      "node '%s' (AveragePool): only 2-D pooling is "
      "supported",
      cimOnnxNodeName(n));
  ConvGeom g;
  if (!cimOnnxReadConvGeom(n, loc, x->dims, 0, 0, true, &g))
    return false;
  if (cimOnnxAnyPad(&g) && !cimOnnxAttrInt(n, "count_include_pad", 0))
    return cimOnnxFail(loc,
                       "node '%s' (AveragePool): padding with "
                       "count_include_pad = 0 divides border windows by "
                       "fewer elements; only count_include_pad = 1 (or "
                       "no padding) is supported",
                       cimOnnxNodeName(n));
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  int64_t pd[4] = {x->dims[0], x->dims[1], x->dims[2], x->dims[3]}, od[4];
  if (cimOnnxAnyPad(&g))
    xf =
        cimOnnxEmitPad(I, loc, xf, x->dims, g.pads, cimOnnxZeroF32(I, loc), pd);
  MlirValue y = avgPool(I, loc, xf, pd, &g, od);
  return cimOnnxDefineFloat(I, n, loc, y, 4, od);
}

bool cimOnnxGlobalAveragePool(Importer *I, const Onnx__NodeProto *n,
                              MlirLocation loc) {
  IN(x, 0)
  REQUIRE(x, "X") if (x->rank != 4) return cimOnnxFail(
      loc,
      "node '%s' (GlobalAveragePool): only rank-4 (NCHW) "
      "inputs are supported",
      cimOnnxNodeName(n));
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  ConvGeom g = {.strides = {1, 1},
                .dilations = {1, 1},
                .kernel = {x->dims[2], x->dims[3]},
                .group = 1};
  int64_t od[4];
  MlirValue y = avgPool(I, loc, xf, x->dims, &g, od);
  return cimOnnxDefineFloat(I, n, loc, y, 4, od);
}

/*===----------------------------------------------------------------------===*
 * BatchNormalization
 *===----------------------------------------------------------------------===*/

/// Per-channel scale and shift of an inference BatchNormalization:
/// y = x * s + t, s = gamma / sqrt(var + eps), t = beta - mean * s.
bool cimOnnxBatchNormParams(const Onnx__NodeProto *n, MlirLocation loc,
                            Value *const *in, int64_t channels, double *s,
                            double *t) {
  static const char *what[4] = {"scale", "B", "input_mean", "input_var"};
  for (int k = 0; k < 4; ++k)
    if (!in[k] || !in[k]->c || in[k]->c->n != channels)
      return cimOnnxFail(loc,
                         "node '%s' (BatchNormalization): %s must be a "
                         "constant of %lld values",
                         cimOnnxNodeName(n), what[k], (long long)channels);
  if (cimOnnxAttrInt(n, "training_mode", 0))
    return cimOnnxFail(loc,
                       "node '%s' (BatchNormalization): training_mode = 1 "
                       "is not supported (export for inference)",
                       cimOnnxNodeName(n));
  double eps = cimOnnxAttrFloat(n, "epsilon", 1e-5);
  for (int64_t c = 0; c < channels; ++c) {
    s[c] = in[0]->c->v[c] / sqrt(in[3]->c->v[c] + (double)(float)eps);
    t[c] = in[1]->c->v[c] - in[2]->c->v[c] * s[c];
  }
  return true;
}

bool cimOnnxBatchNorm(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0)
  REQUIRE(x, "X")
      /* Folded into the convolution that produced x (layers.c cimOnnxConv). */
      if (x->bnFolded) return cimOnnxAlias(I, n, loc);
  if (x->rank < 2)
    return cimOnnxFail(loc, "node '%s' (BatchNormalization): rank %d input",
                       cimOnnxNodeName(n), x->rank);
  Value *in[4];
  for (int k = 0; k < 4; ++k) {
    bool bad = false;
    in[k] = cimOnnxInput(I, n, (size_t)k + 1, loc, &bad);
    if (bad)
      return false;
  }
  int64_t C = x->dims[1];
  double *s = malloc((size_t)C * 2 * sizeof(double));
  float *f = malloc((size_t)C * 2 * sizeof(float));
  if (!s || !f) {
    free(s);
    free(f);
    return cimOnnxFail(loc, "out of memory");
  }
  MlirValue xf = (MlirValue){NULL};
  if (cimOnnxBatchNormParams(n, loc, in, C, s, s + C))
    xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf)) {
    free(s);
    free(f);
    return false;
  }
  for (int64_t c = 0; c < 2 * C; ++c)
    f[c] = (float)s[c];
  free(s);
  /* Not after a foldable conv: a per-channel multiply, then a bias add. */
  MlirValue sv = cimOnnxConstF32(I, loc, 1, &C, f, C);
  char m0[256], m1[256];
  int axis = 1;
  cimOnnxIdMap(m0, sizeof m0, x->rank);
  cimOnnxMapText(m1, sizeof m1, x->rank, &axis, 1);
  const char *maps[3] = {m0, m1, m0};
  MlirValue ins[2] = {xf, sv};
  Bin k = {"arith.mulf", false, false, 0};
  MlirValue y =
      cimOnnxGenericFn(I, loc, 2, ins, maps, x->rank, NULL,
                       cimOnnxEmptyF32(I, loc, x->rank, x->dims), binBody, &k);
  y = cimOnnxAddChannelBias(I, loc, y, x->rank, x->dims, 1, f + C);
  free(f);
  return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
}
