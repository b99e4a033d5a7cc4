/*===-- cim-c/Tooling.h - Building blocks of -opt style tools -------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* What `cim-opt` is made of, exported so that a compiler embedding cimlir    *|
|* can build its own mlir-opt-like driver: splitting an input buffer at       *|
|* `// -----`, parsing a chunk with locations that refer to the original      *|
|* file, printing diagnostics with the source line and a caret, verifying     *|
|* `expected-error` comments (mlir-opt's --verify-diagnostics) and writing an *|
|* output file atomically.                                                    *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_TOOLING_H
#define CIM_C_TOOLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

/// Detaches the handler and frees the verifier. A null verifier is a no-op.
CIM_CAPI_EXPORTED void
cimDiagnosticVerifierDestroy(CimDiagnosticVerifier verifier);

/*===----------------------------------------------------------------------===*
 * Atomic output files
 *===----------------------------------------------------------------------===*/

/// An output that appears under its final name only when committed: written to
/// a temporary file beside the target and renamed over it, so a failing tool
/// leaves either no file or the previous file untouched. "-" is stdout.
typedef struct CimOutputFile {
  void *ptr;
} CimOutputFile;

static inline bool cimOutputFileIsNull(CimOutputFile f) { return !f.ptr; }

/// Opens an output for `path`. "-" is standard output. Symbolic links are
/// followed, so their final target is written and the link stays. An existing
/// target that is not a regular file (a device such as /dev/null, a FIFO) is
/// opened at once and written through at commit, never replaced. Any other
/// target is replaced atomically at commit: the text goes to an anonymous
/// O_TMPFILE file in the target's directory (or, where the file system has
/// none, a ".<basename>.tmpXXXXXX" file), created with mode 0666 & ~umask, so
/// a crash or a kill leaves no temporary behind. On failure (missing
/// directory, a directory as target, no permission, a symbolic-link loop)
/// returns a null handle and prints "cannot open output file 'PATH': REASON"
/// to `errorStream` (if not NULL).
CIM_CAPI_EXPORTED CimOutputFile cimOutputFileOpen(const char *path,
                                                  FILE *errorStream);

/// The stream to write to (valid until commit, defer or discard).
CIM_CAPI_EXPORTED FILE *cimOutputFileGetStream(CimOutputFile file);

/// An MlirStringCallback that writes to the FILE* passed as user data: hand
/// it to mlirOperationPrint with cimOutputFileGetStream(file).
CIM_CAPI_EXPORTED void cimWriteToStream(MlirStringRef text, void *stream);

/// Flushes the stream and makes the output appear at its target (renamed into
/// place, or written through to a device); frees `file`. Fails if any write,
/// the link or the rename failed, printing "cannot write output file 'PATH':
/// REASON" to `errorStream`; the target is then left as it was (a device may
/// have received part of the text). A null handle fails.
CIM_CAPI_EXPORTED MlirLogicalResult cimOutputFileCommit(CimOutputFile file,
                                                        FILE *errorStream);

/// Removes the temporary file (if any) and frees `file`; the target is left
/// untouched. A null handle is a no-op.
CIM_CAPI_EXPORTED void cimOutputFileDiscard(CimOutputFile file);

/*===----------------------------------------------------------------------===*
 * Deferred outputs: side outputs appear only when the whole run succeeds
 *===----------------------------------------------------------------------===*/

/// Starts holding back outputs committed with cimOutputFileDefer: library code
/// that writes files during a run (pass reports and tables, .npy tensors)
/// defers them, so that a run that fails later leaves none of them behind.
/// The group is process-wide (passes run on the pass manager's threads), so a
/// tool begins it around one whole run; an embedder that runs compilations
/// concurrently should not begin it.
CIM_CAPI_EXPORTED void cimDeferredOutputsBegin(void);

/// True between cimDeferredOutputsBegin and the next commit or discard.
CIM_CAPI_EXPORTED bool cimDeferredOutputsActive(void);

/// Finishes writing `file` and, while outputs are deferred, holds it back,
/// complete but without a name, until cimDeferredOutputsCommit; otherwise
/// commits it at once (cimOutputFileCommit). Takes ownership of `file`. Fails
/// (and releases `file`) if a write failed.
CIM_CAPI_EXPORTED MlirLogicalResult cimOutputFileDefer(CimOutputFile file,
                                                       FILE *errorStream);

/// Commits every held-back output, in the order they were deferred, and ends
/// deferring. Fails if any of them fails (each failure is printed to
/// `errorStream`; the others are still committed).
CIM_CAPI_EXPORTED MlirLogicalResult cimDeferredOutputsCommit(FILE *errorStream);

/// Drops every held-back output (their targets are left untouched) and ends
/// deferring.
CIM_CAPI_EXPORTED void cimDeferredOutputsDiscard(void);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_TOOLING_H */
