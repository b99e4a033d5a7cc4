/*===-- file_io.c - Whole-file reads and atomic writes ---------------------===*
 *
 * Every reader of a user file (targets, policies, .npy tensors, IRDL files)
 * reads it whole and reports failures the same way; every writer of a
 * report or tensor goes through the atomic output file of the tooling, so a
 * failing run never leaves a half-written file, and defers it
 * (cimOutputFileDefer), so that when a tool has begun deferred outputs the
 * file appears only if the whole run succeeds.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L
#include "support/FileIO.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Output.h"

bool cimReadWholeFile(const char *path, const char *what, CimStrBuf *contents,
                      MlirStringCallback errorCallback, void *userData) {
  CimStrBuf msg = {0};
  FILE *f = fopen(path, "rb");
  if (!f) {
    cimStrBufPrintf(&msg, "cannot open %s '%s': %s", what, path, strerror(errno));
  } else {
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
      cimStrBufAppend(contents, chunk, n);
    if (ferror(f) || contents->oom)
      cimStrBufPrintf(&msg, "cannot read %s '%s'", what, path);
    fclose(f);
  }
  if (msg.length == 0)
    return true;
  if (errorCallback)
    errorCallback(mlirStringRefCreate(cimStrBufGet(&msg), msg.length), userData);
  cimStrBufFree(&msg);
  return false;
}

MlirLogicalResult cimWriteFileAtomically(const char *path,
                                         bool (*write)(FILE *out, void *data),
                                         void *data,
                                         MlirStringCallback errorCallback,
                                         void *userData) {
  /* The output file reports on a FILE*; collect that into a message. */
  char *errors = NULL;
  size_t errorsLength = 0;
  FILE *errorStream = open_memstream(&errors, &errorsLength);
  bool ok = false;
  CimOutputFile out = cimOutputFileOpen(path, errorStream);
  if (!cimOutputFileIsNull(out)) {
    if (write(cimOutputFileGetStream(out), data)) {
      ok = mlirLogicalResultIsSuccess(cimOutputFileDefer(out, errorStream));
    } else {
      cimOutputFileDiscard(out);
      if (errorStream)
        fprintf(errorStream, "cannot write '%s'\n", path);
    }
  }
  if (errorStream)
    fclose(errorStream);
  if (!ok && errorCallback) {
    size_t n = errorsLength;
    while (n > 0 && errors[n - 1] == '\n')
      --n;
    errorCallback(mlirStringRefCreate(errors ? errors : "", n), userData);
  }
  free(errors);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
