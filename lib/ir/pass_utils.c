/*===-- pass_utils.c - Small IR helpers shared by the passes ---------------===*/

#include "ir/PassUtils.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"

#include "support/StrBuf.h"

bool cimOpIsA(MlirOperation op, const char *name) {
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  return mlirStringRefEqual(n, mlirStringRefCreateFromCString(name));
}

void cimEmitErrorV(MlirLocation loc, const char *prefix, const char *fmt,
                   va_list ap) {
  CimStrBuf b = {0};
  if (prefix)
    cimStrBufAppendCString(&b, prefix);
  cimStrBufVPrintf(&b, fmt, ap);
  mlirEmitError(loc, cimStrBufGet(&b));
  cimStrBufFree(&b);
}

void cimEmitErrorf(MlirLocation loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cimEmitErrorV(loc, NULL, fmt, ap);
  va_end(ap);
}

static bool isZeroScalarAttr(MlirAttribute v) {
  if (mlirAttributeIsAInteger(v))
    return mlirIntegerAttrGetValueInt(v) == 0;
  if (mlirAttributeIsAFloat(v))
    return mlirFloatAttrGetValueDouble(v) == 0.0;
  return false;
}

bool cimAttrIsZeroSplat(MlirAttribute attr) {
  if (mlirAttributeIsNull(attr))
    return false;
  if (!mlirAttributeIsADenseElements(attr) || !mlirDenseElementsAttrIsSplat(attr))
    return false;
  return isZeroScalarAttr(mlirDenseElementsAttrGetSplatValue(attr));
}

bool cimValueIsZeroConstant(MlirValue value) {
  if (!mlirValueIsAOpResult(value))
    return false;
  MlirOperation def = mlirOpResultGetOwner(value);
  if (!cimOpIsA(def, "arith.constant"))
    return false;
  MlirAttribute v = mlirOperationGetAttributeByName(
      def, mlirStringRefCreateFromCString("value"));
  return !mlirAttributeIsNull(v) && isZeroScalarAttr(v);
}

MlirNamedAttribute cimNamedI64(MlirContext ctx, const char *name, int64_t v) {
  return mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString(name)),
      mlirIntegerAttrGet(mlirIntegerTypeGet(ctx, 64), v));
}

MlirNamedAttribute cimNamedBool(MlirContext ctx, const char *name, bool v) {
  return mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString(name)),
      mlirBoolAttrGet(ctx, v));
}

MlirNamedAttribute cimNamedString(MlirContext ctx, const char *name,
                                  const char *v) {
  return mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString(name)),
      mlirStringAttrGet(ctx, mlirStringRefCreateFromCString(v)));
}

bool cimLinalgHasDefaultIndexingMaps(MlirOperation op) {
  MlirAttribute maps = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("indexing_maps"));
  if (mlirAttributeIsNull(maps))
    return true;
  const char *expected =
      cimOpIsA(op, "linalg.batch_matmul")
          ? "[affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, "
            "affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, "
            "affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]"
          : "[affine_map<(d0, d1, d2) -> (d0, d2)>, "
            "affine_map<(d0, d1, d2) -> (d2, d1)>, "
            "affine_map<(d0, d1, d2) -> (d0, d1)>]";
  CimStrBuf printed = {0};
  mlirAttributePrint(maps, cimStrBufCallback, &printed);
  bool same = strcmp(cimStrBufGet(&printed), expected) == 0;
  cimStrBufFree(&printed);
  return same;
}

typedef struct OpCollector {
  bool (*pred)(MlirOperation, void *);
  void *userData;
  MlirOperation *ops;
  intptr_t n, cap;
  bool oom;
} OpCollector;

static MlirWalkResult collectOp(MlirOperation op, void *userData) {
  OpCollector *c = userData;
  if (!c->pred(op, c->userData))
    return MlirWalkResultAdvance;
  if (c->n == c->cap) {
    intptr_t cap = c->cap ? c->cap * 2 : 32;
    MlirOperation *grown = realloc(c->ops, (size_t)cap * sizeof *grown);
    if (!grown) {
      c->oom = true;
      return MlirWalkResultInterrupt;
    }
    c->ops = grown;
    c->cap = cap;
  }
  c->ops[c->n++] = op;
  return MlirWalkResultAdvance;
}

bool cimCollectOps(MlirOperation root,
                   bool (*pred)(MlirOperation op, void *userData),
                   void *userData, MlirOperation **ops, intptr_t *count) {
  OpCollector c = {pred, userData, NULL, 0, 0, false};
  mlirOperationWalk(root, collectOp, &c, MlirWalkPreOrder);
  *ops = c.ops;
  *count = c.n;
  return !c.oom;
}

MlirLogicalResult cimPassResolveTarget(MlirOperation op, const char *pass,
                                       MlirStringRef option, bool analysis,
                                       CimTarget *target) {
  if (mlirLogicalResultIsFailure(cimTargetResolveForPass(
          op, mlirStringRefCreateFromCString(pass), option, target)))
    return mlirLogicalResultFailure();
  if (!analysis || option.length > 0)
    cimTargetRecord(op, target);
  return mlirLogicalResultSuccess();
}
