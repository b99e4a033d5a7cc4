/*===-- cim-c/Pipeline.h - Textual pass pipelines ---------------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* mlir-opt's pipeline syntax with cim passes and upstream passes mixed:      *|
|*   builtin.module(func.func(convert-linalg-to-cim,canonicalize),cse)        *|
|*   builtin.module(cim-tile{rows=128 cols=64})                               *|
|* Upstream MLIR cannot parse cim passes (they are external passes, not in    *|
|* its registry), so cimlir parses the text itself: cim passes and pipelines *|
|* come from the pass table, every other name goes to MLIR's own parser.      *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_PIPELINE_H
#define CIM_C_PIPELINE_H

#include "cim-c/Passes.h"
#include "cim-c/Support.h"
#include "mlir-c/Pass.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Parses a whole pipeline `anchor(element, ...)`, as given to mlir-opt's
/// --pass-pipeline, and appends its passes to `passManager`, whose anchor must
/// be the text's top-level anchor (or `any`). On error nothing useful is left
/// in `passManager`, and `errorCallback` receives one message of the form
///   <pass pipeline>:1:COL: error: WHAT
///   <the pipeline text>
///        ^
/// with the caret under the offending character.
CIM_CAPI_EXPORTED MlirLogicalResult
cimParsePassPipeline(MlirOpPassManager passManager, MlirStringRef pipeline,
                     MlirStringCallback errorCallback, void *userData);

/// Appends comma-separated pipeline elements (`cse,func.func(cim-x{a=1})`),
/// without a surrounding anchor, to `passManager`. Errors as above.
CIM_CAPI_EXPORTED MlirLogicalResult
cimOpPassManagerAddPipeline(MlirOpPassManager passManager,
                            MlirStringRef elements,
                            MlirStringCallback errorCallback, void *userData);

/// Appends the passes of pipeline row `def` (cim-c/Passes.h), built with
/// `options` (its option text, as in `--ARG='...'`, without braces; empty for
/// the defaults), to `passManager`, which must be anchored on the row's anchor
/// or on `any`. On failure (a null `def`, a bad option, a pass manager on
/// another op) `errorCallback` receives one message, `errorOffset` (if not
/// NULL) the byte offset in `options` of the offending text (0 when the
/// error is not about one option), and the pass manager must be discarded:
/// passes added before the error stay in it.
CIM_CAPI_EXPORTED MlirLogicalResult cimOpPassManagerAddPassPipeline(
    MlirOpPassManager passManager, const CimPassPipelineDef *def,
    MlirStringRef options, MlirStringCallback errorCallback, void *userData,
    intptr_t *errorOffset);

/// Appends the `cim-compile` pipeline (docs/passes.md): from a float or
/// quantized linalg model to the xbar program, i.e. cim-assign-precision
/// (when `policy=`, `w-bits=`, `a-bits=` or `cim-assign-precision={...}` is
/// given), convert-linalg-to-cim, cim-tile, cim-bitslice,
/// convert-cim-to-xbar, then cim-duplicate and cim-schedule with
/// `schedule=true`. `options` is exactly the option text of
/// `cim-opt --cim-compile='...'` (empty: the defaults). Without `target=`
/// every stage uses the module's `cim.target` attribute when it has one,
/// else the built-in default, so an in-memory target reaches the pipeline as
/// that attribute (cimTargetToAttribute). `passManager` must be anchored on
/// `builtin.module` or `any`. Errors as cimOpPassManagerAddPassPipeline.
CIM_CAPI_EXPORTED MlirLogicalResult cimOpPassManagerAddCompilePipeline(
    MlirOpPassManager passManager, MlirStringRef options,
    MlirStringCallback errorCallback, void *userData);

/// Returns the anchor op name of `passManager` ("builtin.module", "func.func",
/// "any", ...) by writing it into `buffer` (NUL-terminated, truncated to
/// `size`).
CIM_CAPI_EXPORTED void cimOpPassManagerGetAnchor(MlirOpPassManager passManager,
                                                 char *buffer, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_PIPELINE_H */
