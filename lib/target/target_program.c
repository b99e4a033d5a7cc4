/*===-- target_program.c - One target per program --------------------------===*
 *
 * A program is compiled for one target. The first pass that needs a target
 * records the one it used as a `cim.target` attribute: a module pass on the
 * module, a pass nested under `func.func` (which must not touch the module)
 * on its function, until the next module pass moves it up to the module.
 * Every later pass takes the recorded target; a pass given a `target=` that
 * differs from it fails with a message naming both and the fields that
 * differ. docs/target.md, "One target per program".
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/Diagnostics.h"

#include "target/TargetInternal.h"

static bool isModule(MlirOperation op) {
  MlirStringRef name = mlirIdentifierStr(mlirOperationGetName(op));
  return mlirStringRefEqual(name,
                            mlirStringRefCreateFromCString("builtin.module"));
}

static MlirOperation enclosingModule(MlirOperation op) {
  while (!mlirOperationIsNull(op) && !isModule(op))
    op = mlirOperationGetParentOperation(op);
  return op;
}

static MlirAttribute targetAttr(MlirOperation op) {
  return mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString(CIM_TARGET_ATTR_NAME));
}

/// "the module" or "function @f" (any op with a symbol name), for messages.
static void appendWhere(CimStrBuf *b, MlirOperation op) {
  if (isModule(op)) {
    cimStrBufAppendCString(b, "the module");
    return;
  }
  MlirAttribute sym = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("sym_name"));
  MlirStringRef name = mlirIdentifierStr(mlirOperationGetName(op));
  if (!mlirAttributeIsNull(sym) && mlirAttributeIsAString(sym)) {
    MlirStringRef s = mlirStringAttrGetValue(sym);
    cimStrBufPrintf(b, "function @%.*s", (int)s.length, s.data);
  } else {
    cimStrBufPrintf(b, "op '%.*s'", (int)name.length, name.data);
  }
}

static void appendToBuf(MlirStringRef s, void *b) {
  cimStrBufAppendRef((CimStrBuf *)b, s);
}

void cimTargetPrintDifferences(const CimTarget *a, const CimTarget *b,
                               MlirStringCallback callback, void *userData) {
  CimStrBuf out = {0};
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i) {
    const CimTargetFieldDef *f = &cimTargetFields[i];
    int64_t va = cimTargetFieldGet(a, (CimTargetFieldId)i);
    int64_t vb = cimTargetFieldGet(b, (CimTargetFieldId)i);
    if (va == vb)
      continue;
    if (out.length)
      cimStrBufAppendCString(&out, ", ");
    cimStrBufPrintf(&out, "%s ", f->key);
    cimTargetAppendValue(&out, f, va, false);
    cimStrBufAppendCString(&out, " vs ");
    cimTargetAppendValue(&out, f, vb, false);
  }
  callback(mlirStringRefCreate(cimStrBufGet(&out), out.length), userData);
  cimStrBufFree(&out);
}

/// The target recorded for the program `anchor` belongs to, as seen from
/// `anchor`: the module's attribute, and the function's own (anchor nested
/// in the module) or every top-level op's (anchor the module).
typedef struct Recorded {
  bool found;
  CimTarget target;
  MlirOperation where; ///< The op carrying the first attribute found.
} Recorded;

typedef struct AttrError {
  MlirLocation loc;
  MlirOperation where;
} AttrError;

static void emitAttrError(MlirStringRef s, void *data) {
  const AttrError *e = data;
  CimStrBuf b = {0};
  cimStrBufAppendCString(&b, "the cim.target attribute of ");
  appendWhere(&b, e->where);
  cimStrBufAppendCString(&b, ": ");
  cimStrBufAppendRef(&b, s);
  mlirEmitError(e->loc, cimStrBufGet(&b));
  cimStrBufFree(&b);
}

/// Adds the attribute of `op`, if any, to `*rec`. Fails on an invalid
/// attribute or one that differs from a target already found.
static MlirLogicalResult addRecorded(MlirOperation op, Recorded *rec) {
  MlirAttribute attr = targetAttr(op);
  if (mlirAttributeIsNull(attr))
    return mlirLogicalResultSuccess();
  AttrError e = {mlirOperationGetLocation(op), op};
  CimTarget t;
  if (mlirLogicalResultIsFailure(
          cimTargetFromAttribute(attr, &t, emitAttrError, &e)))
    return mlirLogicalResultFailure();
  if (!rec->found) {
    *rec = (Recorded){true, t, op};
    return mlirLogicalResultSuccess();
  }
  if (cimTargetEqual(&t, &rec->target))
    return mlirLogicalResultSuccess();
  CimStrBuf b = {0};
  cimStrBufAppendCString(&b, "the cim.target attribute of ");
  appendWhere(&b, op);
  cimStrBufPrintf(&b, " (fingerprint 0x%016" PRIx64 ") differs from that of ",
                  cimTargetGetFingerprint(&t));
  appendWhere(&b, rec->where);
  cimStrBufPrintf(&b, " (fingerprint 0x%016" PRIx64 "): ",
                  cimTargetGetFingerprint(&rec->target));
  cimTargetPrintDifferences(&t, &rec->target, appendToBuf, &b);
  cimStrBufAppendCString(&b, "; a program is compiled for one target");
  mlirEmitError(e.loc, cimStrBufGet(&b));
  cimStrBufFree(&b);
  return mlirLogicalResultFailure();
}

static MlirLogicalResult readRecorded(MlirOperation anchor, Recorded *rec) {
  *rec = (Recorded){0};
  MlirOperation module = enclosingModule(anchor);
  if (!mlirOperationIsNull(module) &&
      mlirLogicalResultIsFailure(addRecorded(module, rec)))
    return mlirLogicalResultFailure();
  if (!mlirOperationEqual(module, anchor))
    return addRecorded(anchor, rec);
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(module, 0));
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op))
    if (mlirLogicalResultIsFailure(addRecorded(op, rec)))
      return mlirLogicalResultFailure();
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimTargetResolveForPass(MlirOperation op,
                                          MlirStringRef passName,
                                          MlirStringRef option,
                                          CimTarget *target) {
  Recorded rec;
  if (mlirLogicalResultIsFailure(readRecorded(op, &rec)))
    return mlirLogicalResultFailure();
  CimTarget base = rec.found ? rec.target : cimTargetGetDefault();
  if (option.length == 0) {
    *target = base;
    return mlirLogicalResultSuccess();
  }
  MlirLocation loc = mlirOperationGetLocation(op);
  CimTarget given;
  if (mlirLogicalResultIsFailure(
          cimTargetResolveOption(loc, option, &base, &given)))
    return mlirLogicalResultFailure();
  if (rec.found && !cimTargetEqual(&given, &rec.target)) {
    CimStrBuf b = {0};
    if (passName.length)
      cimStrBufPrintf(&b, "%.*s: ", (int)passName.length, passName.data);
    cimStrBufPrintf(&b,
                    "target '%.*s' (fingerprint 0x%016" PRIx64
                    ") differs from the program's target, the cim.target "
                    "attribute of ",
                    (int)option.length, option.data,
                    cimTargetGetFingerprint(&given));
    appendWhere(&b, rec.where);
    cimStrBufPrintf(&b, " (fingerprint 0x%016" PRIx64 "): ",
                    cimTargetGetFingerprint(&rec.target));
    cimTargetPrintDifferences(&given, &rec.target, appendToBuf, &b);
    cimStrBufAppendCString(&b, " (given vs the program's); a program is "
                               "compiled for one target: give every pass the "
                               "same target=, or none after the first");
    mlirEmitError(loc, cimStrBufGet(&b));
    cimStrBufFree(&b);
    return mlirLogicalResultFailure();
  }
  *target = given;
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimTargetResolve(MlirOperation module,
                                   MlirStringRef overridePath,
                                   CimTarget *target) {
  return cimTargetResolveForPass(module, mlirStringRefCreate(NULL, 0),
                                 overridePath, target);
}

void cimTargetRecord(MlirOperation op, const CimTarget *target) {
  MlirStringRef name = mlirStringRefCreateFromCString(CIM_TARGET_ATTR_NAME);
  MlirOperation module = enclosingModule(op);
  if (!mlirOperationEqual(module, op)) {
    if (!mlirOperationIsNull(module) &&
        !mlirAttributeIsNull(targetAttr(module)))
      return; /* the module's, checked equal by cimTargetResolveForPass */
    mlirOperationSetAttributeByName(
        op, name, cimTargetToAttribute(mlirOperationGetContext(op), target));
    return;
  }
  mlirOperationSetAttributeByName(
      op, name, cimTargetToAttribute(mlirOperationGetContext(op), target));
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(op, 0));
  for (MlirOperation child = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(child);
       child = mlirOperationGetNextInBlock(child))
    mlirOperationRemoveAttributeByName(child, name);
}
