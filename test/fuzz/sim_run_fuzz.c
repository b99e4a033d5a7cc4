/*===-- sim_run_fuzz.c - cim-sim on decoded programs ----------------------===*
 *
 * Decodes the input as a program binary and runs it in the simulator on
 * inputs of all zeros. Programs are straight-line, so a run is bounded by
 * the program; buffers and ports over 2^20 elements are skipped to keep
 * runs short (the simulator's own limit on declared sizes is tested
 * elsewhere).
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>

#include "FuzzCommon.h"
#include "cim-c/Sim.h"

enum { MAX_ELEMENTS = 1 << 20 };

static bool small(const CimProgram *p) {
  for (uint32_t i = 0; i < p->numBuffers; ++i)
    if (cimIsaTensorTypeGetNumElements(&p->buffers[i].type) > MAX_ELEMENTS)
      return false;
  /* The ports too: the harness itself allocates each input. */
  for (uint32_t i = 0; i < p->numInputs; ++i)
    if (cimIsaTensorTypeGetNumElements(&p->inputs[i].type) > MAX_ELEMENTS)
      return false;
  for (uint32_t i = 0; i < p->numOutputs; ++i)
    if (cimIsaTensorTypeGetNumElements(&p->outputs[i].type) > MAX_ELEMENTS)
      return false;
  return true;
}

/// Sets every input to zeros; false when the simulator rejects one.
static bool setZeroInputs(CimSim sim, const CimProgram *p) {
  for (uint32_t i = 0; i < p->numInputs; ++i) {
    const CimIsaTensorType *t = &p->inputs[i].type;
    CimNpyArray a = {.dtype = cimSimGetDType(t->elem), .rank = t->rank};
    a.numElements = cimIsaTensorTypeGetNumElements(t);
    for (int d = 0; d < t->rank; ++d)
      a.shape[d] = t->dims[d];
    a.data = calloc((size_t)(a.numElements ? a.numElements : 1),
                    cimNpyDTypeGetSize(a.dtype));
    if (!a.data)
      abort();
    bool ok = mlirLogicalResultIsSuccess(
        cimSimSetInput(sim, i, &a, cimFuzzIgnore, NULL));
    free(a.data);
    if (!ok)
      return false;
  }
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CimProgram *p = NULL;
  if (mlirLogicalResultIsFailure(
          cimProgramDecode(data, size, &p, cimFuzzIgnore, NULL)))
    return 0;
  CimSim sim = {NULL};
  if (small(p) && mlirLogicalResultIsSuccess(
                      cimSimCreate(p, NULL, &sim, cimFuzzIgnore, NULL)) &&
      setZeroInputs(sim, p) &&
      mlirLogicalResultIsSuccess(cimSimRun(sim, cimFuzzIgnore, NULL))) {
    for (uint32_t i = 0; i < p->numOutputs; ++i) {
      CimNpyArray out;
      if (mlirLogicalResultIsFailure(
              cimSimGetOutput(sim, i, &out, cimFuzzIgnore, NULL)))
        abort(); /* a successful run has every output */
      cimNpyArrayDestroy(&out);
    }
  }
  cimSimDestroy(sim);
  cimProgramDestroy(p);
  return 0;
}
