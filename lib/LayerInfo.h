/*===-- LayerInfo.h - Matrix-vector layers read off cim IR (internal) -----===*/

#ifndef CIM_LIB_LAYERINFO_H
#define CIM_LIB_LAYERINFO_H

#include <stdbool.h>

#include "cim-c/Cost.h"
#include "mlir-c/IR.h"

/// True for the ops that are crossbar layers: cim.matmul and cim.conv2d.
bool cimIsLayerOp(MlirOperation op);

/// Reads the crossbar view of a cim.matmul or cim.conv2d (in_dim, out_dim,
/// invocations, repeat, bits, signedness) and its `layer` index. Emits an
/// error at the op and fails when shapes are not static or inconsistent.
MlirLogicalResult cimLayerFromOp(MlirOperation op, CimLayer *layer,
                                 int64_t *index);

#endif /* CIM_LIB_LAYERINFO_H */
