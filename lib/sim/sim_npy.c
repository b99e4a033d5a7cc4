/*===-- sim_npy.c - Simulator inputs and outputs as .npy bytes -------------===*
 *
 * For bindings (the Python package) and embedders that hand arrays over in
 * NumPy's format rather than as CimNpyArray structs: the same checks as
 * cimSimSetInput / cimSimGetOutput, through cimNpyParse and cimNpyPrint.
 *===----------------------------------------------------------------------===*/

#include <stdio.h>

#include "cim-c/Npy.h"
#include "cim-c/Sim.h"

MlirLogicalResult cimSimSetInputNpy(CimSim sim, int64_t index,
                                    const void *bytes, size_t size,
                                    MlirStringCallback errorCallback,
                                    void *userData) {
  CimNpyArray array;
  char name[64];
  snprintf(name, sizeof name, "input #%lld", (long long)index);
  if (mlirLogicalResultIsFailure(
          cimNpyParse(bytes, size, mlirStringRefCreateFromCString(name),
                      &array, errorCallback, userData)))
    return mlirLogicalResultFailure();
  MlirLogicalResult r =
      cimSimSetInput(sim, index, &array, errorCallback, userData);
  cimNpyArrayDestroy(&array);
  return r;
}

MlirLogicalResult cimSimPrintOutputNpy(CimSim sim, uint32_t index,
                                       MlirStringCallback callback,
                                       void *userData,
                                       MlirStringCallback errorCallback,
                                       void *errorUserData) {
  CimNpyArray array;
  if (mlirLogicalResultIsFailure(
          cimSimGetOutput(sim, index, &array, errorCallback, errorUserData)))
    return mlirLogicalResultFailure();
  cimNpyPrint(&array, callback, userData);
  cimNpyArrayDestroy(&array);
  return mlirLogicalResultSuccess();
}
