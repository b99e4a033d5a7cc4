/*===-- params.c - Integer parameters of the digital cim ops ---------------===*
 *
 * Pure C: multiplier/shift, ONNX quantization, cim.lut tables, cim.softmax
 * and cim.layer_norm parameters. The numerics and their rationale are in
 * docs/dialects/cim.md ("Digital ops").
 *===----------------------------------------------------------------------===*/

#include "ir/FrontEndMatch.h"

#include <math.h>

/* Round half to even, independent of the current rounding mode. */
static double rneDouble(double v) {
  double f = floor(v);
  double d = v - f; /* exact for |v| < 2^52 */
  if (d > 0.5)
    return f + 1.0;
  if (d < 0.5)
    return f;
  return fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

static bool positiveFinite(double v) { return isfinite(v) && v > 0.0; }

/* True when rne(v) fits int64 (|v| < 2^62, a comfortable margin). */
static bool fitsI64(double v) {
  return isfinite(v) && fabs(v) < 4611686018427387904.0;
}

bool cimComputeMultiplierShift(double ratio, int64_t *multiplier,
                               int64_t *shift) {
  if (!positiveFinite(ratio))
    return false;
  int e = 0;
  double m = frexp(ratio, &e); /* ratio = m * 2^e, m in [0.5, 1) */
  double q = rneDouble(ldexp(m, 31));
  if (q == 2147483648.0) {
    q = 1073741824.0;
    ++e;
  }
  int64_t s = 31 - (int64_t)e;
  if (s < 0)
    return false;
  if (s > 62) {
    *multiplier = 0;
    *shift = 0;
    return true;
  }
  *multiplier = (int64_t)q;
  *shift = s;
  return true;
}

int64_t cimQuantizeOnnx(double v, double scale, int64_t zp, int64_t qmin,
                        int64_t qmax) {
  double q = v / scale;
  if (isnan(q))
    return zp < qmin ? qmin : (zp > qmax ? qmax : zp);
  q = rneDouble(q) + (double)zp;
  if (q <= (double)qmin)
    return qmin;
  if (q >= (double)qmax)
    return qmax;
  return (int64_t)q;
}

bool cimLutTableFromFn(double (*f)(double x, void *userData), void *userData,
                       CimQParams in, CimQParams out, int64_t *table,
                       intptr_t capacity, intptr_t *len, int64_t *inMin) {
  if (in.qmax < in.qmin || in.qmax - in.qmin >= (int64_t)capacity)
    return false;
  intptr_t n = (intptr_t)(in.qmax - in.qmin + 1);
  for (intptr_t i = 0; i < n; ++i) {
    double x = in.scale * (double)(in.qmin + (int64_t)i - in.zeroPoint);
    table[i] = cimQuantizeOnnx(f(x, userData), out.scale, out.zeroPoint,
                               out.qmin, out.qmax);
  }
  *len = n;
  *inMin = in.qmin;
  return true;
}

bool cimSoftmaxParams(CimQParams in, CimQParams out, CimSoftmaxParams *p) {
  if (!positiveFinite(in.scale) || !positiveFinite(out.scale))
    return false;
  if (in.qmax < in.qmin || in.qmax - in.qmin >= CIM_SOFTMAX_MAX_TABLE)
    return false;
  double one = rneDouble(1.0 / out.scale);
  if (!(one >= 1.0 && one < 2147483648.0))
    return false;
  p->k = CIM_SOFTMAX_K;
  p->one = (int64_t)one;
  intptr_t maxLen = (intptr_t)(in.qmax - in.qmin + 1);
  intptr_t len = 0;
  while (len < maxLen) {
    double e = rneDouble(ldexp(exp(-(double)len * in.scale), CIM_SOFTMAX_K));
    p->expTable[len++] = (int64_t)e;
    if (e == 0.0)
      break;
  }
  p->tableLen = len;
  return true;
}

bool cimLayerNormParams(CimQParams in, int64_t n, double epsReal,
                        const double *gamma, const double *beta,
                        CimQParams out, int64_t *gammaOut, int64_t *betaOut,
                        CimLayerNormParams *p) {
  if (n < 1 || n > CIM_LAYER_NORM_MAX_N)
    return false;
  if (in.qmax < in.qmin || in.qmax - in.qmin > 255)
    return false; /* the 128-bit bound of docs/dialects/cim.md: 8 bits */
  if (!positiveFinite(in.scale) || !positiveFinite(out.scale))
    return false;
  if (!isfinite(epsReal) || epsReal < 0.0)
    return false;
  const int f = CIM_LAYER_NORM_FRAC_BITS;
  /* g such that out.scale * 2^(f+g) lies in [2^30, 2^31): then the output
   * ratio 1 / (out.scale * 2^(f+g)) is in (2^-31, 2^-30] (shift 60, 61) and
   * every rounding of gamma and beta costs at most 2^(f-31) output LSB per
   * unit of |z| (docs/dialects/cim.md). */
  int e = 0;
  (void)frexp(out.scale, &e);
  int64_t g = 31 - f - (int64_t)e;
  if (g < -1000 || g > 1000)
    return false;
  double epsInt = rneDouble(ldexp(epsReal, 2 * f) / (in.scale * in.scale));
  if (!fitsI64(epsInt))
    return false;
  int64_t mult = 0, shift = 0;
  if (!cimComputeMultiplierShift(ldexp(1.0 / out.scale, -(int)(f + g)), &mult,
                                 &shift))
    return false;
  for (int64_t i = 0; i < n; ++i) {
    double gi = rneDouble(ldexp(gamma[i], (int)g));
    double bi = rneDouble(ldexp(beta[i], (int)(f + g)));
    if (!fitsI64(gi) || !fitsI64(bi))
      return false;
    gammaOut[i] = (int64_t)gi;
    betaOut[i] = (int64_t)bi;
  }
  p->fracBits = f;
  p->gammaBits = g;
  p->eps = (int64_t)epsInt;
  p->multiplier = mult;
  p->shift = shift;
  return true;
}
