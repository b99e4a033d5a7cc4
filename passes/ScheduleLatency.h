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

#endif /* CIM_PASSES_SCHEDULELATENCY_H */
