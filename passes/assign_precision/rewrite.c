/*===-- rewrite.c - cim-assign-precision: the rewrite ---------------------===*/

#include "AssignPrecisionInternal.h"

/*===----------------------------------------------------------------------===*
 * Rewrite
 *===----------------------------------------------------------------------===*/

static MlirType tensorOf(MlirType like, MlirType elem) {
  intptr_t rank = mlirShapedTypeGetRank(like);
  int64_t *shape = malloc((size_t)(rank ? rank : 1) * sizeof *shape);
  if (!shape)
    abort();
  for (intptr_t i = 0; i < rank; ++i)
    shape[i] = mlirShapedTypeGetDimSize(like, i);
  MlirType t = mlirRankedTensorTypeGet(rank, shape, elem,
                                       mlirRankedTensorTypeGetEncoding(like));
  free(shape);
  return t;
}

static MlirOperation makeCast(const char *name, MlirValue in,
                              MlirType resultType, MlirLocation loc) {
  MlirOperationState s =
      mlirOperationStateGet(mlirStringRefCreateFromCString(name), loc);
  mlirOperationStateAddOperands(&s, 1, &in);
  mlirOperationStateAddResults(&s, 1, &resultType);
  return mlirOperationCreate(&s);
}

/// Where the pairs of block arguments go: after the previous one of the same
/// block, so that they come out in argument order.
typedef struct ArgCursor {
  MlirBlock block;
  MlirOperation last;
} ArgCursor;

/// Inserts dcast(qcast(x)) of element type `q`: before `before` when it is
/// not null, else right after x's definition (for a block argument: at the
/// start of the block, after earlier argument pairs). Returns the dcast's
/// result.
static MlirValue insertPair(MlirValue x, MlirType q, MlirLocation loc,
                            MlirOperation before, ArgCursor *cursor) {
  MlirType floatType = mlirValueGetType(x);
  MlirOperation qc = makeCast("quant.qcast", x, tensorOf(floatType, q), loc);
  MlirOperation dc =
      makeCast("quant.dcast", mlirOperationGetResult(qc, 0), floatType, loc);
  if (!mlirOperationIsNull(before)) {
    MlirBlock b = mlirOperationGetBlock(before);
    mlirBlockInsertOwnedOperationBefore(b, before, qc);
    mlirBlockInsertOwnedOperationBefore(b, before, dc);
  } else if (mlirValueIsAOpResult(x)) {
    MlirOperation def = mlirOpResultGetOwner(x);
    MlirBlock b = mlirOperationGetBlock(def);
    mlirBlockInsertOwnedOperationAfter(b, def, qc);
    mlirBlockInsertOwnedOperationAfter(b, qc, dc);
  } else {
    MlirBlock b = mlirBlockArgumentGetOwner(x);
    if (!mlirBlockEqual(cursor->block, b))
      *cursor = (ArgCursor){b, {NULL}};
    if (mlirOperationIsNull(cursor->last))
      mlirBlockInsertOwnedOperation(b, 0, qc);
    else
      mlirBlockInsertOwnedOperationAfter(b, cursor->last, qc);
    mlirBlockInsertOwnedOperationAfter(b, qc, dc);
    cursor->last = dc;
  }
  return mlirOperationGetResult(dc, 0);
}

/// Q3: does every use of `r`, through shape-only ops, already get a pair of
/// one type? Then that pair is the qcast Q3 asks for and nothing is added.
static bool usersAgree(const State *st, MlirValue r, MlirType *common,
                       int depth) {
  if (depth > 16)
    return false;
  for (MlirOpOperand u = mlirValueGetFirstUse(r); !mlirOpOperandIsNull(u);
       u = mlirOpOperandGetNextUse(u)) {
    MlirOperation user = mlirOpOperandGetOwner(u);
    intptr_t idx = (intptr_t)mlirOpOperandGetOperandNumber(u);
    if (cimIsShapeOnlyOp(user, NULL) && idx == 0) {
      if (!usersAgree(st, mlirOperationGetResult(user, 0), common, depth + 1))
        return false;
      continue;
    }
    const Point *p = apFindPoint(st, user, idx);
    if (!p || !mlirOperationIsNull(p->pad))
      return false;
    if (!mlirTypeIsNull(*common) && !mlirTypeEqual(*common, p->type))
      return false;
    *common = p->type;
  }
  return true;
}

void apRewrite(State *st) {
  ArgCursor cursor = {{NULL}, {NULL}};
  /* Shared pairs of run-time values: (value, type) -> dcast result. Q3
   * pairs go in first, so a point of the same type reuses them. */
  intptr_t cap = st->numPoints + st->numQ3 + 1;
  MlirValue *sharedFrom = malloc((size_t)cap * sizeof *sharedFrom);
  MlirType *sharedType = malloc((size_t)cap * sizeof *sharedType);
  MlirValue *sharedTo = malloc((size_t)cap * sizeof *sharedTo);
  if (!sharedFrom || !sharedType || !sharedTo)
    abort();
  intptr_t numShared = 0;

  /* Q3 results whose users disagree get their own pair first; the points
   * reading them then read the pair's dcast. */
  for (intptr_t k = 0; k < st->numQ3; ++k) {
    Q3Result *q = &st->q3[k];
    MlirType common = {NULL};
    if (usersAgree(st, q->value, &common, 0) && !mlirTypeIsNull(common))
      continue;
    /* Collect the uses before the pair adds one. */
    intptr_t numUses = 0, useCap = 0;
    MlirOpOperand *uses = NULL;
    for (MlirOpOperand u = mlirValueGetFirstUse(q->value);
         !mlirOpOperandIsNull(u); u = mlirOpOperandGetNextUse(u)) {
      GROW(uses, numUses, useCap);
      uses[numUses++] = u;
    }
    MlirOperation *owners =
        malloc((size_t)(numUses ? numUses : 1) * sizeof *owners);
    unsigned *numbers =
        malloc((size_t)(numUses ? numUses : 1) * sizeof *numbers);
    if (!owners || !numbers)
      abort();
    for (intptr_t i = 0; i < numUses; ++i) {
      owners[i] = mlirOpOperandGetOwner(uses[i]);
      numbers[i] = mlirOpOperandGetOperandNumber(uses[i]);
    }
    free(uses);
    MlirValue d =
        insertPair(q->value, q->type, q->loc, (MlirOperation){NULL}, &cursor);
    for (intptr_t i = 0; i < numUses; ++i)
      mlirOperationSetOperand(owners[i], numbers[i], d);
    free(owners);
    free(numbers);
    for (intptr_t i = 0; i < st->numPoints; ++i)
      if (mlirValueEqual(st->points[i].value, q->value))
        st->points[i].value = d;
    /* A user wanting the same type reads the dcast as it is. */
    sharedFrom[numShared] = d;
    sharedType[numShared] = q->type;
    sharedTo[numShared++] = d;
  }

  for (intptr_t i = 0; i < st->numPoints; ++i) {
    Point *p = &st->points[i];
    MlirOperation target = p->user;
    intptr_t idx = p->operand;
    if (!mlirOperationIsNull(p->pad)) {
      MlirValue padded = mlirOperationGetResult(p->pad, 0);
      MlirOpOperand first = mlirValueGetFirstUse(padded);
      bool single = !mlirOpOperandIsNull(first) &&
                    mlirOpOperandIsNull(mlirOpOperandGetNextUse(first));
      if (single) {
        target = p->pad;
      } else {
        /* The pad has other users: this layer gets its own copy. */
        MlirOperation copy = mlirOperationClone(p->pad);
        mlirBlockInsertOwnedOperationBefore(mlirOperationGetBlock(p->user),
                                            p->user, copy);
        mlirOperationSetOperand(p->user, p->operand,
                                mlirOperationGetResult(copy, 0));
        target = copy;
      }
      idx = 0;
    }
    MlirLocation loc = mlirOperationGetLocation(p->user);
    MlirValue d = {NULL};
    if (!mlirAttributeIsNull(apConstantValue(p->value))) {
      d = insertPair(p->value, p->type, loc, target, &cursor);
    } else {
      for (intptr_t k = 0; k < numShared && mlirValueIsNull(d); ++k)
        if (mlirValueEqual(sharedFrom[k], p->value) &&
            mlirTypeEqual(sharedType[k], p->type))
          d = sharedTo[k];
      if (mlirValueIsNull(d)) {
        d = insertPair(p->value, p->type, loc, (MlirOperation){NULL}, &cursor);
        sharedFrom[numShared] = p->value;
        sharedType[numShared] = p->type;
        sharedTo[numShared++] = d;
      }
    }
    mlirOperationSetOperand(target, idx, d);
  }
  free(sharedFrom);
  free(sharedType);
  free(sharedTo);
}
