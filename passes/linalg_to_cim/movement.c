/*===-- movement.c - convert-linalg-to-cim: pooling and data movement ------===*
 *
 *   linalg.pooling_{nchw,nhwc}_max                -> cim.pool "max"
 *   linalg.pooling_{nchw,nhwc}_sum (+ divide)     -> cim.pool "avg" (QDQ)
 *   tensor.collapse_shape / expand_shape          -> cim.reshape
 *   linalg.transpose                              -> cim.transpose
 *   tensor.extract_slice (unit strides)           -> cim.slice (+ cim.reshape)
 *   tensor.concat                                 -> cim.concat (chained)
 * On integer tensors the op is replaced; on float values the op moves q and
 * keeps the rest of the representation (the channel axis follows).
 *===----------------------------------------------------------------------===*/

#include "Convert.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ir/PassUtils.h"

static const char *const kMovement[] = {
    "linalg.pooling_nchw_max", "linalg.pooling_nhwc_max",
    "linalg.pooling_nchw_sum", "linalg.pooling_nhwc_sum",
    "tensor.collapse_shape",   "tensor.expand_shape",
    "linalg.transpose",        "tensor.extract_slice",
    "tensor.concat",
};

bool cvIsMovementOp(MlirOperation op) {
  for (size_t i = 0; i < sizeof kMovement / sizeof kMovement[0]; ++i)
    if (cimOpIsA(op, kMovement[i]))
      return true;
  return false;
}

static MlirAttribute attrOf(MlirOperation op, const char *name) {
  return mlirOperationGetAttributeByName(op,
                                         mlirStringRefCreateFromCString(name));
}

bool cvMatchPad(MlirValue x, intptr_t rank, int hDim, int wDim,
                int64_t padding[4], MlirAttribute *value, MlirValue *source) {
  if (!mlirValueIsAOpResult(x))
    return false;
  MlirOperation pad = mlirOpResultGetOwner(x);
  if (!cimOpIsA(pad, "tensor.pad") || mlirOperationGetNumOperands(pad) != 1)
    return false; /* dynamic low/high operands: not folded */
  MlirAttribute lo = attrOf(pad, "static_low"), hi = attrOf(pad, "static_high");
  if (mlirAttributeIsNull(lo) || mlirAttributeIsNull(hi) ||
      !mlirAttributeIsADenseI64Array(lo) || !mlirAttributeIsADenseI64Array(hi) ||
      mlirDenseArrayGetNumElements(lo) != rank ||
      mlirDenseArrayGetNumElements(hi) != rank)
    return false;
  for (intptr_t d = 0; d < rank; ++d)
    if (d != hDim && d != wDim && (mlirDenseI64ArrayGetElement(lo, d) != 0 ||
                                   mlirDenseI64ArrayGetElement(hi, d) != 0))
      return false;
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(pad, 0));
  MlirOperation yield = mlirBlockGetTerminator(body);
  if (mlirOperationIsNull(yield) || mlirOperationGetNumOperands(yield) != 1)
    return false;
  MlirAttribute c = cvConstantAttr(mlirOperationGetOperand(yield, 0));
  if (mlirAttributeIsNull(c) ||
      !(mlirAttributeIsAInteger(c) || mlirAttributeIsAFloat(c)))
    return false;
  padding[0] = mlirDenseI64ArrayGetElement(lo, hDim);
  padding[1] = mlirDenseI64ArrayGetElement(lo, wDim);
  padding[2] = mlirDenseI64ArrayGetElement(hi, hDim);
  padding[3] = mlirDenseI64ArrayGetElement(hi, wDim);
  *value = c;
  *source = mlirOperationGetOperand(pad, 0);
  return true;
}

static MlirType typeWithElem(MlirType shaped, MlirType elem) {
  intptr_t rank = mlirShapedTypeGetRank(shaped);
  int64_t shape[CV_MAX_RANK];
  for (intptr_t i = 0; i < rank && i < CV_MAX_RANK; ++i)
    shape[i] = mlirShapedTypeGetDimSize(shaped, i);
  return mlirRankedTensorTypeGet(rank, shape, elem, mlirAttributeGetNull());
}

static MlirType elemOf(MlirValue v) {
  return mlirShapedTypeGetElementType(mlirValueGetType(v));
}

/// Per-channel data (scales or bias) travels with the channel axis.
static bool channelDependent(const CvRep *r) {
  return r->axis >= 0 && (r->numS > 1 || r->numBias > 0);
}

/*===----------------------------------------------------------------------===*
 * Pooling
 *===----------------------------------------------------------------------===*/

/// The fill value of a linalg.fill init, or false.
static bool fillValue(MlirValue init, bool integer, double *v) {
  if (!mlirValueIsAOpResult(init))
    return false;
  MlirOperation def = mlirOpResultGetOwner(init);
  if (cimOpIsA(def, "arith.constant")) {
    if (integer) {
      int64_t i;
      if (!cvScalarInt(init, &i))
        return false;
      *v = (double)i;
      return true;
    }
    return cvScalarFloat(init, v);
  }
  if (!cimOpIsA(def, "linalg.fill") || mlirOperationGetNumOperands(def) != 2)
    return false;
  MlirValue s = mlirOperationGetOperand(def, 0);
  if (integer) {
    int64_t i;
    if (!cvScalarInt(s, &i))
      return false;
    *v = (double)i;
    return true;
  }
  return cvScalarFloat(s, v);
}

/// The only user of `v` if it is a divide-by-constant generic, with c.
static MlirOperation divideUser(MlirValue v, double *c) {
  MlirOpOperand u = mlirValueGetFirstUse(v);
  if (mlirOpOperandIsNull(u) ||
      !mlirOpOperandIsNull(mlirOpOperandGetNextUse(u)))
    return (MlirOperation){NULL};
  MlirOperation g = mlirOpOperandGetOwner(u);
  if (!cimOpIsA(g, "linalg.generic") || mlirOperationGetNumOperands(g) != 2 ||
      mlirOperationGetNumResults(g) != 1)
    return (MlirOperation){NULL};
  MlirAttribute maps = attrOf(g, "indexing_maps");
  if (mlirAttributeIsNull(maps) || mlirArrayAttrGetNumElements(maps) != 2)
    return (MlirOperation){NULL};
  for (int i = 0; i < 2; ++i)
    if (!mlirAffineMapIsIdentity(
            mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, i))))
      return (MlirOperation){NULL};
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(g, 0));
  MlirOperation yield = mlirBlockGetTerminator(body);
  if (mlirOperationGetNumOperands(yield) != 1)
    return (MlirOperation){NULL};
  MlirValue y = mlirOperationGetOperand(yield, 0);
  if (!mlirValueIsAOpResult(y) ||
      !cimOpIsA(mlirOpResultGetOwner(y), "arith.divf"))
    return (MlirOperation){NULL};
  MlirOperation div = mlirOpResultGetOwner(y);
  MlirValue x = mlirOperationGetOperand(div, 0);
  if (!mlirValueIsABlockArgument(x) || mlirBlockArgumentGetArgNumber(x) != 0 ||
      !mlirBlockEqual(mlirBlockArgumentGetOwner(x), body) ||
      !cvScalarFloat(mlirOperationGetOperand(div, 1), c))
    return (MlirOperation){NULL};
  return g;
}

/// The window (the shape of operand 1) and strides of pooling `op`; fails
/// unless its tensors are static and 4-D, the window 2-D and the
/// dilations 1 (cim.pool has none).
static bool readPoolWindow(CvConverter *cv, MlirOperation op, const char *name,
                           int64_t window[2], int64_t strides[2]) {
  if (mlirOperationGetNumOperands(op) != 3 ||
      mlirOperationGetNumResults(op) != 1) {
    cvError(cv, op, "expected %s on tensors with one result", name);
    return false;
  }
  MlirValue x = mlirOperationGetOperand(op, 0);
  MlirValue result = mlirOperationGetResult(op, 0);
  MlirType wt = mlirValueGetType(mlirOperationGetOperand(op, 1));
  intptr_t rank;
  int64_t shape[CV_MAX_RANK];
  if (!cvReadShape(mlirValueGetType(x), &rank, shape) || rank != 4 ||
      !mlirTypeIsAShaped(wt) || mlirShapedTypeGetRank(wt) != 2 ||
      !mlirShapedTypeHasStaticShape(wt) ||
      !cvReadShape(mlirValueGetType(result), &rank, shape)) {
    cvError(cv, op, "%s needs static 4-D tensors and a 2-D window", name);
    return false;
  }
  window[0] = mlirShapedTypeGetDimSize(wt, 0);
  window[1] = mlirShapedTypeGetDimSize(wt, 1);
  int64_t dil[2] = {1, 1};
  strides[0] = strides[1] = 1;
  MlirAttribute a = attrOf(op, "strides");
  if (!mlirAttributeIsNull(a) && mlirElementsAttrGetNumElements(a) == 2)
    for (int i = 0; i < 2; ++i)
      strides[i] = mlirDenseElementsAttrGetInt64Value(a, i);
  a = attrOf(op, "dilations");
  if (!mlirAttributeIsNull(a) && mlirElementsAttrGetNumElements(a) == 2)
    for (int i = 0; i < 2; ++i)
      dil[i] = mlirDenseElementsAttrGetInt64Value(a, i);
  if (dil[0] != 1 || dil[1] != 1) {
    cvError(cv, op, "%s with dilations is not supported (cim.pool has none)",
            name);
    return false;
  }
  return true;
}

/// A tensor.pad feeding the pool becomes the pool's `padding` (and `*x` the
/// pad's source) when cim.pool can ignore the padded positions: max pooling
/// padded with the lowest value, by less than the window.
static bool foldPoolPadding(CvConverter *cv, MlirOperation op,
                            const char *name, bool isMax, bool nchw,
                            bool integer, const int64_t window[2],
                            MlirValue *x, int64_t padding[4]) {
  MlirAttribute padAttr;
  MlirValue src;
  if (!cvMatchPad(*x, 4, nchw ? 2 : 1, nchw ? 3 : 2, padding, &padAttr,
                  &src))
    return true;
  double pv = mlirAttributeIsAFloat(padAttr)
                  ? mlirFloatAttrGetValueDouble(padAttr)
                  : (double)mlirIntegerAttrGetValueInt(padAttr);
  unsigned w = integer ? mlirIntegerTypeGetWidth(elemOf(src)) : 0;
  bool lowest = integer ? pv <= -ldexp(1.0, (int)w - 1) : pv <= -FLT_MAX;
  if (!isMax || !lowest) {
    cvError(cv, op,
            "%s of a tensor.pad is supported only for max pooling with "
            "padding at the lowest value (-inf): cim.pool ignores padded "
            "positions",
            name);
    return false;
  }
  if (padding[0] >= window[0] || padding[1] >= window[1] ||
      padding[2] >= window[0] || padding[3] >= window[1]) {
    cvError(cv, op, "%s pads by at least the window size", name);
    return false;
  }
  *x = src;
  return true;
}

/// The pool's init (operand 2) is a fill with the lowest value (max) or
/// zero (sum).
static bool checkPoolInit(CvConverter *cv, MlirOperation op, const char *name,
                          bool isMax, bool integer) {
  double init;
  MlirValue initV = mlirOperationGetOperand(op, 2);
  if (!fillValue(initV, integer, &init) ||
      (isMax && !(integer ? init <= -ldexp(1.0, (int)mlirIntegerTypeGetWidth(
                                                     elemOf(initV)) -
                                                     1)
                          : init <= -FLT_MAX)) ||
      (!isMax && init != 0)) {
    cvError(cv, op,
            "the init of %s must be a fill with %s", name,
            isMax ? "the lowest value (-inf)" : "zero");
    return false;
  }
  return true;
}

/// Average pooling of the float value represented by `r`: cim.pool "avg"
/// on its flattened q, the scales times the window size unless the pool's
/// divide by it (which then takes the result) follows.
static bool convertAvgPool(CvConverter *cv, MlirOperation op, CvRep *r,
                           const int64_t window[2], intptr_t na,
                           const MlirNamedAttribute *attrs) {
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirValue result = mlirOperationGetResult(op, 0);
  /* Average: clamp, bias and zero point go in first (the mean of clamped
   * values is not the clamped mean); a bias is per channel, so the mean of
   * q + bias is the mean of q plus bias exactly, but it is folded anyway. */
  MlirValue in;
  CvRep tmp = {0};
  CvRep *use = r;
  if (r->storage && !r->numBias) {
    in = cvStorageValue(cv, op, r, "the input of the average pooling");
  } else {
    /* Work on a copy: r stays valid for other users. */
    tmp.s = NULL;
    tmp.axis = -1;
    cvCopyRep(&tmp, r);
    use = &tmp;
    in = cvFlatten(cv, op, &tmp) ? tmp.q : (MlirValue){NULL};
  }
  if (mlirValueIsNull(in)) {
    free(tmp.s);
    free(tmp.bias);
    return false;
  }
  MlirValue v = cvBuild1(cv, "cim.pool", loc, 1, &in,
                         typeWithElem(mlirValueGetType(result), elemOf(in)),
                         na, attrs);
  double count = (double)(window[0] * window[1]), c = 0;
  MlirOperation div = divideUser(result, &c);
  MlirValue bindTo = result;
  double factor = count;
  if (!mlirOperationIsNull(div) && c == count) {
    bindTo = mlirOperationGetResult(div, 0);
    factor = 1.0;
  }
  CvRep *out = cvForward(cv, bindTo, use, v, use->axis);
  for (intptr_t i = 0; i < out->numS; ++i)
    out->s[i] *= factor;
  out->lo = -INFINITY;
  out->hi = INFINITY;
  free(tmp.s);
  free(tmp.bias);
  return true;
}

static bool convertPool(CvConverter *cv, MlirOperation op) {
  char name[64];
  cvOpName(op, name, sizeof name);
  bool isMax = strstr(name, "_max") != NULL;
  bool nchw = strstr(name, "nchw") != NULL;
  MlirLocation loc = mlirOperationGetLocation(op);
  int64_t window[2], strides[2];
  if (!readPoolWindow(cv, op, name, window, strides))
    return false;
  MlirValue x = mlirOperationGetOperand(op, 0);
  MlirValue result = mlirOperationGetResult(op, 0);
  bool integer = mlirTypeIsAInteger(elemOf(x));
  int64_t padding[4] = {0, 0, 0, 0};
  if (!foldPoolPadding(cv, op, name, isMax, nchw, integer, window, &x,
                       padding) ||
      !checkPoolInit(cv, op, name, isMax, integer))
    return false;
  MlirNamedAttribute attrs[] = {
      cimNamedString(cv->ctx, "kind", isMax ? "max" : "avg"),
      cimNamedString(cv->ctx, "layout", nchw ? "nchw" : "nhwc"),
      cvNamedArray(cv->ctx, "window", 2, window),
      cvNamedArray(cv->ctx, "strides", 2, strides),
      cvNamedArray(cv->ctx, "padding", 4, padding),
  };
  intptr_t na = sizeof attrs / sizeof attrs[0];
  if (integer) {
    if (!isMax) {
      cvError(cv, op,
              "%s on integers has no exact cim equivalent (cim.pool \"avg\" "
              "divides with rounding); use the QDQ form",
              name);
      return false;
    }
    MlirValue v = cvBuild1(cv, "cim.pool", loc, 1, &x,
                           mlirValueGetType(result), na, attrs);
    mlirValueReplaceAllUsesOfWith(result, v);
    return true;
  }
  CvRep *r = cvGetRep(cv, x);
  if (!r) {
    cvError(cv, op, "the input of %s has no integer representation", name);
    return false;
  }
  if (isMax) {
    /* max commutes with the positive affine map and the clamp. */
    MlirValue v =
        cvBuild1(cv, "cim.pool", loc, 1, &r->q,
                 typeWithElem(mlirValueGetType(result), elemOf(r->q)), na,
                 attrs);
    cvForward(cv, result, r, v, r->axis);
    return true;
  }
  return convertAvgPool(cv, op, r, window, na, attrs);
}

/*===----------------------------------------------------------------------===*
 * Data movement
 *===----------------------------------------------------------------------===*/

/// Channel axis after a reshape with reassociation groups; -1 on failure.
/// The channels index `span` adjacent source dims from `axis`; a collapse
/// that merges all of them (and only dims of size 1 besides) gives one axis.
static int64_t reshapeAxis(MlirAttribute reassoc, bool collapse,
                           const int64_t *src, const int64_t *dst,
                           int64_t axis, int64_t span) {
  intptr_t groups = mlirArrayAttrGetNumElements(reassoc);
  for (intptr_t g = 0; g < groups; ++g) {
    MlirAttribute grp = mlirArrayAttrGetElement(reassoc, g);
    intptr_t n = mlirArrayAttrGetNumElements(grp);
    if (collapse) {
      /* source dims of group g collapse into result dim g */
      int64_t has = 0;
      bool othersOne = true;
      for (intptr_t i = 0; i < n; ++i) {
        int64_t d = mlirIntegerAttrGetValueInt(mlirArrayAttrGetElement(grp, i));
        if (d >= axis && d < axis + span)
          ++has;
        else if (src[d] != 1)
          othersOne = false;
      }
      if (has)
        return othersOne && has == span ? g : -1;
    } else if (g == axis && span == 1) {
      /* source dim g expands into these result dims */
      int64_t found = -1;
      for (intptr_t i = 0; i < n; ++i) {
        int64_t d = mlirIntegerAttrGetValueInt(mlirArrayAttrGetElement(grp, i));
        if (dst[d] == src[axis] && found < 0)
          found = d;
        else if (dst[d] != 1)
          return -1;
      }
      return found;
    }
  }
  return -1;
}

/// A reshape-like op (collapse/expand_shape, transpose, extract_slice):
/// its shapes and what its kind adds (a slice's offsets and sizes, a
/// transpose's permutation).
typedef struct Movement {
  bool isSlice, isTranspose;
  intptr_t srcRank, dstRank;
  int64_t src[CV_MAX_RANK], dst[CV_MAX_RANK];
  int64_t offsets[CV_MAX_RANK], sizes[CV_MAX_RANK], perm[CV_MAX_RANK];
} Movement;

/// Reads `op` into `m`; fails unless its shapes, a slice's offsets, sizes
/// and strides (all 1) and a transpose's permutation are static.
static bool readMovement(CvConverter *cv, MlirOperation op, const char *name,
                         Movement *m) {
  MlirValue x = mlirOperationGetOperand(op, 0);
  MlirValue result = mlirOperationGetResult(op, 0);
  if (!cvReadShape(mlirValueGetType(x), &m->srcRank, m->src) ||
      !cvReadShape(mlirValueGetType(result), &m->dstRank, m->dst)) {
    cvError(cv, op, "%s needs static shapes", name);
    return false;
  }
  intptr_t srcRank = m->srcRank;
  m->isSlice = cimOpIsA(op, "tensor.extract_slice");
  m->isTranspose = cimOpIsA(op, "linalg.transpose");
  if (m->isSlice) {
    MlirAttribute o = attrOf(op, "static_offsets"),
                  s = attrOf(op, "static_sizes"),
                  st = attrOf(op, "static_strides");
    if (mlirOperationGetNumOperands(op) != 1 || mlirAttributeIsNull(o) ||
        mlirDenseArrayGetNumElements(o) != srcRank) {
      cvError(cv, op, "%s needs static offsets, sizes and strides", name);
      return false;
    }
    for (intptr_t i = 0; i < srcRank; ++i) {
      m->offsets[i] = mlirDenseI64ArrayGetElement(o, i);
      m->sizes[i] = mlirDenseI64ArrayGetElement(s, i);
      if (mlirDenseI64ArrayGetElement(st, i) != 1) {
        cvError(cv, op, "%s with non-unit strides is not supported", name);
        return false;
      }
    }
  }
  if (m->isTranspose) {
    MlirAttribute p = attrOf(op, "permutation");
    if (mlirAttributeIsNull(p) || mlirDenseArrayGetNumElements(p) != srcRank) {
      cvError(cv, op, "%s without a permutation", name);
      return false;
    }
    for (intptr_t i = 0; i < srcRank; ++i)
      m->perm[i] = mlirDenseI64ArrayGetElement(p, i);
  }
  return true;
}

/// Where the channel axis of `r` (which carries per-channel scales or
/// biases) is in the result of `op`, into `*axis`; fails when the movement
/// mixes it with other dimensions, or moves the still unmerged (G, F)
/// channel dims of a grouped convolution.
static bool movedChannelAxis(CvConverter *cv, MlirOperation op,
                             const char *name, const CvRep *r,
                             const Movement *m, int64_t *axis) {
  if (r->axisSpan > 1 && !cimOpIsA(op, "tensor.collapse_shape")) {
    cvError(cv, op,
            "%s moves the output channels of a grouped convolution, which "
            "span dims %lld to %lld and carry per-channel biases, before "
            "they are merged into one dim; collapse them first",
            name, (long long)r->axis, (long long)(r->axis + r->axisSpan - 1));
    return false;
  }
  if (m->isTranspose) {
    for (intptr_t i = 0; i < m->srcRank; ++i)
      if (m->perm[i] == r->axis)
        *axis = i;
  } else if (m->isSlice) {
    if (m->sizes[r->axis] == m->src[r->axis]) {
      /* dims of size 1 dropped by a rank-reducing slice: count them */
      *axis = r->axis;
      if (m->dstRank < m->srcRank) {
        int64_t dropped = 0;
        for (intptr_t i = 0, j = 0; i < m->srcRank; ++i) {
          if (j < m->dstRank && m->dst[j] == m->sizes[i]) {
            ++j;
            continue;
          }
          if (i < r->axis)
            ++dropped;
        }
        *axis -= dropped;
      }
    }
  } else {
    *axis = reshapeAxis(attrOf(op, "reassociation"),
                        cimOpIsA(op, "tensor.collapse_shape"), m->src, m->dst,
                        r->axis, r->axisSpan);
  }
  if (*axis < 0) {
    cvError(cv, op,
            "%s mixes the channel axis %lld, which carries per-channel "
            "scales or biases, with other dimensions; quantize the value "
            "first",
            name, (long long)r->axis);
    return false;
  }
  return true;
}

/// The cim op that moves `q` as `op` moves its input: cim.transpose,
/// cim.slice (then cim.reshape when the slice drops dims) or cim.reshape.
static MlirValue buildMovement(CvConverter *cv, MlirOperation op,
                               const Movement *m, MlirValue q) {
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirType elem = elemOf(q);
  MlirValue v;
  if (m->isTranspose) {
    MlirNamedAttribute p =
        cvNamedArray(cv->ctx, "permutation", m->srcRank, m->perm);
    v = cvBuild1(cv, "cim.transpose", loc, 1, &q,
                 cvTensorType(cv->ctx, m->dstRank, m->dst, elem), 1, &p);
  } else if (m->isSlice) {
    MlirNamedAttribute o =
        cvNamedArray(cv->ctx, "offsets", m->srcRank, m->offsets);
    v = cvBuild1(cv, "cim.slice", loc, 1, &q,
                 cvTensorType(cv->ctx, m->srcRank, m->sizes, elem), 1, &o);
    if (m->dstRank != m->srcRank)
      v = cvBuild1(cv, "cim.reshape", loc, 1, &v,
                   cvTensorType(cv->ctx, m->dstRank, m->dst, elem), 0, NULL);
  } else {
    v = cvBuild1(cv, "cim.reshape", loc, 1, &q,
                 cvTensorType(cv->ctx, m->dstRank, m->dst, elem), 0, NULL);
  }
  return v;
}

static bool convertReshapeLike(CvConverter *cv, MlirOperation op) {
  char name[64];
  cvOpName(op, name, sizeof name);
  MlirValue x = mlirOperationGetOperand(op, 0);
  MlirValue result = mlirOperationGetResult(op, 0);
  Movement m;
  if (!readMovement(cv, op, name, &m))
    return false;
  bool integer = mlirTypeIsAInteger(elemOf(x));
  CvRep *r = NULL;
  MlirValue q = x;
  if (!integer) {
    r = cvGetRep(cv, x);
    if (!r) {
      cvError(cv, op, "the input of %s has no integer representation", name);
      return false;
    }
    q = r->q;
  }
  int64_t axis = -1;
  if (r && channelDependent(r) && !movedChannelAxis(cv, op, name, r, &m, &axis))
    return false;
  MlirValue v = buildMovement(cv, op, &m, q);
  if (integer) {
    mlirValueReplaceAllUsesOfWith(result, v);
    return true;
  }
  CvRep *out = cvForward(cv, result, r, v, axis);
  out->axisSpan = 1;
  /* A collapse merging a grouped convolution's (G, F) into one channel dim
   * is still the layer's result: its bias add may follow. */
  if (r->axisSpan > 1 && axis >= 0)
    out->layer = r->layer;
  return true;
}

static bool convertConcat(CvConverter *cv, MlirOperation op) {
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirValue result = mlirOperationGetResult(op, 0);
  intptr_t n = mlirOperationGetNumOperands(op);
  MlirAttribute dimAttr = attrOf(op, "dim");
  intptr_t rank;
  int64_t shape[CV_MAX_RANK];
  if (mlirAttributeIsNull(dimAttr) || n < 1 ||
      !cvReadShape(mlirValueGetType(result), &rank, shape)) {
    cvError(cv, op, "tensor.concat needs static shapes");
    return false;
  }
  int64_t dim = mlirIntegerAttrGetValueInt(dimAttr);
  bool integer = mlirTypeIsAInteger(elemOf(result));
  CvRep *first = NULL;
  MlirValue acc = {NULL};
  int64_t accShape[CV_MAX_RANK];
  for (intptr_t i = 0; i < n; ++i) {
    MlirValue x = mlirOperationGetOperand(op, i);
    MlirValue q = x;
    if (!integer) {
      CvRep *r = cvGetRep(cv, x);
      if (!r || !r->storage || r->numBias || r->numS != 1) {
        cvError(cv, op,
                "operand #%ld of tensor.concat is not quantized "
                "(quant.dcast(quant.qcast(x)))",
                (long)i);
        return false;
      }
      if (!first) {
        first = r;
      } else if (r->s[0] != first->s[0] || r->z != first->z ||
                 r->qmin != first->qmin || r->qmax != first->qmax ||
                 r->bits != first->bits || r->isSigned != first->isSigned) {
        cvError(cv, op,
                "mismatched quant types: operand #%ld of tensor.concat has "
                "scale %g and zero point %lld, operand #0 scale %g and zero "
                "point %lld; concatenated values must share one type",
                (long)i, r->s[0], (long long)r->z, first->s[0],
                (long long)first->z);
        return false;
      }
      q = cvStorageValue(cv, op, r, "a concatenated value");
      if (mlirValueIsNull(q))
        return false;
    }
    intptr_t xr;
    int64_t xs[CV_MAX_RANK];
    cvReadShape(mlirValueGetType(q), &xr, xs);
    if (mlirValueIsNull(acc)) {
      acc = q;
      memcpy(accShape, xs, sizeof xs);
      continue;
    }
    accShape[dim] += xs[dim];
    MlirNamedAttribute ax = cimNamedI64(cv->ctx, "axis", dim);
    MlirValue operands[2] = {acc, q};
    acc = cvBuild1(cv, "cim.concat", loc, 2, operands,
                   cvTensorType(cv->ctx, rank, accShape, elemOf(q)), 1, &ax);
  }
  if (integer) {
    mlirValueReplaceAllUsesOfWith(result, acc);
    return true;
  }
  cvForward(cv, result, first, acc, -1);
  return true;
}

bool cvConvertMovement(CvConverter *cv, MlirOperation op) {
  if (cimOpIsA(op, "tensor.concat"))
    return convertConcat(cv, op);
  if (strncmp(mlirIdentifierStr(mlirOperationGetName(op)).data,
              "linalg.pooling", 14) == 0)
    return convertPool(cv, op);
  if (mlirOperationGetNumResults(op) != 1) {
    char name[64];
    cvError(cv, op, "expected %s on tensors with one result",
            cvOpName(op, name, sizeof name));
    return false;
  }
  return convertReshapeLike(cv, op);
}
