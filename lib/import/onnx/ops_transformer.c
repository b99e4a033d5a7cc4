/*===-- ops_transformer.c - ONNX: layer norm, GELU, Erf, Pow, Where ... ---===*
 *
 * The operators a vision transformer's export adds (docs/onnx.md,
 * "Operators"), emitted in the forms the front end recognises
 * (lib/ir/FrontEndMatch.h), so that convert-linalg-to-cim lowers them to
 * the existing digital ops:
 *   - LayerNormalization, and its decomposition as torch 1.13 exports it
 *     (ReduceMean -> Sub -> Pow(2) -> ReduceMean -> Add(eps) -> Sqrt -> Div
 *     [-> Mul(gamma)] [-> Add(beta)]), become the three linalg.generic ops
 *     of cimMatchLayerNorm (mean, variance, normalize) -> cim.layer_norm;
 *   - the exact GELU x * 0.5 * (1 + erf(x / sqrt(2))) (Div -> Erf -> Add(1)
 *     -> Mul(x) [-> Mul(0.5)]) becomes one elementwise linalg.generic
 *     (cimMatchElementwiseUnary) -> a cim.lut table;
 *   - Erf and Pow alone are elementwise generics (math.erf; x * x for the
 *     exponent 2, else math.powf);
 *   - Equal, Where and Expand fold at import time: ViT's export applies
 *     them to shape constants (the class token's Expand).
 * A decomposition is matched on the ONNX graph at its first node, before
 * anything is emitted; its inner values must have no other use. A graph
 * that does not match is imported node by node.
 *===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "Importer.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

static bool isOp(const Onnx__NodeProto *n, const char *op) {
  return n->op_type && !strcmp(n->op_type, op) &&
         !(n->domain && *n->domain && strcmp(n->domain, "ai.onnx"));
}

static bool nameIs(const Onnx__NodeProto *n, size_t i, const char *name) {
  return i < n->n_input && n->input[i] && name && !strcmp(n->input[i], name);
}

static const char *out0(const Onnx__NodeProto *n) {
  return n->n_output >= 1 && n->output[0] && *n->output[0] ? n->output[0]
                                                           : NULL;
}

/// The one node that uses value `name` (as any number of its inputs), or
/// -1 when it has no use, several using nodes, or is a graph output.
static long soleUser(const Importer *I, const char *name) {
  const Onnx__GraphProto *g = I->graph;
  long user = -1;
  if (!name)
    return -1;
  for (size_t i = 0; i < g->n_output; ++i)
    if (g->output[i]->name && !strcmp(g->output[i]->name, name))
      return -1;
  for (size_t i = 0; i < g->n_node; ++i)
    for (size_t j = 0; j < g->node[i]->n_input; ++j)
      if (nameIs(g->node[i], j, name)) {
        if (user >= 0 && user != (long)i)
          return -1;
        user = (long)i;
      }
  return user;
}

/// Whether value `name` is a node input or a graph output.
static bool isUsed(const Importer *I, const char *name) {
  const Onnx__GraphProto *g = I->graph;
  for (size_t i = 0; i < g->n_output; ++i)
    if (g->output[i]->name && !strcmp(g->output[i]->name, name))
      return true;
  for (size_t i = 0; i < g->n_node; ++i)
    for (size_t j = 0; j < g->node[i]->n_input; ++j)
      if (nameIs(g->node[i], j, name))
        return true;
  return false;
}

/// The sole user of `name` if it is an `op` node, else NULL (*idx its index).
static const Onnx__NodeProto *userOp(const Importer *I, const char *name,
                                     const char *op, long *idx) {
  long u = soleUser(I, name);
  if (u < 0 || !isOp(I->graph->node[u], op))
    return NULL;
  *idx = u;
  return I->graph->node[u];
}

/// The plain constant named `name`, importing a Constant node that comes
/// later in the graph ahead of time (it is then marked done). NULL when it
/// is not a constant; a diagnostic only when reading a Constant fails
/// (*bad).
static const Const *constNamed(Importer *I, const char *name, bool *bad) {
  if (!name || !*name)
    return NULL;
  Value *v = cimOnnxLookup(I, name);
  if (!v) {
    const Onnx__GraphProto *g = I->graph;
    for (size_t i = I->nodeIndex + 1; i < g->n_node; ++i) {
      const Onnx__NodeProto *n = g->node[i];
      if (!out0(n) || strcmp(out0(n), name))
        continue;
      if (!isOp(n, "Constant") || n->n_input)
        return NULL;
      MlirLocation loc = mlirLocationNameGet(
          I->ctx, cimOnnxS(cimOnnxNodeName(n)), mlirLocationUnknownGet(I->ctx));
      if (!cimOnnxConstantOp(I, n, loc)) {
        *bad = true;
        return NULL;
      }
      I->done[i] = true;
      v = cimOnnxLookup(I, name);
      break;
    }
  }
  if (!v || v->kind != K_CONST || !v->c || v->dqInt)
    return NULL;
  return v->c;
}

/// A float constant holding one value (any shape of one element).
static bool scalarConst(Importer *I, const char *name, double *x, bool *bad) {
  const Const *c = constNamed(I, name, bad);
  if (!c || c->n != 1 || (c->dtype != DT_FLOAT && c->dtype != DT_DOUBLE))
    return false;
  *x = c->v[0];
  return true;
}

/// The other input of binary node `n` when one of its inputs is `name`.
static const char *otherInput(const Onnx__NodeProto *n, const char *name) {
  if (n->n_input != 2)
    return NULL;
  if (nameIs(n, 0, name))
    return n->input[1];
  if (nameIs(n, 1, name))
    return n->input[0];
  return NULL;
}

/*===----------------------------------------------------------------------===*
 * Layer normalization
 *===----------------------------------------------------------------------===*/

/// gamma or beta for a normalized axis of length `n` of a rank-`rank`
/// tensor: a float constant broadcasting along the last axis only (shape
/// [n], [1, ..., n] or one value).
static bool affineShapeOk(const Const *c, int rank, int64_t n) {
  if (!c || (c->dtype != DT_FLOAT && c->dtype != DT_DOUBLE) || c->rank > rank)
    return false;
  for (int i = 0; i + 1 < c->rank; ++i)
    if (c->dims[i] != 1)
      return false;
  return c->n == 1 || c->n == n;
}

/// The n values of such a constant (affineShapeOk) as f32.
static void affineVector(const Const *c, int64_t n, float *out) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = (float)c->v[c->n == 1 ? 0 : i];
}

typedef struct LnBody {
  double n, eps;
} LnBody;

static MlirValue lnMeanBody(Importer *I, MlirBlock b, MlirLocation loc,
                            const MlirValue *args, const void *ud) {
  const LnBody *k = ud;
  MlirValue q = cimOnnxOp2(I, b, loc, "arith.divf", args[0],
                           cimOnnxScalarIn(I, b, loc, k->n));
  return cimOnnxOp2(I, b, loc, "arith.addf", q, args[1]);
}

static MlirValue lnVarBody(Importer *I, MlirBlock b, MlirLocation loc,
                           const MlirValue *args, const void *ud) {
  const LnBody *k = ud;
  MlirValue nv = cimOnnxScalarIn(I, b, loc, k->n);
  MlirValue c = cimOnnxOp2(I, b, loc, "arith.subf", args[0], args[1]);
  MlirValue sq = cimOnnxOp2(I, b, loc, "arith.mulf", c, c);
  MlirValue q = cimOnnxOp2(I, b, loc, "arith.divf", sq, nv);
  return cimOnnxOp2(I, b, loc, "arith.addf", q, args[2]);
}

static MlirValue op1(Importer *I, MlirBlock b, MlirLocation loc,
                     const char *name, MlirValue x) {
  MlirType f = cimOnnxF32(I);
  return mlirOperationGetResult(
      cimOnnxEmitIn(I, b, name, loc, 1, &x, 1, &f, 0, NULL, NULL), 0);
}

static MlirValue lnRootBody(Importer *I, MlirBlock b, MlirLocation loc,
                            const MlirValue *args, const void *ud) {
  const LnBody *k = ud;
  MlirValue eps = cimOnnxScalarIn(I, b, loc, k->eps);
  MlirValue c = cimOnnxOp2(I, b, loc, "arith.subf", args[0], args[1]);
  MlirValue ve = cimOnnxOp2(I, b, loc, "arith.addf", args[2], eps);
  MlirValue r = op1(I, b, loc, "math.rsqrt", ve);
  MlirValue nv = cimOnnxOp2(I, b, loc, "arith.mulf", c, r);
  MlirValue g = cimOnnxOp2(I, b, loc, "arith.mulf", nv, args[3]);
  return cimOnnxOp2(I, b, loc, "arith.addf", g, args[4]);
}

/// The layer norm of `xf` (f32, dims) over its last axis in the form of
/// examples/models/vitb32.mlir (cimMatchLayerNorm): mean = sum(x / n),
/// var = sum((x - mean)^2 / n), y = ((x - mean) * rsqrt(var + eps)) *
/// gamma + beta. ONNX divides by sqrt(var + eps); the two agree within
/// float32 rounding, and the compiled cim.layer_norm is exact integer
/// arithmetic of its own (docs/dialects/cim.md).
static MlirValue emitLayerNorm(Importer *I, MlirLocation loc, MlirValue xf,
                               int rank, const int64_t *dims, double eps,
                               const float *gamma, const float *beta) {
  int axis = rank - 1, keep[MAX_RANK];
  int64_t n = dims[axis], rd[MAX_RANK];
  for (int i = 0; i < axis; ++i) {
    keep[i] = i;
    rd[i] = dims[i];
  }
  char idm[256], red[256], col[256];
  cimOnnxIdMap(idm, sizeof idm, rank);
  cimOnnxMapText(red, sizeof red, rank, keep, axis);
  cimOnnxMapText(col, sizeof col, rank, &axis, 1);
  bool reduce[MAX_RANK] = {false};
  reduce[axis] = true;
  LnBody k = {(double)n, eps};
  MlirValue zero = cimOnnxZeroF32(I, loc);
  const char *meanMaps[2] = {idm, red};
  MlirValue mean =
      cimOnnxGenericFn(I, loc, 1, &xf, meanMaps, rank, reduce,
                       cimOnnxFillF32(I, loc, axis, rd, zero), lnMeanBody, &k);
  const char *varMaps[3] = {idm, red, red};
  MlirValue xm[2] = {xf, mean};
  MlirValue var =
      cimOnnxGenericFn(I, loc, 2, xm, varMaps, rank, reduce,
                       cimOnnxFillF32(I, loc, axis, rd, zero), lnVarBody, &k);
  const char *rootMaps[6] = {idm, red, red, col, col, idm};
  MlirValue ins[5] = {xf, mean, var, cimOnnxConstF32(I, loc, 1, &n, gamma, n),
                      cimOnnxConstF32(I, loc, 1, &n, beta, n)};
  return cimOnnxGenericFn(I, loc, 5, ins, rootMaps, rank, NULL,
                          cimOnnxEmptyF32(I, loc, rank, dims), lnRootBody, &k);
}

/// Emits the layer norm of `x` and defines output 0 of `last` with it.
static bool defineLayerNorm(Importer *I, const Onnx__NodeProto *last,
                            MlirLocation loc, Value *x, double eps,
                            const Const *gamma, const Const *beta) {
  int64_t n = x->dims[x->rank - 1];
  float *gb = malloc((size_t)(2 * n) * sizeof(float));
  if (!gb)
    return cimOnnxFail(loc, "out of memory");
  for (int64_t i = 0; i < n; ++i) {
    gb[i] = 1.0f;
    gb[n + i] = 0.0f;
  }
  if (gamma)
    affineVector(gamma, n, gb);
  if (beta)
    affineVector(beta, n, gb + n);
  MlirValue xf = cimOnnxUseFloat(I, last, loc, x);
  if (mlirValueIsNull(xf)) {
    free(gb);
    return false;
  }
  MlirValue y = emitLayerNorm(I, loc, xf, x->rank, x->dims, eps, gb, gb + n);
  free(gb);
  return cimOnnxDefineFloat(I, last, loc, y, x->rank, x->dims);
}

/// LayerNormalization (opset 17): over the last axis only, constant Scale
/// and B, no Mean / InvStdDev outputs in use.
bool cimOnnxLayerNorm(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "X") const char *name = cimOnnxNodeName(n);
  if (x->kind == K_CONST || x->rank < 1)
    return cimOnnxFail(loc,
                       "node '%s' (LayerNormalization): the input must "
                       "be a non-constant tensor of rank >= 1",
                       name);
  int64_t axis = cimOnnxAttrInt(n, "axis", -1);
  if (axis < 0)
    axis += x->rank;
  if (axis != x->rank - 1)
    return cimOnnxFail(loc,
                       "node '%s' (LayerNormalization): axis %lld normalizes "
                       "over %lld dimensions; only the last axis (%d) is "
                       "supported",
                       name, (long long)cimOnnxAttrInt(n, "axis", -1),
                       (long long)(x->rank - axis), x->rank - 1);
  for (size_t i = 1; i < n->n_output && i < 3; ++i)
    if (n->output[i] && *n->output[i] && isUsed(I, n->output[i]))
      return cimOnnxFail(loc,
                         "node '%s' (LayerNormalization): the %s output "
                         "is not supported (inference uses Y only)",
                         name, i == 1 ? "Mean" : "InvStdDev");
  bool bad = false;
  int64_t len = x->dims[x->rank - 1];
  const Const *scale = constNamed(I, n->n_input > 1 ? n->input[1] : NULL, &bad);
  const Const *bias = constNamed(I, n->n_input > 2 ? n->input[2] : NULL, &bad);
  if (bad)
    return false;
  static const char *what[2] = {"Scale", "B"};
  for (int k = 0; k < 2; ++k) {
    const char *in = (size_t)k + 1 < n->n_input ? n->input[k + 1] : NULL;
    const Const *c = k ? bias : scale;
    if ((k == 0 || (in && *in)) && !affineShapeOk(c, x->rank, len))
      return cimOnnxFail(loc,
                         "node '%s' (LayerNormalization): %s must be a float "
                         "constant of %lld values (or one value) along the "
                         "normalized axis",
                         name, what[k], (long long)len);
  }
  return defineLayerNorm(I, n, loc, x, cimOnnxAttrFloat(n, "epsilon", 1e-5),
                         scale, bias);
}

/// axes of a ReduceMean: the last axis only (attribute or constant input),
/// keepdims 1.
static bool reducesLastAxis(Importer *I, const Onnx__NodeProto *n, int rank,
                            bool *bad) {
  int64_t axes[MAX_RANK];
  int k = cimOnnxAttrInts(n, "axes", axes, MAX_RANK);
  if (k < 0 && n->n_input > 1) {
    const Const *c = constNamed(I, n->input[1], bad);
    if (!c || c->n != 1)
      return false;
    axes[0] = (int64_t)c->v[0];
    k = 1;
  }
  return k == 1 && (axes[0] == -1 || axes[0] == rank - 1) &&
         cimOnnxAttrInt(n, "keepdims", 1) == 1;
}

/// Matches the decomposition from its first ReduceMean `r1`; on success
/// `nodes` holds the node indices after r1 (count *nn), *last the node whose
/// output is the result.
static bool matchLayerNorm(Importer *I, const Onnx__NodeProto *r1, Value *x,
                           long *nodes, int *nn, double *eps,
                           const Const **gamma, const Const **beta, bool *bad) {
  long i;
  const Onnx__NodeProto *sub, *sq, *r2, *add, *sqrtN, *div, *t;
  *nn = 0;
  *gamma = *beta = NULL;
  if (!reducesLastAxis(I, r1, x->rank, bad) ||
      !(sub = userOp(I, out0(r1), "Sub", &i)) || !nameIs(sub, 0, x->name) ||
      !nameIs(sub, 1, out0(r1)))
    return false;
  nodes[(*nn)++] = i;
  /* d = x - mean has two users: the square (Pow(d, 2) or Mul(d, d)) and the
   * Div; soleUser fails on it, so scan. */
  const Onnx__GraphProto *g = I->graph;
  const char *d = out0(sub);
  long sqI = -1, divI = -1;
  for (size_t k = 0; k < g->n_output; ++k)
    if (g->output[k]->name && d && !strcmp(g->output[k]->name, d))
      return false;
  for (size_t k = 0; d && k < g->n_node; ++k) {
    const Onnx__NodeProto *u = g->node[k];
    bool uses = false;
    for (size_t j = 0; j < u->n_input; ++j)
      uses |= nameIs(u, j, d);
    if (!uses)
      continue;
    double two;
    if (sqI < 0 && ((isOp(u, "Pow") && nameIs(u, 0, d) &&
                     scalarConst(I, u->input[1], &two, bad) && two == 2.0) ||
                    (isOp(u, "Mul") && nameIs(u, 0, d) && nameIs(u, 1, d))))
      sqI = (long)k;
    else if (divI < 0 && isOp(u, "Div") && nameIs(u, 0, d))
      divI = (long)k;
    else
      return false;
  }
  if (sqI < 0 || divI < 0)
    return false;
  sq = g->node[sqI];
  div = g->node[divI];
  nodes[(*nn)++] = sqI;
  if (!(r2 = userOp(I, out0(sq), "ReduceMean", &i)) ||
      !reducesLastAxis(I, r2, x->rank, bad))
    return false;
  nodes[(*nn)++] = i;
  if (!(add = userOp(I, out0(r2), "Add", &i)) ||
      !scalarConst(I, otherInput(add, out0(r2)), eps, bad) || !(*eps >= 0))
    return false;
  nodes[(*nn)++] = i;
  if (!(sqrtN = userOp(I, out0(add), "Sqrt", &i)) ||
      soleUser(I, out0(sqrtN)) != divI || !nameIs(div, 1, out0(sqrtN)))
    return false;
  nodes[(*nn)++] = i;
  nodes[(*nn)++] = divI;
  /* The affine part, when its operands are constants of the right shape. */
  int64_t n = x->dims[x->rank - 1];
  const char *y = out0(div);
  const Const *c;
  if ((t = userOp(I, y, "Mul", &i)) &&
      (c = constNamed(I, otherInput(t, y), bad)) &&
      affineShapeOk(c, x->rank, n)) {
    *gamma = c;
    nodes[(*nn)++] = i;
    y = out0(t);
  }
  if ((t = userOp(I, y, "Add", &i)) &&
      (c = constNamed(I, otherInput(t, y), bad)) &&
      affineShapeOk(c, x->rank, n)) {
    *beta = c;
    nodes[(*nn)++] = i;
  }
  return true;
}

/*===----------------------------------------------------------------------===*
 * GELU
 *===----------------------------------------------------------------------===*/

/// The constants of x * (erf(x / c) + one) [* half]: u = x / c (or x * c
/// when `mulScale`), half 1 when the last Mul is absent.
typedef struct Gelu {
  double c, one, half;
  bool mulScale;
} Gelu;

static MlirValue geluBody(Importer *I, MlirBlock b, MlirLocation loc,
                          const MlirValue *args, const void *ud) {
  const Gelu *k = ud;
  MlirValue x = args[0];
  MlirValue u = cimOnnxOp2(I, b, loc, k->mulScale ? "arith.mulf" : "arith.divf",
                           x, cimOnnxScalarIn(I, b, loc, k->c));
  MlirValue e = op1(I, b, loc, "math.erf", u);
  MlirValue p = cimOnnxOp2(I, b, loc, "arith.addf", e,
                           cimOnnxScalarIn(I, b, loc, k->one));
  MlirValue y = cimOnnxOp2(I, b, loc, "arith.mulf", x, p);
  if (k->half != 1.0)
    y = cimOnnxOp2(I, b, loc, "arith.mulf", y,
                   cimOnnxScalarIn(I, b, loc, k->half));
  return y;
}

/// Matches Div(x, c) (or Mul(x, c)) -> Erf -> Add(1) -> Mul(x, .) [->
/// Mul(0.5)] from its first node `d`, constants as exported (any values).
static bool matchGelu(Importer *I, const Onnx__NodeProto *d, Value **xOut,
                      long *nodes, int *nn, Gelu *k, bool *bad) {
  long i;
  const Onnx__NodeProto *erf, *add, *mul, *half;
  *nn = 0;
  k->mulScale = isOp(d, "Mul");
  if (d->n_input != 2 || !out0(d))
    return false;
  /* x is the non-constant operand (Div: the first). */
  int xi = 0;
  if (k->mulScale && !scalarConst(I, d->input[1], &k->c, bad))
    xi = 1;
  if (!scalarConst(I, d->input[1 - xi], &k->c, bad))
    return false;
  Value *x = cimOnnxLookup(I, d->input[xi]);
  if (!x || x->kind == K_CONST || x->dtype != DT_FLOAT)
    return false;
  if (!(erf = userOp(I, out0(d), "Erf", &i)))
    return false;
  nodes[(*nn)++] = i;
  if (!(add = userOp(I, out0(erf), "Add", &i)) ||
      !scalarConst(I, otherInput(add, out0(erf)), &k->one, bad))
    return false;
  nodes[(*nn)++] = i;
  const char *p;
  if (!(mul = userOp(I, out0(add), "Mul", &i)) ||
      !(p = otherInput(mul, x->name)) || strcmp(p, out0(add)))
    return false;
  nodes[(*nn)++] = i;
  k->half = 1.0;
  if ((half = userOp(I, out0(mul), "Mul", &i)) &&
      scalarConst(I, otherInput(half, out0(mul)), &k->half, bad))
    nodes[(*nn)++] = i;
  else
    k->half = 1.0;
  *xOut = x;
  return true;
}

/// Imports the matched nodes (the first is I->nodeIndex, `nodes` the rest)
/// by emitting `y`'s producer: marks them done, defines the last node's
/// output.
static void markDone(Importer *I, const long *nodes, int nn) {
  for (int j = 0; j < nn; ++j)
    I->done[nodes[j]] = true;
}

int cimOnnxFusePattern(Importer *I, const Onnx__NodeProto *n,
                       MlirLocation loc) {
  long nodes[16];
  int nn = 0;
  bool bad = false;
  if (isOp(n, "ReduceMean") && n->n_input >= 1) {
    Value *x = cimOnnxLookup(I, n->input[0]);
    double eps;
    const Const *gamma, *beta;
    if (!x || x->kind == K_CONST || x->rank < 1 || x->dtype != DT_FLOAT ||
        !matchLayerNorm(I, n, x, nodes, &nn, &eps, &gamma, &beta, &bad))
      return bad ? -1 : 0;
    const Onnx__NodeProto *last = I->graph->node[nodes[nn - 1]];
    markDone(I, nodes, nn);
    MlirLocation lastLoc =
        mlirLocationNameGet(I->ctx, cimOnnxS(cimOnnxNodeName(last)),
                            mlirLocationUnknownGet(I->ctx));
    return defineLayerNorm(I, last, lastLoc, x, eps, gamma, beta) ? 1 : -1;
  }
  if (isOp(n, "Div") || isOp(n, "Mul")) {
    Value *x;
    Gelu k;
    if (!matchGelu(I, n, &x, nodes, &nn, &k, &bad))
      return bad ? -1 : 0;
    const Onnx__NodeProto *last = I->graph->node[nodes[nn - 1]];
    markDone(I, nodes, nn);
    MlirLocation lastLoc =
        mlirLocationNameGet(I->ctx, cimOnnxS(cimOnnxNodeName(last)),
                            mlirLocationUnknownGet(I->ctx));
    MlirValue xf = cimOnnxUseFloat(I, last, lastLoc, x);
    if (mlirValueIsNull(xf))
      return -1;
    char m[256];
    cimOnnxIdMap(m, sizeof m, x->rank);
    const char *maps[2] = {m, m};
    MlirValue y = cimOnnxGenericFn(
        I, lastLoc, 1, &xf, maps, x->rank, NULL,
        cimOnnxEmptyF32(I, lastLoc, x->rank, x->dims), geluBody, &k);
    return cimOnnxDefineFloat(I, last, lastLoc, y, x->rank, x->dims) ? 1 : -1;
  }
  (void)loc;
  return 0;
}

/*===----------------------------------------------------------------------===*
 * Erf, Pow
 *===----------------------------------------------------------------------===*/

typedef struct Unary {
  const char *op; ///< math.erf, math.powf or arith.mulf (x * x)
  double p;       ///< math.powf's exponent
} Unary;

static MlirValue unaryBody(Importer *I, MlirBlock b, MlirLocation loc,
                           const MlirValue *args, const void *ud) {
  const Unary *k = ud;
  if (!strcmp(k->op, "arith.mulf"))
    return cimOnnxOp2(I, b, loc, k->op, args[0], args[0]);
  if (!strcmp(k->op, "math.powf"))
    return cimOnnxOp2(I, b, loc, k->op, args[0],
                      cimOnnxScalarIn(I, b, loc, k->p));
  return op1(I, b, loc, k->op, args[0]);
}

static bool unary(Importer *I, const Onnx__NodeProto *n, MlirLocation loc,
                  Value *x, const Unary *k) {
  if (x->kind == K_CONST && !x->dqInt) {
    if (x->c->dtype != DT_FLOAT && x->c->dtype != DT_DOUBLE)
      return cimOnnxFail(loc,
                         "node '%s' (%s): constant of type %s (float is "
                         "supported)",
                         cimOnnxNodeName(n), n->op_type,
                         cimOnnxDtypeName(x->c->dtype));
    Const *c = cimOnnxConstNew(x->c->dtype, x->c->rank, x->c->dims);
    for (int64_t i = 0; c && i < c->n; ++i) {
      float v = (float)x->c->v[i];
      c->v[i] = !strcmp(k->op, "math.erf") ? erff(v) : powf(v, (float)k->p);
    }
    return cimOnnxDefineConst(I, n, loc, c);
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  char m[256];
  cimOnnxIdMap(m, sizeof m, x->rank);
  const char *maps[2] = {m, m};
  MlirValue y =
      cimOnnxGenericFn(I, loc, 1, &xf, maps, x->rank, NULL,
                       cimOnnxEmptyF32(I, loc, x->rank, x->dims), unaryBody, k);
  return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
}

bool cimOnnxErf(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "input") Unary k = {"math.erf", 0};
  return unary(I, n, loc, x, &k);
}

/// Pow with one constant exponent: x * x for 2, else math.powf.
bool cimOnnxPow(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0)
  IN(y, 1) REQUIRE(x, "X") REQUIRE(
      y, "Y") if (y->kind != K_CONST || !y->c || y->dqInt ||
                  y->c->n != 1) return cimOnnxFail(loc,
                                                   "node '%s' (Pow): the "
                                                   "exponent '%s' must be a "
                                                   "constant holding one value",
                                                   cimOnnxNodeName(n), y->name);
  Unary k = {y->c->v[0] == 2.0 ? "arith.mulf" : "math.powf", y->c->v[0]};
  return unary(I, n, loc, x, &k);
}

/*===----------------------------------------------------------------------===*
 * Equal, Where, Expand: folded on constants
 *===----------------------------------------------------------------------===*/

/// Numpy broadcast of shapes a and b into (r, od); false if incompatible.
static bool bcast(int ra, const int64_t *a, int rb, const int64_t *b, int *r,
                  int64_t *od) {
  *r = ra > rb ? ra : rb;
  for (int i = 0; i < *r; ++i) {
    int ia = i - (*r - ra), ib = i - (*r - rb);
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1)
      return false;
    od[i] = da == 1 ? db : da;
  }
  return true;
}

static bool needConst(const Onnx__NodeProto *n, MlirLocation loc,
                      const Value *v, const char *why) {
  if (v->kind == K_CONST && v->c && !v->dqInt)
    return true;
  return cimOnnxFail(loc, "node '%s' (%s): input '%s' is not a constant; %s",
                     cimOnnxNodeName(n), n->op_type, v->name, why);
}

static const char SHAPE_ONLY[] =
    "it is supported on constants (shape computations, folded at import "
    "time) only";

bool cimOnnxEqual(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(a, 0)
  IN(b, 1) REQUIRE(a, "A")
      REQUIRE(b, "B") if (!needConst(n, loc, a, SHAPE_ONLY) ||
                          !needConst(n, loc, b, SHAPE_ONLY)) return false;
  int r;
  int64_t od[MAX_RANK];
  if (!bcast(a->rank, a->dims, b->rank, b->dims, &r, od))
    return cimOnnxFail(loc, "node '%s' (Equal): shapes do not broadcast",
                       cimOnnxNodeName(n));
  Const *c = cimOnnxConstNew(DT_BOOL, r, od);
  for (int64_t o = 0; c && o < c->n; ++o)
    c->v[o] = a->c->v[cimOnnxBcastIndex(a->c, r, od, o)] ==
              b->c->v[cimOnnxBcastIndex(b->c, r, od, o)];
  return cimOnnxDefineConst(I, n, loc, c);
}

bool cimOnnxWhere(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(cond, 0)
  IN(a, 1) IN(b, 2) REQUIRE(cond, "condition") REQUIRE(a, "X")
      REQUIRE(b, "Y") if (!needConst(n, loc, cond, SHAPE_ONLY) ||
                          !needConst(n, loc, a, SHAPE_ONLY) ||
                          !needConst(n, loc, b, SHAPE_ONLY)) return false;
  int r, r2;
  int64_t od[MAX_RANK], od2[MAX_RANK];
  if (!bcast(cond->rank, cond->dims, a->rank, a->dims, &r, od) ||
      !bcast(r, od, b->rank, b->dims, &r2, od2))
    return cimOnnxFail(loc, "node '%s' (Where): shapes do not broadcast",
                       cimOnnxNodeName(n));
  Const *c = cimOnnxConstNew(a->c->dtype, r2, od2);
  for (int64_t o = 0; c && o < c->n; ++o)
    c->v[o] = cond->c->v[cimOnnxBcastIndex(cond->c, r2, od2, o)] != 0
                  ? a->c->v[cimOnnxBcastIndex(a->c, r2, od2, o)]
                  : b->c->v[cimOnnxBcastIndex(b->c, r2, od2, o)];
  return cimOnnxDefineConst(I, n, loc, c);
}

/// Expand: a constant is broadcast at import time; a tensor only when the
/// shape leaves it unchanged (an alias).
bool cimOnnxExpand(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0)
  IN(s, 1) REQUIRE(x, "input")
      REQUIRE(s, "shape") if (!needConst(n, loc, s,
                                         "the shape must be constant (static "
                                         "shapes)")) return false;
  if (s->c->rank > 1 || s->c->n > MAX_RANK)
    return cimOnnxFail(loc,
                       "node '%s' (Expand): the shape must be a 1-D "
                       "constant of at most %d values",
                       cimOnnxNodeName(n), MAX_RANK);
  int64_t sd[MAX_RANK], od[MAX_RANK];
  int r;
  for (int64_t i = 0; i < s->c->n; ++i)
    sd[i] = (int64_t)s->c->v[i];
  if (!bcast(x->rank, x->dims, (int)s->c->n, sd, &r, od))
    return cimOnnxFail(loc,
                       "node '%s' (Expand): the shape does not "
                       "broadcast with the input's",
                       cimOnnxNodeName(n));
  if (x->kind == K_CONST && x->c && !x->dqInt) {
    Const *c = cimOnnxConstNew(x->c->dtype, r, od);
    for (int64_t o = 0; c && o < c->n; ++o)
      c->v[o] = x->c->v[cimOnnxBcastIndex(x->c, r, od, o)];
    return cimOnnxDefineConst(I, n, loc, c);
  }
  bool same = r == x->rank;
  for (int i = 0; same && i < r; ++i)
    same = od[i] == x->dims[i];
  if (!same)
    return cimOnnxFail(loc,
                       "node '%s' (Expand): broadcasting the "
                       "non-constant input '%s' is not supported (only "
                       "a constant, or a shape that leaves it unchanged)",
                       cimOnnxNodeName(n), x->name);
  return cimOnnxAlias(I, n, loc);
}
