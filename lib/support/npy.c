/*===-- npy.c - Reading and writing NumPy .npy arrays ----------------------===*
 *
 * Format: "\x93NUMPY", major, minor, header length (uint16 for 1.x, uint32
 * for 2.x/3.x, little endian), a Python dict literal padded with spaces and
 * ending in '\n', then the raw data. The dict has exactly the keys 'descr',
 * 'fortran_order' and 'shape'. The parser below reads that literal with a
 * small tokenizer and checks every length against the buffer, so truncated
 * or hostile files produce a message with the byte offset, never a read out
 * of bounds.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L
#include "cim-c/Npy.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/FileIO.h"
#include "support/StrBuf.h"

static const char *const descrs[] = {"|i1", "<i2", "<i4", "<i8",
                                     "|u1", "<u2", "<u4", "<u8"};
static const size_t sizes[] = {1, 2, 4, 8, 1, 2, 4, 8};

const char *cimNpyDTypeGetDescr(CimNpyDType dtype) { return descrs[dtype]; }
size_t cimNpyDTypeGetSize(CimNpyDType dtype) { return sizes[dtype]; }

typedef struct Reader {
  const unsigned char *bytes;
  size_t size;
  size_t pos;  /* within the header */
  size_t end;  /* end of the header */
  MlirStringRef name;
  MlirStringCallback cb;
  void *ud;
} Reader;

static MlirLogicalResult failAt(Reader *r, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static MlirLogicalResult failAt(Reader *r, size_t offset, const char *fmt, ...) {
  CimStrBuf msg = {0};
  cimStrBufAppendRef(&msg, r->name);
  cimStrBufPrintf(&msg, ": at byte %zu: ", offset);
  va_list ap;
  va_start(ap, fmt);
  cimStrBufVPrintf(&msg, fmt, ap);
  va_end(ap);
  if (r->cb)
    r->cb(mlirStringRefCreate(cimStrBufGet(&msg), msg.length), r->ud);
  cimStrBufFree(&msg);
  return mlirLogicalResultFailure();
}

static void skipSpace(Reader *r) {
  while (r->pos < r->end && (r->bytes[r->pos] == ' ' || r->bytes[r->pos] == '\n'))
    ++r->pos;
}

static bool accept(Reader *r, char c) {
  skipSpace(r);
  if (r->pos < r->end && r->bytes[r->pos] == c) {
    ++r->pos;
    return true;
  }
  return false;
}

/// Reads a quoted Python string into buf.
static bool readString(Reader *r, char *buf, size_t cap) {
  skipSpace(r);
  if (r->pos >= r->end || (r->bytes[r->pos] != '\'' && r->bytes[r->pos] != '"'))
    return false;
  char quote = (char)r->bytes[r->pos++];
  size_t n = 0;
  while (r->pos < r->end && r->bytes[r->pos] != quote) {
    if (n + 1 < cap)
      buf[n++] = (char)r->bytes[r->pos];
    ++r->pos;
  }
  buf[n] = '\0';
  if (r->pos >= r->end)
    return false;
  ++r->pos;
  return true;
}

static bool readWord(Reader *r, const char *word) {
  skipSpace(r);
  size_t n = strlen(word);
  if (r->end - r->pos >= n && memcmp(r->bytes + r->pos, word, n) == 0) {
    r->pos += n;
    return true;
  }
  return false;
}

/// The magic, version and header length: the header dict is then
/// [dataStart - headerLen, dataStart).
static MlirLogicalResult readPreamble(Reader *r, size_t *headerLen,
                                      size_t *dataStart) {
  const unsigned char *b = r->bytes;
  size_t size = r->size;
  if (size < 6 || memcmp(b, "\x93NUMPY", 6) != 0)
    return failAt(r, 0, size < 6 ? "file too short for the .npy magic"
                                 : "not a .npy file (bad magic)");
  if (size < 10)
    return failAt(r, size, "truncated header: the version and header length "
                           "need 10 bytes, %zu present",
                  size);
  unsigned major = b[6];
  if (major == 1) {
    *headerLen = (size_t)b[8] | ((size_t)b[9] << 8);
    *dataStart = 10 + *headerLen;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      return failAt(r, 8, "file too short for the header length");
    *headerLen = (size_t)b[8] | ((size_t)b[9] << 8) | ((size_t)b[10] << 16) |
                 ((size_t)b[11] << 24);
    *dataStart = 12 + *headerLen;
  } else {
    return failAt(r, 6, "unsupported .npy version %u.%u", major, b[7]);
  }
  if (*dataStart > size)
    return failAt(r, size, "truncated header: %zu header bytes announced, "
                           "%zu present",
                  *headerLen, size - (*dataStart - *headerLen));
  return mlirLogicalResultSuccess();
}

/// The value of 'descr': one of the integer dtypes.
static MlirLogicalResult readDescr(Reader *r, int *dtype) {
  char d[16];
  skipSpace(r);
  size_t at = r->pos;
  if (!readString(r, d, sizeof d))
    return failAt(r, at, "expected a quoted dtype for 'descr'");
  /* "<i1"/"|i1" and "=" for one-byte types are equivalent. */
  if ((d[0] == '<' || d[0] == '=') && d[2] == '1' && d[3] == '\0')
    d[0] = '|';
  for (int i = 0; i < 8; ++i)
    if (!strcmp(d, descrs[i]))
      *dtype = i;
  if (*dtype < 0)
    return failAt(r, at, "unsupported dtype '%s' (integer arrays only: "
                         "|i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8)",
                  d);
  return mlirLogicalResultSuccess();
}

/// The value of 'shape': a tuple of dimensions.
static MlirLogicalResult readShape(Reader *r, int *rank, int64_t *shape) {
  if (!accept(r, '('))
    return failAt(r, r->pos, "expected '(' to open 'shape'");
  while (!accept(r, ')')) {
    skipSpace(r);
    size_t at = r->pos;
    int64_t v = 0;
    bool digits = false;
    while (r->pos < r->end && r->bytes[r->pos] >= '0' &&
           r->bytes[r->pos] <= '9') {
      if (v > (INT64_MAX - 9) / 10)
        return failAt(r, at, "dimension too large");
      v = v * 10 + (r->bytes[r->pos++] - '0');
      digits = true;
    }
    if (!digits)
      return failAt(r, at, "expected a dimension in 'shape'");
    if (*rank == CIM_NPY_MAX_RANK)
      return failAt(r, at, "more than %d dimensions", CIM_NPY_MAX_RANK);
    shape[(*rank)++] = v;
    if (!accept(r, ',')) {
      if (!accept(r, ')'))
        return failAt(r, r->pos, "expected ',' or ')' in 'shape'");
      break;
    }
  }
  return mlirLogicalResultSuccess();
}

/// The header dict (r->pos at its start): dtype and shape of a C-ordered
/// array.
static MlirLogicalResult readHeader(Reader *r, int *dtype, int *rank,
                                    int64_t *shape) {
  size_t start = r->pos;
  bool haveDescr = false, haveOrder = false, haveShape = false;
  bool fortran = false;
  if (!accept(r, '{'))
    return failAt(r, r->pos, "expected '{' to open the header dict");
  while (!accept(r, '}')) {
    char key[32];
    size_t keyAt = r->pos;
    if (!readString(r, key, sizeof key))
      return failAt(r, r->pos, "expected a quoted key in the header dict");
    if (!accept(r, ':'))
      return failAt(r, r->pos, "expected ':' after key '%s'", key);
    if (!strcmp(key, "descr")) {
      if (mlirLogicalResultIsFailure(readDescr(r, dtype)))
        return mlirLogicalResultFailure();
      haveDescr = true;
    } else if (!strcmp(key, "fortran_order")) {
      skipSpace(r);
      size_t at = r->pos;
      if (readWord(r, "True"))
        fortran = true;
      else if (readWord(r, "False"))
        fortran = false;
      else
        return failAt(r, at, "expected True or False for 'fortran_order'");
      haveOrder = true;
    } else if (!strcmp(key, "shape")) {
      if (mlirLogicalResultIsFailure(readShape(r, rank, shape)))
        return mlirLogicalResultFailure();
      haveShape = true;
    } else {
      return failAt(r, keyAt, "unexpected key '%s' in the header", key);
    }
    if (!accept(r, ',')) {
      if (!accept(r, '}'))
        return failAt(r, r->pos, "expected ',' or '}' in the header dict");
      break;
    }
  }
  if (!haveDescr || !haveOrder || !haveShape)
    return failAt(r, start, "header lacks '%s'",
                  !haveDescr   ? "descr"
                  : !haveOrder ? "fortran_order"
                               : "shape");
  if (fortran)
    return failAt(r, start, "Fortran-ordered arrays are not supported");
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimNpyParse(const void *bytes, size_t size,
                              MlirStringRef sourceName, CimNpyArray *array,
                              MlirStringCallback errorCallback,
                              void *userData) {
  Reader r = {bytes, size, 0, 0, sourceName, errorCallback, userData};
  size_t headerLen = 0, dataStart = 0;
  if (mlirLogicalResultIsFailure(readPreamble(&r, &headerLen, &dataStart)))
    return mlirLogicalResultFailure();
  r.pos = dataStart - headerLen;
  r.end = dataStart;
  int dtype = -1;
  int rank = 0;
  int64_t shape[CIM_NPY_MAX_RANK];
  if (mlirLogicalResultIsFailure(readHeader(&r, &dtype, &rank, shape)))
    return mlirLogicalResultFailure();

  int64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    if (shape[i] != 0 && count > INT64_MAX / 16 / shape[i])
      return failAt(&r, dataStart - headerLen, "array too large");
    count *= shape[i];
  }
  size_t esize = sizes[dtype];
  size_t need = (size_t)count * esize;
  if (size - dataStart < need)
    return failAt(&r, size,
                  "truncated data: shape needs %zu bytes, %zu present", need,
                  size - dataStart);
  void *data = malloc(need ? need : 1);
  if (!data)
    return failAt(&r, dataStart, "out of memory for %zu bytes", need);
  /* x86-64 and aarch64 are little endian, as the dtypes read. */
  memcpy(data, (const unsigned char *)bytes + dataStart, need);
  array->dtype = (CimNpyDType)dtype;
  array->rank = rank;
  for (int i = 0; i < rank; ++i)
    array->shape[i] = shape[i];
  array->numElements = count;
  array->data = data;
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimNpyReadFile(const char *path, CimNpyArray *array,
                                 MlirStringCallback errorCallback,
                                 void *userData) {
  CimStrBuf bytes = {0};
  if (!cimReadWholeFile(path, ".npy file", &bytes, errorCallback, userData)) {
    cimStrBufFree(&bytes);
    return mlirLogicalResultFailure();
  }
  MlirLogicalResult r =
      cimNpyParse(cimStrBufGet(&bytes), bytes.length,
                  mlirStringRefCreateFromCString(path), array, errorCallback,
                  userData);
  cimStrBufFree(&bytes);
  return r;
}

typedef struct NpyWrite {
  const CimNpyArray *array;
  CimStrBuf header;
} NpyWrite;

static bool writeNpy(FILE *f, void *data) {
  NpyWrite *w = data;
  const CimNpyArray *a = w->array;
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                           (unsigned char)(w->header.length & 0xff),
                           (unsigned char)(w->header.length >> 8)};
  return fwrite(pre, 1, 10, f) == 10 &&
         fwrite(w->header.data, 1, w->header.length, f) == w->header.length &&
         fwrite(a->data, sizes[a->dtype], (size_t)a->numElements, f) ==
             (size_t)a->numElements;
}

/// The version 1.0 header of `array`, padded so that the data starts on a
/// 64-byte boundary and ending with '\n'.
static void npyHeader(const CimNpyArray *array, CimStrBuf *header) {
  cimStrBufPrintf(header, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                  descrs[array->dtype]);
  for (int i = 0; i < array->rank; ++i)
    cimStrBufPrintf(header, "%" PRId64 "%s", array->shape[i],
                    array->rank == 1 || i + 1 < array->rank ? ", " : "");
  cimStrBufAppendCString(header, "), }");
  size_t total = 10 + header->length + 1;
  size_t pad = (64 - total % 64) % 64;
  for (size_t i = 0; i < pad; ++i)
    cimStrBufAppendCString(header, " ");
  cimStrBufAppendCString(header, "\n");
}

MlirLogicalResult cimNpyWriteFile(const char *path, const CimNpyArray *array,
                                  MlirStringCallback errorCallback,
                                  void *userData) {
  NpyWrite w = {array, {0}};
  npyHeader(array, &w.header);
  MlirLogicalResult r =
      cimWriteFileAtomically(path, writeNpy, &w, errorCallback, userData);
  cimStrBufFree(&w.header);
  return r;
}

void cimNpyPrint(const CimNpyArray *array, MlirStringCallback callback,
                 void *userData) {
  CimStrBuf header = {0};
  npyHeader(array, &header);
  char pre[10] = {(char)0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                  (char)(header.length & 0xff), (char)(header.length >> 8)};
  callback(mlirStringRefCreate(pre, sizeof pre), userData);
  callback(mlirStringRefCreate(header.data, header.length), userData);
  callback(mlirStringRefCreate(array->data, sizes[array->dtype] *
                                                (size_t)array->numElements),
           userData);
  cimStrBufFree(&header);
}

int64_t cimNpyArrayGetInt(const CimNpyArray *a, int64_t i) {
  switch (a->dtype) {
  case CIM_NPY_I8: return ((const int8_t *)a->data)[i];
  case CIM_NPY_I16: return ((const int16_t *)a->data)[i];
  case CIM_NPY_I32: return ((const int32_t *)a->data)[i];
  case CIM_NPY_I64: return ((const int64_t *)a->data)[i];
  case CIM_NPY_U8: return ((const uint8_t *)a->data)[i];
  case CIM_NPY_U16: return ((const uint16_t *)a->data)[i];
  case CIM_NPY_U32: return ((const uint32_t *)a->data)[i];
  case CIM_NPY_U64: return (int64_t)((const uint64_t *)a->data)[i];
  }
  return 0;
}

void cimNpyArrayDestroy(CimNpyArray *array) {
  if (!array)
    return;
  free(array->data);
  array->data = NULL;
}
