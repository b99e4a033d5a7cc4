/*===-- layer_registry.c - The supported linalg layer ops ------------------===*
 *
 * The table is lib/ir/LayerOps.def; this file answers the questions every
 * consumer asks of it, so that none of them keeps a list of op names of its
 * own: lookup, the unsupported-op diagnostic, the axes of an op in the IR
 * (from the row, or from the indexing maps of a contraction), operand
 * signedness and the docs/layers.md text.
 *===----------------------------------------------------------------------===*/

#include "ir/LayerRegistry.h"

#include <assert.h>
#include <string.h>

#include "mlir-c/AffineExpr.h"
#include "mlir-c/AffineMap.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/Linalg.h"

#include "ir/PassUtils.h"
#include "support/StrBuf.h"

static const CimLayerOpDef kLayerOps[] = {
#define CIM_LAYER_OP(NAME, ACT, WEIGHT, ACT_AXES, WEIGHT_AXES, RESULT_AXES,    \
                     CIM)                                                      \
  {NAME, ACT, WEIGHT, ACT_AXES, WEIGHT_AXES, RESULT_AXES, CIM},
#include "ir/LayerOps.def"
};

enum { kNumLayerOps = sizeof kLayerOps / sizeof kLayerOps[0] };

intptr_t cimLayerOpGetNumDefs(void) { return kNumLayerOps; }

const CimLayerOpDef *cimLayerOpGetDef(intptr_t i) {
  return i >= 0 && i < kNumLayerOps ? &kLayerOps[i] : NULL;
}

static bool fromMaps(const CimLayerOpDef *def) { return def->actAxes[0] == 0; }

bool cimLayerOpIsConv(const CimLayerOpDef *def) {
  return strcmp(def->cim, "matmul") != 0;
}

const CimLayerOpDef *cimLayerOpLookup(MlirOperation op) {
  for (intptr_t i = 0; i < kNumLayerOps; ++i)
    if (cimOpIsA(op, kLayerOps[i].name))
      return fromMaps(&kLayerOps[i]) && !mlirLinalgIsAContractionOp(op)
                 ? NULL
                 : &kLayerOps[i];
  return NULL;
}

/* Named ops that compute like a layer even where linalg's interfaces do not
 * say so (quantized variants with zero-point operands, 1-D and 3-D
 * convolutions, packed matmuls): a name starting with one of these and no
 * row is unsupported, never silently skipped. */
static const char *const kLayerFamilies[] = {
    "linalg.conv_",   "linalg.depthwise_conv_", "linalg.matmul",
    "linalg.batch_",  "linalg.matvec",          "linalg.vecmat",
    "linalg.quantized_", "linalg.mmt4d",        "linalg.dot",
    "linalg.contract",
};

static bool hasPrefix(MlirOperation op, const char *prefix) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  size_t len = strlen(prefix);
  return n.length >= len && strncmp(n.data, prefix, len) == 0;
}

bool cimLayerOpIsUnsupported(MlirOperation op) {
  if (!hasPrefix(op, "linalg.") || cimLayerOpLookup(op))
    return false;
  if (mlirLinalgIsAContractionOp(op) || mlirLinalgIsAConvolutionOp(op))
    return !hasPrefix(op, "linalg.pooling_");
  for (size_t i = 0; i < sizeof kLayerFamilies / sizeof kLayerFamilies[0]; ++i)
    if (hasPrefix(op, kLayerFamilies[i]))
      return true;
  return false;
}

/// "linalg.matmul, ..., linalg.generic (a contraction), ..."
static void appendSupported(CimStrBuf *b) {
  for (intptr_t i = 0; i < kNumLayerOps; ++i)
    cimStrBufPrintf(b, "%s%s%s", i ? ", " : "", kLayerOps[i].name,
                    fromMaps(&kLayerOps[i]) ? " (a contraction)" : "");
}

void cimLayerOpEmitUnsupported(MlirOperation op, const char *who) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  CimStrBuf b = {0};
  if (who)
    cimStrBufPrintf(&b, "%s: ", who);
  cimStrBufPrintf(&b,
                  "'%.*s' is a matrix-vector layer cimlir cannot lower; "
                  "supported: ",
                  (int)n.length, n.data);
  appendSupported(&b);
  mlirEmitError(mlirOperationGetLocation(op), cimStrBufGet(&b));
  cimStrBufFree(&b);
}

/*===----------------------------------------------------------------------===*
 * Axes
 *===----------------------------------------------------------------------===*/

#ifndef NDEBUG
static int rankOf(MlirValue v) {
  MlirType t = mlirValueGetType(v);
  return mlirTypeIsAShaped(t) && mlirShapedTypeHasRank(t)
             ? (int)mlirShapedTypeGetRank(t)
             : -1;
}
#endif

/// Element i of a dense i32 or i64 array (MLIR 22's contraction inference
/// returns i32 arrays).
static int64_t arrayElement(MlirAttribute a, intptr_t i) {
  return mlirAttributeIsADenseI32Array(a) ? mlirDenseI32ArrayGetElement(a, i)
                                          : mlirDenseI64ArrayGetElement(a, i);
}

static bool oneDim(MlirAttribute a, int64_t *d) {
  if (mlirAttributeIsNull(a) || mlirDenseArrayGetNumElements(a) != 1 ||
      !(mlirAttributeIsADenseI32Array(a) || mlirAttributeIsADenseI64Array(a)))
    return false;
  *d = arrayElement(a, 0);
  return true;
}

/// Letters of one operand's map: each result a dim among `dims` (b, m, n,
/// k; -1 where absent), exactly `want` of them, no dim twice.
static bool mapLetters(MlirAffineMap map, const int64_t dims[4], int want,
                       char *out) {
  static const char letters[4] = {'G', 'M', 'N', 'K'};
  if (mlirAffineMapGetNumResults(map) != want)
    return false;
  for (intptr_t i = 0; i < want; ++i) {
    MlirAffineExpr e = mlirAffineMapGetResult(map, i);
    if (!mlirAffineExprIsADim(e))
      return false;
    int64_t d = (int64_t)mlirAffineDimExprGetPosition(e);
    out[i] = 0;
    for (int r = 0; r < 4; ++r)
      if (dims[r] >= 0 && dims[r] == d)
        out[i] = letters[r];
    if (!out[i] || memchr(out, out[i], (size_t)i))
      return false;
  }
  out[want] = '\0';
  return true;
}

/// A contraction with one m, n, k and at most one batch dimension, each
/// operand indexed by a permutation of its dims (batch, m, k / batch, k, n /
/// batch, m, n).
static bool axesFromMaps(MlirOperation op, CimLayerAxes *ax) {
  MlirLinalgContractionDimensions c = mlirLinalgInferContractionDimensions(op);
  intptr_t nb = mlirAttributeIsNull(c.batch)
                    ? 0
                    : mlirDenseArrayGetNumElements(c.batch);
  int64_t dims[4] = {-1, -1, -1, -1}; /* b, m, n, k */
  MlirAttribute maps = mlirLinalgGetIndexingMapsAttribute(op);
  if (nb > 1 || !oneDim(c.m, &dims[1]) || !oneDim(c.n, &dims[2]) ||
      !oneDim(c.k, &dims[3]) || mlirAttributeIsNull(maps) ||
      mlirArrayAttrGetNumElements(maps) != 3)
    return false;
  if (nb == 1)
    dims[0] = arrayElement(c.batch, 0);
  int rank = (int)nb + 2;
  char *out[3] = {ax->act, ax->weight, ax->result};
  int64_t operandDims[3][4] = {{dims[0], dims[1], -1, dims[3]},
                               {dims[0], -1, dims[2], dims[3]},
                               {dims[0], dims[1], dims[2], -1}};
  for (int i = 0; i < 3; ++i)
    if (!mapLetters(mlirAffineMapAttrGetValue(mlirArrayAttrGetElement(maps, i)),
                    operandDims[i], rank, out[i]))
      return false;
  return true;
}

MlirLogicalResult cimLayerOpGetAxes(MlirOperation op, const char *who,
                                    CimLayerAxes *ax) {
  const CimLayerOpDef *def = cimLayerOpLookup(op);
  memset(ax, 0, sizeof *ax);
  ax->def = def;
  ax->actIdx = def->act, ax->weightIdx = def->weight;
  bool maps = fromMaps(def) || ((cimOpIsA(op, "linalg.matmul") ||
                                 cimOpIsA(op, "linalg.batch_matmul")) &&
                                !cimLinalgHasDefaultIndexingMaps(op));
  if (maps && !axesFromMaps(op, ax)) {
    MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
    cimEmitErrorf(mlirOperationGetLocation(op),
                  "%s%s%.*s with transposed or broadcast operands is "
                  "supported only as a contraction with one M, N and K "
                  "dimension and an optional batch dimension, each operand "
                  "indexed by a permutation of its dimensions",
                  who ? who : "", who ? ": " : "", (int)n.length, n.data);
    return mlirLogicalResultFailure();
  }
  if (!maps) {
    strcpy(ax->act, def->actAxes);
    strcpy(ax->weight, def->weightAxes);
    strcpy(ax->result, def->resultAxes);
  }
  /* linalg's verifier gives named ops the ranks of their definition, and
   * the maps' letters are as many as the maps' results. */
  assert(rankOf(mlirOperationGetOperand(op, ax->actIdx)) ==
             (int)strlen(ax->act) &&
         rankOf(mlirOperationGetOperand(op, ax->weightIdx)) ==
             (int)strlen(ax->weight) &&
         rankOf(mlirOperationGetOperand(op, 2)) == (int)strlen(ax->result) &&
         "a row of LayerOps.def disagrees with linalg's op definition");
  return mlirLogicalResultSuccess();
}

int64_t cimLayerAxesProduct(const char *axes, const int64_t *shape,
                            const char *letters) {
  int64_t p = 1;
  for (size_t i = 0; axes[i]; ++i)
    if (strchr(letters, axes[i]))
      p *= shape[i];
  return p;
}

int cimLayerAxesFind(const char *axes, char letter) {
  const char *p = strchr(axes, letter);
  return p && letter ? (int)(p - axes) : -1;
}

/*===----------------------------------------------------------------------===*
 * Signedness
 *===----------------------------------------------------------------------===*/

static void appendPrinted(MlirStringRef s, void *userData) {
  cimStrBufAppendRef(userData, s);
}

bool cimLayerOperandIsUnsigned(MlirOperation op, intptr_t i) {
  if (cimOpIsA(op, "linalg.generic")) {
    MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0));
    MlirValue arg = mlirBlockGetArgument(body, i);
    for (MlirOpOperand u = mlirValueGetFirstUse(arg); !mlirOpOperandIsNull(u);
         u = mlirOpOperandGetNextUse(u))
      if (cimOpIsA(mlirOpOperandGetOwner(u), "arith.extui"))
        return true;
    return false;
  }
  MlirAttribute cast = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("cast"));
  if (mlirAttributeIsNull(cast))
    return false;
  CimStrBuf printed = {0};
  mlirAttributePrint(cast, appendPrinted, &printed);
  bool u = strcmp(cimStrBufGet(&printed), "#linalg.type_fn<cast_unsigned>") == 0;
  cimStrBufFree(&printed);
  return u;
}
