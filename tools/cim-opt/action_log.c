/*===-- action_log.c - --log-actions-to on the C API -----------------------===*
 *
 * mlir-opt 22 logs every action it executes (--log-actions-to=FILE|-), or
 * those whose IR units have a location named by --log-mlir-actions-filter:
 *
 *   [thread mlir-opt] begins (no breakpoint) Action `pass-execution` running
 *       `Canonicalizer` on Operation `func.func` (func.func @a() {...})`
 *   [thread mlir-opt] completed `pass-execution`
 *
 * (one line each). The MLIR C API has no action handler, so cim-opt cannot
 * see actions inside MLIR. It logs the pass-execution actions by running the
 * pipeline itself, the way mlir-opt's pass manager does (OpToOpPassAdaptor):
 * a nested pass manager is an action `mlir::detail::OpToOpPassAdaptor` on its
 * parent op, which runs its passes on each child op of that name in turn;
 * adjacent nested pass managers are merged, as mlir-opt merges adjacent
 * adaptors; a pass runs in a pass manager of its own on its op, and is
 * verified after its "completed" line, as in mlir-opt. The pass's name
 * (Pass::getName(), which the C API does not give) is read from the header
 * of an IR dump printed before it runs, into a temporary file standing in
 * for stderr; whatever else the pass writes to stderr (diagnostics) is
 * copied after the "begins" line.
 *
 * The IR dumps also show the passes a composite-fixed-point-pass runs
 * (one dump per pass run, in order); with a `pipeline=` of passes or of
 * `any(passes)` they say which pass ran on which op, so those are logged
 * too, with an adaptor action per iteration for `any(...)`.
 *
 * Actions inside a pass (pattern applications, rewrite iterations) are not
 * logged (docs/cim-opt.md). What cannot be reproduced is refused with an
 * error naming the flag: other passes that run passes themselves (the
 * inliner's pipeline: detected from their dumps), pass pipelines (their
 * expansion is not visible), op-agnostic nesting (`any(...)`) in the
 * pipeline, and a nested pipeline on two or more ops with threading enabled
 * whose actions would be logged (mlir-opt then logs from worker threads, in
 * an order that depends on timing).
 *===----------------------------------------------------------------------===*/

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
#include "options.h"

#define TOOL "cim-opt"
#define FLAG "'--log-actions-to'"
#define ADAPTOR "mlir::detail::OpToOpPassAdaptor"

/*===----------------------------------------------------------------------===*
 * --log-mlir-actions-filter
 *===----------------------------------------------------------------------===*/

/// llvm::StringRef::getAsInteger(0, int64_t): radix from the prefix (0x, 0b,
/// 0o, 0 for octal), every character a digit, no overflow.
static bool getAsInteger(const char *s, size_t n, long long *out) {
  bool negative = n > 0 && s[0] == '-';
  if (negative) {
    ++s;
    --n;
  }
  unsigned radix = 10;
  if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    radix = 16;
    s += 2, n -= 2;
  } else if (n >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    radix = 2;
    s += 2, n -= 2;
  } else if (n >= 2 && s[0] == '0' && s[1] == 'o') {
    radix = 8;
    s += 2, n -= 2;
  } else if (n >= 2 && s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
    radix = 8;
    s += 1, n -= 1;
  }
  if (n == 0)
    return false;
  unsigned long long v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                 : c >= 'a' && c <= 'z' ? (unsigned)(c - 'a' + 10)
                 : c >= 'A' && c <= 'Z' ? (unsigned)(c - 'A' + 10)
                                        : 99;
    if (d >= radix)
      return false;
    unsigned long long next = v * radix + d;
    if (next / radix != v)
      return false;
    v = next;
  }
  if (negative ? v > 1ULL << 63 : v > (1ULL << 63) - 1)
    return false;
  *out = negative ? (long long)(0 - v) : (long long)v;
  return true;
}

/// FileLineColLocBreakpoint::parseFromString: `file:line:col`, `file:line` or
/// `file`, read from the right (a file name may hold ':').
static void parseFilter(const char *s, size_t n, CimOptActionFilter *f) {
  /* rsplit(':') twice */
  const char *c1 = NULL;
  for (size_t i = n; i-- > 0;)
    if (s[i] == ':') {
      c1 = s + i;
      break;
    }
  size_t fileLineLen = c1 ? (size_t)(c1 - s) : n;
  const char *colStr = c1 ? c1 + 1 : s + n;
  size_t colLen = c1 ? n - fileLineLen - 1 : 0;
  const char *c2 = NULL;
  for (size_t i = fileLineLen; i-- > 0;)
    if (s[i] == ':') {
      c2 = s + i;
      break;
    }
  size_t fileLen = c2 ? (size_t)(c2 - s) : fileLineLen;
  const char *lineStr = c2 ? c2 + 1 : s + fileLineLen;
  size_t lineLen = c2 ? fileLineLen - fileLen - 1 : 0;
  long long line = -1, col = -1;
  if (lineLen == 0) {
    fileLen = fileLineLen;
    if (colLen != 0 && !getAsInteger(colStr, colLen, &line))
      fileLen = n;
  } else if (!getAsInteger(lineStr, lineLen, &line)) {
    fileLen = fileLineLen;
    if (!getAsInteger(colStr, colLen, &line))
      fileLen = n;
  } else if (!getAsInteger(colStr, colLen, &col)) {
    fileLen = n;
    line = -1;
  }
  f->file = s;
  f->fileLength = fileLen;
  f->line = line;
  f->col = col;
}

bool cimOptAddActionFilters(CimOptOptions *o, const char *list) {
  /* cl::CommaSeparated: every piece, empty ones included. */
  for (;;) {
    const char *comma = strchr(list, ',');
    size_t n = comma ? (size_t)(comma - list) : strlen(list);
    if (n == 0) {
      fputs("error: initializing FileLineColLocBreakpoint with empty file "
            "name\nInvalid location filter: \n",
            stderr);
      return false;
    }
    CimOptActionFilter *grown =
        realloc(o->actionFilters,
                (size_t)(o->numActionFilters + 1) * sizeof *grown);
    if (!grown) {
      fputs(TOOL ": out of memory\n", stderr);
      return false;
    }
    o->actionFilters = grown;
    parseFilter(list, n, &o->actionFilters[o->numActionFilters++]);
    if (!comma)
      return true;
    list = comma + 1;
  }
}

/// FileLineColLocBreakpointManager::matchFromLocation: some file:line:col
/// location within `loc` (through call sites, fused and name locations) is
/// named by a filter (with its line, or any line; its column, or any).
static bool locationMatches(const CimOptOptions *o, MlirLocation loc) {
  if (mlirLocationIsAFileLineColRange(loc)) {
    int line = mlirLocationFileLineColRangeGetStartLine(loc);
    int col = mlirLocationFileLineColRangeGetStartColumn(loc);
    /* Only FileLineColLoc (a point), not a range with an end. */
    if (mlirLocationFileLineColRangeGetEndLine(loc) != line ||
        mlirLocationFileLineColRangeGetEndColumn(loc) != col)
      return false;
    MlirStringRef file =
        mlirIdentifierStr(mlirLocationFileLineColRangeGetFilename(loc));
    for (int i = 0; i < o->numActionFilters; ++i) {
      const CimOptActionFilter *f = &o->actionFilters[i];
      if (f->fileLength != file.length ||
          memcmp(f->file, file.data, file.length) != 0)
        continue;
      if ((f->line == line && f->col == col) ||
          (f->line == line && f->col == -1) ||
          (f->line == -1 && f->col == -1))
        return true;
    }
    return false;
  }
  if (mlirLocationIsACallSite(loc))
    return locationMatches(o, mlirLocationCallSiteGetCallee(loc)) ||
           locationMatches(o, mlirLocationCallSiteGetCaller(loc));
  if (mlirLocationIsAName(loc))
    return locationMatches(o, mlirLocationNameGetChildLoc(loc));
  if (mlirLocationIsAFused(loc)) {
    intptr_t n = mlirLocationFusedGetNumLocations(loc);
    MlirLocation *locs = n > 0 ? malloc((size_t)n * sizeof *locs) : NULL;
    bool match = false;
    if (locs) {
      mlirLocationFusedGetLocations(loc, locs);
      for (intptr_t i = 0; i < n && !match; ++i)
        match = locationMatches(o, locs[i]);
    }
    free(locs);
    return match;
  }
  return false;
}

/*===----------------------------------------------------------------------===*
 * The pipeline as a tree
 *===----------------------------------------------------------------------===*/

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

static void freeElement(Element *e) {
  for (size_t i = 0; i < e->numChildren; ++i)
    freeElement(&e->children[i]);
  free(e->children);
  free(e->anchor);
  free(e->text);
  free(e->name);
}

static char *copyText(const char *s, size_t n) {
  char *t = malloc(n + 1);
  if (t) {
    memcpy(t, s, n);
    t[n] = '\0';
  }
  return t;
}

static void skipSpaces(const char *s, size_t *p) {
  while (s[*p] == ' ' || s[*p] == '\t' || s[*p] == '\n')
    ++*p;
}

static bool parseList(const char *s, size_t *p, Element *parent);

/// One element at s[*p]: `name`, `name{...}` or `name(...)`. The text has
/// already been accepted by the pipeline parser.
static bool parseElement(const char *s, size_t *p, Element *e) {
  memset(e, 0, sizeof *e);
  skipSpaces(s, p);
  size_t start = *p;
  while (s[*p] && !strchr("{}(), \t\n", s[*p]))
    ++*p;
  size_t nameEnd = *p;
  skipSpaces(s, p);
  if (s[*p] == '(') {
    ++*p;
    e->anchor = copyText(s + start, nameEnd - start);
    if (!e->anchor || !parseList(s, p, e))
      return false;
    skipSpaces(s, p);
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
  e->name = copyText(s + start, nameEnd - start);
  e->text = copyText(s + start, end - start);
  return e->name && e->text && nameEnd > start;
}

/// Comma-separated elements up to ')' or the end, appended to `parent`.
static bool parseList(const char *s, size_t *p, Element *parent) {
  skipSpaces(s, p);
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
    skipSpaces(s, p);
    if (s[*p] != ',')
      return true;
    ++*p;
  }
}

bool cimOptActionLogAddPipeline(CimOptActionLog *log, const char *text,
                                bool anchored) {
  size_t p = 0;
  if (!anchored) {
    bool ok = parseList(text, &p, &log->top);
    skipSpaces(text, &p);
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
  freeElement(&e);
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
  freeElement(&log->top);
  free(log);
}

/*===----------------------------------------------------------------------===*
 * Running and logging
 *===----------------------------------------------------------------------===*/

typedef struct Text {
  char *data;
  size_t length;
} Text;

static void appendText(MlirStringRef s, void *userData) {
  Text *t = userData;
  char *grown = realloc(t->data, t->length + s.length + 1);
  if (!grown)
    return;
  memcpy(grown + t->length, s.data, s.length);
  t->length += s.length;
  grown[t->length] = '\0';
  t->data = grown;
}

static Text opName(MlirOperation op) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  Text t = {copyText(n.data, n.length), n.length};
  return t;
}

/// The start of the "begins" line up to the pass name, and its end, or
/// NULL data when the filters do not select `op`.
typedef struct Begin {
  Text head, tail;
} Begin;

/// Whether the action of a pass on `op` is logged (the filters); inside a
/// parallel nested pipeline, a logged action is refused instead.
static bool shouldLog(CimOptActionLog *log, MlirOperation op) {
  const CimOptOptions *o = log->options;
  if (o->numActionFilters > 0 &&
      !locationMatches(o, mlirOperationGetLocation(op)))
    return false;
  if (log->parallel) {
    if (!log->refused)
      fprintf(stderr,
              TOOL ": " FLAG " needs '--mlir-disable-threading' here: a "
                   "nested pipeline runs on %zu ops of '%s', which mlir-opt "
                   "runs on its worker threads, logging in an order that "
                   "depends on timing\n",
              log->parallelOps, log->parallel);
    log->refused = true;
    return false;
  }
  return true;
}

/// IRUnit's printer: the default flags (the command line's), regions
/// skipped, local scope (no newline after a top-level op).
static MlirOpPrintingFlags unitFlags(const CimOptOptions *o) {
  MlirOpPrintingFlags flags = cimOptCreatePrintingFlags(o);
  mlirOpPrintingFlagsSkipRegions(flags);
  mlirOpPrintingFlagsUseLocalScope(flags);
  return flags;
}

/// The "begins" line of a pass on `op` whose op prints as `unit` (or as
/// `op` prints now, when `unit` is NULL), split around the pass name.
static Begin beginLineWith(CimOptActionLog *log, MlirOperation op,
                           const char *unit, size_t unitLength) {
  Begin b = {{NULL, 0}, {NULL, 0}};
  if (!shouldLog(log, op))
    return b;
  char head[256];
  snprintf(head, sizeof head,
           "[thread %s] begins (no breakpoint) Action `pass-execution` "
           "running `",
           log->thread);
  appendText(mlirStringRefCreateFromCString(head), &b.head);
  Text name = opName(op);
  appendText(mlirStringRefCreateFromCString("` on Operation `"), &b.tail);
  appendText(mlirStringRefCreate(name.data, name.length), &b.tail);
  appendText(mlirStringRefCreateFromCString("` ("), &b.tail);
  free(name.data);
  if (unit) {
    appendText(mlirStringRefCreate(unit, unitLength), &b.tail);
  } else {
    MlirOpPrintingFlags flags = unitFlags(log->options);
    mlirOperationPrintWithFlags(op, flags, appendText, &b.tail);
    mlirOpPrintingFlagsDestroy(flags);
  }
  appendText(mlirStringRefCreateFromCString(")`\n"), &b.tail);
  return b;
}

static Begin beginLine(CimOptActionLog *log, MlirOperation op) {
  return beginLineWith(log, op, NULL, 0);
}

static void writeLine(CimOptActionLog *log, const Begin *b, const char *pass,
                      size_t length);
static void writeCompletedLine(CimOptActionLog *log, const Begin *b);
static void freeBegin(Begin *b);
static bool runList(CimOptActionLog *log, MlirOperation op,
                    Element *const *elements, size_t n);

/// Verification after a pass, outside its action (mlir-opt's
/// OpToOpPassAdaptor::run).
static bool verifyAfter(CimOptActionLog *log, MlirOperation op) {
  return !log->options->verifyEach || mlirOperationVerify(op);
}

static bool refuse(const char *why, const char *what) {
  fprintf(stderr, TOOL ": " FLAG " %s%s\n", why, what);
  return false;
}

/// Whether pass `e` is one pass (not a pipeline) when added to a pass
/// manager on `anchor`: MLIR prints it back as `anchor(name...)`.
static bool isSinglePass(MlirContext ctx, const char *anchor, Element *e) {
  MlirStringRef name = mlirStringRefCreateFromCString(e->name);
  if (cimPassRegistryLookup(name))
    return true;
  if (cimPassRegistryLookupPipeline(name))
    return false;
  MlirPassManager pm =
      mlirPassManagerCreateOnOperation(ctx, mlirStringRefCreateFromCString(anchor));
  Text err = {NULL, 0}, printed = {NULL, 0};
  bool single = false;
  if (mlirLogicalResultIsSuccess(mlirOpPassManagerAddPipeline(
          mlirPassManagerGetAsOpPassManager(pm),
          mlirStringRefCreateFromCString(e->text), appendText, &err))) {
    mlirPrintPassPipeline(mlirPassManagerGetAsOpPassManager(pm), appendText,
                          &printed);
    size_t a = strlen(anchor), n = strlen(e->name);
    const char *t = printed.data ? printed.data : "";
    single = printed.length > a + n + 1 && !strncmp(t, anchor, a) &&
             t[a] == '(' && !strncmp(t + a + 1, e->name, n) &&
             (t[a + 1 + n] == '{' || t[a + 1 + n] == ')');
    /* a second top-level element or a nested pass manager */
    int depth = 0;
    for (size_t i = a + 1; single && i < printed.length; ++i) {
      char c = t[i];
      if (c == '{') {
        int braces = 1;
        while (++i < printed.length && braces)
          braces += t[i] == '{' ? 1 : t[i] == '}' ? -1 : 0;
        --i;
      } else if (c == '(' || (c == ',' && depth == 0)) {
        single = false;
      } else if (c == ')') {
        --depth;
      }
    }
  }
  free(err.data);
  free(printed.data);
  mlirPassManagerDestroy(pm);
  return single;
}

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

static void watchCapture(int capture, int saved) {
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

/* One IR dump printed before a pass ran, in the captured stderr: the
 * pass's name and argument, the op as printed (IRUnit's flags), and the
 * text written after it up to the next dump. */
typedef struct Dump {
  const char *name, *arg, *unit, *after;
  size_t nameLength, argLength, unitLength, afterLength;
} Dump;

static const char kDumpBefore[] = "// -----// IR Dump Before ";
static const char kDumpEnd[] = " //----- //";

/// Splits `text` into the dumps it holds (*lead: text before the first).
/// False if a dump header does not read as one.
static bool splitDumps(const char *text, size_t size, Dump **out, size_t *n,
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

static bool argIs(const Dump *d, const char *arg) {
  return d->argLength == strlen(arg) && !memcmp(d->arg, arg, d->argLength);
}

/// The value of option `key` in `text` (`name{k=v k2='v 2' ...}`), without
/// quotes or braces, in a new string; NULL when absent.
static char *optionValue(const char *text, const char *key) {
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
      return copyText(v, n);
    }
  }
  return NULL;
}

static void writeLine(CimOptActionLog *log, const Begin *b, const char *pass,
                      size_t length) {
  if (!b->head.data)
    return;
  fwrite(b->head.data, 1, b->head.length, log->stream);
  fwrite(pass, 1, length, log->stream);
  fwrite(b->tail.data, 1, b->tail.length, log->stream);
}

static void writeCompletedLine(CimOptActionLog *log, const Begin *b) {
  if (b->head.data)
    fprintf(log->stream, "[thread %s] completed `pass-execution`\n",
            log->thread);
}

static void freeBegin(Begin *b) {
  free(b->head.data);
  free(b->tail.data);
  b->head.data = b->tail.data = NULL;
}

/// A nested pass of a composite pass, from its dump, on `target`.
static void logNested(CimOptActionLog *log, MlirOperation target,
                      const Dump *d) {
  Begin b = beginLineWith(log, target, d->unit, d->unitLength);
  writeLine(log, &b, d->name, d->nameLength);
  fwrite(d->after, 1, d->afterLength, stderr);
  writeCompletedLine(log, &b);
  freeBegin(&b);
}

/* What a composite-fixed-point-pass runs (its `pipeline=` option): passes
 * on its own op (flat), or `any(passes)`, a nested op-agnostic pass manager
 * on its child ops. NULL for anything else. */
typedef struct Composite {
  Element list; /* the option, parsed */
  Element *passes;
  size_t numPasses;
  bool nested;
} Composite;

static bool parseComposite(MlirContext ctx, Element *e, Composite *c) {
  memset(c, 0, sizeof *c);
  char *pipeline = optionValue(e->text, "pipeline");
  size_t p = 0;
  bool ok = pipeline && parseList(pipeline, &p, &c->list);
  if (ok) {
    skipSpaces(pipeline, &p);
    ok = !pipeline[p];
  }
  free(pipeline);
  if (!ok)
    return false;
  Element *list = &c->list;
  if (list->numChildren == 1 && list->children[0].anchor &&
      !strcmp(list->children[0].anchor, "any")) {
    c->nested = true;
    list = &list->children[0];
  }
  c->passes = list->children;
  c->numPasses = list->numChildren;
  for (size_t i = 0; i < c->numPasses; ++i)
    if (c->passes[i].anchor || !isSinglePass(ctx, "any", &c->passes[i]) ||
        !strcmp(c->passes[i].name, "composite-fixed-point-pass"))
      return false;
  return c->numPasses > 0;
}

/// Logs a composite pass's nested passes from their dumps `d[0..n)`: on its
/// op, or (nested) one adaptor action per iteration around the runs on the
/// child ops it scheduled, found by matching the first iteration's dumps to
/// the children as they printed before the pass. False (refused) when the
/// dumps do not read as that.
static bool logComposite(CimOptActionLog *log, MlirOperation op,
                         const Composite *c, const Dump *d, size_t n,
                         bool failed, MlirOperation *children,
                         Text *childUnits, size_t numChildren,
                         const Begin *adaptor) {
  size_t k = c->numPasses;
  /* Groups: the pipeline's passes in order on one op, cut short where a
     pass failed (only when the run failed, and only if the pass names tell
     the cut apart: all different). */
  bool distinct = true;
  for (size_t a = 0; a < k; ++a)
    for (size_t b2 = a + 1; b2 < k; ++b2)
      if (!strcmp(c->passes[a].name, c->passes[b2].name))
        distinct = false;
  size_t *start = malloc((n + 1) * sizeof *start);
  size_t *scheduled = malloc((numChildren + 1) * sizeof *scheduled);
  size_t numGroups = 0, firstShort = (size_t)-1;
  bool ok = start && scheduled;
  for (size_t i = 0; ok && i < n;) {
    size_t j = 0;
    start[numGroups] = i;
    while (i < n && j < k && argIs(&d[i], c->passes[j].name))
      ++i, ++j;
    if (j == 0 || (j < k && !(failed && distinct)))
      ok = false;
    if (j < k && firstShort == (size_t)-1)
      firstShort = numGroups;
    ++numGroups;
  }
  if (ok)
    start[numGroups] = n;
  if (ok && !c->nested) {
    /* On the composite's own op: a short group only last. */
    ok = firstShort == (size_t)-1 || firstShort + 1 == numGroups;
    for (size_t i = 0; ok && i < n; ++i)
      logNested(log, op, &d[i]);
    free(start);
    free(scheduled);
    return ok;
  }
  /* The scheduled children: the first iteration's groups, each on the next
     child that printed as the group's first dump. Two children that print
     alike would make this ambiguous. */
  for (size_t a = 0; ok && a < numChildren; ++a)
    for (size_t b2 = a + 1; ok && b2 < numChildren; ++b2)
      if (childUnits[a].length == childUnits[b2].length &&
          !memcmp(childUnits[a].data, childUnits[b2].data,
                  childUnits[a].length))
        ok = false;
  size_t numScheduled = 0, next = 0;
  for (size_t g = 0; ok && g < numGroups; ++g) {
    const Dump *first = &d[start[g]];
    size_t m = next;
    while (m < numChildren &&
           !(childUnits[m].length == first->unitLength &&
             !memcmp(childUnits[m].data, first->unit, first->unitLength)))
      ++m;
    if (m == numChildren)
      break; /* the second iteration */
    scheduled[numScheduled++] = m;
    next = m + 1;
  }
  size_t iterations = 1;
  if (ok && numScheduled > 0) {
    iterations = (numGroups + numScheduled - 1) / numScheduled;
    /* Every iteration complete but the last, which may fail. */
    ok = (failed || numGroups % numScheduled == 0) &&
         (firstShort == (size_t)-1 ||
          firstShort / numScheduled + 1 == iterations);
  } else if (ok) {
    ok = n == 0;
  }
  if (ok && numScheduled >= 2 && !log->options->disableThreading &&
      !log->parallel) {
    Text name = opName(op);
    log->parallel = name.data;
    log->parallelOps = numScheduled;
    for (size_t g = 0; g < numGroups; ++g)
      shouldLog(log, children[scheduled[g % numScheduled]]);
    log->parallel = NULL;
    free(name.data);
    if (log->refused) {
      free(start);
      free(scheduled);
      return true; /* refused, reported */
    }
  }
  for (size_t it = 0; ok && it < iterations; ++it) {
    writeLine(log, adaptor, ADAPTOR, strlen(ADAPTOR));
    for (size_t g = it * numScheduled;
         g < numGroups && g < (it + 1) * numScheduled; ++g)
      for (size_t i = start[g]; i < start[g + 1]; ++i)
        logNested(log, children[scheduled[g % numScheduled]], &d[i]);
    writeCompletedLine(log, adaptor);
  }
  free(start);
  free(scheduled);
  return ok;
}

/// Runs pass `e` on `op` in a pass manager of its own and logs it.
static bool runPass(CimOptActionLog *log, MlirOperation op, Element *e) {
  MlirContext ctx = mlirOperationGetContext(op);
  Text anchor = opName(op);
  bool ok = false;
  Composite composite;
  bool isComposite = !strcmp(e->name, "composite-fixed-point-pass");
  MlirOperation *children = NULL;
  Text *childUnits = NULL;
  size_t numChildren = 0;
  Begin b = {{NULL, 0}, {NULL, 0}}, adaptor = {{NULL, 0}, {NULL, 0}};
  char *text = NULL;
  Dump *dumps = NULL;
  if (isComposite && !parseComposite(ctx, e, &composite)) {
    refuse("logs 'composite-fixed-point-pass' only with a `pipeline` of "
           "passes or `any(passes)`: other nesting runs passes inside MLIR "
           "that the C API does not show",
           "");
    goto done;
  }
  if (!isComposite && !isSinglePass(ctx, anchor.data, e)) {
    fprintf(stderr,
            TOOL ": " FLAG " cannot log the passes of pass pipeline '%s': "
                 "the C API does not show the passes a pipeline expands to; "
                 "name them instead\n",
            e->name);
    goto done;
  }
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreate(anchor.data, anchor.length));
  Text err = {NULL, 0};
  if (mlirLogicalResultIsFailure(cimOpPassManagerAddPipeline(
          mlirPassManagerGetAsOpPassManager(pm),
          mlirStringRefCreateFromCString(e->text), appendText, &err))) {
    fprintf(stderr, "%s\n", err.data ? err.data : "bad pass");
    free(err.data);
    mlirPassManagerDestroy(pm);
    goto done;
  }
  free(err.data);
  mlirPassManagerEnableVerifier(pm, false);
  /* Dumps before every pass (those a composite pass runs too), their op
     printed as IRUnit prints it. */
  MlirOpPrintingFlags flags = unitFlags(log->options);
  mlirPassManagerEnableIRPrinting(pm, true, false, false, false, false, flags,
                                  mlirStringRefCreate(NULL, 0));
  if (isComposite && composite.nested) {
    /* The child ops, as they print before the pass. */
    for (intptr_t r = 0; r < mlirOperationGetNumRegions(op); ++r)
      for (MlirBlock bl = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, r));
           !mlirBlockIsNull(bl); bl = mlirBlockGetNextInRegion(bl))
        for (MlirOperation c = mlirBlockGetFirstOperation(bl);
             !mlirOperationIsNull(c); c = mlirOperationGetNextInBlock(c)) {
          MlirOperation *grownOps =
              realloc(children, (numChildren + 1) * sizeof *grownOps);
          if (grownOps)
            children = grownOps;
          Text *grownUnits =
              realloc(childUnits, (numChildren + 1) * sizeof *grownUnits);
          if (grownUnits)
            childUnits = grownUnits;
          if (!grownOps || !grownUnits)
            continue;
          children[numChildren] = c;
          childUnits[numChildren] = (Text){NULL, 0};
          mlirOperationPrintWithFlags(c, flags, appendText,
                                      &childUnits[numChildren]);
          ++numChildren;
        }
    adaptor = beginLine(log, op);
  }
  mlirOpPrintingFlagsDestroy(flags);

  b = beginLine(log, op);
  if (log->refused) {
    mlirPassManagerDestroy(pm);
    goto done;
  }
  /* The pass runs with stderr going into a temporary file: the IR dump
     before it names it, the rest is its own output. */
  fflush(stderr);
  FILE *capture = tmpfile();
  int saved = capture ? dup(2) : -1;
  if (saved < 0 || dup2(fileno(capture), 2) < 0) {
    if (saved >= 0)
      close(saved);
    if (capture)
      fclose(capture);
    mlirPassManagerDestroy(pm);
    refuse("needs a temporary file, and none could be made", "");
    goto done;
  }
  watchCapture(fileno(capture), saved);
  bool passOk = mlirLogicalResultIsSuccess(mlirPassManagerRunOnOp(pm, op));
  mlirPassManagerDestroy(pm);
  fflush(stderr);
  gCaptureFd = gSavedFd = -1;
  dup2(saved, 2);
  close(saved);
  long size = fseek(capture, 0, SEEK_END) == 0 ? ftell(capture) : 0;
  text = malloc((size_t)(size > 0 ? size : 0) + 1);
  size_t got = 0;
  if (text) {
    rewind(capture);
    got = fread(text, 1, (size_t)(size > 0 ? size : 0), capture);
    text[got] = '\0';
  }
  fclose(capture);

  size_t numDumps = 0, lead = 0;
  if (!text || !splitDumps(text, got, &dumps, &numDumps, &lead) ||
      numDumps == 0 || !argIs(&dumps[0], e->name)) {
    if (text)
      fwrite(text, 1, got, stderr);
    refuse("could not read the name of pass ", e->name);
    goto done;
  }
  if (numDumps > 1 && !isComposite) {
    /* A pass that runs passes itself: mlir-opt logs those too. */
    fprintf(stderr,
            TOOL ": " FLAG " cannot log '%s': it ran passes itself (a "
                 "dynamic pipeline), whose actions are inside MLIR, which "
                 "the C API does not show\n",
            e->name);
    goto done;
  }
  fwrite(text, 1, lead, stderr);
  writeLine(log, &b, dumps[0].name, dumps[0].nameLength);
  fwrite(dumps[0].after, 1, dumps[0].afterLength, stderr);
  if (isComposite &&
      !logComposite(log, op, &composite, dumps + 1, numDumps - 1, !passOk,
                    children, childUnits, numChildren, &adaptor)) {
    refuse("could not follow the passes 'composite-fixed-point-pass' ran "
           "from their IR dumps (the C API shows no more)",
           "");
    goto done;
  }
  fflush(stderr);
  writeCompletedLine(log, &b);
  ok = passOk && !log->refused && verifyAfter(log, op);
done:
  if (isComposite)
    freeElement(&composite.list);
  for (size_t i = 0; i < numChildren; ++i)
    free(childUnits[i].data);
  free(children);
  free(childUnits);
  free(dumps);
  free(text);
  freeBegin(&b);
  freeBegin(&adaptor);
  free(anchor.data);
  return ok;
}

/// A run of adjacent nested pass managers on `op`: one adaptor action,
/// inside which each child op with a pass manager of its name runs that
/// pass manager's elements (those of merged pass managers of one name
/// concatenated).
static bool runAdaptor(CimOptActionLog *log, MlirOperation op,
                       Element *const *group, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (!strcmp(group[i]->anchor, "any"))
      return refuse("cannot log an op-agnostic pass manager ('any(...)'): "
                    "which ops mlir-opt runs it on depends on op traits the "
                    "C API does not show",
                    "");
  /* The child ops, in order. */
  MlirOperation *ops = NULL;
  size_t numOps = 0, cap = 0;
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(op); ++r) {
    MlirRegion region = mlirOperationGetRegion(op, r);
    for (MlirBlock b = mlirRegionGetFirstBlock(region); !mlirBlockIsNull(b);
         b = mlirBlockGetNextInRegion(b))
      for (MlirOperation c = mlirBlockGetFirstOperation(b);
           !mlirOperationIsNull(c); c = mlirOperationGetNextInBlock(c)) {
        Text name = opName(c);
        bool match = false;
        for (size_t i = 0; i < n && !match; ++i)
          match = !strcmp(group[i]->anchor, name.data);
        free(name.data);
        if (!match)
          continue;
        if (numOps == cap) {
          cap = cap ? 2 * cap : 8;
          MlirOperation *grown = realloc(ops, cap * sizeof *grown);
          if (!grown) {
            free(ops);
            return refuse("ran out of memory", "");
          }
          ops = grown;
        }
        ops[numOps++] = c;
      }
  }
  Begin b = beginLine(log, op);
  /* Two or more ops with threading: mlir-opt runs them on worker threads.
     That is reproducible only while none of their actions is logged
     (filters); the first that would be is refused (beginLine). */
  Text parentName = {NULL, 0};
  bool parallel = numOps >= 2 && !log->options->disableThreading &&
                  !log->parallel;
  if (parallel) {
    parentName = opName(op);
    log->parallel = parentName.data;
    log->parallelOps = numOps;
  }
  writeLine(log, &b, ADAPTOR, strlen(ADAPTOR));
  /* A child whose pipeline fails does not stop the others (mlir-opt 22's
     OpToOpPassAdaptor signals the failure and goes on). */
  bool ok = true, memory = true;
  for (size_t k = 0; k < numOps && memory && !log->refused; ++k) {
    Text name = opName(ops[k]);
    size_t count = 0;
    for (size_t i = 0; i < n; ++i)
      if (!strcmp(group[i]->anchor, name.data))
        count += group[i]->numChildren;
    Element **list = malloc((count + 1) * sizeof *list);
    memory = list != NULL;
    count = 0;
    for (size_t i = 0; memory && i < n; ++i)
      if (!strcmp(group[i]->anchor, name.data))
        for (size_t j = 0; j < group[i]->numChildren; ++j)
          list[count++] = &group[i]->children[j];
    free(name.data);
    if (!memory || !runList(log, ops[k], list, count) || log->refused)
      ok = false;
    free(list);
  }
  free(ops);
  if (parallel) {
    log->parallel = NULL;
    free(parentName.data);
  }
  writeCompletedLine(log, &b);
  freeBegin(&b);
  return ok && verifyAfter(log, op);
}

static bool runList(CimOptActionLog *log, MlirOperation op,
                    Element *const *elements, size_t n) {
  for (size_t i = 0; i < n;) {
    if (!elements[i]->anchor) {
      if (!runPass(log, op, elements[i]))
        return false;
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && elements[j]->anchor)
      ++j;
    if (!runAdaptor(log, op, elements + i, j - i))
      return false;
    i = j;
  }
  return true;
}

MlirLogicalResult cimOptActionLogRun(CimOptActionLog *log, MlirOperation op) {
  Element **list = malloc((log->top.numChildren + 1) * sizeof *list);
  if (!list)
    return mlirLogicalResultFailure();
  for (size_t i = 0; i < log->top.numChildren; ++i)
    list[i] = &log->top.children[i];
  bool ok = runList(log, op, list, log->top.numChildren);
  free(list);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
