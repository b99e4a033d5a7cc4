/*===-- cim-c/Npy.h - NumPy .npy arrays --------------------------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* A small reader and writer for the .npy format (versions 1.0, 2.0, 3.0) of  *|
|* C-ordered, little-endian integer arrays: the tensors cim-sim reads and     *|
|* writes and the reference system's policy files.                            *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_NPY_H
#define CIM_C_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "cim-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Element types, by their NumPy descr ("|i1", "<i2", "<i4", "<i8", "|u1",
/// "<u2", "<u4", "<u8").
typedef enum CimNpyDType {
  CIM_NPY_I8, CIM_NPY_I16, CIM_NPY_I32, CIM_NPY_I64,
  CIM_NPY_U8, CIM_NPY_U16, CIM_NPY_U32, CIM_NPY_U64,
} CimNpyDType;

#define CIM_NPY_MAX_RANK 8

/// An array in memory. Owned by whoever created it; free with
/// cimNpyArrayDestroy.
typedef struct CimNpyArray {
  CimNpyDType dtype;
  int rank;
  int64_t shape[CIM_NPY_MAX_RANK];
  int64_t numElements;
  void *data; ///< numElements elements of dtype, C order, host endianness.
} CimNpyArray;

/// The descr string of a dtype ("<i8").
CIM_CAPI_EXPORTED const char *cimNpyDTypeGetDescr(CimNpyDType dtype);

/// Bytes per element.
CIM_CAPI_EXPORTED size_t cimNpyDTypeGetSize(CimNpyDType dtype);

/// Parses .npy bytes. Fails with one message naming the byte offset and the
/// problem (bad magic, unsupported version, malformed header, unsupported
/// dtype or Fortran order, data shorter than the shape says) and never reads
/// past `size`. On success `*array` owns a copy of the data.
CIM_CAPI_EXPORTED MlirLogicalResult
cimNpyParse(const void *bytes, size_t size, MlirStringRef sourceName,
            CimNpyArray *array, MlirStringCallback errorCallback,
            void *userData);

/// Reads the file at `path` and parses it (see cimNpyParse).
CIM_CAPI_EXPORTED MlirLogicalResult
cimNpyReadFile(const char *path, CimNpyArray *array,
               MlirStringCallback errorCallback, void *userData);

/// Writes `array` as a version 1.0 .npy file, atomically (temporary file and
/// rename). Fails with a message naming the path.
CIM_CAPI_EXPORTED MlirLogicalResult
cimNpyWriteFile(const char *path, const CimNpyArray *array,
                MlirStringCallback errorCallback, void *userData);

/// Prints `array` as the bytes of a version 1.0 .npy file (the bytes
/// cimNpyWriteFile writes), in three calls of `callback`: magic and header
/// length, header, data. For bindings that hand arrays over as .npy bytes.
CIM_CAPI_EXPORTED void cimNpyPrint(const CimNpyArray *array,
                                   MlirStringCallback callback,
                                   void *userData);

/// Element `i` (C order) widened to int64 (uint64 values above INT64_MAX
/// wrap; the simulator never produces them).
CIM_CAPI_EXPORTED int64_t cimNpyArrayGetInt(const CimNpyArray *array,
                                            int64_t i);

/// Frees the data; the struct may be reused. NULL data is a no-op.
CIM_CAPI_EXPORTED void cimNpyArrayDestroy(CimNpyArray *array);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_NPY_H */
