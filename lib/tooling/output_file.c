/*===-- output_file.c - Output files that appear only when complete -------===*
 *
 * A tool that fails half-way must not leave a truncated output behind, nor
 * destroy the output of its previous run: a build system would take either
 * for a result. cimOutputFileOpen therefore writes to a temporary file in the
 * directory of the target, named ".<basename>.tmpXXXXXX", and
 * cimOutputFileCommit renames it over the target, which on POSIX replaces the
 * file in one step; cimOutputFileDiscard deletes it. "-" is standard output,
 * which is written directly (committing flushes it).
 *
 * The temporary is created with open(O_CREAT | O_EXCL, 0666) under a random
 * name rather than with mkstemp, because mkstemp creates files with mode 0600
 * and the rename would hand that mode on to the output; this way the output
 * gets the usual 0666 & ~umask, as with any other tool. The data is not
 * fsync'ed: the rename protects against failing and concurrent tools, not
 * against power loss, which is not worth a disk flush per output.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include "cim-c/Tooling.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "StrBuf.h"

typedef struct OutputFile {
  FILE *stream;
  char *path;    /* the target */
  char *tmpPath; /* NULL for stdout */
} OutputFile;

static void reportError(FILE *errorStream, const char *what, const char *path,
                        int error) {
  if (errorStream)
    fprintf(errorStream, "%s '%s': %s\n", what, path, strerror(error));
}

/// A random suffix of `n` characters from [A-Za-z0-9].
static void randomSuffix(char *out, size_t n) {
  static const char chars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static unsigned long long counter;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  unsigned long long x =
      (unsigned long long)ts.tv_nsec ^ ((unsigned long long)ts.tv_sec << 30) ^
      ((unsigned long long)getpid() << 16) ^
      (++counter * 0x9e3779b97f4a7c15ULL) ^ (unsigned long long)(uintptr_t)out;
  for (size_t i = 0; i < n; ++i) {
    /* splitmix64 */
    x += 0x9e3779b97f4a7c15ULL;
    unsigned long long z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    out[i] = chars[z % (sizeof chars - 1)];
  }
}

CimOutputFile cimOutputFileOpen(const char *path, FILE *errorStream) {
  OutputFile *f = calloc(1, sizeof *f);
  if (!f || !(f->path = strdup(path))) {
    free(f);
    reportError(errorStream, "cannot open output file", path, ENOMEM);
    return (CimOutputFile){NULL};
  }
  if (strcmp(path, "-") == 0) {
    f->stream = stdout;
    return (CimOutputFile){f};
  }

  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    reportError(errorStream, "cannot open output file", path, EISDIR);
    free(f->path);
    free(f);
    return (CimOutputFile){NULL};
  }

  /* dir/.base.tmpXXXXXX */
  const char *slash = strrchr(path, '/');
  size_t dirLength = slash ? (size_t)(slash - path) + 1 : 0;
  CimStrBuf tmp = {0};
  cimStrBufAppend(&tmp, path, dirLength);
  cimStrBufAppendCString(&tmp, ".");
  cimStrBufAppendCString(&tmp, path + dirLength);
  cimStrBufAppendCString(&tmp, ".tmpXXXXXX");
  int fd = -1, error = ENOMEM;
  for (int attempt = 0; !tmp.oom && attempt < 100; ++attempt) {
    randomSuffix(tmp.data + tmp.length - 6, 6);
    fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    error = errno;
    if (fd >= 0 || error != EEXIST)
      break;
  }
  if (fd >= 0 && !(f->stream = fdopen(fd, "w"))) {
    error = errno;
    close(fd);
    unlink(tmp.data);
    fd = -1;
  }
  if (fd < 0) {
    reportError(errorStream, "cannot open output file", path, error);
    cimStrBufFree(&tmp);
    free(f->path);
    free(f);
    return (CimOutputFile){NULL};
  }
  f->tmpPath = tmp.data; /* takes the buffer */
  return (CimOutputFile){f};
}

FILE *cimOutputFileGetStream(CimOutputFile file) {
  OutputFile *f = file.ptr;
  return f ? f->stream : NULL;
}

void cimWriteToStream(MlirStringRef text, void *stream) {
  if (text.length)
    fwrite(text.data, 1, text.length, (FILE *)stream);
}

static void freeOutputFile(OutputFile *f) {
  free(f->path);
  free(f->tmpPath);
  free(f);
}

MlirLogicalResult cimOutputFileCommit(CimOutputFile file, FILE *errorStream) {
  OutputFile *f = file.ptr;
  if (!f)
    return mlirLogicalResultFailure();
  bool ok = true;
  int error = 0;
  if (!f->tmpPath) {
    errno = 0;
    if (fflush(f->stream) != 0 || ferror(f->stream)) {
      error = errno ? errno : EIO;
      ok = false;
    }
  } else {
    bool writeFailed = ferror(f->stream) != 0;
    errno = 0;
    if (fflush(f->stream) != 0)
      writeFailed = true;
    error = errno;
    if (fclose(f->stream) != 0) {
      writeFailed = true;
      error = error ? error : errno;
    }
    if (writeFailed) {
      ok = false;
      error = error ? error : EIO;
    } else if (rename(f->tmpPath, f->path) != 0) {
      ok = false;
      error = errno;
    }
    if (!ok)
      unlink(f->tmpPath);
  }
  if (!ok)
    reportError(errorStream, "cannot write output file", f->path, error);
  freeOutputFile(f);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

void cimOutputFileDiscard(CimOutputFile file) {
  OutputFile *f = file.ptr;
  if (!f)
    return;
  if (f->tmpPath) {
    fclose(f->stream);
    unlink(f->tmpPath);
  }
  freeOutputFile(f);
}
