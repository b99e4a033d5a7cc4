/*===-- convert_linalg_to_cim.c - convert-linalg-to-cim --------------------===*
 *
 * The front end: linalg on integer storage tensors, or f32 linalg with
 * quant.dcast(quant.qcast(x)) pairs (QDQ), to the layer-level cim ops.
 * docs/design.md ("Front end") is the specification: the op forms, the
 * quant-level contract Q1-Q3 and the integer representation every float
 * value gets. This file holds the walk over a function in program order, the
 * dispatch, the erasure of what the conversion leaves dead and the pass
 * table row; the conversions are in passes/linalg_to_cim/ (Convert.h lists
 * them).
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "cim-c/Passes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/IR.h"

#include "ir/LayerRegistry.h"
#include "ir/PassUtils.h"
#include "linalg_to_cim/Convert.h"

/// Ops that only feed others (weights, inits, paddings): they are read where
/// they are used and disappear with their users.
static bool isLazy(MlirOperation op) {
  return cimOpIsA(op, "arith.constant") || cimOpIsA(op, "tensor.empty") ||
         cimOpIsA(op, "linalg.fill") || cimOpIsA(op, "tensor.pad");
}

static bool hasPrefix(MlirOperation op, const char *prefix) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  size_t len = strlen(prefix);
  return n.length >= len && strncmp(n.data, prefix, len) == 0;
}

static bool usesFloatTensor(MlirOperation op) {
  for (intptr_t i = 0; i < mlirOperationGetNumOperands(op); ++i) {
    MlirType t = mlirValueGetType(mlirOperationGetOperand(op, i));
    if (mlirTypeIsAShaped(t) &&
        mlirTypeIsAFloat(mlirShapedTypeGetElementType(t)))
      return true;
  }
  return false;
}

/// Finds the layer-norm patterns (their reductions precede the final
/// generic, so they are recognised before the walk reaches them).
static void findLayerNorms(CvConverter *cv) {
  intptr_t cap = 0;
  for (MlirOperation op = mlirBlockGetFirstOperation(cv->block);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op)) {
    CimLayerNorm m;
    if (!cimOpIsA(op, "linalg.generic") || !cimMatchLayerNorm(op, &m))
      continue;
    if (cv->numNorms == cap) {
      cap = cap ? cap * 2 : 8;
      cv->norms = realloc(cv->norms, (size_t)cap * sizeof *cv->norms);
      if (!cv->norms)
        abort();
    }
    cv->norms[cv->numNorms++] = m;
  }
}

static bool convertOp(CvConverter *cv, MlirOperation op) {
  if (isLazy(op))
    return true;
  for (intptr_t i = 0; i < cv->numNorms; ++i)
    for (int k = 0; k < CIM_LAYER_NORM_OPS; ++k)
      if (mlirOperationEqual(op, cv->norms[i].ops[k]))
        return k == CIM_LAYER_NORM_OPS - 1
                   ? cvConvertLayerNorm(cv, op, &cv->norms[i])
                   : true; /* part of the pattern, converted at its end */
  if (cimOpIsA(op, "quant.qcast"))
    return cvCheckQcast(cv, op);
  if (cimOpIsA(op, "quant.dcast"))
    return cvConvertDcast(cv, op);
  if (cvIsLayerOp(op))
    return cvConvertLayer(cv, op);
  if (cimLayerOpIsUnsupported(op)) {
    cimLayerOpEmitUnsupported(op, "convert-linalg-to-cim");
    return false;
  }
  if (cvIsMovementOp(op))
    return cvConvertMovement(cv, op);
  if (cimOpIsA(op, "linalg.generic") || cimOpIsA(op, "linalg.add") ||
      cimOpIsA(op, "linalg.max") || cimOpIsA(op, "linalg.mul") ||
      cimOpIsA(op, "linalg.div"))
    return cvConvertElementwise(cv, op);
  if (cimOpIsA(op, "func.return"))
    return cvConvertReturn(cv, op);
  char name[64];
  cvOpName(op, name, sizeof name);
  if (hasPrefix(op, "linalg.pooling")) {
    cvError(cv, op, "'%s' has no crossbar mapping", name);
    return false;
  }
  if (cimOpIsA(op, "linalg.softmax"))
    return cvConvertSoftmax(cv, op);
  if (hasPrefix(op, "linalg.") || usesFloatTensor(op)) {
    cvError(cv, op, "'%s' is not supported%s", name,
            usesFloatTensor(op) ? ": its float operands have no integer "
                                  "(cim) form"
                                : "");
    return false;
  }
  return true; /* integer ops of other dialects pass through */
}

/// Erases the ops the conversion leaves without users, last first.
static void eraseDead(MlirBlock block) {
  intptr_t n = 0, cap = 256;
  MlirOperation *ops = malloc((size_t)cap * sizeof *ops);
  if (!ops)
    abort();
  for (MlirOperation op = mlirBlockGetFirstOperation(block);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op)) {
    if (n == cap) {
      cap *= 2;
      ops = realloc(ops, (size_t)cap * sizeof *ops);
      if (!ops)
        abort();
    }
    ops[n++] = op;
  }
  for (intptr_t k = n - 1; k >= 0; --k) {
    MlirOperation op = ops[k];
    bool erasable = hasPrefix(op, "cim.") || hasPrefix(op, "linalg.") ||
                    hasPrefix(op, "tensor.") || hasPrefix(op, "quant.") ||
                    cimOpIsA(op, "arith.constant");
    intptr_t results = mlirOperationGetNumResults(op);
    bool dead = erasable && results > 0;
    for (intptr_t i = 0; i < results && dead; ++i)
      dead = mlirOpOperandIsNull(
          mlirValueGetFirstUse(mlirOperationGetResult(op, i)));
    if (dead)
      mlirOperationDestroy(op);
  }
  free(ops);
}

static MlirLogicalResult runConvertLinalgToCim(MlirOperation func,
                                               const CimPassOptions *options) {
  (void)options;
  if (mlirOperationGetNumRegions(func) < 1)
    return mlirLogicalResultSuccess();
  MlirBlock block = mlirRegionGetFirstBlock(mlirOperationGetRegion(func, 0));
  if (mlirBlockIsNull(block))
    return mlirLogicalResultSuccess(); /* a declaration */
  CvConverter cv = {0};
  cv.ctx = mlirOperationGetContext(func);
  cv.func = func;
  cv.block = block;
  /* Program order: layers are numbered as they appear, and every value is
   * converted before its users. */
  findLayerNorms(&cv);
  if (cvCheckArguments(&cv)) {
    for (MlirOperation op = mlirBlockGetFirstOperation(block);
         !mlirOperationIsNull(op) && !cv.failed;) {
      MlirOperation next = mlirOperationGetNextInBlock(op);
      cv.at = op;
      if (!convertOp(&cv, op))
        cv.failed = true;
      op = next;
    }
  }
  bool failed = cv.failed;
  cvDestroy(&cv);
  if (failed)
    return mlirLogicalResultFailure();
  /* IRDL ops carry no side-effect information and the float ops are left
   * behind on purpose, so nothing upstream would erase them. */
  eraseDead(block);
  return mlirLogicalResultSuccess();
}

const CimPassDef cimConvertLinalgToCimPass = {
    .argument = "convert-linalg-to-cim",
    .name = "ConvertLinalgToCim",
    .summary = "Lower integer or QDQ linalg (matrix-vector layers, pooling, "
               "elementwise, data movement, softmax, layer norm, GELU) to cim",
    .description =
        "Converts each function in program order. Matrix-vector layers\n"
        "(the linalg ops of the layer table, docs/layers.md; any other\n"
        "linalg contraction or convolution is an error naming the table)\n"
        "become\n"
        "`cim.matmul` / `cim.conv2d` with `layer` (program-order index),\n"
        "`a_bits`, `w_bits`, `a_signed`, `w_signed` and `weights` (`static`\n"
        "for constants, `dynamic` for run-time operands, which are written\n"
        "to the crossbar when the layer runs); operands are transposed or\n"
        "reshaped into cim's orientation (at compile time for constants), a\n"
        "`tensor.pad` of a convolution's input folds into `padding` and\n"
        "`pad_value`. Pooling, ReLU / clamp, adds, reshapes, transposes,\n"
        "slices and concatenations become the digital and data-movement cim\n"
        "ops.\n\n"
        "Integer input: operands are quantized storage of 1 to 8 bits (two's\n"
        "complement unless `cast = #linalg.type_fn<cast_unsigned>`), the\n"
        "accumulator starts at zero, and the pass proves that the result type\n"
        "holds every sum of K products, naming the layer and the width it\n"
        "needs otherwise.\n\n"
        "QDQ input (f32 with `quant.dcast(quant.qcast(x))` pairs, the\n"
        "contract Q1-Q3 of docs/design.md): constant weights are quantized\n"
        "at compile time with ONNX rounding (per tensor or per output\n"
        "channel), every value gets an integer representation (scale, zero\n"
        "point, pending per-channel bias and clamp), bias adds, ReLU / clamp\n"
        "and multiplications by positive constants only change that\n"
        "representation, requantization is explicit (`cim.requantize` with\n"
        "multiplier and shift), residual adds are requantized to a common\n"
        "scale, and softmax, layer norm and GELU become `cim.softmax`,\n"
        "`cim.layer_norm` and `cim.lut`. Quantized function arguments and\n"
        "results become integer storage tensors with `cim.scale` and\n"
        "`cim.zero_point` attributes (a result with per-channel scales:\n"
        "`cim.scale` an `array<f64>` along `cim.axis`).\n\n"
        "Every other op on float tensors and every other linalg op is\n"
        "rejected with one diagnostic at the op that says why. Constants,\n"
        "`tensor.empty`, `linalg.fill`, paddings and every linalg, tensor,\n"
        "quant and cim op the conversion leaves without users are erased.",
    .anchor = "func.func",
    .options = NULL,
    .numOptions = 0,
    .run = runConvertLinalgToCim,
};
