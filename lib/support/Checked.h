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

/// The range of a `bits`-bit integer: [-2^(bits-1), 2^(bits-1) - 1] when
/// signed, [0, 2^bits - 1] when not; bits in 1..62.
static inline void cimIntegerRange(unsigned bits, bool isSigned, int64_t *lo,
                                   int64_t *hi) {
  *lo = isSigned ? -(INT64_C(1) << (bits - 1)) : 0;
  *hi = isSigned ? (INT64_C(1) << (bits - 1)) - 1 : (INT64_C(1) << bits) - 1;
}

/// The signed bits an accumulator needs to hold every value of a `k`-term
/// dot product of values in [aLo, aHi] and [wLo, wHi], in `*bits`; false
/// when the extremes do not fit int64 (more than 64 bits).
static inline bool cimDotProductBits(int64_t k, int64_t aLo, int64_t aHi,
                                     int64_t wLo, int64_t wHi,
                                     unsigned *bits) {
  int64_t corner[4], lo = 0, hi = 0;
  if (!cimCheckedMul(aLo, wLo, &corner[0]) ||
      !cimCheckedMul(aLo, wHi, &corner[1]) ||
      !cimCheckedMul(aHi, wLo, &corner[2]) ||
      !cimCheckedMul(aHi, wHi, &corner[3]))
    return false;
  for (int i = 0; i < 4; ++i) {
    int64_t v;
    if (!cimCheckedMul(k, corner[i], &v))
      return false;
    lo = i == 0 || v < lo ? v : lo;
    hi = i == 0 || v > hi ? v : hi;
  }
  unsigned b = 1;
  while (b < 64 && (lo < -(INT64_C(1) << (b - 1)) ||
                    hi > (INT64_C(1) << (b - 1)) - 1))
    ++b;
  *bits = b;
  return true;
}

#endif /* CIM_LIB_SUPPORT_CHECKED_H */
