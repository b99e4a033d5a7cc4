/*===-- ModelInternal.h - What lib/model's files share (internal) ---------===*/
#ifndef CIM_LIB_MODEL_MODELINTERNAL_H
#define CIM_LIB_MODEL_MODELINTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cim-c/Model.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"

/// Where a model's diagnostics go: one callback call per error diagnostic,
/// formatted "file:line:col: error: message" (its notes on further lines).
typedef struct CimModelDiagSink {
  MlirStringCallback callback;
  void *userData;
  MlirStringRef name, text; /* the source, for positions */
  intptr_t errors;
} CimModelDiagSink;

CimModelDiagSink cimModelDiagSinkCreate(MlirStringCallback callback,
                                        void *userData);
void cimModelDiagSinkSetSource(CimModelDiagSink *sink, MlirStringRef name,
                               MlirStringRef text);
/// Attaches the sink to `ctx`; detach with mlirContextDetachDiagnosticHandler.
MlirDiagnosticHandlerID cimModelDiagSinkAttach(CimModelDiagSink *sink,
                                               MlirContext ctx);
/// Reports an error at line `line` (0: no line) of file `name`.
void cimModelDiagSinkReport(CimModelDiagSink *sink, MlirStringRef name,
                            unsigned line, const char *message);

/// One layer record.
typedef struct CimModelLayer {
  char *name, *opName;
  CimLayer layer;
  int64_t fields[CIM_MODEL_LAYER_NUM_FIELDS];
} CimModelLayer;

struct CimModelImpl {
  MlirContext ctx;
  MlirOperation module;
  char *source; /* MLIR text or bytecode (NULL for ONNX) */
  size_t sourceSize;
  char *name; /* the file or source name, for positions */
  CimModelDiagSink sink;
  CimModelLayer *layers;
  intptr_t numLayers;
  /* The cost table of the last target asked for (cimModelGetCostTable's
   * layout), or NULL. */
  int64_t *table;
  CimTarget tableTarget;
};
typedef struct CimModelImpl CimModelImpl;

#endif /* CIM_LIB_MODEL_MODELINTERNAL_H */
