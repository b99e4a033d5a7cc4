/*===-- target_overrides_fuzz.c - `field=value,...` target overrides ------===*
 *
 * Applies the input as an override list (cimTargetApplyOverrides, what
 * `target=T.json:...` and cim-sim --target-set take) to the default target.
 * A rejected list must leave the target untouched; an accepted one must give
 * a valid target whose fields, printed as settings (cimTargetPrintFieldValue)
 * and applied to the default again, give the same target.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "FuzzCommon.h"
#include "cim-c/Target.h"

static void appendCString(CimFuzzText *t, const char *s) {
  cimFuzzAppend(mlirStringRefCreateFromCString(s), t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CimTarget t = cimTargetGetDefault(), d = t;
  MlirStringRef source = mlirStringRefCreateFromCString("<fuzz>");
  if (mlirLogicalResultIsFailure(cimTargetApplyOverrides(
          &t, mlirStringRefCreate((const char *)data, size), source,
          cimFuzzIgnore, NULL))) {
    if (!cimTargetEqual(&t, &d))
      abort(); /* a rejected list changed the target */
    return 0;
  }
  if (mlirLogicalResultIsFailure(cimTargetValidate(&t, cimFuzzIgnore, NULL)))
    abort();
  /* Every field as a setting, in table order (rows before ou_rows, and
   * crossbars before write_ports, so the bounds hold on the way). */
  CimFuzzText all = {0};
  for (intptr_t i = 0; i < cimTargetGetNumFields(); ++i) {
    if (i)
      appendCString(&all, ",");
    appendCString(&all, cimTargetFieldGetName(i));
    appendCString(&all, "=");
    cimTargetPrintFieldValue(&t, i, cimFuzzAppend, &all);
  }
  CimTarget back = cimTargetGetDefault();
  if (mlirLogicalResultIsFailure(cimTargetApplyOverrides(
          &back, mlirStringRefCreate(all.data, all.length), source,
          cimFuzzIgnore, NULL)) ||
      !cimTargetEqual(&back, &t))
    abort();
  free(all.data);
  return 0;
}
