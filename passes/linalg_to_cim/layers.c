/*===-- layers.c - convert-linalg-to-cim: matrix-vector layers -------------===*
 *
 * Which ops are layers, which operand holds the weights and what each
 * dimension means is the layer table (lib/ir/LayerOps.def): every op is
 * described by the letters of its operands' dimensions (LayerRegistry.h).
 * From them this file derives a `Form`: how activation and weights are
 * permuted and reshaped into cim.matmul's [G,]M,K x [G,]K,N or cim.conv2d's
 * layouts, and how the cim result is reshaped and permuted back into the
 * linalg result. Constant operands are transformed at compile time; run-time
 * ones with cim.transpose / cim.reshape.
 *===----------------------------------------------------------------------===*/

#include "Convert.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ir/Elements.h"
#include "ir/LayerRegistry.h"
#include "ir/PassUtils.h"
#include "support/Checked.h"
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
  int64_t outSpan; /* adjacent dims from outAxis that index the channels */
  int64_t wAxis;   /* axis of the linalg weights carrying output channels */
  bool unsignedA, unsignedW;
} Form;

bool cvIsLayerOp(MlirOperation op) { return cimLayerOpLookup(op) != NULL; }

/*===----------------------------------------------------------------------===*
 * Small helpers
 *===----------------------------------------------------------------------===*/

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

static int64_t prod(intptr_t n, const int64_t *v) {
  int64_t p = 1;
  for (intptr_t i = 0; i < n; ++i)
    p *= v[i];
  return p;
}

/*===----------------------------------------------------------------------===*
 * Forms
 *===----------------------------------------------------------------------===*/

/// The cim side of each layout: the letters of each cim dimension, a
/// dimension merging several letters (G outer). Letters an op lacks have
/// size 1; a matmul without G has rank 2.
typedef struct CimSide {
  const char *act[4], *weight[4], *result[4];
} CimSide;

static const CimSide kMatmul = {{"G", "M", "K"}, {"G", "K", "N"}, {"G", "M", "N"}};
static const CimSide kNchw = {{"B", "GC", "H", "W"},
                              {"GF", "C", "R", "S"},
                              {"B", "GF", "P", "Q"}};
static const CimSide kNhwc = {{"B", "H", "W", "GC"},
                              {"R", "S", "C", "GF"},
                              {"B", "P", "Q", "GF"}};

/// How an operand with letters `src` (shape `shape`) reaches the cim side
/// `dst`: its letters in cim order (`order`; the permutation in x if that is
/// not the identity), then the cim shape (`cim`; a reshape in x if it is not
/// the permuted shape). Returns the cim rank.
static intptr_t plan(const char *src, const int64_t *shape,
                     const char *const *dst, intptr_t dstRank, Xform *x,
                     char *order, int64_t *cim) {
  intptr_t n = 0, rank = (intptr_t)strlen(src);
  for (intptr_t d = 0; d < dstRank; ++d) {
    cim[d] = 1;
    for (const char *l = dst[d]; *l; ++l) {
      int pos = cimLayerAxesFind(src, *l);
      if (pos < 0)
        continue;
      order[n] = *l;
      x->perm[n++] = pos;
      cim[d] *= shape[pos];
    }
  }
  order[n] = '\0';
  assert(n == rank && "a letter of LayerOps.def has no place in the cim layout");
  bool same = dstRank == rank;
  for (intptr_t i = 0; i < rank; ++i) {
    x->permute |= x->perm[i] != i;
    same = same && cim[i] == shape[x->perm[i]];
  }
  if (!same) {
    x->reshapeRank = dstRank;
    memcpy(x->reshape, cim, (size_t)dstRank * sizeof *cim);
  }
  return dstRank;
}

/// The channel axis of an operand: its N / F letter, else (depthwise) its
/// G. A convolution's output channels that span two axes (G then F, as in
/// every grouped layout of LayerOps.def) give G with *span 2 when `span` is
/// non-null, else none (-1).
static int64_t channelAxis(const char *axes, bool conv, int64_t *span) {
  int out = cimLayerAxesFind(axes, strchr(axes, 'N') ? 'N' : 'F');
  int g = cimLayerAxesFind(axes, 'G');
  if (span)
    *span = 1;
  if (conv && g >= 0) {
    if (out < 0)
      return g;
    if (span && out == g + 1) {
      *span = 2;
      return g;
    }
    return -1;
  }
  return out;
}

/// Fills `f` for op from its axes; shapes must already be read.
static void buildForm(MlirOperation op, const CimLayerAxes *ax, Form *f) {
  const CimLayerOpDef *def = ax->def;
  f->conv = cimLayerOpIsConv(def);
  const CimSide *side = !f->conv                              ? &kMatmul
                        : strcmp(def->cim, "nchw_fchw") == 0 ? &kNchw
                                                              : &kNhwc;
  bool batched = strchr(ax->weight, 'G') != NULL;
  int skip = !f->conv && !batched; /* a matmul without G: rank 2 */
  intptr_t rank = f->conv ? 4 : 3 - skip;
  char order[CV_MAX_RANK + 1];
  int64_t cim[CV_MAX_RANK];
  plan(ax->act, f->a, side->act + skip, rank, &f->actX, order, cim);
  plan(ax->weight, f->w, side->weight + skip, rank, &f->wX, order, cim);
  /* The result goes the other way: cim shape, reshaped to the result's
   * letters in cim order, permuted back into the result's order. */
  Xform rx = {0};
  f->cimRank = plan(ax->result, f->r, side->result + skip, rank, &rx, order,
                    f->cim);
  intptr_t rr = (intptr_t)strlen(ax->result);
  if (rx.reshapeRank) {
    f->resReshape = true, f->resReshapeRank = rr;
    for (intptr_t i = 0; i < rr; ++i)
      f->resReshapeShape[i] = f->r[rx.perm[i]];
  }
  if (rx.permute) {
    f->resPermute = true;
    for (intptr_t j = 0; j < rr; ++j)
      f->resPerm[j] = cimLayerAxesFind(order, ax->result[j]);
  }
  f->layout = f->conv ? def->cim : NULL;
  f->groups = f->conv ? cimLayerAxesProduct(ax->weight, f->w, "G") : 1;
  f->hDim = cimLayerAxesFind(ax->act, 'H');
  f->wDim = cimLayerAxesFind(ax->act, 'W');
  f->reduction = cimLayerAxesProduct(ax->weight, f->w, "KCRS");
  f->outAxis = channelAxis(ax->result, f->conv, &f->outSpan);
  f->wAxis = channelAxis(ax->weight, f->conv, NULL);
  f->unsignedA = cimLayerOperandIsUnsigned(op, ax->actIdx);
  f->unsignedW = cimLayerOperandIsUnsigned(op, ax->weightIdx);
}

/*===----------------------------------------------------------------------===*
 * Operands
 *===----------------------------------------------------------------------===*/

typedef struct Operand {
  MlirValue v;
  unsigned bits;
  bool isSigned;
  int64_t lo, hi;        /* storage range */
  MlirAttribute values; /* compile-time values (dense or dense_resource), or
                           null */
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

/// Applies a transform. Constants (non-null values) are transformed at
/// compile time into a new dense constant whose attribute *outValues
/// receives; so is a dense_resource constant without a transform (the
/// levels below read dense integer storage). Null after an error.
static MlirValue applyXform(CvConverter *cv, MlirOperation op, Operand *o,
                            intptr_t rank, const int64_t *shape,
                            const Xform *x, MlirAttribute *outValues) {
  MlirLocation loc = mlirOperationGetLocation(op);
  *outValues = o->values;
  bool resource = !mlirAttributeIsNull(o->values) &&
                  mlirAttributeIsADenseResourceElements(o->values);
  if (!x->permute && !x->reshapeRank && !resource)
    return o->v;
  int64_t pshape[CV_MAX_RANK];
  for (intptr_t i = 0; i < rank; ++i)
    pshape[i] = x->permute ? shape[x->perm[i]] : shape[i];
  intptr_t newRank = x->reshapeRank ? x->reshapeRank : rank;
  const int64_t *newShape = x->reshapeRank ? x->reshape : pshape;
  if (!mlirAttributeIsNull(o->values))
    return cvTransformConstant(cv, op, o->values, rank, shape,
                               x->permute ? x->perm : NULL, newRank, newShape,
                               o->elemBits, outValues);
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

/// The accumulator bits a k-term dot product of a and w needs (65: more
/// than int64 holds).
static unsigned accumulatorBits(int64_t k, const Operand *a,
                                const Operand *w) {
  unsigned bits;
  return cimDotProductBits(k, a->lo, a->hi, w->lo, w->hi, &bits) ? bits : 65;
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

/// One layer under conversion: its form, its operands as read, and the
/// convolution attributes.
typedef struct Layer {
  Form f;
  MlirValue act, wv, result;
  bool integer;
  Operand a, w;
  CvRep *ra, *rw; /* QDQ input only */
  unsigned accBits;
  int64_t strides[2], dilations[2], padding[4], padValue;
  MlirAttribute padAttr;
} Layer;

/// A convolution must compute its whole output window range (what
/// cim.conv2d is): linalg also allows a smaller output, which reads only
/// part of the input.
static bool checkWindow(CvConverter *cv, MlirOperation op,
                        const CimLayerAxes *ax, const Layer *L) {
  const Form *f = &L->f;
  int64_t in[2] = {f->a[f->hDim], f->a[f->wDim]};
  int64_t k[2] = {cimLayerAxesProduct(ax->weight, f->w, "R"),
                  cimLayerAxesProduct(ax->weight, f->w, "S")};
  int64_t out[2] = {cimLayerAxesProduct(ax->result, f->r, "P"),
                    cimLayerAxesProduct(ax->result, f->r, "Q")};
  int64_t full[2];
  for (int i = 0; i < 2; ++i)
    if (!cimWindowOutputSize(in[i], L->padding[i], L->padding[2 + i], k[i],
                             L->dilations[i], L->strides[i], &full[i])) {
      cvError(cv, op,
              "%s: a %lldx%lld kernel with dilations %lldx%lld does not fit "
              "the %lldx%lld input padded by [%lld, %lld, %lld, %lld]",
              f->name, (long long)k[0], (long long)k[1],
              (long long)L->dilations[0], (long long)L->dilations[1],
              (long long)in[0], (long long)in[1], (long long)L->padding[0],
              (long long)L->padding[1], (long long)L->padding[2],
              (long long)L->padding[3]);
      return false;
    }
  if (full[0] != out[0] || full[1] != out[1]) {
    cvError(cv, op,
            "%s computes a %lldx%lld output, but its input, kernel, strides, "
            "dilations and padding give %lldx%lld; cimlir maps convolutions "
            "that compute their whole output (slice the result instead)",
            f->name, (long long)out[0], (long long)out[1],
            (long long)full[0], (long long)full[1]);
    return false;
  }
  return true;
}

/// Reads shapes and the form; folds a convolution's input tensor.pad.
static bool readForm(CvConverter *cv, MlirOperation op, Layer *L) {
  Form *f = &L->f;
  CimLayerAxes ax;
  if (mlirOperationGetNumOperands(op) != 3 ||
      mlirOperationGetNumResults(op) != 1) {
    cvError(cv, op, "expected %s on tensors with one result", f->name);
    return false;
  }
  if (mlirLogicalResultIsFailure(
          cimLayerOpGetAxes(op, "convert-linalg-to-cim", &ax)))
    return false;
  L->act = mlirOperationGetOperand(op, ax.actIdx);
  L->wv = mlirOperationGetOperand(op, ax.weightIdx);
  L->result = mlirOperationGetResult(op, 0);
  MlirType actElem = mlirShapedTypeGetElementType(mlirValueGetType(L->act));
  L->integer = mlirTypeIsAInteger(actElem);
  if (!cvReadShape(mlirValueGetType(L->act), &f->aRank, f->a) ||
      !cvReadShape(mlirValueGetType(L->wv), &f->wRank, f->w) ||
      !cvReadShape(mlirValueGetType(L->result), &f->rRank, f->r) ||
      (L->integer && (!mlirTypeIsAInteger(mlirShapedTypeGetElementType(
                          mlirValueGetType(L->wv))) ||
                      !mlirTypeIsAInteger(mlirShapedTypeGetElementType(
                          mlirValueGetType(L->result)))))) {
    cvError(cv, op,
            "%s needs static integer or quantized (QDQ) tensors with static "
            "shapes",
            f->name);
    return false;
  }
  buildForm(op, &ax, f);
  /* Padding of the input folded into the convolution. */
  L->strides[0] = L->strides[1] = L->dilations[0] = L->dilations[1] = 1;
  L->padAttr = mlirAttributeGetNull();
  if (f->conv) {
    readPair(op, "strides", L->strides);
    readPair(op, "dilations", L->dilations);
    MlirValue src;
    if (cvMatchPad(L->act, f->aRank, f->hDim, f->wDim, L->padding,
                   &L->padAttr, &src)) {
      L->act = src;
      /* The form describes the unpadded operand: a layout that reshapes the
       * activation (a grouped convolution's [B, G, C, H, W]) reshapes src. */
      cvReadShape(mlirValueGetType(src), &f->aRank, f->a);
      buildForm(op, &ax, f);
    }
    return checkWindow(cv, op, &ax, L);
  }
  return true;
}

/// Integer input: bits and signedness from the element types and linalg's
/// extension, the accumulator from the result type.
static bool readIntegerOperands(CvConverter *cv, MlirOperation op, Layer *L) {
  Operand *a = &L->a, *w = &L->w;
  a->v = L->act, w->v = L->wv;
  a->bits = a->elemBits = mlirIntegerTypeGetWidth(
      mlirShapedTypeGetElementType(mlirValueGetType(L->act)));
  w->bits = w->elemBits = mlirIntegerTypeGetWidth(
      mlirShapedTypeGetElementType(mlirValueGetType(L->wv)));
  a->isSigned = !L->f.unsignedA, w->isSigned = !L->f.unsignedW;
  rangeOf(a);
  rangeOf(w);
  w->values = cvConstantAttr(L->wv);
  w->isConst = !mlirAttributeIsNull(w->values);
  L->accBits = mlirIntegerTypeGetWidth(
      mlirShapedTypeGetElementType(mlirValueGetType(L->result)));
  if (!mlirAttributeIsNull(L->padAttr)) {
    if (!mlirAttributeIsAInteger(L->padAttr)) {
      cvError(cv, op, "the padding of %s's input is not an integer",
              L->f.name);
      return false;
    }
    L->padValue = mlirIntegerAttrGetValueInt(L->padAttr);
  }
  return true;
}

/// QDQ input: bits, ranges and (constant) values from the operands'
/// representations; the padding value must be exact in the input's type.
static bool readQdqOperands(CvConverter *cv, MlirOperation op, Layer *L) {
  Operand *a = &L->a, *w = &L->w;
  CvRep *ra, *rw;
  if (!(ra = L->ra = qdqOperand(cv, op, &L->f, L->act, false)) ||
      !(rw = L->rw = qdqOperand(cv, op, &L->f, L->wv, true)))
    return false;
  a->v = ra->q, w->v = rw->q;
  a->bits = ra->bits, w->bits = rw->bits;
  a->isSigned = ra->isSigned, w->isSigned = rw->isSigned;
  a->lo = ra->qmin, a->hi = ra->qmax, w->lo = rw->qmin, w->hi = rw->qmax;
  a->elemBits = cvSignedBitsFor(a->lo, a->hi);
  w->elemBits = cvSignedBitsFor(w->lo, w->hi);
  w->isConst = !mlirAttributeIsNull(rw->values);
  w->values = rw->values;
  L->accBits = 0;
  if (!mlirAttributeIsNull(L->padAttr)) {
    double c = mlirAttributeIsAFloat(L->padAttr)
                   ? mlirFloatAttrGetValueDouble(L->padAttr)
                   : NAN;
    double qv = nearbyint(c / ra->s[0]) + (double)ra->z;
    if (!(qv >= (double)ra->qmin && qv <= (double)ra->qmax) ||
        (qv - (double)ra->z) * ra->s[0] != c) {
      cvError(cv, op,
              "the padding value %g of %s's input is not exactly "
              "representable in its quantized type",
              c, L->f.name);
      return false;
    }
    L->padValue = (int64_t)qv;
  }
  return true;
}

/// Bits in range, a zero accumulator, and an accumulator wide enough for
/// every sum (QDQ: chooses 32 or 64 bits).
static bool checkLayer(CvConverter *cv, MlirOperation op, Layer *L) {
  const Form *f = &L->f;
  const Operand *a = &L->a, *w = &L->w;
  if (a->bits < 1 || a->bits > 8 || w->bits < 1 || w->bits > 8) {
    cvError(cv, op,
            "activations have %u bits and weights %u bits; crossbar layers "
            "take 1 to 8 bits",
            a->bits, w->bits);
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
  unsigned needed = accumulatorBits(f->reduction, a, w);
  if (!L->integer)
    L->accBits = needed <= 32 ? 32 : 64;
  if (needed > L->accBits) {
    cvError(cv, op,
            "layer %lld can overflow its accumulator: a %lld-term dot "
            "product of %u-bit %s activations and %u-bit weights needs %u "
            "bits, the result has %u",
            (long long)cv->nextLayer, (long long)f->reduction, a->bits,
            a->isSigned ? "signed" : "unsigned", w->bits, needed, L->accBits);
    return false;
  }
  return true;
}

/// Asymmetric activations: sum_k (q_a - z_a) w = acc - z_a * sum_k w, one
/// correction per output channel of the cim weights `wvals` (malloc'ed,
/// *num entries). NULL after an error at `op`.
static int64_t *zeroPointBias(CvConverter *cv, MlirOperation op,
                              const Form *f, MlirAttribute wvals, int64_t z,
                              intptr_t *num) {
  CimElements e;
  const char *why = cimElementsOpen(wvals, &e);
  if (why) {
    cvError(cv, op, "cannot read the constant weights: %s", why);
    return NULL;
  }
  /* cim layout: matmul [.., K, N] and hwcf [.., F]: channel last;
   * fchw [F, ..]: channel first. */
  bool first = f->conv && strcmp(f->layout, "nchw_fchw") == 0;
  intptr_t wr = f->wX.reshapeRank ? f->wX.reshapeRank : f->wRank;
  int64_t wshape[CV_MAX_RANK];
  for (intptr_t i = 0; i < wr; ++i)
    wshape[i] = f->wX.reshapeRank ? f->wX.reshape[i]
                : f->wX.permute   ? f->w[f->wX.perm[i]]
                                  : f->w[i];
  int64_t wn = prod(wr, wshape);
  int64_t channels = first ? wshape[0] : wshape[wr - 1];
  int64_t *bias = calloc((size_t)channels, sizeof *bias);
  if (!bias)
    abort();
  for (int64_t i = 0; i < wn; ++i) {
    int64_t c = first ? i / (wn / channels) : i % channels;
    bias[c] -= z * cimElementsGetInt(&e, i, true);
  }
  *num = channels;
  return bias;
}

/// Builds the cim layer on the transformed operands and brings its result
/// back into the linalg result's shape; *layer is the cim op.
static MlirValue buildLayer(CvConverter *cv, MlirLocation loc, const Layer *L,
                            MlirValue av, MlirValue wv,
                            MlirOperation *layer) {
  const Form *f = &L->f;
  MlirType accElem = cvIntType(cv->ctx, L->accBits);
  MlirNamedAttribute attrs[16];
  intptr_t na = 0;
  attrs[na++] = cimNamedI64(cv->ctx, "layer", cv->nextLayer);
  attrs[na++] = cimNamedI64(cv->ctx, "a_bits", L->a.bits);
  attrs[na++] = cimNamedI64(cv->ctx, "w_bits", L->w.bits);
  attrs[na++] = cimNamedBool(cv->ctx, "a_signed", L->a.isSigned);
  attrs[na++] = cimNamedBool(cv->ctx, "w_signed", L->w.isSigned);
  attrs[na++] =
      cimNamedString(cv->ctx, "weights", L->w.isConst ? "static" : "dynamic");
  if (f->conv) {
    attrs[na++] = cimNamedString(cv->ctx, "layout", f->layout);
    attrs[na++] = cvNamedArray(cv->ctx, "strides", 2, L->strides);
    attrs[na++] = cvNamedArray(cv->ctx, "dilations", 2, L->dilations);
    attrs[na++] = cvNamedArray(cv->ctx, "padding", 4, L->padding);
    attrs[na++] = cimNamedI64(cv->ctx, "groups", f->groups);
    attrs[na++] = cimNamedI64(cv->ctx, "pad_value", L->padValue);
  }
  MlirValue operands[2] = {av, wv};
  *layer =
      cvBuild(cv, f->conv ? "cim.conv2d" : "cim.matmul", loc, 2, operands,
              cvTensorType(cv->ctx, f->cimRank, f->cim, accElem), na, attrs);
  ++cv->nextLayer;
  MlirValue out = mlirOperationGetResult(*layer, 0);
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
  return out;
}

/// QDQ input: the linalg result becomes an accumulator representation with
/// scale s_a * s_w (per channel with per-axis weights) and the zero-point
/// correction as its pending bias.
static void recordQdqResult(CvConverter *cv, const Layer *L,
                            MlirOperation layer, MlirValue out,
                            const int64_t *bias, intptr_t numBias) {
  const Form *f = &L->f;
  const CvRep *ra = L->ra, *rw = L->rw;
  CvRep *r = cvNewRep(cv, L->result);
  r->q = out;
  r->storage = false;
  r->axis = f->outAxis; /* where a bias add finds the output channels */
  r->axisSpan = f->outSpan;
  /* A bias add may follow directly; a reshape back into the linalg result
   * (grouped convolutions) keeps the channels in order, a permute not. */
  r->layer = f->resPermute ? (MlirOperation){NULL} : layer;
  if (rw->numS > 1) {
    double *s = malloc((size_t)rw->numS * sizeof *s);
    if (!s)
      abort();
    for (intptr_t c = 0; c < rw->numS; ++c)
      s[c] = ra->s[0] * rw->s[c];
    cvSetScales(r, rw->numS, s);
    free(s);
  } else {
    r->s[0] = ra->s[0] * rw->s[0];
  }
  if (numBias)
    cvSetBias(r, numBias, bias);
}

bool cvConvertLayer(CvConverter *cv, MlirOperation op) {
  MlirLocation loc = mlirOperationGetLocation(op);
  char nameBuf[64];
  Layer layerState = {0};
  Layer *L = &layerState;
  Form *f = &L->f;
  f->name = cvOpName(op, nameBuf, sizeof nameBuf);
  if (!readForm(cv, op, L) ||
      !(L->integer ? readIntegerOperands(cv, op, L)
                   : readQdqOperands(cv, op, L)) ||
      !checkLayer(cv, op, L))
    return false;
  bool needBias = !L->integer && L->ra->z != 0;
  if (needBias && (mlirAttributeIsNull(L->w.values) || f->outAxis < 0 ||
                   (!f->conv && f->cimRank == 3 && f->cim[0] != 1))) {
    cvError(cv, op,
            "activations of %s have zero point %lld, which needs constant "
            "weights with one output channel axis (the correction is "
            "-zero_point * sum of each output channel's weights)",
            f->name, (long long)L->ra->z);
    return false;
  }
  MlirAttribute aValues, cimW;
  int64_t *bias = NULL;
  intptr_t numBias = 0;
  MlirValue av = applyXform(cv, op, &L->a, f->aRank, f->a, &f->actX, &aValues);
  MlirValue wv = applyXform(cv, op, &L->w, f->wRank, f->w, &f->wX, &cimW);
  if (mlirValueIsNull(av) || mlirValueIsNull(wv) ||
      (needBias &&
       !(bias = zeroPointBias(cv, op, f, cimW, L->ra->z, &numBias))))
    return false;
  MlirOperation layer;
  MlirValue out = buildLayer(cv, loc, L, av, wv, &layer);
  if (L->integer)
    mlirValueReplaceAllUsesOfWith(L->result, out);
  else
    recordQdqResult(cv, L, layer, out, bias, numBias);
  free(bias);
  return true;
}
