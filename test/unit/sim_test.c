#define _POSIX_C_SOURCE 200809L
/*===-- sim_test.c - Check suite for the bit-exact simulator ---------------===*
 *
 * 1. The numeric core, op by op, against values derived by hand in the
 *    comments (rne ties, requantize with negative values and 128-bit
 *    intermediates, pooling with padding counts, softmax and layer norm on
 *    small rows, weight slicing, bit-planes, ADC clipping and rounding).
 * 2. Programs: the worked example of docs/dialects/xbar.md, the same with a
 *    2-bit ADC (clipped sums derived by hand), run-time errors, and the
 *    same scheduled on two crossbars with a tile copy (per-crossbar counters
 *    of the chunks, a copy with other cells).
 * 3. A randomized property test: single matmul layers over weight bits 1..8,
 *    activation bits 1..8, cell bits 1..4, DAC bits 1..2, several crossbar
 *    sizes, every weight mapping and input encoding, signed and unsigned,
 *    OU limits. Each layer is mapped to an ISA program by a small generator
 *    written here from docs/dialects/xbar.md, run with and without the exact
 *    shortcut, and compared against an independent integer reference
 *    (plain nested loops over the integer operands); the event counters are
 *    compared against cimLayerCostCompute.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Cost.h"
#include "cim-c/Isa.h"
#include "cim-c/Sim.h"

static char message[4096];

static void capture(MlirStringRef s, void *userData) {
  (void)userData;
  snprintf(message, sizeof message, "%.*s", (int)s.length, s.data);
}

static CimSimTensor tensor(int64_t *data, int rank, const int64_t *shape) {
  CimSimTensor t;
  memset(&t, 0, sizeof t);
  t.data = data;
  t.rank = rank;
  for (int i = 0; i < rank; ++i)
    t.shape[i] = shape[i];
  return t;
}

#define T1(d, a) tensor(d, 1, (int64_t[]){a})
#define T2(d, a, b) tensor(d, 2, (int64_t[]){a, b})
#define T4(d, a, b, c, e) tensor(d, 4, (int64_t[]){a, b, c, e})
#define OK(call) ck_assert_msg(mlirLogicalResultIsSuccess(call), "%s", message)
#define FAILS(call)                                                            \
  do {                                                                         \
    message[0] = '\0';                                                         \
    ck_assert(mlirLogicalResultIsFailure(call));                               \
  } while (0)

static void expectValues(const int64_t *got, const int64_t *want, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    ck_assert_msg(got[i] == want[i], "element %lld: got %lld, want %lld",
                  (long long)i, (long long)got[i], (long long)want[i]);
}

/*===----------------------------------------------------------------------===*
 * 1. The numeric core
 *===----------------------------------------------------------------------===*/

START_TEST(test_rne_ties_to_even) {
  /* 5/2 = 2.5 -> 2; 7/2 = 3.5 -> 4; -5/2 -> -2; -7/2 -> -4; 3/2 -> 2;
   * -1/2 -> 0; -3/2 -> -2; 1/3 -> 0; 2/3 -> 1; -2/3 -> -1. */
  ck_assert_int_eq(cimSimRne(5, 2), 2);
  ck_assert_int_eq(cimSimRne(7, 2), 4);
  ck_assert_int_eq(cimSimRne(-5, 2), -2);
  ck_assert_int_eq(cimSimRne(-7, 2), -4);
  ck_assert_int_eq(cimSimRne(3, 2), 2);
  ck_assert_int_eq(cimSimRne(-1, 2), 0);
  ck_assert_int_eq(cimSimRne(-3, 2), -2);
  ck_assert_int_eq(cimSimRne(1, 3), 0);
  ck_assert_int_eq(cimSimRne(2, 3), 1);
  ck_assert_int_eq(cimSimRne(-2, 3), -1);
  /* Extremes: INT64_MIN / 1 and INT64_MAX / INT64_MAX. */
  ck_assert(cimSimRne(INT64_MIN, 1) == INT64_MIN);
  ck_assert_int_eq(cimSimRne(INT64_MAX, INT64_MAX), 1);
}
END_TEST

START_TEST(test_requantize_per_tensor_negative_ties) {
  /* multiplier 1, shift 1 (divide by 2), out_zp 10, [qmin, qmax] = [-128,
   * 127]: -7/2 = -3.5 -> -4 (+10 = 6); -5/2 = -2.5 -> -2 (8); 5/2 = 2.5 -> 2
   * (12); 6/2 = 3 (13); 1000/2 = 500 (510 -> 127). With in_zp = 1 the first
   * becomes -8/2 = -4 (6) and the second -6/2 = -3 (7). */
  int64_t x[5] = {-7, -5, 5, 6, 1000}, r[5];
  int64_t mul = 1, sh = 1;
  CimSimTensor xt = T1(x, 5), rt = T1(r, 5);
  CimSimRequantizeParams p = {0, &mul, 1, &sh, 1, 0, 10, -128, 127};
  OK(cimSimRequantize(&xt, NULL, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){6, 8, 12, 13, 127}, 5);
  p.inZeroPoint = 1;
  OK(cimSimRequantize(&xt, NULL, &p, &rt, capture, NULL));
  ck_assert_int_eq(r[0], 6);
  ck_assert_int_eq(r[1], 7);
  /* shift 2: -6/4 = -1.5 -> -2; -10/4 = -2.5 -> -2; -14/4 = -3.5 -> -4. */
  int64_t y[3] = {-6, -10, -14}, s[3];
  CimSimTensor yt = T1(y, 3), st = T1(s, 3);
  sh = 2;
  CimSimRequantizeParams q = {0, &mul, 1, &sh, 1, 0, 0, -128, 127};
  OK(cimSimRequantize(&yt, NULL, &q, &st, capture, NULL));
  expectValues(s, (int64_t[]){-2, -2, -4}, 3);
}
END_TEST

START_TEST(test_requantize_per_channel_with_bias) {
  /* x [2, 2], axis 1, bias [1, -1], in_zp 1, multiplier [3, 1], shift
   * [2, 0], out_zp 0, range [-4, 3]:
   *  (0,0) x=5: (5+1-1)*3/4 = 3.75 -> 4 -> 3 (clamped)
   *  (0,1) x=5: (5-1-1)*1 = 3
   *  (1,0) x=-3: (-3+1-1)*3/4 = -2.25 -> -2
   *  (1,1) x=-3: (-3-1-1) = -5 -> -4 (clamped) */
  int64_t x[4] = {5, 5, -3, -3}, r[4], bias[2] = {1, -1};
  int64_t mul[2] = {3, 1}, sh[2] = {2, 0};
  CimSimTensor xt = T2(x, 2, 2), rt = T2(r, 2, 2), bt = T1(bias, 2);
  CimSimRequantizeParams p = {1, mul, 2, sh, 2, 1, 0, -4, 3};
  OK(cimSimRequantize(&xt, &bt, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){3, 3, -2, -4}, 4);
  /* Three multipliers for two channels is an error. */
  int64_t mul3[3] = {1, 1, 1};
  p.multiplier = mul3;
  p.numMultipliers = 3;
  FAILS(cimSimRequantize(&xt, &bt, &p, &rt, capture, NULL));
}
END_TEST

START_TEST(test_requantize_needs_128_bits) {
  /* x = 2^40, multiplier 2^31 - 1, shift 62:
   * (2^71 - 2^40) / 2^62 = 512 - 2^-22 -> 512. The product needs 71 bits. */
  int64_t x[1] = {INT64_C(1) << 40}, r[1];
  int64_t mul = (INT64_C(1) << 31) - 1, sh = 62;
  CimSimTensor xt = T1(x, 1), rt = T1(r, 1);
  CimSimRequantizeParams p = {0, &mul, 1, &sh, 1, 0, 0, -100000, 100000};
  OK(cimSimRequantize(&xt, NULL, &p, &rt, capture, NULL));
  ck_assert_int_eq(r[0], 512);
  /* shift 63 is out of range. */
  sh = 63;
  FAILS(cimSimRequantize(&xt, NULL, &p, &rt, capture, NULL));
  ck_assert_ptr_nonnull(strstr(message, "shift"));
}
END_TEST

START_TEST(test_clamp_lut_add) {
  int64_t x[4] = {-5, -2, 0, 9}, r[4];
  CimSimTensor xt = T1(x, 4), rt = T1(r, 4);
  OK(cimSimClamp(&xt, -3, 5, &rt, capture, NULL));
  expectValues(r, (int64_t[]){-3, -2, 0, 5}, 4);
  /* table [10, 20, 30, 40], in_min -2: index clamp(x + 2, 0, 3):
   * -5 -> 0 (10), -2 -> 0 (10), 0 -> 2 (30), 9 -> 3 (40). */
  int64_t table[4] = {10, 20, 30, 40};
  OK(cimSimLut(&xt, table, 4, -2, &rt, capture, NULL));
  expectValues(r, (int64_t[]){10, 10, 30, 40}, 4);
  int64_t y[4] = {1, 2, -3, 4};
  CimSimTensor yt = T1(y, 4);
  OK(cimSimAdd(&xt, &yt, &rt, capture, NULL));
  expectValues(r, (int64_t[]){-4, 0, -3, 13}, 4);
  /* Overflow is an error, not a wrap. */
  int64_t big[1] = {INT64_MAX}, one[1] = {1}, out[1];
  CimSimTensor bt = T1(big, 1), ot = T1(one, 1), outT = T1(out, 1);
  FAILS(cimSimAdd(&bt, &ot, &outT, capture, NULL));
}
END_TEST

START_TEST(test_avg_pool_counts_only_inside) {
  /* x = [[1,2,3],[4,5,6],[7,8,9]], window 2x2, stride 1, padding top 1,
   * left 1: OH = OW = (3 + 1 - 2) / 1 + 1 = 3. Windows and counts:
   *  (0,0): {1} -> 1        (0,1): {1,2} 3/2 -> 2      (0,2): {2,3} 5/2 -> 2
   *  (1,0): {1,4} 5/2 -> 2  (1,1): {1,2,4,5} 12/4 = 3  (1,2): {2,3,5,6} = 4
   *  (2,0): {4,7} 11/2 -> 6 (2,1): {4,5,7,8} = 6        (2,2): {5,6,8,9} = 7 */
  int64_t x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, r[9];
  CimSimTensor xt = T4(x, 1, 1, 3, 3), rt = T4(r, 1, 1, 3, 3);
  CimSimPoolParams p = {true, false, {2, 2}, {1, 1}, {1, 1, 0, 0}};
  OK(cimSimPool(&xt, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){1, 2, 2, 2, 3, 4, 6, 6, 7}, 9);
  /* Max pool of the negated input: padding never contributes (a padded 0
   * would win otherwise). (0,0): -1; (1,1): -1; (2,2): -5. */
  for (int i = 0; i < 9; ++i)
    x[i] = -x[i];
  p.isAvg = false;
  OK(cimSimPool(&xt, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){-1, -1, -2, -1, -1, -2, -4, -4, -5}, 9);
  /* nhwc with 2 channels, global average over 1x2: channel 0 {1, 2} -> 2
   * (1.5 to even), channel 1 {-3, -4} -> -4 (-3.5 to even). */
  int64_t z[4] = {1, -3, 2, -4}, o[2];
  CimSimTensor zt = T4(z, 1, 1, 2, 2), ot = T4(o, 1, 1, 1, 2);
  CimSimPoolParams g = {true, true, {1, 2}, {1, 1}, {0, 0, 0, 0}};
  OK(cimSimPool(&zt, &g, &ot, capture, NULL));
  expectValues(o, (int64_t[]){2, -4}, 2);
  /* Padding as large as the window is rejected. */
  CimSimPoolParams bad = {true, false, {2, 2}, {1, 1}, {2, 0, 0, 0}};
  FAILS(cimSimPool(&xt, &bad, &rt, capture, NULL));
}
END_TEST

START_TEST(test_softmax_small_rows) {
  /* Row [0, 1, 3], exp_table [8, 4, 2, 1], one 100: max 3, d = [3, 2, 0],
   * e = [1, 2, 8], sum 11: 100/11 = 9.09 -> 9, 200/11 = 18.18 -> 18,
   * 800/11 = 72.7 -> 73. Row [0, 10, 10]: d = [10, 0, 0] (10 beyond the
   * table: last entry 1), e = [1, 8, 8], sum 17: 100/17 = 5.88 -> 6,
   * 800/17 = 47.06 -> 47 (twice). */
  int64_t x[6] = {0, 1, 3, 0, 10, 10}, r[6];
  int64_t table[4] = {8, 4, 2, 1};
  CimSimTensor xt = T2(x, 2, 3), rt = T2(r, 2, 3);
  CimSimSoftmaxParams p = {1, table, 4, 100, 0, 0, 255};
  OK(cimSimSoftmax(&xt, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){9, 18, 73, 6, 47, 47}, 6);
  /* Along axis 0 of [[5], [5]]: e = [8, 8], one = 3: 24/16 = 1.5 -> 2; with
   * one = 1: 8/16 = 0.5 -> 0 (ties to even). */
  int64_t y[2] = {5, 5}, s[2];
  CimSimTensor yt = T2(y, 2, 1), st = T2(s, 2, 1);
  CimSimSoftmaxParams q = {0, table, 4, 3, 0, 0, 255};
  OK(cimSimSoftmax(&yt, &q, &st, capture, NULL));
  expectValues(s, (int64_t[]){2, 2}, 2);
  q.one = 1;
  OK(cimSimSoftmax(&yt, &q, &st, capture, NULL));
  expectValues(s, (int64_t[]){0, 0}, 2);
  /* exp_table[0] = 0 would divide by zero: rejected. */
  int64_t zero[2] = {0, 1};
  q.expTable = zero;
  q.expTableLength = 2;
  FAILS(cimSimSoftmax(&yt, &q, &st, capture, NULL));
}
END_TEST

START_TEST(test_layer_norm_small_rows) {
  /* x = [1, 2, 3, 6], n = 4: s = 12, c = n*x - s = [-8, -4, 0, 12],
   * v = 64 + 16 + 0 + 144 = 224.
   * frac_bits 0, eps 0: D = isqrt(floor(224 / 64) + 0) = isqrt(3) = 1,
   * z = rne(c / (4 * 1)) = [-2, -1, 0, 3]; gamma 1, beta 0, multiplier 1,
   * shift 0 -> [-2, -1, 0, 3]. */
  int64_t x[4] = {1, 2, 3, 6}, r[4];
  int64_t ones[4] = {1, 1, 1, 1}, zeros[4] = {0, 0, 0, 0};
  CimSimTensor xt = T2(x, 1, 4), rt = T2(r, 1, 4);
  CimSimLayerNormParams p = {1, 0, 0, ones, zeros, 1, 0, 0, -128, 127};
  OK(cimSimLayerNorm(&xt, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){-2, -1, 0, 3}, 4);
  /* frac_bits 2 (2^(2f) = 16), eps 1: D = isqrt(floor(224 * 16 / 64) + 1)
   * = isqrt(57) = 7; z = rne(c * 16 / 28) = [-4.57 -> -5, -2.29 -> -2, 0,
   * 6.86 -> 7]. gamma [2, 1, 1, 1], beta [1, 0, 0, -1], multiplier 3,
   * shift 1: (z*g + b) * 3 / 2 = [-9*3/2 = -13.5 -> -14, -3, 0, 6*3/2 = 9];
   * out_zp 1 -> [-13, -2, 1, 10]; qmin -12 -> [-12, -2, 1, 10]. */
  int64_t gamma[4] = {2, 1, 1, 1}, beta[4] = {1, 0, 0, -1};
  CimSimLayerNormParams q = {1, 2, 1, gamma, beta, 3, 1, 1, -12, 127};
  OK(cimSimLayerNorm(&xt, &q, &rt, capture, NULL));
  expectValues(r, (int64_t[]){-12, -2, 1, 10}, 4);
  /* A constant row with eps 0: v = 0, D = 0, z = 0 -> beta only. */
  int64_t c[4] = {7, 7, 7, 7};
  CimSimTensor ct = T2(c, 1, 4);
  OK(cimSimLayerNorm(&ct, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){0, 0, 0, 0}, 4);
}
END_TEST

START_TEST(test_data_movement) {
  /* transpose [2, 3] -> [3, 2]. */
  int64_t x[6] = {1, 2, 3, 4, 5, 6}, r[6];
  CimSimTensor xt = T2(x, 2, 3), rt = T2(r, 3, 2);
  OK(cimSimTranspose(&xt, (int64_t[]){1, 0}, &rt, capture, NULL));
  expectValues(r, (int64_t[]){1, 4, 2, 5, 3, 6}, 6);
  /* slice [1:2, 1:3] -> [5, 6]. */
  int64_t s[2];
  CimSimTensor st = T2(s, 1, 2);
  OK(cimSimSlice(&xt, (int64_t[]){1, 1}, &st, capture, NULL));
  expectValues(s, (int64_t[]){5, 6}, 2);
  FAILS(cimSimSlice(&xt, (int64_t[]){1, 2}, &st, capture, NULL));
  /* insert [9, 8] at (0, 0) of x. */
  int64_t blk[2] = {9, 8}, d[6];
  CimSimTensor bt = T2(blk, 1, 2), dt = T2(d, 2, 3);
  OK(cimSimInsert(&xt, &bt, (int64_t[]){0, 0}, &dt, capture, NULL));
  expectValues(d, (int64_t[]){9, 8, 3, 4, 5, 6}, 6);
  /* im2col, nchw, x = [[1, 2], [3, 4]], 2x2 kernel, padding top/left 1,
   * pad value 9: OH = OW = (2 + 1 - 1 - 1) + 1 = 2; patches (c, i, j):
   * (0,0) [9,9,9,1], (0,1) [9,9,1,2], (1,0) [9,1,9,3], (1,1) [1,2,3,4]. */
  int64_t img[4] = {1, 2, 3, 4}, pat[16];
  CimSimTensor it = T4(img, 1, 1, 2, 2), pt = T2(pat, 4, 4);
  CimSimIm2colParams ip = {false, {2, 2}, {1, 1}, {1, 1}, {1, 1, 0, 0}, 9, 0, 1};
  OK(cimSimIm2col(&it, &ip, &pt, capture, NULL));
  expectValues(pat, (int64_t[]){9, 9, 9, 1, 9, 9, 1, 2, 9, 1, 9, 3, 1, 2, 3, 4},
               16);
}
END_TEST

START_TEST(test_weight_tile_slices) {
  /* w = [[3, -2], [-8, 7]], 4-bit signed, 2-bit cells: S = 2 slices, units
   * u = n*2 + s. Differential column, pairs (pos, neg):
   *  3 = 0b0011 -> s0 = 3, s1 = 0;  -2 -> neg 2 -> s0 = 2, s1 = 0
   *  -8 -> neg 8 = 0b1000 -> s0 = 0, s1 = 2;  7 = 0b0111 -> s0 = 3, s1 = 1
   * row 0: u0 (3,0) u1 (0,0) u2 (0,2) u3 (0,0)
   * row 1: u0 (0,0) u1 (0,2) u2 (3,0) u3 (1,0) */
  int64_t w[4] = {3, -2, -8, 7}, r[16];
  CimSimTensor wt = T2(w, 2, 2), rt = T2(r, 2, 8);
  CimSimWeightTileParams p = {CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN, 4, 2,
                              true, 0, 0};
  OK(cimSimWeightTile(&wt, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 2, 3, 0, 1, 0},
               16);
  /* Offset: w + 8: 11 = 0b1011 (3, 2), 6 = 0b0110 (2, 1), 0 (0, 0),
   * 15 (3, 3); bias column of ones. */
  CimSimTensor ot = T2(r, 2, 5);
  p.mapping = CIM_WEIGHT_MAPPING_OFFSET;
  OK(cimSimWeightTile(&wt, &p, &ot, capture, NULL));
  expectValues(r, (int64_t[]){3, 2, 2, 1, 1, 0, 0, 3, 3, 1}, 10);
  /* Differential row, one unit (u1 = slice 1 of output 0), k_offset 1:
   * row pair of w = -8: pos 0, neg slice 1 = 2. */
  CimSimTensor dt = T2(r, 2, 1);
  CimSimWeightTileParams q = {CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW, 4, 2, true,
                              1, 1};
  OK(cimSimWeightTile(&wt, &q, &dt, capture, NULL));
  expectValues(r, (int64_t[]){0, 2}, 2);
  /* A weight outside its bits is an error. */
  w[0] = 8;
  p.mapping = CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN;
  FAILS(cimSimWeightTile(&wt, &p, &rt, capture, NULL));
}
END_TEST

START_TEST(test_bitplane_encodings) {
  /* x = -3 in 3 bits: two's complement u = 8 - 3 = 5 = 0b101 -> planes
   * 1, 0, 1; offset u = -3 + 4 = 1 -> planes 1, 0, 0. 2-bit digits at
   * offset 1 of u = 5: (5 >> 1) & 3 = 2. */
  int64_t x[1] = {-3}, r[1];
  CimSimTensor xt = T1(x, 1), rt = T1(r, 1);
  int64_t twos[3], off[3];
  for (int b = 0; b < 3; ++b) {
    CimSimBitplaneParams p = {CIM_INPUT_ENCODING_TWOS_COMPLEMENT, 3, b, 1};
    OK(cimSimBitplane(&xt, &p, &rt, capture, NULL));
    twos[b] = r[0];
    CimSimBitplaneParams q = {CIM_INPUT_ENCODING_OFFSET, 3, b, 1};
    OK(cimSimBitplane(&xt, &q, &rt, capture, NULL));
    off[b] = r[0];
  }
  expectValues(twos, (int64_t[]){1, 0, 1}, 3);
  expectValues(off, (int64_t[]){1, 0, 0}, 3);
  CimSimBitplaneParams p2 = {CIM_INPUT_ENCODING_TWOS_COMPLEMENT, 3, 1, 2};
  OK(cimSimBitplane(&xt, &p2, &rt, capture, NULL));
  ck_assert_int_eq(r[0], 2);
  /* Unsigned storage is signless (docs/dialects/xbar.md): the 3-bit element
   * -3 is the unsigned 8 - 3 = 5 = 0b101, so planes 0, 1, 2 are 1, 0, 1. */
  CimSimBitplaneParams u = {CIM_INPUT_ENCODING_UNSIGNED, 3, 0, 1};
  int64_t uns[3];
  for (int b = 0; b < 3; ++b) {
    u.bitOffset = b;
    OK(cimSimBitplane(&xt, &u, &rt, capture, NULL));
    uns[b] = r[0];
  }
  expectValues(uns, (int64_t[]){1, 0, 1}, 3);
  /* A value no 3-bit element can hold (8, or -5) is an error naming it. */
  x[0] = 8;
  FAILS(cimSimBitplane(&xt, &u, &rt, capture, NULL));
  ck_assert_ptr_nonnull(strstr(message, "8"));
  x[0] = -5;
  FAILS(cimSimBitplane(&xt, &u, &rt, capture, NULL));
  ck_assert_ptr_nonnull(strstr(message, "-5"));
}
END_TEST

START_TEST(test_mvm_differential_rows) {
  /* cells [[2, 1], [1, 3]]: row 0 driven +d, row 1 -d (pair of input 0);
   * digit 1: sums = [2 - 1, 1 - 3] = [1, -2]. */
  int64_t cells[4] = {2, 1, 1, 3}, digits[1] = {1}, r[2];
  CimSimTensor ct = T2(cells, 2, 2), dt = T2(digits, 1, 1), rt = T2(r, 1, 2);
  CimSimMvmParams p = {0, 0, 2, true};
  OK(cimSimMvm(&ct, &dt, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){1, -2}, 2);
  /* Rows beyond the tile are rejected. */
  CimSimMvmParams q = {0, 1, 2, false};
  FAILS(cimSimMvm(&ct, &dt, &q, &rt, capture, NULL));
}
END_TEST

START_TEST(test_adc_clips_and_rounds) {
  /* 3-bit unsigned, shift 0: [0, 5, 7, 8, 100] -> [0, 5, 7, 7, 7].
   * 3-bit signed, shift 1: rne(v/2) of [-20, -3, 5, 6, 7] = [-10, -1.5 -> -2,
   * 2.5 -> 2, 3, 3.5 -> 4], clamped to [-4, 3] -> [-4, -2, 2, 3, 3], times
   * 2 -> [-8, -4, 4, 6, 6]. Ideal (bits 0) passes everything. */
  int64_t v[5] = {0, 5, 7, 8, 100}, r[5];
  CimSimTensor vt = T1(v, 5), rt = T1(r, 5);
  OK(cimSimAdc(&vt, 3, 0, false, &rt, capture, NULL));
  expectValues(r, (int64_t[]){0, 5, 7, 7, 7}, 5);
  int64_t w[5] = {-20, -3, 5, 6, 7};
  CimSimTensor wt = T1(w, 5);
  OK(cimSimAdc(&wt, 3, 1, true, &rt, capture, NULL));
  expectValues(r, (int64_t[]){-8, -4, 4, 6, 6}, 5);
  OK(cimSimAdc(&vt, 0, 0, false, &rt, capture, NULL));
  expectValues(r, v, 5);
}
END_TEST

START_TEST(test_shift_add_broadcast_and_stride_zero) {
  /* acc [[1, 1], [2, 2]]; part has one row [5, 7, 9] (broadcast).
   * src_offset 2, stride 0 (column 9 for both), shift 1, negate:
   * r = acc - 18 = [[-17, -17], [-16, -16]]. */
  int64_t acc[4] = {1, 1, 2, 2}, part[3] = {5, 7, 9}, r[4];
  CimSimTensor at = T2(acc, 2, 2), pt = T2(part, 1, 3), rt = T2(r, 2, 2);
  CimSimShiftAddParams p = {2, 0, 0, 2, 1, true};
  OK(cimSimShiftAdd(&at, &pt, &p, &rt, capture, NULL));
  expectValues(r, (int64_t[]){-17, -17, -16, -16}, 4);
  /* Reading past the part is an error. */
  CimSimShiftAddParams q = {2, 1, 0, 2, 0, false};
  FAILS(cimSimShiftAdd(&at, &pt, &q, &rt, capture, NULL));
}
END_TEST

/*===----------------------------------------------------------------------===*
 * 2. Programs
 *===----------------------------------------------------------------------===*/

static CimProgram *parseProgram(const char *text) {
  CimProgram *p = NULL;
  message[0] = '\0';
  MlirLogicalResult r =
      cimProgramParseAsm(mlirStringRefCreateFromCString(text),
                         mlirStringRefCreateFromCString("test.s"), &p,
                         capture, NULL);
  ck_assert_msg(mlirLogicalResultIsSuccess(r), "%s\n%s", message, text);
  return p;
}

static CimNpyArray array2(CimNpyDType dtype, int64_t rows, int64_t cols,
                          const int64_t *values) {
  CimNpyArray a;
  memset(&a, 0, sizeof a);
  a.dtype = dtype;
  a.rank = 2;
  a.shape[0] = rows;
  a.shape[1] = cols;
  a.numElements = rows * cols;
  size_t es = cimNpyDTypeGetSize(dtype);
  a.data = calloc((size_t)a.numElements, es);
  for (int64_t i = 0; i < a.numElements; ++i) {
    switch (es) {
    case 1: ((int8_t *)a.data)[i] = (int8_t)values[i]; break;
    case 2: ((int16_t *)a.data)[i] = (int16_t)values[i]; break;
    case 4: ((int32_t *)a.data)[i] = (int32_t)values[i]; break;
    default: ((int64_t *)a.data)[i] = values[i]; break;
    }
  }
  return a;
}

/* The worked example of docs/dialects/xbar.md: W (3x4, 4-bit) as
 * differential-column cells, A (2x3, 2-bit signed), two planes. ADC_BITS is
 * substituted. */
static const char *workedExample =
    ".version 1\n"
    ".target rows=256 cols=256 cell_bits=4 dac_bits=1 adc_bits=%d "
    "weight_mapping=differential-column input_encoding=twos-complement "
    "crossbars=1 ou_rows=256 write_ports=1 t_write_ps=56000000 "
    "t_mvm_ps=1400000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=0 e_write_fj=0 "
    "e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0\n"
    ".input a i2[2x3]\n"
    ".output r i32[2x4]\n"
    ".data d0 i8 24\n"
    "  1 0 0 2 3 0 0 4  5 0 0 6 7 0 0 8  0 1 2 0 0 3 4 0\n"
    ".data d1 i32 1\n  0\n"
    ".buffer b0 u8[3x8] = d0\n.buffer b1 i2[2x3]\n.buffer b2 u8[2x3]\n"
    ".buffer b3 u8[2x3]\n.buffer b4 i32[2x8]\n.buffer b5 i32[2x8]\n"
    ".buffer b6 i32[2x8] = d1\n.buffer b7 i32[2x8]\n.buffer b8 i32[2x4] = d1\n"
    ".buffer b9 i32[2x4]\n.buffer b10 i32[2x8]\n.buffer b11 i32[2x8]\n"
    ".buffer b12 i32[2x8]\n.buffer b13 i32[2x4]\n"
    ".code\n"
    "  load b1, @a\n"
    "  write b0 crossbar=0 row=0 col=0 layer=0\n"
    "  bitplane b2, b1 encoding=twos-complement a_bits=2 bit_offset=0 bits=1\n"
    "  bitplane b3, b1 encoding=twos-complement a_bits=2 bit_offset=1 bits=1\n"
    "  mvm b4, b2 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 "
    "k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0\n"
    "  adc b10, b4 bits=%d shift=0 signed=false layer=0\n"
    "  mvm b5, b3 crossbar=0 tile_row=0 tile_col=0 tile_rows=3 tile_cols=8 "
    "k_offset=0 row_offset=0 rows=3 differential_rows=false layer=0\n"
    "  adc b11, b5 bits=%d shift=0 signed=false layer=0\n"
    "  shift_add b7, b6, b10 src_offset=0 src_stride=1 dst_offset=0 count=8 "
    "shift=0 negate=false\n"
    "  shift_add b12, b7, b11 src_offset=0 src_stride=1 dst_offset=0 count=8 "
    "shift=1 negate=true\n"
    "  shift_add b9, b8, b12 src_offset=0 src_stride=2 dst_offset=0 count=4 "
    "shift=0 negate=false\n"
    "  shift_add b13, b9, b12 src_offset=1 src_stride=2 dst_offset=0 count=4 "
    "shift=0 negate=true\n"
    "  store @r, b13\n"
    "  halt\n";

static void runWorkedExample(int adcBits, bool shortcuts, int64_t out[8],
                             CimSimCounters *total) {
  char text[4096];
  snprintf(text, sizeof text, workedExample, adcBits, adcBits, adcBits);
  CimProgram *p = parseProgram(text);
  CimSim sim;
  OK(cimSimCreate(p, NULL, &sim, capture, NULL));
  cimSimSetShortcuts(sim, shortcuts);
  CimNpyArray a = array2(CIM_NPY_I8, 2, 3, (int64_t[]){1, -2, 0, -1, 1, 1});
  OK(cimSimSetInput(sim, 0, &a, capture, NULL));
  cimNpyArrayDestroy(&a);
  OK(cimSimRun(sim, capture, NULL));
  CimNpyArray r;
  OK(cimSimGetOutput(sim, 0, &r, capture, NULL));
  ck_assert_int_eq(r.dtype, CIM_NPY_I32);
  for (int i = 0; i < 8; ++i)
    out[i] = cimNpyArrayGetInt(&r, i);
  cimNpyArrayDestroy(&r);
  *total = cimSimGetTotal(sim);
  cimSimDestroy(sim);
  cimProgramDestroy(p);
}

START_TEST(test_worked_example) {
  /* docs/dialects/xbar.md: R = A x W = [[-9, 10, -11, 12], [3, -2, 1, 0]]
   * (row 0: 1*W0 - 2*W1 = [1-10, -2+12, 3-14, -4+16]; row 1: -W0 + W1 + W2
   * = [-1+5-1, 2-6+2, -3+7-3, 4-8+4]). 1 write, 2 rows x 2 planes = 4 MVM
   * cycles, 4 x 8 = 32 conversions; 56 us + 4 * 1.4 us = 61.6 us. */
  int64_t want[8] = {-9, 10, -11, 12, 3, -2, 1, 0};
  for (int sc = 0; sc < 2; ++sc) {
    int64_t out[8];
    CimSimCounters c;
    runWorkedExample(0, sc, out, &c);
    expectValues(out, want, 8);
    ck_assert_int_eq(c.writes, 1);
    ck_assert_int_eq(c.mvmCycles, 4);
    ck_assert_int_eq(c.rowActivations, 12);
    ck_assert_int_eq(c.adcConversions, 32);
    ck_assert_int_eq(c.cellsWritten, 24);
    ck_assert_int_eq(c.latencyPs, INT64_C(61600000));
  }
}
END_TEST

START_TEST(test_worked_example_with_two_bit_adc) {
  /* A 2-bit unsigned ADC clips every column sum to [0, 3]:
   * S0 = [[1,0,0,2,3,0,0,4],[6,1,2,8,10,3,4,12]] -> [[1,0,0,2,3,0,0,3],
   *      [3,1,2,3,3,3,3,3]]
   * S1 = [[5,0,0,6,7,0,0,8],[1,0,0,2,3,0,0,4]] -> [[3,0,0,3,3,0,0,3],
   *      [1,0,0,2,3,0,0,3]]
   * Q = S0 - 2*S1 = [[-5,0,0,-4,-3,0,0,-3],[1,1,2,-1,-3,3,3,-3]]
   * R = even - odd = [[-5, 4, -3, 3], [0, 3, -6, 6]] (not A x W: the ADC is
   * too narrow, and the simulator says so by computing what it reads). */
  int64_t want[8] = {-5, 4, -3, 3, 0, 3, -6, 6};
  for (int sc = 0; sc < 2; ++sc) {
    int64_t out[8];
    CimSimCounters c;
    runWorkedExample(2, sc, out, &c);
    expectValues(out, want, 8);
  }
  /* A 4-bit ADC holds every possible sum here (max 2 rows... 3 rows x 15 =
   * 45 > 15 though): bound-based, so the shortcut is not taken, and the
   * clipped result must still equal the direct one. 5 bits: max sum of the
   * actual digits is 12 <= 31 ... checked by equality with the direct run. */
  for (int bits = 3; bits <= 8; ++bits) {
    int64_t a[8], b[8];
    CimSimCounters c;
    runWorkedExample(bits, true, a, &c);
    runWorkedExample(bits, false, b, &c);
    expectValues(a, b, 8);
  }
}
END_TEST

/* The fast path's decisions on the worked example (issue 19): every adc
 * lets a deferred plane through only when no column sum of that plane can
 * leave its range, computed from the plane's digits and the tile's largest
 * cell (8 here, d0). Plane 0 drives rows [1,0,0] and [1,1,1]: bound 3 * 8 =
 * 24; plane 1 drives [0,1,0] and [1,0,0]: bound 1 * 8 = 8. So a 2-bit ADC
 * (max 3) applies both, a 4-bit ADC (max 15) applies plane 0 and passes
 * plane 1, a 5-bit (max 31) or ideal ADC passes both. The two column-select
 * shift_adds (even and odd columns) forward the pending products of b12
 * whenever it holds any (not with the 2-bit ADC, whose sums are plain
 * values). Each result equals the bit-serial run (shortcuts off) and the
 * hand-derived values of the two tests above: a 4-bit ADC never clips here
 * (largest actual sum 12), so it gives A x W. */
static void fastPathStats(int adcBits, int64_t out[8], int64_t stats[3]) {
  char text[4096];
  snprintf(text, sizeof text, workedExample, adcBits, adcBits, adcBits);
  CimProgram *p = parseProgram(text);
  CimSim sim;
  OK(cimSimCreate(p, NULL, &sim, capture, NULL));
  CimNpyArray a = array2(CIM_NPY_I8, 2, 3, (int64_t[]){1, -2, 0, -1, 1, 1});
  OK(cimSimSetInput(sim, 0, &a, capture, NULL));
  cimNpyArrayDestroy(&a);
  OK(cimSimRun(sim, capture, NULL));
  CimNpyArray r;
  OK(cimSimGetOutput(sim, 0, &r, capture, NULL));
  for (int i = 0; i < 8; ++i)
    out[i] = cimNpyArrayGetInt(&r, i);
  cimNpyArrayDestroy(&r);
  cimSimGetFastPathStats(sim, &stats[0], &stats[1], &stats[2]);
  cimSimDestroy(sim);
  cimProgramDestroy(p);
}

START_TEST(test_fast_path_decisions) {
  static const struct {
    int bits;
    int64_t passed, applied, forwarded;
    int64_t want[8];
  } cases[] = {
      {2, 0, 2, 0, {-5, 4, -3, 3, 0, 3, -6, 6}},
      {4, 1, 1, 2, {-9, 10, -11, 12, 3, -2, 1, 0}},
      {5, 2, 0, 2, {-9, 10, -11, 12, 3, -2, 1, 0}},
      {0, 2, 0, 2, {-9, 10, -11, 12, 3, -2, 1, 0}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    int64_t out[8], ref[8], stats[3];
    CimSimCounters c;
    fastPathStats(cases[i].bits, out, stats);
    expectValues(out, cases[i].want, 8);
    ck_assert_int_eq(stats[0], cases[i].passed);
    ck_assert_int_eq(stats[1], cases[i].applied);
    ck_assert_int_eq(stats[2], cases[i].forwarded);
    runWorkedExample(cases[i].bits, false, ref, &c);
    expectValues(out, ref, 8);
  }
  /* The part b12 (S0 - 2*S1, before the even/odd column selection) is
   * forwarded only when its largest possible value fits its element type:
   * coefficients 1 (plane 0) + 2 (plane 1), 3 rows, cell 8: 3 * 3 * 8 = 72.
   * As i8 ([-128, 127]) it is forwarded; as i6 ([-32, 31]) it is not, and
   * is multiplied out and checked: its actual values, [[-9,0,0,-10,-11,0,0,
   * -12],[4,1,2,4,4,3,4,4]], fit. As i4 ([-8, 7]) -9 does not fit, and
   * both runs report it, never a result (the bit-serial run at the
   * shift_add that writes b12, the fast run at the one that reads it). */
  static const struct {
    const char *type;
    int64_t forwarded;
    bool fits;
  } parts[] = {{"i8", 2, true}, {"i6", 0, true}, {"i4", 0, false}};
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; ++i) {
    for (int sc = 0; sc < 2; ++sc) {
      char text[4096];
      snprintf(text, sizeof text, workedExample, 0, 0, 0);
      char *b12 = strstr(text, ".buffer b12 i32");
      ck_assert_ptr_nonnull(b12);
      char rest[4096];
      snprintf(rest, sizeof rest, "%s", b12 + strlen(".buffer b12 i32"));
      snprintf(b12, sizeof text - (size_t)(b12 - text), ".buffer b12 %s%s",
               parts[i].type, rest);
      CimProgram *p = parseProgram(text);
      CimSim sim;
      OK(cimSimCreate(p, NULL, &sim, capture, NULL));
      cimSimSetShortcuts(sim, sc);
      CimNpyArray a =
          array2(CIM_NPY_I8, 2, 3, (int64_t[]){1, -2, 0, -1, 1, 1});
      OK(cimSimSetInput(sim, 0, &a, capture, NULL));
      cimNpyArrayDestroy(&a);
      if (parts[i].fits) {
        OK(cimSimRun(sim, capture, NULL));
        CimNpyArray r;
        OK(cimSimGetOutput(sim, 0, &r, capture, NULL));
        for (int k = 0; k < 8; ++k)
          ck_assert_int_eq(cimNpyArrayGetInt(&r, k), cases[3].want[k]);
        cimNpyArrayDestroy(&r);
        int64_t stats[3];
        cimSimGetFastPathStats(sim, &stats[0], &stats[1], &stats[2]);
        ck_assert_int_eq(stats[2], sc ? parts[i].forwarded : 0);
      } else {
        FAILS(cimSimRun(sim, capture, NULL));
        ck_assert_ptr_nonnull(strstr(message, "value -9 (element 0) does "
                                              "not fit buffer 12"));
      }
      cimSimDestroy(sim);
      cimProgramDestroy(p);
    }
  }

  /* CIM_SIM_CHECK_REFERENCE reruns plane by plane and compares: it passes
   * on every case, and leaves the fast run's statistics. */
  setenv("CIM_SIM_CHECK_REFERENCE", "1", 1);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    int64_t out[8], stats[3];
    fastPathStats(cases[i].bits, out, stats);
    expectValues(out, cases[i].want, 8);
    ck_assert_int_eq(stats[2], cases[i].forwarded);
  }
  unsetenv("CIM_SIM_CHECK_REFERENCE");
}
END_TEST

START_TEST(test_run_time_errors) {
  char text[4096];
  snprintf(text, sizeof text, workedExample, 0, 0, 0);
  CimProgram *p = parseProgram(text);
  CimSim sim;
  OK(cimSimCreate(p, NULL, &sim, capture, NULL));
  /* Missing input. */
  FAILS(cimSimRun(sim, capture, NULL));
  ck_assert_ptr_nonnull(strstr(message, "input 'a'"));
  /* Wrong dtype, wrong shape, out-of-range value: each names the input. */
  CimNpyArray wide = array2(CIM_NPY_I64, 2, 3, (int64_t[]){0, 0, 0, 0, 0, 0});
  FAILS(cimSimSetInput(sim, 0, &wide, capture, NULL));
  ck_assert_ptr_nonnull(strstr(message, "input 'a': dtype int64"));
  cimNpyArrayDestroy(&wide);
  CimNpyArray shape = array2(CIM_NPY_I8, 3, 2, (int64_t[]){0, 0, 0, 0, 0, 0});
  FAILS(cimSimSetInput(sim, 0, &shape, capture, NULL));
  ck_assert_ptr_nonnull(strstr(message, "input 'a': shape 3x2"));
  cimNpyArrayDestroy(&shape);
  CimNpyArray range = array2(CIM_NPY_I8, 2, 3, (int64_t[]){0, 0, 2, 0, 0, 0});
  FAILS(cimSimSetInput(sim, 0, &range, capture, NULL));
  ck_assert_ptr_nonnull(strstr(message, "element 2 is 2, outside the range "
                                        "[-2, 1]"));
  cimNpyArrayDestroy(&range);
  ck_assert_int_eq(cimSimLookupInput(sim, mlirStringRefCreateFromCString("a")), 0);
  ck_assert_int_eq(cimSimLookupInput(sim, mlirStringRefCreateFromCString("b")), -1);
  cimSimDestroy(sim);
  cimProgramDestroy(p);

  /* A cell level beyond the target's 4-bit cells (16 in the constant
   * tile): only the data says so, so it is a run-time error of the write. */
  snprintf(text, sizeof text, workedExample, 0, 0, 0);
  char *pos = strstr(text, "  1 0 0 2");
  pos[1] = '1';
  pos[2] = '6';
  p = parseProgram(text);
  OK(cimSimCreate(p, NULL, &sim, capture, NULL));
  CimNpyArray a = array2(CIM_NPY_I8, 2, 3, (int64_t[]){1, -2, 0, -1, 1, 1});
  OK(cimSimSetInput(sim, 0, &a, capture, NULL));
  cimNpyArrayDestroy(&a);
  FAILS(cimSimRun(sim, capture, NULL));
  ck_assert_msg(strstr(message, "instruction 1 (write): write: cell level 16 "
                                "(element 0) is outside [0, 15]") != NULL,
                "%s", message);
  /* A failed run leaves no outputs. */
  CimNpyArray r;
  FAILS(cimSimGetOutput(sim, 0, &r, capture, NULL));
  cimSimDestroy(sim);
  cimProgramDestroy(p);
}
END_TEST

START_TEST(test_target_override) {
  char text[4096];
  snprintf(text, sizeof text, workedExample, 0, 0, 0);
  CimProgram *p = parseProgram(text);
  CimSim sim;
  /* Other times and energies are fine: 1 write * 10 ps + 4 cycles * 3 ps +
   * 32 conversions * 1 ps = 54 ps; energy 24 cells * 2 fJ + 12 rows * 5 fJ
   * = 108 fJ. */
  CimTarget t = p->target;
  t.writePs = 10;
  t.mvmPs = 3;
  t.adcPs = 1;
  t.writeFj = 2;
  t.mvmFj = 5;
  OK(cimSimCreate(p, &t, &sim, capture, NULL));
  CimNpyArray a = array2(CIM_NPY_I8, 2, 3, (int64_t[]){1, -2, 0, -1, 1, 1});
  OK(cimSimSetInput(sim, 0, &a, capture, NULL));
  cimNpyArrayDestroy(&a);
  OK(cimSimRun(sim, capture, NULL));
  CimSimCounters c = cimSimGetTotal(sim);
  ck_assert_int_eq(c.latencyPs, 54);
  ck_assert_int_eq(c.energyFj, 108);
  ck_assert_int_eq(cimSimGetNumLayers(sim), 1);
  CimSimCounters l0 = cimSimGetLayerCounters(sim, 0);
  ck_assert_int_eq(l0.latencyPs, 54);
  ck_assert_int_eq(cimSimGetNumCrossbars(sim), 1);
  ck_assert_int_eq(cimSimGetCrossbarCounters(sim, 0).mvmCycles, 4);
  cimSimDestroy(sim);
  /* Another geometry is not. */
  t.rows = 128;
  t.ouRows = 128;
  FAILS(cimSimCreate(p, &t, &sim, capture, NULL));
  ck_assert_msg(strstr(message, "'rows'") != NULL, "%s", message);
  ck_assert(cimSimIsNull(sim));
  cimProgramDestroy(p);
}
END_TEST

/* test/tools/cim-sim/Inputs/sched-copy.s as a NUL-terminated string. */
static char *readSchedCopy(void) {
  const char *path = CIM_SOURCE_DIR "/test/tools/cim-sim/Inputs/sched-copy.s";
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(text);
  ck_assert_int_eq(fread(text, 1, (size_t)n, f), n);
  text[n] = '\0';
  fclose(f);
  return text;
}

START_TEST(test_scheduled_tile_copies) {
  /* The worked example with its tile on crossbars 0 and 1 and each mvm's
   * row 0 on crossbar 0, row 1 on crossbar 1 (sched-copy.s). The values are
   * those of test_worked_example: [[-9,10,-11,12],[3,-2,1,0]]. */
  int64_t want[8] = {-9, 10, -11, 12, 3, -2, 1, 0};
  char *text = readSchedCopy();
  CimProgram *p = parseProgram(text);
  for (int sc = 0; sc < 2; ++sc) {
    CimSim sim;
    OK(cimSimCreate(p, NULL, &sim, capture, NULL));
    cimSimSetShortcuts(sim, sc);
    CimNpyArray a = array2(CIM_NPY_I8, 2, 3, (int64_t[]){1, -2, 0, -1, 1, 1});
    OK(cimSimSetInput(sim, 0, &a, capture, NULL));
    cimNpyArrayDestroy(&a);
    OK(cimSimRun(sim, capture, NULL));
    CimNpyArray r;
    OK(cimSimGetOutput(sim, 0, &r, capture, NULL));
    int64_t out[8];
    for (int i = 0; i < 8; ++i)
      out[i] = cimNpyArrayGetInt(&r, i);
    cimNpyArrayDestroy(&r);
    expectValues(out, want, 8);
    /* Per crossbar: each holds one write of 24 cells and runs one row of
     * each of the two mvms: 2 MVM cycles of 3 rows (6 row activations, 48
     * cell activations over 8 columns). Buffer accesses: the write's 24 +
     * per chunk 1 x (3 rows + 8 sums) = 24 + 2 x 11 = 46. Both mvms count
     * as instructions on crossbar 0 (their chunk 0), so 3 (write + 2 mvms)
     * there and 1 (the write) on crossbar 1. Sequential time per crossbar:
     * 56 us + 2 x 1.4 us = 58.8 us. */
    ck_assert_int_eq(cimSimGetNumCrossbars(sim), 2);
    for (int64_t i = 0; i < 2; ++i) {
      ck_assert_int_eq(cimSimGetCrossbar(sim, i), i);
      CimSimCounters x = cimSimGetCrossbarCounters(sim, i);
      ck_assert_int_eq(x.writes, 1);
      ck_assert_int_eq(x.cellsWritten, 24);
      ck_assert_int_eq(x.mvmCycles, 2);
      ck_assert_int_eq(x.rowActivations, 6);
      ck_assert_int_eq(x.cellActivations, 48);
      ck_assert_int_eq(x.bufferAccesses, 46);
      ck_assert_int_eq(x.instructions, i == 0 ? 3 : 1);
      ck_assert_int_eq(x.latencyPs, INT64_C(58800000));
    }
    /* The totals are those of the sequential model: 2 writes, 4 cycles. */
    CimSimCounters t = cimSimGetTotal(sim);
    ck_assert_int_eq(t.writes, 2);
    ck_assert_int_eq(t.mvmCycles, 4);
    ck_assert_int_eq(t.latencyPs, INT64_C(117600000));
    cimSimDestroy(sim);
  }
  cimProgramDestroy(p);

  /* Both rows of the first mvm as one chunk on crossbar 0 at 56 us (its
   * sched: chunk_rows=2 start=d4 [56 us] crossbar=d3 [0]), [56, 58.8) us,
   * and the second mvm's row 0 there at 58.8 us (d8's first entry):
   * crossbar 0 runs 2 + 1 = 3 cycles (9 row activations), crossbar 1 the
   * second mvm's row 1; both mvms count as instructions on crossbar 0. */
  char *at = strstr(text, "sched chunk_rows=1 start=d6 crossbar=d7");
  ck_assert_ptr_nonnull(at);
  memcpy(at, "sched chunk_rows=2 start=d4 crossbar=d3", 39);
  at = strstr(text, "  57400000 113400000");
  ck_assert_ptr_nonnull(at);
  memcpy(at, "  58800000", 10);
  p = parseProgram(text);
  CimSim sim;
  OK(cimSimCreate(p, NULL, &sim, capture, NULL));
  CimNpyArray a = array2(CIM_NPY_I8, 2, 3, (int64_t[]){1, -2, 0, -1, 1, 1});
  OK(cimSimSetInput(sim, 0, &a, capture, NULL));
  cimNpyArrayDestroy(&a);
  OK(cimSimRun(sim, capture, NULL));
  ck_assert_int_eq(cimSimGetCrossbarCounters(sim, 0).mvmCycles, 3);
  ck_assert_int_eq(cimSimGetCrossbarCounters(sim, 0).rowActivations, 9);
  ck_assert_int_eq(cimSimGetCrossbarCounters(sim, 0).instructions, 3);
  ck_assert_int_eq(cimSimGetCrossbarCounters(sim, 1).mvmCycles, 1);
  ck_assert_int_eq(cimSimGetCrossbarCounters(sim, 1).instructions, 1);
  cimSimDestroy(sim);
  cimProgramDestroy(p);
  free(text);
}
END_TEST

START_TEST(test_tile_copy_with_other_cells) {
  /* The copy on crossbar 1 is written from d9; its first cell 1 -> 2 makes
   * it a different tile: the mvm that runs a chunk there fails at run time
   * (only the data says so). Instruction 8 is the first mvm. */
  char *text = readSchedCopy();
  char *at = strstr(text, ".data d9 i8 24\n  1 0 0 2");
  ck_assert_ptr_nonnull(at);
  at[17] = '2';
  CimProgram *p = parseProgram(text);
  CimSim sim;
  OK(cimSimCreate(p, NULL, &sim, capture, NULL));
  CimNpyArray a = array2(CIM_NPY_I8, 2, 3, (int64_t[]){1, -2, 0, -1, 1, 1});
  OK(cimSimSetInput(sim, 0, &a, capture, NULL));
  cimNpyArrayDestroy(&a);
  FAILS(cimSimRun(sim, capture, NULL));
  ck_assert_msg(strstr(message, "instruction 8 (mvm): crossbar 1 does not "
                                "hold the same cells as crossbar 0 in rows "
                                "[0, 3) cols [0, 8)") != NULL,
                "%s", message);
  CimNpyArray r;
  FAILS(cimSimGetOutput(sim, 0, &r, capture, NULL));
  cimSimDestroy(sim);
  cimProgramDestroy(p);
  free(text);
}
END_TEST

/*===----------------------------------------------------------------------===*
 * 3. Property test: random single layers, mapped here, vs. a reference
 *===----------------------------------------------------------------------===*/

static uint64_t rngState = 0x9E3779B97F4A7C15ull;
static int64_t rnd(int64_t lo, int64_t hi) { /* inclusive */
  rngState ^= rngState << 13;
  rngState ^= rngState >> 7;
  rngState ^= rngState << 17;
  return lo + (int64_t)(rngState % (uint64_t)(hi - lo + 1));
}

typedef struct Layer {
  int64_t M, K, N, wBits, aBits;
  bool wSigned, aSigned;
  int64_t *A, *W; /* [M, K], [K, N] */
} Layer;

/* The independent reference: r[m][n] = sum_k A[m][k] * W[k][n]. */
static void reference(const Layer *l, int64_t *r) {
  for (int64_t m = 0; m < l->M; ++m)
    for (int64_t n = 0; n < l->N; ++n) {
      int64_t s = 0;
      for (int64_t k = 0; k < l->K; ++k)
        s += l->A[m * l->K + k] * l->W[k * l->N + n];
      r[m * l->N + n] = s;
    }
}

/* Program text, built in two streams (declarations, code). */
typedef struct Gen {
  FILE *decl, *code;
  char *declText, *codeText;
  size_t declLen, codeLen;
  int nextBuf, nextBlock;
  int64_t planes;
} Gen;

static int newBuf(Gen *g, const char *type) {
  fprintf(g->decl, ".buffer b%d %s\n", g->nextBuf, type);
  return g->nextBuf++;
}

static int zeroBuf(Gen *g, int64_t rows, int64_t cols) {
  int d = g->nextBlock++;
  fprintf(g->decl, ".data d%d i8 1\n  0\n", d);
  fprintf(g->decl, ".buffer b%d i64[%lldx%lld] = d%d\n", g->nextBuf,
          (long long)rows, (long long)cols, d);
  return g->nextBuf++;
}

static int shiftAdd(Gen *g, int acc, int part, int64_t rows, int64_t cols,
                    int64_t src, int64_t stride, int64_t dst, int64_t count,
                    int64_t shift, bool negate) {
  char type[64];
  snprintf(type, sizeof type, "i64[%lldx%lld]", (long long)rows,
           (long long)cols);
  int r = newBuf(g, type);
  fprintf(g->code,
          "  shift_add b%d, b%d, b%d src_offset=%lld src_stride=%lld "
          "dst_offset=%lld count=%lld shift=%lld negate=%s\n",
          r, acc, part, (long long)src, (long long)stride, (long long)dst,
          (long long)count, (long long)shift, negate ? "true" : "false");
  return r;
}

/* Maps one matmul layer onto target `t` as docs/dialects/xbar.md describes
 * (weight_tile, write, bitplane, one mvm per tile / OU group / plane, adc,
 * shift_add recombination), and returns the assembly (caller frees). */
static char *generate(const CimTarget *t, const Layer *l, Gen *g) {
  memset(g, 0, sizeof *g);
  g->decl = open_memstream(&g->declText, &g->declLen);
  g->code = open_memstream(&g->codeText, &g->codeLen);
  int64_t M = l->M, K = l->K, N = l->N, cb = t->cellBits;
  int64_t S = (l->wBits + cb - 1) / cb, units = N * S;
  CimWeightMapping map = t->weightMapping;
  CimInputEncoding enc = l->aSigned ? t->inputEncoding : CIM_INPUT_ENCODING_UNSIGNED;
  char type[64];

  /* Inputs, weights (a constant of the layer's storage type). */
  fprintf(g->decl, ".input a %c%lld[%lldx%lld]\n", l->aSigned ? 'i' : 'u',
          (long long)l->aBits, (long long)M, (long long)K);
  fprintf(g->decl, ".output r i64[%lldx%lld]\n", (long long)M, (long long)N);
  int dW = g->nextBlock++;
  fprintf(g->decl, ".data d%d i16 %lld\n ", dW, (long long)(K * N));
  for (int64_t i = 0; i < K * N; ++i)
    fprintf(g->decl, " %lld", (long long)l->W[i]);
  fprintf(g->decl, "\n");
  snprintf(type, sizeof type, "%c%lld[%lldx%lld]", l->wSigned ? 'i' : 'u',
           (long long)l->wBits, (long long)K, (long long)N);
  fprintf(g->decl, ".buffer b%d %s = d%d\n", g->nextBuf, type, dW);
  int bW = g->nextBuf++;
  snprintf(type, sizeof type, "%c%lld[%lldx%lld]", l->aSigned ? 'i' : 'u',
           (long long)l->aBits, (long long)M, (long long)K);
  int bA = newBuf(g, type);
  fprintf(g->code, "  load b%d, @a\n", bA);

  /* Input planes: (bit offset, bits, shift, negate). Two's complement keeps
   * the sign bit in a plane of its own. */
  int64_t pOff[16], pBits[16];
  bool pNeg[16];
  int np = 0;
  int64_t dac = t->dacBits, a = l->aBits;
  int64_t low = enc == CIM_INPUT_ENCODING_TWOS_COMPLEMENT ? a - 1 : a;
  for (int64_t off = 0; off < low; off += dac) {
    pOff[np] = off;
    pBits[np] = off + dac <= low ? dac : low - off;
    pNeg[np++] = false;
  }
  if (enc == CIM_INPUT_ENCODING_TWOS_COMPLEMENT) {
    pOff[np] = a - 1;
    pBits[np] = 1;
    pNeg[np++] = true;
  }
  g->planes = np;
  int planeBuf[16];
  snprintf(type, sizeof type, "u8[%lldx%lld]", (long long)M, (long long)K);
  for (int p = 0; p < np; ++p) {
    planeBuf[p] = newBuf(g, type);
    fprintf(g->code,
            "  bitplane b%d, b%d encoding=%s a_bits=%lld bit_offset=%lld "
            "bits=%lld\n",
            planeBuf[p], bA, cimInputEncodingGetName(enc), (long long)a,
            (long long)pOff[p], (long long)pBits[p]);
  }

  /* Tiles. */
  int64_t kPer = map == CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW ? t->rows / 2 : t->rows;
  int64_t uPer = map == CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN ? t->cols / 2
                 : map == CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW  ? t->cols
                                                               : t->cols - 1;
  int out = zeroBuf(g, M, N);
  for (int64_t k0 = 0; k0 < K; k0 += kPer) {
    int64_t kSize = k0 + kPer <= K ? kPer : K - k0;
    for (int64_t u0 = 0; u0 < units; u0 += uPer) {
      int64_t uSize = u0 + uPer <= units ? uPer : units - u0;
      int64_t R = map == CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW ? 2 * kSize : kSize;
      int64_t C = map == CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN ? 2 * uSize
                  : map == CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW  ? uSize
                                                                : uSize + 1;
      snprintf(type, sizeof type, "u8[%lldx%lld]", (long long)R, (long long)C);
      int cells = newBuf(g, type);
      fprintf(g->code,
              "  weight_tile b%d, b%d mapping=%s w_bits=%lld w_signed=%s "
              "cell_bits=%lld k_offset=%lld unit_offset=%lld\n",
              cells, bW, cimWeightMappingGetName(map), (long long)l->wBits,
              l->wSigned ? "true" : "false", (long long)cb, (long long)k0,
              (long long)u0);
      fprintf(g->code, "  write b%d crossbar=0 row=0 col=0 layer=0\n", cells);
      int acc = zeroBuf(g, M, C);
      for (int64_t r0 = 0; r0 < R; r0 += t->ouRows) {
        int64_t rows = r0 + t->ouRows <= R ? t->ouRows : R - r0;
        for (int p = 0; p < np; ++p) {
          snprintf(type, sizeof type, "i64[%lldx%lld]", (long long)M,
                   (long long)C);
          int sums = newBuf(g, type), conv = newBuf(g, type);
          fprintf(g->code,
                  "  mvm b%d, b%d crossbar=0 tile_row=0 tile_col=0 "
                  "tile_rows=%lld tile_cols=%lld k_offset=%lld "
                  "row_offset=%lld rows=%lld differential_rows=%s layer=0\n",
                  sums, planeBuf[p], (long long)R, (long long)C, (long long)k0,
                  (long long)r0, (long long)rows,
                  map == CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW ? "true" : "false");
          fprintf(g->code, "  adc b%d, b%d bits=%lld shift=0 signed=%s layer=0\n",
                  conv, sums, (long long)t->adcBits,
                  map == CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW ? "true" : "false");
          acc = shiftAdd(g, acc, conv, M, C, 0, 1, 0, C, pOff[p], pNeg[p]);
        }
      }
      /* Slices (and pairs) of the tile's units into the outputs. */
      for (int64_t s = 0; s < S; ++s) {
        int64_t j0 = ((s - u0) % S + S) % S;
        if (j0 >= uSize)
          continue;
        int64_t cnt = (uSize - 1 - j0) / S + 1, n0 = (u0 + j0) / S;
        if (map == CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN) {
          out = shiftAdd(g, out, acc, M, N, 2 * j0, 2 * S, n0, cnt, s * cb, false);
          out = shiftAdd(g, out, acc, M, N, 2 * j0 + 1, 2 * S, n0, cnt, s * cb, true);
        } else {
          out = shiftAdd(g, out, acc, M, N, j0, S, n0, cnt, s * cb, false);
          if (map == CIM_WEIGHT_MAPPING_OFFSET && s == 0 && l->wSigned)
            out = shiftAdd(g, out, acc, M, N, uSize, 0, n0, cnt,
                           l->wBits - 1, true);
        }
      }
    }
  }
  /* Offset encoding: the inputs were too large by 2^(a-1); remove
   * 2^(a-1) * sum_k W[k, n] (a constant, broadcast over rows). */
  if (enc == CIM_INPUT_ENCODING_OFFSET) {
    int dC = g->nextBlock++;
    fprintf(g->decl, ".data d%d i64 %lld\n ", dC, (long long)N);
    for (int64_t n = 0; n < N; ++n) {
      int64_t s = 0;
      for (int64_t k = 0; k < K; ++k)
        s += l->W[k * N + n];
      fprintf(g->decl, " %lld", (long long)(s * (INT64_C(1) << (a - 1))));
    }
    fprintf(g->decl, "\n.buffer b%d i64[1x%lld] = d%d\n", g->nextBuf,
            (long long)N, dC);
    int corr = g->nextBuf++;
    out = shiftAdd(g, out, corr, M, N, 0, 1, 0, N, 0, true);
  }
  fprintf(g->code, "  store @r, b%d\n  halt\n", out);
  fclose(g->decl);
  fclose(g->code);
  int64_t tv[20] = {t->rows, t->cols, t->cellBits, t->dacBits, t->adcBits, 0, 0,
                    t->crossbars, t->ouRows, t->writePorts, t->writePs,
                    t->mvmPs, t->adcPs, t->digitalPs, t->bufferPs, t->writeFj,
                    t->mvmFj, t->adcFj, t->digitalFj, t->bufferFj};
  static const char *const names[20] = {
      "rows", "cols", "cell_bits", "dac_bits", "adc_bits", "weight_mapping",
      "input_encoding", "crossbars", "ou_rows", "write_ports", "t_write_ps",
      "t_mvm_ps", "t_adc_ps", "t_digital_ps", "t_buffer_ps", "e_write_fj",
      "e_mvm_fj", "e_adc_fj", "e_digital_fj", "e_buffer_fj"};
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  fprintf(f, ".version 1\n.target");
  for (int i = 0; i < 20; ++i) {
    if (i == 5)
      fprintf(f, " %s=%s", names[i], cimWeightMappingGetName(map));
    else if (i == 6)
      fprintf(f, " %s=%s", names[i], cimInputEncodingGetName(t->inputEncoding));
    else
      fprintf(f, " %s=%lld", names[i], (long long)tv[i]);
  }
  fprintf(f, "\n%s.code\n%s", g->declText, g->codeText);
  fclose(f);
  free(g->declText);
  free(g->codeText);
  return text;
}

/* Runs the generated program for `l` on `t`; returns the output and the
 * counters of layer 0. */
static void simulate(const CimTarget *t, const Layer *l, bool shortcuts,
                     int64_t *out, CimSimCounters *layer0, int64_t *planes,
                     int64_t *deferred) {
  Gen g;
  char *text = generate(t, l, &g);
  *planes = g.planes;
  CimProgram *p = parseProgram(text);
  CimSim sim;
  OK(cimSimCreate(p, NULL, &sim, capture, NULL));
  cimSimSetShortcuts(sim, shortcuts);
  CimNpyArray a = array2(l->aSigned ? CIM_NPY_I8 : CIM_NPY_U8, l->M, l->K, l->A);
  OK(cimSimSetInput(sim, 0, &a, capture, NULL));
  cimNpyArrayDestroy(&a);
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsSuccess(cimSimRun(sim, capture, NULL)),
                "%s\n%s", message, text);
  CimNpyArray r;
  OK(cimSimGetOutput(sim, 0, &r, capture, NULL));
  for (int64_t i = 0; i < l->M * l->N; ++i)
    out[i] = cimNpyArrayGetInt(&r, i);
  cimNpyArrayDestroy(&r);
  *layer0 = cimSimGetLayerCounters(sim, 0);
  int64_t direct;
  cimSimGetShortcutStats(sim, deferred, &direct);
  cimSimDestroy(sim);
  cimProgramDestroy(p);
  free(text);
}

static void randomLayer(Layer *l) {
  l->M = rnd(1, 4);
  l->K = rnd(1, 24);
  l->N = rnd(1, 9);
  l->wBits = rnd(1, 8);
  l->aBits = rnd(1, 8);
  l->wSigned = rnd(0, 1);
  l->aSigned = rnd(0, 1);
  l->A = malloc((size_t)(l->M * l->K) * sizeof(int64_t));
  l->W = malloc((size_t)(l->K * l->N) * sizeof(int64_t));
  int64_t aLo = l->aSigned ? -(INT64_C(1) << (l->aBits - 1)) : 0;
  int64_t aHi = l->aSigned ? (INT64_C(1) << (l->aBits - 1)) - 1
                           : (INT64_C(1) << l->aBits) - 1;
  int64_t wLo = l->wSigned ? -(INT64_C(1) << (l->wBits - 1)) : 0;
  int64_t wHi = l->wSigned ? (INT64_C(1) << (l->wBits - 1)) - 1
                           : (INT64_C(1) << l->wBits) - 1;
  /* Extreme values often: they are where slicing and signs go wrong. */
  for (int64_t i = 0; i < l->M * l->K; ++i)
    l->A[i] = rnd(0, 3) == 0 ? (rnd(0, 1) ? aLo : aHi) : rnd(aLo, aHi);
  for (int64_t i = 0; i < l->K * l->N; ++i)
    l->W[i] = rnd(0, 3) == 0 ? (rnd(0, 1) ? wLo : wHi) : rnd(wLo, wHi);
}

START_TEST(test_random_layers_match_reference_and_cost_model) {
  static const int64_t rowsChoices[] = {2, 3, 5, 8, 16, 256};
  static const int64_t colsChoices[] = {2, 3, 4, 7, 16, 256};
  int cases = 0, costCompared = 0, deferredTotal = 0;
  for (int iter = 0; iter < 600; ++iter) {
    CimTarget t = cimTargetGetDefault();
    t.rows = rowsChoices[rnd(0, 5)];
    t.cols = colsChoices[rnd(0, 5)];
    t.cellBits = rnd(1, 4);
    t.dacBits = rnd(1, 2);
    t.weightMapping = (CimWeightMapping)rnd(0, 2);
    t.inputEncoding = (CimInputEncoding)rnd(0, 2);
    t.ouRows = rnd(0, 2) == 0 ? rnd(1, t.rows) : t.rows;
    t.adcPs = 7;
    t.writeFj = 3;
    t.mvmFj = 5;
    t.adcFj = 11;
    Layer l;
    randomLayer(&l);
    if (t.inputEncoding == CIM_INPUT_ENCODING_UNSIGNED)
      l.aSigned = false, l.A[0] = l.A[0] < 0 ? -l.A[0] - 1 : l.A[0];
    if (!l.aSigned)
      for (int64_t i = 0; i < l.M * l.K; ++i)
        if (l.A[i] < 0)
          l.A[i] = -l.A[i] - 1;
    if (mlirLogicalResultIsFailure(cimTargetValidate(&t, NULL, NULL))) {
      free(l.A);
      free(l.W);
      continue;
    }
    int64_t *ref = malloc((size_t)(l.M * l.N) * sizeof(int64_t));
    int64_t *got = malloc((size_t)(l.M * l.N) * sizeof(int64_t));
    reference(&l, ref);
    CimSimCounters c0, c1;
    int64_t planes, deferred;
    for (int sc = 0; sc < 2; ++sc) {
      simulate(&t, &l, sc == 1, got, sc ? &c1 : &c0, &planes, &deferred);
      for (int64_t i = 0; i < l.M * l.N; ++i)
        ck_assert_msg(got[i] == ref[i],
                      "case %d (shortcuts %d): %lldx%lldx%lld w%lld%c a%lld%c "
                      "on %lldx%lld cell %lld dac %lld %s %s ou %lld: "
                      "element %lld is %lld, reference %lld",
                      iter, sc, (long long)l.M, (long long)l.K, (long long)l.N,
                      (long long)l.wBits, l.wSigned ? 's' : 'u',
                      (long long)l.aBits, l.aSigned ? 's' : 'u',
                      (long long)t.rows, (long long)t.cols,
                      (long long)t.cellBits, (long long)t.dacBits,
                      cimWeightMappingGetName(t.weightMapping),
                      cimInputEncodingGetName(t.inputEncoding),
                      (long long)t.ouRows, (long long)i, (long long)got[i],
                      (long long)ref[i]);
      if (sc)
        deferredTotal += deferred > 0;
    }
    /* Counters do not depend on the shortcut. */
    ck_assert_int_eq(c0.mvmCycles, c1.mvmCycles);
    ck_assert_int_eq(c0.adcConversions, c1.adcConversions);
    ck_assert_int_eq(c0.latencyPs, c1.latencyPs);
    /* And equal the cost model whenever the planes are the model's
     * ceil(a / dac) (a two's-complement sign bit alone in its plane with a
     * 2-bit DAC adds one). */
    CimLayer layer = {CIM_LAYER_DENSE, l.K, l.N, l.M, 1, l.wBits, l.aBits,
                      l.wSigned, l.aSigned};
    CimLayerCost cost;
    /* The model rejects what cim-bitslice rejects (a sign bit sharing a
     * 2-bit plane, cimTargetCheckActivations): then there is nothing to
     * compare with. */
    bool mappable = mlirLogicalResultIsSuccess(
        cimTargetCheckActivations(&t, l.aBits, l.aSigned, NULL, NULL));
    if (mappable)
      OK(cimLayerCostCompute(&t, &layer, &cost, capture, NULL));
    if (mappable && planes == cost.inputPlanes) {
      ck_assert_int_eq(c1.writes, cost.writes);
      ck_assert_int_eq(c1.cellsWritten, cost.cells);
      ck_assert_int_eq(c1.mvmCycles, cost.mvmCycles);
      ck_assert_int_eq(c1.rowActivations, cost.rowActivations);
      ck_assert_int_eq(c1.adcConversions, cost.adcConversions);
      ck_assert_int_eq(c1.latencyPs, cost.latencyPs);
      ck_assert_int_eq(c1.energyFj, cost.energyFj);
      ++costCompared;
    }
    ++cases;
    free(ref);
    free(got);
    free(l.A);
    free(l.W);
  }
  ck_assert_int_ge(cases, 500);
  ck_assert_int_ge(costCompared, 300);
  ck_assert_int_ge(deferredTotal, 400);
}
END_TEST

START_TEST(test_narrow_adc_matches_direct_execution) {
  /* With a narrow ADC the shortcut must not change what is computed: the
   * deferred path checks the bound and falls back to plane-by-plane. */
  for (int iter = 0; iter < 150; ++iter) {
    CimTarget t = cimTargetGetDefault();
    t.rows = rnd(2, 12);
    t.cols = rnd(2, 12);
    t.cellBits = rnd(1, 4);
    t.dacBits = rnd(1, 2);
    t.adcBits = rnd(1, 6);
    t.weightMapping = (CimWeightMapping)rnd(0, 2);
    t.inputEncoding = CIM_INPUT_ENCODING_TWOS_COMPLEMENT;
    t.ouRows = t.rows;
    if (mlirLogicalResultIsFailure(cimTargetValidate(&t, NULL, NULL)))
      continue;
    Layer l;
    randomLayer(&l);
    int64_t *a = malloc((size_t)(l.M * l.N) * sizeof(int64_t));
    int64_t *b = malloc((size_t)(l.M * l.N) * sizeof(int64_t));
    CimSimCounters c;
    int64_t planes, deferred;
    simulate(&t, &l, true, a, &c, &planes, &deferred);
    simulate(&t, &l, false, b, &c, &planes, &deferred);
    expectValues(a, b, l.M * l.N);
    free(a);
    free(b);
    free(l.A);
    free(l.W);
  }
}
END_TEST

static Suite *simSuite(void) {
  Suite *s = suite_create("sim");
  TCase *core = tcase_create("numeric-core");
  tcase_add_test(core, test_rne_ties_to_even);
  tcase_add_test(core, test_requantize_per_tensor_negative_ties);
  tcase_add_test(core, test_requantize_per_channel_with_bias);
  tcase_add_test(core, test_requantize_needs_128_bits);
  tcase_add_test(core, test_clamp_lut_add);
  tcase_add_test(core, test_avg_pool_counts_only_inside);
  tcase_add_test(core, test_softmax_small_rows);
  tcase_add_test(core, test_layer_norm_small_rows);
  tcase_add_test(core, test_data_movement);
  tcase_add_test(core, test_weight_tile_slices);
  tcase_add_test(core, test_bitplane_encodings);
  tcase_add_test(core, test_mvm_differential_rows);
  tcase_add_test(core, test_adc_clips_and_rounds);
  tcase_add_test(core, test_shift_add_broadcast_and_stride_zero);
  suite_add_tcase(s, core);
  TCase *prog = tcase_create("programs");
  tcase_add_test(prog, test_worked_example);
  tcase_add_test(prog, test_worked_example_with_two_bit_adc);
  tcase_add_test(prog, test_fast_path_decisions);
  tcase_add_test(prog, test_run_time_errors);
  tcase_add_test(prog, test_target_override);
  tcase_add_test(prog, test_scheduled_tile_copies);
  tcase_add_test(prog, test_tile_copy_with_other_cells);
  suite_add_tcase(s, prog);
  TCase *prop = tcase_create("property");
  tcase_set_timeout(prop, 120);
  tcase_add_test(prop, test_random_layers_match_reference_and_cost_model);
  tcase_add_test(prop, test_narrow_adc_matches_direct_execution);
  suite_add_tcase(s, prop);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(simSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
