/*===-- Compile.h - The cim-compile pipeline, built from parsed options ---===*
 *
 * For lib/model (cimModelCompile): builds the cim-compile pipeline from its
 * parsed options (cimPassOptionsParse on cimPassPipelineOptionsView of
 * cimCompilePipeline) into `passManager`, as `--cim-compile` does, except
 * that with `precisionDone` the cim-assign-precision stage is left out (the
 * caller has run it with an in-memory policy and the stage's own options);
 * policy=, w-bits= or a-bits= are then an error (a second policy).
 *===----------------------------------------------------------------------===*/
#ifndef CIM_PASSES_COMPILE_H
#define CIM_PASSES_COMPILE_H

#include "cim-c/Passes.h"
#include "mlir-c/Pass.h"

extern const CimPassPipelineDef cimCompilePipeline;

MlirLogicalResult cimCompilePipelineBuild(MlirOpPassManager passManager,
                                          const CimPassOptions *options,
                                          bool precisionDone,
                                          MlirStringCallback errorCallback,
                                          void *userData);

#endif /* CIM_PASSES_COMPILE_H */
