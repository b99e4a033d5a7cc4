/*===-- calibration_fuzz.c - The calibration file reader ------------------===*
 *
 * Loads the input as a calibration JSON file (cim-assign-precision's
 * calibration= option); every range that loads is finite and ordered. The
 * reader is internal to the library, so its sources are compiled in here.
 *===----------------------------------------------------------------------===*/

#include "MemFile.h"

#include <math.h>

#include "FuzzCommon.h"
#include "cost/Calibration.h"

static void checkRange(CimRange r) {
  if (r.set && !(isfinite(r.min) && isfinite(r.max) && r.min <= r.max))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  int fd = cimFuzzMemFile(data, size, path, sizeof path);
  CimCalibration cal;
  bool ok = cimCalibrationLoad(path, &cal, cimFuzzIgnore, NULL);
  close(fd);
  if (ok) {
    checkRange(cal.defaultRange);
    for (intptr_t i = 0; i < cal.numLayers; ++i) {
      checkRange(cal.layers[i].input);
      checkRange(cal.layers[i].weights);
    }
    for (intptr_t i = 0; i < cal.numOps; ++i)
      checkRange(cal.ops[i].output);
  }
  cimCalibrationFree(&cal);
  return 0;
}
