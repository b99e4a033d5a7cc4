/*===-- target_json.c - Target descriptions as JSON ------------------------===*
 *
 * The reader and the writer of the JSON form, both walking the field table
 * (target/TargetFields.def). Times are given in nanoseconds and energies in
 * picojoules in JSON (decimals allowed) and stored as integer picoseconds and
 * femtojoules; a value finer than that is an error rather than silently
 * rounded. The writer gives reports their "target" object
 * (target/TargetJSON.h), so every report spells a target the same way.
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "support/FileIO.h"
#include "target/TargetInternal.h"
#include "target/TargetJSON.h"

/// Appends thousandths `v` as a decimal: 56000, 1.25, 0.003.
static void appendMilli(CimStrBuf *b, int64_t v) {
  int64_t whole = v / 1000, frac = v % 1000;
  if (frac < 0)
    frac = -frac;
  if (frac == 0) {
    cimStrBufPrintf(b, "%" PRId64, whole);
    return;
  }
  char digits[8];
  snprintf(digits, sizeof digits, "%03" PRId64, frac);
  size_t n = strlen(digits);
  while (n > 0 && digits[n - 1] == '0')
    digits[--n] = '\0';
  cimStrBufPrintf(b, "%s%" PRId64 ".%s", v < 0 && whole == 0 ? "-" : "", whole,
                  digits);
}

void cimTargetAppendValue(CimStrBuf *b, const CimTargetFieldDef *f, int64_t v,
                          bool quoteNames) {
  const char *q = quoteNames ? "\"" : "";
  const char *const *names = cimTargetRepNames(f->rep);
  switch (f->rep) {
  case CIM_TARGET_REP_TIME:
  case CIM_TARGET_REP_ENERGY:
    appendMilli(b, v);
    return;
  case CIM_TARGET_REP_ADC:
    if (v == CIM_ADC_BITS_IDEAL)
      cimStrBufPrintf(b, "%sideal%s", q, q);
    else
      cimStrBufPrintf(b, "%" PRId64, v);
    return;
  case CIM_TARGET_REP_MAPPING:
  case CIM_TARGET_REP_ENCODING: {
    const char *name = "invalid";
    for (int64_t k = 0; names[k]; ++k)
      if (k == v)
        name = names[k];
    cimStrBufPrintf(b, "%s%s%s", q, name, q);
    return;
  }
  case CIM_TARGET_REP_INT:
    cimStrBufPrintf(b, "%" PRId64, v);
    return;
  }
}

MlirLogicalResult cimTargetOutOfRange(MlirStringCallback cb, void *ud,
                                      const char *prefix,
                                      const CimTargetFieldDef *f, int64_t v,
                                      int64_t lo, int64_t hi) {
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "%sfield '%s': ", prefix, f->key);
  if (f->rep == CIM_TARGET_REP_ADC) /* a bit count here, never "ideal" */
    cimStrBufPrintf(&msg, "%" PRId64, v);
  else
    cimTargetAppendValue(&msg, f, v, true);
  cimStrBufAppendCString(&msg, " is out of range [");
  cimTargetAppendValue(&msg, f, lo, true);
  cimStrBufAppendCString(&msg, ", ");
  cimTargetAppendValue(&msg, f, hi, true);
  cimStrBufAppendCString(&msg, "]");
  if (f->rep == CIM_TARGET_REP_ADC)
    cimStrBufAppendCString(&msg, " (or \"ideal\")");
  return cimTargetFail(cb, ud, &msg);
}

MlirLogicalResult cimTargetUnknownField(MlirStringCallback cb, void *ud,
                                        const char *prefix,
                                        MlirStringRef name) {
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "%sunknown field '%.*s'; the fields are ", prefix,
                  (int)name.length, name.data);
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    cimStrBufPrintf(&msg, "%s%s", i ? ", " : "", cimTargetFields[i].key);
  return cimTargetFail(cb, ud, &msg);
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

/// "field 'F': expected EXPECTED, got TYPE": the value has the wrong JSON type.
static MlirLogicalResult wrongType(const CimTargetFieldDef *f,
                                   const json_t *value, const char *expected,
                                   const char *prefix, MlirStringCallback cb,
                                   void *ud) {
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "%sfield '%s': expected %s, got %s", prefix, f->key,
                  expected, typeName(value));
  return cimTargetFail(cb, ud, &msg);
}

/// Stores `v` in `out` when it lies in the field's range, else fails.
static MlirLogicalResult storeInRange(const CimTargetFieldDef *f, int64_t v,
                                      int64_t *out, const char *prefix,
                                      MlirStringCallback cb, void *ud) {
  if (v < f->min || v > f->max)
    return cimTargetOutOfRange(cb, ud, prefix, f, v, f->min, f->max);
  *out = v;
  return mlirLogicalResultSuccess();
}

/// Reads an integer (or "ideal") field; the range is the field's own.
static MlirLogicalResult parseInt(const CimTargetFieldDef *f,
                                  const json_t *value, int64_t *out,
                                  const char *prefix, MlirStringCallback cb,
                                  void *ud) {
  if (f->rep == CIM_TARGET_REP_ADC && json_is_string(value)) {
    if (!strcmp(json_string_value(value), "ideal")) {
      *out = CIM_ADC_BITS_IDEAL;
      return mlirLogicalResultSuccess();
    }
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "%sfield '%s': \"%s\" is not a bit count or \"ideal\"",
                    prefix, f->key, json_string_value(value));
    return cimTargetFail(cb, ud, &msg);
  }
  if (!json_is_integer(value))
    return wrongType(f, value, "an integer", prefix, cb, ud);
  return storeInRange(f, (int64_t)json_integer_value(value), out, prefix, cb,
                      ud);
}

/// Reads a time or energy in JSON units into thousandths.
static MlirLogicalResult parseMilli(const CimTargetFieldDef *f,
                                    const json_t *value, int64_t *out,
                                    const char *prefix, MlirStringCallback cb,
                                    void *ud) {
  if (!json_is_number(value))
    return wrongType(f, value, "a number", prefix, cb, ud);
  int64_t milli;
  if (!toMilli(value, &milli)) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg,
                    "%sfield '%s': %.15g is finer than the resolution of 0.001 "
                    "%s or too large",
                    prefix, f->key, json_number_value(value), f->unit);
    return cimTargetFail(cb, ud, &msg);
  }
  return storeInRange(f, milli, out, prefix, cb, ud);
}

/// Reads one of an enum field's names.
static MlirLogicalResult parseName(const CimTargetFieldDef *f,
                                   const json_t *value, int64_t *out,
                                   const char *prefix, MlirStringCallback cb,
                                   void *ud) {
  if (!json_is_string(value))
    return wrongType(f, value, "a string", prefix, cb, ud);
  const char *s = json_string_value(value);
  const char *const *names = cimTargetRepNames(f->rep);
  for (int i = 0; names[i]; ++i)
    if (!strcmp(s, names[i])) {
      *out = i;
      return mlirLogicalResultSuccess();
    }
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "%sfield '%s': \"%s\" is not one of ", prefix, f->key,
                  s);
  for (int i = 0; names[i]; ++i)
    cimStrBufPrintf(&msg, "%s\"%s\"", i ? ", " : "", names[i]);
  return cimTargetFail(cb, ud, &msg);
}

MlirLogicalResult cimTargetParseFieldValue(CimTargetFieldId id,
                                           const json_t *value, CimTarget *t,
                                           const char *prefix,
                                           MlirStringCallback cb, void *ud) {
  const CimTargetFieldDef *f = &cimTargetFields[id];
  int64_t v = 0;
  MlirLogicalResult r;
  switch (f->rep) {
  case CIM_TARGET_REP_INT:
  case CIM_TARGET_REP_ADC:
    r = parseInt(f, value, &v, prefix, cb, ud);
    break;
  case CIM_TARGET_REP_TIME:
  case CIM_TARGET_REP_ENERGY:
    r = parseMilli(f, value, &v, prefix, cb, ud);
    break;
  default:
    r = parseName(f, value, &v, prefix, cb, ud);
    break;
  }
  if (mlirLogicalResultIsSuccess(r))
    cimTargetFieldSet(t, id, v);
  return r;
}

/// Reads the members of `root` into `*t`; fields not given keep their
/// defaults, or take the value of the field they follow.
static MlirLogicalResult parseObject(json_t *root, CimTarget *t,
                                     const char *prefix, MlirStringCallback cb,
                                     void *ud) {
  bool given[CIM_TARGET_NUM_FIELDS] = {false};
  const char *key;
  json_t *value;
  json_object_foreach(root, key, value) {
    CimTargetFieldId id = cimTargetFindField(mlirStringRefCreateFromCString(key));
    if (id == CIM_TARGET_FIELD_NONE)
      return cimTargetUnknownField(cb, ud, prefix,
                                   mlirStringRefCreateFromCString(key));
    given[id] = true;
    if (mlirLogicalResultIsFailure(
            cimTargetParseFieldValue(id, value, t, prefix, cb, ud)))
      return mlirLogicalResultFailure();
  }
  /* Without an OU limit every row of the crossbar may be active; an energy
   * not given takes its published default for this crossbar. In table
   * order, so a default sees the defaults before it. */
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    if (!given[i] && cimTargetFields[i].follows != CIM_TARGET_FIELD_NONE)
      cimTargetFieldSet(t, (CimTargetFieldId)i,
                        cimTargetDefaultOf(t, (CimTargetFieldId)i));
  return cimTargetValidateWithPrefix(t, prefix, cb, ud);
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
  MlirLogicalResult result;
  if (!root) {
    CimStrBuf msg = {0};
    cimStrBufAppendRef(&msg, sourceName);
    cimStrBufPrintf(&msg, ":%d:%d: %s", err.line, err.column, err.text);
    result = cimTargetFail(errorCallback, userData, &msg);
  } else if (!json_is_object(root)) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "%sa target is a JSON object, got %s",
                    cimStrBufGet(&prefix), typeName(root));
    result = cimTargetFail(errorCallback, userData, &msg);
  } else {
    CimTarget t = cimTargetGetDefault();
    result = parseObject(root, &t, cimStrBufGet(&prefix), errorCallback,
                         userData);
    if (mlirLogicalResultIsSuccess(result))
      *target = t;
  }
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
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i) {
    const CimTargetFieldDef *f = &cimTargetFields[i];
    cimStrBufPrintf(&b, "  \"%s\": ", f->key);
    cimTargetAppendValue(&b, f, cimTargetFieldGet(target, (CimTargetFieldId)i),
                         true);
    cimStrBufAppendCString(&b, i + 1 < CIM_TARGET_NUM_FIELDS ? ",\n" : "\n");
  }
  cimStrBufAppendCString(&b, "}\n");
  callback(mlirStringRefCreate(cimStrBufGet(&b), b.length), userData);
  cimStrBufFree(&b);
}

json_t *cimTargetToJSON(const CimTarget *target) {
  json_t *o = json_object();
  for (int i = 0; o && i < CIM_TARGET_NUM_FIELDS; ++i) {
    const CimTargetFieldDef *f = &cimTargetFields[i];
    int64_t v = cimTargetFieldGet(target, (CimTargetFieldId)i);
    json_t *j;
    switch (f->rep) {
    case CIM_TARGET_REP_TIME:
    case CIM_TARGET_REP_ENERGY:
      /* v / 1000.0 is the double nearest the decimal, as a reader gets it. */
      j = v % 1000 == 0 ? json_integer(v / 1000) : json_real((double)v / 1000.0);
      break;
    case CIM_TARGET_REP_INT:
      j = json_integer(v);
      break;
    default: {
      CimStrBuf b = {0};
      cimTargetAppendValue(&b, f, v, false);
      j = f->rep == CIM_TARGET_REP_ADC && v != CIM_ADC_BITS_IDEAL
              ? json_integer(v)
              : json_string(cimStrBufGet(&b));
      cimStrBufFree(&b);
      break;
    }
    }
    json_object_set_new(o, f->key, j);
  }
  return o;
}
