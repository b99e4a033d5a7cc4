/*===-- isa_asm_fuzz.c - The ISA assembly parser --------------------------===*
 *
 * Parses the input as assembly; a program that parses (and so verifies)
 * must encode and decode back to a program that encodes the same.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "FuzzCommon.h"
#include "cim-c/Isa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CimProgram *p = NULL;
  if (mlirLogicalResultIsFailure(cimProgramParseAsm(
          mlirStringRefCreate((const char *)data, size),
          mlirStringRefCreateFromCString("<fuzz>"), &p, cimFuzzIgnore, NULL)))
    return 0;
  uint8_t *a = NULL, *b = NULL;
  size_t na = 0, nb = 0;
  CimProgram *q = NULL;
  if (mlirLogicalResultIsFailure(
          cimProgramEncode(p, &a, &na, cimFuzzPrint, "encode")) ||
      mlirLogicalResultIsFailure(
          cimProgramDecode(a, na, &q, cimFuzzPrint, "decode")) ||
      mlirLogicalResultIsFailure(
          cimProgramEncode(q, &b, &nb, cimFuzzPrint, "encode again")) ||
      na != nb || memcmp(a, b, na) != 0)
    abort();
  free(a);
  free(b);
  cimProgramDestroy(q);
  cimProgramDestroy(p);
  return 0;
}
