/*===-- pipeline_test.c - Check suite for the textual pipeline parser ------===*
 *
 * Valid pipelines are checked through MLIR's own printer (what ended up in
 * the pass manager); invalid ones by the exact message and caret column,
 * counted by hand from the pipeline text.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "cim-c/Pipeline.h"
#include "mlir-c/Pass.h"
#include "mlir-c/RegisterEverything.h"

static MlirContext ctx;

static void setup(void) {
  mlirRegisterAllPasses();
  ctx = cimContextCreate();
  ck_assert(!mlirContextIsNull(ctx));
}

static void teardown(void) { mlirContextDestroy(ctx); }

static void appendTo(MlirStringRef s, void *userData) {
  strncat((char *)userData, s.data, s.length);
}

/// Parses `text` on a builtin.module pass manager; returns the printed
/// pipeline on success or the error on failure, in `out`.
static bool parse(const char *text, char *out) {
  out[0] = '\0';
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString("builtin.module"));
  bool ok = mlirLogicalResultIsSuccess(cimParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm), mlirStringRefCreateFromCString(text),
      appendTo, out));
  if (ok)
    mlirPrintPassPipeline(mlirPassManagerGetAsOpPassManager(pm), appendTo, out);
  mlirPassManagerDestroy(pm);
  return ok;
}

START_TEST(test_valid_pipelines) {
  char out[4096];
  ck_assert(parse("builtin.module(func.func(convert-linalg-to-cim),cse)", out));
  ck_assert_str_eq(out, "builtin.module(func.func(convert-linalg-to-cim),cse)");
  /* Whitespace anywhere between tokens, empty nested pipelines. */
  ck_assert(parse("  builtin.module( func.func( convert-linalg-to-cim , cse ) , "
                  "func.func() )  ",
                  out));
  ck_assert_str_eq(out,
                   "builtin.module(func.func(convert-linalg-to-cim,cse),func.func())");
  /* Upstream options are handed to MLIR (and printed back with all options). */
  ck_assert(parse("builtin.module(canonicalize{max-iterations=3})", out));
  ck_assert_ptr_nonnull(strstr(out, "max-iterations=3"));
}
END_TEST

START_TEST(test_anchor_of_pass_manager) {
  char anchor[64];
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  cimOpPassManagerGetAnchor(mlirPassManagerGetAsOpPassManager(pm), anchor,
                            sizeof anchor);
  ck_assert_str_eq(anchor, "any");
  mlirPassManagerDestroy(pm);
  pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString("builtin.module"));
  cimOpPassManagerGetAnchor(mlirPassManagerGetAsOpPassManager(pm), anchor, 8);
  ck_assert_str_eq(anchor, "builtin"); /* truncated to the buffer */
  mlirPassManagerDestroy(pm);
}
END_TEST

/* Error: message, then the text, then a caret under column `col`. */
static void expectError(const char *text, int col, const char *message) {
  char out[4096];
  ck_assert_msg(!parse(text, out), "'%s' parsed", text);
  char expected[4096];
  int n = snprintf(expected, sizeof expected,
                   "<pass pipeline>:1:%d: error: %s\n%s\n", col, message, text);
  for (int i = 1; i < col; ++i)
    expected[n++] = ' ';
  expected[n++] = '^';
  expected[n] = '\0';
  ck_assert_str_eq(out, expected);
}

START_TEST(test_errors_point_at_the_offending_character) {
  expectError("func.func(cse)", 1,
              "the pipeline is anchored on 'func.func' but runs on "
              "'builtin.module' operations");
  expectError("cse", 1,
              "expected pass pipeline to be wrapped with the anchor operation "
              "type, e.g. 'builtin.module(...)'");
  expectError("builtin.module(func.func(no-such-pass))", 26,
              "'no-such-pass' is neither a cim pass nor a registered MLIR pass "
              "(cim-opt --list-passes lists the cim passes)");
  /* As mlir-opt 22 (upstream mlir/test/Pass/pipeline-parsing.mlir): the
   * closing ')' of the anchor first, then the parentheses balance, before
   * any name is looked up. */
  expectError("builtin.module(cse", 1,
              "expected pass pipeline to be wrapped with the anchor operation "
              "type, e.g. 'builtin.module(...)'");
  expectError("builtin.module()(", 1,
              "expected pass pipeline to be wrapped with the anchor operation "
              "type, e.g. 'builtin.module(...)'");
  expectError("builtin.module(func.func(cse),cse))", 35,
              "encountered extra closing ')' creating unbalanced parentheses "
              "while parsing pipeline");
  expectError("builtin.module((cse)", 16,
              "encountered unbalanced parentheses while parsing pipeline");
  expectError("builtin.module(cse))", 20,
              "encountered extra closing ')' creating unbalanced parentheses "
              "while parsing pipeline");
  expectError("builtin.module(test-module-pass))", 33,
              "encountered extra closing ')' creating unbalanced parentheses "
              "while parsing pipeline");
  expectError("builtin.module(cse,,cse)", 20,
              "expected a pass name or an op anchor, found ','");
  expectError("builtin.module(cse;cse)", 19,
              "expected ',' or ')' in the pipeline, found ';'");
  expectError("builtin.module(convert-linalg-to-cim)", 16,
              "pass 'convert-linalg-to-cim' runs on 'func.func' but is nested "
              "under 'builtin.module'; write 'func.func(convert-linalg-to-cim)' "
              "there");
  expectError("builtin.module(func.func(convert-linalg-to-cim{rows=2}))", 48,
              "pass 'convert-linalg-to-cim' has no option 'rows'");
  expectError("builtin.module(func.func(convert-linalg-to-cim{rows=2))", 47,
              "missing '}' to close the options of 'convert-linalg-to-cim'");
  expectError("builtin.module(affine-loop-invariant-code-motion)", 16,
              "MLIR pass 'affine-loop-invariant-code-motion' cannot run on the "
              "ops of this pass manager; nest it under the op it runs on, e.g. "
              "'func.func(affine-loop-invariant-code-motion)'");
}
END_TEST

START_TEST(test_upstream_option_error_is_reported_at_options) {
  char out[4096];
  ck_assert(!parse("builtin.module(canonicalize{max-iterations=x})", out));
  /* MLIR's own complaint, positioned at the option text (column 29). */
  ck_assert_msg(strncmp(out, "<pass pipeline>:1:29: error: ", 29) == 0, "%s", out);
  ck_assert_ptr_nonnull(strstr(out, "max-iterations"));
}
END_TEST

START_TEST(test_elements_without_anchor) {
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString("builtin.module"));
  char out[1024] = {0};
  ck_assert(mlirLogicalResultIsSuccess(cimOpPassManagerAddPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString("cse, func.func(convert-linalg-to-cim)"),
      appendTo, out)));
  mlirPrintPassPipeline(mlirPassManagerGetAsOpPassManager(pm), appendTo, out);
  ck_assert_str_eq(out, "builtin.module(cse,func.func(convert-linalg-to-cim))");
  mlirPassManagerDestroy(pm);
}
END_TEST

START_TEST(test_deep_nesting_is_an_error_not_a_crash) {
  /* 100 nested anchors: "builtin.module(" then "a(" x 100; the 65th "a" is
   * at column 16 + 64 * 2 = 144. */
  static char text[512], out[8192];
  strcpy(text, "builtin.module(");
  for (int i = 0; i < 100; ++i)
    strcat(text, "a(");
  for (int i = 0; i < 101; ++i)
    strcat(text, ")");
  out[0] = '\0';
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString("builtin.module"));
  ck_assert(mlirLogicalResultIsFailure(cimParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm), mlirStringRefCreateFromCString(text),
      appendTo, out)));
  mlirPassManagerDestroy(pm);
  ck_assert_msg(strncmp(out, "<pass pipeline>:1:144: error: pipeline nested "
                             "deeper than 64 anchors\n", 69) == 0, "%s", out);
}
END_TEST

static Suite *pipelineSuite(void) {
  Suite *s = suite_create("pipeline");
  TCase *tc = tcase_create("parser");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_valid_pipelines);
  tcase_add_test(tc, test_anchor_of_pass_manager);
  tcase_add_test(tc, test_errors_point_at_the_offending_character);
  tcase_add_test(tc, test_upstream_option_error_is_reported_at_options);
  tcase_add_test(tc, test_elements_without_anchor);
  tcase_add_test(tc, test_deep_nesting_is_an_error_not_a_crash);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(pipelineSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
