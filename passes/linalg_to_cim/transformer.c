/*===-- transformer.c - convert-linalg-to-cim: softmax, layer norm, LUT ----===*
 *
 * The float patterns and the integer parameters come from lib/ir/FrontEndMatch.h
 * (shared with cim-assign-precision). Each op takes a quantized input (Q2)
 * and produces the type of the quant.qcast ops that use its result (Q3).
 *===----------------------------------------------------------------------===*/

#include "Convert.h"

#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Quant.h"

#include "ir/FrontEndMatch.h"
#include "ir/PassUtils.h"

/// Q3: the one quantized type every quant.qcast user of `v` (directly or
/// through shape-only ops) casts to.
static bool findOutputType(CvConverter *cv, MlirOperation op, MlirValue v,
                           const char *what, CvQType *t, bool *found,
                           int depth) {
  for (MlirOpOperand u = mlirValueGetFirstUse(v); !mlirOpOperandIsNull(u);
       u = mlirOpOperandGetNextUse(u)) {
    MlirOperation user = mlirOpOperandGetOwner(u);
    if (cimOpIsA(user, "quant.qcast")) {
      MlirType q = mlirShapedTypeGetElementType(
          mlirValueGetType(mlirOperationGetResult(user, 0)));
      if (*found && !mlirTypeEqual(q, t->quantType)) {
        cvError(cv, op, "the result of %s is quantized to two different "
                        "types; it must have one (Q3)",
                what);
        return false;
      }
      if (!*found) {
        if (!cvReadQType(cv, user, q, t))
          return false;
        if (mlirTypeIsAUniformQuantizedPerAxisType(q)) {
          cvError(cv, user, "the result of %s must be quantized per tensor",
                  what);
          return false;
        }
        *found = true;
      }
      continue;
    }
    MlirValue src;
    if (depth < 64 && cimIsShapeOnlyOp(user, &src) &&
        mlirOperationGetNumResults(user) == 1) {
      if (!findOutputType(cv, op, mlirOperationGetResult(user, 0), what, t,
                          found, depth + 1))
        return false;
      continue;
    }
    char name[64];
    cvError(cv, op,
            "the result of %s is used by '%s'; it must be used only by "
            "quant.qcast, directly or through reshape / transpose / slice "
            "(Q3)",
            what, cvOpName(user, name, sizeof name));
    return false;
  }
  if (!*found) {
    cvError(cv, op, "the result of %s is never quantized (Q3)", what);
    return false;
  }
  return true;
}

/// Q2: the plain storage value of the input.
static CvRep *quantizedInput(CvConverter *cv, MlirOperation op, MlirValue x,
                             const char *what, MlirValue *q) {
  CvRep *r = cvGetRep(cv, x);
  if (!r || !r->storage || r->numBias || r->numS != 1) {
    cvError(cv, op,
            "the input of %s is not quantized: it must be "
            "quant.dcast(quant.qcast(x)) (Q2)",
            what);
    return NULL;
  }
  *q = cvStorageValue(cv, op, r, "the input");
  return mlirValueIsNull(*q) ? NULL : r;
}

static CimQParams params(double s, int64_t z, int64_t qmin, int64_t qmax) {
  CimQParams p = {s, z, qmin, qmax};
  return p;
}

/// Binds the result to a plain storage rep of type t holding q.
static void bindStorage(CvConverter *cv, MlirValue result, MlirValue q,
                        const CvQType *t) {
  CvRep *r = cvNewRep(cv, result);
  r->q = q;
  r->storage = true;
  r->bits = t->bits;
  r->isSigned = t->isSigned;
  r->qmin = t->qmin;
  r->qmax = t->qmax;
  r->s[0] = t->scale;
  r->z = t->zeroPoint;
}

static MlirType storageTensor(CvConverter *cv, MlirValue like,
                              const CvQType *t) {
  MlirType lt = mlirValueGetType(like);
  intptr_t rank = mlirShapedTypeGetRank(lt);
  int64_t shape[CV_MAX_RANK];
  for (intptr_t i = 0; i < rank && i < CV_MAX_RANK; ++i)
    shape[i] = mlirShapedTypeGetDimSize(lt, i);
  return cvTensorType(cv->ctx, rank, shape,
                      cvIntType(cv->ctx, cvSignedBitsFor(t->qmin, t->qmax)));
}

bool cvConvertSoftmax(CvConverter *cv, MlirOperation op) {
  MlirValue x;
  int64_t axis;
  if (!cimMatchSoftmax(op, &x, &axis) || mlirOperationGetNumResults(op) != 1) {
    cvError(cv, op, "expected linalg.softmax on tensors with one result");
    return false;
  }
  MlirValue result = mlirOperationGetResult(op, 0);
  MlirValue q;
  CvRep *in = quantizedInput(cv, op, x, "linalg.softmax", &q);
  if (!in)
    return false;
  CvQType t;
  bool found = false;
  if (!findOutputType(cv, op, result, "linalg.softmax", &t, &found, 0))
    return false;
  MlirType xt = mlirValueGetType(x);
  if (axis < 0 || axis >= mlirShapedTypeGetRank(xt) ||
      mlirShapedTypeGetDimSize(xt, axis) > CIM_SOFTMAX_MAX_ROW) {
    cvError(cv, op, "softmax rows longer than 2^32 are not supported");
    return false;
  }
  CimSoftmaxParams p;
  if (!cimSoftmaxParams(params(in->s[0], in->z, in->qmin, in->qmax),
                        params(t.scale, t.zeroPoint, t.qmin, t.qmax), &p)) {
    cvError(cv, op,
            "no integer softmax exists for input scale %g ([%lld, %lld]) and "
            "output scale %g",
            in->s[0], (long long)in->qmin, (long long)in->qmax, t.scale);
    return false;
  }
  MlirNamedAttribute attrs[] = {
      cimNamedI64(cv->ctx, "axis", axis),
      cvNamedArray(cv->ctx, "exp_table", p.tableLen, p.expTable),
      cimNamedI64(cv->ctx, "one", p.one),
      cimNamedI64(cv->ctx, "out_zero_point", t.zeroPoint),
      cimNamedI64(cv->ctx, "qmin", t.qmin),
      cimNamedI64(cv->ctx, "qmax", t.qmax),
  };
  MlirValue v = cvBuild1(cv, "cim.softmax", mlirOperationGetLocation(op), 1,
                         &q, storageTensor(cv, result, &t),
                         sizeof attrs / sizeof attrs[0], attrs);
  bindStorage(cv, result, v, &t);
  return true;
}

bool cvConvertLayerNorm(CvConverter *cv, MlirOperation op,
                        const CimLayerNorm *m) {
  MlirValue result = mlirOperationGetResult(op, 0);
  MlirValue q;
  CvRep *in = quantizedInput(cv, op, m->input, "the layer norm", &q);
  if (!in)
    return false;
  CvQType t;
  bool found = false;
  if (!findOutputType(cv, op, result, "the layer norm", &t, &found, 0))
    return false;
  if (m->n < 1 || m->n > CIM_LAYER_NORM_MAX_N) {
    cvError(cv, op, "a layer norm over %lld values is not supported",
            (long long)m->n);
    return false;
  }
  size_t n = (size_t)m->n;
  double *gamma = malloc(n * sizeof *gamma), *beta = malloc(n * sizeof *beta);
  int64_t *gi = malloc(n * sizeof *gi), *bi = malloc(n * sizeof *bi);
  if (!gamma || !beta || !gi || !bi)
    abort();
  for (int64_t i = 0; i < m->n; ++i) {
    gamma[i] = cimLayerNormConstGet(m->gamma, i);
    beta[i] = cimLayerNormConstGet(m->beta, i);
  }
  CimLayerNormParams p;
  bool ok = cimLayerNormParams(params(in->s[0], in->z, in->qmin, in->qmax),
                               m->n, m->eps, gamma, beta,
                               params(t.scale, t.zeroPoint, t.qmin, t.qmax),
                               gi, bi, &p);
  if (!ok) {
    cvError(cv, op,
            "no integer layer norm exists for these scales, epsilon %g and "
            "gamma / beta",
            m->eps);
  } else {
    MlirNamedAttribute attrs[] = {
        cimNamedI64(cv->ctx, "axis", m->axis),
        cimNamedI64(cv->ctx, "frac_bits", p.fracBits),
        cimNamedI64(cv->ctx, "eps", p.eps),
        cvNamedArray(cv->ctx, "gamma", m->n, gi),
        cvNamedArray(cv->ctx, "beta", m->n, bi),
        cimNamedI64(cv->ctx, "multiplier", p.multiplier),
        cimNamedI64(cv->ctx, "shift", p.shift),
        cimNamedI64(cv->ctx, "out_zero_point", t.zeroPoint),
        cimNamedI64(cv->ctx, "qmin", t.qmin),
        cimNamedI64(cv->ctx, "qmax", t.qmax),
    };
    MlirValue v = cvBuild1(cv, "cim.layer_norm", mlirOperationGetLocation(op),
                           1, &q, storageTensor(cv, result, &t),
                           sizeof attrs / sizeof attrs[0], attrs);
    bindStorage(cv, result, v, &t);
  }
  free(gamma);
  free(beta);
  free(gi);
  free(bi);
  return ok;
}

/// A name for the function a generic computes (informational).
static const char *functionName(MlirOperation generic) {
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(generic, 0));
  for (MlirOperation o = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(o); o = mlirOperationGetNextInBlock(o)) {
    if (cimOpIsA(o, "math.erf"))
      return "gelu";
    if (cimOpIsA(o, "math.tanh"))
      return "tanh";
    if (cimOpIsA(o, "math.exp"))
      return "exp";
  }
  return "elementwise";
}

bool cvConvertLut(CvConverter *cv, MlirOperation op) {
  MlirValue x;
  if (!cimMatchElementwiseUnary(op, &x)) {
    cvError(cv, op, "expected an elementwise unary linalg.generic");
    return false;
  }
  MlirValue result = mlirOperationGetResult(op, 0);
  MlirValue q;
  CvRep *in = quantizedInput(cv, op, x, "the elementwise function", &q);
  if (!in)
    return false;
  CvQType t;
  bool found = false;
  if (!findOutputType(cv, op, result, "the elementwise function", &t, &found,
                      0))
    return false;
  int64_t table[CIM_LUT_MAX_ENTRIES], inMin;
  intptr_t len;
  if (mlirLogicalResultIsFailure(cimLutTable(
          op, params(in->s[0], in->z, in->qmin, in->qmax),
          params(t.scale, t.zeroPoint, t.qmin, t.qmax), table,
          CIM_LUT_MAX_ENTRIES, &len, &inMin))) {
    cv->failed = true;
    return false;
  }
  MlirNamedAttribute attrs[] = {
      cvNamedArray(cv->ctx, "table", len, table),
      cimNamedI64(cv->ctx, "in_min", inMin),
      cimNamedString(cv->ctx, "function", functionName(op)),
  };
  MlirValue v = cvBuild1(cv, "cim.lut", mlirOperationGetLocation(op), 1, &q,
                         storageTensor(cv, result, &t),
                         sizeof attrs / sizeof attrs[0], attrs);
  bindStorage(cv, result, v, &t);
  return true;
}
