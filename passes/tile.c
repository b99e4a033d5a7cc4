/*===-- tile.c - cim-tile ---------------------------------------------------===*
 *
 * Splits every matrix-vector layer into crossbar tiles (docs/design.md,
 * "Crossbar mapping"). A layer a[M,K] x w[K,N] with S = ceil(w_bits /
 * cell_bits) weight slices has N * S weight units (unit n*S+s: slice s of
 * output n). A crossbar holds kCap input rows and uCap units:
 *   differential-column: kCap = rows,     uCap = floor(cols / 2)
 *   differential-row:    kCap = floor(rows / 2), uCap = cols
 *   offset:              kCap = rows,     uCap = cols - 1 (+ the bias column)
 * Tile (i, j) covers rows [i*kCap, ...) and units [j*uCap, ...), the last
 * ones ragged, so slices of one output may straddle two column tiles: that
 * is the cost model's mapping (lib/cost/cost.c). Each tile is one
 * cim.matmul_tile that adds its contribution to an accumulator, so partial
 * sums across row tiles and the placement of column tiles are explicit.
 * Convolutions go through xbar.im2col per group; batches (rank-3 matmul)
 * and groups are put back together with cim.slice/reshape/transpose/concat.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "cim-c/Passes.h"
#include "cim-c/Target.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ir/LayerInfo.h"
#include "ir/PassUtils.h"
#include "support/Checked.h"
#include "xbar/Mapping.h"

typedef struct Tiler {
  MlirContext ctx;
  MlirLocation loc;
  MlirOperation layer; /* the cim layer being tiled; new ops go before it */
  const CimTarget *target;
  int64_t kCap, uCap, slices;
  MlirType accElem;
} Tiler;

static MlirType tensorOf(MlirContext ctx, intptr_t rank, const int64_t *shape,
                         MlirType elem) {
  (void)ctx;
  return mlirRankedTensorTypeGet(rank, shape, elem, mlirAttributeGetNull());
}

static MlirValue emitOp1(Tiler *t, const char *name, MlirValue x, MlirType type,
                         intptr_t nAttrs, const MlirNamedAttribute *attrs) {
  return cimMapCreateValue(name, t->loc, t->layer, 1, &x, type, nAttrs, attrs);
}

static MlirValue reshape(Tiler *t, MlirValue x, intptr_t rank,
                         const int64_t *shape) {
  MlirType elem = mlirShapedTypeGetElementType(mlirValueGetType(x));
  return emitOp1(t, "cim.reshape", x, tensorOf(t->ctx, rank, shape, elem), 0,
                 NULL);
}

static MlirValue slice(Tiler *t, MlirValue x, intptr_t rank,
                       const int64_t *offsets, const int64_t *shape) {
  MlirType elem = mlirShapedTypeGetElementType(mlirValueGetType(x));
  MlirNamedAttribute a = cimMapNamedArray(t->ctx, "offsets", rank, offsets);
  return emitOp1(t, "cim.slice", x, tensorOf(t->ctx, rank, shape, elem), 1, &a);
}

static MlirValue transpose(Tiler *t, MlirValue x, intptr_t rank,
                           const int64_t *perm) {
  MlirType xt = mlirValueGetType(x);
  int64_t shape[5];
  for (intptr_t i = 0; i < rank; ++i)
    shape[i] = mlirShapedTypeGetDimSize(xt, perm[i]);
  MlirNamedAttribute a = cimMapNamedArray(t->ctx, "permutation", rank, perm);
  return emitOp1(t, "cim.transpose", x,
                 tensorOf(t->ctx, rank, shape, mlirShapedTypeGetElementType(xt)),
                 1, &a);
}

/// The splat value of `v` when it is an integer splat `arith.constant`.
static bool splatValue(MlirValue v, int64_t *value) {
  if (!mlirValueIsAOpResult(v) ||
      !cimOpIsA(mlirOpResultGetOwner(v), "arith.constant"))
    return false;
  MlirAttribute a = mlirOperationGetAttributeByName(
      mlirOpResultGetOwner(v), mlirStringRefCreateFromCString("value"));
  if (mlirAttributeIsNull(a) || !mlirAttributeIsADenseElements(a) ||
      !mlirDenseElementsAttrIsSplat(a))
    return false;
  MlirAttribute e = mlirDenseElementsAttrGetSplatValue(a);
  if (!mlirAttributeIsAInteger(e))
    return false;
  *value = mlirIntegerAttrGetValueInt(e);
  return true;
}

/// cim.concat of two values along `axis`.
static MlirValue concat2(Tiler *t, MlirValue lhs, MlirValue rhs, int axis) {
  MlirType lt = mlirValueGetType(lhs), rt = mlirValueGetType(rhs);
  intptr_t rank = mlirShapedTypeGetRank(lt);
  int64_t shape[5];
  for (intptr_t d = 0; d < rank; ++d)
    shape[d] = mlirShapedTypeGetDimSize(lt, d);
  shape[axis] += mlirShapedTypeGetDimSize(rt, axis);
  MlirValue ops[2] = {lhs, rhs};
  MlirNamedAttribute a = cimNamedI64(t->ctx, "axis", axis);
  return cimMapCreateValue(
      "cim.concat", t->loc, t->layer, 2, ops,
      tensorOf(t->ctx, rank, shape, mlirShapedTypeGetElementType(lt)), 1, &a);
}

/// Concatenates `n` values along `axis` as a balanced tree of cim.concat,
/// so that the elements copied grow with n log n, not n^2 (depthwise
/// convolutions have one part per channel). Reuses `parts` as scratch.
static MlirValue concatAll(Tiler *t, MlirValue *parts, intptr_t n, int axis) {
  while (n > 1) {
    intptr_t m = 0;
    for (intptr_t i = 0; i + 1 < n; i += 2)
      parts[m++] = concat2(t, parts[i], parts[i + 1], axis);
    if (n % 2)
      parts[m++] = parts[n - 1];
    n = m;
  }
  return parts[0];
}

static void copyAttr(MlirOperation from, const char *name,
                     MlirNamedAttribute *to, intptr_t *n) {
  MlirContext ctx = mlirOperationGetContext(from);
  to[(*n)++] = mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString(name)),
      mlirOperationGetAttributeByName(from,
                                      mlirStringRefCreateFromCString(name)));
}

/// The tiles of a[M,K] x w[K,N]: a chain of cim.matmul_tile from zero, then
/// (when the accumulator is wider than `result`) an exact narrowing.
static MlirValue emitTiles(Tiler *t, MlirValue a, MlirValue w, int64_t m,
                           int64_t k, int64_t n, MlirType resultElem) {
  int64_t shape[2] = {m, n};
  MlirType accType = tensorOf(t->ctx, 2, shape, t->accElem);
  MlirValue acc = cimMapSplatConstant(t->loc, t->layer, accType, 0);
  int64_t units = n * t->slices;
  const char *mapping = cimWeightMappingGetName(t->target->weightMapping);
  for (int64_t k0 = 0; k0 < k; k0 += t->kCap) {
    int64_t kSize = k - k0 < t->kCap ? k - k0 : t->kCap;
    for (int64_t u0 = 0; u0 < units; u0 += t->uCap) {
      int64_t uSize = units - u0 < t->uCap ? units - u0 : t->uCap;
      MlirNamedAttribute attrs[12];
      intptr_t na = 0;
      copyAttr(t->layer, "layer", attrs, &na);
      copyAttr(t->layer, "a_bits", attrs, &na);
      copyAttr(t->layer, "w_bits", attrs, &na);
      copyAttr(t->layer, "a_signed", attrs, &na);
      copyAttr(t->layer, "w_signed", attrs, &na);
      copyAttr(t->layer, "weights", attrs, &na);
      attrs[na++] = cimNamedString(t->ctx, "mapping", mapping);
      attrs[na++] = cimNamedI64(t->ctx, "cell_bits", t->target->cellBits);
      attrs[na++] = cimNamedI64(t->ctx, "k_offset", k0);
      attrs[na++] = cimNamedI64(t->ctx, "k_size", kSize);
      attrs[na++] = cimNamedI64(t->ctx, "unit_offset", u0);
      attrs[na++] = cimNamedI64(t->ctx, "units", uSize);
      MlirValue ops[3] = {acc, a, w};
      acc = cimMapCreateValue("cim.matmul_tile", t->loc, t->layer, 3, ops,
                              accType, na, attrs);
    }
  }
  if (mlirTypeEqual(t->accElem, resultElem))
    return acc;
  /* Identity requantize: multiplier 1, shift 0; every final value fits. */
  unsigned rw = mlirIntegerTypeGetWidth(resultElem);
  int64_t one = 1, zero = 0;
  MlirNamedAttribute attrs[7] = {
      cimNamedI64(t->ctx, "axis", 0),
      cimMapNamedArray(t->ctx, "multiplier", 1, &one),
      cimMapNamedArray(t->ctx, "shift", 1, &zero),
      cimNamedI64(t->ctx, "in_zero_point", 0),
      cimNamedI64(t->ctx, "out_zero_point", 0),
      cimNamedI64(t->ctx, "qmin", -(INT64_C(1) << (rw - 1))),
      cimNamedI64(t->ctx, "qmax", (INT64_C(1) << (rw - 1)) - 1)};
  return emitOp1(t, "cim.requantize", acc, tensorOf(t->ctx, 2, shape, resultElem),
                 7, attrs);
}

/// Number of signed bits that hold +-bound.
static unsigned bitsFor(int64_t bound) {
  unsigned b = 1;
  while (b < 63 && (INT64_C(1) << (b - 1)) - 1 < bound)
    ++b;
  return b;
}

/// cim.matmul and cim.conv2d declare results wide enough for every sum
/// (docs/dialects/cim.md): a narrower one would be clamped by the final
/// requantize, a wrong number with exit 0. Rejects it, naming the widths.
static MlirLogicalResult checkResultWidth(const Tiler *t, const CimLayer *l,
                                          int64_t index, MlirType resultElem) {
  int64_t aLo, aHi, wLo, wHi;
  unsigned needed = 0, width = mlirIntegerTypeGetWidth(resultElem);
  bool ok = l->aBits >= 1 && l->aBits <= 62 && l->wBits >= 1 &&
            l->wBits <= 62;
  if (ok) {
    cimIntegerRange((unsigned)l->aBits, l->aSigned, &aLo, &aHi);
    cimIntegerRange((unsigned)l->wBits, l->wSigned, &wLo, &wHi);
    ok = cimDotProductBits(l->inDim, aLo, aHi, wLo, wHi, &needed);
  }
  if (ok && needed <= width)
    return mlirLogicalResultSuccess();
  cimEmitErrorf(t->loc,
                "cim-tile: layer %lld: its i%u result cannot hold every sum: "
                "a %lld-term dot product of %lld-bit %s activations and "
                "%lld-bit %s weights needs %s%u bits",
                (long long)index, width, (long long)l->inDim,
                (long long)l->aBits, l->aSigned ? "signed" : "unsigned",
                (long long)l->wBits, l->wSigned ? "signed" : "unsigned",
                ok ? "" : "more than ", ok ? needed : 64u);
  return mlirLogicalResultFailure();
}

/// Checks a layer's operand, result and window shapes against each other
/// before anything is emitted: a mismatch is an error naming the layer.
static MlirLogicalResult checkLayerShapes(Tiler t, MlirOperation op,
                                          const CimLayer l, int64_t index,
                                          MlirType resultType) {
  if (cimOpIsA(op, "cim.matmul")) {
    /* [M, K] x [K, N] -> [M, N], optionally with a leading batch. */
    MlirType at = mlirValueGetType(mlirOperationGetOperand(op, 0));
    MlirType wt = mlirValueGetType(mlirOperationGetOperand(op, 1));
    intptr_t o = mlirShapedTypeGetRank(at) - 2;
    bool same = mlirShapedTypeGetRank(resultType) == o + 2 &&
                mlirShapedTypeGetDimSize(wt, o) == l.inDim &&
                mlirShapedTypeGetDimSize(resultType, o) == l.invocations &&
                mlirShapedTypeGetDimSize(resultType, o + 1) == l.outDim &&
                (o == 0 || mlirShapedTypeGetDimSize(resultType, 0) == l.repeat);
    if (!same) {
      cimEmitErrorf(t.loc,
                    "cim-tile: layer %lld: operand and result shapes do not "
                    "form [M, K] x [K, N] -> [M, N] (with an optional batch)",
                    (long long)index);
      return mlirLogicalResultFailure();
    }
  }
  if (cimOpIsA(op, "cim.conv2d")) {
    /* The weights give Cg; the input must have exactly groups * Cg. */
    MlirType xt = mlirValueGetType(mlirOperationGetOperand(op, 0));
    MlirType wt = mlirValueGetType(mlirOperationGetOperand(op, 1));
    bool nchw = cimMapStringAttrIs(op, "layout", "nchw_fchw");
    int64_t cIn = mlirShapedTypeGetDimSize(xt, nchw ? 1 : 3);
    int64_t cg = mlirShapedTypeGetDimSize(wt, nchw ? 1 : 2);
    if (cg * l.repeat != cIn) {
      cimEmitErrorf(t.loc,
                    "cim-tile: layer %lld: %lld input channels do not split "
                    "into %lld groups of %lld",
                    (long long)index, (long long)cIn, (long long)l.repeat,
                    (long long)cg);
      return mlirLogicalResultFailure();
    }
    /* im2col's rows are the result's pixels: the geometry must agree. */
    int64_t st[2] = {1, 1}, dl[2] = {1, 1}, pd[4] = {0, 0, 0, 0};
    cimMapArrayAttr(op, "strides", st, 2);
    cimMapArrayAttr(op, "dilations", dl, 2);
    cimMapArrayAttr(op, "padding", pd, 4);
    MlirType rt = mlirValueGetType(mlirOperationGetResult(op, 0));
    int64_t h = mlirShapedTypeGetDimSize(xt, nchw ? 2 : 1);
    int64_t w = mlirShapedTypeGetDimSize(xt, nchw ? 3 : 2);
    int64_t kh = mlirShapedTypeGetDimSize(wt, nchw ? 2 : 0);
    int64_t kw = mlirShapedTypeGetDimSize(wt, nchw ? 3 : 1);
    int64_t oh = mlirShapedTypeGetDimSize(rt, nchw ? 2 : 1);
    int64_t ow = mlirShapedTypeGetDimSize(rt, nchw ? 3 : 2);
    int64_t eh = 0, ew = 0;
    if (!cimWindowOutputSize(h, pd[0], pd[2], kh, dl[0], st[0], &eh) ||
        !cimWindowOutputSize(w, pd[1], pd[3], kw, dl[1], st[1], &ew)) {
      cimEmitErrorf(t.loc,
                    "cim-tile: layer %lld: the input (%lldx%lld), kernel "
                    "(%lldx%lld), strides, dilations and padding do not give "
                    "a valid window (a parameter out of range, an overflow, "
                    "or a kernel larger than the padded input)",
                    (long long)index, (long long)h, (long long)w,
                    (long long)kh, (long long)kw);
      return mlirLogicalResultFailure();
    }
    if (eh != oh || ew != ow) {
      cimEmitErrorf(t.loc,
                    "cim-tile: layer %lld: the result is %lldx%lld pixels "
                    "but the input, kernel, strides, dilations and padding "
                    "give %lldx%lld",
                    (long long)index, (long long)oh, (long long)ow,
                    (long long)eh, (long long)ew);
      return mlirLogicalResultFailure();
    }
  }
  return mlirLogicalResultSuccess();
}

/// The rows (kCap) and weight units (uCap) one tile may use under the
/// target's weight mapping; an error when not even one unit fits.
static MlirLogicalResult setCapacities(Tiler *tp, int64_t index, int64_t rows,
                                       int64_t cols) {
  Tiler t = *tp;
  const CimTarget *target = t.target;
  const char *mapping = cimWeightMappingGetName(target->weightMapping);
  switch (target->weightMapping) {
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN:
    t.kCap = rows;
    t.uCap = cols / 2;
    break;
  case CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW:
    t.kCap = rows / 2;
    t.uCap = cols;
    break;
  case CIM_WEIGHT_MAPPING_OFFSET:
  default:
    t.kCap = rows;
    t.uCap = cols - 1;
    break;
  }
  if (t.kCap < 1 || t.uCap < 1) {
    const char *need =
        target->weightMapping == CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN
            ? "one column pair (2 columns)"
        : target->weightMapping == CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW
            ? "one row pair (2 rows)"
            : "one data column beside the bias column (2 columns)";
    cimEmitErrorf(t.loc,
                  "cim-tile: layer %lld cannot be mapped: a %lldx%lld crossbar "
                  "is too small for %s of the '%s' mapping",
                  (long long)index, (long long)rows, (long long)cols, need,
                  mapping);
    return mlirLogicalResultFailure();
  }
  *tp = t;
  return mlirLogicalResultSuccess();
}

/// A batched cim.matmul: one 2-D tiling per batch element, concatenated.
static MlirValue emitBatchMatmul(Tiler *tp, MlirOperation op, const CimLayer l,
                               MlirValue a, MlirValue w, bool isSplat,
                               int64_t wSplat, MlirType wElem,
                               MlirType resultElem) {
  Tiler t = *tp;
  MlirValue result;
  int64_t b = l.repeat, m = l.invocations, k = l.inDim, n = l.outDim;
  MlirValue *parts = malloc((size_t)b * sizeof *parts);
  if (!parts)
    return (MlirValue){NULL};
  for (int64_t i = 0; i < b; ++i) {
    int64_t off[3] = {i, 0, 0}, a3[3] = {1, m, k}, w3[3] = {1, k, n};
    int64_t a2[2] = {m, k}, w2[2] = {k, n}, r3[3] = {1, m, n};
    MlirValue ai = reshape(&t, b == 1 ? a : slice(&t, a, 3, off, a3), 2, a2);
    MlirValue wi =
        isSplat ? cimMapSplatConstant(t.loc, op, tensorOf(t.ctx, 2, w2, wElem),
                                      wSplat)
                : reshape(&t, b == 1 ? w : slice(&t, w, 3, off, w3), 2, w2);
    parts[i] = reshape(&t, emitTiles(&t, ai, wi, m, k, n, resultElem), 3, r3);
  }
  result = concatAll(&t, parts, b, 0);
  free(parts);
  return result;
}

/// A cim.conv2d: im2col per group, weights flattened to [K, Fg], the
/// groups' results concatenated along the channel axis.
static MlirValue emitConv(Tiler *tp, MlirOperation op, const CimLayer l,
                        MlirValue a, MlirValue w, bool isSplat,
                        int64_t wSplat, MlirType wElem, MlirType resultElem,
                        MlirType resultType) {
  Tiler t = *tp;
  MlirType at = mlirValueGetType(a), wt = mlirValueGetType(w);
  MlirValue result;
  /* cim.conv2d: im2col per group, weights flattened to [K, Fg]. */
  bool nchw = cimMapStringAttrIs(op, "layout", "nchw_fchw");
  int64_t wd[4], r[4];
  for (int i = 0; i < 4; ++i) {
    wd[i] = mlirShapedTypeGetDimSize(wt, i);
    r[i] = mlirShapedTypeGetDimSize(resultType, i);
  }
  int64_t g = l.repeat, fg = l.outDim, k = l.inDim, m = l.invocations;
  int64_t cg = nchw ? wd[1] : wd[2];
  int64_t kh = nchw ? wd[2] : wd[0], kw = nchw ? wd[3] : wd[1];
  int64_t oh = nchw ? r[2] : r[1], ow = nchw ? r[3] : r[2];
  int64_t strides[2] = {1, 1}, dil[2] = {1, 1}, pad[4] = {0, 0, 0, 0};
  cimMapArrayAttr(op, "strides", strides, 2);
  cimMapArrayAttr(op, "dilations", dil, 2);
  cimMapArrayAttr(op, "padding", pad, 4);
  int64_t kernel[2] = {kh, kw};
  MlirValue *parts = malloc((size_t)g * sizeof *parts);
  if (!parts)
    return (MlirValue){NULL};
  for (int64_t gi = 0; gi < g; ++gi) {
    MlirNamedAttribute ia[8] = {
        cimNamedString(t.ctx, "layout", nchw ? "nchw" : "nhwc"),
        cimMapNamedArray(t.ctx, "kernel", 2, kernel),
        cimMapNamedArray(t.ctx, "strides", 2, strides),
        cimMapNamedArray(t.ctx, "dilations", 2, dil),
        cimMapNamedArray(t.ctx, "padding", 4, pad),
        cimNamedI64(t.ctx, "pad_value", cimMapIntAttr(op, "pad_value", 0)),
        cimNamedI64(t.ctx, "channel_offset", gi * cg),
        cimNamedI64(t.ctx, "channels", cg)};
    int64_t pshape[2] = {m, k};
    MlirValue patches = emitOp1(
        &t, "xbar.im2col", a,
        tensorOf(t.ctx, 2, pshape, mlirShapedTypeGetElementType(at)), 8, ia);
    int64_t w2[2] = {k, fg};
    MlirValue wg;
    if (isSplat) {
      wg = cimMapSplatConstant(t.loc, op, tensorOf(t.ctx, 2, w2, wElem),
                               wSplat);
    } else if (nchw) {
      /* [F, Cg, KH, KW] -> group rows -> [Fg, K] -> [K, Fg] */
      int64_t off[4] = {gi * fg, 0, 0, 0}, s4[4] = {fg, cg, kh, kw};
      int64_t fk[2] = {fg, k}, perm[2] = {1, 0};
      MlirValue wgi = g == 1 ? w : slice(&t, w, 4, off, s4);
      wg = transpose(&t, reshape(&t, wgi, 2, fk), 2, perm);
    } else {
      /* [KH, KW, Cg, F] -> group columns -> [K, Fg] */
      int64_t off[4] = {0, 0, 0, gi * fg}, s4[4] = {kh, kw, cg, fg};
      MlirValue wgi = g == 1 ? w : slice(&t, w, 4, off, s4);
      wg = reshape(&t, wgi, 2, w2);
    }
    MlirValue rg = emitTiles(&t, patches, wg, m, k, fg, resultElem);
    if (nchw) {
      int64_t s3[3] = {r[0], oh * ow, fg}, perm[3] = {0, 2, 1};
      int64_t s4[4] = {r[0], fg, oh, ow};
      parts[gi] = reshape(&t, transpose(&t, reshape(&t, rg, 3, s3), 3, perm),
                          4, s4);
    } else {
      int64_t s4[4] = {r[0], oh, ow, fg};
      parts[gi] = reshape(&t, rg, 4, s4);
    }
  }
  result = concatAll(&t, parts, g, nchw ? 1 : 3);
  free(parts);
  return result;
}

static MlirLogicalResult tileLayer(MlirOperation op, const CimTarget *target,
                                   int64_t rows, int64_t cols) {
  Tiler t = {0};
  t.ctx = mlirOperationGetContext(op);
  t.loc = mlirOperationGetLocation(op);
  t.layer = op;
  t.target = target;
  CimLayer l;
  int64_t index;
  if (mlirLogicalResultIsFailure(cimLayerFromOp(op, &l, &index)))
    return mlirLogicalResultFailure();
  MlirType resultType = mlirValueGetType(mlirOperationGetResult(op, 0));
  MlirType resultElem = mlirShapedTypeGetElementType(resultType);
  if (!mlirTypeIsAInteger(resultElem)) {
    cimEmitErrorf(t.loc, "cim-tile: layer %lld has a non-integer result",
                  (long long)index);
    return mlirLogicalResultFailure();
  }
  if (mlirLogicalResultIsFailure(checkResultWidth(&t, &l, index, resultElem)) ||
      mlirLogicalResultIsFailure(
          checkLayerShapes(t, op, l, index, resultType)) ||
      mlirLogicalResultIsFailure(setCapacities(&t, index, rows, cols)))
    return mlirLogicalResultFailure();
  t.slices = cimMapCeilDiv(l.wBits, target->cellBits);
  /* Every partial sum of the decomposition is bounded by
   * K * 2^a * 2^(S*cell_bits) * 4 (docs/design.md); accumulate in the
   * result type when that fits, else in i64 and narrow at the end. */
  int64_t bound = l.inDim << (l.aBits + t.slices * target->cellBits + 2);
  unsigned need = bitsFor(bound);
  t.accElem = mlirIntegerTypeGetWidth(resultElem) >= need
                  ? resultElem
                  : mlirIntegerTypeGet(t.ctx, 64);

  MlirValue a = mlirOperationGetOperand(op, 0), w = mlirOperationGetOperand(op, 1);
  MlirType at = mlirValueGetType(a), wt = mlirValueGetType(w);
  int64_t wSplat = 0;
  bool isSplat = splatValue(w, &wSplat);
  MlirType wElem = mlirShapedTypeGetElementType(wt);
  MlirValue result;
  if (cimOpIsA(op, "cim.matmul") && mlirShapedTypeGetRank(at) == 2)
    result = emitTiles(&t, a, w, l.invocations, l.inDim, l.outDim, resultElem);
  else if (cimOpIsA(op, "cim.matmul"))
    result = emitBatchMatmul(&t, op, l, a, w, isSplat, wSplat, wElem,
                             resultElem);
  else
    result = emitConv(&t, op, l, a, w, isSplat, wSplat, wElem, resultElem,
                      resultType);
  if (mlirValueIsNull(result))
    return mlirLogicalResultFailure();
  mlirValueReplaceAllUsesOfWith(mlirOperationGetResult(op, 0), result);
  mlirOperationDestroy(op);
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimMapTileLayers(MlirOperation root, const CimTarget *target,
                                   int64_t rows, int64_t cols) {
  static const char *const names[] = {"cim.matmul", "cim.conv2d", NULL};
  MlirOperation *ops;
  intptr_t n;
  if (!cimMapCollect(root, names, &ops, &n)) {
    free(ops);
    cimEmitErrorf(mlirOperationGetLocation(root), "cim-tile: out of memory");
    return mlirLogicalResultFailure();
  }
  bool ok = true;
  for (intptr_t i = 0; i < n && ok; ++i)
    ok = mlirLogicalResultIsSuccess(tileLayer(ops[i], target, rows, cols));
  free(ops);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static MlirLogicalResult runTile(MlirOperation func,
                                 const CimPassOptions *options) {
  /* A function pass reads the module's target and records its own on the
   * function (cimTargetRecord): it may not change the module. */
  CimTarget target;
  if (mlirLogicalResultIsFailure(cimPassResolveTarget(
          func, "cim-tile", cimPassOptionsGetString(options, "target"), false,
          &target)))
    return mlirLogicalResultFailure();
  int64_t rows = cimPassOptionsGetInt(options, "rows");
  int64_t cols = cimPassOptionsGetInt(options, "cols");
  return cimMapTileLayers(func, &target, rows ? rows : target.rows,
                          cols ? cols : target.cols);
}

static const CimPassOptionDef tileOptions[] = {
    {"rows", CIM_PASS_OPTION_INT, "0",
     "Crossbar rows (wordlines) per tile; 0 takes the target's.", 0, 65536},
    {"cols", CIM_PASS_OPTION_INT, "0",
     "Crossbar columns (bitlines) per tile; 0 takes the target's.", 0, 65536},
    CIM_PASS_TARGET_OPTION,
};

const CimPassDef cimTilePass = {
    .argument = "cim-tile",
    .name = "CimTile",
    .summary = "Split every cim matrix-vector layer into crossbar tiles "
               "(cim.matmul_tile)",
    .description =
        "Rewrites every `cim.matmul` and `cim.conv2d` into explicit crossbar\n"
        "tiles for a `rows` x `cols` crossbar (default: the target's), with\n"
        "the target's cell bits and weight mapping. The weights of a layer\n"
        "`[K, N]` at `w_bits` form `N * S` units (one per output and weight\n"
        "slice, `S = ceil(w_bits / cell_bits)`); a tile holds up to `rows`\n"
        "inputs and `floor(cols / 2)` units (differential column), `floor(rows\n"
        "/ 2)` inputs and `cols` units (differential row), or `rows` inputs\n"
        "and `cols - 1` units beside a bias column (offset). Ragged last tiles\n"
        "included. Each tile is one `cim.matmul_tile` adding its exact\n"
        "contribution to an accumulator (row-tile partial sums and column-tile\n"
        "placement are explicit). Convolutions become `xbar.im2col` per group;\n"
        "batches and groups are reassembled with `cim.slice`, `cim.reshape`,\n"
        "`cim.transpose` and `cim.concat`. A crossbar too small for one\n"
        "column pair, row pair or data column is an error at the layer.\n"
        "Run `cim-bitslice` next (docs/design.md, \"Crossbar mapping\").\n"
        "The function records the target it was tiled for as `cim.target`\n"
        "unless the module has one; a `target=` that differs from the\n"
        "program's is an error (docs/target.md, \"One target per program\").",
    .anchor = "func.func",
    .options = tileOptions,
    .numOptions = sizeof tileOptions / sizeof tileOptions[0],
    .run = runTile,
};
