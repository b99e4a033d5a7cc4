/*===-- numeric.c - Exact integer helpers of the simulator -----------------===*
 *
 * rne (round half to even) of a rational with 128-bit operands, integer
 * square root, and the small tensor helpers the kernels share.
 *===----------------------------------------------------------------------===*/

#include <stdarg.h>
#include <stdio.h>

#include "KernelsInternal.h"
#include "support/StrBuf.h"

MlirLogicalResult cimSimFailV(MlirStringCallback cb, void *ud,
                              const char *prefix, const char *fmt,
                              va_list ap) {
  if (cb) {
    CimStrBuf msg = {0};
    if (prefix)
      cimStrBufAppendCString(&msg, prefix);
    cimStrBufVPrintf(&msg, fmt, ap);
    cb(mlirStringRefCreate(cimStrBufGet(&msg), msg.length), ud);
    cimStrBufFree(&msg);
  }
  return mlirLogicalResultFailure();
}

MlirLogicalResult cimSimFail(MlirStringCallback cb, void *ud, const char *fmt,
                             ...) {
  va_list ap;
  va_start(ap, fmt);
  MlirLogicalResult r = cimSimFailV(cb, ud, NULL, fmt, ap);
  va_end(ap);
  return r;
}

int64_t cimSimNumElements(const CimSimTensor *t) {
  int64_t n = 1;
  for (int i = 0; i < t->rank; ++i)
    n *= t->shape[i];
  return n;
}

bool cimSimSameShape(const CimSimTensor *a, const CimSimTensor *b) {
  if (a->rank != b->rank)
    return false;
  for (int i = 0; i < a->rank; ++i)
    if (a->shape[i] != b->shape[i])
      return false;
  return true;
}

const char *cimSimShapeStr(const CimSimTensor *t, char *buf, unsigned size) {
  if (t->rank == 0) {
    snprintf(buf, size, "scalar");
    return buf;
  }
  unsigned used = 0;
  buf[0] = '\0';
  for (int i = 0; i < t->rank && used < size; ++i) {
    int n = snprintf(buf + used, size - used, "%s%lld", i ? "x" : "",
                     (long long)t->shape[i]);
    if (n < 0)
      break;
    used += (unsigned)n;
  }
  return buf;
}

cimI128 cimSimRneDiv128(cimI128 p, cimI128 q) {
  /* C division truncates; turn it into floor with 0 <= rem < q. */
  cimI128 f = p / q, r = p % q;
  if (r < 0) {
    r += q;
    f -= 1;
  }
  /* Compare r with q - r instead of 2r with q: no overflow for any q. */
  cimI128 rest = q - r;
  if (r > rest || (r == rest && (f & 1)))
    f += 1;
  return f;
}

cimI128 cimSimRneShift128(cimI128 p, int s) {
  if (s == 0)
    return p;
  return cimSimRneDiv128(p, (cimI128)1 << s);
}

cimU128 cimSimIsqrt128(cimU128 v) {
  /* Digit-by-digit (base 4): exact floor(sqrt(v)) for every 128-bit v. */
  cimU128 res = 0, bit = (cimU128)1 << 126;
  while (bit > v)
    bit >>= 2;
  while (bit) {
    if (v >= res + bit) {
      v -= res + bit;
      res = (res >> 1) + bit;
    } else {
      res >>= 1;
    }
    bit >>= 2;
  }
  return res;
}

int64_t cimSimRne(int64_t p, int64_t q) {
  if (q <= 0)
    return 0;
  return (int64_t)cimSimRneDiv128(p, q);
}
