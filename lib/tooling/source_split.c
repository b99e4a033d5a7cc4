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
 * line; a line-based marker is stricter on purpose: text after a `// -----`
 * on the same line would otherwise silently move to the next chunk.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Tooling.h"

#include <stdlib.h>
#include <string.h>

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
