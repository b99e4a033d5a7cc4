/*===-- policy.c - Reading per-layer bit-width policies --------------------===*/

#define _POSIX_C_SOURCE 200809L
#include "cim-c/Policy.h"

#include <stdio.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Npy.h"
#include "support/FileIO.h"
#include "support/StrBuf.h"

typedef struct PolicyImpl {
  char *source;
  intptr_t numLayers;
  int64_t *wBits;
  int64_t *aBits;
  char **names;
  bool named;             /* every row has a name (else none has) */
  CimPolicyLayer *shapes; /* per row; a dimension of 0 was not given */
} PolicyImpl;

/* The shape keys of a JSON row: the reference system's layer-table names
 * (test/data/cim-aq-policies.json "layer_dimensions"), in the order
 * messages print them. */
#define POLICY_SHAPE_KEYS(X)                                                   \
  X(inDim, "input_dim")                                                        \
  X(outDim, "output_dim")                                                      \
  X(invocations, "mvm_invocations")                                            \
  X(repeat, "repeat_factor")

static CimPolicy failWith(MlirStringCallback cb, void *ud, CimStrBuf *msg) {
  if (cb)
    cb(mlirStringRefCreate(cimStrBufGet(msg), msg->length), ud);
  cimStrBufFree(msg);
  return (CimPolicy){NULL};
}

static PolicyImpl *allocate(const char *source, intptr_t n) {
  PolicyImpl *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  size_t count = n > 0 ? (size_t)n : 1;
  p->source = strdup(source);
  p->numLayers = n;
  p->wBits = calloc(count, sizeof *p->wBits);
  p->aBits = calloc(count, sizeof *p->aBits);
  p->names = calloc(count, sizeof *p->names);
  p->shapes = calloc(count, sizeof *p->shapes);
  if (!p->source || !p->wBits || !p->aBits || !p->names || !p->shapes) {
    cimPolicyDestroy((CimPolicy){p});
    return NULL;
  }
  return p;
}

/// Checks row `i`'s bits; fills msg and returns false when out of range.
static bool checkBits(const char *source, intptr_t i, int64_t w, int64_t a,
                      CimStrBuf *msg) {
  if (w < 1 || w > 8) {
    cimStrBufPrintf(msg, "%s: layer %ld: weight bits %lld outside 1..8", source,
                    (long)i, (long long)w);
    return false;
  }
  if (a < 1 || a > 8) {
    cimStrBufPrintf(msg, "%s: layer %ld: activation bits %lld outside 1..8",
                    source, (long)i, (long long)a);
    return false;
  }
  return true;
}

static CimPolicy fromNpy(const char *path, const void *bytes, size_t size,
                         MlirStringCallback cb, void *ud) {
  CimNpyArray a;
  if (mlirLogicalResultIsFailure(cimNpyParse(
          bytes, size, mlirStringRefCreateFromCString(path), &a, cb, ud)))
    return (CimPolicy){NULL};
  CimStrBuf msg = {0};
  if (a.dtype != CIM_NPY_I64 && a.dtype != CIM_NPY_I32) {
    cimStrBufPrintf(&msg, "%s: a policy is an int64 array, got dtype '%s'",
                    path, cimNpyDTypeGetDescr(a.dtype));
    cimNpyArrayDestroy(&a);
    return failWith(cb, ud, &msg);
  }
  if (a.rank != 2 || a.shape[1] != 2) {
    cimStrBufPrintf(&msg, "%s: a policy has shape [layers, 2], got [", path);
    for (int i = 0; i < a.rank; ++i)
      cimStrBufPrintf(&msg, "%s%lld", i ? ", " : "", (long long)a.shape[i]);
    cimStrBufAppendCString(&msg, "]");
    cimNpyArrayDestroy(&a);
    return failWith(cb, ud, &msg);
  }
  PolicyImpl *p = allocate(path, (intptr_t)a.shape[0]);
  if (!p) {
    cimNpyArrayDestroy(&a);
    cimStrBufPrintf(&msg, "%s: out of memory", path);
    return failWith(cb, ud, &msg);
  }
  for (intptr_t i = 0; i < p->numLayers; ++i) {
    p->wBits[i] = cimNpyArrayGetInt(&a, 2 * i);
    p->aBits[i] = cimNpyArrayGetInt(&a, 2 * i + 1);
    if (!checkBits(path, i, p->wBits[i], p->aBits[i], &msg)) {
      cimNpyArrayDestroy(&a);
      cimPolicyDestroy((CimPolicy){p});
      return failWith(cb, ud, &msg);
    }
  }
  cimNpyArrayDestroy(&a);
  return (CimPolicy){p};
}

static bool jsonBits(json_t *v, int64_t *out) {
  if (!json_is_integer(v))
    return false;
  *out = json_integer_value(v);
  return true;
}

static const char kRowShape[] =
    "{\"name\": ..., \"w_bits\": N, \"a_bits\": N}";

/// Reads object row `i` into `p`; fills msg and returns false when it is
/// malformed.
static bool readObjectRow(const char *path, PolicyImpl *p, intptr_t i,
                          json_t *row, CimStrBuf *msg) {
  if (!json_is_object(row) ||
      !jsonBits(json_object_get(row, "w_bits"), &p->wBits[i]) ||
      !jsonBits(json_object_get(row, "a_bits"), &p->aBits[i])) {
    cimStrBufPrintf(msg, "%s: layer %ld: expected %s", path, (long)i,
                    kRowShape);
    return false;
  }
  const char *key;
  json_t *value;
  json_object_foreach(row, key, value) {
    if (strcmp(key, "w_bits") == 0 || strcmp(key, "a_bits") == 0)
      continue;
    if (strcmp(key, "name") == 0) {
      if (!json_is_string(value) || json_string_length(value) == 0) {
        cimStrBufPrintf(msg, "%s: layer %ld: \"name\" must be a non-empty "
                             "string",
                        path, (long)i);
        return false;
      }
      p->names[i] = strdup(json_string_value(value));
      if (!p->names[i]) {
        cimStrBufPrintf(msg, "%s: out of memory", path);
        return false;
      }
      continue;
    }
    int64_t *dim = NULL;
#define POLICY_SHAPE_FIELD(MEMBER, KEY)                                        \
  if (strcmp(key, KEY) == 0)                                                   \
    dim = &p->shapes[i].MEMBER;
    POLICY_SHAPE_KEYS(POLICY_SHAPE_FIELD)
#undef POLICY_SHAPE_FIELD
    if (!dim) {
      cimStrBufPrintf(msg,
                      "%s: layer %ld: unknown key '%s' (a row has w_bits, "
                      "a_bits and optionally name, input_dim, output_dim, "
                      "mvm_invocations, repeat_factor)",
                      path, (long)i, key);
      return false;
    }
    if (!jsonBits(value, dim) || *dim < 1) {
      cimStrBufPrintf(msg, "%s: layer %ld: \"%s\" must be a positive integer",
                      path, (long)i, key);
      return false;
    }
  }
  return true;
}

/// Every row has a name or none has, and no two have the same; fills msg and
/// returns false otherwise. Sets p->named.
static bool checkNames(const char *path, PolicyImpl *p, CimStrBuf *msg) {
  intptr_t withName = -1, without = -1;
  for (intptr_t i = 0; i < p->numLayers; ++i) {
    if (p->names[i] && withName < 0)
      withName = i;
    if (!p->names[i] && without < 0)
      without = i;
  }
  if (withName >= 0 && without >= 0) {
    cimStrBufPrintf(msg,
                    "%s: layer %ld has a name but layer %ld has none: name "
                    "every row (the rows then meet the layers by name) or "
                    "none (by position)",
                    path, (long)withName, (long)without);
    return false;
  }
  p->named = withName >= 0;
  for (intptr_t i = 0; p->named && i < p->numLayers; ++i)
    for (intptr_t j = 0; j < i; ++j)
      if (strcmp(p->names[i], p->names[j]) == 0) {
        cimStrBufPrintf(msg, "%s: layers %ld and %ld both name '%s'", path,
                        (long)j, (long)i, p->names[i]);
        return false;
      }
  return true;
}

static CimPolicy fromJSON(const char *path, const char *text, size_t size,
                          MlirStringCallback cb, void *ud) {
  static const char kForm[] =
      "%s: a JSON policy is an array of [w_bits, a_bits] or an object with "
      "one key, \"layers\"";
  CimStrBuf msg = {0};
  json_error_t err;
  json_t *root = json_loadb(text, size, JSON_REJECT_DUPLICATES, &err);
  if (!root) {
    cimStrBufPrintf(&msg, "%s:%d:%d: %s", path, err.line, err.column, err.text);
    return failWith(cb, ud, &msg);
  }
  json_t *rows = root;
  bool objects = false;
  if (json_is_object(root)) {
    rows = json_object_get(root, "layers");
    objects = true;
    if (!json_is_array(rows) || json_object_size(root) != 1) {
      cimStrBufPrintf(&msg, kForm, path);
      json_decref(root);
      return failWith(cb, ud, &msg);
    }
  } else if (!json_is_array(root)) {
    cimStrBufPrintf(&msg, kForm, path);
    json_decref(root);
    return failWith(cb, ud, &msg);
  }
  PolicyImpl *p = allocate(path, (intptr_t)json_array_size(rows));
  if (!p) {
    json_decref(root);
    cimStrBufPrintf(&msg, "%s: out of memory", path);
    return failWith(cb, ud, &msg);
  }
  bool ok = true;
  for (intptr_t i = 0; ok && i < p->numLayers; ++i) {
    json_t *row = json_array_get(rows, (size_t)i);
    if (objects) {
      ok = readObjectRow(path, p, i, row, &msg);
    } else {
      ok = json_is_array(row) && json_array_size(row) == 2 &&
           jsonBits(json_array_get(row, 0), &p->wBits[i]) &&
           jsonBits(json_array_get(row, 1), &p->aBits[i]);
      if (!ok)
        cimStrBufPrintf(&msg, "%s: layer %ld: expected [w_bits, a_bits]", path,
                        (long)i);
    }
    ok = ok && checkBits(path, i, p->wBits[i], p->aBits[i], &msg);
  }
  json_decref(root);
  if (!ok || !checkNames(path, p, &msg)) {
    cimPolicyDestroy((CimPolicy){p});
    return failWith(cb, ud, &msg);
  }
  return (CimPolicy){p};
}

CimPolicy cimPolicyLoadFile(const char *path, MlirStringCallback cb, void *ud) {
  CimStrBuf bytes = {0};
  if (!cimReadWholeFile(path, "policy", &bytes, cb, ud)) {
    cimStrBufFree(&bytes);
    return (CimPolicy){NULL};
  }
  CimPolicy p;
  const char *data = cimStrBufGet(&bytes);
  /* NumPy files start with byte 0x93, which JSON never does. */
  if (bytes.length >= 1 && (unsigned char)data[0] == 0x93)
    p = fromNpy(path, data, bytes.length, cb, ud);
  else
    p = fromJSON(path, data, bytes.length, cb, ud);
  cimStrBufFree(&bytes);
  return p;
}

CimPolicy cimPolicyCreate(intptr_t numLayers, const int64_t *wBits,
                          const int64_t *aBits, MlirStringCallback cb,
                          void *ud) {
  CimStrBuf msg = {0};
  if (numLayers < 0) {
    cimStrBufPrintf(&msg, "a policy cannot have %ld layers", (long)numLayers);
    return failWith(cb, ud, &msg);
  }
  PolicyImpl *p = allocate("<policy>", numLayers);
  if (!p) {
    cimStrBufAppendCString(&msg, "out of memory");
    return failWith(cb, ud, &msg);
  }
  for (intptr_t i = 0; i < numLayers; ++i) {
    p->wBits[i] = wBits[i];
    p->aBits[i] = aBits[i];
    if (!checkBits("<policy>", i, wBits[i], aBits[i], &msg)) {
      cimPolicyDestroy((CimPolicy){p});
      return failWith(cb, ud, &msg);
    }
  }
  return (CimPolicy){p};
}

void cimPolicyDestroy(CimPolicy policy) {
  PolicyImpl *p = policy.ptr;
  if (!p)
    return;
  if (p->names)
    for (intptr_t i = 0; i < p->numLayers; ++i)
      free(p->names[i]);
  free(p->names);
  free(p->shapes);
  free(p->wBits);
  free(p->aBits);
  free(p->source);
  free(p);
}

intptr_t cimPolicyGetNumLayers(CimPolicy policy) {
  return ((PolicyImpl *)policy.ptr)->numLayers;
}

int64_t cimPolicyGetWeightBits(CimPolicy policy, intptr_t i) {
  return ((PolicyImpl *)policy.ptr)->wBits[i];
}

int64_t cimPolicyGetActivationBits(CimPolicy policy, intptr_t i) {
  return ((PolicyImpl *)policy.ptr)->aBits[i];
}

const char *cimPolicyGetLayerName(CimPolicy policy, intptr_t i) {
  const char *n = ((PolicyImpl *)policy.ptr)->names[i];
  return n ? n : "";
}

/// The message of a row count that is not the layer count.
static void printCountMismatch(CimStrBuf *msg, const PolicyImpl *p,
                               intptr_t numLayers) {
  cimStrBufPrintf(msg, "policy '%s' has %ld layers but the module has %ld "
                       "matrix-vector layers",
                  p->source, (long)p->numLayers, (long)numLayers);
}

MlirLogicalResult cimPolicyCheckLayerCount(CimPolicy policy, intptr_t numLayers,
                                           MlirStringCallback cb, void *ud) {
  PolicyImpl *p = policy.ptr;
  if (p->numLayers == numLayers)
    return mlirLogicalResultSuccess();
  CimStrBuf msg = {0};
  printCountMismatch(&msg, p, numLayers);
  failWith(cb, ud, &msg);
  return mlirLogicalResultFailure();
}

bool cimPolicyHasLayerNames(CimPolicy policy) {
  return ((PolicyImpl *)policy.ptr)->named;
}

static void matchError(CimPolicyErrorCallback cb, void *ud, intptr_t layer,
                       CimStrBuf *msg) {
  if (cb)
    cb(layer, mlirStringRefCreate(cimStrBufGet(msg), msg->length), ud);
  cimStrBufFree(msg);
}

/// "[input_dim 64, output_dim 128, ...]" for the dimensions of `s` that are
/// given (non-zero).
static void printShape(CimStrBuf *msg, const CimPolicyLayer *s) {
  const char *sep = "[";
#define POLICY_SHAPE_PRINT(MEMBER, KEY)                                        \
  if (s->MEMBER) {                                                             \
    cimStrBufPrintf(msg, "%s" KEY " %lld", sep, (long long)s->MEMBER);         \
    sep = ", ";                                                                \
  }
  POLICY_SHAPE_KEYS(POLICY_SHAPE_PRINT)
#undef POLICY_SHAPE_PRINT
  cimStrBufAppendCString(msg, "]");
}

/// Row `row`'s shape keys agree with `layer`'s shape.
static bool shapeAgrees(const CimPolicyLayer *row, const CimPolicyLayer *layer) {
  bool ok = true;
#define POLICY_SHAPE_CHECK(MEMBER, KEY)                                        \
  ok = ok && (!row->MEMBER || row->MEMBER == layer->MEMBER);
  POLICY_SHAPE_KEYS(POLICY_SHAPE_CHECK)
#undef POLICY_SHAPE_CHECK
  return ok;
}

/// " (policy rows: 3, module layers: 2)".
static void printCounts(CimStrBuf *msg, intptr_t rows, intptr_t layers) {
  cimStrBufPrintf(msg, " (policy rows: %ld, matrix-vector layers: %ld)",
                  (long)rows, (long)layers);
}

/// Named rows -> layers; false after one error.
static bool matchByName(PolicyImpl *p, intptr_t n, const CimPolicyLayer *layers,
                        intptr_t *rowOfLayer, CimPolicyErrorCallback cb,
                        void *ud) {
  CimStrBuf msg = {0};
  for (intptr_t i = 0; i < n; ++i) {
    rowOfLayer[i] = -1;
    for (intptr_t j = 0; j < i; ++j)
      if (strcmp(layers[i].name, layers[j].name) == 0) {
        cimStrBufPrintf(&msg,
                        "layers %ld and %ld of the module are both named "
                        "'%s': policy '%s' names its rows, so it cannot tell "
                        "them apart",
                        (long)j, (long)i, layers[i].name, p->source);
        matchError(cb, ud, i, &msg);
        return false;
      }
  }
  /* The reader rejected two rows with one name, so each layer gets at most
   * one row. */
  for (intptr_t r = 0; r < p->numLayers; ++r) {
    intptr_t found = -1;
    for (intptr_t i = 0; i < n && found < 0; ++i)
      if (strcmp(p->names[r], layers[i].name) == 0)
        found = i;
    if (found < 0) {
      cimStrBufPrintf(&msg,
                      "policy '%s' row %ld names layer '%s', which the module "
                      "does not have",
                      p->source, (long)r, p->names[r]);
      if (p->numLayers != n)
        printCounts(&msg, p->numLayers, n);
      matchError(cb, ud, -1, &msg);
      return false;
    }
    rowOfLayer[found] = r;
  }
  for (intptr_t i = 0; i < n; ++i)
    if (rowOfLayer[i] < 0) {
      cimStrBufPrintf(&msg, "layer '%s' has no row in policy '%s'",
                      layers[i].name, p->source);
      printCounts(&msg, p->numLayers, n);
      matchError(cb, ud, i, &msg);
      return false;
    }
  return true;
}

MlirLogicalResult cimPolicyMatchLayers(CimPolicy policy, intptr_t numLayers,
                                       const CimPolicyLayer *layers,
                                       intptr_t *rowOfLayer,
                                       CimPolicyErrorCallback cb, void *ud) {
  PolicyImpl *p = policy.ptr;
  CimStrBuf msg = {0};
  if (p->named) {
    if (!matchByName(p, numLayers, layers, rowOfLayer, cb, ud))
      return mlirLogicalResultFailure();
  } else {
    if (p->numLayers != numLayers) {
      printCountMismatch(&msg, p, numLayers);
      matchError(cb, ud, -1, &msg);
      return mlirLogicalResultFailure();
    }
    for (intptr_t i = 0; i < numLayers; ++i)
      rowOfLayer[i] = i;
  }
  for (intptr_t i = 0; i < numLayers; ++i) {
    const CimPolicyLayer *row = &p->shapes[rowOfLayer[i]];
    if (shapeAgrees(row, &layers[i]))
      continue;
    cimStrBufPrintf(&msg, "layer '%s' has shape ", layers[i].name);
    printShape(&msg, &layers[i]);
    cimStrBufPrintf(&msg, " but policy '%s' row %ld is for ", p->source,
                    (long)rowOfLayer[i]);
    printShape(&msg, row);
    matchError(cb, ud, i, &msg);
    return mlirLogicalResultFailure();
  }
  return mlirLogicalResultSuccess();
}
