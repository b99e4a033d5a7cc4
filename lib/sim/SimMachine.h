/*===-- SimMachine.h - The simulator's machine state (internal) -----------===*
 *
 * Buffers, crossbar contents, inputs, outputs and counters of one simulator,
 * and the functions the simulator's files share. One concern per file:
 *   machine.c     creation, checks of program and target, destruction
 *   buffers.c     helpers, tiles, deferred values, materializing, data blocks
 *   io.c          program inputs and outputs
 *   crossbar.c    write and mvm
 *   accumulate.c  adc and shift_add (the deferred planes of an accumulator)
 *   digital.c     the digital unit and data movement, store
 *   run.c         the run loop (instruction dispatch) and counters
 *   report.c      the report and table
 * The deferred ("lazy") values of the exact MVM shortcut are described in
 * machine.c and docs/cim-sim.md.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_SIM_SIMMACHINE_H
#define CIM_LIB_SIM_SIMMACHINE_H

#include "cim-c/Sim.h"
#include "kernels/KernelsInternal.h"
#include "support/StrBuf.h"
#include "cim-c/Schedule.h"

/// Cells programmed by one WRITE; immutable and shared (reference counted)
/// by the crossbar that holds it and by deferred values that read it.
typedef struct SimTile {
  int64_t refs;
  int64_t rows, cols;
  int64_t maxCell;
  int64_t *cells; ///< rows x cols
} SimTile;

/// A tile resident on a crossbar at (row, col).
typedef struct SimLiveTile {
  int64_t row, col;
  SimTile *tile;
} SimLiveTile;

typedef struct SimCrossbar {
  SimLiveTile *tiles;
  int64_t numTiles, capTiles;
  CimSimCounters counters;
  bool used;
} SimCrossbar;

/// A deferred MVM result: value[m, c] = sum_r drive[m, r] *
/// tile.cells[rowOffset + r, c], shape [M, tile.cols]. Shared by reference.
typedef struct SimLazy {
  int64_t refs;
  SimTile *tile;
  int64_t rowOffset, rows, M;
  int64_t *drive; ///< M x rows
  int64_t bound;  ///< max |value| over all columns and rows
  bool hasNegative;
} SimLazy;

/// A pending contribution to an accumulator:
/// acc[m, dstOffset + i] += sum_r coef[m', r] * cells[rowOffset + r,
///                                                srcOffset + i * srcStride]
/// for i < count, m' = m or 0 when M == 1 (broadcast).
typedef struct SimTerm {
  SimTile *tile;
  int64_t rowOffset, rows, M;
  int64_t srcOffset, srcStride, dstOffset, count;
  int64_t *coef; ///< M x rows
  int64_t maxAbsCoef;
} SimTerm;

typedef struct SimBuffer {
  int64_t *data;  ///< materialized values (NULL if none)
  bool valid;     ///< holds a value (data, lazy or data + terms)
  bool isConst;
  bool ownsData;  ///< false for constants sharing a decoded data block
  bool splat;     ///< a constant of one value, filled on read (data or NULL)
  int64_t splatValue;
  SimLazy *lazy;  ///< if set, the value is this product (data unused)
  SimTerm *terms;
  int64_t numTerms, capTerms;
} SimBuffer;

typedef struct SimMachine {
  const CimProgram *program;
  /// The program's schedule, checked and measured (cim-c/Schedule.h).
  CimScheduleReport *schedule;
  CimTarget target;
  SimBuffer *buffers;
  int64_t **blockValues; ///< decoded data blocks (lazily)
  /* Inputs and outputs. */
  int64_t **inputs;
  int64_t **outputs;
  bool ran;
  /* Crossbars, indexed by number; allocated on first use. */
  SimCrossbar **crossbars;
  int64_t *usedCrossbars; ///< ascending numbers of used crossbars
  int64_t numUsedCrossbars;
  /* Layers: distinct layer numbers, and each instruction's slot (numLayers
   * for no layer). */
  int64_t *layers;
  int64_t numLayers;
  int64_t *instrSlot;
  CimSimCounters *layerCounters; ///< numLayers + 1 (last: no layer)
  CimSimCounters total;
  /* Liveness: bit k set in dead[i] if src[k] of instruction i is not read
   * again before it is overwritten. */
  uint8_t *dead;
  bool shortcuts;
  int64_t deferred, direct;
  int64_t forwarded; ///< shift_adds that moved a part's terms (accumulate.c)
  int64_t adcPassed, adcApplied; ///< adcs that passed a deferred value / not
  /* Error reporting of the running instruction. */
  uint32_t pc;
  CimStrBuf kernelMessage;
} SimMachine;

/*===----------------------------------------------------------------------===*
 * Shared by the simulator's files (buffers.c unless noted)
 *===----------------------------------------------------------------------===*/

/// Hot loops are compiled twice on x86-64, for AVX2 and the baseline, and
/// picked at load time (same integers either way).
#if defined(__GNUC__) && defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define CIM_SIM_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef CIM_SIM_VECTOR_CLONES
#define CIM_SIM_VECTOR_CLONES
#endif

/// The kernels' message sink: a kernel failure is forwarded by
/// cimSimKernelFailed.
#define KCB cimStrBufCallback, &m->kernelMessage

CimSimTensor cimSimViewOf(const CimIsaTensorType *t, int64_t *data);
int64_t cimSimTypeNumElements(const CimIsaTensorType *t);
/// The value range of an element type.
void cimSimElemRange(CimIsaElemType e, int64_t *lo, int64_t *hi);
/// Reports one error of the running instruction.
MlirLogicalResult cimSimMachineFail(SimMachine *m, MlirStringCallback cb,
                                    void *ud, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/// Forwards the message a kernel left in m->kernelMessage.
MlirLogicalResult cimSimKernelFailed(SimMachine *m, MlirStringCallback cb,
                                     void *ud);
/// calloc / malloc of n (at least 1) elements; NULL when the size overflows.
void *cimSimCalloc(int64_t n, size_t size);
void *cimSimMalloc(int64_t n, size_t size);

void cimSimTileRelease(SimTile *t);
void cimSimLazyRelease(SimLazy *l);
/// Drops whatever `b` holds (a constant keeps its data).
void cimSimBufferReset(SimBuffer *b);
/// value[m, c] of a deferred product into out [M, tile.cols].
void cimSimLazyProduct(const SimLazy *l, int64_t *out);
/// Checks values written to buffer `bufIdx` against its element type.
MlirLogicalResult cimSimCheckFits(SimMachine *m, uint32_t bufIdx,
                                  const int64_t *v, int64_t n,
                                  MlirStringCallback cb, void *ud);
/// Makes buffer `idx` hold plain values (multiplying out a deferred product
/// and pending terms) and returns them in *out.
MlirLogicalResult cimSimMaterialize(SimMachine *m, uint32_t idx, int64_t **out,
                                    MlirStringCallback cb, void *ud);
/// Gives buffer `idx` fresh storage for a result (dropping what it held).
MlirLogicalResult cimSimPrepareDst(SimMachine *m, uint32_t idx, int64_t **out,
                                   MlirStringCallback cb, void *ud);
/// Makes buffer `idx` hold the deferred product `l` (taking the reference).
MlirLogicalResult cimSimSetLazy(SimMachine *m, uint32_t idx, SimLazy *l,
                                MlirStringCallback cb, void *ud);
/// Values of data block `blk` (decoded once); `want` >= 0 requires that many.
MlirLogicalResult cimSimBlockValues(SimMachine *m, int64_t blk, int64_t want,
                                    const char *what, const int64_t **values,
                                    int64_t *count, MlirStringCallback cb,
                                    void *ud);

/* machine.c */
void cimSimMachineDestroy(SimMachine *m);
/* run.c */
/// Drops all run state: scratch buffers, crossbar contents, outputs.
void cimSimResetRun(SimMachine *m);

/* One instruction each; `ev` receives its crossbar events. */
MlirLogicalResult cimSimExecWrite(SimMachine *m, const CimIsaInstr *in,
                                  CimSimCounters *ev, MlirStringCallback cb,
                                  void *ud); /* crossbar.c */
MlirLogicalResult cimSimExecMvm(SimMachine *m, const CimIsaInstr *in,
                                CimSimCounters *ev, MlirStringCallback cb,
                                void *ud); /* crossbar.c */
MlirLogicalResult cimSimExecAdc(SimMachine *m, const CimIsaInstr *in,
                                CimSimCounters *ev, MlirStringCallback cb,
                                void *ud); /* accumulate.c */
MlirLogicalResult cimSimExecShiftAdd(SimMachine *m, const CimIsaInstr *in,
                                     CimSimCounters *ev,
                                     MlirStringCallback cb,
                                     void *ud); /* accumulate.c */
MlirLogicalResult cimSimExecDigital(SimMachine *m, const CimIsaInstr *in,
                                    MlirStringCallback cb,
                                    void *ud); /* digital.c */
MlirLogicalResult cimSimExecStore(SimMachine *m, const CimIsaInstr *in,
                                  MlirStringCallback cb,
                                  void *ud); /* digital.c */

/// Time and energy of counters on the machine's target (cimPriceEvents).
/// Fails, with the pricing message, when they do not fit in int64.
MlirLogicalResult cimSimPrice(const SimMachine *m, CimSimCounters *c,
                              MlirStringCallback cb, void *ud);

#endif /* CIM_LIB_SIM_SIMMACHINE_H */
