/*===-- TargetJSON.h - A target as a jansson object (internal) ---*- C -*-===*
 *
 * For the report writers (estimate, simulator, schedule): the "target"
 * object of every report, one key per field in table order, in JSON units,
 * exactly as cimTargetPrintJSON spells it.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_TARGET_TARGETJSON_H
#define CIM_TARGET_TARGETJSON_H

#include <jansson.h>

#include "cim-c/Target.h"

/// A new JSON object with every field of `target` (owned by the caller;
/// NULL only when out of memory).
json_t *cimTargetToJSON(const CimTarget *target);

#endif /* CIM_TARGET_TARGETJSON_H */
