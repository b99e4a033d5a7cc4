/*===-- Checked.h - Checked arithmetic on sizes (internal) ----------------===*
 *
 * Sizes, offsets and geometry in cimlir come from user input (IR, programs,
 * targets) and may be anything an int64 holds. Every computation on them goes
 * through these helpers, which report overflow instead of wrapping (a wrapped
 * size would pass a later check and produce invalid output with exit 0), so
 * that the caller can emit an error naming the op.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_SUPPORT_CHECKED_H
#define CIM_LIB_SUPPORT_CHECKED_H

#include <stdbool.h>
#include <stdint.h>

/// *r = a + b; false on overflow.
static inline bool cimCheckedAdd(int64_t a, int64_t b, int64_t *r) {
  return !__builtin_add_overflow(a, b, r);
}

/// *r = a - b; false on overflow.
static inline bool cimCheckedSub(int64_t a, int64_t b, int64_t *r) {
  return !__builtin_sub_overflow(a, b, r);
}

/// *r = a * b; false on overflow.
static inline bool cimCheckedMul(int64_t a, int64_t b, int64_t *r) {
  return !__builtin_mul_overflow(a, b, r);
}

/// The one definition of a sliding window's output length along one axis
/// (convolution, im2col, pooling):
///   out = (in + padLo + padHi - dilation * (window - 1) - 1) / stride + 1.
/// Returns false when a parameter is out of range (in < 0, window < 1,
/// stride < 1, dilation < 1, negative padding), when any intermediate
/// overflows int64, or when the window does not fit the padded input.
static inline bool cimWindowOutputSize(int64_t in, int64_t padLo,
                                       int64_t padHi, int64_t window,
                                       int64_t dilation, int64_t stride,
                                       int64_t *out) {
  int64_t padded, reach, span;
  if (in < 0 || padLo < 0 || padHi < 0 || window < 1 || dilation < 1 ||
      stride < 1)
    return false;
  if (!cimCheckedAdd(in, padLo, &padded) ||
      !cimCheckedAdd(padded, padHi, &padded) ||
      !cimCheckedMul(dilation, window - 1, &reach) ||
      !cimCheckedSub(padded, reach, &span) || span < 1)
    return false;
  *out = (span - 1) / stride + 1;
  return true;
}

#endif /* CIM_LIB_SUPPORT_CHECKED_H */
