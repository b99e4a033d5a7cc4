/*===-- points.c - cim-assign-precision: the points -----------------------===*/

#include "AssignPrecisionInternal.h"

/*===----------------------------------------------------------------------===*
 * Points
 *===----------------------------------------------------------------------===*/

/// Checks that operand `i` of `user` is an f32 tensor not quantized yet.
static bool checkFloatOperand(State *st, MlirOperation user, MlirValue v,
                              const char *what) {
  MlirLocation loc = mlirOperationGetLocation(user);
  MlirType t = mlirValueGetType(v);
  if (!mlirTypeIsARankedTensor(t) ||
      !mlirTypeIsAF32(mlirShapedTypeGetElementType(t))) {
    char buf[64];
    apErrorAt(st, loc,
              "%s of '%s' is not an f32 tensor: the pass takes float "
              "models (quantized types are expressed in f32)",
              what, apOpName(user, buf, sizeof buf));
    return false;
  }
  MlirValue look = v;
  if (apDefinedBy(look, "tensor.pad"))
    look = mlirOperationGetOperand(apDefiningOp(look), 0);
  if (apDefinedBy(look, "quant.dcast")) {
    char buf[64];
    apErrorAt(st, loc,
              "%s of '%s' is already quantized (quant.dcast): run the "
              "pass on float models only",
              what, apOpName(user, buf, sizeof buf));
    return false;
  }
  return true;
}

const Point *apFindPoint(const State *st, MlirOperation user,
                         intptr_t operand) {
  for (intptr_t i = 0; i < st->numPoints; ++i)
    if (mlirOperationEqual(st->points[i].user, user) &&
        st->points[i].operand == operand)
      return &st->points[i];
  return NULL;
}

/// Records a point. A run-time value reached through shape-only ops
/// (reshape, transpose, slice) gets a second pair of the same type in front
/// of the first of them, so the shape ops move quantized storage: a pending
/// per-channel bias cannot follow a reshape that merges the channel axis.
/// The pair at the operand itself (what Q1/Q2 ask for) then requantizes into
/// the same type, which the converter skips.
static void addPoint(State *st, MlirOperation user, intptr_t operand,
                     MlirValue value, MlirOperation pad, MlirType type) {
  GROW(st->points, st->numPoints, st->capPoints);
  st->points[st->numPoints++] = (Point){user, operand, value, pad, type};
  if (!mlirOperationIsNull(pad))
    return;
  MlirOperation first = {NULL};
  MlirValue source = value, next;
  for (int depth = 0; depth < 64; ++depth) {
    MlirOperation d = apDefiningOp(source);
    if (mlirOperationIsNull(d) || !cimIsShapeOnlyOp(d, &next))
      break;
    first = d;
    source = next;
  }
  if (mlirOperationIsNull(first) ||
      !mlirAttributeIsNull(apConstantValue(source)) ||
      apFindPoint(st, first, 0))
    return;
  GROW(st->points, st->numPoints, st->capPoints);
  st->points[st->numPoints++] = (Point){first, 0, source, {NULL}, type};
}

/// Q1: both operands of layer `i`.
static void layerPoints(State *st, intptr_t i) {
  MlirOperation op = st->layers[i];
  MlirLocation loc = mlirOperationGetLocation(op);
  char name[128];
  cimLayerGetName(op, i, name, sizeof name);
  /* The linalg verifier guarantees ins (2) and outs (1); the layer table
   * says which of them holds the weights. */
  assert(mlirOperationGetNumOperands(op) >= 3);
  CimLayerAxes ax;
  if (mlirLogicalResultIsFailure(cimLayerOpGetAxes(op, PASS, &ax))) {
    st->failed = true;
    return;
  }
  intptr_t actIdx = ax.actIdx, wtIdx = ax.weightIdx;
  MlirValue act = mlirOperationGetOperand(op, actIdx);
  MlirValue wt = mlirOperationGetOperand(op, wtIdx);
  if (!checkFloatOperand(st, op, act, "the activation operand") ||
      !checkFloatOperand(st, op, wt, "the weight operand"))
    return;
  const CimCalibrationEntry *cal = st->layerCal[i];

  /* Weights: constant -> max-abs; run time -> calibration or default. */
  MlirType wType;
  MlirOperation wPad = {NULL};
  MlirValue wVal = wt;
  if (!mlirAttributeIsNull(apConstantValue(wt))) {
    if (cal && cal->weights.set) {
      apErrorAt(st, loc,
                "calibration gives \"weights\" for layer '%s', whose "
                "weights are a constant (their scale comes from their "
                "values)",
                name);
      return;
    }
    if (!apConstantType(st, wt, st->wBits[i], loc, "the weight operand",
                        &wType))
      return;
  } else {
    wType = apRuntimeType(st, wt, st->wBits[i], cal ? &cal->weights : NULL);
  }

  /* Activations; a convolution's pad stays between the pair and the layer. */
  MlirOperation aPad = {NULL};
  MlirValue aVal = act;
  if (cimLayerOpIsConv(ax.def) && apDefinedBy(act, "tensor.pad")) {
    aPad = apDefiningOp(act);
    aVal = mlirOperationGetOperand(aPad, 0);
  }
  MlirType aType;
  if (!mlirAttributeIsNull(apConstantValue(aVal))) {
    if (!apConstantType(st, aVal, st->aBits[i], loc, "the activation operand",
                        &aType))
      return;
  } else {
    aType = apRuntimeType(st, aVal, st->aBits[i], cal ? &cal->input : NULL);
  }
  addPoint(st, op, actIdx, aVal, aPad, aType);
  addPoint(st, op, wtIdx, wVal, wPad, wType);
}

/// The calibration entry of "ops" named like `op` (or one of `extra`), or
/// NULL; marks it used.
static const CimCalibrationEntry *opCalibration(State *st, MlirOperation op,
                                                const MlirOperation *extra,
                                                intptr_t numExtra) {
  char name[256];
  bool named = apNameLocOf(op, name, sizeof name);
  for (intptr_t k = 0; !named && k < numExtra; ++k)
    named = apNameLocOf(extra[k], name, sizeof name);
  if (!named)
    return NULL;
  for (intptr_t i = 0; i < st->cal.numOps; ++i)
    if (strcmp(st->cal.ops[i].name, name) == 0) {
      st->opCalUsed[i] = true;
      return &st->cal.ops[i];
    }
  return NULL;
}

/// Q2: operand `i` of digital op `op` at digital-bits.
static void digitalPoint(State *st, MlirOperation op, intptr_t i,
                         const CimCalibrationEntry *cal) {
  MlirValue v = mlirOperationGetOperand(op, i);
  char what[48];
  snprintf(what, sizeof what, "operand %ld", (long)i);
  if (!checkFloatOperand(st, op, v, what))
    return;
  MlirType type;
  if (!mlirAttributeIsNull(apConstantValue(v))) {
    if (!apConstantType(st, v, st->digitalBits, mlirOperationGetLocation(op),
                        what, &type))
      return;
  } else {
    type = apRuntimeType(st, v, st->digitalBits, cal ? &cal->input : NULL);
  }
  addPoint(st, op, i, v, (MlirOperation){NULL}, type);
}

/// Q2 for tensor.concat: the converter concatenates storage of one type, so
/// every operand gets the same type: signed unless all are provably
/// non-negative, with the largest bound among them (constants: max |x|).
static void concatPoints(State *st, MlirOperation op,
                         const CimCalibrationEntry *cal) {
  MlirLocation loc = mlirOperationGetLocation(op);
  intptr_t n = mlirOperationGetNumOperands(op);
  bool anySigned = false;
  double bound = 0.0;
  for (intptr_t i = 0; i < n; ++i) {
    MlirValue v = mlirOperationGetOperand(op, i);
    char what[48];
    snprintf(what, sizeof what, "operand %ld", (long)i);
    if (!checkFloatOperand(st, op, v, what))
      return;
    bool isSigned = !apIsNonNegative(v, 0);
    anySigned = anySigned || isSigned;
    double b;
    MlirAttribute c = apConstantValue(v);
    if (!mlirAttributeIsNull(c)) {
      double minValue;
      if (!apConstantStats(c, &b, &minValue)) {
        apErrorAt(st, loc,
                  "%s is a constant with infinite or NaN elements; it "
                  "cannot be quantized",
                  what);
        return;
      }
    } else {
      CimRange r = cal && cal->input.set     ? cal->input
                   : apIsSoftmaxResult(v, 0) ? (CimRange){true, 0.0, 1.0}
                   : st->cal.defaultRange.set
                       ? st->cal.defaultRange
                       : (CimRange){true, -st->defaultRange, st->defaultRange};
      b = apRangeBound(r, isSigned);
    }
    bound = fmax(bound, b);
  }
  MlirType type = apMakeType(st, st->digitalBits, anySigned, bound);
  for (intptr_t i = 0; i < n; ++i)
    addPoint(st, op, i, mlirOperationGetOperand(op, i), (MlirOperation){NULL},
             type);
}

/// Q3: result `r` of a softmax (known range [0, 1]), layer norm or
/// non-linearity.
static void digitalResult(State *st, MlirOperation op, MlirValue r,
                          const CimCalibrationEntry *cal) {
  MlirType type =
      apRuntimeType(st, r, st->digitalBits, cal ? &cal->output : NULL);
  GROW(st->q3, st->numQ3, st->capQ3);
  st->q3[st->numQ3++] = (Q3Result){r, type, mlirOperationGetLocation(op)};
}

/// Number of data inputs of a linalg op (its `ins`), else all operands.
static intptr_t numInputs(MlirOperation op) {
  MlirAttribute seg = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("operandSegmentSizes"));
  if (!mlirAttributeIsNull(seg) && mlirAttributeIsADenseI32Array(seg))
    return mlirDenseI32ArrayGetElement(seg, 0);
  if (cimOpIsA(op, "linalg.softmax"))
    return 1;
  return mlirOperationGetNumOperands(op);
}

/// Ops that need nothing: they carry float values the converter handles as
/// they are (or that disappear), or are not tensor computations at all.
static bool passesThrough(MlirOperation op) {
  static const char *const names[] = {"arith.constant",
                                      "tensor.empty",
                                      "linalg.fill",
                                      "tensor.pad",
                                      "linalg.pooling_nchw_max",
                                      "linalg.pooling_nhwc_max",
                                      "linalg.pooling_nchw_sum",
                                      "linalg.pooling_nhwc_sum",
                                      "func.return",
                                      "func.func",
                                      "builtin.module",
                                      "linalg.yield",
                                      "tensor.yield"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
    if (cimOpIsA(op, names[i]))
      return true;
  return false;
}

/// True if `op` produces a float tensor (the ops the pass must understand).
static bool producesFloatTensor(MlirOperation op) {
  for (intptr_t i = 0; i < mlirOperationGetNumResults(op); ++i) {
    MlirType t = mlirValueGetType(mlirOperationGetResult(op, i));
    if (mlirTypeIsAShaped(t) &&
        mlirTypeIsAFloat(mlirShapedTypeGetElementType(t)))
      return true;
  }
  return false;
}

/// True if `op` is nested in a linalg op (a scalar body op).
static bool inLinalgBody(MlirOperation op) {
  MlirOperation parent = mlirOperationGetParentOperation(op);
  char buf[64];
  return !mlirOperationIsNull(parent) &&
         strncmp(apOpName(parent, buf, sizeof buf), "linalg.", 7) == 0;
}

/// True if the bias constant has a lower rank than the add's result (it is
/// broadcast by the indexing map), as the bias-add contract says.
static bool isBroadcast(CimBiasAdd bias, MlirOperation add) {
  MlirType c = mlirValueGetType(mlirOperationGetResult(bias.biasOp, 0));
  MlirType r = mlirValueGetType(mlirOperationGetResult(add, 0));
  return mlirShapedTypeGetRank(c) < mlirShapedTypeGetRank(r);
}

/// Marks the ops of every layer norm except its root as covered: the walk
/// meets the mean and variance reductions before the root that explains
/// them.
MlirWalkResult apCoverLayerNorms(MlirOperation op, void *userData) {
  State *st = userData;
  CimLayerNorm ln;
  if (inLinalgBody(op) || !cimMatchLayerNorm(op, &ln))
    return MlirWalkResultAdvance;
  for (intptr_t k = 0; k < CIM_LAYER_NORM_OPS; ++k)
    if (!mlirOperationEqual(ln.ops[k], op)) {
      GROW(st->covered, st->numCovered, st->capCovered);
      st->covered[st->numCovered++] = ln.ops[k];
    }
  return MlirWalkResultAdvance;
}

/// Classifies one op (program order) and records its points.
MlirWalkResult apClassify(MlirOperation op, void *userData) {
  WalkCtx *w = userData;
  State *st = w->st;
  if (st->failed)
    return MlirWalkResultInterrupt;
  if (inLinalgBody(op) || cimOpIsA(op, "quant.qcast") ||
      cimOpIsA(op, "quant.dcast"))
    return MlirWalkResultAdvance;
  if (cimIsLayerOp(op)) {
    layerPoints(st, w->nextLayer++);
    return MlirWalkResultAdvance;
  }
  if (apIsCovered(st, op) || passesThrough(op) || cimIsShapeOnlyOp(op, NULL))
    return MlirWalkResultAdvance;

  MlirValue in, lhs, rhs;
  double lo, hi, factor;
  int64_t axis;
  CimBiasAdd bias;
  CimLayerNorm ln;
  /* A bias add (a layer's result plus a constant broadcast along the output
   * channel by the indexing map) is folded by the converter. */
  if (cimMatchBiasAdd(op, &bias) && apIsLayerResult(st, bias.input) &&
      isBroadcast(bias, op))
    return MlirWalkResultAdvance;
  if (cimMatchClamp(op, &in, &lo, &hi) || cimMatchScalarScale(op, &in, &factor))
    return MlirWalkResultAdvance;
  if (cimOpIsA(op, "tensor.concat")) {
    concatPoints(st, op, opCalibration(st, op, NULL, 0));
    return MlirWalkResultAdvance;
  }
  if (cimMatchTensorAdd(op, &lhs, &rhs) || cimMatchBiasAdd(op, &bias)) {
    /* Q2: a tensor add (any add that is not a layer's bias add). */
    const CimCalibrationEntry *cal = opCalibration(st, op, NULL, 0);
    for (intptr_t i = 0; i < numInputs(op); ++i)
      digitalPoint(st, op, i, cal);
    return MlirWalkResultAdvance;
  }
  if (cimMatchSoftmax(op, &in, &axis)) {
    const CimCalibrationEntry *cal = opCalibration(st, op, NULL, 0);
    digitalPoint(st, op, 0, cal);
    digitalResult(st, op, mlirOperationGetResult(op, 0), cal);
    return MlirWalkResultAdvance;
  }
  if (cimMatchLayerNorm(op, &ln)) {
    /* The pattern's ops read the input x: one pair (same value and type)
     * serves them all. gamma and beta are parameters, not data. */
    const CimCalibrationEntry *cal =
        opCalibration(st, op, ln.ops, CIM_LAYER_NORM_OPS);
    for (intptr_t k = 0; k < CIM_LAYER_NORM_OPS; ++k) {
      MlirOperation part = ln.ops[k];
      for (intptr_t i = 0; i < numInputs(part); ++i)
        if (mlirValueEqual(mlirOperationGetOperand(part, i), ln.input))
          digitalPoint(st, part, i, cal);
    }
    digitalResult(st, op, mlirOperationGetResult(op, 0), cal);
    return MlirWalkResultAdvance;
  }
  if (cimMatchElementwiseUnary(op, &in)) {
    const CimCalibrationEntry *cal = opCalibration(st, op, NULL, 0);
    digitalPoint(st, op, 0, cal);
    digitalResult(st, op, mlirOperationGetResult(op, 0), cal);
    return MlirWalkResultAdvance;
  }
  if (producesFloatTensor(op)) {
    char buf[64];
    apErrorAt(
        st, mlirOperationGetLocation(op),
        "cannot classify '%s': it is not a matrix-vector layer, bias add, "
        "ReLU/clamp, scalar scale, tensor add, concat, pooling, shape "
        "op, softmax, layer norm or elementwise non-linearity, so there "
        "is no rule for where its quantization points go",
        apOpName(op, buf, sizeof buf));
    return MlirWalkResultInterrupt;
  }
  return MlirWalkResultAdvance;
}
