/*===-- layers.c - convert-linalg-to-cim: matrix-vector layers -------------===*
 *
 * Every linalg form is described as a `Form`: which operand is the
 * activation and which the weights, how each is permuted and reshaped into
 * cim.matmul's [M, K] x [K, N] or cim.conv2d's layouts, and how the cim
 * result is reshaped and permuted back into the linalg result. Constant
 * operands are transformed at compile time; run-time ones with
 * cim.transpose / cim.reshape.
 *===----------------------------------------------------------------------===*/

#include "Convert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/AffineExpr.h"
#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Linalg.h"

#include "ir/PassUtils.h"
#include "support/StrBuf.h"

/// Shape of one operand transform: permute (if perm) then reshape (if rank).
typedef struct Xform {
  bool permute;
  int64_t perm[CV_MAX_RANK];
  intptr_t reshapeRank; /* 0: no reshape */
  int64_t reshape[CV_MAX_RANK];
} Xform;

typedef struct Form {
  const char *name;
  bool conv;
  int actIdx, wIdx;
  intptr_t aRank, wRank, rRank;
  int64_t a[CV_MAX_RANK], w[CV_MAX_RANK], r[CV_MAX_RANK];
  Xform actX, wX;
  /* result: cim shape, then reshape (resReshape), then permute (resPerm) */
  intptr_t cimRank;
  int64_t cim[CV_MAX_RANK];
  bool resReshape;
  int64_t resReshapeShape[CV_MAX_RANK];
  intptr_t resReshapeRank;
  bool resPermute;
  int64_t resPerm[CV_MAX_RANK];
  const char *layout;
  int64_t groups;
  int hDim, wDim;
  int64_t reduction;
  int64_t outAxis; /* channel axis of the linalg result, -1: none */
  int64_t wAxis;   /* axis of the linalg weights carrying output channels */
  bool unsignedA, unsignedW;
} Form;

static const char *const kNamedLayers[] = {
    "linalg.matmul",
    "linalg.batch_matmul",
    "linalg.matvec",
    "linalg.vecmat",
    "linalg.conv_2d_nchw_fchw",
    "linalg.conv_2d_nhwc_hwcf",
    "linalg.depthwise_conv_2d_nchw_chw",
    "linalg.depthwise_conv_2d_nhwc_hwc",
    "linalg.depthwise_conv_2d_nhwc_hwcm",
    "linalg.conv_2d_ngchw_gfchw",
    "linalg.conv_2d_ngchw_fgchw",
    "linalg.conv_2d_nhwgc_gfhwc",
};

bool cvIsLayerOp(MlirOperation op) {
  for (size_t i = 0; i < sizeof kNamedLayers / sizeof kNamedLayers[0]; ++i)
    if (cimOpIsA(op, kNamedLayers[i]))
      return true;
  return cimOpIsA(op, "linalg.generic") && mlirLinalgIsAContractionOp(op);
}

/*===----------------------------------------------------------------------===*
 * Small helpers
 *===----------------------------------------------------------------------===*/

static void appendToBuffer(MlirStringRef s, void *userData) {
  char *buf = userData;
  size_t used = strlen(buf);
  size_t room = 127 - used;
  size_t n = s.length < room ? s.length : room;
  memcpy(buf + used, s.data, n);
  buf[used + n] = '\0';
}

/// linalg's `cast` attribute: operands are extended as unsigned when it is
/// `#linalg.type_fn<cast_unsigned>`, as signed otherwise.
static bool castsUnsigned(MlirOperation op) {
  MlirAttribute cast = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("cast"));
  if (mlirAttributeIsNull(cast))
    return false;
  char printed[128] = {0};
  mlirAttributePrint(cast, appendToBuffer, printed);
  return strcmp(printed, "#linalg.type_fn<cast_unsigned>") == 0;
}

/// In a generic's body: is block argument `i` zero-extended (arith.extui)?
static bool bodyExtendsUnsigned(MlirOperation op, intptr_t i) {
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0));
  MlirValue arg = mlirBlockGetArgument(body, i);
  for (MlirOpOperand u = mlirValueGetFirstUse(arg); !mlirOpOperandIsNull(u);
       u = mlirOpOperandGetNextUse(u))
    if (cimOpIsA(mlirOpOperandGetOwner(u), "arith.extui"))
      return true;
  return false;
}

/// True if `value` is all zeros: `arith.constant dense<0>` or `linalg.fill`
/// with a zero constant.
static bool isZeroTensor(MlirValue value) {
  if (!mlirValueIsAOpResult(value))
    return false;
  MlirOperation def = mlirOpResultGetOwner(value);
  if (cimOpIsA(def, "arith.constant")) {
    MlirAttribute v = mlirOperationGetAttributeByName(
        def, mlirStringRefCreateFromCString("value"));
    return cimAttrIsZeroSplat(v);
  }
  if (cimOpIsA(def, "linalg.fill") && mlirOperationGetNumOperands(def) == 2)
    return cimValueIsZeroConstant(mlirOperationGetOperand(def, 0));
  return false;
}

static void readPair(MlirOperation op, const char *name, int64_t out[2]) {
  out[0] = out[1] = 1;
  MlirAttribute a =
      mlirOperationGetAttributeByName(op, mlirStringRefCreateFromCString(name));
  if (!mlirAttributeIsNull(a) && mlirAttributeIsADenseElements(a) &&
      mlirElementsAttrGetNumElements(a) == 2)
    for (int i = 0; i < 2; ++i)
      out[i] = mlirDenseElementsAttrGetInt64Value(a, i);
}

static void setPerm(Xform *x, intptr_t rank, const int64_t *perm) {
  x->permute = true;
  memcpy(x->perm, perm, (size_t)rank * sizeof *perm);
}

static void setReshape(Xform *x, intptr_t rank, const int64_t *shape) {
  x->reshapeRank = rank;
  memcpy(x->reshape, shape, (size_t)rank * sizeof *shape);
}

static int64_t prod(intptr_t n, const int64_t *v) {
  int64_t p = 1;
  for (intptr_t i = 0; i < n; ++i)
    p *= v[i];
  return p;
}

/*===----------------------------------------------------------------------===*
 * Forms
 *===----------------------------------------------------------------------===*/

/// Position of dim `d` among the results of `map`, or -1.
static int64_t mapPosition(MlirAffineMap map, int64_t d) {
  for (intptr_t i = 0; i < mlirAffineMapGetNumResults(map); ++i) {
    MlirAffineExpr e = mlirAffineMapGetResult(map, i);
    if (mlirAffineExprIsADim(e) && (int64_t)mlirAffineDimExprGetPosition(e) == d)
      return i;
  }
  return -1;
}

/// Element i of a dense i32 or i64 array (MLIR 22's contraction inference
/// returns i32 arrays).
static int64_t arrayElement(MlirAttribute a, intptr_t i) {
  return mlirAttributeIsADenseI32Array(a) ? mlirDenseI32ArrayGetElement(a, i)
                                          : mlirDenseI64ArrayGetElement(a, i);
}

static bool oneDim(MlirAttribute a, int64_t *d) {
  if (mlirAttributeIsNull(a) || mlirDenseArrayGetNumElements(a) != 1 ||
      !(mlirAttributeIsADenseI32Array(a) || mlirAttributeIsADenseI64Array(a)))
    return false;
  *d = arrayElement(a, 0);
  return true;
}

/// A contraction with one m, n, k and at most one batch dimension, each
/// operand indexed by a permutation of its dims: permute A to [b, m, k],
/// B to [b, k, n], the [b, m, n] result to C's order.
static bool contractionForm(CvConverter *cv, MlirOperation op, Form *f) {
  MlirLinalgContractionDimensions dims =
      mlirLinalgInferContractionDimensions(op);
  int64_t b = -1, m, n, k;
  intptr_t nb = mlirAttributeIsNull(dims.batch)
                    ? 0
                    : mlirDenseArrayGetNumElements(dims.batch);
  MlirAttribute maps = mlirLinalgGetIndexingMapsAttribute(op);
  bool ok = nb <= 1 && oneDim(dims.m, &m) && oneDim(dims.n, &n) &&
            oneDim(dims.k, &k) && !mlirAttributeIsNull(maps) &&
            mlirArrayAttrGetNumElements(maps) == 3;
  if (ok && nb == 1)
    b = arrayElement(dims.batch, 0);
  MlirAffineMap am, bm, cm;
  intptr_t rank = nb + 2;
  if (ok) {
    am = mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, 0));
    bm = mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, 1));
    cm = mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, 2));
    ok = mlirAffineMapGetNumResults(am) == rank &&
         mlirAffineMapGetNumResults(bm) == rank &&
         mlirAffineMapGetNumResults(cm) == rank;
  }
  int64_t aWant[3], bWant[3], cWant[3];
  intptr_t o = 0;
  if (nb) {
    aWant[0] = bWant[0] = cWant[0] = b;
    o = 1;
  }
  aWant[o] = m, aWant[o + 1] = k;
  bWant[o] = k, bWant[o + 1] = n;
  cWant[o] = m, cWant[o + 1] = n;
  int64_t aPerm[3], bPerm[3], cPos[3];
  for (intptr_t i = 0; ok && i < rank; ++i) {
    aPerm[i] = mapPosition(am, aWant[i]);
    bPerm[i] = mapPosition(bm, bWant[i]);
    cPos[i] = mapPosition(cm, cWant[i]);
    ok = aPerm[i] >= 0 && bPerm[i] >= 0 && cPos[i] >= 0;
  }
  if (!ok) {
    char name[64];
    cvError(cv, op,
            "%s with transposed or broadcast operands is supported only as a "
            "contraction with one M, N and K dimension and an optional batch "
            "dimension, each operand indexed by a permutation of its "
            "dimensions",
            cvOpName(op, name, sizeof name));
    return false;
  }
  bool aId = true, bId = true, cId = true;
  for (intptr_t i = 0; i < rank; ++i) {
    aId &= aPerm[i] == i;
    bId &= bPerm[i] == i;
    cId &= cPos[i] == i;
  }
  if (!aId)
    setPerm(&f->actX, rank, aPerm);
  if (!bId)
    setPerm(&f->wX, rank, bPerm);
  f->cimRank = rank;
  for (intptr_t i = 0; i < rank; ++i)
    f->cim[i] = f->r[cPos[i]];
  if (!cId) {
    /* result dim j is cim dim p where cPos[p] == j */
    f->resPermute = true;
    for (intptr_t j = 0; j < rank; ++j)
      for (intptr_t p = 0; p < rank; ++p)
        if (cPos[p] == j)
          f->resPerm[j] = p;
  }
  f->reduction = f->a[aPerm[rank - 1]];
  f->outAxis = cPos[rank - 1];
  f->wAxis = bPerm[rank - 1];
  f->unsignedA = bodyExtendsUnsigned(op, 0);
  f->unsignedW = bodyExtendsUnsigned(op, 1);
  return true;
}

/// Fills `f` for op; shapes must already be read. Emits on failure.
static bool buildForm(CvConverter *cv, MlirOperation op, Form *f) {
  const int64_t *A = f->a, *W = f->w, *R = f->r;
  f->outAxis = f->wAxis = -1;
  f->groups = 1;
  f->hDim = 2, f->wDim = 3;
  bool unsignedCast = castsUnsigned(op);
  f->unsignedA = f->unsignedW = unsignedCast;
#define WANT(ar, wr, rr)                                                       \
  if (f->aRank != (ar) || f->wRank != (wr) || f->rRank != (rr))                \
    goto badRank;
  if (cimOpIsA(op, "linalg.generic")) {
    return contractionForm(cv, op, f);
  } else if (cimOpIsA(op, "linalg.matmul") ||
             cimOpIsA(op, "linalg.batch_matmul")) {
    if (!cimLinalgHasDefaultIndexingMaps(op)) {
      bool unsignedOps = f->unsignedA;
      if (!contractionForm(cv, op, f))
        return false;
      f->unsignedA = f->unsignedW = unsignedOps;
      return true;
    }
    intptr_t rank = cimOpIsA(op, "linalg.matmul") ? 2 : 3;
    WANT(rank, rank, rank);
    f->cimRank = rank;
    memcpy(f->cim, R, (size_t)rank * sizeof *R);
    f->reduction = A[rank - 1];
    f->outAxis = f->wAxis = rank - 1;
  } else if (cimOpIsA(op, "linalg.matvec")) {
    /* y[n] = sum_k A[n, k] x[k]: weights on the left. */
    f->actIdx = 1, f->wIdx = 0;
    WANT(1, 2, 1);
    int64_t as[2] = {1, A[0]}, perm[2] = {1, 0};
    setReshape(&f->actX, 2, as);
    setPerm(&f->wX, 2, perm);
    f->cimRank = 2, f->cim[0] = 1, f->cim[1] = R[0];
    f->resReshape = true, f->resReshapeRank = 1;
    f->resReshapeShape[0] = R[0];
    f->reduction = A[0];
    f->outAxis = 0, f->wAxis = 0;
  } else if (cimOpIsA(op, "linalg.vecmat")) {
    WANT(1, 2, 1);
    int64_t as[2] = {1, A[0]};
    setReshape(&f->actX, 2, as);
    f->cimRank = 2, f->cim[0] = 1, f->cim[1] = R[0];
    f->resReshape = true, f->resReshapeRank = 1;
    f->resReshapeShape[0] = R[0];
    f->reduction = A[0];
    f->outAxis = 0, f->wAxis = 1;
  } else {
    f->conv = true;
    f->cimRank = 4;
    if (cimOpIsA(op, "linalg.conv_2d_nchw_fchw")) {
      WANT(4, 4, 4);
      f->layout = "nchw_fchw";
      f->reduction = W[1] * W[2] * W[3];
      f->outAxis = 1, f->wAxis = 0;
    } else if (cimOpIsA(op, "linalg.conv_2d_nhwc_hwcf")) {
      WANT(4, 4, 4);
      f->layout = "nhwc_hwcf";
      f->hDim = 1, f->wDim = 2;
      f->reduction = W[0] * W[1] * W[2];
      f->outAxis = 3, f->wAxis = 3;
    } else if (cimOpIsA(op, "linalg.depthwise_conv_2d_nchw_chw")) {
      WANT(4, 3, 4);
      f->layout = "nchw_fchw";
      int64_t ws[4] = {W[0], 1, W[1], W[2]};
      setReshape(&f->wX, 4, ws);
      f->groups = W[0];
      f->reduction = W[1] * W[2];
      f->outAxis = 1, f->wAxis = 0;
    } else if (cimOpIsA(op, "linalg.depthwise_conv_2d_nhwc_hwc")) {
      WANT(4, 3, 4);
      f->layout = "nhwc_hwcf";
      f->hDim = 1, f->wDim = 2;
      int64_t ws[4] = {W[0], W[1], 1, W[2]};
      setReshape(&f->wX, 4, ws);
      f->groups = W[2];
      f->reduction = W[0] * W[1];
      f->outAxis = 3, f->wAxis = 2;
    } else if (cimOpIsA(op, "linalg.depthwise_conv_2d_nhwc_hwcm")) {
      /* f = c * M + m: group c holds the M multipliers of channel c. */
      WANT(4, 4, 5);
      f->layout = "nhwc_hwcf";
      f->hDim = 1, f->wDim = 2;
      int64_t ws[4] = {W[0], W[1], 1, W[2] * W[3]};
      setReshape(&f->wX, 4, ws);
      f->groups = W[2];
      f->reduction = W[0] * W[1];
    } else if (cimOpIsA(op, "linalg.conv_2d_ngchw_gfchw") ||
               cimOpIsA(op, "linalg.conv_2d_ngchw_fgchw")) {
      /* x[N, G, C, H, W] -> [N, G*C, H, W]; w[G, F, C, KH, KW] ->
       * [G*F, C, KH, KW] (fgchw: transposed first); result [N, G*F, OH, OW]
       * -> [N, G, F, OH, OW] (fgchw: then to [N, F, G, OH, OW]). */
      WANT(5, 5, 5);
      bool fg = cimOpIsA(op, "linalg.conv_2d_ngchw_fgchw");
      f->layout = "nchw_fchw";
      f->hDim = 3, f->wDim = 4;
      int64_t G = A[1], Fg = fg ? W[0] : W[1];
      int64_t as[4] = {A[0], A[1] * A[2], A[3], A[4]};
      setReshape(&f->actX, 4, as);
      if (fg) {
        int64_t perm[5] = {1, 0, 2, 3, 4};
        setPerm(&f->wX, 5, perm);
      }
      int64_t ws[4] = {G * Fg, W[2], W[3], W[4]};
      setReshape(&f->wX, 4, ws);
      f->groups = G;
      f->reduction = W[2] * W[3] * W[4];
      f->cim[0] = R[0], f->cim[1] = G * Fg, f->cim[2] = R[3], f->cim[3] = R[4];
      f->resReshape = true, f->resReshapeRank = 5;
      int64_t rs[5] = {R[0], G, Fg, R[3], R[4]};
      memcpy(f->resReshapeShape, rs, sizeof rs);
      if (fg) {
        int64_t perm[5] = {0, 2, 1, 3, 4};
        f->resPermute = true;
        memcpy(f->resPerm, perm, sizeof perm);
      }
      goto done;
    } else if (cimOpIsA(op, "linalg.conv_2d_nhwgc_gfhwc")) {
      /* x[N, H, W, G, C] -> [N, H, W, G*C]; w[G, F, KH, KW, C] ->
       * [KH, KW, C, G, F] -> [KH, KW, C, G*F]; result -> [N, OH, OW, G, F]. */
      WANT(5, 5, 5);
      f->layout = "nhwc_hwcf";
      f->hDim = 1, f->wDim = 2;
      int64_t G = W[0], Fg = W[1];
      int64_t as[4] = {A[0], A[1], A[2], A[3] * A[4]};
      setReshape(&f->actX, 4, as);
      int64_t perm[5] = {2, 3, 4, 0, 1};
      setPerm(&f->wX, 5, perm);
      int64_t ws[4] = {W[2], W[3], W[4], G * Fg};
      setReshape(&f->wX, 4, ws);
      f->groups = G;
      f->reduction = W[2] * W[3] * W[4];
      f->cim[0] = R[0], f->cim[1] = R[1], f->cim[2] = R[2],
      f->cim[3] = G * Fg;
      f->resReshape = true, f->resReshapeRank = 5;
      memcpy(f->resReshapeShape, R, 5 * sizeof *R);
      goto done;
    } else {
      return false; /* not reached: cvIsLayerOp */
    }
    if (f->rRank == 5) { /* hwcm */
      f->cim[0] = R[0], f->cim[1] = R[1], f->cim[2] = R[2],
      f->cim[3] = R[3] * R[4];
      f->resReshape = true, f->resReshapeRank = 5;
      memcpy(f->resReshapeShape, R, 5 * sizeof *R);
    } else {
      memcpy(f->cim, R, 4 * sizeof *R);
    }
  }
done:
  return true;
badRank:;
  char name[64];
  cvError(cv, op, "%s has operands of unexpected rank",
          cvOpName(op, name, sizeof name));
  return false;
#undef WANT
}

/*===----------------------------------------------------------------------===*
 * Operands
 *===----------------------------------------------------------------------===*/

typedef struct Operand {
  MlirValue v;
  unsigned bits;
  bool isSigned;
  int64_t lo, hi;        /* storage range */
  const int64_t *values; /* compile-time values, or NULL */
  bool isConst;
  unsigned elemBits; /* element width of v */
} Operand;

static void rangeOf(Operand *o) {
  if (o->isSigned) {
    o->lo = -((int64_t)1 << (o->bits - 1));
    o->hi = ((int64_t)1 << (o->bits - 1)) - 1;
  } else {
    o->lo = 0;
    o->hi = ((int64_t)1 << o->bits) - 1;
  }
}

/// Applies a transform. Constants (values != NULL) are transformed at compile
/// time into a new constant; *outValues receives the malloc'ed values.
static MlirValue applyXform(CvConverter *cv, MlirLocation loc, Operand *o,
                            intptr_t rank, const int64_t *shape,
                            const Xform *x, int64_t **outValues) {
  *outValues = NULL;
  if (!x->permute && !x->reshapeRank)
    return o->v;
  int64_t pshape[CV_MAX_RANK];
  for (intptr_t i = 0; i < rank; ++i)
    pshape[i] = x->permute ? shape[x->perm[i]] : shape[i];
  intptr_t newRank = x->reshapeRank ? x->reshapeRank : rank;
  const int64_t *newShape = x->reshapeRank ? x->reshape : pshape;
  if (o->values) {
    int64_t n = cvNumElements(rank, shape);
    int64_t *vals = malloc((size_t)(n ? n : 1) * sizeof *vals);
    if (!vals)
      abort();
    if (x->permute)
      cvPermute(rank, shape, x->perm, o->values, vals);
    else
      memcpy(vals, o->values, (size_t)n * sizeof *vals);
    *outValues = vals;
    return cvIntConstant(cv, loc, newRank, newShape, o->elemBits, vals);
  }
  MlirType elem = mlirShapedTypeGetElementType(mlirValueGetType(o->v));
  MlirValue v = o->v;
  if (x->permute) {
    MlirNamedAttribute p = cvNamedArray(cv->ctx, "permutation", rank, x->perm);
    v = cvBuild1(cv, "cim.transpose", loc, 1, &v,
                 cvTensorType(cv->ctx, rank, pshape, elem), 1, &p);
  }
  if (x->reshapeRank)
    v = cvBuild1(cv, "cim.reshape", loc, 1, &v,
                 cvTensorType(cv->ctx, newRank, newShape, elem), 0, NULL);
  return v;
}

static unsigned accumulatorBits(int64_t k, const Operand *a,
                                const Operand *w) {
  int64_t c[4] = {a->lo * w->lo, a->lo * w->hi, a->hi * w->lo, a->hi * w->hi};
  int64_t mn = c[0], mx = c[0];
  for (int i = 1; i < 4; ++i) {
    mn = c[i] < mn ? c[i] : mn;
    mx = c[i] > mx ? c[i] : mx;
  }
  return cvSignedBitsFor(k * mn, k * mx);
}

/// The QDQ operand of a layer: a plain per-tensor (activations) storage rep.
static CvRep *qdqOperand(CvConverter *cv, MlirOperation op, const Form *f,
                         MlirValue v, bool weights) {
  CvRep *r = cvGetRep(cv, v);
  const char *what = weights ? "weights" : "activations";
  if (!r || !cvRepIsPlainStorage(r)) {
    cvError(cv, op,
            "the %s of %s are not quantized: a layer operand must be "
            "quant.dcast(quant.qcast(x))",
            what, f->name);
    return NULL;
  }
  if (r->numS > 1 && (!weights || r->axis != f->wAxis || f->wAxis < 0)) {
    if (weights && f->wAxis >= 0)
      cvError(cv, op,
              "per-axis weights of %s must be quantized along axis %lld "
              "(output channels), not %lld",
              f->name, (long long)f->wAxis, (long long)r->axis);
    else
      cvError(cv, op, "per-axis %s are not supported for %s", what, f->name);
    return NULL;
  }
  if (weights && r->z != 0) {
    cvError(cv, op,
            "the weights of %s have zero point %lld; crossbar weights must be "
            "symmetric (zero point 0)",
            f->name, (long long)r->z);
    return NULL;
  }
  return r;
}

/*===----------------------------------------------------------------------===*
 * The conversion
 *===----------------------------------------------------------------------===*/

bool cvConvertLayer(CvConverter *cv, MlirOperation op) {
  MlirLocation loc = mlirOperationGetLocation(op);
  char nameBuf[64];
  Form form = {0};
  Form *f = &form;
  f->name = cvOpName(op, nameBuf, sizeof nameBuf);
  f->actIdx = 0, f->wIdx = 1;
  if (mlirOperationGetNumOperands(op) != 3 ||
      mlirOperationGetNumResults(op) != 1) {
    cvError(cv, op, "expected %s on tensors with one result", f->name);
    return false;
  }
  if (cimOpIsA(op, "linalg.matvec"))
    f->actIdx = 1, f->wIdx = 0;
  MlirValue act = mlirOperationGetOperand(op, f->actIdx);
  MlirValue wv = mlirOperationGetOperand(op, f->wIdx);
  MlirValue result = mlirOperationGetResult(op, 0);
  MlirType actElem = mlirShapedTypeGetElementType(mlirValueGetType(act));
  bool integer = mlirTypeIsAInteger(actElem);
  if (!cvReadShape(mlirValueGetType(act), &f->aRank, f->a) ||
      !cvReadShape(mlirValueGetType(wv), &f->wRank, f->w) ||
      !cvReadShape(mlirValueGetType(result), &f->rRank, f->r) ||
      (integer && (!mlirTypeIsAInteger(mlirShapedTypeGetElementType(
                       mlirValueGetType(wv))) ||
                   !mlirTypeIsAInteger(mlirShapedTypeGetElementType(
                       mlirValueGetType(result)))))) {
    cvError(cv, op,
            "%s needs static integer or quantized (QDQ) tensors with static "
            "shapes",
            f->name);
    return false;
  }
  if (!buildForm(cv, op, f))
    return false;

  /* Padding of the input folded into the convolution. */
  int64_t strides[2] = {1, 1}, dilations[2] = {1, 1};
  int64_t padding[4] = {0, 0, 0, 0}, padValue = 0;
  MlirAttribute padAttr = mlirAttributeGetNull();
  if (f->conv) {
    readPair(op, "strides", strides);
    readPair(op, "dilations", dilations);
    MlirValue src;
    if (cvMatchPad(act, f->aRank, f->hDim, f->wDim, padding, &padAttr, &src))
      act = src;
  }

  Operand a = {0}, w = {0};
  CvRep *ra = NULL, *rw = NULL;
  int64_t *ownedA = NULL, *ownedW = NULL;
  unsigned accBits;
  if (integer) {
    a.v = act, w.v = wv;
    a.bits = a.elemBits = mlirIntegerTypeGetWidth(actElem);
    w.bits = w.elemBits = mlirIntegerTypeGetWidth(
        mlirShapedTypeGetElementType(mlirValueGetType(wv)));
    a.isSigned = !f->unsignedA, w.isSigned = !f->unsignedW;
    rangeOf(&a);
    rangeOf(&w);
    w.isConst = !mlirAttributeIsNull(cvConstantAttr(wv));
    accBits = mlirIntegerTypeGetWidth(
        mlirShapedTypeGetElementType(mlirValueGetType(result)));
    if (!mlirAttributeIsNull(padAttr)) {
      if (!mlirAttributeIsAInteger(padAttr)) {
        cvError(cv, op, "the padding of %s's input is not an integer",
                f->name);
        return false;
      }
      padValue = mlirIntegerAttrGetValueInt(padAttr);
    }
  } else {
    if (!(ra = qdqOperand(cv, op, f, act, false)) ||
        !(rw = qdqOperand(cv, op, f, wv, true)))
      return false;
    a.v = ra->q, w.v = rw->q;
    a.bits = ra->bits, w.bits = rw->bits;
    a.isSigned = ra->isSigned, w.isSigned = rw->isSigned;
    a.lo = ra->qmin, a.hi = ra->qmax, w.lo = rw->qmin, w.hi = rw->qmax;
    a.elemBits = cvSignedBitsFor(a.lo, a.hi);
    w.elemBits = cvSignedBitsFor(w.lo, w.hi);
    w.isConst = rw->values != NULL;
    w.values = rw->values;
    accBits = 0;
    if (!mlirAttributeIsNull(padAttr)) {
      double c = mlirAttributeIsAFloat(padAttr)
                     ? mlirFloatAttrGetValueDouble(padAttr)
                     : NAN;
      double qv = nearbyint(c / ra->s[0]) + (double)ra->z;
      if (!(qv >= (double)ra->qmin && qv <= (double)ra->qmax) ||
          (qv - (double)ra->z) * ra->s[0] != c) {
        cvError(cv, op,
                "the padding value %g of %s's input is not exactly "
                "representable in its quantized type",
                c, f->name);
        return false;
      }
      padValue = (int64_t)qv;
    }
  }

  if (a.bits < 1 || a.bits > 8 || w.bits < 1 || w.bits > 8) {
    cvError(cv, op,
            "activations have %u bits and weights %u bits; crossbar layers "
            "take 1 to 8 bits",
            a.bits, w.bits);
    return false;
  }
  if (!isZeroTensor(mlirOperationGetOperand(op, 2))) {
    cvError(cv, op,
            "the accumulator of %s must start at zero (linalg.fill 0 or a "
            "zero constant)",
            f->name);
    return false;
  }
  if (f->reduction > ((int64_t)1 << 40)) {
    cvError(cv, op,
            "a reduction of %lld terms is beyond what cimlir maps (2^40)",
            (long long)f->reduction);
    return false;
  }
  unsigned needed = accumulatorBits(f->reduction, &a, &w);
  if (!integer)
    accBits = needed <= 32 ? 32 : 64;
  if (needed > accBits) {
    cvError(cv, op,
            "layer %lld can overflow its accumulator: a %lld-term dot "
            "product of %u-bit %s activations and %u-bit weights needs %u "
            "bits, the result has %u",
            (long long)cv->nextLayer, (long long)f->reduction, a.bits,
            a.isSigned ? "signed" : "unsigned", w.bits, needed, accBits);
    return false;
  }
  if (integer && w.isConst && (f->wX.permute || f->wX.reshapeRank)) {
    intptr_t n;
    ownedW = cvReadIntConstant(cvConstantAttr(wv), w.isSigned, &n);
    w.values = ownedW;
  }

  /* Asymmetric activations: sum_k (q_a - z_a) w = acc - z_a * sum_k w. */
  int64_t *bias = NULL;
  intptr_t numBias = 0;
  bool needBias = !integer && ra->z != 0;
  if (needBias && (!w.values || f->outAxis < 0 ||
                   (!f->conv && f->cimRank == 3 && f->cim[0] != 1))) {
    cvError(cv, op,
            "activations of %s have zero point %lld, which needs constant "
            "weights with one output channel axis (the correction is "
            "-zero_point * sum of each output channel's weights)",
            f->name, (long long)ra->z);
    free(ownedW);
    return false;
  }

  int64_t *cimW = NULL;
  MlirValue av = applyXform(cv, loc, &a, f->aRank, f->a, &f->actX, &ownedA);
  MlirValue wvv = applyXform(cv, loc, &w, f->wRank, f->w, &f->wX, &cimW);
  const int64_t *wvals = cimW ? cimW : w.values;
  if (needBias) {
    /* cim layout: matmul [.., K, N] and hwcf [.., F]: channel last;
     * fchw [F, ..]: channel first. */
    bool first = f->conv && strcmp(f->layout, "nchw_fchw") == 0;
    int64_t wn;
    intptr_t wr = f->wX.reshapeRank ? f->wX.reshapeRank : f->wRank;
    int64_t wshape[CV_MAX_RANK];
    for (intptr_t i = 0; i < wr; ++i)
      wshape[i] = f->wX.reshapeRank ? f->wX.reshape[i]
                  : f->wX.permute   ? f->w[f->wX.perm[i]]
                                    : f->w[i];
    wn = prod(wr, wshape);
    int64_t channels = first ? wshape[0] : wshape[wr - 1];
    numBias = channels;
    bias = calloc((size_t)channels, sizeof *bias);
    if (!bias)
      abort();
    for (int64_t i = 0; i < wn; ++i) {
      int64_t c = first ? i / (wn / channels) : i % channels;
      bias[c] -= ra->z * wvals[i];
    }
  }
  free(ownedA);
  free(cimW);
  free(ownedW);

  MlirType accElem = cvIntType(cv->ctx, accBits);
  MlirNamedAttribute attrs[16];
  intptr_t na = 0;
  attrs[na++] = cimNamedI64(cv->ctx, "layer", cv->nextLayer);
  attrs[na++] = cimNamedI64(cv->ctx, "a_bits", a.bits);
  attrs[na++] = cimNamedI64(cv->ctx, "w_bits", w.bits);
  attrs[na++] = cimNamedBool(cv->ctx, "a_signed", a.isSigned);
  attrs[na++] = cimNamedBool(cv->ctx, "w_signed", w.isSigned);
  attrs[na++] =
      cimNamedString(cv->ctx, "weights", w.isConst ? "static" : "dynamic");
  if (f->conv) {
    attrs[na++] = cimNamedString(cv->ctx, "layout", f->layout);
    attrs[na++] = cvNamedArray(cv->ctx, "strides", 2, strides);
    attrs[na++] = cvNamedArray(cv->ctx, "dilations", 2, dilations);
    attrs[na++] = cvNamedArray(cv->ctx, "padding", 4, padding);
    attrs[na++] = cimNamedI64(cv->ctx, "groups", f->groups);
    attrs[na++] = cimNamedI64(cv->ctx, "pad_value", padValue);
  }
  MlirValue operands[2] = {av, wvv};
  MlirOperation layer =
      cvBuild(cv, f->conv ? "cim.conv2d" : "cim.matmul", loc, 2, operands,
              cvTensorType(cv->ctx, f->cimRank, f->cim, accElem), na, attrs);
  ++cv->nextLayer;
  MlirValue out = mlirOperationGetResult(layer, 0);
  if (f->resReshape)
    out = cvBuild1(cv, "cim.reshape", loc, 1, &out,
                   cvTensorType(cv->ctx, f->resReshapeRank,
                                f->resReshapeShape, accElem),
                   0, NULL);
  if (f->resPermute) {
    MlirNamedAttribute p =
        cvNamedArray(cv->ctx, "permutation", f->rRank, f->resPerm);
    out = cvBuild1(cv, "cim.transpose", loc, 1, &out,
                   cvTensorType(cv->ctx, f->rRank, f->r, accElem), 1, &p);
  }

  if (integer) {
    mlirValueReplaceAllUsesOfWith(result, out);
    return true;
  }
  CvRep *r = cvNewRep(cv, result);
  r->q = out;
  r->storage = false;
  r->axis = f->outAxis; /* where a bias add finds the output channels */
  r->layer = (f->resReshape || f->resPermute) ? (MlirOperation){NULL} : layer;
  if (rw->numS > 1) {
    double *s = malloc((size_t)rw->numS * sizeof *s);
    if (!s)
      abort();
    for (intptr_t c = 0; c < rw->numS; ++c)
      s[c] = ra->s[0] * rw->s[c];
    cvSetScales(r, rw->numS, s);
    free(s);
    r->axis = f->outAxis;
  } else {
    r->s[0] = ra->s[0] * rw->s[0];
  }
  if (numBias) {
    cvSetBias(r, numBias, bias);
    r->axis = f->outAxis;
  }
  free(bias);
  return true;
}
