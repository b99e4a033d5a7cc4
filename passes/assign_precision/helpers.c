/*===-- helpers.c - cim-assign-precision: diagnostics, IR queries ---------===*/

#include "AssignPrecisionInternal.h"

void apErrorAt(State *st, MlirLocation loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cimEmitErrorV(loc, PASS ": ", fmt, ap);
  va_end(ap);
  st->failed = true;
}

/// Callback for library readers: the message goes to the module, prefixed.
void apEmitAtModule(MlirStringRef s, void *userData) {
  State *st = userData;
  apErrorAt(st, st->moduleLoc, "%.*s", (int)s.length, s.data);
}

const char *apOpName(MlirOperation op, char *buf, size_t size) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  snprintf(buf, size, "%.*s", (int)n.length, n.data);
  return buf;
}

/// The op's name location ("ln_1"), or NULL.
bool apNameLocOf(MlirOperation op, char *buf, size_t size) {
  MlirLocation loc = mlirOperationGetLocation(op);
  if (!mlirLocationIsAName(loc))
    return false;
  MlirStringRef n = mlirIdentifierStr(mlirLocationNameGetName(loc));
  snprintf(buf, size, "%.*s", (int)n.length, n.data);
  return true;
}

MlirOperation apDefiningOp(MlirValue v) {
  return mlirValueIsAOpResult(v) ? mlirOpResultGetOwner(v)
                                 : (MlirOperation){NULL};
}

bool apDefinedBy(MlirValue v, const char *name) {
  MlirOperation d = apDefiningOp(v);
  return !mlirOperationIsNull(d) && cimOpIsA(d, name);
}

bool apIsCovered(const State *st, MlirOperation op) {
  for (intptr_t i = 0; i < st->numCovered; ++i)
    if (mlirOperationEqual(st->covered[i], op))
      return true;
  return false;
}

bool apIsLayerResult(const State *st, MlirValue v) {
  MlirOperation d = apDefiningOp(v);
  if (mlirOperationIsNull(d))
    return false;
  for (intptr_t i = 0; i < st->numLayers; ++i)
    if (mlirOperationEqual(st->layers[i], d))
      return true;
  return false;
}
