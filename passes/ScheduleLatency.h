/*===-- ScheduleLatency.h - The list scheduler's latency for cim-duplicate -------===*
 *
 * cim-duplicate tries several duplication choices and keeps the one whose
 * schedule is fastest (docs/schedule.md, "Duplication"): it asks
 * cim-schedule's scheduler for the latency of each, on a copy of the
 * module, without changing it.
 *===----------------------------------------------------------------------===*/
#ifndef CIM_PASSES_SCHEDULELATENCY_H
#define CIM_PASSES_SCHEDULELATENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Target.h"
#include "mlir-c/IR.h"

/// The latency cim-schedule (with `chunks` chunks per copy) would give the
/// functions of `module` on `target` (their sum), in `*latencyPs`. Leaves
/// the module unchanged. Returns false, without a diagnostic of its own,
/// when a function cannot be scheduled (e.g. too few crossbars for the
/// copies); the encoder's diagnostics are emitted as usual.
bool cimScheduleModuleLatency(MlirOperation module, const CimTarget *target,
                              int64_t chunks, int64_t *latencyPs);

/// The functions of a module encoded once, so that many duplication
/// candidates can be scheduled without cloning and re-encoding the module
/// per candidate (lib/schedule/ScheduleCopies.h).
typedef struct CimLatencyPrograms CimLatencyPrograms;

/// Encodes the functions of `module` (which is left unchanged) on
/// `target`; a function that fails to encode emits the encoder's
/// diagnostics and makes every candidate fail. NULL when an mvm of the
/// module already takes tile copies (cimScheduleModuleLatency on a rewritten
/// copy is then the exact way) or out of memory.
CimLatencyPrograms *cimLatencyProgramsCreate(MlirOperation module,
                                             const CimTarget *target);

/// What cimScheduleModuleLatency(module', target, chunks) gives for the
/// module' in which each write of layer layers[k] (-1: a write without a
/// layer) is followed by factors[k] - 1 copies of itself that every mvm of
/// its tile takes (cim-duplicate's rewrite); writes of other layers have
/// no copies. False when that module cannot be scheduled. With `cutoffPs`
/// > 0 the schedules stop once the latency reaches it, and `*latencyPs` is
/// then only known to be >= cutoffPs (enough to reject the candidate).
bool cimLatencyProgramsGet(CimLatencyPrograms *programs, int64_t chunks,
                           int64_t numLayers, const int64_t *layers,
                           const int64_t *factors, int64_t cutoffPs,
                           int64_t *latencyPs);

void cimLatencyProgramsDestroy(CimLatencyPrograms *programs);

#endif /* CIM_PASSES_SCHEDULELATENCY_H */
