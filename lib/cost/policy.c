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
} PolicyImpl;

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
  if (!p->source || !p->wBits || !p->aBits || !p->names) {
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

static CimPolicy fromJSON(const char *path, const char *text, size_t size,
                          MlirStringCallback cb, void *ud) {
  CimStrBuf msg = {0};
  json_error_t err;
  json_t *root = json_loadb(text, size, JSON_REJECT_DUPLICATES, &err);
  if (!root) {
    cimStrBufPrintf(&msg, "%s:%d:%d: %s", path, err.line, err.column, err.text);
    return failWith(cb, ud, &msg);
  }
  json_t *rows = root;
  bool named = false;
  if (json_is_object(root)) {
    rows = json_object_get(root, "layers");
    named = true;
    if (!json_is_array(rows) || json_object_size(root) != 1) {
      cimStrBufPrintf(&msg, "%s: a JSON policy is an array of [w_bits, a_bits] "
                            "or an object with one key, \"layers\"",
                      path);
      json_decref(root);
      return failWith(cb, ud, &msg);
    }
  } else if (!json_is_array(root)) {
    cimStrBufPrintf(&msg, "%s: a JSON policy is an array of [w_bits, a_bits] "
                          "or an object with one key, \"layers\"",
                    path);
    json_decref(root);
    return failWith(cb, ud, &msg);
  }
  PolicyImpl *p = allocate(path, (intptr_t)json_array_size(rows));
  if (!p) {
    json_decref(root);
    cimStrBufPrintf(&msg, "%s: out of memory", path);
    return failWith(cb, ud, &msg);
  }
  for (intptr_t i = 0; i < p->numLayers; ++i) {
    json_t *row = json_array_get(rows, (size_t)i);
    bool ok;
    const char *name = "";
    if (named) {
      json_t *n = json_object_get(row, "name");
      ok = json_is_object(row) && json_object_size(row) == (n ? 3u : 2u) &&
           jsonBits(json_object_get(row, "w_bits"), &p->wBits[i]) &&
           jsonBits(json_object_get(row, "a_bits"), &p->aBits[i]) &&
           (!n || json_is_string(n));
      if (ok && n)
        name = json_string_value(n);
    } else {
      ok = json_is_array(row) && json_array_size(row) == 2 &&
           jsonBits(json_array_get(row, 0), &p->wBits[i]) &&
           jsonBits(json_array_get(row, 1), &p->aBits[i]);
    }
    if (!ok) {
      cimStrBufPrintf(&msg,
                      named ? "%s: layer %ld: expected {\"name\": ..., "
                              "\"w_bits\": N, \"a_bits\": N}"
                            : "%s: layer %ld: expected [w_bits, a_bits]",
                      path, (long)i);
      json_decref(root);
      cimPolicyDestroy((CimPolicy){p});
      return failWith(cb, ud, &msg);
    }
    p->names[i] = strdup(name);
    if (!p->names[i] || !checkBits(path, i, p->wBits[i], p->aBits[i], &msg)) {
      if (!p->names[i])
        cimStrBufPrintf(&msg, "%s: out of memory", path);
      json_decref(root);
      cimPolicyDestroy((CimPolicy){p});
      return failWith(cb, ud, &msg);
    }
  }
  json_decref(root);
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
    p->names[i] = strdup("");
    if (!p->names[i] || !checkBits("<policy>", i, wBits[i], aBits[i], &msg)) {
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

MlirLogicalResult cimPolicyCheckLayerCount(CimPolicy policy, intptr_t numLayers,
                                           MlirStringCallback cb, void *ud) {
  PolicyImpl *p = policy.ptr;
  if (p->numLayers == numLayers)
    return mlirLogicalResultSuccess();
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "policy '%s' has %ld layers but the module has %ld "
                        "matrix-vector layers",
                  p->source, (long)p->numLayers, (long)numLayers);
  failWith(cb, ud, &msg);
  return mlirLogicalResultFailure();
}
