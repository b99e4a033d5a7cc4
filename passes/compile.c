/*===-- compile.c - cim-compile: the pipeline from a model to xbar --------===*
 *
 * One name for the passes a user would otherwise have to know and order:
 *   [cim-assign-precision] convert-linalg-to-cim cim-tile cim-bitslice
 *   convert-cim-to-xbar [cim-duplicate cim-schedule]
 * `target=` is forwarded to every stage that takes one; every stage's own
 * options are reachable as an option named after the stage, holding that
 * stage's option text in braces (`cim-tile={rows=128}`), which wins over
 * what is forwarded. The stages are the pass rows themselves, so the
 * pipeline cannot drift from them (passes_test checks that every stage with
 * options has its option here).
 *===----------------------------------------------------------------------===*/

#include <string.h>

#include "cim-c/Passes.h"
#include "cim-c/Pipeline.h"
#include "cim-c/Target.h"

#include "Compile.h"
#include "support/StrBuf.h"

extern const CimPassDef cimAssignPrecisionPass;
extern const CimPassDef cimConvertLinalgToCimPass;
extern const CimPassDef cimTilePass;
extern const CimPassDef cimBitslicePass;
extern const CimPassDef cimConvertCimToXbarPass;
extern const CimPassDef cimDuplicatePass;
extern const CimPassDef cimSchedulePass;

typedef enum StageWhen {
  kAlways,    /* every run */
  kPrecision, /* a policy, bit widths or the stage's own options are given */
  kSchedule,  /* schedule=true */
} StageWhen;

typedef struct Stage {
  const CimPassDef *def;
  StageWhen when;
} Stage;

static const Stage kStages[] = {
    {&cimAssignPrecisionPass, kPrecision},
    {&cimConvertLinalgToCimPass, kAlways},
    {&cimTilePass, kAlways},
    {&cimBitslicePass, kAlways},
    {&cimConvertCimToXbarPass, kAlways},
    {&cimDuplicatePass, kSchedule},
    {&cimSchedulePass, kSchedule},
};
enum { kNumStages = sizeof kStages / sizeof kStages[0] };

static bool hasOption(const CimPassDef *def, const char *name) {
  for (intptr_t i = 0; i < def->numOptions; ++i)
    if (!strcmp(def->options[i].name, name))
      return true;
  return false;
}

static bool isGiven(const CimPassOptions *o, const char *name) {
  return cimPassOptionsIsSet(o, name) &&
         cimPassOptionsGetString(o, name).length > 0;
}

/// Appends ` name=VALUE` to `b`, quoted so that the option parser reads the
/// value back unchanged. False when no quoting can (both quote characters).
static bool appendForwarded(CimStrBuf *b, const char *name,
                            MlirStringRef value) {
  const char *quote = NULL;
  if (!memchr(value.data, '"', value.length))
    quote = "\"";
  else if (!memchr(value.data, '\'', value.length))
    quote = "'";
  else
    return false;
  cimStrBufPrintf(b, " %s=%s", name, quote);
  cimStrBufAppendRef(b, value);
  cimStrBufAppendCString(b, quote);
  return true;
}

static MlirLogicalResult fail(MlirStringCallback callback, void *userData,
                              CimStrBuf *message) {
  if (callback)
    callback(mlirStringRefCreate(cimStrBufGet(message), message->length),
             userData);
  cimStrBufFree(message);
  return mlirLogicalResultFailure();
}

/// The option text of stage `def`: what the pipeline forwards, then the
/// stage's own text (later options win).
static bool stageText(const CimPassOptions *o, const CimPassDef *def,
                      CimStrBuf *text, CimStrBuf *error) {
  const char *forwarded[] = {"target", "policy", "w-bits", "a-bits"};
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; ++i) {
    const char *name = forwarded[i];
    if (!hasOption(def, name))
      continue;
    if (!strcmp(name, "w-bits") || !strcmp(name, "a-bits")) {
      if (cimPassOptionsIsSet(o, name))
        cimStrBufPrintf(text, " %s=%lld", name,
                        (long long)cimPassOptionsGetInt(o, name));
    } else if (isGiven(o, name) &&
               !appendForwarded(text, name, cimPassOptionsGetString(o, name))) {
      cimStrBufPrintf(error,
                      "cim-compile: the value of '%s' holds both quote "
                      "characters and cannot be forwarded to '%s'",
                      name, def->argument);
      return false;
    }
  }
  if (def->numOptions > 0 && cimPassOptionsIsSet(o, def->argument)) {
    cimStrBufAppendCString(text, " ");
    cimStrBufAppendRef(text, cimPassOptionsGetString(o, def->argument));
  }
  return true;
}

static bool stageRuns(const CimPassOptions *o, const Stage *stage) {
  switch (stage->when) {
  case kAlways:
    return true;
  case kPrecision:
    return isGiven(o, "policy") || cimPassOptionsIsSet(o, "w-bits") ||
           cimPassOptionsIsSet(o, "a-bits") ||
           cimPassOptionsIsSet(o, stage->def->argument);
  case kSchedule:
    return cimPassOptionsGetBool(o, "schedule");
  }
  return false;
}

MlirLogicalResult cimCompilePipelineBuild(MlirOpPassManager pm,
                                          const CimPassOptions *o,
                                          bool precisionDone,
                                          MlirStringCallback errorCallback,
                                          void *userData) {
  CimStrBuf error = {0};
  if (precisionDone && (isGiven(o, "policy") || cimPassOptionsIsSet(o, "w-bits") ||
                        cimPassOptionsIsSet(o, "a-bits"))) {
    cimStrBufPrintf(&error, "cim-compile: a policy is given in memory; the "
                            "options must not give policy=, w-bits= or "
                            "a-bits= as well");
    return fail(errorCallback, userData, &error);
  }
  for (int i = 0; i < kNumStages; ++i) {
    const CimPassDef *def = kStages[i].def;
    if (kStages[i].when == kSchedule && !stageRuns(o, &kStages[i]) &&
        cimPassOptionsIsSet(o, def->argument)) {
      cimStrBufPrintf(&error,
                      "cim-compile: option '%s' needs schedule=true (without "
                      "it the %s stage does not run)",
                      def->argument, def->argument);
      return fail(errorCallback, userData, &error);
    }
  }
  for (int i = 0; i < kNumStages; ++i) {
    const CimPassDef *def = kStages[i].def;
    if (!stageRuns(o, &kStages[i]) ||
        (precisionDone && kStages[i].when == kPrecision))
      continue;
    CimStrBuf text = {0};
    if (!stageText(o, def, &text, &error)) {
      cimStrBufFree(&text);
      return fail(errorCallback, userData, &error);
    }
    CimStrBuf passError = {0};
    MlirPass pass = cimPassCreate(
        def, mlirStringRefCreate(cimStrBufGet(&text), text.length),
        cimStrBufCallback, &passError, NULL);
    cimStrBufFree(&text);
    if (cimPassIsNull(pass)) {
      cimStrBufPrintf(&error, "cim-compile: in option '%s': %s", def->argument,
                      cimStrBufGet(&passError));
      cimStrBufFree(&passError);
      return fail(errorCallback, userData, &error);
    }
    cimStrBufFree(&passError);
    /* As upstream's addNestedPass: one nested pass manager per pass, which
     * MLIR merges with its neighbours when it runs. */
    MlirOpPassManager target = pm;
    if (!strcmp(def->anchor, "func.func"))
      target = mlirOpPassManagerGetNestedUnder(
          pm, mlirStringRefCreateFromCString("func.func"));
    mlirOpPassManagerAddOwnedPass(target, pass);
  }
  return mlirLogicalResultSuccess();
}

static MlirLogicalResult buildCompile(MlirOpPassManager pm,
                                      const CimPassOptions *o,
                                      MlirStringCallback errorCallback,
                                      void *userData) {
  return cimCompilePipelineBuild(pm, o, false, errorCallback, userData);
}

#define STAGE_OPTIONS(stage, example)                                          \
  {stage, CIM_PASS_OPTION_STRING, "",                                          \
   "Options of the " stage " stage, its own option text in braces, e.g. "      \
   stage "={" example "}; they win over the forwarded ones.",                  \
   0, 0}

static const CimPassOptionDef compileOptions[] = {
    {"target", CIM_PASS_OPTION_STRING, "",
     "Target JSON file, forwarded to every stage that takes one (all but "
     "convert-linalg-to-cim); without it every stage uses the module's "
     "cim.target attribute, else the built-in default. A suffix "
     ":field=value,... sets single fields (docs/target.md).",
     0, 0},
    {"policy", CIM_PASS_OPTION_STRING, "",
     "Per-layer bit widths (.npy [L,2] or JSON): run cim-assign-precision "
     "first with this policy.",
     0, 0},
    {"w-bits", CIM_PASS_OPTION_INT, "8",
     "Weight bits of every layer: run cim-assign-precision first (with "
     "a-bits; not with a policy).",
     1, 8},
    {"a-bits", CIM_PASS_OPTION_INT, "8",
     "Activation bits of every layer: run cim-assign-precision first (with "
     "w-bits; not with a policy).",
     1, 8},
    {"schedule", CIM_PASS_OPTION_BOOL, "false",
     "Then copy tiles onto spare crossbars and schedule them (cim-duplicate, "
     "cim-schedule).",
     0, 0},
    STAGE_OPTIONS("cim-assign-precision", "first-last-8bit calibration=c.json"),
    STAGE_OPTIONS("cim-tile", "rows=128 cols=64"),
    STAGE_OPTIONS("cim-bitslice", "target=t.json"),
    STAGE_OPTIONS("convert-cim-to-xbar", "target=t.json"),
    STAGE_OPTIONS("cim-duplicate", "mode=none"),
    STAGE_OPTIONS("cim-schedule", "chunks=8 report=s.json"),
};

const CimPassPipelineDef cimCompilePipeline = {
    .argument = "cim-compile",
    .summary = "The whole pipeline from a float or quantized linalg model to "
               "the xbar program",
    .description =
        "Expands, when the pass manager is built, into\n\n"
        "```\n"
        "builtin.module(\n"
        "  cim-assign-precision,               // only with policy=, w-bits=,\n"
        "                                      // a-bits= or "
        "cim-assign-precision={...}\n"
        "  func.func(convert-linalg-to-cim),\n"
        "  func.func(cim-tile),\n"
        "  func.func(cim-bitslice),\n"
        "  convert-cim-to-xbar,\n"
        "  cim-duplicate, cim-schedule         // only with schedule=true\n"
        ")\n"
        "```\n\n"
        "which is what `--dump-pass-pipeline` prints (cim passes print\n"
        "without their options: MLIR's external passes cannot show them).\n"
        "`cim-translate --mlir-to-cim-bin` takes the result to a binary.\n\n"
        "`target=` goes to every stage that takes a target; without it each\n"
        "stage uses the module's `cim.target` attribute (how a target built\n"
        "in memory reaches the pipeline through the C API,\n"
        "`cimOpPassManagerAddCompilePipeline`), else the built-in default.\n"
        "`policy=` (or `w-bits=`/`a-bits=`) quantizes a float model first;\n"
        "a quantized (QDQ or integer) model needs neither, and a float\n"
        "model with neither is refused by `convert-linalg-to-cim`\n"
        "(\"function argument #0 is used unquantized\").\n\n"
        "Every stage's own options are given as an option named after the\n"
        "stage whose value is that pass's option text in braces:\n"
        "`--cim-compile='target=t.json schedule=true cim-tile={rows=128}\n"
        "cim-schedule={chunks=8 report=s.json}'`. They are read by the\n"
        "stage's own option parser (a bad one is an error naming the\n"
        "stage) and win over the forwarded `target=`, `policy=`, `w-bits=`\n"
        "and `a-bits=`. Options of `cim-duplicate` and `cim-schedule`\n"
        "without `schedule=true` are an error (the stages would not run).",
    .anchor = "builtin.module",
    .options = compileOptions,
    .numOptions = sizeof compileOptions / sizeof compileOptions[0],
    .build = buildCompile,
};
