/*===-- target_attr.c - The #cim.target attribute --------------------------===*
 *
 * #cim.target is an IRDL attribute: its parameters are positional and the C
 * API has no accessor for the parameters of a dynamic attribute. The target
 * is therefore written by parsing its textual form and read by printing the
 * attribute and parsing the parameter list (integers `N : iK` and quoted
 * strings), then validated like a JSON target.
 *===----------------------------------------------------------------------===*/

#include "cim-c/Target.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/Diagnostics.h"

#include "support/StrBuf.h"

/* Parameter order of #cim.target (dialects/cim.irdl.mlir). */
enum { NUM_PARAMS = 20 };

static void fieldsOf(const CimTarget *t, int64_t v[NUM_PARAMS]) {
  int64_t f[NUM_PARAMS] = {
      t->rows,       t->cols,      t->cellBits,  t->dacBits,
      t->adcBits,    (int64_t)t->weightMapping, (int64_t)t->inputEncoding,
      t->crossbars,  t->ouRows,    t->writePorts, t->writePs,
      t->mvmPs,      t->adcPs,     t->digitalPs, t->bufferPs,
      t->writeFj,    t->mvmFj,     t->adcFj,     t->digitalFj,
      t->bufferFj};
  memcpy(v, f, sizeof f);
}

MlirAttribute cimTargetToAttribute(MlirContext context, const CimTarget *t) {
  int64_t v[NUM_PARAMS];
  fieldsOf(t, v);
  CimStrBuf b = {0};
  cimStrBufAppendCString(&b, "#cim.target<");
  for (int i = 0; i < NUM_PARAMS; ++i) {
    if (i)
      cimStrBufAppendCString(&b, ", ");
    if (i == 5)
      cimStrBufPrintf(&b, "\"%s\"", cimWeightMappingGetName(t->weightMapping));
    else if (i == 6)
      cimStrBufPrintf(&b, "\"%s\"", cimInputEncodingGetName(t->inputEncoding));
    else
      cimStrBufPrintf(&b, "%" PRId64 " : i64", v[i]);
  }
  cimStrBufAppendCString(&b, ">");
  MlirAttribute a = mlirAttributeParseGet(
      context, mlirStringRefCreate(cimStrBufGet(&b), b.length));
  cimStrBufFree(&b);
  return a;
}

static MlirLogicalResult fail(MlirStringCallback cb, void *ud, const char *msg) {
  if (cb)
    cb(mlirStringRefCreateFromCString(msg), ud);
  return mlirLogicalResultFailure();
}

MlirLogicalResult cimTargetFromAttribute(MlirAttribute attr, CimTarget *target,
                                         MlirStringCallback cb, void *ud) {
  CimStrBuf text = {0};
  mlirAttributePrint(attr, cimStrBufCallback, &text);
  const char *s = cimStrBufGet(&text);
  static const char prefix[] = "#cim.target<";
  if (strncmp(s, prefix, sizeof prefix - 1) != 0) {
    cimStrBufFree(&text);
    return fail(cb, ud, "the cim.target attribute is not a #cim.target<...>");
  }
  const char *p = s + sizeof prefix - 1;
  int64_t v[NUM_PARAMS];
  int n = 0;
  bool ok = true;
  while (ok && *p && *p != '>') {
    while (*p == ' ' || *p == ',')
      ++p;
    if (n == NUM_PARAMS) {
      ok = false;
      break;
    }
    if (*p == '"') {
      const char *end = strchr(p + 1, '"');
      if (!end) {
        ok = false;
        break;
      }
      size_t len = (size_t)(end - p - 1);
      int found = -1;
      for (int k = 0; k < 3; ++k) {
        const char *name = n == 5 ? cimWeightMappingGetName((CimWeightMapping)k)
                                  : cimInputEncodingGetName((CimInputEncoding)k);
        if (strlen(name) == len && !strncmp(name, p + 1, len))
          found = k;
      }
      if ((n != 5 && n != 6) || found < 0) {
        ok = false;
        break;
      }
      v[n++] = found;
      p = end + 1;
    } else {
      char *end;
      long long x = strtoll(p, &end, 10);
      if (end == p || n == 5 || n == 6) {
        ok = false;
        break;
      }
      v[n++] = x;
      p = end;
      if (strncmp(p, " : i", 4) == 0) { /* type suffix */
        p += 4;
        while (*p >= '0' && *p <= '9')
          ++p;
      }
    }
  }
  cimStrBufFree(&text);
  if (!ok || n != NUM_PARAMS)
    return fail(cb, ud, "#cim.target needs 20 parameters: 18 integers and the "
                        "weight mapping and input encoding strings, in the "
                        "order of docs/target.md");
  CimTarget t = {
      .rows = v[0], .cols = v[1], .cellBits = v[2], .dacBits = v[3],
      .adcBits = v[4], .weightMapping = (CimWeightMapping)v[5],
      .inputEncoding = (CimInputEncoding)v[6], .crossbars = v[7],
      .ouRows = v[8], .writePorts = v[9], .writePs = v[10], .mvmPs = v[11],
      .adcPs = v[12], .digitalPs = v[13], .bufferPs = v[14], .writeFj = v[15],
      .mvmFj = v[16], .adcFj = v[17], .digitalFj = v[18], .bufferFj = v[19]};
  if (mlirLogicalResultIsFailure(cimTargetValidate(&t, cb, ud)))
    return mlirLogicalResultFailure();
  *target = t;
  return mlirLogicalResultSuccess();
}

static void emitAt(MlirStringRef s, void *loc) {
  CimStrBuf b = {0};
  cimStrBufAppendRef(&b, s);
  mlirEmitError(*(MlirLocation *)loc, cimStrBufGet(&b));
  cimStrBufFree(&b);
}

MlirLogicalResult cimTargetResolve(MlirOperation module,
                                   MlirStringRef overridePath,
                                   CimTarget *target) {
  MlirLocation loc = mlirOperationGetLocation(module);
  if (overridePath.length > 0) {
    CimStrBuf path = {0};
    cimStrBufAppendRef(&path, overridePath);
    MlirLogicalResult r =
        cimTargetLoadFile(cimStrBufGet(&path), target, emitAt, &loc);
    cimStrBufFree(&path);
    return r;
  }
  MlirAttribute attr = mlirOperationGetAttributeByName(
      module, mlirStringRefCreateFromCString(CIM_TARGET_ATTR_NAME));
  if (!mlirAttributeIsNull(attr))
    return cimTargetFromAttribute(attr, target, emitAt, &loc);
  *target = cimTargetGetDefault();
  return mlirLogicalResultSuccess();
}
