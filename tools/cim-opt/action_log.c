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
#include "action_log.h"


/*===----------------------------------------------------------------------===*
 * Running and logging
 *===----------------------------------------------------------------------===*/

typedef CimOptText Text;

static Text opName(MlirOperation op) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  Text t = {cimOptActionCopyText(n.data, n.length), n.length};
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
      !cimOptActionFilterMatches(o, mlirOperationGetLocation(op)))
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
  cimOptAppendText(mlirStringRefCreateFromCString(head), &b.head);
  Text name = opName(op);
  cimOptAppendText(mlirStringRefCreateFromCString("` on Operation `"), &b.tail);
  cimOptAppendText(mlirStringRefCreate(name.data, name.length), &b.tail);
  cimOptAppendText(mlirStringRefCreateFromCString("` ("), &b.tail);
  free(name.data);
  if (unit) {
    cimOptAppendText(mlirStringRefCreate(unit, unitLength), &b.tail);
  } else {
    MlirOpPrintingFlags flags = unitFlags(log->options);
    mlirOperationPrintWithFlags(op, flags, cimOptAppendText, &b.tail);
    mlirOpPrintingFlagsDestroy(flags);
  }
  cimOptAppendText(mlirStringRefCreateFromCString(")`\n"), &b.tail);
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
          mlirStringRefCreateFromCString(e->text), cimOptAppendText, &err))) {
    mlirPrintPassPipeline(mlirPassManagerGetAsOpPassManager(pm), cimOptAppendText,
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
  char *pipeline = cimOptActionOptionValue(e->text, "pipeline");
  size_t p = 0;
  bool ok = pipeline && cimOptActionParseList(pipeline, &p, &c->list);
  if (ok) {
    cimOptActionSkipSpaces(pipeline, &p);
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
    while (i < n && j < k && cimOptActionArgIs(&d[i], c->passes[j].name))
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

/// The ops in `op`'s regions, each with its text as `flags` print it
/// (what the IR dumps of a composite pass's nested runs show).
static void printChildren(MlirOperation op, MlirOpPrintingFlags flags,
                          MlirOperation **children, Text **units,
                          size_t *numChildren) {
  for (intptr_t r = 0; r < mlirOperationGetNumRegions(op); ++r)
    for (MlirBlock bl = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, r));
         !mlirBlockIsNull(bl); bl = mlirBlockGetNextInRegion(bl))
      for (MlirOperation c = mlirBlockGetFirstOperation(bl);
           !mlirOperationIsNull(c); c = mlirOperationGetNextInBlock(c)) {
        size_t n = *numChildren;
        MlirOperation *grownOps = realloc(*children, (n + 1) * sizeof *grownOps);
        if (grownOps)
          *children = grownOps;
        Text *grownUnits = realloc(*units, (n + 1) * sizeof *grownUnits);
        if (grownUnits)
          *units = grownUnits;
        if (!grownOps || !grownUnits)
          continue;
        (*children)[n] = c;
        (*units)[n] = (Text){NULL, 0};
        mlirOperationPrintWithFlags(c, flags, cimOptAppendText, &(*units)[n]);
        *numChildren = n + 1;
      }
}

/// Runs `pm` (destroyed here) on `op` with stderr going into a temporary
/// file: the IR dump before the pass names it, the rest is its own output,
/// returned in `*text` (`*got` bytes, NUL-terminated; NULL when out of
/// memory). False, without running, when no temporary file can be made.
static bool runCaptured(MlirPassManager pm, MlirOperation op, bool *passOk,
                        char **text, size_t *got) {
  int saved;
  FILE *capture = cimOptCaptureStderr(&saved);
  if (!capture) {
    mlirPassManagerDestroy(pm);
    return false;
  }
  cimOptActionCaptureWatch(fileno(capture), saved);
  *passOk = mlirLogicalResultIsSuccess(mlirPassManagerRunOnOp(pm, op));
  mlirPassManagerDestroy(pm);
  fflush(stderr);
  cimOptActionCaptureEnd();
  dup2(saved, 2);
  close(saved);
  long size = fseek(capture, 0, SEEK_END) == 0 ? ftell(capture) : 0;
  *text = malloc((size_t)(size > 0 ? size : 0) + 1);
  *got = 0;
  if (*text) {
    rewind(capture);
    *got = fread(*text, 1, (size_t)(size > 0 ? size : 0), capture);
    (*text)[*got] = '\0';
  }
  fclose(capture);
  return true;
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
          mlirStringRefCreateFromCString(e->text), cimOptAppendText, &err))) {
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
    printChildren(op, flags, &children, &childUnits, &numChildren);
    adaptor = beginLine(log, op);
  }
  mlirOpPrintingFlagsDestroy(flags);

  b = beginLine(log, op);
  if (log->refused) {
    mlirPassManagerDestroy(pm);
    goto done;
  }
  bool passOk;
  size_t got = 0;
  if (!runCaptured(pm, op, &passOk, &text, &got)) {
    refuse("needs a temporary file, and none could be made", "");
    goto done;
  }

  size_t numDumps = 0, lead = 0;
  if (!text || !cimOptActionSplitDumps(text, got, &dumps, &numDumps, &lead) ||
      numDumps == 0 || !cimOptActionArgIs(&dumps[0], e->name)) {
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
    cimOptActionElementFree(&composite.list);
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
