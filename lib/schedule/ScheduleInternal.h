/*===-- ScheduleInternal.h - Ready times of buffer elements (internal) ----===*
 *
 * The schedule engine (lib/schedule/engine.c) follows a program in program
 * order and keeps, for every buffer, the time at which each of its elements
 * is ready (docs/schedule.md, "Ready times"). Most values are ready all at
 * once (constants, inputs, results of digital ops that take time) or row by
 * row (MVM results and everything computed from them row-wise), so a time
 * buffer is one of three shapes, and full arrays are shared between buffers
 * that hold the same times (a bit-plane has its source's times).
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_SCHEDULE_SCHEDULEINTERNAL_H
#define CIM_LIB_SCHEDULE_SCHEDULEINTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Isa.h"

static inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
/// ceil(a / b) for a >= 0, b > 0, without the overflow of a + b - 1.
static inline int64_t ceilDiv(int64_t a, int64_t b) {
  return a / b + (a % b != 0);
}

/// A reference-counted array of times.
typedef struct TimeArray {
  int64_t refs;
  uint64_t serial; ///< unique per array created in the process
  int64_t n;
  int64_t t[];
} TimeArray;

typedef enum TimeKind {
  TIME_UNIFORM, ///< every element at `uniform`
  TIME_ROWS,    ///< element (m, ...) at arr->t[m]: one time per index of dim 0
  TIME_FULL,    ///< element i (row-major) at arr->t[i]
} TimeKind;

/// The ready times of one buffer's current value.
typedef struct TimeBuf {
  TimeKind kind;
  int64_t uniform;
  TimeArray *arr;
} TimeBuf;

/// Drops `b`'s reference and makes it uniform 0.
void cimTimeBufClear(TimeBuf *b);

/// Makes `dst` share `src`'s times.
void cimTimeBufAssign(TimeBuf *dst, const TimeBuf *src);

/// Latest time of any element.
int64_t cimTimeBufMax(const TimeBuf *b);

/// Latest time of rows [r0, r1) (dim 0) of buffer type `type`, reading only
/// columns [c0, c1) of a rank-2 buffer (c1 <= c0: all columns).
int64_t cimTimeBufRowsMax(const TimeBuf *b, const CimIsaTensorType *type,
                          int64_t r0, int64_t r1, int64_t c0, int64_t c1);

/// Row maxima of column windows of time arrays: the latest time of columns
/// [c0, c1) of each row of a full array, computed once per (array, window).
/// An entry names its array by serial number (never reused, so an entry of
/// a freed array can never match another) and holds no reference to it.
/// Arrays are never changed once a buffer holds them, so an entry stays
/// exact. At most CIM_ROWS_MAX_CACHE_BYTES of row maxima are kept.
typedef struct CimRowsMaxEntry {
  uint64_t serial;    ///< the array's; 0: empty slot
  int64_t c0, c1;     ///< the window, in elements of a row
  TimeArray *rowMax;  ///< one time per row
  /// The latest time of each run of `chunk` rows (the last one shorter),
  /// for the chunk size last asked; 0 / NULL: none yet.
  int64_t chunk;
  TimeArray *chunkMax;
} CimRowsMaxEntry;

typedef struct CimRowsMaxCache {
  CimRowsMaxEntry *slots; ///< CIM_ROWS_MAX_CACHE_SLOTS, allocated on first use
  int64_t bytes;          ///< of all rowMax arrays
} CimRowsMaxCache;

enum {
  CIM_ROWS_MAX_CACHE_SLOTS = 4096,
  CIM_ROWS_MAX_CACHE_BYTES = 64 << 20
};

/// cimTimeBufRowsMax through `cache` (NULL: direct). Same result; a full
/// buffer's window is scanned once for all rows, later calls read its row
/// maxima. Falls back to the direct scan when out of memory.
int64_t cimTimeBufRowsMaxCached(CimRowsMaxCache *cache, const TimeBuf *b,
                                const CimIsaTensorType *type, int64_t r0,
                                int64_t r1, int64_t c0, int64_t c1);

/// Drops every entry of `cache` and its storage.
void cimRowsMaxCacheFree(CimRowsMaxCache *cache);

/// A new array of `n` times (refs = 1), NULL when out of memory.
TimeArray *cimTimeArrayCreate(int64_t n);

/// Sets `dst` to the times of a zero-duration data instruction `in` (every
/// opcode except write, mvm, sched, load, store, halt, barrier): each result
/// element is ready when the source elements it is computed from are
/// (docs/schedule.md). `bufs` are the current times of all buffers. Returns
/// false when out of memory.
bool cimTimePropagate(const CimProgram *p, const CimIsaInstr *in,
                      TimeBuf *bufs, TimeBuf *dst);

/// The `write_fill` lower bound (bounds.c, docs/schedule.md "Bounds"): the
/// least T in which `crossbars` crossbars, each computing only after its
/// first write has ended, writes of at least `minWritePs` reaching them
/// through `ports` ports at a time, can give `mvmPs` of MVM time. 0 when
/// there is no MVM time.
int64_t cimScheduleWriteFillBound(int64_t mvmPs, int64_t minWritePs,
                                  int64_t crossbars, int64_t ports);

#endif /* CIM_LIB_SCHEDULE_SCHEDULEINTERNAL_H */
