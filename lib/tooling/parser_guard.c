/*===-- parser_guard.c - Inputs that crash MLIR 22's parser ---------------===*
 *
 * MLIR parses before any cimlir code sees an op, so an input that crashes
 * the parser itself can only be refused by looking at the text first. One
 * such input is known (docs/testing.md, found by the mlir_passes fuzzer):
 * linalg's custom syntax takes `<` any attribute `>` as the op's properties
 * and casts it to a dictionary unchecked, so `linalg.matmul<1>` is a SEGV in
 * stock mlir-opt 22 too.
 *===----------------------------------------------------------------------===*/

#include <ctype.h>
#include <string.h>

#include "cim-c/Tooling.h"

static bool isOpNameChar(char c) {
  return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

bool cimCheckLinalgProperties(MlirStringRef text, unsigned *line,
                              unsigned *column) {
  const char *s = text.data;
  size_t n = text.length, lineStart = 0;
  unsigned currentLine = 1;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (c == '\n') {
      ++currentLine;
      lineStart = i + 1;
    } else if (c == '"') {
      size_t k = i + 1;
      for (; k < n && s[k] != '"'; ++k) {
        if (s[k] == '\\' && k + 1 < n)
          ++k;
        if (s[k] == '\n') {
          ++currentLine;
          lineStart = k + 1;
        }
      }
      i = k < n ? k : n - 1;
    } else if (c == '/' && i + 1 < n && s[i + 1] == '/') {
      while (i + 1 < n && s[i + 1] != '\n')
        ++i;
    } else if (c == 'l' &&
               (i == 0 || !(isOpNameChar(s[i - 1]) || s[i - 1] == '#' ||
                            s[i - 1] == '!')) &&
               n - i > 7 && memcmp(s + i, "linalg.", 7) == 0) {
      /* An op name, not an attribute or type of the dialect
       * (#linalg.type_fn<cast_unsigned>, !linalg...<...>). */
      size_t k = i + 7, end;
      while (k < n && isOpNameChar(s[k]))
        ++k;
      end = k;
      while (k < n && (s[k] == ' ' || s[k] == '\t'))
        ++k;
      if (end == i + 7 || k >= n || s[k] != '<') {
        i = end - 1;
        continue;
      }
      size_t angle = k++;
      while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' ||
                       s[k] == '\r'))
        ++k;
      if (k >= n || s[k] != '{') {
        if (line)
          *line = currentLine;
        if (column)
          *column = (unsigned)(angle - lineStart + 1);
        return false;
      }
      i = angle;
    }
  }
  return true;
}
