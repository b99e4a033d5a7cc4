/*===-- layer_info.c - Matrix-vector layers read off cim IR ----------------===*
 *
 * How a cim layer becomes a crossbar matrix:
 *  - cim.matmul a[M,K] x w[K,N]: in_dim K, out_dim N, M invocations (one per
 *    row of a); with a leading batch B (a[B,M,K], w[B,K,N]) every batch entry
 *    has its own weights: repeat B.
 *  - cim.conv2d (im2col): in_dim = C/groups * KH * KW, out_dim = F/groups,
 *    invocations = N * OH * OW, repeat = groups (each group is its own
 *    matrix; depthwise has groups = C).
 * Weights that are a run-time operand make the layer a MATMUL (written at run
 * time), constant weights a DENSE or CONV2D layer.
 *
 * The linalg forms are read the same way, so a model can be costed before it
 * is lowered: matmul and batch_matmul as above; matvec m[M,N] x v[N] (the
 * matrix is the weight: in_dim N, out_dim M, 1 invocation); vecmat v[M] x
 * m[M,N] (in_dim M, out_dim N); conv_2d_nchw_fchw and conv_2d_nhwc_hwcf
 * (groups 1); depthwise_conv_2d_nchw_chw / _nhwc_hwc (in_dim KH*KW, out_dim
 * 1, repeat C). Integer operands give the bits (their width; signed unless
 * `cast = #linalg.type_fn<cast_unsigned>`); a float operand that is a QDQ
 * pair, `quant.dcast` of a `!quant.uniform` value (for a convolution's input
 * also through one `tensor.pad`), gives its storage type's width and
 * signedness, and weights that are `dcast(qcast(arith.constant))` count as
 * constant; other float operands have none (0) and need a policy.
 *===----------------------------------------------------------------------===*/

#include "ir/LayerInfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Quant.h"

#include "ir/PassUtils.h"
#include "support/StrBuf.h"

static const char *const linalgLayerOps[] = {
    "linalg.matmul",
    "linalg.batch_matmul",
    "linalg.matvec",
    "linalg.vecmat",
    "linalg.conv_2d_nchw_fchw",
    "linalg.conv_2d_nhwc_hwcf",
    "linalg.depthwise_conv_2d_nchw_chw",
    "linalg.depthwise_conv_2d_nhwc_hwc",
};

static bool isLinalgLayerOp(MlirOperation op) {
  for (size_t i = 0; i < sizeof linalgLayerOps / sizeof linalgLayerOps[0]; ++i)
    if (cimOpIsA(op, linalgLayerOps[i]))
      return true;
  return false;
}

bool cimIsLayerOp(MlirOperation op) {
  return cimOpIsA(op, "cim.matmul") || cimOpIsA(op, "cim.conv2d") ||
         isLinalgLayerOp(op);
}

static MlirAttribute attr(MlirOperation op, const char *name) {
  return mlirOperationGetAttributeByName(op, mlirStringRefCreateFromCString(name));
}

static int64_t intAttr(MlirOperation op, const char *name, int64_t fallback) {
  MlirAttribute a = attr(op, name);
  return (!mlirAttributeIsNull(a) && mlirAttributeIsAInteger(a))
             ? mlirIntegerAttrGetValueInt(a)
             : fallback;
}

static bool boolAttr(MlirOperation op, const char *name) {
  MlirAttribute a = attr(op, name);
  return !mlirAttributeIsNull(a) && mlirAttributeIsABool(a) &&
         mlirBoolAttrGetValue(a);
}

static bool stringAttrIs(MlirOperation op, const char *name, const char *value) {
  MlirAttribute a = attr(op, name);
  return !mlirAttributeIsNull(a) && mlirAttributeIsAString(a) &&
         mlirStringRefEqual(mlirStringAttrGetValue(a),
                            mlirStringRefCreateFromCString(value));
}

/// Static shape of a ranked tensor value into dims; returns the rank or -1.
static int shapeOf(MlirValue v, int64_t dims[5]) {
  MlirType t = mlirValueGetType(v);
  if (!mlirTypeIsARankedTensor(t) || !mlirShapedTypeHasStaticShape(t))
    return -1;
  int rank = (int)mlirShapedTypeGetRank(t);
  if (rank > 5)
    return -1;
  for (int i = 0; i < rank; ++i)
    dims[i] = mlirShapedTypeGetDimSize(t, i);
  return rank;
}

/// The operand of `v`'s defining op if that op is named `name`, else null.
static MlirValue throughOp(MlirValue v, const char *name) {
  if (mlirValueIsNull(v) || !mlirValueIsAOpResult(v) ||
      !cimOpIsA(mlirOpResultGetOwner(v), name) ||
      mlirOperationGetNumOperands(mlirOpResultGetOwner(v)) < 1)
    return (MlirValue){NULL};
  return mlirOperationGetOperand(mlirOpResultGetOwner(v), 0);
}

/// The `!quant` element type of a QDQ operand: `v` is `quant.dcast` of a
/// quantized tensor, looking through one `tensor.pad` in front of it. Null
/// when `v` is not such an operand.
static MlirType qdqElementType(MlirValue v) {
  MlirValue padded = throughOp(v, "tensor.pad");
  MlirValue q = throughOp(mlirValueIsNull(padded) ? v : padded, "quant.dcast");
  if (mlirValueIsNull(q) || !mlirTypeIsAShaped(mlirValueGetType(q)))
    return (MlirType){NULL};
  MlirType elem = mlirShapedTypeGetElementType(mlirValueGetType(q));
  return mlirTypeIsAQuantizedType(elem) ? elem : (MlirType){NULL};
}

/// Weights are constant when they are an `arith.constant`, also behind a
/// `quant.dcast(quant.qcast(...))` pair.
static bool isConstantWeight(MlirValue w) {
  MlirValue q = throughOp(throughOp(w, "quant.dcast"), "quant.qcast");
  if (!mlirValueIsNull(q))
    w = q;
  return mlirValueIsAOpResult(w) &&
         cimOpIsA(mlirOpResultGetOwner(w), "arith.constant");
}

/// Bits and signedness of a linalg operand: a QDQ operand's storage type, else
/// the element type (0 bits: float).
static void linalgBits(MlirOperation op, MlirValue v, int64_t *bits,
                       bool *isSigned) {
  MlirType quant = qdqElementType(v);
  if (!mlirTypeIsNull(quant)) {
    *bits = mlirQuantizedTypeGetStorageTypeIntegralWidth(quant);
    *isSigned = mlirQuantizedTypeIsSigned(quant);
    return;
  }
  MlirType elem = mlirShapedTypeGetElementType(mlirValueGetType(v));
  *bits = mlirTypeIsAInteger(elem) ? mlirIntegerTypeGetWidth(elem) : 0;
  MlirAttribute cast = attr(op, "cast");
  *isSigned = true;
  if (!mlirAttributeIsNull(cast)) {
    CimStrBuf printed = {0};
    mlirAttributePrint(cast, cimStrBufCallback, &printed);
    *isSigned = strcmp(cimStrBufGet(&printed), "#linalg.type_fn<cast_unsigned>") != 0;
    cimStrBufFree(&printed);
  }
}

static MlirLogicalResult linalgLayer(MlirOperation op, CimLayer *l) {
  MlirLocation loc = mlirOperationGetLocation(op);
  if (mlirOperationGetNumResults(op) != 1 || mlirOperationGetNumOperands(op) < 3) {
    cimEmitErrorf(loc, "layer must be a linalg op on tensors to be costed");
    return mlirLogicalResultFailure();
  }
  MlirValue in0 = mlirOperationGetOperand(op, 0);
  MlirValue in1 = mlirOperationGetOperand(op, 1);
  int64_t a[5], b[5], r[5];
  int r0 = shapeOf(in0, a), r1 = shapeOf(in1, b), rr = shapeOf(mlirOperationGetResult(op, 0), r);
  if (r0 < 0 || r1 < 0 || rr < 0) {
    cimEmitErrorf(loc, "layer needs static tensor shapes to be costed");
    return mlirLogicalResultFailure();
  }
  if (!cimLinalgHasDefaultIndexingMaps(op)) {
    cimEmitErrorf(loc, "layer with transposed or broadcast operands "
                       "(non-default indexing_maps) cannot be costed yet");
    return mlirLogicalResultFailure();
  }
  /* Operand ranks as each op defines them (activation, weights). */
  static const struct {
    const char *name;
    int act, wt;
  } ranks[] = {{"linalg.matmul", 2, 2},
               {"linalg.batch_matmul", 3, 3},
               {"linalg.matvec", 1, 2},
               {"linalg.vecmat", 1, 2},
               {"linalg.conv_2d_nchw_fchw", 4, 4},
               {"linalg.conv_2d_nhwc_hwcf", 4, 4},
               {"linalg.depthwise_conv_2d_nchw_chw", 4, 3},
               {"linalg.depthwise_conv_2d_nhwc_hwc", 4, 3}};
  for (size_t i = 0; i < sizeof ranks / sizeof ranks[0]; ++i)
    if (cimOpIsA(op, ranks[i].name)) {
      bool mv = cimOpIsA(op, "linalg.matvec");
      int actRank = mv ? r1 : r0, wtRank = mv ? r0 : r1;
      if (actRank != ranks[i].act || wtRank != ranks[i].wt) {
        cimEmitErrorf(loc, "%s operands have ranks %d and %d, expected %d and "
                           "%d",
                      ranks[i].name, r0, r1, mv ? ranks[i].wt : ranks[i].act,
                      mv ? ranks[i].act : ranks[i].wt);
        return mlirLogicalResultFailure();
      }
    }
  /* Which input holds the weights: the matrix of matvec, else the second. */
  bool weightsFirst = cimOpIsA(op, "linalg.matvec");
  MlirValue act = weightsFirst ? in1 : in0, wt = weightsFirst ? in0 : in1;
  linalgBits(op, act, &l->aBits, &l->aSigned);
  linalgBits(op, wt, &l->wBits, &l->wSigned);
  bool constant = isConstantWeight(wt);
  l->repeat = 1;
  if (cimOpIsA(op, "linalg.matmul")) {
    l->inDim = a[1], l->outDim = b[1], l->invocations = a[0];
  } else if (cimOpIsA(op, "linalg.batch_matmul")) {
    l->inDim = a[2], l->outDim = b[2], l->invocations = a[1], l->repeat = a[0];
  } else if (cimOpIsA(op, "linalg.matvec")) {
    l->inDim = a[1], l->outDim = a[0], l->invocations = 1;
  } else if (cimOpIsA(op, "linalg.vecmat")) {
    l->inDim = b[0], l->outDim = b[1], l->invocations = 1;
  } else if (cimOpIsA(op, "linalg.conv_2d_nchw_fchw")) {
    l->inDim = b[1] * b[2] * b[3], l->outDim = b[0];
    l->invocations = r[0] * r[2] * r[3];
  } else if (cimOpIsA(op, "linalg.conv_2d_nhwc_hwcf")) {
    l->inDim = b[0] * b[1] * b[2], l->outDim = b[3];
    l->invocations = r[0] * r[1] * r[2];
  } else if (cimOpIsA(op, "linalg.depthwise_conv_2d_nchw_chw")) {
    l->inDim = b[1] * b[2], l->outDim = 1, l->repeat = b[0];
    l->invocations = r[0] * r[2] * r[3];
  } else { /* linalg.depthwise_conv_2d_nhwc_hwc */
    l->inDim = b[0] * b[1], l->outDim = 1, l->repeat = b[2];
    l->invocations = r[0] * r[1] * r[2];
  }
  bool conv = !cimOpIsA(op, "linalg.matmul") &&
              !cimOpIsA(op, "linalg.batch_matmul") &&
              !cimOpIsA(op, "linalg.matvec") && !cimOpIsA(op, "linalg.vecmat");
  l->kind = !constant ? CIM_LAYER_MATMUL : conv ? CIM_LAYER_CONV2D : CIM_LAYER_DENSE;
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimLayerFromOp(MlirOperation op, CimLayer *l,
                                 int64_t *index) {
  if (isLinalgLayerOp(op)) {
    memset(l, 0, sizeof *l);
    *index = -1;
    return linalgLayer(op, l);
  }
  MlirLocation loc = mlirOperationGetLocation(op);
  memset(l, 0, sizeof *l);
  l->wBits = intAttr(op, "w_bits", 0);
  l->aBits = intAttr(op, "a_bits", 0);
  l->wSigned = boolAttr(op, "w_signed");
  l->aSigned = boolAttr(op, "a_signed");
  *index = intAttr(op, "layer", -1);
  bool dynamicWeights = stringAttrIs(op, "weights", "dynamic");
  int64_t a[5], w[5], r[5];
  int ra = shapeOf(mlirOperationGetOperand(op, 0), a);
  int rw = shapeOf(mlirOperationGetOperand(op, 1), w);
  int rr = shapeOf(mlirOperationGetResult(op, 0), r);
  if (ra < 0 || rw < 0 || rr < 0) {
    cimEmitErrorf(loc, "layer needs static tensor shapes to be costed");
    return mlirLogicalResultFailure();
  }
  if (cimOpIsA(op, "cim.matmul")) {
    if (!((ra == 2 && rw == 2) || (ra == 3 && rw == 3 && a[0] == w[0]))) {
      cimEmitErrorf(loc, "cim.matmul operands must be [M,K] x [K,N] or "
                         "[B,M,K] x [B,K,N]");
      return mlirLogicalResultFailure();
    }
    int o = ra - 2;
    l->kind = dynamicWeights ? CIM_LAYER_MATMUL : CIM_LAYER_DENSE;
    l->inDim = a[o + 1];
    l->outDim = w[o + 1];
    l->invocations = a[o];
    l->repeat = ra == 3 ? a[0] : 1;
    return mlirLogicalResultSuccess();
  }
  /* cim.conv2d */
  if (ra != 4 || rw != 4 || rr != 4) {
    cimEmitErrorf(loc, "cim.conv2d operands and result must be 4-D");
    return mlirLogicalResultFailure();
  }
  int64_t groups = intAttr(op, "groups", 1);
  bool nchw = stringAttrIs(op, "layout", "nchw_fchw");
  /* nchw_fchw: x[N,C,H,W] w[F,C/g,KH,KW] r[N,F,OH,OW]
   * nhwc_hwcf: x[N,H,W,C] w[KH,KW,C/g,F] r[N,OH,OW,F] */
  int64_t cPerGroup = nchw ? w[1] : w[2];
  int64_t kh = nchw ? w[2] : w[0], kw = nchw ? w[3] : w[1];
  int64_t f = nchw ? w[0] : w[3];
  int64_t oh = nchw ? r[2] : r[1], ow = nchw ? r[3] : r[2];
  if (groups < 1 || f % groups != 0) {
    cimEmitErrorf(loc, "cim.conv2d: %lld filters do not split into %lld groups",
                  (long long)f, (long long)groups);
    return mlirLogicalResultFailure();
  }
  l->kind = dynamicWeights ? CIM_LAYER_MATMUL : CIM_LAYER_CONV2D;
  l->inDim = cPerGroup * kh * kw;
  l->outDim = f / groups;
  l->invocations = r[0] * oh * ow;
  l->repeat = groups;
  return mlirLogicalResultSuccess();
}

static bool isLayer(MlirOperation op, void *userData) {
  (void)userData;
  return cimIsLayerOp(op);
}

bool cimLayerCollect(MlirOperation root, MlirOperation **ops,
                     intptr_t *count) {
  return cimCollectOps(root, isLayer, NULL, ops, count);
}

void cimLayerGetName(MlirOperation op, intptr_t index, char *buf,
                     size_t size) {
  MlirLocation loc = mlirOperationGetLocation(op);
  if (mlirLocationIsAName(loc)) {
    MlirStringRef n = mlirIdentifierStr(mlirLocationNameGetName(loc));
    snprintf(buf, size, "%.*s", (int)n.length, n.data);
  } else {
    snprintf(buf, size, "layer %lld", (long long)index);
  }
}
