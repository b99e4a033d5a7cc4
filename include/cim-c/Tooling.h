/*===-- cim-c/Tooling.h - Building blocks of -opt style tools -------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* What `cim-opt` is made of, exported so that a compiler embedding cimlir    *|
|* can build its own mlir-opt-like driver: splitting an input buffer at       *|
|* `// -----`, parsing a chunk with locations that refer to the original      *|
|* file, printing diagnostics with the source line and a caret, verifying     *|
|* `expected-error` comments (mlir-opt's --verify-diagnostics), "did you    *|
|* mean" suggestions. Output files are in cim-c/Output.h, which this header   *|
|* includes.                                                                  *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_TOOLING_H
#define CIM_C_TOOLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cim-c/Output.h"
#include "cim-c/Support.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * Source buffers and split-input-file
 *===----------------------------------------------------------------------===*/

/// A named, borrowed piece of source text. `name` is what diagnostics print as
/// the file name ("-" or "<stdin>" for standard input).
typedef struct CimSourceBuffer {
  MlirStringRef name;
  MlirStringRef text;
} CimSourceBuffer;

/// One chunk of a buffer split at marker lines. `text` borrows from the
/// original buffer; `firstLine` is the 1-based line of the original buffer on
/// which the chunk starts.
typedef struct CimSourceChunk {
  MlirStringRef text;
  unsigned firstLine;
} CimSourceChunk;

/// Splits `buffer` at every line that consists of `marker` (surrounding
/// whitespace ignored), as mlir-opt's --split-input-file does; an empty marker
/// means "// -----". Unlike mlir-opt, a marker must be a line of its own.
/// Stores a malloc'ed array in `*chunks` (the caller frees it with free())
/// and returns the number of chunks, at least 1; returns 0 (and stores NULL)
/// only when out of memory.
CIM_CAPI_EXPORTED intptr_t cimSplitSourceBuffer(MlirStringRef buffer,
                                                MlirStringRef marker,
                                                CimSourceChunk **chunks);

/// Parses `chunk` of the buffer named `bufferName` into a new top-level
/// operation owned by the caller (destroy with mlirOperationDestroy). Like
/// mlir-opt, a source that does not consist of exactly one `builtin.module` is
/// wrapped in an implicit `builtin.module`, located at `bufferName:0:0` (for
/// a chunk that starts after line 1: at column 9 of the line before it, just
/// after the `// -----`, where mlir-opt's chunk starts). Locations refer to
/// lines and columns of the original buffer, not of the chunk. On a parse or
/// verifier error the diagnostics go to the context's handlers (once each)
/// and a null operation is returned.
CIM_CAPI_EXPORTED MlirOperation cimParseSourceChunk(MlirContext context,
                                                    MlirStringRef bufferName,
                                                    CimSourceChunk chunk);

/// Splits `source` exactly as mlir-opt 22's --split-input-file[=MARKER]
/// does: at every occurrence of `marker` (empty: "// -----"), anywhere in a
/// line; a chunk starts right after its marker, on the marker's line, so
/// text after a marker on the same line belongs to the next chunk. An
/// occurrence of the marker without its last two characters that does not
/// go on with them is a near miss: "FILE:LINE:COL: warning: near miss with
/// file split marker" (with the source line and a caret) is printed to
/// `warnings` (if not NULL) and the text stays in the chunk. Empty chunks at
/// the start and the end are dropped, and a chunk that follows an empty
/// one keeps the marker's last two characters -- mlir-opt's quirks, kept so
/// that line and column numbers and outcomes are the same. `marker` must be
/// longer than two characters (mlir-opt loops forever on shorter ones).
/// Each chunk borrows from `source.text`; `firstLine` is the line its first
/// character is on. Stores a malloc'ed array in `*chunks` (free() it; NULL
/// when there is no chunk) and returns the number of chunks (0 for an empty
/// input), or -1 when out of memory.
CIM_CAPI_EXPORTED intptr_t cimSplitInputFile(CimSourceBuffer source,
                                             MlirStringRef marker,
                                             FILE *warnings,
                                             CimSourceChunk **chunks);

/// Parses a chunk whose text lies inside `source.text` (as returned by
/// cimSplitInputFile) like cimParseSourceChunk, but with mlir-opt's
/// positions for a chunk that starts in the middle of a line: locations
/// carry the line and column of the whole buffer, and an implicit module is
/// located at `source.name:0:0` when the chunk starts the buffer, else at
/// the chunk's first character (just after its marker). The caller owns the
/// result; null on a parse or verifier error (reported to the context).
CIM_CAPI_EXPORTED MlirOperation cimParseSourceChunkInBuffer(
    MlirContext context, CimSourceBuffer source, CimSourceChunk chunk);

/*===----------------------------------------------------------------------===*
 * Diagnostic printing
 *===----------------------------------------------------------------------===*/

/// Prints `diagnostic` and its notes to `stream` in mlir-opt's form:
///   file:line:col: error: message
///   <the source line>
///         ^
/// The position is the first file/line/col location inside the diagnostic's
/// location (name, fused and call-site locations are looked into; a call
/// site's callers follow as "note: called from"). The source line and caret
/// are printed when that location names `source` and exists in its text
/// (pass a null-text buffer to omit them). Without any file location the
/// line reads `<unknown>:0: error: loc(...): message`, or
/// `<unknown>:0: error: message` for an unknown location. A note at the same
/// location as what was printed before it omits the source line.
CIM_CAPI_EXPORTED void cimPrintDiagnostic(FILE *stream,
                                          MlirDiagnostic diagnostic,
                                          CimSourceBuffer source);

/// Attaches a handler to `context` that prints every diagnostic with
/// cimPrintDiagnostic to `stream` and counts errors (not warnings, remarks
/// or notes) in `*errorCount` when it is not NULL. Returns the handler id, 0
/// when out of memory. The `source` text must outlive the handler. Detach
/// with mlirContextDetachDiagnosticHandler.
CIM_CAPI_EXPORTED MlirDiagnosticHandlerID
cimAttachDiagnosticPrinter(MlirContext context, FILE *stream,
                           CimSourceBuffer source, intptr_t *errorCount);

/*===----------------------------------------------------------------------===*
 * --verify-diagnostics
 *===----------------------------------------------------------------------===*/

/// Checks emitted diagnostics against `expected-error`, `expected-warning`,
/// `expected-remark` and `expected-note` comments in a source buffer, with
/// mlir-opt's syntax (`@+N`, `@-N`, `@above`, `@below`, `@unknown`, `{{...}}`
/// substring match, `-re` regex form) and wording. Notes attached to a
/// diagnostic are checked as diagnostics of their own, except the "see
/// current operation: ..." note at the operation's location, which mlir-opt
/// turns off in this mode (the C API cannot).
typedef struct CimDiagnosticVerifier {
  void *ptr;
} CimDiagnosticVerifier;

static inline bool cimDiagnosticVerifierIsNull(CimDiagnosticVerifier v) {
  return !v.ptr;
}

/// Scans `source` for expected-* comments and attaches a handler to `context`
/// that consumes every diagnostic. Expectations with a broken `-re` pattern
/// are reported on `stream` when the verifier finishes; lines that do not
/// match the expectation syntax at all are ignored, as in mlir-opt. The
/// source text must outlive the verifier. The caller owns the result
/// (cimDiagnosticVerifierDestroy); it is null only when out of memory.
CIM_CAPI_EXPORTED CimDiagnosticVerifier cimDiagnosticVerifierCreate(
    MlirContext context, CimSourceBuffer source, FILE *stream);

/// Reports on `stream`, in mlir-opt's wording, each diagnostic that was not
/// expected ("unexpected error: ...") and each expectation that was not met
/// ("expected error \"...\" was not produced"). Succeeds when there is none.
/// Only the expectations written on lines [firstLine, lastLine] (1-based,
/// inclusive; 0 means no bound on that side) take part, which lets a
/// split-input-file driver verify chunk by chunk; all diagnostics seen since
/// the last call are checked. Afterwards the verifier starts clean: no
/// diagnostics seen, no expectation met.
CIM_CAPI_EXPORTED MlirLogicalResult
cimDiagnosticVerifierFinish(CimDiagnosticVerifier verifier, unsigned firstLine,
                            unsigned lastLine);

/// Checks the diagnostics seen since the last check against the expectations
/// written on lines [firstLine, lastLine] (0: unbounded), reports on the
/// verifier's stream each one that was not expected (or expected with
/// another severity) and forgets them; expectations they met stay met until
/// cimDiagnosticVerifierFinish. Succeeds when every one was expected. This is
/// how mlir-opt reports unexpected diagnostics chunk by chunk and unmet
/// expectations once, at the end.
CIM_CAPI_EXPORTED MlirLogicalResult
cimDiagnosticVerifierCheckSeen(CimDiagnosticVerifier verifier,
                               unsigned firstLine, unsigned lastLine);

/// Detaches the verifier's handler from its context (which must still be
/// alive). A detached or null verifier is a no-op.
CIM_CAPI_EXPORTED void cimDiagnosticVerifierDetach(CimDiagnosticVerifier verifier);

/// Attaches the verifier to `context` (detaching it from its previous one
/// first), so that one verifier can check a file whose chunks are each
/// processed in a context of their own.
CIM_CAPI_EXPORTED void cimDiagnosticVerifierAttach(CimDiagnosticVerifier verifier,
                                                   MlirContext context);

/// mlir-opt's --verify-diagnostics=only-expected: with `onlyExpected` set,
/// diagnostics that no expectation is written for are ignored (neither
/// reported nor a failure); a diagnostic that matches an expectation in all
/// but severity and unmet expectations still fail. Off by default.
CIM_CAPI_EXPORTED void
cimDiagnosticVerifierSetOnlyExpected(CimDiagnosticVerifier verifier,
                                     bool onlyExpected);

/// Detaches the handler and frees the verifier. A null verifier is a no-op.
CIM_CAPI_EXPORTED void
cimDiagnosticVerifierDestroy(CimDiagnosticVerifier verifier);

/*===----------------------------------------------------------------------===*
 * Deep inputs
 *===----------------------------------------------------------------------===*/

/// The stack a tool's main runs on: 1 GiB of address space (pages are
/// committed only when touched), or CIM_STACK_BYTES from the environment.
CIM_CAPI_EXPORTED uint64_t cimGetStackBytes(void);

/// Runs `mainFunction(argc, argv)` on a thread with cimGetStackBytes() of
/// stack, so that deeply nested IR, which MLIR parses, verifies, prints and
/// destroys recursively, does not overflow the process's main stack. The
/// process exits from that thread with mainFunction's result (exit(): atexit
/// handlers run, stdio is flushed), so the call returns only when no such
/// thread could be created; then it calls mainFunction directly and returns
/// its result. Meant for a tool's main: `return cimRunMainWithLargeStack(...)`.
CIM_CAPI_EXPORTED int cimRunMainWithLargeStack(int (*mainFunction)(int, char **),
                                               int argc, char **argv);

/// The deepest bracket nesting ({, (, [) an MLIR source may have to be
/// processed on cimGetStackBytes() of stack (docs/limits.md).
CIM_CAPI_EXPORTED int64_t cimGetMaxNestingDepth(void);

/// Scans MLIR source `text` (skipping string literals and // comments) and
/// returns false, with the 1-based line of the first bracket beyond the limit
/// in `*line` (if not NULL), when brackets nest deeper than `limit`.
CIM_CAPI_EXPORTED bool cimCheckNestingDepth(MlirStringRef text, int64_t limit,
                                            unsigned *line);

/// Scans MLIR source `text` (skipping string literals and // comments) for
/// the input that crashes MLIR 22's own parser: a linalg op in custom syntax
/// whose properties in angle brackets are not a dictionary
/// (`linalg.matmul<1>`; upstream casts them to a DictionaryAttr unchecked,
/// docs/testing.md). Returns false, with the 1-based line and column of the
/// `<` in `*line` and `*column` (if not NULL), when the text has one.
CIM_CAPI_EXPORTED bool cimCheckLinalgProperties(MlirStringRef text,
                                                unsigned *line,
                                                unsigned *column);

/*===----------------------------------------------------------------------===*
 * "Did you mean" suggestions
 *===----------------------------------------------------------------------===*/

/// The Levenshtein distance between `a` and `b` (inserting, deleting or
/// replacing one byte costs 1), as llvm::StringRef::edit_distance with
/// replacements allowed. With `maxDistance` > 0 the scan stops as soon as the
/// distance must exceed it and returns maxDistance + 1. Returns -1 when out of
/// memory.
CIM_CAPI_EXPORTED intptr_t cimEditDistance(MlirStringRef a, MlirStringRef b,
                                           intptr_t maxDistance);

/// The closest candidate to what a user typed, among those close enough to be
/// a typo: at most length / 3 + 1 edits away (LLVM's option parser suggests
/// any option, however far; a long unrelated name helps nobody).
typedef struct CimSuggester {
  MlirStringRef typed;  ///< Borrowed.
  const char *best;     ///< Borrowed from the candidates; NULL: none yet.
  intptr_t bestDistance; ///< Distance of `best`, or the limit + 1.
} CimSuggester;

/// A suggester for `typed` (borrowed) with no candidate yet.
CIM_CAPI_EXPORTED CimSuggester cimSuggesterCreate(MlirStringRef typed);

/// Returns the distance from the typed text to `candidate` if that is below
/// the best so far (and within the limit), else a larger value; does not
/// change `suggester`. For candidates that need a check before they are
/// accepted (cimSuggesterAccept).
CIM_CAPI_EXPORTED intptr_t cimSuggesterDistance(const CimSuggester *suggester,
                                                const char *candidate);

/// Makes `candidate` (borrowed, must outlive the suggester's use) the best
/// when its distance is smaller than the best so far; returns true if so.
CIM_CAPI_EXPORTED bool cimSuggesterConsider(CimSuggester *suggester,
                                            const char *candidate);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_TOOLING_H */
