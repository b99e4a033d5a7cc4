/*===-- pass_table.c - The built-in rows of the pass table -----------------===*
 *
 * One line per pass. Each pass lives in passes/<argument without cim->.c and
 * defines its row; list it here to make it part of cim-opt, --help and
 * docs/passes.md. Only passes that really work belong in this table.
 *===----------------------------------------------------------------------===*/

#include "PassInternal.h"

extern const CimPassDef cimConvertLinalgToCimPass;
extern const CimPassDef cimEstimatePass;

const CimPassDef *const cimBuiltinPasses[] = {
    &cimConvertLinalgToCimPass,
    &cimEstimatePass,
};

const intptr_t cimNumBuiltinPasses =
    (intptr_t)(sizeof cimBuiltinPasses / sizeof cimBuiltinPasses[0]);
