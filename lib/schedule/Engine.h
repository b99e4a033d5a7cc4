/*===-- Engine.h - The schedule engine's state, shared by its files --------===*
 *
 * engine.c walks a program (modes, statistics, residency, the entry points);
 * placement.c places one write or one mvm (its chunks) on crossbars and
 * write ports. Both see the engine state through this header. Internal to
 * lib/schedule.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_SCHEDULE_ENGINE_H
#define CIM_LIB_SCHEDULE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "ScheduleInternal.h"
#include "cim-c/Schedule.h"
#include "support/StrBuf.h"

typedef enum Mode { MODE_COMPUTE, MODE_CHECK, MODE_IDEAL } Mode;

/// A write as the residency rules see it.
typedef struct WriteRec {
  uint32_t instr;
  int64_t crossbar, r0, r1, c0, c1;
  int64_t start, end;
  int64_t holdEnd; ///< CHECK: last end of a chunk that read this tile
} WriteRec;

/// A crossbar busy interval (CHECK).
typedef struct Busy {
  int64_t start, end;
  uint32_t instr;
} Busy;

typedef struct Engine {
  const CimProgram *p;
  const CimTarget *t;
  Mode mode;
  TimeBuf *bufs;
  /// Per instruction: its sequential time (schedInstrTime), computed once
  /// per program (owned when ownInstrTime).
  const int64_t *instrTime;
  bool ownInstrTime;
  /// Ready times of column windows of full time arrays, row by row
  /// (digitsReady asks the same window of the same array for every
  /// bit-plane and column tile).
  CimRowsMaxCache rowsMax;
  int64_t C, P;
  int64_t *freeAt;   ///< per crossbar: when it is free
  int64_t *portFree; ///< per write port
  int64_t digitalFree, barrierFloor, crossbarEnd, makespan;
  /// IDEAL: the in-order digital unit fed at the ideal ready times, so a
  /// lower bound on when each of its instructions can end in any schedule
  /// (docs/schedule.md, "Bounds").
  int64_t digitalChain;
  /* Residency by region (CHECK, IDEAL, tile derivation). */
  WriteRec *writes;
  int64_t numWrites, capWrites;
  /* COMPUTE. */
  const CimScheduleRequest *req;
  /// Per instruction, or NULL: a write is issued this many times in a row
  /// (tile copies, as cim-duplicate would add them); the copies' schedules
  /// are not recorded, only the latency (cimScheduleLatencyWithCopies).
  const int64_t *writeCopies;
  /// > 0: stop the walk once the makespan reaches this (the latency can
  /// then only be >= it; cimScheduleLatencyWithCopies).
  int64_t cutoffPs;
  int64_t *tileOf, numTiles;
  int64_t *holdTile;  ///< per crossbar: resident tile or -1
  int64_t *holdReady; ///< per crossbar: end of the write of that tile
  int64_t *pending;   ///< per tile: mvms not yet scheduled
  int64_t **tileMvms, *numTileMvms;
  int64_t *defIdx; ///< per mvm: instruction that defined its digits
  bool *done;
  CimSchedule *sched;
  /* CHECK. */
  Busy **busy;
  int64_t *numBusy, *capBusy;
  Busy *writeBusy;
  int64_t numWriteBusy, capWriteBusy;
  /* Statistics. */
  int64_t *version, *writtenVersion, *writtenLayer;
  CimScheduleReport *rep;
  bool countWork;      ///< add work, writes and copies to rep (one walk)
  int64_t writeWorkPs; ///< time of the writes that were no copies
  int64_t mvmWorkPs;   ///< crossbar time of all MVM rows
  int64_t minWritePs;  ///< the shortest write (-1: none yet)
  bool oom;
  CimStrBuf *err;
} Engine;


/// Records "instruction I (OP): MESSAGE" (the first failure only); false.
bool schedFail(Engine *e, uint32_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/// *r = a + b; fails naming instruction i when the time does not fit in
/// int64.
bool schedAddPs(Engine *e, uint32_t i, int64_t a, int64_t b, int64_t *r);
/// Grows *arr (of *cap elements of `size` bytes) to hold n + 1.
bool schedGrowArr(void **arr, int64_t *cap, int64_t n, size_t size);
/// The sequential time of instruction i (cimPriceEvents).
int64_t schedInstrTime(const Engine *e, uint32_t i);
/// The statistics row of `layer`, created on first use; NULL out of memory.
CimScheduleLayer *schedLayerOf(Engine *e, int64_t layer);
/// The write whose tile is resident in the region the mvm reads.
WriteRec *schedResidentWrite(Engine *e, int64_t x, const CimIsaInstr *in);
/// Records write instruction i on crossbar x over [start, end).
WriteRec *schedAddWrite(Engine *e, uint32_t i, int64_t x, int64_t start,
                        int64_t end);

/// Places write instruction i (placement.c): COMPUTE picks a port and a
/// crossbar, CHECK verifies the `sched` choice, IDEAL takes no resources.
bool schedPlaceWrite(Engine *e, uint32_t i);
/// Places mvm instruction i and its chunks, as schedPlaceWrite.
bool schedPlaceMvm(Engine *e, uint32_t i);

#endif /* CIM_LIB_SCHEDULE_ENGINE_H */
