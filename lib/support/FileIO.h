/*===-- FileIO.h - Whole-file reads and atomic writes (internal) ----------===*/

#ifndef CIM_LIB_FILEIO_H
#define CIM_LIB_FILEIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mlir-c/Support.h"

#include "support/StrBuf.h"

/// A byte count from the environment variable `name` (digits, optionally
/// with a K, M or G suffix for KiB, MiB, GiB), or `byDefault` when it is not
/// set or not valid. The one parser of every CIM_MAX_*_BYTES limit
/// (docs/limits.md).
uint64_t cimByteLimitFromEnvironment(const char *name, uint64_t byDefault);

/// Reads all of `path` into `contents`. On failure returns false and passes
/// "cannot open WHAT 'PATH': REASON" (or "cannot read ...") to `errorCallback`;
/// `what` names the kind of file ("target file", "policy").
bool cimReadWholeFile(const char *path, const char *what, CimStrBuf *contents,
                      MlirStringCallback errorCallback, void *userData);

/// Writes `path` atomically through cimOutputFile (cim-c/Tooling.h): `write`
/// fills the stream and returns false on failure; the file appears only when
/// everything succeeded and, while deferred outputs are on
/// (cimDeferredOutputsBegin), only when the tool commits them. Failures are
/// reported as one message through `errorCallback`.
MlirLogicalResult cimWriteFileAtomically(const char *path,
                                         bool (*write)(FILE *out, void *data),
                                         void *data,
                                         MlirStringCallback errorCallback,
                                         void *userData);

#endif /* CIM_LIB_FILEIO_H */
