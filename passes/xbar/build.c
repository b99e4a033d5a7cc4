/*===-- build.c - Small IR builders of the crossbar mapping passes ---------===*/

#include <stdlib.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "Mapping.h"
#include "ir/PassUtils.h"

MlirOperation cimMapCreate(const char *name, MlirLocation loc,
                           MlirOperation before, intptr_t nOperands,
                           const MlirValue *operands, MlirType result,
                           intptr_t nAttrs, const MlirNamedAttribute *attrs) {
  MlirOperationState st =
      mlirOperationStateGet(mlirStringRefCreateFromCString(name), loc);
  if (nOperands)
    mlirOperationStateAddOperands(&st, nOperands, operands);
  if (!mlirTypeIsNull(result))
    mlirOperationStateAddResults(&st, 1, &result);
  if (nAttrs)
    mlirOperationStateAddAttributes(&st, nAttrs, attrs);
  MlirOperation op = mlirOperationCreate(&st);
  mlirBlockInsertOwnedOperationBefore(mlirOperationGetBlock(before), before,
                                      op);
  return op;
}

MlirValue cimMapCreateValue(const char *name, MlirLocation loc,
                            MlirOperation before, intptr_t nOperands,
                            const MlirValue *operands, MlirType result,
                            intptr_t nAttrs, const MlirNamedAttribute *attrs) {
  return mlirOperationGetResult(cimMapCreate(name, loc, before, nOperands,
                                             operands, result, nAttrs, attrs),
                                0);
}

MlirType cimMapTensorType(MlirContext ctx, intptr_t rank, const int64_t *shape,
                          unsigned bits) {
  return mlirRankedTensorTypeGet(rank, shape, mlirIntegerTypeGet(ctx, bits),
                                 mlirAttributeGetNull());
}

MlirValue cimMapSplatConstant(MlirLocation loc, MlirOperation before,
                              MlirType type, int64_t value) {
  MlirContext ctx = mlirTypeGetContext(type);
  MlirType elem = mlirShapedTypeGetElementType(type);
  MlirAttribute v = mlirDenseElementsAttrSplatGet(
      type, mlirIntegerAttrGet(elem, value));
  MlirNamedAttribute attr = mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString("value")), v);
  return cimMapCreateValue("arith.constant", loc, before, 0, NULL, type, 1,
                           &attr);
}

MlirNamedAttribute cimMapNamedArray(MlirContext ctx, const char *name,
                                    intptr_t n, const int64_t *values) {
  return mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString(name)),
      mlirDenseI64ArrayGet(ctx, n, values));
}

static MlirAttribute attrOf(MlirOperation op, const char *name) {
  return mlirOperationGetAttributeByName(op,
                                         mlirStringRefCreateFromCString(name));
}

int64_t cimMapIntAttr(MlirOperation op, const char *name, int64_t fallback) {
  MlirAttribute a = attrOf(op, name);
  return (!mlirAttributeIsNull(a) && mlirAttributeIsAInteger(a))
             ? mlirIntegerAttrGetValueInt(a)
             : fallback;
}

bool cimMapBoolAttr(MlirOperation op, const char *name) {
  MlirAttribute a = attrOf(op, name);
  return !mlirAttributeIsNull(a) && mlirAttributeIsABool(a) &&
         mlirBoolAttrGetValue(a);
}

bool cimMapStringAttrIs(MlirOperation op, const char *name, const char *value) {
  MlirAttribute a = attrOf(op, name);
  return !mlirAttributeIsNull(a) && mlirAttributeIsAString(a) &&
         mlirStringRefEqual(mlirStringAttrGetValue(a),
                            mlirStringRefCreateFromCString(value));
}

intptr_t cimMapArrayAttr(MlirOperation op, const char *name, int64_t *out,
                         intptr_t max) {
  MlirAttribute a = attrOf(op, name);
  if (mlirAttributeIsNull(a) || !mlirAttributeIsADenseI64Array(a))
    return -1;
  intptr_t n = mlirDenseArrayGetNumElements(a);
  for (intptr_t i = 0; i < n && i < max; ++i)
    out[i] = mlirDenseI64ArrayGetElement(a, i);
  return n;
}

static bool hasListedName(MlirOperation op, void *userData) {
  for (const char *const *n = userData; *n; ++n)
    if (cimOpIsA(op, *n))
      return true;
  return false;
}

bool cimMapCollect(MlirOperation root, const char *const *names,
                   MlirOperation **ops, intptr_t *count) {
  return cimCollectOps(root, hasListedName, (void *)names, ops, count);
}

MlirOperation cimMapEnclosingModule(MlirOperation op) {
  while (!cimOpIsA(op, "builtin.module")) {
    MlirOperation parent = mlirOperationGetParentOperation(op);
    if (mlirOperationIsNull(parent))
      break;
    op = parent;
  }
  return op;
}

unsigned cimMapWidthFor(int64_t bound) {
  return bound < (INT64_C(1) << 31) ? 32 : 64;
}
