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
 *===----------------------------------------------------------------------===*/

#include "LayerInfo.h"

#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "PassUtils.h"

bool cimIsLayerOp(MlirOperation op) {
  return cimOpIsA(op, "cim.matmul") || cimOpIsA(op, "cim.conv2d");
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
static int shapeOf(MlirValue v, int64_t dims[4]) {
  MlirType t = mlirValueGetType(v);
  if (!mlirTypeIsARankedTensor(t) || !mlirShapedTypeHasStaticShape(t))
    return -1;
  int rank = (int)mlirShapedTypeGetRank(t);
  if (rank > 4)
    return -1;
  for (int i = 0; i < rank; ++i)
    dims[i] = mlirShapedTypeGetDimSize(t, i);
  return rank;
}

MlirLogicalResult cimLayerFromOp(MlirOperation op, CimLayer *l,
                                 int64_t *index) {
  MlirLocation loc = mlirOperationGetLocation(op);
  memset(l, 0, sizeof *l);
  l->wBits = intAttr(op, "w_bits", 0);
  l->aBits = intAttr(op, "a_bits", 0);
  l->wSigned = boolAttr(op, "w_signed");
  l->aSigned = boolAttr(op, "a_signed");
  *index = intAttr(op, "layer", -1);
  bool dynamicWeights = stringAttrIs(op, "weights", "dynamic");
  int64_t a[4], w[4], r[4];
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
