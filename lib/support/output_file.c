/*===-- output_file.c - Output files that appear only when complete -------===*
 *
 * A tool that fails half-way must not leave a truncated output behind, nor
 * destroy the output of its previous run: a build system would take either
 * for a result. And a tool run as root must never damage what an output path
 * names: `-o /dev/null` must write to the device, not rename a regular file
 * over it, and `-o link.mlir` must write the file the link points to, not
 * replace the link. So cimOutputFileOpen first resolves the path:
 *
 *   - "-" is standard output, written directly (committing flushes it);
 *   - a symbolic link is followed (to its final target, also when that does
 *     not exist yet), so the link stays and its target is written;
 *   - an existing target that is not a regular file (a device node such as
 *     /dev/null, a FIFO, a socket) is written through: it is opened at once
 *     (so that an unwritable one fails early), the text is collected in
 *     memory and written to it at commit, never renamed over;
 *   - a regular file (or a new one) is replaced atomically: the text goes to
 *     an anonymous file made with O_TMPFILE in the target's directory, which
 *     has no name until commit, so a crash or a kill leaves nothing behind;
 *     commit links it under a random hidden name and renames that over the
 *     target in one step. Where O_TMPFILE is not supported (some file
 *     systems) the temporary is a named ".<basename>.tmpXXXXXX" file.
 *
 * Temporaries get mode 0666 & ~umask, the usual mode of a new file (not
 * mkstemp's 0600, which the rename would hand on). The data is not fsync'ed:
 * the rename protects against failing and concurrent tools, not against power
 * loss, which is not worth a disk flush per output.
 *
 * Deferred outputs: between cimDeferredOutputsBegin and
 * cimDeferredOutputsCommit/Discard, files written by library code
 * (cimWriteFileAtomically: pass reports, tables, .npy files) are held back,
 * complete but unnamed, and appear only when the whole run has succeeded.
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE /* O_TMPFILE, linkat's AT_EMPTY_PATH */

#include "cim-c/Output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "support/StrBuf.h"

typedef enum OutputKind {
  OUTPUT_STDOUT,   /* "-" */
  OUTPUT_THROUGH,  /* existing non-regular file: memory, written at commit */
  OUTPUT_ANONYMOUS,/* O_TMPFILE: linked and renamed at commit */
  OUTPUT_NAMED,    /* named temporary: renamed at commit */
} OutputKind;

typedef struct OutputFile {
  OutputKind kind;
  FILE *stream;
  char *path;    /* the target, symbolic links resolved */
  char *tmpPath; /* OUTPUT_NAMED: the temporary */
  int fd;        /* OUTPUT_THROUGH: the target; OUTPUT_ANONYMOUS: the file */
  char *memory;  /* OUTPUT_THROUGH: what the stream collected */
  size_t memoryLength;
} OutputFile;

/// The library's one error channel: a message to the caller's callback.
typedef struct ErrorSink {
  MlirStringCallback callback;
  void *userData;
} ErrorSink;

static void reportError(ErrorSink sink, const char *what, const char *path,
                        int error) {
  if (!sink.callback)
    return;
  char m[4200];
  snprintf(m, sizeof m, "%s '%s': %s", what, path, strerror(error));
  sink.callback(mlirStringRefCreateFromCString(m), sink.userData);
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

/// Follows symbolic links from `path` to the path that writing it would
/// reach (which need not exist). Returns a malloc'ed path, or NULL with
/// errno set (ELOOP after 40 links, as the kernel does).
static char *resolveLinks(const char *path) {
  CimStrBuf cur = {0};
  cimStrBufAppendCString(&cur, path);
  for (int hops = 0; !cur.oom; ++hops) {
    struct stat st;
    if (lstat(cur.data, &st) != 0 || !S_ISLNK(st.st_mode))
      return cur.data; /* takes the buffer */
    if (hops == 40) {
      cimStrBufFree(&cur);
      errno = ELOOP;
      return NULL;
    }
    char target[PATH_MAX];
    ssize_t n = readlink(cur.data, target, sizeof target - 1);
    if (n < 0) {
      int e = errno;
      cimStrBufFree(&cur);
      errno = e;
      return NULL;
    }
    target[n] = '\0';
    CimStrBuf next = {0};
    const char *slash = strrchr(cur.data, '/');
    if (target[0] != '/' && slash)
      cimStrBufAppend(&next, cur.data, (size_t)(slash - cur.data) + 1);
    cimStrBufAppendCString(&next, target);
    cimStrBufFree(&cur);
    cur = next;
  }
  cimStrBufFree(&cur);
  errno = ENOMEM;
  return NULL;
}

/// The directory part of `path` ("." when it has none), malloc'ed.
static char *directoryOf(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return strdup(".");
  if (slash == path)
    return strdup("/");
  return strndup(path, (size_t)(slash - path));
}

/// A free name ".<basename>.tmpXXXXXX" beside `path` and, when `create`, the
/// file made there with O_EXCL (its fd in *fd). Returns the malloc'ed name.
static char *hiddenName(const char *path, bool create, int *fd, int *error) {
  const char *slash = strrchr(path, '/');
  size_t dirLength = slash ? (size_t)(slash - path) + 1 : 0;
  CimStrBuf tmp = {0};
  cimStrBufAppend(&tmp, path, dirLength);
  cimStrBufAppendCString(&tmp, ".");
  cimStrBufAppendCString(&tmp, path + dirLength);
  cimStrBufAppendCString(&tmp, ".tmpXXXXXX");
  *error = ENOMEM;
  for (int attempt = 0; !tmp.oom && attempt < 100; ++attempt) {
    randomSuffix(tmp.data + tmp.length - 6, 6);
    if (!create)
      return tmp.data;
    *fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    *error = errno;
    if (*fd >= 0)
      return tmp.data;
    if (*error != EEXIST)
      break;
  }
  cimStrBufFree(&tmp);
  return NULL;
}

static void freeOutputFile(OutputFile *f) {
  free(f->path);
  free(f->tmpPath);
  free(f->memory);
  free(f);
}

/// Opens the stream of a regular (or new) target: anonymous if the file
/// system can, named otherwise. Returns an errno value, 0 on success.
static int openReplacement(OutputFile *f) {
  char *dir = directoryOf(f->path);
  if (!dir)
    return ENOMEM;
  int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  int error = errno;
  free(dir);
  if (fd >= 0) {
    f->kind = OUTPUT_ANONYMOUS;
  } else if (error == EOPNOTSUPP || error == EISDIR || error == EINVAL) {
    f->kind = OUTPUT_NAMED;
    f->tmpPath = hiddenName(f->path, true, &fd, &error);
    if (!f->tmpPath)
      return error;
  } else {
    return error;
  }
  f->fd = fd;
  if (!(f->stream = fdopen(fd, "w"))) {
    error = errno;
    close(fd);
    if (f->tmpPath)
      unlink(f->tmpPath);
    return error;
  }
  return 0;
}

CimOutputFile cimOutputFileOpen(const char *path,
                                MlirStringCallback errorCallback,
                                void *userData) {
  ErrorSink errorStream = {errorCallback, userData};
  OutputFile *f = calloc(1, sizeof *f);
  if (!f) {
    reportError(errorStream, "cannot open output file", path, ENOMEM);
    return (CimOutputFile){NULL};
  }
  f->fd = -1;
  if (strcmp(path, "-") == 0) {
    f->kind = OUTPUT_STDOUT;
    f->stream = stdout;
    return (CimOutputFile){f};
  }
  int error = 0;
  struct stat st;
  if (!(f->path = resolveLinks(path))) {
    error = errno;
  } else if (stat(f->path, &st) == 0 && S_ISDIR(st.st_mode)) {
    error = EISDIR;
  } else if (stat(f->path, &st) == 0 && !S_ISREG(st.st_mode)) {
    f->kind = OUTPUT_THROUGH;
    f->fd = open(f->path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (f->fd < 0)
      error = errno;
    else if (!(f->stream = open_memstream(&f->memory, &f->memoryLength)))
      error = errno;
  } else {
    error = openReplacement(f);
  }
  if (error) {
    reportError(errorStream, "cannot open output file", path, error);
    if (f->fd >= 0)
      close(f->fd);
    freeOutputFile(f);
    return (CimOutputFile){NULL};
  }
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

void cimWriteLineToStream(MlirStringRef text, void *stream) {
  cimWriteToStream(text, stream);
  fputc('\n', (FILE *)stream);
}

/// Flushes and closes the stream (memory or file), keeping an anonymous
/// file's descriptor for the link. Returns an errno value, 0 on success.
static int finishWriting(OutputFile *f) {
  if (f->kind == OUTPUT_STDOUT) {
    errno = 0;
    if (fflush(f->stream) != 0 || ferror(f->stream))
      return errno ? errno : EIO;
    return 0;
  }
  if (!f->stream)
    return 0; /* already finished (a deferred output) */
  int error = 0;
  bool failed = ferror(f->stream) != 0;
  /* fclose would close an anonymous file's descriptor: keep a copy. */
  if (f->kind == OUTPUT_ANONYMOUS) {
    int keep = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
    if (keep < 0)
      failed = true, error = errno;
    f->fd = keep;
  }
  errno = 0;
  if (fflush(f->stream) != 0)
    failed = true, error = error ? error : errno;
  if (fclose(f->stream) != 0)
    failed = true, error = error ? error : errno;
  f->stream = NULL;
  return failed ? (error ? error : EIO) : 0;
}

/// Makes the finished output appear at its target. Returns an errno value.
static int publish(OutputFile *f) {
  switch (f->kind) {
  case OUTPUT_STDOUT:
    return 0;
  case OUTPUT_THROUGH: {
    size_t done = 0;
    while (done < f->memoryLength) {
      ssize_t n = write(f->fd, f->memory + done, f->memoryLength - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n < 0 ? errno : EIO;
      done += (size_t)n;
    }
    return 0;
  }
  case OUTPUT_ANONYMOUS: {
    /* Give the file a hidden name beside the target, then rename it. */
    int error = 0;
    char *name = hiddenName(f->path, false, NULL, &error);
    if (!name)
      return error;
    error = 0;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", f->fd);
    int r = linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
    if (r != 0 && errno == ENOENT) /* no /proc: needs CAP_DAC_READ_SEARCH */
      r = linkat(f->fd, "", AT_FDCWD, name, AT_EMPTY_PATH);
    if (r != 0) {
      error = errno;
      free(name);
      return error;
    }
    if (rename(name, f->path) != 0) {
      error = errno;
      unlink(name);
    }
    free(name);
    return error;
  }
  case OUTPUT_NAMED:
    if (rename(f->tmpPath, f->path) != 0)
      return errno;
    return 0;
  }
  return EINVAL;
}

/// Closes what is open and removes a named temporary; frees `f`.
static void release(OutputFile *f, bool removeTemporary) {
  if (f->stream && f->kind != OUTPUT_STDOUT)
    fclose(f->stream);
  if (f->fd >= 0)
    close(f->fd);
  if (removeTemporary && f->tmpPath)
    unlink(f->tmpPath);
  freeOutputFile(f);
}

static MlirLogicalResult commitOne(OutputFile *f, ErrorSink errorStream) {
  int error = finishWriting(f);
  if (!error)
    error = publish(f);
  if (error)
    reportError(errorStream, "cannot write output file", f->path, error);
  release(f, error != 0);
  return error ? mlirLogicalResultFailure() : mlirLogicalResultSuccess();
}

MlirLogicalResult cimOutputFileCommit(CimOutputFile file,
                                      MlirStringCallback errorCallback,
                                      void *userData) {
  OutputFile *f = file.ptr;
  if (!f)
    return mlirLogicalResultFailure();
  return commitOne(f, (ErrorSink){errorCallback, userData});
}

void cimOutputFileDiscard(CimOutputFile file) {
  OutputFile *f = file.ptr;
  if (f)
    release(f, true);
}

/*===----------------------------------------------------------------------===*
 * Deferred outputs
 *===----------------------------------------------------------------------===*/

/* Process-wide: passes run on the pass manager's threads, so the group cannot
 * be thread-local; a tool defers around one whole run. */
static pthread_mutex_t deferredLock = PTHREAD_MUTEX_INITIALIZER;
static bool deferring;
static OutputFile **deferred;
static size_t numDeferred, capDeferred;

void cimDeferredOutputsBegin(void) {
  pthread_mutex_lock(&deferredLock);
  deferring = true;
  pthread_mutex_unlock(&deferredLock);
}

bool cimDeferredOutputsActive(void) {
  pthread_mutex_lock(&deferredLock);
  bool d = deferring;
  pthread_mutex_unlock(&deferredLock);
  return d;
}

MlirLogicalResult cimOutputFileDefer(CimOutputFile file,
                                     MlirStringCallback errorCallback,
                                     void *userData) {
  ErrorSink errorStream = {errorCallback, userData};
  OutputFile *f = file.ptr;
  if (!f)
    return mlirLogicalResultFailure();
  pthread_mutex_lock(&deferredLock);
  bool active = deferring;
  pthread_mutex_unlock(&deferredLock);
  if (!active)
    return commitOne(f, errorStream);
  int error = finishWriting(f);
  if (!error) {
    pthread_mutex_lock(&deferredLock);
    if (numDeferred == capDeferred) {
      size_t cap = capDeferred ? 2 * capDeferred : 8;
      OutputFile **grown = realloc(deferred, cap * sizeof *grown);
      if (grown)
        deferred = grown, capDeferred = cap;
    }
    if (numDeferred < capDeferred)
      deferred[numDeferred++] = f;
    else
      error = ENOMEM;
    pthread_mutex_unlock(&deferredLock);
  }
  if (error) {
    reportError(errorStream, "cannot write output file", f->path, error);
    release(f, true);
    return mlirLogicalResultFailure();
  }
  return mlirLogicalResultSuccess();
}

/// Takes the deferred list and ends deferring.
static OutputFile **takeDeferred(size_t *n) {
  pthread_mutex_lock(&deferredLock);
  OutputFile **list = deferred;
  *n = numDeferred;
  deferred = NULL;
  numDeferred = capDeferred = 0;
  deferring = false;
  pthread_mutex_unlock(&deferredLock);
  return list;
}

MlirLogicalResult cimDeferredOutputsCommit(MlirStringCallback errorCallback,
                                           void *userData) {
  ErrorSink errorStream = {errorCallback, userData};
  size_t n;
  OutputFile **list = takeDeferred(&n);
  bool ok = true;
  for (size_t i = 0; i < n; ++i)
    if (mlirLogicalResultIsFailure(commitOne(list[i], errorStream)))
      ok = false;
  free(list);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

void cimDeferredOutputsDiscard(void) {
  size_t n;
  OutputFile **list = takeDeferred(&n);
  for (size_t i = 0; i < n; ++i)
    release(list[i], true);
  free(list);
}
