/*===-- cim-c/Cost.h - Exact crossbar cost of a layer -----------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* The analytic model of mapping one matrix-vector layer on a target: how     *|
|* many weight slices, columns, rows and tiles it takes, how many crossbar    *|
|* writes, MVM cycles (OU sub-cycles included) and ADC conversions it costs,  *|
|* and the latency and energy of running it on one crossbar, one event after  *|
|* the other (the reference system's execution model). All counts are exact  *|
|* integers; docs/target.md derives every formula.                           *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_COST_H
#define CIM_C_COST_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Support.h"
#include "cim-c/Target.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum CimLayerKind {
  CIM_LAYER_CONV2D = 0, ///< A convolution unrolled to a matrix (im2col).
  CIM_LAYER_DENSE = 1,  ///< A fully connected layer / matmul with weights.
  CIM_LAYER_MATMUL = 2, ///< Both operands activations (attention): run-time weights.
} CimLayerKind;

/// One matrix-vector layer as the crossbar sees it.
typedef struct CimLayer {
  CimLayerKind kind;
  int64_t inDim;       ///< Crossbar rows before mapping (reduction length).
  int64_t outDim;      ///< Outputs (crossbar columns before slicing).
  int64_t invocations; ///< Matrix-vector products per inference.
  int64_t repeat;      ///< Independent copies with their own weights (heads).
  int64_t wBits;       ///< 1..8
  int64_t aBits;       ///< 1..8
  bool wSigned;        ///< Weights two's complement (else unsigned).
  bool aSigned;        ///< Activations two's complement (else unsigned).
} CimLayer;

typedef struct CimLayerCost {
  int64_t weightSlices;   ///< ceil(wBits / cellBits)
  int64_t inputPlanes;    ///< ceil(aBits / dacBits)
  int64_t columns;        ///< Logical crossbar columns incl. differential pairs.
  int64_t rows;           ///< Logical crossbar rows incl. differential pairs.
  int64_t rowTiles;       ///< Tiles along the rows.
  int64_t colTiles;       ///< Tiles along the columns.
  int64_t tiles;          ///< rowTiles * colTiles
  int64_t cells;          ///< Cells holding weights (or bias), one copy.
  int64_t writes;         ///< Crossbar writes: tiles * repeat.
  int64_t mvmCycles;      ///< Crossbar MVM cycles incl. OU sub-cycles.
  int64_t adcConversions; ///< Column read-outs.
  int64_t rowActivations; ///< Active rows summed over all MVM cycles.
  int64_t latencyPs;      ///< Sequential latency on one crossbar.
  int64_t energyFj;       ///< Energy of writes, MVMs and conversions.
} CimLayerCost;

/// Computes the cost of `layer` on `target`. Fails, with one message naming
/// the reason, when the layer cannot be mapped: bits outside 1..8,
/// non-positive dimensions, signed activations on an unsigned-input target,
/// or a crossbar too small for one column pair (differential column), one
/// row pair (differential row) or a data column beside the bias column
/// (offset).
CIM_CAPI_EXPORTED MlirLogicalResult
cimLayerCostCompute(const CimTarget *target, const CimLayer *layer,
                    CimLayerCost *cost, MlirStringCallback errorCallback,
                    void *userData);

/// Adds `cost` into `total` field by field (slices, planes, rows and columns
/// are summed too, which makes them totals over layers).
CIM_CAPI_EXPORTED void cimLayerCostAccumulate(CimLayerCost *total,
                                              const CimLayerCost *cost);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_COST_H */
