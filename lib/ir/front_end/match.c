/*===-- match.c - Float linalg pattern matchers for the front end ----------===*
 *
 * Every matcher only reads the IR and returns false as soon as something
 * differs from its pattern (lib/ir/FrontEndMatch.h documents each pattern).
 *
 * Longer than the house limit (about 880 lines): one short matcher per
 * pattern, all built on the static IR-reading helpers at the top; the next
 * split, if it grows, is one file per pattern group with those helpers in
 * FrontEndInternal.h.
 *===----------------------------------------------------------------------===*/

#include "ir/FrontEndMatch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "FrontEndInternal.h"
#include "ir/Elements.h"
#include "ir/PassUtils.h"

#include "mlir-c/AffineExpr.h"
#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#define MAX_RANK 8

/*===-- Small helpers ------------------------------------------------------===*/

static MlirAttribute attrOf(MlirOperation op, const char *name) {
  return mlirOperationGetAttributeByName(op,
                                         mlirStringRefCreateFromCString(name));
}

/* A statically shaped ranked tensor of f32 (rank <= MAX_RANK). */
static bool isF32Tensor(MlirType t) {
  return mlirTypeIsARankedTensor(t) && mlirShapedTypeHasStaticShape(t) &&
         mlirShapedTypeGetRank(t) <= MAX_RANK &&
         mlirTypeIsAF32(mlirShapedTypeGetElementType(t));
}

static bool sameType(MlirValue a, MlirValue b) {
  return mlirTypeEqual(mlirValueGetType(a), mlirValueGetType(b));
}

/* The op defining `v` if it is named `name`, else null. */
static MlirOperation definingOp(MlirValue v, const char *name) {
  if (!mlirValueIsAOpResult(v))
    return (MlirOperation){NULL};
  MlirOperation d = mlirOpResultGetOwner(v);
  return (name && !cimOpIsA(d, name)) ? (MlirOperation){NULL} : d;
}

/* A dense f32 elements constant: `dense<...>`, or a `dense_resource<...>`
 * blob with data (lib/ir/Elements.h checks; denseGet relies on it). */
static bool denseF32Const(MlirValue v, MlirAttribute *attr,
                          MlirOperation *op) {
  MlirOperation d = definingOp(v, "arith.constant");
  if (mlirOperationIsNull(d))
    return false;
  MlirAttribute a = attrOf(d, "value");
  CimElements e;
  if (mlirAttributeIsNull(a) ||
      !(mlirAttributeIsADenseFPElements(a) ||
        (mlirAttributeIsADenseResourceElements(a) &&
         !cimElementsOpen(a, &e))) ||
      !isF32Tensor(mlirAttributeGetType(a)))
    return false;
  *attr = a;
  if (op)
    *op = d;
  return true;
}

static double denseGet(MlirAttribute a, intptr_t i) {
  if (mlirAttributeIsADenseResourceElements(a))
    return (double)mlirDenseFloatResourceElementsAttrGetValue(a, i);
  if (mlirDenseElementsAttrIsSplat(a))
    return (double)mlirDenseElementsAttrGetFloatSplatValue(a);
  return (double)mlirDenseElementsAttrGetFloatValue(a, i);
}

static bool denseIsSplat(MlirAttribute a) {
  return !mlirAttributeIsADenseResourceElements(a) &&
         mlirDenseElementsAttrIsSplat(a);
}

/* A splat dense f32 constant's value. */
static bool splatF32Const(MlirValue v, double *out) {
  MlirAttribute a;
  if (!denseF32Const(v, &a, NULL) || !denseIsSplat(a))
    return false;
  *out = denseGet(a, 0);
  return true;
}

/* True if `v` is used only by `user` (at least once). */
static bool onlyUsedBy(MlirValue v, MlirOperation user) {
  MlirOpOperand u = mlirValueGetFirstUse(v);
  if (mlirOpOperandIsNull(u))
    return false;
  for (; !mlirOpOperandIsNull(u); u = mlirOpOperandGetNextUse(u))
    if (!mlirOperationEqual(mlirOpOperandGetOwner(u), user))
      return false;
  return true;
}

/* True if every use of `v` is by one of the two ops. */
static bool onlyUsedBy2(MlirValue v, MlirOperation a, MlirOperation b) {
  MlirOpOperand u = mlirValueGetFirstUse(v);
  if (mlirOpOperandIsNull(u))
    return false;
  for (; !mlirOpOperandIsNull(u); u = mlirOpOperandGetNextUse(u)) {
    MlirOperation o = mlirOpOperandGetOwner(u);
    if (!mlirOperationEqual(o, a) && !mlirOperationEqual(o, b))
      return false;
  }
  return true;
}

static bool hasOneUse(MlirValue v) {
  MlirOpOperand u = mlirValueGetFirstUse(v);
  return !mlirOpOperandIsNull(u) &&
         mlirOpOperandIsNull(mlirOpOperandGetNextUse(u));
}

/*===-- linalg.generic structure -------------------------------------------===*/

typedef struct {
  char text[64];
  size_t len;
} SmallText;

static void appendText(MlirStringRef s, void *ud) {
  SmallText *t = ud;
  for (size_t i = 0; i < s.length && t->len + 1 < sizeof t->text; ++i)
    t->text[t->len++] = s.data[i];
  t->text[t->len] = '\0';
}

typedef struct {
  intptr_t numInputs;   /* `ins` operands; exactly one `outs` operand */
  int64_t rank;         /* number of loops */
  int64_t numReduction; /* reduction iterators */
  int64_t reductionDim; /* the last reduction iterator, -1 if none */
  MlirBlock body;
} GenericInfo;

/* A linalg.generic with one f32 tensor result and one init. */
static bool genericInfo(MlirOperation op, GenericInfo *g) {
  if (!cimOpIsA(op, "linalg.generic") || mlirOperationGetNumResults(op) != 1)
    return false;
  MlirAttribute seg = attrOf(op, "operandSegmentSizes");
  if (mlirAttributeIsNull(seg) || !mlirAttributeIsADenseI32Array(seg) ||
      mlirDenseArrayGetNumElements(seg) != 2 ||
      mlirDenseI32ArrayGetElement(seg, 1) != 1)
    return false;
  g->numInputs = mlirDenseI32ArrayGetElement(seg, 0);
  if (!isF32Tensor(mlirValueGetType(mlirOperationGetResult(op, 0))))
    return false;
  MlirAttribute iters = attrOf(op, "iterator_types");
  MlirAttribute maps = attrOf(op, "indexing_maps");
  if (mlirAttributeIsNull(iters) || mlirAttributeIsNull(maps) ||
      !mlirAttributeIsAArray(iters) || !mlirAttributeIsAArray(maps) ||
      mlirArrayAttrGetNumElements(maps) != g->numInputs + 1)
    return false;
  g->rank = mlirArrayAttrGetNumElements(iters);
  g->numReduction = 0;
  g->reductionDim = -1;
  for (intptr_t i = 0; i < g->rank; ++i) {
    /* #linalg.iterator_type<...> has no C accessor: read its printed form. */
    SmallText t = {{0}, 0};
    mlirAttributePrint(mlirArrayAttrGetElement(iters, i), appendText, &t);
    if (strstr(t.text, "reduction")) {
      ++g->numReduction;
      g->reductionDim = i;
    } else if (!strstr(t.text, "parallel")) {
      return false;
    }
  }
  for (intptr_t i = 0; i <= g->numInputs; ++i) {
    MlirAttribute m = mlirArrayAttrGetElement(maps, i);
    if (!mlirAttributeIsAAffineMap(m) ||
        mlirAffineMapGetNumDims(mlirAffineMapAttrGetValue(m)) != g->rank)
      return false;
  }
  g->body = cimFeBody(op);
  if (mlirBlockIsNull(g->body) ||
      mlirBlockGetNumArguments(g->body) != g->numInputs + 1)
    return false;
  return true;
}

static MlirAffineMap mapAt(MlirOperation op, intptr_t i) {
  return mlirAffineMapAttrGetValue(
      mlirArrayAttrGetElement(attrOf(op, "indexing_maps"), i));
}

/* The dims a projected permutation `m` reads, in result order. */
static bool mapDims(MlirAffineMap m, int64_t *dims, intptr_t *n) {
  if (!mlirAffineMapIsProjectedPermutation(m))
    return false;
  *n = mlirAffineMapGetNumResults(m);
  if (*n > MAX_RANK)
    return false;
  for (intptr_t i = 0; i < *n; ++i) {
    MlirAffineExpr e = mlirAffineMapGetResult(m, i);
    if (!mlirAffineExprIsADim(e))
      return false;
    dims[i] = mlirAffineDimExprGetPosition(e);
  }
  return true;
}

/* True if `m` is (d0..d{r-1}) -> (d0..d{r-1} without d{axis}); *axis
 * receives the dropped dim. */
static bool mapIsReduced(MlirAffineMap m, int64_t rank, int64_t *axis) {
  int64_t dims[MAX_RANK];
  intptr_t n = 0;
  if (!mapDims(m, dims, &n) || n != rank - 1)
    return false;
  /* Results are increasing and skip exactly one dim: the dropped one. */
  int64_t dropped = -1;
  for (intptr_t i = 0, d = 0; d < rank; ++d) {
    if (i < n && dims[i] == d) {
      ++i;
      continue;
    }
    if (dropped != -1)
      return false;
    dropped = d;
  }
  for (intptr_t i = 1; i < n; ++i)
    if (dims[i] <= dims[i - 1])
      return false;
  if (dropped == -1)
    return false;
  *axis = dropped;
  return true;
}

static bool isArg(MlirValue v, MlirBlock body, intptr_t i) {
  return mlirValueIsABlockArgument(v) &&
         mlirBlockEqual(mlirBlockArgumentGetOwner(v), body) &&
         mlirBlockArgumentGetArgNumber(v) == i;
}

/* The op of `body` named `name` that defines `v`, or null. */
static MlirOperation bodyOp(MlirValue v, MlirBlock body, const char *name) {
  MlirOperation d = definingOp(v, name);
  if (mlirOperationIsNull(d) ||
      !mlirBlockEqual(mlirOperationGetBlock(d), body))
    return (MlirOperation){NULL};
  return d;
}

static MlirValue operand(MlirOperation op, intptr_t i) {
  return mlirOperationGetOperand(op, i);
}

/* The value the body yields (exactly one). */
static bool yielded(MlirBlock body, MlirValue *v) {
  MlirOperation t = mlirBlockGetTerminator(body);
  if (mlirOperationIsNull(t) || !cimOpIsA(t, "linalg.yield") ||
      mlirOperationGetNumOperands(t) != 1)
    return false;
  *v = operand(t, 0);
  return true;
}

/* Ops of `body` other than arith.constant and the terminator. */
static intptr_t numComputeOps(MlirBlock body) {
  intptr_t n = 0;
  for (MlirOperation o = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(o); o = mlirOperationGetNextInBlock(o))
    if (!cimOpIsA(o, "arith.constant") && !cimOpIsA(o, "linalg.yield"))
      ++n;
  return n;
}

/* Binary body op `o` has block arguments i and j as operands, in this
 * order, or swapped too when `commutative`. */
static bool argsAre(MlirOperation o, MlirBlock body, intptr_t i, intptr_t j,
                    bool commutative) {
  if (mlirOperationGetNumOperands(o) != 2)
    return false;
  MlirValue a = operand(o, 0), b = operand(o, 1);
  if (isArg(a, body, i) && isArg(b, body, j))
    return true;
  return commutative && isArg(a, body, j) && isArg(b, body, i);
}

/* If one operand of binary `o` is `want`, `*other` is the other one. */
static bool pickOperand(MlirOperation o, MlirValue want, MlirValue *other) {
  if (mlirOperationGetNumOperands(o) != 2)
    return false;
  if (mlirValueEqual(operand(o, 0), want)) {
    *other = operand(o, 1);
    return true;
  }
  if (mlirValueEqual(operand(o, 1), want)) {
    *other = operand(o, 0);
    return true;
  }
  return false;
}

/* Named elementwise linalg op (`linalg.add`, ...) with two ins, one init,
 * all of one f32 tensor type. */
static bool namedBinary(MlirOperation op, const char *name) {
  if (!cimOpIsA(op, name) || mlirOperationGetNumResults(op) != 1 ||
      mlirOperationGetNumOperands(op) != 3)
    return false;
  MlirValue r = mlirOperationGetResult(op, 0);
  return isF32Tensor(mlirValueGetType(r)) && sameType(operand(op, 0), r) &&
         sameType(operand(op, 1), r);
}

/*===-- Bias add -----------------------------------------------------------===*/

/* Strides of a row-major shape. */
static void rowMajorStrides(MlirType t, int64_t *strides) {
  int64_t r = mlirShapedTypeGetRank(t), s = 1;
  for (int64_t j = r - 1; j >= 0; --j) {
    strides[j] = s;
    s *= mlirShapedTypeGetDimSize(t, j);
  }
}

/* The one dim of constant `a` along which it varies: -1 when uniform; -2
 * when it varies along several. */
static int64_t varyingDim(MlirAttribute a) {
  if (denseIsSplat(a))
    return -1;
  MlirType t = mlirAttributeGetType(a);
  int64_t rank = mlirShapedTypeGetRank(t);
  int64_t n = 1;
  for (int64_t j = 0; j < rank; ++j)
    n *= mlirShapedTypeGetDimSize(t, j);
  bool uniform = true;
  double v0 = denseGet(a, 0);
  for (int64_t i = 1; i < n && uniform; ++i)
    uniform = denseGet(a, i) == v0;
  if (uniform)
    return -1;
  int64_t strides[MAX_RANK];
  rowMajorStrides(t, strides);
  for (int64_t j = 0; j < rank; ++j) {
    int64_t size = mlirShapedTypeGetDimSize(t, j);
    if (size <= 1)
      continue;
    bool only = true;
    for (int64_t i = 0; i < n && only; ++i) {
      int64_t along = (i / strides[j]) % size;
      only = denseGet(a, i) == denseGet(a, along * strides[j]);
    }
    if (only)
      return j;
  }
  return -2;
}

static bool finishBiasAdd(MlirOperation op, MlirValue input, MlirAttribute bias,
                          MlirOperation biasOp, const int64_t *resultDimOf,
                          intptr_t numConstDims, CimBiasAdd *m) {
  int64_t j = varyingDim(bias);
  if (j == -2)
    return false;
  MlirType rt = mlirValueGetType(mlirOperationGetResult(op, 0));
  m->input = input;
  m->bias = bias;
  m->biasOp = biasOp;
  if (j == -1 && numConstDims == 1)
    j = 0; /* a uniform rank-1 constant still names its broadcast dim */
  m->biasDim = j;
  m->channelDim = j < 0 ? -1 : resultDimOf[j];
  m->channels =
      j < 0 ? 1 : mlirShapedTypeGetDimSize(rt, (intptr_t)m->channelDim);
  return true;
}

bool cimMatchBiasAdd(MlirOperation op, CimBiasAdd *m) {
  MlirAttribute bias;
  MlirOperation biasOp;
  int64_t dims[MAX_RANK];
  intptr_t nd = 0;
  if (namedBinary(op, "linalg.add")) {
    bool c0 = denseF32Const(operand(op, 0), &bias, &biasOp);
    MlirAttribute b1;
    MlirOperation o1;
    bool c1 = denseF32Const(operand(op, 1), &b1, &o1);
    if (c0 == c1)
      return false;
    if (c1) {
      bias = b1;
      biasOp = o1;
    }
    nd = mlirShapedTypeGetRank(mlirAttributeGetType(bias));
    for (intptr_t i = 0; i < nd; ++i)
      dims[i] = i;
    return finishBiasAdd(op, operand(op, c0 ? 1 : 0), bias, biasOp, dims, nd,
                         m);
  }
  GenericInfo g;
  if (!genericInfo(op, &g) || g.numInputs != 2 || g.numReduction != 0 ||
      !mlirAffineMapIsIdentity(mapAt(op, 2)))
    return false;
  MlirValue y;
  if (!yielded(g.body, &y) || numComputeOps(g.body) != 1)
    return false;
  MlirOperation add = bodyOp(y, g.body, "arith.addf");
  if (mlirOperationIsNull(add) || !argsAre(add, g.body, 0, 1, true))
    return false;
  MlirAttribute b1;
  MlirOperation o1;
  bool c0 = denseF32Const(operand(op, 0), &bias, &biasOp);
  bool c1 = denseF32Const(operand(op, 1), &b1, &o1);
  if (c0 == c1)
    return false;
  if (c1) {
    bias = b1;
    biasOp = o1;
  }
  intptr_t in = c0 ? 1 : 0, cst = c0 ? 0 : 1;
  MlirValue input = operand(op, in);
  if (!mlirAffineMapIsIdentity(mapAt(op, in)) ||
      !sameType(input, mlirOperationGetResult(op, 0)))
    return false;
  if (!mapDims(mapAt(op, cst), dims, &nd) ||
      nd != mlirShapedTypeGetRank(mlirAttributeGetType(bias)))
    return false;
  return finishBiasAdd(op, input, bias, biasOp, dims, nd, m);
}

double cimBiasAddGetValue(const CimBiasAdd *m, int64_t c) {
  if (m->biasDim < 0)
    return denseGet(m->bias, 0);
  int64_t strides[MAX_RANK];
  rowMajorStrides(mlirAttributeGetType(m->bias), strides);
  return denseGet(m->bias, (intptr_t)(c * strides[m->biasDim]));
}

/*===-- Clamp, scalar scale, tensor add ------------------------------------===*/

/* One-input, all-parallel generic with identity maps and the result type
 * equal to the input type. */
static bool unaryGeneric(MlirOperation op, GenericInfo *g) {
  return genericInfo(op, g) && g->numInputs == 1 && g->numReduction == 0 &&
         mlirAffineMapIsIdentity(mapAt(op, 0)) &&
         mlirAffineMapIsIdentity(mapAt(op, 1)) &&
         sameType(operand(op, 0), mlirOperationGetResult(op, 0));
}

bool cimMatchClamp(MlirOperation op, MlirValue *input, double *lo,
                   double *hi) {
  GenericInfo g;
  MlirValue v;
  if (!unaryGeneric(op, &g) || !yielded(g.body, &v))
    return false;
  double l = -INFINITY, h = INFINITY;
  intptr_t chain = 0;
  while (!isArg(v, g.body, 0)) {
    MlirOperation o = definingOp(v, NULL);
    if (mlirOperationIsNull(o) ||
        !mlirBlockEqual(mlirOperationGetBlock(o), g.body) ||
        mlirOperationGetNumOperands(o) != 2)
      return false;
    bool isMax = cimOpIsA(o, "arith.maximumf") || cimOpIsA(o, "arith.maxnumf");
    bool isMin = cimOpIsA(o, "arith.minimumf") || cimOpIsA(o, "arith.minnumf");
    if (!isMax && !isMin)
      return false;
    double c;
    if (cimFeScalarConst(operand(o, 1), &c))
      v = operand(o, 0);
    else if (cimFeScalarConst(operand(o, 0), &c))
      v = operand(o, 1);
    else
      return false;
    if (isnan(c))
      return false;
    if (isMax)
      l = c > l ? c : l;
    else
      h = c < h ? c : h;
    ++chain;
  }
  if (chain == 0 || chain != numComputeOps(g.body) || l > h)
    return false;
  *input = operand(op, 0);
  *lo = l;
  *hi = h;
  return true;
}

bool cimMatchScalarScaleEx(MlirOperation op, MlirValue *input, double *factor,
                           bool *isDivide, double *constant) {
  MlirValue in;
  double c;
  bool div;
  bool isMul = namedBinary(op, "linalg.mul");
  if (isMul || namedBinary(op, "linalg.div")) {
    div = !isMul;
    if (splatF32Const(operand(op, 1), &c))
      in = operand(op, 0);
    else if (isMul && splatF32Const(operand(op, 0), &c))
      in = operand(op, 1);
    else
      return false;
  } else {
    GenericInfo g;
    MlirValue y;
    if (!genericInfo(op, &g) || g.numReduction != 0 ||
        (g.numInputs != 1 && g.numInputs != 2) ||
        !mlirAffineMapIsIdentity(mapAt(op, g.numInputs)) ||
        !yielded(g.body, &y) || numComputeOps(g.body) != 1)
      return false;
    MlirOperation o = bodyOp(y, g.body, NULL);
    if (mlirOperationIsNull(o) || mlirOperationGetNumOperands(o) != 2)
      return false;
    div = cimOpIsA(o, "arith.divf");
    if (!div && !cimOpIsA(o, "arith.mulf"))
      return false;
    intptr_t inIdx;
    if (g.numInputs == 1) {
      inIdx = 0;
      if (isArg(operand(o, 0), g.body, 0) && cimFeScalarConst(operand(o, 1), &c))
        ;
      else if (!div && isArg(operand(o, 1), g.body, 0) &&
               cimFeScalarConst(operand(o, 0), &c))
        ;
      else
        return false;
    } else {
      /* One input is a splat constant tensor, read through its element. */
      intptr_t cIdx;
      if (splatF32Const(operand(op, 1), &c))
        cIdx = 1;
      else if (splatF32Const(operand(op, 0), &c))
        cIdx = 0;
      else
        return false;
      inIdx = 1 - cIdx;
      if (!argsAre(o, g.body, inIdx, cIdx, !div))
        return false;
    }
    in = operand(op, inIdx);
    if (!mlirAffineMapIsIdentity(mapAt(op, inIdx)))
      return false;
  }
  if (!sameType(in, mlirOperationGetResult(op, 0)) || !isfinite(c) || c == 0.0)
    return false;
  *input = in;
  *factor = div ? 1.0 / c : c;
  *isDivide = div;
  *constant = c;
  return true;
}

bool cimMatchScalarScale(MlirOperation op, MlirValue *input, double *factor) {
  bool div;
  double c;
  return cimMatchScalarScaleEx(op, input, factor, &div, &c);
}

bool cimMatchTensorAdd(MlirOperation op, MlirValue *lhs, MlirValue *rhs) {
  if (!namedBinary(op, "linalg.add")) {
    GenericInfo g;
    MlirValue y;
    if (!genericInfo(op, &g) || g.numInputs != 2 || g.numReduction != 0)
      return false;
    for (intptr_t i = 0; i < 3; ++i)
      if (!mlirAffineMapIsIdentity(mapAt(op, i)))
        return false;
    MlirValue r = mlirOperationGetResult(op, 0);
    if (!sameType(operand(op, 0), r) || !sameType(operand(op, 1), r) ||
        !yielded(g.body, &y) || numComputeOps(g.body) != 1)
      return false;
    MlirOperation add = bodyOp(y, g.body, "arith.addf");
    if (mlirOperationIsNull(add) || !argsAre(add, g.body, 0, 1, true))
      return false;
  }
  *lhs = operand(op, 0);
  *rhs = operand(op, 1);
  return true;
}

/*===-- Average pool -------------------------------------------------------===*/

static bool readPair(MlirOperation op, const char *name, int64_t out[2]) {
  MlirAttribute a = attrOf(op, name);
  if (mlirAttributeIsNull(a)) {
    out[0] = out[1] = 1;
    return true;
  }
  if (!mlirAttributeIsADenseIntElements(a) ||
      mlirElementsAttrGetNumElements(a) != 2)
    return false;
  for (intptr_t i = 0; i < 2; ++i) {
    out[i] = mlirDenseElementsAttrGetInt64Value(a, i);
    if (out[i] < 1)
      return false;
  }
  return true;
}

/* An init that is all zeros: a linalg.fill of 0.0 or a zero splat. */
static bool isZeroInit(MlirValue v, MlirOperation *fill) {
  double c;
  MlirOperation f = definingOp(v, "linalg.fill");
  if (!mlirOperationIsNull(f)) {
    if (mlirOperationGetNumOperands(f) != 2 ||
        !cimFeScalarConst(operand(f, 0), &c) || c != 0.0)
      return false;
    if (fill)
      *fill = f;
    return true;
  }
  if (fill)
    *fill = (MlirOperation){NULL};
  return splatF32Const(v, &c) && c == 0.0;
}

bool cimMatchAvgPool(MlirOperation divOp, CimAvgPool *m) {
  MlirValue in;
  double factor, c;
  bool isDiv;
  if (!cimMatchScalarScaleEx(divOp, &in, &factor, &isDiv, &c))
    return false;
  MlirOperation pool = definingOp(in, NULL);
  if (mlirOperationIsNull(pool))
    return false;
  bool nchw = cimOpIsA(pool, "linalg.pooling_nchw_sum");
  if (!nchw && !cimOpIsA(pool, "linalg.pooling_nhwc_sum"))
    return false;
  if (mlirOperationGetNumOperands(pool) != 3 ||
      mlirOperationGetNumResults(pool) != 1 || !onlyUsedBy(in, divOp))
    return false;
  MlirType inT = mlirValueGetType(operand(pool, 0));
  MlirType winT = mlirValueGetType(operand(pool, 1));
  if (!isF32Tensor(inT) || mlirShapedTypeGetRank(inT) != 4 ||
      !mlirTypeIsARankedTensor(winT) || mlirShapedTypeGetRank(winT) != 2 ||
      !mlirShapedTypeHasStaticShape(winT))
    return false;
  if (!isZeroInit(operand(pool, 2), NULL))
    return false;
  int64_t kh = mlirShapedTypeGetDimSize(winT, 0);
  int64_t kw = mlirShapedTypeGetDimSize(winT, 1);
  double count = (double)kh * (double)kw;
  if (isDiv ? c != count : (float)c != (float)(1.0 / count))
    return false;
  if (!readPair(pool, "strides", m->strides) ||
      !readPair(pool, "dilations", m->dilations))
    return false;
  m->input = operand(pool, 0);
  m->nhwc = !nchw;
  m->window[0] = kh;
  m->window[1] = kw;
  m->pool = pool;
  m->divide = divOp;
  return true;
}

/*===-- Layer norm ---------------------------------------------------------===*/

/* The binary body op `name` defining `v` whose operands are `want` and
 * something else (either order when commutative); `*other` is the rest. */
static MlirOperation bodyBinWith(MlirValue v, MlirBlock body, const char *name,
                                 MlirValue want, MlirValue *other) {
  MlirOperation o = bodyOp(v, body, name);
  if (mlirOperationIsNull(o) || !pickOperand(o, want, other))
    return (MlirOperation){NULL};
  return o;
}

/* A reduction generic of the layer norm: `numInputs` inputs, reduction over
 * `axis` only, maps identity then `reduced` for the rest, init a zero fill. */
static bool lnReduction(MlirOperation op, intptr_t numInputs, int64_t rank,
                        int64_t axis, MlirAffineMap reduced, GenericInfo *g,
                        MlirOperation *fill) {
  if (!genericInfo(op, g) || g->numInputs != numInputs || g->rank != rank ||
      g->numReduction != 1 || g->reductionDim != axis ||
      !mlirAffineMapIsIdentity(mapAt(op, 0)))
    return false;
  for (intptr_t i = 1; i <= numInputs; ++i)
    if (!mlirAffineMapEqual(mapAt(op, i), reduced))
      return false;
  if (!isZeroInit(operand(op, numInputs), fill) || mlirOperationIsNull(*fill))
    return false;
  if (!hasOneUse(mlirOperationGetResult(*fill, 0)))
    *fill = (MlirOperation){NULL}; /* shared: not part of the pattern */
  return true;
}

/* `v` is a body divf of `num` by the scalar constant n. */
static bool isDivByN(MlirValue v, MlirBlock body, MlirValue num, int64_t n) {
  MlirOperation d = bodyOp(v, body, "arith.divf");
  double c;
  return !mlirOperationIsNull(d) && mlirValueEqual(operand(d, 0), num) &&
         cimFeScalarConst(operand(d, 1), &c) && c == (double)n;
}

static bool constVector(MlirValue v, int64_t n, MlirAttribute *attr) {
  MlirAttribute a;
  if (!denseF32Const(v, &a, NULL))
    return false;
  MlirType t = mlirAttributeGetType(a);
  if (mlirShapedTypeGetRank(t) != 1 || mlirShapedTypeGetDimSize(t, 0) != n)
    return false;
  *attr = a;
  return true;
}

bool cimMatchLayerNorm(MlirOperation root, CimLayerNorm *m) {
  GenericInfo g;
  if (!genericInfo(root, &g) || g.numInputs != 5 || g.numReduction != 0 ||
      g.rank < 1)
    return false;
  int64_t rank = g.rank, axis = -1, axis2 = -1;
  MlirAffineMap reduced = mapAt(root, 1);
  if (!mlirAffineMapIsIdentity(mapAt(root, 0)) ||
      !mlirAffineMapIsIdentity(mapAt(root, 5)) ||
      !mapIsReduced(reduced, rank, &axis) ||
      !mapIsReduced(mapAt(root, 2), rank, &axis2) || axis2 != axis)
    return false;
  for (intptr_t i = 3; i <= 4; ++i) {
    int64_t dims[MAX_RANK];
    intptr_t nd = 0;
    if (!mapDims(mapAt(root, i), dims, &nd) || nd != 1 || dims[0] != axis)
      return false;
  }
  MlirValue x = operand(root, 0);
  MlirValue r = mlirOperationGetResult(root, 0);
  if (!sameType(x, r))
    return false;
  int64_t n = mlirShapedTypeGetDimSize(mlirValueGetType(x), (intptr_t)axis);
  MlirAttribute gamma, beta;
  if (!constVector(operand(root, 3), n, &gamma) ||
      !constVector(operand(root, 4), n, &beta))
    return false;

  /* root body: y = ((x - mean) * rsqrt(var + eps)) * gamma + beta */
  MlirBlock b = g.body;
  MlirValue y, t, ve, epsV;
  double eps;
  if (!yielded(b, &y) || numComputeOps(b) != 6)
    return false;
  MlirOperation o;
  if (mlirOperationIsNull(o = bodyBinWith(y, b, "arith.addf",
                                          mlirBlockGetArgument(b, 4), &t)) ||
      mlirOperationIsNull(o = bodyBinWith(t, b, "arith.mulf",
                                          mlirBlockGetArgument(b, 3), &t)))
    return false;
  /* t = c * rs, either order; c = subf(x, mean) */
  MlirOperation mul = bodyOp(t, b, "arith.mulf");
  if (mlirOperationIsNull(mul))
    return false;
  MlirOperation sub = bodyOp(operand(mul, 0), b, "arith.subf");
  MlirOperation rsq = bodyOp(operand(mul, 1), b, "math.rsqrt");
  if (mlirOperationIsNull(sub) || mlirOperationIsNull(rsq)) {
    sub = bodyOp(operand(mul, 1), b, "arith.subf");
    rsq = bodyOp(operand(mul, 0), b, "math.rsqrt");
  }
  if (mlirOperationIsNull(sub) || mlirOperationIsNull(rsq) ||
      !argsAre(sub, b, 0, 1, false))
    return false;
  ve = operand(rsq, 0);
  if (mlirOperationIsNull(
          bodyBinWith(ve, b, "arith.addf", mlirBlockGetArgument(b, 2), &epsV)) ||
      !cimFeScalarConst(epsV, &eps) || !isfinite(eps) || eps < 0.0)
    return false;

  /* mean = sum(x / n) over axis */
  MlirOperation meanOp = definingOp(operand(root, 1), "linalg.generic");
  MlirOperation varOp = definingOp(operand(root, 2), "linalg.generic");
  if (mlirOperationIsNull(meanOp) || mlirOperationIsNull(varOp))
    return false;
  GenericInfo gm, gv;
  MlirOperation meanFill, varFill;
  if (!lnReduction(meanOp, 1, rank, axis, reduced, &gm, &meanFill) ||
      !mlirValueEqual(operand(meanOp, 0), x))
    return false;
  MlirValue q;
  if (!yielded(gm.body, &y) || numComputeOps(gm.body) != 2 ||
      mlirOperationIsNull(bodyBinWith(y, gm.body, "arith.addf",
                                      mlirBlockGetArgument(gm.body, 1), &q)) ||
      !isDivByN(q, gm.body, mlirBlockGetArgument(gm.body, 0), n))
    return false;

  /* var = sum((x - mean)^2 / n) over axis */
  MlirValue mean = mlirOperationGetResult(meanOp, 0);
  if (!lnReduction(varOp, 2, rank, axis, reduced, &gv, &varFill) ||
      !mlirValueEqual(operand(varOp, 0), x) ||
      !mlirValueEqual(operand(varOp, 1), mean))
    return false;
  if (!yielded(gv.body, &y) || numComputeOps(gv.body) != 4 ||
      mlirOperationIsNull(bodyBinWith(y, gv.body, "arith.addf",
                                      mlirBlockGetArgument(gv.body, 2), &q)))
    return false;
  MlirOperation div = bodyOp(q, gv.body, "arith.divf");
  if (mlirOperationIsNull(div) ||
      !isDivByN(q, gv.body, operand(div, 0), n))
    return false;
  MlirOperation sq = bodyOp(operand(div, 0), gv.body, "arith.mulf");
  if (mlirOperationIsNull(sq) ||
      !mlirValueEqual(operand(sq, 0), operand(sq, 1)))
    return false;
  MlirOperation vsub = bodyOp(operand(sq, 0), gv.body, "arith.subf");
  if (mlirOperationIsNull(vsub) || !argsAre(vsub, gv.body, 0, 1, false))
    return false;

  /* Nothing else may read the intermediate results. */
  if (!onlyUsedBy2(mean, varOp, root) ||
      !onlyUsedBy(mlirOperationGetResult(varOp, 0), root))
    return false;

  m->input = x;
  m->axis = axis;
  m->n = n;
  m->eps = eps;
  m->gamma = gamma;
  m->beta = beta;
  m->ops[0] = meanFill;
  m->ops[1] = meanOp;
  m->ops[2] = varFill;
  m->ops[3] = varOp;
  m->ops[4] = root;
  return true;
}

double cimLayerNormConstGet(MlirAttribute attr, int64_t i) {
  return denseGet(attr, (intptr_t)i);
}

/*===-- Unary, softmax, shape-only ------------------------------------------===*/

bool cimMatchElementwiseUnary(MlirOperation op, MlirValue *input) {
  GenericInfo g;
  if (!unaryGeneric(op, &g) || !cimFeUnaryBodySupported(op, NULL))
    return false;
  *input = operand(op, 0);
  return true;
}

bool cimMatchSoftmax(MlirOperation op, MlirValue *input, int64_t *axis) {
  if (!cimOpIsA(op, "linalg.softmax") || mlirOperationGetNumOperands(op) != 2 ||
      mlirOperationGetNumResults(op) != 1)
    return false;
  MlirAttribute d = attrOf(op, "dimension");
  MlirValue in = operand(op, 0);
  if (mlirAttributeIsNull(d) || !mlirAttributeIsAInteger(d) ||
      !isF32Tensor(mlirValueGetType(in)))
    return false;
  int64_t a = mlirIntegerAttrGetValueInt(d);
  if (a < 0 || a >= mlirShapedTypeGetRank(mlirValueGetType(in)))
    return false;
  *input = in;
  *axis = a;
  return true;
}

bool cimIsShapeOnlyOp(MlirOperation op, MlirValue *source) {
  bool ok = false;
  if (cimOpIsA(op, "tensor.collapse_shape") ||
      cimOpIsA(op, "tensor.expand_shape")) {
    ok = mlirOperationGetNumOperands(op) == 1; /* static shapes only */
  } else if (cimOpIsA(op, "linalg.transpose")) {
    ok = mlirOperationGetNumOperands(op) == 2 &&
         mlirOperationGetNumResults(op) == 1;
  } else if (cimOpIsA(op, "tensor.extract_slice")) {
    MlirAttribute s = attrOf(op, "static_strides");
    ok = mlirOperationGetNumOperands(op) == 1 && !mlirAttributeIsNull(s) &&
         mlirAttributeIsADenseI64Array(s);
    for (intptr_t i = 0; ok && i < mlirDenseArrayGetNumElements(s); ++i)
      ok = mlirDenseI64ArrayGetElement(s, i) == 1;
  }
  if (ok && source)
    *source = operand(op, 0);
  return ok;
}
