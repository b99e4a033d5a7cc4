/*===-- target_test.c - Check suite for the target description -------------===*
 *
 * Every error path of the parser with its exact message, the defaults (the
 * reference system's published numbers), unit conversion to integer
 * picoseconds/femtojoules, and the JSON printer round trip. The field table
 * (lib/target/TargetFields.def) through its public face: every field
 * round-trips JSON -> struct -> #cim.target -> struct -> JSON, every field's
 * range is enforced with its own message, and `field=value` overrides.
 * Expected values are written out from docs/target.md, not taken from the
 * table.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "cim-c/Target.h"
#include "mlir-c/Diagnostics.h"

static char message[2048];

/* The fields in the order of docs/target.md's table and of #cim.target's
 * parameters (dialects/cim.irdl.mlir), written out by hand. */
#define ALL_FIELDS                                                             \
  "rows, cols, cell_bits, dac_bits, adc_bits, weight_mapping, "                \
  "input_encoding, crossbars, ou_rows, write_ports, t_write_ns, t_mvm_ns, "    \
  "t_adc_ns, t_digital_ns, t_buffer_ns, e_write_pj, e_mvm_pj, e_adc_pj, "      \
  "e_digital_pj, e_buffer_pj"

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
              "t.json: unknown field 'rowz'; the fields are " ALL_FIELDS);
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


/*===----------------------------------------------------------------------===*
 * The field table, through the public API
 *===----------------------------------------------------------------------===*/

static void appendTo(MlirStringRef s, void *userData) {
  strncat((char *)userData, s.data, s.length);
}

START_TEST(test_field_enumeration) {
  ck_assert_int_eq(cimTargetGetNumFields(), 20);
  char names[1024] = "", attrs[1024] = "";
  for (intptr_t i = 0; i < cimTargetGetNumFields(); ++i) {
    strcat(names, i ? ", " : "");
    strcat(names, cimTargetFieldGetName(i));
    strcat(attrs, i ? ", " : "");
    strcat(attrs, cimTargetFieldGetAttrName(i));
    ck_assert_int_eq(cimTargetLookupField(mlirStringRefCreateFromCString(
                         cimTargetFieldGetName(i))),
                     i);
    ck_assert(strlen(cimTargetFieldGetDoc(i)) > 0);
  }
  ck_assert_str_eq(names, ALL_FIELDS);
  ck_assert_str_eq(attrs,
                   "rows, cols, cell_bits, dac_bits, adc_bits, weight_mapping, "
                   "input_encoding, crossbars, ou_rows, write_ports, "
                   "t_write_ps, t_mvm_ps, t_adc_ps, t_digital_ps, t_buffer_ps, "
                   "e_write_fj, e_mvm_fj, e_adc_fj, e_digital_fj, e_buffer_fj");
  ck_assert_int_eq(cimTargetLookupField(mlirStringRefCreateFromCString("rowz")),
                   -1);
  ck_assert_int_eq(cimTargetLookupField(mlirStringRefCreate("rows_", 4)), 0);

  intptr_t rows = 0, adc = 4, map = 5, enc = 6, xbars = 7, tw = 10, tm = 11;
  intptr_t ew = 15;
  ck_assert_int_eq(cimTargetFieldGetKind(rows), CIM_TARGET_FIELD_KIND_INT);
  ck_assert_int_eq(cimTargetFieldGetKind(adc), CIM_TARGET_FIELD_KIND_ADC);
  ck_assert_int_eq(cimTargetFieldGetKind(map), CIM_TARGET_FIELD_KIND_ENUM);
  ck_assert_int_eq(cimTargetFieldGetKind(tw), CIM_TARGET_FIELD_KIND_TIME);
  ck_assert_int_eq(cimTargetFieldGetKind(ew), CIM_TARGET_FIELD_KIND_ENERGY);
  ck_assert_str_eq(cimTargetFieldGetCType(rows), "int64_t");
  ck_assert_str_eq(cimTargetFieldGetCType(map), "CimWeightMapping");
  ck_assert_str_eq(cimTargetFieldGetCType(enc), "CimInputEncoding");
  ck_assert_str_eq(cimTargetFieldGetUnit(rows), "count");
  ck_assert_str_eq(cimTargetFieldGetUnit(2), "bits");
  ck_assert_str_eq(cimTargetFieldGetUnit(tm), "ns");
  ck_assert_str_eq(cimTargetFieldGetUnit(ew), "pJ");
  ck_assert_str_eq(cimTargetFieldGetValueName(map, 1), "differential-row");
  ck_assert_str_eq(cimTargetFieldGetValueName(enc, 1), "twos-complement");
  ck_assert_ptr_null(cimTargetFieldGetValueName(map, 3));
  ck_assert_ptr_null(cimTargetFieldGetValueName(map, -1));
  ck_assert_ptr_null(cimTargetFieldGetValueName(rows, 0));
  int64_t lo, hi;
  cimTargetFieldGetRange(xbars, &lo, &hi);
  ck_assert(lo == 1 && hi == INT64_C(1) << 20);
  cimTargetFieldGetRange(tw, &lo, &hi); /* 0..10^12 ns, in ps */
  ck_assert(lo == 0 && hi == INT64_C(1000000000000000));

  CimTarget t = cimTargetGetDefault();
  ck_assert_int_eq(cimTargetGetFieldValue(&t, tw), 56000000);
  ck_assert_int_eq(cimTargetGetFieldValue(&t, map),
                   CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN);
  cimTargetSetFieldValue(&t, tm, 1234);
  ck_assert_int_eq(t.mvmPs, 1234);
  char text[64] = "";
  cimTargetPrintFieldValue(&t, tm, appendTo, text);
  ck_assert_str_eq(text, "1.234");
  text[0] = '\0';
  cimTargetPrintFieldValue(&t, adc, appendTo, text);
  ck_assert_str_eq(text, "ideal");
}
END_TEST

/// The parameter names of #cim.target in dialects/cim.irdl.mlir, in order:
/// the attribute is positional, so they must be the table's.
START_TEST(test_irdl_parameters_follow_the_table) {
  FILE *f = fopen(CIM_SOURCE_DIR "/dialects/cim.irdl.mlir", "r");
  ck_assert_ptr_nonnull(f);
  static char irdl[1 << 16];
  size_t n = fread(irdl, 1, sizeof irdl - 1, f);
  fclose(f);
  irdl[n] = '\0';
  const char *p = strstr(irdl, "irdl.parameters(rows:");
  ck_assert_ptr_nonnull(p);
  p += strlen("irdl.parameters(");
  char got[1024] = "";
  for (int i = 0; *p && *p != ')'; ++i) {
    while (*p == ' ' || *p == '\n' || *p == ',')
      ++p;
    const char *colon = strchr(p, ':');
    ck_assert_ptr_nonnull(colon);
    strcat(got, i ? ", " : "");
    strncat(got, p, (size_t)(colon - p));
    p = colon + 1;
    while (*p && *p != ',' && *p != ')')
      ++p;
  }
  char want[1024] = "";
  for (intptr_t i = 0; i < cimTargetGetNumFields(); ++i) {
    strcat(want, i ? ", " : "");
    strcat(want, cimTargetFieldGetAttrName(i));
  }
  ck_assert_str_eq(got, want);
}
END_TEST

/* One setting per field, all different from the defaults and from each
 * other, with the stored value docs/target.md's units give (ns -> ps,
 * pJ -> fJ, names -> the enum's number). */
static const struct {
  const char *setting;
  int64_t stored;
} everyField[] = {
    {"rows=200", 200},
    {"cols=100", 100},
    {"cell_bits=3", 3},
    {"dac_bits=2", 2},
    {"adc_bits=7", 7},
    {"weight_mapping=differential-row", CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW},
    {"input_encoding=unsigned", CIM_INPUT_ENCODING_UNSIGNED},
    {"crossbars=12", 12},
    {"ou_rows=50", 50},
    {"write_ports=5", 5},
    {"t_write_ns=0.5", 500},
    {"t_mvm_ns=1.25", 1250},
    {"t_adc_ns=3", 3000},
    {"t_digital_ns=0.004", 4},
    {"t_buffer_ns=5.5", 5500},
    {"e_write_pj=6", 6000},
    {"e_mvm_pj=0.007", 7},
    {"e_adc_pj=8.25", 8250},
    {"e_digital_pj=9", 9000},
    {"e_buffer_pj=10.001", 10001},
};

static const char everyFieldJSON[] =
    "{\n"
    "  \"rows\": 200,\n"
    "  \"cols\": 100,\n"
    "  \"cell_bits\": 3,\n"
    "  \"dac_bits\": 2,\n"
    "  \"adc_bits\": 7,\n"
    "  \"weight_mapping\": \"differential-row\",\n"
    "  \"input_encoding\": \"unsigned\",\n"
    "  \"crossbars\": 12,\n"
    "  \"ou_rows\": 50,\n"
    "  \"write_ports\": 5,\n"
    "  \"t_write_ns\": 0.5,\n"
    "  \"t_mvm_ns\": 1.25,\n"
    "  \"t_adc_ns\": 3,\n"
    "  \"t_digital_ns\": 0.004,\n"
    "  \"t_buffer_ns\": 5.5,\n"
    "  \"e_write_pj\": 6,\n"
    "  \"e_mvm_pj\": 0.007,\n"
    "  \"e_adc_pj\": 8.25,\n"
    "  \"e_digital_pj\": 9,\n"
    "  \"e_buffer_pj\": 10.001\n"
    "}\n";

static const char everyFieldAttr[] =
    "#cim.target<200 : i64, 100 : i64, 3 : i64, 2 : i64, 7 : i64, "
    "\"differential-row\", \"unsigned\", 12 : i64, 50 : i64, 5 : i64, "
    "500 : i64, 1250 : i64, 3000 : i64, 4 : i64, 5500 : i64, 6000 : i64, "
    "7 : i64, 8250 : i64, 9000 : i64, 10001 : i64>";

START_TEST(test_every_field_round_trips) {
  size_t n = sizeof everyField / sizeof everyField[0];
  ck_assert_int_eq((intptr_t)n, cimTargetGetNumFields());
  char all[1024] = "";
  for (size_t i = 0; i < n; ++i) {
    strcat(all, i ? "," : "");
    strcat(all, everyField[i].setting);
  }
  CimTarget t = cimTargetGetDefault();
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsSuccess(cimTargetApplyOverrides(
                    &t, mlirStringRefCreateFromCString(all),
                    mlirStringRefCreateFromCString("o"), capture, NULL)),
                "%s", message);
  /* Each setting reached its own member, in stored units. */
  int64_t members[] = {t.rows,       t.cols,       t.cellBits,
                       t.dacBits,    t.adcBits,    t.weightMapping,
                       t.inputEncoding, t.crossbars, t.ouRows,
                       t.writePorts, t.writePs,    t.mvmPs,
                       t.adcPs,      t.digitalPs,  t.bufferPs,
                       t.writeFj,    t.mvmFj,      t.adcFj,
                       t.digitalFj,  t.bufferFj};
  for (size_t i = 0; i < n; ++i) {
    ck_assert_msg(members[i] == everyField[i].stored, "%s: got %lld",
                  everyField[i].setting, (long long)members[i]);
    ck_assert_int_eq(cimTargetGetFieldValue(&t, (intptr_t)i),
                     everyField[i].stored);
    char text[64] = "";
    cimTargetPrintFieldValue(&t, (intptr_t)i, appendTo, text);
    ck_assert_str_eq(text, strchr(everyField[i].setting, '=') + 1);
  }
  /* struct -> JSON */
  static char json[4096];
  json[0] = '\0';
  cimTargetPrintJSON(&t, appendTo, json);
  ck_assert_str_eq(json, everyFieldJSON);
  /* JSON -> struct */
  CimTarget fromJSON;
  ck_assert_msg(parse(json, &fromJSON), "%s", message);
  ck_assert(cimTargetEqual(&fromJSON, &t));
  /* struct -> attribute -> struct */
  MlirContext ctx = cimContextCreate();
  MlirAttribute attr = cimTargetToAttribute(ctx, &fromJSON);
  ck_assert(!mlirAttributeIsNull(attr));
  static char attrText[1024];
  attrText[0] = '\0';
  mlirAttributePrint(attr, appendTo, attrText);
  ck_assert_str_eq(attrText, everyFieldAttr);
  CimTarget fromAttr = cimTargetGetDefault();
  ck_assert_msg(mlirLogicalResultIsSuccess(
                    cimTargetFromAttribute(attr, &fromAttr, capture, NULL)),
                "%s", message);
  ck_assert(cimTargetEqual(&fromAttr, &t));
  /* -> JSON again */
  static char again[4096];
  again[0] = '\0';
  cimTargetPrintJSON(&fromAttr, appendTo, again);
  ck_assert_str_eq(again, everyFieldJSON);
  mlirContextDestroy(ctx);
}
END_TEST

/* Below and above every field's range (docs/target.md), one message each. */
static const struct {
  const char *setting, *message;
} outOfRange[] = {
    {"rows=0", "field 'rows': 0 is out of range [1, 65536]"},
    {"rows=65537", "field 'rows': 65537 is out of range [1, 65536]"},
    {"cols=0", "field 'cols': 0 is out of range [1, 65536]"},
    {"cols=65537", "field 'cols': 65537 is out of range [1, 65536]"},
    {"cell_bits=0", "field 'cell_bits': 0 is out of range [1, 8]"},
    {"cell_bits=9", "field 'cell_bits': 9 is out of range [1, 8]"},
    {"dac_bits=0", "field 'dac_bits': 0 is out of range [1, 8]"},
    {"dac_bits=9", "field 'dac_bits': 9 is out of range [1, 8]"},
    {"adc_bits=0",
     "field 'adc_bits': 0 is out of range [1, 32] (or \"ideal\")"},
    {"adc_bits=33",
     "field 'adc_bits': 33 is out of range [1, 32] (or \"ideal\")"},
    {"weight_mapping=diagonal",
     "field 'weight_mapping': \"diagonal\" is not one of "
     "\"differential-column\", \"differential-row\", \"offset\""},
    {"input_encoding=ones-complement",
     "field 'input_encoding': \"ones-complement\" is not one of "
     "\"unsigned\", \"twos-complement\", \"offset\""},
    {"crossbars=0", "field 'crossbars': 0 is out of range [1, 1048576]"},
    {"crossbars=1048577",
     "field 'crossbars': 1048577 is out of range [1, 1048576]"},
    {"ou_rows=0", "field 'ou_rows': 0 is out of range [1, 65536]"},
    {"ou_rows=65537", "field 'ou_rows': 65537 is out of range [1, 65536]"},
    {"write_ports=0", "field 'write_ports': 0 is out of range [1, 1048576]"},
    {"write_ports=1048577",
     "field 'write_ports': 1048577 is out of range [1, 1048576]"},
#define TIME_CASES(f)                                                          \
  {f "=-0.001", "field '" f "': -0.001 is out of range [0, 1000000000000]"},   \
      {f "=1000000000000.001", "field '" f "': 1000000000000.001 is out of "   \
                               "range [0, 1000000000000]"}
    TIME_CASES("t_write_ns"),
    TIME_CASES("t_mvm_ns"),
    TIME_CASES("t_adc_ns"),
    TIME_CASES("t_digital_ns"),
    TIME_CASES("t_buffer_ns"),
    TIME_CASES("e_write_pj"),
    TIME_CASES("e_mvm_pj"),
    TIME_CASES("e_adc_pj"),
    TIME_CASES("e_digital_pj"),
    TIME_CASES("e_buffer_pj"),
#undef TIME_CASES
};

START_TEST(test_every_range_is_enforced) {
  size_t n = sizeof outOfRange / sizeof outOfRange[0];
  for (intptr_t f = 0; f < cimTargetGetNumFields(); ++f) {
    bool covered = false;
    size_t len = strlen(cimTargetFieldGetName(f));
    for (size_t i = 0; i < n && !covered; ++i)
      covered = !strncmp(outOfRange[i].setting, cimTargetFieldGetName(f), len) &&
                outOfRange[i].setting[len] == '=';
    ck_assert_msg(covered, "no range test for %s", cimTargetFieldGetName(f));
  }
  for (size_t i = 0; i < n; ++i) {
    const char *setting = outOfRange[i].setting;
    const char *eq = strchr(setting, '=');
    /* cimTargetSetField: the bare message, the target untouched. */
    CimTarget t = cimTargetGetDefault(), d = t;
    message[0] = '\0';
    ck_assert_msg(mlirLogicalResultIsFailure(cimTargetSetField(
                      &t, mlirStringRefCreate(setting, (size_t)(eq - setting)),
                      mlirStringRefCreateFromCString(eq + 1), capture, NULL)),
                  "accepted %s", setting);
    ck_assert_str_eq(message, outOfRange[i].message);
    ck_assert(cimTargetEqual(&t, &d));
    /* An override list: the same, after the source name. */
    char want[512];
    snprintf(want, sizeof want, "o: %s", outOfRange[i].message);
    ck_assert(mlirLogicalResultIsFailure(cimTargetApplyOverrides(
        &t, mlirStringRefCreateFromCString(setting),
        mlirStringRefCreateFromCString("o"), capture, NULL)));
    ck_assert_str_eq(message, want);
    /* A JSON file: the same, after the file name. */
    char json[256];
    bool name = eq[1] != '-' && (eq[1] < '0' || eq[1] > '9');
    snprintf(json, sizeof json, "{\"%.*s\": %s%s%s}", (int)(eq - setting),
             setting, name ? "\"" : "", eq + 1, name ? "\"" : "");
    snprintf(want, sizeof want, "t.json: %s", outOfRange[i].message);
    expectError(json, want);
  }
}
END_TEST

static void expectOverrideError(const char *overrides, const char *expected) {
  CimTarget t = cimTargetGetDefault(), d = t;
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsFailure(cimTargetApplyOverrides(
                    &t, mlirStringRefCreateFromCString(overrides),
                    mlirStringRefCreateFromCString("o"), capture, NULL)),
                "accepted '%s'", overrides);
  ck_assert_str_eq(message, expected);
  ck_assert(cimTargetEqual(&t, &d)); /* all or nothing */
}

START_TEST(test_override_errors) {
  expectOverrideError("rowz=1", "o: unknown field 'rowz'; the fields are " ALL_FIELDS);
  expectOverrideError("rows", "o: expected field=value, got 'rows'");
  expectOverrideError("=3", "o: expected field=value, got '=3'");
  expectOverrideError("", "o: expected field=value, got ''");
  expectOverrideError("rows=128,", "o: expected field=value, got ''");
  expectOverrideError("rows=128,,cols=64", "o: expected field=value, got ''");
  expectOverrideError("rows=", "o: field 'rows': no value after '='");
  expectOverrideError("rows=1,rows=2", "o: field 'rows' is set twice");
  expectOverrideError("rows=abc",
                      "o: field 'rows': expected an integer, got a string");
  expectOverrideError("rows=2.5",
                      "o: field 'rows': expected an integer, got a real number");
  expectOverrideError("e_mvm_pj=x",
                      "o: field 'e_mvm_pj': expected a number, got a string");
  expectOverrideError("t_mvm_ns=0.0001",
                      "o: field 't_mvm_ns': 0.0001 is finer than the "
                      "resolution of 0.001 ns or too large");
  expectOverrideError("adc_bits=perfect",
                      "o: field 'adc_bits': \"perfect\" is not a bit count or "
                      "\"ideal\"");
  /* Rules between fields are checked on the result. */
  expectOverrideError("write_ports=2",
                      "o: field 'write_ports': 2 is out of range [1, 1]");
  expectOverrideError("rows=64,ou_rows=65",
                      "o: field 'ou_rows': 65 is out of range [1, 64]");
  expectOverrideError("cols=1", "o: field 'cols': 1 is out of range [2, 65536] "
                                "(differential-column needs a column pair)");
  /* A good setting before a bad one is not applied either. */
  expectOverrideError("rows=128,cols=0",
                      "o: field 'cols': 0 is out of range [1, 65536]");
  /* cimTargetSetField names the valid fields too. */
  CimTarget t = cimTargetGetDefault();
  ck_assert(mlirLogicalResultIsFailure(cimTargetSetField(
      &t, mlirStringRefCreateFromCString("t_mvm"),
      mlirStringRefCreateFromCString("1"), capture, NULL)));
  ck_assert_str_eq(message, "unknown field 't_mvm'; the fields are " ALL_FIELDS);
}
END_TEST

START_TEST(test_overrides_apply) {
  CimTarget t = cimTargetGetDefault();
  ck_assert(mlirLogicalResultIsSuccess(cimTargetApplyOverrides(
      &t,
      mlirStringRefCreateFromCString(
          "adc_bits=6,weight_mapping=offset,t_mvm_ns=1.4,crossbars=4,"
          "write_ports=4,e_adc_pj=2"),
      mlirStringRefCreateFromCString("o"), capture, NULL)));
  ck_assert_int_eq(t.adcBits, 6);
  ck_assert_int_eq(t.weightMapping, CIM_WEIGHT_MAPPING_OFFSET);
  ck_assert_int_eq(t.mvmPs, 1400); /* 1.4 ns */
  ck_assert_int_eq(t.writePorts, 4);
  ck_assert_int_eq(t.adcFj, 2000);
  ck_assert_int_eq(t.rows, 256); /* untouched */
  ck_assert(mlirLogicalResultIsSuccess(cimTargetSetField(
      &t, mlirStringRefCreateFromCString("adc_bits"),
      mlirStringRefCreateFromCString("ideal"), capture, NULL)));
  ck_assert_int_eq(t.adcBits, CIM_ADC_BITS_IDEAL);
  /* ou_rows defaults to rows, and follows it while the two are equal ... */
  t = cimTargetGetDefault();
  ck_assert(mlirLogicalResultIsSuccess(cimTargetApplyOverrides(
      &t, mlirStringRefCreateFromCString("rows=128"),
      mlirStringRefCreateFromCString("o"), capture, NULL)));
  ck_assert_int_eq(t.rows, 128);
  ck_assert_int_eq(t.ouRows, 128);
  /* ... but a limit of its own stays. */
  t = cimTargetGetDefault();
  ck_assert(mlirLogicalResultIsSuccess(cimTargetApplyOverrides(
      &t, mlirStringRefCreateFromCString("ou_rows=16,rows=128"),
      mlirStringRefCreateFromCString("o"), capture, NULL)));
  ck_assert_int_eq(t.ouRows, 16);
  ck_assert_int_eq(t.rows, 128);
  /* The same as a JSON file with those fields. */
  CimTarget j;
  ck_assert(parse("{\"ou_rows\": 16, \"rows\": 128}", &j));
  ck_assert(cimTargetEqual(&j, &t));
}
END_TEST

static CimTarget withSettings(const char *settings) {
  CimTarget t = cimTargetGetDefault();
  ck_assert_msg(mlirLogicalResultIsSuccess(cimTargetApplyOverrides(
                    &t, mlirStringRefCreateFromCString(settings),
                    mlirStringRefCreateFromCString("o"), capture, NULL)),
                "%s", message);
  return t;
}

/* The published per-event energies (docs/target.md, "Energy defaults"),
 * each value worked out here from the cited figures:
 *   crossbar read per cell: 0.3 mW * 128 ns / (128 * 128) = 2.34375 fJ
 *   1-bit DAC per row drive: 0.41667 pJ = 416.67 fJ
 *   ADC per conversion, 4..10 bits: 0.79 0.99 1.20 1.42 1.6667 1.969 2.379
 *   one digital op (16-bit shift-and-add): 0.021 pJ
 * e_mvm = cols * 2.34375 + 416.67 (1-bit DAC), rounded to the fJ. */
START_TEST(test_energy_defaults) {
  CimTarget t = cimTargetGetDefault();
  /* 256 * 2.34375 = 600; + 416.67 = 1016.67 -> 1017 fJ. */
  ck_assert_int_eq(t.mvmFj, 1017);
  /* The ideal ADC of 256 rows of 4-bit cells: 256 * 15 = 3840 needs 12
   * bits; the figures cover 4..10: not priced. */
  ck_assert_int_eq(t.adcFj, 0);
  ck_assert_int_eq(t.digitalFj, 21);
  ck_assert_int_eq(t.writeFj, 0);
  ck_assert_int_eq(t.bufferFj, 0);
  /* Every tabulated resolution, and one on each side. */
  static const struct {
    const char *bits;
    int64_t fj;
  } adc[] = {{"3", 0},    {"4", 790},   {"5", 990},   {"6", 1200},
             {"7", 1420}, {"8", 1667},  {"9", 1969},  {"10", 2379},
             {"11", 0}};
  for (size_t i = 0; i < sizeof adc / sizeof adc[0]; ++i) {
    char setting[32];
    snprintf(setting, sizeof setting, "adc_bits=%s", adc[i].bits);
    ck_assert_int_eq(withSettings(setting).adcFj, adc[i].fj);
  }
  /* An ideal ADC takes the bits of the largest column sum: 2-bit cells,
   * 256 * 3 = 768 -> 10 bits; 16 active rows of 4-bit cells, 16 * 15 = 240
   * -> 8 bits; 2-bit DACs on 2-bit cells, 64 rows: 64 * 3 * 3 = 576 -> 10. */
  ck_assert_int_eq(withSettings("cell_bits=2").adcFj, 2379);
  ck_assert_int_eq(withSettings("ou_rows=16").adcFj, 1667);
  ck_assert_int_eq(withSettings("cell_bits=2,dac_bits=2,ou_rows=64").adcFj,
                   2379);
  /* e_mvm follows the columns: 128 * 2.34375 = 300 + 416.67 -> 717; 100
   * columns: 234.375 + 416.67 = 651.045 -> 651. A 2-bit DAC has no figure:
   * the read alone, 256 * 2.34375 = 600. */
  ck_assert_int_eq(withSettings("cols=128").mvmFj, 717);
  ck_assert_int_eq(withSettings("cols=100").mvmFj, 651);
  ck_assert_int_eq(withSettings("dac_bits=2").mvmFj, 600);
  /* A value the user gives wins and stays when the crossbar changes ... */
  t = withSettings("e_adc_pj=3,e_mvm_pj=0.5,adc_bits=8,cols=128");
  ck_assert_int_eq(t.adcFj, 3000);
  ck_assert_int_eq(t.mvmFj, 500);
  /* ... also from a file; one not given follows the file's crossbar. */
  CimTarget j;
  ck_assert(parse("{\"adc_bits\": 8, \"e_mvm_pj\": 0.5}", &j));
  ck_assert_int_eq(j.adcFj, 1667);
  ck_assert_int_eq(j.mvmFj, 500);
  ck_assert(parse("{\"adc_bits\": 8, \"e_adc_pj\": 0}", &j));
  ck_assert_int_eq(j.adcFj, 0);
  ck_assert(parse("{\"rows\": 128, \"cols\": 128, \"cell_bits\": 2}", &j));
  /* ideal: 128 * 3 = 384 -> 9 bits. */
  ck_assert_int_eq(j.adcFj, 1969);
  ck_assert_int_eq(j.mvmFj, 717);
}
END_TEST

static MlirLogicalResult lastErrorOf(MlirDiagnostic d, void *userData) {
  mlirDiagnosticPrint(d, capture, userData);
  return mlirLogicalResultSuccess();
}

#define TWO_BIT_TARGET_ATTR                                                    \
  "#cim.target<256 : i64, 256 : i64, 2 : i64, 1 : i64, 0 : i64, "              \
  "\"differential-column\", \"twos-complement\", 1 : i64, 64 : i64, 1 : i64, " \
  "56000000 : i64, 1400000 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : i64, 0 : "    \
  "i64, 0 : i64, 0 : i64, 0 : i64>"

START_TEST(test_resolve_with_overrides) {
  MlirContext ctx = cimContextCreate();
  MlirModule m = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString("module {}"));
  ck_assert(!mlirModuleIsNull(m));
  MlirOperation op = mlirModuleGetOperation(m);
  CimTarget t;
  /* On the default (the module records no target). */
  ck_assert(mlirLogicalResultIsSuccess(cimTargetResolve(
      op, mlirStringRefCreateFromCString(":cell_bits=2,t_mvm_ns=2"), &t)));
  ck_assert_int_eq(t.cellBits, 2);
  ck_assert_int_eq(t.ouRows, 256);
  ck_assert_int_eq(t.mvmPs, 2000);
  /* On a file's. */
  ck_assert(mlirLogicalResultIsSuccess(cimTargetResolve(
      op,
      mlirStringRefCreateFromCString(
          CIM_SOURCE_DIR "/examples/targets/multi-crossbar-ou.json:crossbars=8"),
      &t)));
  ck_assert_int_eq(t.crossbars, 8);
  ck_assert_int_eq(t.ouRows, 16);
  /* A plain file name, as before. */
  ck_assert(mlirLogicalResultIsSuccess(cimTargetResolve(
      op,
      mlirStringRefCreateFromCString(CIM_SOURCE_DIR
                                     "/examples/targets/reference.json"),
      &t)));
  CimTarget d = cimTargetGetDefault();
  ck_assert(cimTargetEqual(&t, &d));
  mlirModuleDestroy(m);
  mlirContextDestroy(ctx);
}
END_TEST

/* One target per program: the recorded target is used, an equal one is
 * accepted, a different one is an error naming the fields that differ. */
START_TEST(test_resolve_recorded_target) {
  MlirContext ctx = cimContextCreate();
  mlirContextAttachDiagnosticHandler(ctx, lastErrorOf, NULL, NULL);
  MlirModule m = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString(
               "module attributes {cim.target = " TWO_BIT_TARGET_ATTR "} {\n"
               "  func.func @f() { return }\n}"));
  ck_assert(!mlirModuleIsNull(m));
  MlirOperation op = mlirModuleGetOperation(m);
  MlirStringRef pass = mlirStringRefCreateFromCString("p");
  CimTarget t;
  ck_assert(mlirLogicalResultIsSuccess(cimTargetResolveForPass(
      op, pass, mlirStringRefCreateFromCString(""), &t)));
  ck_assert_int_eq(t.cellBits, 2);
  ck_assert_int_eq(t.ouRows, 64);
  /* A setting that leaves it as it is. */
  ck_assert(mlirLogicalResultIsSuccess(cimTargetResolveForPass(
      op, pass, mlirStringRefCreateFromCString(":ou_rows=64"), &t)));
  /* Two fields differ; the given value comes first. */
  message[0] = '\0';
  ck_assert(mlirLogicalResultIsFailure(cimTargetResolveForPass(
      op, pass, mlirStringRefCreateFromCString(":ou_rows=16,t_mvm_ns=2"),
      &t)));
  ck_assert_ptr_nonnull(strstr(message, "p: target ':ou_rows=16,t_mvm_ns=2' "
                                        "(fingerprint 0x"));
  ck_assert_ptr_nonnull(strstr(message, "the cim.target attribute of the "
                                        "module (fingerprint 0x"));
  ck_assert_ptr_nonnull(strstr(message, "): ou_rows 16 vs 64, t_mvm_ns 2 vs "
                                        "1400 (given vs the program's)"));
  /* The function pass's view: the module's record; recording on the
   * function then changes nothing (the module holds the one copy). */
  MlirOperation func = mlirBlockGetFirstOperation(mlirModuleGetBody(m));
  ck_assert(mlirLogicalResultIsSuccess(cimTargetResolveForPass(
      func, pass, mlirStringRefCreateFromCString(""), &t)));
  ck_assert_int_eq(t.cellBits, 2);
  cimTargetRecord(func, &t);
  MlirStringRef name = mlirStringRefCreateFromCString(CIM_TARGET_ATTR_NAME);
  ck_assert(mlirAttributeIsNull(mlirOperationGetAttributeByName(func, name)));
  mlirModuleDestroy(m);

  /* Without a module record a function records its own; a module pass
   * then moves it up. */
  m = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString("module {\n"
                                          "  func.func @f() { return }\n}"));
  op = mlirModuleGetOperation(m);
  func = mlirBlockGetFirstOperation(mlirModuleGetBody(m));
  CimTarget two = cimTargetGetDefault();
  two.cellBits = 2;
  cimTargetRecord(func, &two);
  ck_assert(!mlirAttributeIsNull(mlirOperationGetAttributeByName(func, name)));
  ck_assert(mlirLogicalResultIsSuccess(cimTargetResolveForPass(
      op, pass, mlirStringRefCreateFromCString(""), &t)));
  ck_assert(cimTargetEqual(&t, &two));
  cimTargetRecord(op, &t);
  ck_assert(mlirAttributeIsNull(mlirOperationGetAttributeByName(func, name)));
  ck_assert(!mlirAttributeIsNull(mlirOperationGetAttributeByName(op, name)));
  mlirModuleDestroy(m);
  mlirContextDestroy(ctx);
}
END_TEST

static void appendMessage(MlirStringRef s, void *userData) {
  (void)userData;
  size_t have = strlen(message);
  snprintf(message + have, sizeof message - have, "%.*s", (int)s.length,
           s.data);
}

START_TEST(test_print_differences) {
  CimTarget a = cimTargetGetDefault(), b = a;
  message[0] = '\0';
  cimTargetPrintDifferences(&a, &b, appendMessage, NULL);
  ck_assert_str_eq(message, "");
  b.adcBits = 8;
  b.weightMapping = CIM_WEIGHT_MAPPING_OFFSET;
  b.writePs = 1500;
  cimTargetPrintDifferences(&a, &b, appendMessage, NULL);
  ck_assert_str_eq(message, "adc_bits ideal vs 8, weight_mapping "
                            "differential-column vs offset, t_write_ns "
                            "56000 vs 1.5");
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
  TCase *fields = tcase_create("fields");
  tcase_add_test(fields, test_field_enumeration);
  tcase_add_test(fields, test_irdl_parameters_follow_the_table);
  tcase_add_test(fields, test_every_field_round_trips);
  tcase_add_test(fields, test_every_range_is_enforced);
  tcase_add_test(fields, test_override_errors);
  tcase_add_test(fields, test_overrides_apply);
  tcase_add_test(fields, test_energy_defaults);
  tcase_add_test(fields, test_resolve_with_overrides);
  tcase_add_test(fields, test_resolve_recorded_target);
  tcase_add_test(fields, test_print_differences);
  suite_add_tcase(s, fields);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(targetSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
