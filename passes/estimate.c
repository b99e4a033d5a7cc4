/*===-- estimate.c - cim-estimate ------------------------------------------===*
 *
 * Costs every matrix-vector layer of a module on a target and prints the
 * per-layer table (and optionally writes the JSON report). The IR is not
 * changed. The layers are read off `cim.matmul` and `cim.conv2d`, or off
 * the linalg layer ops before lowering
 * (lib/ir/layer_info.c, over the layer table lib/ir/LayerOps.def); the
 * numbers come from the cost model (lib/cost/cost.c).
 *===----------------------------------------------------------------------===*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Estimate.h"
#include "cim-c/Passes.h"
#include "cim-c/Policy.h"
#include "cim-c/Target.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"

#include "support/FileIO.h"
#include "ir/LayerInfo.h"
#include "ir/PassUtils.h"
#include "support/StrBuf.h"
#include "xbar/Mapping.h"

/// The layers of a module, in program order (cimLayerCollect: the same
/// numbering cim-assign-precision uses for policy rows).
typedef struct Collect {
  MlirOperation *ops;
  intptr_t n;
} Collect;

/// "w8a8" -> 8; "none" or "" -> 0; anything else -> -1.
static int64_t parseBaseline(MlirStringRef s) {
  if (s.length == 0 || mlirStringRefEqual(s, mlirStringRefCreateFromCString("none")))
    return 0;
  int w = 0, a = 0;
  char tail;
  char buf[32];
  if (s.length >= sizeof buf)
    return -1;
  memcpy(buf, s.data, s.length);
  buf[s.length] = '\0';
  if (sscanf(buf, "w%da%d%c", &w, &a, &tail) != 2 || w != a || w < 1 || w > 8)
    return -1;
  return w;
}

static void emitAt(MlirStringRef s, void *loc) {
  CimStrBuf b = {0};
  cimStrBufAppendRef(&b, s);
  mlirEmitError(*(MlirLocation *)loc, cimStrBufGet(&b));
  cimStrBufFree(&b);
}

static void toStream(MlirStringRef s, void *stream) {
  fwrite(s.data, 1, s.length, (FILE *)stream);
}

static bool writeTable(FILE *out, void *estimate) {
  cimEstimatePrintTable(*(CimEstimate *)estimate, toStream, out);
  return !ferror(out);
}

/// Adds every layer to the estimate: its own bits, or those of its policy
/// row (rowOfLayer, cimLayerMatchPolicy's). False after an error at the
/// layer.
static bool addLayers(CimEstimate estimate, const Collect *layers,
                      CimPolicy policy, const intptr_t *rowOfLayer) {
  for (intptr_t i = 0; i < layers->n; ++i) {
    MlirOperation op = layers->ops[i];
    MlirLocation loc = mlirOperationGetLocation(op);
    CimLayer layer;
    int64_t index;
    if (mlirLogicalResultIsFailure(cimLayerFromOp(op, &layer, &index)))
      return false;
    /* A policy gives the layer its row's bits. */
    if (!cimPolicyIsNull(policy)) {
      layer.wBits = cimPolicyGetWeightBits(policy, rowOfLayer[i]);
      layer.aBits = cimPolicyGetActivationBits(policy, rowOfLayer[i]);
    }
    /* Named by its location, else by program order over the whole module
     * (cim `layer` indices restart in every function). */
    char name[128];
    cimLayerGetName(op, i, name, sizeof name);
    if (layer.wBits == 0 || layer.aBits == 0) {
      cimEmitErrorf(loc,
                    "cim-estimate: layer '%s' has float operands and no "
                    "precision: give a policy=FILE or quantize the model first",
                    name);
      return false;
    }
    if (mlirLogicalResultIsFailure(
            cimEstimateAddLayer(estimate, name, &layer, emitAt, &loc)))
      return false;
  }
  return true;
}

/// The table (stderr, a file or none) and the JSON report (if asked for).
static bool writeOutputs(CimEstimate estimate, const CimPassOptions *options,
                         MlirLocation moduleLoc) {
  bool ok = true;
  MlirStringRef table = cimPassOptionsGetString(options, "table");
  if (mlirStringRefEqual(table, mlirStringRefCreateFromCString("-"))) {
    cimEstimatePrintTable(estimate, toStream, stderr);
  } else if (table.length > 0) {
    CimStrBuf path = {0};
    cimStrBufAppendRef(&path, table);
    ok = mlirLogicalResultIsSuccess(cimWriteFileAtomically(
        cimStrBufGet(&path), writeTable, &estimate, emitAt, &moduleLoc));
    cimStrBufFree(&path);
  }
  MlirStringRef report = cimPassOptionsGetString(options, "report");
  if (ok && report.length > 0) {
    CimStrBuf path = {0};
    cimStrBufAppendRef(&path, report);
    ok = mlirLogicalResultIsSuccess(cimEstimateWriteJSON(
        estimate, cimStrBufGet(&path), emitAt, &moduleLoc));
    cimStrBufFree(&path);
  }
  return ok;
}

static MlirLogicalResult runEstimate(MlirOperation module,
                                     const CimPassOptions *options) {
  MlirLocation moduleLoc = mlirOperationGetLocation(module);
  MlirStringRef baselineText = cimPassOptionsGetString(options, "baseline");
  int64_t baselineBits = parseBaseline(baselineText);
  if (baselineBits < 0) {
    cimEmitErrorf(moduleLoc,
                  "cim-estimate: baseline '%.*s' is not 'none' or 'w<N>a<N>' "
                  "with the same N in 1..8 (e.g. w8a8)",
                  (int)baselineText.length, baselineText.data);
    return mlirLogicalResultFailure();
  }
  CimTarget target;
  if (mlirLogicalResultIsFailure(cimPassResolveTarget(
          module, "cim-estimate", cimPassOptionsGetString(options, "target"),
          true, &target)))
    return mlirLogicalResultFailure();

  /* Every layer, or an error at the first linalg layer the table lacks:
   * never a total that silently leaves one out. */
  Collect layers = {0};
  if (mlirLogicalResultIsFailure(
          cimLayerCollect(module, "cim-estimate", &layers.ops, &layers.n))) {
    free(layers.ops);
    return mlirLogicalResultFailure();
  }
  /* The tiled form between cim-tile and cim-bitslice has neither layers nor
   * crossbar events: costing it would print zeros. */
  static const char *const tileOps[] = {"cim.matmul_tile", NULL};
  MlirOperation *tiles = NULL;
  intptr_t numTiles = 0;
  bool tilesOk = cimMapCollect(module, tileOps, &tiles, &numTiles);
  free(tiles);
  if (!tilesOk || numTiles > 0) {
    free(layers.ops);
    cimEmitErrorf(moduleLoc, "cim-estimate: the module holds crossbar tiles "
                             "(cim.matmul_tile) that are not bit-sliced yet; "
                             "run cim-estimate before cim-tile or after "
                             "cim-bitslice");
    return mlirLogicalResultFailure();
  }
  /* Lowered IR: count the crossbar program's own events (passes/xbar/count.c)
   * instead of the model; bits and shapes are fixed by then. */
  if (cimXbarHasCrossbarOps(module)) {
    free(layers.ops);
    if (layers.n > 0 || cimPassOptionsGetString(options, "policy").length > 0 ||
        baselineBits > 0) {
      cimEmitErrorf(moduleLoc,
                    "cim-estimate: the module holds an xbar crossbar program; "
                    "%s",
                    layers.n > 0 ? "it also has cim layers: lower all of them "
                                   "(convert-cim-to-xbar) or none"
                                 : "policy= and baseline= apply to cim layers "
                                   "only (run cim-estimate before lowering)");
      return mlirLogicalResultFailure();
    }
    return cimXbarEstimate(module, &target,
                           cimPassOptionsGetString(options, "table"),
                           cimPassOptionsGetString(options, "report"));
  }
  CimPolicy policy = {NULL};
  intptr_t *rowOfLayer = NULL;
  MlirStringRef policyPath = cimPassOptionsGetString(options, "policy");
  if (policyPath.length > 0) {
    CimStrBuf path = {0};
    cimStrBufAppendRef(&path, policyPath);
    policy = cimPolicyLoadFile(cimStrBufGet(&path), emitAt, &moduleLoc);
    cimStrBufFree(&path);
    rowOfLayer = calloc(layers.n > 0 ? (size_t)layers.n : 1,
                        sizeof *rowOfLayer);
    if (!rowOfLayer && !cimPolicyIsNull(policy))
      cimEmitErrorf(moduleLoc, "cim-estimate: out of memory");
    /* Rows meet layers by name or by position, shapes checked: the one rule
     * (lib/cost/policy.c), shared with cim-assign-precision. */
    if (cimPolicyIsNull(policy) || !rowOfLayer ||
        mlirLogicalResultIsFailure(
            cimLayerMatchPolicy(layers.ops, layers.n, policy, "cim-estimate",
                                moduleLoc, rowOfLayer))) {
      cimPolicyDestroy(policy);
      free(rowOfLayer);
      free(layers.ops);
      return mlirLogicalResultFailure();
    }
  }
  CimEstimate estimate = cimEstimateCreate(&target, baselineBits);
  bool ok = !cimEstimateIsNull(estimate) &&
            addLayers(estimate, &layers, policy, rowOfLayer);
  free(layers.ops);
  free(rowOfLayer);
  cimPolicyDestroy(policy);
  ok = ok && writeOutputs(estimate, options, moduleLoc);
  cimEstimateDestroy(estimate);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static const CimPassOptionDef estimateOptions[] = {
    CIM_PASS_TARGET_OPTION,
    {"report", CIM_PASS_OPTION_STRING, "",
     "Write the JSON report to this file.", 0, 0},
    {"table", CIM_PASS_OPTION_STRING, "-",
     "Where the table goes: '-' for stderr, a file name, or empty for none.",
     0, 0},
    {"policy", CIM_PASS_OPTION_STRING, "",
     "Per-layer bit widths (.npy [L,2] or JSON) replacing the layers' own: "
     "by layer name when the rows are named, else in program order.",
     0, 0},
    {"baseline", CIM_PASS_OPTION_STRING, "none",
     "Uniform-precision baseline to compare with, e.g. w8a8; 'none' for none.",
     0, 0},
};

const CimPassDef cimEstimatePass = {
    .argument = "cim-estimate",
    .name = "CimEstimate",
    .summary = "Per-layer crossbar cost (tiles, writes, MVM cycles, ADC reads, "
               "latency, energy) of a module",
    .description =
        "Reads every matrix-vector layer of the module, at the cim level\n"
        "(`cim.matmul`, `cim.conv2d`) or before lowering (the linalg ops of\n"
        "docs/layers.md, the table `convert-linalg-to-cim` lowers; any other\n"
        "linalg contraction or convolution is an error naming that list),\n"
        "and costs it on\n"
        "the target with the exact model of docs/target.md: weight slices,\n"
        "tiles, crossbar writes, MVM cycles\n"
        "(OU sub-cycles included), ADC conversions, sequential latency on\n"
        "one crossbar and energy. Prints an aligned table (stderr by\n"
        "default) and, with `report=FILE`, writes the JSON report. With\n"
        "`baseline=w8a8` every layer is also costed at 8 bits and the\n"
        "speedup is shown per layer and overall. With `policy=FILE` (the\n"
        "reference system's `.npy` [L, 2] or JSON, docs/precision.md) each\n"
        "layer is costed at its policy row's bits instead of its own: the\n"
        "row with its name when the rows are named (JSON), in any order,\n"
        "else row i for layer i in program order (another number of rows is\n"
        "an error that says both counts). A row that gives the layer's\n"
        "shape (input_dim, output_dim, ...) must meet a layer of that shape.\n\n"
        "The target is the program's (the module's `cim.target` attribute),\n"
        "else `target=FILE`, else the built-in reference target; a\n"
        "`target=` that differs from the program's is an error, and one\n"
        "given to a module without a target is recorded on it for the\n"
        "passes after (docs/target.md, \"One target per program\"). The\n"
        "JSON report carries the target and its `target_fingerprint`.\n"
        "Layers are named by their name location (`loc(\"conv1\")`) or by\n"
        "their position in program order. Integer operands give the bits;\n"
        "float layers need a policy. The IR is left unchanged.\n\n"
        "On lowered `xbar` IR (after `convert-cim-to-xbar`) the events are\n"
        "counted from the ops instead of the model: writes are `xbar.write`s,\n"
        "MVM cycles the rows of every `xbar.mvm`'s digits, ADC conversions the\n"
        "elements of every `xbar.adc`, per `layer` attribute; latency and\n"
        "energy follow with the target's costs. The table and JSON report\n"
        "(`\"source\": \"xbar\"`) then list writes, cells, MVM cycles, row\n"
        "activations, ADC conversions, latency and energy; `policy=` and\n"
        "`baseline=` are errors there.",
    .anchor = "builtin.module",
    .options = estimateOptions,
    .numOptions = sizeof estimateOptions / sizeof estimateOptions[0],
    .run = runEstimate,
};
