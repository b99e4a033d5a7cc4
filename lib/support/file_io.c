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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cim-c/Input.h"
#include "cim-c/Output.h"

uint64_t cimByteLimitFromEnvironment(const char *name, uint64_t byDefault) {
  const char *env = getenv(name);
  if (!env || !*env)
    return byDefault;
  errno = 0;
  char *end = NULL;
  unsigned long long v = strtoull(env, &end, 10);
  unsigned shift = 0;
  if (end && (*end == 'K' || *end == 'k'))
    shift = 10, ++end;
  else if (end && (*end == 'M' || *end == 'm'))
    shift = 20, ++end;
  else if (end && (*end == 'G' || *end == 'g'))
    shift = 30, ++end;
  if (errno || end == env || *end != '\0' || env[0] == '-' || v == 0 ||
      v > (UINT64_MAX >> shift))
    return byDefault;
  return (uint64_t)v << shift;
}

uint64_t cimInputGetLimit(void) {
  return cimByteLimitFromEnvironment("CIM_MAX_INPUT_BYTES",
                                     CIM_DEFAULT_MAX_INPUT_BYTES);
}

/// Reads `f` to its end into `contents`, at most `limit` bytes. Returns 0,
/// an errno value, or EFBIG when there is more than `limit`.
static int readStream(FILE *f, uint64_t limit, CimStrBuf *contents) {
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if ((uint64_t)contents->length + n > limit)
      return EFBIG;
    cimStrBufAppend(contents, chunk, n);
    if (contents->oom)
      return ENOMEM;
  }
  return ferror(f) ? (errno ? errno : EIO) : 0;
}

/// Reads `path` ("-": standard input) whole into `contents`; on failure puts
/// the message into `msg`.
static void readWhole(const char *path, const char *what, CimStrBuf *contents,
                      CimStrBuf *msg) {
  bool useStdin = strcmp(path, "-") == 0;
  FILE *f = useStdin ? stdin : fopen(path, "rb");
  if (!f) {
    cimStrBufPrintf(msg, "cannot open %s '%s': %s", what, path, strerror(errno));
    return;
  }
  uint64_t limit = cimInputGetLimit();
  /* A regular file's size known: one buffer of that size (+1 to see EOF),
   * not a doubling series. Reserving is only a hint; the limit is checked
   * while reading. */
  struct stat st;
  if (!useStdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
      st.st_size > 0 && (uint64_t)st.st_size <= limit)
    cimStrBufReserve(contents, (size_t)st.st_size + 1);
  errno = 0;
  int error = readStream(f, limit, contents);
  if (!useStdin)
    fclose(f);
  if (error == EFBIG)
    cimStrBufPrintf(msg,
                    "%s '%s' is larger than the input limit of %llu bytes "
                    "(set CIM_MAX_INPUT_BYTES to raise it)",
                    what, path, (unsigned long long)limit);
  else if (error)
    cimStrBufPrintf(msg, "cannot read %s '%s': %s", what, path,
                    strerror(error));
}

bool cimReadWholeFile(const char *path, const char *what, CimStrBuf *contents,
                      MlirStringCallback errorCallback, void *userData) {
  CimStrBuf msg = {0};
  readWhole(path, what, contents, &msg);
  if (msg.length == 0)
    return true;
  if (errorCallback)
    errorCallback(mlirStringRefCreate(cimStrBufGet(&msg), msg.length), userData);
  cimStrBufFree(&msg);
  return false;
}

MlirLogicalResult cimReadInputFile(const char *path, const char *what,
                                   char **data, size_t *size,
                                   MlirStringCallback errorCallback,
                                   void *userData) {
  CimStrBuf contents = {0};
  *data = NULL;
  *size = 0;
  if (!cimReadWholeFile(path, what, &contents, errorCallback, userData)) {
    cimStrBufFree(&contents);
    return mlirLogicalResultFailure();
  }
  /* An empty file still gets a (NUL-terminated) buffer. */
  cimStrBufAppend(&contents, "", 0);
  if (contents.oom || !contents.data) {
    cimStrBufFree(&contents);
    if (errorCallback) {
      char m[600];
      snprintf(m, sizeof m, "cannot read %s '%s': %s", what, path,
               strerror(ENOMEM));
      errorCallback(mlirStringRefCreateFromCString(m), userData);
    }
    return mlirLogicalResultFailure();
  }
  *size = contents.length;
  *data = contents.data; /* takes the buffer */
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimWriteFileAtomically(const char *path,
                                         bool (*write)(FILE *out, void *data),
                                         void *data,
                                         MlirStringCallback errorCallback,
                                         void *userData) {
  bool ok = false;
  CimOutputFile out = cimOutputFileOpen(path, errorCallback, userData);
  if (!cimOutputFileIsNull(out)) {
    if (write(cimOutputFileGetStream(out), data)) {
      ok = mlirLogicalResultIsSuccess(
          cimOutputFileDefer(out, errorCallback, userData));
    } else {
      cimOutputFileDiscard(out);
      if (errorCallback) {
        char m[4200];
        snprintf(m, sizeof m, "cannot write '%s'", path);
        errorCallback(mlirStringRefCreateFromCString(m), userData);
      }
    }
  }
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
