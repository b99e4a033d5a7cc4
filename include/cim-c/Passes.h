/*===-- cim-c/Passes.h - The cimlir pass table ------------------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* Every cimlir pass is a row of one table: argument, summary, description,   *|
|* anchor op, typed options with defaults and the function that runs it.      *|
|* `cim-opt --help`, `--list-passes` and docs/passes.md are generated from    *|
|* the table, and passes are instantiated from it as MLIR external passes     *|
|* (mlirCreateExternalPass), so they mix with upstream passes in one          *|
|* pipeline. Plugins append rows at run time (cim-c/Plugin.h).                *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_PASSES_H
#define CIM_C_PASSES_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Support.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The type of a pass option.
typedef enum CimPassOptionType {
  CIM_PASS_OPTION_BOOL,   ///< `true`/`false`/`1`/`0`; a bare `name` means true.
  CIM_PASS_OPTION_INT,    ///< Signed 64-bit integer within [minValue, maxValue].
  CIM_PASS_OPTION_STRING, ///< Any text; quote it ("...") to include spaces.
} CimPassOptionType;

/// One option of a pass, as declared in the table.
typedef struct CimPassOptionDef {
  const char *name;         ///< kebab-case, e.g. "rows".
  CimPassOptionType type;
  const char *defaultValue; ///< Text, parsed like a user-given value.
  const char *description;  ///< One sentence, shown by --help.
  int64_t minValue;         ///< INT only: smallest accepted value.
  int64_t maxValue;         ///< INT only: largest accepted value.
} CimPassOptionDef;

/// The `target=` option row of a pass that takes a target (resolve it with
/// cimTargetResolveForPass; the help text is CIM_TARGET_OPTION_DESCRIPTION
/// from cim-c/Target.h).
#define CIM_PASS_TARGET_OPTION                                                 \
  {"target", CIM_PASS_OPTION_STRING, "", CIM_TARGET_OPTION_DESCRIPTION, 0, 0}

struct CimPassOptions;

/// Runs a pass on `op` (an instance of the pass's anchor). Returns failure,
/// after emitting a diagnostic at the offending op, to fail the pipeline.
typedef MlirLogicalResult (*CimPassRunFn)(MlirOperation op,
                                          const struct CimPassOptions *options);

/// A row of the pass table. Rows are immutable and must outlive every pass
/// created from them (static storage for built-in and plugin passes).
typedef struct CimPassDef {
  const char *argument;    ///< Pipeline name: `cim-<verb>` or `convert-a-to-b`.
  const char *name;        ///< CamelCase name shown in IR dumps.
  const char *summary;     ///< One line.
  const char *description; ///< Paragraphs of Markdown for docs/passes.md.
  const char *anchor;      ///< "builtin.module", "func.func", or "" for any op.
  const CimPassOptionDef *options;
  intptr_t numOptions;
  CimPassRunFn run;
} CimPassDef;

/// Parsed option values of one pass instance (see cimPassOptionsGet*).
typedef struct CimPassOptions CimPassOptions;

/// Appends the passes of a pipeline to `passManager` (anchored on the row's
/// anchor, or `any`), built from the pipeline's parsed `options`. Returns
/// failure, with a one-line reason passed to `errorCallback`, when the
/// options cannot make a pipeline (e.g. a stage's option text is bad).
typedef MlirLogicalResult (*CimPassPipelineBuildFn)(
    MlirOpPassManager passManager, const struct CimPassOptions *options,
    MlirStringCallback errorCallback, void *userData);

/// A row of the pipeline table: a name for a sequence of passes, as upstream
/// MLIR's PassPipelineRegistration (argument, description, options, builder).
/// A pipeline is used like a pass (`cim-opt --ARG='opt=value'`, `ARG{...}` in
/// a pipeline text) and expands, when the pass manager is built, into the
/// passes its builder adds; `--dump-pass-pipeline` shows the expansion.
/// Pipeline and pass arguments share one namespace.
typedef struct CimPassPipelineDef {
  const char *argument;    ///< Pipeline name, e.g. `cim-compile`.
  const char *summary;     ///< One line.
  const char *description; ///< Paragraphs of Markdown for docs/passes.md.
  const char *anchor;      ///< The op the builder expects at the top.
  const CimPassOptionDef *options; ///< Parsed as pass options are.
  intptr_t numOptions;
  CimPassPipelineBuildFn build;
} CimPassPipelineDef;

/*===----------------------------------------------------------------------===*
 * The table
 *===----------------------------------------------------------------------===*/

/// Number of passes in the table (built-in ones, then plugin ones in the
/// order they were added).
CIM_CAPI_EXPORTED intptr_t cimPassRegistryGetNumPasses(void);

/// The `pos`-th row (borrowed). `pos` must be in [0, cimPassRegistryGetNumPasses()).
CIM_CAPI_EXPORTED const CimPassDef *cimPassRegistryGetPass(intptr_t pos);

/// The row whose argument equals `argument`, or NULL.
CIM_CAPI_EXPORTED const CimPassDef *cimPassRegistryLookup(MlirStringRef argument);

/// Number of pipelines in the pipeline table (built-in ones only).
CIM_CAPI_EXPORTED intptr_t cimPassRegistryGetNumPipelines(void);

/// The `pos`-th pipeline row (borrowed); `pos` must be in
/// [0, cimPassRegistryGetNumPipelines()).
CIM_CAPI_EXPORTED const CimPassPipelineDef *
cimPassRegistryGetPipeline(intptr_t pos);

/// The pipeline row whose argument equals `argument`, or NULL.
CIM_CAPI_EXPORTED const CimPassPipelineDef *
cimPassRegistryLookupPipeline(MlirStringRef argument);

/// The pass or pipeline argument closest to `typed` within a typo's reach
/// (cimSuggesterCreate's rule, cim-c/Tooling.h), for "did you mean"
/// messages; NULL when none is that close. Borrowed from the table.
CIM_CAPI_EXPORTED const char *cimPassRegistrySuggest(MlirStringRef typed);

/// Adds a row (borrowed: `def` must stay valid until the process exits). Fails,
/// with a one-line reason passed to `errorCallback`, when the argument is
/// already taken, is not kebab-case, the row has no run function, or an option
/// default does not parse, or a pipeline has that argument. Not thread-safe: add passes before building
/// pipelines.
CIM_CAPI_EXPORTED MlirLogicalResult
cimPassRegistryAdd(const CimPassDef *def, MlirStringCallback errorCallback,
                   void *userData);

/*===----------------------------------------------------------------------===*
 * Instances
 *===----------------------------------------------------------------------===*/

/// Creates an MLIR pass from row `def` with options given as mlir-opt option
/// text (`rows=128 cols=64`, without braces). Ownership goes to the caller,
/// normally by handing it to mlirOpPassManagerAddOwnedPass. On a bad option
/// (unknown name, wrong type, out of range) returns a null pass and passes a
/// one-line message to `errorCallback`; `errorOffset`, if not NULL, receives
/// the byte offset of the offending text within `optionText`. A null `def`
/// (what cimPassRegistryLookup returns for an unknown name) fails the same
/// way. A null pass must not be handed to mlirOpPassManagerAddOwnedPass.
CIM_CAPI_EXPORTED MlirPass cimPassCreate(const CimPassDef *def,
                                         MlirStringRef optionText,
                                         MlirStringCallback errorCallback,
                                         void *userData, intptr_t *errorOffset);

/// True for the null pass cimPassCreate returns on bad options (the MLIR C
/// API has no null check for MlirPass).
static inline bool cimPassIsNull(MlirPass pass) { return !pass.ptr; }

/// Number of cimlir pass instances currently alive (constructed by MLIR and not
/// yet destroyed) in this process. A pipeline that has been destroyed leaves
/// this at zero; tests use it to check the clone/destroy bookkeeping.
CIM_CAPI_EXPORTED intptr_t cimPassGetLiveInstanceCount(void);

/// Option accessors: value of option `name` of the running pass instance.
/// Asking for a name the row does not declare, or with the wrong type, is a
/// programming error (assert). Strings are borrowed from the instance.
CIM_CAPI_EXPORTED bool cimPassOptionsGetBool(const CimPassOptions *options,
                                             const char *name);
CIM_CAPI_EXPORTED int64_t cimPassOptionsGetInt(const CimPassOptions *options,
                                               const char *name);
CIM_CAPI_EXPORTED MlirStringRef
cimPassOptionsGetString(const CimPassOptions *options, const char *name);

/// True when option `name` was given explicitly (not defaulted).
CIM_CAPI_EXPORTED bool cimPassOptionsIsSet(const CimPassOptions *options,
                                           const char *name);

/// Prints the options of the instance as mlir-opt option text, all options in
/// table order (`rows=256 cols=256`), through `callback`.
CIM_CAPI_EXPORTED void cimPassOptionsPrint(const CimPassOptions *options,
                                           MlirStringCallback callback,
                                           void *userData);

/*===----------------------------------------------------------------------===*
 * Documentation generated from the table
 *===----------------------------------------------------------------------===*/

/// Prints every pass of the table as `--help` text: one entry per pass with
/// its flag, summary and options (type, default, description), then the
/// pipelines the same way under a line `CIM PASS PIPELINES:`.
CIM_CAPI_EXPORTED void cimPassRegistryPrintHelp(MlirStringCallback callback,
                                                void *userData);

/// Prints every pipeline and pass of the table as the Markdown of
/// docs/passes.md: a section each with summary, anchor, description and an
/// options table, pipelines first.
CIM_CAPI_EXPORTED void cimPassRegistryPrintMarkdown(MlirStringCallback callback,
                                                    void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_PASSES_H */
