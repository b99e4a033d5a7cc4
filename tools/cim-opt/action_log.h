/*===-- action_log.h - The pieces of cim-opt's --log-actions-to -----------===*
 *
 * action_log.c runs the pipeline pass by pass and writes the log;
 * action_filter.c reads --log-mlir-actions-filter and matches locations;
 * action_pipeline.c holds the pipeline as a tree and opens and closes the
 * log; action_capture.c captures stderr while a pass runs and splits the IR
 * dumps it holds.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_OPT_ACTION_LOG_H
#define CIM_OPT_ACTION_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mlir-c/IR.h"
#include "options.h"

#define TOOL "cim-opt"
#define FLAG "'--log-actions-to'"
#define ADAPTOR "mlir::detail::OpToOpPassAdaptor"

/* A pipeline element: a pass, or a nested pass manager with its elements. */
typedef struct Element {
  char *anchor; /* a nested pass manager's op name; NULL for a pass */
  char *text;   /* a pass: `name` or `name{options}` */
  char *name;   /* a pass: `name` */
  struct Element *children;
  size_t numChildren;
} Element;

struct CimOptActionLog {
  const CimOptOptions *options;
  FILE *stream; /* stdout for "-" */
  Element top;  /* the top-level pass manager's elements */
  char thread[64];
  /* Inside a nested pipeline that mlir-opt runs on worker threads: the
     name of its parent op while nothing may be logged, else NULL. */
  const char *parallel;
  size_t parallelOps;
  bool refused; /* something would have been logged there */
};

/// Some file:line:col location within `loc` is named by a filter.
bool cimOptActionFilterMatches(const CimOptOptions *o, MlirLocation loc);

void cimOptActionElementFree(Element *e);
/// A NUL-terminated copy of s[0, n) (NULL when out of memory).
char *cimOptActionCopyText(const char *s, size_t n);
void cimOptActionSkipSpaces(const char *s, size_t *p);
/// The comma-separated elements at s[*p] as children of `parent`.
bool cimOptActionParseList(const char *s, size_t *p, Element *parent);

/// While a pass runs with stderr on `capture` (the real one dup'ed to
/// `saved`): a process exit, abort or crash puts the messages back.
void cimOptActionCaptureWatch(int capture, int saved);
/// The pass has returned: nothing to put back any more.
void cimOptActionCaptureEnd(void);

/* One IR dump printed before a pass ran, in the captured stderr: the
 * pass's name and argument, the op as printed (IRUnit's flags), and the
 * text written after it up to the next dump. */
typedef struct Dump {
  const char *name, *arg, *unit, *after;
  size_t nameLength, argLength, unitLength, afterLength;
} Dump;

bool cimOptActionSplitDumps(const char *text, size_t size, Dump **out,
                            size_t *n, size_t *lead);
bool cimOptActionArgIs(const Dump *d, const char *arg);
char *cimOptActionOptionValue(const char *text, const char *key);

#endif /* CIM_OPT_ACTION_LOG_H */
