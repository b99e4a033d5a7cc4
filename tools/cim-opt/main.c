/*===-- cim-opt - mlir-opt for cimlir --------------------------------------===*
 *
 * Reads MLIR, runs a pipeline of cim and upstream passes, writes MLIR. The
 * command line follows mlir-opt: pass flags (`--cim-tile='rows=128'`,
 * `--canonicalize`), `--pass-pipeline=`, `-o`, `--split-input-file`,
 * `--verify-diagnostics`, `--irdl-file`, `--load-pass-plugin`,
 * `--mlir-print-ir-before-all/after-all`, `--verify-each`, `--list-passes`,
 * `--help`, `--version`. All the work is in libcimlir; this file only maps
 * flags onto it.
 *===----------------------------------------------------------------------===*/

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "cim-c/Passes.h"
#include "cim-c/Pipeline.h"
#include "cim-c/Plugin.h"
#include "cim-c/Tooling.h"
#include "cim-c/Version.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/RegisterEverything.h"

#include "usage.h"

#define TOOL "cim-opt"

/* A pass given as a flag, in command-line order. */
typedef struct PassFlag {
  const char *name; /* without dashes, borrowed from argv */
  size_t nameLength;
  const char *options; /* text after '=', or NULL */
} PassFlag;

typedef struct Options {
  const char *input;
  const char *output;
  const char *pipeline;
  bool splitInputFile;
  bool verifyDiagnostics;
  bool verifyEach;
  bool printBefore;
  bool printAfter;
  bool printDebugInfo;
  bool printGeneric;
  bool allowUnregistered;
  bool dumpPipeline;
  bool listPasses;
  const char *listFormat;
  const char **irdlFiles;
  int numIrdlFiles;
  const char **plugins;
  int numPlugins;
  PassFlag *passFlags;
  int numPassFlags;
} Options;

static void printToStderr(MlirStringRef s, void *userData) {
  (void)userData;
  fwrite(s.data, 1, s.length, stderr);
}

static void errorPrefix(void) { fputs(TOOL ": ", stderr); }

/// Matches `--name`, `-name`, `--name=VALUE` and (if `takesValue`) `--name
/// VALUE`. On a match sets *value (NULL for a bare flag) and advances *i.
static bool matchFlag(int argc, char **argv, int *i, const char *name,
                      bool takesValue, const char **value) {
  const char *a = argv[*i];
  if (a[0] != '-')
    return false;
  a += (a[1] == '-') ? 2 : 1;
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0)
    return false;
  if (a[n] == '=') {
    *value = a + n + 1;
    return true;
  }
  if (a[n] != '\0')
    return false;
  *value = NULL;
  if (takesValue && *i + 1 < argc) {
    *value = argv[++*i];
  }
  return true;
}

static bool parseBoolValue(const char *flag, const char *value, bool *out) {
  if (!value || !strcmp(value, "true") || !strcmp(value, "1")) {
    *out = true;
    return true;
  }
  if (!strcmp(value, "false") || !strcmp(value, "0")) {
    *out = false;
    return true;
  }
  errorPrefix();
  fprintf(stderr, "'--%s' expects true or false, got '%s'\n", flag, value);
  return false;
}

/// Returns 0 to continue, 1 for an error, 2 for "done, exit 0".
static int parseCommandLine(int argc, char **argv, Options *o) {
  o->verifyEach = true;
  o->irdlFiles = calloc((size_t)argc, sizeof *o->irdlFiles);
  o->plugins = calloc((size_t)argc, sizeof *o->plugins);
  o->passFlags = calloc((size_t)argc, sizeof *o->passFlags);
  if (!o->irdlFiles || !o->plugins || !o->passFlags) {
    errorPrefix();
    fputs("out of memory\n", stderr);
    return 1;
  }
  bool onlyPositional = false;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = NULL;
    if (onlyPositional || a[0] != '-' || !strcmp(a, "-")) {
      if (o->input) {
        errorPrefix();
        fprintf(stderr, "too many positional arguments: '%s' after '%s'\n", a,
                o->input);
        return 1;
      }
      o->input = a;
      continue;
    }
    if (!strcmp(a, "--")) {
      onlyPositional = true;
      continue;
    }
    if (matchFlag(argc, argv, &i, "help", false, &v) ||
        matchFlag(argc, argv, &i, "h", false, &v)) {
      cimOptPrintHelp(stdout);
      return 2;
    }
    if (matchFlag(argc, argv, &i, "version", false, &v)) {
      printf(TOOL " (cimlir) %s, built on MLIR %s\n", cimGetVersion(),
             CIM_MLIR_VERSION_STRING);
      return 2;
    }
    if (matchFlag(argc, argv, &i, "list-passes", false, &v)) {
      if (v && strcmp(v, "markdown") != 0 && strcmp(v, "text") != 0) {
        errorPrefix();
        fprintf(stderr, "'--list-passes' takes 'text' or 'markdown', got '%s'\n", v);
        return 1;
      }
      o->listPasses = true;
      o->listFormat = v;
      continue;
    }
    if (matchFlag(argc, argv, &i, "o", true, &v)) {
      if (!v || !*v) {
        errorPrefix();
        fputs("'-o' needs a file name\n", stderr);
        return 1;
      }
      o->output = v;
      continue;
    }
    if (matchFlag(argc, argv, &i, "pass-pipeline", true, &v)) {
      if (!v) {
        errorPrefix();
        fputs("'--pass-pipeline' needs a pipeline\n", stderr);
        return 1;
      }
      o->pipeline = v;
      continue;
    }
    if (matchFlag(argc, argv, &i, "irdl-file", true, &v)) {
      if (!v || !*v) {
        errorPrefix();
        fputs("'--irdl-file' needs a file name\n", stderr);
        return 1;
      }
      o->irdlFiles[o->numIrdlFiles++] = v;
      continue;
    }
    if (matchFlag(argc, argv, &i, "load-pass-plugin", true, &v)) {
      if (!v || !*v) {
        errorPrefix();
        fputs("'--load-pass-plugin' needs a file name\n", stderr);
        return 1;
      }
      o->plugins[o->numPlugins++] = v;
      continue;
    }
    struct {
      const char *name;
      bool *target;
    } bools[] = {
        {"split-input-file", &o->splitInputFile},
        {"verify-diagnostics", &o->verifyDiagnostics},
        {"verify-each", &o->verifyEach},
        {"mlir-print-ir-before-all", &o->printBefore},
        {"mlir-print-ir-after-all", &o->printAfter},
        {"mlir-print-debuginfo", &o->printDebugInfo},
        {"mlir-print-op-generic", &o->printGeneric},
        {"allow-unregistered-dialect", &o->allowUnregistered},
        {"dump-pass-pipeline", &o->dumpPipeline},
    };
    bool matched = false;
    for (size_t k = 0; k < sizeof bools / sizeof bools[0] && !matched; ++k) {
      if (matchFlag(argc, argv, &i, bools[k].name, false, &v)) {
        matched = true;
        if (!parseBoolValue(bools[k].name, v, bools[k].target))
          return 1;
      }
    }
    if (matched)
      continue;
    /* Anything else is a pass flag: a cim pass from the table or an upstream
     * pass; resolved once plugins are loaded. */
    const char *name = a + ((a[1] == '-') ? 2 : 1);
    const char *eq = strchr(name, '=');
    PassFlag *f = &o->passFlags[o->numPassFlags++];
    f->name = name;
    f->nameLength = eq ? (size_t)(eq - name) : strlen(name);
    f->options = eq ? eq + 1 : NULL;
  }
  if (o->pipeline && o->numPassFlags > 0) {
    errorPrefix();
    fprintf(stderr,
            "'--pass-pipeline' cannot be combined with individual pass flags "
            "such as '--%.*s'\n",
            (int)o->passFlags[0].nameLength, o->passFlags[0].name);
    return 1;
  }
  if (!o->input)
    o->input = "-";
  if (!o->output)
    o->output = "-";
  return 0;
}

/* Collects messages passed to an MlirStringCallback. */
typedef struct TextSink {
  char *data;
  size_t length;
} TextSink;

static void appendToSink(MlirStringRef s, void *userData) {
  TextSink *sink = userData;
  char *grown = realloc(sink->data, sink->length + s.length + 1);
  if (!grown)
    return;
  memcpy(grown + sink->length, s.data, s.length);
  sink->length += s.length;
  grown[sink->length] = '\0';
  sink->data = grown;
}

/// Adds one pass flag to the top-level pass manager, nesting it under the op
/// it runs on as mlir-opt's implicit nesting does: a cim pass under its
/// table anchor; an upstream pass at module level, or under func.func when
/// MLIR says it cannot run on modules.
static bool addPassFlag(MlirOpPassManager top, const PassFlag *f) {
  const CimPassDef *def =
      cimPassRegistryLookup(mlirStringRefCreate(f->name, f->nameLength));
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

  bool nestUnderAnchor = def && def->anchor[0] &&
                         strcmp(def->anchor, "builtin.module") != 0;
  if (nestUnderAnchor)
    snprintf(text, cap, "%s(%s)", def->anchor, element);
  else
    snprintf(text, cap, "%s", element);

  TextSink err = {0};
  bool ok = mlirLogicalResultIsSuccess(cimOpPassManagerAddPipeline(
      top, mlirStringRefCreateFromCString(text), appendToSink, &err));
  if (!ok && !def && err.data && strstr(err.data, "cannot run on the ops")) {
    free(err.data);
    err = (TextSink){0};
    snprintf(text, cap, "func.func(%s)", element);
    ok = mlirLogicalResultIsSuccess(cimOpPassManagerAddPipeline(
        top, mlirStringRefCreateFromCString(text), appendToSink, &err));
  }
  if (!ok) {
    errorPrefix();
    fprintf(stderr, "in '--%s':\n%s\n", element, err.data ? err.data : "");
  }
  free(err.data);
  free(text);
  free(element);
  return ok;
}

/// Reads all of `path` ("-" for stdin) into a malloc'ed NUL-terminated buffer.
static char *readInput(const char *path, size_t *length) {
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    errorPrefix();
    fprintf(stderr, "cannot open input file '%s': %s\n", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + len, 1, cap - len - 1, f);
    len += got;
    if (got == 0)
      break;
    if (len + 1 == cap) {
      char *grown = realloc(buf, cap * 2);
      if (!grown) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = grown;
      cap *= 2;
    }
  }
  bool bad = !buf || ferror(f);
  if (f != stdin)
    fclose(f);
  if (bad) {
    errorPrefix();
    fprintf(stderr, "cannot read input file '%s'\n", path);
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  *length = len;
  return buf;
}

static MlirPassManager buildPassManager(MlirContext ctx, const Options *o) {
  MlirPassManager pm = mlirPassManagerCreateOnOperation(
      ctx, mlirStringRefCreateFromCString("builtin.module"));
  MlirOpPassManager top = mlirPassManagerGetAsOpPassManager(pm);
  bool ok = true;
  if (o->pipeline) {
    TextSink err = {0};
    ok = mlirLogicalResultIsSuccess(cimParsePassPipeline(
        top, mlirStringRefCreateFromCString(o->pipeline), appendToSink, &err));
    if (!ok)
      fprintf(stderr, "%s\n", err.data ? err.data : "bad pipeline");
    free(err.data);
  }
  for (int i = 0; ok && i < o->numPassFlags; ++i)
    ok = addPassFlag(top, &o->passFlags[i]);
  if (!ok) {
    mlirPassManagerDestroy(pm);
    return (MlirPassManager){NULL};
  }
  mlirPassManagerEnableVerifier(pm, o->verifyEach);
  if (o->printBefore || o->printAfter) {
    MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
    mlirPassManagerEnableIRPrinting(pm, o->printBefore, o->printAfter,
                                    /*printModuleScope=*/true,
                                    /*printAfterOnlyOnChange=*/false,
                                    /*printAfterOnlyOnFailure=*/false, flags,
                                    mlirStringRefCreate(NULL, 0));
    mlirOpPrintingFlagsDestroy(flags);
  }
  if (o->dumpPipeline) {
    mlirPrintPassPipeline(top, printToStderr, NULL);
    fputc('\n', stderr);
  }
  return pm;
}

/// Parses, transforms and prints one chunk. Returns true when the chunk
/// succeeded (in verify mode: when the diagnostics matched).
/// In verify mode `verifier` holds the whole file's expectations (scanned
/// once) and is checked against the lines of this chunk only.
static bool processChunk(MlirContext ctx, MlirPassManager pm, const Options *o,
                         CimSourceBuffer source, CimSourceChunk chunk,
                         unsigned lastLine, CimDiagnosticVerifier verifier,
                         FILE *out, bool *printedAny) {
  intptr_t errors = 0;
  MlirDiagnosticHandlerID printer = 0;
  if (!o->verifyDiagnostics)
    printer = cimAttachDiagnosticPrinter(ctx, stderr, source, &errors);

  bool ok = false;
  MlirOperation op = cimParseSourceChunk(ctx, source.name, chunk);
  if (!mlirOperationIsNull(op)) {
    ok = mlirLogicalResultIsSuccess(mlirPassManagerRunOnOp(pm, op));
    if (ok) {
      if (*printedAny)
        fputs("// -----\n", out);
      MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
      if (o->printDebugInfo)
        mlirOpPrintingFlagsEnableDebugInfo(flags, true, false);
      if (o->printGeneric)
        mlirOpPrintingFlagsPrintGenericOpForm(flags);
      mlirOperationPrintWithFlags(op, flags, cimWriteToStream, out);
      mlirOpPrintingFlagsDestroy(flags);
      fputc('\n', out);
      *printedAny = true;
    }
    mlirOperationDestroy(op);
  }

  if (o->verifyDiagnostics) {
    ok = mlirLogicalResultIsSuccess(
        cimDiagnosticVerifierFinish(verifier, chunk.firstLine, lastLine));
  } else {
    mlirContextDetachDiagnosticHandler(ctx, printer);
    ok = ok && errors == 0;
  }
  return ok;
}

int main(int argc, char **argv) {
  Options o = {0};
  int status = parseCommandLine(argc, argv, &o);
  int exitCode = status == 2 ? 0 : 1;
  MlirContext ctx = {NULL};
  MlirPassManager pm = {NULL};
  char *input = NULL;
  CimSourceChunk *chunks = NULL;
  CimOutputFile outFile = {NULL};
  if (status != 0)
    goto done;
  exitCode = 1;

  for (int i = 0; i < o.numPlugins; ++i) {
    TextSink err = {0};
    if (mlirLogicalResultIsFailure(
            cimLoadPassPlugin(o.plugins[i], appendToSink, &err))) {
      errorPrefix();
      fprintf(stderr, "%s\n", err.data ? err.data : "plugin failed");
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
  ctx = cimContextCreate();
  if (mlirContextIsNull(ctx)) {
    errorPrefix();
    fputs("the embedded cim/xbar dialects failed to load\n", stderr);
    goto done;
  }
  mlirContextSetAllowUnregisteredDialects(ctx, o.allowUnregistered);

  /* IRDL files and the pipeline are reported without a source buffer. */
  {
    intptr_t errors = 0;
    CimSourceBuffer none = {mlirStringRefCreate(NULL, 0),
                            mlirStringRefCreate(NULL, 0)};
    MlirDiagnosticHandlerID h =
        cimAttachDiagnosticPrinter(ctx, stderr, none, &errors);
    bool ok = true;
    for (int i = 0; ok && i < o.numIrdlFiles; ++i)
      ok = mlirLogicalResultIsSuccess(cimLoadIRDLFile(
          ctx, mlirStringRefCreateFromCString(o.irdlFiles[i])));
    if (ok)
      pm = buildPassManager(ctx, &o);
    mlirContextDetachDiagnosticHandler(ctx, h);
    if (!ok || mlirPassManagerIsNull(pm))
      goto done;
  }

  size_t length = 0;
  input = readInput(o.input, &length);
  if (!input)
    goto done;
  const char *bufferName = strcmp(o.input, "-") ? o.input : "<stdin>";
  CimSourceBuffer source = {mlirStringRefCreateFromCString(bufferName),
                            mlirStringRefCreate(input, length)};

  intptr_t numChunks = 1;
  CimSourceChunk whole = {source.text, 1};
  if (o.splitInputFile) {
    numChunks =
        cimSplitSourceBuffer(source.text, mlirStringRefCreate(NULL, 0), &chunks);
    if (numChunks <= 0) {
      errorPrefix();
      fputs("cannot split the input\n", stderr);
      goto done;
    }
  }

  outFile = cimOutputFileOpen(o.output, stderr);
  if (cimOutputFileIsNull(outFile))
    goto done;
  FILE *out = cimOutputFileGetStream(outFile);
  /* Reports and tables written by passes appear only if the whole run
   * (every chunk) succeeds. */
  cimDeferredOutputsBegin();

  bool allOk = true, printedAny = false;
  CimDiagnosticVerifier verifier = {NULL};
  if (o.verifyDiagnostics) {
    verifier = cimDiagnosticVerifierCreate(ctx, source, stderr);
    if (cimDiagnosticVerifierIsNull(verifier)) {
      fputs("error: out of memory while verifying diagnostics\n", stderr);
      goto done;
    }
  }
  for (intptr_t i = 0; i < numChunks; ++i) {
    CimSourceChunk chunk = o.splitInputFile ? chunks[i] : whole;
    unsigned lastLine =
        (o.splitInputFile && i + 1 < numChunks) ? chunks[i + 1].firstLine - 2 : 0;
    if (!processChunk(ctx, pm, &o, source, chunk, lastLine, verifier, out,
                      &printedAny))
      allOk = false;
  }
  cimDiagnosticVerifierDestroy(verifier);
  if (allOk && mlirLogicalResultIsSuccess(cimDeferredOutputsCommit(stderr))) {
    CimOutputFile f = outFile;
    outFile = (CimOutputFile){NULL};
    if (mlirLogicalResultIsSuccess(cimOutputFileCommit(f, stderr)))
      exitCode = 0;
  }

done:
  cimDeferredOutputsDiscard();
  cimOutputFileDiscard(outFile);
  free(chunks);
  free(input);
  if (!mlirPassManagerIsNull(pm))
    mlirPassManagerDestroy(pm);
  if (!mlirContextIsNull(ctx))
    mlirContextDestroy(ctx);
  free(o.irdlFiles);
  free(o.plugins);
  free(o.passFlags);
  return exitCode;
}
