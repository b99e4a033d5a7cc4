/*===-- dialects_test.c - Check suite for loading the IRDL dialects --------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"

static MlirContext ctx;
static char diag[4096];
static int numDiags;

static void appendTo(MlirStringRef s, void *userData) {
  strncat((char *)userData, s.data, s.length);
}

/* Records "LOCATION: MESSAGE" of the last diagnostic. */
static MlirLogicalResult capture(MlirDiagnostic d, void *userData) {
  (void)userData;
  ++numDiags;
  diag[0] = '\0';
  mlirLocationPrint(mlirDiagnosticGetLocation(d), appendTo, diag);
  strcat(diag, ": ");
  mlirDiagnosticPrint(d, appendTo, diag);
  return mlirLogicalResultSuccess();
}

static void setup(void) {
  ctx = cimContextCreate();
  ck_assert(!mlirContextIsNull(ctx));
  numDiags = 0;
  diag[0] = '\0';
  mlirContextAttachDiagnosticHandler(ctx, capture, NULL, NULL);
}

static void teardown(void) { mlirContextDestroy(ctx); }

static MlirLogicalResult loadSource(const char *text, const char *name) {
  return cimLoadIRDLSource(ctx, mlirStringRefCreateFromCString(text),
                           mlirStringRefCreateFromCString(name));
}

START_TEST(test_embedded_dialects_load_and_parse) {
  ck_assert(!mlirDialectIsNull(
      mlirContextGetOrLoadDialect(ctx, mlirStringRefCreateFromCString("cim"))));
  ck_assert(!mlirDialectIsNull(
      mlirContextGetOrLoadDialect(ctx, mlirStringRefCreateFromCString("xbar"))));
  ck_assert(mlirLogicalResultIsSuccess(cimLoadDialects(ctx)));
  ck_assert_int_eq(numDiags, 0);
  /* The embedded text is the file in the source tree, byte for byte. */
  FILE *f = fopen(CIM_SOURCE_DIR "/dialects/cim.irdl.mlir", "rb");
  ck_assert_ptr_nonnull(f);
  static char file[1 << 20];
  size_t n = fread(file, 1, sizeof file, f);
  fclose(f);
  MlirStringRef embedded =
      cimGetEmbeddedDialectSource(mlirStringRefCreateFromCString("cim"));
  ck_assert_uint_eq(embedded.length, n);
  ck_assert(memcmp(embedded.data, file, n) == 0);
  ck_assert_uint_eq(embedded.data[embedded.length], 0);
}
END_TEST

START_TEST(test_plugin_dialect_loads) {
  ck_assert(mlirLogicalResultIsSuccess(
      loadSource("irdl.dialect @toy {\n"
                 "  irdl.operation @id {\n"
                 "    %t = irdl.any\n"
                 "    irdl.operands(x: %t)\n"
                 "    irdl.results(y: %t)\n"
                 "  }\n"
                 "}\n",
                 "toy.irdl.mlir")));
  MlirModule m = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString(
               "func.func @f(%a: i32) -> i32 {\n"
               "  %0 = \"toy.id\"(%a) : (i32) -> i32\n"
               "  return %0 : i32\n"
               "}"));
  ck_assert(!mlirModuleIsNull(m));
  mlirModuleDestroy(m);
  /* The IRDL verifier of the plugin dialect runs: mismatched types fail. */
  m = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString(
               "func.func @g(%a: i32) -> i64 {\n"
               "  %0 = \"toy.id\"(%a) : (i32) -> i64\n"
               "  return %0 : i64\n"
               "}"));
  ck_assert(mlirModuleIsNull(m));
  ck_assert_int_ge(numDiags, 1);
}
END_TEST

START_TEST(test_redefinition_is_an_error_at_the_dialect) {
  ck_assert(mlirLogicalResultIsFailure(
      loadSource("\n  irdl.dialect @cim {\n  }\n", "again.irdl.mlir")));
  ck_assert_str_eq(diag, "loc(\"again.irdl.mlir\":2:3): dialect 'cim' is "
                         "already loaded");
}
END_TEST

START_TEST(test_non_irdl_content_is_rejected) {
  ck_assert(mlirLogicalResultIsFailure(
      loadSource("irdl.dialect @ok1 {\n}\nfunc.func @f() { return }\n",
                 "mixed.irdl.mlir")));
  ck_assert_str_eq(diag, "loc(\"mixed.irdl.mlir\":3:1): an IRDL file may only "
                         "contain 'irdl.dialect' operations");
}
END_TEST

START_TEST(test_syntax_error_has_file_location) {
  ck_assert(mlirLogicalResultIsFailure(
      loadSource("irdl.dialect @bad {\n  irdl.operation @x {\n", "bad.irdl.mlir")));
  ck_assert_int_ge(numDiags, 1);
  /* MLIR reports the unexpected end of file after the last token, line 2. */
  ck_assert_msg(strncmp(diag, "loc(\"bad.irdl.mlir\":2:", 22) == 0, "%s", diag);
}
END_TEST

START_TEST(test_missing_file) {
  ck_assert(mlirLogicalResultIsFailure(cimLoadIRDLFile(
      ctx, mlirStringRefCreateFromCString("/nonexistent/x.irdl.mlir"))));
  ck_assert_str_eq(diag, "loc(unknown): cannot open IRDL file "
                         "'/nonexistent/x.irdl.mlir': No such file or directory");
}
END_TEST

static Suite *dialectsSuite(void) {
  Suite *s = suite_create("dialects");
  TCase *tc = tcase_create("loading");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_embedded_dialects_load_and_parse);
  tcase_add_test(tc, test_plugin_dialect_loads);
  tcase_add_test(tc, test_redefinition_is_an_error_at_the_dialect);
  tcase_add_test(tc, test_non_irdl_content_is_rejected);
  tcase_add_test(tc, test_syntax_error_has_file_location);
  tcase_add_test(tc, test_missing_file);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(dialectsSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
