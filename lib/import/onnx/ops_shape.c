/*===-- ops_shape.c - ONNX data-movement operators ------------------------===*
 *
 * Reshape, Unsqueeze, Squeeze, Transpose, Concat, Gather, Slice, Shape,
 * ConstantOfShape, Cast and Dropout (docs/onnx.md, "Operators").
 *
 * All shapes are static, so an operator whose inputs are constants is folded
 * at import time: that is what turns the `Shape -> Gather -> Unsqueeze ->
 * Concat -> Reshape` chains of `x.view(x.size(0), -1)` exports into one
 * constant shape. On tensors they become the shape-only ops the rest of the
 * pipeline moves through (lib/ir/FrontEndMatch.h cimIsShapeOnlyOp):
 * tensor.collapse_shape / expand_shape, linalg.transpose,
 * tensor.extract_slice; Concat is tensor.concat.
 *===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Importer.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

/*===----------------------------------------------------------------------===*
 * Helpers
 *===----------------------------------------------------------------------===*/

/// Defines output 0 of `n` as the constant `c` (taking it).
bool cimOnnxDefineConst(Importer *I, const Onnx__NodeProto *n, MlirLocation loc,
                        Const *c) {
  if (!c)
    return cimOnnxFail(loc, "out of memory");
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o) {
    cimOnnxConstFree(c);
    return false;
  }
  o->kind = K_CONST;
  o->dtype = c->dtype;
  o->c = c;
  cimOnnxSetShape(o, c->rank, c->dims);
  return true;
}

static int64_t numel(int rank, const int64_t *dims) {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i)
    n *= dims[i];
  return n;
}

/// Groups the dimensions of `src` into those of the coarser `dst`
/// (groupOf[i] = the dst dimension of src dimension i); false when `dst` is
/// not a grouping of consecutive `src` dimensions.
static bool groupDims(int srcRank, const int64_t *src, int dstRank,
                      const int64_t *dst, int *groupOf) {
  int i = 0;
  for (int j = 0; j < dstRank; ++j) {
    int64_t p = 1;
    do {
      if (i >= srcRank)
        return false;
      p *= src[i];
      groupOf[i++] = j;
    } while (p < dst[j] && p != 0);
    if (p != dst[j])
      return false;
  }
  for (; i < srcRank; ++i) {
    if (src[i] != 1 || dstRank == 0)
      return false;
    groupOf[i] = dstRank - 1;
  }
  return true;
}

static MlirAttribute reassociation(Importer *I, int rank, const int *groupOf,
                                   int groups) {
  MlirAttribute g[MAX_RANK];
  MlirType i64 = mlirIntegerTypeGet(I->ctx, 64);
  for (int k = 0; k < groups; ++k) {
    MlirAttribute members[MAX_RANK];
    int m = 0;
    for (int i = 0; i < rank; ++i)
      if (groupOf[i] == k)
        members[m++] = mlirIntegerAttrGet(i64, i);
    g[k] = mlirArrayAttrGet(I->ctx, m, members);
  }
  return mlirArrayAttrGet(I->ctx, groups, g);
}

/// tensor.expand_shape of `x` (rank `rank`) to `outDims`, groups `groupOf`
/// over the output dimensions.
static MlirValue emitExpand(Importer *I, MlirLocation loc, MlirValue x,
                            int rank, int outRank, const int64_t *outDims,
                            const int *groupOf) {
  MlirNamedAttribute attrs[2] = {
      cimOnnxNA(I, "reassociation", reassociation(I, outRank, groupOf, rank)),
      cimOnnxNA(I, "static_output_shape",
                mlirDenseI64ArrayGet(I->ctx, outRank, outDims))};
  return cimOnnxEmit1(I, "tensor.expand_shape", loc, 1, &x,
                      cimOnnxF32Tensor(I, outRank, outDims), 2, attrs);
}

MlirValue cimOnnxReshape(Importer *I, MlirLocation loc, MlirValue x, int rank,
                         const int64_t *dims, int outRank,
                         const int64_t *outDims) {
  int groupOf[MAX_RANK];
  bool same = rank == outRank;
  for (int i = 0; same && i < rank; ++i)
    same = dims[i] == outDims[i];
  if (same)
    return x;
  if (rank == 0 || outRank == 0) { /* one element: no groups at all */
    MlirNamedAttribute a[2] = {
        cimOnnxNA(I, "reassociation", mlirArrayAttrGet(I->ctx, 0, NULL)),
        cimOnnxNA(I, "static_output_shape",
                  mlirDenseI64ArrayGet(I->ctx, outRank, outDims))};
    return cimOnnxEmit1(I, rank ? "tensor.collapse_shape" : "tensor.expand_shape",
                        loc, 1, &x, cimOnnxF32Tensor(I, outRank, outDims),
                        rank ? 1 : 2, a);
  }
  if (outRank < rank && groupDims(rank, dims, outRank, outDims, groupOf))
    return cimOnnxEmitCollapse(I, loc, x, rank, groupOf, outRank, outDims);
  if (outRank > rank && groupDims(outRank, outDims, rank, dims, groupOf))
    return emitExpand(I, loc, x, rank, outRank, outDims, groupOf);
  /* Neither a collapse nor an expand: through one dimension. */
  int64_t n = numel(rank, dims);
  int zeros[MAX_RANK] = {0};
  MlirValue flat = rank == 1 ? x
                             : cimOnnxEmitCollapse(I, loc, x, rank, zeros, 1, &n);
  return outRank == 1 ? flat
                      : emitExpand(I, loc, flat, 1, outRank, outDims, zeros);
}

/// Reads an int64 constant input (a shape, axes, starts, ...) into out[];
/// returns its length or -1 after a diagnostic.
static int constInts(const Onnx__NodeProto *n, MlirLocation loc, const Value *v,
                     const char *what, int64_t *out, int cap) {
  if (!v || !v->c)
    return cimOnnxFail(loc, "node '%s' (%s): %s must be a constant (all "
                            "shapes are static: a Shape chain folds to one)",
                       cimOnnxNodeName(n), n->op_type, what),
           -1;
  if (v->c->n > cap)
    return cimOnnxFail(loc, "node '%s' (%s): %s has %lld values, at most %d "
                            "are supported",
                       cimOnnxNodeName(n), n->op_type, what,
                       (long long)v->c->n, cap),
           -1;
  for (int64_t i = 0; i < v->c->n; ++i) {
    /* Shapes and axes are int64 in ONNX; a constant of another type must
     * still hold integers an int64 holds (the cast of -2e38 was undefined:
     * onnx_import fuzz target). */
    double d = v->c->v[i];
    if (!(d >= -0x1p63 && d < 0x1p63) || d != floor(d))
      return cimOnnxFail(loc, "node '%s' (%s): %s must hold 64-bit integers",
                         cimOnnxNodeName(n), n->op_type, what),
             -1;
    out[i] = (int64_t)d;
  }
  return (int)v->c->n;
}

/// Axes from attribute `axes` (older opsets) or input 1 (newer ones).
static int readAxes(Importer *I, const Onnx__NodeProto *n, MlirLocation loc,
                    int rank, int64_t *axes, bool *bad) {
  int k = cimOnnxAttrInts(n, "axes", axes, MAX_RANK);
  if (k < 0 && n->n_input > 1 && n->input[1] && *n->input[1]) {
    Value *a = cimOnnxInput(I, n, 1, loc, bad);
    if (*bad)
      return -1;
    k = constInts(n, loc, a, "axes", axes, MAX_RANK);
    if (k < 0) {
      *bad = true;
      return -1;
    }
  }
  for (int i = 0; i < k; ++i) {
    if (axes[i] < 0)
      axes[i] += rank;
    if (axes[i] < 0 || axes[i] >= rank) {
      *bad = true;
      cimOnnxFail(loc, "node '%s' (%s): axis out of range for rank %d",
                  cimOnnxNodeName(n), n->op_type, rank);
      return -1;
    }
  }
  return k;
}

/// Output 0 of `n` is `x` (value `xv`) with new dimensions; constants are
/// refolded, tensors reshaped.
static bool defineReshaped(Importer *I, const Onnx__NodeProto *n,
                           MlirLocation loc, Value *x, int outRank,
                           const int64_t *outDims) {
  if (outRank > MAX_RANK)
    return cimOnnxFail(loc, "node '%s' (%s): rank %d is above %d",
                       cimOnnxNodeName(n), n->op_type, outRank, MAX_RANK);
  if (numel(outRank, outDims) != numel(x->rank, x->dims))
    return cimOnnxFail(loc, "node '%s' (%s): cannot reshape %lld elements "
                            "into %lld",
                       cimOnnxNodeName(n), n->op_type,
                       (long long)numel(x->rank, x->dims),
                       (long long)numel(outRank, outDims));
  if (x->kind == K_CONST && !x->dqInt) {
    Const *c = cimOnnxConstNew(x->c->dtype, outRank, outDims);
    if (c)
      memcpy(c->v, x->c->v, (size_t)x->c->n * sizeof(double));
    return cimOnnxDefineConst(I, n, loc, c);
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  MlirValue y = cimOnnxReshape(I, loc, xf, x->rank, x->dims, outRank, outDims);
  return cimOnnxDefineFloat(I, n, loc, y, outRank, outDims);
}

/*===----------------------------------------------------------------------===*
 * Reshape, Unsqueeze, Squeeze
 *===----------------------------------------------------------------------===*/

bool cimOnnxReshapeOp(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) IN(s, 1) REQUIRE(x, "data") REQUIRE(s, "shape")
  int64_t d[MAX_RANK];
  int k = constInts(n, loc, s, "the shape", d, MAX_RANK);
  if (k < 0)
    return false;
  bool allowZero = cimOnnxAttrInt(n, "allowzero", 0) != 0;
  int infer = -1;
  int64_t known = 1;
  for (int i = 0; i < k; ++i) {
    if (d[i] == 0 && !allowZero) {
      if (i >= x->rank)
        return cimOnnxFail(loc, "node '%s' (Reshape): 0 at position %d copies "
                                "a dimension the input (rank %d) lacks",
                           cimOnnxNodeName(n), i, x->rank);
      d[i] = x->dims[i];
    }
    if (d[i] == -1) {
      if (infer >= 0)
        return cimOnnxFail(loc, "node '%s' (Reshape): more than one -1",
                           cimOnnxNodeName(n));
      infer = i;
    } else if (d[i] < 0) {
      return cimOnnxFail(loc, "node '%s' (Reshape): dimension %lld",
                         cimOnnxNodeName(n), (long long)d[i]);
    } else {
      known *= d[i];
    }
  }
  if (infer >= 0)
    d[infer] = known ? numel(x->rank, x->dims) / known : 0;
  return defineReshaped(I, n, loc, x, k, d);
}

bool cimOnnxUnsqueeze(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "data")
  int64_t axes[MAX_RANK];
  bool bad = false;
  int k = -1;
  int outRank = x->rank;
  /* Axes count in the output's rank: read them raw, normalize below. */
  k = cimOnnxAttrInts(n, "axes", axes, MAX_RANK);
  if (k < 0) {
    Value *a = cimOnnxInput(I, n, 1, loc, &bad);
    if (bad || (k = constInts(n, loc, a, "axes", axes, MAX_RANK)) < 0)
      return false;
  }
  outRank += k;
  if (outRank > MAX_RANK)
    return cimOnnxFail(loc, "node '%s' (Unsqueeze): rank %d is above %d",
                       cimOnnxNodeName(n), outRank, MAX_RANK);
  bool unit[MAX_RANK] = {false};
  for (int i = 0; i < k; ++i) {
    int64_t a = axes[i] < 0 ? axes[i] + outRank : axes[i];
    if (a < 0 || a >= outRank || unit[a])
      return cimOnnxFail(loc, "node '%s' (Unsqueeze): axis %lld is out of "
                              "range or repeated",
                         cimOnnxNodeName(n), (long long)axes[i]);
    unit[a] = true;
  }
  int64_t d[MAX_RANK];
  for (int i = 0, j = 0; i < outRank; ++i)
    d[i] = unit[i] ? 1 : x->dims[j++];
  return defineReshaped(I, n, loc, x, outRank, d);
}

bool cimOnnxSqueeze(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "data")
  int64_t axes[MAX_RANK];
  bool bad = false;
  int k = readAxes(I, n, loc, x->rank, axes, &bad);
  if (bad)
    return false;
  bool drop[MAX_RANK] = {false};
  for (int i = 0; i < x->rank; ++i)
    drop[i] = k < 0 && x->dims[i] == 1;
  for (int i = 0; i < k; ++i) {
    if (x->dims[axes[i]] != 1)
      return cimOnnxFail(loc, "node '%s' (Squeeze): dimension %lld has size "
                              "%lld, not 1",
                         cimOnnxNodeName(n), (long long)axes[i],
                         (long long)x->dims[axes[i]]);
    drop[axes[i]] = true;
  }
  int64_t d[MAX_RANK];
  int r = 0;
  for (int i = 0; i < x->rank; ++i)
    if (!drop[i])
      d[r++] = x->dims[i];
  return defineReshaped(I, n, loc, x, r, d);
}

/*===----------------------------------------------------------------------===*
 * Transpose, Concat
 *===----------------------------------------------------------------------===*/

/// Row-major strides of `dims`.
static void strides(int rank, const int64_t *dims, int64_t *st) {
  int64_t s = 1;
  for (int i = rank - 1; i >= 0; --i) {
    st[i] = s;
    s *= dims[i];
  }
}

bool cimOnnxTranspose(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "data")
  int64_t perm[MAX_RANK];
  int k = cimOnnxAttrInts(n, "perm", perm, MAX_RANK);
  if (k < 0) {
    k = x->rank;
    for (int i = 0; i < k; ++i)
      perm[i] = k - 1 - i;
  }
  bool seen[MAX_RANK] = {false};
  if (k != x->rank)
    return cimOnnxFail(loc, "node '%s' (Transpose): perm has %d entries for "
                            "rank %d",
                       cimOnnxNodeName(n), k, x->rank);
  for (int i = 0; i < k; ++i) {
    if (perm[i] < 0 || perm[i] >= k || seen[perm[i]])
      return cimOnnxFail(loc, "node '%s' (Transpose): perm is not a "
                              "permutation",
                         cimOnnxNodeName(n));
    seen[perm[i]] = true;
  }
  /* Rank 0 or 1: the identity. (MLIR 22 crashes verifying a linalg.transpose
   * of a 0-d tensor: onnx_import fuzz target, a SEGV in cim-translate.) */
  if (k <= 1)
    return cimOnnxAlias(I, n, loc);
  int64_t od[MAX_RANK], st[MAX_RANK];
  for (int i = 0; i < k; ++i)
    od[i] = x->dims[perm[i]];
  if (x->kind == K_CONST && !x->dqInt) {
    Const *c = cimOnnxConstNew(x->c->dtype, k, od);
    if (!c)
      return cimOnnxFail(loc, "out of memory");
    strides(k, x->dims, st);
    for (int64_t o = 0; o < c->n; ++o) {
      int64_t rem = o, src = 0;
      for (int i = k - 1; i >= 0; --i) {
        src += (rem % od[i]) * st[perm[i]];
        rem /= od[i];
      }
      c->v[o] = x->c->v[src];
    }
    return cimOnnxDefineConst(I, n, loc, c);
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  MlirValue init = cimOnnxEmptyF32(I, loc, k, od);
  MlirType f = cimOnnxF32(I);
  MlirLocation locs[2] = {loc, loc};
  MlirType ts[2] = {f, f};
  MlirBlock b = mlirBlockCreate(2, ts, locs);
  MlirValue a0 = mlirBlockGetArgument(b, 0);
  cimOnnxEmitIn(I, b, "linalg.yield", loc, 1, &a0, 0, NULL, 0, NULL, NULL);
  MlirRegion r = mlirRegionCreate();
  mlirRegionAppendOwnedBlock(r, b);
  MlirNamedAttribute a =
      cimOnnxNA(I, "permutation", mlirDenseI64ArrayGet(I->ctx, k, perm));
  MlirValue ops[2] = {xf, init};
  MlirType t = cimOnnxF32Tensor(I, k, od);
  MlirValue y = mlirOperationGetResult(
      cimOnnxEmitIn(I, I->block, "linalg.transpose", loc, 2, ops, 1, &t, 1, &a,
                    &r),
      0);
  return cimOnnxDefineFloat(I, n, loc, y, k, od);
}

bool cimOnnxConcat(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  if (n->n_input < 1 || n->n_input > 64)
    return cimOnnxFail(loc, "node '%s' (Concat): %zu inputs (1 to 64 are "
                            "supported)",
                       cimOnnxNodeName(n), n->n_input);
  Value *in[64];
  bool allConst = true;
  for (size_t i = 0; i < n->n_input; ++i) {
    bool bad = false;
    if (!(in[i] = cimOnnxInput(I, n, i, loc, &bad)))
      return bad ? false
                 : cimOnnxFail(loc, "node '%s' (Concat): input %zu is empty",
                               cimOnnxNodeName(n), i);
    allConst = allConst && in[i]->kind == K_CONST && !in[i]->dqInt;
  }
  int rank = in[0]->rank;
  int64_t axis = cimOnnxAttrInt(n, "axis", 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return cimOnnxFail(loc, "node '%s' (Concat): axis out of range for rank %d",
                       cimOnnxNodeName(n), rank);
  int64_t od[MAX_RANK];
  for (int i = 0; i < rank; ++i)
    od[i] = i == axis ? 0 : in[0]->dims[i];
  for (size_t k = 0; k < n->n_input; ++k) {
    bool ok = in[k]->rank == rank;
    for (int i = 0; ok && i < rank; ++i)
      ok = i == axis || in[k]->dims[i] == od[i];
    if (!ok)
      return cimOnnxFail(loc, "node '%s' (Concat): input '%s' does not match "
                              "the others outside axis %lld",
                         cimOnnxNodeName(n), in[k]->name, (long long)axis);
    od[axis] += in[k]->dims[axis];
  }
  if (allConst) {
    Const *c = cimOnnxConstNew(in[0]->c->dtype, rank, od);
    if (!c)
      return cimOnnxFail(loc, "out of memory");
    int64_t outer = numel((int)axis, od), inner = 1, off = 0;
    for (int i = (int)axis + 1; i < rank; ++i)
      inner *= od[i];
    for (size_t k = 0; k < n->n_input; ++k) {
      int64_t len = in[k]->dims[axis] * inner;
      for (int64_t o = 0; o < outer; ++o)
        memcpy(c->v + o * od[axis] * inner + off, in[k]->c->v + o * len,
               (size_t)len * sizeof(double));
      off += len;
    }
    return cimOnnxDefineConst(I, n, loc, c);
  }
  MlirValue ops[64];
  for (size_t k = 0; k < n->n_input; ++k)
    if (mlirValueIsNull(ops[k] = cimOnnxUseFloat(I, n, loc, in[k])))
      return false;
  if (n->n_input == 1)
    return cimOnnxDefineFloat(I, n, loc, ops[0], rank, od);
  MlirNamedAttribute a = cimOnnxNA(
      I, "dim", mlirIntegerAttrGet(mlirIntegerTypeGet(I->ctx, 64), axis));
  MlirValue y = cimOnnxEmit1(I, "tensor.concat", loc, (intptr_t)n->n_input, ops,
                             cimOnnxF32Tensor(I, rank, od), 1, &a);
  return cimOnnxDefineFloat(I, n, loc, y, rank, od);
}

/*===----------------------------------------------------------------------===*
 * Gather, Slice
 *===----------------------------------------------------------------------===*/

/// tensor.extract_slice of `x` (static offsets, sizes, strides).
static MlirValue emitSlice(Importer *I, MlirLocation loc, MlirValue x, int rank,
                           const int64_t *off, const int64_t *size,
                           const int64_t *step) {
  int32_t seg[4] = {1, 0, 0, 0};
  MlirNamedAttribute attrs[4] = {
      cimOnnxNA(I, "static_offsets", mlirDenseI64ArrayGet(I->ctx, rank, off)),
      cimOnnxNA(I, "static_sizes", mlirDenseI64ArrayGet(I->ctx, rank, size)),
      cimOnnxNA(I, "static_strides", mlirDenseI64ArrayGet(I->ctx, rank, step)),
      cimOnnxNA(I, "operandSegmentSizes", mlirDenseI32ArrayGet(I->ctx, 4, seg))};
  return cimOnnxEmit1(I, "tensor.extract_slice", loc, 1, &x,
                      cimOnnxF32Tensor(I, rank, size), 4, attrs);
}

/// Slices `x` along every axis (off, size, step per axis): a constant is
/// folded, a tensor becomes tensor.extract_slice; the result then takes the
/// shape `outRank`/`outDims` (same element count).
static bool defineSliced(Importer *I, const Onnx__NodeProto *n,
                         MlirLocation loc, Value *x, const int64_t *off,
                         const int64_t *size, const int64_t *step, int outRank,
                         const int64_t *outDims) {
  int r = x->rank;
  if (x->kind == K_CONST && !x->dqInt) {
    Const *c = cimOnnxConstNew(x->c->dtype, outRank, outDims);
    if (!c)
      return cimOnnxFail(loc, "out of memory");
    int64_t st[MAX_RANK];
    strides(r, x->dims, st);
    for (int64_t o = 0; o < c->n; ++o) {
      int64_t rem = o, src = 0;
      for (int i = r - 1; i >= 0; --i) {
        src += (off[i] + (rem % size[i]) * step[i]) * st[i];
        rem /= size[i];
      }
      c->v[o] = x->c->v[src];
    }
    return cimOnnxDefineConst(I, n, loc, c);
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  bool whole = true;
  for (int i = 0; whole && i < r; ++i)
    whole = off[i] == 0 && size[i] == x->dims[i] && step[i] == 1;
  MlirValue y = whole ? xf : emitSlice(I, loc, xf, r, off, size, step);
  y = cimOnnxReshape(I, loc, y, r, size, outRank, outDims);
  return cimOnnxDefineFloat(I, n, loc, y, outRank, outDims);
}

bool cimOnnxGather(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) IN(idx, 1) REQUIRE(x, "data") REQUIRE(idx, "indices")
  int r = x->rank;
  int64_t axis = cimOnnxAttrInt(n, "axis", 0);
  if (axis < 0)
    axis += r;
  if (axis < 0 || axis >= r)
    return cimOnnxFail(loc, "node '%s' (Gather): axis out of range for rank %d",
                       cimOnnxNodeName(n), r);
  if (!idx->c)
    return cimOnnxFail(loc, "node '%s' (Gather): the indices must be a "
                            "constant",
                       cimOnnxNodeName(n));
  const Const *ic = idx->c;
  if (r - 1 + ic->rank > MAX_RANK)
    return cimOnnxFail(loc, "node '%s' (Gather): result rank above %d",
                       cimOnnxNodeName(n), MAX_RANK);
  int64_t od[MAX_RANK];
  int outRank = 0;
  for (int i = 0; i < axis; ++i)
    od[outRank++] = x->dims[i];
  for (int i = 0; i < ic->rank; ++i)
    od[outRank++] = ic->dims[i];
  for (int i = (int)axis + 1; i < r; ++i)
    od[outRank++] = x->dims[i];
  int64_t len = x->dims[axis];
  int64_t *iv = malloc((size_t)(ic->n ? ic->n : 1) * sizeof *iv);
  if (!iv)
    return cimOnnxFail(loc, "out of memory");
  for (int64_t k = 0; k < ic->n; ++k) {
    iv[k] = (int64_t)ic->v[k];
    if (iv[k] < 0)
      iv[k] += len;
    if (iv[k] < 0 || iv[k] >= len) {
      free(iv);
      return cimOnnxFail(loc, "node '%s' (Gather): index %lld out of range "
                              "for a dimension of %lld",
                         cimOnnxNodeName(n), (long long)ic->v[k],
                         (long long)len);
    }
  }
  bool contiguous = ic->n >= 1;
  for (int64_t k = 1; contiguous && k < ic->n; ++k)
    contiguous = iv[k] == iv[k - 1] + 1;
  if (x->kind == K_CONST && !x->dqInt) {
    Const *c = cimOnnxConstNew(x->c->dtype, outRank, od);
    if (!c) {
      free(iv);
      return cimOnnxFail(loc, "out of memory");
    }
    int64_t outer = numel((int)axis, x->dims), inner = 1;
    for (int i = (int)axis + 1; i < r; ++i)
      inner *= x->dims[i];
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < ic->n; ++k)
        memcpy(c->v + (o * ic->n + k) * inner,
               x->c->v + (o * len + iv[k]) * inner,
               (size_t)inner * sizeof(double));
    free(iv);
    return cimOnnxDefineConst(I, n, loc, c);
  }
  int64_t first = ic->n ? iv[0] : 0;
  free(iv);
  if (!contiguous)
    return cimOnnxFail(loc, "node '%s' (Gather): on a tensor, the indices "
                            "must be consecutive (a slice)",
                       cimOnnxNodeName(n));
  int64_t off[MAX_RANK] = {0}, size[MAX_RANK], step[MAX_RANK];
  for (int i = 0; i < r; ++i) {
    size[i] = x->dims[i];
    step[i] = 1;
  }
  off[axis] = first;
  size[axis] = ic->n;
  return defineSliced(I, n, loc, x, off, size, step, outRank, od);
}

bool cimOnnxSlice(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "data")
  int r = x->rank;
  int64_t starts[MAX_RANK], ends[MAX_RANK], axes[MAX_RANK], steps[MAX_RANK];
  int k = cimOnnxAttrInts(n, "starts", starts, MAX_RANK), ke, ka, ks = -1;
  if (k >= 0) { /* opset < 10: attributes */
    ke = cimOnnxAttrInts(n, "ends", ends, MAX_RANK);
    ka = cimOnnxAttrInts(n, "axes", axes, MAX_RANK);
  } else {
    IN(s, 1) IN(e, 2) IN(a, 3) IN(st, 4) REQUIRE(s, "starts") REQUIRE(e, "ends")
    if ((k = constInts(n, loc, s, "starts", starts, MAX_RANK)) < 0 ||
        (ke = constInts(n, loc, e, "ends", ends, MAX_RANK)) < 0)
      return false;
    ka = a ? constInts(n, loc, a, "axes", axes, MAX_RANK) : -1;
    ks = st ? constInts(n, loc, st, "steps", steps, MAX_RANK) : -1;
    if ((a && ka < 0) || (st && ks < 0))
      return false;
  }
  if (ke != k || (ka >= 0 && ka != k) || (ks >= 0 && ks != k))
    return cimOnnxFail(loc, "node '%s' (Slice): starts, ends, axes and steps "
                            "differ in length",
                       cimOnnxNodeName(n));
  int64_t off[MAX_RANK] = {0}, size[MAX_RANK], step[MAX_RANK];
  bool seen[MAX_RANK] = {false};
  for (int i = 0; i < r; ++i) {
    size[i] = x->dims[i];
    step[i] = 1;
  }
  for (int i = 0; i < k; ++i) {
    int64_t ax = ka >= 0 ? axes[i] : i, sp = ks >= 0 ? steps[i] : 1;
    if (ax < 0)
      ax += r;
    if (ax < 0 || ax >= r || seen[ax])
      return cimOnnxFail(loc, "node '%s' (Slice): axis out of range or "
                              "repeated",
                         cimOnnxNodeName(n));
    if (sp < 1)
      return cimOnnxFail(loc, "node '%s' (Slice): step %lld (positive steps "
                              "are supported)",
                         cimOnnxNodeName(n), (long long)sp);
    seen[ax] = true;
    int64_t d = x->dims[ax], b = starts[i], e = ends[i];
    b = b < 0 ? b + d : b;
    e = e < 0 ? e + d : e;
    b = b < 0 ? 0 : b > d ? d : b; /* ONNX clamps to [0, d] */
    e = e < 0 ? 0 : e > d ? d : e;
    off[ax] = b;
    size[ax] = e > b ? (e - b + sp - 1) / sp : 0;
    step[ax] = sp;
    if (size[ax] == 0)
      return cimOnnxFail(loc, "node '%s' (Slice): the result is empty",
                         cimOnnxNodeName(n));
  }
  return defineSliced(I, n, loc, x, off, size, step, r, size);
}

/*===----------------------------------------------------------------------===*
 * Shape, ConstantOfShape, Cast, Dropout
 *===----------------------------------------------------------------------===*/

bool cimOnnxShape(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "data")
  int64_t b = cimOnnxAttrInt(n, "start", 0), e = cimOnnxAttrInt(n, "end", x->rank);
  b = b < 0 ? b + x->rank : b;
  e = e < 0 ? e + x->rank : e;
  b = b < 0 ? 0 : b > x->rank ? x->rank : b;
  e = e < 0 ? 0 : e > x->rank ? x->rank : e;
  int64_t len = e > b ? e - b : 0;
  Const *c = cimOnnxConstNew(DT_INT64, 1, &len);
  for (int64_t i = 0; c && i < len; ++i)
    c->v[i] = (double)x->dims[b + i];
  return cimOnnxDefineConst(I, n, loc, c);
}

bool cimOnnxConstantOfShape(Importer *I, const Onnx__NodeProto *n,
                            MlirLocation loc) {
  IN(s, 0) REQUIRE(s, "input")
  int64_t d[MAX_RANK];
  int k = constInts(n, loc, s, "the shape", d, MAX_RANK);
  if (k < 0)
    return false;
  for (int i = 0; i < k; ++i)
    if (d[i] < 1)
      return cimOnnxFail(loc, "node '%s' (ConstantOfShape): dimension %lld",
                         cimOnnxNodeName(n), (long long)d[i]);
  const Onnx__AttributeProto *a = cimOnnxGetAttr(n, "value");
  Const *v = NULL;
  if (a && a->t && !cimOnnxConstFromTensor(I, a->t, loc, false, &v))
    return false;
  if (v && v->n != 1) {
    cimOnnxConstFree(v);
    return cimOnnxFail(loc, "node '%s' (ConstantOfShape): value must hold one "
                            "element",
                       cimOnnxNodeName(n));
  }
  int64_t total = numel(k, d);
  if ((uint64_t)total > (UINT64_C(1) << 28)) {
    cimOnnxConstFree(v);
    return cimOnnxFail(loc, "node '%s' (ConstantOfShape): %lld elements",
                       cimOnnxNodeName(n), (long long)total);
  }
  Const *c = cimOnnxConstNew(v ? v->dtype : DT_FLOAT, k, d);
  for (int64_t i = 0; c && i < c->n; ++i)
    c->v[i] = v ? v->v[0] : 0.0;
  cimOnnxConstFree(v);
  return cimOnnxDefineConst(I, n, loc, c);
}

/// ONNX Cast of one value (constants only): to float rounds to f32, to an
/// integer truncates toward zero and wraps like a C cast, to bool is != 0.
static double castValue(double x, int32_t to) {
  switch (to) {
  case DT_FLOAT: return (double)(float)x;
  case DT_DOUBLE: return x;
  case DT_BOOL: return x != 0;
  case DT_UINT8: return (double)(uint8_t)(int64_t)trunc(x);
  case DT_INT8: return (double)(int8_t)(int64_t)trunc(x);
  case DT_UINT16: return (double)(uint16_t)(int64_t)trunc(x);
  case DT_INT16: return (double)(int16_t)(int64_t)trunc(x);
  case DT_INT32: return (double)(int32_t)(int64_t)trunc(x);
  default: return trunc(x);
  }
}

bool cimOnnxCast(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "input")
  int32_t to = (int32_t)cimOnnxAttrInt(n, "to", 0);
  if (!cimOnnxElemSize(to))
    return cimOnnxFail(loc, "node '%s' (Cast): target type %d (%s) is not "
                            "supported",
                       cimOnnxNodeName(n), to, cimOnnxDtypeName(to));
  if (x->kind == K_CONST && !x->dqInt) {
    Const *c = cimOnnxConstNew(to, x->c->rank, x->c->dims);
    for (int64_t i = 0; c && i < c->n; ++i)
      c->v[i] = castValue(x->c->v[i], to);
    return cimOnnxDefineConst(I, n, loc, c);
  }
  bool isFloat = x->dtype == DT_FLOAT || x->dtype == DT_DOUBLE;
  if (isFloat && (to == DT_FLOAT || to == DT_DOUBLE))
    return cimOnnxAlias(I, n, loc); /* f32 throughout: a no-op */
  if (x->dtype == to && (x->kind == K_QUANT || x->kind == K_INTARG))
    return cimOnnxAlias(I, n, loc);
  return cimOnnxFail(loc, "node '%s' (Cast): a tensor of %s cast to %s is not "
                          "supported (constants fold; float to float is a "
                          "no-op)",
                     cimOnnxNodeName(n), cimOnnxDtypeName(x->dtype),
                     cimOnnxDtypeName(to));
}

bool cimOnnxDropout(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  if (n->n_output > 1 && n->output[1] && *n->output[1])
    return cimOnnxFail(loc, "node '%s' (Dropout): the mask output is not "
                            "supported (inference: Dropout is the identity)",
                       cimOnnxNodeName(n));
  return cimOnnxAlias(I, n, loc);
}
