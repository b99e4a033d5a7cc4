/*===-- target_set.c - Setting single target fields by name ---------------===*
 *
 * `field=value,field=value` overrides (cim-sim --target-set, and a pass's
 * `target=T.json:field=value`) and the get/set-by-name API the Python
 * package is built on. A value is spelled as in JSON without quotes and read
 * by the JSON reader's own field reader, so a setting and a JSON file accept
 * the same values with the same messages. Also the target a pass resolves
 * from its `target=` option.
 *===----------------------------------------------------------------------===*/

#include <string.h>

#include "mlir-c/Diagnostics.h"

#include "target/TargetInternal.h"

void cimTargetAssignFollowing(CimTarget *t, CimTargetFieldId id, int64_t v) {
  /* A field with a dependent default that holds that default keeps holding
   * it: ou_rows = rows, an energy = its published figure for this crossbar.
   * Recomputed in table order, so a chain (rows -> ou_rows -> e_adc) moves
   * as one. */
  bool atDefault[CIM_TARGET_NUM_FIELDS];
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    atDefault[i] = i != (int)id &&
                   cimTargetFields[i].follows != CIM_TARGET_FIELD_NONE &&
                   cimTargetFieldGet(t, (CimTargetFieldId)i) ==
                       cimTargetDefaultOf(t, (CimTargetFieldId)i);
  cimTargetFieldSet(t, id, v);
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    if (atDefault[i])
      cimTargetFieldSet(t, (CimTargetFieldId)i,
                        cimTargetDefaultOf(t, (CimTargetFieldId)i));
}

/// The JSON value a setting's text stands for: a number if it reads as one,
/// else the text as a string ("ideal", "offset", or a wrong "abc").
static json_t *settingValue(MlirStringRef text) {
  json_t *v = json_loadb(text.data, text.length, JSON_DECODE_ANY, NULL);
  if (v && json_is_number(v))
    return v;
  json_decref(v);
  return json_stringn(text.data, text.length);
}

static MlirLogicalResult setField(CimTarget *t, MlirStringRef name,
                                  MlirStringRef value, const char *prefix,
                                  MlirStringCallback cb, void *ud) {
  CimTargetFieldId id = cimTargetFindField(name);
  if (id == CIM_TARGET_FIELD_NONE)
    return cimTargetUnknownField(cb, ud, prefix, name);
  json_t *j = value.length ? settingValue(value) : NULL;
  if (!j) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "%sfield '%s': %s", prefix, cimTargetFields[id].key,
                    value.length ? "the value is not valid UTF-8"
                                 : "no value after '='");
    return cimTargetFail(cb, ud, &msg);
  }
  CimTarget scratch = *t;
  MlirLogicalResult r =
      cimTargetParseFieldValue(id, j, &scratch, prefix, cb, ud);
  json_decref(j);
  if (mlirLogicalResultIsSuccess(r))
    cimTargetAssignFollowing(t, id, cimTargetFieldGet(&scratch, id));
  return r;
}

MlirLogicalResult cimTargetSetField(CimTarget *target, MlirStringRef name,
                                    MlirStringRef value,
                                    MlirStringCallback errorCallback,
                                    void *userData) {
  return setField(target, name, value, "", errorCallback, userData);
}

void cimTargetPrintFieldValue(const CimTarget *target, intptr_t index,
                              MlirStringCallback callback, void *userData) {
  int64_t v = cimTargetGetFieldValue(target, index); /* asserts the index */
  CimStrBuf b = {0};
  cimTargetAppendValue(&b, &cimTargetFields[index], v, false);
  callback(mlirStringRefCreate(cimStrBufGet(&b), b.length), userData);
  cimStrBufFree(&b);
}

/// Applies one `field=value` item of an override list.
static MlirLogicalResult applyItem(CimTarget *t, MlirStringRef item,
                                   bool seen[], const char *prefix,
                                   MlirStringCallback cb, void *ud) {
  const char *eq = memchr(item.data, '=', item.length);
  if (!eq || eq == item.data) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "%sexpected field=value, got '%.*s'", prefix,
                    (int)item.length, item.data);
    return cimTargetFail(cb, ud, &msg);
  }
  MlirStringRef name = mlirStringRefCreate(item.data, (size_t)(eq - item.data));
  MlirStringRef value =
      mlirStringRefCreate(eq + 1, item.length - name.length - 1);
  CimTargetFieldId id = cimTargetFindField(name);
  if (id != CIM_TARGET_FIELD_NONE && seen[id]) {
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg, "%sfield '%s' is set twice", prefix,
                    cimTargetFields[id].key);
    return cimTargetFail(cb, ud, &msg);
  }
  if (id != CIM_TARGET_FIELD_NONE)
    seen[id] = true;
  return setField(t, name, value, prefix, cb, ud);
}

MlirLogicalResult cimTargetApplyOverrides(CimTarget *target,
                                          MlirStringRef overrides,
                                          MlirStringRef sourceName,
                                          MlirStringCallback errorCallback,
                                          void *userData) {
  CimStrBuf prefix = {0};
  cimStrBufAppendRef(&prefix, sourceName);
  cimStrBufAppendCString(&prefix, ": ");
  CimTarget work = *target;
  bool seen[CIM_TARGET_NUM_FIELDS] = {false};
  MlirLogicalResult r = mlirLogicalResultSuccess();
  size_t pos = 0;
  do {
    const char *comma =
        memchr(overrides.data + pos, ',', overrides.length - pos);
    size_t end = comma ? (size_t)(comma - overrides.data) : overrides.length;
    r = applyItem(&work,
                  mlirStringRefCreate(overrides.data + pos, end - pos), seen,
                  cimStrBufGet(&prefix), errorCallback, userData);
    pos = end + 1;
  } while (mlirLogicalResultIsSuccess(r) && pos <= overrides.length);
  if (mlirLogicalResultIsSuccess(r))
    r = cimTargetValidateWithPrefix(&work, cimStrBufGet(&prefix),
                                    errorCallback, userData);
  if (mlirLogicalResultIsSuccess(r))
    *target = work;
  cimStrBufFree(&prefix);
  return r;
}

/*===----------------------------------------------------------------------===*
 * The target of a pass
 *===----------------------------------------------------------------------===*/

/// Where the overrides of a `target=` value start: the first ':' followed
/// by a field-name-like word and '='; `s.length` when there are none.
static size_t overrideSplit(MlirStringRef s) {
  for (size_t i = 0; i < s.length; ++i) {
    if (s.data[i] != ':')
      continue;
    size_t k = i + 1;
    while (k < s.length && ((s.data[k] >= 'a' && s.data[k] <= 'z') ||
                            (s.data[k] >= '0' && s.data[k] <= '9') ||
                            s.data[k] == '_'))
      ++k;
    if (k > i + 1 && k < s.length && s.data[k] == '=')
      return i;
  }
  return s.length;
}

static void emitAt(MlirStringRef s, void *loc) {
  CimStrBuf b = {0};
  cimStrBufAppendRef(&b, s);
  mlirEmitError(*(MlirLocation *)loc, cimStrBufGet(&b));
  cimStrBufFree(&b);
}

MlirLogicalResult cimTargetResolveOption(MlirLocation loc,
                                         MlirStringRef option,
                                         const CimTarget *base,
                                         CimTarget *target) {
  size_t split = overrideSplit(option);
  CimTarget t = *base;
  MlirLogicalResult r = mlirLogicalResultSuccess();
  if (split > 0) {
    CimStrBuf path = {0};
    cimStrBufAppend(&path, option.data, split);
    r = cimTargetLoadFile(cimStrBufGet(&path), &t, emitAt, &loc);
    cimStrBufFree(&path);
  }
  if (mlirLogicalResultIsSuccess(r) && split < option.length)
    r = cimTargetApplyOverrides(
        &t,
        mlirStringRefCreate(option.data + split + 1,
                            option.length - split - 1),
        mlirStringRefCreateFromCString("target override"), emitAt, &loc);
  if (mlirLogicalResultIsSuccess(r))
    *target = t;
  return r;
}
