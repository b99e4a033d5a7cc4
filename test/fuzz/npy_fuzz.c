/*===-- npy_fuzz.c - The .npy reader --------------------------------------===*
 *
 * Parses the input as .npy; an array that parses has exactly as many
 * elements as its shape says, and every element can be read.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>

#include "FuzzCommon.h"
#include "cim-c/Npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CimNpyArray a;
  if (mlirLogicalResultIsFailure(
          cimNpyParse(data, size, mlirStringRefCreateFromCString("<fuzz>"), &a,
                      cimFuzzIgnore, NULL)))
    return 0;
  int64_t n = 1;
  for (int i = 0; i < a.rank; ++i)
    n *= a.shape[i];
  if (n != a.numElements)
    abort();
  int64_t sum = 0;
  for (int64_t i = 0; i < a.numElements; ++i)
    sum ^= cimNpyArrayGetInt(&a, i);
  (void)sum;
  cimNpyArrayDestroy(&a);
  return 0;
}
