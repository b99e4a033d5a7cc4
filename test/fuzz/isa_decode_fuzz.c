/*===-- isa_decode_fuzz.c - The ISA binary decoder and verifier -----------===*
 *
 * Decodes the input as a program binary (which runs cimProgramVerify). A
 * program that decodes must encode; encoding is then a fixed point
 * (encode(decode(encode(p))) == encode(p)), and the printed assembly parses
 * back to a program that prints the same text.
 *===----------------------------------------------------------------------===*/

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "FuzzCommon.h"
#include "cim-c/Isa.h"

/// Encodes `p`; aborts if a verified program does not encode.
static CimFuzzText encode(const CimProgram *p) {
  uint8_t *bytes = NULL;
  size_t size = 0;
  if (mlirLogicalResultIsFailure(
          cimProgramEncode(p, &bytes, &size, cimFuzzPrint, "encode")))
    abort();
  return (CimFuzzText){(char *)bytes, size};
}

static bool sameBytes(CimFuzzText a, CimFuzzText b) {
  return a.length == b.length && memcmp(a.data, b.data, a.length) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CimProgram *p = NULL;
  if (mlirLogicalResultIsFailure(
          cimProgramDecode(data, size, &p, cimFuzzIgnore, NULL)))
    return 0;
  /* Encoding is canonical from here on: decode(encode(p)) encodes the same,
   * and so does the program parsed back from p's assembly. */
  CimFuzzText once = encode(p);
  CimProgram *q = NULL;
  if (mlirLogicalResultIsFailure(cimProgramDecode(
          (const uint8_t *)once.data, once.length, &q, cimFuzzPrint,
          "decode of the encoding")))
    abort();
  CimFuzzText twice = encode(q);
  if (!sameBytes(once, twice)) {
    fputs("encode(decode(encode(p))) differs from encode(p)\n", stderr);
    abort();
  }
  cimProgramDestroy(q);
  free(twice.data);

  /* The assembly round trip keeps the program: printing the program parsed
   * back gives the same text. (Bytes may differ: the binary keeps its data
   * section's layout, the assembler lays blocks out afresh.) */
  CimFuzzText asmText = {0};
  cimProgramPrintAsm(p, cimFuzzAppend, &asmText);
  q = NULL;
  if (mlirLogicalResultIsFailure(cimProgramParseAsm(
          mlirStringRefCreate(asmText.data ? asmText.data : "", asmText.length),
          mlirStringRefCreateFromCString("<fuzz>"), &q, cimFuzzPrint,
          "parse of the printed assembly")))
    abort();
  CimFuzzText again = {0};
  cimProgramPrintAsm(q, cimFuzzAppend, &again);
  if (!sameBytes(asmText, again)) {
    fputs("the printed assembly does not round-trip\n", stderr);
    abort();
  }
  free(again.data);
  cimProgramDestroy(q);
  free(asmText.data);
  free(once.data);
  cimProgramDestroy(p);
  return 0;
}
