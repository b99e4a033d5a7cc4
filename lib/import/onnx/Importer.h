/*===-- Importer.h - The ONNX importer's shared state and helpers --*- C -*-===*
 *
 * Internal to lib/import/onnx (not installed): the value table, constants,
 * quantization parameters and IR helpers shared by the importer's files:
 * onnx_import.c (value table, operator table, graph walk), emit.c
 * (diagnostics and IR helpers), tensors.c (TensorProto, attributes),
 * quant.c (quantization parameters), layers.c (conv / matmul cores, Conv,
 * MatMul, Gemm), ops_quant.c (QDQ and QOperator operators), ops_basic.c
 * (Relu, MaxPool, Flatten, Add, Identity, Constant), ops_float.c (pooling,
 * softmax, elementwise, normalization),
 * ops_shape.c (reshape, transpose, concat, gather, slice, shape chains) and
 * ops_transformer.c (layer norm, GELU, Erf, Pow, Equal, Where, Expand).
 * Every function reports its failure as one diagnostic at the node's
 * location (cimOnnxFail) and returns false / a null value.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_IMPORT_ONNX_IMPORTER_H
#define CIM_LIB_IMPORT_ONNX_IMPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlir-c/IR.h"
/* Generated into the build tree by protoc-c from Debian's onnx.proto. */
#include <onnx.pb-c.h>

#define MAX_RANK 8

enum {
  DT_FLOAT = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT,
  DT_UINT8 = ONNX__TENSOR_PROTO__DATA_TYPE__UINT8,
  DT_INT8 = ONNX__TENSOR_PROTO__DATA_TYPE__INT8,
  DT_UINT16 = ONNX__TENSOR_PROTO__DATA_TYPE__UINT16,
  DT_INT16 = ONNX__TENSOR_PROTO__DATA_TYPE__INT16,
  DT_INT32 = ONNX__TENSOR_PROTO__DATA_TYPE__INT32,
  DT_INT64 = ONNX__TENSOR_PROTO__DATA_TYPE__INT64,
  DT_BOOL = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL,
  DT_DOUBLE = ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE,
  DT_UINT32 = ONNX__TENSOR_PROTO__DATA_TYPE__UINT32,
  DT_UINT64 = ONNX__TENSOR_PROTO__DATA_TYPE__UINT64,
};

/*===----------------------------------------------------------------------===*
 * Values
 *===----------------------------------------------------------------------===*/

/// A constant tensor known at import time, every element as a double (exact
/// for float32 and for integers up to 2^53) in `v`. A float initializer used
/// only as the weight of Conv, Gemm or MatMul (input 1) is held as f32 in
/// `f` instead, with `v` NULL: at 4 bytes per element, the buffer
/// protobuf-c read it into, taken over (memory.c; docs/onnx.md, "Memory").
/// Only those three operators and the helpers they call (cimOnnxUseFloat,
/// cimOnnxConstAt) see such a constant.
typedef struct Const {
  int32_t dtype;
  int rank;
  int64_t dims[MAX_RANK];
  int64_t n;
  double *v;
  float *f; ///< cimOnnxBufAlloc'd; NULL unless `v` is
  /// An int8/uint8 constant narrowed by a Clip (a weight of fewer than 8
  /// bits, "QCDQ"): every value lies in [lo, hi], and a DequantizeLinear of
  /// it stores the narrowest type holding that range (docs/onnx.md,
  /// "Narrow storage").
  bool hasRange;
  int64_t lo, hi;
} Const;

/// Scale(s) and zero point(s) of a quantized tensor; n == 1 is per tensor,
/// otherwise one per index of dimension `axis`.
typedef struct QParams {
  int32_t dtype; ///< DT_UINT8 or DT_INT8
  int64_t n;
  double *scales;
  int64_t *zps;
  int axis;
  /// A storage range narrower than the type's (Clip of a quantized tensor,
  /// torch's (0, 127) activations, a clipped weight): [lo, hi] when
  /// hasRange. The quant type then stores the narrowest integer holding it
  /// (cimOnnxQuantElemType), which is how the compiler reads the bits.
  bool hasRange;
  int64_t lo, hi;
} QParams;

typedef enum Kind {
  K_CONST,  ///< only `c` (no IR yet)
  K_FLOAT,  ///< `v` is an f32 tensor
  K_QUANT,  ///< `v` is a !quant.uniform tensor with parameters `q`
  K_INTARG, ///< an integer graph input: `v` is its f32 block argument
} Kind;

typedef struct Value {
  char *name;
  int32_t dtype; ///< ONNX element type
  int rank;
  int64_t dims[MAX_RANK];
  Kind kind;
  MlirValue v;
  MlirValue deq; ///< K_QUANT: the dcast, made once
  QParams q;     ///< K_QUANT
  Const *c;      ///< constant value, if known
  /// DequantizeLinear of a constant: the integers and their parameters, kept
  /// so that a consumer can fold a transpose before materializing.
  Const *dqInt;
  QParams dqq;
  MlirValue mat; ///< materialization of `c` or of the DQ constant
  /// The Conv producing this value has its BatchNormalization folded in: the
  /// BatchNormalization node is an alias.
  bool bnFolded;
  /// DequantizeLinear of a tensor: the parameters it was read with (every
  /// value lies on their grid); scales == NULL otherwise.
  QParams grid;
  /// A constant held as f32 (Const.f): its uses as a layer weight not yet
  /// imported; the walk frees Const.f when the last one is done.
  int64_t weightUses;
} Value;

typedef struct Importer {
  MlirContext ctx;
  MlirBlock block;
  const char *sourceName;
  Value **vals;
  size_t nVals, capVals;
  size_t *hash; ///< open addressing, index + 1, 0 = empty
  size_t hashCap;
  MlirValue zero, negInf;  ///< cached scalar constants
  const uint8_t *fileBase; ///< for external data
  int64_t opset;           ///< version of the default (ai.onnx) domain
  /// Per node: the index of the BatchNormalization folded into that Conv
  /// node, or -1 (importModel fills it before the walk).
  long *bnOf;
  const Onnx__GraphProto *graph;
  size_t nodeIndex; ///< the node being imported
  /// Per node: already imported as part of a pattern (a layer norm or GELU
  /// decomposition, ops_transformer.c) or a Constant read ahead by one; the
  /// walk skips it.
  bool *done;
} Importer;

/*===----------------------------------------------------------------------===*
 * Memory (memory.c)
 *===----------------------------------------------------------------------===*/

/// Buffers of at least this many bytes are mappings of their own, returned
/// to the system when freed.
#define CIM_ONNX_BIG_BUFFER ((size_t)1 << 20)

/// A buffer for tensor data (any size; NULL when out of memory), freed with
/// cimOnnxBufFree (which accepts NULL). protobuf-c allocates through the
/// same pair, so a TensorProto's raw_data can be taken over.
void *cimOnnxBufAlloc(size_t size);
void cimOnnxBufFree(void *p);

/// The file mapping protobuf-c unpacks from, when the importer owns it:
/// its pages are dropped as tensors are copied out of it.
typedef struct CimOnnxUnpackState {
  const void *map;
  size_t mapSize;
} CimOnnxUnpackState;

/// protobuf-c's allocator over cimOnnxBufAlloc / cimOnnxBufFree; `state`
/// may be NULL (a caller's buffer is never touched).
ProtobufCAllocator cimOnnxProtobufAllocator(CimOnnxUnpackState *state);

/// Element `i` of constant `c`, held as doubles or as f32.
static inline double cimOnnxConstAt(const Const *c, int64_t i) {
  return c->v ? c->v[i] : (double)c->f[i];
}

typedef enum Body { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX_CAPTURE } Body;

typedef struct ConvGeom {
  int64_t pads[4], strides[2], dilations[2], kernel[2];
  int64_t group;
} ConvGeom;

typedef bool (*Handler)(Importer *I, const Onnx__NodeProto *n,
                        MlirLocation loc);

#define IN(var, idx)                                                           \
  bool var##Bad = false;                                                       \
  Value *var = cimOnnxInput(I, n, idx, loc, &var##Bad);                        \
  if (var##Bad)                                                                \
    return false;

#define REQUIRE(var, what)                                                     \
  if (!var)                                                                    \
    return cimOnnxFail(loc, "node '%s' (%s): missing input '%s'",              \
                       cimOnnxNodeName(n), n->op_type, what);

bool cimOnnxFail(MlirLocation loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cimOnnxConstFree(Const *c);
void cimOnnxQFree(QParams *q);
Value *cimOnnxLookup(Importer *I, const char *name);
Value *cimOnnxAddValue(Importer *I, const char *name);
MlirStringRef cimOnnxS(const char *s);
MlirType cimOnnxF32(Importer *I);
MlirNamedAttribute cimOnnxNA(Importer *I, const char *name, MlirAttribute a);
MlirType cimOnnxTensorOf(int rank, const int64_t *dims, MlirType elem);
MlirType cimOnnxF32Tensor(Importer *I, int rank, const int64_t *dims);
MlirOperation cimOnnxEmitIn(Importer *I, MlirBlock block, const char *name,
                            MlirLocation loc, intptr_t nOps,
                            const MlirValue *ops, intptr_t nRes,
                            const MlirType *res, intptr_t nAttrs,
                            const MlirNamedAttribute *attrs,
                            MlirRegion *region);
MlirValue cimOnnxEmit1(Importer *I, const char *name, MlirLocation loc,
                       intptr_t nOps, const MlirValue *ops, MlirType res,
                       intptr_t nAttrs, const MlirNamedAttribute *attrs);
MlirValue cimOnnxScalarF32(Importer *I, MlirLocation loc, double x);
MlirValue cimOnnxZeroF32(Importer *I, MlirLocation loc);
MlirValue cimOnnxConstF32(Importer *I, MlirLocation loc, int rank,
                          const int64_t *dims, const float *data, int64_t n);
MlirValue cimOnnxEmptyF32(Importer *I, MlirLocation loc, int rank,
                          const int64_t *dims);
MlirAttribute cimOnnxSegments(Importer *I, int32_t a, int32_t b);
MlirValue cimOnnxEmitNamed(Importer *I, const char *name, MlirLocation loc,
                           int nIns, const MlirValue *ins, MlirValue init,
                           int nExtra, const MlirNamedAttribute *extra);
MlirValue cimOnnxFillF32(Importer *I, MlirLocation loc, int rank,
                         const int64_t *dims, MlirValue scalar);
MlirValue cimOnnxEmitGeneric(Importer *I, MlirLocation loc, int nIns,
                             const MlirValue *ins, const char *const *maps,
                             int rank, const int64_t *outDims, Body body,
                             MlirValue capture);
void cimOnnxMapText(char *buf, size_t cap, int rank, const int *idx, int n);
void cimOnnxIdMap(char *buf, size_t cap, int rank);
MlirValue cimOnnxEmitPad(Importer *I, MlirLocation loc, MlirValue x,
                         const int64_t *dims, const int64_t *pads,
                         MlirValue value, int64_t *outDims);
MlirValue cimOnnxEmitCollapse(Importer *I, MlirLocation loc, MlirValue x,
                              int rank, const int *groupOf, int outRank,
                              const int64_t *outDims);
const char *cimOnnxDtypeName(int32_t t);
int cimOnnxElemSize(int32_t t);
Const *cimOnnxConstNew(int32_t dtype, int rank, const int64_t *dims);
/// Converts a TensorProto into a Const. `asF32`: a float tensor is held as
/// f32 (Const.f), taking over `t`'s raw_data or float_data buffer (which
/// `t` then no longer has) instead of converting it.
bool cimOnnxConstFromTensor(Importer *I, Onnx__TensorProto *t,
                            MlirLocation loc, bool asF32, Const **out);
const Onnx__AttributeProto *cimOnnxGetAttr(const Onnx__NodeProto *n,
                                           const char *name);
int64_t cimOnnxAttrInt(const Onnx__NodeProto *n, const char *name,
                       int64_t dflt);
double cimOnnxAttrFloat(const Onnx__NodeProto *n, const char *name,
                        double dflt);
int cimOnnxAttrInts(const Onnx__NodeProto *n, const char *name, int64_t *out,
                    int cap);
const char *cimOnnxNodeName(const Onnx__NodeProto *n);
Value *cimOnnxInput(Importer *I, const Onnx__NodeProto *n, size_t i,
                    MlirLocation loc, bool *bad);
Value *cimOnnxOutput(Importer *I, const Onnx__NodeProto *n, size_t i,
                     MlirLocation loc);
void cimOnnxSetShape(Value *v, int rank, const int64_t *dims);
bool cimOnnxDefineOutput(Importer *I, const Onnx__NodeProto *n,
                         MlirLocation loc, MlirValue y, int32_t dtype, int rank,
                         const int64_t *dims);
bool cimOnnxStorageRange(int32_t dt, int64_t *lo, int64_t *hi);
/// The narrowest integer storage holding [lo, hi]: unsigned `u<bits>` when
/// lo >= 0, else signed two's complement `i<bits>` (docs/onnx.md, "Narrow
/// storage"); at least 1 bit.
void cimOnnxNarrowStorage(int64_t lo, int64_t hi, unsigned *bits,
                          bool *isSigned);
bool cimOnnxReadQParams(const Onnx__NodeProto *n, MlirLocation loc,
                        const Value *scale, const Value *zp, int32_t storage,
                        int axis, int rankOfData, const int64_t *dataDims,
                        QParams *q);
bool cimOnnxQCopy(QParams *dst, const QParams *src);
bool cimOnnxQEqual(const QParams *a, const QParams *b);
MlirType cimOnnxQuantElemType(Importer *I, const QParams *q);
bool cimOnnxCheckZeroPoints(const Onnx__NodeProto *n, MlirLocation loc,
                            const QParams *q);
int64_t cimOnnxChannelOf(const Const *c, int axis, int64_t i);
MlirValue cimOnnxMaterializeDq(Importer *I, MlirLocation loc, const Const *qi,
                               const QParams *q);
MlirValue cimOnnxUseFloat(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, Value *v);
MlirValue cimOnnxUseDequantized(Importer *I, const Onnx__NodeProto *n,
                                MlirLocation loc, Value *v, const QParams *q,
                                const char *what);
MlirValue cimOnnxAddChannelBias(Importer *I, MlirLocation loc, MlirValue x,
                                int rank, const int64_t *dims, int axis,
                                const float *b);
bool cimOnnxReadConvGeom(const Onnx__NodeProto *n, MlirLocation loc,
                         const int64_t *xd, int64_t kh, int64_t kw, bool isPool,
                         ConvGeom *g);
bool cimOnnxAnyPad(const ConvGeom *g);
MlirValue cimOnnxConvCore(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc, MlirValue x, const int64_t *xd,
                          MlirValue w, const int64_t *wd, const float *bias,
                          int64_t *od, const Value *wv, const QParams *wq);
bool cimOnnxIsIntType(int32_t t);
float *cimOnnxBiasVector(const Onnx__NodeProto *n, MlirLocation loc,
                         const Value *b, int64_t nOut, double scale,
                         const double *perChannelScale);
bool cimOnnxDefineFloat(Importer *I, const Onnx__NodeProto *n, MlirLocation loc,
                        MlirValue y, int rank, const int64_t *dims);


/* ops_float.c: linalg.generic with a body built by the caller. */
/// Most inputs of cimOnnxGenericFn.
#define CIM_ONNX_MAX_GENERIC_INS 7
/// Builds the scalar body in `b` from its arguments (inputs then the
/// output's element) and returns the yielded value.
typedef MlirValue (*CimOnnxBodyFn)(Importer *I, MlirBlock b, MlirLocation loc,
                                   const MlirValue *args, const void *ud);
/// An f32 arith.constant `x` appended to block `b`.
MlirValue cimOnnxScalarIn(Importer *I, MlirBlock b, MlirLocation loc, double x);
/// The f32 binary op `name` (arith.addf, ...) of x and y appended to `b`.
MlirValue cimOnnxOp2(Importer *I, MlirBlock b, MlirLocation loc,
                     const char *name, MlirValue x, MlirValue y);
/// linalg.generic over `loops` loops (reduce[i]: a reduction loop; NULL: all
/// parallel) with inputs `ins` (maps[i], at most CIM_ONNX_MAX_GENERIC_INS)
/// and output `init` (maps[nIns]); `fn` builds the body.
MlirValue cimOnnxGenericFn(Importer *I, MlirLocation loc, int nIns,
                           const MlirValue *ins, const char *const *maps,
                           int loops, const bool *reduce, MlirValue init,
                           CimOnnxBodyFn fn, const void *ud);
/// Index into constant `v` (numpy broadcast, right-aligned into rank r with
/// dims od) of the row-major output element o.
int64_t cimOnnxBcastIndex(const Const *v, int r, const int64_t *od, int64_t o);
/// The Constant handler (onnx_import.c).
bool cimOnnxConstantOp(Importer *I, const Onnx__NodeProto *n, MlirLocation loc);
/// ops_transformer.c: imports the layer-norm or GELU decomposition that
/// starts at node `n` (index I->nodeIndex) in one piece and marks its other
/// nodes done. 0: `n` starts no such pattern (nothing emitted, no
/// diagnostic); 1: imported; -1: failed (diagnostic emitted).
int cimOnnxFusePattern(Importer *I, const Onnx__NodeProto *n, MlirLocation loc);

/// A per-tensor QParams of `dtype` with scale 1 and zero point `zp`.
QParams cimOnnxQUnit(int32_t dtype, int64_t zp);
/// A weight with zero points re-centred to symmetric storage (docs/onnx.md,
/// "Asymmetric weights"): *split when its rows were doubled along `kAxis`
/// (the activation is then fed twice: cimOnnxConcatSelf); `wd` receives the
/// weight's shape.
MlirValue cimOnnxUseWeightSymmetric(Importer *I, const Onnx__NodeProto *n,
                                    MlirLocation loc, Value *w,
                                    const QParams *q, int kAxis, bool *split,
                                    int64_t *wd);
/// tensor.concat of `x` with itself along `axis`; `outDims` its shape.
MlirValue cimOnnxConcatSelf(Importer *I, MlirLocation loc, MlirValue x,
                            int rank, const int64_t *dims, int axis,
                            int64_t *outDims);
/// linalg.matmul / batch_matmul of a [ra] x b [rb] (2x2, 3x3 with one batch,
/// 3x2 as collapse + matmul + expand); the result's rank and dims.
MlirValue cimOnnxMatmulCore(Importer *I, const Onnx__NodeProto *n,
                            MlirLocation loc, MlirValue a, int ra,
                            const int64_t *ad, MlirValue b, int rb,
                            const int64_t *bd, int *ro, int64_t *od);
/// Uses of value `name` as a node input or graph output.
size_t cimOnnxUses(const Onnx__GraphProto *g, const char *name);

/* Operator handlers outside onnx_import.c (ONNX_OPS lists them). */
bool cimOnnxAlias(Importer *I, const Onnx__NodeProto *n, MlirLocation loc);
bool cimOnnxDefineConst(Importer *I, const Onnx__NodeProto *n, MlirLocation loc,
                        Const *c);
/// `x` (f32, dims) reshaped to outDims (same element count): itself, a
/// tensor.collapse_shape, a tensor.expand_shape, or a collapse to one
/// dimension followed by an expand.
MlirValue cimOnnxReshape(Importer *I, MlirLocation loc, MlirValue x, int rank,
                         const int64_t *dims, int outRank,
                         const int64_t *outDims);
bool cimOnnxBinary(Importer *I, const Onnx__NodeProto *n, MlirLocation loc,
                   int kind);
bool cimOnnxBatchNormParams(const Onnx__NodeProto *n, MlirLocation loc,
                            Value *const *in, int64_t channels, double *s,
                            double *t);
#define CIM_ONNX_HANDLER(NAME)                                                 \
  bool NAME(Importer *I, const Onnx__NodeProto *n, MlirLocation loc);
CIM_ONNX_HANDLER(cimOnnxQuantizeLinear)
CIM_ONNX_HANDLER(cimOnnxDequantizeLinear)
CIM_ONNX_HANDLER(cimOnnxConv)
CIM_ONNX_HANDLER(cimOnnxMatMul)
CIM_ONNX_HANDLER(cimOnnxGemm)
CIM_ONNX_HANDLER(cimOnnxQLinearConv)
CIM_ONNX_HANDLER(cimOnnxQLinearMatMul)
CIM_ONNX_HANDLER(cimOnnxQLinearAdd)
CIM_ONNX_HANDLER(cimOnnxMatMulInteger)
CIM_ONNX_HANDLER(cimOnnxConvInteger)
CIM_ONNX_HANDLER(cimOnnxRelu)
CIM_ONNX_HANDLER(cimOnnxMaxPool)
CIM_ONNX_HANDLER(cimOnnxFlatten)
CIM_ONNX_HANDLER(cimOnnxAdd)
CIM_ONNX_HANDLER(cimOnnxReshapeOp)
CIM_ONNX_HANDLER(cimOnnxUnsqueeze)
CIM_ONNX_HANDLER(cimOnnxSqueeze)
CIM_ONNX_HANDLER(cimOnnxTranspose)
CIM_ONNX_HANDLER(cimOnnxConcat)
CIM_ONNX_HANDLER(cimOnnxGather)
CIM_ONNX_HANDLER(cimOnnxSlice)
CIM_ONNX_HANDLER(cimOnnxShape)
CIM_ONNX_HANDLER(cimOnnxConstantOfShape)
CIM_ONNX_HANDLER(cimOnnxCast)
CIM_ONNX_HANDLER(cimOnnxDropout)
CIM_ONNX_HANDLER(cimOnnxSub)
CIM_ONNX_HANDLER(cimOnnxMul)
CIM_ONNX_HANDLER(cimOnnxDiv)
CIM_ONNX_HANDLER(cimOnnxSqrt)
CIM_ONNX_HANDLER(cimOnnxReduceMean)
CIM_ONNX_HANDLER(cimOnnxClip)
CIM_ONNX_HANDLER(cimOnnxSoftmax)
CIM_ONNX_HANDLER(cimOnnxAveragePool)
CIM_ONNX_HANDLER(cimOnnxGlobalAveragePool)
CIM_ONNX_HANDLER(cimOnnxBatchNorm)
CIM_ONNX_HANDLER(cimOnnxLayerNorm)
CIM_ONNX_HANDLER(cimOnnxErf)
CIM_ONNX_HANDLER(cimOnnxPow)
CIM_ONNX_HANDLER(cimOnnxEqual)
CIM_ONNX_HANDLER(cimOnnxWhere)
CIM_ONNX_HANDLER(cimOnnxExpand)
#undef CIM_ONNX_HANDLER

#endif /* CIM_LIB_IMPORT_ONNX_IMPORTER_H */
