/*===-- TargetFields.h - The target field table (internal) -------*- C -*-===*
 *
 * The rows of target/TargetFields.def as an array, for the modules that walk
 * the fields: the target library itself, and the ISA, whose program header
 * carries the target in table order. Everyone else uses the enumeration API
 * of cim-c/Target.h.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_TARGET_TARGETFIELDS_H
#define CIM_TARGET_TARGETFIELDS_H

#include <stdint.h>

#include "cim-c/Target.h"

/// Index of every field, in table (= CimTarget = #cim.target) order.
typedef enum CimTargetFieldId {
  CIM_TARGET_FIELD_DERIVED = -2, /* FOLLOWS: computed by cimTargetDerivedDefault */
  CIM_TARGET_FIELD_NONE = -1,
#define CIM_TARGET_FIELD(ID, ...) CIM_TARGET_FIELD_##ID,
#include "target/TargetFields.def"
  CIM_TARGET_NUM_FIELDS
} CimTargetFieldId;

/// How a field is spelled and stored; MAPPING and ENCODING are both
/// CIM_TARGET_FIELD_KIND_ENUM in the public API.
typedef enum CimTargetFieldRep {
  CIM_TARGET_REP_INT,      /* integer in [min, max] */
  CIM_TARGET_REP_ADC,      /* integer in [min, max] or "ideal" */
  CIM_TARGET_REP_TIME,     /* JSON nanoseconds -> picoseconds */
  CIM_TARGET_REP_ENERGY,   /* JSON picojoules -> femtojoules */
  CIM_TARGET_REP_MAPPING,  /* CimWeightMapping by name */
  CIM_TARGET_REP_ENCODING, /* CimInputEncoding by name */
} CimTargetFieldRep;

typedef struct CimTargetFieldDef {
  const char *key;   /* JSON key, JSON units */
  const char *attr;  /* #cim.target parameter / ISA name, stored units */
  CimTargetFieldRep rep;
  const char *unit;  /* JSON unit for the docs ("" for names) */
  int64_t def, min, max; /* stored units */
  CimTargetFieldId bound;   /* a field bounding this one from above */
  CimTargetFieldId follows; /* a field giving this one's default, DERIVED */
  const char *doc, *note;
} CimTargetFieldDef;

extern const CimTargetFieldDef cimTargetFields[CIM_TARGET_NUM_FIELDS];

/// The value of field `id` in stored units (enums as their number).
int64_t cimTargetFieldGet(const CimTarget *t, CimTargetFieldId id);
/// Stores `v` in field `id`, unchecked (cimTargetValidate checks).
void cimTargetFieldSet(CimTarget *t, CimTargetFieldId id, int64_t v);

/// The value field `id` takes when it is not given, from the other fields of
/// `t`: the field it follows, cimTargetDerivedDefault for a DERIVED field,
/// else the table's default.
int64_t cimTargetDefaultOf(const CimTarget *t, CimTargetFieldId id);

/// The default of a DERIVED field (target_energy.c) from the other fields
/// of `t`, which must each be within their own range.
int64_t cimTargetDerivedDefault(const CimTarget *t, CimTargetFieldId id);

/// The resolution a conversion is priced at: `adc_bits`, or for an ideal
/// ADC the bits of the largest column sum the crossbar can produce.
int64_t cimTargetAdcResolution(const CimTarget *t);

/// Sets every field whose default depends on others (FOLLOWS) to that
/// default, in table order.
void cimTargetApplyDependentDefaults(CimTarget *t);

#endif /* CIM_TARGET_TARGETFIELDS_H */
