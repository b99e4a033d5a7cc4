/*===-- Verify.h - The rules of cim and xbar ops IRDL cannot state --------===*
 *
 * The dialects are plain IRDL (no irdl.c_pred, so stock mlir-opt parses our
 * IR), which checks op names, operand counts, tensor-ness and attribute
 * kinds only. Every other rule docs/dialects/cim.md and xbar.md give for an
 * op (integer element types, static and representable shapes, shapes that
 * agree, geometry, value ranges of attributes, results wide enough for what
 * the op produces) is one function of the rule table in lib/ir/verify.c.
 * Every cim pass runs it on its anchor op before and after it runs
 * (lib/pass/external_pass.c), and the ISA emitter runs it on the function
 * it encodes, so no pass and no tool sees IR that breaks a rule.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_IR_VERIFY_H
#define CIM_LIB_IR_VERIFY_H

#include <stdint.h>

#include "mlir-c/IR.h"

/// Largest rank of a cim or xbar tensor (the ISA's CIM_ISA_MAX_RANK).
#define CIM_IR_MAX_RANK 8
/// Largest dimension of a cim or xbar tensor: 1..2^31 (CIM_ISA_MAX_DIM).
#define CIM_IR_MAX_DIM ((int64_t)1 << 31)
/// Largest element count of a cim or xbar tensor (CIM_ISA_MAX_ELEMENTS).
#define CIM_IR_MAX_ELEMENTS ((int64_t)1 << 40)
/// Largest `layer` number (the ISA's layer field).
#define CIM_IR_MAX_LAYER INT32_MAX

/// Checks `op` against the rules of its row in the table (success for ops
/// of other dialects). On failure emits one error at the op's location,
/// "'<op name>' op <rule>", and fails.
MlirLogicalResult cimVerifyOp(MlirOperation op);

/// Checks `root` and every op nested in it (cimVerifyOp); reports every op
/// that breaks a rule (one error each) and fails if there was any.
MlirLogicalResult cimVerifyOps(MlirOperation root);

#endif /* CIM_LIB_IR_VERIFY_H */
