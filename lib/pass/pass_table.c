/*===-- pass_table.c - The built-in rows of the pass table -----------------===*
 *
 * One line per pass. Each pass lives in passes/<argument without cim->.c and
 * defines its row; list it here to make it part of cim-opt, --help and
 * docs/passes.md. Only passes that really work belong in this table. The
 * pipelines (named pass sequences, like upstream's PassPipelineRegistration)
 * follow the same rule.
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
extern const CimPassPipelineDef cimCompilePipeline;

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

/* Pipelines: named sequences of the passes above (passes/compile.c). */
const CimPassPipelineDef *const cimBuiltinPipelines[] = {
    &cimCompilePipeline,
};

const intptr_t cimNumBuiltinPipelines =
    (intptr_t)(sizeof cimBuiltinPipelines / sizeof cimBuiltinPipelines[0]);
