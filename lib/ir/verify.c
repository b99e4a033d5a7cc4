/*===-- verify.c - The rules of cim and xbar ops IRDL cannot state ---------===*
 *
 * One table, one row per op of dialects/cim.irdl.mlir and xbar.irdl.mlir:
 * the op name and the function holding the rules docs/dialects/cim.md and
 * xbar.md document for it. Before a row's function runs, every op passes
 * the rules common to all of them (checkTensors, checkLayer):
 *  - tensors are ranked, statically shaped, of signless integers of 1..64
 *    bits ("Tensors hold signless integers"), rank <= 8, every dimension in
 *    [1, 2^31] and at most 2^40 elements (the ISA's limits, so that what
 *    passes verify also encodes);
 *  - `layer`, where an op has one, lies in [0, 2^31 - 1].
 * Arithmetic on sizes is checked (support/Checked.h): an overflow is a
 * broken rule, never a wrapped value. Messages name the op and the rule,
 * "'cim.matmul' op layer 0: its i8 result cannot hold every sum: ...", at
 * the op's location; test/dialects/cim-verify.mlir and xbar-verify.mlir
 * have one case per message. The rules of the xbar crossbar ops are in
 * verify_xbar.c; the helpers both files use are declared in
 * ir/VerifyRules.h.
 *===----------------------------------------------------------------------===*/

#include "ir/Verify.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ir/PassUtils.h"
#include "ir/VerifyRules.h"
#include "support/Checked.h"

/*===----------------------------------------------------------------------===*
 * The op being checked (struct V, ir/VerifyRules.h)
 *===----------------------------------------------------------------------===*/

bool cimVerifyFail(const V *v, const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cimEmitErrorf(v->loc, "'%s' op %s", v->name, msg);
  return false;
}

/*===----------------------------------------------------------------------===*
 * Attributes (IRDL checked presence and kind on parse; a pass may not have
 * kept them, so every read can fail)
 *===----------------------------------------------------------------------===*/

static MlirAttribute attr(const V *v, const char *name) {
  return mlirOperationGetAttributeByName(v->op,
                                         mlirStringRefCreateFromCString(name));
}

bool cimVerifyIntAttr(const V *v, const char *name, int64_t *out) {
  MlirAttribute a = attr(v, name);
  if (mlirAttributeIsNull(a) || !mlirAttributeIsAInteger(a) ||
      mlirIntegerTypeGetWidth(mlirAttributeGetType(a)) > 64)
    return cimVerifyFail(v, "attribute '%s' must be an integer", name);
  *out = mlirIntegerAttrGetValueInt(a);
  return true;
}

/// An integer attribute within [lo, hi].
bool cimVerifyIntIn(const V *v, const char *name, int64_t lo, int64_t hi,
                    int64_t *out) {
  int64_t x = 0;
  if (!cimVerifyIntAttr(v, name, &x))
    return false;
  if (x < lo || x > hi)
    return cimVerifyFail(v, "'%s' = %lld is out of range [%lld, %lld]", name,
                         (long long)x, (long long)lo, (long long)hi);
  if (out)
    *out = x;
  return true;
}

bool cimVerifyBoolAttr(const V *v, const char *name) {
  MlirAttribute a = attr(v, name);
  return !mlirAttributeIsNull(a) && mlirAttributeIsABool(a) &&
         mlirBoolAttrGetValue(a);
}

bool cimVerifyStringIs(const V *v, const char *name, const char *value) {
  MlirAttribute a = attr(v, name);
  return !mlirAttributeIsNull(a) && mlirAttributeIsAString(a) &&
         mlirStringRefEqual(mlirStringAttrGetValue(a),
                            mlirStringRefCreateFromCString(value));
}

/// A dense i64 array; `len` < 0 accepts any non-empty length. Its length in
/// `*n`, elements via arrayAt.
static bool arrayAttr(const V *v, const char *name, intptr_t len,
                      intptr_t *n) {
  MlirAttribute a = attr(v, name);
  if (mlirAttributeIsNull(a) || !mlirAttributeIsADenseI64Array(a))
    return cimVerifyFail(v, "attribute '%s' must be an array<i64: ...>", name);
  intptr_t have = mlirDenseArrayGetNumElements(a);
  if (len >= 0 && have != len)
    return cimVerifyFail(v, "'%s' has %lld entries; expected %lld", name,
                         (long long)have, (long long)len);
  if (len < 0 && have < 1)
    return cimVerifyFail(v, "'%s' is empty", name);
  if (n)
    *n = have;
  return true;
}

static int64_t arrayAt(const V *v, const char *name, intptr_t i) {
  return mlirDenseI64ArrayGetElement(attr(v, name), i);
}

/// A dense i64 array of `len` entries, each in [lo, hi], into out.
bool cimVerifyArrayIn(const V *v, const char *name, intptr_t len, int64_t lo,
                      int64_t hi, int64_t *out) {
  if (!arrayAttr(v, name, len, NULL))
    return false;
  for (intptr_t i = 0; i < len; ++i) {
    int64_t x = arrayAt(v, name, i);
    if (x < lo || x > hi)
      return cimVerifyFail(v, "'%s'[%lld] = %lld is out of range [%lld, %lld]",
                           name, (long long)i, (long long)x, (long long)lo,
                           (long long)hi);
    out[i] = x;
  }
  return true;
}

/*===----------------------------------------------------------------------===*
 * Value ranges
 *===----------------------------------------------------------------------===*/

/// The range of a signless `width`-bit element read as two's complement.
void cimVerifyTypeRange(unsigned width, int64_t *lo, int64_t *hi) {
  if (width >= 64) {
    *lo = INT64_MIN;
    *hi = INT64_MAX;
  } else if (width == 63) {
    *lo = -(INT64_C(1) << 62);
    *hi = (INT64_C(1) << 62) - 1;
  } else {
    cimIntegerRange(width, true, lo, hi);
  }
}

bool cimVerifyHolds(unsigned width, int64_t lo, int64_t hi) {
  int64_t tlo, thi;
  cimVerifyTypeRange(width, &tlo, &thi);
  return lo >= tlo && hi <= thi;
}

/// The result element type holds [qmin, qmax], qmin <= qmax.
static bool checkQRange(const V *v, unsigned resultWidth) {
  int64_t qmin, qmax;
  if (!cimVerifyIntAttr(v, "qmin", &qmin) ||
      !cimVerifyIntAttr(v, "qmax", &qmax))
    return false;
  if (qmin > qmax)
    return cimVerifyFail(v, "qmin %lld is above qmax %lld", (long long)qmin,
                         (long long)qmax);
  if (!cimVerifyHolds(resultWidth, qmin, qmax))
    return cimVerifyFail(
        v, "its i%u result cannot hold [qmin, qmax] = [%lld, %lld]",
        resultWidth, (long long)qmin, (long long)qmax);
  return true;
}

/*===----------------------------------------------------------------------===*
 * Rules common to every op
 *===----------------------------------------------------------------------===*/

static void printType(MlirType t, char *buf, size_t size);

static bool checkTensor(V *v, MlirValue value, const char *what, intptr_t i,
                        Tensor *out) {
  MlirType t = mlirValueGetType(value);
  out->rank = -1;
  if (!mlirTypeIsATensor(t))
    return true; /* !xbar.tile; IRDL checks which operands are tensors */
  char ty[96]; /* printed only for a message: a walk over a model's ops
                 must not print every type */
#define TY (printType(t, ty, sizeof ty), ty)
  if (!mlirTypeIsARankedTensor(t))
    return cimVerifyFail(v, "%s #%lld (%s) must be a ranked tensor", what,
                         (long long)i, TY);
  MlirType elem = mlirShapedTypeGetElementType(t);
  if (!mlirTypeIsAInteger(elem) || !mlirIntegerTypeIsSignless(elem) ||
      mlirIntegerTypeGetWidth(elem) < 1 || mlirIntegerTypeGetWidth(elem) > 64)
    return cimVerifyFail(v,
                         "%s #%lld (%s) must hold signless integers of 1 to 64 "
                         "bits (cim and xbar are integer dialects)",
                         what, (long long)i, TY);
  intptr_t rank = mlirShapedTypeGetRank(t);
  if (rank > CIM_IR_MAX_RANK)
    return cimVerifyFail(v, "%s #%lld (%s) has rank %lld; at most %d", what,
                         (long long)i, TY, (long long)rank, CIM_IR_MAX_RANK);
  int64_t count = 1;
  for (intptr_t d = 0; d < rank; ++d) {
    if (mlirShapedTypeIsDynamicDim(t, d))
      return cimVerifyFail(v, "%s #%lld (%s) needs static tensor shapes", what,
                           (long long)i, TY);
    int64_t n = mlirShapedTypeGetDimSize(t, d);
    if (n < 1 || n > CIM_IR_MAX_DIM)
      return cimVerifyFail(v,
                           "%s #%lld (%s): dimension %lld is %lld; dimensions "
                           "must lie in [1, 2^31]",
                           what, (long long)i, TY, (long long)d, (long long)n);
    out->d[d] = n;
    if (!cimCheckedMul(count, n, &count) || count > CIM_IR_MAX_ELEMENTS)
      return cimVerifyFail(v, "%s #%lld (%s) has more than 2^40 elements", what,
                           (long long)i, TY);
  }
  out->rank = (int)rank;
  out->width = mlirIntegerTypeGetWidth(elem);
  return true;
#undef TY
}

static bool checkTensors(V *v) {
  v->numOperands = mlirOperationGetNumOperands(v->op);
  v->numResults = mlirOperationGetNumResults(v->op);
  for (intptr_t i = 0; i < v->numOperands; ++i) {
    Tensor scratch;
    Tensor *t = i < CIM_VERIFY_MAX_VALUES ? &v->in[i] : &scratch;
    if (!checkTensor(v, mlirOperationGetOperand(v->op, i), "operand", i, t))
      return false;
    if (i == v->numOperands - 1)
      v->lastIn = *t;
  }
  for (intptr_t i = 0; i < v->numResults; ++i) {
    Tensor scratch;
    Tensor *t = i < CIM_VERIFY_MAX_VALUES ? &v->out[i] : &scratch;
    if (!checkTensor(v, mlirOperationGetResult(v->op, i), "result", i, t))
      return false;
  }
  return true;
}

/// `layer` numbers layers from 0 (docs/dialects/cim.md, Conventions).
static bool checkLayer(const V *v) {
  if (mlirAttributeIsNull(attr(v, "layer")))
    return true;
  return cimVerifyIntIn(v, "layer", 0, CIM_IR_MAX_LAYER, NULL);
}

/*===----------------------------------------------------------------------===*
 * Shape helpers
 *===----------------------------------------------------------------------===*/

typedef struct Sink {
  char *buf;
  size_t size, used;
} Sink;

static void sinkAppend(MlirStringRef str, void *user) {
  Sink *s = user;
  for (size_t i = 0; i < str.length && s->used + 1 < s->size; ++i)
    s->buf[s->used++] = str.data[i];
  s->buf[s->used] = '\0';
}

/// The type as MLIR prints it, truncated to `size`.
static void printType(MlirType t, char *buf, size_t size) {
  Sink s = {buf, size, 0};
  buf[0] = '\0';
  mlirTypePrint(t, sinkAppend, &s);
}

/// Operand/result `t` has rank `rank`.
bool cimVerifyNeedRank(const V *v, const Tensor *t, const char *what,
                       int rank) {
  if (t->rank != rank)
    return cimVerifyFail(v, "%s must have rank %d, has %d", what, rank,
                         t->rank);
  return true;
}

bool cimVerifySameShape(const Tensor *a, const Tensor *b) {
  if (a->rank != b->rank)
    return false;
  for (int i = 0; i < a->rank; ++i)
    if (a->d[i] != b->d[i])
      return false;
  return true;
}

bool cimVerifyNeedSameShape(const V *v, const Tensor *a, const char *an,
                            const Tensor *b, const char *bn) {
  if (!cimVerifySameShape(a, b))
    return cimVerifyFail(v, "%s and %s must have the same shape", an, bn);
  return true;
}

/// `axis` in [0, rank).
static bool axisIn(const V *v, int rank, int64_t *axis) {
  if (!cimVerifyIntAttr(v, "axis", axis))
    return false;
  if (*axis < 0 || *axis >= rank)
    return cimVerifyFail(v, "axis %lld is not a dimension of the rank-%d input",
                         (long long)*axis, rank);
  return true;
}

/*===----------------------------------------------------------------------===*
 * Matrix-vector layers
 *===----------------------------------------------------------------------===*/

/// Every activation in the a_bits range, weight in the w_bits range: the
/// result holds every k-term sum (docs/dialects/cim.md, "Requires").
static bool checkSumWidth(const V *v, int64_t k, unsigned width) {
  int64_t aBits, wBits, layer = 0, aLo, aHi, wLo, wHi;
  if (!cimVerifyIntIn(v, "a_bits", 1, 8, &aBits) ||
      !cimVerifyIntIn(v, "w_bits", 1, 8, &wBits) ||
      !cimVerifyIntAttr(v, "layer", &layer))
    return false;
  bool aSigned = cimVerifyBoolAttr(v, "a_signed"),
       wSigned = cimVerifyBoolAttr(v, "w_signed");
  cimIntegerRange((unsigned)aBits, aSigned, &aLo, &aHi);
  cimIntegerRange((unsigned)wBits, wSigned, &wLo, &wHi);
  unsigned needed = 0;
  bool ok = cimDotProductBits(k, aLo, aHi, wLo, wHi, &needed);
  if (ok && needed <= width)
    return true;
  return cimVerifyFail(
      v,
      "layer %lld: its i%u result cannot hold every sum: a %lld-term "
      "dot product of %lld-bit %s activations and %lld-bit %s weights "
      "needs %s%u bits",
      (long long)layer, width, (long long)k, (long long)aBits,
      aSigned ? "signed" : "unsigned", (long long)wBits,
      wSigned ? "signed" : "unsigned", ok ? "" : "more than ",
      ok ? needed : 64u);
}

/// [M, K] x [K, N] -> [M, N], or with a leading batch B on all three.
static bool checkMatmulShapes(const V *v, const Tensor *a, const Tensor *w,
                              const Tensor *r) {
  int o = a->rank - 2;
  bool ok = (a->rank == 2 || a->rank == 3) && w->rank == a->rank &&
            r->rank == a->rank && (o == 0 || (a->d[0] == w->d[0] &&
                                              a->d[0] == r->d[0])) &&
            a->d[o + 1] == w->d[o] && r->d[o] == a->d[o] &&
            r->d[o + 1] == w->d[o + 1];
  if (!ok)
    return cimVerifyFail(
        v, "operand and result shapes do not form [M, K] x [K, N] -> "
           "[M, N] (with an optional batch)");
  return true;
}

static bool ruleMatmul(const V *v) {
  const Tensor *a = &v->in[0], *w = &v->in[1], *r = &v->out[0];
  return checkMatmulShapes(v, a, w, r) &&
         checkSumWidth(v, a->d[a->rank - 1], r->width);
}

/// A window along one axis: out = cimWindowOutputSize(...).
static bool checkWindow(const V *v, const char *axis, int64_t in, int64_t lo,
                        int64_t hi, int64_t window, int64_t dilation,
                        int64_t stride, int64_t have) {
  int64_t out = 0;
  if (!cimWindowOutputSize(in, lo, hi, window, dilation, stride, &out))
    return cimVerifyFail(
        v,
        "the %s input (%lld), kernel (%lld), stride, dilation and "
        "padding do not give a valid window (a parameter out of "
        "range, an overflow, or a kernel larger than the padded "
        "input)",
        axis, (long long)in, (long long)window);
  if (out != have)
    return cimVerifyFail(v,
                         "the result %s is %lld but the input, kernel, stride, "
                         "dilation and padding give %lld",
                         axis, (long long)have, (long long)out);
  return true;
}

static bool ruleConv2d(const V *v) {
  const Tensor *x = &v->in[0], *w = &v->in[1], *r = &v->out[0];
  if (!cimVerifyNeedRank(v, x, "the input", 4) ||
      !cimVerifyNeedRank(v, w, "the weights", 4) ||
      !cimVerifyNeedRank(v, r, "the result", 4))
    return false;
  int64_t st[2], dl[2], pd[4], groups, padValue, aBits;
  if (!cimVerifyArrayIn(v, "strides", 2, 1, CIM_IR_MAX_DIM, st) ||
      !cimVerifyArrayIn(v, "dilations", 2, 1, CIM_IR_MAX_DIM, dl) ||
      !cimVerifyArrayIn(v, "padding", 4, 0, CIM_IR_MAX_DIM, pd) ||
      !cimVerifyIntIn(v, "groups", 1, CIM_IR_MAX_DIM, &groups) ||
      !cimVerifyIntAttr(v, "pad_value", &padValue) ||
      !cimVerifyIntIn(v, "a_bits", 1, 8, &aBits))
    return false;
  bool nchw = cimVerifyStringIs(v, "layout", "nchw_fchw");
  int64_t c = nchw ? x->d[1] : x->d[3], h = nchw ? x->d[2] : x->d[1],
          wd = nchw ? x->d[3] : x->d[2];
  int64_t f = nchw ? w->d[0] : w->d[3], cg = nchw ? w->d[1] : w->d[2],
          kh = nchw ? w->d[2] : w->d[0], kw = nchw ? w->d[3] : w->d[1];
  int64_t rf = nchw ? r->d[1] : r->d[3], oh = nchw ? r->d[2] : r->d[1],
          ow = nchw ? r->d[3] : r->d[2];
  int64_t cAll;
  if (f % groups != 0)
    return cimVerifyFail(v, "%lld filters do not split into %lld groups",
                         (long long)f, (long long)groups);
  if (!cimCheckedMul(cg, groups, &cAll) || cAll != c)
    return cimVerifyFail(v,
                         "%lld input channels do not split into %lld groups of "
                         "%lld",
                         (long long)c, (long long)groups, (long long)cg);
  if (r->d[0] != x->d[0] || rf != f)
    return cimVerifyFail(v,
                         "the result must be [batch %lld, %lld filters] in the "
                         "layout's order",
                         (long long)x->d[0], (long long)f);
  if (!checkWindow(v, "height", h, pd[0], pd[2], kh, dl[0], st[0], oh) ||
      !checkWindow(v, "width", wd, pd[1], pd[3], kw, dl[1], st[1], ow))
    return false;
  int64_t lo, hi;
  cimIntegerRange((unsigned)aBits, cimVerifyBoolAttr(v, "a_signed"), &lo, &hi);
  if (padValue < lo || padValue > hi)
    return cimVerifyFail(v, "pad_value %lld is not a %lld-bit %s activation",
                         (long long)padValue, (long long)aBits,
                         cimVerifyBoolAttr(v, "a_signed") ? "signed"
                                                          : "unsigned");
  int64_t k;
  if (!cimCheckedMul(cg, kh, &k) || !cimCheckedMul(k, kw, &k))
    return cimVerifyFail(v,
                         "the reduction length C/groups * KH * KW overflows");
  return checkSumWidth(v, k, r->width);
}

/// Units of a [K, N] weight matrix: N * ceil(w_bits / cell_bits).
bool cimVerifyUnitsOf(const V *v, int64_t n, int64_t wBits, int64_t cellBits,
                      int64_t *units) {
  int64_t slices = (wBits + cellBits - 1) / cellBits;
  if (!cimCheckedMul(n, slices, units))
    return cimVerifyFail(v, "the weight unit count overflows");
  return true;
}

/// [offset, offset + size) within [0, limit), size >= 1.
bool cimVerifySpan(const V *v, const char *what, int64_t offset, int64_t size,
                   int64_t limit, const char *of) {
  int64_t end;
  if (size < 1 || offset < 0 || !cimCheckedAdd(offset, size, &end) ||
      end > limit)
    return cimVerifyFail(v, "%s [%lld, %lld + %lld) exceed the %lld %s", what,
                         (long long)offset, (long long)offset, (long long)size,
                         (long long)limit, of);
  return true;
}

static bool ruleMatmulTile(const V *v) {
  const Tensor *acc = &v->in[0], *a = &v->in[1], *w = &v->in[2],
               *r = &v->out[0];
  if (!cimVerifyNeedRank(v, a, "a", 2) || !checkMatmulShapes(v, a, w, r))
    return false;
  if (!cimVerifySameShape(acc, r) || acc->width != r->width)
    return cimVerifyFail(v, "acc and the result must have one type");
  int64_t wBits, cellBits, k0, kSize, u0, units, nUnits;
  if (!cimVerifyIntIn(v, "w_bits", 1, 8, &wBits) ||
      !cimVerifyIntIn(v, "cell_bits", 1, 8, &cellBits) ||
      !cimVerifyIntAttr(v, "k_offset", &k0) ||
      !cimVerifyIntAttr(v, "k_size", &kSize) ||
      !cimVerifyIntAttr(v, "unit_offset", &u0) ||
      !cimVerifyIntAttr(v, "units", &units) ||
      !cimVerifyUnitsOf(v, w->d[1], wBits, cellBits, &nUnits))
    return false;
  return cimVerifySpan(v, "rows", k0, kSize, a->d[1], "weight rows") &&
         cimVerifySpan(v, "units", u0, units, nUnits, "weight units") &&
         checkSumWidth(v, a->d[1], r->width);
}

/*===----------------------------------------------------------------------===*
 * Digital ops (cim and xbar alike)
 *===----------------------------------------------------------------------===*/

static bool ruleRequantize(const V *v) {
  const Tensor *x = &v->in[0], *r = &v->out[0];
  if (!cimVerifyNeedSameShape(v, x, "x", r, "the result"))
    return false;
  intptr_t nm, ns;
  if (!arrayAttr(v, "multiplier", -1, &nm) || !arrayAttr(v, "shift", -1, &ns))
    return false;
  bool hasBias = v->numOperands > 1;
  int64_t axis = 0, channels = 1;
  if (nm != 1 || ns != 1 || hasBias) {
    if (!axisIn(v, x->rank, &axis))
      return false;
    channels = x->d[axis];
  }
  if ((nm != 1 && nm != channels) || (ns != 1 && ns != channels))
    return cimVerifyFail(v,
                         "'multiplier' and 'shift' need 1 or %lld entries (the "
                         "channels of axis %lld)",
                         (long long)channels, (long long)axis);
  for (intptr_t i = 0; i < nm; ++i)
    if (arrayAt(v, "multiplier", i) < 0)
      return cimVerifyFail(v, "'multiplier'[%lld] = %lld is negative",
                           (long long)i,
                           (long long)arrayAt(v, "multiplier", i));
  for (intptr_t i = 0; i < ns; ++i)
    if (arrayAt(v, "shift", i) < 0 || arrayAt(v, "shift", i) > 62)
      return cimVerifyFail(v, "'shift'[%lld] = %lld is out of range [0, 62]",
                           (long long)i, (long long)arrayAt(v, "shift", i));
  if (hasBias && (v->in[1].rank != 1 || v->in[1].d[0] != channels))
    return cimVerifyFail(
        v,
        "the bias must be [%lld] (one value per channel of axis "
        "%lld)",
        (long long)channels, (long long)axis);
  int64_t zp;
  return cimVerifyIntAttr(v, "in_zero_point", &zp) &&
         cimVerifyIntAttr(v, "out_zero_point", &zp) && checkQRange(v, r->width);
}

static bool ruleClamp(const V *v) {
  const Tensor *x = &v->in[0], *r = &v->out[0];
  int64_t lo, hi, xlo, xhi;
  if (!cimVerifyNeedSameShape(v, x, "x", r, "the result") ||
      !cimVerifyIntAttr(v, "min", &lo) || !cimVerifyIntAttr(v, "max", &hi))
    return false;
  if (lo > hi)
    return cimVerifyFail(v, "min %lld is above max %lld", (long long)lo,
                         (long long)hi);
  cimVerifyTypeRange(x->width, &xlo, &xhi);
  int64_t plo = lo > xlo ? lo : xlo, phi = hi < xhi ? hi : xhi;
  if (plo <= phi && !cimVerifyHolds(r->width, plo, phi))
    return cimVerifyFail(v,
                         "its i%u result cannot hold the clamped values [%lld, "
                         "%lld]",
                         r->width, (long long)plo, (long long)phi);
  return true;
}

static bool ruleLut(const V *v) {
  const Tensor *x = &v->in[0], *r = &v->out[0];
  intptr_t n;
  int64_t inMin;
  if (!cimVerifyNeedSameShape(v, x, "x", r, "the result") ||
      !arrayAttr(v, "table", -1, &n) || !cimVerifyIntAttr(v, "in_min", &inMin))
    return false;
  for (intptr_t i = 0; i < n; ++i) {
    int64_t e = arrayAt(v, "table", i);
    if (!cimVerifyHolds(r->width, e, e))
      return cimVerifyFail(v, "its i%u result cannot hold 'table'[%lld] = %lld",
                           r->width, (long long)i, (long long)e);
  }
  return true;
}

static bool rulePool(const V *v) {
  const Tensor *x = &v->in[0], *r = &v->out[0];
  if (!cimVerifyNeedRank(v, x, "the input", 4) ||
      !cimVerifyNeedRank(v, r, "the result", 4))
    return false;
  int64_t win[2], st[2], pd[4];
  if (!cimVerifyArrayIn(v, "window", 2, 1, CIM_IR_MAX_DIM, win) ||
      !cimVerifyArrayIn(v, "strides", 2, 1, CIM_IR_MAX_DIM, st) ||
      !cimVerifyArrayIn(v, "padding", 4, 0, CIM_IR_MAX_DIM, pd))
    return false;
  if (pd[0] >= win[0] || pd[2] >= win[0] || pd[1] >= win[1] ||
      pd[3] >= win[1])
    return cimVerifyFail(v, "each padding must be smaller than the window");
  bool nchw = cimVerifyStringIs(v, "layout", "nchw");
  int hA = nchw ? 2 : 1, wA = nchw ? 3 : 2, cA = nchw ? 1 : 3;
  if (r->d[0] != x->d[0] || r->d[cA] != x->d[cA])
    return cimVerifyFail(v,
                         "the result must keep the input's batch and channels");
  if (!checkWindow(v, "height", x->d[hA], pd[0], pd[2], win[0], 1, st[0],
                   r->d[hA]) ||
      !checkWindow(v, "width", x->d[wA], pd[1], pd[3], win[1], 1, st[1],
                   r->d[wA]))
    return false;
  if (r->width < x->width)
    return cimVerifyFail(v, "its i%u result cannot hold the i%u input's values",
                         r->width, x->width);
  return true;
}

static bool ruleAdd(const V *v) {
  return cimVerifyNeedSameShape(v, &v->in[0], "lhs", &v->in[1], "rhs") &&
         cimVerifyNeedSameShape(v, &v->in[0], "lhs", &v->out[0], "the result");
}

static bool ruleSoftmax(const V *v) {
  const Tensor *x = &v->in[0], *r = &v->out[0];
  int64_t axis, one;
  intptr_t n;
  if (!cimVerifyNeedSameShape(v, x, "x", r, "the result") ||
      !axisIn(v, x->rank, &axis) || !arrayAttr(v, "exp_table", -1, &n) ||
      !cimVerifyIntIn(v, "one", 0, INT64_MAX, &one))
    return false;
  for (intptr_t i = 0; i < n; ++i) {
    int64_t e = arrayAt(v, "exp_table", i);
    if (e < 0 || (i == 0 && e == 0))
      return cimVerifyFail(
          v,
          "'exp_table'[%lld] = %lld: entries must be non-negative "
          "and the first positive",
          (long long)i, (long long)e);
  }
  int64_t zp;
  return cimVerifyIntAttr(v, "out_zero_point", &zp) && checkQRange(v, r->width);
}

static bool ruleLayerNorm(const V *v) {
  const Tensor *x = &v->in[0], *r = &v->out[0];
  int64_t axis, ignored;
  if (!cimVerifyNeedSameShape(v, x, "x", r, "the result") ||
      !axisIn(v, x->rank, &axis) || !arrayAttr(v, "gamma", x->d[axis], NULL) ||
      !arrayAttr(v, "beta", x->d[axis], NULL) ||
      !cimVerifyIntIn(v, "frac_bits", 0, 30, NULL) ||
      !cimVerifyIntIn(v, "eps", 0, INT64_MAX, NULL) ||
      !cimVerifyIntIn(v, "multiplier", 0, INT64_MAX, NULL) ||
      !cimVerifyIntIn(v, "shift", 0, 62, NULL) ||
      !cimVerifyIntAttr(v, "out_zero_point", &ignored))
    return false;
  return checkQRange(v, r->width);
}

static bool elementCount(const Tensor *t, int64_t *n) {
  *n = 1;
  for (int i = 0; i < t->rank; ++i)
    if (!cimCheckedMul(*n, t->d[i], n))
      return false;
  return true;
}

static bool ruleReshape(const V *v) {
  int64_t a, b;
  if (!elementCount(&v->in[0], &a) || !elementCount(&v->out[0], &b) || a != b)
    return cimVerifyFail(v, "the result must have the input's element count");
  if (v->out[0].width < v->in[0].width)
    return cimVerifyFail(v, "its i%u result cannot hold the i%u input's values",
                         v->out[0].width, v->in[0].width);
  return true;
}

static bool ruleTranspose(const V *v) {
  const Tensor *x = &v->in[0], *r = &v->out[0];
  if (!cimVerifyNeedRank(v, r, "the result", x->rank) ||
      !arrayAttr(v, "permutation", x->rank, NULL))
    return false;
  bool seen[CIM_IR_MAX_RANK] = {false};
  for (int i = 0; i < x->rank; ++i) {
    int64_t p = arrayAt(v, "permutation", i);
    if (p < 0 || p >= x->rank || seen[p])
      return cimVerifyFail(v, "'permutation' is not a permutation of [0, %d)",
                           x->rank);
    seen[p] = true;
    if (r->d[i] != x->d[p])
      return cimVerifyFail(v,
                           "result dimension %d must be input dimension %lld",
                           i, (long long)p);
  }
  if (r->width < x->width)
    return cimVerifyFail(v, "its i%u result cannot hold the i%u input's values",
                         r->width, x->width);
  return true;
}

static bool ruleConcat(const V *v) {
  const Tensor *l = &v->in[0], *rh = &v->in[1], *r = &v->out[0];
  int64_t axis, sum;
  if (!cimVerifyNeedRank(v, rh, "rhs", l->rank) ||
      !cimVerifyNeedRank(v, r, "the result", l->rank) ||
      !axisIn(v, l->rank, &axis))
    return false;
  for (int i = 0; i < l->rank; ++i)
    if (i != axis && (rh->d[i] != l->d[i] || r->d[i] != l->d[i]))
      return cimVerifyFail(v, "operands and result must agree in dimension %d",
                           i);
  if (!cimCheckedAdd(l->d[axis], rh->d[axis], &sum) || sum != r->d[axis])
    return cimVerifyFail(v, "the result's dimension %lld must be %lld + %lld",
                         (long long)axis, (long long)l->d[axis],
                         (long long)rh->d[axis]);
  if (r->width < l->width || r->width < rh->width)
    return cimVerifyFail(v, "its i%u result cannot hold the operands' values",
                         r->width);
  return true;
}

/// The block `small` at `offsets` lies inside `big` (slice, insert).
bool cimVerifyBlock(const V *v, const Tensor *big, const Tensor *small) {
  if (!cimVerifyNeedRank(v, small, "the block", big->rank) ||
      !arrayAttr(v, "offsets", big->rank, NULL))
    return false;
  for (int i = 0; i < big->rank; ++i) {
    int64_t o = arrayAt(v, "offsets", i), end;
    if (o < 0 || !cimCheckedAdd(o, small->d[i], &end) || end > big->d[i])
      return cimVerifyFail(
          v,
          "offset %lld of dimension %d places %lld elements past "
          "the %lld there",
          (long long)o, i, (long long)small->d[i], (long long)big->d[i]);
  }
  return true;
}

static bool ruleSlice(const V *v) {
  if (!cimVerifyBlock(v, &v->in[0], &v->out[0]))
    return false;
  if (v->out[0].width < v->in[0].width)
    return cimVerifyFail(v, "its i%u result cannot hold the i%u input's values",
                         v->out[0].width, v->in[0].width);
  return true;
}

static bool ruleNone(const V *v) {
  (void)v;
  return true;
}

/*===----------------------------------------------------------------------===*
 * The table: every op of dialects/cim.irdl.mlir and xbar.irdl.mlir
 * (test/dialects/verify-table.test checks that no op is missing)
 *===----------------------------------------------------------------------===*/

typedef struct Row {
  const char *name;
  bool (*rule)(const V *v);
} Row;

static const Row rows[] = {
    {"cim.matmul", ruleMatmul}, {"cim.conv2d", ruleConv2d},
    {"cim.requantize", ruleRequantize}, {"cim.clamp", ruleClamp},
    {"cim.lut", ruleLut}, {"cim.pool", rulePool},
    {"cim.add", ruleAdd}, {"cim.softmax", ruleSoftmax},
    {"cim.layer_norm", ruleLayerNorm}, {"cim.reshape", ruleReshape},
    {"cim.transpose", ruleTranspose}, {"cim.concat", ruleConcat},
    {"cim.slice", ruleSlice}, {"cim.matmul_tile", ruleMatmulTile},
    {"xbar.weight_tile", cimVerifyWeightTile}, {"xbar.write", cimVerifyWrite},
    {"xbar.bitplane", cimVerifyBitplane}, {"xbar.mvm", cimVerifyMvm},
    {"xbar.adc", cimVerifyAdc}, {"xbar.shift_add", cimVerifyShiftAdd},
    {"xbar.barrier", ruleNone}, {"xbar.im2col", cimVerifyIm2col},
    {"xbar.insert", cimVerifyInsert}, {"xbar.requantize", ruleRequantize},
    {"xbar.clamp", ruleClamp}, {"xbar.lut", ruleLut},
    {"xbar.pool", rulePool}, {"xbar.add", ruleAdd},
    {"xbar.softmax", ruleSoftmax}, {"xbar.layer_norm", ruleLayerNorm},
    {"xbar.reshape", ruleReshape}, {"xbar.transpose", ruleTranspose},
    {"xbar.slice", ruleSlice},
};

enum { NUM_ROWS = sizeof rows / sizeof rows[0] };

MlirLogicalResult cimVerifyOp(MlirOperation op) {
  MlirStringRef name = mlirIdentifierStr(mlirOperationGetName(op));
  bool ours = (name.length > 4 && !strncmp(name.data, "cim.", 4)) ||
              (name.length > 5 && !strncmp(name.data, "xbar.", 5));
  if (!ours)
    return mlirLogicalResultSuccess();
  const Row *row = NULL;
  for (int i = 0; i < NUM_ROWS && !row; ++i)
    if (mlirStringRefEqual(name, mlirStringRefCreateFromCString(rows[i].name)))
      row = &rows[i];
  if (!row) /* not an op of ours (IRDL rejects those) */
    return mlirLogicalResultSuccess();
  V v;
  memset(&v, 0, sizeof v);
  v.op = op;
  v.loc = mlirOperationGetLocation(op);
  snprintf(v.name, sizeof v.name, "%s", row->name);
  bool ok = checkTensors(&v) && checkLayer(&v) && row->rule(&v);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static MlirWalkResult verifyOne(MlirOperation op, void *userData) {
  bool *ok = userData;
  if (mlirLogicalResultIsFailure(cimVerifyOp(op)))
    *ok = false;
  return MlirWalkResultAdvance;
}

MlirLogicalResult cimVerifyOps(MlirOperation root) {
  bool ok = true;
  mlirOperationWalk(root, verifyOne, &ok, MlirWalkPreOrder);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
