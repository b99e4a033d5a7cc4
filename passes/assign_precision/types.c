/*===-- types.c - cim-assign-precision: ranges and types ------------------===*/

#include "AssignPrecisionInternal.h"

/*===----------------------------------------------------------------------===*
 * Constants and ranges
 *===----------------------------------------------------------------------===*/

/// The float elements (dense or dense_resource, lib/ir/Elements.h) of an
/// arith.constant `v`, or a null attribute. A constant the reader cannot
/// open (a blob without data) counts as no constant here;
/// convert-linalg-to-cim reports it where it quantizes it.
MlirAttribute apConstantValue(MlirValue v) {
  if (!apDefinedBy(v, "arith.constant"))
    return (MlirAttribute){NULL};
  MlirAttribute a = mlirOperationGetAttributeByName(
      apDefiningOp(v), mlirStringRefCreateFromCString("value"));
  CimElements e;
  return !mlirAttributeIsNull(a) && !cimElementsOpen(a, &e) &&
                 e.kind != CIM_ELEMENTS_INT
             ? a
             : (MlirAttribute){NULL};
}

/// max |x| and min x over a float constant of apConstantValue, read in bulk;
/// false on non-finite values.
bool apConstantStats(MlirAttribute a, double *maxAbs, double *minValue) {
  *maxAbs = 0.0;
  *minValue = INFINITY;
  CimElements e;
  if (cimElementsOpen(a, &e) || e.kind == CIM_ELEMENTS_INT)
    return false;
  enum { CHUNK = 4096 };
  double x[CHUNK];
  for (int64_t i = 0; i < (e.splat ? 1 : e.count); i += CHUNK) {
    int64_t n = e.splat ? 1 : e.count - i < CHUNK ? e.count - i : CHUNK;
    cimElementsGetDoubles(&e, i, n, x);
    for (int64_t k = 0; k < n; ++k) {
      if (!isfinite(x[k]))
        return false;
      if (fabs(x[k]) > *maxAbs)
        *maxAbs = fabs(x[k]);
      if (x[k] < *minValue)
        *minValue = x[k];
    }
  }
  return true;
}

/// The constant a `tensor.pad` pads with, when it is an arith.constant float
/// defined outside the region; false otherwise.
static bool padValue(MlirOperation pad, double *value) {
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(pad, 0));
  MlirOperation yield = mlirBlockGetTerminator(body);
  if (mlirOperationIsNull(yield) || mlirOperationGetNumOperands(yield) != 1)
    return false;
  MlirValue v = mlirOperationGetOperand(yield, 0);
  if (!apDefinedBy(v, "arith.constant"))
    return false;
  MlirAttribute a = mlirOperationGetAttributeByName(
      apDefiningOp(v), mlirStringRefCreateFromCString("value"));
  if (mlirAttributeIsNull(a) || !mlirAttributeIsAFloat(a))
    return false;
  *value = mlirFloatAttrGetValueDouble(a);
  return true;
}

/// Every static pad amount of `pad` in dims [first, first+count) is below the
/// corresponding extent of `window` (a max-pool window always overlaps data).
static bool padsBelowWindow(MlirOperation pad, int first, MlirValue window) {
  MlirType wt = mlirValueGetType(window);
  if (!mlirTypeIsARankedTensor(wt) || mlirShapedTypeGetRank(wt) != 2)
    return false;
  const char *names[] = {"static_low", "static_high"};
  for (int k = 0; k < 2; ++k) {
    MlirAttribute a = mlirOperationGetAttributeByName(
        pad, mlirStringRefCreateFromCString(names[k]));
    if (mlirAttributeIsNull(a) || !mlirAttributeIsADenseI64Array(a) ||
        mlirDenseArrayGetNumElements(a) < first + 2)
      return false;
    for (int d = 0; d < 2; ++d) {
      int64_t p = mlirDenseI64ArrayGetElement(a, first + d);
      if (p < 0 || p >= mlirShapedTypeGetDimSize(wt, d))
        return false;
    }
  }
  return true;
}

/// True when every element of `v` is provably >= 0, by structure: a ReLU or
/// clamp with a lower bound >= 0, a softmax, non-negative constants, and
/// what shape-only ops, concat, padding with a value >= 0, max and sum
/// pooling, multiplication by a positive scalar and adds keep non-negative.
bool apIsNonNegative(MlirValue v, int depth) {
  if (depth > 64)
    return false;
  MlirOperation d = apDefiningOp(v);
  if (mlirOperationIsNull(d))
    return false;
  MlirValue in;
  double lo, hi, factor;
  int64_t axis;
  if (cimMatchSoftmax(d, &in, &axis))
    return true;
  if (cimMatchClamp(d, &in, &lo, &hi))
    return lo >= 0.0 || apIsNonNegative(in, depth + 1);
  if (cimMatchScalarScale(d, &in, &factor))
    return factor > 0.0 && apIsNonNegative(in, depth + 1);
  MlirValue lhs, rhs;
  if (cimMatchTensorAdd(d, &lhs, &rhs))
    return apIsNonNegative(lhs, depth + 1) && apIsNonNegative(rhs, depth + 1);
  MlirAttribute c = apConstantValue(v);
  if (!mlirAttributeIsNull(c)) {
    double maxAbs, minValue;
    return apConstantStats(c, &maxAbs, &minValue) && minValue >= 0.0;
  }
  MlirValue source;
  if (cimIsShapeOnlyOp(d, &source))
    return apIsNonNegative(source, depth + 1);
  if (cimOpIsA(d, "tensor.concat")) {
    for (intptr_t i = 0; i < mlirOperationGetNumOperands(d); ++i)
      if (!apIsNonNegative(mlirOperationGetOperand(d, i), depth + 1))
        return false;
    return true;
  }
  if (cimOpIsA(d, "tensor.pad")) {
    double p;
    return padValue(d, &p) && p >= 0.0 &&
           apIsNonNegative(mlirOperationGetOperand(d, 0), depth + 1);
  }
  bool maxPool = cimOpIsA(d, "linalg.pooling_nchw_max") ||
                 cimOpIsA(d, "linalg.pooling_nhwc_max");
  bool sumPool = cimOpIsA(d, "linalg.pooling_nchw_sum") ||
                 cimOpIsA(d, "linalg.pooling_nhwc_sum");
  if ((maxPool || sumPool) && mlirOperationGetNumOperands(d) == 3) {
    /* The init must be >= 0 too (a fill with 0 or -inf for max). */
    MlirValue input = mlirOperationGetOperand(d, 0);
    MlirOperation pad = apDefiningOp(input);
    if (maxPool && !mlirOperationIsNull(pad) && cimOpIsA(pad, "tensor.pad")) {
      /* Padding with -inf is harmless when every window overlaps data. */
      double p;
      int first = cimOpIsA(d, "linalg.pooling_nchw_max") ? 2 : 1;
      if (padValue(pad, &p) &&
          (p >= 0.0 ||
           padsBelowWindow(pad, first, mlirOperationGetOperand(d, 1))))
        return apIsNonNegative(mlirOperationGetOperand(pad, 0), depth + 1);
      return false;
    }
    if (sumPool) {
      MlirValue init = mlirOperationGetOperand(d, 2);
      MlirOperation fill = apDefiningOp(init);
      if (mlirOperationIsNull(fill) || !cimOpIsA(fill, "linalg.fill") ||
          !cimValueIsZeroConstant(mlirOperationGetOperand(fill, 0)))
        return false;
    }
    return apIsNonNegative(input, depth + 1);
  }
  return false;
}

/*===----------------------------------------------------------------------===*
 * Quantized types (docs/precision.md, "Scales")
 *===----------------------------------------------------------------------===*/

/// The storage range of `bits` bits: signed narrow [-(2^(b-1)-1), 2^(b-1)-1]
/// for b >= 2, the whole i1 range [-1, 0] for b = 1; unsigned [0, 2^b - 1].
static void storageRange(int64_t bits, bool isSigned, int64_t *qmin,
                         int64_t *qmax) {
  if (!isSigned) {
    *qmin = 0;
    *qmax = ((int64_t)1 << bits) - 1;
  } else if (bits == 1) {
    *qmin = -1;
    *qmax = 0;
  } else {
    *qmax = ((int64_t)1 << (bits - 1)) - 1;
    *qmin = -*qmax;
  }
}

/// Symmetric (zero point 0) type for values whose magnitude is at most
/// `bound`: scale = bound / (largest level magnitude); a zero bound gives
/// scale 1.0 (everything quantizes to 0).
MlirType apMakeType(State *st, int64_t bits, bool isSigned, double bound) {
  int64_t qmin, qmax;
  storageRange(bits, isSigned, &qmin, &qmax);
  double levels = (double)(isSigned ? -qmin : qmax);
  double scale = bound > 0.0 ? bound / levels : 1.0;
  return mlirUniformQuantizedTypeGet(
      isSigned ? mlirQuantizedTypeGetSignedFlag() : 0,
      mlirIntegerTypeGet(st->ctx, (unsigned)bits), mlirF32TypeGet(st->ctx),
      scale, 0, qmin, qmax);
}

/// The bound for a run-time value of range `r` (signed: max |x|; unsigned:
/// max(x, 0)).
double apRangeBound(CimRange r, bool isSigned) {
  if (!isSigned)
    return r.max > 0.0 ? r.max : 0.0;
  return fmax(fabs(r.min), fabs(r.max));
}

/// Type of a constant operand: signed narrow, max-abs scale. Emits at `loc`.
bool apConstantType(State *st, MlirValue v, int64_t bits, MlirLocation loc,
                    const char *what, MlirType *type) {
  double maxAbs, minValue;
  if (!apConstantStats(apConstantValue(v), &maxAbs, &minValue)) {
    apErrorAt(st, loc,
              "%s is a constant with infinite or NaN elements; it "
              "cannot be quantized",
              what);
    return false;
  }
  *type = apMakeType(st, bits, true, maxAbs);
  return true;
}

/// True if `v` is a softmax result, also through shape-only ops: its range
/// is known, [0, 1].
bool apIsSoftmaxResult(MlirValue v, int depth) {
  MlirOperation d = apDefiningOp(v);
  MlirValue in;
  int64_t axis;
  if (mlirOperationIsNull(d) || depth > 16)
    return false;
  if (cimMatchSoftmax(d, &in, &axis))
    return true;
  return cimIsShapeOnlyOp(d, &in) && apIsSoftmaxResult(in, depth + 1);
}

/// Type of a run-time value: unsigned when provably non-negative; the range
/// from the calibration entry, else [0, 1] for a softmax result, else the
/// calibration's "default", else [-R, R] with R = default-range.
MlirType apRuntimeType(State *st, MlirValue v, int64_t bits,
                       const CimRange *given) {
  bool isSigned = !apIsNonNegative(v, 0);
  CimRange r = given && given->set       ? *given
               : apIsSoftmaxResult(v, 0) ? (CimRange){true, 0.0, 1.0}
               : st->cal.defaultRange.set
                   ? st->cal.defaultRange
                   : (CimRange){true, -st->defaultRange, st->defaultRange};
  return apMakeType(st, bits, isSigned, apRangeBound(r, isSigned));
}
