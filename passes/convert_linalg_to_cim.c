/*===-- convert_linalg_to_cim.c - convert-linalg-to-cim --------------------===*
 *
 * Lowers matrix-vector layers on integer storage tensors to the layer-level
 * cim ops a crossbar executes:
 *   linalg.matmul        a[M,K] x w[K,N]          -> cim.matmul
 *   linalg.batch_matmul  a[B,M,K] x w[B,K,N]      -> cim.matmul (rank 3)
 *   linalg.conv_2d_nchw_fchw / conv_2d_nhwc_hwcf  -> cim.conv2d
 * Each layer records the precision the crossbar mapping needs (activation and
 * weight bits, read off the signless element types; signedness, read off
 * linalg's `cast` attribute: `cast_signed`, the default, is two's complement
 * for both operands, `cast_unsigned` unsigned) and whether its weights are
 * compile-time constants (programmed once) or a run-time operand (written at
 * run time, e.g. attention's Q*K^T). Convolutions keep their strides and
 * dilations, and a `tensor.pad` of the input with a constant is folded into
 * the layer's `padding` and `pad_value`.
 *
 * Accumulation is exact: the pass proves at compile time that the result
 * element type holds every possible sum of K products over the operands'
 * storage ranges and rejects the layer, naming it and the width it needs,
 * when it cannot.
 *
 * Layers are numbered in program order (`layer`). Other linalg ops (matvec,
 * vecmat, depthwise convolutions, pooling, elementwise) are left for the
 * front-end issue and pass through untouched.
 *===----------------------------------------------------------------------===*/

#include <stdio.h>
#include <string.h>

#include "cim-c/Passes.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"
#include "mlir-c/Rewrite.h"

#include "PassUtils.h"

typedef struct PatternState {
  bool failed;       /* a layer was rejected with a diagnostic */
  int64_t nextLayer; /* program-order index of the next MVM layer */
} PatternState;

/// Bits and signedness of one operand's storage.
typedef struct Storage {
  unsigned bits;
  bool isSigned;
} Storage;

/// Reads a static integer tensor type of the given rank into dims.
static bool readIntTensor(MlirType type, intptr_t rank, int64_t *dims,
                          unsigned *bits) {
  if (!mlirTypeIsARankedTensor(type) || mlirShapedTypeGetRank(type) != rank ||
      !mlirShapedTypeHasStaticShape(type))
    return false;
  MlirType elem = mlirShapedTypeGetElementType(type);
  if (!mlirTypeIsAInteger(elem))
    return false;
  for (intptr_t i = 0; i < rank; ++i)
    dims[i] = mlirShapedTypeGetDimSize(type, i);
  *bits = mlirIntegerTypeGetWidth(elem);
  return true;
}

static void appendToBuffer(MlirStringRef s, void *userData) {
  char *buf = userData;
  size_t used = strlen(buf);
  size_t room = 127 - used;
  size_t n = s.length < room ? s.length : room;
  memcpy(buf + used, s.data, n);
  buf[used + n] = '\0';
}

/// linalg's `cast` attribute: operands are extended as unsigned when it is
/// `#linalg.type_fn<cast_unsigned>`, as signed otherwise.
static bool castsUnsigned(MlirOperation op) {
  MlirAttribute cast = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("cast"));
  if (mlirAttributeIsNull(cast))
    return false;
  char printed[128] = {0};
  mlirAttributePrint(cast, appendToBuffer, printed);
  return strcmp(printed, "#linalg.type_fn<cast_unsigned>") == 0;
}

/// True if `value` is all zeros: `arith.constant dense<0>` or `linalg.fill`
/// with a zero constant.
static bool isZeroTensor(MlirValue value) {
  if (!mlirValueIsAOpResult(value))
    return false;
  MlirOperation def = mlirOpResultGetOwner(value);
  if (cimOpIsA(def, "arith.constant")) {
    MlirAttribute v = mlirOperationGetAttributeByName(
        def, mlirStringRefCreateFromCString("value"));
    return cimAttrIsZeroSplat(v);
  }
  if (cimOpIsA(def, "linalg.fill") && mlirOperationGetNumOperands(def) == 2)
    return cimValueIsZeroConstant(mlirOperationGetOperand(def, 0));
  return false;
}

/// Range of one product a*w of the two operands' storage values.
static void productRange(Storage a, Storage w, int64_t *minProduct,
                         int64_t *maxProduct) {
  int64_t aMin = a.isSigned ? -((int64_t)1 << (a.bits - 1)) : 0;
  int64_t aMax = a.isSigned ? ((int64_t)1 << (a.bits - 1)) - 1
                            : ((int64_t)1 << a.bits) - 1;
  int64_t wMin = w.isSigned ? -((int64_t)1 << (w.bits - 1)) : 0;
  int64_t wMax = w.isSigned ? ((int64_t)1 << (w.bits - 1)) - 1
                            : ((int64_t)1 << w.bits) - 1;
  int64_t corners[4] = {aMin * wMin, aMin * wMax, aMax * wMin, aMax * wMax};
  *minProduct = *maxProduct = corners[0];
  for (int i = 1; i < 4; ++i) {
    if (corners[i] < *minProduct)
      *minProduct = corners[i];
    if (corners[i] > *maxProduct)
      *maxProduct = corners[i];
  }
}

/// Smallest signed accumulator width that holds every sum of K products.
/// Products are at most 2^16 in magnitude (8-bit operands) and K is capped by
/// the caller at 2^40, so K * product fits in int64.
static unsigned accumulatorBits(int64_t k, int64_t minProduct,
                                int64_t maxProduct) {
  int64_t lo = k * minProduct, hi = k * maxProduct;
  unsigned bits = 1;
  while (bits < 63 && !(lo >= -((int64_t)1 << (bits - 1)) &&
                        hi <= ((int64_t)1 << (bits - 1)) - 1))
    ++bits;
  return bits;
}

/// What a rewrite found out about one layer before touching the IR.
typedef struct LayerMatch {
  const char *opName; /* linalg op, for messages */
  MlirValue act, weights;
  Storage a, w;
  unsigned accBits;
  int64_t reduction; /* K: terms per dot product */
} LayerMatch;

/// The checks every layer shares: bits in 1..8, zero accumulator, exact
/// accumulation. Emits the diagnostic and returns false on failure.
static bool checkLayer(MlirOperation op, PatternState *state,
                       LayerMatch *m) {
  MlirLocation loc = mlirOperationGetLocation(op);
  m->a.isSigned = m->w.isSigned = !castsUnsigned(op);
  if (m->a.bits < 1 || m->a.bits > 8 || m->w.bits < 1 || m->w.bits > 8) {
    cimEmitErrorf(loc,
                  "convert-linalg-to-cim: activations have %u bits and "
                  "weights %u bits; crossbar layers take 1 to 8 bits",
                  m->a.bits, m->w.bits);
    return false;
  }
  if (!isZeroTensor(mlirOperationGetOperand(op, 2))) {
    cimEmitErrorf(loc,
                  "convert-linalg-to-cim: the accumulator of %s must start at "
                  "zero (linalg.fill 0 or a zero constant)",
                  m->opName);
    return false;
  }
  if (m->reduction > ((int64_t)1 << 40)) {
    cimEmitErrorf(loc, "convert-linalg-to-cim: a reduction of %lld terms is "
                       "beyond what cimlir maps (2^40)",
                  (long long)m->reduction);
    return false;
  }
  int64_t minProduct, maxProduct;
  productRange(m->a, m->w, &minProduct, &maxProduct);
  unsigned needed = accumulatorBits(m->reduction, minProduct, maxProduct);
  if (needed > m->accBits) {
    cimEmitErrorf(loc,
                  "convert-linalg-to-cim: layer %lld can overflow its "
                  "accumulator: a %lld-term dot product of %u-bit %s "
                  "activations and %u-bit weights needs %u bits, the result "
                  "has %u",
                  (long long)state->nextLayer, (long long)m->reduction,
                  m->a.bits, m->a.isSigned ? "signed" : "unsigned", m->w.bits,
                  needed, m->accBits);
    return false;
  }
  return true;
}

/// Creates `name` with the shared layer attributes plus `extra`, and replaces
/// `op` with it.
static void replaceWithLayer(MlirOperation op, MlirPatternRewriter rewriter,
                             PatternState *state, const LayerMatch *m,
                             const char *name, MlirNamedAttribute *extra,
                             intptr_t numExtra) {
  MlirContext ctx = mlirOperationGetContext(op);
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirType resultType = mlirValueGetType(mlirOperationGetResult(op, 0));
  bool staticWeights = mlirValueIsAOpResult(m->weights) &&
                       cimOpIsA(mlirOpResultGetOwner(m->weights), "arith.constant");
  MlirOperationState st =
      mlirOperationStateGet(mlirStringRefCreateFromCString(name), loc);
  MlirValue operands[2] = {m->act, m->weights};
  mlirOperationStateAddOperands(&st, 2, operands);
  mlirOperationStateAddResults(&st, 1, &resultType);
  MlirNamedAttribute attrs[] = {
      cimNamedI64(ctx, "layer", state->nextLayer),
      cimNamedI64(ctx, "a_bits", m->a.bits),
      cimNamedI64(ctx, "w_bits", m->w.bits),
      cimNamedBool(ctx, "a_signed", m->a.isSigned),
      cimNamedBool(ctx, "w_signed", m->w.isSigned),
      cimNamedString(ctx, "weights", staticWeights ? "static" : "dynamic"),
  };
  mlirOperationStateAddAttributes(&st, sizeof attrs / sizeof attrs[0], attrs);
  if (numExtra)
    mlirOperationStateAddAttributes(&st, numExtra, extra);
  MlirOperation layer = mlirOperationCreate(&st);
  MlirRewriterBase base = mlirPatternRewriterAsBase(rewriter);
  mlirRewriterBaseInsert(base, layer);
  mlirRewriterBaseReplaceOpWithOperation(base, op, layer);
  ++state->nextLayer;
}

static MlirLogicalResult reject(PatternState *state) {
  state->failed = true;
  return mlirLogicalResultFailure();
}

/// Starts a match of a linalg layer op named `opName`: it must work on
/// tensors (one result; on memrefs there is none) with two inputs and an
/// init. Emits the diagnostic and returns false otherwise.
static bool beginMatch(MlirOperation op, const char *opName, LayerMatch *m) {
  *m = (LayerMatch){0};
  m->opName = opName;
  if (mlirOperationGetNumOperands(op) != 3 ||
      mlirOperationGetNumResults(op) != 1) {
    cimEmitErrorf(mlirOperationGetLocation(op),
                  "convert-linalg-to-cim: expected %s on tensors with one "
                  "result",
                  opName);
    return false;
  }
  m->act = mlirOperationGetOperand(op, 0);
  m->weights = mlirOperationGetOperand(op, 1);
  return true;
}

/// Both matmul forms: rank 2 ([M,K] x [K,N]) and rank 3 with a batch.
static MlirLogicalResult rewriteMatmul(MlirRewritePattern pattern,
                                       MlirOperation op,
                                       MlirPatternRewriter rewriter,
                                       void *userData) {
  (void)pattern;
  PatternState *state = userData;
  MlirLocation loc = mlirOperationGetLocation(op);
  bool batched = cimOpIsA(op, "linalg.batch_matmul");
  LayerMatch m;
  if (!beginMatch(op, batched ? "linalg.batch_matmul" : "linalg.matmul", &m))
    return reject(state);
  if (!cimLinalgHasDefaultIndexingMaps(op)) {
    cimEmitErrorf(loc, "convert-linalg-to-cim: %s with transposed or "
                       "broadcast operands (non-default indexing_maps) is not "
                       "supported; transpose the operand explicitly",
                  m.opName);
    return reject(state);
  }
  intptr_t rank = batched ? 3 : 2;
  int64_t a[3], w[3], r[3];
  if (!readIntTensor(mlirValueGetType(m.act), rank, a, &m.a.bits) ||
      !readIntTensor(mlirValueGetType(m.weights), rank, w, &m.w.bits) ||
      !readIntTensor(mlirValueGetType(mlirOperationGetResult(op, 0)), rank, r,
                     &m.accBits)) {
    cimEmitErrorf(loc,
                  "convert-linalg-to-cim: %s needs %ld-D static integer "
                  "tensors (quantized storage); quantize float operands first",
                  m.opName, (long)rank);
    return reject(state);
  }
  m.reduction = a[rank - 1];
  if (!checkLayer(op, state, &m))
    return reject(state);
  replaceWithLayer(op, rewriter, state, &m, "cim.matmul", NULL, 0);
  return mlirLogicalResultSuccess();
}

/// Reads linalg's `strides` / `dilations` (2 values, default 1).
static void readPair(MlirOperation op, const char *name, int64_t out[2]) {
  out[0] = out[1] = 1;
  MlirAttribute a =
      mlirOperationGetAttributeByName(op, mlirStringRefCreateFromCString(name));
  if (!mlirAttributeIsNull(a) && mlirAttributeIsADenseElements(a) &&
      mlirElementsAttrGetNumElements(a) == 2)
    for (int i = 0; i < 2; ++i)
      out[i] = mlirDenseElementsAttrGetInt64Value(a, i);
}

/// If `x` is a `tensor.pad` of only the spatial dims with a constant integer,
/// returns its source and sets padding [top, left, bottom, right] and value.
static bool foldPad(MlirValue x, bool nchw, int64_t padding[4],
                    int64_t *padValue, MlirValue *source) {
  if (!mlirValueIsAOpResult(x))
    return false;
  MlirOperation pad = mlirOpResultGetOwner(x);
  if (!cimOpIsA(pad, "tensor.pad") || mlirOperationGetNumOperands(pad) != 1)
    return false; /* dynamic low/high operands: not folded */
  MlirAttribute lo = mlirOperationGetAttributeByName(
      pad, mlirStringRefCreateFromCString("static_low"));
  MlirAttribute hi = mlirOperationGetAttributeByName(
      pad, mlirStringRefCreateFromCString("static_high"));
  if (mlirAttributeIsNull(lo) || mlirAttributeIsNull(hi) ||
      !mlirAttributeIsADenseI64Array(lo) || !mlirAttributeIsADenseI64Array(hi) ||
      mlirDenseArrayGetNumElements(lo) != 4 || mlirDenseArrayGetNumElements(hi) != 4)
    return false;
  int h = nchw ? 2 : 1, w = nchw ? 3 : 2;
  for (int d = 0; d < 4; ++d)
    if (d != h && d != w && (mlirDenseI64ArrayGetElement(lo, d) != 0 ||
                             mlirDenseI64ArrayGetElement(hi, d) != 0))
      return false;
  /* The padding value: the region's tensor.yield of an integer constant. */
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(pad, 0));
  MlirOperation yield = mlirBlockGetTerminator(body);
  if (mlirOperationIsNull(yield) || mlirOperationGetNumOperands(yield) != 1)
    return false;
  MlirValue v = mlirOperationGetOperand(yield, 0);
  if (!mlirValueIsAOpResult(v) ||
      !cimOpIsA(mlirOpResultGetOwner(v), "arith.constant"))
    return false;
  MlirAttribute c = mlirOperationGetAttributeByName(
      mlirOpResultGetOwner(v), mlirStringRefCreateFromCString("value"));
  if (mlirAttributeIsNull(c) || !mlirAttributeIsAInteger(c))
    return false;
  padding[0] = mlirDenseI64ArrayGetElement(lo, h);
  padding[1] = mlirDenseI64ArrayGetElement(lo, w);
  padding[2] = mlirDenseI64ArrayGetElement(hi, h);
  padding[3] = mlirDenseI64ArrayGetElement(hi, w);
  *padValue = mlirIntegerAttrGetValueInt(c);
  *source = mlirOperationGetOperand(pad, 0);
  return true;
}

static MlirLogicalResult rewriteConv(MlirRewritePattern pattern,
                                     MlirOperation op,
                                     MlirPatternRewriter rewriter,
                                     void *userData) {
  (void)pattern;
  PatternState *state = userData;
  MlirLocation loc = mlirOperationGetLocation(op);
  bool nchw = cimOpIsA(op, "linalg.conv_2d_nchw_fchw");
  LayerMatch m;
  if (!beginMatch(op, nchw ? "linalg.conv_2d_nchw_fchw"
                           : "linalg.conv_2d_nhwc_hwcf",
                  &m))
    return reject(state);
  int64_t x[4], w[4], r[4];
  if (!readIntTensor(mlirValueGetType(m.act), 4, x, &m.a.bits) ||
      !readIntTensor(mlirValueGetType(m.weights), 4, w, &m.w.bits) ||
      !readIntTensor(mlirValueGetType(mlirOperationGetResult(op, 0)), 4, r,
                     &m.accBits)) {
    cimEmitErrorf(loc,
                  "convert-linalg-to-cim: %s needs 4-D static integer tensors "
                  "(quantized storage); quantize float operands first",
                  m.opName);
    return reject(state);
  }
  /* nchw_fchw: w[F,C,KH,KW]; nhwc_hwcf: w[KH,KW,C,F]. */
  m.reduction = nchw ? w[1] * w[2] * w[3] : w[0] * w[1] * w[2];
  if (!checkLayer(op, state, &m))
    return reject(state);

  int64_t strides[2], dilations[2], padding[4] = {0, 0, 0, 0}, padValue = 0;
  readPair(op, "strides", strides);
  readPair(op, "dilations", dilations);
  MlirValue unpadded;
  if (foldPad(m.act, nchw, padding, &padValue, &unpadded))
    m.act = unpadded;
  MlirContext ctx = mlirOperationGetContext(op);
  MlirNamedAttribute extra[] = {
      cimNamedString(ctx, "layout", nchw ? "nchw_fchw" : "nhwc_hwcf"),
      mlirNamedAttributeGet(
          mlirIdentifierGet(ctx, mlirStringRefCreateFromCString("strides")),
          mlirDenseI64ArrayGet(ctx, 2, strides)),
      mlirNamedAttributeGet(
          mlirIdentifierGet(ctx, mlirStringRefCreateFromCString("dilations")),
          mlirDenseI64ArrayGet(ctx, 2, dilations)),
      mlirNamedAttributeGet(
          mlirIdentifierGet(ctx, mlirStringRefCreateFromCString("padding")),
          mlirDenseI64ArrayGet(ctx, 4, padding)),
      cimNamedI64(ctx, "groups", 1),
      cimNamedI64(ctx, "pad_value", padValue),
  };
  replaceWithLayer(op, rewriter, state, &m, "cim.conv2d", extra,
                   sizeof extra / sizeof extra[0]);
  return mlirLogicalResultSuccess();
}

static MlirLogicalResult runConvertLinalgToCim(MlirOperation func,
                                               const CimPassOptions *options) {
  (void)options;
  MlirContext ctx = mlirOperationGetContext(func);
  PatternState state = {false, 0};
  static const struct {
    const char *root;
    MlirLogicalResult (*rewrite)(MlirRewritePattern, MlirOperation,
                                 MlirPatternRewriter, void *);
  } patterns[] = {
      {"linalg.matmul", rewriteMatmul},
      {"linalg.batch_matmul", rewriteMatmul},
      {"linalg.conv_2d_nchw_fchw", rewriteConv},
      {"linalg.conv_2d_nhwc_hwcf", rewriteConv},
  };
  MlirRewritePatternSet set = mlirRewritePatternSetCreate(ctx);
  for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; ++i) {
    MlirRewritePatternCallbacks callbacks = {NULL, NULL, patterns[i].rewrite};
    mlirRewritePatternSetAdd(
        set, mlirOpRewritePatternCreate(
                 mlirStringRefCreateFromCString(patterns[i].root), 1, ctx,
                 callbacks, &state, 0, NULL));
  }
  MlirFrozenRewritePatternSet frozen = mlirFreezeRewritePattern(set);
  /* Freezing moves the patterns out but (in MLIR 22) does not free the set
   * object itself; destroy the empty shell to avoid a leak. */
  mlirRewritePatternSetDestroy(set);
  /* The walk driver visits each op once in program order, so layers are
   * numbered in the order they appear. */
  mlirWalkAndApplyPatterns(func, frozen);
  mlirFrozenRewritePatternSetDestroy(frozen);
  /* IRDL ops carry no side-effect information, so nothing here relies on
   * the driver erasing dead ops: each replaced linalg op is erased by
   * ReplaceOpWithOperation; zero inits and folded pads stay for
   * canonicalize. */
  return state.failed ? mlirLogicalResultFailure() : mlirLogicalResultSuccess();
}

const CimPassDef cimConvertLinalgToCimPass = {
    .argument = "convert-linalg-to-cim",
    .name = "ConvertLinalgToCim",
    .summary = "Lower linalg matmul, batch_matmul and 2-D convolutions on "
               "integer tensors to cim layers",
    .description =
        "Turns `linalg.matmul` and `linalg.batch_matmul` into `cim.matmul`\n"
        "(rank 2 or 3) and `linalg.conv_2d_nchw_fchw` /\n"
        "`linalg.conv_2d_nhwc_hwcf` into `cim.conv2d` (layout, strides,\n"
        "dilations; a `tensor.pad` of the input with an integer constant is\n"
        "folded into `padding` = [top, left, bottom, right] and\n"
        "`pad_value`). Operands must be static integer tensors (quantized\n"
        "storage, 1 to 8 bits; two's complement unless the op has\n"
        "`cast = #linalg.type_fn<cast_unsigned>`) and the accumulator must\n"
        "start at zero. Every layer gets `layer` (program-order index),\n"
        "`a_bits`, `w_bits`, `a_signed`, `w_signed` and `weights` (`static`\n"
        "when the weights are an `arith.constant`, `dynamic` otherwise:\n"
        "they are written to the crossbar at run time).\n\n"
        "The pass proves that the result element type holds every sum of\n"
        "K products over the operands' storage ranges and rejects a layer\n"
        "that could overflow, naming the layer and the accumulator width it\n"
        "needs. Float operands, non-zero accumulators and bit widths above\n"
        "8 are rejected with a diagnostic at the op. Other linalg ops pass\n"
        "through unchanged (the front-end issue extends this pass).",
    .anchor = "func.func",
    .options = NULL,
    .numOptions = 0,
    .run = runConvertLinalgToCim,
};
