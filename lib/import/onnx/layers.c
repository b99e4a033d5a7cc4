/*===-- layers.c - ONNX importer: matrix-vector layers ---------------------===*
 *
 * The convolution and matmul cores shared by the float, QDQ and QOperator
 * forms, weights (transposed, re-centred, BatchNormalization folded), and
 * the float Conv / MatMul / Gemm operators (docs/onnx.md, "Operators").
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

/*===----------------------------------------------------------------------===*
 * Layer cores shared by the float, QDQ and QOperator forms
 *===----------------------------------------------------------------------===*/

/// Adds a per-channel bias `b[dims[axis]]` to `x` (rank `rank`).
MlirValue cimOnnxAddChannelBias(Importer *I, MlirLocation loc, MlirValue x,
                                int rank, const int64_t *dims, int axis,
                                const float *b) {
  MlirValue bc = cimOnnxConstF32(I, loc, 1, &dims[axis], b, dims[axis]);
  char m0[256], m1[256];
  cimOnnxIdMap(m0, sizeof m0, rank);
  cimOnnxMapText(m1, sizeof m1, rank, &axis, 1);
  const char *maps[3] = {m0, m1, m0};
  MlirValue ins[2] = {x, bc};
  return cimOnnxEmitGeneric(I, loc, 2, ins, maps, rank, dims, B_ADD,
                            (MlirValue){NULL});
}

/// Attribute `name` of `count` integers into out[0..count), when present;
/// fails when it has another number of values.
static bool readGeomInts(const Onnx__NodeProto *n, MlirLocation loc,
                         const char *name, int count, int64_t *out) {
  int64_t tmp[8];
  int k = cimOnnxAttrInts(n, name, tmp, 8);
  if (k < 0)
    return true;
  if (k != count)
    return cimOnnxFail(loc, "node '%s' (%s): %s must have %d values",
                       cimOnnxNodeName(n), n->op_type, name, count);
  for (int i = 0; i < count; ++i)
    out[i] = tmp[i];
  return true;
}

/// Reads and checks Conv-like attributes for data `x` [N,C,H,W] and a kernel
/// of spatial size kh x kw.
bool cimOnnxReadConvGeom(const Onnx__NodeProto *n, MlirLocation loc,
                         const int64_t *xd, int64_t kh, int64_t kw, bool isPool,
                         ConvGeom *g) {
  for (int i = 0; i < 4; ++i)
    g->pads[i] = 0;
  g->strides[0] = g->strides[1] = 1;
  g->dilations[0] = g->dilations[1] = 1;
  g->kernel[0] = kh;
  g->kernel[1] = kw;
  g->group = cimOnnxAttrInt(n, "group", 1);
  const Onnx__AttributeProto *ap = cimOnnxGetAttr(n, "auto_pad");
  if (ap && ap->has_s &&
      !(ap->s.len == 6 && !memcmp(ap->s.data, "NOTSET", 6)) &&
      !(ap->s.len == 5 && !memcmp(ap->s.data, "VALID", 5)))
    return cimOnnxFail(loc,
                       "node '%s' (%s): auto_pad '%.*s' is not supported (give "
                       "explicit pads)",
                       cimOnnxNodeName(n), n->op_type, (int)ap->s.len,
                       (const char *)ap->s.data);
  int64_t tmp[8];
  int k = cimOnnxAttrInts(n, "kernel_shape", tmp, 8);
  if (k >= 0 && (k != 2 || (!isPool && (tmp[0] != kh || tmp[1] != kw))))
    return cimOnnxFail(
        loc,
        "node '%s' (%s): kernel_shape does not match a 2-D kernel "
        "of %lldx%lld",
        cimOnnxNodeName(n), n->op_type, (long long)kh, (long long)kw);
  if (isPool) {
    if (k != 2)
      return cimOnnxFail(loc, "node '%s' (%s): needs a 2-D kernel_shape",
                         cimOnnxNodeName(n), n->op_type);
    g->kernel[0] = tmp[0];
    g->kernel[1] = tmp[1];
  }
  /* pads: top, left, bottom, right. */
  if (!readGeomInts(n, loc, "pads", 4, g->pads) ||
      !readGeomInts(n, loc, "strides", 2, g->strides) ||
      !readGeomInts(n, loc, "dilations", 2, g->dilations))
    return false;
  if (isPool && cimOnnxAttrInt(n, "ceil_mode", 0) != 0)
    return cimOnnxFail(loc, "node '%s' (%s): ceil_mode = 1 is not supported",
                       cimOnnxNodeName(n), n->op_type);
  for (int i = 0; i < 4; ++i)
    if (g->pads[i] < 0)
      return cimOnnxFail(loc, "node '%s' (%s): negative pads",
                         cimOnnxNodeName(n), n->op_type);
  for (int i = 0; i < 2; ++i)
    if (g->strides[i] < 1 || g->dilations[i] < 1)
      return cimOnnxFail(loc,
                         "node '%s' (%s): strides and dilations must be >= 1",
                         cimOnnxNodeName(n), n->op_type);
  for (int i = 0; i < 2; ++i) {
    int64_t span = g->dilations[i] * (g->kernel[i] - 1) + 1;
    if (xd[2 + i] + g->pads[i] + g->pads[i + 2] < span)
      return cimOnnxFail(loc,
                         "node '%s' (%s): the kernel is larger than the padded "
                         "input",
                         cimOnnxNodeName(n), n->op_type);
  }
  (void)xd;
  return true;
}

bool cimOnnxAnyPad(const ConvGeom *g) {
  return g->pads[0] || g->pads[1] || g->pads[2] || g->pads[3];
}

/// conv_2d_nchw_fchw of f32 `x` [N,C,H,W] and `w` [F,C,KH,KW], optional
/// bias[F]; zero padding as a tensor.pad between the operand's dcast and the
/// convolution (where the quant contract looks for it).
/// tensor.pad of the last two dimensions of `x` (rank `rank`) by `pads` =
/// [top, left, bottom, right] with 0.
static MlirValue padLast2(Importer *I, MlirLocation loc, MlirValue x, int rank,
                          const int64_t *dims, const int64_t *pads,
                          int64_t *outDims) {
  int64_t lo[MAX_RANK] = {0}, hi[MAX_RANK] = {0};
  lo[rank - 2] = pads[0];
  lo[rank - 1] = pads[1];
  hi[rank - 2] = pads[2];
  hi[rank - 1] = pads[3];
  MlirType idx[MAX_RANK];
  MlirLocation locs[MAX_RANK];
  for (int i = 0; i < rank; ++i) {
    outDims[i] = dims[i] + lo[i] + hi[i];
    idx[i] = mlirIndexTypeGet(I->ctx);
    locs[i] = loc;
  }
  MlirBlock b = mlirBlockCreate(rank, idx, locs);
  MlirValue zero = cimOnnxZeroF32(I, loc);
  cimOnnxEmitIn(I, b, "tensor.yield", loc, 1, &zero, 0, NULL, 0, NULL, NULL);
  MlirRegion r = mlirRegionCreate();
  mlirRegionAppendOwnedBlock(r, b);
  int32_t seg[3] = {1, 0, 0};
  MlirNamedAttribute attrs[3] = {
      cimOnnxNA(I, "static_low", mlirDenseI64ArrayGet(I->ctx, rank, lo)),
      cimOnnxNA(I, "static_high", mlirDenseI64ArrayGet(I->ctx, rank, hi)),
      cimOnnxNA(I, "operandSegmentSizes",
                mlirDenseI32ArrayGet(I->ctx, 3, seg))};
  MlirType t = cimOnnxF32Tensor(I, rank, outDims);
  return mlirOperationGetResult(
      cimOnnxEmitIn(I, I->block, "tensor.pad", loc, 1, &x, 1, &t, 3, attrs, &r),
      0);
}

/// The conv weight `w` (value `wf`, shape `wd`) in the shape `nd`: a
/// constant weight is materialized in that shape (the quant contract wants
/// the layer's weight to be dcast(qcast(constant)) or a constant), with the
/// parameters `wq` (QOperator) or those of its DequantizeLinear; otherwise
/// (per-axis parameters along a split axis, runtime weights) the value is
/// reshaped.
static MlirValue reshapedWeight(Importer *I, MlirLocation loc, const Value *w,
                                const QParams *wq, MlirValue wf,
                                const int64_t *wd, int rank,
                                const int64_t *nd) {
  const Const *src =
      w && w->kind == K_CONST ? (w->dqInt ? w->dqInt : w->c) : NULL;
  const QParams *q = !w ? NULL : wq ? wq : w->dqInt ? &w->dqq : NULL;
  bool perAxisOk = !q || q->n == 1 || nd[0] == wd[0];
  if (!src || !perAxisOk || (!q && src->dtype != DT_FLOAT) || src->rank != 4)
    return cimOnnxReshape(I, loc, wf, 4, wd, rank, nd);
  if (!q && src->f) /* f32 already: the same elements in the new shape */
    return cimOnnxConstF32(I, loc, rank, nd, src->f, src->n);
  Const *c = cimOnnxConstNew(src->dtype, rank, nd);
  if (!c)
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  for (int64_t i = 0; i < src->n; ++i)
    c->v[i] = cimOnnxConstAt(src, i);
  MlirValue r;
  if (q) {
    r = cimOnnxMaterializeDq(I, loc, c, q);
  } else {
    float *f = malloc((size_t)(c->n + 1) * sizeof(float));
    for (int64_t i = 0; f && i < c->n; ++i)
      f[i] = (float)c->v[i];
    r = f ? cimOnnxConstF32(I, loc, rank, nd, f, c->n)
          : (cimOnnxFail(loc, "out of memory"), (MlirValue){NULL});
    free(f);
  }
  cimOnnxConstFree(c);
  return r;
}

MlirValue cimOnnxConvCore(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, MlirValue x, const int64_t *xd,
                          MlirValue w, const int64_t *wd, const float *bias,
                          int64_t *od, const Value *wv, const QParams *wq) {
  ConvGeom g;
  if (!cimOnnxReadConvGeom(n, loc, xd, wd[2], wd[3], false, &g))
    return (MlirValue){NULL};
  int64_t G = g.group;
  if (G < 1 || xd[1] % G || wd[0] % G || wd[1] * G != xd[1])
    return cimOnnxFail(loc,
                       "node '%s' (%s): the weight has %lld input channels "
                       "per group and %lld filters, the input %lld channels, "
                       "group = %lld",
                       cimOnnxNodeName(n), n->op_type, (long long)wd[1],
                       (long long)wd[0], (long long)xd[1], (long long)G),
           (MlirValue){NULL};
  int64_t pd[4] = {xd[0], xd[1], xd[2] + g.pads[0] + g.pads[2],
                   xd[3] + g.pads[1] + g.pads[3]};
  if (cimOnnxAnyPad(&g) && G == 1)
    x = cimOnnxEmitPad(I, loc, x, xd, g.pads, cimOnnxZeroF32(I, loc), pd);
  od[0] = xd[0];
  od[1] = wd[0];
  for (int i = 0; i < 2; ++i)
    od[2 + i] =
        (pd[2 + i] - g.dilations[i] * (wd[2 + i] - 1) - 1) / g.strides[i] + 1;
  MlirType i64t =
      cimOnnxTensorOf(1, (int64_t[]){2}, mlirIntegerTypeGet(I->ctx, 64));
  MlirNamedAttribute attrs[2] = {
      cimOnnxNA(I, "dilations",
                mlirDenseElementsAttrInt64Get(i64t, 2, g.dilations)),
      cimOnnxNA(I, "strides",
                mlirDenseElementsAttrInt64Get(i64t, 2, g.strides))};
  MlirValue y;
  if (G == 1) {
    MlirValue init = cimOnnxFillF32(I, loc, 4, od, cimOnnxZeroF32(I, loc));
    MlirValue ins[2] = {x, w};
    y = cimOnnxEmitNamed(I, "linalg.conv_2d_nchw_fchw", loc, 2, ins, init, 2,
                         attrs);
  } else if (wd[0] == G && wd[1] == 1) {
    /* Depthwise (one filter per channel): the weight [C, 1, R, S] as
     * [C, R, S]. */
    int64_t w3[3] = {wd[0], wd[2], wd[3]}, padded[4];
    if (cimOnnxAnyPad(&g))
      x = padLast2(I, loc, x, 4, xd, g.pads, padded);
    MlirValue init = cimOnnxFillF32(I, loc, 4, od, cimOnnxZeroF32(I, loc));
    MlirValue ins[2] = {x, reshapedWeight(I, loc, wv, wq, w, wd, 3, w3)};
    y = cimOnnxEmitNamed(I, "linalg.depthwise_conv_2d_nchw_chw", loc, 2, ins,
                         init, 2, attrs);
  } else {
    /* Grouped: x [N, G, C/G, H, W], w [G, F/G, C/G, R, S], the result
     * [N, G, F/G, P, Q] collapsed back to [N, F, P, Q]. */
    int64_t x5[5] = {xd[0], G, xd[1] / G, xd[2], xd[3]}, p5[5];
    int64_t w5[5] = {G, wd[0] / G, wd[1], wd[2], wd[3]};
    int64_t o5[5] = {od[0], G, od[1] / G, od[2], od[3]};
    /* The padding goes after the expand, in front of the convolution. */
    MlirValue x5v = cimOnnxReshape(I, loc, x, 4, xd, 5, x5);
    if (cimOnnxAnyPad(&g))
      x5v = padLast2(I, loc, x5v, 5, x5, g.pads, p5);
    MlirValue init = cimOnnxFillF32(I, loc, 5, o5, cimOnnxZeroF32(I, loc));
    MlirValue ins[2] = {x5v, reshapedWeight(I, loc, wv, wq, w, wd, 5, w5)};
    y = cimOnnxEmitNamed(I, "linalg.conv_2d_ngchw_gfchw", loc, 2, ins, init, 2,
                         attrs);
    y = cimOnnxReshape(I, loc, y, 5, o5, 4, od);
  }
  if (bias)
    y = cimOnnxAddChannelBias(I, loc, y, 4, od, 1, bias);
  return y;
}

/// matmul of f32 `a` [M,K] / [B,M,K] and `b` [K,N] / [B,K,N].
MlirValue cimOnnxMatmulCore(Importer *I, const Onnx__NodeProto *n,
                            MlirLocation loc, MlirValue a, int ra,
                            const int64_t *ad, MlirValue b, int rb,
                            const int64_t *bd, int *ro, int64_t *od) {
  if (!((ra == 2 && rb == 2) || (ra == 3 && rb == 3 && ad[0] == bd[0]) ||
        (ra == 3 && rb == 2)))
    return cimOnnxFail(loc,
                       "node '%s' (%s): operands of rank %d and %d are not "
                       "supported (2x2, 3x3 with one batch, 3x2 are)",
                       cimOnnxNodeName(n), n->op_type, ra, rb),
           (MlirValue){NULL};
  if (ad[ra - 1] != bd[rb - 2])
    return cimOnnxFail(loc,
                       "node '%s' (%s): inner dimensions %lld and %lld differ",
                       cimOnnxNodeName(n), n->op_type, (long long)ad[ra - 1],
                       (long long)bd[rb - 2]),
           (MlirValue){NULL};
  if (ra == 3 && rb == 2) {
    /* [B, M, K] x [K, N]: collapse to [B*M, K], matmul, expand back. */
    int groups[3] = {0, 0, 1};
    int64_t cd[2] = {ad[0] * ad[1], ad[2]};
    MlirValue a2 = cimOnnxEmitCollapse(I, loc, a, 3, groups, 2, cd);
    int64_t md[2] = {cd[0], bd[1]};
    MlirValue init = cimOnnxFillF32(I, loc, 2, md, cimOnnxZeroF32(I, loc));
    MlirValue ins[2] = {a2, b};
    MlirValue y =
        cimOnnxEmitNamed(I, "linalg.matmul", loc, 2, ins, init, 0, NULL);
    od[0] = ad[0];
    od[1] = ad[1];
    od[2] = bd[1];
    *ro = 3;
    MlirType i64 = mlirIntegerTypeGet(I->ctx, 64);
    MlirAttribute g0[2] = {mlirIntegerAttrGet(i64, 0),
                           mlirIntegerAttrGet(i64, 1)};
    MlirAttribute g1[1] = {mlirIntegerAttrGet(i64, 2)};
    MlirAttribute groupsA[2] = {mlirArrayAttrGet(I->ctx, 2, g0),
                                mlirArrayAttrGet(I->ctx, 1, g1)};
    MlirNamedAttribute attrs[2] = {
        cimOnnxNA(I, "reassociation", mlirArrayAttrGet(I->ctx, 2, groupsA)),
        cimOnnxNA(I, "static_output_shape",
                  mlirDenseI64ArrayGet(I->ctx, 3, od))};
    return cimOnnxEmit1(I, "tensor.expand_shape", loc, 1, &y,
                        cimOnnxF32Tensor(I, 3, od), 2, attrs);
  }
  *ro = ra;
  for (int i = 0; i < ra - 1; ++i)
    od[i] = ad[i];
  od[ra - 1] = bd[rb - 1];
  MlirValue init = cimOnnxFillF32(I, loc, ra, od, cimOnnxZeroF32(I, loc));
  MlirValue ins[2] = {a, b};
  return cimOnnxEmitNamed(I, ra == 2 ? "linalg.matmul" : "linalg.batch_matmul",
                          loc, 2, ins, init, 0, NULL);
}

/// Transposes a rank-2 constant.
static Const *transpose2(const Const *c) {
  int64_t d[2] = {c->dims[1], c->dims[0]};
  Const *t = cimOnnxConstNew(c->dtype, 2, d);
  if (!t)
    return NULL;
  for (int64_t i = 0; i < c->dims[0]; ++i)
    for (int64_t j = 0; j < c->dims[1]; ++j)
      t->v[j * c->dims[0] + i] = c->v[i * c->dims[1] + j];
  return t;
}

/// The transposed dense attribute of the rank-2 layer weight `w` held as
/// f32. When this is its last use, its data is freed before the attribute
/// copies the transposed buffer, so that the largest weight (VGG-16's
/// first classifier layer: 411 MB) is held twice at most, never three
/// times (docs/onnx.md, "Memory").
static MlirValue transposedF32(Importer *I, MlirLocation loc, Value *w) {
  Const *c = w->c;
  int64_t R = c->dims[0], C = c->dims[1], d[2] = {C, R};
  float *t = cimOnnxBufAlloc((size_t)(c->n ? c->n : 1) * sizeof(float));
  if (!t)
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  /* In tiles, so that both sides stay in the cache. */
  enum { TILE = 64 };
  for (int64_t i0 = 0; i0 < R; i0 += TILE)
    for (int64_t j0 = 0; j0 < C; j0 += TILE) {
      int64_t i1 = i0 + TILE < R ? i0 + TILE : R;
      int64_t j1 = j0 + TILE < C ? j0 + TILE : C;
      for (int64_t i = i0; i < i1; ++i)
        for (int64_t j = j0; j < j1; ++j)
          t[j * R + i] = c->f[i * C + j];
    }
  if (w->weightUses == 1) {
    cimOnnxBufFree(c->f);
    c->f = NULL;
    w->weightUses = 0;
  }
  MlirValue r = cimOnnxConstF32(I, loc, 2, d, t, c->n);
  cimOnnxBufFree(t);
  return r;
}

/// The f32 weight of a Gemm/MatMul, transposed at import time when asked.
static MlirValue useWeight(Importer *I, const Onnx__NodeProto *n,
                           MlirLocation loc, Value *w, bool transpose,
                           int64_t *wd) {
  wd[0] = w->dims[0];
  wd[1] = w->dims[1];
  if (!transpose)
    return cimOnnxUseFloat(I, n, loc, w);
  if (w->rank != 2 || w->kind != K_CONST)
    return cimOnnxFail(loc, "node '%s' (%s): transB = 1 needs a constant 2-D B",
                       cimOnnxNodeName(n), n->op_type),
           (MlirValue){NULL};
  wd[0] = w->dims[1];
  wd[1] = w->dims[0];
  if (w->dqInt) {
    Const *t = transpose2(w->dqInt);
    QParams q;
    if (!t || !cimOnnxQCopy(&q, &w->dqq)) {
      cimOnnxConstFree(t);
      return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
    }
    q.axis = 1 - q.axis;
    MlirValue r = cimOnnxMaterializeDq(I, loc, t, &q);
    cimOnnxConstFree(t);
    cimOnnxQFree(&q);
    return r;
  }
  if (w->c->dtype != DT_FLOAT)
    return cimOnnxFail(loc, "node '%s' (%s): B must be float",
                       cimOnnxNodeName(n), n->op_type),
           (MlirValue){NULL};
  if (w->c->f)
    return transposedF32(I, loc, w);
  Const *t = transpose2(w->c);
  if (!t)
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  float *f = malloc((size_t)(t->n ? t->n : 1) * sizeof(float));
  if (!f) {
    cimOnnxConstFree(t);
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  }
  for (int64_t i = 0; i < t->n; ++i)
    f[i] = (float)t->v[i];
  MlirValue r = cimOnnxConstF32(I, loc, 2, t->dims, f, t->n);
  free(f);
  cimOnnxConstFree(t);
  return r;
}

/// A bias constant of `nOut` channels: shape [nOut], [1, nOut] or a scalar.
float *cimOnnxBiasVector(const Onnx__NodeProto *n, MlirLocation loc,
                         const Value *b, int64_t nOut, double scale,
                         const double *perChannelScale) {
  if (!b->c) {
    cimOnnxFail(loc, "node '%s' (%s): the bias '%s' must be a constant",
                cimOnnxNodeName(n), n->op_type, b->name);
    return NULL;
  }
  if (b->c->n != nOut && b->c->n != 1) {
    cimOnnxFail(loc, "node '%s' (%s): the bias has %lld elements, not %lld",
                cimOnnxNodeName(n), n->op_type, (long long)b->c->n,
                (long long)nOut);
    return NULL;
  }
  float *f = malloc((size_t)nOut * sizeof(float));
  if (!f) {
    cimOnnxFail(loc, "out of memory");
    return NULL;
  }
  for (int64_t i = 0; i < nOut; ++i) {
    double v = b->c->v[b->c->n == 1 ? 0 : i];
    double s = perChannelScale ? perChannelScale[i] * scale : scale;
    f[i] = (float)(v * s);
  }
  return f;
}

/// The Conv weight and bias with the BatchNormalization that follows the
/// Conv folded in (planBatchNormFolds): w' = w * s[f], b' = b * s[f] + t[f].
/// False without a diagnostic when it does not apply (non-constant or
/// quantized weights); then the BatchNormalization is imported on its own.
static bool foldBatchNorm(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, const Value *w, const Value *b,
                          MlirValue *wf, float **bias, bool *failed) {
  long j = I->bnOf ? I->bnOf[I->nodeIndex] : -1;
  if (j < 0 || w->kind != K_CONST || w->dqInt || w->c->dtype != DT_FLOAT ||
      (b && (!b->c || b->c->n != w->dims[0])))
    return false;
  const Onnx__NodeProto *bn = I->graph->node[j];
  Value *in[4];
  for (int k = 0; k < 4; ++k)
    if (!(in[k] = cimOnnxLookup(I, bn->input[k + 1])) || !in[k]->c)
      return false;
  int64_t F = w->dims[0], per = w->c->n / (F ? F : 1);
  double *st = malloc((size_t)(2 * F + 1) * sizeof(double));
  float *f = malloc((size_t)(w->c->n + 1) * sizeof(float));
  *bias = malloc((size_t)(F + 1) * sizeof(float));
  if (!st || !f || !*bias ||
      !cimOnnxBatchNormParams(bn, loc, in, F, st, st + F)) {
    *failed = true;
    if (!st || !f || !*bias)
      cimOnnxFail(loc, "out of memory");
    free(st);
    free(f);
    free(*bias);
    *bias = NULL;
    return true;
  }
  for (int64_t i = 0; i < w->c->n; ++i)
    f[i] = (float)(cimOnnxConstAt(w->c, i) * st[i / per]);
  for (int64_t o = 0; o < F; ++o)
    (*bias)[o] = (float)((b ? b->c->v[o] : 0.0) * st[o] + st[F + o]);
  *wf = cimOnnxConstF32(I, loc, 4, w->dims, f, w->c->n);
  free(st);
  free(f);
  return true;
}

bool cimOnnxConv(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0)
  IN(w, 1) IN(b, 2) REQUIRE(x, "X")
      REQUIRE(w, "W") if (x->rank != 4 || w->rank != 4) return cimOnnxFail(
          loc,
          "node '%s' (Conv): only 2-D convolutions (rank-4 "
          "X and W) are supported",
          cimOnnxNodeName(n));
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x), wf = {NULL};
  if (mlirValueIsNull(xf))
    return false;
  float *bias = NULL;
  bool failed = false;
  bool folded = foldBatchNorm(I, n, loc, w, b, &wf, &bias, &failed);
  if (failed)
    return false;
  if (!folded) {
    if (mlirValueIsNull(wf = cimOnnxUseFloat(I, n, loc, w)))
      return false;
    if (b && !(bias = cimOnnxBiasVector(n, loc, b, w->dims[0], 1.0, NULL)))
      return false;
  }
  int64_t od[4];
  MlirValue y = cimOnnxConvCore(I, n, loc, xf, x->dims, wf, w->dims, bias, od,
                                folded ? NULL : w, NULL);
  free(bias);
  if (!cimOnnxDefineOutput(I, n, loc, y, DT_FLOAT, 4, od))
    return false;
  cimOnnxLookup(I, n->output[0])->bnFolded = folded;
  return true;
}

bool cimOnnxMatMul(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(a, 0)
  IN(b, 1) REQUIRE(a, "A") REQUIRE(b, "B")
      MlirValue af = cimOnnxUseFloat(I, n, loc, a),
                bf;
  if (mlirValueIsNull(af) ||
      mlirValueIsNull(bf = cimOnnxUseFloat(I, n, loc, b)))
    return false;
  int64_t od[MAX_RANK];
  int ro;
  MlirValue y = cimOnnxMatmulCore(I, n, loc, af, a->rank, a->dims, bf, b->rank,
                                  b->dims, &ro, od);
  return cimOnnxDefineOutput(I, n, loc, y, DT_FLOAT, ro, od);
}

bool cimOnnxGemm(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(a, 0)
  IN(b, 1) IN(c, 2) REQUIRE(a, "A")
      REQUIRE(b, "B") if (a->rank != 2 || b->rank != 2) return cimOnnxFail(
          loc, "node '%s' (Gemm): A and B must be 2-D", cimOnnxNodeName(n));
  if (cimOnnxAttrInt(n, "transA", 0) != 0)
    return cimOnnxFail(loc, "node '%s' (Gemm): transA = 1 is not supported",
                       cimOnnxNodeName(n));
  if (cimOnnxAttrFloat(n, "alpha", 1.0) != 1.0 ||
      (c && cimOnnxAttrFloat(n, "beta", 1.0) != 1.0))
    return cimOnnxFail(loc,
                       "node '%s' (Gemm): alpha and beta other than 1 are not "
                       "supported",
                       cimOnnxNodeName(n));
  MlirValue af = cimOnnxUseFloat(I, n, loc, a);
  if (mlirValueIsNull(af))
    return false;
  int64_t wd[2];
  MlirValue bf =
      useWeight(I, n, loc, b, cimOnnxAttrInt(n, "transB", 0) != 0, wd);
  if (mlirValueIsNull(bf))
    return false;
  int64_t od[2];
  int ro;
  MlirValue y =
      cimOnnxMatmulCore(I, n, loc, af, 2, a->dims, bf, 2, wd, &ro, od);
  if (mlirValueIsNull(y))
    return false;
  if (c) {
    float *bias = cimOnnxBiasVector(n, loc, c, od[1], 1.0, NULL);
    if (!bias)
      return false;
    y = cimOnnxAddChannelBias(I, loc, y, 2, od, 1, bias);
    free(bias);
  }
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o)
    return false;
  o->kind = K_FLOAT;
  o->dtype = DT_FLOAT;
  o->v = y;
  cimOnnxSetShape(o, 2, od);
  return true;
}
