/*===-- cim-c/Import.h - Model importers ------------------------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* Importers bring trained models in as the input level of the pipeline:      *|
|* linalg on tensors with upstream `quant` (docs/design.md, "Front end").     *|
|* ONNX is read with protobuf-c code generated from Debian's onnx.proto;      *|
|* docs/onnx.md lists the operators, their attributes and limits.             *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_IMPORT_H
#define CIM_C_IMPORT_H

#include <stddef.h>

#include "cim-c/Support.h"
#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Imports the ONNX model in the file at `path` into a new `builtin.module`
/// holding one `func.func` named after the graph: linalg on tensors, QDQ
/// pairs as `quant.qcast` / `quant.dcast`, weights as dense constants, every
/// op located at the ONNX node's name (`loc("conv1")`). Loads the upstream
/// dialects it emits (func, arith, linalg, tensor, quant) into `context`.
/// The caller owns the result (mlirOperationDestroy); its weights are dense
/// attributes, owned by `context` like any attribute, so nothing refers to
/// the file once the call returns. The file is mapped while it is unpacked
/// and unmapped before the graph is imported; about one copy of each weight
/// is held at a time (docs/onnx.md, "Memory"). Fails, returning a null
/// operation, with one error diagnostic on `context`: an unreadable file or
/// malformed protobuf (at the file's location), an unsupported operator
/// (naming the node, its op type and the supported list), a missing static
/// shape or an attribute outside the documented limits (at the node).
CIM_CAPI_EXPORTED MlirOperation cimImportOnnxFile(MlirContext context,
                                                  MlirStringRef path);

/// As cimImportOnnxFile, for the serialized ModelProto in `data[0, size)`;
/// `sourceName` names the buffer in diagnostics. `data` is only borrowed for
/// the duration of the call, and only read (so the whole buffer stays
/// resident beside protobuf-c's copy of the weights: cimImportOnnxFile needs
/// less memory). External tensor data (data_location = EXTERNAL) is read
/// relative to the directory of `sourceName`.
CIM_CAPI_EXPORTED MlirOperation cimImportOnnxBytes(MlirContext context,
                                                   const void *data,
                                                   size_t size,
                                                   MlirStringRef sourceName);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_IMPORT_H */
