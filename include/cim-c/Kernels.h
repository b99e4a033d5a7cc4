/*===-- cim-c/Kernels.h - Exact integer semantics of the ISA's ops --*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* One function per instruction semantics on plain int64 tensors: crossbar    *|
|* MVMs, ADC read-out, shift-and-add, requantize, activations, pooling, data  *|
|* movement. They are the one definition of what each instruction computes:   *|
|* the simulator (cim-c/Sim.h) executes them, the scheduler                   *|
|* (cim-c/Schedule.h) runs the data-movement ones on arrays of ready times,   *|
|* tools and tests call them directly. Implemented in lib/kernels/, a module  *|
|* below both the simulator and the scheduler.                                *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_KERNELS_H
#define CIM_C_KERNELS_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Support.h"
#include "cim-c/Target.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * The numeric core
 *
 * Each function computes one instruction's result from its operands exactly
 * (docs/dialects/cim.md, docs/dialects/xbar.md), writing `result`, whose
 * shape the caller sets and the function checks. It fails with one message
 * ("requantize: ...") on operands of the wrong shape, parameters out of
 * their documented range, or an intermediate beyond 128 bits / a result
 * beyond 64 bits; `result` is then unspecified. Tensors are row-major int64.
 *===----------------------------------------------------------------------===*/

#define CIM_SIM_MAX_RANK 8

/// A borrowed row-major tensor of int64 values.
typedef struct CimSimTensor {
  int64_t *data;
  int rank;
  int64_t shape[CIM_SIM_MAX_RANK];
} CimSimTensor;

/// rne(p / q), q > 0: the nearest integer, ties to even; exact.
CIM_CAPI_EXPORTED int64_t cimSimRne(int64_t p, int64_t q);

typedef struct CimSimRequantizeParams {
  int64_t axis;
  const int64_t *multiplier; ///< 1 or one per channel of `axis`
  int64_t numMultipliers;
  const int64_t *shift;      ///< 1 or one per channel, each 0..62
  int64_t numShifts;
  int64_t inZeroPoint, outZeroPoint, qmin, qmax;
} CimSimRequantizeParams;

/// r = clamp(rne((x + bias[c] - in_zp) * multiplier[c] / 2^shift[c]) + out_zp,
/// qmin, qmax); `bias` may be NULL.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimRequantize(const CimSimTensor *x, const CimSimTensor *bias,
                 const CimSimRequantizeParams *params, CimSimTensor *result,
                 MlirStringCallback errorCallback, void *userData);

/// r = clamp(x, min, max).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimClamp(const CimSimTensor *x, int64_t min, int64_t max,
            CimSimTensor *result, MlirStringCallback errorCallback,
            void *userData);

/// r = table[clamp(x - inMin, 0, tableLength - 1)].
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimLut(const CimSimTensor *x, const int64_t *table, int64_t tableLength,
          int64_t inMin, CimSimTensor *result,
          MlirStringCallback errorCallback, void *userData);

typedef struct CimSimPoolParams {
  bool isAvg;  ///< avg (rne(sum / count)) or max
  bool isNhwc; ///< layout nhwc or nchw
  int64_t window[2], strides[2];
  int64_t padding[4]; ///< top, left, bottom, right; each < its window
} CimSimPoolParams;

/// Max or average pooling over the window positions inside the input
/// (count_include_pad = 0).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimPool(const CimSimTensor *x, const CimSimPoolParams *params,
           CimSimTensor *result, MlirStringCallback errorCallback,
           void *userData);

/// r = lhs + rhs, elementwise.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimAdd(const CimSimTensor *lhs, const CimSimTensor *rhs,
          CimSimTensor *result, MlirStringCallback errorCallback,
          void *userData);

typedef struct CimSimSoftmaxParams {
  int64_t axis;
  const int64_t *expTable; ///< expTable[0] > 0, all >= 0
  int64_t expTableLength;
  int64_t one, outZeroPoint, qmin, qmax;
} CimSimSoftmaxParams;

/// Integer softmax along `axis` (docs/dialects/cim.md, cim.softmax).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimSoftmax(const CimSimTensor *x, const CimSimSoftmaxParams *params,
              CimSimTensor *result, MlirStringCallback errorCallback,
              void *userData);

typedef struct CimSimLayerNormParams {
  int64_t axis;
  int64_t fracBits;      ///< 0..62
  int64_t eps;           ///< >= 0
  const int64_t *gamma;  ///< one per element along `axis`
  const int64_t *beta;   ///< one per element along `axis`
  int64_t multiplier;    ///< >= 0
  int64_t shift;         ///< 0..62
  int64_t outZeroPoint, qmin, qmax;
} CimSimLayerNormParams;

/// Integer layer norm along `axis` with isqrt (docs/dialects/cim.md).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimLayerNorm(const CimSimTensor *x, const CimSimLayerNormParams *params,
                CimSimTensor *result, MlirStringCallback errorCallback,
                void *userData);

/// Copies `x` in row-major order into `result` (same element count).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimReshape(const CimSimTensor *x, CimSimTensor *result,
              MlirStringCallback errorCallback, void *userData);

/// result dimension i is x dimension permutation[i].
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimTranspose(const CimSimTensor *x, const int64_t *permutation,
                CimSimTensor *result, MlirStringCallback errorCallback,
                void *userData);

/// The block of `x` at `offsets` (one per dimension) with result's shape.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimSlice(const CimSimTensor *x, const int64_t *offsets,
            CimSimTensor *result, MlirStringCallback errorCallback,
            void *userData);

/// `dest` with the block at `offsets` replaced by `x`, into `result` (which
/// may be `dest` itself).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimInsert(const CimSimTensor *dest, const CimSimTensor *x,
             const int64_t *offsets, CimSimTensor *result,
             MlirStringCallback errorCallback, void *userData);

typedef struct CimSimIm2colParams {
  bool isNhwc;
  int64_t kernel[2], strides[2], dilations[2];
  int64_t padding[4]; ///< top, left, bottom, right
  int64_t padValue;
  int64_t channelOffset, channels;
} CimSimIm2colParams;

/// Convolution patches [B*OH*OW, channels*KH*KW] (docs/dialects/xbar.md).
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimIm2col(const CimSimTensor *x, const CimSimIm2colParams *params,
             CimSimTensor *result, MlirStringCallback errorCallback,
             void *userData);

typedef struct CimSimWeightTileParams {
  CimWeightMapping mapping;
  int64_t wBits, cellBits; ///< 1..8
  bool wSigned;
  int64_t kOffset, unitOffset;
} CimSimWeightTileParams;

/// Cell levels of one tile of weights w [K, N]; result [k_size, 2*units],
/// [2*k_size, units] or [k_size, units + 1] by mapping.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimWeightTile(const CimSimTensor *w, const CimSimWeightTileParams *params,
                 CimSimTensor *result, MlirStringCallback errorCallback,
                 void *userData);

typedef struct CimSimBitplaneParams {
  CimInputEncoding encoding;
  int64_t aBits;     ///< 1..8
  int64_t bitOffset; ///< 0..63
  int64_t bits;      ///< 1..8
} CimSimBitplaneParams;

/// digits = (u >> bitOffset) mod 2^bits, u the encoding of x in aBits bits
/// (unsigned: x mod 2^aBits, storage being signless). Fails when an element
/// of x is outside what an aBits-bit element can hold for the encoding.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimBitplane(const CimSimTensor *x, const CimSimBitplaneParams *params,
               CimSimTensor *result, MlirStringCallback errorCallback,
               void *userData);

typedef struct CimSimMvmParams {
  int64_t kOffset, rowOffset, rows;
  bool differentialRows;
} CimSimMvmParams;

/// Column sums of one OU group: cells [R, C], digits [M, Kd] -> [M, C].
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimMvm(const CimSimTensor *cells, const CimSimTensor *digits,
          const CimSimMvmParams *params, CimSimTensor *result,
          MlirStringCallback errorCallback, void *userData);

/// r = clamp(rne(v / 2^shift), lo, hi) * 2^shift; bits = 0: r = v.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimAdc(const CimSimTensor *v, int64_t bits, int64_t shift, bool isSigned,
          CimSimTensor *result, MlirStringCallback errorCallback,
          void *userData);

typedef struct CimSimShiftAddParams {
  int64_t srcOffset, srcStride, dstOffset, count, shift;
  bool negate;
} CimSimShiftAddParams;

/// r = acc; r[m, dst + i] += (negate ? -1 : 1) * part[m or 0, src + i *
/// stride] * 2^shift. `result` may be `acc` itself.
CIM_CAPI_EXPORTED MlirLogicalResult
cimSimShiftAdd(const CimSimTensor *acc, const CimSimTensor *part,
               const CimSimShiftAddParams *params, CimSimTensor *result,
               MlirStringCallback errorCallback, void *userData);


#ifdef __cplusplus
}
#endif

#endif /* CIM_C_KERNELS_H */
