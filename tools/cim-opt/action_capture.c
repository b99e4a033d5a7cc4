/*===-- action_capture.c - stderr while a pass runs -----------------------===*/

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cim-c/Passes.h"
#include "cim-c/Pipeline.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "action_log.h"


/* While a pass runs with stderr captured: the capture and the real stderr,
 * so that a pass that ends the process (report_fatal_error's exit, an
 * abort, a crash) still has its messages on stderr. */
static volatile sig_atomic_t gCaptureFd = -1, gSavedFd = -1;

static void releaseCapture(void) {
  int capture = gCaptureFd, saved = gSavedFd;
  if (capture < 0 || saved < 0)
    return;
  gCaptureFd = gSavedFd = -1;
  dup2(saved, 2);
  /* Everything but cim-opt's own IR dump in front (its header line up to
     the first blank line). */
  static const char dump[] = "// -----// IR Dump Before ";
  char buf[4096];
  ssize_t n;
  size_t seen = 0;
  bool skipping = true;
  char last = 0;
  if (lseek(capture, 0, SEEK_SET) != 0)
    return;
  while ((n = read(capture, buf, sizeof buf)) > 0) {
    ssize_t from = 0;
    for (; skipping && from < n; ++from, ++seen) {
      if (seen < sizeof dump - 1 && buf[from] != dump[seen]) {
        skipping = false; /* not a dump: keep it all */
        if (seen > 0 && write(2, dump, seen) < 0)
          return;
        break;
      }
      if (last == '\n' && buf[from] == '\n')
        skipping = false;
      last = buf[from];
    }
    if (!skipping && from < n && write(2, buf + from, (size_t)(n - from)) < 0)
      return;
  }
}

static const int kSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE};
enum { kNumSignals = sizeof kSignals / sizeof kSignals[0] };
static struct sigaction gOldActions[kNumSignals];

/// Puts the messages back, restores the handler there was (the default, or
/// a sanitizer's) and returns: a fault happens again and reaches it, an
/// abort() raises again.
static void releaseCaptureOnSignal(int sig) {
  releaseCapture();
  for (int i = 0; i < kNumSignals; ++i)
    if (kSignals[i] == sig)
      sigaction(sig, &gOldActions[i], NULL);
}

void cimOptActionCaptureWatch(int capture, int saved) {
  static bool installed = false;
  if (!installed) {
    installed = true;
    atexit(releaseCapture);
    for (int i = 0; i < kNumSignals; ++i) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_handler = releaseCaptureOnSignal;
      sigaction(kSignals[i], &sa, &gOldActions[i]);
    }
  }
  gSavedFd = saved;
  gCaptureFd = capture;
}


static const char kDumpBefore[] = "// -----// IR Dump Before ";
static const char kDumpEnd[] = " //----- //";

/// Splits `text` into the dumps it holds (*lead: text before the first).
/// False if a dump header does not read as one.
bool cimOptActionSplitDumps(const char *text, size_t size, Dump **out, size_t *n,
                       size_t *lead) {
  *out = NULL;
  *n = 0;
  *lead = size;
  size_t pos = 0;
  Dump *last = NULL;
  while (pos < size) {
    const char *nl = memchr(text + pos, '\n', size - pos);
    size_t next = nl ? (size_t)(nl - text) + 1 : size;
    size_t lineEnd = nl ? (size_t)(nl - text) : size;
    if (strncmp(text + pos, kDumpBefore, sizeof kDumpBefore - 1) != 0) {
      pos = next;
      continue;
    }
    /* "NAME (ARG) //----- //" */
    const char *h = text + pos + sizeof kDumpBefore - 1;
    size_t hl = lineEnd - (size_t)(h - text), el = sizeof kDumpEnd - 1;
    if (hl < el + 3 || memcmp(h + hl - el, kDumpEnd, el) != 0 ||
        h[hl - el - 1] != ')')
      return false;
    size_t open = hl - el - 1;
    while (open > 0 && !(h[open] == '(' && h[open - 1] == ' '))
      --open;
    if (open == 0)
      return false;
    if (last)
      last->afterLength = (size_t)(text + pos - last->after);
    else
      *lead = pos;
    Dump *grown = realloc(*out, (*n + 1) * sizeof *grown);
    if (!grown)
      return false;
    *out = grown;
    last = &(*out)[(*n)++];
    last->name = h;
    last->nameLength = open - 1;
    last->arg = h + open + 1;
    last->argLength = hl - el - 1 - open - 1;
    last->unit = text + next;
    const char *end = strstr(text + next, "\n\n");
    last->unitLength = end ? (size_t)(end - (text + next)) : size - next;
    last->after = end ? end + 2 : text + size;
    last->afterLength = (size_t)(text + size - last->after);
    pos = (size_t)(last->after - text);
  }
  return true;
}

bool cimOptActionArgIs(const Dump *d, const char *arg) {
  return d->argLength == strlen(arg) && !memcmp(d->arg, arg, d->argLength);
}

/// The value of option `key` in `text` (`name{k=v k2='v 2' ...}`), without
/// quotes or braces, in a new string; NULL when absent.
char *cimOptActionOptionValue(const char *text, const char *key) {
  const char *p = strchr(text, '{');
  if (!p)
    return NULL;
  ++p;
  size_t k = strlen(key);
  while (*p && *p != '}') {
    while (*p == ' ')
      ++p;
    const char *start = p;
    int depth = 0;
    char quote = 0;
    for (; *p; ++p) {
      if (quote) {
        if (*p == quote)
          quote = 0;
      } else if (*p == '\'' || *p == '"') {
        quote = *p;
      } else if (*p == '(' || *p == '{') {
        ++depth;
      } else if (*p == ')' || *p == '}') {
        if (depth == 0)
          break;
        --depth;
      } else if (*p == ' ' && depth == 0) {
        break;
      }
    }
    if ((size_t)(p - start) > k && !strncmp(start, key, k) && start[k] == '=') {
      const char *v = start + k + 1;
      size_t n = (size_t)(p - v);
      if (n >= 2 && ((v[0] == '\'' && v[n - 1] == '\'') ||
                     (v[0] == '"' && v[n - 1] == '"') ||
                     (v[0] == '{' && v[n - 1] == '}'))) {
        ++v;
        n -= 2;
      }
      return cimOptActionCopyText(v, n);
    }
  }
  return NULL;
}

void cimOptActionCaptureEnd(void) { gCaptureFd = gSavedFd = -1; }

