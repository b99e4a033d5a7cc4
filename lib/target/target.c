/*===-- target.c - Parsing, validating and printing target descriptions ----===*
 *
 * A target is a flat JSON object. One table describes every field (JSON key,
 * kind, range, unit) and drives parsing, validation, printing and hashing, so
 * the four cannot disagree. Times are given in nanoseconds and energies in
 * picojoules in JSON (decimals allowed) and stored as integer picoseconds and
 * femtojoules; a value finer than that is an error rather than silently
 * rounded.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Target.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/FileIO.h"
#include "support/StrBuf.h"

typedef enum FieldKind {
  FIELD_INT,      /* plain integer in [min, max] */
  FIELD_ADC,      /* integer in [min, max] or "ideal" */
  FIELD_TIME,     /* JSON nanoseconds -> picoseconds */
  FIELD_ENERGY,   /* JSON picojoules -> femtojoules */
  FIELD_MAPPING,  /* CimWeightMapping by name */
  FIELD_ENCODING, /* CimInputEncoding by name */
} FieldKind;

typedef struct FieldDef {
  const char *key;
  FieldKind kind;
  size_t offset;
  int64_t min, max; /* in stored units */
} FieldDef;

#define MAX_TIME_PS INT64_C(1000000000000000)   /* 1000 s */
#define MAX_ENERGY_FJ INT64_C(1000000000000000) /* 1 J */

#define FIELD(key, kind, member, lo, hi)                                       \
  { key, kind, offsetof(CimTarget, member), lo, hi }

/* Documentation order; docs/target.md follows it. The upper bound of ou_rows
 * and write_ports depends on other fields and is checked separately. */
static const FieldDef fields[] = {
    FIELD("rows", FIELD_INT, rows, 1, 65536),
    FIELD("cols", FIELD_INT, cols, 1, 65536),
    FIELD("cell_bits", FIELD_INT, cellBits, 1, 8),
    FIELD("dac_bits", FIELD_INT, dacBits, 1, 8),
    FIELD("adc_bits", FIELD_ADC, adcBits, 1, 32),
    FIELD("weight_mapping", FIELD_MAPPING, weightMapping, 0, 2),
    FIELD("input_encoding", FIELD_ENCODING, inputEncoding, 0, 2),
    FIELD("crossbars", FIELD_INT, crossbars, 1, INT64_C(1) << 20),
    FIELD("ou_rows", FIELD_INT, ouRows, 1, 65536),
    FIELD("write_ports", FIELD_INT, writePorts, 1, INT64_C(1) << 20),
    FIELD("t_write_ns", FIELD_TIME, writePs, 0, MAX_TIME_PS),
    FIELD("t_mvm_ns", FIELD_TIME, mvmPs, 0, MAX_TIME_PS),
    FIELD("t_adc_ns", FIELD_TIME, adcPs, 0, MAX_TIME_PS),
    FIELD("t_digital_ns", FIELD_TIME, digitalPs, 0, MAX_TIME_PS),
    FIELD("t_buffer_ns", FIELD_TIME, bufferPs, 0, MAX_TIME_PS),
    FIELD("e_write_pj", FIELD_ENERGY, writeFj, 0, MAX_ENERGY_FJ),
    FIELD("e_mvm_pj", FIELD_ENERGY, mvmFj, 0, MAX_ENERGY_FJ),
    FIELD("e_adc_pj", FIELD_ENERGY, adcFj, 0, MAX_ENERGY_FJ),
    FIELD("e_digital_pj", FIELD_ENERGY, digitalFj, 0, MAX_ENERGY_FJ),
    FIELD("e_buffer_pj", FIELD_ENERGY, bufferFj, 0, MAX_ENERGY_FJ),
};
#define NUM_FIELDS (sizeof fields / sizeof fields[0])

static const char *const mappingNames[] = {"differential-column",
                                           "differential-row", "offset"};
static const char *const encodingNames[] = {"unsigned", "twos-complement",
                                            "offset"};

const char *cimWeightMappingGetName(CimWeightMapping m) {
  return (unsigned)m < 3 ? mappingNames[m] : "invalid";
}

const char *cimInputEncodingGetName(CimInputEncoding e) {
  return (unsigned)e < 3 ? encodingNames[e] : "invalid";
}

CimTarget cimTargetGetDefault(void) {
  CimTarget t = {
      .rows = 256,
      .cols = 256,
      .cellBits = 4,
      .dacBits = 1,
      .adcBits = CIM_ADC_BITS_IDEAL,
      .weightMapping = CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN,
      .inputEncoding = CIM_INPUT_ENCODING_TWOS_COMPLEMENT,
      .crossbars = 1,
      .ouRows = 256,
      .writePorts = 1,
      .writePs = INT64_C(56000000), /* 56 us */
      .mvmPs = INT64_C(1400000),    /* 1.4 us */
  };
  return t;
}

static int64_t *intField(CimTarget *t, const FieldDef *f) {
  return (int64_t *)((char *)t + f->offset);
}

static int64_t getField(const CimTarget *t, const FieldDef *f) {
  switch (f->kind) {
  case FIELD_MAPPING:
    return (int64_t)t->weightMapping;
  case FIELD_ENCODING:
    return (int64_t)t->inputEncoding;
  default:
    return *(const int64_t *)((const char *)t + f->offset);
  }
}

static MlirLogicalResult fail(MlirStringCallback cb, void *ud, CimStrBuf *msg) {
  if (cb)
    cb(mlirStringRefCreate(cimStrBufGet(msg), msg->length), ud);
  cimStrBufFree(msg);
  return mlirLogicalResultFailure();
}

/// Formats a stored value back in JSON units for messages.
static void appendJSONValue(CimStrBuf *b, const FieldDef *f, int64_t v) {
  switch (f->kind) {
  case FIELD_TIME:
  case FIELD_ENERGY: {
    /* stored in 1/1000 of the JSON unit */
    int64_t whole = v / 1000, frac = v % 1000;
    if (frac < 0)
      frac = -frac;
    if (frac == 0) {
      cimStrBufPrintf(b, "%" PRId64, whole);
    } else {
      char digits[8];
      snprintf(digits, sizeof digits, "%03" PRId64, frac);
      size_t n = strlen(digits);
      while (n > 0 && digits[n - 1] == '0')
        digits[--n] = '\0';
      cimStrBufPrintf(b, "%s%" PRId64 ".%s", v < 0 && whole == 0 ? "-" : "",
                      whole, digits);
    }
    return;
  }
  case FIELD_ADC:
    if (v == CIM_ADC_BITS_IDEAL) {
      cimStrBufAppendCString(b, "\"ideal\"");
      return;
    }
    cimStrBufPrintf(b, "%" PRId64, v);
    return;
  case FIELD_MAPPING:
    cimStrBufPrintf(b, "\"%s\"", cimWeightMappingGetName((CimWeightMapping)v));
    return;
  case FIELD_ENCODING:
    cimStrBufPrintf(b, "\"%s\"", cimInputEncodingGetName((CimInputEncoding)v));
    return;
  case FIELD_INT:
    cimStrBufPrintf(b, "%" PRId64, v);
    return;
  }
}

static MlirLogicalResult outOfRange(MlirStringCallback cb, void *ud,
                                    const char *prefix, const FieldDef *f,
                                    int64_t value, int64_t lo, int64_t hi) {
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "%sfield '%s': ", prefix, f->key);
  if (f->kind == FIELD_ADC) /* the value is a bit count, never "ideal" here */
    cimStrBufPrintf(&msg, "%" PRId64, value);
  else
    appendJSONValue(&msg, f, value);
  cimStrBufAppendCString(&msg, " is out of range [");
  appendJSONValue(&msg, f, lo);
  cimStrBufAppendCString(&msg, ", ");
  appendJSONValue(&msg, f, hi);
  cimStrBufAppendCString(&msg, "]");
  if (f->kind == FIELD_ADC)
    cimStrBufAppendCString(&msg, " (or \"ideal\")");
  return fail(cb, ud, &msg);
}

static MlirLogicalResult validate(const CimTarget *t, const char *prefix,
                                  MlirStringCallback cb, void *ud) {
  for (size_t i = 0; i < NUM_FIELDS; ++i) {
    const FieldDef *f = &fields[i];
    int64_t v = getField(t, f);
    if (f->kind == FIELD_ADC && v == CIM_ADC_BITS_IDEAL)
      continue;
    int64_t hi = f->max;
    if (!strcmp(f->key, "ou_rows"))
      hi = t->rows;
    else if (!strcmp(f->key, "write_ports"))
      hi = t->crossbars;
    if (v < f->min || v > hi)
      return outOfRange(cb, ud, prefix, f, v, f->min, hi);
  }
  /* A crossbar must hold one unit of the weight mapping. */
  const char *field = NULL, *why = NULL;
  if (t->weightMapping == CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN && t->cols < 2)
    field = "cols", why = "differential-column needs a column pair";
  else if (t->weightMapping == CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW && t->rows < 2)
    field = "rows", why = "differential-row needs a row pair";
  else if (t->weightMapping == CIM_WEIGHT_MAPPING_OFFSET && t->cols < 2)
    field = "cols", why = "offset needs a data column beside the bias column";
  if (field) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "%sfield '%s': 1 is out of range [2, 65536] (%s)",
                    prefix, field, why);
    return fail(cb, ud, &msg);
  }
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimTargetValidate(const CimTarget *target,
                                    MlirStringCallback errorCallback,
                                    void *userData) {
  return validate(target, "target: ", errorCallback, userData);
}

/// Converts a JSON number in the JSON unit into thousandths, exactly.
static bool toMilli(const json_t *value, int64_t *out) {
  if (json_is_integer(value)) {
    json_int_t v = json_integer_value(value);
    /* Clamp far-out integers so the range check reports them. */
    if (v > INT64_MAX / 1000)
      v = INT64_MAX / 1000;
    else if (v < INT64_MIN / 1000)
      v = INT64_MIN / 1000;
    *out = (int64_t)v * 1000;
    return true;
  }
  double d = json_real_value(value) * 1000.0;
  double r = nearbyint(d);
  /* Decimal fractions such as 1.4 are not exact in binary: allow the error
   * of the double representation, nothing coarser. */
  if (!isfinite(d) || fabs(r) > 9.0e15 || fabs(d - r) > 1e-9 * (fabs(d) + 1))
    return false;
  *out = (int64_t)r;
  return true;
}

static const char *typeName(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    return "an object";
  case JSON_ARRAY:
    return "an array";
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
    return "an integer";
  case JSON_REAL:
    return "a real number";
  case JSON_TRUE:
  case JSON_FALSE:
    return "a boolean";
  case JSON_NULL:
    return "null";
  }
  return "a value";
}

static MlirLogicalResult parseField(const FieldDef *f, const json_t *value,
                                    CimTarget *t, const char *prefix,
                                    MlirStringCallback cb, void *ud) {
  CimStrBuf msg = {0};
  switch (f->kind) {
  case FIELD_INT:
  case FIELD_ADC:
    if (f->kind == FIELD_ADC && json_is_string(value)) {
      if (!strcmp(json_string_value(value), "ideal")) {
        *intField(t, f) = CIM_ADC_BITS_IDEAL;
        return mlirLogicalResultSuccess();
      }
      cimStrBufPrintf(&msg,
                      "%sfield '%s': \"%s\" is not a bit count or \"ideal\"",
                      prefix, f->key, json_string_value(value));
      return fail(cb, ud, &msg);
    }
    if (!json_is_integer(value)) {
      cimStrBufPrintf(&msg, "%sfield '%s': expected an integer, got %s",
                      prefix, f->key, typeName(value));
      return fail(cb, ud, &msg);
    }
    {
      json_int_t v = json_integer_value(value);
      if (v < f->min || v > f->max)
        return outOfRange(cb, ud, prefix, f, (int64_t)v, f->min, f->max);
      *intField(t, f) = (int64_t)v;
    }
    return mlirLogicalResultSuccess();
  case FIELD_TIME:
  case FIELD_ENERGY: {
    if (!json_is_number(value)) {
      cimStrBufPrintf(&msg, "%sfield '%s': expected a number, got %s", prefix,
                      f->key, typeName(value));
      return fail(cb, ud, &msg);
    }
    int64_t milli;
    if (!toMilli(value, &milli)) {
      cimStrBufPrintf(&msg,
                      "%sfield '%s': %.15g is finer than the resolution of 0.001 "
                      "%s or too large",
                      prefix, f->key, json_number_value(value),
                      f->kind == FIELD_TIME ? "ns" : "pJ");
      return fail(cb, ud, &msg);
    }
    if (milli < f->min || milli > f->max)
      return outOfRange(cb, ud, prefix, f, milli, f->min, f->max);
    *intField(t, f) = milli;
    return mlirLogicalResultSuccess();
  }
  case FIELD_MAPPING:
  case FIELD_ENCODING: {
    const char *const *names =
        f->kind == FIELD_MAPPING ? mappingNames : encodingNames;
    if (!json_is_string(value)) {
      cimStrBufPrintf(&msg, "%sfield '%s': expected a string, got %s", prefix,
                      f->key, typeName(value));
      return fail(cb, ud, &msg);
    }
    const char *s = json_string_value(value);
    for (int i = 0; i < 3; ++i)
      if (!strcmp(s, names[i])) {
        if (f->kind == FIELD_MAPPING)
          t->weightMapping = (CimWeightMapping)i;
        else
          t->inputEncoding = (CimInputEncoding)i;
        return mlirLogicalResultSuccess();
      }
    cimStrBufPrintf(&msg, "%sfield '%s': \"%s\" is not one of \"%s\", \"%s\", "
                          "\"%s\"",
                    prefix, f->key, s, names[0], names[1], names[2]);
    return fail(cb, ud, &msg);
  }
  }
  return mlirLogicalResultFailure();
}

MlirLogicalResult cimTargetParseJSON(MlirStringRef text,
                                     MlirStringRef sourceName,
                                     CimTarget *target,
                                     MlirStringCallback errorCallback,
                                     void *userData) {
  CimStrBuf prefix = {0};
  cimStrBufAppendRef(&prefix, sourceName);
  cimStrBufAppendCString(&prefix, ": ");
  json_error_t err;
  json_t *root = json_loadb(text.data, text.length, JSON_REJECT_DUPLICATES, &err);
  if (!root) {
    CimStrBuf msg = {0};
    cimStrBufAppendRef(&msg, sourceName);
    cimStrBufPrintf(&msg, ":%d:%d: %s", err.line, err.column, err.text);
    cimStrBufFree(&prefix);
    return fail(errorCallback, userData, &msg);
  }
  MlirLogicalResult result = mlirLogicalResultSuccess();
  if (!json_is_object(root)) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "%sa target is a JSON object, got %s",
                    cimStrBufGet(&prefix), typeName(root));
    result = fail(errorCallback, userData, &msg);
  }
  CimTarget t = cimTargetGetDefault();
  bool ouGiven = false;
  const char *key;
  json_t *value;
  if (mlirLogicalResultIsSuccess(result)) {
    json_object_foreach(root, key, value) {
      const FieldDef *f = NULL;
      for (size_t i = 0; i < NUM_FIELDS && !f; ++i)
        if (!strcmp(fields[i].key, key))
          f = &fields[i];
      if (!f) {
        CimStrBuf msg = {0};
        cimStrBufPrintf(&msg, "%sunknown field '%s' (docs/target.md lists the "
                              "fields)",
                        cimStrBufGet(&prefix), key);
        result = fail(errorCallback, userData, &msg);
        break;
      }
      if (!strcmp(key, "ou_rows"))
        ouGiven = true;
      result = parseField(f, value, &t, cimStrBufGet(&prefix), errorCallback,
                          userData);
      if (mlirLogicalResultIsFailure(result))
        break;
    }
  }
  /* Without an OU limit every row of the crossbar may be active. */
  if (!ouGiven)
    t.ouRows = t.rows;
  if (mlirLogicalResultIsSuccess(result))
    result = validate(&t, cimStrBufGet(&prefix), errorCallback, userData);
  if (mlirLogicalResultIsSuccess(result))
    *target = t;
  json_decref(root);
  cimStrBufFree(&prefix);
  return result;
}

MlirLogicalResult cimTargetLoadFile(const char *path, CimTarget *target,
                                    MlirStringCallback errorCallback,
                                    void *userData) {
  CimStrBuf text = {0};
  if (!cimReadWholeFile(path, "target file", &text, errorCallback, userData)) {
    cimStrBufFree(&text);
    return mlirLogicalResultFailure();
  }
  MlirLogicalResult r = cimTargetParseJSON(
      mlirStringRefCreate(cimStrBufGet(&text), text.length),
      mlirStringRefCreateFromCString(path), target, errorCallback, userData);
  cimStrBufFree(&text);
  return r;
}

void cimTargetPrintJSON(const CimTarget *target, MlirStringCallback callback,
                        void *userData) {
  CimStrBuf b = {0};
  cimStrBufAppendCString(&b, "{\n");
  for (size_t i = 0; i < NUM_FIELDS; ++i) {
    cimStrBufPrintf(&b, "  \"%s\": ", fields[i].key);
    appendJSONValue(&b, &fields[i], getField(target, &fields[i]));
    cimStrBufAppendCString(&b, i + 1 < NUM_FIELDS ? ",\n" : "\n");
  }
  cimStrBufAppendCString(&b, "}\n");
  callback(mlirStringRefCreate(cimStrBufGet(&b), b.length), userData);
  cimStrBufFree(&b);
}

bool cimTargetEqual(const CimTarget *a, const CimTarget *b) {
  for (size_t i = 0; i < NUM_FIELDS; ++i)
    if (getField(a, &fields[i]) != getField(b, &fields[i]))
      return false;
  return true;
}

uint64_t cimTargetGetFingerprint(const CimTarget *target) {
  uint64_t h = UINT64_C(14695981039346656037);
  for (size_t i = 0; i < NUM_FIELDS; ++i) {
    uint64_t v = (uint64_t)getField(target, &fields[i]);
    for (int k = 0; k < 8; ++k) {
      h ^= (v >> (8 * k)) & 0xff;
      h *= UINT64_C(1099511628211);
    }
  }
  return h;
}
