/*===-- emit.c - ONNX import: diagnostics and small IR helpers ------------===*
 *
 * What every operator of the ONNX importer (onnx_import.c's operator table)
 * uses to report an error and to build IR: the one diagnostic
 * (cimOnnxFail), types and attributes, op creation in the importer's block,
 * f32 constants and fills, the linalg named ops and linalg.generic with its
 * maps, tensor.pad and tensor.collapse_shape. Declared in Importer.h.
 *===----------------------------------------------------------------------===*/

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/Linalg.h"
#include "mlir-c/IR.h"
#include "Importer.h"

bool cimOnnxFail(MlirLocation loc, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  mlirEmitError(loc, buf);
  return false;
}

MlirStringRef cimOnnxS(const char *s) {
  return mlirStringRefCreateFromCString(s);
}

MlirNamedAttribute cimOnnxNA(Importer *I, const char *name, MlirAttribute a) {
  return mlirNamedAttributeGet(mlirIdentifierGet(I->ctx, cimOnnxS(name)), a);
}

MlirType cimOnnxF32(Importer *I) { return mlirF32TypeGet(I->ctx); }

MlirType cimOnnxTensorOf(int rank, const int64_t *dims, MlirType elem) {
  return mlirRankedTensorTypeGet(rank, dims, elem, mlirAttributeGetNull());
}

MlirType cimOnnxF32Tensor(Importer *I, int rank, const int64_t *dims) {
  return cimOnnxTensorOf(rank, dims, cimOnnxF32(I));
}

/// Creates an op and appends it to `block`; takes ownership of `region`.
MlirOperation cimOnnxEmitIn(Importer *I, MlirBlock block, const char *name,
                            MlirLocation loc, intptr_t nOps,
                            const MlirValue *ops, intptr_t nRes,
                            const MlirType *res, intptr_t nAttrs,
                            const MlirNamedAttribute *attrs,
                            MlirRegion *region) {
  MlirOperationState st = mlirOperationStateGet(cimOnnxS(name), loc);
  if (nOps)
    mlirOperationStateAddOperands(&st, nOps, ops);
  if (nRes)
    mlirOperationStateAddResults(&st, nRes, res);
  if (nAttrs)
    mlirOperationStateAddAttributes(&st, nAttrs, attrs);
  if (region)
    mlirOperationStateAddOwnedRegions(&st, 1, region);
  MlirOperation op = mlirOperationCreate(&st);
  mlirBlockAppendOwnedOperation(block, op);
  return op;
}

MlirValue cimOnnxEmit1(Importer *I, const char *name, MlirLocation loc,
                       intptr_t nOps, const MlirValue *ops, MlirType res,
                       intptr_t nAttrs, const MlirNamedAttribute *attrs) {
  return mlirOperationGetResult(cimOnnxEmitIn(I, I->block, name, loc, nOps, ops,
                                              1, &res, nAttrs, attrs, NULL),
                                0);
}

MlirValue cimOnnxScalarF32(Importer *I, MlirLocation loc, double x) {
  MlirNamedAttribute a =
      cimOnnxNA(I, "value", mlirFloatAttrDoubleGet(I->ctx, cimOnnxF32(I), x));
  return cimOnnxEmit1(I, "arith.constant", loc, 0, NULL, cimOnnxF32(I), 1, &a);
}

MlirValue cimOnnxZeroF32(Importer *I, MlirLocation loc) {
  if (mlirValueIsNull(I->zero))
    I->zero = cimOnnxScalarF32(I, loc, 0.0);
  return I->zero;
}

/// A dense f32 constant built from one raw buffer (never element by element).
MlirValue cimOnnxConstF32(Importer *I, MlirLocation loc, int rank,
                          const int64_t *dims, const float *data, int64_t n) {
  MlirType t = cimOnnxF32Tensor(I, rank, dims);
  MlirAttribute a = mlirDenseElementsAttrRawBufferGet(t, (size_t)n * sizeof(float), data);
  MlirNamedAttribute na = cimOnnxNA(I, "value", a);
  return cimOnnxEmit1(I, "arith.constant", loc, 0, NULL, t, 1, &na);
}

MlirValue cimOnnxEmptyF32(Importer *I, MlirLocation loc, int rank,
                          const int64_t *dims) {
  return cimOnnxEmit1(I, "tensor.empty", loc, 0, NULL,
                      cimOnnxF32Tensor(I, rank, dims), 0, NULL);
}

MlirAttribute cimOnnxSegments(Importer *I, int32_t a, int32_t b) {
  int32_t v[2] = {a, b};
  return mlirDenseI32ArrayGet(I->ctx, 2, v);
}

/// A linalg named op (ins..., outs(init)) whose body linalg builds itself.
MlirValue cimOnnxEmitNamed(Importer *I, const char *name, MlirLocation loc,
                           int nIns, const MlirValue *ins, MlirValue init,
                           int nExtra, const MlirNamedAttribute *extra) {
  MlirValue ops[4];
  for (int i = 0; i < nIns; ++i)
    ops[i] = ins[i];
  ops[nIns] = init;
  MlirNamedAttribute attrs[4];
  attrs[0] = cimOnnxNA(I, "operandSegmentSizes", cimOnnxSegments(I, nIns, 1));
  for (int i = 0; i < nExtra; ++i)
    attrs[1 + i] = extra[i];
  MlirRegion r = mlirRegionCreate();
  MlirType t = mlirValueGetType(init);
  MlirOperation op = cimOnnxEmitIn(I, I->block, name, loc, nIns + 1, ops, 1, &t,
                                   1 + nExtra, attrs, &r);
  mlirLinalgFillBuiltinNamedOpRegion(op);
  return mlirOperationGetResult(op, 0);
}

MlirValue cimOnnxFillF32(Importer *I, MlirLocation loc, int rank,
                         const int64_t *dims, MlirValue scalar) {
  MlirValue e = cimOnnxEmptyF32(I, loc, rank, dims);
  return cimOnnxEmitNamed(I, "linalg.fill", loc, 1, &scalar, e, 0, NULL);
}

/// A linalg.generic over `rank` parallel loops with the given indexing maps
/// (text, one per input and one for the output) and a one-op body.
MlirValue cimOnnxEmitGeneric(Importer *I, MlirLocation loc, int nIns,
                             const MlirValue *ins, const char *const *maps,
                             int rank, const int64_t *outDims, Body body,
                             MlirValue capture) {
  MlirValue ops[3];
  for (int i = 0; i < nIns; ++i)
    ops[i] = ins[i];
  ops[nIns] = cimOnnxEmptyF32(I, loc, rank, outDims);
  MlirAttribute mapAttrs[3];
  for (int i = 0; i <= nIns; ++i)
    mapAttrs[i] = mlirAttributeParseGet(I->ctx, cimOnnxS(maps[i]));
  MlirAttribute its[MAX_RANK];
  MlirAttribute par = mlirAttributeParseGet(
      I->ctx, cimOnnxS("#linalg.iterator_type<parallel>"));
  for (int i = 0; i < rank; ++i)
    its[i] = par;
  MlirNamedAttribute attrs[3] = {
      cimOnnxNA(I, "indexing_maps",
                mlirArrayAttrGet(I->ctx, nIns + 1, mapAttrs)),
      cimOnnxNA(I, "iterator_types", mlirArrayAttrGet(I->ctx, rank, its)),
      cimOnnxNA(I, "operandSegmentSizes", cimOnnxSegments(I, nIns, 1))};
  MlirType argTypes[3];
  MlirLocation argLocs[3];
  for (int i = 0; i <= nIns; ++i) {
    argTypes[i] = cimOnnxF32(I);
    argLocs[i] = loc;
  }
  MlirBlock b = mlirBlockCreate(nIns + 1, argTypes, argLocs);
  MlirValue a0 = mlirBlockGetArgument(b, 0);
  MlirValue a1 = body == B_MAX_CAPTURE ? capture : mlirBlockGetArgument(b, 1);
  static const char *const names[] = {"arith.addf", "arith.subf", "arith.mulf",
                                      "arith.divf", "arith.maximumf"};
  MlirValue pair[2] = {a0, a1};
  MlirType ft = cimOnnxF32(I);
  MlirValue y = mlirOperationGetResult(
      cimOnnxEmitIn(I, b, names[body], loc, 2, pair, 1, &ft, 0, NULL, NULL), 0);
  cimOnnxEmitIn(I, b, "linalg.yield", loc, 1, &y, 0, NULL, 0, NULL, NULL);
  MlirRegion r = mlirRegionCreate();
  mlirRegionAppendOwnedBlock(r, b);
  MlirType t = cimOnnxF32Tensor(I, rank, outDims);
  return mlirOperationGetResult(cimOnnxEmitIn(I, I->block, "linalg.generic",
                                              loc, nIns + 1, ops, 1, &t, 3,
                                              attrs, &r),
                                0);
}

/// "affine_map<(d0, ..., d{rank-1}) -> (RESULTS)>" with results the dims in
/// `idx` (count `n`).
void cimOnnxMapText(char *buf, size_t cap, int rank, const int *idx, int n) {
  size_t k = (size_t)snprintf(buf, cap, "affine_map<(");
  for (int i = 0; i < rank; ++i)
    k += (size_t)snprintf(buf + k, cap - k, "%sd%d", i ? ", " : "", i);
  k += (size_t)snprintf(buf + k, cap - k, ") -> (");
  for (int i = 0; i < n; ++i)
    k += (size_t)snprintf(buf + k, cap - k, "%sd%d", i ? ", " : "", idx[i]);
  snprintf(buf + k, cap - k, ")>");
}

void cimOnnxIdMap(char *buf, size_t cap, int rank) {
  int idx[MAX_RANK];
  for (int i = 0; i < rank; ++i)
    idx[i] = i;
  cimOnnxMapText(buf, cap, rank, idx, rank);
}

/// tensor.pad of `x` (rank 4, NCHW) by `pads` = [top, left, bottom, right]
/// with the scalar `value`.
MlirValue cimOnnxEmitPad(Importer *I, MlirLocation loc, MlirValue x,
                         const int64_t *dims, const int64_t *pads,
                         MlirValue value, int64_t *outDims) {
  int64_t lo[4] = {0, 0, pads[0], pads[1]}, hi[4] = {0, 0, pads[2], pads[3]};
  for (int i = 0; i < 4; ++i)
    outDims[i] = dims[i] + lo[i] + hi[i];
  MlirType idx[4];
  MlirLocation locs[4];
  for (int i = 0; i < 4; ++i) {
    idx[i] = mlirIndexTypeGet(I->ctx);
    locs[i] = loc;
  }
  MlirBlock b = mlirBlockCreate(4, idx, locs);
  cimOnnxEmitIn(I, b, "tensor.yield", loc, 1, &value, 0, NULL, 0, NULL, NULL);
  MlirRegion r = mlirRegionCreate();
  mlirRegionAppendOwnedBlock(r, b);
  int32_t seg[3] = {1, 0, 0};
  MlirNamedAttribute attrs[3] = {
      cimOnnxNA(I, "static_low", mlirDenseI64ArrayGet(I->ctx, 4, lo)),
      cimOnnxNA(I, "static_high", mlirDenseI64ArrayGet(I->ctx, 4, hi)),
      cimOnnxNA(I, "operandSegmentSizes",
                mlirDenseI32ArrayGet(I->ctx, 3, seg))};
  MlirType t = cimOnnxF32Tensor(I, 4, outDims);
  return mlirOperationGetResult(
      cimOnnxEmitIn(I, I->block, "tensor.pad", loc, 1, &x, 1, &t, 3, attrs, &r),
      0);
}

/// tensor.collapse_shape with reassociation groups given by `groupOf[i]`
/// (non-decreasing, starting at 0) for each source dimension.
MlirValue cimOnnxEmitCollapse(Importer *I, MlirLocation loc, MlirValue x,
                              int rank, const int *groupOf, int outRank,
                              const int64_t *outDims) {
  MlirAttribute groups[MAX_RANK];
  MlirType i64 = mlirIntegerTypeGet(I->ctx, 64);
  for (int g = 0; g < outRank; ++g) {
    MlirAttribute members[MAX_RANK];
    int n = 0;
    for (int i = 0; i < rank; ++i)
      if (groupOf[i] == g)
        members[n++] = mlirIntegerAttrGet(i64, i);
    groups[g] = mlirArrayAttrGet(I->ctx, n, members);
  }
  MlirNamedAttribute a =
      cimOnnxNA(I, "reassociation", mlirArrayAttrGet(I->ctx, outRank, groups));
  return cimOnnxEmit1(I, "tensor.collapse_shape", loc, 1, &x,
                      cimOnnxF32Tensor(I, outRank, outDims), 1, &a);
}

