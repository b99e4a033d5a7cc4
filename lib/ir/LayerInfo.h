/*===-- LayerInfo.h - Matrix-vector layers read off cim IR (internal) -----===*/

#ifndef CIM_LIB_LAYERINFO_H
#define CIM_LIB_LAYERINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cim-c/Cost.h"
#include "cim-c/Policy.h"
#include "mlir-c/IR.h"

/// The bits and signedness of a layer operand of quantized element type
/// `quant` (!quant.uniform, per tensor or per axis): its storage type's
/// width and sign, not the width of its [min, max] range. The one reading of
/// a quant type's bits, shared by the layer table (cost model, policies) and
/// convert-linalg-to-cim; producers store a narrow range in the narrowest
/// type (`u3`, `i4<-7:7>`: cim-assign-precision, the ONNX importer's
/// docs/onnx.md "Narrow storage"), so the two agree.
void cimQuantTypeGetBits(MlirType quant, int64_t *bits, bool *isSigned);

/// True for the ops that are crossbar layers: cim.matmul, cim.conv2d and
/// the linalg ops of the layer table (lib/ir/LayerOps.def).
bool cimIsLayerOp(MlirOperation op);

/// Reads the crossbar view of a layer op (in_dim, out_dim, invocations,
/// repeat, bits, signedness) and its `layer` index (-1 for linalg ops). Emits an
/// error at the op and fails when shapes are not static or inconsistent.
MlirLogicalResult cimLayerFromOp(MlirOperation op, CimLayer *layer,
                                 int64_t *index);

/// The geometry of a layer as a network description states it (the fields
/// a quantization search embeds): channels over all groups, kernel, stride,
/// groups, batch, input (before padding) and output sizes. A matmul has
/// kernel and stride 1, in_h = out_h = its rows M, in_w = out_w = 1.
typedef struct CimLayerGeometry {
  int64_t inChannels, outChannels, kernelH, kernelW, strideH, strideW, groups,
      batch, inH, inW, outH, outW;
} CimLayerGeometry;

/// Reads the geometry of layer op `op` (cimIsLayerOp) whose crossbar view
/// `layer` cimLayerFromOp already read. Emits an error at the op and fails
/// when a shape is not static.
MlirLogicalResult cimLayerGeometryFromOp(MlirOperation op,
                                         const CimLayer *layer,
                                         CimLayerGeometry *geometry);

/// Every layer op under `root` (cimIsLayerOp) in program order, i.e. a
/// pre-order walk over the whole module: the numbering policy rows and
/// calibration entries refer to. `*ops` is malloc'ed (the caller frees it,
/// also on failure). Fails with an error (prefixed by `who` if non-null) at
/// the first op that computes like a layer but is not in the table
/// (cimLayerOpIsUnsupported), or at `root` when out of memory.
MlirLogicalResult cimLayerCollect(MlirOperation root, const char *who,
                                  MlirOperation **ops, intptr_t *count);

/// The name of layer `index` (program order) in tables and messages: its
/// name location (`loc("conv1")`), else "layer <index>".
void cimLayerGetName(MlirOperation op, intptr_t index, char *buf, size_t size);

/// The policy row of each of the `count` layers `ops` (cimLayerCollect's
/// program order): cimPolicyMatchLayers over their names (cimLayerGetName)
/// and shapes (cimLayerFromOp), its errors emitted at the layer's op, or at
/// `moduleLoc` when about the policy as a whole, prefixed "`who`: ". The one
/// way passes apply a policy to a module (cim-assign-precision,
/// cim-estimate).
MlirLogicalResult cimLayerMatchPolicy(const MlirOperation *ops, intptr_t count,
                                      CimPolicy policy, const char *who,
                                      MlirLocation moduleLoc,
                                      intptr_t *rowOfLayer);

#endif /* CIM_LIB_LAYERINFO_H */
