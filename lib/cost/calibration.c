/*===-- calibration.c - Reading calibration files --------------------------===*/

#define _POSIX_C_SOURCE 200809L
#include "cost/Calibration.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "support/FileIO.h"
#include "support/StrBuf.h"

static bool fail(MlirStringCallback cb, void *ud, CimStrBuf *msg) {
  if (cb)
    cb(mlirStringRefCreate(cimStrBufGet(msg), msg->length), ud);
  cimStrBufFree(msg);
  return false;
}

/// [min, max] with finite numbers (integers allowed) and min <= max.
static bool readRange(json_t *v, CimRange *r) {
  if (!json_is_array(v) || json_array_size(v) != 2 ||
      !json_is_number(json_array_get(v, 0)) ||
      !json_is_number(json_array_get(v, 1)))
    return false;
  r->min = json_number_value(json_array_get(v, 0));
  r->max = json_number_value(json_array_get(v, 1));
  r->set = true;
  return isfinite(r->min) && isfinite(r->max) && r->min <= r->max;
}

/// Reads one entry of `section` ("layers" or "ops"); fills msg on error.
static bool readEntry(const char *path, const char *section, size_t i,
                      json_t *obj, CimCalibrationEntry *e, CimStrBuf *msg) {
  bool isLayer = strcmp(section, "layers") == 0;
  e->index = -1;
  if (!json_is_object(obj)) {
    cimStrBufPrintf(msg, "%s: %s[%zu]: expected an object", path, section, i);
    return false;
  }
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    CimRange *range = NULL;
    if (strcmp(key, "name") == 0) {
      if (!json_is_string(v) || json_string_length(v) == 0) {
        cimStrBufPrintf(msg, "%s: %s[%zu]: \"name\" must be a non-empty string",
                        path, section, i);
        return false;
      }
      free(e->name);
      e->name = strdup(json_string_value(v));
      if (!e->name) {
        cimStrBufPrintf(msg, "%s: out of memory", path);
        return false;
      }
      continue;
    }
    if (isLayer && strcmp(key, "index") == 0) {
      if (!json_is_integer(v) || json_integer_value(v) < 0) {
        cimStrBufPrintf(msg,
                        "%s: %s[%zu]: \"index\" must be a non-negative integer",
                        path, section, i);
        return false;
      }
      e->index = json_integer_value(v);
      continue;
    }
    if (strcmp(key, "input") == 0)
      range = &e->input;
    else if (isLayer && strcmp(key, "weights") == 0)
      range = &e->weights;
    else if (!isLayer && strcmp(key, "output") == 0)
      range = &e->output;
    if (!range) {
      cimStrBufPrintf(msg,
                      "%s: %s[%zu]: unknown key \"%s\" (expected %s)", path,
                      section, i, key,
                      isLayer ? "\"name\" or \"index\", \"input\", \"weights\""
                              : "\"name\", \"input\", \"output\"");
      return false;
    }
    if (!readRange(v, range)) {
      cimStrBufPrintf(msg,
                      "%s: %s[%zu]: \"%s\" must be [min, max] with finite "
                      "min <= max",
                      path, section, i, key);
      return false;
    }
  }
  bool byName = e->name != NULL, byIndex = e->index >= 0;
  if (isLayer ? byName == byIndex : !byName) {
    cimStrBufPrintf(msg, "%s: %s[%zu]: %s", path, section, i,
                    isLayer ? "give exactly one of \"name\" and \"index\""
                            : "an op entry needs a \"name\"");
    return false;
  }
  if (!e->input.set && !e->weights.set && !e->output.set) {
    cimStrBufPrintf(msg, "%s: %s[%zu]: the entry gives no range", path,
                    section, i);
    return false;
  }
  return true;
}

static bool readSection(const char *path, json_t *root, const char *section,
                        CimCalibrationEntry **entries, intptr_t *count,
                        CimStrBuf *msg) {
  json_t *arr = json_object_get(root, section);
  if (!arr)
    return true;
  if (!json_is_array(arr)) {
    cimStrBufPrintf(msg, "%s: \"%s\" must be an array", path, section);
    return false;
  }
  size_t n = json_array_size(arr);
  *entries = calloc(n ? n : 1, sizeof **entries);
  if (!*entries) {
    cimStrBufPrintf(msg, "%s: out of memory", path);
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    *count = (intptr_t)i + 1;
    if (!readEntry(path, section, i, json_array_get(arr, i), &(*entries)[i],
                   msg))
      return false;
  }
  return true;
}

bool cimCalibrationLoad(const char *path, CimCalibration *cal,
                        MlirStringCallback cb, void *ud) {
  memset(cal, 0, sizeof *cal);
  CimStrBuf bytes = {0}, msg = {0};
  if (!cimReadWholeFile(path, "calibration file", &bytes, cb, ud)) {
    cimStrBufFree(&bytes);
    return false;
  }
  json_error_t err;
  json_t *root = json_loadb(cimStrBufGet(&bytes), bytes.length,
                            JSON_REJECT_DUPLICATES, &err);
  cimStrBufFree(&bytes);
  if (!root) {
    cimStrBufPrintf(&msg, "%s:%d:%d: %s", path, err.line, err.column, err.text);
    return fail(cb, ud, &msg);
  }
  bool ok = json_is_object(root);
  if (!ok)
    cimStrBufPrintf(&msg, "%s: a calibration file is a JSON object with "
                          "\"default\", \"layers\" and \"ops\"",
                    path);
  const char *key;
  json_t *v;
  if (ok)
    json_object_foreach(root, key, v) {
      if (strcmp(key, "default") && strcmp(key, "layers") && strcmp(key, "ops")) {
        cimStrBufPrintf(&msg, "%s: unknown key \"%s\" (expected \"default\", "
                              "\"layers\", \"ops\")",
                        path, key);
        ok = false;
        break;
      }
    }
  json_t *def = ok ? json_object_get(root, "default") : NULL;
  if (def && !readRange(def, &cal->defaultRange)) {
    cimStrBufPrintf(&msg, "%s: \"default\" must be [min, max] with finite "
                          "min <= max",
                    path);
    ok = false;
  }
  ok = ok && readSection(path, root, "layers", &cal->layers, &cal->numLayers,
                         &msg) &&
       readSection(path, root, "ops", &cal->ops, &cal->numOps, &msg);
  json_decref(root);
  if (!ok)
    return fail(cb, ud, &msg);
  return true;
}

void cimCalibrationFree(CimCalibration *cal) {
  for (intptr_t i = 0; i < cal->numLayers; ++i)
    free(cal->layers[i].name);
  for (intptr_t i = 0; i < cal->numOps; ++i)
    free(cal->ops[i].name);
  free(cal->layers);
  free(cal->ops);
  memset(cal, 0, sizeof *cal);
}
