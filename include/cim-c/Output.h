/*===-- cim-c/Output.h - Output files that appear only when complete -*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* The one writer of every file cimlir's tools and library write: atomic     *|
|* replacement of regular files, devices and FIFOs written through, symbolic  *|
|* links followed, and deferred side outputs that appear only when a whole    *|
|* run succeeds. Implemented in lib/support/output_file.c.                    *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_OUTPUT_H
#define CIM_C_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "cim-c/Support.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

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
/// returns a null handle and passes "cannot open output file 'PATH': REASON"
/// to `errorCallback` (if not NULL) with `userData`.
CIM_CAPI_EXPORTED CimOutputFile cimOutputFileOpen(const char *path,
                                                  MlirStringCallback errorCallback,
                                                  void *userData);

/// The stream to write to (valid until commit, defer or discard).
CIM_CAPI_EXPORTED FILE *cimOutputFileGetStream(CimOutputFile file);

/// An MlirStringCallback that writes to the FILE* passed as user data: hand
/// it to mlirOperationPrint with cimOutputFileGetStream(file).
CIM_CAPI_EXPORTED void cimWriteToStream(MlirStringRef text, void *stream);

/// An MlirStringCallback that writes one message and a newline to the FILE*
/// passed as user data: the error callback of a tool that reports on stderr
/// (`cimOutputFileOpen(path, cimWriteLineToStream, stderr)`).
CIM_CAPI_EXPORTED void cimWriteLineToStream(MlirStringRef text, void *stream);

/// Flushes the stream and makes the output appear at its target (renamed into
/// place, or written through to a device); frees `file`. Fails if any write,
/// the link or the rename failed, passing "cannot write output file 'PATH':
/// REASON" to `errorCallback`; the target is then left as it was (a device may
/// have received part of the text). A null handle fails.
CIM_CAPI_EXPORTED MlirLogicalResult
cimOutputFileCommit(CimOutputFile file, MlirStringCallback errorCallback,
                    void *userData);

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
CIM_CAPI_EXPORTED MlirLogicalResult
cimOutputFileDefer(CimOutputFile file, MlirStringCallback errorCallback,
                   void *userData);

/// Commits every held-back output, in the order they were deferred, and ends
/// deferring. Fails if any of them fails (each failure is passed to
/// `errorCallback`; the others are still committed).
CIM_CAPI_EXPORTED MlirLogicalResult
cimDeferredOutputsCommit(MlirStringCallback errorCallback, void *userData);

/// Drops every held-back output (their targets are left untouched) and ends
/// deferring.
CIM_CAPI_EXPORTED void cimDeferredOutputsDiscard(void);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_OUTPUT_H */
