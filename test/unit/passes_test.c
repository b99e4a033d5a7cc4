/*===-- passes_test.c - Check suite for the pass table and pass instances --===*
 *
 * Covers: table lookup and validation of new rows, option parsing (every
 * type, every error with its offset), and the external-pass bookkeeping:
 * clones made by a multi-threaded pass manager carry the same options, and
 * every construct is matched by a destruct.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "cim-c/Passes.h"
#include "cim-c/Pipeline.h"
#include "mlir-c/RegisterEverything.h"

static char lastError[1024];

static void captureError(MlirStringRef s, void *userData) {
  (void)userData;
  size_t n = s.length < sizeof lastError - 1 ? s.length : sizeof lastError - 1;
  memcpy(lastError, s.data, n);
  lastError[n] = '\0';
}

/* A test pass with one option of each type; its run records what it saw. */
static atomic_int runs;
static atomic_llong sumOfSeenInts;

static MlirLogicalResult recordRun(MlirOperation op, const CimPassOptions *o) {
  (void)op;
  atomic_fetch_add(&runs, 1);
  atomic_fetch_add(&sumOfSeenInts, (long long)cimPassOptionsGetInt(o, "size"));
  return mlirLogicalResultSuccess();
}

static const CimPassOptionDef testOptions[] = {
    {"size", CIM_PASS_OPTION_INT, "256", "An integer.", 1, 4096},
    {"enable", CIM_PASS_OPTION_BOOL, "false", "A flag.", 0, 0},
    {"label", CIM_PASS_OPTION_STRING, "plain", "A string.", 0, 0},
};

static const CimPassDef testPass = {
    .argument = "test-record-options",
    .name = "TestRecordOptions",
    .summary = "Records the options it runs with",
    .description = "Test only.",
    .anchor = "func.func",
    .options = testOptions,
    .numOptions = 3,
    .run = recordRun,
};

/* The table is process-wide: register the test pass once. */
static void registerTestPassOnce(void) {
  if (!cimPassRegistryLookup(mlirStringRefCreateFromCString(testPass.argument)))
    ck_assert(mlirLogicalResultIsSuccess(
        cimPassRegistryAdd(&testPass, captureError, NULL)));
}

START_TEST(test_builtin_table) {
  ck_assert_int_ge(cimPassRegistryGetNumPasses(), 1);
  const CimPassDef *def = cimPassRegistryLookup(
      mlirStringRefCreateFromCString("convert-linalg-to-cim"));
  ck_assert_ptr_nonnull(def);
  ck_assert_str_eq(def->anchor, "func.func");
  ck_assert_ptr_null(
      cimPassRegistryLookup(mlirStringRefCreateFromCString("convert-linalg")));
  /* Every row is well formed: kebab-case argument, summary, run function. */
  for (intptr_t i = 0; i < cimPassRegistryGetNumPasses(); ++i) {
    const CimPassDef *d = cimPassRegistryGetPass(i);
    ck_assert_ptr_nonnull(d->run);
    ck_assert_ptr_nonnull(d->summary);
    ck_assert_ptr_null(strchr(d->argument, '_'));
  }
}
END_TEST

START_TEST(test_add_rejects_bad_rows) {
  registerTestPassOnce();
  /* Duplicate argument. */
  ck_assert(mlirLogicalResultIsFailure(
      cimPassRegistryAdd(&testPass, captureError, NULL)));
  ck_assert_str_eq(lastError, "a pass with argument 'test-record-options' is "
                              "already registered");
  /* Not kebab-case. */
  CimPassDef bad = testPass;
  bad.argument = "Bad_Name";
  ck_assert(mlirLogicalResultIsFailure(cimPassRegistryAdd(&bad, captureError, NULL)));
  ck_assert_str_eq(lastError, "pass argument 'Bad_Name' is not kebab-case");
  /* A default that does not parse. */
  static const CimPassOptionDef badDefault[] = {
      {"size", CIM_PASS_OPTION_INT, "lots", "", 0, 10}};
  bad.argument = "test-bad-default";
  bad.options = badDefault;
  bad.numOptions = 1;
  ck_assert(mlirLogicalResultIsFailure(cimPassRegistryAdd(&bad, captureError, NULL)));
  ck_assert_str_eq(lastError, "bad default in the pass table: option 'size' of "
                              "pass 'test-bad-default' expects an integer, got "
                              "'lots'");
  /* No run function. */
  bad = testPass;
  bad.argument = "test-no-run";
  bad.run = NULL;
  ck_assert(mlirLogicalResultIsFailure(cimPassRegistryAdd(&bad, captureError, NULL)));
  ck_assert_ptr_null(cimPassRegistryLookup(mlirStringRefCreateFromCString("test-no-run")));
}
END_TEST

/* Creates an instance with `text` and expects the given error and offset. */
static void expectOptionError(const char *text, const char *message,
                              intptr_t offset) {
  registerTestPassOnce();
  intptr_t at = -1;
  lastError[0] = '\0';
  MlirPass p = cimPassCreate(&testPass, mlirStringRefCreateFromCString(text),
                             captureError, NULL, &at);
  ck_assert(cimPassIsNull(p));
  ck_assert_str_eq(lastError, message);
  ck_assert_int_eq(at, offset);
}

START_TEST(test_option_errors) {
  expectOptionError("sizes=3", "pass 'test-record-options' has no option 'sizes'", 0);
  expectOptionError("enable size=x",
                    "option 'size' of pass 'test-record-options' expects an "
                    "integer, got 'x'",
                    12);
  expectOptionError("size=0",
                    "option 'size' of pass 'test-record-options' must be in "
                    "[1, 4096], got 0",
                    5);
  expectOptionError("size=99999999999999999999",
                    "option 'size' of pass 'test-record-options' expects an "
                    "integer, got '99999999999999999999'",
                    5);
  expectOptionError("enable=maybe",
                    "option 'enable' of pass 'test-record-options' expects "
                    "true or false, got 'maybe'",
                    7);
  expectOptionError("size", "option 'size' of pass 'test-record-options' needs "
                            "a value ('size=...')",
                    0);
  expectOptionError("label=\"open", "unterminated quoted value", 6);
  expectOptionError("label={a{b}", "unbalanced '{' in option value", 6);
  expectOptionError("=3", "expected an option name", 0);
}
END_TEST

/* What docs/c-api.md's example does: create a pass straight from a lookup,
 * with or without an error callback. A bad option or an unknown pass name
 * gives a null pass and a message, never a crash. */
START_TEST(test_create_fails_without_crashing) {
  registerTestPassOnce();
  ck_assert(cimPassIsNull(cimPassCreate(
      &testPass, mlirStringRefCreateFromCString("sizes=3"), NULL, NULL, NULL)));
  const CimPassDef *missing =
      cimPassRegistryLookup(mlirStringRefCreateFromCString("test-no-such-pass"));
  ck_assert_ptr_null(missing);
  ck_assert(cimPassIsNull(cimPassCreate(
      missing, mlirStringRefCreateFromCString(""), NULL, NULL, NULL)));
  intptr_t at = -1;
  lastError[0] = '\0';
  ck_assert(cimPassIsNull(cimPassCreate(
      missing, mlirStringRefCreateFromCString("rows=4"), captureError, NULL, &at)));
  ck_assert_str_eq(lastError, "no such pass (cimPassRegistryLookup found none)");
  ck_assert_int_eq(at, 0);
  ck_assert_int_eq(cimPassGetLiveInstanceCount(), 0);
}
END_TEST

static void appendTo(MlirStringRef s, void *userData) {
  strncat((char *)userData, s.data, s.length);
}

START_TEST(test_option_values_and_defaults) {
  registerTestPassOnce();
  MlirContext ctx = cimContextCreate();
  /* Defaults when nothing is given; values when given; printed in table
   * order. Observed through the pipeline printer, which prints the pass's
   * argument; the values are observed by running (see the clone test). */
  MlirPass p = cimPassCreate(&testPass,
                             mlirStringRefCreateFromCString(
                                 " size=0x10  enable label='two words' "),
                             captureError, NULL, NULL);
  ck_assert(!cimPassIsNull(p));
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager fpm = mlirPassManagerGetNestedUnder(
      pm, mlirStringRefCreateFromCString("func.func"));
  mlirOpPassManagerAddOwnedPass(fpm, p);
  char printed[512] = {0};
  mlirPrintPassPipeline(mlirPassManagerGetAsOpPassManager(pm), appendTo, printed);
  ck_assert_str_eq(printed, "any(func.func(test-record-options))");

  atomic_store(&runs, 0);
  atomic_store(&sumOfSeenInts, 0);
  MlirModule m = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString("func.func @f() { return }"));
  ck_assert(mlirLogicalResultIsSuccess(
      mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(m))));
  ck_assert_int_eq(atomic_load(&runs), 1);
  ck_assert_int_eq(atomic_load(&sumOfSeenInts), 16); /* 0x10 */
  mlirModuleDestroy(m);
  mlirPassManagerDestroy(pm);
  mlirContextDestroy(ctx);
  ck_assert_int_eq(cimPassGetLiveInstanceCount(), 0);
}
END_TEST

START_TEST(test_clones_share_options_and_are_destroyed) {
  registerTestPassOnce();
  mlirRegisterAllPasses();
  /* A multi-threaded context makes MLIR clone the function pipeline for its
   * worker threads. */
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirRegisterAllDialects(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, true);
  mlirDialectRegistryDestroy(registry);
  ck_assert(mlirLogicalResultIsSuccess(cimLoadDialects(ctx)));

  enum { kFunctions = 16, kSize = 77 };
  char source[kFunctions * 40] = {0};
  for (int i = 0; i < kFunctions; ++i) {
    char f[40];
    snprintf(f, sizeof f, "func.func @f%d() { return }\n", i);
    strcat(source, f);
  }
  MlirModule m = mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(source));
  ck_assert(!mlirModuleIsNull(m));

  MlirPassManager pm = mlirPassManagerCreate(ctx);
  ck_assert(mlirLogicalResultIsSuccess(cimParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString(
          "any(func.func(test-record-options{size=77},canonicalize))"),
      captureError, NULL)));
  ck_assert_int_eq(cimPassGetLiveInstanceCount(), 1);
  atomic_store(&runs, 0);
  atomic_store(&sumOfSeenInts, 0);
  ck_assert(mlirLogicalResultIsSuccess(
      mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(m))));
  /* Every function saw size=77, whichever clone ran it. */
  ck_assert_int_eq(atomic_load(&runs), kFunctions);
  ck_assert_int_eq(atomic_load(&sumOfSeenInts), (long long)kFunctions * kSize);
  ck_assert_int_ge(cimPassGetLiveInstanceCount(), 1);
  mlirPassManagerDestroy(pm);
  ck_assert_int_eq(cimPassGetLiveInstanceCount(), 0);
  mlirModuleDestroy(m);
  mlirContextDestroy(ctx);
}
END_TEST

START_TEST(test_docs_generated_from_table) {
  /* Static and roomy: the whole of docs/passes.md is printed into md. */
  static char help[65536], md[65536];
  help[0] = md[0] = '\0';
  cimPassRegistryPrintHelp(appendTo, help);
  ck_assert_ptr_nonnull(strstr(help, "--convert-linalg-to-cim"));
  registerTestPassOnce();
  cimPassRegistryPrintMarkdown(appendTo, md);
  ck_assert_uint_lt(strlen(md), sizeof md - 1);
  ck_assert_ptr_nonnull(strstr(md, "## `test-record-options`: Records the options it runs with"));
  ck_assert_ptr_nonnull(strstr(md, "| `size` | int, 1..4096 | `256` | An integer. |"));
}
END_TEST

START_TEST(test_pipeline_table) {
  ck_assert_int_eq(cimPassRegistryGetNumPipelines(), 1);
  const CimPassPipelineDef *def = cimPassRegistryGetPipeline(0);
  ck_assert_ptr_eq(def, cimPassRegistryLookupPipeline(
                            mlirStringRefCreateFromCString("cim-compile")));
  ck_assert_ptr_null(cimPassRegistryLookupPipeline(
      mlirStringRefCreateFromCString("cim-tile")));
  ck_assert_ptr_null(
      cimPassRegistryLookup(mlirStringRefCreateFromCString("cim-compile")));
  /* Every stage that has options is reachable by an option of its name
   * (the stages as documented in docs/passes.md). */
  const char *stages[] = {"cim-assign-precision", "convert-linalg-to-cim",
                          "cim-tile",             "cim-bitslice",
                          "convert-cim-to-xbar",  "cim-duplicate",
                          "cim-schedule"};
  for (size_t i = 0; i < sizeof stages / sizeof stages[0]; ++i) {
    const CimPassDef *stage =
        cimPassRegistryLookup(mlirStringRefCreateFromCString(stages[i]));
    ck_assert_ptr_nonnull(stage);
    bool found = false;
    for (intptr_t k = 0; k < def->numOptions; ++k)
      if (!strcmp(def->options[k].name, stages[i])) {
        found = true;
        ck_assert_int_eq(def->options[k].type, CIM_PASS_OPTION_STRING);
      }
    ck_assert_msg(found == (stage->numOptions > 0), "stage option of %s",
                  stages[i]);
  }
  /* Suggestions cover passes and pipelines, only within a typo's reach. */
  ck_assert_str_eq(
      cimPassRegistrySuggest(mlirStringRefCreateFromCString("cim-compil")),
      "cim-compile");
  ck_assert_str_eq(
      cimPassRegistrySuggest(mlirStringRefCreateFromCString("cim-bitslce")),
      "cim-bitslice");
  ck_assert_ptr_null(
      cimPassRegistrySuggest(mlirStringRefCreateFromCString("canonicalize")));
  /* A pass may not take a pipeline's name. */
  static const CimPassDef clash = {
      .argument = "cim-compile",
      .name = "Clash",
      .summary = "s",
      .description = "d",
      .anchor = "",
      .run = recordRun,
  };
  lastError[0] = '\0';
  ck_assert(mlirLogicalResultIsFailure(
      cimPassRegistryAdd(&clash, captureError, NULL)));
  ck_assert_str_eq(lastError,
                   "'cim-compile' is already the name of a pass pipeline");
  /* A null row fails like cimPassCreate's. */
  MlirContext ctx = mlirContextCreate();
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  intptr_t offset = -1;
  ck_assert(mlirLogicalResultIsFailure(cimOpPassManagerAddPassPipeline(
      mlirPassManagerGetAsOpPassManager(pm), NULL,
      mlirStringRefCreate(NULL, 0), captureError, NULL, &offset)));
  ck_assert_int_eq(offset, 0);
  /* Option errors carry their offset in the option text. */
  ck_assert(mlirLogicalResultIsFailure(cimOpPassManagerAddPassPipeline(
      mlirPassManagerGetAsOpPassManager(pm), def,
      mlirStringRefCreateFromCString("schedule a-bits=0"), captureError, NULL,
      &offset)));
  ck_assert_int_eq(offset, 16);
  ck_assert_str_eq(lastError, "option 'a-bits' of pipeline 'cim-compile' must "
                              "be in [1, 8], got 0");
  mlirPassManagerDestroy(pm);
  mlirContextDestroy(ctx);
}
END_TEST

static Suite *passesSuite(void) {
  Suite *s = suite_create("passes");
  TCase *table = tcase_create("table");
  tcase_add_test(table, test_builtin_table);
  tcase_add_test(table, test_add_rejects_bad_rows);
  tcase_add_test(table, test_docs_generated_from_table);
  tcase_add_test(table, test_pipeline_table);
  suite_add_tcase(s, table);
  TCase *options = tcase_create("options");
  tcase_add_test(options, test_option_errors);
  tcase_add_test(options, test_create_fails_without_crashing);
  tcase_add_test(options, test_option_values_and_defaults);
  suite_add_tcase(s, options);
  TCase *instances = tcase_create("instances");
  tcase_set_timeout(instances, 60);
  tcase_add_test(instances, test_clones_share_options_and_are_destroyed);
  suite_add_tcase(s, instances);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(passesSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
