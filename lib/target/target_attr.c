/*===-- target_attr.c - The #cim.target attribute --------------------------===*
 *
 * #cim.target is an IRDL attribute: its parameters are positional, one per
 * row of target/TargetFields.def in table order and stored units, and the C
 * API has no accessor for the parameters of a dynamic attribute. The target
 * is therefore written by parsing its textual form and read by printing the
 * attribute and parsing the parameter list (integers `N : iK` for numeric
 * fields, quoted names for enum fields), then validated like a JSON target.
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"

#include "target/TargetInternal.h"

MlirAttribute cimTargetToAttribute(MlirContext context, const CimTarget *t) {
  CimStrBuf b = {0};
  cimStrBufAppendCString(&b, "#cim.target<");
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i) {
    const CimTargetFieldDef *f = &cimTargetFields[i];
    int64_t v = cimTargetFieldGet(t, (CimTargetFieldId)i);
    if (i)
      cimStrBufAppendCString(&b, ", ");
    if (cimTargetRepNames(f->rep))
      cimTargetAppendValue(&b, f, v, true);
    else
      cimStrBufPrintf(&b, "%" PRId64 " : i64", v);
  }
  cimStrBufAppendCString(&b, ">");
  MlirAttribute a = mlirAttributeParseGet(
      context, mlirStringRefCreate(cimStrBufGet(&b), b.length));
  cimStrBufFree(&b);
  return a;
}

/// Reads parameter `id` at `*p`: a quoted name for an enum field, else an
/// integer with an optional ` : iN` type.
static bool readParam(const char **p, CimTargetFieldId id, int64_t *out) {
  const char *const *names = cimTargetRepNames(cimTargetFields[id].rep);
  const char *s = *p;
  if (names) {
    const char *end = *s == '"' ? strchr(s + 1, '"') : NULL;
    if (!end)
      return false;
    size_t len = (size_t)(end - s - 1);
    for (int k = 0; names[k]; ++k)
      if (strlen(names[k]) == len && !strncmp(names[k], s + 1, len)) {
        *out = k;
        *p = end + 1;
        return true;
      }
    return false;
  }
  char *end;
  long long x = strtoll(s, &end, 10);
  if (end == s)
    return false;
  *out = x;
  s = end;
  if (strncmp(s, " : i", 4) == 0) /* type suffix */
    for (s += 4; *s >= '0' && *s <= '9';)
      ++s;
  *p = s;
  return true;
}

MlirLogicalResult cimTargetFromAttribute(MlirAttribute attr, CimTarget *target,
                                         MlirStringCallback cb, void *ud) {
  CimStrBuf text = {0};
  mlirAttributePrint(attr, cimStrBufCallback, &text);
  static const char prefix[] = "#cim.target<";
  const char *p = cimStrBufGet(&text);
  bool ok = strncmp(p, prefix, sizeof prefix - 1) == 0;
  if (!ok) {
    cimStrBufFree(&text);
    CimStrBuf msg = {0};
    cimStrBufAppendCString(&msg, "the cim.target attribute is not a "
                                 "#cim.target<...>");
    return cimTargetFail(cb, ud, &msg);
  }
  p += sizeof prefix - 1;
  CimTarget t = cimTargetGetDefault();
  for (int i = 0; ok && i < CIM_TARGET_NUM_FIELDS; ++i) {
    while (*p == ' ' || *p == ',')
      ++p;
    int64_t v = 0;
    ok = ok && readParam(&p, (CimTargetFieldId)i, &v);
    cimTargetFieldSet(&t, (CimTargetFieldId)i, v);
  }
  while (ok && (*p == ' ' || *p == ','))
    ++p;
  ok = ok && *p == '>';
  cimStrBufFree(&text);
  if (!ok) {
    int names = 0;
    for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
      names += cimTargetRepNames(cimTargetFields[i].rep) != NULL;
    CimStrBuf msg = {0};
    cimStrBufPrintf(&msg,
                    "#cim.target needs %d parameters: %d integers and the "
                    "weight mapping and input encoding strings, in the order "
                    "of docs/target.md",
                    CIM_TARGET_NUM_FIELDS, CIM_TARGET_NUM_FIELDS - names);
    return cimTargetFail(cb, ud, &msg);
  }
  if (mlirLogicalResultIsFailure(cimTargetValidate(&t, cb, ud)))
    return mlirLogicalResultFailure();
  *target = t;
  return mlirLogicalResultSuccess();
}
