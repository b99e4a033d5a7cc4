/*===-- convert_linalg_to_cim.c - convert-linalg-to-cim --------------------===*
 *
 * Lowers `linalg.matmul` on integer storage tensors to the layer-level
 * `cim.matmul`: the matrix-vector layer a crossbar executes. The layer records
 * the precision the crossbar mapping needs (activation and weight bits and
 * signedness, read off the element types: `iN` is two's complement, `uiN` is
 * unsigned) and whether its weights are compile-time constants (programmed
 * once) or a run-time operand (written at run time, e.g. attention's Q*K^T).
 *
 * Accumulation is exact: the pass proves at compile time that the result
 * element type holds every possible dot product
 * (K * max|a| * max|w|) and rejects the layer, naming it, when it cannot.
 *
 * This first version handles linalg.matmul with a zero-initialised
 * accumulator; other linalg ops are left for the front-end issue (QDQ
 * recognition, convolutions, pooling, ...) and pass through untouched.
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
  bool failed;      /* a layer was rejected with a diagnostic */
  int64_t nextLayer; /* program-order index of the next MVM layer */
} PatternState;

/// Facts about one integer operand of a layer.
typedef struct IntOperand {
  int64_t rows, cols;
  unsigned bits;
  bool isSigned;
} IntOperand;

/// Reads a rank-2 static integer tensor type. Returns false otherwise.
static bool readMatrix(MlirType type, IntOperand *out) {
  if (!mlirTypeIsARankedTensor(type) || mlirShapedTypeGetRank(type) != 2 ||
      !mlirShapedTypeHasStaticShape(type))
    return false;
  MlirType elem = mlirShapedTypeGetElementType(type);
  if (!mlirTypeIsAInteger(elem))
    return false;
  out->rows = mlirShapedTypeGetDimSize(type, 0);
  out->cols = mlirShapedTypeGetDimSize(type, 1);
  out->bits = mlirIntegerTypeGetWidth(elem);
  out->isSigned = true;
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

/// linalg.matmul's `cast` attribute: operands are extended as unsigned when
/// it is `#linalg.type_fn<cast_unsigned>`, as signed otherwise.
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
static void productRange(const IntOperand *a, const IntOperand *w,
                         int64_t *minProduct, int64_t *maxProduct) {
  int64_t aMin = a->isSigned ? -((int64_t)1 << (a->bits - 1)) : 0;
  int64_t aMax = a->isSigned ? ((int64_t)1 << (a->bits - 1)) - 1
                             : ((int64_t)1 << a->bits) - 1;
  int64_t wMin = w->isSigned ? -((int64_t)1 << (w->bits - 1)) : 0;
  int64_t wMax = w->isSigned ? ((int64_t)1 << (w->bits - 1)) - 1
                             : ((int64_t)1 << w->bits) - 1;
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

static MlirLogicalResult rewriteMatmul(MlirRewritePattern pattern,
                                       MlirOperation op,
                                       MlirPatternRewriter rewriter,
                                       void *userData) {
  (void)pattern;
  PatternState *state = userData;
  MlirLocation loc = mlirOperationGetLocation(op);
  if (mlirOperationGetNumOperands(op) != 3 ||
      mlirOperationGetNumResults(op) != 1) {
    /* linalg.matmul on buffers (memref) has no result: not a tensor layer. */
    cimEmitErrorf(loc, "convert-linalg-to-cim: expected linalg.matmul on "
                       "tensors with one result");
    state->failed = true;
    return mlirLogicalResultFailure();
  }
  MlirValue a = mlirOperationGetOperand(op, 0);
  MlirValue w = mlirOperationGetOperand(op, 1);
  MlirValue init = mlirOperationGetOperand(op, 2);
  MlirType resultType = mlirValueGetType(mlirOperationGetResult(op, 0));

  IntOperand act, wt, acc;
  if (!readMatrix(mlirValueGetType(a), &act) ||
      !readMatrix(mlirValueGetType(w), &wt) || !readMatrix(resultType, &acc)) {
    cimEmitErrorf(loc,
                  "convert-linalg-to-cim: linalg.matmul needs 2-D static "
                  "integer tensors (quantized storage); quantize float "
                  "operands first");
    state->failed = true;
    return mlirLogicalResultFailure();
  }
  act.isSigned = wt.isSigned = !castsUnsigned(op);
  if (act.bits < 1 || act.bits > 8 || wt.bits < 1 || wt.bits > 8) {
    cimEmitErrorf(loc,
                  "convert-linalg-to-cim: activations have %u bits and "
                  "weights %u bits; crossbar layers take 1 to 8 bits",
                  act.bits, wt.bits);
    state->failed = true;
    return mlirLogicalResultFailure();
  }
  if (!isZeroTensor(init)) {
    cimEmitErrorf(loc,
                  "convert-linalg-to-cim: the accumulator of linalg.matmul "
                  "must start at zero (linalg.fill 0 or a zero constant)");
    state->failed = true;
    return mlirLogicalResultFailure();
  }
  if (act.cols > ((int64_t)1 << 40)) {
    cimEmitErrorf(loc, "convert-linalg-to-cim: a reduction of %lld terms is "
                       "beyond what cimlir maps (2^40)",
                  (long long)act.cols);
    state->failed = true;
    return mlirLogicalResultFailure();
  }
  int64_t minProduct, maxProduct;
  productRange(&act, &wt, &minProduct, &maxProduct);
  unsigned needed = accumulatorBits(act.cols, minProduct, maxProduct);
  if (needed > acc.bits) {
    cimEmitErrorf(loc,
                  "convert-linalg-to-cim: layer %lld can overflow its "
                  "accumulator: a %lld-term dot product of %u-bit %s "
                  "activations and %u-bit weights needs %u bits, the result "
                  "has %u",
                  (long long)state->nextLayer, (long long)act.cols, act.bits,
                  act.isSigned ? "signed" : "unsigned", wt.bits, needed,
                  acc.bits);
    state->failed = true;
    return mlirLogicalResultFailure();
  }

  MlirContext ctx = mlirOperationGetContext(op);
  bool staticWeights =
      mlirValueIsAOpResult(w) &&
      cimOpIsA(mlirOpResultGetOwner(w), "arith.constant");

  MlirOperationState st =
      mlirOperationStateGet(mlirStringRefCreateFromCString("cim.matmul"), loc);
  MlirValue operands[2] = {a, w};
  mlirOperationStateAddOperands(&st, 2, operands);
  mlirOperationStateAddResults(&st, 1, &resultType);
  MlirNamedAttribute attrs[] = {
      cimNamedI64(ctx, "layer", state->nextLayer),
      cimNamedI64(ctx, "a_bits", act.bits),
      cimNamedI64(ctx, "w_bits", wt.bits),
      cimNamedBool(ctx, "a_signed", act.isSigned),
      cimNamedBool(ctx, "w_signed", wt.isSigned),
      cimNamedString(ctx, "weights", staticWeights ? "static" : "dynamic"),
  };
  mlirOperationStateAddAttributes(&st, sizeof attrs / sizeof attrs[0], attrs);
  MlirOperation layer = mlirOperationCreate(&st);
  MlirRewriterBase base = mlirPatternRewriterAsBase(rewriter);
  mlirRewriterBaseInsert(base, layer);
  mlirRewriterBaseReplaceOpWithOperation(base, op, layer);
  ++state->nextLayer;
  return mlirLogicalResultSuccess();
}

static MlirLogicalResult runConvertLinalgToCim(MlirOperation func,
                                               const CimPassOptions *options) {
  (void)options;
  MlirContext ctx = mlirOperationGetContext(func);
  PatternState state = {false, 0};
  MlirRewritePatternCallbacks callbacks = {NULL, NULL, rewriteMatmul};
  MlirRewritePattern pattern = mlirOpRewritePatternCreate(
      mlirStringRefCreateFromCString("linalg.matmul"), 1, ctx, callbacks,
      &state, 0, NULL);
  MlirRewritePatternSet set = mlirRewritePatternSetCreate(ctx);
  mlirRewritePatternSetAdd(set, pattern);
  MlirFrozenRewritePatternSet frozen = mlirFreezeRewritePattern(set);
  /* Freezing moves the patterns out but (in MLIR 22) does not free the set
   * object itself; destroy the empty shell to avoid a leak. */
  mlirRewritePatternSetDestroy(set);
  /* The walk driver visits each op once in program order, so layers are
   * numbered in the order they appear. */
  mlirWalkAndApplyPatterns(func, frozen);
  mlirFrozenRewritePatternSetDestroy(frozen);
  /* IRDL ops carry no side-effect information, so nothing here relies on
   * the driver erasing dead ops: the replaced linalg.matmul is erased by
   * ReplaceOpWithOperation, and its zero init stays for canonicalize. */
  return state.failed ? mlirLogicalResultFailure() : mlirLogicalResultSuccess();
}

const CimPassDef cimConvertLinalgToCimPass = {
    .argument = "convert-linalg-to-cim",
    .name = "ConvertLinalgToCim",
    .summary = "Lower linalg.matmul on integer tensors to cim.matmul layers",
    .description =
        "Turns each `linalg.matmul` whose operands are 2-D static integer\n"
        "tensors (quantized storage, 1 to 8 bits; two's complement unless\n"
        "the op has `cast = #linalg.type_fn<cast_unsigned>`) and whose\n"
        "accumulator starts at zero into a\n"
        "`cim.matmul` layer with attributes `layer` (program-order index),\n"
        "`a_bits`, `w_bits`, `a_signed`, `w_signed` and `weights`\n"
        "(`static` when the weights are an `arith.constant`, `dynamic`\n"
        "otherwise: they are written to the crossbar at run time).\n\n"
        "The pass proves that the result element type holds every dot\n"
        "product (`K * max|a| * max|w|`) and rejects a layer that could\n"
        "overflow, naming the layer and the accumulator width it needs.\n"
        "Float operands, non-zero accumulators and bit widths above 8 are\n"
        "rejected with a diagnostic at the op. Other linalg ops pass\n"
        "through unchanged (the front-end issue extends this pass).",
    .anchor = "func.func",
    .options = NULL,
    .numOptions = 0,
    .run = runConvertLinalgToCim,
};
