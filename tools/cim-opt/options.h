/*===-- options.h - cim-opt's command line ---------------------------------===*/

#ifndef CIM_OPT_OPTIONS_H
#define CIM_OPT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "cim-c/Tooling.h"

/* A pass given as a flag, in command-line order. */
typedef struct CimOptPassFlag {
  const char *arg;  /* the whole argument as typed, borrowed from argv */
  const char *name; /* without dashes */
  size_t nameLength;
  const char *options; /* text after '=', or NULL */
} CimOptPassFlag;

/* One --log-mlir-actions-filter location: `file`, `file:line` or
 * `file:line:col` (-1: any). `file` points into argv. */
typedef struct CimOptActionFilter {
  const char *file;
  size_t fileLength;
  long long line, col;
} CimOptActionFilter;

typedef struct CimOptOptions {
  const char *argv0;
  const char *input;
  const char *output;
  const char *pipeline;
  const char *splitMarker; /* NULL: no splitting */
  const char *outputSplitMarker;
  bool verifyDiagnostics, verifyOnlyExpected;
  bool verifyEach, verifyRoundtrip;
  bool printBefore, printAfter, printAfterChange, printAfterFailure;
  bool printModuleScope;
  /* --mlir-print-ir-before=/after=: comma-separated pass arguments */
  const char **printBeforePasses, **printAfterPasses;
  int numPrintBeforePasses, numPrintAfterPasses;
  const char *printTreeDir;
  bool printDebugInfo, prettyDebugInfo, printGeneric, printLocalScope;
  bool assumeVerified, nameLocAsPrefix, skipRegions;
  long long elideElements, elideResources; /* -1: off */
  bool allowUnregistered, noImplicitModule, disableThreading;
  bool testNamespace; /* set by main: see test_dialect.c */
  bool runReproducer;
  bool disableNotes;
  int verbosity; /* 0 errors, 1 + warnings, 2 + remarks (default) */
  bool dumpPipeline, timing, timingList, timingJson, statistics, statisticsList;
  bool emitBytecode, elideResourceData;
  long long bytecodeVersion; /* -1: current */
  const char *bytecodeProducer; /* NULL: MLIR's "MLIR<version>" */
  bool listPasses, showDialects;
  const char *listFormat;
  const char **irdlFiles;
  int numIrdlFiles;
  const char **plugins;
  int numPlugins;
  CimOptPassFlag *passFlags;
  int numPassFlags;
  const char *logActionsTo; /* --log-actions-to: a file or "-" (stdout) */
  CimOptActionFilter *actionFilters;
  int numActionFilters;
} CimOptOptions;

/// Parses argv into `o` (which it initializes). Returns 0 to continue, 1 for
/// an error (reported on stderr), 2 for "done, exit 0" (--help, --version).
int cimOptParseCommandLine(int argc, char **argv, CimOptOptions *o);

void cimOptOptionsFree(CimOptOptions *o);

/// mlir-opt's complaint about an argument that is neither a flag nor a pass,
/// with the closest flag or cim pass as "Did you mean '--X'?".
void cimOptReportUnknownFlag(FILE *stream, const char *argv0, const char *arg);

/// Prints the driver flags of the flag table (for --help).
void cimOptPrintFlagHelp(FILE *stream);

/// The printing flags for the output and IR dumps (caller destroys them).
MlirOpPrintingFlags cimOptCreatePrintingFlags(const CimOptOptions *o);

/// Writes `op` to `out` as text (followed by a newline) or bytecode.
bool cimOptPrintOutput(MlirOperation op, const CimOptOptions *o, FILE *out);

/// --verify-roundtrip: textual and bytecode round trips into fresh contexts
/// made by `createContext`; errors are emitted at `op`.
bool cimOptVerifyRoundtrip(MlirOperation op, const CimOptOptions *o,
                           MlirContext (*createContext)(const CimOptOptions *));

/// --dump-pass-pipeline in mlir-opt's layout ("Pass Manager with N passes:").
void cimOptDumpPassPipeline(FILE *stream, MlirOpPassManager pm);

/// --mlir-print-ir-before=/after= (ir_dump_filter.c): NULL when neither is
/// given (or out of memory), else a filter whose stream the diagnostic
/// printer must write to, and which keeps, between Begin and End, only the
/// IR dumps of the selected passes on stderr.
typedef struct CimOptIRDumpFilter CimOptIRDumpFilter;
CimOptIRDumpFilter *cimOptIRDumpFilterCreate(const CimOptOptions *o);
/// The stream for diagnostics: stderr for a NULL filter.
FILE *cimOptIRDumpFilterStream(CimOptIRDumpFilter *f);
bool cimOptIRDumpFilterBegin(CimOptIRDumpFilter *f);
void cimOptIRDumpFilterEnd(CimOptIRDumpFilter *f);
void cimOptIRDumpFilterDestroy(CimOptIRDumpFilter *f);

/// Destroys `pm`; with --mlir-timing, its timing report is printed as
/// mlir-opt prints it: with "Parser" and "Output" rows for the given times
/// (measured by the caller), as a tree or, with --mlir-timing-display=list,
/// as a list (timing_report.c).
void cimOptDestroyPassManager(MlirPassManager pm, const CimOptOptions *o,
                              double parseSeconds, double outputSeconds);

/// --run-reproducer (reproducer.c): reads the `mlir_reproducer` external
/// resource of `input` (named `name`) into `o` (its pipeline, owned by the
/// caller through *pipeline, runs before the pass flags unless --pass-pipeline
/// is given) and blanks it in
/// `input`. Returns 0, or 1 after reporting a malformed entry.
int cimOptApplyReproducer(CimOptOptions *o, const char *name, char *input,
                          size_t length, char **pipeline);

/// --elide-resource-data-from-bytecode (bytecode_elide.c): `bytecode` as
/// mlir-opt's writer writes it with resource data elided, in a new buffer
/// (*out, freed by the caller). False for malformed bytecode or a string
/// resource.
bool cimOptElideResourceData(const char *bytecode, size_t length, char **out,
                             size_t *outLength);

/// External resources of unknown groups (external_resources.c), kept for
/// text output as mlir-opt keeps them.
typedef struct CimOptExternalResources {
  char *section; /* "  external_resources: {...}", NULL if all elided */
  bool present;  /* the chunk had some */
} CimOptExternalResources;

/// Takes the external resources out of a chunk's `text` (blanked, newlines
/// kept) into `r`. False, with `text` untouched, if they do not read as
/// resources (the parser then reports them).
bool cimOptTakeExternalResources(const CimOptOptions *o, char *text,
                                 size_t length, CimOptExternalResources *r);
void cimOptExternalResourcesFree(CimOptExternalResources *r);

/// cimOptPrintOutput, with `r` merged into the printed file metadata.
bool cimOptPrintOutputWithResources(MlirOperation op, const CimOptOptions *o,
                                    const CimOptExternalResources *r,
                                    FILE *out);

/// True when `input` names a "test. operation and unregistered dialects are
/// not allowed: then cim-opt stands in for mlir-opt's test dialect
/// (test_dialect.c).
bool cimOptWantsTestNamespace(const CimOptOptions *o, const char *input,
                              size_t length);

/// After a parse with unregistered dialects allowed for the `test`
/// namespace: false, with mlir-opt's parse error, when `op` holds an
/// operation of another unknown dialect.
bool cimOptCheckTestNamespace(MlirContext ctx, CimSourceBuffer source,
                              MlirOperation op);

/// --log-mlir-actions-filter=LOC[,LOC...] (action_log.c): appends the
/// locations to `o`; false after mlir-opt's message for an empty one.
bool cimOptAddActionFilters(CimOptOptions *o, const char *list);

/// --log-actions-to (action_log.c), for one chunk: prints mlir-opt's
/// "ExecutionContext registered on the context" and opens the log. NULL
/// without the flag, or when the file cannot be opened (mlir-opt's error is
/// printed and the chunk runs without a log, as in mlir-opt).
/// Text collected from an MlirStringCallback: cimOptAppendText appends each
/// piece (NUL-terminated; the caller frees `data`).
typedef struct CimOptText {
  char *data;
  size_t length;
} CimOptText;
void cimOptAppendText(MlirStringRef s, void *text);

/// Points stderr (descriptor 2) at a new temporary file, after flushing it:
/// returns the file, the real stderr dup'ed to `*saved`; NULL, with stderr
/// unchanged, when no temporary file or descriptor can be had. Whoever gets
/// the file flushes stderr, dup2s `*saved` back to 2, closes it and reads
/// the file (--mlir-timing's report, --mlir-print-ir-* dumps, action logs).
FILE *cimOptCaptureStderr(int *saved);

typedef struct CimOptActionLog CimOptActionLog;
CimOptActionLog *cimOptActionLogOpen(const CimOptOptions *o);
/// Adds the pipeline text that built the pass manager: `anchor(...)` (the
/// --pass-pipeline, `anchored`) or pipeline elements (a pass flag, as
/// nested by cim-opt). False if it does not read as a pipeline.
bool cimOptActionLogAddPipeline(CimOptActionLog *log, const char *text,
                                bool anchored);
/// Runs the pipeline on `op`, logging its pass-execution actions; errors
/// (and refusals of what cannot be logged as mlir-opt logs it) are printed.
MlirLogicalResult cimOptActionLogRun(CimOptActionLog *log, MlirOperation op);
void cimOptActionLogClose(CimOptActionLog *log);

/// --show-dialects: "Available Dialects: a,b,..." (false on failure).
bool cimOptPrintDialects(FILE *stream);

#endif /* CIM_OPT_OPTIONS_H */
