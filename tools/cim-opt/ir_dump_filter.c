/*===-- ir_dump_filter.c - --mlir-print-ir-before=/after= on the C API -----===*
 *
 * mlirPassManagerEnableIRPrinting prints the IR around every pass or around
 * none; mlir-opt's --mlir-print-ir-before=PASS,... and --mlir-print-ir-after=
 * name the passes. cim-opt gets the same output by printing around every
 * pass into a temporary file that stands in for file descriptor 2 while the
 * pass manager runs, and then copying to stderr only the dumps whose header
 *
 *   // -----// IR Dump Before CSE (cse) //----- //
 *   // -----// IR Dump After CSE Failed (cse) ('func.func' operation: @f) ...
 *
 * names a selected pass argument in parentheses. A dump runs from its header
 * to the next header. Diagnostics printed during the run do not go into the
 * file: cim-opt's diagnostic printer writes through the stream of
 * cimOptIRDumpFilterStream, which records each message with the file's size
 * at that moment and puts it back at that place, so that messages and dumps
 * keep mlir-opt's order and a message never counts as part of a dump.
 * cim-opt contexts run single-threaded, so a dump is never interleaved with
 * a message.
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"

typedef struct Message {
  long offset; /* size of the captured dumps when the message came */
  char *text;
  size_t length;
} Message;

struct CimOptIRDumpFilter {
  const CimOptOptions *options;
  FILE *stream;  /* what the diagnostic printer writes to */
  FILE *capture; /* stands in for fd 2 while active */
  int savedFd;   /* the real stderr while active, else -1 */
  Message *messages;
  size_t numMessages, capacity;
};

static ssize_t streamWrite(void *cookie, const char *buf, size_t size) {
  CimOptIRDumpFilter *f = cookie;
  if (f->savedFd < 0) {
    fwrite(buf, 1, size, stderr);
    fflush(stderr);
    return (ssize_t)size;
  }
  struct stat st;
  long offset = fstat(fileno(f->capture), &st) == 0 ? (long)st.st_size : 0;
  Message *last = f->numMessages ? &f->messages[f->numMessages - 1] : NULL;
  if (!last || last->offset != offset) {
    if (f->numMessages == f->capacity) {
      size_t cap = f->capacity ? 2 * f->capacity : 8;
      Message *grown = realloc(f->messages, cap * sizeof *grown);
      if (!grown)
        return -1;
      f->messages = grown;
      f->capacity = cap;
    }
    last = &f->messages[f->numMessages++];
    *last = (Message){offset, NULL, 0};
  }
  char *grown = realloc(last->text, last->length + size);
  if (!grown)
    return -1;
  memcpy(grown + last->length, buf, size);
  last->text = grown;
  last->length += size;
  return (ssize_t)size;
}

CimOptIRDumpFilter *cimOptIRDumpFilterCreate(const CimOptOptions *o) {
  if (o->numPrintBeforePasses == 0 && o->numPrintAfterPasses == 0)
    return NULL;
  CimOptIRDumpFilter *f = calloc(1, sizeof *f);
  if (!f)
    return NULL;
  f->options = o;
  f->savedFd = -1;
  cookie_io_functions_t io = {NULL, streamWrite, NULL, NULL};
  f->stream = fopencookie(f, "w", io);
  if (!f->stream) {
    free(f);
    return NULL;
  }
  setvbuf(f->stream, NULL, _IONBF, 0);
  return f;
}

FILE *cimOptIRDumpFilterStream(CimOptIRDumpFilter *f) {
  return f ? f->stream : stderr;
}

bool cimOptIRDumpFilterBegin(CimOptIRDumpFilter *f) {
  if (!f)
    return true;
  f->capture = cimOptCaptureStderr(&f->savedFd);
  return f->capture != NULL;
}

/// Whether `pass` (one name of a comma-separated list) appears as "(pass)"
/// in `header`.
static bool namesPass(const char *header, size_t length, const char *list) {
  while (*list) {
    const char *comma = strchr(list, ',');
    size_t n = comma ? (size_t)(comma - list) : strlen(list);
    if (n && n + 2 <= length) {
      for (size_t i = 0; i + n + 2 <= length; ++i)
        if (header[i] == '(' && header[i + n + 1] == ')' &&
            !memcmp(header + i + 1, list, n)) {
          return true;
        }
    }
    if (!comma)
      break;
    list = comma + 1;
  }
  return false;
}

static bool selected(const CimOptIRDumpFilter *f, const char *line,
                     size_t length) {
  static const char before[] = "// -----// IR Dump Before ";
  const CimOptOptions *o = f->options;
  const char *const *list;
  int n;
  if (length >= sizeof before - 1 && !memcmp(line, before, sizeof before - 1)) {
    if (o->printBefore)
      return true;
    list = o->printBeforePasses;
    n = o->numPrintBeforePasses;
  } else {
    if (o->printAfter || o->printAfterFailure)
      return true;
    list = o->printAfterPasses;
    n = o->numPrintAfterPasses;
  }
  for (int i = 0; i < n; ++i)
    if (namesPass(line, length, list[i]))
      return true;
  return false;
}

static bool isHeader(const char *line, size_t length) {
  static const char prefix[] = "// -----// IR Dump ";
  return length >= sizeof prefix - 1 && !memcmp(line, prefix, sizeof prefix - 1);
}

/// Copies the lines of [begin, end) of the captured text to `out`, dropping
/// the dumps that are not selected; `*keep` carries on from one range to
/// the next.
static void copyRange(const CimOptIRDumpFilter *f, const char *text,
                      long begin, long end, bool *keep, FILE *out) {
  long pos = begin;
  while (pos < end) {
    const char *nl = memchr(text + pos, '\n', (size_t)(end - pos));
    long next = nl ? (long)(nl - text) + 1 : end;
    size_t length = (size_t)(next - pos);
    if (isHeader(text + pos, length))
      *keep = selected(f, text + pos, length);
    if (*keep)
      fwrite(text + pos, 1, length, out);
    pos = next;
  }
}

void cimOptIRDumpFilterEnd(CimOptIRDumpFilter *f) {
  if (!f || f->savedFd < 0)
    return;
  fflush(stderr);
  dup2(f->savedFd, 2);
  close(f->savedFd);
  f->savedFd = -1;

  long size = ftell(f->capture);
  if (fseek(f->capture, 0, SEEK_END) == 0)
    size = ftell(f->capture);
  char *text = size > 0 ? malloc((size_t)size) : NULL;
  if (text) {
    rewind(f->capture);
    size = (long)fread(text, 1, (size_t)size, f->capture);
  } else {
    size = 0;
  }
  fclose(f->capture);
  f->capture = NULL;

  bool keep = true;
  long pos = 0;
  for (size_t i = 0; i < f->numMessages; ++i) {
    Message *m = &f->messages[i];
    long at = m->offset < size ? m->offset : size;
    copyRange(f, text, pos, at, &keep, stderr);
    fwrite(m->text, 1, m->length, stderr);
    keep = true; /* what follows a message is no longer the dump before it */
    pos = at;
    free(m->text);
  }
  copyRange(f, text, pos, size, &keep, stderr);
  fflush(stderr);
  f->numMessages = 0;
  free(text);
}

void cimOptIRDumpFilterDestroy(CimOptIRDumpFilter *f) {
  if (!f)
    return;
  cimOptIRDumpFilterEnd(f);
  fclose(f->stream);
  free(f->messages);
  free(f);
}
