/*===-- PassInternal.h - Pass table internals shared inside libcimlir -----===*/

#ifndef CIM_LIB_PASSINTERNAL_H
#define CIM_LIB_PASSINTERNAL_H

#include "cim-c/Passes.h"

/// The value of one option of one pass instance.
typedef struct CimPassOptionValue {
  bool isSet;
  bool boolValue;
  int64_t intValue;
  char *stringValue; /* owned, NUL-terminated; STRING options only */
} CimPassOptionValue;

struct CimPassOptions {
  const CimPassDef *def;
  CimPassOptionValue *values; /* def->numOptions entries, owned */
};

/// Parses `text` (mlir-opt option syntax, no braces) into a fresh options
/// object for `def`, defaults first. On error returns NULL and fills `error`
/// (malloc'ed message; caller frees) and `errorOffset`.
CimPassOptions *cimPassOptionsParse(const CimPassDef *def, MlirStringRef text,
                                    char **error, intptr_t *errorOffset);

/// Deep copy (for pass cloning). Returns NULL only when out of memory.
CimPassOptions *cimPassOptionsClone(const CimPassOptions *options);

/// Frees; NULL is a no-op.
void cimPassOptionsDestroy(CimPassOptions *options);

/// The built-in rows, defined in lib/pass/pass_table.c.
extern const CimPassDef *const cimBuiltinPasses[];
extern const intptr_t cimNumBuiltinPasses;
extern const CimPassPipelineDef *const cimBuiltinPipelines[];
extern const intptr_t cimNumBuiltinPipelines;

/// A pass row that lets the option parser read a pipeline's options: same
/// argument, summary, anchor and options, no run function (the parser's
/// messages then say "pipeline").
CimPassDef cimPassPipelineOptionsView(const CimPassPipelineDef *def);

#endif /* CIM_LIB_PASSINTERNAL_H */
