/*===-- FrontEndInternal.h - Helpers shared by the front_end sources -----===*/

#ifndef CIM_LIB_FRONT_END_FRONTENDINTERNAL_H
#define CIM_LIB_FRONT_END_FRONTENDINTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "mlir-c/IR.h"

/// Value of a scalar float constant (`arith.constant` with a FloatAttr).
bool cimFeScalarConst(MlirValue v, double *out);

/// The first block of `op`'s first region, or a null block.
MlirBlock cimFeBody(MlirOperation op);

/// Number of ops in `block`, terminator included.
intptr_t cimFeNumOps(MlirBlock block);

/// True if the body of a one-input `linalg.generic` computes its yielded
/// value from block argument 0 and scalar float constants with the ops the
/// evaluator supports. When `bad` is non-null and the body is not supported,
/// `*bad` is the first offending op (null when the structure is wrong).
bool cimFeUnaryBodySupported(MlirOperation generic, MlirOperation *bad);

#endif /* CIM_LIB_FRONT_END_FRONTENDINTERNAL_H */
