/*===-- target_test.c - Check suite for the target description -------------===*
 *
 * Every error path of the parser with its exact message, the defaults (the
 * reference system's published numbers), unit conversion to integer
 * picoseconds/femtojoules, and the JSON printer round trip.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Target.h"

static char message[1024];

static void capture(MlirStringRef s, void *userData) {
  (void)userData;
  snprintf(message, sizeof message, "%.*s", (int)s.length, s.data);
}

static bool parse(const char *json, CimTarget *t) {
  message[0] = '\0';
  return mlirLogicalResultIsSuccess(cimTargetParseJSON(
      mlirStringRefCreateFromCString(json), mlirStringRefCreateFromCString("t.json"),
      t, capture, NULL));
}

static void expectError(const char *json, const char *expected) {
  CimTarget t = cimTargetGetDefault();
  t.rows = 12345; /* must stay untouched on failure */
  ck_assert_msg(!parse(json, &t), "accepted: %s", json);
  ck_assert_str_eq(message, expected);
  ck_assert_int_eq(t.rows, 12345);
}

START_TEST(test_default_is_the_reference_system) {
  CimTarget t = cimTargetGetDefault();
  ck_assert_int_eq(t.rows, 256);
  ck_assert_int_eq(t.cols, 256);
  ck_assert_int_eq(t.cellBits, 4);
  ck_assert_int_eq(t.dacBits, 1);
  ck_assert_int_eq(t.weightMapping, CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN);
  ck_assert_int_eq(t.crossbars, 1);
  ck_assert_int_eq(t.ouRows, 256);
  ck_assert_int_eq(t.writePs, 56 * 1000 * 1000); /* 56 us */
  ck_assert_int_eq(t.mvmPs, 1400 * 1000);        /* 1.4 us */
  ck_assert(mlirLogicalResultIsSuccess(cimTargetValidate(&t, capture, NULL)));
  /* An empty object is the default. */
  CimTarget p;
  ck_assert(parse("{}", &p));
  ck_assert(cimTargetEqual(&p, &t));
}
END_TEST

START_TEST(test_fields_and_units) {
  CimTarget t;
  ck_assert(parse("{\"rows\": 128, \"cols\": 64, \"cell_bits\": 2, "
                  "\"dac_bits\": 2, \"adc_bits\": 6, "
                  "\"weight_mapping\": \"offset\", "
                  "\"input_encoding\": \"unsigned\", \"crossbars\": 16, "
                  "\"ou_rows\": 16, \"write_ports\": 4, \"t_write_ns\": 0.5, "
                  "\"t_mvm_ns\": 100, \"t_adc_ns\": 1.25, \"e_adc_pj\": 2.001, "
                  "\"e_write_pj\": 0}",
                  &t));
  ck_assert_int_eq(t.rows, 128);
  ck_assert_int_eq(t.cols, 64);
  ck_assert_int_eq(t.cellBits, 2);
  ck_assert_int_eq(t.dacBits, 2);
  ck_assert_int_eq(t.adcBits, 6);
  ck_assert_int_eq(t.weightMapping, CIM_WEIGHT_MAPPING_OFFSET);
  ck_assert_int_eq(t.inputEncoding, CIM_INPUT_ENCODING_UNSIGNED);
  ck_assert_int_eq(t.crossbars, 16);
  ck_assert_int_eq(t.ouRows, 16);
  ck_assert_int_eq(t.writePorts, 4);
  ck_assert_int_eq(t.writePs, 500);
  ck_assert_int_eq(t.mvmPs, 100000);
  ck_assert_int_eq(t.adcPs, 1250);
  ck_assert_int_eq(t.adcFj, 2001);
  /* Without ou_rows, all rows are active. */
  ck_assert(parse("{\"rows\": 32}", &t));
  ck_assert_int_eq(t.ouRows, 32);
  ck_assert(parse("{\"adc_bits\": \"ideal\"}", &t));
  ck_assert_int_eq(t.adcBits, CIM_ADC_BITS_IDEAL);
}
END_TEST

START_TEST(test_errors_name_field_value_and_range) {
  expectError("{\"rows\": 0}", "t.json: field 'rows': 0 is out of range [1, 65536]");
  expectError("{\"cell_bits\": 9}",
              "t.json: field 'cell_bits': 9 is out of range [1, 8]");
  expectError("{\"crossbars\": 0}",
              "t.json: field 'crossbars': 0 is out of range [1, 1048576]");
  expectError("{\"adc_bits\": 40}",
              "t.json: field 'adc_bits': 40 is out of range [1, 32] (or \"ideal\")");
  expectError("{\"adc_bits\": \"perfect\"}",
              "t.json: field 'adc_bits': \"perfect\" is not a bit count or \"ideal\"");
  expectError("{\"rows\": 64, \"ou_rows\": 65}",
              "t.json: field 'ou_rows': 65 is out of range [1, 64]");
  expectError("{\"write_ports\": 2}",
              "t.json: field 'write_ports': 2 is out of range [1, 1]");
  expectError("{\"t_mvm_ns\": -1}",
              "t.json: field 't_mvm_ns': -1 is out of range [0, 1000000000000]");
  expectError("{\"t_mvm_ns\": 0.0001}",
              "t.json: field 't_mvm_ns': 0.0001 is finer than the resolution of "
              "0.001 ns or too large");
  expectError("{\"rows\": 2.5}", "t.json: field 'rows': expected an integer, got a real number");
  expectError("{\"rows\": \"256\"}", "t.json: field 'rows': expected an integer, got a string");
  expectError("{\"e_mvm_pj\": true}",
              "t.json: field 'e_mvm_pj': expected a number, got a boolean");
  expectError("{\"weight_mapping\": \"diagonal\"}",
              "t.json: field 'weight_mapping': \"diagonal\" is not one of "
              "\"differential-column\", \"differential-row\", \"offset\"");
  expectError("{\"input_encoding\": 1}",
              "t.json: field 'input_encoding': expected a string, got an integer");
  expectError("{\"adc_bits\": 0}",
              "t.json: field 'adc_bits': 0 is out of range [1, 32] (or \"ideal\")");
  expectError("{\"t_mvm_ns\": 1.0000001}",
              "t.json: field 't_mvm_ns': 1.0000001 is finer than the resolution of "
              "0.001 ns or too large");
  expectError("{\"cols\": 1}",
              "t.json: field 'cols': 1 is out of range [2, 65536] "
              "(differential-column needs a column pair)");
  expectError("{\"rows\": 1, \"weight_mapping\": \"differential-row\"}",
              "t.json: field 'rows': 1 is out of range [2, 65536] "
              "(differential-row needs a row pair)");
  expectError("{\"cols\": 1, \"weight_mapping\": \"offset\"}",
              "t.json: field 'cols': 1 is out of range [2, 65536] "
              "(offset needs a data column beside the bias column)");
  expectError("{\"rowz\": 1}",
              "t.json: unknown field 'rowz' (docs/target.md lists the fields)");
  expectError("[1, 2]", "t.json: a target is a JSON object, got an array");
  expectError("{\"rows\": 256,\n \"cols\": }",
              "t.json:2:10: unexpected token near '}'");
  expectError("", "t.json:1:0: '[' or '{' expected near end of file");
}
END_TEST

START_TEST(test_duplicate_key) {
  /* The wording after the position is jansson's; the position is ours to
   * pass on: line 1, column 18, where the second "rows" token ends. */
  CimTarget t;
  ck_assert(!parse("{\"rows\": 1, \"rows\": 2}", &t));
  ck_assert_msg(strncmp(message, "t.json:1:18: ", 13) == 0, "%s", message);
  ck_assert_ptr_nonnull(strstr(message, "duplicate object key"));
}
END_TEST

START_TEST(test_missing_file) {
  CimTarget t;
  ck_assert(mlirLogicalResultIsFailure(
      cimTargetLoadFile("/nonexistent/target.json", &t, capture, NULL)));
  ck_assert_str_eq(message, "cannot open target file '/nonexistent/target.json': "
                            "No such file or directory");
}
END_TEST

static void append(MlirStringRef s, void *userData) {
  strncat((char *)userData, s.data, s.length);
}

START_TEST(test_print_round_trips) {
  CimTarget t = cimTargetGetDefault();
  t.adcBits = 7;
  t.adcPs = 1250;
  t.mvmFj = 3;
  t.inputEncoding = CIM_INPUT_ENCODING_OFFSET;
  char json[4096] = {0};
  cimTargetPrintJSON(&t, append, json);
  ck_assert_ptr_nonnull(strstr(json, "\"t_write_ns\": 56000,\n"));
  ck_assert_ptr_nonnull(strstr(json, "\"t_mvm_ns\": 1400,\n"));
  ck_assert_ptr_nonnull(strstr(json, "\"t_adc_ns\": 1.25,\n"));
  ck_assert_ptr_nonnull(strstr(json, "\"e_mvm_pj\": 0.003,\n"));
  ck_assert_ptr_nonnull(strstr(json, "\"input_encoding\": \"offset\",\n"));
  CimTarget back;
  ck_assert_msg(parse(json, &back), "%s", message);
  ck_assert(cimTargetEqual(&t, &back));
  ck_assert_uint_eq(cimTargetGetFingerprint(&t), cimTargetGetFingerprint(&back));
  back.cols = 128;
  ck_assert(!cimTargetEqual(&t, &back));
  ck_assert_uint_ne(cimTargetGetFingerprint(&t), cimTargetGetFingerprint(&back));
}
END_TEST

START_TEST(test_example_targets_load) {
  CimTarget t;
  ck_assert_msg(mlirLogicalResultIsSuccess(cimTargetLoadFile(
                    CIM_SOURCE_DIR "/examples/targets/reference.json", &t,
                    capture, NULL)),
                "%s", message);
  CimTarget d = cimTargetGetDefault();
  ck_assert(cimTargetEqual(&t, &d));
  ck_assert(mlirLogicalResultIsSuccess(cimTargetLoadFile(
      CIM_SOURCE_DIR "/examples/targets/reference-2bit-cells.json", &t, capture,
      NULL)));
  ck_assert_int_eq(t.cellBits, 2);
  ck_assert_int_eq(t.ouRows, 256);
  ck_assert(mlirLogicalResultIsSuccess(cimTargetLoadFile(
      CIM_SOURCE_DIR "/examples/targets/multi-crossbar-ou.json", &t, capture,
      NULL)));
  ck_assert_int_eq(t.crossbars, 64);
  ck_assert_int_eq(t.ouRows, 16);
  ck_assert_int_eq(t.writeFj, 3910);
}
END_TEST

static Suite *targetSuite(void) {
  Suite *s = suite_create("target");
  TCase *tc = tcase_create("json");
  tcase_add_test(tc, test_default_is_the_reference_system);
  tcase_add_test(tc, test_fields_and_units);
  tcase_add_test(tc, test_errors_name_field_value_and_range);
  tcase_add_test(tc, test_duplicate_key);
  tcase_add_test(tc, test_missing_file);
  tcase_add_test(tc, test_print_round_trips);
  tcase_add_test(tc, test_example_targets_load);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(targetSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
