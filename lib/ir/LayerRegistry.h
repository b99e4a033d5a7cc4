/*===-- LayerRegistry.h - The supported linalg layer ops (internal) -------===*
 *
 * The rows of lib/ir/LayerOps.def and what the passes ask of them: is this op
 * a layer, which operand holds the weights, which letter (LayerOps.def) each
 * dimension of each operand has. convert-linalg-to-cim, cim-estimate,
 * cim-assign-precision and docs/layers.md all read this one table.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_LAYERREGISTRY_H
#define CIM_LIB_LAYERREGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

/// One row of LayerOps.def.
typedef struct CimLayerOpDef {
  const char *name;
  int act, weight;
  const char *actAxes, *weightAxes, *resultAxes; /* "": from indexing maps */
  const char *cim; /* "matmul", "nchw_fchw" or "nhwc_hwcf" */
} CimLayerOpDef;

/// The highest rank of a layer operand.
#define CIM_LAYER_MAX_RANK 6

/// The axes of one layer op as met in the IR: the row, the operand indices
/// and one letter per dimension of activation, weights and result.
typedef struct CimLayerAxes {
  const CimLayerOpDef *def;
  intptr_t actIdx, weightIdx;
  char act[CIM_LAYER_MAX_RANK + 1];
  char weight[CIM_LAYER_MAX_RANK + 1];
  char result[CIM_LAYER_MAX_RANK + 1];
} CimLayerAxes;

/// The rows, in table order.
intptr_t cimLayerOpGetNumDefs(void);
const CimLayerOpDef *cimLayerOpGetDef(intptr_t i);

/// The row of `op`, or NULL: named ops by name, `linalg.generic` only when
/// it is a contraction (mlirLinalgIsAContractionOp).
const CimLayerOpDef *cimLayerOpLookup(MlirOperation op);

/// True if the row lowers to cim.conv2d.
bool cimLayerOpIsConv(const CimLayerOpDef *def);

/// True for an op that computes like a layer but has no row: a linalg
/// contraction or convolution (linalg's interfaces, or a named op of the
/// conv / matmul / matvec families, e.g. `linalg.conv_1d_ncw_fcw`).
bool cimLayerOpIsUnsupported(MlirOperation op);

/// Emits "<who>: '<op>' is a matrix-vector layer cimlir cannot lower;
/// supported: <every row>" at the op's location (`who` may be NULL).
void cimLayerOpEmitUnsupported(MlirOperation op, const char *who);

/// The axes of layer op `op` (cimLayerOpLookup non-null): the row's letters,
/// or those read off the indexing maps of a contraction (a generic, or a
/// matmul with transposing `indexing_maps`). Fails with an error at the op
/// (prefixed by `who` if non-null) when the maps are not a contraction
/// cimlir maps (a broadcast operand, two reduction dimensions, ...).
MlirLogicalResult cimLayerOpGetAxes(MlirOperation op, const char *who,
                                    CimLayerAxes *axes);

/// The product of the dims of `shape` whose letter in `axes` is one of
/// `letters` (1 if none).
int64_t cimLayerAxesProduct(const char *axes, const int64_t *shape,
                            const char *letters);

/// The position of `letter` in `axes`, or -1.
int cimLayerAxesFind(const char *axes, char letter);

/// True if operand `i` of layer op `op` is extended as unsigned: linalg's
/// `cast = #linalg.type_fn<cast_unsigned>`, or an `arith.extui` of it in a
/// generic's body.
bool cimLayerOperandIsUnsigned(MlirOperation op, intptr_t i);

/// The Markdown reference of the table (docs/layers.md).
void cimLayerRegistryPrintMarkdown(MlirStringCallback callback,
                                   void *userData);

#endif /* CIM_LIB_LAYERREGISTRY_H */
