/*===-- Calibration.h - Activation ranges for cim-assign-precision ---------===*
 *
 * A calibration file gives the observed range [min, max] of the values
 * cim-assign-precision quantizes at run time (activations, run-time weight
 * operands, the inputs and results of digital ops); docs/precision.md has the
 * format. This reader checks the file's own structure; matching entries
 * against the module (unknown layer names, indices out of range, entries for
 * the same layer twice) is the pass's job, because only it knows the layers.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_CALIBRATION_H
#define CIM_LIB_CALIBRATION_H

#include <stdbool.h>
#include <stdint.h>

#include "mlir-c/Support.h"

/// A closed range of real values; `set` is false when the file omits it.
typedef struct CimRange {
  bool set;
  double min, max;
} CimRange;

/// One entry of "layers" (by `name`, or by `index` when `name` is NULL) or of
/// "ops" (always by `name`).
typedef struct CimCalibrationEntry {
  char *name;      /* owned; NULL for an entry given by index */
  int64_t index;   /* -1 for an entry given by name */
  CimRange input;  /* "input": the activation operand(s) */
  CimRange weights; /* "weights": a run-time weight operand (layers only) */
  CimRange output; /* "output": the result (ops only) */
} CimCalibrationEntry;

typedef struct CimCalibration {
  CimRange defaultRange; /* top-level "default", if given */
  CimCalibrationEntry *layers;
  intptr_t numLayers;
  CimCalibrationEntry *ops;
  intptr_t numOps;
} CimCalibration;

/// Reads `path` into `*cal` (zeroed first). Fails with one message naming the
/// file and the offending entry ("cal.json: layers[2]: \"input\" must be
/// [min, max] with finite min <= max") on unreadable files, malformed JSON,
/// unknown keys and bad ranges. `*cal` must be released with
/// cimCalibrationFree on success and on failure.
bool cimCalibrationLoad(const char *path, CimCalibration *cal,
                        MlirStringCallback errorCallback, void *userData);

/// Frees what cimCalibrationLoad allocated; a zeroed struct is a no-op.
void cimCalibrationFree(CimCalibration *cal);

#endif /* CIM_LIB_CALIBRATION_H */
