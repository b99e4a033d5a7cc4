/*===-- pass_table.c - The built-in rows of the pass table -----------------===*
 *
 * One line per pass. Each pass lives in passes/<argument without cim->.c and
 * defines its row; list it here to make it part of cim-opt, --help and
 * docs/passes.md. Only passes that really work belong in this table.
 *===----------------------------------------------------------------------===*/

#include "pass/PassInternal.h"

extern const CimPassDef cimAssignPrecisionPass;
extern const CimPassDef cimConvertLinalgToCimPass;
extern const CimPassDef cimEstimatePass;
extern const CimPassDef cimTilePass;
extern const CimPassDef cimBitslicePass;
extern const CimPassDef cimConvertCimToXbarPass;
extern const CimPassDef cimDuplicatePass;
extern const CimPassDef cimSchedulePass;

const CimPassDef *const cimBuiltinPasses[] = {
    &cimAssignPrecisionPass,
    &cimConvertLinalgToCimPass,
    &cimEstimatePass,
    &cimTilePass,
    &cimBitslicePass,
    &cimConvertCimToXbarPass,
    &cimDuplicatePass,
    &cimSchedulePass,
};

const intptr_t cimNumBuiltinPasses =
    (intptr_t)(sizeof cimBuiltinPasses / sizeof cimBuiltinPasses[0]);
