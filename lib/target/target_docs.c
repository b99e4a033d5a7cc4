/*===-- target_docs.c - The field table of docs/target.md -----------------===*
 *
 * docs/target.md's "Fields" table is this output (`cim-sim
 * --list-target-fields`), and test/tools/cim-sim/target-fields-doc.test
 * fails when the two differ, so the docs cannot drift from the field table.
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>

#include "target/TargetInternal.h"

/// Large round bounds as powers: 10^12, 2^20; others in decimal.
static void appendBound(CimStrBuf *b, int64_t n) {
  int64_t p = 1;
  int k = 0;
  while (p < n && p <= INT64_MAX / 10)
    p *= 10, ++k;
  if (n >= 1000000 && p == n) {
    cimStrBufPrintf(b, "10^%d", k);
    return;
  }
  if (n > 65536 && (n & (n - 1)) == 0) {
    for (k = 0; (INT64_C(1) << k) != n; ++k)
      ;
    cimStrBufPrintf(b, "2^%d", k);
    return;
  }
  cimStrBufPrintf(b, "%" PRId64, n);
}

static void appendUnit(CimStrBuf *b, const CimTargetFieldDef *f) {
  const char *const *names = cimTargetRepNames(f->rep);
  if (names) {
    for (int i = 0; names[i]; ++i)
      cimStrBufPrintf(b, "%s`%s`", i ? ", " : "", names[i]);
    return;
  }
  cimStrBufAppendCString(b, f->unit);
  if (f->rep == CIM_TARGET_REP_ADC)
    cimStrBufAppendCString(b, " or `\"ideal\"`");
}

/// The default of field `id`: `= field` for a copied one, else its value on
/// the default target (a DERIVED energy computed for that crossbar).
static void appendDefault(CimStrBuf *b, CimTargetFieldId id) {
  const CimTargetFieldDef *f = &cimTargetFields[id];
  if (f->follows >= 0) {
    cimStrBufPrintf(b, "= `%s`", cimTargetFields[f->follows].key);
    return;
  }
  CimTarget defaults = cimTargetGetDefault();
  int64_t v = cimTargetFieldGet(&defaults, id);
  bool quoted = cimTargetRepNames(f->rep) ||
                (f->rep == CIM_TARGET_REP_ADC && v == CIM_ADC_BITS_IDEAL);
  if (quoted)
    cimStrBufAppendCString(b, "`");
  cimTargetAppendValue(b, f, v, f->rep == CIM_TARGET_REP_ADC);
  if (quoted)
    cimStrBufAppendCString(b, "`");
  if (f->note[0])
    cimStrBufPrintf(b, " (%s)", f->note);
}

static void appendRange(CimStrBuf *b, const CimTargetFieldDef *f) {
  if (cimTargetRepNames(f->rep))
    return;
  int64_t scale = f->rep == CIM_TARGET_REP_TIME ||
                          f->rep == CIM_TARGET_REP_ENERGY
                      ? 1000
                      : 1;
  appendBound(b, f->min / scale);
  cimStrBufAppendCString(b, "..");
  if (f->bound != CIM_TARGET_FIELD_NONE)
    cimStrBufPrintf(b, "`%s`", cimTargetFields[f->bound].key);
  else
    appendBound(b, f->max / scale);
}

/// Appends `| cell |`, with a lone space for an empty cell.
static void appendCell(CimStrBuf *row, CimStrBuf *cell) {
  if (cell->length)
    cimStrBufPrintf(row, " %s |", cimStrBufGet(cell));
  else
    cimStrBufAppendCString(row, " |");
  cimStrBufClear(cell);
}

void cimTargetPrintFieldTable(MlirStringCallback callback, void *userData) {
  CimStrBuf b = {0}, cell = {0};
  cimStrBufAppendCString(&b, "| Field | Meaning | Unit / values | Default | "
                             "Range |\n|---|---|---|---|---|\n");
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i) {
    const CimTargetFieldDef *f = &cimTargetFields[i];
    cimStrBufPrintf(&b, "| `%s` | %s |", f->key, f->doc);
    appendUnit(&cell, f);
    appendCell(&b, &cell);
    appendDefault(&cell, (CimTargetFieldId)i);
    appendCell(&b, &cell);
    appendRange(&cell, f);
    appendCell(&b, &cell);
    cimStrBufAppendCString(&b, "\n");
  }
  callback(mlirStringRefCreate(cimStrBufGet(&b), b.length), userData);
  cimStrBufFree(&cell);
  cimStrBufFree(&b);
}
