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
|* The numeric core (one function per instruction semantics on plain int64   *|
|* tensors) is in cim-c/Kernels.h, which this header includes.               *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_SIM_H
#define CIM_C_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Isa.h"
#include "cim-c/Kernels.h"
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

/// As cimSimSetInput, with the array given as the bytes of a .npy file
/// (cimNpyParse's checks first).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimSetInputNpy(CimSim sim, int64_t index, const void *bytes, size_t size,
                  MlirStringCallback errorCallback, void *userData);

/// As cimSimGetOutput, with the array printed as the bytes of a .npy file
/// through `callback` (cimNpyPrint). Failures go to `errorCallback`.
CIM_CAPI_EXPORTED MlirLogicalResult cimSimPrintOutputNpy(
    CimSim sim, uint32_t index, MlirStringCallback callback, void *userData,
    MlirStringCallback errorCallback, void *errorUserData);

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

/// What the last run's exact shortcut decided (docs/cim-sim.md, "Speed"):
/// `adcPassed` adc instructions let a deferred value through because no
/// input could clip or round, `adcApplied` computed their sums and applied
/// the ADC (clipping possible, or the value was not deferred), and
/// `forwarded` shift_adds moved a part's pending products into the
/// accumulator instead of multiplying them out. With the shortcut off every
/// adc is applied and nothing is passed or forwarded.
CIM_CAPI_EXPORTED void cimSimGetFastPathStats(CimSim sim, int64_t *adcPassed,
                                              int64_t *adcApplied,
                                              int64_t *forwarded);

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

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_SIM_H */
