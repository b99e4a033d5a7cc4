/*===-- ops_basic.c - ONNX Relu, MaxPool, Flatten, Add, Identity, Constant ===*
 *
 * The small float operators of every CNN export (docs/onnx.md,
 * "Operators"); Add's bias forms are what the front end reads as a layer's
 * bias add.
 *===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Importer.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Quant.h"
#include "mlir-c/IR.h"

bool cimOnnxDefineFloat(Importer *I, const Onnx__NodeProto *n, MlirLocation loc,
                        MlirValue y, int rank, const int64_t *dims) {
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o)
    return false;
  o->kind = K_FLOAT;
  o->dtype = DT_FLOAT;
  o->v = y;
  cimOnnxSetShape(o, rank, dims);
  return true;
}

bool cimOnnxRelu(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "X") MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  char m[256];
  cimOnnxIdMap(m, sizeof m, x->rank);
  const char *maps[2] = {m, m};
  MlirValue y = cimOnnxEmitGeneric(I, loc, 1, &xf, maps, x->rank, x->dims,
                                   B_MAX_CAPTURE, cimOnnxZeroF32(I, loc));
  if (!x->grid.scales || x->grid.n != 1)
    return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
  /* ReLU of a dequantized value (QAT exports quantize before the ReLU):
   * max(s * (q - z), 0) = s * (max(q, z) - z) is on the same grid, so the
   * result is that quantized type again, exactly; the next layer then reads
   * dcast(qcast(...)) as the quant contract asks. */
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o)
    return false;
  if (!cimOnnxQCopy(&o->q, &x->grid))
    return cimOnnxFail(loc, "out of memory");
  if (o->q.hasRange) {
    /* A clipped grid [lo, hi] becomes [max(lo, z), max(hi, z)], stored in
     * the narrowest type again (docs/onnx.md, "Narrow storage"). */
    int64_t z = o->q.zps[0];
    o->q.lo = o->q.lo > z ? o->q.lo : z;
    o->q.hi = o->q.hi > z ? o->q.hi : z;
  }
  o->kind = K_QUANT;
  o->dtype = o->q.dtype;
  cimOnnxSetShape(o, x->rank, x->dims);
  o->v = cimOnnxEmit1(
      I, "quant.qcast", loc, 1, &y,
      cimOnnxTensorOf(x->rank, x->dims, cimOnnxQuantElemType(I, &o->q)), 0,
      NULL);
  return true;
}

bool cimOnnxMaxPool(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0)
  REQUIRE(x, "X") if (x->rank != 4) return cimOnnxFail(
      loc,
      "node '%s' (MaxPool): only 2-D pooling is "
      "supported",
      cimOnnxNodeName(n));
  if (n->n_output > 1 && n->output[1] && *n->output[1])
    return cimOnnxFail(
        loc, "node '%s' (MaxPool): the Indices output is not supported",
        cimOnnxNodeName(n));
  ConvGeom g;
  if (!cimOnnxReadConvGeom(n, loc, x->dims, 0, 0, true, &g))
    return false;
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  if (mlirValueIsNull(I->negInf))
    I->negInf = cimOnnxScalarF32(I, loc, -INFINITY);
  int64_t pd[4] = {x->dims[0], x->dims[1], x->dims[2], x->dims[3]};
  if (cimOnnxAnyPad(&g))
    xf = cimOnnxEmitPad(I, loc, xf, x->dims, g.pads, I->negInf, pd);
  int64_t od[4] = {pd[0], pd[1], 0, 0};
  for (int i = 0; i < 2; ++i)
    od[2 + i] =
        (pd[2 + i] - g.dilations[i] * (g.kernel[i] - 1) - 1) / g.strides[i] + 1;
  MlirValue init = cimOnnxFillF32(I, loc, 4, od, I->negInf);
  MlirValue win = cimOnnxEmptyF32(I, loc, 2, g.kernel);
  MlirType i64t =
      cimOnnxTensorOf(1, (int64_t[]){2}, mlirIntegerTypeGet(I->ctx, 64));
  MlirNamedAttribute attrs[2] = {
      cimOnnxNA(I, "dilations",
                mlirDenseElementsAttrInt64Get(i64t, 2, g.dilations)),
      cimOnnxNA(I, "strides",
                mlirDenseElementsAttrInt64Get(i64t, 2, g.strides))};
  MlirValue ins[2] = {xf, win};
  MlirValue y = cimOnnxEmitNamed(I, "linalg.pooling_nchw_max", loc, 2, ins,
                                 init, 2, attrs);
  return cimOnnxDefineFloat(I, n, loc, y, 4, od);
}

bool cimOnnxFlatten(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "input") int64_t axis = cimOnnxAttrInt(n, "axis", 1);
  if (axis < 0)
    axis += x->rank;
  if (axis < 1 || axis >= x->rank)
    return cimOnnxFail(loc,
                       "node '%s' (Flatten): axis %lld is not supported (1 .. "
                       "rank - 1 are)",
                       cimOnnxNodeName(n),
                       (long long)cimOnnxAttrInt(n, "axis", 1));
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  int groups[MAX_RANK];
  int64_t od[2] = {1, 1};
  for (int i = 0; i < x->rank; ++i) {
    groups[i] = i < axis ? 0 : 1;
    od[groups[i]] *= x->dims[i];
  }
  if (axis == 1 && x->rank == 2)
    return cimOnnxDefineFloat(I, n, loc, xf, 2, x->dims);
  /* A leading group of one dimension stays as it is. */
  MlirValue y = cimOnnxEmitCollapse(I, loc, xf, x->rank, groups, 2, od);
  return cimOnnxDefineFloat(I, n, loc, y, 2, od);
}

/// A bias add on the last axis of `xf` = tensor.expand_shape(linalg.matmul)
/// (a 3-D x 2-D MatMul, matmulCore) goes between the two, so that the
/// front end sees a matrix-vector layer followed by its bias add: the expand
/// is moved after the add and reads it. False (nothing emitted) when `xf`
/// is not that form.
static bool biasUnderExpand(Importer *I, MlirLocation loc, MlirValue xf,
                            const float *f) {
  if (!mlirValueIsAOpResult(xf))
    return false;
  MlirOperation ex = mlirOpResultGetOwner(xf);
  MlirIdentifier nm = mlirOperationGetName(ex);
  MlirStringRef s = mlirIdentifierStr(nm);
  if (s.length != 19 || strncmp(s.data, "tensor.expand_shape", 19))
    return false;
  MlirValue src = mlirOperationGetOperand(ex, 0);
  if (!mlirValueIsAOpResult(src))
    return false;
  s = mlirIdentifierStr(mlirOperationGetName(mlirOpResultGetOwner(src)));
  MlirOpOperand u = mlirValueGetFirstUse(src);
  if (s.length != 13 || strncmp(s.data, "linalg.matmul", 13) ||
      !mlirOpOperandIsNull(mlirOpOperandGetNextUse(u)))
    return false;
  int64_t d[2] = {mlirShapedTypeGetDimSize(mlirValueGetType(src), 0),
                  mlirShapedTypeGetDimSize(mlirValueGetType(src), 1)};
  MlirValue y = cimOnnxAddChannelBias(I, loc, src, 2, d, 1, f);
  mlirOperationSetOperand(ex, 0, y);
  mlirOperationMoveAfter(ex, mlirOpResultGetOwner(y));
  return true;
}

bool cimOnnxAdd(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(a, 0)
  IN(b, 1) REQUIRE(a, "A") REQUIRE(
      b, "B") if (a->kind == K_CONST &&
                  b->kind == K_CONST) return cimOnnxBinary(I, n, loc,
                                                           0); /* folded */
  /* A constant operand that varies along one axis at most is a bias. */
  Value *x = a, *c = b;
  if (a->kind == K_CONST && b->kind != K_CONST) {
    x = b;
    c = a;
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  bool same = c->rank == x->rank;
  for (int i = 0; same && i < x->rank; ++i)
    same = c->dims[i] == x->dims[i];
  if (same && c->kind != K_CONST) {
    MlirValue cf = cimOnnxUseFloat(I, n, loc, c);
    if (mlirValueIsNull(cf))
      return false;
    MlirValue ins[2] = {xf, cf};
    MlirValue init = cimOnnxEmptyF32(I, loc, x->rank, x->dims);
    MlirValue y = cimOnnxEmitNamed(I, "linalg.add", loc, 2, ins, init, 0, NULL);
    return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
  }
  if (c->kind == K_CONST && c->c->dtype == DT_FLOAT && c->rank <= x->rank &&
      x->rank >= 1) {
    /* Right-aligned broadcast: find the one non-unit axis of c (a scalar x
       has no axis for it: the general path below). */
    int axis = -1;
    bool ok = true;
    for (int i = 0; i < c->rank; ++i) {
      int xi = x->rank - c->rank + i;
      if (c->dims[i] == 1)
        continue;
      if (c->dims[i] != x->dims[xi] || axis >= 0)
        ok = false;
      axis = xi;
    }
    if (ok) {
      if (axis < 0)
        axis = x->rank - 1;
      float *f = malloc((size_t)x->dims[axis] * sizeof(float));
      if (!f)
        return cimOnnxFail(loc, "out of memory");
      for (int64_t i = 0; i < x->dims[axis]; ++i)
        f[i] = (float)c->c->v[c->c->n == 1 ? 0 : i];
      MlirValue y =
          axis == x->rank - 1 && cimOnnxUses(I->graph, x->name) == 1 &&
                  biasUnderExpand(I, loc, xf, f)
              ? xf
              : cimOnnxAddChannelBias(I, loc, xf, x->rank, x->dims, axis, f);
      free(f);
      return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
    }
  }
  /* A constant varying along several axes; other broadcasts are refused
   * there with a diagnostic. */
  return cimOnnxBinary(I, n, loc, 0);
}

bool cimOnnxAlias(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "input") Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o)
    return false;
  /* An alias: same kind, same IR value, copies of the constant data. */
  o->dtype = x->dtype;
  cimOnnxSetShape(o, x->rank, x->dims);
  if (x->kind == K_CONST) {
    o->kind = K_CONST;
    o->c = cimOnnxConstNew(x->c->dtype, x->c->rank, x->c->dims);
    if (!o->c)
      return cimOnnxFail(loc, "out of memory");
    memcpy(o->c->v, x->c->v, (size_t)x->c->n * sizeof(double));
    o->c->hasRange = x->c->hasRange;
    o->c->lo = x->c->lo;
    o->c->hi = x->c->hi;
    if (x->dqInt) {
      o->dqInt =
          cimOnnxConstNew(x->dqInt->dtype, x->dqInt->rank, x->dqInt->dims);
      if (!o->dqInt || !cimOnnxQCopy(&o->dqq, &x->dqq))
        return cimOnnxFail(loc, "out of memory");
      memcpy(o->dqInt->v, x->dqInt->v, (size_t)x->dqInt->n * sizeof(double));
    }
    return true;
  }
  MlirValue f = cimOnnxUseFloat(I, n, loc, x);
  if (x->kind == K_QUANT) {
    o->kind = K_QUANT;
    o->v = x->v;
    o->deq = f;
    return cimOnnxQCopy(&o->q, &x->q) || cimOnnxFail(loc, "out of memory");
  }
  o->kind = x->kind;
  o->v = x->v;
  return true;
}

bool cimOnnxConstantOp(Importer *I, const Onnx__NodeProto *n,
                       MlirLocation loc) {
  const Onnx__AttributeProto *a = cimOnnxGetAttr(n, "value");
  Const *c = NULL;
  if (a && a->t) {
    if (!cimOnnxConstFromTensor(I, a->t, loc, false, &c))
      return false;
  } else if ((a = cimOnnxGetAttr(n, "value_float")) && a->has_f) {
    if (!(c = cimOnnxConstNew(DT_FLOAT, 0, NULL)))
      return cimOnnxFail(loc, "out of memory");
    c->v[0] = a->f;
  } else if ((a = cimOnnxGetAttr(n, "value_int")) && a->has_i) {
    if (!(c = cimOnnxConstNew(DT_INT64, 0, NULL)))
      return cimOnnxFail(loc, "out of memory");
    c->v[0] = (double)a->i;
  } else {
    return cimOnnxFail(loc,
                       "node '%s' (Constant): only the 'value', 'value_float' "
                       "and 'value_int' forms are supported",
                       cimOnnxNodeName(n));
  }
  return cimOnnxDefineConst(I, n, loc, c);
}
