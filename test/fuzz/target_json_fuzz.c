/*===-- target_json_fuzz.c - The target description reader ----------------===*
 *
 * Parses the input as a target JSON file; a target that parses must be
 * valid, and survive the #cim.target attribute and the printed-JSON round
 * trips unchanged.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "FuzzCommon.h"
#include "cim-c/Dialects.h"
#include "cim-c/Target.h"

static MlirContext context(void) {
  static MlirContext ctx;
  if (mlirContextIsNull(ctx))
    ctx = cimContextCreate();
  return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CimTarget t;
  if (mlirLogicalResultIsFailure(cimTargetParseJSON(
          mlirStringRefCreate((const char *)data, size),
          mlirStringRefCreateFromCString("<fuzz>"), &t, cimFuzzIgnore, NULL)))
    return 0;
  if (mlirLogicalResultIsFailure(cimTargetValidate(&t, cimFuzzIgnore, NULL)))
    abort(); /* the reader returned a target the validator rejects */
  MlirAttribute attr = cimTargetToAttribute(context(), &t);
  CimTarget back;
  if (mlirAttributeIsNull(attr) ||
      mlirLogicalResultIsFailure(
          cimTargetFromAttribute(attr, &back, cimFuzzIgnore, NULL)) ||
      !cimTargetEqual(&back, &t))
    abort();
  /* And the JSON it prints parses back to the same target. */
  CimFuzzText json = {0};
  cimTargetPrintJSON(&t, cimFuzzAppend, &json);
  if (mlirLogicalResultIsFailure(cimTargetParseJSON(
          mlirStringRefCreate(json.data ? json.data : "", json.length),
          mlirStringRefCreateFromCString("<printed>"), &back, cimFuzzIgnore,
          NULL)) ||
      !cimTargetEqual(&back, &t))
    abort();
  free(json.data);
  return 0;
}
