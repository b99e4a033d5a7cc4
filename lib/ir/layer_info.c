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
 * The linalg layers are read the same way, so a model can be costed before
 * it is lowered: which ops they are, which operand holds the weights and
 * which dimension counts what is the layer table (lib/ir/LayerOps.def,
 * read through lib/ir/LayerRegistry.h), the one the converter lowers.
 * Integer operands give the bits (their width; signed unless linalg extends
 * them unsigned); a float operand that is a QDQ pair, `quant.dcast` of a
 * `!quant.uniform` value (for a convolution's input also through one
 * `tensor.pad`), gives its storage type's width and signedness, and weights
 * that are `dcast(qcast(arith.constant))` count as constant; other float
 * operands have none (0) and need a policy.
 *===----------------------------------------------------------------------===*/

#include "ir/LayerInfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Quant.h"

#include "ir/LayerRegistry.h"
#include "ir/PassUtils.h"
#include "support/StrBuf.h"

bool cimIsLayerOp(MlirOperation op) {
  return cimOpIsA(op, "cim.matmul") || cimOpIsA(op, "cim.conv2d") ||
         cimLayerOpLookup(op) != NULL;
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
static int shapeOf(MlirValue v, int64_t dims[CIM_LAYER_MAX_RANK]) {
  MlirType t = mlirValueGetType(v);
  if (!mlirTypeIsARankedTensor(t) || !mlirShapedTypeHasStaticShape(t))
    return -1;
  int rank = (int)mlirShapedTypeGetRank(t);
  if (rank > CIM_LAYER_MAX_RANK)
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

void cimQuantTypeGetBits(MlirType quant, int64_t *bits, bool *isSigned) {
  *bits = mlirQuantizedTypeGetStorageTypeIntegralWidth(quant);
  *isSigned = mlirQuantizedTypeIsSigned(quant);
}

/// Bits and signedness of operand `i` of a linalg layer: a QDQ operand's
/// storage type (cimQuantTypeGetBits), else the element type (0 bits:
/// float) and linalg's extension (cimLayerOperandIsUnsigned).
static void linalgBits(MlirOperation op, intptr_t i, int64_t *bits,
                       bool *isSigned) {
  MlirValue v = mlirOperationGetOperand(op, i);
  MlirType quant = qdqElementType(v);
  if (!mlirTypeIsNull(quant)) {
    cimQuantTypeGetBits(quant, bits, isSigned);
    return;
  }
  MlirType elem = mlirShapedTypeGetElementType(mlirValueGetType(v));
  *bits = mlirTypeIsAInteger(elem) ? mlirIntegerTypeGetWidth(elem) : 0;
  *isSigned = !cimLayerOperandIsUnsigned(op, i);
}

/// The crossbar view of a linalg layer, from the letters of its row
/// (lib/ir/LayerOps.def).
static MlirLogicalResult linalgLayer(MlirOperation op, CimLayer *l) {
  MlirLocation loc = mlirOperationGetLocation(op);
  if (mlirOperationGetNumResults(op) != 1 || mlirOperationGetNumOperands(op) < 3) {
    cimEmitErrorf(loc, "layer must be a linalg op on tensors to be costed");
    return mlirLogicalResultFailure();
  }
  CimLayerAxes ax;
  if (mlirLogicalResultIsFailure(cimLayerOpGetAxes(op, NULL, &ax)))
    return mlirLogicalResultFailure();
  MlirValue wt = mlirOperationGetOperand(op, ax.weightIdx);
  int64_t w[CIM_LAYER_MAX_RANK], r[CIM_LAYER_MAX_RANK], a[CIM_LAYER_MAX_RANK];
  if (shapeOf(mlirOperationGetOperand(op, ax.actIdx), a) < 0 ||
      shapeOf(wt, w) < 0 || shapeOf(mlirOperationGetResult(op, 0), r) < 0) {
    cimEmitErrorf(loc, "layer needs static tensor shapes to be costed");
    return mlirLogicalResultFailure();
  }
  linalgBits(op, ax.actIdx, &l->aBits, &l->aSigned);
  linalgBits(op, ax.weightIdx, &l->wBits, &l->wSigned);
  l->inDim = cimLayerAxesProduct(ax.weight, w, "KCRS");
  l->outDim = cimLayerAxesProduct(ax.weight, w, "NF");
  l->repeat = cimLayerAxesProduct(ax.weight, w, "G");
  l->invocations = cimLayerAxesProduct(ax.result, r, "MBPQ");
  l->kind = !isConstantWeight(wt)            ? CIM_LAYER_MATMUL
            : cimLayerOpIsConv(ax.def)       ? CIM_LAYER_CONV2D
                                             : CIM_LAYER_DENSE;
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimLayerFromOp(MlirOperation op, CimLayer *l,
                                 int64_t *index) {
  if (cimLayerOpLookup(op)) {
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
  int64_t a[CIM_LAYER_MAX_RANK], w[CIM_LAYER_MAX_RANK], r[CIM_LAYER_MAX_RANK];
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

/// `strides` of a convolution op (a dense i64 pair, default 1).
static void stridesOf(MlirOperation op, int64_t *h, int64_t *w) {
  MlirAttribute a = attr(op, "strides");
  *h = *w = 1;
  if (!mlirAttributeIsNull(a) && mlirAttributeIsADenseIntElements(a) &&
      mlirElementsAttrGetNumElements(a) == 2) {
    *h = mlirDenseElementsAttrGetInt64Value(a, 0);
    *w = mlirDenseElementsAttrGetInt64Value(a, 1);
  }
}

/// The dim of `shape` with letter `letter` in `axes`, else `fallback`.
static int64_t axisDim(const char *axes, const int64_t *shape, char letter,
                       int64_t fallback) {
  int at = cimLayerAxesFind(axes, letter);
  return at < 0 ? fallback : shape[at];
}

/// A matmul's geometry: K inputs, N outputs, M rows per invocation, one
/// group per weight matrix (batch_matmul's heads).
static void matmulGeometry(const CimLayer *l, CimLayerGeometry *g) {
  g->inChannels = l->inDim;
  g->outChannels = l->outDim;
  g->kernelH = g->kernelW = g->strideH = g->strideW = 1;
  g->groups = l->repeat;
  g->batch = 1;
  g->inH = g->outH = l->invocations;
  g->inW = g->outW = 1;
}

/// A linalg convolution, read through its row's letters.
static MlirLogicalResult linalgConvGeometry(MlirOperation op,
                                            CimLayerGeometry *g) {
  CimLayerAxes ax;
  if (mlirLogicalResultIsFailure(cimLayerOpGetAxes(op, NULL, &ax)))
    return mlirLogicalResultFailure();
  MlirValue act = mlirOperationGetOperand(op, ax.actIdx);
  MlirValue unpadded = throughOp(act, "tensor.pad");
  int64_t a[CIM_LAYER_MAX_RANK], w[CIM_LAYER_MAX_RANK], r[CIM_LAYER_MAX_RANK];
  if (shapeOf(mlirValueIsNull(unpadded) ? act : unpadded, a) < 0 ||
      shapeOf(mlirOperationGetOperand(op, ax.weightIdx), w) < 0 ||
      shapeOf(mlirOperationGetResult(op, 0), r) < 0) {
    cimEmitErrorf(mlirOperationGetLocation(op),
                  "layer needs static tensor shapes to be described");
    return mlirLogicalResultFailure();
  }
  int64_t groups = cimLayerAxesProduct(ax.weight, w, "G");
  g->groups = groups;
  g->inChannels = groups * axisDim(ax.weight, w, 'C', 1);
  g->outChannels = groups * axisDim(ax.weight, w, 'F', 1);
  g->kernelH = axisDim(ax.weight, w, 'R', 1);
  g->kernelW = axisDim(ax.weight, w, 'S', 1);
  stridesOf(op, &g->strideH, &g->strideW);
  g->batch = axisDim(ax.result, r, 'B', 1);
  g->inH = axisDim(ax.act, a, 'H', 1);
  g->inW = axisDim(ax.act, a, 'W', 1);
  g->outH = axisDim(ax.result, r, 'P', 1);
  g->outW = axisDim(ax.result, r, 'Q', 1);
  return mlirLogicalResultSuccess();
}

/// A cim.conv2d, read through its layout.
static MlirLogicalResult cimConvGeometry(MlirOperation op, const CimLayer *l,
                                         CimLayerGeometry *g) {
  int64_t a[CIM_LAYER_MAX_RANK], w[CIM_LAYER_MAX_RANK], r[CIM_LAYER_MAX_RANK];
  if (shapeOf(mlirOperationGetOperand(op, 0), a) != 4 ||
      shapeOf(mlirOperationGetOperand(op, 1), w) != 4 ||
      shapeOf(mlirOperationGetResult(op, 0), r) != 4) {
    cimEmitErrorf(mlirOperationGetLocation(op),
                  "cim.conv2d operands and result must be 4-D");
    return mlirLogicalResultFailure();
  }
  bool nchw = stringAttrIs(op, "layout", "nchw_fchw");
  g->groups = l->repeat;
  g->inChannels = nchw ? a[1] : a[3];
  g->outChannels = nchw ? w[0] : w[3];
  g->kernelH = nchw ? w[2] : w[0];
  g->kernelW = nchw ? w[3] : w[1];
  stridesOf(op, &g->strideH, &g->strideW);
  g->batch = a[0];
  g->inH = nchw ? a[2] : a[1];
  g->inW = nchw ? a[3] : a[2];
  g->outH = nchw ? r[2] : r[1];
  g->outW = nchw ? r[3] : r[2];
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimLayerGeometryFromOp(MlirOperation op, const CimLayer *l,
                                         CimLayerGeometry *g) {
  memset(g, 0, sizeof *g);
  const CimLayerOpDef *def = cimLayerOpLookup(op);
  if (def && cimLayerOpIsConv(def))
    return linalgConvGeometry(op, g);
  if (!def && cimOpIsA(op, "cim.conv2d"))
    return cimConvGeometry(op, l, g);
  matmulGeometry(l, g);
  return mlirLogicalResultSuccess();
}

/// Collects layers; remembers the first op that looks like a layer but has
/// no row in the table.
static bool isLayer(MlirOperation op, void *userData) {
  MlirOperation *unsupported = userData;
  if (mlirOperationIsNull(*unsupported) && cimLayerOpIsUnsupported(op))
    *unsupported = op;
  return cimIsLayerOp(op);
}

MlirLogicalResult cimLayerCollect(MlirOperation root, const char *who,
                                  MlirOperation **ops, intptr_t *count) {
  MlirOperation unsupported = {NULL};
  if (!cimCollectOps(root, isLayer, &unsupported, ops, count)) {
    cimEmitErrorf(mlirOperationGetLocation(root), "%s%sout of memory",
                  who ? who : "", who ? ": " : "");
    return mlirLogicalResultFailure();
  }
  if (!mlirOperationIsNull(unsupported)) {
    cimLayerOpEmitUnsupported(unsupported, who);
    return mlirLogicalResultFailure();
  }
  return mlirLogicalResultSuccess();
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

typedef struct PolicyErrorSink {
  const MlirOperation *ops;
  MlirLocation moduleLoc;
  const char *who;
} PolicyErrorSink;

static void emitPolicyError(intptr_t layer, MlirStringRef message,
                            void *userData) {
  const PolicyErrorSink *sink = userData;
  MlirLocation loc = layer >= 0 ? mlirOperationGetLocation(sink->ops[layer])
                                : sink->moduleLoc;
  cimEmitErrorf(loc, "%s: %.*s", sink->who, (int)message.length,
                message.data);
}

MlirLogicalResult cimLayerMatchPolicy(const MlirOperation *ops, intptr_t count,
                                      CimPolicy policy, const char *who,
                                      MlirLocation moduleLoc,
                                      intptr_t *rowOfLayer) {
  enum { kNameSize = 128 }; /* as cim-estimate's table names them */
  size_t n = count > 0 ? (size_t)count : 1;
  CimPolicyLayer *layers = calloc(n, sizeof *layers);
  char *names = calloc(n, kNameSize);
  bool ok = layers && names;
  if (!ok)
    cimEmitErrorf(moduleLoc, "%s: out of memory", who);
  for (intptr_t i = 0; ok && i < count; ++i) {
    CimLayer layer;
    int64_t index;
    if (!(ok = mlirLogicalResultIsSuccess(
              cimLayerFromOp(ops[i], &layer, &index))))
      break;
    cimLayerGetName(ops[i], i, names + (size_t)i * kNameSize, kNameSize);
    layers[i] = (CimPolicyLayer){names + (size_t)i * kNameSize, layer.inDim,
                                 layer.outDim, layer.invocations,
                                 layer.repeat};
  }
  PolicyErrorSink sink = {ops, moduleLoc, who};
  ok = ok && mlirLogicalResultIsSuccess(cimPolicyMatchLayers(
                 policy, count, layers, rowOfLayer, emitPolicyError, &sink));
  free(layers);
  free(names);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
