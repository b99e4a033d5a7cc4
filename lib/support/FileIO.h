/*===-- FileIO.h - Whole-file reads and atomic writes (internal) ----------===*/

#ifndef CIM_LIB_FILEIO_H
#define CIM_LIB_FILEIO_H

#include <stdbool.h>
#include <stdio.h>

#include "mlir-c/Support.h"

#include "support/StrBuf.h"

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
