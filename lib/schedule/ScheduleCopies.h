/*===-- ScheduleCopies.h - Latency of tile copies without the IR ----------===*
 *
 * cim-duplicate schedules several duplication candidates and keeps the
 * fastest (docs/schedule.md, "Duplication"). A candidate differs from the
 * program without copies only by more writes of the same tiles right after
 * each original write, every mvm of the tile taking all of them; so the
 * engine runs the program once encoded and issues write i copies[i] times,
 * instead of cloning, rewriting and re-encoding the IR per candidate. The
 * latency is the one cimScheduleCompute gives the program with the copies
 * as instructions. Internal to cimlir (passes/duplicate.c).
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_SCHEDULE_SCHEDULECOPIES_H
#define CIM_LIB_SCHEDULE_SCHEDULECOPIES_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Schedule.h"

/// The makespan cimScheduleCompute would give `program` with write i
/// issued copies[i] >= 1 times in a row (one entry per instruction; only
/// writes' entries are read), `request->tileOf` giving each write's copies
/// the write's tile. With `cutoffPs` > 0 the walk stops once the makespan
/// reaches it, and `*latencyPs` is then a value >= cutoffPs, not the
/// latency (a candidate that cannot beat the best so far). False (and
/// INT64_MAX) when the program cannot be scheduled so: the same cases in
/// which cimScheduleCompute fails on the program with the copies (no
/// diagnostic), unless the cutoff stopped the walk first.
bool cimScheduleLatencyWithCopies(const CimProgram *program,
                                  const CimScheduleRequest *request,
                                  const int64_t *copies, int64_t cutoffPs,
                                  int64_t *latencyPs);

#endif /* CIM_LIB_SCHEDULE_SCHEDULECOPIES_H */
