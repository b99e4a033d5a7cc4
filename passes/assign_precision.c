/*===-- assign_precision.c - cim-assign-precision --------------------------===*
 *
 * Turns a float (f32) linalg model into a QDQ model: it inserts
 * `quant.qcast` + `quant.dcast` pairs with `!quant.uniform` types wherever the
 * quant-level contract of docs/design.md (Q1-Q3) asks for them, so that
 * convert-linalg-to-cim can lower the model. docs/precision.md is the user's
 * reference (numbering, scale rules, calibration format, constraints).
 *
 * The pass runs in two phases. The analysis walks the module in program
 * order, numbers the matrix-vector layers exactly as cim-estimate does
 * (lib/ir/layer_info.c), gives each layer its bits (policy row, or the uniform
 * options, then the first/last and cell constraints), classifies every float
 * op with the shared matchers of lib/ir/FrontEndMatch.h, and records one
 * *point* per operand to quantize, with its quantized type. Every diagnostic
 * comes out of the analysis, before the IR is touched. The rewrite then
 * inserts the pairs: one per (value, type), right after the value's
 * definition, except constants, which get one pair per use right before the
 * user (so that cse-merged splat weights shared by several layers are folded
 * per layer).
 *
 * The phases live in passes/assign_precision/ (AssignPrecisionInternal.h
 * lists them); this file holds the entry and the option table.
 *===----------------------------------------------------------------------===*/

#include "assign_precision/AssignPrecisionInternal.h"

/*===----------------------------------------------------------------------===*
 * Entry
 *===----------------------------------------------------------------------===*/

static void freeState(State *st) {
  free(st->layers);
  free(st->wBits);
  free(st->aBits);
  free(st->layerCal);
  free(st->opCalUsed);
  free(st->covered);
  free(st->points);
  free(st->q3);
  cimCalibrationFree(&st->cal);
}

static MlirLogicalResult runAssignPrecision(MlirOperation module,
                                            const CimPassOptions *options) {
  return cimAssignPrecisionWithPolicy(module, options, (CimPolicy){NULL});
}

MlirLogicalResult cimAssignPrecisionWithPolicy(MlirOperation module,
                                               const CimPassOptions *options,
                                               CimPolicy policy) {
  State st = {0};
  st.givenPolicy = policy;
  st.ctx = mlirOperationGetContext(module);
  st.moduleLoc = mlirOperationGetLocation(module);
  st.options = options;
  st.digitalBits = cimPassOptionsGetInt(options, "digital-bits");
  /* The pass creates !quant.uniform types, so the quant dialect must be
   * loaded even when the input has no quant op yet. The pass table has no
   * dependent-dialect list; this module-level pass runs alone (never in a
   * multi-threaded nest), where loading a dialect is allowed. */
  mlirDialectHandleLoadDialect(mlirGetDialectHandle__quant__(), st.ctx);

  MlirStringRef rangeText = cimPassOptionsGetString(options, "default-range");
  char rangeBuf[64] = {0};
  char *end = NULL;
  if (rangeText.length > 0 && rangeText.length < sizeof rangeBuf) {
    memcpy(rangeBuf, rangeText.data, rangeText.length);
    st.defaultRange = strtod(rangeBuf, &end);
  }
  if (!end || *end != '\0' || end == rangeBuf || !isfinite(st.defaultRange) ||
      st.defaultRange <= 0.0) {
    apErrorAt(&st, st.moduleLoc,
            "default-range '%.*s' is not a positive number (the bound R of "
            "values in [-R, R])",
            (int)rangeText.length, rangeText.data);
    return mlirLogicalResultFailure();
  }

  if (mlirLogicalResultIsFailure(
          cimLayerCollect(module, PASS, &st.layers, &st.numLayers))) {
    freeState(&st);
    return mlirLogicalResultFailure();
  }
  size_t n = (size_t)(st.numLayers ? st.numLayers : 1);
  st.wBits = calloc(n, sizeof *st.wBits);
  st.aBits = calloc(n, sizeof *st.aBits);
  st.layerCal = calloc(n, sizeof *st.layerCal);
  if (!st.wBits || !st.aBits || !st.layerCal)
    abort();
  for (intptr_t i = 0; i < st.numLayers; ++i)
    if (cimOpIsA(st.layers[i], "cim.matmul") ||
        cimOpIsA(st.layers[i], "cim.conv2d")) {
      char name[128];
      cimLayerGetName(st.layers[i], i, name, sizeof name);
      apErrorAt(&st, mlirOperationGetLocation(st.layers[i]),
              "layer '%s' is already lowered to cim; the pass takes float "
              "linalg models",
              name);
      freeState(&st);
      return mlirLogicalResultFailure();
    }

  bool ok = apAssignBits(&st, module);
  MlirStringRef calPath = cimPassOptionsGetString(options, "calibration");
  if (ok && calPath.length > 0) {
    CimStrBuf path = {0};
    cimStrBufAppendRef(&path, calPath);
    ok = cimCalibrationLoad(cimStrBufGet(&path), &st.cal, apEmitAtModule, &st);
    cimStrBufFree(&path);
    st.opCalUsed = calloc((size_t)(st.cal.numOps ? st.cal.numOps : 1),
                          sizeof *st.opCalUsed);
    if (!st.opCalUsed)
      abort();
    ok = ok && apResolveCalibration(&st);
  }
  if (ok) {
    mlirOperationWalk(module, apCoverLayerNorms, &st, MlirWalkPreOrder);
    WalkCtx w = {&st, 0};
    mlirOperationWalk(module, apClassify, &w, MlirWalkPreOrder);
    ok = !st.failed;
  }
  for (intptr_t i = 0; ok && i < st.cal.numOps; ++i)
    if (!st.opCalUsed[i]) {
      apErrorAt(&st, st.moduleLoc,
              "calibration ops[%ld] names '%s', which is not a digital op "
              "(tensor add, concat, softmax, layer norm, non-linearity) of "
              "the module",
              (long)i, st.cal.ops[i].name);
      ok = false;
    }
  if (ok)
    apRewrite(&st);
  freeState(&st);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static const CimPassOptionDef assignPrecisionOptions[] = {
    {"policy", CIM_PASS_OPTION_STRING, "",
     "Per-layer bit widths (.npy [L,2] or JSON, docs/precision.md): by "
     "layer name when the rows are named, else row i is layer i in program "
     "order.",
     0, 0},
    {"w-bits", CIM_PASS_OPTION_INT, "8",
     "Weight bits of every layer when there is no policy.", 1, 8},
    {"a-bits", CIM_PASS_OPTION_INT, "8",
     "Activation bits of every layer when there is no policy.", 1, 8},
    {"first-last-8bit", CIM_PASS_OPTION_BOOL, "false",
     "Give the first and the last layer 8-bit weights and activations.", 0, 0},
    {"cell-aligned", CIM_PASS_OPTION_BOOL, "false",
     "Round weight bits up to a multiple of the target's cell bits (an error "
     "above 8).",
     0, 0},
    {"target", CIM_PASS_OPTION_STRING, "",
     "Target JSON for cell-aligned; empty for the program's target (the "
     "module's cim.target attribute, else the built-in default). A "
     "different one than the program's is an error; a given one is "
     "recorded on the module.",
     0, 0},
    {"digital-bits", CIM_PASS_OPTION_INT, "8",
     "Bits of the quantization points of digital ops (tensor add, concat, "
     "softmax, layer norm, non-linearities).",
     1, 8},
    {"calibration", CIM_PASS_OPTION_STRING, "",
     "Calibration JSON with value ranges per layer and per named digital op "
     "(docs/precision.md).",
     0, 0},
    {"default-range", CIM_PASS_OPTION_STRING, "6.0",
     "R: run-time values the calibration does not cover lie in [-R, R] "
     "([0, R] when provably non-negative).",
     0, 0},
};

const CimPassDef cimAssignPrecisionPass = {
    .argument = "cim-assign-precision",
    .name = "CimAssignPrecision",
    .summary = "Quantize a float linalg model: insert quant.qcast/quant.dcast "
               "pairs with per-layer bits from a policy",
    .description =
        "Turns an f32 linalg model into the QDQ form convert-linalg-to-cim\n"
        "takes (docs/design.md, the quant-level contract Q1-Q3;\n"
        "docs/precision.md). Matrix-vector layers are numbered in program\n"
        "order over the whole module, exactly as `cim-estimate` numbers\n"
        "them: layer i is the i-th op of the layer table (docs/layers.md)\n"
        "met walking the module from top to bottom (any other linalg\n"
        "contraction or convolution is an error naming that table), and\n"
        "gets the bits of its row of `policy=FILE` (the reference system's\n"
        "`.npy` [L, 2] or JSON rows): the row with its name when the rows\n"
        "are named, in any order, each layer exactly once; else row i (a\n"
        "policy with another number of rows is an error that says both\n"
        "counts). A row that gives the layer's shape (input_dim,\n"
        "output_dim, ...) must meet a layer of that shape. Without a\n"
        "policy every layer gets `w-bits`/`a-bits`. Then\n"
        "`first-last-8bit` sets layers 0 and L-1 to 8/8, and `cell-aligned`\n"
        "rounds weight bits up to a multiple of the target's cell bits\n"
        "(`target=FILE`, else the module's `cim.target`, else the default);\n"
        "a result above 8 bits is an error naming the layer.\n\n"
        "Both operands of every layer get a `dcast(qcast(x))` pair (Q1; in\n"
        "front of the `tensor.pad` of a padded convolution). Constants\n"
        "(weights) are symmetric per-tensor with scale max|w| / (2^(b-1) - 1)\n"
        "on the narrow range `i<b><-(2^(b-1)-1):2^(b-1)-1>` (b = 1: `i1`,\n"
        "levels {-s, 0}, s = max|w|; an all-zero tensor: scale 1.0), one\n"
        "pair per use. Run-time values (activations, run-time weights)\n"
        "take their range from `calibration=FILE` or `[-R, R]` with\n"
        "R = `default-range`, zero point 0, unsigned `u<b>` with scale\n"
        "max / (2^b - 1) when provably non-negative (after a ReLU, a softmax,\n"
        "pooling or padding of such), else the signed narrow range. Tensor\n"
        "adds (not bias adds of a layer), concat, softmax, layer norm and\n"
        "elementwise non-linearities (GELU) get pairs on their operands and\n"
        "results at `digital-bits` (Q2, Q3; a softmax result has range\n"
        "[0, 1]; concat operands share one type). A value reaching its\n"
        "operand through reshapes, transposes or slices also gets a pair\n"
        "of the same type before them. A float op the pass cannot classify\n"
        "is an error. All checks run before the IR changes.",
    .anchor = "builtin.module",
    .options = assignPrecisionOptions,
    .numOptions = sizeof assignPrecisionOptions / sizeof assignPrecisionOptions[0],
    .run = runAssignPrecision,
};
