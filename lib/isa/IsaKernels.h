/*===-- IsaKernels.h - Kernel parameters of an ISA instruction (internal) --===*/
/*
 * The simulator runs an instruction's kernel on values and the scheduler
 * runs the same kernel on ready times; both read the kernel's parameters
 * from the instruction here, so the two cannot read a field differently.
 * (Lower module than both: docs/design.md, "Modules and layers".)
 */

#ifndef CIM_LIB_ISA_ISAKERNELS_H
#define CIM_LIB_ISA_ISAKERNELS_H

#include "cim-c/Isa.h"
#include "cim-c/Kernels.h"

/// The im2col parameters of a CIM_ISA_IM2COL instruction (pad value
/// included).
CimSimIm2colParams cimIsaIm2colParams(const CimIsaInstr *in);

/// The pool parameters of a CIM_ISA_POOL instruction (`isAvg` from its kind).
CimSimPoolParams cimIsaPoolParams(const CimIsaInstr *in);

#endif
