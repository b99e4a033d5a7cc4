/*===-- cim-c/Schedule.h - Static multi-crossbar schedules ------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* The timing model of a program (docs/schedule.md): which crossbar runs      *|
|* each write and each chunk of an mvm's rows, and when. One engine does      *|
|* three things on a CimProgram: computes a schedule (list scheduling, used   *|
|* by the cim-schedule pass), checks one (the schedule verifier: no crossbar  *|
|* used twice at once, no more writes at once than write ports, no read of a  *|
|* value before it is produced, no read of a tile that is not resident at     *|
|* that time) and measures it against lower bounds.                          *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_SCHEDULE_H
#define CIM_C_SCHEDULE_H

#include <stdint.h>

#include "cim-c/Isa.h"
#include "cim-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The schedule of one instruction: `numChunks` chunks of `chunkRows` rows
/// (a write: one chunk), chunk j at `start[j]` ps on crossbar `crossbar[j]`.
typedef struct CimInstrSchedule {
  int64_t chunkRows;
  int64_t numChunks;
  int64_t *start;    ///< numChunks entries (owned by the CimSchedule)
  int64_t *crossbar; ///< numChunks entries (owned by the CimSchedule)
} CimInstrSchedule;

/// A computed schedule: one entry per instruction of the program it was
/// computed for; numChunks = 0 for instructions other than write and mvm.
typedef struct CimSchedule {
  uint32_t numInstrs;
  CimInstrSchedule *instrs;
  int64_t latencyPs; ///< its makespan (what cimScheduleAnalyze reports)
} CimSchedule;

/// What the scheduler is told about tile copies (cim-duplicate).
typedef struct CimScheduleRequest {
  /// Per instruction: for a write, the tile it programs (copies of one tile
  /// share the number); for an mvm, the tile it reads; else -1. Tiles are
  /// numbered 0..numTiles-1. NULL: every write is its own tile and an mvm
  /// reads the write its own region fields name.
  const int64_t *tileOf;
  int64_t numTiles;
  /// Chunks per tile copy of an mvm's rows (chunk_rows = ceil(M / (this x
  /// copies))); >= 1.
  int64_t chunksPerCopy;
} CimScheduleRequest;

/// Computes a static schedule for the writes and mvms of `program` on its
/// target (docs/schedule.md, "The scheduler"): in program order, each write
/// gets the crossbar that is free earliest among those whose tile no later
/// mvm needs, and each mvm chunk the copy of its tile that is free earliest;
/// everything starts as early as its data, its crossbar and a write port
/// allow. The `crossbar` fields of the program are ignored. Fails with one
/// message when more tiles are needed at once than the target has crossbars.
CIM_CAPI_EXPORTED MlirLogicalResult
cimScheduleCompute(const CimProgram *program, const CimScheduleRequest *request,
                   CimSchedule **schedule, MlirStringCallback errorCallback,
                   void *userData);

CIM_CAPI_EXPORTED void cimScheduleDestroy(CimSchedule *schedule);

/// Per-layer figures of a schedule (times in ps).
typedef struct CimScheduleLayer {
  int64_t layer;
  int64_t startPs, endPs;   ///< first crossbar event start, last end
  int64_t busyPs;           ///< crossbar time of its writes and MVMs
  int64_t writes, copies;   ///< writes, and those that were tile copies
  int64_t workBoundPs;      ///< ceil(its work without copies / crossbars)
} CimScheduleLayer;

/// The lower bounds of a schedule report, declared once: X(ID, name).
/// `name` is the bound's key in the report (`<name>_ps`) and the binding
/// term's name; the order breaks ties (the first term that attains the
/// bound is the binding one).
#define CIM_SCHEDULE_BOUNDS(X)                                                \
  X(WORK, "work")                                                             \
  X(WRITE_PORTS, "write_ports")                                               \
  X(DIGITAL, "digital")                                                       \
  X(CRITICAL_PATH, "critical_path")                                         \
  X(WRITE_FILL, "write_fill")

typedef enum CimScheduleBound {
#define CIM_SCHEDULE_BOUND_ENUM(ID, NAME) CIM_SCHEDULE_BOUND_##ID,
  CIM_SCHEDULE_BOUNDS(CIM_SCHEDULE_BOUND_ENUM)
#undef CIM_SCHEDULE_BOUND_ENUM
  CIM_SCHEDULE_NUM_BOUNDS
} CimScheduleBound;

/// The name of a bound ("work", "write_ports", "digital", "critical_path",
/// "write_fill");
/// "?" for a value out of range. Static storage.
CIM_CAPI_EXPORTED const char *cimScheduleBoundGetName(CimScheduleBound bound);

/// A program's schedule measured (docs/schedule.md, "Bounds").
typedef struct CimScheduleReport {
  bool scheduled;          ///< the program has `sched` instructions
  int64_t latencyPs;       ///< makespan (unscheduled: the sequential time)
  int64_t sequentialPs;    ///< every event one after another
  int64_t workPs;          ///< crossbar time without tile copies
  int64_t workBoundPs;     ///< ceil(workPs / crossbars)
  int64_t writeBoundPs;    ///< ceil(write time without copies / write ports)
  int64_t digitalBoundPs;  ///< the in-order digital unit fed at ideal times
  int64_t criticalPathPs;  ///< dependency critical path, unlimited crossbars
  int64_t writeFillBoundPs; ///< MVM time vs crossbars fed through the ports
  int64_t boundPs;         ///< max of the bounds
  CimScheduleBound binding; ///< the bound that attains boundPs
  int64_t writes, copies;  ///< writes, and those that were tile copies
  int64_t numCrossbars;    ///< the target's crossbars
  uint64_t targetFingerprint; ///< cimTargetGetFingerprint of the program's target
  int64_t *crossbarBusyPs; ///< numCrossbars entries
  int64_t numLayers;
  CimScheduleLayer *layers;
} CimScheduleReport;

/// The schedule verifier and measurer. Checks a scheduled program against
/// the timing model (every rule of docs/schedule.md, "What the verifier
/// checks"), failing with one message naming the instruction; computes the
/// report. An unscheduled program is the sequential schedule. `program` must
/// have passed cimProgramVerify.
CIM_CAPI_EXPORTED MlirLogicalResult
cimScheduleAnalyze(const CimProgram *program, CimScheduleReport **report,
                   MlirStringCallback errorCallback, void *userData);

CIM_CAPI_EXPORTED void cimScheduleReportDestroy(CimScheduleReport *report);

/// Prints the report as one JSON object (docs/schedule.md lists the fields).
CIM_CAPI_EXPORTED void
cimScheduleReportPrintJSON(const CimScheduleReport *report,
                           MlirStringCallback callback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_SCHEDULE_H */
