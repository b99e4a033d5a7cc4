/*===-- cim-c/Input.h - Reading user files with a size limit --------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* The one reader of whole input files (MLIR sources, ISA programs, targets,  *|
|* policies, calibration files, .npy tensors, IRDL files): every read has a   *|
|* size limit, so an endless input (/dev/zero, a FIFO that never closes)      *|
|* ends with an error instead of eating the machine's memory. The limit is    *|
|* 2 GiB (ONNX's own limit for one protobuf; larger models keep their         *|
|* weights in external data files) and the environment variable               *|
|* CIM_MAX_INPUT_BYTES overrides it for every tool and library call.          *|
|* Implemented in lib/support/file_io.c.                                      *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_INPUT_H
#define CIM_C_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "cim-c/Support.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The default limit of one input: 2 GiB.
#define CIM_DEFAULT_MAX_INPUT_BYTES ((uint64_t)2 << 30)

/// The limit in force: CIM_MAX_INPUT_BYTES from the environment (a byte
/// count, optionally with a K, M or G suffix for KiB, MiB, GiB) when it is
/// set and valid, else CIM_DEFAULT_MAX_INPUT_BYTES. An invalid value is
/// ignored (the readers' error message then names the default).
CIM_CAPI_EXPORTED uint64_t cimInputGetLimit(void);

/// Reads all of `path` ("-" is standard input) into a malloc'ed buffer owned
/// by the caller (free()), NUL-terminated one byte past `*size` so that text
/// formats can be parsed in place. `what` names the kind of file in
/// messages ("input file", "program"). Fails with one message through
/// `errorCallback` — "cannot open WHAT 'PATH': REASON", "cannot read WHAT
/// 'PATH': REASON", "WHAT 'PATH' is larger than the input limit of N bytes
/// (set CIM_MAX_INPUT_BYTES to raise it)" — and stores NULL.
CIM_CAPI_EXPORTED MlirLogicalResult
cimReadInputFile(const char *path, const char *what, char **data, size_t *size,
                 MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_INPUT_H */
