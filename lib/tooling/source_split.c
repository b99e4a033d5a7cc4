/*===-- source_split.c - Splitting a source buffer at marker lines --------===*
 *
 * cimSplitSourceBuffer cuts a buffer into the pieces that --split-input-file
 * processes one by one. A marker is a whole line ("// -----" by default,
 * whitespace around it ignored); each chunk borrows its text from the
 * original buffer and remembers the line on which it starts, so that the
 * parser (source_parse.c) can give its locations the line numbers of the
 * whole file and a verifier can check it line range by line range.
 *
 * mlir-opt splits wherever the marker text occurs, even in the middle of a
 * line; cimSplitSourceBuffer's line-based marker is stricter on purpose:
 * text after a `// -----` on the same line would otherwise silently move to
 * the next chunk. cimSplitInputFile (below) is mlir-opt's splitting, quirks
 * and near-miss warnings included, for drivers that must behave exactly like
 * mlir-opt (cim-opt).
 *===----------------------------------------------------------------------===*/

#include "cim-c/Tooling.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "DiagnosticFormat.h"

static bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/// True when text[begin, end) is `marker` with optional blanks around it.
static bool lineIsMarker(const char *line, size_t length,
                         MlirStringRef marker) {
  size_t b = 0, e = length;
  while (b < e && isBlank(line[b]))
    ++b;
  while (e > b && isBlank(line[e - 1]))
    --e;
  return e - b == marker.length && memcmp(line + b, marker.data, e - b) == 0;
}

intptr_t cimSplitSourceBuffer(MlirStringRef buffer, MlirStringRef marker,
                              CimSourceChunk **chunks) {
  static const char kDefaultMarker[] = "// -----";
  if (marker.length == 0)
    marker = mlirStringRefCreate(kDefaultMarker, sizeof kDefaultMarker - 1);
  *chunks = NULL;
  const char *text = buffer.data ? buffer.data : "";
  size_t length = buffer.data ? buffer.length : 0;

  /* First pass counts the markers, the second fills the array. */
  size_t capacity = 1;
  CimSourceChunk *out = NULL;
  for (int pass = 0; pass < 2; ++pass) {
    size_t count = 0, chunkStart = 0, pos = 0;
    unsigned line = 1, chunkLine = 1;
    while (pos < length) {
      const char *nl = memchr(text + pos, '\n', length - pos);
      size_t lineEnd = nl ? (size_t)(nl - text) : length;
      if (lineIsMarker(text + pos, lineEnd - pos, marker)) {
        if (out)
          out[count] = (CimSourceChunk){
              mlirStringRefCreate(text + chunkStart, pos - chunkStart),
              chunkLine};
        ++count;
        chunkStart = nl ? lineEnd + 1 : length;
        chunkLine = line + 1;
      }
      if (!nl)
        break;
      pos = lineEnd + 1;
      ++line;
    }
    if (out) {
      out[count] = (CimSourceChunk){
          mlirStringRefCreate(text + chunkStart, length - chunkStart),
          chunkLine};
      break;
    }
    capacity = count + 1;
    out = malloc(capacity * sizeof *out);
    if (!out)
      return 0;
  }
  *chunks = out;
  return (intptr_t)capacity;
}

/*===----------------------------------------------------------------------===*
 * mlir-opt's own splitting (mlir/lib/Support/ToolUtilities.cpp, LLVM 22)
 *
 * The buffer is cut wherever the marker minus its last two characters
 * occurs, anywhere in a line. A piece that goes on with those two characters
 * (and has a third character that is not '0': LLVM compares with '0' where
 * it means '-', and we keep that) ends a chunk; the next chunk starts right
 * after the marker, on the marker's line. Any other piece is a near miss:
 * warned about and glued back. A piece that follows an empty chunk (a
 * marker at the very start, or two markers in a row) is taken as it is,
 * marker tail included, and empty chunks are dropped only there and at the
 * end -- all as LLVM does.
 *===----------------------------------------------------------------------===*/

/// Finds `needle` in text[from, length); returns length when absent.
static size_t findFrom(const char *text, size_t length, size_t from,
                       MlirStringRef needle) {
  if (needle.length == 0)
    return from;
  for (size_t i = from; i + needle.length <= length; ++i)
    if (text[i] == needle.data[0] &&
        memcmp(text + i, needle.data, needle.length) == 0)
      return i;
  return length;
}

static bool pushChunk(CimSourceChunk **items, size_t *size, size_t *cap,
                      const char *base, size_t begin, size_t end) {
  if (*size == *cap) {
    size_t grownCap = *cap ? 2 * *cap : 8;
    CimSourceChunk *grown = realloc(*items, grownCap * sizeof *grown);
    if (!grown)
      return false;
    *items = grown;
    *cap = grownCap;
  }
  unsigned line = 1;
  for (size_t i = 0; i < begin; ++i)
    line += base[i] == '\n';
  (*items)[(*size)++] =
      (CimSourceChunk){mlirStringRefCreate(base + begin, end - begin), line};
  return true;
}

intptr_t cimSplitInputFile(CimSourceBuffer source, MlirStringRef marker,
                           FILE *warnings, CimSourceChunk **chunks) {
  static const char kDefaultMarker[] = "// -----";
  enum { kCheckLen = 2 };
  if (marker.length == 0)
    marker = mlirStringRefCreate(kDefaultMarker, sizeof kDefaultMarker - 1);
  assert(marker.length > kCheckLen && "markers are longer than 2 characters");
  *chunks = NULL;
  const char *text = source.text.data ? source.text.data : "";
  size_t length = source.text.data ? source.text.length : 0;
  MlirStringRef head = mlirStringRefCreate(marker.data,
                                           marker.length - kCheckLen);
  const char *tail = marker.data + marker.length - kCheckLen;

  CimSourceChunk *items = NULL;
  size_t size = 0, cap = 0;
  /* `prev` is the chunk being grown: [prevBegin, prevEnd). */
  size_t pieceBegin = 0;
  size_t cut = findFrom(text, length, 0, head);
  size_t prevBegin = 0, prevEnd = cut;
  bool havePrev = false;
  while (true) {
    size_t pieceEnd = cut;
    if (!havePrev) {
      /* The first piece, or the one after an empty chunk. */
      prevBegin = pieceBegin;
      prevEnd = pieceEnd;
      havePrev = true;
    } else {
      size_t pieceLength = pieceEnd - pieceBegin;
      bool expected = pieceLength > kCheckLen &&
                      memcmp(text + pieceBegin, tail, kCheckLen) == 0 &&
                      text[pieceBegin + kCheckLen] != '0';
      if (expected) {
        if (!pushChunk(&items, &size, &cap, text, prevBegin, prevEnd))
          goto oom;
        prevBegin = pieceBegin + kCheckLen;
        prevEnd = pieceEnd;
      } else {
        static const char kNearMiss[] = "near miss with file split marker";
        if (warnings)
          cimDiagPrintAtOffset(warnings, source, pieceBegin, 0,
                               MlirDiagnosticWarning,
                               mlirStringRefCreate(kNearMiss,
                                                   sizeof kNearMiss - 1));
        prevEnd = pieceEnd; /* glue the piece back on */
      }
    }
    if (prevEnd == prevBegin)
      havePrev = false;
    if (cut >= length)
      break;
    pieceBegin = cut + head.length;
    cut = findFrom(text, length, pieceBegin, head);
  }
  if (havePrev && prevEnd > prevBegin &&
      !pushChunk(&items, &size, &cap, text, prevBegin, prevEnd))
    goto oom;
  *chunks = items;
  return (intptr_t)size;
oom:
  free(items);
  return -1;
}
