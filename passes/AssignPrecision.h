/*===-- AssignPrecision.h - cim-assign-precision with a given policy ------===*
 *
 * For lib/model (cimModelCompile): runs cim-assign-precision on `module`
 * with `options` (its option text parsed, cimPassOptionsParse) and, when
 * `policy` is non-null, that in-memory policy in place of policy=FILE and
 * w-bits/a-bits (the same checks: row count, row names). The policy stays
 * the caller's. Errors are diagnostics at the module or the layer.
 *===----------------------------------------------------------------------===*/
#ifndef CIM_PASSES_ASSIGNPRECISION_H
#define CIM_PASSES_ASSIGNPRECISION_H

#include "cim-c/Passes.h"
#include "cim-c/Policy.h"
#include "mlir-c/IR.h"

extern const CimPassDef cimAssignPrecisionPass;

MlirLogicalResult cimAssignPrecisionWithPolicy(MlirOperation module,
                                               const CimPassOptions *options,
                                               CimPolicy policy);

#endif /* CIM_PASSES_ASSIGNPRECISION_H */
