/*===-- cim-c/Model.h - A whole network: layers, costs, compilation -*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* A model is one network read from a file (MLIR text or bytecode, or ONNX)  *|
|* into a context it owns, with its matrix-vector layers in program order:   *|
|* the order of policy rows. It answers what a bit-width search and a        *|
|* design-space sweep ask, in-process and without temporary files:           *|
|*  - the layer table (kind, crossbar view, channels, kernel, stride,        *|
|*    groups, feature-map sizes, MACs, weights);                             *|
|*  - the exact cost of any policy on any target, one policy or a batch of   *|
|*    them, and the whole [L][8][8] cost table;                              *|
|*  - the compiled ISA program for a target and a policy.                    *|
|* Everything here is built on the layer table (lib/ir/LayerOps.def), the    *|
|* analytic cost model (cim-c/Cost.h) and the cim-compile pipeline, so the  *|
|* numbers equal what `cim-opt --cim-estimate` and `cim-sim` report.        *|
|*                                                                            *|
|* The Python package `cimlir` binds exactly this header; no struct layout   *|
|* is needed: records are read field by field through the tables below.     *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_MODEL_H
#define CIM_C_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Cost.h"
#include "cim-c/Isa.h"
#include "cim-c/Support.h"
#include "cim-c/Target.h"
#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CimModel {
  void *ptr;
} CimModel;

static inline bool cimModelIsNull(CimModel m) { return !m.ptr; }

/// Reads the network at `path` into a fresh context that the model owns: an
/// ONNX model (a `.onnx` name, read by the ONNX importer, docs/onnx.md) or
/// MLIR text or bytecode (anything else). Collects its layers. Fails, with
/// one message per diagnostic ("file:line:col: error: ...") passed to
/// `errorCallback`, when the file cannot be read or parsed, does not verify,
/// or holds a layer-like op that cimlir cannot map; returns a null model
/// then. The caller owns the result (cimModelDestroy).
CIM_CAPI_EXPORTED CimModel cimModelLoadFile(const char *path,
                                            MlirStringCallback errorCallback,
                                            void *userData);

/// As cimModelLoadFile for MLIR source (text or bytecode) in
/// `text[0, length)`, named `sourceName` in messages.
CIM_CAPI_EXPORTED CimModel cimModelParse(MlirStringRef text,
                                         MlirStringRef sourceName,
                                         MlirStringCallback errorCallback,
                                         void *userData);

/// Frees the model, its module and its context. A null model is a no-op.
CIM_CAPI_EXPORTED void cimModelDestroy(CimModel model);

/// The model's module (borrowed; valid until cimModelDestroy).
CIM_CAPI_EXPORTED MlirOperation cimModelGetModule(CimModel model);

/*===----------------------------------------------------------------------===*
 * The layer table
 *===----------------------------------------------------------------------===*/

/// The fields of a layer record, in order: enum suffix, key (the Python
/// attribute and JSON name), meaning. Convolutions read their geometry off
/// the op (NCHW or NHWC); a matmul has kernel 1x1, stride 1, batch 1, one
/// group per weight matrix (batch_matmul heads), in_h = out_h = its rows per
/// weight matrix (M) and in_w = out_w = 1.
#define CIM_MODEL_LAYER_FIELDS(X)                                              \
  X(KIND, "kind", "CimLayerKind: 0 conv2d, 1 dense, 2 matmul (run-time weights)") \
  X(IN_DIM, "in_dim", "crossbar rows before mapping (reduction length)")       \
  X(OUT_DIM, "out_dim", "outputs per weight matrix (columns before slicing)")  \
  X(INVOCATIONS, "invocations", "matrix-vector products per inference")        \
  X(REPEAT, "repeat", "weight matrices (groups, batch_matmul heads)")          \
  X(W_BITS, "w_bits", "the model's weight bits (0: float)")                    \
  X(A_BITS, "a_bits", "the model's activation bits (0: float)")                \
  X(W_SIGNED, "w_signed", "1 if weights are two's complement")                 \
  X(A_SIGNED, "a_signed", "1 if activations are two's complement")             \
  X(IN_CHANNELS, "in_channels", "input channels (all groups)")                 \
  X(OUT_CHANNELS, "out_channels", "output channels (all groups)")              \
  X(KERNEL_H, "kernel_h", "kernel height (1 for a matmul)")                    \
  X(KERNEL_W, "kernel_w", "kernel width (1 for a matmul)")                     \
  X(STRIDE_H, "stride_h", "stride along the height (1 for a matmul)")          \
  X(STRIDE_W, "stride_w", "stride along the width (1 for a matmul)")           \
  X(GROUPS, "groups", "weight matrices: groups (channels when depthwise), heads")          \
  X(BATCH, "batch", "images per inference (N)")                                \
  X(IN_H, "in_h", "input height before padding (matmul: rows M)")              \
  X(IN_W, "in_w", "input width before padding (matmul: 1)")                    \
  X(OUT_H, "out_h", "output height (matmul: rows M)")                          \
  X(OUT_W, "out_w", "output width (matmul: 1)")                                \
  X(MACS, "macs", "multiply-accumulates per inference")                        \
  X(WEIGHTS, "weights", "weight values (in_dim * out_dim * repeat)")

typedef enum CimModelLayerField {
#define CIM_MODEL_LAYER_FIELD_ENUM(ID, KEY, DOC) CIM_MODEL_LAYER_##ID,
  CIM_MODEL_LAYER_FIELDS(CIM_MODEL_LAYER_FIELD_ENUM)
#undef CIM_MODEL_LAYER_FIELD_ENUM
      CIM_MODEL_LAYER_NUM_FIELDS
} CimModelLayerField;

/// The key of field `field` ("in_channels"; static), or NULL out of range.
CIM_CAPI_EXPORTED const char *cimModelLayerFieldGetName(intptr_t field);

/// The meaning of field `field` (static), or NULL out of range.
CIM_CAPI_EXPORTED const char *cimModelLayerFieldGetDoc(intptr_t field);

/// Layers of the model, in program order (= policy rows).
CIM_CAPI_EXPORTED intptr_t cimModelGetNumLayers(CimModel model);

/// The name of layer `i`: its name location (`loc("conv1")`, the ONNX node
/// name), else "layer <i>" (borrowed; valid until cimModelDestroy).
CIM_CAPI_EXPORTED const char *cimModelGetLayerName(CimModel model, intptr_t i);

/// The op name of layer `i` ("linalg.conv_2d_nchw_fchw"; borrowed).
CIM_CAPI_EXPORTED const char *cimModelGetLayerOpName(CimModel model,
                                                     intptr_t i);

/// Field `field` of layer `i` (both asserted in range).
CIM_CAPI_EXPORTED int64_t cimModelGetLayerField(CimModel model, intptr_t i,
                                                CimModelLayerField field);

/// The crossbar view of layer `i` with the model's own bits (borrowed).
CIM_CAPI_EXPORTED const CimLayer *cimModelGetLayer(CimModel model, intptr_t i);

/*===----------------------------------------------------------------------===*
 * Costs
 *===----------------------------------------------------------------------===*/

/// Bit widths a policy may give a layer: 1..CIM_MODEL_MAX_BITS.
#define CIM_MODEL_MAX_BITS 8

/// The cost of every layer at every (w_bits, a_bits) in 1..8 on `target`:
/// `table[((i * 8 + w - 1) * 8 + a - 1) * F + f]` is field f
/// (cimLayerCostGetField order, F = cimLayerCostGetNumFields()) of layer i
/// at w/a bits, exactly cimLayerCostCompute's value. A width the target
/// cannot map for that layer (cimLayerCostCompute fails) has every field
/// -1. `table` holds L * 64 * F int64_t. Fails only on an invalid target.
CIM_CAPI_EXPORTED MlirLogicalResult
cimModelGetCostTable(CimModel model, const CimTarget *target, int64_t *table,
                     MlirStringCallback errorCallback, void *userData);

/// Costs `numPolicies` policies at once. `policies[(p * L + i) * 2 + {0,1}]`
/// are the weight and activation bits of layer i in policy p (L =
/// cimModelGetNumLayers). For each policy, `totals[p * numFields + k]` is the
/// sum over the layers of cost field `fields[k]` (cimLayerCostGetField
/// indices; `fields` NULL and numFields = F: all of them, in order), equal
/// to cim-estimate's total for that policy. `layerCosts`, if non-null,
/// receives `[p][i][k]` per layer. Fails, with a message naming the policy
/// and layer, on bits outside 1..8, a width the target cannot map, or a sum
/// beyond 64 bits; outputs are then unspecified. The per-layer costs are
/// computed once per target and kept in the model, so a batch costs one
/// table lookup and add per layer and field.
CIM_CAPI_EXPORTED MlirLogicalResult cimModelEstimateBatch(
    CimModel model, const CimTarget *target, intptr_t numPolicies,
    const int64_t *policies, const intptr_t *fields, intptr_t numFields,
    int64_t *totals, int64_t *layerCosts, MlirStringCallback errorCallback,
    void *userData);

/*===----------------------------------------------------------------------===*
 * Compilation
 *===----------------------------------------------------------------------===*/

/// Compiles a copy of the model (the model is not changed) for `target`
/// into an ISA program: the target is attached as the module's `cim.target`
/// attribute; with `policy` non-null (L rows of w_bits, a_bits, as in
/// cimModelEstimateBatch) cim-assign-precision gives layer i its row (the
/// model must then be float linalg), with the options of `pipelineOptions`'
/// `cim-assign-precision={...}` (calibration=, default-range=, ...; a second
/// policy there, or policy=/w-bits=/a-bits= in `pipelineOptions`, is an
/// error); then the rest of the cim-compile pipeline runs with
/// `pipelineOptions` (its option text, e.g. "schedule=true"; empty for the
/// defaults) and the result is encoded (cimProgramCreateFromModule).
/// Fails with the compiler's diagnostics ("file:line:col: error: ...") passed
/// to `errorCallback`, one call each; `*program` is then NULL. On success the
/// caller owns `*program` (cimProgramDestroy).
CIM_CAPI_EXPORTED MlirLogicalResult
cimModelCompile(CimModel model, const CimTarget *target, const int64_t *policy,
                MlirStringRef pipelineOptions, CimProgram **program,
                MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_MODEL_H */
