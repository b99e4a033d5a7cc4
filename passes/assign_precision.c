/*===-- assign_precision.c - cim-assign-precision --------------------------===*
 *
 * Turns a float (f32) linalg model into a QDQ model: it inserts
 * `quant.qcast` + `quant.dcast` pairs with `!quant.uniform` types wherever the
 * quant-level contract of docs/design.md (Q1-Q3) asks for them, so that
 * convert-linalg-to-cim can lower the model. docs/precision.md is the user's
 * reference (numbering, scale rules, calibration format, constraints).
 *
 * The pass runs in two phases. The analysis walks the module in program
 * order, numbers the matrix-vector layers exactly as cim-estimate does
 * (lib/ir/layer_info.c), gives each layer its bits (policy row, or the uniform
 * options, then the first/last and cell constraints), classifies every float
 * op with the shared matchers of lib/ir/FrontEndMatch.h, and records one
 * *point* per operand to quantize, with its quantized type. Every diagnostic
 * comes out of the analysis, before the IR is touched. The rewrite then
 * inserts the pairs: one per (value, type), right after the value's
 * definition, except constants, which get one pair per use right before the
 * user (so that cse-merged splat weights shared by several layers are folded
 * per layer).
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Passes.h"
#include "cim-c/Policy.h"
#include "cim-c/Target.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/Quant.h"
#include "mlir-c/IR.h"

#include "cost/Calibration.h"
#include "ir/Elements.h"
#include "ir/FrontEndMatch.h"
#include "AssignPrecision.h"
#include "ir/LayerInfo.h"
#include "ir/LayerRegistry.h"
#include "ir/PassUtils.h"
#include "support/StrBuf.h"

#define PASS "cim-assign-precision"

/*===----------------------------------------------------------------------===*
 * State
 *===----------------------------------------------------------------------===*/

/// One operand to quantize: operand `operand` of `user` becomes
/// dcast(qcast(value)) of type `type`; with `pad`, the pair goes in front of
/// that tensor.pad (value is the pad's source).
typedef struct Point {
  MlirOperation user;
  intptr_t operand;
  MlirValue value;
  MlirOperation pad;
  MlirType type; /* element type: !quant.uniform */
} Point;

/// A result that Q3 wants behind a qcast of one type (softmax, layer norm,
/// elementwise non-linearity), with the type it gets when its users do not
/// already agree on one.
typedef struct Q3Result {
  MlirValue value;
  MlirType type;
  MlirLocation loc;
} Q3Result;

typedef struct State {
  MlirContext ctx;
  MlirLocation moduleLoc;
  const CimPassOptions *options;
  CimPolicy givenPolicy; /* cimAssignPrecisionWithPolicy's, or null */
  bool failed;
  /* Layers in program order and their bits. */
  MlirOperation *layers;
  intptr_t numLayers;
  int64_t *wBits, *aBits;
  /* Calibration: entry per layer (or NULL), used flags for op entries. */
  CimCalibration cal;
  const CimCalibrationEntry **layerCal;
  bool *opCalUsed;
  double defaultRange;
  int64_t digitalBits;
  /* Ops already accounted for as part of a matched pattern (layer norm). */
  MlirOperation *covered;
  intptr_t numCovered, capCovered;
  Point *points;
  intptr_t numPoints, capPoints;
  Q3Result *q3;
  intptr_t numQ3, capQ3;
} State;

#define GROW(arr, n, cap)                                                      \
  do {                                                                         \
    if ((n) == (cap)) {                                                        \
      intptr_t c_ = (cap) ? (cap) * 2 : 32;                                    \
      void *g_ = realloc((arr), (size_t)c_ * sizeof *(arr));                   \
      if (!g_)                                                                 \
        abort();                                                               \
      (arr) = g_;                                                              \
      (cap) = c_;                                                              \
    }                                                                          \
  } while (0)

static void errorAt(State *st, MlirLocation loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void errorAt(State *st, MlirLocation loc, const char *fmt, ...) {
  CimStrBuf b = {0};
  cimStrBufAppendCString(&b, PASS ": ");
  va_list ap;
  va_start(ap, fmt);
  cimStrBufVPrintf(&b, fmt, ap);
  va_end(ap);
  mlirEmitError(loc, cimStrBufGet(&b));
  cimStrBufFree(&b);
  st->failed = true;
}

/// Callback for library readers: the message goes to the module, prefixed.
static void emitAtModule(MlirStringRef s, void *userData) {
  State *st = userData;
  errorAt(st, st->moduleLoc, "%.*s", (int)s.length, s.data);
}

static const char *opName(MlirOperation op, char *buf, size_t size) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  snprintf(buf, size, "%.*s", (int)n.length, n.data);
  return buf;
}

/// The op's name location ("ln_1"), or NULL.
static bool nameLocOf(MlirOperation op, char *buf, size_t size) {
  MlirLocation loc = mlirOperationGetLocation(op);
  if (!mlirLocationIsAName(loc))
    return false;
  MlirStringRef n = mlirIdentifierStr(mlirLocationNameGetName(loc));
  snprintf(buf, size, "%.*s", (int)n.length, n.data);
  return true;
}

static MlirOperation definingOp(MlirValue v) {
  return mlirValueIsAOpResult(v) ? mlirOpResultGetOwner(v)
                                 : (MlirOperation){NULL};
}

static bool definedBy(MlirValue v, const char *name) {
  MlirOperation d = definingOp(v);
  return !mlirOperationIsNull(d) && cimOpIsA(d, name);
}

static bool isCovered(const State *st, MlirOperation op) {
  for (intptr_t i = 0; i < st->numCovered; ++i)
    if (mlirOperationEqual(st->covered[i], op))
      return true;
  return false;
}

static bool isLayerResult(const State *st, MlirValue v) {
  MlirOperation d = definingOp(v);
  if (mlirOperationIsNull(d))
    return false;
  for (intptr_t i = 0; i < st->numLayers; ++i)
    if (mlirOperationEqual(st->layers[i], d))
      return true;
  return false;
}

/*===----------------------------------------------------------------------===*
 * Constants and ranges
 *===----------------------------------------------------------------------===*/

/// The float elements (dense or dense_resource, lib/ir/Elements.h) of an
/// arith.constant `v`, or a null attribute. A constant the reader cannot
/// open (a blob without data) counts as no constant here;
/// convert-linalg-to-cim reports it where it quantizes it.
static MlirAttribute constantValue(MlirValue v) {
  if (!definedBy(v, "arith.constant"))
    return (MlirAttribute){NULL};
  MlirAttribute a = mlirOperationGetAttributeByName(
      definingOp(v), mlirStringRefCreateFromCString("value"));
  CimElements e;
  return !mlirAttributeIsNull(a) && !cimElementsOpen(a, &e) &&
                 e.kind != CIM_ELEMENTS_INT
             ? a
             : (MlirAttribute){NULL};
}

/// max |x| and min x over a float constant of constantValue, read in bulk;
/// false on non-finite values.
static bool constantStats(MlirAttribute a, double *maxAbs, double *minValue) {
  *maxAbs = 0.0;
  *minValue = INFINITY;
  CimElements e;
  if (cimElementsOpen(a, &e) || e.kind == CIM_ELEMENTS_INT)
    return false;
  enum { CHUNK = 4096 };
  double x[CHUNK];
  for (int64_t i = 0; i < (e.splat ? 1 : e.count); i += CHUNK) {
    int64_t n = e.splat ? 1 : e.count - i < CHUNK ? e.count - i : CHUNK;
    cimElementsGetDoubles(&e, i, n, x);
    for (int64_t k = 0; k < n; ++k) {
      if (!isfinite(x[k]))
        return false;
      if (fabs(x[k]) > *maxAbs)
        *maxAbs = fabs(x[k]);
      if (x[k] < *minValue)
        *minValue = x[k];
    }
  }
  return true;
}

/// The constant a `tensor.pad` pads with, when it is an arith.constant float
/// defined outside the region; false otherwise.
static bool padValue(MlirOperation pad, double *value) {
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(pad, 0));
  MlirOperation yield = mlirBlockGetTerminator(body);
  if (mlirOperationIsNull(yield) || mlirOperationGetNumOperands(yield) != 1)
    return false;
  MlirValue v = mlirOperationGetOperand(yield, 0);
  if (!definedBy(v, "arith.constant"))
    return false;
  MlirAttribute a = mlirOperationGetAttributeByName(
      definingOp(v), mlirStringRefCreateFromCString("value"));
  if (mlirAttributeIsNull(a) || !mlirAttributeIsAFloat(a))
    return false;
  *value = mlirFloatAttrGetValueDouble(a);
  return true;
}

/// Every static pad amount of `pad` in dims [first, first+count) is below the
/// corresponding extent of `window` (a max-pool window always overlaps data).
static bool padsBelowWindow(MlirOperation pad, int first, MlirValue window) {
  MlirType wt = mlirValueGetType(window);
  if (!mlirTypeIsARankedTensor(wt) || mlirShapedTypeGetRank(wt) != 2)
    return false;
  const char *names[] = {"static_low", "static_high"};
  for (int k = 0; k < 2; ++k) {
    MlirAttribute a = mlirOperationGetAttributeByName(
        pad, mlirStringRefCreateFromCString(names[k]));
    if (mlirAttributeIsNull(a) || !mlirAttributeIsADenseI64Array(a) ||
        mlirDenseArrayGetNumElements(a) < first + 2)
      return false;
    for (int d = 0; d < 2; ++d) {
      int64_t p = mlirDenseI64ArrayGetElement(a, first + d);
      if (p < 0 || p >= mlirShapedTypeGetDimSize(wt, d))
        return false;
    }
  }
  return true;
}

/// True when every element of `v` is provably >= 0, by structure: a ReLU or
/// clamp with a lower bound >= 0, a softmax, non-negative constants, and
/// what shape-only ops, concat, padding with a value >= 0, max and sum
/// pooling, multiplication by a positive scalar and adds keep non-negative.
static bool isNonNegative(MlirValue v, int depth) {
  if (depth > 64)
    return false;
  MlirOperation d = definingOp(v);
  if (mlirOperationIsNull(d))
    return false;
  MlirValue in;
  double lo, hi, factor;
  int64_t axis;
  if (cimMatchSoftmax(d, &in, &axis))
    return true;
  if (cimMatchClamp(d, &in, &lo, &hi))
    return lo >= 0.0 || isNonNegative(in, depth + 1);
  if (cimMatchScalarScale(d, &in, &factor))
    return factor > 0.0 && isNonNegative(in, depth + 1);
  MlirValue lhs, rhs;
  if (cimMatchTensorAdd(d, &lhs, &rhs))
    return isNonNegative(lhs, depth + 1) && isNonNegative(rhs, depth + 1);
  MlirAttribute c = constantValue(v);
  if (!mlirAttributeIsNull(c)) {
    double maxAbs, minValue;
    return constantStats(c, &maxAbs, &minValue) && minValue >= 0.0;
  }
  MlirValue source;
  if (cimIsShapeOnlyOp(d, &source))
    return isNonNegative(source, depth + 1);
  if (cimOpIsA(d, "tensor.concat")) {
    for (intptr_t i = 0; i < mlirOperationGetNumOperands(d); ++i)
      if (!isNonNegative(mlirOperationGetOperand(d, i), depth + 1))
        return false;
    return true;
  }
  if (cimOpIsA(d, "tensor.pad")) {
    double p;
    return padValue(d, &p) && p >= 0.0 &&
           isNonNegative(mlirOperationGetOperand(d, 0), depth + 1);
  }
  bool maxPool = cimOpIsA(d, "linalg.pooling_nchw_max") ||
                 cimOpIsA(d, "linalg.pooling_nhwc_max");
  bool sumPool = cimOpIsA(d, "linalg.pooling_nchw_sum") ||
                 cimOpIsA(d, "linalg.pooling_nhwc_sum");
  if ((maxPool || sumPool) && mlirOperationGetNumOperands(d) == 3) {
    /* The init must be >= 0 too (a fill with 0 or -inf for max). */
    MlirValue input = mlirOperationGetOperand(d, 0);
    MlirOperation pad = definingOp(input);
    if (maxPool && !mlirOperationIsNull(pad) && cimOpIsA(pad, "tensor.pad")) {
      /* Padding with -inf is harmless when every window overlaps data. */
      double p;
      int first = cimOpIsA(d, "linalg.pooling_nchw_max") ? 2 : 1;
      if (padValue(pad, &p) &&
          (p >= 0.0 ||
           padsBelowWindow(pad, first, mlirOperationGetOperand(d, 1))))
        return isNonNegative(mlirOperationGetOperand(pad, 0), depth + 1);
      return false;
    }
    if (sumPool) {
      MlirValue init = mlirOperationGetOperand(d, 2);
      MlirOperation fill = definingOp(init);
      if (mlirOperationIsNull(fill) || !cimOpIsA(fill, "linalg.fill") ||
          !cimValueIsZeroConstant(mlirOperationGetOperand(fill, 0)))
        return false;
    }
    return isNonNegative(input, depth + 1);
  }
  return false;
}

/*===----------------------------------------------------------------------===*
 * Quantized types (docs/precision.md, "Scales")
 *===----------------------------------------------------------------------===*/

/// The storage range of `bits` bits: signed narrow [-(2^(b-1)-1), 2^(b-1)-1]
/// for b >= 2, the whole i1 range [-1, 0] for b = 1; unsigned [0, 2^b - 1].
static void storageRange(int64_t bits, bool isSigned, int64_t *qmin,
                         int64_t *qmax) {
  if (!isSigned) {
    *qmin = 0;
    *qmax = ((int64_t)1 << bits) - 1;
  } else if (bits == 1) {
    *qmin = -1;
    *qmax = 0;
  } else {
    *qmax = ((int64_t)1 << (bits - 1)) - 1;
    *qmin = -*qmax;
  }
}

/// Symmetric (zero point 0) type for values whose magnitude is at most
/// `bound`: scale = bound / (largest level magnitude); a zero bound gives
/// scale 1.0 (everything quantizes to 0).
static MlirType makeType(State *st, int64_t bits, bool isSigned, double bound) {
  int64_t qmin, qmax;
  storageRange(bits, isSigned, &qmin, &qmax);
  double levels = (double)(isSigned ? -qmin : qmax);
  double scale = bound > 0.0 ? bound / levels : 1.0;
  return mlirUniformQuantizedTypeGet(
      isSigned ? mlirQuantizedTypeGetSignedFlag() : 0,
      mlirIntegerTypeGet(st->ctx, (unsigned)bits), mlirF32TypeGet(st->ctx),
      scale, 0, qmin, qmax);
}

/// The bound for a run-time value of range `r` (signed: max |x|; unsigned:
/// max(x, 0)).
static double rangeBound(CimRange r, bool isSigned) {
  if (!isSigned)
    return r.max > 0.0 ? r.max : 0.0;
  return fmax(fabs(r.min), fabs(r.max));
}

/// Type of a constant operand: signed narrow, max-abs scale. Emits at `loc`.
static bool constantType(State *st, MlirValue v, int64_t bits, MlirLocation loc,
                         const char *what, MlirType *type) {
  double maxAbs, minValue;
  if (!constantStats(constantValue(v), &maxAbs, &minValue)) {
    errorAt(st, loc, "%s is a constant with infinite or NaN elements; it "
                     "cannot be quantized",
            what);
    return false;
  }
  *type = makeType(st, bits, true, maxAbs);
  return true;
}

/// True if `v` is a softmax result, also through shape-only ops: its range
/// is known, [0, 1].
static bool isSoftmaxResult(MlirValue v, int depth) {
  MlirOperation d = definingOp(v);
  MlirValue in;
  int64_t axis;
  if (mlirOperationIsNull(d) || depth > 16)
    return false;
  if (cimMatchSoftmax(d, &in, &axis))
    return true;
  return cimIsShapeOnlyOp(d, &in) && isSoftmaxResult(in, depth + 1);
}

/// Type of a run-time value: unsigned when provably non-negative; the range
/// from the calibration entry, else [0, 1] for a softmax result, else the
/// calibration's "default", else [-R, R] with R = default-range.
static MlirType runtimeType(State *st, MlirValue v, int64_t bits,
                            const CimRange *given) {
  bool isSigned = !isNonNegative(v, 0);
  CimRange r = given && given->set ? *given
               : isSoftmaxResult(v, 0) ? (CimRange){true, 0.0, 1.0}
               : st->cal.defaultRange.set
                   ? st->cal.defaultRange
                   : (CimRange){true, -st->defaultRange, st->defaultRange};
  return makeType(st, bits, isSigned, rangeBound(r, isSigned));
}

/*===----------------------------------------------------------------------===*
 * Points
 *===----------------------------------------------------------------------===*/

/// Checks that operand `i` of `user` is an f32 tensor not quantized yet.
static bool checkFloatOperand(State *st, MlirOperation user, MlirValue v,
                              const char *what) {
  MlirLocation loc = mlirOperationGetLocation(user);
  MlirType t = mlirValueGetType(v);
  if (!mlirTypeIsARankedTensor(t) ||
      !mlirTypeIsAF32(mlirShapedTypeGetElementType(t))) {
    char buf[64];
    errorAt(st, loc, "%s of '%s' is not an f32 tensor: the pass takes float "
                     "models (quantized types are expressed in f32)",
            what, opName(user, buf, sizeof buf));
    return false;
  }
  MlirValue look = v;
  if (definedBy(look, "tensor.pad"))
    look = mlirOperationGetOperand(definingOp(look), 0);
  if (definedBy(look, "quant.dcast")) {
    char buf[64];
    errorAt(st, loc, "%s of '%s' is already quantized (quant.dcast): run the "
                     "pass on float models only",
            what, opName(user, buf, sizeof buf));
    return false;
  }
  return true;
}

static const Point *findPoint(const State *st, MlirOperation user,
                              intptr_t operand) {
  for (intptr_t i = 0; i < st->numPoints; ++i)
    if (mlirOperationEqual(st->points[i].user, user) &&
        st->points[i].operand == operand)
      return &st->points[i];
  return NULL;
}

/// Records a point. A run-time value reached through shape-only ops
/// (reshape, transpose, slice) gets a second pair of the same type in front
/// of the first of them, so the shape ops move quantized storage: a pending
/// per-channel bias cannot follow a reshape that merges the channel axis.
/// The pair at the operand itself (what Q1/Q2 ask for) then requantizes into
/// the same type, which the converter skips.
static void addPoint(State *st, MlirOperation user, intptr_t operand,
                     MlirValue value, MlirOperation pad, MlirType type) {
  GROW(st->points, st->numPoints, st->capPoints);
  st->points[st->numPoints++] = (Point){user, operand, value, pad, type};
  if (!mlirOperationIsNull(pad))
    return;
  MlirOperation first = {NULL};
  MlirValue source = value, next;
  for (int depth = 0; depth < 64; ++depth) {
    MlirOperation d = definingOp(source);
    if (mlirOperationIsNull(d) || !cimIsShapeOnlyOp(d, &next))
      break;
    first = d;
    source = next;
  }
  if (mlirOperationIsNull(first) || !mlirAttributeIsNull(constantValue(source)) ||
      findPoint(st, first, 0))
    return;
  GROW(st->points, st->numPoints, st->capPoints);
  st->points[st->numPoints++] = (Point){first, 0, source, {NULL}, type};
}

/// Q1: both operands of layer `i`.
static void layerPoints(State *st, intptr_t i) {
  MlirOperation op = st->layers[i];
  MlirLocation loc = mlirOperationGetLocation(op);
  char name[128];
  cimLayerGetName(op, i, name, sizeof name);
  /* The linalg verifier guarantees ins (2) and outs (1); the layer table
   * says which of them holds the weights. */
  assert(mlirOperationGetNumOperands(op) >= 3);
  CimLayerAxes ax;
  if (mlirLogicalResultIsFailure(cimLayerOpGetAxes(op, PASS, &ax))) {
    st->failed = true;
    return;
  }
  intptr_t actIdx = ax.actIdx, wtIdx = ax.weightIdx;
  MlirValue act = mlirOperationGetOperand(op, actIdx);
  MlirValue wt = mlirOperationGetOperand(op, wtIdx);
  if (!checkFloatOperand(st, op, act, "the activation operand") ||
      !checkFloatOperand(st, op, wt, "the weight operand"))
    return;
  const CimCalibrationEntry *cal = st->layerCal[i];

  /* Weights: constant -> max-abs; run time -> calibration or default. */
  MlirType wType;
  MlirOperation wPad = {NULL};
  MlirValue wVal = wt;
  if (!mlirAttributeIsNull(constantValue(wt))) {
    if (cal && cal->weights.set) {
      errorAt(st, loc, "calibration gives \"weights\" for layer '%s', whose "
                       "weights are a constant (their scale comes from their "
                       "values)",
              name);
      return;
    }
    if (!constantType(st, wt, st->wBits[i], loc, "the weight operand", &wType))
      return;
  } else {
    wType = runtimeType(st, wt, st->wBits[i], cal ? &cal->weights : NULL);
  }

  /* Activations; a convolution's pad stays between the pair and the layer. */
  MlirOperation aPad = {NULL};
  MlirValue aVal = act;
  if (cimLayerOpIsConv(ax.def) && definedBy(act, "tensor.pad")) {
    aPad = definingOp(act);
    aVal = mlirOperationGetOperand(aPad, 0);
  }
  MlirType aType;
  if (!mlirAttributeIsNull(constantValue(aVal))) {
    if (!constantType(st, aVal, st->aBits[i], loc, "the activation operand",
                      &aType))
      return;
  } else {
    aType = runtimeType(st, aVal, st->aBits[i], cal ? &cal->input : NULL);
  }
  addPoint(st, op, actIdx, aVal, aPad, aType);
  addPoint(st, op, wtIdx, wVal, wPad, wType);
}

/// The calibration entry of "ops" named like `op` (or one of `extra`), or
/// NULL; marks it used.
static const CimCalibrationEntry *opCalibration(State *st, MlirOperation op,
                                                const MlirOperation *extra,
                                                intptr_t numExtra) {
  char name[256];
  bool named = nameLocOf(op, name, sizeof name);
  for (intptr_t k = 0; !named && k < numExtra; ++k)
    named = nameLocOf(extra[k], name, sizeof name);
  if (!named)
    return NULL;
  for (intptr_t i = 0; i < st->cal.numOps; ++i)
    if (strcmp(st->cal.ops[i].name, name) == 0) {
      st->opCalUsed[i] = true;
      return &st->cal.ops[i];
    }
  return NULL;
}

/// Q2: operand `i` of digital op `op` at digital-bits.
static void digitalPoint(State *st, MlirOperation op, intptr_t i,
                         const CimCalibrationEntry *cal) {
  MlirValue v = mlirOperationGetOperand(op, i);
  char what[48];
  snprintf(what, sizeof what, "operand %ld", (long)i);
  if (!checkFloatOperand(st, op, v, what))
    return;
  MlirType type;
  if (!mlirAttributeIsNull(constantValue(v))) {
    if (!constantType(st, v, st->digitalBits, mlirOperationGetLocation(op),
                      what, &type))
      return;
  } else {
    type = runtimeType(st, v, st->digitalBits, cal ? &cal->input : NULL);
  }
  addPoint(st, op, i, v, (MlirOperation){NULL}, type);
}

/// Q2 for tensor.concat: the converter concatenates storage of one type, so
/// every operand gets the same type: signed unless all are provably
/// non-negative, with the largest bound among them (constants: max |x|).
static void concatPoints(State *st, MlirOperation op,
                         const CimCalibrationEntry *cal) {
  MlirLocation loc = mlirOperationGetLocation(op);
  intptr_t n = mlirOperationGetNumOperands(op);
  bool anySigned = false;
  double bound = 0.0;
  for (intptr_t i = 0; i < n; ++i) {
    MlirValue v = mlirOperationGetOperand(op, i);
    char what[48];
    snprintf(what, sizeof what, "operand %ld", (long)i);
    if (!checkFloatOperand(st, op, v, what))
      return;
    bool isSigned = !isNonNegative(v, 0);
    anySigned = anySigned || isSigned;
    double b;
    MlirAttribute c = constantValue(v);
    if (!mlirAttributeIsNull(c)) {
      double minValue;
      if (!constantStats(c, &b, &minValue)) {
        errorAt(st, loc, "%s is a constant with infinite or NaN elements; it "
                         "cannot be quantized",
                what);
        return;
      }
    } else {
      CimRange r = cal && cal->input.set ? cal->input
                   : isSoftmaxResult(v, 0) ? (CimRange){true, 0.0, 1.0}
                   : st->cal.defaultRange.set
                       ? st->cal.defaultRange
                       : (CimRange){true, -st->defaultRange, st->defaultRange};
      b = rangeBound(r, isSigned);
    }
    bound = fmax(bound, b);
  }
  MlirType type = makeType(st, st->digitalBits, anySigned, bound);
  for (intptr_t i = 0; i < n; ++i)
    addPoint(st, op, i, mlirOperationGetOperand(op, i), (MlirOperation){NULL},
             type);
}

/// Q3: result `r` of a softmax (known range [0, 1]), layer norm or
/// non-linearity.
static void digitalResult(State *st, MlirOperation op, MlirValue r,
                          const CimCalibrationEntry *cal) {
  MlirType type = runtimeType(st, r, st->digitalBits, cal ? &cal->output : NULL);
  GROW(st->q3, st->numQ3, st->capQ3);
  st->q3[st->numQ3++] = (Q3Result){r, type, mlirOperationGetLocation(op)};
}

/// Number of data inputs of a linalg op (its `ins`), else all operands.
static intptr_t numInputs(MlirOperation op) {
  MlirAttribute seg = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("operandSegmentSizes"));
  if (!mlirAttributeIsNull(seg) && mlirAttributeIsADenseI32Array(seg))
    return mlirDenseI32ArrayGetElement(seg, 0);
  if (cimOpIsA(op, "linalg.softmax"))
    return 1;
  return mlirOperationGetNumOperands(op);
}

/// Ops that need nothing: they carry float values the converter handles as
/// they are (or that disappear), or are not tensor computations at all.
static bool passesThrough(MlirOperation op) {
  static const char *const names[] = {
      "arith.constant", "tensor.empty", "linalg.fill", "tensor.pad",
      "linalg.pooling_nchw_max",
      "linalg.pooling_nhwc_max", "linalg.pooling_nchw_sum",
      "linalg.pooling_nhwc_sum", "func.return", "func.func",
      "builtin.module", "linalg.yield", "tensor.yield"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
    if (cimOpIsA(op, names[i]))
      return true;
  return false;
}

/// True if `op` produces a float tensor (the ops the pass must understand).
static bool producesFloatTensor(MlirOperation op) {
  for (intptr_t i = 0; i < mlirOperationGetNumResults(op); ++i) {
    MlirType t = mlirValueGetType(mlirOperationGetResult(op, i));
    if (mlirTypeIsAShaped(t) && mlirTypeIsAFloat(mlirShapedTypeGetElementType(t)))
      return true;
  }
  return false;
}

/// True if `op` is nested in a linalg op (a scalar body op).
static bool inLinalgBody(MlirOperation op) {
  MlirOperation parent = mlirOperationGetParentOperation(op);
  char buf[64];
  return !mlirOperationIsNull(parent) &&
         strncmp(opName(parent, buf, sizeof buf), "linalg.", 7) == 0;
}

/// True if the bias constant has a lower rank than the add's result (it is
/// broadcast by the indexing map), as the bias-add contract says.
static bool isBroadcast(CimBiasAdd bias, MlirOperation add) {
  MlirType c = mlirValueGetType(mlirOperationGetResult(bias.biasOp, 0));
  MlirType r = mlirValueGetType(mlirOperationGetResult(add, 0));
  return mlirShapedTypeGetRank(c) < mlirShapedTypeGetRank(r);
}

/// Marks the ops of every layer norm except its root as covered: the walk
/// meets the mean and variance reductions before the root that explains
/// them.
static MlirWalkResult coverLayerNorms(MlirOperation op, void *userData) {
  State *st = userData;
  CimLayerNorm ln;
  if (inLinalgBody(op) || !cimMatchLayerNorm(op, &ln))
    return MlirWalkResultAdvance;
  for (intptr_t k = 0; k < CIM_LAYER_NORM_OPS; ++k)
    if (!mlirOperationEqual(ln.ops[k], op)) {
      GROW(st->covered, st->numCovered, st->capCovered);
      st->covered[st->numCovered++] = ln.ops[k];
    }
  return MlirWalkResultAdvance;
}

typedef struct WalkCtx {
  State *st;
  intptr_t nextLayer;
} WalkCtx;

/// Classifies one op (program order) and records its points.
static MlirWalkResult classify(MlirOperation op, void *userData) {
  WalkCtx *w = userData;
  State *st = w->st;
  if (st->failed)
    return MlirWalkResultInterrupt;
  if (inLinalgBody(op) || cimOpIsA(op, "quant.qcast") ||
      cimOpIsA(op, "quant.dcast"))
    return MlirWalkResultAdvance;
  if (cimIsLayerOp(op)) {
    layerPoints(st, w->nextLayer++);
    return MlirWalkResultAdvance;
  }
  if (isCovered(st, op) || passesThrough(op) || cimIsShapeOnlyOp(op, NULL))
    return MlirWalkResultAdvance;

  MlirValue in, lhs, rhs;
  double lo, hi, factor;
  int64_t axis;
  CimBiasAdd bias;
  CimLayerNorm ln;
  /* A bias add (a layer's result plus a constant broadcast along the output
   * channel by the indexing map) is folded by the converter. */
  if (cimMatchBiasAdd(op, &bias) && isLayerResult(st, bias.input) &&
      isBroadcast(bias, op))
    return MlirWalkResultAdvance;
  if (cimMatchClamp(op, &in, &lo, &hi) || cimMatchScalarScale(op, &in, &factor))
    return MlirWalkResultAdvance;
  if (cimOpIsA(op, "tensor.concat")) {
    concatPoints(st, op, opCalibration(st, op, NULL, 0));
    return MlirWalkResultAdvance;
  }
  if (cimMatchTensorAdd(op, &lhs, &rhs) || cimMatchBiasAdd(op, &bias)) {
    /* Q2: a tensor add (any add that is not a layer's bias add). */
    const CimCalibrationEntry *cal = opCalibration(st, op, NULL, 0);
    for (intptr_t i = 0; i < numInputs(op); ++i)
      digitalPoint(st, op, i, cal);
    return MlirWalkResultAdvance;
  }
  if (cimMatchSoftmax(op, &in, &axis)) {
    const CimCalibrationEntry *cal = opCalibration(st, op, NULL, 0);
    digitalPoint(st, op, 0, cal);
    digitalResult(st, op, mlirOperationGetResult(op, 0), cal);
    return MlirWalkResultAdvance;
  }
  if (cimMatchLayerNorm(op, &ln)) {
    /* The pattern's ops read the input x: one pair (same value and type)
     * serves them all. gamma and beta are parameters, not data. */
    const CimCalibrationEntry *cal =
        opCalibration(st, op, ln.ops, CIM_LAYER_NORM_OPS);
    for (intptr_t k = 0; k < CIM_LAYER_NORM_OPS; ++k) {
      MlirOperation part = ln.ops[k];
      for (intptr_t i = 0; i < numInputs(part); ++i)
        if (mlirValueEqual(mlirOperationGetOperand(part, i), ln.input))
          digitalPoint(st, part, i, cal);
    }
    digitalResult(st, op, mlirOperationGetResult(op, 0), cal);
    return MlirWalkResultAdvance;
  }
  if (cimMatchElementwiseUnary(op, &in)) {
    const CimCalibrationEntry *cal = opCalibration(st, op, NULL, 0);
    digitalPoint(st, op, 0, cal);
    digitalResult(st, op, mlirOperationGetResult(op, 0), cal);
    return MlirWalkResultAdvance;
  }
  if (producesFloatTensor(op)) {
    char buf[64];
    errorAt(st, mlirOperationGetLocation(op),
            "cannot classify '%s': it is not a matrix-vector layer, bias add, "
            "ReLU/clamp, scalar scale, tensor add, concat, pooling, shape "
            "op, softmax, layer norm or elementwise non-linearity, so there "
            "is no rule for where its quantization points go",
            opName(op, buf, sizeof buf));
    return MlirWalkResultInterrupt;
  }
  return MlirWalkResultAdvance;
}

/*===----------------------------------------------------------------------===*
 * Bits per layer
 *===----------------------------------------------------------------------===*/

static bool assignBits(State *st, MlirOperation module) {
  const CimPassOptions *o = st->options;
  intptr_t n = st->numLayers;
  MlirStringRef policyPath = cimPassOptionsGetString(o, "policy");
  if (policyPath.length > 0 &&
      (cimPassOptionsIsSet(o, "w-bits") || cimPassOptionsIsSet(o, "a-bits"))) {
    errorAt(st, st->moduleLoc, "give either policy=FILE or w-bits/a-bits, "
                               "not both");
    return false;
  }
  bool given = !cimPolicyIsNull(st->givenPolicy);
  if (policyPath.length > 0 || given) {
    CimPolicy policy = st->givenPolicy;
    if (!given) {
      CimStrBuf path = {0};
      cimStrBufAppendRef(&path, policyPath);
      policy = cimPolicyLoadFile(cimStrBufGet(&path), emitAtModule, st);
      cimStrBufFree(&path);
    }
    if (cimPolicyIsNull(policy) ||
        mlirLogicalResultIsFailure(
            cimPolicyCheckLayerCount(policy, n, emitAtModule, st))) {
      if (!given)
        cimPolicyDestroy(policy);
      return false;
    }
    for (intptr_t i = 0; i < n; ++i) {
      char name[128];
      cimLayerGetName(st->layers[i], i, name, sizeof name);
      const char *expected = cimPolicyGetLayerName(policy, i);
      if (expected[0] && strcmp(expected, name) != 0) {
        errorAt(st, mlirOperationGetLocation(st->layers[i]),
                "policy row %ld is for layer '%s' but layer %ld of the "
                "module is '%s'",
                (long)i, expected, (long)i, name);
        if (!given)
          cimPolicyDestroy(policy);
        return false;
      }
      st->wBits[i] = cimPolicyGetWeightBits(policy, i);
      st->aBits[i] = cimPolicyGetActivationBits(policy, i);
    }
    if (!given)
      cimPolicyDestroy(policy);
  } else {
    for (intptr_t i = 0; i < n; ++i) {
      st->wBits[i] = cimPassOptionsGetInt(o, "w-bits");
      st->aBits[i] = cimPassOptionsGetInt(o, "a-bits");
    }
  }
  if (cimPassOptionsGetBool(o, "first-last-8bit") && n > 0) {
    st->wBits[0] = st->aBits[0] = 8;
    st->wBits[n - 1] = st->aBits[n - 1] = 8;
  }
  if (cimPassOptionsGetBool(o, "cell-aligned")) {
    CimTarget target;
    MlirStringRef option = cimPassOptionsGetString(o, "target");
    if (mlirLogicalResultIsFailure(cimTargetResolveForPass(
            module, mlirStringRefCreateFromCString("cim-assign-precision"),
            option, &target))) {
      st->failed = true;
      return false;
    }
    if (option.length > 0) /* the first pass given target= records it */
      cimTargetRecord(module, &target);
    int64_t cell = target.cellBits;
    for (intptr_t i = 0; i < n; ++i) {
      int64_t aligned = (st->wBits[i] + cell - 1) / cell * cell;
      if (aligned > 8) {
        char name[128];
        cimLayerGetName(st->layers[i], i, name, sizeof name);
        errorAt(st, mlirOperationGetLocation(st->layers[i]),
                "cell-aligned: layer '%s' has %lld-bit weights, which round "
                "up to %lld bits (a multiple of the target's %lld-bit cells), "
                "more than the 8 bits a weight can have",
                name, (long long)st->wBits[i], (long long)aligned,
                (long long)cell);
        return false;
      }
      st->wBits[i] = aligned;
    }
  }
  return true;
}

/*===----------------------------------------------------------------------===*
 * Calibration entries -> layers
 *===----------------------------------------------------------------------===*/

static bool resolveCalibration(State *st) {
  for (intptr_t e = 0; e < st->cal.numLayers; ++e) {
    const CimCalibrationEntry *entry = &st->cal.layers[e];
    intptr_t found = -1;
    if (entry->name) {
      for (intptr_t i = 0; i < st->numLayers && found < 0; ++i) {
        char name[128];
        cimLayerGetName(st->layers[i], i, name, sizeof name);
        if (strcmp(name, entry->name) == 0)
          found = i;
      }
      if (found < 0) {
        errorAt(st, st->moduleLoc,
                "calibration layers[%ld] names layer '%s', which the module "
                "does not have",
                (long)e, entry->name);
        return false;
      }
    } else {
      if (entry->index >= st->numLayers) {
        errorAt(st, st->moduleLoc,
                "calibration layers[%ld] is for layer %lld, but the module "
                "has %ld matrix-vector layers",
                (long)e, (long long)entry->index, (long)st->numLayers);
        return false;
      }
      found = (intptr_t)entry->index;
    }
    if (st->layerCal[found]) {
      char name[128];
      cimLayerGetName(st->layers[found], found, name, sizeof name);
      errorAt(st, st->moduleLoc,
              "calibration layers[%ld] is the second entry for layer %ld "
              "('%s')",
              (long)e, (long)found, name);
      return false;
    }
    st->layerCal[found] = entry;
  }
  return true;
}

/*===----------------------------------------------------------------------===*
 * Rewrite
 *===----------------------------------------------------------------------===*/

static MlirType tensorOf(MlirType like, MlirType elem) {
  intptr_t rank = mlirShapedTypeGetRank(like);
  int64_t *shape = malloc((size_t)(rank ? rank : 1) * sizeof *shape);
  if (!shape)
    abort();
  for (intptr_t i = 0; i < rank; ++i)
    shape[i] = mlirShapedTypeGetDimSize(like, i);
  MlirType t = mlirRankedTensorTypeGet(rank, shape, elem,
                                       mlirRankedTensorTypeGetEncoding(like));
  free(shape);
  return t;
}

static MlirOperation makeCast(const char *name, MlirValue in, MlirType resultType,
                              MlirLocation loc) {
  MlirOperationState s =
      mlirOperationStateGet(mlirStringRefCreateFromCString(name), loc);
  mlirOperationStateAddOperands(&s, 1, &in);
  mlirOperationStateAddResults(&s, 1, &resultType);
  return mlirOperationCreate(&s);
}

/// Where the pairs of block arguments go: after the previous one of the same
/// block, so that they come out in argument order.
typedef struct ArgCursor {
  MlirBlock block;
  MlirOperation last;
} ArgCursor;

/// Inserts dcast(qcast(x)) of element type `q`: before `before` when it is
/// not null, else right after x's definition (for a block argument: at the
/// start of the block, after earlier argument pairs). Returns the dcast's
/// result.
static MlirValue insertPair(MlirValue x, MlirType q, MlirLocation loc,
                            MlirOperation before, ArgCursor *cursor) {
  MlirType floatType = mlirValueGetType(x);
  MlirOperation qc = makeCast("quant.qcast", x, tensorOf(floatType, q), loc);
  MlirOperation dc =
      makeCast("quant.dcast", mlirOperationGetResult(qc, 0), floatType, loc);
  if (!mlirOperationIsNull(before)) {
    MlirBlock b = mlirOperationGetBlock(before);
    mlirBlockInsertOwnedOperationBefore(b, before, qc);
    mlirBlockInsertOwnedOperationBefore(b, before, dc);
  } else if (mlirValueIsAOpResult(x)) {
    MlirOperation def = mlirOpResultGetOwner(x);
    MlirBlock b = mlirOperationGetBlock(def);
    mlirBlockInsertOwnedOperationAfter(b, def, qc);
    mlirBlockInsertOwnedOperationAfter(b, qc, dc);
  } else {
    MlirBlock b = mlirBlockArgumentGetOwner(x);
    if (!mlirBlockEqual(cursor->block, b))
      *cursor = (ArgCursor){b, {NULL}};
    if (mlirOperationIsNull(cursor->last))
      mlirBlockInsertOwnedOperation(b, 0, qc);
    else
      mlirBlockInsertOwnedOperationAfter(b, cursor->last, qc);
    mlirBlockInsertOwnedOperationAfter(b, qc, dc);
    cursor->last = dc;
  }
  return mlirOperationGetResult(dc, 0);
}

/// Q3: does every use of `r`, through shape-only ops, already get a pair of
/// one type? Then that pair is the qcast Q3 asks for and nothing is added.
static bool usersAgree(const State *st, MlirValue r, MlirType *common,
                       int depth) {
  if (depth > 16)
    return false;
  for (MlirOpOperand u = mlirValueGetFirstUse(r); !mlirOpOperandIsNull(u);
       u = mlirOpOperandGetNextUse(u)) {
    MlirOperation user = mlirOpOperandGetOwner(u);
    intptr_t idx = (intptr_t)mlirOpOperandGetOperandNumber(u);
    if (cimIsShapeOnlyOp(user, NULL) && idx == 0) {
      if (!usersAgree(st, mlirOperationGetResult(user, 0), common, depth + 1))
        return false;
      continue;
    }
    const Point *p = findPoint(st, user, idx);
    if (!p || !mlirOperationIsNull(p->pad))
      return false;
    if (!mlirTypeIsNull(*common) && !mlirTypeEqual(*common, p->type))
      return false;
    *common = p->type;
  }
  return true;
}

static void rewrite(State *st) {
  ArgCursor cursor = {{NULL}, {NULL}};
  /* Shared pairs of run-time values: (value, type) -> dcast result. Q3
   * pairs go in first, so a point of the same type reuses them. */
  intptr_t cap = st->numPoints + st->numQ3 + 1;
  MlirValue *sharedFrom = malloc((size_t)cap * sizeof *sharedFrom);
  MlirType *sharedType = malloc((size_t)cap * sizeof *sharedType);
  MlirValue *sharedTo = malloc((size_t)cap * sizeof *sharedTo);
  if (!sharedFrom || !sharedType || !sharedTo)
    abort();
  intptr_t numShared = 0;

  /* Q3 results whose users disagree get their own pair first; the points
   * reading them then read the pair's dcast. */
  for (intptr_t k = 0; k < st->numQ3; ++k) {
    Q3Result *q = &st->q3[k];
    MlirType common = {NULL};
    if (usersAgree(st, q->value, &common, 0) && !mlirTypeIsNull(common))
      continue;
    /* Collect the uses before the pair adds one. */
    intptr_t numUses = 0, useCap = 0;
    MlirOpOperand *uses = NULL;
    for (MlirOpOperand u = mlirValueGetFirstUse(q->value);
         !mlirOpOperandIsNull(u); u = mlirOpOperandGetNextUse(u)) {
      GROW(uses, numUses, useCap);
      uses[numUses++] = u;
    }
    MlirOperation *owners = malloc((size_t)(numUses ? numUses : 1) *
                                   sizeof *owners);
    unsigned *numbers = malloc((size_t)(numUses ? numUses : 1) *
                               sizeof *numbers);
    if (!owners || !numbers)
      abort();
    for (intptr_t i = 0; i < numUses; ++i) {
      owners[i] = mlirOpOperandGetOwner(uses[i]);
      numbers[i] = mlirOpOperandGetOperandNumber(uses[i]);
    }
    free(uses);
    MlirValue d = insertPair(q->value, q->type, q->loc, (MlirOperation){NULL},
                             &cursor);
    for (intptr_t i = 0; i < numUses; ++i)
      mlirOperationSetOperand(owners[i], numbers[i], d);
    free(owners);
    free(numbers);
    for (intptr_t i = 0; i < st->numPoints; ++i)
      if (mlirValueEqual(st->points[i].value, q->value))
        st->points[i].value = d;
    /* A user wanting the same type reads the dcast as it is. */
    sharedFrom[numShared] = d;
    sharedType[numShared] = q->type;
    sharedTo[numShared++] = d;
  }

  for (intptr_t i = 0; i < st->numPoints; ++i) {
    Point *p = &st->points[i];
    MlirOperation target = p->user;
    intptr_t idx = p->operand;
    if (!mlirOperationIsNull(p->pad)) {
      MlirValue padded = mlirOperationGetResult(p->pad, 0);
      MlirOpOperand first = mlirValueGetFirstUse(padded);
      bool single = !mlirOpOperandIsNull(first) &&
                    mlirOpOperandIsNull(mlirOpOperandGetNextUse(first));
      if (single) {
        target = p->pad;
      } else {
        /* The pad has other users: this layer gets its own copy. */
        MlirOperation copy = mlirOperationClone(p->pad);
        mlirBlockInsertOwnedOperationBefore(mlirOperationGetBlock(p->user),
                                            p->user, copy);
        mlirOperationSetOperand(p->user, p->operand,
                                mlirOperationGetResult(copy, 0));
        target = copy;
      }
      idx = 0;
    }
    MlirLocation loc = mlirOperationGetLocation(p->user);
    MlirValue d = {NULL};
    if (!mlirAttributeIsNull(constantValue(p->value))) {
      d = insertPair(p->value, p->type, loc, target, &cursor);
    } else {
      for (intptr_t k = 0; k < numShared && mlirValueIsNull(d); ++k)
        if (mlirValueEqual(sharedFrom[k], p->value) &&
            mlirTypeEqual(sharedType[k], p->type))
          d = sharedTo[k];
      if (mlirValueIsNull(d)) {
        d = insertPair(p->value, p->type, loc, (MlirOperation){NULL},
                       &cursor);
        sharedFrom[numShared] = p->value;
        sharedType[numShared] = p->type;
        sharedTo[numShared++] = d;
      }
    }
    mlirOperationSetOperand(target, idx, d);
  }
  free(sharedFrom);
  free(sharedType);
  free(sharedTo);
}

/*===----------------------------------------------------------------------===*
 * Entry
 *===----------------------------------------------------------------------===*/

static void freeState(State *st) {
  free(st->layers);
  free(st->wBits);
  free(st->aBits);
  free(st->layerCal);
  free(st->opCalUsed);
  free(st->covered);
  free(st->points);
  free(st->q3);
  cimCalibrationFree(&st->cal);
}

static MlirLogicalResult runAssignPrecision(MlirOperation module,
                                            const CimPassOptions *options) {
  return cimAssignPrecisionWithPolicy(module, options, (CimPolicy){NULL});
}

MlirLogicalResult cimAssignPrecisionWithPolicy(MlirOperation module,
                                               const CimPassOptions *options,
                                               CimPolicy policy) {
  State st = {0};
  st.givenPolicy = policy;
  st.ctx = mlirOperationGetContext(module);
  st.moduleLoc = mlirOperationGetLocation(module);
  st.options = options;
  st.digitalBits = cimPassOptionsGetInt(options, "digital-bits");
  /* The pass creates !quant.uniform types, so the quant dialect must be
   * loaded even when the input has no quant op yet. The pass table has no
   * dependent-dialect list; this module-level pass runs alone (never in a
   * multi-threaded nest), where loading a dialect is allowed. */
  mlirDialectHandleLoadDialect(mlirGetDialectHandle__quant__(), st.ctx);

  MlirStringRef rangeText = cimPassOptionsGetString(options, "default-range");
  char rangeBuf[64] = {0};
  char *end = NULL;
  if (rangeText.length > 0 && rangeText.length < sizeof rangeBuf) {
    memcpy(rangeBuf, rangeText.data, rangeText.length);
    st.defaultRange = strtod(rangeBuf, &end);
  }
  if (!end || *end != '\0' || end == rangeBuf || !isfinite(st.defaultRange) ||
      st.defaultRange <= 0.0) {
    errorAt(&st, st.moduleLoc,
            "default-range '%.*s' is not a positive number (the bound R of "
            "values in [-R, R])",
            (int)rangeText.length, rangeText.data);
    return mlirLogicalResultFailure();
  }

  if (mlirLogicalResultIsFailure(
          cimLayerCollect(module, PASS, &st.layers, &st.numLayers))) {
    freeState(&st);
    return mlirLogicalResultFailure();
  }
  size_t n = (size_t)(st.numLayers ? st.numLayers : 1);
  st.wBits = calloc(n, sizeof *st.wBits);
  st.aBits = calloc(n, sizeof *st.aBits);
  st.layerCal = calloc(n, sizeof *st.layerCal);
  if (!st.wBits || !st.aBits || !st.layerCal)
    abort();
  for (intptr_t i = 0; i < st.numLayers; ++i)
    if (cimOpIsA(st.layers[i], "cim.matmul") ||
        cimOpIsA(st.layers[i], "cim.conv2d")) {
      char name[128];
      cimLayerGetName(st.layers[i], i, name, sizeof name);
      errorAt(&st, mlirOperationGetLocation(st.layers[i]),
              "layer '%s' is already lowered to cim; the pass takes float "
              "linalg models",
              name);
      freeState(&st);
      return mlirLogicalResultFailure();
    }

  bool ok = assignBits(&st, module);
  MlirStringRef calPath = cimPassOptionsGetString(options, "calibration");
  if (ok && calPath.length > 0) {
    CimStrBuf path = {0};
    cimStrBufAppendRef(&path, calPath);
    ok = cimCalibrationLoad(cimStrBufGet(&path), &st.cal, emitAtModule, &st);
    cimStrBufFree(&path);
    st.opCalUsed = calloc((size_t)(st.cal.numOps ? st.cal.numOps : 1),
                          sizeof *st.opCalUsed);
    if (!st.opCalUsed)
      abort();
    ok = ok && resolveCalibration(&st);
  }
  if (ok) {
    mlirOperationWalk(module, coverLayerNorms, &st, MlirWalkPreOrder);
    WalkCtx w = {&st, 0};
    mlirOperationWalk(module, classify, &w, MlirWalkPreOrder);
    ok = !st.failed;
  }
  for (intptr_t i = 0; ok && i < st.cal.numOps; ++i)
    if (!st.opCalUsed[i]) {
      errorAt(&st, st.moduleLoc,
              "calibration ops[%ld] names '%s', which is not a digital op "
              "(tensor add, concat, softmax, layer norm, non-linearity) of "
              "the module",
              (long)i, st.cal.ops[i].name);
      ok = false;
    }
  if (ok)
    rewrite(&st);
  freeState(&st);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static const CimPassOptionDef assignPrecisionOptions[] = {
    {"policy", CIM_PASS_OPTION_STRING, "",
     "Per-layer bit widths (.npy [L,2] or JSON, docs/target.md); row i is "
     "layer i in program order.",
     0, 0},
    {"w-bits", CIM_PASS_OPTION_INT, "8",
     "Weight bits of every layer when there is no policy.", 1, 8},
    {"a-bits", CIM_PASS_OPTION_INT, "8",
     "Activation bits of every layer when there is no policy.", 1, 8},
    {"first-last-8bit", CIM_PASS_OPTION_BOOL, "false",
     "Give the first and the last layer 8-bit weights and activations.", 0, 0},
    {"cell-aligned", CIM_PASS_OPTION_BOOL, "false",
     "Round weight bits up to a multiple of the target's cell bits (an error "
     "above 8).",
     0, 0},
    {"target", CIM_PASS_OPTION_STRING, "",
     "Target JSON for cell-aligned; empty for the program's target (the "
     "module's cim.target attribute, else the built-in default). A "
     "different one than the program's is an error; a given one is "
     "recorded on the module.",
     0, 0},
    {"digital-bits", CIM_PASS_OPTION_INT, "8",
     "Bits of the quantization points of digital ops (tensor add, concat, "
     "softmax, layer norm, non-linearities).",
     1, 8},
    {"calibration", CIM_PASS_OPTION_STRING, "",
     "Calibration JSON with value ranges per layer and per named digital op "
     "(docs/precision.md).",
     0, 0},
    {"default-range", CIM_PASS_OPTION_STRING, "6.0",
     "R: run-time values the calibration does not cover lie in [-R, R] "
     "([0, R] when provably non-negative).",
     0, 0},
};

const CimPassDef cimAssignPrecisionPass = {
    .argument = "cim-assign-precision",
    .name = "CimAssignPrecision",
    .summary = "Quantize a float linalg model: insert quant.qcast/quant.dcast "
               "pairs with per-layer bits from a policy",
    .description =
        "Turns an f32 linalg model into the QDQ form convert-linalg-to-cim\n"
        "takes (docs/design.md, the quant-level contract Q1-Q3;\n"
        "docs/precision.md). Matrix-vector layers are numbered in program\n"
        "order over the whole module, exactly as `cim-estimate` numbers\n"
        "them: layer i is the i-th op of the layer table (docs/layers.md)\n"
        "met walking the module from top to bottom (any other linalg\n"
        "contraction or convolution is an error naming that table), and\n"
        "gets row i of `policy=FILE` (the\n"
        "reference system's `.npy` [L, 2] or JSON `[w_bits, a_bits]` rows;\n"
        "a named JSON row must name that layer). A policy with another\n"
        "number of rows is an error that says both counts. Without a\n"
        "policy every layer gets `w-bits`/`a-bits`. Then\n"
        "`first-last-8bit` sets layers 0 and L-1 to 8/8, and `cell-aligned`\n"
        "rounds weight bits up to a multiple of the target's cell bits\n"
        "(`target=FILE`, else the module's `cim.target`, else the default);\n"
        "a result above 8 bits is an error naming the layer.\n\n"
        "Both operands of every layer get a `dcast(qcast(x))` pair (Q1; in\n"
        "front of the `tensor.pad` of a padded convolution). Constants\n"
        "(weights) are symmetric per-tensor with scale max|w| / (2^(b-1) - 1)\n"
        "on the narrow range `i<b><-(2^(b-1)-1):2^(b-1)-1>` (b = 1: `i1`,\n"
        "levels {-s, 0}, s = max|w|; an all-zero tensor: scale 1.0), one\n"
        "pair per use. Run-time values (activations, run-time weights)\n"
        "take their range from `calibration=FILE` or `[-R, R]` with\n"
        "R = `default-range`, zero point 0, unsigned `u<b>` with scale\n"
        "max / (2^b - 1) when provably non-negative (after a ReLU, a softmax,\n"
        "pooling or padding of such), else the signed narrow range. Tensor\n"
        "adds (not bias adds of a layer), concat, softmax, layer norm and\n"
        "elementwise non-linearities (GELU) get pairs on their operands and\n"
        "results at `digital-bits` (Q2, Q3; a softmax result has range\n"
        "[0, 1]; concat operands share one type). A value reaching its\n"
        "operand through reshapes, transposes or slices also gets a pair\n"
        "of the same type before them. A float op the pass cannot classify\n"
        "is an error. All checks run before the IR changes.",
    .anchor = "builtin.module",
    .options = assignPrecisionOptions,
    .numOptions = sizeof assignPrecisionOptions / sizeof assignPrecisionOptions[0],
    .run = runAssignPrecision,
};
