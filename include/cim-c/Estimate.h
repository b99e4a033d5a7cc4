/*===-- cim-c/Estimate.h - Per-layer cost reports ----------------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* Collects the cost of each matrix-vector layer of a network on one target,  *|
|* optionally next to a uniform-precision baseline (W8A8), and renders it as  *|
|* an aligned table or a JSON report. The `cim-estimate` pass fills it from   *|
|* IR; quantization searches can fill it directly from layer shapes.          *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_ESTIMATE_H
#define CIM_C_ESTIMATE_H

#include "cim-c/Cost.h"
#include "cim-c/Support.h"
#include "cim-c/Target.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CimEstimate {
  void *ptr;
} CimEstimate;

static inline bool cimEstimateIsNull(CimEstimate e) { return !e.ptr; }

/// Creates an empty estimate for `target` (copied). `baselineBits` > 0 also
/// costs every layer at that weight and activation width (8 for W8A8); 0
/// disables the baseline. The caller owns the result.
CIM_CAPI_EXPORTED CimEstimate cimEstimateCreate(const CimTarget *target,
                                                int64_t baselineBits);

/// Frees; a null estimate is a no-op.
CIM_CAPI_EXPORTED void cimEstimateDestroy(CimEstimate estimate);

/// Costs `layer` and appends it under `name` (copied). Fails with the cost
/// model's message, prefixed with the layer's name, if it cannot be mapped.
CIM_CAPI_EXPORTED MlirLogicalResult
cimEstimateAddLayer(CimEstimate estimate, const char *name,
                    const CimLayer *layer, MlirStringCallback errorCallback,
                    void *userData);

CIM_CAPI_EXPORTED intptr_t cimEstimateGetNumLayers(CimEstimate estimate);

/// Cost of layer `i`, and of the whole network (borrowed).
CIM_CAPI_EXPORTED const CimLayerCost *
cimEstimateGetLayerCost(CimEstimate estimate, intptr_t i);
CIM_CAPI_EXPORTED const CimLayerCost *
cimEstimateGetTotalCost(CimEstimate estimate);

/// Total baseline cost (all fields zero without a baseline).
CIM_CAPI_EXPORTED const CimLayerCost *
cimEstimateGetBaselineTotalCost(CimEstimate estimate);

/// Prints the aligned per-layer table with a total line; with a baseline also
/// the baseline latency and the speedup per layer and overall.
CIM_CAPI_EXPORTED void cimEstimatePrintTable(CimEstimate estimate,
                                             MlirStringCallback callback,
                                             void *userData);

/// Writes the JSON report (target, per-layer counts, totals, baseline and
/// speedup) to `path` atomically. Fails with a message naming the path.
CIM_CAPI_EXPORTED MlirLogicalResult
cimEstimateWriteJSON(CimEstimate estimate, const char *path,
                     MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_ESTIMATE_H */
