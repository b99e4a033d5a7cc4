/*===-- bytecode_elide.c - --elide-resource-data-from-bytecode -------------===*
 *
 * mlir-opt's writer leaves the data of resources out of the bytecode when
 * asked (BytecodeWriterConfig::setElideResourceDataFlag); the C API's
 * writer configuration sets only the version. The difference is confined
 * to two sections, so cim-opt writes the bytecode with the data and then
 * rewrites them as mlir-opt's writer would have written them:
 *
 *  - the resource offset section (6) lists every resource group (external
 *    groups first, counted; then dialect groups up to the section's end) as
 *    key, number of entries and, per entry, key, size and kind: each size
 *    becomes 0;
 *  - the resource section (5), which holds the data, becomes empty (and no
 *    longer aligned).
 *
 * Everything else is copied byte for byte: header, sections in order,
 * alignment padding recomputed where a section asks for it. A string
 * resource cannot be done this way (mlir-opt would also leave its text out
 * of the string section); such bytecode is refused.
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

enum { kResourceSection = 5, kResourceOffsetSection = 6, kStringKind = 2 };

typedef struct Reader {
  const unsigned char *p, *end;
} Reader;

typedef struct Writer {
  unsigned char *data;
  size_t length, capacity;
  bool oom;
} Writer;

static bool readVarInt(Reader *r, uint64_t *value) {
  if (r->p >= r->end)
    return false;
  unsigned first = *r->p;
  if (first & 1) {
    *value = first >> 1;
    ++r->p;
    return true;
  }
  size_t n = 9, skip = 1; /* first byte 0: eight bytes follow */
  if (first != 0) {
    n = 1;
    while (!(first & (1u << (n - 1))))
      ++n;
    skip = 0;
  }
  if ((size_t)(r->end - r->p) < n)
    return false;
  uint64_t v = 0;
  for (size_t i = skip; i < n; ++i)
    v |= (uint64_t)r->p[i] << (8 * (i - skip));
  *value = first == 0 ? v : v >> n;
  r->p += n;
  return true;
}

static void put(Writer *w, const void *bytes, size_t n) {
  if (w->oom || n == 0) /* an empty section's data may be NULL */
    return;
  if (w->length + n > w->capacity) {
    size_t cap = w->capacity ? 2 * w->capacity : 256;
    while (cap < w->length + n)
      cap *= 2;
    unsigned char *grown = realloc(w->data, cap);
    if (!grown) {
      w->oom = true;
      return;
    }
    w->data = grown;
    w->capacity = cap;
  }
  memcpy(w->data + w->length, bytes, n);
  w->length += n;
}

/// MLIR's EncodingEmitter::emitVarInt.
static void putVarInt(Writer *w, uint64_t value) {
  unsigned char b[9];
  if ((value >> 7) == 0) {
    b[0] = (unsigned char)((value << 1) | 1);
    put(w, b, 1);
    return;
  }
  for (size_t n = 2; n < 9; ++n) {
    if ((value >> (7 * n)) == 0) {
      uint64_t e = ((value << 1) | 1) << (n - 1);
      for (size_t i = 0; i < n; ++i)
        b[i] = (unsigned char)(e >> (8 * i));
      put(w, b, n);
      return;
    }
  }
  b[0] = 0;
  for (size_t i = 0; i < 8; ++i)
    b[1 + i] = (unsigned char)(value >> (8 * i));
  put(w, b, 9);
}

/// Copies one group list of the resource offset section with every size
/// 0: `groups` groups (or up to the end when `groups` is UINT64_MAX).
static bool rewriteGroups(Reader *r, Writer *w, uint64_t groups) {
  for (uint64_t g = 0; g < groups && r->p < r->end; ++g) {
    uint64_t key, count;
    if (!readVarInt(r, &key) || !readVarInt(r, &count))
      return false;
    putVarInt(w, key);
    putVarInt(w, count);
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t entryKey, size;
      if (!readVarInt(r, &entryKey) || !readVarInt(r, &size) || r->p >= r->end)
        return false;
      unsigned char kind = *r->p++;
      if (kind == kStringKind)
        return false;
      putVarInt(w, entryKey);
      putVarInt(w, 0);
      put(w, &kind, 1);
    }
  }
  return true;
}

static bool rewriteOffsets(const unsigned char *data, size_t n, Writer *w) {
  Reader r = {data, data + n};
  uint64_t external;
  if (!readVarInt(&r, &external))
    return false;
  putVarInt(w, external);
  return rewriteGroups(&r, w, external) && rewriteGroups(&r, w, UINT64_MAX) &&
         r.p == r.end;
}

/// Appends one section: code, length, alignment and padding (0xCB, to the
/// alignment of the output offset), data.
static void putSection(Writer *w, unsigned code, uint64_t alignment,
                       const unsigned char *data, size_t n) {
  unsigned char c = (unsigned char)(code | (alignment > 1 ? 0x80 : 0));
  put(w, &c, 1);
  putVarInt(w, n);
  if (alignment > 1) {
    putVarInt(w, alignment);
    static const unsigned char pad = 0xCB;
    while (!w->oom && w->length % alignment)
      put(w, &pad, 1);
  }
  put(w, data, n);
}

bool cimOptElideResourceData(const char *bytecode, size_t length, char **out,
                             size_t *outLength) {
  const unsigned char *d = (const unsigned char *)bytecode;
  Reader r = {d, d + length};
  Writer w = {0};
  uint64_t version;
  if (length < 4 || memcmp(d, "ML\xefR", 4) != 0)
    return false;
  r.p += 4;
  if (!readVarInt(&r, &version))
    return false;
  const unsigned char *nul = memchr(r.p, 0, (size_t)(r.end - r.p));
  if (!nul)
    return false;
  r.p = nul + 1;
  put(&w, d, (size_t)(r.p - d));
  bool ok = true;
  while (ok && r.p < r.end) {
    unsigned code = *r.p & 0x7f, aligned = *r.p & 0x80;
    ++r.p;
    uint64_t size, alignment = 1;
    ok = readVarInt(&r, &size) && (!aligned || readVarInt(&r, &alignment));
    while (ok && aligned && alignment > 1 &&
           (size_t)(r.p - d) % alignment != 0 && r.p < r.end)
      ++r.p; /* the padding */
    ok = ok && size <= (uint64_t)(r.end - r.p);
    if (!ok)
      break;
    if (code == kResourceSection) {
      putSection(&w, code, 1, NULL, 0);
    } else if (code == kResourceOffsetSection) {
      Writer offsets = {0};
      ok = rewriteOffsets(r.p, (size_t)size, &offsets) && !offsets.oom;
      if (ok)
        putSection(&w, code, alignment, offsets.data, offsets.length);
      free(offsets.data);
    } else {
      putSection(&w, code, alignment, r.p, (size_t)size);
    }
    r.p += size;
  }
  if (!ok || w.oom) {
    free(w.data);
    return false;
  }
  *out = (char *)w.data;
  *outLength = w.length;
  return true;
}
