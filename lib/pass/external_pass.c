/*===-- external_pass.c - Table rows as MLIR external passes ---------------===*
 *
 * Each instance is an mlirCreateExternalPass whose user data is the instance's
 * parsed options. MLIR clones passes for every function it runs them on in
 * parallel and for nested pipelines, so `clone` deep-copies the options and
 * construct/destruct keep a process-wide count of live instances.
 *
 * Every pass checks the rules of the cim and xbar ops under its anchor op
 * (lib/ir/verify.c) before it runs and after it changed the IR, so that no
 * pass sees, and no pass hands on, IR that breaks them.
 *===----------------------------------------------------------------------===*/

#include "pass/PassInternal.h"

#include "ir/Verify.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_intptr_t liveInstances;

intptr_t cimPassGetLiveInstanceCount(void) { return atomic_load(&liveInstances); }

static void construct(void *userData) {
  (void)userData;
  atomic_fetch_add(&liveInstances, 1);
}

static void destruct(void *userData) {
  cimPassOptionsDestroy(userData);
  atomic_fetch_sub(&liveInstances, 1);
}

static void *clone(void *userData) {
  CimPassOptions *copy = cimPassOptionsClone(userData);
  if (!copy)
    abort(); /* out of memory inside MLIR's clone: nothing sane to return */
  return copy;
}

static void run(MlirOperation op, MlirExternalPass pass, void *userData) {
  const CimPassOptions *options = userData;
  if (mlirLogicalResultIsFailure(cimVerifyOps(op)) ||
      mlirLogicalResultIsFailure(options->def->run(op, options)) ||
      mlirLogicalResultIsFailure(cimVerifyOps(op)))
    mlirExternalPassSignalFailure(pass);
}

MlirPass cimPassCreate(const CimPassDef *def, MlirStringRef optionText,
                       MlirStringCallback errorCallback, void *userData,
                       intptr_t *errorOffset) {
  char *error = NULL;
  intptr_t offset = 0;
  /* cimPassRegistryLookup gives NULL for a name that is not in the table;
   * callers chain the two (docs/c-api.md), so a misspelt pass name is an
   * error here, not a crash. */
  if (!def) {
    if (errorOffset)
      *errorOffset = 0;
    if (errorCallback)
      errorCallback(mlirStringRefCreateFromCString(
                        "no such pass (cimPassRegistryLookup found none)"),
                    userData);
    return (MlirPass){NULL};
  }
  CimPassOptions *options = cimPassOptionsParse(def, optionText, &error, &offset);
  if (errorOffset)
    *errorOffset = offset;
  if (!options) {
    if (errorCallback)
      errorCallback(mlirStringRefCreateFromCString(error ? error : "bad options"),
                    userData);
    free(error);
    return (MlirPass){NULL};
  }
  MlirExternalPassCallbacks callbacks = {
      .construct = construct,
      .destruct = destruct,
      .initialize = NULL,
      .clone = clone,
      .run = run,
  };
  /* The row's address is the pass's TypeID: unique per pass, stable. */
  MlirTypeID typeID = mlirTypeIDCreate(def);
  return mlirCreateExternalPass(
      typeID, mlirStringRefCreateFromCString(def->name),
      mlirStringRefCreateFromCString(def->argument),
      mlirStringRefCreateFromCString(def->summary),
      mlirStringRefCreateFromCString(def->anchor), 0, NULL, callbacks, options);
}
