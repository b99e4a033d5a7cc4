/*===-- reproducer.c - --run-reproducer ------------------------------------===*
 *
 * A reproducer is an input whose file metadata carries the run's
 * configuration as the external resource `mlir_reproducer`:
 *
 *   {-#
 *     external_resources: {
 *       mlir_reproducer: {
 *         pipeline: "builtin.module(func.func(cse))",
 *         disable_threading: true,
 *         verify_each: true
 *       }
 *     }
 *   #-}
 *
 * mlir-opt hands that resource to a parser of its own while parsing; the C
 * API's parser takes no resource parsers, so cim-opt reads the entry from
 * the text first and blanks it (newlines kept, so locations stay), as if
 * the parser had consumed it. As in mlir-opt, the pipeline found there runs
 * first, then the pass flags of the command line; a --pass-pipeline of the
 * command line replaces it; a bad entry is an error at its position, in
 * mlir-opt's words.
 *===----------------------------------------------------------------------===*/

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "metadata_scan.h"
#include "options.h"

/// mlir-opt's diagnostic for a bad entry: position, message, source line
/// and caret.
static void reportAt(const char *name, const char *input, const char *at,
                     const char *message, const char *key, size_t keyLength) {
  unsigned line = 1;
  const char *lineStart = input;
  for (const char *q = input; q < at; ++q)
    if (*q == '\n') {
      ++line;
      lineStart = q + 1;
    }
  const char *lineEnd = strchr(at, '\n');
  int width = lineEnd ? (int)(lineEnd - lineStart) : (int)strlen(lineStart);
  fprintf(stderr, "%s:%u:%u: error: %s '%.*s'\n%.*s\n%*s^\n", name, line,
          (unsigned)(at - lineStart) + 1, message, (int)keyLength, key, width,
          lineStart, (int)(at - lineStart), "");
}

int cimOptApplyReproducer(CimOptOptions *o, const char *name, char *input,
                          size_t length, char **pipeline) {
  *pipeline = NULL;
  char *end = input + length;
  char *meta = NULL;
  meta = cimOptScanFindMetadata(input, end);
  char *ext = meta ? cimOptScanFindEntry(meta, end, "external_resources") : NULL;
  char *entry = ext ? cimOptScanFindEntry(ext, end, "mlir_reproducer") : NULL;
  if (!entry)
    return 0; /* nothing to run, as in mlir-opt */
  Scanner s = {entry, end};
  const char *key;
  size_t n;
  cimOptScanParseKey(&s, &key, &n);
  cimOptScanAccept(&s, ':');
  cimOptScanAccept(&s, '{');
  while (!cimOptScanAccept(&s, '}')) {
    cimOptScanSkipBlanks(&s);
    const char *keyAt = s.p;
    if (!cimOptScanParseKey(&s, &key, &n) || !cimOptScanAccept(&s, ':')) {
      reportAt(name, input, keyAt, "expected a key in", "mlir_reproducer", 15);
      return 1;
    }
    cimOptScanSkipBlanks(&s);
    const char *valueAt = s.p;
    bool b = false, isPipeline = n == 8 && !memcmp(key, "pipeline", 8);
    bool isThreading = n == 17 && !memcmp(key, "disable_threading", 17);
    bool isVerify = n == 11 && !memcmp(key, "verify_each", 11);
    if (!isPipeline && !isThreading && !isVerify) {
      reportAt(name, input, keyAt, "unknown 'mlir_reproducer' resource key",
               key, n);
      return 1;
    }
    if (isPipeline) {
      free(*pipeline);
      if (!(*pipeline = cimOptScanParseString(&s, NULL))) {
        reportAt(name, input, valueAt, "expected string value for key", key,
                 n);
        return 1;
      }
    } else if (!cimOptScanParseBoolValue(&s, &b)) {
      reportAt(name, input, valueAt, "expected 'true' or 'false' value for key",
               key, n);
      return 1;
    } else if (isThreading) {
      o->disableThreading = b;
    } else {
      o->verifyEach = b;
    }
    if (!cimOptScanAccept(&s, ',')) {
      cimOptScanSkipBlanks(&s);
      if (!cimOptScanAccept(&s, '}')) {
        reportAt(name, input, s.p, "expected ',' or '}' after the value of",
                 key, n);
        return 1;
      }
      break;
    }
  }
  cimOptScanBlankEntry(ext, entry, s.p, end);
  /* As in mlir-opt: --pass-pipeline wins; pass flags run after. */
  if (!o->pipeline)
    o->pipeline = *pipeline;
  return 0;
}
