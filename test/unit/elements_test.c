/*===-- elements_test.c - Check suite for lib/ir/Elements.h ----------------===*
 *
 * The bulk reader and quantizer of constant tensors (weights), against
 *  - golden values derived by hand in the comments (ties at x.5 round to
 *    even, saturation, narrow ranges, zero points, per-axis scales; the same
 *    numbers come out of numpy: np.clip(np.rint(x / s) + z, lo, hi)), and
 *  - a second implementation of the per-element path convert-linalg-to-cim
 *    used before (one C API call per element, then nearbyint in double), on
 *    pseudo-random non-splat tensors of every storage type the reader takes:
 *    f32, f64, f16, bf16 dense and f32 dense_resource.
 *
 * The library is built with hidden visibility: this test compiles the source
 * under test (and the string buffer it uses) into itself.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/Elements.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ir/elements.c"
#include "support/strbuf.c"

#include "ContextFixture.h"

/*===-- Helpers ------------------------------------------------------------===*/

static MlirAttribute parseAttr(const char *text) {
  MlirAttribute a =
      mlirAttributeParseGet(ctx, mlirStringRefCreateFromCString(text));
  ck_assert_msg(!mlirAttributeIsNull(a), "cannot parse %s", text);
  return a;
}

static MlirType vectorType(int64_t n, MlirType elem) {
  return mlirRankedTensorTypeGet(1, &n, elem, mlirAttributeGetNull());
}

/// Raw little-endian elements of `width` bytes as an attribute of `elem`.
static MlirAttribute rawAttr(MlirType elem, int64_t n, size_t width,
                             const void *raw) {
  return mlirDenseElementsAttrRawBufferGet(vectorType(n, elem),
                                           (size_t)n * width, raw);
}

/// Element i of raw storage of `bits`-bit integers, sign-extended.
static int64_t storedAt(const void *raw, unsigned bits, int64_t i) {
  CimElements view = {.kind = CIM_ELEMENTS_INT,
                      .bits = bits,
                      .raw = raw,
                      .width = cimElementsStorageWidth(bits)};
  return cimElementsGetInt(&view, i, true);
}

/// Quantizes `attr` and checks the result against `want` (n values; the
/// view's count when not a per-tensor splat).
static void expectQuantized(MlirAttribute attr, const double *scales,
                            int64_t numScales, int64_t inner, int64_t zp,
                            int64_t qmin, int64_t qmax, unsigned bits,
                            const int64_t *want, int64_t n) {
  CimElements e;
  const char *why = cimElementsOpen(attr, &e);
  ck_assert_msg(why == NULL, "open: %s", why ? why : "");
  CimQuantizeLinear p = {scales, numScales, inner, zp, qmin, qmax};
  void *out = calloc((size_t)n, 8);
  ck_assert_int_eq(cimElementsQuantize(&e, &p, bits, out), -1);
  for (int64_t i = 0; i < n; ++i)
    ck_assert_msg(storedAt(out, bits, i) == want[i],
                  "element %lld: got %lld, want %lld", (long long)i,
                  (long long)storedAt(out, bits, i), (long long)want[i]);
  free(out);
}

/*===-- Golden values ------------------------------------------------------===*/

/* x / 0.5 = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 127.5, 126.5, 200, -200, ~0.2,
 * ~-0.6]: ties to even 0, 2, 2, -0, -2, -2; 127.5 -> 128 saturates to 127;
 * 126.5 -> 126; +-200 saturate; 0.2 -> 0; -0.6 -> -1. */
static const float kTies[12] = {0.25f, 0.75f,  1.25f,  -0.25f,  -0.75f, -1.25f,
                                63.75f, 63.25f, 100.0f, -100.0f, 0.1f,   -0.3f};

START_TEST(test_f32_ties_and_saturation) {
  MlirAttribute a = rawAttr(mlirF32TypeGet(ctx), 12, 4, kTies);
  double s = 0.5;
  const int64_t i8[12] = {0, 2, 2, 0, -2, -2, 127, 126, 127, -128, 0, -1};
  expectQuantized(a, &s, 1, 1, 0, -128, 127, 8, i8, 12);
  /* u8 with zero point 128 (storage i9, two bytes): add 128 after rounding,
   * saturate to [0, 255]: 128 + 128 = 256 -> 255, 126 + 128 = 254. */
  const int64_t u8[12] = {128, 130, 130, 128, 126, 126,
                          255, 254, 255, 0,   128, 127};
  expectQuantized(a, &s, 1, 1, 128, 0, 255, 9, u8, 12);
}
END_TEST

START_TEST(test_float32_division) {
  /* ONNX divides float32 by float32: 0.029396927f / 0.00087752024f rounds to
   * exactly 33.5 in float32 (NumPy: np.float32(0.029396927) /
   * np.float32(0.00087752024) == 33.5), a tie, so 34; in double the quotient
   * is 33.4999986 and rounds to 33. A weight of torchvision's ResNet-18 on
   * which ONNX Runtime and cimlir differed before (issue 13, ORT oracle). */
  const float x32[1] = {0.029396927f};
  double s = (double)0.00087752024f;
  const int64_t want32[1] = {34};
  expectQuantized(rawAttr(mlirF32TypeGet(ctx), 1, 4, x32), &s, 1, 1, 0, -128,
                  127, 8, want32, 1);
  const double x64[1] = {(double)0.029396927f};
  const int64_t want64[1] = {33};
  expectQuantized(mlirDenseElementsAttrDoubleGet(
                      vectorType(1, mlirF64TypeGet(ctx)), 1, x64),
                  &s, 1, 1, 0, -128, 127, 8, want64, 1);
}
END_TEST

START_TEST(test_narrow_range) {
  /* i4<-7:7>, scale 0.25: x / s = [0.5, 1.5, 7, 7.5, -7.5, -8, 20] ->
   * [0, 2, 7, 8 -> 7, -8 -> -7, -8 -> -7, 20 -> 7]; stored in one byte each,
   * low 4 bits (-7 = 0b1001). */
  const float x[7] = {0.125f, 0.375f, 1.75f, 1.875f, -1.875f, -2.0f, 5.0f};
  MlirAttribute a = rawAttr(mlirF32TypeGet(ctx), 7, 4, x);
  double s = 0.25;
  const int64_t want[7] = {0, 2, 7, 7, -7, -7, 7};
  expectQuantized(a, &s, 1, 1, 0, -7, 7, 4, want, 7);
  CimElements e;
  ck_assert_ptr_null(cimElementsOpen(a, &e));
  CimQuantizeLinear p = {&s, 1, 1, 0, -7, 7};
  unsigned char out[7];
  ck_assert_int_eq(cimElementsQuantize(&e, &p, 4, out), -1);
  ck_assert_uint_eq(out[4], 0x9);
  ck_assert_uint_eq(out[2], 0x7);
}
END_TEST

START_TEST(test_f64) {
  /* 2.5 -> 2 (tie), the next double above 2.5 -> 3 (no tie: f32 could not
   * tell them apart), -0.5 -> -0 = 0, +-1e300 saturate, 3.5 -> 4, 0.1 -> 0. */
  const double x[7] = {2.5, nextafter(2.5, 3.0), -0.5, 1e300, -1e300, 3.5,
                       0.1};
  MlirAttribute a = mlirDenseElementsAttrDoubleGet(
      vectorType(7, mlirF64TypeGet(ctx)), 7, x);
  double s = 1.0;
  const int64_t want[7] = {2, 3, 0, 127, -128, 4, 0};
  expectQuantized(a, &s, 1, 1, 0, -128, 127, 8, want, 7);
}
END_TEST

START_TEST(test_f16_and_bf16) {
  /* binary16 bits: 0.5, 1.5, 2.5, -2.5, 65504 (largest), 2^-24 (smallest
   * subnormal), 3 * 2^-24, +inf, -inf. Scale 1: [0, 2, 2, -2, 127, 0, 0,
   * 127, -128]. Scale 2^-23: 0.5 / 2^-23 = 2^22 etc. saturate; 2^-24 / 2^-23
   * = 0.5 -> 0, 3 * 2^-24 / 2^-23 = 1.5 -> 2. */
  const uint16_t h[9] = {0x3800, 0x3E00, 0x4100, 0xC100, 0x7BFF,
                         0x0001, 0x0003, 0x7C00, 0xFC00};
  MlirAttribute a = rawAttr(mlirF16TypeGet(ctx), 9, 2, h);
  double one = 1.0, tiny = ldexp(1.0, -23);
  const int64_t w1[9] = {0, 2, 2, -2, 127, 0, 0, 127, -128};
  const int64_t w2[9] = {127, 127, 127, -128, 127, 0, 2, 127, -128};
  expectQuantized(a, &one, 1, 1, 0, -128, 127, 8, w1, 9);
  expectQuantized(a, &tiny, 1, 1, 0, -128, 127, 8, w2, 9);
  /* bfloat16 bits: 0.5, 1.5, 2.5, -2.5, ~3.39e38, 0.25. Scale 0.5:
   * [1, 3, 5, -5, 127, 0.5 -> 0]. */
  const uint16_t b[6] = {0x3F00, 0x3FC0, 0x4020, 0xC020, 0x7F7F, 0x3E80};
  MlirAttribute ab = rawAttr(mlirBF16TypeGet(ctx), 6, 2, b);
  double half = 0.5;
  const int64_t wb[6] = {1, 3, 5, -5, 127, 0};
  expectQuantized(ab, &half, 1, 1, 0, -128, 127, 8, wb, 6);
}
END_TEST

START_TEST(test_per_axis) {
  /* 3x4 constant, axis 0 with scales {0.5, 0.25, 1}: row r / s_r.
   *   row 0 [0.25, 0.75, -0.25, 1.0] / 0.5 = [0.5, 1.5, -0.5, 2] -> [0, 2, 0, 2]
   *   row 1 [0.125, 0.375, 40, -40] / 0.25 = [0.5, 1.5, 160, -160]
   *         -> [0, 2, 127, -128]
   *   row 2 [2.5, 3.5, -2.5, 0.5] / 1 -> [2, 4, -2, 0]
   * Axis 1 with scales {1, 0.5, 0.25, 2} (inner 1), same data:
   *   col 0 / 1: [0.25, 0.125, 2.5] -> [0, 0, 2]
   *   col 1 / 0.5: [1.5, 0.75, 7] -> [2, 1, 7]
   *   col 2 / 0.25: [-1, 160, -10] -> [-1, 127, -10]
   *   col 3 / 2: [0.5, -20, 0.25] -> [0, -20, 0] */
  const float x[12] = {0.25f, 0.75f, -0.25f, 1.0f, 0.125f, 0.375f,
                       40.0f, -40.0f, 2.5f,  3.5f, -2.5f,  0.5f};
  int64_t shape[2] = {3, 4};
  MlirAttribute a = mlirDenseElementsAttrRawBufferGet(
      mlirRankedTensorTypeGet(2, shape, mlirF32TypeGet(ctx),
                              mlirAttributeGetNull()),
      sizeof x, x);
  const double rows[3] = {0.5, 0.25, 1.0};
  const int64_t w0[12] = {0, 2, 0, 2, 0, 2, 127, -128, 2, 4, -2, 0};
  expectQuantized(a, rows, 3, 4, 0, -128, 127, 8, w0, 12);
  const double cols[4] = {1.0, 0.5, 0.25, 2.0};
  const int64_t w1[12] = {0, 2, -1, 0, 0, 1, 127, -20, 2, 7, -10, 0};
  expectQuantized(a, cols, 4, 1, 0, -128, 127, 8, w1, 12);
}
END_TEST

START_TEST(test_splat) {
  /* A splat quantizes once: 2.5 / 1 -> 2, one element out. Per axis the
   * scales differ, so it is written out: 2.5 / {1, 0.5} -> [2, 5] per row of
   * 3. */
  MlirAttribute a = parseAttr("dense<2.5> : tensor<2x3xf32>");
  CimElements e;
  ck_assert_ptr_null(cimElementsOpen(a, &e));
  ck_assert(e.splat);
  ck_assert_int_eq(e.count, 6);
  double one = 1.0;
  const int64_t w[1] = {2};
  expectQuantized(a, &one, 1, 1, 0, -128, 127, 8, w, 1);
  const double s[2] = {1.0, 0.5};
  const int64_t wa[6] = {2, 2, 2, 5, 5, 5};
  expectQuantized(a, s, 2, 3, 0, -128, 127, 8, wa, 6);
}
END_TEST

START_TEST(test_nan) {
  const float x[3] = {1.0f, NAN, 2.0f};
  MlirAttribute a = rawAttr(mlirF32TypeGet(ctx), 3, 4, x);
  CimElements e;
  ck_assert_ptr_null(cimElementsOpen(a, &e));
  double s = 1.0;
  CimQuantizeLinear p = {&s, 1, 1, 0, -128, 127};
  unsigned char out[3];
  ck_assert_int_eq(cimElementsQuantize(&e, &p, 8, out), 1);
}
END_TEST

/*===-- Against the per-element path ---------------------------------------===*/

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/// What convert-linalg-to-cim did before: element i read with one C API call
/// (here the generic accessor, which also covers f16 / bf16 through
/// APFloat), then QuantizeLinear in double.
static int64_t perElement(MlirAttribute a, int64_t i, double s, int64_t zp,
                          int64_t qmin, int64_t qmax) {
  double x;
  if (mlirAttributeIsADenseResourceElements(a)) {
    x = mlirDenseFloatResourceElementsAttrGetValue(a, i);
  } else {
    uint64_t idx = (uint64_t)i;
    x = mlirFloatAttrGetValueDouble(mlirElementsAttrGetValue(a, 1, &idx));
  }
  /* ONNX's division: float32 unless the elements are f64. */
  bool f64 = mlirTypeIsAF64(mlirShapedTypeGetElementType(mlirAttributeGetType(a)));
  double v = nearbyint(f64 ? x / s : (double)((float)x / (float)s)) + (double)zp;
  return v < (double)qmin ? qmin : v > (double)qmax ? qmax : (int64_t)v;
}

/// n pseudo-random values: exact ties k * s / 2 (k odd or even) and
/// arbitrary values in [-200 s, 200 s], stored as `kind`.
static void randomTensor(CimElementKind kind, int64_t n, double s, void *raw) {
  for (int64_t i = 0; i < n; ++i) {
    double x = (next() & 1) ? (double)((int64_t)(next() % 801) - 400) * s / 2
                            : ((double)(next() % 2000001) / 1e6 - 1.0) * 200 * s;
    if (kind == CIM_ELEMENTS_F64) {
      memcpy((char *)raw + 8 * i, &x, 8);
    } else if (kind == CIM_ELEMENTS_F32) {
      float f = (float)x;
      memcpy((char *)raw + 4 * i, &f, 4);
    } else if (kind == CIM_ELEMENTS_BF16) {
      float f = (float)x;
      uint32_t u;
      memcpy(&u, &f, 4);
      uint16_t h = (uint16_t)(u >> 16); /* truncation: still a bf16 value */
      memcpy((char *)raw + 2 * i, &h, 2);
    } else { /* f16: a random finite or infinite half */
      uint16_t h = (uint16_t)(next() & 0xFFFF);
      if (((h >> 10) & 0x1f) == 31 && (h & 0x3ff))
        h &= 0xFC00; /* no NaN */
      memcpy((char *)raw + 2 * i, &h, 2);
    }
  }
}

static void compareWithPerElement(MlirAttribute a, int64_t n, const double *s,
                                  int64_t numScales, int64_t inner,
                                  int64_t zp, int64_t qmin, int64_t qmax,
                                  unsigned bits) {
  CimElements e;
  const char *why = cimElementsOpen(a, &e);
  ck_assert_msg(why == NULL, "open: %s", why ? why : "");
  CimQuantizeLinear p = {s, numScales, inner, zp, qmin, qmax};
  void *out = malloc((size_t)n * 2);
  ck_assert_int_eq(cimElementsQuantize(&e, &p, bits, out), -1);
  for (int64_t i = 0; i < n; ++i) {
    double scale = s[numScales == 1 ? 0 : (i / inner) % numScales];
    int64_t want = perElement(a, i, scale, zp, qmin, qmax);
    ck_assert_msg(storedAt(out, bits, i) == want,
                  "element %lld: got %lld, want %lld", (long long)i,
                  (long long)storedAt(out, bits, i), (long long)want);
  }
  free(out);
}

START_TEST(test_random_every_type) {
  enum { N = 6000 };
  static unsigned char raw[N * 8];
  const struct {
    CimElementKind kind;
    MlirType (*type)(MlirContext);
    size_t width;
  } types[] = {{CIM_ELEMENTS_F32, mlirF32TypeGet, 4},
               {CIM_ELEMENTS_F64, mlirF64TypeGet, 8},
               {CIM_ELEMENTS_F16, mlirF16TypeGet, 2},
               {CIM_ELEMENTS_BF16, mlirBF16TypeGet, 2}};
  const double perChannel[3] = {0.5, 0.03125, 3.0};
  for (size_t t = 0; t < sizeof types / sizeof *types; ++t) {
    double s = types[t].kind == CIM_ELEMENTS_F16 ? 64.0 : 0.0625;
    randomTensor(types[t].kind, N, s, raw);
    MlirAttribute a = rawAttr(types[t].type(ctx), N, types[t].width, raw);
    compareWithPerElement(a, N, &s, 1, 1, 0, -128, 127, 8);
    compareWithPerElement(a, N, &s, 1, 1, 0, -7, 7, 4);
    compareWithPerElement(a, N, &s, 1, 1, 100, 0, 255, 9);
    compareWithPerElement(a, N, perChannel, 3, 7, 0, -128, 127, 8);
    compareWithPerElement(a, N, perChannel, 3, 1, -3, -15, 15, 5);
  }
}
END_TEST

/*===-- dense_resource -----------------------------------------------------===*/

START_TEST(test_resource_f32) {
  /* The same values as a blob: same numbers as dense storage. */
  enum { N = 3000 };
  static float x[N];
  double s = 0.0625;
  randomTensor(CIM_ELEMENTS_F32, N, s, x);
  MlirAttribute r = mlirUnmanagedDenseFloatResourceElementsAttrGet(
      vectorType(N, mlirF32TypeGet(ctx)),
      mlirStringRefCreateFromCString("weights"), N, x);
  ck_assert(mlirAttributeIsADenseResourceElements(r));
  compareWithPerElement(r, N, &s, 1, 1, 0, -128, 127, 8);
  MlirAttribute ties = mlirUnmanagedDenseFloatResourceElementsAttrGet(
      vectorType(12, mlirF32TypeGet(ctx)),
      mlirStringRefCreateFromCString("ties"), 12, kTies);
  double half = 0.5;
  const int64_t i8[12] = {0, 2, 2, 0, -2, -2, 127, 126, 127, -128, 0, -1};
  expectQuantized(ties, &half, 1, 1, 0, -128, 127, 8, i8, 12);
}
END_TEST

START_TEST(test_resource_refused) {
  CimElements e;
  /* Declared by the parser, no data: as `dense_resource<__elided__>`. */
  const char *why =
      cimElementsOpen(parseAttr("dense_resource<absent> : tensor<4xf32>"), &e);
  ck_assert_ptr_nonnull(why);
  ck_assert_msg(strstr(why, "has no data") != NULL, "%s", why);
  why = cimElementsOpen(
      parseAttr("dense_resource<__elided__> : tensor<4xi8>"), &e);
  ck_assert_ptr_nonnull(why);
  ck_assert_msg(strstr(why, "has no data") != NULL, "%s", why);
  why = cimElementsOpen(
      parseAttr("dense_resource<halves> : tensor<4xf16>"), &e);
  ck_assert_ptr_nonnull(why);
  ck_assert_msg(strstr(why, "f16") != NULL, "%s", why);
  why = cimElementsOpen(
      parseAttr("dense_resource<signed> : tensor<4xsi8>"), &e);
  ck_assert_ptr_nonnull(why);
  ck_assert_msg(strstr(why, "signed") != NULL, "%s", why);
  /* Not elements, and elements of a type the reader does not take. */
  ck_assert_ptr_nonnull(cimElementsOpen(parseAttr("1.0 : f32"), &e));
  ck_assert_ptr_nonnull(cimElementsOpen(
      parseAttr("dense<(1.0,2.0)> : tensor<1xcomplex<f32>>"), &e));
  ck_assert_ptr_nonnull(
      cimElementsOpen(parseAttr("dense<1> : tensor<2xindex>"), &e));
}
END_TEST

/*===-- Integers -----------------------------------------------------------===*/

START_TEST(test_integers) {
  CimElements e;
  /* i8 [-128, -1, 0, 127]: signed as is; unsigned 128, 255, 0, 127. */
  ck_assert_ptr_null(cimElementsOpen(
      parseAttr("dense<[-128, -1, 0, 127]> : tensor<4xi8>"), &e));
  const int64_t s8[4] = {-128, -1, 0, 127}, u8[4] = {128, 255, 0, 127};
  for (int i = 0; i < 4; ++i) {
    ck_assert_int_eq(cimElementsGetInt(&e, i, true), s8[i]);
    ck_assert_int_eq(cimElementsGetInt(&e, i, false), u8[i]);
  }
  /* i4 [-8, 7, -1, 3] (one byte each, low 4 bits). */
  ck_assert_ptr_null(cimElementsOpen(
      parseAttr("dense<[-8, 7, -1, 3]> : tensor<4xi4>"), &e));
  ck_assert_uint_eq(e.width, 1);
  const int64_t s4[4] = {-8, 7, -1, 3}, u4[4] = {8, 7, 15, 3};
  for (int i = 0; i < 4; ++i) {
    ck_assert_int_eq(cimElementsGetInt(&e, i, true), s4[i]);
    ck_assert_int_eq(cimElementsGetInt(&e, i, false), u4[i]);
  }
  /* i16 and a splat i32. */
  ck_assert_ptr_null(cimElementsOpen(
      parseAttr("dense<[-300, 32767]> : tensor<2xi16>"), &e));
  ck_assert_int_eq(cimElementsGetInt(&e, 0, true), -300);
  ck_assert_int_eq(cimElementsGetInt(&e, 1, true), 32767);
  ck_assert_ptr_null(
      cimElementsOpen(parseAttr("dense<-5> : tensor<3x3xi32>"), &e));
  ck_assert(e.splat);
  ck_assert_int_eq(cimElementsGetInt(&e, 8, true), -5);
  /* i1: true is -1 signed, 1 unsigned. */
  ck_assert_ptr_null(cimElementsOpen(
      parseAttr("dense<[true, false, true]> : tensor<3xi1>"), &e));
  ck_assert_int_eq(cimElementsGetInt(&e, 0, true), -1);
  ck_assert_int_eq(cimElementsGetInt(&e, 1, true), 0);
  ck_assert_int_eq(cimElementsGetInt(&e, 2, false), 1);
  /* i8 and i16 blobs. */
  static const int8_t b8[3] = {-7, 0, 7};
  ck_assert_ptr_null(cimElementsOpen(
      mlirUnmanagedDenseInt8ResourceElementsAttrGet(
          vectorType(3, mlirIntegerTypeGet(ctx, 8)),
          mlirStringRefCreateFromCString("w8"), 3, b8),
      &e));
  ck_assert(e.resource);
  ck_assert_int_eq(cimElementsGetInt(&e, 0, true), -7);
  ck_assert_int_eq(cimElementsGetInt(&e, 2, true), 7);
  static const int16_t b16[2] = {-1000, 1000};
  ck_assert_ptr_null(cimElementsOpen(
      mlirUnmanagedDenseInt16ResourceElementsAttrGet(
          vectorType(2, mlirIntegerTypeGet(ctx, 16)),
          mlirStringRefCreateFromCString("w16"), 2, b16),
      &e));
  ck_assert_int_eq(cimElementsGetInt(&e, 0, true), -1000);
  ck_assert_int_eq(cimElementsGetInt(&e, 1, false), 1000);
}
END_TEST

START_TEST(test_store) {
  /* Low `bits` bits, little-endian, in the storage width. */
  unsigned char raw[16] = {0};
  cimElementsStore(raw, 1, 4, 0, -7);
  ck_assert_uint_eq(raw[0], 0x09);
  cimElementsStore(raw, 2, 9, 1, -1);
  ck_assert_uint_eq(raw[2], 0xFF);
  ck_assert_uint_eq(raw[3], 0x01);
  cimElementsStore(raw, 4, 32, 1, -2);
  ck_assert_uint_eq(raw[4], 0xFE);
  ck_assert_uint_eq(raw[7], 0xFF);
  ck_assert_uint_eq(cimElementsStorageWidth(2), 1);
  ck_assert_uint_eq(cimElementsStorageWidth(9), 2);
  ck_assert_uint_eq(cimElementsStorageWidth(17), 4);
  ck_assert_uint_eq(cimElementsStorageWidth(33), 8);
}
END_TEST

static Suite *elementsSuite(void) {
  Suite *s = suite_create("elements");
  TCase *t = tcase_create("core");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 60);
  tcase_add_test(t, test_f32_ties_and_saturation);
  tcase_add_test(t, test_float32_division);
  tcase_add_test(t, test_narrow_range);
  tcase_add_test(t, test_f64);
  tcase_add_test(t, test_f16_and_bf16);
  tcase_add_test(t, test_per_axis);
  tcase_add_test(t, test_splat);
  tcase_add_test(t, test_nan);
  tcase_add_test(t, test_random_every_type);
  tcase_add_test(t, test_resource_f32);
  tcase_add_test(t, test_resource_refused);
  tcase_add_test(t, test_integers);
  tcase_add_test(t, test_store);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(elementsSuite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
