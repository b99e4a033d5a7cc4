/*===-- front_end_test.c - Check suite for lib/FrontEndMatch.h -------------===*
 *
 * Integer parameters against hand derivations (in the comments) and against
 * float references: the integer algorithms of cim.softmax and
 * cim.layer_norm (docs/dialects/cim.md) are implemented a second time here,
 * test-only, with 128-bit intermediates, and their outputs compared with
 * the float functions quantized ONNX-style. The matchers are run on small
 * MLIR snippets, each positively and with one detail wrong.
 *
 * The library is built with hidden visibility, so its internal functions are
 * not exported from libcimlir: this test compiles the sources under test
 * (and the two small helpers they call) into itself.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/FrontEndMatch.h"
#include "cim-c/Dialects.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/Diagnostics.h"

#include "ir/front_end/eval.c"
#include "ir/front_end/match.c"
#include "ir/front_end/params.c"
#include "ir/elements.c"
#include "ir/pass_utils.c"
#include "support/strbuf.c"

/*===-- Fixture ------------------------------------------------------------===*/

#include "ContextFixture.h"

static MlirModule parse(const char *src) {
  MlirModule m = mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(src));
  ck_assert_msg(!mlirModuleIsNull(m), "parse failed: %s", lastError);
  return m;
}

typedef struct {
  const char *name;
  int index;
  MlirOperation found;
} FindCtx;

static MlirWalkResult findNth(MlirOperation op, void *userData) {
  FindCtx *f = userData;
  MlirStringRef n = mlirIdentifierStr(mlirOperationGetName(op));
  if (n.length == strlen(f->name) && memcmp(n.data, f->name, n.length) == 0 &&
      f->index-- == 0) {
    f->found = op;
    return MlirWalkResultInterrupt;
  }
  return MlirWalkResultAdvance;
}

/* The `index`-th op named `name` in `m`, in pre-order. */
static MlirOperation nth(MlirModule m, const char *name, int index) {
  FindCtx f = {name, index, {NULL}};
  mlirOperationWalk(mlirModuleGetOperation(m), findNth, &f, MlirWalkPreOrder);
  ck_assert_msg(!mlirOperationIsNull(f.found), "no %s #%d", name, index);
  return f.found;
}

/* The function's block argument `i` (of the first func.func). */
static MlirValue funcArg(MlirModule m, intptr_t i) {
  MlirOperation f = nth(m, "func.func", 0);
  MlirBlock b = mlirRegionGetFirstBlock(mlirOperationGetRegion(f, 0));
  return mlirBlockGetArgument(b, i);
}

static MlirValue result(MlirOperation op) { return mlirOperationGetResult(op, 0); }

/*===-- Integer rounding helpers (test-only second implementation) ---------===*/

typedef __int128 i128;

/* rne(p / q), q > 0, ties to even, exact. */
static i128 rneDiv(i128 p, i128 q) {
  bool neg = p < 0;
  i128 a = neg ? -p : p;
  i128 r = a / q, rem = a % q;
  if (2 * rem > q || (2 * rem == q && (r & 1)))
    ++r;
  return neg ? -r : r;
}

static int64_t clampI(i128 v, int64_t lo, int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : (int64_t)v);
}

/* floor(sqrt(v)), v >= 0. */
static i128 isqrt128(i128 v) {
  i128 lo = 0, hi = (i128)1 << 62;
  while (lo < hi) { /* largest r with r*r <= v */
    i128 mid = lo + (hi - lo + 1) / 2;
    if (mid * mid <= v)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

/* ONNX QuantizeLinear, written independently of cimQuantizeOnnx:
 * nearbyint in the default rounding mode (to nearest, ties to even). */
static int64_t quantRef(double v, CimQParams q) {
  double r = nearbyint(v / q.scale) + (double)q.zeroPoint;
  return r < (double)q.qmin ? q.qmin : (r > (double)q.qmax ? q.qmax : (int64_t)r);
}

static uint64_t rngState = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void) { /* xorshift64 */
  rngState ^= rngState << 13;
  rngState ^= rngState >> 7;
  rngState ^= rngState << 17;
  return rngState;
}
static int64_t rngRange(int64_t lo, int64_t hi) {
  return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
}
static double rngUnit(void) { return (double)(rng() >> 11) / 9007199254740992.0; }

/*===-- Multiplier/shift and ONNX quantize ---------------------------------===*/

START_TEST(test_multiplier_shift) {
  int64_t m = -1, s = -1;
  /* 0.75 = 0.75 * 2^0: rne(0.75 * 2^31) = 1610612736, shift 31 - 0. */
  ck_assert(cimComputeMultiplierShift(0.75, &m, &s));
  ck_assert_int_eq(m, 1610612736);
  ck_assert_int_eq(s, 31);
  /* 1.0 = 0.5 * 2^1: 2^30, shift 30. */
  ck_assert(cimComputeMultiplierShift(1.0, &m, &s));
  ck_assert_int_eq(m, 1073741824);
  ck_assert_int_eq(s, 30);
  /* 1/3 = (2/3) * 2^-1: rne(2^32 / 3 = 1431655765.33) = 1431655765, 32. */
  ck_assert(cimComputeMultiplierShift(1.0 / 3.0, &m, &s));
  ck_assert_int_eq(m, 1431655765);
  ck_assert_int_eq(s, 32);
  /* 1 - 2^-40: m * 2^31 = 2^31 - 2^-9 rounds to 2^31: halved, e + 1. */
  ck_assert(cimComputeMultiplierShift(1.0 - ldexp(1.0, -40), &m, &s));
  ck_assert_int_eq(m, 1073741824);
  ck_assert_int_eq(s, 30);
  /* 2^-31 = 0.5 * 2^-30: shift 61; 2^-32: shift 62 (the last); 2^-40
   * would need shift 70 > 62: 0, 0 (the ratio is below 1 LSB). */
  ck_assert(cimComputeMultiplierShift(ldexp(1.0, -31), &m, &s));
  ck_assert_int_eq(m, 1073741824);
  ck_assert_int_eq(s, 61);
  ck_assert(cimComputeMultiplierShift(ldexp(1.0, -32), &m, &s));
  ck_assert_int_eq(s, 62);
  ck_assert(cimComputeMultiplierShift(ldexp(1.0, -40), &m, &s));
  ck_assert_int_eq(m, 0);
  ck_assert_int_eq(s, 0);
  /* 2^30 = 0.5 * 2^31: shift 0; 2^31 would need shift -1: failure. */
  ck_assert(cimComputeMultiplierShift(ldexp(1.0, 30), &m, &s));
  ck_assert_int_eq(m, 1073741824);
  ck_assert_int_eq(s, 0);
  m = s = 7;
  ck_assert(!cimComputeMultiplierShift(ldexp(1.0, 31), &m, &s));
  ck_assert(!cimComputeMultiplierShift(0.0, &m, &s));
  ck_assert(!cimComputeMultiplierShift(-0.5, &m, &s));
  ck_assert(!cimComputeMultiplierShift(NAN, &m, &s));
  ck_assert(!cimComputeMultiplierShift(INFINITY, &m, &s));
  ck_assert_int_eq(m, 7); /* untouched on failure */
  ck_assert_int_eq(s, 7);
  /* Relative error below 2^-30 for arbitrary ratios. */
  for (int i = 0; i < 1000; ++i) {
    double r = ldexp(0.5 + 0.5 * rngUnit(), (int)rngRange(-29, 30));
    ck_assert(cimComputeMultiplierShift(r, &m, &s));
    ck_assert_int_ge(m, 1073741824);
    ck_assert_int_lt(m, 2147483648);
    ck_assert(fabs(ldexp((double)m, -(int)s) / r - 1.0) <= ldexp(1.0, -31));
  }
}
END_TEST

START_TEST(test_quantize_onnx) {
  /* Ties to even: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, then + zp. */
  ck_assert_int_eq(cimQuantizeOnnx(1.25, 0.5, 0, -128, 127), 2);
  ck_assert_int_eq(cimQuantizeOnnx(1.75, 0.5, 0, -128, 127), 4);
  ck_assert_int_eq(cimQuantizeOnnx(-1.25, 0.5, 0, -128, 127), -2);
  ck_assert_int_eq(cimQuantizeOnnx(-1.25, 0.5, 10, -128, 127), 8);
  ck_assert_int_eq(cimQuantizeOnnx(0.3, 0.1, 0, -128, 127), 3);
  /* Saturation, narrow and unsigned ranges. */
  ck_assert_int_eq(cimQuantizeOnnx(1000.0, 0.5, 0, -7, 7), 7);
  ck_assert_int_eq(cimQuantizeOnnx(-1000.0, 0.5, 0, -7, 7), -7);
  ck_assert_int_eq(cimQuantizeOnnx(-1.0, 0.5, 0, 0, 255), 0);
  ck_assert_int_eq(cimQuantizeOnnx(INFINITY, 0.5, 3, 0, 15), 15);
  ck_assert_int_eq(cimQuantizeOnnx(-INFINITY, 0.5, 3, 0, 15), 0);
  ck_assert_int_eq(cimQuantizeOnnx(NAN, 0.5, 3, 0, 15), 3);
  ck_assert_int_eq(cimQuantizeOnnx(NAN, 0.5, -3, 0, 15), 0);
  ck_assert_int_eq(cimQuantizeOnnx(1e300, 1e-300, 0, INT64_MIN, INT64_MAX),
                   INT64_MAX);
}
END_TEST

/*===-- LUT ----------------------------------------------------------------===*/

static double geluRef(double x, void *ud) {
  (void)ud;
  return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
}

/* GELU x * Phi(x) from normal tables: Phi(-2) = 0.02275, Phi(-1) = 0.15866,
 * Phi(-0.75) = 0.22663, Phi(-0.5) = 0.30854, Phi(0.5) = 0.69146,
 * Phi(1) = 0.84134, Phi(1.75) = 0.95994. Input i4 scale 0.25 zp 0
 * (x = 0.25 * (i - 8)), output i8 scale 1/16:
 *   x = -2    (i 0):  -0.0455 * 16 = -0.728 -> -1
 *   x = -1    (i 4):  -0.1587 * 16 = -2.539 -> -3
 *   x = -0.75 (i 5):  -0.1700 * 16 = -2.720 -> -3
 *   x = -0.5  (i 6):  -0.1543 * 16 = -2.468 -> -2
 *   x = 0     (i 8):  0
 *   x = 0.5   (i 10): 0.3457 * 16 = 5.532 -> 6
 *   x = 1     (i 12): 0.8413 * 16 = 13.46 -> 13
 *   x = 1.75  (i 15): 1.6799 * 16 = 26.88 -> 27 */
static const int geluIdx[] = {0, 4, 5, 6, 8, 10, 12, 15};
static const int64_t geluVal[] = {-1, -3, -3, -2, 0, 6, 13, 27};

START_TEST(test_lut_from_fn) {
  CimQParams in = {0.25, 0, -8, 7}, out = {1.0 / 16.0, 0, -128, 127};
  int64_t table[CIM_LUT_MAX_ENTRIES];
  intptr_t len = 0;
  int64_t inMin = 0;
  ck_assert(cimLutTableFromFn(geluRef, NULL, in, out, table,
                              CIM_LUT_MAX_ENTRIES, &len, &inMin));
  ck_assert_int_eq(len, 16);
  ck_assert_int_eq(inMin, -8);
  for (size_t k = 0; k < sizeof geluIdx / sizeof geluIdx[0]; ++k)
    ck_assert_int_eq(table[geluIdx[k]], geluVal[k]);
  /* An input zero point shifts the dequantized value: zp 4 makes i = 12
   * (storage 4) the value 0, i = 8 the value -1. */
  in.zeroPoint = 4;
  ck_assert(cimLutTableFromFn(geluRef, NULL, in, out, table,
                              CIM_LUT_MAX_ENTRIES, &len, &inMin));
  ck_assert_int_eq(table[12], 0);
  ck_assert_int_eq(table[8], -3);
  /* Capacity: 16 entries do not fit in 15. */
  ck_assert(!cimLutTableFromFn(geluRef, NULL, in, out, table, 15, &len, &inMin));
  CimQParams empty = {0.25, 0, 1, 0};
  ck_assert(!cimLutTableFromFn(geluRef, NULL, empty, out, table,
                               CIM_LUT_MAX_ENTRIES, &len, &inMin));
}
END_TEST

/* The exact GELU body of examples/models/vitb32.mlir. */
static const char *geluSrc =
    "#id2 = affine_map<(d0, d1) -> (d0, d1)>\n"
    "func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {\n"
    "  %e = tensor.empty() : tensor<2x4xf32>\n"
    "  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = "
    "[\"parallel\", \"parallel\"]} ins(%x : tensor<2x4xf32>) outs(%e : "
    "tensor<2x4xf32>) {\n"
    "  ^bb0(%a0: f32, %acc: f32):\n"
    "    %half = arith.constant 0.5 : f32\n"
    "    %one = arith.constant 1.0 : f32\n"
    "    %rsqrt2 = arith.constant 0.707106769 : f32\n"
    "    %u = arith.mulf %a0, %rsqrt2 : f32\n"
    "    %v = math.erf %u : f32\n"
    "    %p = arith.addf %v, %one : f32\n"
    "    %h = arith.mulf %a0, %half : f32\n"
    "    %y = arith.mulf %h, %p : f32\n"
    "    linalg.yield %y : f32\n"
    "  } -> tensor<2x4xf32>\n"
    "  return %r : tensor<2x4xf32>\n"
    "}\n";

START_TEST(test_eval_and_lut_of_gelu_body) {
  MlirModule m = parse(geluSrc);
  MlirOperation g = nth(m, "linalg.generic", 0);
  MlirValue in;
  ck_assert(cimMatchElementwiseUnary(g, &in));
  ck_assert(mlirValueEqual(in, funcArg(m, 0)));
  double y = 0.0;
  /* GELU(1) = Phi(1) = 0.841345; GELU(-1) = -0.158655; GELU(0) = 0. The f32
   * constant 0.707106769 is 1/sqrt(2) to 1e-8: results agree to 1e-7. */
  ck_assert(mlirLogicalResultIsSuccess(cimEvalElementwiseBody(g, 1.0, &y)));
  ck_assert_double_eq_tol(y, 0.841345, 1e-6);
  ck_assert(mlirLogicalResultIsSuccess(cimEvalElementwiseBody(g, -1.0, &y)));
  ck_assert_double_eq_tol(y, -0.158655, 1e-6);
  ck_assert(mlirLogicalResultIsSuccess(cimEvalElementwiseBody(g, 0.0, &y)));
  ck_assert_double_eq(y, 0.0);
  CimQParams inT = {0.25, 0, -8, 7}, outT = {1.0 / 16.0, 0, -128, 127};
  int64_t table[CIM_LUT_MAX_ENTRIES];
  intptr_t len = 0;
  int64_t inMin = 0;
  ck_assert(mlirLogicalResultIsSuccess(
      cimLutTable(g, inT, outT, table, CIM_LUT_MAX_ENTRIES, &len, &inMin)));
  ck_assert_int_eq(len, 16);
  ck_assert_int_eq(inMin, -8);
  for (size_t k = 0; k < sizeof geluIdx / sizeof geluIdx[0]; ++k)
    ck_assert_int_eq(table[geluIdx[k]], geluVal[k]);
  /* Too many entries: one error at the generic. */
  CimQParams wide = {0.25, 0, -512, 511};
  ck_assert_int_eq(numErrors, 0);
  ck_assert(mlirLogicalResultIsFailure(
      cimLutTable(g, wide, outT, table, CIM_LUT_MAX_ENTRIES, &len, &inMin)));
  ck_assert_int_eq(numErrors, 1);
  ck_assert_ptr_nonnull(strstr(lastError, "1024 table entries"));
  mlirModuleDestroy(m);
}
END_TEST

/* A unary generic whose body is `%y = <op> %a0 <, %c>`. */
static MlirModule unaryModule(const char *bodyOps) {
  char src[2048];
  snprintf(src, sizeof src,
           "#id2 = affine_map<(d0, d1) -> (d0, d1)>\n"
           "func.func @f(%%x: tensor<2x4xf32>) -> tensor<2x4xf32> {\n"
           "  %%e = tensor.empty() : tensor<2x4xf32>\n"
           "  %%c = arith.constant 2.0 : f32\n"
           "  %%r = linalg.generic {indexing_maps = [#id2, #id2], "
           "iterator_types = [\"parallel\", \"parallel\"]} ins(%%x : "
           "tensor<2x4xf32>) outs(%%e : tensor<2x4xf32>) {\n"
           "  ^bb0(%%a0: f32, %%acc: f32):\n"
           "    %s\n"
           "    linalg.yield %%y : f32\n"
           "  } -> tensor<2x4xf32>\n"
           "  return %%r : tensor<2x4xf32>\n"
           "}\n",
           bodyOps);
  return parse(src);
}

START_TEST(test_eval_rejects_unsupported_body) {
  /* A captured constant is fine: 3 * 2 - ... */
  MlirModule m = unaryModule("%t = arith.mulf %a0, %c : f32\n"
                             "    %y = math.tanh %t : f32");
  MlirOperation g = nth(m, "linalg.generic", 0);
  MlirValue in;
  double y = 0.0;
  ck_assert(cimMatchElementwiseUnary(g, &in));
  ck_assert(mlirLogicalResultIsSuccess(cimEvalElementwiseBody(g, 0.25, &y)));
  ck_assert_double_eq_tol(y, tanh(0.5), 1e-15);
  mlirModuleDestroy(m);

  /* math.sin is not supported: no match, and one error at the body op. */
  m = unaryModule("%y = math.sin %a0 : f32");
  g = nth(m, "linalg.generic", 0);
  ck_assert(!cimMatchElementwiseUnary(g, &in));
  ck_assert_int_eq(numErrors, 0);
  ck_assert(mlirLogicalResultIsFailure(cimEvalElementwiseBody(g, 0.25, &y)));
  ck_assert_int_eq(numErrors, 1);
  ck_assert_ptr_nonnull(strstr(lastError, "math.sin"));
  int64_t table[CIM_LUT_MAX_ENTRIES];
  intptr_t len;
  int64_t inMin;
  CimQParams t = {0.25, 0, -8, 7};
  ck_assert(mlirLogicalResultIsFailure(
      cimLutTable(g, t, t, table, CIM_LUT_MAX_ENTRIES, &len, &inMin)));
  ck_assert_int_eq(numErrors, 2);
  mlirModuleDestroy(m);
}
END_TEST

/*===-- Softmax ------------------------------------------------------------===*/

/* cim.softmax of docs/dialects/cim.md, test-only implementation. */
static void softmaxInt(const int64_t *x, int n, const CimSoftmaxParams *p,
                       CimQParams out, int64_t *r) {
  int64_t mx = x[0];
  for (int i = 1; i < n; ++i)
    mx = x[i] > mx ? x[i] : mx;
  i128 sum = 0;
  int64_t e[512];
  for (int i = 0; i < n; ++i) {
    int64_t d = mx - x[i];
    e[i] = p->expTable[d < p->tableLen - 1 ? d : p->tableLen - 1];
    sum += e[i];
  }
  for (int i = 0; i < n; ++i)
    r[i] = clampI(rneDiv((i128)e[i] * p->one, sum) + out.zeroPoint, out.qmin,
                  out.qmax);
}

START_TEST(test_softmax_params_hand) {
  /* s_x = 1: exp_table[d] = rne(2^30 e^-d); 2^30 e^-21 = 0.814 -> 1,
   * 2^30 e^-22 = 0.300 -> 0: the table stops at d = 22 (23 entries), first
   * entry 2^30. one = rne(1 / (1/256)) = 256. */
  CimQParams in = {1.0, 0, -128, 127}, out = {1.0 / 256.0, 0, 0, 255};
  CimSoftmaxParams p;
  ck_assert(cimSoftmaxParams(in, out, &p));
  ck_assert_int_eq(p.k, 30);
  ck_assert_int_eq(p.one, 256);
  ck_assert_int_eq(p.tableLen, 23);
  ck_assert_int_eq(p.expTable[0], 1073741824);
  /* 2^30 e^-1 = 395007542.4 */
  ck_assert_int_eq(p.expTable[1], 395007542);
  ck_assert_int_eq(p.expTable[21], 1);
  ck_assert_int_eq(p.expTable[22], 0);
  /* A 2-bit input with a small scale never reaches 0: 4 entries. */
  CimQParams small = {0.01, 0, 0, 3};
  ck_assert(cimSoftmaxParams(small, out, &p));
  ck_assert_int_eq(p.tableLen, 4);
  ck_assert_int_gt(p.expTable[3], 0);
  /* Failures: 9-bit inputs, out scale 2 (one = rne(0.5) = 0), bad scale. */
  CimQParams wide = {1.0, 0, -256, 255};
  ck_assert(!cimSoftmaxParams(wide, out, &p));
  CimQParams coarse = {2.0, 0, 0, 255};
  ck_assert(!cimSoftmaxParams(in, coarse, &p));
  CimQParams zero = {0.0, 0, -128, 127};
  ck_assert(!cimSoftmaxParams(zero, out, &p));
}
END_TEST

START_TEST(test_softmax_int_vs_float) {
  /* Random 8-bit rows for several input scales; outputs u8 (1/256) and i8
   * (1/256, zp -128): the integer result is the float softmax of the
   * dequantized row, quantized, within 1 LSB (a rounding tie may break the
   * other way: exp_table entries carry a 2^-31 relative error). */
  const double scales[] = {0.02, 0.1, 0.25, 1.0};
  const CimQParams outs[] = {{1.0 / 256.0, 0, 0, 255},
                             {1.0 / 256.0, -128, -128, 127}};
  int64_t worst = 0, total = 0, exact = 0;
  for (size_t si = 0; si < 4; ++si)
    for (size_t oi = 0; oi < 2; ++oi) {
      CimQParams in = {scales[si], 7, -128, 127};
      CimSoftmaxParams p;
      ck_assert(cimSoftmaxParams(in, outs[oi], &p));
      for (int row = 0; row < 200; ++row) {
        int n = (int)rngRange(1, 300);
        int64_t x[512], r[512];
        int64_t lo = rngRange(-128, 127), hi = rngRange(lo, 127);
        for (int i = 0; i < n; ++i)
          x[i] = rngRange(lo, hi);
        softmaxInt(x, n, &p, outs[oi], r);
        double mx = -INFINITY, sum = 0.0, e[512];
        for (int i = 0; i < n; ++i)
          mx = fmax(mx, in.scale * (double)(x[i] - in.zeroPoint));
        for (int i = 0; i < n; ++i)
          sum += e[i] = exp(in.scale * (double)(x[i] - in.zeroPoint) - mx);
        for (int i = 0; i < n; ++i) {
          int64_t want = quantRef(e[i] / sum, outs[oi]);
          int64_t d = llabs(r[i] - want);
          worst = d > worst ? d : worst;
          exact += d == 0;
          ++total;
        }
      }
    }
  printf("softmax: %lld of %lld outputs exact, worst %lld LSB\n",
         (long long)exact, (long long)total, (long long)worst);
  ck_assert_int_le(worst, 1);
  ck_assert_int_ge(exact * 1000, total * 999); /* ties are rare */
}
END_TEST

/*===-- Layer norm ---------------------------------------------------------===*/

/* cim.layer_norm of docs/dialects/cim.md, test-only implementation. */
static void layerNormInt(const int64_t *x, int64_t n, const CimLayerNormParams *p,
                         const int64_t *gamma, const int64_t *beta,
                         CimQParams out, int64_t *r) {
  i128 s = 0;
  for (int64_t j = 0; j < n; ++j)
    s += x[j];
  i128 v = 0;
  for (int64_t j = 0; j < n; ++j) {
    i128 c = (i128)n * x[j] - s;
    v += c * c;
  }
  int64_t f = p->fracBits;
  i128 n3 = (i128)n * n * n;
  i128 D = isqrt128(((v << (2 * f)) / n3) + p->eps);
  for (int64_t i = 0; i < n; ++i) {
    i128 c = (i128)n * x[i] - s;
    i128 z = D == 0 ? 0 : rneDiv(c * ((i128)1 << (2 * f)), (i128)n * D);
    i128 t = (z * gamma[i] + beta[i]) * p->multiplier;
    r[i] = clampI(rneDiv(t, (i128)1 << p->shift) + out.zeroPoint, out.qmin,
                  out.qmax);
  }
}

START_TEST(test_layer_norm_params_hand) {
  /* out scale 0.03 = 0.96 * 2^-5: g = 31 - 20 + 5 = 16 (0.03 * 2^36 =
   * 2.06e9 in [2^30, 2^31)). Ratio 1 / (0.03 * 2^36) = 0.5208333 * 2^-30:
   * multiplier rne(2^25 / 0.03 = 1118481066.67) = 1118481067, shift 61.
   * eps = rne(1e-5 * 2^40 / 0.05^2 = 10995116.28 / 0.0025 = 4398046511.1)
   *     = 4398046511.
   * gamma 1.5 -> 1.5 * 2^16 = 98304; beta -0.25 -> -0.25 * 2^36 =
   * -17179869184. */
  CimQParams in = {0.05, -3, -128, 127}, out = {0.03, 5, -128, 127};
  double gamma[2] = {1.5, 1.0}, beta[2] = {-0.25, 0.0};
  int64_t gi[2], bi[2];
  CimLayerNormParams p;
  ck_assert(cimLayerNormParams(in, 2, 1e-5, gamma, beta, out, gi, bi, &p));
  ck_assert_int_eq(p.fracBits, 20);
  ck_assert_int_eq(p.gammaBits, 16);
  ck_assert_int_eq(p.multiplier, 1118481067);
  ck_assert_int_eq(p.shift, 61);
  ck_assert_int_eq(p.eps, 4398046511);
  ck_assert_int_eq(gi[0], 98304);
  ck_assert_int_eq(gi[1], 65536);
  ck_assert_int_eq(bi[0], -17179869184);
  ck_assert_int_eq(bi[1], 0);
  /* Failures: n 0, 9-bit input, negative eps, absurd beta. */
  ck_assert(!cimLayerNormParams(in, 0, 1e-5, gamma, beta, out, gi, bi, &p));
  CimQParams wide = {0.05, 0, -256, 255};
  ck_assert(!cimLayerNormParams(wide, 2, 1e-5, gamma, beta, out, gi, bi, &p));
  ck_assert(!cimLayerNormParams(in, 2, -1e-5, gamma, beta, out, gi, bi, &p));
  double hugeBeta[2] = {1e30, 0.0};
  ck_assert(!cimLayerNormParams(in, 2, 1e-5, gamma, hugeBeta, out, gi, bi, &p));
}
END_TEST

START_TEST(test_layer_norm_int_vs_float) {
  /* Random 8-bit rows (asymmetric input zero point), random gamma in
   * [0.5, 1.5), beta in [-0.5, 0.5), eps 1e-5: the integer result equals the
   * float layer norm of the dequantized row, quantized, within 1 LSB.
   * Includes n = 1 and constant rows (z = 0: the output is beta). */
  const int64_t ns[] = {1, 2, 7, 64, 768};
  const CimQParams ins[] = {{0.05, -3, -128, 127}, {0.01, 0, -8, 7}};
  const CimQParams outs[] = {{0.03, 5, -128, 127}, {0.5, 0, -7, 7}};
  static int64_t x[768], r[768], gi[768], bi[768];
  static double gamma[768], beta[768];
  int64_t worst = 0, total = 0, exact = 0;
  for (size_t ni = 0; ni < 5; ++ni)
    for (size_t ti = 0; ti < 2; ++ti) {
      int64_t n = ns[ni];
      CimQParams in = ins[ti], out = outs[ti];
      for (int64_t j = 0; j < n; ++j) {
        gamma[j] = 0.5 + rngUnit();
        beta[j] = rngUnit() - 0.5;
      }
      CimLayerNormParams p;
      ck_assert(cimLayerNormParams(in, n, 1e-5, gamma, beta, out, gi, bi, &p));
      for (int row = 0; row < 40; ++row) {
        int64_t lo = rngRange(in.qmin, in.qmax), hi = rngRange(lo, in.qmax);
        if (row == 0)
          hi = lo; /* constant row */
        for (int64_t j = 0; j < n; ++j)
          x[j] = rngRange(lo, hi);
        layerNormInt(x, n, &p, gi, bi, out, r);
        double mean = 0.0, var = 0.0;
        for (int64_t j = 0; j < n; ++j)
          mean += in.scale * (double)(x[j] - in.zeroPoint);
        mean /= (double)n;
        for (int64_t j = 0; j < n; ++j) {
          double c = in.scale * (double)(x[j] - in.zeroPoint) - mean;
          var += c * c;
        }
        var /= (double)n;
        for (int64_t j = 0; j < n; ++j) {
          double y = (in.scale * (double)(x[j] - in.zeroPoint) - mean) /
                         sqrt(var + 1e-5) * gamma[j] + beta[j];
          int64_t d = llabs(r[j] - quantRef(y, out));
          worst = d > worst ? d : worst;
          exact += d == 0;
          ++total;
        }
      }
    }
  printf("layer norm: %lld of %lld outputs exact, worst %lld LSB\n",
         (long long)exact, (long long)total, (long long)worst);
  ck_assert_int_le(worst, 1);
  ck_assert_int_ge(exact * 100, total * 99);
}
END_TEST

/*===-- Bias add, clamp, scalar scale, tensor add --------------------------===*/

static MlirModule biasModule(const char *biasMap, const char *bias,
                             const char *biasType, const char *body) {
  char src[4096];
  snprintf(src, sizeof src,
           "#id4 = affine_map<(n, c, h, w) -> (n, c, h, w)>\n"
           "#bm = affine_map<(n, c, h, w) -> %s>\n"
           "func.func @f(%%x: tensor<1x3x2x2xf32>, %%b: %s) -> "
           "tensor<1x3x2x2xf32> {\n"
           "  %%cst = arith.constant %s : %s\n"
           "  %%e = tensor.empty() : tensor<1x3x2x2xf32>\n"
           "  %%r = linalg.generic {indexing_maps = [#id4, #bm, #id4], "
           "iterator_types = [\"parallel\", \"parallel\", \"parallel\", "
           "\"parallel\"]} ins(%%x, %%cst : tensor<1x3x2x2xf32>, %s) outs(%%e "
           ": tensor<1x3x2x2xf32>) {\n"
           "  ^bb0(%%a0: f32, %%a1: f32, %%acc: f32):\n"
           "    %s\n"
           "    linalg.yield %%y : f32\n"
           "  } -> tensor<1x3x2x2xf32>\n"
           "  return %%r : tensor<1x3x2x2xf32>\n"
           "}\n",
           biasMap, biasType, bias, biasType, biasType, body);
  return parse(src);
}

START_TEST(test_bias_add) {
  CimBiasAdd b;
  /* Per-channel bias through (n, c, h, w) -> (c); body operands swapped. */
  MlirModule m = biasModule("(c)", "dense<[1.0, 2.0, 3.0]>", "tensor<3xf32>",
                            "%y = arith.addf %a1, %a0 : f32");
  MlirOperation g = nth(m, "linalg.generic", 0);
  ck_assert(cimMatchBiasAdd(g, &b));
  ck_assert(mlirValueEqual(b.input, funcArg(m, 0)));
  ck_assert_int_eq(b.channelDim, 1);
  ck_assert_int_eq(b.channels, 3);
  ck_assert_int_eq(b.biasDim, 0);
  ck_assert(mlirOperationEqual(b.biasOp, nth(m, "arith.constant", 0)));
  ck_assert_double_eq(cimBiasAddGetValue(&b, 0), 1.0);
  ck_assert_double_eq(cimBiasAddGetValue(&b, 2), 3.0);
  mlirModuleDestroy(m);

  /* A full-shape constant that varies along c only (values c + 1 at every
   * h, w): channelDim 1, read through the constant's dim 1. */
  m = biasModule("(n, c, h, w)",
                 "dense<[[[[1.0, 1.0], [1.0, 1.0]], [[2.0, 2.0], [2.0, 2.0]], "
                 "[[3.0, 3.0], [3.0, 3.0]]]]>",
                 "tensor<1x3x2x2xf32>", "%y = arith.addf %a0, %a1 : f32");
  g = nth(m, "linalg.generic", 0);
  ck_assert(cimMatchBiasAdd(g, &b));
  ck_assert_int_eq(b.channelDim, 1);
  ck_assert_int_eq(b.biasDim, 1);
  ck_assert_double_eq(cimBiasAddGetValue(&b, 1), 2.0);
  ck_assert_double_eq(cimBiasAddGetValue(&b, 2), 3.0);
  mlirModuleDestroy(m);

  /* ... but not along two dims (c and w). */
  m = biasModule("(n, c, h, w)",
                 "dense<[[[[1.0, 0.0], [1.0, 0.0]], [[2.0, 2.0], [2.0, 2.0]], "
                 "[[3.0, 3.0], [3.0, 3.0]]]]>",
                 "tensor<1x3x2x2xf32>", "%y = arith.addf %a0, %a1 : f32");
  ck_assert(!cimMatchBiasAdd(nth(m, "linalg.generic", 0), &b));
  mlirModuleDestroy(m);

  /* Uniform rank-1 bias (vitb32's dense<0.0>): channelDim from the map. */
  m = biasModule("(w)", "dense<0.0>", "tensor<2xf32>",
                 "%y = arith.addf %a0, %a1 : f32");
  ck_assert(cimMatchBiasAdd(nth(m, "linalg.generic", 0), &b));
  ck_assert_int_eq(b.channelDim, 3);
  ck_assert_int_eq(b.channels, 2);
  ck_assert_double_eq(cimBiasAddGetValue(&b, 1), 0.0);
  mlirModuleDestroy(m);

  /* Wrong body op. */
  m = biasModule("(c)", "dense<[1.0, 2.0, 3.0]>", "tensor<3xf32>",
                 "%y = arith.subf %a0, %a1 : f32");
  ck_assert(!cimMatchBiasAdd(nth(m, "linalg.generic", 0), &b));
  mlirModuleDestroy(m);
  /* Adds the init (accumulator) instead of the bias. */
  m = biasModule("(c)", "dense<[1.0, 2.0, 3.0]>", "tensor<3xf32>",
                 "%y = arith.addf %a0, %acc : f32");
  ck_assert(!cimMatchBiasAdd(nth(m, "linalg.generic", 0), &b));
  mlirModuleDestroy(m);
  /* Extra op in the body. */
  m = biasModule("(c)", "dense<[1.0, 2.0, 3.0]>", "tensor<3xf32>",
                 "%t = arith.addf %a0, %a1 : f32\n"
                 "    %y = arith.mulf %t, %t : f32");
  ck_assert(!cimMatchBiasAdd(nth(m, "linalg.generic", 0), &b));
  mlirModuleDestroy(m);

  /* Non-constant bias: the same generic on the function argument %b. */
  const char *nonConst =
      "#id4 = affine_map<(n, c, h, w) -> (n, c, h, w)>\n"
      "#ch = affine_map<(n, c, h, w) -> (c)>\n"
      "func.func @f(%x: tensor<1x3x2x2xf32>, %b: tensor<3xf32>) -> "
      "tensor<1x3x2x2xf32> {\n"
      "  %e = tensor.empty() : tensor<1x3x2x2xf32>\n"
      "  %r = linalg.generic {indexing_maps = [#id4, #ch, #id4], "
      "iterator_types = [\"parallel\", \"parallel\", \"parallel\", "
      "\"parallel\"]} ins(%x, %b : tensor<1x3x2x2xf32>, tensor<3xf32>) "
      "outs(%e : tensor<1x3x2x2xf32>) {\n"
      "  ^bb0(%a0: f32, %a1: f32, %acc: f32):\n"
      "    %y = arith.addf %a0, %a1 : f32\n"
      "    linalg.yield %y : f32\n"
      "  } -> tensor<1x3x2x2xf32>\n"
      "  return %r : tensor<1x3x2x2xf32>\n"
      "}\n";
  m = parse(nonConst);
  ck_assert(!cimMatchBiasAdd(nth(m, "linalg.generic", 0), &b));
  mlirModuleDestroy(m);

  /* linalg.add with a full-shape constant varying along dim 0. */
  const char *named =
      "func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {\n"
      "  %cst = arith.constant dense<[[1.0, 1.0, 1.0], [5.0, 5.0, 5.0]]> : "
      "tensor<2x3xf32>\n"
      "  %e = tensor.empty() : tensor<2x3xf32>\n"
      "  %r = linalg.add ins(%cst, %x : tensor<2x3xf32>, tensor<2x3xf32>) "
      "outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>\n"
      "  return %r : tensor<2x3xf32>\n"
      "}\n";
  m = parse(named);
  ck_assert(cimMatchBiasAdd(nth(m, "linalg.add", 0), &b));
  ck_assert(mlirValueEqual(b.input, funcArg(m, 0)));
  ck_assert_int_eq(b.channelDim, 0);
  ck_assert_int_eq(b.channels, 2);
  ck_assert_double_eq(cimBiasAddGetValue(&b, 1), 5.0);
  mlirModuleDestroy(m);
}
END_TEST

START_TEST(test_clamp) {
  MlirValue in;
  double lo, hi;
  /* ReLU: max(x, 0). */
  MlirModule m = unaryModule("%z = arith.constant 0.0 : f32\n"
                             "    %y = arith.maximumf %a0, %z : f32");
  ck_assert(cimMatchClamp(nth(m, "linalg.generic", 0), &in, &lo, &hi));
  ck_assert(mlirValueEqual(in, funcArg(m, 0)));
  ck_assert_double_eq(lo, 0.0);
  ck_assert(isinf(hi) && hi > 0);
  mlirModuleDestroy(m);
  /* ReLU6 with num variants, constant first; a captured bound (%c = 2). */
  m = unaryModule("%z = arith.constant 0.0 : f32\n"
                  "    %six = arith.constant 6.0 : f32\n"
                  "    %t = arith.maxnumf %z, %a0 : f32\n"
                  "    %y = arith.minnumf %t, %six : f32");
  ck_assert(cimMatchClamp(nth(m, "linalg.generic", 0), &in, &lo, &hi));
  ck_assert_double_eq(lo, 0.0);
  ck_assert_double_eq(hi, 6.0);
  mlirModuleDestroy(m);
  m = unaryModule("%m = arith.constant -1.0 : f32\n"
                  "    %t = arith.minimumf %a0, %c : f32\n"
                  "    %y = arith.maximumf %t, %m : f32");
  ck_assert(cimMatchClamp(nth(m, "linalg.generic", 0), &in, &lo, &hi));
  ck_assert_double_eq(lo, -1.0);
  ck_assert_double_eq(hi, 2.0);
  mlirModuleDestroy(m);
  /* lo > hi: max(min(x, -1), 2) is constant 2, not a clamp of x. */
  m = unaryModule("%m = arith.constant -1.0 : f32\n"
                  "    %t = arith.minimumf %a0, %m : f32\n"
                  "    %y = arith.maximumf %t, %c : f32");
  ck_assert(!cimMatchClamp(nth(m, "linalg.generic", 0), &in, &lo, &hi));
  mlirModuleDestroy(m);
  /* An add in the chain; max of the input with itself; plain copy. */
  m = unaryModule("%t = arith.addf %a0, %c : f32\n"
                  "    %y = arith.maximumf %t, %c : f32");
  ck_assert(!cimMatchClamp(nth(m, "linalg.generic", 0), &in, &lo, &hi));
  mlirModuleDestroy(m);
  m = unaryModule("%y = arith.maximumf %a0, %a0 : f32");
  ck_assert(!cimMatchClamp(nth(m, "linalg.generic", 0), &in, &lo, &hi));
  mlirModuleDestroy(m);
  m = unaryModule("%y = arith.negf %a0 : f32");
  ck_assert(!cimMatchClamp(nth(m, "linalg.generic", 0), &in, &lo, &hi));
  mlirModuleDestroy(m);
}
END_TEST

START_TEST(test_scalar_scale) {
  MlirValue in;
  double f, c;
  bool isDiv;
  /* vitb32's scores * 0.125 (constant in the body). */
  MlirModule m = unaryModule("%s = arith.constant 0.125 : f32\n"
                             "    %y = arith.mulf %a0, %s : f32");
  ck_assert(cimMatchScalarScale(nth(m, "linalg.generic", 0), &in, &f));
  ck_assert(mlirValueEqual(in, funcArg(m, 0)));
  ck_assert_double_eq(f, 0.125);
  mlirModuleDestroy(m);
  /* x / 49 (captured constant of the pool test below is 2 here). */
  m = unaryModule("%y = arith.divf %a0, %c : f32");
  ck_assert(cimMatchScalarScaleEx(nth(m, "linalg.generic", 0), &in, &f, &isDiv,
                                  &c));
  ck_assert(isDiv);
  ck_assert_double_eq(c, 2.0);
  ck_assert_double_eq(f, 0.5);
  mlirModuleDestroy(m);
  /* c / x is not a scale; nor x * x; nor a divide by 0. */
  m = unaryModule("%y = arith.divf %c, %a0 : f32");
  ck_assert(!cimMatchScalarScale(nth(m, "linalg.generic", 0), &in, &f));
  mlirModuleDestroy(m);
  m = unaryModule("%y = arith.mulf %a0, %a0 : f32");
  ck_assert(!cimMatchScalarScale(nth(m, "linalg.generic", 0), &in, &f));
  mlirModuleDestroy(m);
  m = unaryModule("%z = arith.constant 0.0 : f32\n"
                  "    %y = arith.divf %a0, %z : f32");
  ck_assert(!cimMatchScalarScale(nth(m, "linalg.generic", 0), &in, &f));
  mlirModuleDestroy(m);

  /* linalg.div by a splat; linalg.mul by a non-splat is not a scalar. */
  const char *named =
      "func.func @f(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {\n"
      "  %s = arith.constant dense<4.0> : tensor<2x3xf32>\n"
      "  %v = arith.constant dense<[[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]> : "
      "tensor<2x3xf32>\n"
      "  %e = tensor.empty() : tensor<2x3xf32>\n"
      "  %r = linalg.div ins(%x, %s : tensor<2x3xf32>, tensor<2x3xf32>) "
      "outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>\n"
      "  %q = linalg.mul ins(%x, %v : tensor<2x3xf32>, tensor<2x3xf32>) "
      "outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>\n"
      "  return %r, %q : tensor<2x3xf32>, tensor<2x3xf32>\n"
      "}\n";
  m = parse(named);
  ck_assert(cimMatchScalarScale(nth(m, "linalg.div", 0), &in, &f));
  ck_assert_double_eq(f, 0.25);
  ck_assert(!cimMatchScalarScale(nth(m, "linalg.mul", 0), &in, &f));
  mlirModuleDestroy(m);
}
END_TEST

static MlirModule addModule(const char *rhsMap, const char *rhsType) {
  char src[2048];
  snprintf(src, sizeof src,
           "#id2 = affine_map<(d0, d1) -> (d0, d1)>\n"
           "#rm = affine_map<(d0, d1) -> %s>\n"
           "func.func @f(%%x: tensor<2x4xf32>, %%z: %s) -> tensor<2x4xf32> {\n"
           "  %%e = tensor.empty() : tensor<2x4xf32>\n"
           "  %%r = linalg.generic {indexing_maps = [#id2, #rm, #id2], "
           "iterator_types = [\"parallel\", \"parallel\"]} ins(%%x, %%z : "
           "tensor<2x4xf32>, %s) outs(%%e : tensor<2x4xf32>) {\n"
           "  ^bb0(%%a0: f32, %%a1: f32, %%acc: f32):\n"
           "    %%y = arith.addf %%a0, %%a1 : f32\n"
           "    linalg.yield %%y : f32\n"
           "  } -> tensor<2x4xf32>\n"
           "  return %%r : tensor<2x4xf32>\n"
           "}\n",
           rhsMap, rhsType, rhsType);
  return parse(src);
}

START_TEST(test_tensor_add) {
  MlirValue l, r;
  MlirModule m = addModule("(d0, d1)", "tensor<2x4xf32>");
  ck_assert(cimMatchTensorAdd(nth(m, "linalg.generic", 0), &l, &r));
  ck_assert(mlirValueEqual(l, funcArg(m, 0)));
  ck_assert(mlirValueEqual(r, funcArg(m, 1)));
  mlirModuleDestroy(m);
  /* A broadcast operand is not a tensor add (it is a bias add shape). */
  m = addModule("(d1)", "tensor<4xf32>");
  ck_assert(!cimMatchTensorAdd(nth(m, "linalg.generic", 0), &l, &r));
  mlirModuleDestroy(m);
  /* A transposed read of a same-shaped operand is not either. */
  m = addModule("(d1, d0)", "tensor<4x2xf32>");
  ck_assert(!cimMatchTensorAdd(nth(m, "linalg.generic", 0), &l, &r));
  mlirModuleDestroy(m);
  const char *named =
      "func.func @f(%x: tensor<2x3xf32>, %z: tensor<2x3xf32>) -> tensor<2x3xf32> {\n"
      "  %e = tensor.empty() : tensor<2x3xf32>\n"
      "  %r = linalg.add ins(%x, %z : tensor<2x3xf32>, tensor<2x3xf32>) "
      "outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>\n"
      "  return %r : tensor<2x3xf32>\n"
      "}\n";
  m = parse(named);
  ck_assert(cimMatchTensorAdd(nth(m, "linalg.add", 0), &l, &r));
  ck_assert(mlirValueEqual(r, funcArg(m, 1)));
  mlirModuleDestroy(m);
}
END_TEST

/*===-- Average pool -------------------------------------------------------===*/

/* pooling_nchw_sum 2x3 window, stride [2, 1], then `divBody`; `fillValue` is
 * the init fill; `extraUse` adds a second use of the sum. */
static MlirModule poolModule(const char *fillValue, const char *divBody,
                             bool extraUse) {
  char src[4096];
  snprintf(src, sizeof src,
           "#id4 = affine_map<(n, c, h, w) -> (n, c, h, w)>\n"
           "func.func @f(%%x: tensor<1x2x5x5xf32>) -> (tensor<1x2x2x3xf32>%s) {\n"
           "  %%z = arith.constant %s : f32\n"
           "  %%win = tensor.empty() : tensor<2x3xf32>\n"
           "  %%e0 = tensor.empty() : tensor<1x2x2x3xf32>\n"
           "  %%f0 = linalg.fill ins(%%z : f32) outs(%%e0 : tensor<1x2x2x3xf32>) "
           "-> tensor<1x2x2x3xf32>\n"
           "  %%s = linalg.pooling_nchw_sum {dilations = dense<1> : "
           "tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>} ins(%%x, "
           "%%win : tensor<1x2x5x5xf32>, tensor<2x3xf32>) outs(%%f0 : "
           "tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>\n"
           "  %%e1 = tensor.empty() : tensor<1x2x2x3xf32>\n"
           "  %%r = linalg.generic {indexing_maps = [#id4, #id4], "
           "iterator_types = [\"parallel\", \"parallel\", \"parallel\", "
           "\"parallel\"]} ins(%%s : tensor<1x2x2x3xf32>) outs(%%e1 : "
           "tensor<1x2x2x3xf32>) {\n"
           "  ^bb0(%%a0: f32, %%acc: f32):\n"
           "    %s\n"
           "    linalg.yield %%y : f32\n"
           "  } -> tensor<1x2x2x3xf32>\n"
           "  return %%r%s : tensor<1x2x2x3xf32>%s\n"
           "}\n",
           extraUse ? ", tensor<1x2x2x3xf32>" : "", fillValue, divBody,
           extraUse ? ", %s" : "", extraUse ? ", tensor<1x2x2x3xf32>" : "");
  return parse(src);
}

START_TEST(test_avg_pool) {
  CimAvgPool p;
  /* Window 2x3: divided by 6. */
  MlirModule m = poolModule("0.0",
                            "%n = arith.constant 6.0 : f32\n"
                            "    %y = arith.divf %a0, %n : f32",
                            false);
  MlirOperation g = nth(m, "linalg.generic", 0);
  ck_assert(cimMatchAvgPool(g, &p));
  ck_assert(mlirValueEqual(p.input, funcArg(m, 0)));
  ck_assert(!p.nhwc);
  ck_assert_int_eq(p.window[0], 2);
  ck_assert_int_eq(p.window[1], 3);
  ck_assert_int_eq(p.strides[0], 2);
  ck_assert_int_eq(p.strides[1], 1);
  ck_assert_int_eq(p.dilations[0], 1);
  ck_assert(mlirOperationEqual(p.pool, nth(m, "linalg.pooling_nchw_sum", 0)));
  ck_assert(mlirOperationEqual(p.divide, g));
  mlirModuleDestroy(m);
  /* Multiply by (float)(1/6) = 0.166666672 matches as well. */
  m = poolModule("0.0",
                 "%n = arith.constant 0.166666672 : f32\n"
                 "    %y = arith.mulf %a0, %n : f32",
                 false);
  ck_assert(cimMatchAvgPool(nth(m, "linalg.generic", 0), &p));
  mlirModuleDestroy(m);
  /* Divided by 4 (not the window size 6). */
  m = poolModule("0.0",
                 "%n = arith.constant 4.0 : f32\n"
                 "    %y = arith.divf %a0, %n : f32",
                 false);
  ck_assert(!cimMatchAvgPool(nth(m, "linalg.generic", 0), &p));
  mlirModuleDestroy(m);
  /* Init filled with 1.0: sum + 1. */
  m = poolModule("1.0",
                 "%n = arith.constant 6.0 : f32\n"
                 "    %y = arith.divf %a0, %n : f32",
                 false);
  ck_assert(!cimMatchAvgPool(nth(m, "linalg.generic", 0), &p));
  mlirModuleDestroy(m);
  /* The sum is used elsewhere too. */
  m = poolModule("0.0",
                 "%n = arith.constant 6.0 : f32\n"
                 "    %y = arith.divf %a0, %n : f32",
                 true);
  ck_assert(!cimMatchAvgPool(nth(m, "linalg.generic", 0), &p));
  mlirModuleDestroy(m);
}
END_TEST

/*===-- Layer norm matcher -------------------------------------------------===*/

typedef struct {
  const char *meanN;  /* the mean's divisor */
  const char *varX;   /* the variance's input */
  const char *gamma;  /* the final generic's gamma operand */
  const char *betaOp; /* the op adding beta */
  const char *eps;    /* the eps constant */
  bool meanEscapes;   /* the mean is also returned */
} LnVariant;

static const LnVariant lnGood = {"4.0", "%x", "%gamma", "arith.addf", "1.0e-05",
                                 false};

/* The three-generic layer norm of vitb32.mlir on a 2x4 tensor, axis 1. */
static MlirModule lnModule(LnVariant v) {
  char src[8192];
  snprintf(
      src, sizeof src,
      "#id2 = affine_map<(d0, d1) -> (d0, d1)>\n"
      "#row2 = affine_map<(d0, d1) -> (d0)>\n"
      "#col2 = affine_map<(d0, d1) -> (d1)>\n"
      "func.func @f(%%x: tensor<2x4xf32>, %%other: tensor<2x4xf32>, %%g: "
      "tensor<4xf32>) -> (tensor<2x4xf32>%s) {\n"
      "  %%zero = arith.constant 0.0 : f32\n"
      "  %%gamma = arith.constant dense<[1.0, 2.0, 0.5, 1.0]> : tensor<4xf32>\n"
      "  %%beta = arith.constant dense<0.25> : tensor<4xf32>\n"
      "  %%e0 = tensor.empty() : tensor<2xf32>\n"
      "  %%f0 = linalg.fill ins(%%zero : f32) outs(%%e0 : tensor<2xf32>) -> "
      "tensor<2xf32>\n"
      "  %%mean = linalg.generic {indexing_maps = [#id2, #row2], "
      "iterator_types = [\"parallel\", \"reduction\"]} ins(%%x : "
      "tensor<2x4xf32>) outs(%%f0 : tensor<2xf32>) {\n"
      "  ^bb0(%%a0: f32, %%acc: f32):\n"
      "    %%n = arith.constant %s : f32\n"
      "    %%q = arith.divf %%a0, %%n : f32\n"
      "    %%y = arith.addf %%q, %%acc : f32\n"
      "    linalg.yield %%y : f32\n"
      "  } -> tensor<2xf32>\n"
      "  %%e1 = tensor.empty() : tensor<2xf32>\n"
      "  %%f1 = linalg.fill ins(%%zero : f32) outs(%%e1 : tensor<2xf32>) -> "
      "tensor<2xf32>\n"
      "  %%var = linalg.generic {indexing_maps = [#id2, #row2, #row2], "
      "iterator_types = [\"parallel\", \"reduction\"]} ins(%s, %%mean : "
      "tensor<2x4xf32>, tensor<2xf32>) outs(%%f1 : tensor<2xf32>) {\n"
      "  ^bb0(%%a0: f32, %%a1: f32, %%acc: f32):\n"
      "    %%n = arith.constant 4.0 : f32\n"
      "    %%c = arith.subf %%a0, %%a1 : f32\n"
      "    %%sq = arith.mulf %%c, %%c : f32\n"
      "    %%q = arith.divf %%sq, %%n : f32\n"
      "    %%y = arith.addf %%q, %%acc : f32\n"
      "    linalg.yield %%y : f32\n"
      "  } -> tensor<2xf32>\n"
      "  %%e2 = tensor.empty() : tensor<2x4xf32>\n"
      "  %%r = linalg.generic {indexing_maps = [#id2, #row2, #row2, #col2, "
      "#col2, #id2], iterator_types = [\"parallel\", \"parallel\"]} ins(%%x, "
      "%%mean, %%var, %s, %%beta : tensor<2x4xf32>, tensor<2xf32>, "
      "tensor<2xf32>, tensor<4xf32>, tensor<4xf32>) outs(%%e2 : "
      "tensor<2x4xf32>) {\n"
      "  ^bb0(%%a0: f32, %%a1: f32, %%a2: f32, %%a3: f32, %%a4: f32, %%acc: "
      "f32):\n"
      "    %%eps = arith.constant %s : f32\n"
      "    %%c = arith.subf %%a0, %%a1 : f32\n"
      "    %%ve = arith.addf %%a2, %%eps : f32\n"
      "    %%rs = math.rsqrt %%ve : f32\n"
      "    %%nn = arith.mulf %%c, %%rs : f32\n"
      "    %%gg = arith.mulf %%nn, %%a3 : f32\n"
      "    %%y = %s %%gg, %%a4 : f32\n"
      "    linalg.yield %%y : f32\n"
      "  } -> tensor<2x4xf32>\n"
      "  return %%r%s : tensor<2x4xf32>%s\n"
      "}\n",
      v.meanEscapes ? ", tensor<2xf32>" : "", v.meanN, v.varX, v.gamma, v.eps,
      v.betaOp, v.meanEscapes ? ", %mean" : "",
      v.meanEscapes ? ", tensor<2xf32>" : "");
  return parse(src);
}

static bool lnMatches(LnVariant v) {
  MlirModule m = lnModule(v);
  CimLayerNorm ln;
  bool ok = cimMatchLayerNorm(nth(m, "linalg.generic", 2), &ln);
  mlirModuleDestroy(m);
  return ok;
}

START_TEST(test_layer_norm_match) {
  MlirModule m = lnModule(lnGood);
  CimLayerNorm ln;
  MlirOperation root = nth(m, "linalg.generic", 2);
  ck_assert(cimMatchLayerNorm(root, &ln));
  ck_assert(mlirValueEqual(ln.input, funcArg(m, 0)));
  ck_assert_int_eq(ln.axis, 1);
  ck_assert_int_eq(ln.n, 4);
  ck_assert_double_eq_tol(ln.eps, 1e-5, 1e-12); /* f32 1e-5 */
  ck_assert_double_eq(cimLayerNormConstGet(ln.gamma, 1), 2.0);
  ck_assert_double_eq(cimLayerNormConstGet(ln.gamma, 2), 0.5);
  ck_assert_double_eq(cimLayerNormConstGet(ln.beta, 3), 0.25);
  ck_assert(mlirOperationEqual(ln.ops[0], nth(m, "linalg.fill", 0)));
  ck_assert(mlirOperationEqual(ln.ops[1], nth(m, "linalg.generic", 0)));
  ck_assert(mlirOperationEqual(ln.ops[2], nth(m, "linalg.fill", 1)));
  ck_assert(mlirOperationEqual(ln.ops[3], nth(m, "linalg.generic", 1)));
  ck_assert(mlirOperationEqual(ln.ops[4], root));
  /* Not from the reductions. */
  ck_assert(!cimMatchLayerNorm(nth(m, "linalg.generic", 0), &ln));
  ck_assert(!cimMatchLayerNorm(nth(m, "linalg.generic", 1), &ln));
  mlirModuleDestroy(m);

  LnVariant v = lnGood;
  v.meanN = "3.0"; /* mean not divided by n */
  ck_assert(!lnMatches(v));
  v = lnGood;
  v.varX = "%other"; /* variance of another tensor */
  ck_assert(!lnMatches(v));
  v = lnGood;
  v.gamma = "%g"; /* gamma not a constant */
  ck_assert(!lnMatches(v));
  v = lnGood;
  v.betaOp = "arith.subf"; /* - beta */
  ck_assert(!lnMatches(v));
  v = lnGood;
  v.eps = "-1.0e-05"; /* negative eps */
  ck_assert(!lnMatches(v));
  v = lnGood;
  v.meanEscapes = true; /* the mean has another user */
  ck_assert(!lnMatches(v));
}
END_TEST

/*===-- Softmax, shape-only ------------------------------------------------===*/

START_TEST(test_softmax_and_shape_only) {
  const char *src =
      "func.func @f(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {\n"
      "  %e = tensor.empty() : tensor<2x3x4xf32>\n"
      "  %s = linalg.softmax dimension(2) ins(%x : tensor<2x3x4xf32>) outs(%e "
      ": tensor<2x3x4xf32>) -> tensor<2x3x4xf32>\n"
      "  %c = tensor.collapse_shape %s [[0, 1], [2]] : tensor<2x3x4xf32> into "
      "tensor<6x4xf32>\n"
      "  %x2 = tensor.expand_shape %c [[0, 1], [2]] output_shape [2, 3, 4] : "
      "tensor<6x4xf32> into tensor<2x3x4xf32>\n"
      "  %e2 = tensor.empty() : tensor<4x3x2xf32>\n"
      "  %t = linalg.transpose ins(%x2 : tensor<2x3x4xf32>) outs(%e2 : "
      "tensor<4x3x2xf32>) permutation = [2, 1, 0]\n"
      "  %sl = tensor.extract_slice %t[0, 0, 0] [2, 3, 2] [1, 1, 1] : "
      "tensor<4x3x2xf32> to tensor<2x3x2xf32>\n"
      "  %st = tensor.extract_slice %t[0, 0, 0] [2, 3, 1] [2, 1, 1] : "
      "tensor<4x3x2xf32> to tensor<2x3x1xf32>\n"
      "  %z = arith.constant 0.0 : f32\n"
      "  %p = tensor.pad %sl low[0, 0, 1] high[0, 0, 1] {\n"
      "  ^bb0(%i: index, %j: index, %k: index):\n"
      "    tensor.yield %z : f32\n"
      "  } : tensor<2x3x2xf32> to tensor<2x3x4xf32>\n"
      "  return %t : tensor<4x3x2xf32>\n"
      "}\n";
  MlirModule m = parse(src);
  MlirValue in;
  int64_t axis = -1;
  MlirOperation sm = nth(m, "linalg.softmax", 0);
  ck_assert(cimMatchSoftmax(sm, &in, &axis));
  ck_assert(mlirValueEqual(in, funcArg(m, 0)));
  ck_assert_int_eq(axis, 2);
  ck_assert(!cimMatchSoftmax(nth(m, "linalg.transpose", 0), &in, &axis));

  MlirValue src2;
  ck_assert(cimIsShapeOnlyOp(nth(m, "tensor.collapse_shape", 0), &src2));
  ck_assert(mlirValueEqual(src2, result(sm)));
  ck_assert(cimIsShapeOnlyOp(nth(m, "tensor.expand_shape", 0), NULL));
  ck_assert(cimIsShapeOnlyOp(nth(m, "linalg.transpose", 0), &src2));
  ck_assert(mlirValueEqual(src2, result(nth(m, "tensor.expand_shape", 0))));
  ck_assert(cimIsShapeOnlyOp(nth(m, "tensor.extract_slice", 0), NULL));
  ck_assert(!cimIsShapeOnlyOp(nth(m, "tensor.extract_slice", 1), NULL));
  ck_assert(!cimIsShapeOnlyOp(nth(m, "tensor.pad", 0), NULL));
  ck_assert(!cimIsShapeOnlyOp(sm, NULL));
  mlirModuleDestroy(m);
}
END_TEST

START_TEST(test_unary_structure) {
  /* Two inputs: not unary even if the body only reads the first. */
  MlirModule m = addModule("(d0, d1)", "tensor<2x4xf32>");
  MlirValue in;
  ck_assert(!cimMatchElementwiseUnary(nth(m, "linalg.generic", 0), &in));
  mlirModuleDestroy(m);
  /* A reduction is not elementwise. */
  m = lnModule(lnGood);
  ck_assert(!cimMatchElementwiseUnary(nth(m, "linalg.generic", 0), &in));
  mlirModuleDestroy(m);
}
END_TEST

static Suite *frontEndSuite(void) {
  Suite *s = suite_create("front_end");
  TCase *params = tcase_create("params");
  tcase_add_test(params, test_multiplier_shift);
  tcase_add_test(params, test_quantize_onnx);
  tcase_add_test(params, test_lut_from_fn);
  tcase_add_test(params, test_softmax_params_hand);
  tcase_add_test(params, test_softmax_int_vs_float);
  tcase_add_test(params, test_layer_norm_params_hand);
  tcase_add_test(params, test_layer_norm_int_vs_float);
  tcase_set_timeout(params, 60);
  suite_add_tcase(s, params);
  TCase *ir = tcase_create("matchers");
  tcase_add_checked_fixture(ir, setup, teardown);
  tcase_add_test(ir, test_eval_and_lut_of_gelu_body);
  tcase_add_test(ir, test_eval_rejects_unsupported_body);
  tcase_add_test(ir, test_bias_add);
  tcase_add_test(ir, test_clamp);
  tcase_add_test(ir, test_scalar_scale);
  tcase_add_test(ir, test_tensor_add);
  tcase_add_test(ir, test_avg_pool);
  tcase_add_test(ir, test_layer_norm_match);
  tcase_add_test(ir, test_softmax_and_shape_only);
  tcase_add_test(ir, test_unary_structure);
  tcase_set_timeout(ir, 60);
  suite_add_tcase(s, ir);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(frontEndSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
