/*===-- policy_fuzz.c - The policy reader (JSON and .npy) -----------------===*
 *
 * Loads the input as a policy file (.npy by its magic, JSON otherwise); a
 * policy that loads has only bits in 1..8 and passes its own layer count.
 *===----------------------------------------------------------------------===*/

#include "MemFile.h"

#include "FuzzCommon.h"
#include "cim-c/Policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  int fd = cimFuzzMemFile(data, size, path, sizeof path);
  CimPolicy p = cimPolicyLoadFile(path, cimFuzzIgnore, NULL);
  close(fd);
  if (cimPolicyIsNull(p))
    return 0;
  intptr_t n = cimPolicyGetNumLayers(p);
  if (n < 0)
    abort();
  for (intptr_t i = 0; i < n; ++i) {
    int64_t w = cimPolicyGetWeightBits(p, i), a = cimPolicyGetActivationBits(p, i);
    if (w < 1 || w > 8 || a < 1 || a > 8 || !cimPolicyGetLayerName(p, i))
      abort();
  }
  if (mlirLogicalResultIsFailure(
          cimPolicyCheckLayerCount(p, n, cimFuzzIgnore, NULL)))
    abort();
  cimPolicyDestroy(p);
  return 0;
}
