/*===-- KernelsInternal.h - Shared pieces of the numeric core (internal) --===*
 *
 * Exact integer helpers used by the kernels (lib/kernels/digital.c,
 * lib/kernels/crossbar.c) and the machine (lib/sim/crossbar.c,
 * lib/sim/accumulate.c, lib/sim/digital.c, lib/sim/buffers.c).
 * Intermediates that can exceed 64 bits are computed in 128 bits with
 * overflow checks, so every result is either exact or an error message,
 * never a wrapped value.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_KERNELS_KERNELSINTERNAL_H
#define CIM_LIB_KERNELS_KERNELSINTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Kernels.h"

__extension__ typedef __int128 cimI128;
__extension__ typedef unsigned __int128 cimU128;

/// Passes one printf-formatted message to `cb` (if any); returns failure.
MlirLogicalResult cimSimFail(MlirStringCallback cb, void *ud, const char *fmt,
                             ...) __attribute__((format(printf, 3, 4)));
/// cimSimFail on a va_list, with `prefix` (if not NULL) before the message.
MlirLogicalResult cimSimFailV(MlirStringCallback cb, void *ud,
                              const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/// Number of elements of `t` (product of its shape; 1 for rank 0).
int64_t cimSimNumElements(const CimSimTensor *t);

/// True when `a` and `b` have the same rank and shape.
bool cimSimSameShape(const CimSimTensor *a, const CimSimTensor *b);

/// Formats a shape as "2x3x4" ("scalar" for rank 0) into `buf`.
const char *cimSimShapeStr(const CimSimTensor *t, char *buf, unsigned size);

/// rne(p / q) for q > 0: nearest integer, ties to even. Exact for all
/// 128-bit p and positive q.
cimI128 cimSimRneDiv128(cimI128 p, cimI128 q);

/// rne(p / 2^s), 0 <= s <= 126.
cimI128 cimSimRneShift128(cimI128 p, int s);

/// Floor of the square root of v.
cimU128 cimSimIsqrt128(cimU128 v);

/// clamp(v, lo, hi) = min(max(v, lo), hi).
static inline cimI128 cimSimClamp128(cimI128 v, int64_t lo, int64_t hi) {
  if (v < lo)
    v = lo;
  if (v > hi)
    v = hi;
  return v;
}

/// True if v fits int64.
static inline bool cimSimFits64(cimI128 v) {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/* Pieces of the crossbar kernels the machine calls directly (crossbar.c). */

/// Checks an MVM's row range against a tile of R rows and digits [M, Kd].
MlirLogicalResult cimSimCheckMvm(int64_t R, int64_t M, int64_t Kd,
                                 const CimSimMvmParams *p,
                                 MlirStringCallback cb, void *ud);
/// out[M, C] = column sums of rows [rowOffset, +rows) of `cells` (row stride
/// `ldc`) driven by `digits` [M, Kd]. Operands must have passed the checks.
void cimSimMvmCore(const int64_t *cells, int64_t ldc, int64_t C,
                   const int64_t *digits, int64_t M, int64_t Kd,
                   const CimSimMvmParams *p, int64_t *out);
/// Fails unless every v[i] lies in [0, max].
MlirLogicalResult cimSimCheckLevels(const char *op, const char *what,
                                    const int64_t *v, int64_t n, int64_t max,
                                    MlirStringCallback cb, void *ud);
/// Checks shift_add operands (ranges, rows, offsets).
MlirLogicalResult cimSimCheckShiftAdd(const CimSimTensor *acc,
                                      const CimSimTensor *part,
                                      const CimSimShiftAddParams *p,
                                      MlirStringCallback cb, void *ud);
/// Adds the shifted part into out [Ma, Na] (in place), checked.
MlirLogicalResult cimSimShiftAddCore(int64_t *out, int64_t Ma, int64_t Na,
                                     const int64_t *part, int64_t Mp,
                                     int64_t Np, const CimSimShiftAddParams *p,
                                     MlirStringCallback cb, void *ud);

#endif /* CIM_LIB_KERNELS_KERNELSINTERNAL_H */
