/*===-- tensors.c - ONNX tensors and attributes ----------------------------===*
 *
 * TensorProto -> Const (raw_data, typed fields, external data files with
 * ONNX's location rules), node attributes, node inputs and outputs. Split
 * from onnx_import.c; Importer.h declares what the other files use.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Importer.h"
#include "cim-c/Input.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Quant.h"
#include "mlir-c/IR.h"
#include "support/Checked.h"

/*===----------------------------------------------------------------------===*
 * Tensors and attributes of the protobuf
 *===----------------------------------------------------------------------===*/

const char *cimOnnxDtypeName(int32_t t) {
  switch (t) {
  case DT_FLOAT:
    return "float";
  case DT_UINT8:
    return "uint8";
  case DT_INT8:
    return "int8";
  case DT_UINT16:
    return "uint16";
  case DT_INT16:
    return "int16";
  case DT_INT32:
    return "int32";
  case DT_INT64:
    return "int64";
  case DT_BOOL:
    return "bool";
  case DT_DOUBLE:
    return "double";
  case DT_UINT32:
    return "uint32";
  case DT_UINT64:
    return "uint64";
  default:
    return "unsupported type";
  }
}

int cimOnnxElemSize(int32_t t) {
  switch (t) {
  case DT_UINT8:
  case DT_INT8:
  case DT_BOOL:
    return 1;
  case DT_UINT16:
  case DT_INT16:
    return 2;
  case DT_FLOAT:
  case DT_INT32:
  case DT_UINT32:
    return 4;
  case DT_INT64:
  case DT_DOUBLE:
  case DT_UINT64:
    return 8;
  default:
    return 0;
  }
}

static double readLE(const uint8_t *p, int32_t t) {
  switch (t) {
  case DT_UINT8:
  case DT_BOOL:
    return p[0];
  case DT_INT8:
    return (int8_t)p[0];
  case DT_UINT16: {
    uint16_t x;
    memcpy(&x, p, 2);
    return x;
  }
  case DT_INT16: {
    int16_t x;
    memcpy(&x, p, 2);
    return x;
  }
  case DT_INT32: {
    int32_t x;
    memcpy(&x, p, 4);
    return x;
  }
  case DT_UINT32: {
    uint32_t x;
    memcpy(&x, p, 4);
    return x;
  }
  case DT_INT64: {
    int64_t x;
    memcpy(&x, p, 8);
    return (double)x;
  }
  case DT_UINT64: {
    uint64_t x;
    memcpy(&x, p, 8);
    return (double)x;
  }
  case DT_FLOAT: {
    float x;
    memcpy(&x, p, 4);
    return x;
  }
  case DT_DOUBLE: {
    double x;
    memcpy(&x, p, 8);
    return x;
  }
  default:
    return 0;
  }
}

/// A Const of `dtype` and shape `dims` without storage (v and f NULL); NULL
/// when out of memory or when the element count does not fit.
static Const *constShape(int32_t dtype, int rank, const int64_t *dims) {
  Const *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->dtype = dtype;
  c->rank = rank;
  /* The element count, checked: a zero dimension makes it 0 wherever it
   * stands (the product of the dimensions before it may not fit in int64:
   * found by the onnx_import fuzz target), and a count that does not fit is
   * refused (NULL, as for no memory). */
  bool empty = false;
  for (int i = 0; i < rank; ++i) {
    c->dims[i] = dims[i];
    empty |= dims[i] == 0;
  }
  c->n = 1;
  for (int i = 0; !empty && i < rank; ++i)
    if (dims[i] < 0 || !cimCheckedMul(c->n, dims[i], &c->n) ||
        (uint64_t)c->n > SIZE_MAX / sizeof(double)) {
      free(c);
      return NULL;
    }
  if (empty)
    c->n = 0;
  return c;
}

Const *cimOnnxConstNew(int32_t dtype, int rank, const int64_t *dims) {
  Const *c = constShape(dtype, rank, dims);
  if (!c)
    return NULL;
  c->v = malloc((size_t)(c->n ? c->n : 1) * sizeof(double));
  if (!c->v) {
    free(c);
    return NULL;
  }
  return c;
}

/// Why `location` (an external data entry) is refused, or NULL. ONNX's
/// rules (onnx.checker, "External data"): the path is relative to the
/// model's directory and stays inside it, so it is not empty, not absolute
/// (no leading '/' or '\\', no Windows drive "C:"), and has no ".."
/// component ("w..bin" is a fine name; "../w.bin" and "a/../../w.bin" are
/// not). Both separators count, as ONNX normalizes Windows paths.
static const char *badLocation(const char *location) {
  if (!location || !*location)
    return "has no 'location'";
  if (location[0] == '/' || location[0] == '\\' ||
      (((location[0] | 0x20) >= 'a' && (location[0] | 0x20) <= 'z') &&
       location[1] == ':'))
    return "is an absolute path; ONNX requires a path relative to the model's "
           "directory";
  for (const char *c = location; *c;) {
    size_t len = strcspn(c, "/\\");
    if (len == 2 && c[0] == '.' && c[1] == '.')
      return "has a '..' component; ONNX requires a path inside the model's "
             "directory";
    c += len;
    c += *c ? 1 : 0;
  }
  return NULL;
}

/// Parses a non-negative decimal integer (the whole string); -1 otherwise.
static long long parseSize(const char *v) {
  if (!v || *v < '0' || *v > '9')
    return -1;
  char *end;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  return errno || *end ? -1 : x;
}

/// Reads an external data file region (location/offset/length entries) into
/// a cimOnnxBufAlloc'd buffer.
static bool readExternal(Importer *I, const Onnx__TensorProto *t,
                         MlirLocation loc, uint8_t **out, size_t *len) {
  const char *name = t->name ? t->name : "";
  const char *location = NULL, *offsetText = NULL, *lengthText = NULL;
  for (size_t i = 0; i < t->n_external_data; ++i) {
    const char *k = t->external_data[i]->key, *v = t->external_data[i]->value;
    if (!k || !v)
      continue;
    if (!strcmp(k, "location"))
      location = v;
    else if (!strcmp(k, "offset"))
      offsetText = v;
    else if (!strcmp(k, "length"))
      lengthText = v;
  }
  const char *why = badLocation(location);
  if (why)
    return cimOnnxFail(loc, "tensor '%s': external data location '%s' %s", name,
                       location ? location : "", why);
  long long offset = offsetText ? parseSize(offsetText) : 0;
  long long length = lengthText ? parseSize(lengthText) : -2;
  if (offset < 0 || length == -1)
    return cimOnnxFail(loc,
                       "tensor '%s': external data %s '%s' is not a "
                       "non-negative integer",
                       name, offset < 0 ? "offset" : "length",
                       offset < 0 ? offsetText : lengthText);
  const char *slash = strrchr(I->sourceName, '/');
  size_t dirLen = slash ? (size_t)(slash - I->sourceName + 1) : 0;
  char *path = malloc(dirLen + strlen(location) + 1);
  if (!path)
    return cimOnnxFail(loc, "out of memory");
  memcpy(path, I->sourceName, dirLen);
  strcpy(path + dirLen, location);
  /* A symbolic link could lead anywhere: only regular files are read. */
  struct stat st;
  FILE *f = NULL;
  if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    cimOnnxFail(loc,
                "tensor '%s': external data file '%s' is not a regular "
                "file (symbolic links and directories are refused)",
                name, path);
    free(path);
    return false;
  }
  if (!(f = fopen(path, "rb"))) {
    cimOnnxFail(loc, "tensor '%s': cannot open external data file '%s': %s",
                name, path, strerror(errno));
    free(path);
    return false;
  }
  bool ok = fstat(fileno(f), &st) == 0;
  if (ok && length < 0)
    length = st.st_size - offset;
  if (!ok || offset > st.st_size || length < 0 ||
      length > st.st_size - offset) {
    fclose(f);
    cimOnnxFail(loc,
                "tensor '%s': external data offset %lld and length %lld "
                "are outside '%s' (%lld bytes)",
                name, offset, length < 0 ? 0 : length, path,
                (long long)st.st_size);
    free(path);
    return false;
  }
  uint8_t *buf = cimOnnxBufAlloc((size_t)length + 1);
  ok = buf && fseeko(f, offset, SEEK_SET) == 0 &&
       fread(buf, 1, (size_t)length, f) == (size_t)length;
  fclose(f);
  if (!ok) {
    cimOnnxBufFree(buf);
    cimOnnxFail(loc,
                "tensor '%s': cannot read %lld bytes at offset %lld of "
                "'%s'",
                name, length, offset, path);
    free(path);
    return false;
  }
  free(path);
  *out = buf;
  *len = (size_t)length;
  return true;
}

/// Converts a TensorProto into a Const (Importer.h).
bool cimOnnxConstFromTensor(Importer *I, Onnx__TensorProto *t,
                            MlirLocation loc, bool asF32, Const **out) {
  const char *name = t->name ? t->name : "";
  int32_t dt = t->has_data_type ? t->data_type : 0;
  if (!cimOnnxElemSize(dt))
    return cimOnnxFail(loc,
                       "tensor '%s': element type %d (%s) is not supported",
                       name, dt, cimOnnxDtypeName(dt));
  if (t->n_dims > MAX_RANK)
    return cimOnnxFail(loc, "tensor '%s': rank %zu is above %d", name,
                       t->n_dims, MAX_RANK);
  int64_t elements = 1;
  for (size_t i = 0; i < t->n_dims; ++i) {
    if (t->dims[i] < 0 || t->dims[i] > (INT64_C(1) << 40))
      return cimOnnxFail(loc, "tensor '%s': dimension %zu is %lld", name, i,
                         (long long)t->dims[i]);
    if (!cimCheckedMul(elements, t->dims[i], &elements))
      elements = INT64_MAX;
  }
  /* The importer holds constants as doubles: refuse, before allocating, a
   * declared shape whose values would not fit the input limit (a model
   * declaring 2^40 elements in a few bytes, found by the onnx_import fuzz
   * target). */
  uint64_t limit = cimInputGetLimit();
  if ((uint64_t)elements > limit / sizeof(double))
    return cimOnnxFail(
        loc,
        "tensor '%s': %lld elements is more than the importer holds "
        "(%llu bytes as doubles; set CIM_MAX_INPUT_BYTES to raise it)",
        name, (long long)elements, (unsigned long long)limit);
  asF32 = asF32 && dt == DT_FLOAT;
  Const *c = asF32 ? constShape(dt, (int)t->n_dims, t->dims)
                   : cimOnnxConstNew(dt, (int)t->n_dims, t->dims);
  if (!c)
    return cimOnnxFail(loc, "tensor '%s': out of memory", name);
  int64_t n = c->n;
  size_t es = (size_t)cimOnnxElemSize(dt);
  const uint8_t *raw = NULL;
  size_t rawLen = 0;
  uint8_t *ext = NULL;
  if (t->has_data_location &&
      t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
    if (!readExternal(I, t, loc, &ext, &rawLen)) {
      cimOnnxConstFree(c);
      return false;
    }
    raw = ext;
  } else if (t->has_raw_data) {
    raw = t->raw_data.data;
    rawLen = t->raw_data.len;
  }
  bool ok = true;
  if (asF32) {
    /* Little-endian f32 (ONNX's raw_data) is the host's float on the
     * little-endian hosts cimlir supports: the buffer is taken over as it
     * is (protobuf-c allocated it through cimOnnxBufAlloc, and so did
     * readExternal). */
    if (raw) {
      ok = rawLen == (size_t)n * es;
      if (ok && ext) {
        c->f = (float *)ext;
        ext = NULL;
      } else if (ok) {
        c->f = (float *)t->raw_data.data;
        t->raw_data.data = NULL;
        t->raw_data.len = 0;
        t->has_raw_data = 0;
      }
    } else {
      ok = t->n_float_data == (size_t)n;
      if (ok) {
        c->f = t->float_data;
        t->float_data = NULL;
        t->n_float_data = 0;
      }
    }
    /* An empty tensor has no buffer to take over. */
    if (ok && !c->f && !(c->f = cimOnnxBufAlloc(sizeof(float))))
      ok = false;
  } else if (raw) {
    ok = rawLen == (size_t)n * es;
    for (int64_t i = 0; ok && i < n; ++i)
      c->v[i] = readLE(raw + (size_t)i * es, dt);
  } else if (dt == DT_FLOAT) {
    ok = t->n_float_data == (size_t)n;
    for (int64_t i = 0; ok && i < n; ++i)
      c->v[i] = t->float_data[i];
  } else if (dt == DT_DOUBLE) {
    ok = t->n_double_data == (size_t)n;
    for (int64_t i = 0; ok && i < n; ++i)
      c->v[i] = t->double_data[i];
  } else if (dt == DT_INT64) {
    ok = t->n_int64_data == (size_t)n;
    for (int64_t i = 0; ok && i < n; ++i)
      c->v[i] = (double)t->int64_data[i];
  } else if (dt == DT_UINT32 || dt == DT_UINT64) {
    ok = t->n_uint64_data == (size_t)n;
    for (int64_t i = 0; ok && i < n; ++i)
      c->v[i] = (double)t->uint64_data[i];
  } else {
    ok = t->n_int32_data == (size_t)n;
    for (int64_t i = 0; ok && i < n; ++i)
      c->v[i] = dt == DT_UINT8 || dt == DT_BOOL
                    ? (double)(uint8_t)t->int32_data[i]
                : dt == DT_INT8   ? (double)(int8_t)t->int32_data[i]
                : dt == DT_UINT16 ? (double)(uint16_t)t->int32_data[i]
                : dt == DT_INT16  ? (double)(int16_t)t->int32_data[i]
                                  : (double)t->int32_data[i];
  }
  cimOnnxBufFree(ext);
  if (!ok) {
    cimOnnxConstFree(c);
    return cimOnnxFail(loc,
                       "tensor '%s': data does not hold %lld elements of %s",
                       name, (long long)n, cimOnnxDtypeName(dt));
  }
  *out = c;
  return true;
}

const Onnx__AttributeProto *cimOnnxGetAttr(const Onnx__NodeProto *n,
                                           const char *name) {
  for (size_t i = 0; i < n->n_attribute; ++i)
    if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, name))
      return n->attribute[i];
  return NULL;
}

int64_t cimOnnxAttrInt(const Onnx__NodeProto *n, const char *name,
                       int64_t dflt) {
  const Onnx__AttributeProto *a = cimOnnxGetAttr(n, name);
  return a && a->has_i ? a->i : dflt;
}

double cimOnnxAttrFloat(const Onnx__NodeProto *n, const char *name,
                        double dflt) {
  const Onnx__AttributeProto *a = cimOnnxGetAttr(n, name);
  return a && a->has_f ? a->f : dflt;
}

/// Copies the `ints` attribute into out[0, cap); returns its length or -1.
int cimOnnxAttrInts(const Onnx__NodeProto *n, const char *name, int64_t *out,
                    int cap) {
  const Onnx__AttributeProto *a = cimOnnxGetAttr(n, name);
  if (!a)
    return -1;
  int k = (int)(a->n_ints < (size_t)cap ? a->n_ints : (size_t)cap);
  for (int i = 0; i < k; ++i)
    out[i] = a->ints[i];
  return (int)a->n_ints;
}

const char *cimOnnxNodeName(const Onnx__NodeProto *n) {
  if (n->name && *n->name)
    return n->name;
  return n->n_output && n->output[0] ? n->output[0] : "";
}

/// Input `i` of `n`, or NULL when absent/empty (optional). An input that
/// names no known value is an error reported by the caller via *bad.
Value *cimOnnxInput(Importer *I, const Onnx__NodeProto *n, size_t i,
                    MlirLocation loc, bool *bad) {
  if (i >= n->n_input || !n->input[i] || !*n->input[i])
    return NULL;
  Value *v = cimOnnxLookup(I, n->input[i]);
  if (!v) {
    cimOnnxFail(loc, "node '%s' (%s): input '%s' is not defined before its use",
                cimOnnxNodeName(n), n->op_type, n->input[i]);
    *bad = true;
  }
  return v;
}

/// Defines output `i` of `n`.
Value *cimOnnxOutput(Importer *I, const Onnx__NodeProto *n, size_t i,
                     MlirLocation loc) {
  if (i >= n->n_output || !n->output[i] || !*n->output[i]) {
    cimOnnxFail(loc, "node '%s' (%s): output %zu has no name",
                cimOnnxNodeName(n), n->op_type, i);
    return NULL;
  }
  if (cimOnnxLookup(I, n->output[i])) {
    cimOnnxFail(loc, "node '%s' (%s): output '%s' is defined twice",
                cimOnnxNodeName(n), n->op_type, n->output[i]);
    return NULL;
  }
  Value *v = cimOnnxAddValue(I, n->output[i]);
  if (!v)
    cimOnnxFail(loc, "out of memory");
  return v;
}

void cimOnnxSetShape(Value *v, int rank, const int64_t *dims) {
  v->rank = rank;
  for (int i = 0; i < rank; ++i)
    v->dims[i] = dims[i];
}

/// Makes `y` (a plain tensor of ONNX element type `dtype`, shape `dims` of
/// `rank`) output 0 of `n`; false when `y` is null or there is no output.
bool cimOnnxDefineOutput(Importer *I, const Onnx__NodeProto *n,
                         MlirLocation loc, MlirValue y, int32_t dtype, int rank,
                         const int64_t *dims) {
  if (mlirValueIsNull(y))
    return false;
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o)
    return false;
  o->kind = K_FLOAT;
  o->dtype = dtype;
  o->v = y;
  cimOnnxSetShape(o, rank, dims);
  return true;
}
