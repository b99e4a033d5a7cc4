/*===-- cim-opt - mlir-opt for cimlir --------------------------------------===*
 *
 * Reads MLIR, runs a pipeline of cim and upstream passes, writes MLIR. The
 * command line is mlir-opt's (LLVM 22): pass flags (`--cim-tile='rows=128'`,
 * `--canonicalize`), `--pass-pipeline=`, `-o`, `--split-input-file[=MARKER]`,
 * `--verify-diagnostics[=only-expected]`, the `--mlir-print-*`, timing and
 * statistics flags, `--emit-bytecode`, ... (docs/cim-opt.md has the table of
 * every mlir-opt flag). All the work is in libcimlir; this file only maps
 * flags onto it.
 *
 * Like mlir-opt, every chunk of the input (the whole input without
 * --split-input-file) is processed in a state of its own: a new context
 * (IRDL files loaded again), a new pass manager, a new diagnostic handler.
 * Passes such as canonicalize collect their patterns from the dialects
 * loaded when they are first run, so sharing a context between chunks would
 * make a chunk's result depend on the chunks before it.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cim-c/Dialects.h"
#include "cim-c/Input.h"
#include "cim-c/Passes.h"
#include "cim-c/Pipeline.h"
#include "cim-c/Plugin.h"
#include "cim-c/Tooling.h"
#include "cim-c/Version.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/RegisterEverything.h"

#include "options.h"
#include "usage.h"

#define TOOL "cim-opt"


/*===----------------------------------------------------------------------===*
 * Building the pass manager
 *===----------------------------------------------------------------------===*/

/// Adds one pass flag to the top-level pass manager (anchored on `anchor`),
/// nesting it under the op it runs on as mlir-opt's implicit nesting does: a
/// cim pass or pipeline under its table anchor; an upstream pass at the top,
/// or under func.func when MLIR says it cannot run on the top op. `*unknown`
/// is set when the flag names no pass at all.
static bool addPassFlag(MlirOpPassManager top, const char *anchor,
                        const CimOptPassFlag *f, bool *unknown,
                        CimOptActionLog *log) {
  MlirStringRef name = mlirStringRefCreate(f->name, f->nameLength);
  const CimPassDef *def = cimPassRegistryLookup(name);
  const CimPassPipelineDef *pipeline =
      def ? NULL : cimPassRegistryLookupPipeline(name);
  const char *defAnchor = def ? def->anchor : pipeline ? pipeline->anchor : "";
  bool known = def || pipeline;
  const char *opts = f->options;
  size_t cap = f->nameLength + (opts ? strlen(opts) : 0) + 300;
  char *element = malloc(cap);
  char *text = malloc(cap);
  if (!element || !text) {
    free(element);
    free(text);
    return false;
  }
  if (opts)
    snprintf(element, cap, "%.*s{%s}", (int)f->nameLength, f->name, opts);
  else
    snprintf(element, cap, "%.*s", (int)f->nameLength, f->name);

  bool nestUnderAnchor = defAnchor[0] && strcmp(defAnchor, anchor);
  if (nestUnderAnchor)
    snprintf(text, cap, "%s(%s)", defAnchor, element);
  else
    snprintf(text, cap, "%s", element);

  CimOptText err = {0};
  bool ok = mlirLogicalResultIsSuccess(cimOpPassManagerAddPipeline(
      top, mlirStringRefCreateFromCString(text), cimOptAppendText, &err));
  if (!ok && !known && err.data && strstr(err.data, "cannot run on the ops") &&
      strcmp(anchor, "func.func") != 0) {
    free(err.data);
    err = (CimOptText){0};
    snprintf(text, cap, "func.func(%s)", element);
    ok = mlirLogicalResultIsSuccess(cimOpPassManagerAddPipeline(
        top, mlirStringRefCreateFromCString(text), cimOptAppendText, &err));
  }
  if (ok && log && !cimOptActionLogAddPipeline(log, text, false)) {
    fprintf(stderr, TOOL ": '--log-actions-to' cannot follow '--%s'\n",
            element);
    ok = false;
  } else if (!ok && !known && err.data &&
             strstr(err.data, "is neither a cim pass")) {
    *unknown = true;
  } else if (!ok) {
    fprintf(stderr, TOOL ": in '--%s':\n%s\n", element,
            err.data ? err.data : "");
  }
  free(err.data);
  free(text);
  free(element);
  return ok;
}

typedef enum BuildResult { kBuilt, kBadPipeline, kUnknownFlag } BuildResult;

/// Builds the pass manager of a chunk; with `log`, also gives it the
/// pipeline's text (action_log.c).
static BuildResult buildPassManager(MlirContext ctx, const CimOptOptions *o,
                                    const char *anchor, MlirPassManager *out,
                                    CimOptActionLog *log) {
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString(anchor));
  MlirOpPassManager top = mlirPassManagerGetAsOpPassManager(pm);
  BuildResult result = kBuilt;
  if (o->pipeline) {
    CimOptText err = {0};
    if (mlirLogicalResultIsFailure(cimParsePassPipeline(
            top, mlirStringRefCreateFromCString(o->pipeline), cimOptAppendText,
            &err))) {
      fprintf(stderr, "%s\n", err.data ? err.data : "bad pipeline");
      result = kBadPipeline;
    } else if (log && !cimOptActionLogAddPipeline(log, o->pipeline, true)) {
      fprintf(stderr, TOOL ": '--log-actions-to' cannot follow the pipeline "
                      "'%s'\n", o->pipeline);
      result = kBadPipeline;
    }
    free(err.data);
  }
  for (int i = 0; result == kBuilt && i < o->numPassFlags; ++i) {
    bool unknown = false;
    if (!addPassFlag(top, anchor, &o->passFlags[i], &unknown, log)) {
      if (unknown)
        cimOptReportUnknownFlag(stderr, TOOL, o->passFlags[i].arg);
      result = unknown ? kUnknownFlag : kBadPipeline;
    }
  }
  if (result != kBuilt) {
    mlirPassManagerDestroy(pm);
    return result;
  }
  mlirPassManagerEnableVerifier(pm, o->verifyEach);
  bool before = o->printBefore || o->numPrintBeforePasses > 0;
  bool after = o->printAfter || o->printAfterFailure ||
               o->numPrintAfterPasses > 0;
  if (before || after) {
    MlirOpPrintingFlags flags = cimOptCreatePrintingFlags(o);
    /* As in mlir-opt, -after-failure implies printing after every pass
       (filtered); -after-change only filters -after-all. Printing before or
       after named passes prints around all of them, and the dumps of the
       other passes are dropped (ir_dump_filter.c). */
    mlirPassManagerEnableIRPrinting(
        pm, before, after, o->printModuleScope, o->printAfterChange,
        o->printAfterFailure, flags,
        o->printTreeDir ? mlirStringRefCreateFromCString(o->printTreeDir)
                        : mlirStringRefCreate(NULL, 0));
    mlirOpPrintingFlagsDestroy(flags);
  }
  if (o->timing)
    mlirPassManagerEnableTiming(pm);
  if (o->statistics)
    mlirPassManagerEnableStatistics(pm, o->statisticsList
                                            ? MLIR_PASS_DISPLAY_MODE_LIST
                                            : MLIR_PASS_DISPLAY_MODE_PIPELINE);
  if (o->dumpPipeline)
    cimOptDumpPassPipeline(stderr, top);
  *out = pm;
  return kBuilt;
}

/*===----------------------------------------------------------------------===*
 * One chunk
 *===----------------------------------------------------------------------===*/

typedef enum ChunkResult { kChunkOk, kChunkFailed, kChunkFatal } ChunkResult;

/// Wall-clock seconds, for the Parser and Output rows of --mlir-timing.
static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/// A context as mlir-opt makes one per chunk: every dialect registered, the
/// embedded cim/xbar dialects and the --irdl-file dialects loaded.
static MlirContext createContext(const CimOptOptions *o) {
  MlirContext ctx = cimContextCreate();
  if (mlirContextIsNull(ctx)) {
    fputs(TOOL ": the embedded cim/xbar dialects failed to load\n", stderr);
    return ctx;
  }
  mlirContextSetAllowUnregisteredDialects(ctx, o->allowUnregistered ||
                                                   o->testNamespace);
  if (o->disableThreading)
    mlirContextEnableMultithreading(ctx, false);
  /* IRDL files are reported by file, line and column, without a source. */
  intptr_t errors = 0;
  CimSourceBuffer none = {mlirStringRefCreate(NULL, 0),
                          mlirStringRefCreate(NULL, 0)};
  MlirDiagnosticHandlerID h =
      cimAttachDiagnosticPrinter(ctx, stderr, none, &errors);
  bool ok = true;
  for (int i = 0; ok && i < o->numIrdlFiles; ++i)
    ok = mlirLogicalResultIsSuccess(cimLoadIRDLFile(
        ctx, mlirStringRefCreateFromCString(o->irdlFiles[i])));
  mlirContextDetachDiagnosticHandler(ctx, h);
  if (!ok) {
    mlirContextDestroy(ctx);
    return (MlirContext){NULL};
  }
  return ctx;
}

/// --mlir-diagnostic-verbosity-level and --mlir-disable-diagnostic-notes, as
/// a handler in front of the printer: it takes (drops) warnings and remarks
/// above the level, and notes emitted on their own.
static MlirLogicalResult filterDiagnostic(MlirDiagnostic d, void *userData) {
  const CimOptOptions *o = userData;
  MlirDiagnosticSeverity s = mlirDiagnosticGetSeverity(d);
  bool drop = (s == MlirDiagnosticNote && o->disableNotes) ||
              (s == MlirDiagnosticWarning && o->verbosity < 1) ||
              (s == MlirDiagnosticRemark && o->verbosity < 2);
  return drop ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

/// Parses a chunk without the implicit module (--no-implicit-module): the
/// text as written, padded so that locations are those of the whole buffer.
static MlirOperation parseWithoutImplicitModule(MlirContext ctx,
                                                CimSourceBuffer source,
                                                CimSourceChunk chunk) {
  size_t offset = (size_t)(chunk.text.data - source.text.data);
  size_t lineStart = offset;
  while (lineStart > 0 && source.text.data[lineStart - 1] != '\n')
    --lineStart;
  size_t pad = (chunk.firstLine - 1) + (offset - lineStart);
  char *text = malloc(pad + chunk.text.length + 1);
  if (!text)
    return (MlirOperation){NULL};
  memset(text, '\n', chunk.firstLine - 1);
  memset(text + chunk.firstLine - 1, ' ', offset - lineStart);
  memcpy(text + pad, chunk.text.data, chunk.text.length);
  text[pad + chunk.text.length] = '\0';
  MlirOperation op = mlirOperationCreateParse(
      ctx, mlirStringRefCreate(text, pad + chunk.text.length), source.name);
  free(text);
  return op;
}

static bool isModuleOp(MlirOperation op) {
  return mlirStringRefEqual(mlirIdentifierStr(mlirOperationGetName(op)),
                            mlirStringRefCreateFromCString("builtin.module"));
}

/// With --verify-diagnostics, `*verifier` is the whole file's (created on
/// the first chunk): like mlir-opt, unexpected diagnostics are reported
/// chunk by chunk and unmet expectations once, at the end (main).
static ChunkResult processChunk(const CimOptOptions *o, CimSourceBuffer source,
                                CimSourceChunk chunk, FILE *out,
                                CimDiagnosticVerifier *fileVerifier,
                                CimOptIRDumpFilter *dumpFilter) {
  MlirContext ctx = createContext(o);
  if (mlirContextIsNull(ctx))
    return kChunkFatal;
  intptr_t errors = 0;
  MlirDiagnosticHandlerID printer = 0;
  CimDiagnosticVerifier verifier = *fileVerifier;
  if (o->verifyDiagnostics && cimDiagnosticVerifierIsNull(verifier)) {
    verifier = cimDiagnosticVerifierCreate(ctx, source, stderr);
    if (cimDiagnosticVerifierIsNull(verifier)) {
      fputs("error: out of memory while verifying diagnostics\n", stderr);
      mlirContextDestroy(ctx);
      return kChunkFatal;
    }
    cimDiagnosticVerifierSetOnlyExpected(verifier, o->verifyOnlyExpected);
    *fileVerifier = verifier;
  } else if (o->verifyDiagnostics) {
    cimDiagnosticVerifierAttach(verifier, ctx);
  } else {
    printer = cimAttachDiagnosticPrinter(
        ctx, cimOptIRDumpFilterStream(dumpFilter), source, &errors);
    if (o->disableNotes || o->verbosity < 2)
      mlirContextAttachDiagnosticHandler(ctx, filterDiagnostic, (void *)o,
                                         NULL);
  }

  ChunkResult result = kChunkFailed;
  bool ran = false;
  /* Before parsing, as mlir-opt installs its action handler. */
  CimOptActionLog *log = cimOptActionLogOpen(o);
  CimOptExternalResources resources = {NULL, false};
  if (!o->emitBytecode)
    cimOptTakeExternalResources(o, (char *)chunk.text.data, chunk.text.length,
                                &resources);
  double parseStart = seconds();
  MlirOperation op = o->noImplicitModule
                         ? parseWithoutImplicitModule(ctx, source, chunk)
                         : cimParseSourceChunkInBuffer(ctx, source, chunk);
  double parseSeconds = seconds() - parseStart;
  if (!mlirOperationIsNull(op) && o->testNamespace &&
      !cimOptCheckTestNamespace(ctx, source, op)) {
    mlirOperationDestroy(op);
    op = (MlirOperation){NULL};
  }
  if (!mlirOperationIsNull(op) && o->verifyRoundtrip)
    ran = cimOptVerifyRoundtrip(op, o, createContext);
  else
    ran = !mlirOperationIsNull(op);
  if (ran) {
    char anchor[256];
    MlirStringRef name = mlirIdentifierStr(mlirOperationGetName(op));
    snprintf(anchor, sizeof anchor, "%.*s", (int)name.length, name.data);
    if (!o->noImplicitModule && !isModuleOp(op))
      snprintf(anchor, sizeof anchor, "builtin.module");
    MlirPassManager pm = {NULL};
    BuildResult built = buildPassManager(ctx, o, anchor, &pm, log);
    if (built != kBuilt) {
      cimOptActionLogClose(log);
      mlirOperationDestroy(op);
      if (o->verifyDiagnostics)
        cimDiagnosticVerifierDetach(verifier);
      else
        mlirContextDetachDiagnosticHandler(ctx, printer);
      mlirContextDestroy(ctx);
      return kChunkFatal;
    }
    if (!cimOptIRDumpFilterBegin(dumpFilter))
      fputs(TOOL ": cannot make a temporary file for the IR dumps; "
                 "printing around every pass\n",
            stderr);
    ran = mlirLogicalResultIsSuccess(log ? cimOptActionLogRun(log, op)
                                         : mlirPassManagerRunOnOp(pm, op));
    cimOptIRDumpFilterEnd(dumpFilter);
    double outputStart = seconds();
    if (ran && !cimOptPrintOutputWithResources(op, o, &resources, out))
      ran = false;
    double outputSeconds = ran ? seconds() - outputStart : 0.0;
    /* Timing and statistics reports are printed when the pass manager
       goes, after the output, as mlir-opt prints them at exit. */
    cimOptDestroyPassManager(pm, o, parseSeconds, outputSeconds);
  }
  cimOptActionLogClose(log);
  if (!mlirOperationIsNull(op))
    mlirOperationDestroy(op);
  cimOptExternalResourcesFree(&resources);

  if (o->verifyDiagnostics) {
    result = mlirLogicalResultIsSuccess(
                 cimDiagnosticVerifierCheckSeen(verifier, 0, 0))
                 ? kChunkOk
                 : kChunkFailed;
    cimDiagnosticVerifierDetach(verifier);
  } else {
    mlirContextDetachDiagnosticHandler(ctx, printer);
    result = (ran && errors == 0) ? kChunkOk : kChunkFailed;
  }
  mlirContextDestroy(ctx);
  return result;
}

/// Reports pass flags that name no pass (cim or upstream) before any input
/// is read, as mlir-opt's command-line parser does.
static bool checkPassFlags(const CimOptOptions *o) {
  if (o->numPassFlags == 0)
    return true;
  MlirContext ctx = mlirContextCreate();
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager top = mlirPassManagerGetAsOpPassManager(pm);
  bool ok = true;
  for (int i = 0; i < o->numPassFlags && ok; ++i) {
    const CimOptPassFlag *f = &o->passFlags[i];
    MlirStringRef name = mlirStringRefCreate(f->name, f->nameLength);
    if (cimPassRegistryLookup(name) || cimPassRegistryLookupPipeline(name))
      continue;
    CimOptText err = {0};
    /* Only the name: options are checked when the pipeline is built. */
    if (mlirLogicalResultIsFailure(
            mlirOpPassManagerAddPipeline(top, name, cimOptAppendText, &err)) &&
        err.data && strstr(err.data, "does not refer to a registered pass")) {
      cimOptReportUnknownFlag(stderr, o->argv0, f->arg);
      ok = false;
    }
    free(err.data);
  }
  mlirPassManagerDestroy(pm);
  mlirContextDestroy(ctx);
  return ok;
}

static void printReadError(MlirStringRef message, void *userData) {
  (void)userData;
  fprintf(stderr, TOOL ": %.*s\n", (int)message.length, message.data);
}

/// Reads all of `path` ("-" for stdin) into a malloc'ed NUL-terminated
/// buffer, at most the input limit (cim-c/Input.h), and checks that a text
/// input does not nest deeper than the stack can take (cim-c/Tooling.h).
static char *readInput(const char *path, size_t *length) {
  char *data = NULL;
  if (mlirLogicalResultIsFailure(cimReadInputFile(path, "input file", &data,
                                                  length, printReadError, NULL)))
    return NULL;
  bool bytecode = *length >= 4 && memcmp(data, "ML\xefR", 4) == 0;
  unsigned line = 0;
  int64_t maxDepth = cimGetMaxNestingDepth();
  if (!bytecode && !cimCheckNestingDepth(mlirStringRefCreate(data, *length),
                                         maxDepth, &line)) {
    fprintf(stderr,
            "%s:%u: error: brackets nest deeper than %lld levels, more than "
            "a %llu-byte stack can parse (set CIM_STACK_BYTES to raise it)\n",
            strcmp(path, "-") ? path : "<stdin>", line, (long long)maxDepth,
            (unsigned long long)cimGetStackBytes());
    free(data);
    return NULL;
  }
  unsigned column = 0;
  if (!bytecode && !cimCheckLinalgProperties(mlirStringRefCreate(data, *length),
                                             &line, &column)) {
    fprintf(stderr, "%s:%u:%u: error: %s\n", strcmp(path, "-") ? path : "<stdin>",
            line, column, "properties of a linalg op must be a dictionary, '<{...}>': MLIR 22's linalg parser crashes on any other attribute there");
    free(data);
    return NULL;
  }
  return data;
}

static int optMain(int argc, char **argv) {
  CimOptOptions o;
  int status = cimOptParseCommandLine(argc, argv, &o);
  int exitCode = status == 2 ? 0 : 1;
  char *input = NULL, *reproducerPipeline = NULL;
  CimSourceChunk *chunks = NULL;
  CimOutputFile outFile = {NULL};
  if (status != 0)
    goto done;
  exitCode = 1;

  for (int i = 0; i < o.numPlugins; ++i) {
    CimOptText err = {0};
    if (mlirLogicalResultIsFailure(
            cimLoadPassPlugin(o.plugins[i], cimOptAppendText, &err))) {
      fprintf(stderr, TOOL ": %s\n", err.data ? err.data : "plugin failed");
      free(err.data);
      goto done;
    }
    free(err.data);
  }
  if (o.listPasses) {
    cimOptPrintPassList(stdout, o.listFormat);
    exitCode = 0;
    goto done;
  }
  mlirRegisterAllPasses();
  if (!checkPassFlags(&o))
    goto done;
  if (o.showDialects) {
    if (cimOptPrintDialects(stdout))
      exitCode = 0;
    goto done;
  }

  size_t length = 0;
  input = readInput(o.input, &length);
  if (!input)
    goto done;
  const char *bufferName = strcmp(o.input, "-") ? o.input : "<stdin>";
  if (o.runReproducer && cimOptApplyReproducer(&o, bufferName, input, length,
                                               &reproducerPipeline) != 0)
    goto done;
  o.testNamespace = cimOptWantsTestNamespace(&o, input, length);
  CimSourceBuffer source = {mlirStringRefCreateFromCString(bufferName),
                            mlirStringRefCreate(input, length)};

  intptr_t numChunks = 1;
  CimSourceChunk whole = {source.text, 1};
  if (o.splitMarker) {
    numChunks = cimSplitInputFile(
        source, mlirStringRefCreateFromCString(o.splitMarker), stderr, &chunks);
    if (numChunks < 0) {
      fputs(TOOL ": out of memory while splitting the input\n", stderr);
      goto done;
    }
  }

  outFile = cimOutputFileOpen(o.output, cimWriteLineToStream, stderr);
  if (cimOutputFileIsNull(outFile))
    goto done;
  FILE *out = cimOutputFileGetStream(outFile);
  /* Reports and tables written by passes appear only if the whole run
   * (every chunk) succeeds. */
  cimDeferredOutputsBegin();

  bool allOk = true;
  CimDiagnosticVerifier verifier = {NULL};
  CimOptIRDumpFilter *dumpFilter = cimOptIRDumpFilterCreate(&o);
  for (intptr_t i = 0; i < numChunks; ++i) {
    if (i > 0) {
      fputs(o.outputSplitMarker, out);
      fputc('\n', out);
    }
    ChunkResult r = processChunk(&o, source,
                                 o.splitMarker ? chunks[i] : whole, out,
                                 &verifier, dumpFilter);
    if (r != kChunkOk)
      allOk = false;
    if (r == kChunkFatal)
      break;
  }
  if (!cimDiagnosticVerifierIsNull(verifier) &&
      mlirLogicalResultIsFailure(cimDiagnosticVerifierFinish(verifier, 0, 0)))
    allOk = false;
  cimDiagnosticVerifierDestroy(verifier);
  cimOptIRDumpFilterDestroy(dumpFilter);
  if (allOk && mlirLogicalResultIsSuccess(cimDeferredOutputsCommit(cimWriteLineToStream, stderr))) {
    CimOutputFile f = outFile;
    outFile = (CimOutputFile){NULL};
    if (mlirLogicalResultIsSuccess(cimOutputFileCommit(f, cimWriteLineToStream, stderr)))
      exitCode = 0;
  }

done:
  cimDeferredOutputsDiscard();
  cimOutputFileDiscard(outFile);
  free(chunks);
  free(input);
  free(reproducerPipeline);
  cimOptOptionsFree(&o);
  return exitCode;
}

/* The real main runs on a large stack: deeply nested IR is parsed, verified,
 * printed and destroyed recursively by MLIR (cim-c/Tooling.h). */
int main(int argc, char **argv) {
  return cimRunMainWithLargeStack(optMain, argc, argv);
}
