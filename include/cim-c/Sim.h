/*===-- cim-c/Sim.h - The bit-exact simulator of CIM programs --------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* Executes a program of the accelerator's instruction set (cim-c/Isa.h) on   *|
|* integer inputs, exactly: every crossbar and digital instruction computes   *|
|* the integers docs/dialects/xbar.md and docs/dialects/cim.md define, the    *|
|* ADC clips and rounds when the target's ADC is too narrow, and every event  *|
|* is counted and priced per the target (sequential one-crossbar schedule).  *|
|* docs/cim-sim.md describes the report and the exact shortcuts taken.        *|
|*                                                                            *|
|* The second half of this header is the numeric core: one function per      *|
|* instruction semantics on plain int64 tensors. The simulator runs these;    *|
|* they are exported so that tools and tests share one definition.           *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_SIM_H
#define CIM_C_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Isa.h"
#include "cim-c/Npy.h"
#include "cim-c/Support.h"
#include "cim-c/Target.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * The simulator
 *===----------------------------------------------------------------------===*/

/// A simulator instance: the machine state of one program (buffers, crossbar
/// contents, inputs, outputs) and its event counters.
typedef struct CimSim {
  void *ptr;
} CimSim;

static inline bool cimSimIsNull(CimSim sim) { return !sim.ptr; }

/// Event counters of one layer, one crossbar or the whole run, with their
/// time and energy on the simulator's target (sequential schedule).
typedef struct CimSimCounters {
  int64_t instructions;   ///< Instructions executed.
  int64_t writes;         ///< Crossbar writes.
  int64_t cellsWritten;   ///< Cells programmed.
  int64_t mvmCycles;      ///< MVM cycles (one per input vector per OU group).
  int64_t rowActivations; ///< Active rows summed over MVM cycles.
  int64_t cellActivations;///< Active rows x tile columns summed over cycles.
  int64_t adcConversions; ///< ADC conversions.
  int64_t digitalOps;     ///< Digital element operations (docs/isa.md).
  int64_t bufferAccesses; ///< Buffer element accesses (docs/isa.md).
  int64_t latencyPs;      ///< Time of all the above, one event after another.
  int64_t energyFj;       ///< Energy of all the above.
} CimSimCounters;

/// Creates a simulator for `program`, which is borrowed and must outlive the
/// simulator. `target` (may be NULL: the program's own target) prices the
/// events; it must equal the program's target in every field that changes
/// what the program computes or where it runs (geometry, resolutions,
/// encodings, crossbars, OU), only times and energies may differ. Fails,
/// with one message, when the program does not pass cimProgramVerify, the
/// target differs in such a field, or memory runs out; then `*sim` is null.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimCreate(const CimProgram *program, const CimTarget *target, CimSim *sim,
             MlirStringCallback errorCallback, void *userData);

/// Frees the simulator and everything it allocated. A null handle is a no-op.
CIM_CAPI_EXPORTED void cimSimDestroy(CimSim sim);

/// Index of the program input named `name`, or -1.
CIM_CAPI_EXPORTED int64_t cimSimLookupInput(CimSim sim, MlirStringRef name);

/// Sets input `index` to a copy of `array`. Fails, with a message naming the
/// input ("input 'x': ..."), when the shape differs from the program's, the
/// dtype is not the one of its element type (i1..i8 -> int8, i9..i16 ->
/// int16, ..., u1..u8 -> uint8, ...), or a value lies outside the element
/// type's range (the message names the first such element).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimSetInput(CimSim sim, int64_t index, const CimNpyArray *array,
               MlirStringCallback errorCallback, void *userData);

/// The NumPy dtype of a program input or output of element type `elem`.
CIM_CAPI_EXPORTED CimNpyDType cimSimGetDType(CimIsaElemType elem);

/// Runs the program from its first instruction to HALT. Every input must be
/// set. Counters start from zero on every run. Fails with one message
/// ("instruction 12 (mvm): ...") on anything the program may not do at run
/// time: reading a buffer no instruction wrote, an MVM on a crossbar region
/// no intact write programmed, a cell level outside the target's cell bits,
/// an activation outside its bit range, a result that does not fit its
/// destination's element type. It never reads or writes out of bounds, even
/// for a program that was built by hand.
CIM_CAPI_EXPORTED MlirLogicalResult cimSimRun(CimSim sim,
                                              MlirStringCallback errorCallback,
                                              void *userData);

/// Output `index` of the last successful run as a new array owned by the
/// caller (cimNpyArrayDestroy), of the dtype cimSimGetDType gives. Fails when
/// there was no successful run or memory runs out.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimGetOutput(CimSim sim, uint32_t index, CimNpyArray *array,
                MlirStringCallback errorCallback, void *userData);

/// Counters of the whole last run.
CIM_CAPI_EXPORTED CimSimCounters cimSimGetTotal(CimSim sim);

/// Layers of the program: the distinct `layer` numbers of its instructions,
/// ascending. `cimSimGetLayer(sim, i)` is the i-th of them.
CIM_CAPI_EXPORTED int64_t cimSimGetNumLayers(CimSim sim);
CIM_CAPI_EXPORTED int64_t cimSimGetLayer(CimSim sim, int64_t i);
/// Counters of the i-th layer, and of the instructions that belong to no
/// layer.
CIM_CAPI_EXPORTED CimSimCounters cimSimGetLayerCounters(CimSim sim, int64_t i);
CIM_CAPI_EXPORTED CimSimCounters cimSimGetUnattributedCounters(CimSim sim);

/// Crossbars the program uses: their numbers, ascending, and counters.
CIM_CAPI_EXPORTED int64_t cimSimGetNumCrossbars(CimSim sim);
CIM_CAPI_EXPORTED int64_t cimSimGetCrossbar(CimSim sim, int64_t i);
CIM_CAPI_EXPORTED CimSimCounters cimSimGetCrossbarCounters(CimSim sim,
                                                           int64_t i);

/// How many MVM instructions ran through the exact shortcut of
/// docs/cim-sim.md (deferred, summed over input planes) and how many ran
/// cycle by cycle.
CIM_CAPI_EXPORTED void cimSimGetShortcutStats(CimSim sim, int64_t *deferred,
                                              int64_t *direct);

/// Turns the shortcut off (every MVM is computed plane by plane, as the
/// hardware does). For tests that compare both ways.
CIM_CAPI_EXPORTED void cimSimSetShortcuts(CimSim sim, bool enable);

/// Prints the JSON report of the last run (docs/cim-sim.md lists the fields).
CIM_CAPI_EXPORTED void cimSimPrintReportJSON(CimSim sim,
                                             MlirStringCallback callback,
                                             void *userData);

/// Prints the short per-layer table of the last run.
CIM_CAPI_EXPORTED void cimSimPrintTable(CimSim sim, MlirStringCallback callback,
                                        void *userData);

/*===----------------------------------------------------------------------===*
 * The numeric core
 *
 * Each function computes one instruction's result from its operands exactly
 * (docs/dialects/cim.md, docs/dialects/xbar.md), writing `result`, whose
 * shape the caller sets and the function checks. It fails with one message
 * ("requantize: ...") on operands of the wrong shape, parameters out of
 * their documented range, or an intermediate beyond 128 bits / a result
 * beyond 64 bits; `result` is then unspecified. Tensors are row-major int64.
 *===----------------------------------------------------------------------===*/

#define CIM_SIM_MAX_RANK 8

/// A borrowed row-major tensor of int64 values.
typedef struct CimSimTensor {
  int64_t *data;
  int rank;
  int64_t shape[CIM_SIM_MAX_RANK];
} CimSimTensor;

/// rne(p / q), q > 0: the nearest integer, ties to even; exact.
CIM_CAPI_EXPORTED int64_t cimSimRne(int64_t p, int64_t q);

typedef struct CimSimRequantizeParams {
  int64_t axis;
  const int64_t *multiplier; ///< 1 or one per channel of `axis`
  int64_t numMultipliers;
  const int64_t *shift;      ///< 1 or one per channel, each 0..62
  int64_t numShifts;
  int64_t inZeroPoint, outZeroPoint, qmin, qmax;
} CimSimRequantizeParams;

/// r = clamp(rne((x + bias[c] - in_zp) * multiplier[c] / 2^shift[c]) + out_zp,
/// qmin, qmax); `bias` may be NULL.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimRequantize(const CimSimTensor *x, const CimSimTensor *bias,
                 const CimSimRequantizeParams *params, CimSimTensor *result,
                 MlirStringCallback errorCallback, void *userData);

/// r = clamp(x, min, max).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimClamp(const CimSimTensor *x, int64_t min, int64_t max,
            CimSimTensor *result, MlirStringCallback errorCallback,
            void *userData);

/// r = table[clamp(x - inMin, 0, tableLength - 1)].
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimLut(const CimSimTensor *x, const int64_t *table, int64_t tableLength,
          int64_t inMin, CimSimTensor *result,
          MlirStringCallback errorCallback, void *userData);

typedef struct CimSimPoolParams {
  bool isAvg;  ///< avg (rne(sum / count)) or max
  bool isNhwc; ///< layout nhwc or nchw
  int64_t window[2], strides[2];
  int64_t padding[4]; ///< top, left, bottom, right; each < its window
} CimSimPoolParams;

/// Max or average pooling over the window positions inside the input
/// (count_include_pad = 0).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimPool(const CimSimTensor *x, const CimSimPoolParams *params,
           CimSimTensor *result, MlirStringCallback errorCallback,
           void *userData);

/// r = lhs + rhs, elementwise.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimAdd(const CimSimTensor *lhs, const CimSimTensor *rhs,
          CimSimTensor *result, MlirStringCallback errorCallback,
          void *userData);

typedef struct CimSimSoftmaxParams {
  int64_t axis;
  const int64_t *expTable; ///< expTable[0] > 0, all >= 0
  int64_t expTableLength;
  int64_t one, outZeroPoint, qmin, qmax;
} CimSimSoftmaxParams;

/// Integer softmax along `axis` (docs/dialects/cim.md, cim.softmax).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimSoftmax(const CimSimTensor *x, const CimSimSoftmaxParams *params,
              CimSimTensor *result, MlirStringCallback errorCallback,
              void *userData);

typedef struct CimSimLayerNormParams {
  int64_t axis;
  int64_t fracBits;      ///< 0..62
  int64_t eps;           ///< >= 0
  const int64_t *gamma;  ///< one per element along `axis`
  const int64_t *beta;   ///< one per element along `axis`
  int64_t multiplier;    ///< >= 0
  int64_t shift;         ///< 0..62
  int64_t outZeroPoint, qmin, qmax;
} CimSimLayerNormParams;

/// Integer layer norm along `axis` with isqrt (docs/dialects/cim.md).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimLayerNorm(const CimSimTensor *x, const CimSimLayerNormParams *params,
                CimSimTensor *result, MlirStringCallback errorCallback,
                void *userData);

/// Copies `x` in row-major order into `result` (same element count).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimReshape(const CimSimTensor *x, CimSimTensor *result,
              MlirStringCallback errorCallback, void *userData);

/// result dimension i is x dimension permutation[i].
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimTranspose(const CimSimTensor *x, const int64_t *permutation,
                CimSimTensor *result, MlirStringCallback errorCallback,
                void *userData);

/// The block of `x` at `offsets` (one per dimension) with result's shape.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimSlice(const CimSimTensor *x, const int64_t *offsets,
            CimSimTensor *result, MlirStringCallback errorCallback,
            void *userData);

/// `dest` with the block at `offsets` replaced by `x`, into `result` (which
/// may be `dest` itself).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimInsert(const CimSimTensor *dest, const CimSimTensor *x,
             const int64_t *offsets, CimSimTensor *result,
             MlirStringCallback errorCallback, void *userData);

typedef struct CimSimIm2colParams {
  bool isNhwc;
  int64_t kernel[2], strides[2], dilations[2];
  int64_t padding[4]; ///< top, left, bottom, right
  int64_t padValue;
  int64_t channelOffset, channels;
} CimSimIm2colParams;

/// Convolution patches [B*OH*OW, channels*KH*KW] (docs/dialects/xbar.md).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimIm2col(const CimSimTensor *x, const CimSimIm2colParams *params,
             CimSimTensor *result, MlirStringCallback errorCallback,
             void *userData);

typedef struct CimSimWeightTileParams {
  CimWeightMapping mapping;
  int64_t wBits, cellBits; ///< 1..8
  bool wSigned;
  int64_t kOffset, unitOffset;
} CimSimWeightTileParams;

/// Cell levels of one tile of weights w [K, N]; result [k_size, 2*units],
/// [2*k_size, units] or [k_size, units + 1] by mapping.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimWeightTile(const CimSimTensor *w, const CimSimWeightTileParams *params,
                 CimSimTensor *result, MlirStringCallback errorCallback,
                 void *userData);

typedef struct CimSimBitplaneParams {
  CimInputEncoding encoding;
  int64_t aBits;     ///< 1..8
  int64_t bitOffset; ///< 0..63
  int64_t bits;      ///< 1..8
} CimSimBitplaneParams;

/// digits = (u >> bitOffset) mod 2^bits, u the encoding of x in aBits bits
/// (unsigned: x mod 2^aBits, storage being signless). Fails when an element
/// of x is outside what an aBits-bit element can hold for the encoding.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimBitplane(const CimSimTensor *x, const CimSimBitplaneParams *params,
               CimSimTensor *result, MlirStringCallback errorCallback,
               void *userData);

typedef struct CimSimMvmParams {
  int64_t kOffset, rowOffset, rows;
  bool differentialRows;
} CimSimMvmParams;

/// Column sums of one OU group: cells [R, C], digits [M, Kd] -> [M, C].
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimMvm(const CimSimTensor *cells, const CimSimTensor *digits,
          const CimSimMvmParams *params, CimSimTensor *result,
          MlirStringCallback errorCallback, void *userData);

/// r = clamp(rne(v / 2^shift), lo, hi) * 2^shift; bits = 0: r = v.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimAdc(const CimSimTensor *v, int64_t bits, int64_t shift, bool isSigned,
          CimSimTensor *result, MlirStringCallback errorCallback,
          void *userData);

typedef struct CimSimShiftAddParams {
  int64_t srcOffset, srcStride, dstOffset, count, shift;
  bool negate;
} CimSimShiftAddParams;

/// r = acc; r[m, dst + i] += (negate ? -1 : 1) * part[m or 0, src + i *
/// stride] * 2^shift. `result` may be `acc` itself.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimShiftAdd(const CimSimTensor *acc, const CimSimTensor *part,
               const CimSimShiftAddParams *params, CimSimTensor *result,
               MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_SIM_H */
