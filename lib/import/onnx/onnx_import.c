/*===-- onnx_import.c - ONNX -> linalg on tensors + upstream quant --------===*
 *
 * The ONNX importer of cim-c/Import.h (issue 13). The model is unpacked with
 * the protobuf-c reader generated at build time from Debian's onnx.proto
 * (lib/import/onnx/CMakeLists.txt); this file walks the graph once, in node
 * order (ONNX graphs are topologically sorted), and emits one func.func in
 * the form docs/design.md's quant-level contract describes:
 *
 *   - float tensors are f32 tensors; matrix-vector layers are linalg named
 *     ops (matmul, batch_matmul, conv_2d_nchw_fchw), elementwise ops are
 *     linalg.generic / named elementwise ops;
 *   - an ONNX integer tensor with a scale and zero point (QuantizeLinear's
 *     output, QOperator inputs and outputs) is a `!quant.uniform` tensor,
 *     entered with quant.qcast and left with quant.dcast;
 *   - an integer tensor without a scale (MatMulInteger, ConvInteger) is the
 *     same with scale 1: its f32 value equals the integer;
 *   - integer graph inputs become f32 function arguments that are quantized
 *     (qcast) with the scale and zero point of their first consumer, so the
 *     compiled program takes the original integers again;
 *   - constants (initializers, Constant nodes) are folded at import time
 *     where ONNX semantics allow (QuantizeLinear of a constant, transposes of
 *     Gemm weights) and emitted as dense attributes built from raw buffers.
 *
 * Every op is located at its node's name (loc("conv1")); every error is one
 * diagnostic at that location naming the node. docs/onnx.md is the user's
 * reference for the operator table below (ONNX_OPS).
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cim-c/Import.h"
#include "cim-c/Input.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/Arith.h"
#include "mlir-c/Dialect/Func.h"
#include "mlir-c/Dialect/Linalg.h"
#include "mlir-c/Dialect/Math.h"
#include "mlir-c/Dialect/Quant.h"
#include "mlir-c/Dialect/Tensor.h"
#include "mlir-c/IR.h"
/* Generated into the build tree by protoc-c from Debian's onnx.proto: an
 * external schema's reader, included like a system header. */
#include <onnx.pb-c.h>

#include "Importer.h"
#include "support/Checked.h"

void cimOnnxConstFree(Const *c) {
  if (c) {
    free(c->v);
    free(c);
  }
}

void cimOnnxQFree(QParams *q) {
  free(q->scales);
  free(q->zps);
  q->scales = NULL;
  q->zps = NULL;
}

static void valueFree(Value *v) {
  if (!v)
    return;
  free(v->name);
  cimOnnxConstFree(v->c);
  cimOnnxConstFree(v->dqInt);
  cimOnnxQFree(&v->q);
  cimOnnxQFree(&v->dqq);
  cimOnnxQFree(&v->grid);
  free(v);
}

static uint64_t hashStr(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; ++s)
    h = (h ^ (uint8_t)*s) * 1099511628211ull;
  return h;
}

Value *cimOnnxLookup(Importer *I, const char *name) {
  if (!I->hashCap)
    return NULL;
  size_t m = I->hashCap - 1;
  for (size_t i = hashStr(name) & m;; i = (i + 1) & m) {
    size_t e = I->hash[i];
    if (!e)
      return NULL;
    if (!strcmp(I->vals[e - 1]->name, name))
      return I->vals[e - 1];
  }
}

static bool rehash(Importer *I, size_t cap) {
  size_t *h = calloc(cap, sizeof *h);
  if (!h)
    return false;
  for (size_t k = 0; k < I->nVals; ++k)
    for (size_t i = hashStr(I->vals[k]->name) & (cap - 1);; i = (i + 1) & (cap - 1))
      if (!h[i]) {
        h[i] = k + 1;
        break;
      }
  free(I->hash);
  I->hash = h;
  I->hashCap = cap;
  return true;
}

/// Adds a value named `name`; NULL when out of memory.
Value *cimOnnxAddValue(Importer *I, const char *name) {
  if (I->nVals == I->capVals) {
    size_t cap = I->capVals ? I->capVals * 2 : 64;
    Value **p = realloc(I->vals, cap * sizeof *p);
    if (!p)
      return NULL;
    I->vals = p;
    I->capVals = cap;
  }
  Value *v = calloc(1, sizeof *v);
  if (!v || !(v->name = strdup(name))) {
    free(v);
    return NULL;
  }
  I->vals[I->nVals++] = v;
  if ((I->nVals * 2 > I->hashCap && !rehash(I, I->hashCap ? I->hashCap * 2 : 128)))
    return NULL;
  if (I->hashCap && cimOnnxLookup(I, name) != v) {
    size_t m = I->hashCap - 1;
    for (size_t i = hashStr(name) & m;; i = (i + 1) & m)
      if (!I->hash[i]) {
        I->hash[i] = I->nVals;
        break;
      }
  }
  return v;
}

/*===----------------------------------------------------------------------===*
 * Diagnostics and small IR helpers
 *===----------------------------------------------------------------------===*/

bool cimOnnxFail(MlirLocation loc, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  mlirEmitError(loc, buf);
  return false;
}

MlirStringRef cimOnnxS(const char *s) {
  return mlirStringRefCreateFromCString(s);
}

MlirNamedAttribute cimOnnxNA(Importer *I, const char *name, MlirAttribute a) {
  return mlirNamedAttributeGet(mlirIdentifierGet(I->ctx, cimOnnxS(name)), a);
}

MlirType cimOnnxF32(Importer *I) { return mlirF32TypeGet(I->ctx); }

MlirType cimOnnxTensorOf(int rank, const int64_t *dims, MlirType elem) {
  return mlirRankedTensorTypeGet(rank, dims, elem, mlirAttributeGetNull());
}

MlirType cimOnnxF32Tensor(Importer *I, int rank, const int64_t *dims) {
  return cimOnnxTensorOf(rank, dims, cimOnnxF32(I));
}

/// Creates an op and appends it to `block`; takes ownership of `region`.
MlirOperation cimOnnxEmitIn(Importer *I, MlirBlock block, const char *name,
                            MlirLocation loc, intptr_t nOps,
                            const MlirValue *ops, intptr_t nRes,
                            const MlirType *res, intptr_t nAttrs,
                            const MlirNamedAttribute *attrs,
                            MlirRegion *region) {
  MlirOperationState st = mlirOperationStateGet(cimOnnxS(name), loc);
  if (nOps)
    mlirOperationStateAddOperands(&st, nOps, ops);
  if (nRes)
    mlirOperationStateAddResults(&st, nRes, res);
  if (nAttrs)
    mlirOperationStateAddAttributes(&st, nAttrs, attrs);
  if (region)
    mlirOperationStateAddOwnedRegions(&st, 1, region);
  MlirOperation op = mlirOperationCreate(&st);
  mlirBlockAppendOwnedOperation(block, op);
  return op;
}

MlirValue cimOnnxEmit1(Importer *I, const char *name, MlirLocation loc,
                       intptr_t nOps, const MlirValue *ops, MlirType res,
                       intptr_t nAttrs, const MlirNamedAttribute *attrs) {
  return mlirOperationGetResult(cimOnnxEmitIn(I, I->block, name, loc, nOps, ops,
                                              1, &res, nAttrs, attrs, NULL),
                                0);
}

MlirValue cimOnnxScalarF32(Importer *I, MlirLocation loc, double x) {
  MlirNamedAttribute a =
      cimOnnxNA(I, "value", mlirFloatAttrDoubleGet(I->ctx, cimOnnxF32(I), x));
  return cimOnnxEmit1(I, "arith.constant", loc, 0, NULL, cimOnnxF32(I), 1, &a);
}

MlirValue cimOnnxZeroF32(Importer *I, MlirLocation loc) {
  if (mlirValueIsNull(I->zero))
    I->zero = cimOnnxScalarF32(I, loc, 0.0);
  return I->zero;
}

/// A dense f32 constant built from one raw buffer (never element by element).
MlirValue cimOnnxConstF32(Importer *I, MlirLocation loc, int rank,
                          const int64_t *dims, const float *data, int64_t n) {
  MlirType t = cimOnnxF32Tensor(I, rank, dims);
  MlirAttribute a = mlirDenseElementsAttrRawBufferGet(t, (size_t)n * sizeof(float), data);
  MlirNamedAttribute na = cimOnnxNA(I, "value", a);
  return cimOnnxEmit1(I, "arith.constant", loc, 0, NULL, t, 1, &na);
}

MlirValue cimOnnxEmptyF32(Importer *I, MlirLocation loc, int rank,
                          const int64_t *dims) {
  return cimOnnxEmit1(I, "tensor.empty", loc, 0, NULL,
                      cimOnnxF32Tensor(I, rank, dims), 0, NULL);
}

MlirAttribute cimOnnxSegments(Importer *I, int32_t a, int32_t b) {
  int32_t v[2] = {a, b};
  return mlirDenseI32ArrayGet(I->ctx, 2, v);
}

/// A linalg named op (ins..., outs(init)) whose body linalg builds itself.
MlirValue cimOnnxEmitNamed(Importer *I, const char *name, MlirLocation loc,
                           int nIns, const MlirValue *ins, MlirValue init,
                           int nExtra, const MlirNamedAttribute *extra) {
  MlirValue ops[4];
  for (int i = 0; i < nIns; ++i)
    ops[i] = ins[i];
  ops[nIns] = init;
  MlirNamedAttribute attrs[4];
  attrs[0] = cimOnnxNA(I, "operandSegmentSizes", cimOnnxSegments(I, nIns, 1));
  for (int i = 0; i < nExtra; ++i)
    attrs[1 + i] = extra[i];
  MlirRegion r = mlirRegionCreate();
  MlirType t = mlirValueGetType(init);
  MlirOperation op = cimOnnxEmitIn(I, I->block, name, loc, nIns + 1, ops, 1, &t,
                                   1 + nExtra, attrs, &r);
  mlirLinalgFillBuiltinNamedOpRegion(op);
  return mlirOperationGetResult(op, 0);
}

MlirValue cimOnnxFillF32(Importer *I, MlirLocation loc, int rank,
                         const int64_t *dims, MlirValue scalar) {
  MlirValue e = cimOnnxEmptyF32(I, loc, rank, dims);
  return cimOnnxEmitNamed(I, "linalg.fill", loc, 1, &scalar, e, 0, NULL);
}

/// A linalg.generic over `rank` parallel loops with the given indexing maps
/// (text, one per input and one for the output) and a one-op body.
MlirValue cimOnnxEmitGeneric(Importer *I, MlirLocation loc, int nIns,
                             const MlirValue *ins, const char *const *maps,
                             int rank, const int64_t *outDims, Body body,
                             MlirValue capture) {
  MlirValue ops[3];
  for (int i = 0; i < nIns; ++i)
    ops[i] = ins[i];
  ops[nIns] = cimOnnxEmptyF32(I, loc, rank, outDims);
  MlirAttribute mapAttrs[3];
  for (int i = 0; i <= nIns; ++i)
    mapAttrs[i] = mlirAttributeParseGet(I->ctx, cimOnnxS(maps[i]));
  MlirAttribute its[MAX_RANK];
  MlirAttribute par = mlirAttributeParseGet(
      I->ctx, cimOnnxS("#linalg.iterator_type<parallel>"));
  for (int i = 0; i < rank; ++i)
    its[i] = par;
  MlirNamedAttribute attrs[3] = {
      cimOnnxNA(I, "indexing_maps",
                mlirArrayAttrGet(I->ctx, nIns + 1, mapAttrs)),
      cimOnnxNA(I, "iterator_types", mlirArrayAttrGet(I->ctx, rank, its)),
      cimOnnxNA(I, "operandSegmentSizes", cimOnnxSegments(I, nIns, 1))};
  MlirType argTypes[3];
  MlirLocation argLocs[3];
  for (int i = 0; i <= nIns; ++i) {
    argTypes[i] = cimOnnxF32(I);
    argLocs[i] = loc;
  }
  MlirBlock b = mlirBlockCreate(nIns + 1, argTypes, argLocs);
  MlirValue a0 = mlirBlockGetArgument(b, 0);
  MlirValue a1 = body == B_MAX_CAPTURE ? capture : mlirBlockGetArgument(b, 1);
  static const char *const names[] = {"arith.addf", "arith.subf", "arith.mulf",
                                      "arith.divf", "arith.maximumf"};
  MlirValue pair[2] = {a0, a1};
  MlirType ft = cimOnnxF32(I);
  MlirValue y = mlirOperationGetResult(
      cimOnnxEmitIn(I, b, names[body], loc, 2, pair, 1, &ft, 0, NULL, NULL), 0);
  cimOnnxEmitIn(I, b, "linalg.yield", loc, 1, &y, 0, NULL, 0, NULL, NULL);
  MlirRegion r = mlirRegionCreate();
  mlirRegionAppendOwnedBlock(r, b);
  MlirType t = cimOnnxF32Tensor(I, rank, outDims);
  return mlirOperationGetResult(cimOnnxEmitIn(I, I->block, "linalg.generic",
                                              loc, nIns + 1, ops, 1, &t, 3,
                                              attrs, &r),
                                0);
}

/// "affine_map<(d0, ..., d{rank-1}) -> (RESULTS)>" with results the dims in
/// `idx` (count `n`).
void cimOnnxMapText(char *buf, size_t cap, int rank, const int *idx, int n) {
  size_t k = (size_t)snprintf(buf, cap, "affine_map<(");
  for (int i = 0; i < rank; ++i)
    k += (size_t)snprintf(buf + k, cap - k, "%sd%d", i ? ", " : "", i);
  k += (size_t)snprintf(buf + k, cap - k, ") -> (");
  for (int i = 0; i < n; ++i)
    k += (size_t)snprintf(buf + k, cap - k, "%sd%d", i ? ", " : "", idx[i]);
  snprintf(buf + k, cap - k, ")>");
}

void cimOnnxIdMap(char *buf, size_t cap, int rank) {
  int idx[MAX_RANK];
  for (int i = 0; i < rank; ++i)
    idx[i] = i;
  cimOnnxMapText(buf, cap, rank, idx, rank);
}

/// tensor.pad of `x` (rank 4, NCHW) by `pads` = [top, left, bottom, right]
/// with the scalar `value`.
MlirValue cimOnnxEmitPad(Importer *I, MlirLocation loc, MlirValue x,
                         const int64_t *dims, const int64_t *pads,
                         MlirValue value, int64_t *outDims) {
  int64_t lo[4] = {0, 0, pads[0], pads[1]}, hi[4] = {0, 0, pads[2], pads[3]};
  for (int i = 0; i < 4; ++i)
    outDims[i] = dims[i] + lo[i] + hi[i];
  MlirType idx[4];
  MlirLocation locs[4];
  for (int i = 0; i < 4; ++i) {
    idx[i] = mlirIndexTypeGet(I->ctx);
    locs[i] = loc;
  }
  MlirBlock b = mlirBlockCreate(4, idx, locs);
  cimOnnxEmitIn(I, b, "tensor.yield", loc, 1, &value, 0, NULL, 0, NULL, NULL);
  MlirRegion r = mlirRegionCreate();
  mlirRegionAppendOwnedBlock(r, b);
  int32_t seg[3] = {1, 0, 0};
  MlirNamedAttribute attrs[3] = {
      cimOnnxNA(I, "static_low", mlirDenseI64ArrayGet(I->ctx, 4, lo)),
      cimOnnxNA(I, "static_high", mlirDenseI64ArrayGet(I->ctx, 4, hi)),
      cimOnnxNA(I, "operandSegmentSizes",
                mlirDenseI32ArrayGet(I->ctx, 3, seg))};
  MlirType t = cimOnnxF32Tensor(I, 4, outDims);
  return mlirOperationGetResult(
      cimOnnxEmitIn(I, I->block, "tensor.pad", loc, 1, &x, 1, &t, 3, attrs, &r),
      0);
}

/// tensor.collapse_shape with reassociation groups given by `groupOf[i]`
/// (non-decreasing, starting at 0) for each source dimension.
MlirValue cimOnnxEmitCollapse(Importer *I, MlirLocation loc, MlirValue x,
                              int rank, const int *groupOf, int outRank,
                              const int64_t *outDims) {
  MlirAttribute groups[MAX_RANK];
  MlirType i64 = mlirIntegerTypeGet(I->ctx, 64);
  for (int g = 0; g < outRank; ++g) {
    MlirAttribute members[MAX_RANK];
    int n = 0;
    for (int i = 0; i < rank; ++i)
      if (groupOf[i] == g)
        members[n++] = mlirIntegerAttrGet(i64, i);
    groups[g] = mlirArrayAttrGet(I->ctx, n, members);
  }
  MlirNamedAttribute a =
      cimOnnxNA(I, "reassociation", mlirArrayAttrGet(I->ctx, outRank, groups));
  return cimOnnxEmit1(I, "tensor.collapse_shape", loc, 1, &x,
                      cimOnnxF32Tensor(I, outRank, outDims), 1, &a);
}

/*===----------------------------------------------------------------------===*
 * Tensors and attributes of the protobuf
 *===----------------------------------------------------------------------===*/

const char *cimOnnxDtypeName(int32_t t) {
  switch (t) {
  case DT_FLOAT: return "float";
  case DT_UINT8: return "uint8";
  case DT_INT8: return "int8";
  case DT_UINT16: return "uint16";
  case DT_INT16: return "int16";
  case DT_INT32: return "int32";
  case DT_INT64: return "int64";
  case DT_BOOL: return "bool";
  case DT_DOUBLE: return "double";
  case DT_UINT32: return "uint32";
  case DT_UINT64: return "uint64";
  default: return "unsupported type";
  }
}

int cimOnnxElemSize(int32_t t) {
  switch (t) {
  case DT_UINT8: case DT_INT8: case DT_BOOL: return 1;
  case DT_UINT16: case DT_INT16: return 2;
  case DT_FLOAT: case DT_INT32: case DT_UINT32: return 4;
  case DT_INT64: case DT_DOUBLE: case DT_UINT64: return 8;
  default: return 0;
  }
}

static double readLE(const uint8_t *p, int32_t t) {
  switch (t) {
  case DT_UINT8: case DT_BOOL: return p[0];
  case DT_INT8: return (int8_t)p[0];
  case DT_UINT16: { uint16_t x; memcpy(&x, p, 2); return x; }
  case DT_INT16: { int16_t x; memcpy(&x, p, 2); return x; }
  case DT_INT32: { int32_t x; memcpy(&x, p, 4); return x; }
  case DT_UINT32: { uint32_t x; memcpy(&x, p, 4); return x; }
  case DT_INT64: { int64_t x; memcpy(&x, p, 8); return (double)x; }
  case DT_UINT64: { uint64_t x; memcpy(&x, p, 8); return (double)x; }
  case DT_FLOAT: { float x; memcpy(&x, p, 4); return x; }
  case DT_DOUBLE: { double x; memcpy(&x, p, 8); return x; }
  default: return 0;
  }
}

Const *cimOnnxConstNew(int32_t dtype, int rank, const int64_t *dims) {
  Const *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->dtype = dtype;
  c->rank = rank;
  c->n = 1;
  for (int i = 0; i < rank; ++i) {
    c->dims[i] = dims[i];
    c->n *= dims[i];
  }
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

/// Reads an external data file region (location/offset/length entries).
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
    return cimOnnxFail(loc, "tensor '%s': external data location '%s' %s",
                       name, location ? location : "", why);
  long long offset = offsetText ? parseSize(offsetText) : 0;
  long long length = lengthText ? parseSize(lengthText) : -2;
  if (offset < 0 || length == -1)
    return cimOnnxFail(loc, "tensor '%s': external data %s '%s' is not a "
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
    cimOnnxFail(loc, "tensor '%s': external data file '%s' is not a regular "
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
  if (!ok || offset > st.st_size || length < 0 || length > st.st_size - offset) {
    fclose(f);
    cimOnnxFail(loc, "tensor '%s': external data offset %lld and length %lld "
                     "are outside '%s' (%lld bytes)",
                name, offset, length < 0 ? 0 : length, path,
                (long long)st.st_size);
    free(path);
    return false;
  }
  uint8_t *buf = malloc((size_t)length + 1);
  ok = buf && fseeko(f, offset, SEEK_SET) == 0 &&
       fread(buf, 1, (size_t)length, f) == (size_t)length;
  fclose(f);
  if (!ok) {
    free(buf);
    cimOnnxFail(loc, "tensor '%s': cannot read %lld bytes at offset %lld of "
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

/// Converts a TensorProto into a Const.
bool cimOnnxConstFromTensor(Importer *I, const Onnx__TensorProto *t,
                            MlirLocation loc, Const **out) {
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
  Const *c = cimOnnxConstNew(dt, (int)t->n_dims, t->dims);
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
  if (raw) {
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
      c->v[i] = dt == DT_UINT8 || dt == DT_BOOL ? (double)(uint8_t)t->int32_data[i]
                : dt == DT_INT8 ? (double)(int8_t)t->int32_data[i]
                : dt == DT_UINT16 ? (double)(uint16_t)t->int32_data[i]
                : dt == DT_INT16 ? (double)(int16_t)t->int32_data[i]
                                  : (double)t->int32_data[i];
  }
  free(ext);
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

/*===----------------------------------------------------------------------===*
 * Quantization
 *===----------------------------------------------------------------------===*/

bool cimOnnxStorageRange(int32_t dt, int64_t *lo, int64_t *hi) {
  if (dt == DT_UINT8) {
    *lo = 0;
    *hi = 255;
    return true;
  }
  if (dt == DT_INT8) {
    *lo = -128;
    *hi = 127;
    return true;
  }
  return false;
}

/// Reads a scale and an optional zero point (both constants) into `q`.
/// `storage` is the element type the zero point implies when it is absent.
bool cimOnnxReadQParams(const Onnx__NodeProto *n, MlirLocation loc,
                        const Value *scale, const Value *zp, int32_t storage,
                        int axis, int rankOfData, const int64_t *dataDims,
                        QParams *q) {
  memset(q, 0, sizeof *q);
  if (!scale || !scale->c)
    return cimOnnxFail(loc,
                       "node '%s' (%s): the scale must be a constant "
                       "(initializer or Constant node)",
                       cimOnnxNodeName(n), n->op_type);
  if (zp && !zp->c)
    return cimOnnxFail(loc,
                       "node '%s' (%s): the zero point must be a constant "
                       "(initializer or Constant node)",
                       cimOnnxNodeName(n), n->op_type);
  int32_t dt = zp ? zp->c->dtype : storage;
  int64_t lo = 0, hi = 0;
  if (!cimOnnxStorageRange(dt, &lo, &hi))
    return cimOnnxFail(loc,
                       "node '%s' (%s): quantized type %s is not supported "
                       "(uint8 and int8 are)",
                       cimOnnxNodeName(n), n->op_type, cimOnnxDtypeName(dt));
  int64_t ns = scale->c->n;
  if (zp && zp->c->n != ns)
    return cimOnnxFail(loc, "node '%s' (%s): %lld scales but %lld zero points",
                       cimOnnxNodeName(n), n->op_type, (long long)ns,
                       (long long)zp->c->n);
  if (ns < 1)
    return cimOnnxFail(loc, "node '%s' (%s): empty scale", cimOnnxNodeName(n),
                       n->op_type);
  if (ns > 1) {
    if (axis < 0)
      axis += rankOfData;
    if (axis < 0 || axis >= rankOfData)
      return cimOnnxFail(loc, "node '%s' (%s): axis out of range for rank %d",
                         cimOnnxNodeName(n), n->op_type, rankOfData);
    if (dataDims[axis] != ns)
      return cimOnnxFail(loc,
                         "node '%s' (%s): %lld scales for axis %d of size %lld",
                         cimOnnxNodeName(n), n->op_type, (long long)ns, axis,
                         (long long)dataDims[axis]);
  }
  q->dtype = dt;
  q->n = ns;
  q->axis = ns > 1 ? axis : 0;
  q->scales = malloc((size_t)ns * sizeof(double));
  q->zps = malloc((size_t)ns * sizeof(int64_t));
  if (!q->scales || !q->zps) {
    cimOnnxQFree(q);
    return cimOnnxFail(loc, "out of memory");
  }
  for (int64_t i = 0; i < ns; ++i) {
    double s = scale->c->v[i];
    if (!(s > 0) || !isfinite(s)) {
      cimOnnxQFree(q);
      return cimOnnxFail(loc,
                         "node '%s' (%s): scale %g is not positive and finite",
                         cimOnnxNodeName(n), n->op_type, s);
    }
    q->scales[i] = s;
    q->zps[i] = zp ? (int64_t)zp->c->v[i] : 0;
  }
  return true;
}

static QParams qUnit(int32_t dtype, int64_t zp) {
  QParams q = {.dtype = dtype, .n = 1, .scales = malloc(sizeof(double)),
               .zps = malloc(sizeof(int64_t))};
  if (q.scales && q.zps) {
    q.scales[0] = 1.0;
    q.zps[0] = zp;
  }
  return q;
}

bool cimOnnxQCopy(QParams *dst, const QParams *src) {
  *dst = *src;
  dst->scales = malloc((size_t)src->n * sizeof(double));
  dst->zps = malloc((size_t)src->n * sizeof(int64_t));
  if (!dst->scales || !dst->zps) {
    cimOnnxQFree(dst);
    return false;
  }
  memcpy(dst->scales, src->scales, (size_t)src->n * sizeof(double));
  memcpy(dst->zps, src->zps, (size_t)src->n * sizeof(int64_t));
  return true;
}

bool cimOnnxQEqual(const QParams *a, const QParams *b) {
  if (a->dtype != b->dtype || a->n != b->n || (a->n > 1 && a->axis != b->axis))
    return false;
  for (int64_t i = 0; i < a->n; ++i)
    if (a->scales[i] != b->scales[i] || a->zps[i] != b->zps[i])
      return false;
  return true;
}

void cimOnnxNarrowStorage(int64_t lo, int64_t hi, unsigned *bits,
                          bool *isSigned) {
  *isSigned = lo < 0;
  unsigned b = 1;
  if (*isSigned)
    while (b < 63 && !(lo >= -((int64_t)1 << (b - 1)) &&
                       hi <= ((int64_t)1 << (b - 1)) - 1))
      ++b;
  else
    while (b < 63 && hi > ((int64_t)1 << b) - 1)
      ++b;
  *bits = b;
}

/// The quant element type of `q`: the storage is the narrowest integer that
/// holds the value range (the ONNX type's, or the narrower one a Clip
/// declared) and the zero points, so that `u8` clipped to [0, 7] is stored
/// as `u3` and `int8` clipped to [-3, 3] as `i3<-3:3>`: the compiler takes a
/// layer's bits from the storage width (docs/onnx.md, "Narrow storage").
MlirType cimOnnxQuantElemType(Importer *I, const QParams *q) {
  int64_t lo = 0, hi = 0;
  cimOnnxStorageRange(q->dtype, &lo, &hi);
  if (q->hasRange) {
    lo = q->lo;
    hi = q->hi;
  }
  int64_t slo = lo, shi = hi;
  for (int64_t i = 0; i < q->n; ++i) {
    slo = q->zps[i] < slo ? q->zps[i] : slo;
    shi = q->zps[i] > shi ? q->zps[i] : shi;
  }
  unsigned bits;
  bool isSigned;
  cimOnnxNarrowStorage(slo, shi, &bits, &isSigned);
  unsigned flags = isSigned ? mlirQuantizedTypeGetSignedFlag() : 0;
  MlirType storage = mlirIntegerTypeGet(I->ctx, bits);
  if (q->n == 1)
    return mlirUniformQuantizedTypeGet(flags, storage, cimOnnxF32(I),
                                       q->scales[0], q->zps[0], lo, hi);
  return mlirUniformQuantizedPerAxisTypeGet(flags, storage, cimOnnxF32(I), q->n,
                                            q->scales, q->zps, q->axis, lo, hi);
}

bool cimOnnxCheckZeroPoints(const Onnx__NodeProto *n, MlirLocation loc,
                            const QParams *q) {
  int64_t lo = 0, hi = 0;
  cimOnnxStorageRange(q->dtype, &lo, &hi);
  for (int64_t i = 0; i < q->n; ++i)
    if (q->zps[i] < lo || q->zps[i] > hi)
      return cimOnnxFail(loc,
                         "node '%s' (%s): zero point %lld outside [%lld, %lld]",
                         cimOnnxNodeName(n), n->op_type, (long long)q->zps[i],
                         (long long)lo, (long long)hi);
  return true;
}

int64_t cimOnnxChannelOf(const Const *c, int axis, int64_t i) {
  int64_t inner = 1;
  for (int d = axis + 1; d < c->rank; ++d)
    inner *= c->dims[d];
  return (i / inner) % c->dims[axis];
}

/// dcast(qcast(arith.constant(s * (q - z)))) for integer constant `qi`.
MlirValue cimOnnxMaterializeDq(Importer *I, MlirLocation loc, const Const *qi,
                               const QParams *q) {
  float *f = malloc((size_t)(qi->n ? qi->n : 1) * sizeof(float));
  if (!f) {
    cimOnnxFail(loc, "out of memory");
    return (MlirValue){NULL};
  }
  for (int64_t i = 0; i < qi->n; ++i) {
    int64_t ch = q->n > 1 ? cimOnnxChannelOf(qi, q->axis, i) : 0;
    f[i] = (float)(q->scales[ch] * (qi->v[i] - (double)q->zps[ch]));
  }
  MlirValue c = cimOnnxConstF32(I, loc, qi->rank, qi->dims, f, qi->n);
  free(f);
  MlirType qt = cimOnnxTensorOf(qi->rank, qi->dims, cimOnnxQuantElemType(I, q));
  MlirValue qc = cimOnnxEmit1(I, "quant.qcast", loc, 1, &c, qt, 0, NULL);
  return cimOnnxEmit1(I, "quant.dcast", loc, 1, &qc,
                      cimOnnxF32Tensor(I, qi->rank, qi->dims), 0, NULL);
}

/// The f32 value of `v` for a float consumer; null (after a diagnostic) when
/// `v` has none.
MlirValue cimOnnxUseFloat(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, Value *v) {
  if (v->kind == K_FLOAT || v->kind == K_INTARG)
    return v->v;
  if (v->kind == K_QUANT) {
    if (mlirValueIsNull(v->deq))
      v->deq = cimOnnxEmit1(I, "quant.dcast", loc, 1, &v->v,
                            cimOnnxF32Tensor(I, v->rank, v->dims), 0, NULL);
    return v->deq;
  }
  if (!mlirValueIsNull(v->mat))
    return v->mat;
  if (v->dqInt) {
    v->mat = cimOnnxMaterializeDq(I, loc, v->dqInt, &v->dqq);
    return v->mat;
  }
  if (v->c->dtype != DT_FLOAT && v->c->dtype != DT_DOUBLE) {
    cimOnnxFail(loc,
                "node '%s' (%s): constant '%s' of type %s used as a float "
                "tensor",
                cimOnnxNodeName(n), n->op_type, v->name,
                cimOnnxDtypeName(v->c->dtype));
    return (MlirValue){NULL};
  }
  float *f = malloc((size_t)(v->c->n ? v->c->n : 1) * sizeof(float));
  if (!f) {
    cimOnnxFail(loc, "out of memory");
    return (MlirValue){NULL};
  }
  for (int64_t i = 0; i < v->c->n; ++i)
    f[i] = (float)v->c->v[i];
  v->mat = cimOnnxConstF32(I, loc, v->c->rank, v->c->dims, f, v->c->n);
  free(f);
  return v->mat;
}

/// The f32 value of an ONNX integer tensor `v` read with parameters `q`
/// (a QOperator input): dequantizes constants, quantizes an integer graph
/// input on its first use, reuses a quantized value of the same type.
MlirValue cimOnnxUseDequantized(Importer *I, const Onnx__NodeProto *n,
                                MlirLocation loc, Value *v, const QParams *q,
                                const char *what) {
  if (v->dtype != q->dtype)
    return cimOnnxFail(loc,
                       "node '%s' (%s): %s '%s' is %s but its zero point is %s",
                       cimOnnxNodeName(n), n->op_type, what, v->name,
                       cimOnnxDtypeName(v->dtype), cimOnnxDtypeName(q->dtype)),
           (MlirValue){NULL};
  if (v->kind == K_CONST)
    return cimOnnxMaterializeDq(I, loc, v->c, q);
  if (v->kind == K_INTARG) {
    MlirType qt = cimOnnxTensorOf(v->rank, v->dims, cimOnnxQuantElemType(I, q));
    v->v = cimOnnxEmit1(I, "quant.qcast", loc, 1, &v->v, qt, 0, NULL);
    v->kind = K_QUANT;
    if (!cimOnnxQCopy(&v->q, q))
      return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
    return cimOnnxUseFloat(I, n, loc, v);
  }
  if (v->kind == K_QUANT) {
    if (!cimOnnxQEqual(&v->q, q))
      return cimOnnxFail(
                 loc,
                 "node '%s' (%s): %s '%s' is read with another scale or "
                 "zero point than it was quantized with",
                 cimOnnxNodeName(n), n->op_type, what, v->name),
             (MlirValue){NULL};
    return cimOnnxUseFloat(I, n, loc, v);
  }
  return cimOnnxFail(loc,
                     "node '%s' (%s): %s '%s' must be an integer tensor (a "
                     "quantized value, an integer graph input or a constant)",
                     cimOnnxNodeName(n), n->op_type, what, v->name),
         (MlirValue){NULL};
}

/// A constant weight `w` read with parameters `q` whose zero points are not
/// all 0 (ONNX's asymmetric weights; the crossbar wants symmetric ones, see
/// docs/design.md Q1) becomes exact symmetric weights of the same scales:
/// the integers d = w - z, stored
///   - as uint8 (zero point 0) when every d lies in [0, 255],
///   - as int8 when every d lies in [-128, 127],
///   - otherwise split along the reduction axis `kAxis` into two int8
///     halves floor(d / 2) and ceil(d / 2) (d in [-256, 254]): the weight
///     gets 2K rows and the caller feeds the activation twice (concatenated
///     along its K axis), so that sum_k x_k d_k = sum_k x_k a_k + x_k b_k.
///     Exact, at the price of twice the crossbar rows for that layer
///     (docs/onnx.md, "Asymmetric weights").
/// Symmetric weights (all zero points 0) are dequantized as they are.
/// `*split` says whether the rows were doubled; `wd` receives the shape.
static MlirValue useWeightSymmetric(Importer *I, const Onnx__NodeProto *n,
                                    MlirLocation loc, Value *w,
                                    const QParams *q, int kAxis, bool *split,
                                    int64_t *wd) {
  *split = false;
  for (int i = 0; i < w->rank; ++i)
    wd[i] = w->dims[i];
  bool symmetric = true;
  for (int64_t i = 0; i < q->n; ++i)
    symmetric = symmetric && q->zps[i] == 0;
  if (symmetric || w->kind != K_CONST)
    return cimOnnxUseDequantized(I, n, loc, w, q, "weight");
  if (w->dtype != q->dtype)
    return cimOnnxUseDequantized(I, n, loc, w, q,
                                 "weight"); /* reports the error */
  const Const *c = w->c;
  double lo = 0, hi = 0;
  Const *d = cimOnnxConstNew(c->dtype, c->rank, c->dims);
  if (!d)
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  for (int64_t i = 0; i < c->n; ++i) {
    int64_t ch = q->n > 1 ? cimOnnxChannelOf(c, q->axis, i) : 0;
    d->v[i] = c->v[i] - (double)q->zps[ch];
    lo = i ? fmin(lo, d->v[i]) : d->v[i];
    hi = i ? fmax(hi, d->v[i]) : d->v[i];
  }
  QParams s;
  if (!cimOnnxQCopy(&s, q)) {
    cimOnnxConstFree(d);
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  }
  for (int64_t i = 0; i < s.n; ++i)
    s.zps[i] = 0;
  s.hasRange = false; /* d = w - z: the type follows d's values below */
  MlirValue r = {NULL};
  if (lo >= 0 && hi <= 255) {
    s.dtype = DT_UINT8;
    r = cimOnnxMaterializeDq(I, loc, d, &s);
  } else if (lo >= -128 && hi <= 127) {
    s.dtype = DT_INT8;
    r = cimOnnxMaterializeDq(I, loc, d, &s);
  } else if (lo >= -256 && hi <= 254) {
    s.dtype = DT_INT8;
    int64_t outer = 1, inner = 1, K = c->dims[kAxis];
    for (int i = 0; i < kAxis; ++i)
      outer *= c->dims[i];
    for (int i = kAxis + 1; i < c->rank; ++i)
      inner *= c->dims[i];
    int64_t dims2[MAX_RANK];
    for (int i = 0; i < c->rank; ++i)
      dims2[i] = c->dims[i];
    dims2[kAxis] = 2 * K;
    Const *h = cimOnnxConstNew(DT_INT8, c->rank, dims2);
    if (h) {
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t k = 0; k < K; ++k)
          for (int64_t j = 0; j < inner; ++j) {
            double v = d->v[(o * K + k) * inner + j];
            double a = floor(v / 2);
            h->v[(o * 2 * K + k) * inner + j] = a;
            h->v[(o * 2 * K + K + k) * inner + j] = v - a;
          }
      r = cimOnnxMaterializeDq(I, loc, h, &s);
      cimOnnxConstFree(h);
      *split = true;
      wd[kAxis] = 2 * K;
    } else {
      cimOnnxFail(loc, "out of memory");
    }
  } else {
    cimOnnxFail(loc,
                "node '%s' (%s): weight '%s' minus its zero point spans [%g, "
                "%g], outside [-256, 254]",
                cimOnnxNodeName(n), n->op_type, w->name, lo, hi);
  }
  cimOnnxQFree(&s);
  cimOnnxConstFree(d);
  return r;
}

/// tensor.concat of `x` with itself along `axis` (the activation of a weight
/// whose rows useWeightSymmetric doubled).
static MlirValue concatSelf(Importer *I, MlirLocation loc, MlirValue x,
                            int rank, const int64_t *dims, int axis,
                            int64_t *outDims) {
  for (int i = 0; i < rank; ++i)
    outDims[i] = dims[i];
  outDims[axis] *= 2;
  MlirValue ops[2] = {x, x};
  MlirNamedAttribute a = cimOnnxNA(
      I, "dim", mlirIntegerAttrGet(mlirIntegerTypeGet(I->ctx, 64), axis));
  return cimOnnxEmit1(I, "tensor.concat", loc, 2, ops,
                      cimOnnxF32Tensor(I, rank, outDims), 1, &a);
}

/*===----------------------------------------------------------------------===*
 * Layer cores shared by the float, QDQ and QOperator forms
 *===----------------------------------------------------------------------===*/

/// Adds a per-channel bias `b[dims[axis]]` to `x` (rank `rank`).
MlirValue cimOnnxAddChannelBias(Importer *I, MlirLocation loc, MlirValue x,
                                int rank, const int64_t *dims, int axis,
                                const float *b) {
  MlirValue bc = cimOnnxConstF32(I, loc, 1, &dims[axis], b, dims[axis]);
  char m0[256], m1[256];
  cimOnnxIdMap(m0, sizeof m0, rank);
  cimOnnxMapText(m1, sizeof m1, rank, &axis, 1);
  const char *maps[3] = {m0, m1, m0};
  MlirValue ins[2] = {x, bc};
  return cimOnnxEmitGeneric(I, loc, 2, ins, maps, rank, dims, B_ADD,
                            (MlirValue){NULL});
}

/// Reads and checks Conv-like attributes for data `x` [N,C,H,W] and a kernel
/// of spatial size kh x kw.
bool cimOnnxReadConvGeom(const Onnx__NodeProto *n, MlirLocation loc,
                         const int64_t *xd, int64_t kh, int64_t kw, bool isPool,
                         ConvGeom *g) {
  for (int i = 0; i < 4; ++i)
    g->pads[i] = 0;
  g->strides[0] = g->strides[1] = 1;
  g->dilations[0] = g->dilations[1] = 1;
  g->kernel[0] = kh;
  g->kernel[1] = kw;
  g->group = cimOnnxAttrInt(n, "group", 1);
  const Onnx__AttributeProto *ap = cimOnnxGetAttr(n, "auto_pad");
  if (ap && ap->has_s && !(ap->s.len == 6 && !memcmp(ap->s.data, "NOTSET", 6)) &&
      !(ap->s.len == 5 && !memcmp(ap->s.data, "VALID", 5)))
    return cimOnnxFail(loc,
                       "node '%s' (%s): auto_pad '%.*s' is not supported (give "
                       "explicit pads)",
                       cimOnnxNodeName(n), n->op_type, (int)ap->s.len,
                       (const char *)ap->s.data);
  int64_t tmp[8];
  int k = cimOnnxAttrInts(n, "kernel_shape", tmp, 8);
  if (k >= 0 && (k != 2 || (!isPool && (tmp[0] != kh || tmp[1] != kw))))
    return cimOnnxFail(
        loc,
        "node '%s' (%s): kernel_shape does not match a 2-D kernel "
        "of %lldx%lld",
        cimOnnxNodeName(n), n->op_type, (long long)kh, (long long)kw);
  if (isPool) {
    if (k != 2)
      return cimOnnxFail(loc, "node '%s' (%s): needs a 2-D kernel_shape",
                         cimOnnxNodeName(n), n->op_type);
    g->kernel[0] = tmp[0];
    g->kernel[1] = tmp[1];
  }
  k = cimOnnxAttrInts(n, "pads", tmp, 8);
  if (k >= 0) {
    if (k != 4)
      return cimOnnxFail(loc, "node '%s' (%s): pads must have 4 values",
                         cimOnnxNodeName(n), n->op_type);
    g->pads[0] = tmp[0]; // top
    g->pads[1] = tmp[1]; // left
    g->pads[2] = tmp[2]; // bottom
    g->pads[3] = tmp[3]; // right
  }
  k = cimOnnxAttrInts(n, "strides", tmp, 8);
  if (k >= 0) {
    if (k != 2)
      return cimOnnxFail(loc, "node '%s' (%s): strides must have 2 values",
                         cimOnnxNodeName(n), n->op_type);
    g->strides[0] = tmp[0];
    g->strides[1] = tmp[1];
  }
  k = cimOnnxAttrInts(n, "dilations", tmp, 8);
  if (k >= 0) {
    if (k != 2)
      return cimOnnxFail(loc, "node '%s' (%s): dilations must have 2 values",
                         cimOnnxNodeName(n), n->op_type);
    g->dilations[0] = tmp[0];
    g->dilations[1] = tmp[1];
  }
  if (isPool && cimOnnxAttrInt(n, "ceil_mode", 0) != 0)
    return cimOnnxFail(loc, "node '%s' (%s): ceil_mode = 1 is not supported",
                       cimOnnxNodeName(n), n->op_type);
  for (int i = 0; i < 4; ++i)
    if (g->pads[i] < 0)
      return cimOnnxFail(loc, "node '%s' (%s): negative pads",
                         cimOnnxNodeName(n), n->op_type);
  for (int i = 0; i < 2; ++i)
    if (g->strides[i] < 1 || g->dilations[i] < 1)
      return cimOnnxFail(loc,
                         "node '%s' (%s): strides and dilations must be >= 1",
                         cimOnnxNodeName(n), n->op_type);
  for (int i = 0; i < 2; ++i) {
    int64_t span = g->dilations[i] * (g->kernel[i] - 1) + 1;
    if (xd[2 + i] + g->pads[i] + g->pads[i + 2] < span)
      return cimOnnxFail(loc,
                         "node '%s' (%s): the kernel is larger than the padded "
                         "input",
                         cimOnnxNodeName(n), n->op_type);
  }
  (void)xd;
  return true;
}

bool cimOnnxAnyPad(const ConvGeom *g) {
  return g->pads[0] || g->pads[1] || g->pads[2] || g->pads[3];
}

/// conv_2d_nchw_fchw of f32 `x` [N,C,H,W] and `w` [F,C,KH,KW], optional
/// bias[F]; zero padding as a tensor.pad between the operand's dcast and the
/// convolution (where the quant contract looks for it).
/// tensor.pad of the last two dimensions of `x` (rank `rank`) by `pads` =
/// [top, left, bottom, right] with 0.
static MlirValue padLast2(Importer *I, MlirLocation loc, MlirValue x, int rank,
                          const int64_t *dims, const int64_t *pads,
                          int64_t *outDims) {
  int64_t lo[MAX_RANK] = {0}, hi[MAX_RANK] = {0};
  lo[rank - 2] = pads[0];
  lo[rank - 1] = pads[1];
  hi[rank - 2] = pads[2];
  hi[rank - 1] = pads[3];
  MlirType idx[MAX_RANK];
  MlirLocation locs[MAX_RANK];
  for (int i = 0; i < rank; ++i) {
    outDims[i] = dims[i] + lo[i] + hi[i];
    idx[i] = mlirIndexTypeGet(I->ctx);
    locs[i] = loc;
  }
  MlirBlock b = mlirBlockCreate(rank, idx, locs);
  MlirValue zero = cimOnnxZeroF32(I, loc);
  cimOnnxEmitIn(I, b, "tensor.yield", loc, 1, &zero, 0, NULL, 0, NULL, NULL);
  MlirRegion r = mlirRegionCreate();
  mlirRegionAppendOwnedBlock(r, b);
  int32_t seg[3] = {1, 0, 0};
  MlirNamedAttribute attrs[3] = {
      cimOnnxNA(I, "static_low", mlirDenseI64ArrayGet(I->ctx, rank, lo)),
      cimOnnxNA(I, "static_high", mlirDenseI64ArrayGet(I->ctx, rank, hi)),
      cimOnnxNA(I, "operandSegmentSizes", mlirDenseI32ArrayGet(I->ctx, 3, seg))};
  MlirType t = cimOnnxF32Tensor(I, rank, outDims);
  return mlirOperationGetResult(
      cimOnnxEmitIn(I, I->block, "tensor.pad", loc, 1, &x, 1, &t, 3, attrs, &r),
      0);
}

/// The conv weight `w` (value `wf`, shape `wd`) in the shape `nd`: a
/// constant weight is materialized in that shape (the quant contract wants
/// the layer's weight to be dcast(qcast(constant)) or a constant), with the
/// parameters `wq` (QOperator) or those of its DequantizeLinear; otherwise
/// (per-axis parameters along a split axis, runtime weights) the value is
/// reshaped.
static MlirValue reshapedWeight(Importer *I, MlirLocation loc, const Value *w,
                                const QParams *wq, MlirValue wf,
                                const int64_t *wd, int rank, const int64_t *nd) {
  const Const *src = w && w->kind == K_CONST ? (w->dqInt ? w->dqInt : w->c) : NULL;
  const QParams *q = !w ? NULL : wq ? wq : w->dqInt ? &w->dqq : NULL;
  bool perAxisOk = !q || q->n == 1 || nd[0] == wd[0];
  if (!src || !perAxisOk || (!q && src->dtype != DT_FLOAT) || src->rank != 4)
    return cimOnnxReshape(I, loc, wf, 4, wd, rank, nd);
  Const *c = cimOnnxConstNew(src->dtype, rank, nd);
  if (!c)
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  memcpy(c->v, src->v, (size_t)src->n * sizeof(double));
  MlirValue r;
  if (q) {
    r = cimOnnxMaterializeDq(I, loc, c, q);
  } else {
    float *f = malloc((size_t)(c->n + 1) * sizeof(float));
    for (int64_t i = 0; f && i < c->n; ++i)
      f[i] = (float)c->v[i];
    r = f ? cimOnnxConstF32(I, loc, rank, nd, f, c->n)
          : (cimOnnxFail(loc, "out of memory"), (MlirValue){NULL});
    free(f);
  }
  cimOnnxConstFree(c);
  return r;
}

MlirValue cimOnnxConvCore(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, MlirValue x, const int64_t *xd,
                          MlirValue w, const int64_t *wd, const float *bias,
                          int64_t *od, const Value *wv, const QParams *wq) {
  ConvGeom g;
  if (!cimOnnxReadConvGeom(n, loc, xd, wd[2], wd[3], false, &g))
    return (MlirValue){NULL};
  int64_t G = g.group;
  if (G < 1 || xd[1] % G || wd[0] % G || wd[1] * G != xd[1])
    return cimOnnxFail(loc,
                       "node '%s' (%s): the weight has %lld input channels "
                       "per group and %lld filters, the input %lld channels, "
                       "group = %lld",
                       cimOnnxNodeName(n), n->op_type, (long long)wd[1],
                       (long long)wd[0], (long long)xd[1], (long long)G),
           (MlirValue){NULL};
  int64_t pd[4] = {xd[0], xd[1], xd[2] + g.pads[0] + g.pads[2],
                   xd[3] + g.pads[1] + g.pads[3]};
  if (cimOnnxAnyPad(&g) && G == 1)
    x = cimOnnxEmitPad(I, loc, x, xd, g.pads, cimOnnxZeroF32(I, loc), pd);
  od[0] = xd[0];
  od[1] = wd[0];
  for (int i = 0; i < 2; ++i)
    od[2 + i] =
        (pd[2 + i] - g.dilations[i] * (wd[2 + i] - 1) - 1) / g.strides[i] + 1;
  MlirType i64t =
      cimOnnxTensorOf(1, (int64_t[]){2}, mlirIntegerTypeGet(I->ctx, 64));
  MlirNamedAttribute attrs[2] = {
      cimOnnxNA(I, "dilations",
                mlirDenseElementsAttrInt64Get(i64t, 2, g.dilations)),
      cimOnnxNA(I, "strides",
                mlirDenseElementsAttrInt64Get(i64t, 2, g.strides))};
  MlirValue y;
  if (G == 1) {
    MlirValue init = cimOnnxFillF32(I, loc, 4, od, cimOnnxZeroF32(I, loc));
    MlirValue ins[2] = {x, w};
    y = cimOnnxEmitNamed(I, "linalg.conv_2d_nchw_fchw", loc, 2, ins, init, 2,
                         attrs);
  } else if (wd[0] == G && wd[1] == 1) {
    /* Depthwise (one filter per channel): the weight [C, 1, R, S] as
     * [C, R, S]. */
    int64_t w3[3] = {wd[0], wd[2], wd[3]}, padded[4];
    if (cimOnnxAnyPad(&g))
      x = padLast2(I, loc, x, 4, xd, g.pads, padded);
    MlirValue init = cimOnnxFillF32(I, loc, 4, od, cimOnnxZeroF32(I, loc));
    MlirValue ins[2] = {x, reshapedWeight(I, loc, wv, wq, w, wd, 3, w3)};
    y = cimOnnxEmitNamed(I, "linalg.depthwise_conv_2d_nchw_chw", loc, 2, ins,
                         init, 2, attrs);
  } else {
    /* Grouped: x [N, G, C/G, H, W], w [G, F/G, C/G, R, S], the result
     * [N, G, F/G, P, Q] collapsed back to [N, F, P, Q]. */
    int64_t x5[5] = {xd[0], G, xd[1] / G, xd[2], xd[3]}, p5[5];
    int64_t w5[5] = {G, wd[0] / G, wd[1], wd[2], wd[3]};
    int64_t o5[5] = {od[0], G, od[1] / G, od[2], od[3]};
    /* The padding goes after the expand, in front of the convolution. */
    MlirValue x5v = cimOnnxReshape(I, loc, x, 4, xd, 5, x5);
    if (cimOnnxAnyPad(&g))
      x5v = padLast2(I, loc, x5v, 5, x5, g.pads, p5);
    MlirValue init = cimOnnxFillF32(I, loc, 5, o5, cimOnnxZeroF32(I, loc));
    MlirValue ins[2] = {x5v, reshapedWeight(I, loc, wv, wq, w, wd, 5, w5)};
    y = cimOnnxEmitNamed(I, "linalg.conv_2d_ngchw_gfchw", loc, 2, ins, init, 2,
                         attrs);
    y = cimOnnxReshape(I, loc, y, 5, o5, 4, od);
  }
  if (bias)
    y = cimOnnxAddChannelBias(I, loc, y, 4, od, 1, bias);
  return y;
}

/// matmul of f32 `a` [M,K] / [B,M,K] and `b` [K,N] / [B,K,N].
static MlirValue matmulCore(Importer *I, const Onnx__NodeProto *n,
                            MlirLocation loc, MlirValue a, int ra,
                            const int64_t *ad, MlirValue b, int rb,
                            const int64_t *bd, int *ro, int64_t *od) {
  if (!((ra == 2 && rb == 2) || (ra == 3 && rb == 3 && ad[0] == bd[0]) ||
        (ra == 3 && rb == 2)))
    return cimOnnxFail(loc,
                       "node '%s' (%s): operands of rank %d and %d are not "
                       "supported (2x2, 3x3 with one batch, 3x2 are)",
                       cimOnnxNodeName(n), n->op_type, ra, rb),
           (MlirValue){NULL};
  if (ad[ra - 1] != bd[rb - 2])
    return cimOnnxFail(loc,
                       "node '%s' (%s): inner dimensions %lld and %lld differ",
                       cimOnnxNodeName(n), n->op_type, (long long)ad[ra - 1],
                       (long long)bd[rb - 2]),
           (MlirValue){NULL};
  if (ra == 3 && rb == 2) {
    /* [B, M, K] x [K, N]: collapse to [B*M, K], matmul, expand back. */
    int groups[3] = {0, 0, 1};
    int64_t cd[2] = {ad[0] * ad[1], ad[2]};
    MlirValue a2 = cimOnnxEmitCollapse(I, loc, a, 3, groups, 2, cd);
    int64_t md[2] = {cd[0], bd[1]};
    MlirValue init = cimOnnxFillF32(I, loc, 2, md, cimOnnxZeroF32(I, loc));
    MlirValue ins[2] = {a2, b};
    MlirValue y =
        cimOnnxEmitNamed(I, "linalg.matmul", loc, 2, ins, init, 0, NULL);
    od[0] = ad[0];
    od[1] = ad[1];
    od[2] = bd[1];
    *ro = 3;
    MlirType i64 = mlirIntegerTypeGet(I->ctx, 64);
    MlirAttribute g0[2] = {mlirIntegerAttrGet(i64, 0), mlirIntegerAttrGet(i64, 1)};
    MlirAttribute g1[1] = {mlirIntegerAttrGet(i64, 2)};
    MlirAttribute groupsA[2] = {mlirArrayAttrGet(I->ctx, 2, g0),
                                mlirArrayAttrGet(I->ctx, 1, g1)};
    MlirNamedAttribute attrs[2] = {
        cimOnnxNA(I, "reassociation", mlirArrayAttrGet(I->ctx, 2, groupsA)),
        cimOnnxNA(I, "static_output_shape",
                  mlirDenseI64ArrayGet(I->ctx, 3, od))};
    return cimOnnxEmit1(I, "tensor.expand_shape", loc, 1, &y,
                        cimOnnxF32Tensor(I, 3, od), 2, attrs);
  }
  *ro = ra;
  for (int i = 0; i < ra - 1; ++i)
    od[i] = ad[i];
  od[ra - 1] = bd[rb - 1];
  MlirValue init = cimOnnxFillF32(I, loc, ra, od, cimOnnxZeroF32(I, loc));
  MlirValue ins[2] = {a, b};
  return cimOnnxEmitNamed(I, ra == 2 ? "linalg.matmul" : "linalg.batch_matmul",
                          loc, 2, ins, init, 0, NULL);
}

/*===----------------------------------------------------------------------===*
 * Operators
 *===----------------------------------------------------------------------===*/

bool cimOnnxIsIntType(int32_t t) { return t == DT_UINT8 || t == DT_INT8; }

static bool hQuantizeLinear(Importer *I, const Onnx__NodeProto *n,
                            MlirLocation loc) {
  IN(x, 0) IN(s, 1) IN(z, 2) REQUIRE(x, "x") REQUIRE(s, "y_scale")
  QParams q;
  if (!cimOnnxReadQParams(n, loc, s, z, DT_UINT8,
                          (int)cimOnnxAttrInt(n, "axis", 1), x->rank, x->dims,
                          &q))
    return false;
  if (!cimOnnxCheckZeroPoints(n, loc, &q)) {
    cimOnnxQFree(&q);
    return false;
  }
  Value *y = cimOnnxOutput(I, n, 0, loc);
  if (!y) {
    cimOnnxQFree(&q);
    return false;
  }
  cimOnnxSetShape(y, x->rank, x->dims);
  y->dtype = q.dtype;
  if (x->kind == K_CONST) {
    /* Folded with ONNX's rule: round half to even, add, saturate. */
    int64_t lo = 0, hi = 0;
    cimOnnxStorageRange(q.dtype, &lo, &hi);
    y->kind = K_CONST;
    y->c = cimOnnxConstNew(q.dtype, x->c->rank, x->c->dims);
    if (!y->c) {
      cimOnnxQFree(&q);
      return cimOnnxFail(loc, "out of memory");
    }
    for (int64_t i = 0; i < x->c->n; ++i) {
      int64_t ch = q.n > 1 ? cimOnnxChannelOf(x->c, q.axis, i) : 0;
      double r = nearbyint(x->c->v[i] / q.scales[ch]) + (double)q.zps[ch];
      y->c->v[i] = r < lo ? lo : r > hi ? hi : r;
    }
    cimOnnxQFree(&q);
    return true;
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf)) {
    cimOnnxQFree(&q);
    return false;
  }
  if (x->kind == K_INTARG || x->dtype != DT_FLOAT) {
    cimOnnxQFree(&q);
    return cimOnnxFail(loc, "node '%s' (%s): input '%s' must be float",
                       cimOnnxNodeName(n), n->op_type, x->name);
  }
  y->kind = K_QUANT;
  y->q = q;
  y->v = cimOnnxEmit1(
      I, "quant.qcast", loc, 1, &xf,
      cimOnnxTensorOf(x->rank, x->dims, cimOnnxQuantElemType(I, &q)), 0, NULL);
  return true;
}

static bool hDequantizeLinear(Importer *I, const Onnx__NodeProto *n,
                              MlirLocation loc) {
  IN(x, 0) IN(s, 1) IN(z, 2) REQUIRE(x, "x") REQUIRE(s, "x_scale")
  Value *y;
  if (x->dtype == DT_INT32 && x->kind == K_CONST) {
    /* A 32-bit bias (PTQ exports): folded to float; zero point must be 0. */
    if (!s->c || (z && (!z->c || z->c->n != s->c->n)))
      return cimOnnxFail(loc,
                         "node '%s' (%s): the scale and zero point must be "
                         "constants",
                         cimOnnxNodeName(n), n->op_type);
    if (!(y = cimOnnxOutput(I, n, 0, loc)))
      return false;
    cimOnnxSetShape(y, x->rank, x->dims);
    y->dtype = DT_FLOAT;
    y->kind = K_CONST;
    y->c = cimOnnxConstNew(DT_FLOAT, x->c->rank, x->c->dims);
    if (!y->c)
      return cimOnnxFail(loc, "out of memory");
    int axis = (int)cimOnnxAttrInt(n, "axis", 1);
    if (axis < 0)
      axis += x->rank;
    for (int64_t i = 0; i < x->c->n; ++i) {
      int64_t ch = s->c->n > 1 ? cimOnnxChannelOf(x->c, axis, i) : 0;
      double zp = z ? z->c->v[ch] : 0;
      y->c->v[i] = (double)(float)(s->c->v[ch] * (x->c->v[i] - zp));
    }
    return true;
  }
  QParams q;
  if (!cimOnnxReadQParams(n, loc, s, z, x->dtype,
                          (int)cimOnnxAttrInt(n, "axis", 1), x->rank, x->dims,
                          &q))
    return false;
  if (!cimOnnxCheckZeroPoints(n, loc, &q) ||
      !(y = cimOnnxOutput(I, n, 0, loc))) {
    cimOnnxQFree(&q);
    return false;
  }
  cimOnnxSetShape(y, x->rank, x->dims);
  y->dtype = DT_FLOAT;
  if (x->kind == K_CONST) {
    if (x->c->dtype != q.dtype) {
      cimOnnxQFree(&q);
      return cimOnnxFail(loc,
                         "node '%s' (%s): input '%s' is %s but the zero point "
                         "is %s",
                         cimOnnxNodeName(n), n->op_type, x->name,
                         cimOnnxDtypeName(x->c->dtype),
                         cimOnnxDtypeName(q.dtype));
    }
    if (x->c->hasRange) {
      /* A clipped weight: the zero point must lie in the declared range. */
      for (int64_t i = 0; i < q.n; ++i)
        if (q.zps[i] < x->c->lo || q.zps[i] > x->c->hi) {
          bool ok = cimOnnxFail(
              loc,
              "node '%s' (%s): zero point %lld outside the range [%lld, %lld] "
              "that a Clip gave '%s'",
              cimOnnxNodeName(n), n->op_type, (long long)q.zps[i],
              (long long)x->c->lo, (long long)x->c->hi, x->name);
          cimOnnxQFree(&q);
          return ok;
        }
      q.hasRange = true;
      q.lo = x->c->lo;
      q.hi = x->c->hi;
    }
    y->kind = K_CONST;
    y->dqInt = cimOnnxConstNew(x->c->dtype, x->c->rank, x->c->dims);
    y->c = cimOnnxConstNew(DT_FLOAT, x->c->rank, x->c->dims);
    if (!y->dqInt || !y->c) {
      cimOnnxQFree(&q);
      return cimOnnxFail(loc, "out of memory");
    }
    memcpy(y->dqInt->v, x->c->v, (size_t)x->c->n * sizeof(double));
    for (int64_t i = 0; i < x->c->n; ++i) {
      int64_t ch = q.n > 1 ? cimOnnxChannelOf(x->c, q.axis, i) : 0;
      y->c->v[i] = (double)(float)(q.scales[ch] * (x->c->v[i] - (double)q.zps[ch]));
    }
    y->dqq = q;
    return true;
  }
  MlirValue f = cimOnnxUseDequantized(I, n, loc, x, &q, "input");
  if (mlirValueIsNull(f)) {
    cimOnnxQFree(&q);
    return false;
  }
  y->kind = K_FLOAT;
  y->v = f;
  y->grid = q; /* every value of y lies on q's grid */
  if (x->kind == K_QUANT && x->q.hasRange) {
    /* ... and in the range a Clip gave it */
    y->grid.hasRange = true;
    y->grid.lo = x->q.lo;
    y->grid.hi = x->q.hi;
  }
  return true;
}

/// Transposes a rank-2 constant.
static Const *transpose2(const Const *c) {
  int64_t d[2] = {c->dims[1], c->dims[0]};
  Const *t = cimOnnxConstNew(c->dtype, 2, d);
  if (!t)
    return NULL;
  for (int64_t i = 0; i < c->dims[0]; ++i)
    for (int64_t j = 0; j < c->dims[1]; ++j)
      t->v[j * c->dims[0] + i] = c->v[i * c->dims[1] + j];
  return t;
}

/// The f32 weight of a Gemm/MatMul, transposed at import time when asked.
static MlirValue useWeight(Importer *I, const Onnx__NodeProto *n,
                           MlirLocation loc, Value *w, bool transpose,
                           int64_t *wd) {
  wd[0] = w->dims[0];
  wd[1] = w->dims[1];
  if (!transpose)
    return cimOnnxUseFloat(I, n, loc, w);
  if (w->rank != 2 || w->kind != K_CONST)
    return cimOnnxFail(loc, "node '%s' (%s): transB = 1 needs a constant 2-D B",
                       cimOnnxNodeName(n), n->op_type),
           (MlirValue){NULL};
  wd[0] = w->dims[1];
  wd[1] = w->dims[0];
  if (w->dqInt) {
    Const *t = transpose2(w->dqInt);
    QParams q;
    if (!t || !cimOnnxQCopy(&q, &w->dqq)) {
      cimOnnxConstFree(t);
      return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
    }
    q.axis = 1 - q.axis;
    MlirValue r = cimOnnxMaterializeDq(I, loc, t, &q);
    cimOnnxConstFree(t);
    cimOnnxQFree(&q);
    return r;
  }
  if (w->c->dtype != DT_FLOAT)
    return cimOnnxFail(loc, "node '%s' (%s): B must be float",
                       cimOnnxNodeName(n), n->op_type),
           (MlirValue){NULL};
  Const *t = transpose2(w->c);
  if (!t)
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  float *f = malloc((size_t)(t->n ? t->n : 1) * sizeof(float));
  if (!f) {
    cimOnnxConstFree(t);
    return cimOnnxFail(loc, "out of memory"), (MlirValue){NULL};
  }
  for (int64_t i = 0; i < t->n; ++i)
    f[i] = (float)t->v[i];
  MlirValue r = cimOnnxConstF32(I, loc, 2, t->dims, f, t->n);
  free(f);
  cimOnnxConstFree(t);
  return r;
}

/// A bias constant of `nOut` channels: shape [nOut], [1, nOut] or a scalar.
float *cimOnnxBiasVector(const Onnx__NodeProto *n, MlirLocation loc,
                         const Value *b, int64_t nOut, double scale,
                         const double *perChannelScale) {
  if (!b->c) {
    cimOnnxFail(loc, "node '%s' (%s): the bias '%s' must be a constant",
                cimOnnxNodeName(n), n->op_type, b->name);
    return NULL;
  }
  if (b->c->n != nOut && b->c->n != 1) {
    cimOnnxFail(loc, "node '%s' (%s): the bias has %lld elements, not %lld",
                cimOnnxNodeName(n), n->op_type, (long long)b->c->n,
                (long long)nOut);
    return NULL;
  }
  float *f = malloc((size_t)nOut * sizeof(float));
  if (!f) {
    cimOnnxFail(loc, "out of memory");
    return NULL;
  }
  for (int64_t i = 0; i < nOut; ++i) {
    double v = b->c->v[b->c->n == 1 ? 0 : i];
    double s = perChannelScale ? perChannelScale[i] * scale : scale;
    f[i] = (float)(v * s);
  }
  return f;
}

/// The Conv weight and bias with the BatchNormalization that follows the
/// Conv folded in (planBatchNormFolds): w' = w * s[f], b' = b * s[f] + t[f].
/// False without a diagnostic when it does not apply (non-constant or
/// quantized weights); then the BatchNormalization is imported on its own.
static bool foldBatchNorm(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, const Value *w, const Value *b,
                          MlirValue *wf, float **bias, bool *failed) {
  long j = I->bnOf ? I->bnOf[I->nodeIndex] : -1;
  if (j < 0 || w->kind != K_CONST || w->dqInt || w->c->dtype != DT_FLOAT ||
      (b && (!b->c || b->c->n != w->dims[0])))
    return false;
  const Onnx__NodeProto *bn = I->graph->node[j];
  Value *in[4];
  for (int k = 0; k < 4; ++k)
    if (!(in[k] = cimOnnxLookup(I, bn->input[k + 1])) || !in[k]->c)
      return false;
  int64_t F = w->dims[0], per = w->c->n / (F ? F : 1);
  double *st = malloc((size_t)(2 * F + 1) * sizeof(double));
  float *f = malloc((size_t)(w->c->n + 1) * sizeof(float));
  *bias = malloc((size_t)(F + 1) * sizeof(float));
  if (!st || !f || !*bias ||
      !cimOnnxBatchNormParams(bn, loc, in, F, st, st + F)) {
    *failed = true;
    if (!st || !f || !*bias)
      cimOnnxFail(loc, "out of memory");
    free(st);
    free(f);
    free(*bias);
    *bias = NULL;
    return true;
  }
  for (int64_t i = 0; i < w->c->n; ++i)
    f[i] = (float)(w->c->v[i] * st[i / per]);
  for (int64_t o = 0; o < F; ++o)
    (*bias)[o] = (float)((b ? b->c->v[o] : 0.0) * st[o] + st[F + o]);
  *wf = cimOnnxConstF32(I, loc, 4, w->dims, f, w->c->n);
  free(st);
  free(f);
  return true;
}

static bool hConv(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) IN(w, 1) IN(b, 2) REQUIRE(x, "X") REQUIRE(w, "W")
  if (x->rank != 4 || w->rank != 4)
    return cimOnnxFail(loc, "node '%s' (Conv): only 2-D convolutions (rank-4 "
                            "X and W) are supported",
                       cimOnnxNodeName(n));
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x), wf = {NULL};
  if (mlirValueIsNull(xf))
    return false;
  float *bias = NULL;
  bool failed = false;
  bool folded = foldBatchNorm(I, n, loc, w, b, &wf, &bias, &failed);
  if (failed)
    return false;
  if (!folded) {
    if (mlirValueIsNull(wf = cimOnnxUseFloat(I, n, loc, w)))
      return false;
    if (b && !(bias = cimOnnxBiasVector(n, loc, b, w->dims[0], 1.0, NULL)))
      return false;
  }
  int64_t od[4];
  MlirValue y = cimOnnxConvCore(I, n, loc, xf, x->dims, wf, w->dims, bias, od,
                                folded ? NULL : w, NULL);
  free(bias);
  if (!cimOnnxDefineOutput(I, n, loc, y, DT_FLOAT, 4, od))
    return false;
  cimOnnxLookup(I, n->output[0])->bnFolded = folded;
  return true;
}

static bool hMatMul(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(a, 0) IN(b, 1) REQUIRE(a, "A") REQUIRE(b, "B")
  MlirValue af = cimOnnxUseFloat(I, n, loc, a), bf;
  if (mlirValueIsNull(af) ||
      mlirValueIsNull(bf = cimOnnxUseFloat(I, n, loc, b)))
    return false;
  int64_t od[MAX_RANK];
  int ro;
  MlirValue y = matmulCore(I, n, loc, af, a->rank, a->dims, bf, b->rank,
                           b->dims, &ro, od);
  return cimOnnxDefineOutput(I, n, loc, y, DT_FLOAT, ro, od);
}

static bool hGemm(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(a, 0) IN(b, 1) IN(c, 2) REQUIRE(a, "A") REQUIRE(b, "B")
  if (a->rank != 2 || b->rank != 2)
    return cimOnnxFail(loc, "node '%s' (Gemm): A and B must be 2-D",
                       cimOnnxNodeName(n));
  if (cimOnnxAttrInt(n, "transA", 0) != 0)
    return cimOnnxFail(loc, "node '%s' (Gemm): transA = 1 is not supported",
                       cimOnnxNodeName(n));
  if (cimOnnxAttrFloat(n, "alpha", 1.0) != 1.0 ||
      (c && cimOnnxAttrFloat(n, "beta", 1.0) != 1.0))
    return cimOnnxFail(loc,
                       "node '%s' (Gemm): alpha and beta other than 1 are not "
                       "supported",
                       cimOnnxNodeName(n));
  MlirValue af = cimOnnxUseFloat(I, n, loc, a);
  if (mlirValueIsNull(af))
    return false;
  int64_t wd[2];
  MlirValue bf =
      useWeight(I, n, loc, b, cimOnnxAttrInt(n, "transB", 0) != 0, wd);
  if (mlirValueIsNull(bf))
    return false;
  int64_t od[2];
  int ro;
  MlirValue y = matmulCore(I, n, loc, af, 2, a->dims, bf, 2, wd, &ro, od);
  if (mlirValueIsNull(y))
    return false;
  if (c) {
    float *bias = cimOnnxBiasVector(n, loc, c, od[1], 1.0, NULL);
    if (!bias)
      return false;
    y = cimOnnxAddChannelBias(I, loc, y, 2, od, 1, bias);
    free(bias);
  }
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o)
    return false;
  o->kind = K_FLOAT;
  o->dtype = DT_FLOAT;
  o->v = y;
  cimOnnxSetShape(o, 2, od);
  return true;
}

/// Common part of QLinearConv / QLinearMatMul: operand parameters.
static bool qlinearParams(const Onnx__NodeProto *n, MlirLocation loc,
                          Value *const *in, int wAxis, QParams *qa,
                          QParams *qw, QParams *qy) {
  memset(qa, 0, sizeof *qa);
  memset(qw, 0, sizeof *qw);
  memset(qy, 0, sizeof *qy);
  if (!cimOnnxReadQParams(n, loc, in[1], in[2], in[0]->dtype, 0, in[0]->rank,
                          in[0]->dims, qa))
    return false;
  if (qa->n != 1) {
    cimOnnxQFree(qa);
    return cimOnnxFail(loc, "node '%s' (%s): the input scale must be one value",
                       cimOnnxNodeName(n), n->op_type);
  }
  if (!cimOnnxReadQParams(n, loc, in[4], in[5], in[3]->dtype, wAxis,
                          in[3]->rank, in[3]->dims, qw) ||
      !cimOnnxReadQParams(n, loc, in[6], in[7], DT_UINT8, 0, 0, NULL, qy)) {
    cimOnnxQFree(qa);
    cimOnnxQFree(qw);
    return false;
  }
  if (qy->n != 1 || !cimOnnxCheckZeroPoints(n, loc, qa) ||
      !cimOnnxCheckZeroPoints(n, loc, qw) ||
      !cimOnnxCheckZeroPoints(n, loc, qy)) {
    if (qy->n != 1)
      cimOnnxFail(loc, "node '%s' (%s): the output scale must be one value",
                  cimOnnxNodeName(n), n->op_type);
    cimOnnxQFree(qa);
    cimOnnxQFree(qw);
    cimOnnxQFree(qy);
    return false;
  }
  return true;
}

/// Output of a QOperator: qcast of the f32 result into `qy`.
static bool defineQuantOutput(Importer *I, const Onnx__NodeProto *n,
                              MlirLocation loc, MlirValue y, int rank,
                              const int64_t *dims, QParams *qy) {
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o) {
    cimOnnxQFree(qy);
    return false;
  }
  o->kind = K_QUANT;
  o->dtype = qy->dtype;
  o->q = *qy;
  cimOnnxSetShape(o, rank, dims);
  o->v = cimOnnxEmit1(I, "quant.qcast", loc, 1, &y,
                      cimOnnxTensorOf(rank, dims, cimOnnxQuantElemType(I, qy)),
                      0, NULL);
  return true;
}

static bool hQLinearConv(Importer *I, const Onnx__NodeProto *n,
                         MlirLocation loc) {
  Value *in[9];
  static const char *names[9] = {"x", "x_scale", "x_zero_point", "w",
                                 "w_scale", "w_zero_point", "y_scale",
                                 "y_zero_point", "B"};
  for (int i = 0; i < 9; ++i) {
    bool bad = false;
    in[i] = cimOnnxInput(I, n, (size_t)i, loc, &bad);
    if (bad)
      return false;
    if (!in[i] && i != 2 && i != 5 && i != 7 && i != 8)
      return cimOnnxFail(loc, "node '%s' (QLinearConv): missing input '%s'",
                         cimOnnxNodeName(n), names[i]);
  }
  if (in[0]->rank != 4 || in[3]->rank != 4)
    return cimOnnxFail(loc,
                       "node '%s' (QLinearConv): only 2-D convolutions are "
                       "supported",
                       cimOnnxNodeName(n));
  QParams qa, qw, qy;
  if (!qlinearParams(n, loc, in, 0, &qa, &qw, &qy))
    return false;
  MlirValue xf = cimOnnxUseDequantized(I, n, loc, in[0], &qa, "x");
  bool split = false;
  int64_t wd[4], xd[4];
  MlirValue wf = mlirValueIsNull(xf) ? xf
                 : useWeightSymmetric(I, n, loc, in[3], &qw, 1, &split, wd);
  for (int i = 0; i < 4; ++i)
    xd[i] = in[0]->dims[i];
  if (split && !mlirValueIsNull(wf))
    xf = concatSelf(I, loc, xf, 4, in[0]->dims, 1, xd);
  float *bias = NULL;
  bool ok = !mlirValueIsNull(wf);
  if (ok && in[8]) {
    /* B is int32 at scale x_scale * w_scale[c], zero point 0. */
    double *ws = malloc((size_t)in[3]->dims[0] * sizeof(double));
    ok = ws != NULL;
    for (int64_t c = 0; ok && c < in[3]->dims[0]; ++c)
      ws[c] = qw.scales[qw.n > 1 ? c : 0];
    ok = ok && (bias = cimOnnxBiasVector(n, loc, in[8], in[3]->dims[0],
                                         qa.scales[0], ws));
    free(ws);
  }
  int64_t od[4];
  MlirValue y = {NULL};
  if (ok)
    y = cimOnnxConvCore(I, n, loc, xf, xd, wf, wd, bias, od,
                        split ? NULL : in[3], split ? NULL : &qw);
  free(bias);
  cimOnnxQFree(&qa);
  cimOnnxQFree(&qw);
  if (mlirValueIsNull(y)) {
    cimOnnxQFree(&qy);
    return false;
  }
  return defineQuantOutput(I, n, loc, y, 4, od, &qy);
}

static bool hQLinearMatMul(Importer *I, const Onnx__NodeProto *n,
                           MlirLocation loc) {
  Value *in[8];
  static const char *names[8] = {"a", "a_scale", "a_zero_point", "b",
                                 "b_scale", "b_zero_point", "y_scale",
                                 "y_zero_point"};
  for (int i = 0; i < 8; ++i) {
    bool bad = false;
    in[i] = cimOnnxInput(I, n, (size_t)i, loc, &bad);
    if (bad)
      return false;
    if (!in[i] && i != 2 && i != 5 && i != 7)
      return cimOnnxFail(loc, "node '%s' (QLinearMatMul): missing input '%s'",
                         cimOnnxNodeName(n), names[i]);
  }
  QParams qa, qw, qy;
  if (!qlinearParams(n, loc, in, in[3]->rank - 1, &qa, &qw, &qy))
    return false;
  MlirValue af = cimOnnxUseDequantized(I, n, loc, in[0], &qa, "a");
  bool split = false;
  int64_t bd[MAX_RANK], ad[MAX_RANK];
  int ra = in[0]->rank, rb = in[3]->rank;
  MlirValue bf = mlirValueIsNull(af) || rb < 2
                     ? (MlirValue){NULL}
                     : useWeightSymmetric(I, n, loc, in[3], &qw, rb - 2, &split, bd);
  if (rb < 2)
    cimOnnxFail(loc, "node '%s' (QLinearMatMul): b must have rank 2 or 3",
                cimOnnxNodeName(n));
  for (int i = 0; i < ra; ++i)
    ad[i] = in[0]->dims[i];
  if (split && !mlirValueIsNull(bf))
    af = concatSelf(I, loc, af, ra, in[0]->dims, ra - 1, ad);
  int64_t od[MAX_RANK];
  int ro = 0;
  MlirValue y = {NULL};
  if (!mlirValueIsNull(bf))
    y = matmulCore(I, n, loc, af, ra, ad, bf, rb, bd, &ro, od);
  cimOnnxQFree(&qa);
  cimOnnxQFree(&qw);
  if (mlirValueIsNull(y)) {
    cimOnnxQFree(&qy);
    return false;
  }
  return defineQuantOutput(I, n, loc, y, ro, od, &qy);
}

/// MatMulInteger / ConvInteger: operands at scale 1 with their zero points;
/// the int32 result is the f32 value of the accumulation (exact).
static bool integerOperands(Importer *I, const Onnx__NodeProto *n,
                            MlirLocation loc, Value **a, Value **b,
                            MlirValue *af, MlirValue *bf) {
  IN(x, 0) IN(w, 1) IN(xz, 2) IN(wz, 3) REQUIRE(x, "A") REQUIRE(w, "B")
  *a = x;
  *b = w;
  if (!cimOnnxIsIntType(x->dtype) || !cimOnnxIsIntType(w->dtype))
    return cimOnnxFail(loc, "node '%s' (%s): operands must be uint8 or int8",
                       cimOnnxNodeName(n), n->op_type);
  Value *zs[2] = {xz, wz};
  int64_t zv[2] = {0, 0};
  for (int k = 0; k < 2; ++k) {
    if (!zs[k])
      continue;
    if (!zs[k]->c || zs[k]->c->n < 1)
      return cimOnnxFail(loc,
                         "node '%s' (%s): zero point '%s' must be a constant",
                         cimOnnxNodeName(n), n->op_type, zs[k]->name);
    for (int64_t i = 1; i < zs[k]->c->n; ++i)
      if (zs[k]->c->v[i] != zs[k]->c->v[0])
        return cimOnnxFail(loc,
                           "node '%s' (%s): per-channel zero points are not "
                           "supported",
                           cimOnnxNodeName(n), n->op_type);
    zv[k] = (int64_t)zs[k]->c->v[0];
  }
  QParams qa = qUnit(x->dtype, zv[0]), qb = qUnit(w->dtype, zv[1]);
  bool ok = qa.scales && qb.scales && cimOnnxCheckZeroPoints(n, loc, &qa) &&
            cimOnnxCheckZeroPoints(n, loc, &qb);
  *af = ok ? cimOnnxUseDequantized(I, n, loc, x, &qa, "A") : (MlirValue){NULL};
  *bf = !mlirValueIsNull(*af) ? cimOnnxUseDequantized(I, n, loc, w, &qb, "B")
                              : (MlirValue){NULL};
  cimOnnxQFree(&qa);
  cimOnnxQFree(&qb);
  return !mlirValueIsNull(*bf);
}

static bool hMatMulInteger(Importer *I, const Onnx__NodeProto *n,
                           MlirLocation loc) {
  Value *a, *b;
  MlirValue af, bf;
  if (!integerOperands(I, n, loc, &a, &b, &af, &bf))
    return false;
  int64_t od[MAX_RANK];
  int ro;
  MlirValue y = matmulCore(I, n, loc, af, a->rank, a->dims, bf, b->rank,
                           b->dims, &ro, od);
  return cimOnnxDefineOutput(I, n, loc, y, DT_INT32, ro, od);
}

static bool hConvInteger(Importer *I, const Onnx__NodeProto *n,
                         MlirLocation loc) {
  Value *x, *w;
  MlirValue xf, wf;
  if (!integerOperands(I, n, loc, &x, &w, &xf, &wf))
    return false;
  if (x->rank != 4 || w->rank != 4)
    return cimOnnxFail(loc,
                       "node '%s' (ConvInteger): only 2-D convolutions are "
                       "supported",
                       cimOnnxNodeName(n));
  int64_t od[4];
  MlirValue y = cimOnnxConvCore(I, n, loc, xf, x->dims, wf, w->dims, NULL, od,
                                NULL, NULL);
  return cimOnnxDefineOutput(I, n, loc, y, DT_INT32, 4, od);
}

bool cimOnnxDefineFloat(Importer *I, const Onnx__NodeProto *n, MlirLocation loc,
                        MlirValue y, int rank, const int64_t *dims) {
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o)
    return false;
  o->kind = K_FLOAT;
  o->dtype = DT_FLOAT;
  o->v = y;
  cimOnnxSetShape(o, rank, dims);
  return true;
}

static bool hRelu(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "X")
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  char m[256];
  cimOnnxIdMap(m, sizeof m, x->rank);
  const char *maps[2] = {m, m};
  MlirValue y = cimOnnxEmitGeneric(I, loc, 1, &xf, maps, x->rank, x->dims,
                                   B_MAX_CAPTURE, cimOnnxZeroF32(I, loc));
  if (!x->grid.scales || x->grid.n != 1)
    return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
  /* ReLU of a dequantized value (QAT exports quantize before the ReLU):
   * max(s * (q - z), 0) = s * (max(q, z) - z) is on the same grid, so the
   * result is that quantized type again, exactly; the next layer then reads
   * dcast(qcast(...)) as the quant contract asks. */
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o)
    return false;
  if (!cimOnnxQCopy(&o->q, &x->grid))
    return cimOnnxFail(loc, "out of memory");
  if (o->q.hasRange) {
    /* A clipped grid [lo, hi] becomes [max(lo, z), max(hi, z)], stored in
     * the narrowest type again (docs/onnx.md, "Narrow storage"). */
    int64_t z = o->q.zps[0];
    o->q.lo = o->q.lo > z ? o->q.lo : z;
    o->q.hi = o->q.hi > z ? o->q.hi : z;
  }
  o->kind = K_QUANT;
  o->dtype = o->q.dtype;
  cimOnnxSetShape(o, x->rank, x->dims);
  o->v = cimOnnxEmit1(
      I, "quant.qcast", loc, 1, &y,
      cimOnnxTensorOf(x->rank, x->dims, cimOnnxQuantElemType(I, &o->q)), 0,
      NULL);
  return true;
}

static bool hMaxPool(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "X")
  if (x->rank != 4)
    return cimOnnxFail(loc, "node '%s' (MaxPool): only 2-D pooling is "
                            "supported",
                       cimOnnxNodeName(n));
  if (n->n_output > 1 && n->output[1] && *n->output[1])
    return cimOnnxFail(
        loc, "node '%s' (MaxPool): the Indices output is not supported",
        cimOnnxNodeName(n));
  ConvGeom g;
  if (!cimOnnxReadConvGeom(n, loc, x->dims, 0, 0, true, &g))
    return false;
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  if (mlirValueIsNull(I->negInf))
    I->negInf = cimOnnxScalarF32(I, loc, -INFINITY);
  int64_t pd[4] = {x->dims[0], x->dims[1], x->dims[2], x->dims[3]};
  if (cimOnnxAnyPad(&g))
    xf = cimOnnxEmitPad(I, loc, xf, x->dims, g.pads, I->negInf, pd);
  int64_t od[4] = {pd[0], pd[1], 0, 0};
  for (int i = 0; i < 2; ++i)
    od[2 + i] = (pd[2 + i] - g.dilations[i] * (g.kernel[i] - 1) - 1) / g.strides[i] + 1;
  MlirValue init = cimOnnxFillF32(I, loc, 4, od, I->negInf);
  MlirValue win = cimOnnxEmptyF32(I, loc, 2, g.kernel);
  MlirType i64t =
      cimOnnxTensorOf(1, (int64_t[]){2}, mlirIntegerTypeGet(I->ctx, 64));
  MlirNamedAttribute attrs[2] = {
      cimOnnxNA(I, "dilations",
                mlirDenseElementsAttrInt64Get(i64t, 2, g.dilations)),
      cimOnnxNA(I, "strides",
                mlirDenseElementsAttrInt64Get(i64t, 2, g.strides))};
  MlirValue ins[2] = {xf, win};
  MlirValue y = cimOnnxEmitNamed(I, "linalg.pooling_nchw_max", loc, 2, ins,
                                 init, 2, attrs);
  return cimOnnxDefineFloat(I, n, loc, y, 4, od);
}

static bool hFlatten(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "input")
  int64_t axis = cimOnnxAttrInt(n, "axis", 1);
  if (axis < 0)
    axis += x->rank;
  if (axis < 1 || axis >= x->rank)
    return cimOnnxFail(loc,
                       "node '%s' (Flatten): axis %lld is not supported (1 .. "
                       "rank - 1 are)",
                       cimOnnxNodeName(n),
                       (long long)cimOnnxAttrInt(n, "axis", 1));
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  int groups[MAX_RANK];
  int64_t od[2] = {1, 1};
  for (int i = 0; i < x->rank; ++i) {
    groups[i] = i < axis ? 0 : 1;
    od[groups[i]] *= x->dims[i];
  }
  if (axis == 1 && x->rank == 2)
    return cimOnnxDefineFloat(I, n, loc, xf, 2, x->dims);
  /* A leading group of one dimension stays as it is. */
  MlirValue y = cimOnnxEmitCollapse(I, loc, xf, x->rank, groups, 2, od);
  return cimOnnxDefineFloat(I, n, loc, y, 2, od);
}

static size_t uses(const Onnx__GraphProto *g, const char *name);

/// A bias add on the last axis of `xf` = tensor.expand_shape(linalg.matmul)
/// (a 3-D x 2-D MatMul, matmulCore) goes between the two, so that the
/// front end sees a matrix-vector layer followed by its bias add: the expand
/// is moved after the add and reads it. False (nothing emitted) when `xf`
/// is not that form.
static bool biasUnderExpand(Importer *I, MlirLocation loc, MlirValue xf,
                            const float *f) {
  if (!mlirValueIsAOpResult(xf))
    return false;
  MlirOperation ex = mlirOpResultGetOwner(xf);
  MlirIdentifier nm = mlirOperationGetName(ex);
  MlirStringRef s = mlirIdentifierStr(nm);
  if (s.length != 19 || strncmp(s.data, "tensor.expand_shape", 19))
    return false;
  MlirValue src = mlirOperationGetOperand(ex, 0);
  if (!mlirValueIsAOpResult(src))
    return false;
  s = mlirIdentifierStr(mlirOperationGetName(mlirOpResultGetOwner(src)));
  MlirOpOperand u = mlirValueGetFirstUse(src);
  if (s.length != 13 || strncmp(s.data, "linalg.matmul", 13) ||
      !mlirOpOperandIsNull(mlirOpOperandGetNextUse(u)))
    return false;
  int64_t d[2] = {mlirShapedTypeGetDimSize(mlirValueGetType(src), 0),
                  mlirShapedTypeGetDimSize(mlirValueGetType(src), 1)};
  MlirValue y = cimOnnxAddChannelBias(I, loc, src, 2, d, 1, f);
  mlirOperationSetOperand(ex, 0, y);
  mlirOperationMoveAfter(ex, mlirOpResultGetOwner(y));
  return true;
}

static bool hAdd(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(a, 0) IN(b, 1) REQUIRE(a, "A") REQUIRE(b, "B")
  if (a->kind == K_CONST && b->kind == K_CONST)
    return cimOnnxBinary(I, n, loc, 0); /* folded */
  /* A constant operand that varies along one axis at most is a bias. */
  Value *x = a, *c = b;
  if (a->kind == K_CONST && b->kind != K_CONST) {
    x = b;
    c = a;
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf))
    return false;
  bool same = c->rank == x->rank;
  for (int i = 0; same && i < x->rank; ++i)
    same = c->dims[i] == x->dims[i];
  if (same && c->kind != K_CONST) {
    MlirValue cf = cimOnnxUseFloat(I, n, loc, c);
    if (mlirValueIsNull(cf))
      return false;
    MlirValue ins[2] = {xf, cf};
    MlirValue init = cimOnnxEmptyF32(I, loc, x->rank, x->dims);
    MlirValue y = cimOnnxEmitNamed(I, "linalg.add", loc, 2, ins, init, 0, NULL);
    return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
  }
  if (c->kind == K_CONST && c->c->dtype == DT_FLOAT && c->rank <= x->rank) {
    /* Right-aligned broadcast: find the one non-unit axis of c. */
    int axis = -1;
    bool ok = true;
    for (int i = 0; i < c->rank; ++i) {
      int xi = x->rank - c->rank + i;
      if (c->dims[i] == 1)
        continue;
      if (c->dims[i] != x->dims[xi] || axis >= 0)
        ok = false;
      axis = xi;
    }
    if (ok) {
      if (axis < 0)
        axis = x->rank - 1;
      float *f = malloc((size_t)x->dims[axis] * sizeof(float));
      if (!f)
        return cimOnnxFail(loc, "out of memory");
      for (int64_t i = 0; i < x->dims[axis]; ++i)
        f[i] = (float)c->c->v[c->c->n == 1 ? 0 : i];
      MlirValue y =
          axis == x->rank - 1 && uses(I->graph, x->name) == 1 &&
                  biasUnderExpand(I, loc, xf, f)
              ? xf
              : cimOnnxAddChannelBias(I, loc, xf, x->rank, x->dims, axis, f);
      free(f);
      return cimOnnxDefineFloat(I, n, loc, y, x->rank, x->dims);
    }
  }
  /* A constant varying along several axes; other broadcasts are refused
   * there with a diagnostic. */
  return cimOnnxBinary(I, n, loc, 0);
}

bool cimOnnxAlias(Importer *I, const Onnx__NodeProto *n, MlirLocation loc) {
  IN(x, 0) REQUIRE(x, "input")
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o)
    return false;
  /* An alias: same kind, same IR value, copies of the constant data. */
  o->dtype = x->dtype;
  cimOnnxSetShape(o, x->rank, x->dims);
  if (x->kind == K_CONST) {
    o->kind = K_CONST;
    o->c = cimOnnxConstNew(x->c->dtype, x->c->rank, x->c->dims);
    if (!o->c)
      return cimOnnxFail(loc, "out of memory");
    memcpy(o->c->v, x->c->v, (size_t)x->c->n * sizeof(double));
    o->c->hasRange = x->c->hasRange;
    o->c->lo = x->c->lo;
    o->c->hi = x->c->hi;
    if (x->dqInt) {
      o->dqInt =
          cimOnnxConstNew(x->dqInt->dtype, x->dqInt->rank, x->dqInt->dims);
      if (!o->dqInt || !cimOnnxQCopy(&o->dqq, &x->dqq))
        return cimOnnxFail(loc, "out of memory");
      memcpy(o->dqInt->v, x->dqInt->v, (size_t)x->dqInt->n * sizeof(double));
    }
    return true;
  }
  MlirValue f = cimOnnxUseFloat(I, n, loc, x);
  if (x->kind == K_QUANT) {
    o->kind = K_QUANT;
    o->v = x->v;
    o->deq = f;
    return cimOnnxQCopy(&o->q, &x->q) || cimOnnxFail(loc, "out of memory");
  }
  o->kind = x->kind;
  o->v = x->v;
  return true;
}

bool cimOnnxConstantOp(Importer *I, const Onnx__NodeProto *n,
                       MlirLocation loc) {
  const Onnx__AttributeProto *a = cimOnnxGetAttr(n, "value");
  Const *c = NULL;
  if (a && a->t) {
    if (!cimOnnxConstFromTensor(I, a->t, loc, &c))
      return false;
  } else if ((a = cimOnnxGetAttr(n, "value_float")) && a->has_f) {
    if (!(c = cimOnnxConstNew(DT_FLOAT, 0, NULL)))
      return cimOnnxFail(loc, "out of memory");
    c->v[0] = a->f;
  } else if ((a = cimOnnxGetAttr(n, "value_int")) && a->has_i) {
    if (!(c = cimOnnxConstNew(DT_INT64, 0, NULL)))
      return cimOnnxFail(loc, "out of memory");
    c->v[0] = (double)a->i;
  } else {
    return cimOnnxFail(loc,
                       "node '%s' (Constant): only the 'value', 'value_float' "
                       "and 'value_int' forms are supported",
                       cimOnnxNodeName(n));
  }
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o) {
    cimOnnxConstFree(c);
    return false;
  }
  o->kind = K_CONST;
  o->dtype = c->dtype;
  o->c = c;
  cimOnnxSetShape(o, c->rank, c->dims);
  return true;
}

/// The operator table: one row per supported ONNX operator (domain ai.onnx).
/// docs/onnx.md documents each row; the unsupported-operator diagnostic
/// lists them from here.
static const struct {
  const char *opType;
  Handler handler;
} ONNX_OPS[] = {
    {"QuantizeLinear", hQuantizeLinear},
    {"DequantizeLinear", hDequantizeLinear},
    {"Conv", hConv},
    {"Gemm", hGemm},
    {"MatMul", hMatMul},
    {"QLinearConv", hQLinearConv},
    {"QLinearMatMul", hQLinearMatMul},
    {"MatMulInteger", hMatMulInteger},
    {"ConvInteger", hConvInteger},
    {"Relu", hRelu},
    {"MaxPool", hMaxPool},
    {"Add", hAdd},
    {"Flatten", hFlatten},
    {"Identity", cimOnnxAlias},
    {"Constant", cimOnnxConstantOp},
    {"Reshape", cimOnnxReshapeOp},
    {"Unsqueeze", cimOnnxUnsqueeze},
    {"Squeeze", cimOnnxSqueeze},
    {"Transpose", cimOnnxTranspose},
    {"Concat", cimOnnxConcat},
    {"Gather", cimOnnxGather},
    {"Slice", cimOnnxSlice},
    {"Shape", cimOnnxShape},
    {"ConstantOfShape", cimOnnxConstantOfShape},
    {"Cast", cimOnnxCast},
    {"Dropout", cimOnnxDropout},
    {"Sub", cimOnnxSub},
    {"Mul", cimOnnxMul},
    {"Div", cimOnnxDiv},
    {"Sqrt", cimOnnxSqrt},
    {"ReduceMean", cimOnnxReduceMean},
    {"Clip", cimOnnxClip},
    {"Softmax", cimOnnxSoftmax},
    {"AveragePool", cimOnnxAveragePool},
    {"GlobalAveragePool", cimOnnxGlobalAveragePool},
    {"BatchNormalization", cimOnnxBatchNorm},
    {"LayerNormalization", cimOnnxLayerNorm},
    {"Erf", cimOnnxErf},
    {"Pow", cimOnnxPow},
    {"Equal", cimOnnxEqual},
    {"Where", cimOnnxWhere},
    {"Expand", cimOnnxExpand},
};
#define NUM_ONNX_OPS (sizeof ONNX_OPS / sizeof ONNX_OPS[0])

static bool unsupported(const Onnx__NodeProto *n, MlirLocation loc) {
  char list[1024];
  size_t k = 0;
  for (size_t i = 0; i < NUM_ONNX_OPS; ++i)
    k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
                          ONNX_OPS[i].opType);
  bool foreignDomain = n->domain && *n->domain && strcmp(n->domain, "ai.onnx");
  return cimOnnxFail(loc,
                     "node '%s': operator '%s%s%s' is not supported; supported "
                     "operators: %s",
                     cimOnnxNodeName(n), foreignDomain ? n->domain : "",
                     foreignDomain ? "." : "", n->op_type ? n->op_type : "",
                     list);
}

/*===----------------------------------------------------------------------===*
 * The graph
 *===----------------------------------------------------------------------===*/

static bool readValueInfoShape(const Onnx__ValueInfoProto *vi, MlirLocation loc,
                               int32_t *dtype, int *rank, int64_t *dims) {
  const char *name = vi->name ? vi->name : "";
  if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
      !vi->type->tensor_type)
    return cimOnnxFail(loc, "graph input '%s' is not a tensor", name);
  const Onnx__TypeProto__Tensor *tt = vi->type->tensor_type;
  *dtype = tt->has_elem_type ? tt->elem_type : 0;
  if (!tt->shape)
    return cimOnnxFail(loc,
                       "graph input '%s' has no shape (static shapes are "
                       "required)",
                       name);
  if (tt->shape->n_dim > MAX_RANK)
    return cimOnnxFail(loc, "graph input '%s' has rank %zu, above %d", name,
                       tt->shape->n_dim, MAX_RANK);
  *rank = (int)tt->shape->n_dim;
  for (int i = 0; i < *rank; ++i) {
    const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
    if (d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ||
        d->dim_value < 1)
      return cimOnnxFail(
          loc,
          "graph input '%s': dimension %d is not a static size "
          "(%s); export with a fixed input shape",
          name, i,
          d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
              ? d->dim_param
              : "unknown");
    dims[i] = d->dim_value;
  }
  return true;
}

static MlirLocation nodeLoc(Importer *I, const Onnx__NodeProto *n) {
  return mlirLocationNameGet(I->ctx, cimOnnxS(cimOnnxNodeName(n)),
                             mlirLocationUnknownGet(I->ctx));
}

static bool isOp(const Onnx__NodeProto *n, const char *op) {
  return n->op_type && !strcmp(n->op_type, op) &&
         !(n->domain && *n->domain && strcmp(n->domain, "ai.onnx"));
}

/// Uses of value `name` as a node input or graph output.
static size_t uses(const Onnx__GraphProto *g, const char *name) {
  size_t k = 0;
  for (size_t i = 0; i < g->n_node; ++i)
    for (size_t j = 0; j < g->node[i]->n_input; ++j)
      k += g->node[i]->input[j] && !strcmp(g->node[i]->input[j], name);
  for (size_t i = 0; i < g->n_output; ++i)
    k += g->output[i]->name && !strcmp(g->output[i]->name, name);
  return k;
}

/// I->bnOf: for each Conv whose only use is a BatchNormalization, that
/// node's index (hConv folds it when the weights are float constants).
static bool planBatchNormFolds(Importer *I, const Onnx__GraphProto *g) {
  I->bnOf = malloc((g->n_node + 1) * sizeof *I->bnOf);
  if (!I->bnOf)
    return false;
  for (size_t i = 0; i < g->n_node; ++i)
    I->bnOf[i] = -1;
  for (size_t j = 0; j < g->n_node; ++j) {
    const Onnx__NodeProto *bn = g->node[j];
    if (!isOp(bn, "BatchNormalization") || bn->n_input < 5 || !bn->input[0] ||
        (bn->n_output > 1 && bn->output[1] && *bn->output[1]))
      continue;
    for (size_t i = 0; i < j; ++i) {
      const Onnx__NodeProto *c = g->node[i];
      if (isOp(c, "Conv") && c->n_output >= 1 && c->output[0] &&
          !strcmp(c->output[0], bn->input[0]) && uses(g, bn->input[0]) == 1)
        I->bnOf[i] = (long)j;
    }
  }
  return true;
}

static MlirOperation importModel(Importer *I, const Onnx__ModelProto *m,
                                 MlirLocation fileLoc) {
  const Onnx__GraphProto *g = m->graph;
  if (!g)
    return cimOnnxFail(fileLoc, "the model has no graph"),
           (MlirOperation){NULL};
  for (size_t i = 0; i < g->n_initializer; ++i) {
    const Onnx__TensorProto *t = g->initializer[i];
    MlirLocation loc =
        mlirLocationNameGet(I->ctx, cimOnnxS(t->name ? t->name : ""), fileLoc);
    Const *c;
    if (!t->name || !*t->name)
      return cimOnnxFail(loc, "an initializer has no name"),
             (MlirOperation){NULL};
    if (cimOnnxLookup(I, t->name))
      return cimOnnxFail(loc, "initializer '%s' is defined twice", t->name),
             (MlirOperation){NULL};
    if (!cimOnnxConstFromTensor(I, t, loc, &c))
      return (MlirOperation){NULL};
    Value *v = cimOnnxAddValue(I, t->name);
    if (!v) {
      cimOnnxConstFree(c);
      return cimOnnxFail(loc, "out of memory"), (MlirOperation){NULL};
    }
    v->kind = K_CONST;
    v->dtype = c->dtype;
    v->c = c;
    cimOnnxSetShape(v, c->rank, c->dims);
  }
  /* Function arguments: graph inputs that are not initializers. */
  size_t nArgs = 0;
  MlirType *argTypes = calloc(g->n_input + 1, sizeof *argTypes);
  MlirLocation *argLocs = calloc(g->n_input + 1, sizeof *argLocs);
  Value **argVals = calloc(g->n_input + 1, sizeof *argVals);
  if (!argTypes || !argLocs || !argVals) {
    free(argTypes);
    free(argLocs);
    free(argVals);
    return cimOnnxFail(fileLoc, "out of memory"), (MlirOperation){NULL};
  }
  bool ok = true;
  for (size_t i = 0; ok && i < g->n_input; ++i) {
    const Onnx__ValueInfoProto *vi = g->input[i];
    if (!vi->name || cimOnnxLookup(I, vi->name))
      continue;
    MlirLocation loc = mlirLocationNameGet(I->ctx, cimOnnxS(vi->name),
                                           mlirLocationUnknownGet(I->ctx));
    int32_t dt = 0;
    int rank;
    int64_t dims[MAX_RANK];
    if (!(ok = readValueInfoShape(vi, fileLoc, &dt, &rank, dims)))
      break;
    if (dt != DT_FLOAT && !cimOnnxIsIntType(dt)) {
      ok = cimOnnxFail(fileLoc,
                       "graph input '%s' has element type %s (float, uint8 "
                       "and int8 are supported)",
                       vi->name, cimOnnxDtypeName(dt));
      break;
    }
    Value *v = cimOnnxAddValue(I, vi->name);
    if (!v) {
      ok = cimOnnxFail(fileLoc, "out of memory");
      break;
    }
    v->dtype = dt;
    v->kind = dt == DT_FLOAT ? K_FLOAT : K_INTARG;
    cimOnnxSetShape(v, rank, dims);
    argTypes[nArgs] = cimOnnxF32Tensor(I, rank, dims);
    argLocs[nArgs] = loc;
    argVals[nArgs++] = v;
  }
  if (!ok) {
    free(argTypes);
    free(argLocs);
    free(argVals);
    return (MlirOperation){NULL};
  }
  I->block = mlirBlockCreate((intptr_t)nArgs, argTypes, argLocs);
  for (size_t i = 0; i < nArgs; ++i)
    argVals[i]->v = mlirBlockGetArgument(I->block, (intptr_t)i);
  free(argLocs);
  free(argVals);

  I->graph = g;
  if (ok && !(ok = planBatchNormFolds(I, g)))
    cimOnnxFail(fileLoc, "out of memory");
  if (ok && !(ok = (I->done = calloc(g->n_node + 1, sizeof *I->done))))
    cimOnnxFail(fileLoc, "out of memory");
  for (size_t i = 0; ok && i < g->n_node; ++i) {
    const Onnx__NodeProto *n = g->node[i];
    MlirLocation loc = nodeLoc(I, n);
    I->nodeIndex = i;
    if (I->done[i])
      continue;
    int fused = cimOnnxFusePattern(I, n, loc);
    if (fused) {
      ok = fused > 0;
      continue;
    }
    bool foreign = n->domain && *n->domain && strcmp(n->domain, "ai.onnx");
    Handler h = NULL;
    for (size_t k = 0; !foreign && n->op_type && k < NUM_ONNX_OPS; ++k)
      if (!strcmp(ONNX_OPS[k].opType, n->op_type))
        h = ONNX_OPS[k].handler;
    ok = h ? h(I, n, loc) : unsupported(n, loc);
  }

  /* Results. */
  MlirType *resTypes = calloc(g->n_output + 1, sizeof *resTypes);
  MlirValue *results = calloc(g->n_output + 1, sizeof *results);
  if (ok && (!resTypes || !results))
    ok = cimOnnxFail(fileLoc, "out of memory");
  if (ok && g->n_output == 0)
    ok = cimOnnxFail(fileLoc, "the graph has no outputs");
  for (size_t i = 0; ok && i < g->n_output; ++i) {
    const char *name = g->output[i]->name ? g->output[i]->name : "";
    Value *v = cimOnnxLookup(I, name);
    MlirLocation loc = mlirLocationNameGet(I->ctx, cimOnnxS(name),
                                           mlirLocationUnknownGet(I->ctx));
    if (!v) {
      ok = cimOnnxFail(fileLoc, "graph output '%s' is not computed by any node",
                       name);
      break;
    }
    Onnx__NodeProto dummy = ONNX__NODE_PROTO__INIT;
    dummy.name = (char *)name;
    dummy.op_type = (char *)"output";
    results[i] = cimOnnxUseFloat(I, &dummy, loc, v);
    if (mlirValueIsNull(results[i])) {
      ok = false;
      break;
    }
    resTypes[i] = mlirValueGetType(results[i]);
  }
  MlirOperation module = {NULL};
  if (ok) {
    cimOnnxEmitIn(I, I->block, "func.return", mlirLocationUnknownGet(I->ctx),
                  (intptr_t)g->n_output, results, 0, NULL, 0, NULL, NULL);
    MlirRegion r = mlirRegionCreate();
    mlirRegionAppendOwnedBlock(r, I->block);
    I->block = (MlirBlock){NULL};
    const char *fname = g->name && *g->name ? g->name : "main";
    MlirType ft = mlirFunctionTypeGet(I->ctx, (intptr_t)nArgs, argTypes,
                                      (intptr_t)g->n_output, resTypes);
    MlirNamedAttribute attrs[2] = {
        cimOnnxNA(I, "sym_name", mlirStringAttrGet(I->ctx, cimOnnxS(fname))),
        cimOnnxNA(I, "function_type", mlirTypeAttrGet(ft))};
    MlirOperationState st =
        mlirOperationStateGet(cimOnnxS("func.func"), fileLoc);
    mlirOperationStateAddAttributes(&st, 2, attrs);
    mlirOperationStateAddOwnedRegions(&st, 1, &r);
    MlirOperation func = mlirOperationCreate(&st);
    MlirModule mod = mlirModuleCreateEmpty(fileLoc);
    mlirBlockAppendOwnedOperation(mlirModuleGetBody(mod), func);
    module = mlirModuleGetOperation(mod);
    if (!mlirOperationVerify(module)) {
      /* The verifier has reported why; nothing half-built is returned. */
      mlirOperationDestroy(module);
      module = (MlirOperation){NULL};
    }
  }
  free(argTypes);
  free(resTypes);
  free(results);
  return module;
}

static void loadDialects(MlirContext ctx) {
  MlirDialectHandle hs[] = {mlirGetDialectHandle__func__(),
                            mlirGetDialectHandle__arith__(),
                            mlirGetDialectHandle__linalg__(),
                            mlirGetDialectHandle__tensor__(),
                            mlirGetDialectHandle__quant__(),
                            mlirGetDialectHandle__math__()};
  for (size_t i = 0; i < sizeof hs / sizeof hs[0]; ++i)
    mlirDialectHandleLoadDialect(hs[i], ctx);
}

MlirOperation cimImportOnnxBytes(MlirContext context, const void *data,
                                 size_t size, MlirStringRef sourceName) {
  char *name = strndup(sourceName.data ? sourceName.data : "", sourceName.length);
  MlirLocation fileLoc = mlirLocationFileLineColGet(context, sourceName, 0, 0);
  if (!name)
    return cimOnnxFail(fileLoc, "out of memory"), (MlirOperation){NULL};
  loadDialects(context);
  Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, size, data);
  if (!m) {
    free(name);
    return cimOnnxFail(fileLoc,
                       "not an ONNX model: the protobuf (%zu bytes) does "
                       "not decode as onnx.ModelProto",
                       size),
           (MlirOperation){NULL};
  }
  Importer I = {0};
  I.ctx = context;
  I.sourceName = name;
  I.opset = 1;
  for (size_t i = 0; i < m->n_opset_import; ++i) {
    const char *d = m->opset_import[i]->domain;
    if (!d || !*d || !strcmp(d, "ai.onnx"))
      I.opset = m->opset_import[i]->version;
  }
  MlirOperation module = importModel(&I, m, fileLoc);
  free(I.bnOf);
  free(I.done);
  if (!mlirBlockIsNull(I.block))
    mlirBlockDestroy(I.block);
  for (size_t i = 0; i < I.nVals; ++i)
    valueFree(I.vals[i]);
  free(I.vals);
  free(I.hash);
  free(name);
  onnx__model_proto__free_unpacked(m, NULL);
  return module;
}

MlirOperation cimImportOnnxFile(MlirContext context, MlirStringRef path) {
  char *p = strndup(path.data ? path.data : "", path.length);
  MlirLocation fileLoc = mlirLocationFileLineColGet(context, path, 0, 0);
  if (!p)
    return cimOnnxFail(fileLoc, "out of memory"), (MlirOperation){NULL};
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  struct stat st;
  int e = fd < 0 ? errno : fstat(fd, &st) != 0 ? errno : 0;
  if (e || !S_ISREG(st.st_mode)) {
    if (fd >= 0)
      close(fd);
    cimOnnxFail(fileLoc, "cannot open ONNX model '%s': %s", p,
                e ? strerror(e) : "not a regular file");
    free(p);
    return (MlirOperation){NULL};
  }
  /* Mapped, not read: protobuf-c copies what it keeps. */
  size_t size = (size_t)st.st_size;
  void *data = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
  close(fd);
  if (size && data == MAP_FAILED) {
    cimOnnxFail(fileLoc, "cannot map ONNX model '%s': %s", p, strerror(errno));
    free(p);
    return (MlirOperation){NULL};
  }
  MlirOperation r = cimImportOnnxBytes(context, data, size, path);
  if (size)
    munmap(data, size);
  free(p);
  return r;
}
