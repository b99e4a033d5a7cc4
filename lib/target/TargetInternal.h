/*===-- TargetInternal.h - Shared pieces of lib/target (internal) -*- C -*-===*
 *
 * Value spelling, messages and the single-field reader used by the JSON
 * reader (target_json.c), the overrides (target_set.c), the validator
 * (target.c) and the docs table (target_docs.c).
 *===----------------------------------------------------------------------===*/

#ifndef CIM_TARGET_TARGETINTERNAL_H
#define CIM_TARGET_TARGETINTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "support/StrBuf.h"
#include "target/TargetFields.h"

/// The names of an enum field's values, NULL-terminated; NULL otherwise.
const char *const *cimTargetRepNames(CimTargetFieldRep rep);

/// Appends stored value `v` of `f` in JSON units: 56000, 1.25, "ideal",
/// "offset" (quoted names when `quoteNames`).
void cimTargetAppendValue(CimStrBuf *b, const CimTargetFieldDef *f, int64_t v,
                          bool quoteNames);

/// Passes `msg` to `cb` (when non-null), frees it, returns failure.
MlirLogicalResult cimTargetFail(MlirStringCallback cb, void *ud,
                                CimStrBuf *msg);

/// "PREFIXfield 'KEY': V is out of range [LO, HI]" in JSON units.
MlirLogicalResult cimTargetOutOfRange(MlirStringCallback cb, void *ud,
                                      const char *prefix,
                                      const CimTargetFieldDef *f, int64_t v,
                                      int64_t lo, int64_t hi);

/// "PREFIXunknown field 'NAME'; the fields are rows, cols, ...".
MlirLogicalResult cimTargetUnknownField(MlirStringCallback cb, void *ud,
                                        const char *prefix, MlirStringRef name);

/// The field whose key is `name`, or CIM_TARGET_FIELD_NONE.
CimTargetFieldId cimTargetFindField(MlirStringRef name);

/// Reads JSON `value` into field `id` of `*t`, checking its type and the
/// field's own range; messages start with `prefix`.
MlirLogicalResult cimTargetParseFieldValue(CimTargetFieldId id,
                                           const json_t *value, CimTarget *t,
                                           const char *prefix,
                                           MlirStringCallback cb, void *ud);

/// Sets field `id` to `v`, moving the fields that follow it while equal.
void cimTargetAssignFollowing(CimTarget *t, CimTargetFieldId id, int64_t v);

/// cimTargetValidate with messages starting with `prefix`.
MlirLogicalResult cimTargetValidateWithPrefix(const CimTarget *t,
                                              const char *prefix,
                                              MlirStringCallback cb, void *ud);

/// The target a pass's `target=` value `option` names: the JSON file before
/// its `:field=value,...` suffix when there is one, else `*base`, with the
/// suffix's settings applied. Errors are diagnostics at `loc`; `*target` is
/// written only on success.
MlirLogicalResult cimTargetResolveOption(MlirLocation loc,
                                         MlirStringRef option,
                                         const CimTarget *base,
                                         CimTarget *target);

#endif /* CIM_TARGET_TARGETINTERNAL_H */
