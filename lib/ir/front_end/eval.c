/*===-- eval.c - Scalar body evaluator and cim.lut tables ------------------===*
 *
 * Interprets the body of an elementwise unary linalg.generic in double
 * precision (math.erf is C's erf, ...), so the front end can tabulate any
 * such function (GELU, sigmoid, tanh) for cim.lut.
 *===----------------------------------------------------------------------===*/

#include "ir/FrontEndMatch.h"

#include <math.h>

#include "FrontEndInternal.h"
#include "ir/PassUtils.h"

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

bool cimFeScalarConst(MlirValue v, double *out) {
  if (!mlirValueIsAOpResult(v))
    return false;
  MlirOperation def = mlirOpResultGetOwner(v);
  if (!cimOpIsA(def, "arith.constant"))
    return false;
  MlirAttribute a = mlirOperationGetAttributeByName(
      def, mlirStringRefCreateFromCString("value"));
  if (mlirAttributeIsNull(a) || !mlirAttributeIsAFloat(a))
    return false;
  *out = mlirFloatAttrGetValueDouble(a);
  return true;
}

MlirBlock cimFeBody(MlirOperation op) {
  if (mlirOperationGetNumRegions(op) < 1)
    return (MlirBlock){NULL};
  return mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0));
}

intptr_t cimFeNumOps(MlirBlock block) {
  intptr_t n = 0;
  for (MlirOperation o = mlirBlockGetFirstOperation(block);
       !mlirOperationIsNull(o); o = mlirOperationGetNextInBlock(o))
    ++n;
  return n;
}

/* The scalar ops the evaluator knows, with their operand counts. */
typedef enum {
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG, OP_MAXIMUM, OP_MINIMUM, OP_MAXNUM,
  OP_MINNUM, OP_ERF, OP_EXP, OP_TANH, OP_RSQRT, OP_SQRT, OP_ABS, OP_LOG,
  OP_POW, OP_CONST, OP_UNKNOWN
} ScalarOp;

static const struct {
  const char *name;
  ScalarOp kind;
  int arity;
} scalarOps[] = {
    {"arith.addf", OP_ADD, 2},      {"arith.subf", OP_SUB, 2},
    {"arith.mulf", OP_MUL, 2},      {"arith.divf", OP_DIV, 2},
    {"arith.negf", OP_NEG, 1},      {"arith.maximumf", OP_MAXIMUM, 2},
    {"arith.minimumf", OP_MINIMUM, 2}, {"arith.maxnumf", OP_MAXNUM, 2},
    {"arith.minnumf", OP_MINNUM, 2}, {"math.erf", OP_ERF, 1},
    {"math.exp", OP_EXP, 1},        {"math.tanh", OP_TANH, 1},
    {"math.rsqrt", OP_RSQRT, 1},    {"math.sqrt", OP_SQRT, 1},
    {"math.absf", OP_ABS, 1},       {"math.log", OP_LOG, 1},
    {"math.powf", OP_POW, 2},       {"arith.constant", OP_CONST, 0},
};

static ScalarOp classify(MlirOperation op, int *arity) {
  for (size_t i = 0; i < sizeof scalarOps / sizeof scalarOps[0]; ++i)
    if (cimOpIsA(op, scalarOps[i].name)) {
      *arity = scalarOps[i].arity;
      return scalarOps[i].kind;
    }
  return OP_UNKNOWN;
}

/* Upper bound on the body size the evaluator handles (GELU needs 8). */
#define MAX_BODY 64

typedef struct {
  MlirValue arg;
  intptr_t n;
  MlirValue vals[MAX_BODY];
  double nums[MAX_BODY];
} Env;

/* Looks `v` up: the input element, an earlier body result, a float
 * constant (in the body or captured from above). */
static bool lookup(const Env *env, MlirValue v, double x, double *out) {
  if (mlirValueEqual(v, env->arg)) {
    *out = x;
    return true;
  }
  for (intptr_t i = 0; i < env->n; ++i)
    if (mlirValueEqual(v, env->vals[i])) {
      *out = env->nums[i];
      return true;
    }
  return cimFeScalarConst(v, out);
}

static bool isF32Scalar(MlirValue v) {
  return mlirTypeIsAF32(mlirValueGetType(v));
}

static double apply(ScalarOp k, double a, double b) {
  switch (k) {
  case OP_ADD: return a + b;
  case OP_SUB: return a - b;
  case OP_MUL: return a * b;
  case OP_DIV: return a / b;
  case OP_NEG: return -a;
  case OP_MAXIMUM: return (isnan(a) || isnan(b)) ? NAN : fmax(a, b);
  case OP_MINIMUM: return (isnan(a) || isnan(b)) ? NAN : fmin(a, b);
  case OP_MAXNUM: return fmax(a, b);
  case OP_MINNUM: return fmin(a, b);
  case OP_ERF: return erf(a);
  case OP_EXP: return exp(a);
  case OP_TANH: return tanh(a);
  case OP_RSQRT: return 1.0 / sqrt(a);
  case OP_SQRT: return sqrt(a);
  case OP_ABS: return fabs(a);
  case OP_LOG: return log(a);
  case OP_POW: return pow(a, b);
  case OP_CONST: case OP_UNKNOWN: break;
  }
  return NAN;
}

/* Walks the body of a one-input, one-output generic. With `eval` it also
 * computes the yielded value for input `x`. */
static bool walkBody(MlirOperation generic, bool eval, double x, double *y,
                     MlirOperation *bad) {
  if (bad)
    *bad = (MlirOperation){NULL};
  MlirBlock body = cimFeBody(generic);
  if (mlirBlockIsNull(body) || mlirBlockGetNumArguments(body) != 2)
    return false;
  Env env = {.arg = mlirBlockGetArgument(body, 0), .n = 0};
  if (!isF32Scalar(env.arg))
    return false;
  for (MlirOperation o = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(o); o = mlirOperationGetNextInBlock(o)) {
    if (cimOpIsA(o, "linalg.yield")) {
      double r = 0.0;
      if (mlirOperationGetNumOperands(o) != 1 ||
          !mlirOperationIsNull(mlirOperationGetNextInBlock(o)) ||
          !lookup(&env, mlirOperationGetOperand(o, 0), x, &r))
        return false;
      if (eval)
        *y = r;
      return true;
    }
    int arity = 0;
    ScalarOp k = classify(o, &arity);
    if (k == OP_UNKNOWN || mlirOperationGetNumResults(o) != 1 ||
        mlirOperationGetNumOperands(o) != arity || env.n == MAX_BODY ||
        !isF32Scalar(mlirOperationGetResult(o, 0))) {
      if (bad)
        *bad = o;
      return false;
    }
    double r = 0.0;
    if (k == OP_CONST) {
      if (!cimFeScalarConst(mlirOperationGetResult(o, 0), &r)) {
        if (bad)
          *bad = o;
        return false;
      }
    } else {
      double a = 0.0, b = 0.0;
      if (!lookup(&env, mlirOperationGetOperand(o, 0), x, &a) ||
          (arity == 2 &&
           !lookup(&env, mlirOperationGetOperand(o, 1), x, &b))) {
        if (bad)
          *bad = o;
        return false;
      }
      r = apply(k, a, b);
    }
    env.vals[env.n] = mlirOperationGetResult(o, 0);
    env.nums[env.n++] = r;
  }
  return false; /* no terminator */
}

bool cimFeUnaryBodySupported(MlirOperation generic, MlirOperation *bad) {
  double y = 0.0;
  return walkBody(generic, false, 0.0, &y, bad);
}

MlirLogicalResult cimEvalElementwiseBody(MlirOperation generic, double x,
                                         double *y) {
  MlirOperation bad = {NULL};
  if (walkBody(generic, true, x, y, &bad))
    return mlirLogicalResultSuccess();
  if (!mlirOperationIsNull(bad)) {
    MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(bad));
    cimEmitErrorf(mlirOperationGetLocation(bad),
                  "cannot evaluate '%.*s' in an elementwise body: supported "
                  "are f32 arith.addf/subf/mulf/divf/negf/maximumf/minimumf/"
                  "maxnumf/minnumf/constant and math.erf/exp/tanh/rsqrt/sqrt/"
                  "absf/log/powf on the input element and constants",
                  (int)n.length, n.data);
  } else {
    cimEmitErrorf(mlirOperationGetLocation(generic),
                  "cannot evaluate the body: expected one f32 input element "
                  "and a yield of a value computed from it");
  }
  return mlirLogicalResultFailure();
}

typedef struct {
  MlirOperation generic;
  bool failed;
} LutCtx;

static double evalForLut(double x, void *ud) {
  LutCtx *c = ud;
  double y = 0.0;
  if (c->failed)
    return 0.0;
  if (!walkBody(c->generic, true, x, &y, NULL))
    c->failed = true;
  return y;
}

MlirLogicalResult cimLutTable(MlirOperation generic, CimQParams in,
                              CimQParams out, int64_t *table,
                              intptr_t capacity, intptr_t *len,
                              int64_t *inMin) {
  double probe = 0.0;
  if (mlirLogicalResultIsFailure(cimEvalElementwiseBody(generic, 0.0, &probe)))
    return mlirLogicalResultFailure();
  if (in.qmax < in.qmin || in.qmax - in.qmin >= (int64_t)capacity) {
    cimEmitErrorf(mlirOperationGetLocation(generic),
                  "input range [%lld, %lld] needs %lld table entries; at most "
                  "%lld are supported",
                  (long long)in.qmin, (long long)in.qmax,
                  (long long)(in.qmax - in.qmin + 1), (long long)capacity);
    return mlirLogicalResultFailure();
  }
  LutCtx c = {generic, false};
  if (!cimLutTableFromFn(evalForLut, &c, in, out, table, capacity, len,
                         inMin) ||
      c.failed) {
    cimEmitErrorf(mlirOperationGetLocation(generic),
                  "cannot build the lookup table");
    return mlirLogicalResultFailure();
  }
  return mlirLogicalResultSuccess();
}
