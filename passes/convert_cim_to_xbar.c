/*===-- convert_cim_to_xbar.c - convert-cim-to-xbar -------------------------===*
 *
 * Finishes the crossbar program: layers not yet tiled are tiled with the
 * target's crossbar (cim-tile), tiles not yet sliced are sliced
 * (cim-bitslice), and every digital cim op becomes its xbar namesake, so the
 * result holds only xbar ops, arith.constant and func. Running this pass
 * alone, or after cim-tile and/or cim-bitslice with default options, gives
 * the same program.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "cim-c/Passes.h"
#include "cim-c/Target.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ir/PassUtils.h"
#include "xbar/Mapping.h"

/// cim ops whose xbar namesake has the same operands, attributes and
/// semantics.
static const char *const renamed[] = {
    "requantize", "clamp",   "lut",   "pool",      "add",
    "softmax",    "layer_norm", "reshape", "transpose", "slice",
};

static bool isCimOp(MlirOperation op, void *userData) {
  (void)userData;
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  return n.length > 4 && memcmp(n.data, "cim.", 4) == 0;
}

static MlirValue convertConcat(MlirOperation op) {
  MlirContext ctx = mlirOperationGetContext(op);
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirValue lhs = mlirOperationGetOperand(op, 0);
  MlirValue rhs = mlirOperationGetOperand(op, 1);
  MlirType rt = mlirValueGetType(mlirOperationGetResult(op, 0));
  intptr_t rank = mlirShapedTypeGetRank(rt);
  int64_t axis = cimMapIntAttr(op, "axis", 0);
  int64_t offsets[8] = {0};
  MlirValue dest = cimMapSplatConstant(loc, op, rt, 0);
  MlirNamedAttribute a = cimMapNamedArray(ctx, "offsets", rank, offsets);
  MlirValue ops1[2] = {dest, lhs};
  MlirValue r = cimMapCreateValue("xbar.insert", loc, op, 2, ops1, rt, 1, &a);
  offsets[axis] = mlirShapedTypeGetDimSize(mlirValueGetType(lhs), axis);
  a = cimMapNamedArray(ctx, "offsets", rank, offsets);
  MlirValue ops2[2] = {r, rhs};
  return cimMapCreateValue("xbar.insert", loc, op, 2, ops2, rt, 1, &a);
}

static MlirValue convertRenamed(MlirOperation op, const char *base) {
  char name[64];
  strcpy(name, "xbar.");
  strcat(name, base);
  intptr_t nOperands = mlirOperationGetNumOperands(op);
  intptr_t nAttrs = mlirOperationGetNumAttributes(op);
  MlirValue operands[4];
  MlirNamedAttribute *attrs = malloc((size_t)(nAttrs + 1) * sizeof *attrs);
  if (!attrs)
    return (MlirValue){NULL};
  for (intptr_t i = 0; i < nOperands && i < 4; ++i)
    operands[i] = mlirOperationGetOperand(op, i);
  for (intptr_t i = 0; i < nAttrs; ++i)
    attrs[i] = mlirOperationGetAttribute(op, i);
  MlirValue r = cimMapCreateValue(
      name, mlirOperationGetLocation(op), op, nOperands, operands,
      mlirValueGetType(mlirOperationGetResult(op, 0)), nAttrs, attrs);
  free(attrs);
  return r;
}

MlirLogicalResult cimMapConvertDigital(MlirOperation root) {
  MlirOperation *cimOps = NULL;
  intptr_t numCimOps = 0;
  bool ok = cimCollectOps(root, isCimOp, NULL, &cimOps, &numCimOps);
  for (intptr_t i = 0; i < numCimOps && ok; ++i) {
    MlirOperation op = cimOps[i];
    MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
    const char *base = NULL;
    for (size_t j = 0; j < sizeof renamed / sizeof renamed[0]; ++j)
      if (n.length == 4 + strlen(renamed[j]) &&
          memcmp(n.data + 4, renamed[j], n.length - 4) == 0)
        base = renamed[j];
    bool concat = cimOpIsA(op, "cim.concat");
    if ((!base && !concat) || mlirOperationGetNumResults(op) != 1 ||
        mlirOperationGetNumOperands(op) > 4 ||
        (concat && mlirOperationGetNumOperands(op) != 2)) {
      cimEmitErrorf(mlirOperationGetLocation(op),
                    "convert-cim-to-xbar: '%.*s' has no xbar lowering",
                    (int)n.length, n.data);
      ok = false;
      break;
    }
    MlirValue r = concat ? convertConcat(op) : convertRenamed(op, base);
    if (mlirValueIsNull(r)) {
      ok = false;
      break;
    }
    mlirValueReplaceAllUsesOfWith(mlirOperationGetResult(op, 0), r);
    mlirOperationDestroy(op);
  }
  free(cimOps);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static MlirLogicalResult runConvert(MlirOperation module,
                                    const CimPassOptions *options) {
  CimTarget target;
  if (mlirLogicalResultIsFailure(cimPassResolveTarget(
          module, "convert-cim-to-xbar",
          cimPassOptionsGetString(options, "target"), false, &target)))
    return mlirLogicalResultFailure();
  if (mlirLogicalResultIsFailure(
          cimMapTileLayers(module, &target, target.rows, target.cols)) ||
      mlirLogicalResultIsFailure(cimMapBitsliceTiles(module, &target, false)))
    return mlirLogicalResultFailure();
  return cimMapConvertDigital(module);
}

static const CimPassOptionDef convertOptions[] = {
    CIM_PASS_TARGET_OPTION,
};

const CimPassDef cimConvertCimToXbarPass = {
    .argument = "convert-cim-to-xbar",
    .name = "ConvertCimToXbar",
    .summary = "Lower cim to the xbar crossbar program (sequential schedule "
               "on one crossbar)",
    .description =
        "Produces the crossbar program of a `cim` module: layers not yet\n"
        "tiled are tiled for the target's crossbar (as `cim-tile`), tiles not\n"
        "yet sliced are lowered as by `cim-bitslice`, and every digital `cim`\n"
        "op (`requantize`, `clamp`, `lut`, `pool`, `add`, `softmax`,\n"
        "`layer_norm`, `reshape`, `transpose`, `slice`) becomes its `xbar`\n"
        "namesake with the same operands and attributes; `cim.concat` becomes\n"
        "two `xbar.insert` into a zero constant. The schedule is the reference\n"
        "system's: one crossbar, every tile written once per use, then all\n"
        "invocations and bit-planes run on it. Weights stay `arith.constant`\n"
        "operands of `xbar.weight_tile` (not expanded into cell levels), so\n"
        "the IR grows with tiles, planes and OU groups, never with\n"
        "invocations. A `cim` op with no `xbar` form is an error at the op.\n"
        "`cim-tile`, `cim-bitslice`, `convert-cim-to-xbar` in sequence and\n"
        "`convert-cim-to-xbar` alone give the same program.",
    .anchor = "builtin.module",
    .options = convertOptions,
    .numOptions = sizeof convertOptions / sizeof convertOptions[0],
    .run = runConvert,
};
