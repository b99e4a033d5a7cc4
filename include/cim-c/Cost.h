/*===-- cim-c/Cost.h - Pricing and the exact cost of a layer --------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* Pricing: the one function that turns counts of crossbar events (writes,    *|
|* MVM cycles, ADC conversions, digital ops, buffer accesses) into latency    *|
|* (ps) and energy (fJ), with every product and sum checked.                  *|
|*                                                                            *|
|* The analytic model of mapping one matrix-vector layer on a target: how     *|
|* many weight slices, columns, rows and tiles it takes, how many crossbar    *|
|* writes, MVM cycles (OU sub-cycles included) and ADC conversions it costs,  *|
|* and the latency and energy of running it on one crossbar, one event after  *|
|* the other (the reference system's execution model). All counts are exact   *|
|* integers; docs/target.md derives every formula.                            *|
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

/*===----------------------------------------------------------------------===*
 * Pricing: events to picoseconds and femtojoules
 *===----------------------------------------------------------------------===*/

/// The events a crossbar program causes, counted by the analytic model
/// (cimLayerCostCompute), by cim-estimate on xbar IR and by the ISA
/// (cimProgramAddInstrCounts, cim-sim). All >= 0.
typedef struct CimEventCounts {
  int64_t writes;         ///< Crossbar writes (t_write each).
  int64_t cellsWritten;   ///< Cells programmed (e_write each).
  int64_t mvmCycles;      ///< MVM cycles: per input plane per OU group (t_mvm).
  int64_t rowActivations; ///< Active rows summed over MVM cycles (e_mvm each).
  int64_t adcConversions; ///< ADC conversions (t_adc and e_adc each).
  int64_t digitalOps;     ///< Digital element operations (t_digital, e_digital).
  int64_t bufferAccesses; ///< Buffer element reads + writes (t_buffer, e_buffer).
} CimEventCounts;

/// The priced components, declared once: X(ID, name, time count, target
/// time per event, energy count, target energy per event). A component's
/// latency is `time count * time per event` (ps), its energy `energy count
/// * energy per event` (fJ); docs/target.md, "Pricing".
#define CIM_COST_COMPONENTS(X)                                                 \
  X(WRITE, "crossbar writes", writes, writePs, cellsWritten, writeFj)          \
  X(MVM, "MVM cycles", mvmCycles, mvmPs, rowActivations, mvmFj)                \
  X(ADC, "ADC conversions", adcConversions, adcPs, adcConversions, adcFj)      \
  X(DIGITAL, "digital ops", digitalOps, digitalPs, digitalOps, digitalFj)      \
  X(BUFFER, "buffer accesses", bufferAccesses, bufferPs, bufferAccesses,       \
    bufferFj)

typedef enum CimCostComponent {
#define CIM_COST_COMPONENT_ENUM(ID, NAME, TC, TU, EC, EU) CIM_COST_##ID,
  CIM_COST_COMPONENTS(CIM_COST_COMPONENT_ENUM)
#undef CIM_COST_COMPONENT_ENUM
      CIM_COST_NUM_COMPONENTS
} CimCostComponent;

/// Latency and energy of a set of events, per component and in total, on
/// the sequential schedule (one event after the other).
typedef struct CimEventCost {
  int64_t latencyPs[CIM_COST_NUM_COMPONENTS]; ///< Per component.
  int64_t energyFj[CIM_COST_NUM_COMPONENTS];  ///< Per component.
  int64_t totalLatencyPs;                     ///< Sum of latencyPs[].
  int64_t totalEnergyFj;                      ///< Sum of energyFj[].
} CimEventCost;

/// Name of a component ("crossbar writes", "MVM cycles", ...).
CIM_CAPI_EXPORTED const char *
cimCostComponentGetName(CimCostComponent component);

/// Prices `counts` with `target`'s time and energy per event. This is the
/// one place a count is multiplied by a time or an energy. Fails, with one
/// message naming the component (e.g. "the latency of the MVM cycles, 3 x
/// 5 ps, exceeds the 64-bit picosecond counter"), when a product or a sum
/// does not fit in int64; `*cost` is then unchanged. Never wraps, never
/// saturates.
CIM_CAPI_EXPORTED MlirLogicalResult
cimPriceEvents(const CimTarget *target, const CimEventCounts *counts,
               CimEventCost *cost, MlirStringCallback errorCallback,
               void *userData);

/// Adds `counts` into `*total`, event by event. Fails, naming the event
/// ("the number of MVM cycles exceeds the 64-bit counter"), when a sum does
/// not fit in int64; `*total` is then unchanged.
CIM_CAPI_EXPORTED MlirLogicalResult
cimEventCountsAdd(CimEventCounts *total, const CimEventCounts *counts,
                  MlirStringCallback errorCallback, void *userData);

/*===----------------------------------------------------------------------===*
 * The analytic model of one layer
 *===----------------------------------------------------------------------===*/

typedef enum CimLayerKind {
  CIM_LAYER_CONV2D = 0, ///< A convolution unrolled to a matrix (im2col).
  CIM_LAYER_DENSE = 1,  ///< A fully connected layer / matmul with weights.
  CIM_LAYER_MATMUL = 2, ///< Both operands activations (attention): run-time weights.
} CimLayerKind;

/// One matrix-vector layer as the crossbar sees it.
/// The name of layer kind `kind` in tables and reports: "conv2d", "dense"
/// or "matmul" ("?" for a value outside the enum).
CIM_CAPI_EXPORTED const char *cimLayerKindGetName(CimLayerKind kind);

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

/// The fields of CimLayerCost, in order: member, JSON key (reports, the
/// Python package), prose name (messages), meaning. Every consumer (the
/// struct, the checked sum, the JSON report, cimLayerCostFieldGetName)
/// iterates this one list.
#define CIM_LAYER_COST_FIELDS(X)                                               \
  X(weightSlices, "weight_slices", "weight slices", "ceil(wBits / cellBits)")  \
  X(inputPlanes, "input_planes", "input planes", "ceil(aBits / dacBits)")      \
  X(columns, "columns", "columns",                                             \
    "Logical crossbar columns incl. differential pairs.")                      \
  X(rows, "rows", "rows", "Logical crossbar rows incl. differential pairs.")   \
  X(rowTiles, "row_tiles", "row tiles", "Tiles along the rows.")               \
  X(colTiles, "col_tiles", "column tiles", "Tiles along the columns.")         \
  X(tiles, "tiles", "tiles", "rowTiles * colTiles")                            \
  X(cells, "cells", "cells", "Cells holding weights (or bias), one copy.")      \
  X(writes, "writes", "crossbar writes", "Crossbar writes: tiles * repeat.")   \
  X(mvmCycles, "mvm_cycles", "MVM cycles",                                     \
    "Crossbar MVM cycles incl. OU sub-cycles.")                                \
  X(adcConversions, "adc_conversions", "ADC conversions", "Column read-outs.") \
  X(rowActivations, "row_activations", "row activations",                      \
    "Active rows summed over all MVM cycles.")                                 \
  X(latencyPs, "latency_ps", "latency (ps)",                                   \
    "Sequential latency on one crossbar.")                                     \
  X(energyFj, "energy_fj", "energy (fJ)",                                      \
    "Energy of writes, MVMs and conversions.")

typedef struct CimLayerCost {
#define CIM_LAYER_COST_MEMBER(MEMBER, KEY, PROSE, DOC) int64_t MEMBER;
  CIM_LAYER_COST_FIELDS(CIM_LAYER_COST_MEMBER)
#undef CIM_LAYER_COST_MEMBER
} CimLayerCost;

/// The number of fields of CimLayerCost (all int64_t).
CIM_CAPI_EXPORTED intptr_t cimLayerCostGetNumFields(void);

/// The JSON key of field `index` ("mvm_cycles"; borrowed, static), or NULL
/// when `index` is out of range.
CIM_CAPI_EXPORTED const char *cimLayerCostFieldGetName(intptr_t index);

/// Field `index` of `cost` (asserted in range).
CIM_CAPI_EXPORTED int64_t cimLayerCostGetField(const CimLayerCost *cost,
                                               intptr_t index);

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
/// are summed too, which makes them totals over layers). Fails, naming the
/// field, when a sum does not fit in int64; `*total` is then unchanged.
CIM_CAPI_EXPORTED MlirLogicalResult
cimLayerCostAccumulate(CimLayerCost *total, const CimLayerCost *cost,
                       MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_COST_H */
