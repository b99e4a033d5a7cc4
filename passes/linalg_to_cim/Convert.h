/*===-- Convert.h - convert-linalg-to-cim internals (not installed) --------===*
 *
 * The converter walks one function in program order. Integer ops are replaced
 * in place (same types). Float values of a QDQ model get an *integer
 * representation* (docs/design.md, "Front end"):
 *
 *   v = s * (q - z + bias[c]), clamped to [lo, hi]   (real units)
 *
 * held in a CvRep; float ops are left in place until the end, when the
 * function signature and `func.return` are rewritten and every dead op the
 * conversion leaves behind is erased.
 *
 * Files: convert_linalg_to_cim.c (entry, dispatch, table row),
 * linalg_to_cim/core.c (state, values, constants, requantize),
 * layers.c (matrix-vector layers), elementwise.c (generics and named
 * elementwise ops), movement.c (pooling and data movement), boundary.c
 * (quant casts, arguments, results).
 *===----------------------------------------------------------------------===*/

#ifndef CIM_PASSES_LINALG_TO_CIM_CONVERT_H
#define CIM_PASSES_LINALG_TO_CIM_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlir-c/IR.h"

#include "ir/FrontEndMatch.h"

#define CV_MAX_RANK 8
#define CV_CACHE 4

/// A per-tensor quantized type (materialization target).
typedef struct CvQType {
  MlirType quantType; /* the !quant.uniform element type */
  unsigned bits;
  bool isSigned;
  int64_t qmin, qmax;
  double scale;
  int64_t zeroPoint;
} CvQType;

/// Integer representation of a float value.
typedef struct CvRep {
  MlirValue q;   /* integer tensor */
  bool storage;  /* q holds values of a quantized type (else accumulator) */
  unsigned bits; /* storage: quantized bits, signedness and range */
  bool isSigned;
  int64_t qmin, qmax;
  intptr_t numS; /* 1, or one scale per channel along `axis` */
  double *s;
  int64_t axis; /* channel axis of per-channel s / bias; -1 if none */
  int64_t axisSpan; /* channels index `axisSpan` adjacent dims from `axis`
                       (row-major): 2 for a grouped convolution's G, F */
  int64_t z;
  intptr_t numBias; /* 0, or one per channel along `axis` */
  int64_t *bias;
  double lo, hi;        /* pending clamp, real units (-inf / +inf: none) */
  MlirOperation layer;  /* q is this MVM layer's result and nothing else */
  MlirAttribute values; /* the dense integer attribute of a compile-time
                           constant q (borrowed from the context), or null */
  intptr_t numCache;
  MlirType cacheType[CV_CACHE];
  MlirValue cacheValue[CV_CACHE];
} CvRep;

/// What a retyped function argument becomes.
typedef struct CvArg {
  bool quantized;
  CvQType type;
} CvArg;

typedef struct CvMapEntry {
  const void *key;
  CvRep *rep;
} CvMapEntry;

typedef struct CvConverter {
  MlirContext ctx;
  MlirOperation func;
  MlirBlock block;
  MlirOperation at; /* new ops are inserted before this op */
  int64_t nextLayer;
  bool failed;
  CvMapEntry *map;
  intptr_t mapCap, mapSize;
  CvRep **reps;
  intptr_t numReps, capReps;
  CvArg *args;
  intptr_t numArgs;
  CimLayerNorm *norms; /* layer-norm patterns found before the walk */
  intptr_t numNorms;
} CvConverter;

/*===-- core.c ------------------------------------------------------------===*/

/// Frees everything the converter owns.
void cvDestroy(CvConverter *cv);
/// Emits `convert-linalg-to-cim: <message>` at `op` and marks failure.
void cvError(CvConverter *cv, MlirOperation op, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/// The op's name as a C string (borrowed from the context).
const char *cvOpName(MlirOperation op, char *buf, size_t size);

CvRep *cvGetRep(CvConverter *cv, MlirValue v);
/// A fresh per-tensor accumulator-like rep bound to `v` (overwrites).
CvRep *cvNewRep(CvConverter *cv, MlirValue v);
/// Copies everything but the cache and the `layer` link from `src`.
void cvCopyRep(CvRep *dst, const CvRep *src);
void cvSetScales(CvRep *r, intptr_t n, const double *s);
void cvSetBias(CvRep *r, intptr_t n, const int64_t *bias);
/// True if `r` is storage and nothing is pending.
bool cvRepIsPlainStorage(const CvRep *r);

/// Builds `name` before cv->at with one result.
MlirOperation cvBuild(CvConverter *cv, const char *name, MlirLocation loc,
                      intptr_t nOperands, const MlirValue *operands,
                      MlirType result, intptr_t nAttrs,
                      const MlirNamedAttribute *attrs);
MlirValue cvBuild1(CvConverter *cv, const char *name, MlirLocation loc,
                   intptr_t nOperands, const MlirValue *operands,
                   MlirType result, intptr_t nAttrs,
                   const MlirNamedAttribute *attrs);

MlirNamedAttribute cvNamedArray(MlirContext ctx, const char *name, intptr_t n,
                                const int64_t *values);
MlirType cvIntType(MlirContext ctx, unsigned bits);
/// Smallest signless width whose signed range holds [lo, hi].
unsigned cvSignedBitsFor(int64_t lo, int64_t hi);
/// A static ranked tensor type; `like`'s shape when shape is NULL.
MlirType cvTensorType(MlirContext ctx, intptr_t rank, const int64_t *shape,
                      MlirType elem);
/// Reads a static ranked tensor type. Fails on anything else.
bool cvReadShape(MlirType type, intptr_t *rank, int64_t *shape);
int64_t cvNumElements(intptr_t rank, const int64_t *shape);

/// An arith.constant of integer values (row-major) with the given shape.
MlirValue cvIntConstant(CvConverter *cv, MlirLocation loc, intptr_t rank,
                        const int64_t *shape, unsigned bits,
                        const int64_t *values);
/// An arith.constant of `bits`-bit integers from raw storage (Elements.h:
/// cimElementsStorageWidth(bits) bytes per element, low bits; one element
/// when `splat`). *attr (if not NULL) receives its dense attribute.
MlirValue cvRawConstant(CvConverter *cv, MlirLocation loc, intptr_t rank,
                        const int64_t *shape, unsigned bits, const void *raw,
                        bool splat, MlirAttribute *attr);
/// The integer constant `values` (dense or dense_resource, shape `shape`)
/// permuted by `perm` (NULL: not permuted) and given the shape `newShape`, as
/// a new dense `bits`-bit constant; storage is moved in bulk, a splat stays a
/// splat. *attr (if not NULL) receives the new attribute. Null (after an
/// error at `op`) if `values` cannot be read.
MlirValue cvTransformConstant(CvConverter *cv, MlirOperation op,
                              MlirAttribute values, intptr_t rank,
                              const int64_t *shape, const int64_t *perm,
                              intptr_t newRank, const int64_t *newShape,
                              unsigned bits, MlirAttribute *attr);
/// The `value` attribute of an `arith.constant` producing v, or null: a
/// scalar, a dense elements or a dense_resource elements attribute.
MlirAttribute cvConstantAttr(MlirValue v);
/// A scalar float constant (arith.constant or splat), looking through nothing.
bool cvScalarFloat(MlirValue v, double *out);
bool cvScalarInt(MlirValue v, int64_t *out);

/// Round half to even.
int64_t cvRne(double x);
/// Ratio r > 0 as multiplier / 2^shift (docs/design.md). False if r >= 2^31.
bool cvMultiplierShift(double r, int64_t *multiplier, int64_t *shift);

/// Reads a !quant.uniform element type: per-tensor into `t`. Emits at `op`.
bool cvReadQType(CvConverter *cv, MlirOperation op, MlirType quant,
                 CvQType *t);
/// Materializes `r` into the quantized type `t` (requantize; reused).
MlirValue cvMaterialize(CvConverter *cv, MlirOperation user, CvRep *r,
                        const CvQType *t);
/// The storage value of `r` with any pending clamp applied (cim.clamp).
/// Errors on accumulators.
MlirValue cvStorageValue(CvConverter *cv, MlirOperation user, CvRep *r,
                         const char *what);
/// Folds z, bias and the clamp of `r` into q (a requantize with multiplier 1):
/// afterwards r is an accumulator with z = 0 and nothing pending.
bool cvFlatten(CvConverter *cv, MlirOperation user, CvRep *r);
/// Data movement on q keeps everything else: a new rep for `result` with
/// q = newQ, channel axis `axis` (its span kept from src).
CvRep *cvForward(CvConverter *cv, MlirValue result, const CvRep *src,
                 MlirValue newQ, int64_t axis);

/// Permutes a row-major array of `width`-byte elements: out dim i = in dim
/// perm[i].
void cvPermute(intptr_t rank, const int64_t *shape, const int64_t *perm,
               size_t width, const void *in, void *out);

/*===-- layers.c ----------------------------------------------------------===*/

/// True if `op` is a matrix-vector layer form cimlir maps.
bool cvIsLayerOp(MlirOperation op);
bool cvConvertLayer(CvConverter *cv, MlirOperation op);

/*===-- elementwise.c -----------------------------------------------------===*/

/// linalg.generic / named elementwise ops. Returns false after an error.
bool cvConvertElementwise(CvConverter *cv, MlirOperation op);

/*===-- movement.c --------------------------------------------------------===*/

bool cvIsMovementOp(MlirOperation op);
bool cvConvertMovement(CvConverter *cv, MlirOperation op);
/// If x is a tensor.pad of only dims (hDim, wDim) with a constant, sets
/// padding [top, left, bottom, right], the padding constant and the source.
bool cvMatchPad(MlirValue x, intptr_t rank, int hDim, int wDim,
                int64_t padding[4], MlirAttribute *value, MlirValue *source);

/*===-- transformer.c -----------------------------------------------------===*/

bool cvConvertSoftmax(CvConverter *cv, MlirOperation op);
/// `op` is the final generic of the matched pattern `m`.
bool cvConvertLayerNorm(CvConverter *cv, MlirOperation op,
                        const CimLayerNorm *m);
/// `op` must match cimMatchElementwiseUnary: cim.lut.
bool cvConvertLut(CvConverter *cv, MlirOperation op);

/*===-- boundary.c --------------------------------------------------------===*/

/// Checks that every float tensor argument is used only by quant.qcast.
bool cvCheckArguments(CvConverter *cv);
bool cvConvertDcast(CvConverter *cv, MlirOperation op);
bool cvCheckQcast(CvConverter *cv, MlirOperation op);
/// Rewrites func.return and the function type (after everything else).
bool cvConvertReturn(CvConverter *cv, MlirOperation op);

#endif /* CIM_PASSES_LINALG_TO_CIM_CONVERT_H */
