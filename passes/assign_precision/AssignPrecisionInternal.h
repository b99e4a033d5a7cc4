/*===-- AssignPrecisionInternal.h - cim-assign-precision's parts -*- C -*-===*
 *
 * The state of one run of cim-assign-precision (passes/assign_precision.c)
 * and the functions its parts share, one part per phase:
 *   helpers.c    diagnostics and small IR queries
 *   types.c      constants, value ranges and the quantized types
 *   points.c     classifying every float op, recording the operands to
 *                quantize (points)
 *   bits.c       bits per layer (policy, uniform options, constraints) and
 *                calibration entries per layer
 *   rewrite.c    inserting the quant.qcast / quant.dcast pairs
 *===----------------------------------------------------------------------===*/

#ifndef CIM_PASSES_ASSIGN_PRECISION_INTERNAL_H
#define CIM_PASSES_ASSIGN_PRECISION_INTERNAL_H

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Passes.h"
#include "cim-c/Policy.h"
#include "cim-c/Target.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/Quant.h"
#include "mlir-c/IR.h"

#include "../AssignPrecision.h"
#include "cost/Calibration.h"
#include "ir/Elements.h"
#include "ir/FrontEndMatch.h"
#include "ir/LayerInfo.h"
#include "ir/LayerRegistry.h"
#include "ir/PassUtils.h"
#include "support/StrBuf.h"

#define PASS "cim-assign-precision"

/*===----------------------------------------------------------------------===*
 * State
 *===----------------------------------------------------------------------===*/

/// One operand to quantize: operand `operand` of `user` becomes
/// dcast(qcast(value)) of type `type`; with `pad`, the pair goes in front of
/// that tensor.pad (value is the pad's source).
typedef struct Point {
  MlirOperation user;
  intptr_t operand;
  MlirValue value;
  MlirOperation pad;
  MlirType type; /* element type: !quant.uniform */
} Point;

/// A result that Q3 wants behind a qcast of one type (softmax, layer norm,
/// elementwise non-linearity), with the type it gets when its users do not
/// already agree on one.
typedef struct Q3Result {
  MlirValue value;
  MlirType type;
  MlirLocation loc;
} Q3Result;

typedef struct State {
  MlirContext ctx;
  MlirLocation moduleLoc;
  const CimPassOptions *options;
  CimPolicy givenPolicy; /* cimAssignPrecisionWithPolicy's, or null */
  bool failed;
  /* Layers in program order and their bits. */
  MlirOperation *layers;
  intptr_t numLayers;
  int64_t *wBits, *aBits;
  /* Calibration: entry per layer (or NULL), used flags for op entries. */
  CimCalibration cal;
  const CimCalibrationEntry **layerCal;
  bool *opCalUsed;
  double defaultRange;
  int64_t digitalBits;
  /* Ops already accounted for as part of a matched pattern (layer norm). */
  MlirOperation *covered;
  intptr_t numCovered, capCovered;
  Point *points;
  intptr_t numPoints, capPoints;
  Q3Result *q3;
  intptr_t numQ3, capQ3;
} State;

#define GROW(arr, n, cap)                                                      \
  do {                                                                         \
    if ((n) == (cap)) {                                                        \
      intptr_t c_ = (cap) ? (cap)*2 : 32;                                      \
      void *g_ = realloc((arr), (size_t)c_ * sizeof *(arr));                   \
      if (!g_)                                                                 \
        abort();                                                               \
      (arr) = g_;                                                              \
      (cap) = c_;                                                              \
    }                                                                          \
  } while (0)

void apErrorAt(State *st, MlirLocation loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void apEmitAtModule(MlirStringRef s, void *userData);
const char *apOpName(MlirOperation op, char *buf, size_t size);
bool apNameLocOf(MlirOperation op, char *buf, size_t size);
MlirOperation apDefiningOp(MlirValue v);
bool apDefinedBy(MlirValue v, const char *name);
bool apIsCovered(const State *st, MlirOperation op);
bool apIsLayerResult(const State *st, MlirValue v);
MlirAttribute apConstantValue(MlirValue v);
bool apConstantStats(MlirAttribute a, double *maxAbs, double *minValue);
bool apIsNonNegative(MlirValue v, int depth);
MlirType apMakeType(State *st, int64_t bits, bool isSigned, double bound);
double apRangeBound(CimRange r, bool isSigned);
bool apConstantType(State *st, MlirValue v, int64_t bits, MlirLocation loc,
                    const char *what, MlirType *type);
bool apIsSoftmaxResult(MlirValue v, int depth);
MlirType apRuntimeType(State *st, MlirValue v, int64_t bits,
                       const CimRange *given);
const Point *apFindPoint(const State *st, MlirOperation user, intptr_t operand);
MlirWalkResult apCoverLayerNorms(MlirOperation op, void *userData);
MlirWalkResult apClassify(MlirOperation op, void *userData);
bool apAssignBits(State *st, MlirOperation module);
bool apResolveCalibration(State *st);
void apRewrite(State *st);

/// The walk state of apClassify: layers are numbered in program order.
typedef struct WalkCtx {
  State *st;
  intptr_t nextLayer;
} WalkCtx;

#endif /* CIM_PASSES_ASSIGN_PRECISION_INTERNAL_H */
