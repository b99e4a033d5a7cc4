/*===-- elementwise.c - convert-linalg-to-cim: elementwise ops -------------===*
 *
 * Recognised bodies (linalg.generic with parallel loops, or the named ops
 * linalg.add / linalg.max / linalg.mul / linalg.div):
 *   clamp  y = min(max(x, a), b) in any nesting, constants a, b (ReLU: a = 0)
 *   scale  y = x * c, c * x, x / c with a positive constant c
 *   add    y = x0 + x1 (integer: optionally sign-extended operands)
 * Float ones change the integer representation (bias add, tensor add,
 * clamp, scale); integer ones become cim.clamp / cim.add.
 *===----------------------------------------------------------------------===*/

#include "Convert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/AffineExpr.h"
#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ir/Elements.h"
#include "ir/PassUtils.h"

typedef enum Kind { K_NONE, K_CLAMP, K_SCALE, K_ADD } Kind;

typedef struct Body {
  Kind kind;
  double lo, hi; /* clamp */
  double factor; /* scale */
  int scaledArg; /* scale: the block argument scaled */
} Body;

static bool isArg(MlirValue v, MlirBlock body, intptr_t i) {
  return mlirValueIsABlockArgument(v) &&
         mlirBlockEqual(mlirBlockArgumentGetOwner(v), body) &&
         mlirBlockArgumentGetArgNumber(v) == i;
}

/// Looks through arith.extsi (integer operands widened in the body).
static MlirValue throughExt(MlirValue v) {
  if (mlirValueIsAOpResult(v) &&
      cimOpIsA(mlirOpResultGetOwner(v), "arith.extsi"))
    return mlirOperationGetOperand(mlirOpResultGetOwner(v), 0);
  return v;
}

static bool constOperand(MlirValue v, bool integer, double *c) {
  if (integer) {
    int64_t i;
    if (!cvScalarInt(v, &i))
      return false;
    *c = (double)i;
    return true;
  }
  return cvScalarFloat(v, c);
}

/// Analyses a body computing y from block arguments 0 (and 1).
static Body analyse(MlirBlock body, intptr_t numInputs, bool integer) {
  Body b = {K_NONE, -INFINITY, INFINITY, 1.0, 0};
  MlirOperation yield = mlirBlockGetTerminator(body);
  if (mlirOperationIsNull(yield) || mlirOperationGetNumOperands(yield) != 1)
    return b;
  MlirValue v = mlirOperationGetOperand(yield, 0);
  if (!mlirValueIsAOpResult(v))
    return b;
  MlirOperation def = mlirOpResultGetOwner(v);
  const char *add = integer ? "arith.addi" : "arith.addf";
  if (numInputs == 2 && cimOpIsA(def, add)) {
    MlirValue x = throughExt(mlirOperationGetOperand(def, 0));
    MlirValue y = throughExt(mlirOperationGetOperand(def, 1));
    if ((isArg(x, body, 0) && isArg(y, body, 1)) ||
        (isArg(x, body, 1) && isArg(y, body, 0)))
      b.kind = K_ADD;
    return b;
  }
  if (numInputs != 1)
    return b;
  if (!integer && (cimOpIsA(def, "arith.mulf") || cimOpIsA(def, "arith.divf"))) {
    MlirValue x = mlirOperationGetOperand(def, 0);
    MlirValue y = mlirOperationGetOperand(def, 1);
    double c;
    bool div = cimOpIsA(def, "arith.divf");
    if (isArg(x, body, 0) && cvScalarFloat(y, &c)) {
      b.kind = K_SCALE;
      b.factor = div ? 1.0 / c : c;
      if (div && c == 0)
        b.factor = NAN;
    } else if (!div && isArg(y, body, 0) && cvScalarFloat(x, &c)) {
      b.kind = K_SCALE;
      b.factor = c;
    }
    return b;
  }
  /* A chain of max / min with constants down to argument 0. */
  for (;;) {
    if (isArg(v, body, 0)) {
      if (isfinite(b.lo) || isfinite(b.hi))
        b.kind = K_CLAMP;
      return b;
    }
    if (!mlirValueIsAOpResult(v))
      return b;
    def = mlirOpResultGetOwner(v);
    bool isMax = integer ? cimOpIsA(def, "arith.maxsi")
                         : (cimOpIsA(def, "arith.maximumf") ||
                            cimOpIsA(def, "arith.maxnumf"));
    bool isMin = integer ? cimOpIsA(def, "arith.minsi")
                         : (cimOpIsA(def, "arith.minimumf") ||
                            cimOpIsA(def, "arith.minnumf"));
    if (!isMax && !isMin)
      return b;
    MlirValue x = mlirOperationGetOperand(def, 0);
    MlirValue y = mlirOperationGetOperand(def, 1);
    double c;
    if (constOperand(y, integer, &c))
      v = x;
    else if (constOperand(x, integer, &c))
      v = y;
    else
      return b;
    if (isMax)
      b.lo = c > b.lo ? c : b.lo;
    else
      b.hi = c < b.hi ? c : b.hi;
  }
}

/// Named elementwise ops as bodies.
static Body analyseNamed(MlirOperation op, bool integer) {
  Body b = {K_NONE, -INFINITY, INFINITY, 1.0, 0};
  if (mlirOperationGetNumOperands(op) != 3)
    return b;
  if (cimOpIsA(op, "linalg.add")) {
    b.kind = K_ADD;
    return b;
  }
  MlirValue x = mlirOperationGetOperand(op, 0);
  MlirValue y = mlirOperationGetOperand(op, 1);
  double c;
  int arg = 0;
  if (constOperand(y, integer, &c))
    arg = 0;
  else if (constOperand(x, integer, &c) && !cimOpIsA(op, "linalg.div"))
    arg = 1;
  else
    return b;
  b.scaledArg = arg;
  if (cimOpIsA(op, "linalg.max")) {
    b.kind = K_CLAMP;
    b.lo = c;
  } else if (!integer && cimOpIsA(op, "linalg.mul")) {
    b.kind = K_SCALE;
    b.factor = c;
  } else if (!integer && cimOpIsA(op, "linalg.div")) {
    b.kind = K_SCALE;
    b.factor = c == 0 ? NAN : 1.0 / c;
  }
  return b;
}

static bool readIdentityMaps(MlirOperation op, intptr_t numOperands,
                                bool *identity) {
  MlirAttribute maps = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("indexing_maps"));
  for (intptr_t i = 0; i < numOperands; ++i)
    identity[i] = true;
  if (mlirAttributeIsNull(maps))
    return true; /* named elementwise ops: identity */
  for (intptr_t i = 0; i < numOperands && i < mlirArrayAttrGetNumElements(maps);
       ++i)
    identity[i] = mlirAffineMapIsIdentity(
        mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, i)));
  /* An identity output map covers every loop, so no loop reduces. */
  return true;
}

/*===----------------------------------------------------------------------===*
 * Integer forms
 *===----------------------------------------------------------------------===*/

static bool convertInteger(CvConverter *cv, MlirOperation op, const Body *b,
                           intptr_t numInputs) {
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirValue result = mlirOperationGetResult(op, 0);
  MlirType rt = mlirValueGetType(result);
  char name[64];
  cvOpName(op, name, sizeof name);
  if (b->kind == K_CLAMP) {
    MlirValue x = mlirOperationGetOperand(op, b->scaledArg);
    if (!mlirTypeEqual(mlirValueGetType(x), rt)) {
      cvError(cv, op, "an integer clamp (%s) must keep its type", name);
      return false;
    }
    unsigned w = mlirIntegerTypeGetWidth(mlirShapedTypeGetElementType(rt));
    double tmin = -ldexp(1.0, (int)w - 1), tmax = ldexp(1.0, (int)w - 1) - 1;
    double lo = b->lo > tmin ? b->lo : tmin, hi = b->hi < tmax ? b->hi : tmax;
    MlirNamedAttribute attrs[] = {cimNamedI64(cv->ctx, "min", (int64_t)lo),
                                  cimNamedI64(cv->ctx, "max", (int64_t)hi)};
    MlirValue v = cvBuild1(cv, "cim.clamp", loc, 1, &x, rt, 2, attrs);
    mlirValueReplaceAllUsesOfWith(result, v);
    return true;
  }
  if (b->kind == K_ADD && numInputs == 2) {
    MlirValue x = mlirOperationGetOperand(op, 0);
    MlirValue y = mlirOperationGetOperand(op, 1);
    unsigned wx = mlirIntegerTypeGetWidth(
        mlirShapedTypeGetElementType(mlirValueGetType(x)));
    unsigned wy = mlirIntegerTypeGetWidth(
        mlirShapedTypeGetElementType(mlirValueGetType(y)));
    unsigned wr = mlirIntegerTypeGetWidth(mlirShapedTypeGetElementType(rt));
    unsigned need = (wx > wy ? wx : wy) + 1;
    if (wr < need) {
      cvError(cv, op,
              "integer add of i%u and i%u into i%u can wrap; cim.add is "
              "exact: widen the result to i%u",
              wx, wy, wr, need);
      return false;
    }
    MlirValue operands[2] = {x, y};
    MlirValue v = cvBuild1(cv, "cim.add", loc, 2, operands, rt, 0, NULL);
    mlirValueReplaceAllUsesOfWith(result, v);
    return true;
  }
  cvError(cv, op,
          "%s on integers is supported as clamp (arith.maxsi / minsi with "
          "constants) or add only",
          name);
  return false;
}

/*===----------------------------------------------------------------------===*
 * Float forms on integer representations
 *===----------------------------------------------------------------------===*/

/// Resets a clamp that cannot cut any value of a storage rep.
static void normalizeClamp(CvRep *r) {
  if (!r->storage || r->numS != 1)
    return;
  if (r->lo <= r->s[0] * (double)(r->qmin - r->z))
    r->lo = -INFINITY;
  if (r->hi >= r->s[0] * (double)(r->qmax - r->z))
    r->hi = INFINITY;
}

static bool noRep(CvConverter *cv, MlirOperation op, intptr_t i) {
  char name[64];
  cvError(cv, op,
          "operand #%ld of %s has no integer representation: it must be "
          "quantized (quant.dcast(quant.qcast(x))), or be a constant bias "
          "added directly to a matrix-vector layer's result",
          (long)i, cvOpName(op, name, sizeof name));
  return false;
}

/// A constant varying only along `axis` of the result (rank `rank`): its
/// indexing map has the single result d_axis, or it is a splat.
static double *biasValues(MlirOperation op, intptr_t operand, MlirValue c,
                          int64_t axis, int64_t channels) {
  CimElements elems;
  MlirAttribute attr = cvConstantAttr(c);
  if (mlirAttributeIsNull(attr) || cimElementsOpen(attr, &elems) ||
      elems.kind == CIM_ELEMENTS_INT)
    return NULL;
  double *out = malloc((size_t)(channels ? channels : 1) * sizeof *out);
  if (!out)
    abort();
  if (elems.splat) {
    cimElementsGetDoubles(&elems, 0, channels, out);
    return out;
  }
  int64_t n = elems.count;
  MlirAttribute maps = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("indexing_maps"));
  bool ok = false;
  if (!mlirAttributeIsNull(maps) && axis >= 0 && n == channels) {
    MlirAffineMap m =
        mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, operand));
    if (mlirAffineMapGetNumResults(m) == 1) {
      MlirAffineExpr e = mlirAffineMapGetResult(m, 0);
      ok = mlirAffineExprIsADim(e) &&
           (int64_t)mlirAffineDimExprGetPosition(e) == axis;
    }
  }
  if (!ok) {
    free(out);
    return NULL;
  }
  cimElementsGetDoubles(&elems, 0, channels, out);
  return out;
}

static bool biasAdd(CvConverter *cv, MlirOperation op, CvRep *acc,
                    intptr_t biasOperand, MlirValue result) {
  MlirValue c = mlirOperationGetOperand(op, biasOperand);
  MlirType rt = mlirValueGetType(result);
  if (acc->axisSpan > 1) {
    cvError(cv, op,
            "a bias added to a grouped convolution's result, whose output "
            "channels span dims %lld to %lld, is not supported; collapse "
            "them into one dim first",
            (long long)acc->axis,
            (long long)(acc->axis + acc->axisSpan - 1));
    return false;
  }
  int64_t channels =
      acc->axis >= 0 ? mlirShapedTypeGetDimSize(rt, acc->axis) : 1;
  double *b = biasValues(op, biasOperand, c, acc->axis, channels);
  if (!b) {
    cvError(cv, op,
            "the bias added to a matrix-vector layer's result must be a "
            "constant that varies only along the layer's output channels");
    return false;
  }
  CvRep *r = cvNewRep(cv, result);
  cvCopyRep(r, acc);
  int64_t *bias = calloc((size_t)channels, sizeof *bias);
  if (!bias)
    abort();
  bool ok = true;
  for (int64_t i = 0; i < channels && ok; ++i) {
    double s = acc->numS > 1 ? acc->s[i] : acc->s[0];
    double q = nearbyint(b[i] / s);
    if (fabs(q) > 4e18) {
      cvError(cv, op, "a bias of %g is out of range at scale %g", b[i], s);
      ok = false;
      break;
    }
    bias[i] = (acc->numBias ? acc->bias[i] : 0) + (int64_t)q;
  }
  if (ok) {
    cvSetBias(r, channels, bias);
    if (r->axis < 0)
      r->axis = 0;
  }
  free(bias);
  free(b);
  return ok;
}

/// Requantizes a per-tensor storage rep to i32 at scale sc.
static MlirValue toCommonScale(CvConverter *cv, MlirOperation op, CvRep *r,
                               double sc, int64_t *bound) {
  double ratio = r->s[0] / sc;
  int64_t m, sh;
  if (!cvMultiplierShift(ratio, &m, &sh)) {
    cvError(cv, op, "the scales of the add's operands are too far apart");
    return (MlirValue){NULL};
  }
  double span = fmax(fabs((double)(r->qmin - r->z)),
                     fabs((double)(r->qmax - r->z)));
  double B = ceil(span * ratio) + 1;
  if (B >= 2147483647.0) {
    cvError(cv, op, "the scales of the add's operands are too far apart");
    return (MlirValue){NULL};
  }
  int64_t qmin = -(int64_t)B, qmax = (int64_t)B;
  if (isfinite(r->lo) && r->lo / sc > (double)qmin)
    qmin = nearbyint(r->lo / sc) < (double)qmax ? cvRne(r->lo / sc) : qmax;
  if (isfinite(r->hi) && r->hi / sc < (double)qmax)
    qmax = nearbyint(r->hi / sc) > (double)qmin ? cvRne(r->hi / sc) : qmin;
  *bound = (int64_t)B;
  MlirNamedAttribute attrs[] = {
      cimNamedI64(cv->ctx, "axis", 0),
      cvNamedArray(cv->ctx, "multiplier", 1, &m),
      cvNamedArray(cv->ctx, "shift", 1, &sh),
      cimNamedI64(cv->ctx, "in_zero_point", r->z),
      cimNamedI64(cv->ctx, "out_zero_point", 0),
      cimNamedI64(cv->ctx, "qmin", qmin),
      cimNamedI64(cv->ctx, "qmax", qmax),
  };
  MlirType t = mlirValueGetType(r->q);
  intptr_t rank = mlirShapedTypeGetRank(t);
  int64_t shape[CV_MAX_RANK];
  for (intptr_t i = 0; i < rank; ++i)
    shape[i] = mlirShapedTypeGetDimSize(t, i);
  return cvBuild1(cv, "cim.requantize", mlirOperationGetLocation(op), 1, &r->q,
                  cvTensorType(cv->ctx, rank, shape, cvIntType(cv->ctx, 32)),
                  sizeof attrs / sizeof attrs[0], attrs);
}

static bool tensorAdd(CvConverter *cv, MlirOperation op, CvRep *ra,
                      CvRep *rb, MlirValue result) {
  CvRep *reps[2] = {ra, rb};
  for (int i = 0; i < 2; ++i)
    if (!reps[i]->storage || reps[i]->numBias || reps[i]->numS != 1) {
      cvError(cv, op,
              "operand #%d of the tensor add is not quantized; both operands "
              "of an add that is not a bias add must be "
              "quant.dcast(quant.qcast(x))",
              i);
      return false;
    }
  /* A common scale 2^8 finer than the finer operand keeps both exact to
   * within 2^-9 of an input step. */
  double sc = fmin(ra->s[0], rb->s[0]) / 256.0;
  int64_t ba, bb;
  MlirValue qa = toCommonScale(cv, op, ra, sc, &ba);
  if (mlirValueIsNull(qa))
    return false;
  MlirValue qb = toCommonScale(cv, op, rb, sc, &bb);
  if (mlirValueIsNull(qb))
    return false;
  unsigned w = cvSignedBitsFor(-(ba + bb), ba + bb) <= 32 ? 32 : 64;
  MlirType t = mlirValueGetType(qa);
  intptr_t rank = mlirShapedTypeGetRank(t);
  int64_t shape[CV_MAX_RANK];
  for (intptr_t i = 0; i < rank; ++i)
    shape[i] = mlirShapedTypeGetDimSize(t, i);
  MlirValue operands[2] = {qa, qb};
  MlirValue sum = cvBuild1(
      cv, "cim.add", mlirOperationGetLocation(op), 2, operands,
      cvTensorType(cv->ctx, rank, shape, cvIntType(cv->ctx, w)), 0, NULL);
  CvRep *r = cvNewRep(cv, result);
  r->q = sum;
  r->storage = false;
  r->s[0] = sc;
  return true;
}

static bool convertFloat(CvConverter *cv, MlirOperation op, const Body *b,
                         intptr_t numInputs, const bool *identity) {
  MlirValue result = mlirOperationGetResult(op, 0);
  char name[64];
  cvOpName(op, name, sizeof name);
  if (b->kind == K_CLAMP || b->kind == K_SCALE) {
    intptr_t i = b->scaledArg;
    if (!identity[i]) {
      cvError(cv, op, "%s must index its input with the identity map", name);
      return false;
    }
    CvRep *src = cvGetRep(cv, mlirOperationGetOperand(op, i));
    if (!src)
      return noRep(cv, op, i);
    if (b->kind == K_SCALE && !(b->factor > 0 && isfinite(b->factor))) {
      cvError(cv, op,
              "only multiplication or division by a positive constant is "
              "supported (factor %g)",
              b->factor);
      return false;
    }
    if (b->kind == K_CLAMP && b->lo > b->hi) {
      cvError(cv, op, "the clamp range [%g, %g] is empty", b->lo, b->hi);
      return false;
    }
    CvRep *r = cvForward(cv, result, src, src->q, src->axis);
    if (b->kind == K_SCALE) {
      for (intptr_t c = 0; c < r->numS; ++c)
        r->s[c] *= b->factor;
      r->lo *= b->factor;
      r->hi *= b->factor;
    } else {
      r->lo = fmax(r->lo, b->lo);
      r->hi = fmin(r->hi, b->hi);
      normalizeClamp(r);
    }
    return true;
  }
  if (b->kind == K_ADD && numInputs == 2) {
    MlirValue x = mlirOperationGetOperand(op, 0);
    MlirValue y = mlirOperationGetOperand(op, 1);
    CvRep *rx = cvGetRep(cv, x), *ry = cvGetRep(cv, y);
    /* Bias add: a layer's result plus a constant. */
    if (rx && !mlirOperationIsNull(rx->layer) && !ry && identity[0])
      return biasAdd(cv, op, rx, 1, result);
    if (ry && !mlirOperationIsNull(ry->layer) && !rx && identity[1])
      return biasAdd(cv, op, ry, 0, result);
    if (!rx)
      return noRep(cv, op, 0);
    if (!ry)
      return noRep(cv, op, 1);
    if (!identity[0] || !identity[1]) {
      cvError(cv, op, "a tensor add must index both operands with the "
                      "identity map (no broadcasting)");
      return false;
    }
    return tensorAdd(cv, op, rx, ry, result);
  }
  MlirValue x;
  if (numInputs == 1 && cimOpIsA(op, "linalg.generic") && identity[0] &&
      cimMatchElementwiseUnary(op, &x))
    return cvConvertLut(cv, op);
  cvError(cv, op,
          "%s computes something other than a bias add, tensor add, ReLU / "
          "clamp with constants, a multiplication by a positive constant or "
          "an elementwise function of one input; it has no cim equivalent",
          name);
  return false;
}

bool cvConvertElementwise(CvConverter *cv, MlirOperation op) {
  MlirValue result = mlirOperationGetResult(op, 0);
  if (cvGetRep(cv, result))
    return true; /* already folded (the divide of an average pooling) */
  char name[64];
  cvOpName(op, name, sizeof name);
  intptr_t n = mlirOperationGetNumOperands(op);
  if (mlirOperationGetNumResults(op) != 1 || n < 2 || n > 3) {
    cvError(cv, op, "%s with %ld operands and %ld results is not supported",
            name, (long)n, (long)mlirOperationGetNumResults(op));
    return false;
  }
  intptr_t numInputs = n - 1;
  MlirType rt = mlirValueGetType(result);
  if (!mlirTypeIsARankedTensor(rt)) {
    cvError(cv, op, "%s must work on tensors", name);
    return false;
  }
  bool integer = mlirTypeIsAInteger(mlirShapedTypeGetElementType(rt));
  Body b;
  if (cimOpIsA(op, "linalg.generic")) {
    MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0));
    /* The init must not be read. */
    MlirValue out = mlirBlockGetArgument(body, numInputs);
    if (!mlirOpOperandIsNull(mlirValueGetFirstUse(out))) {
      cvError(cv, op, "%s reads its output (a reduction or accumulation); "
                      "only elementwise generics are supported",
              name);
      return false;
    }
    b = analyse(body, numInputs, integer);
  } else {
    b = analyseNamed(op, integer);
  }
  bool identity[3];
  readIdentityMaps(op, n, identity);
  if (!identity[numInputs]) {
    cvError(cv, op, "%s must write its result with the identity map", name);
    return false;
  }
  if (integer)
    return convertInteger(cv, op, &b, numInputs);
  return convertFloat(cv, op, &b, numInputs, identity);
}
