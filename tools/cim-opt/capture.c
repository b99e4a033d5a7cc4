/*===-- capture.c - Text from callbacks and from stderr, for cim-opt ------===*
 *
 * Several of cim-opt's emulations of mlir-opt read text that MLIR's C API
 * only hands to a callback or only writes to stderr (pass pipelines and
 * printed ops; --mlir-timing's report, --mlir-print-ir-* dumps, the IR dumps
 * behind --log-actions-to). The two ways of catching it live here.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L /* fileno, dup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

void cimOptAppendText(MlirStringRef s, void *userData) {
  CimOptText *t = userData;
  char *grown = realloc(t->data, t->length + s.length + 1);
  if (!grown)
    return;
  memcpy(grown + t->length, s.data, s.length);
  t->length += s.length;
  grown[t->length] = '\0';
  t->data = grown;
}

FILE *cimOptCaptureStderr(int *saved) {
  fflush(stderr);
  FILE *capture = tmpfile();
  *saved = capture ? dup(2) : -1;
  if (*saved < 0 || dup2(fileno(capture), 2) < 0) {
    if (*saved >= 0)
      close(*saved);
    *saved = -1;
    if (capture)
      fclose(capture);
    return NULL;
  }
  return capture;
}
