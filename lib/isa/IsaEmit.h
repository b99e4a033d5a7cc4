/*===-- IsaEmit.h - The emitter's entry for passes (internal) -------------===*/

#ifndef CIM_LIB_ISA_ISAEMIT_H
#define CIM_LIB_ISA_ISAEMIT_H

#include "cim-c/Isa.h"
#include "cim-c/Target.h"
#include "mlir-c/IR.h"

/// As cimProgramCreateFromModule for one func.func `func` and a resolved
/// `target`; additionally returns (if `instrOps` is not NULL) a malloc'ed
/// array of program->numInstrs operations: the op each instruction came from
/// (the write or mvm for a `sched`, func.return for a `store`, null for
/// `load` and `halt`). The caller frees it. Diagnostics are emitted at ops.
MlirLogicalResult cimProgramCreateFromFunction(MlirOperation func,
                                               const CimTarget *target,
                                               CimProgram **program,
                                               MlirOperation **instrOps);

#endif /* CIM_LIB_ISA_ISAEMIT_H */
