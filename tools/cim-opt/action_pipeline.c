/*===-- action_pipeline.c - the action log pipeline, per chunk ------------===*/

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


/*===----------------------------------------------------------------------===*
 * The pipeline as a tree
 *===----------------------------------------------------------------------===*/



void cimOptActionElementFree(Element *e) {
  for (size_t i = 0; i < e->numChildren; ++i)
    cimOptActionElementFree(&e->children[i]);
  free(e->children);
  free(e->anchor);
  free(e->text);
  free(e->name);
}

char *cimOptActionCopyText(const char *s, size_t n) {
  char *t = malloc(n + 1);
  if (t) {
    memcpy(t, s, n);
    t[n] = '\0';
  }
  return t;
}

void cimOptActionSkipSpaces(const char *s, size_t *p) {
  while (s[*p] == ' ' || s[*p] == '\t' || s[*p] == '\n')
    ++*p;
}

bool cimOptActionParseList(const char *s, size_t *p, Element *parent);

/// One element at s[*p]: `name`, `name{...}` or `name(...)`. The text has
/// already been accepted by the pipeline parser.
static bool parseElement(const char *s, size_t *p, Element *e) {
  memset(e, 0, sizeof *e);
  cimOptActionSkipSpaces(s, p);
  size_t start = *p;
  while (s[*p] && !strchr("{}(), \t\n", s[*p]))
    ++*p;
  size_t nameEnd = *p;
  cimOptActionSkipSpaces(s, p);
  if (s[*p] == '(') {
    ++*p;
    e->anchor = cimOptActionCopyText(s + start, nameEnd - start);
    if (!e->anchor || !cimOptActionParseList(s, p, e))
      return false;
    cimOptActionSkipSpaces(s, p);
    if (s[*p] != ')')
      return false;
    ++*p;
    return true;
  }
  size_t end = nameEnd;
  if (s[*p] == '{') {
    int depth = 0;
    char quote = 0;
    for (; s[*p]; ++*p) {
      char c = s[*p];
      if (quote) {
        if (c == quote)
          quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        ++*p;
        break;
      }
    }
    end = *p;
  }
  e->name = cimOptActionCopyText(s + start, nameEnd - start);
  e->text = cimOptActionCopyText(s + start, end - start);
  return e->name && e->text && nameEnd > start;
}

/// Comma-separated elements up to ')' or the end, appended to `parent`.
bool cimOptActionParseList(const char *s, size_t *p, Element *parent) {
  cimOptActionSkipSpaces(s, p);
  if (s[*p] == ')' || !s[*p])
    return true;
  for (;;) {
    Element *grown = realloc(parent->children,
                             (parent->numChildren + 1) * sizeof *grown);
    if (!grown)
      return false;
    parent->children = grown;
    if (!parseElement(s, p, &parent->children[parent->numChildren++]))
      return false;
    cimOptActionSkipSpaces(s, p);
    if (s[*p] != ',')
      return true;
    ++*p;
  }
}

bool cimOptActionLogAddPipeline(CimOptActionLog *log, const char *text,
                                bool anchored) {
  size_t p = 0;
  if (!anchored) {
    bool ok = cimOptActionParseList(text, &p, &log->top);
    cimOptActionSkipSpaces(text, &p);
    return ok && !text[p];
  }
  Element e;
  bool ok = parseElement(text, &p, &e) && e.anchor;
  if (ok) {
    for (size_t i = 0; ok && i < e.numChildren; ++i) {
      Element *grown = realloc(log->top.children,
                               (log->top.numChildren + 1) * sizeof *grown);
      ok = grown != NULL;
      if (ok) {
        log->top.children = grown;
        log->top.children[log->top.numChildren++] = e.children[i];
      }
    }
    free(e.children);
    e.children = NULL;
    e.numChildren = 0;
  }
  cimOptActionElementFree(&e);
  return ok;
}

/*===----------------------------------------------------------------------===*
 * Opening and closing, per chunk
 *===----------------------------------------------------------------------===*/

CimOptActionLog *cimOptActionLogOpen(const CimOptOptions *o) {
  if (!o->logActionsTo || !*o->logActionsTo) /* mlir-opt: no log */
    return NULL;
  /* mlir-opt's InstallDebugHandler, once per context: the line ends only
     when the log file opened. */
  fputs("ExecutionContext registered on the context", stderr);
  FILE *stream = strcmp(o->logActionsTo, "-") == 0
                     ? stdout
                     : fopen(o->logActionsTo, "w");
  if (!stream) {
    fprintf(stderr,
            "error: Opening file for --log-actions-to failed: cannot open "
            "output file '%s': %s\n\n",
            o->logActionsTo, strerror(errno));
    fflush(stderr);
    return NULL;
  }
  fputs("\n", stderr);
  fflush(stderr);
  CimOptActionLog *log = calloc(1, sizeof *log);
  if (!log) {
    if (stream != stdout)
      fclose(stream);
    return NULL;
  }
  log->options = o;
  log->stream = stream;
  /* llvm::get_thread_name, else llvm::get_threadid (Linux). */
  if (pthread_getname_np(pthread_self(), log->thread, 16) != 0 ||
      !log->thread[0])
    snprintf(log->thread, sizeof log->thread, "%ld", (long)syscall(SYS_gettid));
  return log;
}

void cimOptActionLogClose(CimOptActionLog *log) {
  if (!log)
    return;
  /* stdout stays buffered, shared with the output, as mlir-opt's log and
     output share llvm::outs(). */
  if (log->stream != stdout)
    fclose(log->stream);
  cimOptActionElementFree(&log->top);
  free(log);
}

