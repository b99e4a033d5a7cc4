/*===-- target.c - The target field table, defaults and validation --------===*
 *
 * A target is a flat record of fields declared once, in
 * target/TargetFields.def. This file turns that declaration into the field
 * array, the default target, the accessors by index and the field
 * enumeration of cim-c/Target.h, and validates a target: every field's own
 * range and upper-bound field from the table, then the rules between fields
 * that a table row cannot say (the weight mapping's smallest crossbar) as
 * code. JSON lives in target_json.c, overrides in target_set.c, the
 * attribute in target_attr.c, the docs table in target_docs.c.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "target/TargetInternal.h"

const CimTargetFieldDef cimTargetFields[CIM_TARGET_NUM_FIELDS] = {
#define CIM_TARGET_FIELD(ID, MEMBER, KEY, ATTR, KIND, UNIT, DEFAULT, MIN, MAX, \
                         BOUND, FOLLOWS, DOC, NOTE)                            \
  [CIM_TARGET_FIELD_##ID] = {KEY,          ATTR,                               \
                             CIM_TARGET_REP_##KIND,                            \
                             UNIT,         DEFAULT,                            \
                             MIN,          MAX,                                \
                             CIM_TARGET_FIELD_##BOUND,                         \
                             CIM_TARGET_FIELD_##FOLLOWS,                       \
                             DOC,          NOTE},
#include "target/TargetFields.def"
};

int64_t cimTargetFieldGet(const CimTarget *t, CimTargetFieldId id) {
  switch (id) {
#define CIM_TARGET_FIELD(ID, MEMBER, ...)                                      \
  case CIM_TARGET_FIELD_##ID:                                                  \
    return (int64_t)t->MEMBER;
#include "target/TargetFields.def"
  default:
    break;
  }
  assert(!"target field index out of range");
  return 0;
}

void cimTargetFieldSet(CimTarget *t, CimTargetFieldId id, int64_t v) {
  switch (id) {
#define CIM_TARGET_FIELD(ID, MEMBER, ...)                                      \
  case CIM_TARGET_FIELD_##ID:                                                  \
    t->MEMBER = v;                                                             \
    return;
#include "target/TargetFields.def"
  default:
    break;
  }
  assert(!"target field index out of range");
}

static const char *const mappingNames[] = {"differential-column",
                                           "differential-row", "offset", NULL};
static const char *const encodingNames[] = {"unsigned", "twos-complement",
                                            "offset", NULL};

const char *const *cimTargetRepNames(CimTargetFieldRep rep) {
  return rep == CIM_TARGET_REP_MAPPING    ? mappingNames
         : rep == CIM_TARGET_REP_ENCODING ? encodingNames
                                          : NULL;
}

const char *cimWeightMappingGetName(CimWeightMapping m) {
  return (unsigned)m < 3 ? mappingNames[m] : "invalid";
}

const char *cimInputEncodingGetName(CimInputEncoding e) {
  return (unsigned)e < 3 ? encodingNames[e] : "invalid";
}

CimTarget *cimTargetCreateCopy(const CimTarget *target) {
  CimTarget *t = malloc(sizeof *t);
  if (!t)
    abort();
  *t = target ? *target : cimTargetGetDefault();
  return t;
}

void cimTargetDestroy(CimTarget *target) { free(target); }

CimTarget cimTargetGetDefault(void) {
  CimTarget t;
  memset(&t, 0, sizeof t);
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    cimTargetFieldSet(&t, (CimTargetFieldId)i, cimTargetFields[i].def);
  cimTargetApplyDependentDefaults(&t);
  return t;
}

/*===----------------------------------------------------------------------===*
 * Enumeration (cim-c/Target.h)
 *===----------------------------------------------------------------------===*/

static const CimTargetFieldDef *def(intptr_t index) {
  assert(index >= 0 && index < CIM_TARGET_NUM_FIELDS && "no such field");
  return &cimTargetFields[index];
}

intptr_t cimTargetGetNumFields(void) { return CIM_TARGET_NUM_FIELDS; }

CimTargetFieldId cimTargetFindField(MlirStringRef name) {
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    if (strlen(cimTargetFields[i].key) == name.length &&
        !memcmp(cimTargetFields[i].key, name.data, name.length))
      return (CimTargetFieldId)i;
  return CIM_TARGET_FIELD_NONE;
}

intptr_t cimTargetLookupField(MlirStringRef name) {
  return cimTargetFindField(name);
}

const char *cimTargetFieldGetName(intptr_t index) { return def(index)->key; }

const char *cimTargetFieldGetAttrName(intptr_t index) {
  return def(index)->attr;
}

const char *cimTargetFieldGetCType(intptr_t index) {
  switch (def(index)->rep) {
  case CIM_TARGET_REP_MAPPING:
    return "CimWeightMapping";
  case CIM_TARGET_REP_ENCODING:
    return "CimInputEncoding";
  default:
    return "int64_t";
  }
}

const char *cimTargetFieldGetUnit(intptr_t index) { return def(index)->unit; }

const char *cimTargetFieldGetDoc(intptr_t index) { return def(index)->doc; }

CimTargetFieldKind cimTargetFieldGetKind(intptr_t index) {
  switch (def(index)->rep) {
  case CIM_TARGET_REP_INT:
    return CIM_TARGET_FIELD_KIND_INT;
  case CIM_TARGET_REP_ADC:
    return CIM_TARGET_FIELD_KIND_ADC;
  case CIM_TARGET_REP_TIME:
    return CIM_TARGET_FIELD_KIND_TIME;
  case CIM_TARGET_REP_ENERGY:
    return CIM_TARGET_FIELD_KIND_ENERGY;
  case CIM_TARGET_REP_MAPPING:
  case CIM_TARGET_REP_ENCODING:
    break;
  }
  return CIM_TARGET_FIELD_KIND_ENUM;
}

void cimTargetFieldGetRange(intptr_t index, int64_t *min, int64_t *max) {
  *min = def(index)->min;
  *max = def(index)->max;
}

const char *cimTargetFieldGetValueName(intptr_t index, int64_t value) {
  const char *const *names = cimTargetRepNames(def(index)->rep);
  if (!names || value < 0)
    return NULL;
  for (int64_t k = 0; names[k]; ++k)
    if (k == value)
      return names[k];
  return NULL;
}

int64_t cimTargetGetFieldValue(const CimTarget *target, intptr_t index) {
  (void)def(index);
  return cimTargetFieldGet(target, (CimTargetFieldId)index);
}

void cimTargetSetFieldValue(CimTarget *target, intptr_t index, int64_t value) {
  (void)def(index);
  cimTargetFieldSet(target, (CimTargetFieldId)index, value);
}

/*===----------------------------------------------------------------------===*
 * Validation, equality, fingerprint
 *===----------------------------------------------------------------------===*/

MlirLogicalResult cimTargetFail(MlirStringCallback cb, void *ud,
                                CimStrBuf *msg) {
  if (cb)
    cb(mlirStringRefCreate(cimStrBufGet(msg), msg->length), ud);
  cimStrBufFree(msg);
  return mlirLogicalResultFailure();
}

/// The rules between fields that are not an upper bound: a crossbar must
/// hold one unit of the weight mapping.
static MlirLogicalResult validateMapping(const CimTarget *t, const char *prefix,
                                         MlirStringCallback cb, void *ud) {
  const char *field = NULL, *why = NULL;
  if (t->weightMapping == CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN && t->cols < 2)
    field = "cols", why = "differential-column needs a column pair";
  else if (t->weightMapping == CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW && t->rows < 2)
    field = "rows", why = "differential-row needs a row pair";
  else if (t->weightMapping == CIM_WEIGHT_MAPPING_OFFSET && t->cols < 2)
    field = "cols", why = "offset needs a data column beside the bias column";
  if (!field)
    return mlirLogicalResultSuccess();
  CimStrBuf msg = {0};
  cimStrBufPrintf(&msg, "%sfield '%s': 1 is out of range [2, 65536] (%s)",
                  prefix, field, why);
  return cimTargetFail(cb, ud, &msg);
}

MlirLogicalResult cimTargetValidateWithPrefix(const CimTarget *t,
                                              const char *prefix,
                                              MlirStringCallback cb, void *ud) {
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i) {
    const CimTargetFieldDef *f = &cimTargetFields[i];
    int64_t v = cimTargetFieldGet(t, (CimTargetFieldId)i);
    if (f->rep == CIM_TARGET_REP_ADC && v == CIM_ADC_BITS_IDEAL)
      continue;
    int64_t hi = f->max;
    if (f->bound != CIM_TARGET_FIELD_NONE)
      hi = cimTargetFieldGet(t, f->bound);
    if (v < f->min || v > hi)
      return cimTargetOutOfRange(cb, ud, prefix, f, v, f->min, hi);
  }
  return validateMapping(t, prefix, cb, ud);
}

MlirLogicalResult cimTargetValidate(const CimTarget *target,
                                    MlirStringCallback errorCallback,
                                    void *userData) {
  return cimTargetValidateWithPrefix(target, "target: ", errorCallback,
                                     userData);
}

bool cimTargetEqual(const CimTarget *a, const CimTarget *b) {
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    if (cimTargetFieldGet(a, (CimTargetFieldId)i) !=
        cimTargetFieldGet(b, (CimTargetFieldId)i))
      return false;
  return true;
}

uint64_t cimTargetGetFingerprint(const CimTarget *target) {
  uint64_t h = UINT64_C(14695981039346656037);
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i) {
    uint64_t v = (uint64_t)cimTargetFieldGet(target, (CimTargetFieldId)i);
    for (int k = 0; k < 8; ++k) {
      h ^= (v >> (8 * k)) & 0xff;
      h *= UINT64_C(1099511628211);
    }
  }
  return h;
}
