/*===-- FrontEndMatch.h - Float-graph matchers, integer parameters (internal) ===*
 *
 * Shared by convert-linalg-to-cim and cim-assign-precision, so that both
 * recognise the same float patterns (docs/design.md, "Front end"), and by
 * the converter for the exact integer parameters of the digital cim ops
 * (docs/dialects/cim.md, "Digital ops").
 *
 * Matchers look at float (f32) linalg on ranked tensors. Each one returns
 * false *without touching the IR* (and without emitting a diagnostic) when
 * `op` is not the pattern; the out-parameters are then unspecified. A
 * "constant" below is a value produced by `arith.constant`: a dense float
 * elements attribute for tensors, a FloatAttr for scalars. Scalar constants
 * used in a `linalg.generic` body may be defined in the body or captured
 * from above.
 *
 * Parameter functions are pure C (no IR): they take the quantized types as
 * CimQParams and return false on impossible inputs; the caller reports the
 * error at its op.
 *
 * Sources: lib/ir/front_end/match.c (matchers), lib/ir/front_end/eval.c (body
 * evaluator, LUT), lib/ir/front_end/params.c (integer parameters).
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_FRONTENDMATCH_H
#define CIM_LIB_FRONTENDMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * Matchers
 *===----------------------------------------------------------------------===*/

/// A bias add: `input + bias`, bias a constant that varies along at most one
/// dimension of the result.
typedef struct CimBiasAdd {
  MlirValue input;    /// the non-constant operand (same shape as the result)
  MlirAttribute bias; /// the constant's DenseElementsAttr (f32), as written
  MlirOperation biasOp; /// the arith.constant producing it
  /// Result dimension the bias varies along; for a uniform (splat or
  /// all-equal) bias: the result dimension its indexing map broadcasts from
  /// when the constant is rank 1, else -1.
  int64_t channelDim;
  /// Size of result dimension `channelDim` (1 when channelDim is -1).
  int64_t channels;
  /// Dimension of the constant `bias` that maps to channelDim (-1 when
  /// channelDim is -1); read values with cimBiasAddGetValue.
  int64_t biasDim;
} CimBiasAdd;

/// Matches an add of a non-constant tensor and a constant that varies only
/// along one result dimension, broadcast through the indexing map:
/// `linalg.generic` (all parallel, output map identity, the input's map
/// identity, the constant's map a projected permutation, body exactly
/// `arith.addf` of the two block arguments in either order + yield) or
/// `linalg.add` (same-shape operands; the constant is then inspected
/// element by element). Whether `input` is a matrix-vector layer's result is
/// the caller's business. A uniform constant of the full shape also matches
/// cimMatchTensorAdd; the caller decides by the bias-add contract.
bool cimMatchBiasAdd(MlirOperation op, CimBiasAdd *m);

/// Bias value of channel `c` (0 <= c < m->channels), as double. For
/// channelDim -1 (uniform bias) `c` must be 0.
double cimBiasAddGetValue(const CimBiasAdd *m, int64_t c);

/// Matches an elementwise clamp: `linalg.generic` (all parallel, identity
/// maps, one input) whose body is a chain of `arith.maximumf`/`maxnumf`
/// (lower bound) and `arith.minimumf`/`minnumf` (upper bound) of the input
/// element against scalar constants, in any order and nesting depth >= 1.
/// ReLU gives lo = 0, hi = +inf; ReLU6 lo = 0, hi = 6. Several bounds of one
/// kind combine (max of the lower bounds, min of the upper ones). Fails when
/// lo > hi or a bound is NaN.
bool cimMatchClamp(MlirOperation op, MlirValue *input, double *lo, double *hi);

/// Matches an elementwise multiply or divide by a scalar: `linalg.generic`
/// (all parallel, output map identity) whose body is one `arith.mulf` /
/// `arith.divf` of the input element and either a scalar constant or the
/// element of a second input that is a splat constant tensor (any map);
/// also `linalg.mul` / `linalg.div` with a splat constant operand. For
/// divide only `x / c` matches (not `c / x`). `*factor` is what the value is
/// multiplied by (1/c for a divide, computed in double). Fails on a zero,
/// infinite or NaN constant.
bool cimMatchScalarScale(MlirOperation op, MlirValue *input, double *factor);

/// Like cimMatchScalarScale, and also says whether it is a divide and gives
/// the constant as written (`x / 49.0` -> isDivide, constant 49).
bool cimMatchScalarScaleEx(MlirOperation op, MlirValue *input, double *factor,
                           bool *isDivide, double *constant);

/// Matches an elementwise add of two same-shaped tensors with identity maps
/// (residual add, positional embedding): `linalg.generic` (all parallel,
/// three identity maps, body `arith.addf` of both block arguments) or
/// `linalg.add`. Operands may be constants.
bool cimMatchTensorAdd(MlirOperation op, MlirValue *lhs, MlirValue *rhs);

/// An average pool: a sum pool followed by a divide by its window size.
typedef struct CimAvgPool {
  MlirValue input;        /// the pool's input (may be a tensor.pad result:
                          /// the caller handles padding)
  bool nhwc;              /// layout: false = nchw, true = nhwc
  int64_t window[2];      /// [kh, kw], from the window operand's shape
  int64_t strides[2];     /// [h, w]
  int64_t dilations[2];   /// [h, w]
  MlirOperation pool;     /// linalg.pooling_nchw_sum / pooling_nhwc_sum
  MlirOperation divide;   /// the scalar-scale op (== the matched op)
} CimAvgPool;

/// Matches `divOp`, a scalar scale (cimMatchScalarScaleEx) that divides by
/// exactly kh*kw (or multiplies by a constant c with (float)(c*kh*kw) == 1),
/// whose input is the result of `linalg.pooling_nchw_sum` /
/// `pooling_nhwc_sum` that is used only by `divOp` and whose init (outs) is a
/// `linalg.fill` of 0.0 or a zero splat constant.
bool cimMatchAvgPool(MlirOperation divOp, CimAvgPool *m);

/// Ops of a layer-norm pattern, in program order: mean init fill, mean
/// reduction, variance init fill, variance reduction, the final generic.
#define CIM_LAYER_NORM_OPS 5

/// A layer norm (the three-generic form of examples/models/vitb32.mlir).
typedef struct CimLayerNorm {
  MlirValue input;      /// x, the normalized tensor
  int64_t axis;         /// the normalized dimension of x
  int64_t n;            /// its size
  double eps;           /// from the final body's constant
  MlirAttribute gamma;  /// dense f32 constant (rank 1 of size n, or splat)
  MlirAttribute beta;   /// dense f32 constant (rank 1 of size n, or splat)
  /// The pattern's ops in program order (see CIM_LAYER_NORM_OPS), so callers
  /// can skip them or erase them in reverse order. A fill with other users
  /// is shared, not part of the pattern: its entry is then a null op.
  /// Constants (gamma, beta) and tensor.empty ops are never included.
  MlirOperation ops[CIM_LAYER_NORM_OPS];
} CimLayerNorm;

/// Matches a layer norm from its final generic `root` back:
///   mean = generic(x) reduction over `axis`, body `acc + x / n` (n == the
///          size of `axis`), init a linalg.fill of 0.0;
///   var  = generic(x, mean) reduction over `axis`, body
///          `acc + ((x - mean) * (x - mean)) / n`, init a fill of 0.0;
///   root = generic(x, mean, var, gamma, beta) all parallel, body
///          `((x - mean) * rsqrt(var + eps)) * gamma + beta`.
/// Maps: x identity, mean/var the identity without `axis`, gamma/beta
/// `(d...) -> (d_axis)`. The same x everywhere, the same mean in var and
/// root, mean used only by var and root, var only by root; commutative
/// operands (addf, mulf) in either order. gamma and beta are constants.
bool cimMatchLayerNorm(MlirOperation root, CimLayerNorm *m);

/// gamma (or beta) value of element `i` (0 <= i < n) of a matched layer
/// norm's constant `attr` (splat or rank 1).
double cimLayerNormConstGet(MlirAttribute attr, int64_t i);

/// Matches an elementwise unary function: `linalg.generic`, all parallel,
/// identity maps, one tensor input (f32), whose body computes the yielded
/// value from the input element and scalar constants with supported ops
/// only: arith.addf/subf/mulf/divf/negf/maximumf/minimumf/maxnumf/minnumf/
/// constant, math.erf/exp/tanh/rsqrt/sqrt/absf/log/powf. GELU (exact, erf
/// form) is the main case. A body that yields the input itself, or a
/// constant, matches too (the caller may reject it).
bool cimMatchElementwiseUnary(MlirOperation op, MlirValue *input);

/// Matches `linalg.softmax`; `*axis` is its `dimension`.
bool cimMatchSoftmax(MlirOperation op, MlirValue *input, int64_t *axis);

/// True for the ops that only move data (both callers classify the same
/// way): tensor.collapse_shape, tensor.expand_shape (static shapes: no
/// dynamic operands), linalg.transpose, tensor.extract_slice with static
/// offsets, sizes and unit strides. `*source` (may be NULL)
/// receives the moved tensor. tensor.pad is not shape-only (it adds values).
bool cimIsShapeOnlyOp(MlirOperation op, MlirValue *source);

/*===----------------------------------------------------------------------===*
 * Body evaluator
 *===----------------------------------------------------------------------===*/

/// Evaluates the scalar body of `generic` (a cimMatchElementwiseUnary match)
/// for input element `x`, in double precision (math.erf is C's erf, ...);
/// `*y` is the yielded value. Fails with an error at the offending body op
/// when the body uses an unsupported op (i.e. when the matcher would fail).
MlirLogicalResult cimEvalElementwiseBody(MlirOperation generic, double x,
                                         double *y);

/*===----------------------------------------------------------------------===*
 * Integer parameters (docs/dialects/cim.md, "Digital ops")
 *===----------------------------------------------------------------------===*/

/// A per-tensor quantized type: value = scale * (q - zeroPoint), q in
/// [qmin, qmax].
typedef struct CimQParams {
  double scale;
  int64_t zeroPoint;
  int64_t qmin, qmax;
} CimQParams;

/// Multiplier and shift for ratio `r` (docs/design.md, "Multiplier and
/// shift"): r = m * 2^e, m in [0.5, 1) (frexp), multiplier = rne(m * 2^31)
/// (2^31 is halved, e + 1), shift = 31 - e; shift > 62 gives 0, 0. False
/// (outputs untouched) when r is not finite and positive or r >= 2^31
/// (shift would be negative).
bool cimComputeMultiplierShift(double ratio, int64_t *multiplier,
                               int64_t *shift);

/// ONNX QuantizeLinear of `v`: rne(v / scale) + zp saturated to [qmin, qmax]
/// (division in double, ties to even). +-inf saturate; NaN gives zp clamped
/// to the range.
int64_t cimQuantizeOnnx(double v, double scale, int64_t zp, int64_t qmin,
                        int64_t qmax);

/// Largest cim.lut table the front end builds (8-bit inputs).
#define CIM_LUT_MAX_ENTRIES 256

/// Table of cim.lut for `f` from input type `in` to output type `out`:
/// table[i] = cimQuantizeOnnx(f(in.scale * (in.qmin + i - in.zeroPoint)),
/// out...), for i in [0, in.qmax - in.qmin]; `*inMin` = in.qmin; `*len` the
/// number of entries. False when the range has more than `capacity` entries
/// or is empty.
bool cimLutTableFromFn(double (*f)(double x, void *userData), void *userData,
                       CimQParams in, CimQParams out, int64_t *table,
                       intptr_t capacity, intptr_t *len, int64_t *inMin);

/// The same for the body of `generic` (cimEvalElementwiseBody). Emits an
/// error at `generic` and fails when the input range exceeds `capacity` or
/// the body cannot be evaluated.
MlirLogicalResult cimLutTable(MlirOperation generic, CimQParams in,
                              CimQParams out, int64_t *table,
                              intptr_t capacity, intptr_t *len,
                              int64_t *inMin);

/// cim.softmax table precision: exp_table[0] = 2^CIM_SOFTMAX_K.
#define CIM_SOFTMAX_K 30
/// Longest softmax row whose sum fits int64: 2^32 * 2^30 = 2^62.
#define CIM_SOFTMAX_MAX_ROW ((int64_t)1 << 32)
/// Largest exp_table: inputs of at most 8 bits have differences d <= 255.
#define CIM_SOFTMAX_MAX_TABLE 256

/// Parameters of cim.softmax.
typedef struct CimSoftmaxParams {
  int64_t expTable[CIM_SOFTMAX_MAX_TABLE]; /// rne(2^k * exp(-d * s_x))
  intptr_t tableLen; /// up to and including the first 0 entry, at most
                     /// in.qmax - in.qmin + 1 (larger d never occurs)
  int64_t one;       /// rne(1 / out.scale): the integer for probability 1
  int64_t k;         /// CIM_SOFTMAX_K
} CimSoftmaxParams;

/// cim.softmax parameters for input type `in` (only its scale and range
/// matter: the zero point cancels in max - x) and output type `out`. False
/// when the input range has more than CIM_SOFTMAX_MAX_TABLE values, a scale
/// is not finite and positive, or rne(1 / out.scale) is not in [1, 2^31).
/// Rows must be at most CIM_SOFTMAX_MAX_ROW long (the caller checks).
bool cimSoftmaxParams(CimQParams in, CimQParams out, CimSoftmaxParams *p);

/// cim.layer_norm fractional bits of z (see docs/dialects/cim.md).
#define CIM_LAYER_NORM_FRAC_BITS 20
/// Longest normalized axis the exactness argument covers (128-bit
/// intermediates in the reference).
#define CIM_LAYER_NORM_MAX_N ((int64_t)1 << 20)

/// Scalar parameters of cim.layer_norm (gamma and beta go to arrays).
typedef struct CimLayerNormParams {
  int64_t fracBits;   /// CIM_LAYER_NORM_FRAC_BITS
  int64_t gammaBits;  /// g: gamma_int = rne(gamma * 2^g), may be negative
  int64_t eps;        /// rne(epsReal * 2^(2f) / in.scale^2)
  int64_t multiplier; /// with shift: ~ 1 / (out.scale * 2^(f+g))
  int64_t shift;
} CimLayerNormParams;

/// cim.layer_norm parameters for input type `in` (8-bit storage at most;
/// the zero point cancels), axis length `n`, epsilon `epsReal`, float
/// `gamma`/`beta` (n entries each) and output type `out`. Fills
/// `gammaOut`/`betaOut` (n entries each, caller-allocated). False when n is
/// not in [1, CIM_LAYER_NORM_MAX_N], the input range has more than 256
/// values, a scale is not finite and positive,
/// epsReal is negative or not finite, or an integer parameter does not fit
/// int64 (absurd gamma, beta or eps).
bool cimLayerNormParams(CimQParams in, int64_t n, double epsReal,
                        const double *gamma, const double *beta,
                        CimQParams out, int64_t *gammaOut, int64_t *betaOut,
                        CimLayerNormParams *p);

#ifdef __cplusplus
}
#endif

#endif /* CIM_LIB_FRONTENDMATCH_H */
