/*===-- checked_test.c - Check suite for lib/support/Checked.h ------------===*/

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "support/Checked.h"

START_TEST(test_checked_arithmetic) {
  int64_t r = 0;
  ck_assert(cimCheckedAdd(INT64_MAX - 1, 1, &r) && r == INT64_MAX);
  ck_assert(!cimCheckedAdd(INT64_MAX, 1, &r));
  ck_assert(cimCheckedSub(INT64_MIN + 1, 1, &r) && r == INT64_MIN);
  ck_assert(!cimCheckedSub(INT64_MIN, 1, &r));
  ck_assert(cimCheckedMul((int64_t)1 << 31, (int64_t)1 << 31, &r) &&
            r == (int64_t)1 << 62);
  ck_assert(!cimCheckedMul((int64_t)1 << 32, (int64_t)1 << 31, &r));
  ck_assert(!cimCheckedMul(-1, INT64_MIN, &r));
}
END_TEST

START_TEST(test_window_sizes) {
  int64_t out = -1;
  /* ResNet-18's stem: 224 + 3 + 3 - 1 * (7 - 1) - 1 = 223; 223 / 2 + 1 = 112. */
  ck_assert(cimWindowOutputSize(224, 3, 3, 7, 1, 2, &out));
  ck_assert_int_eq(out, 112);
  /* A 3x3 convolution with padding 1 keeps the size: (56 + 2 - 2 - 1) + 1. */
  ck_assert(cimWindowOutputSize(56, 1, 1, 3, 1, 1, &out));
  ck_assert_int_eq(out, 56);
  /* Dilation 2 widens a 3-tap window to 5: (7 - 4 - 1) / 1 + 1 = 3. */
  ck_assert(cimWindowOutputSize(7, 0, 0, 3, 2, 1, &out));
  ck_assert_int_eq(out, 3);
  /* Exactly fitting and one too large. */
  ck_assert(cimWindowOutputSize(3, 0, 0, 3, 1, 1, &out));
  ck_assert_int_eq(out, 1);
  ck_assert(!cimWindowOutputSize(2, 0, 0, 3, 1, 1, &out));
  /* Out of range parameters. */
  ck_assert(!cimWindowOutputSize(5, 0, 0, 3, 1, 0, &out));
  ck_assert(!cimWindowOutputSize(5, 0, 0, 3, 0, 1, &out));
  ck_assert(!cimWindowOutputSize(5, 0, 0, 0, 1, 1, &out));
  ck_assert(!cimWindowOutputSize(5, -1, 0, 3, 1, 1, &out));
  ck_assert(!cimWindowOutputSize(-5, 0, 0, 3, 1, 1, &out));
  /* Overflow in the padded size and in the dilated window. */
  ck_assert(!cimWindowOutputSize(5, (int64_t)1 << 62, (int64_t)1 << 62, 3, 1,
                                 1, &out));
  ck_assert(!cimWindowOutputSize(5, 0, 0, (int64_t)1 << 40, (int64_t)1 << 40,
                                 1, &out));
  /* The largest input: no overflow on the way. */
  ck_assert(cimWindowOutputSize(INT64_MAX, 0, 0, 1, 1, 1, &out));
  ck_assert_int_eq(out, INT64_MAX);
}
END_TEST

START_TEST(test_dot_product_bits) {
  unsigned bits = 0;
  int64_t lo, hi;
  cimIntegerRange(8, true, &lo, &hi);
  ck_assert(lo == -128 && hi == 127);
  cimIntegerRange(8, false, &lo, &hi);
  ck_assert(lo == 0 && hi == 255);
  cimIntegerRange(1, true, &lo, &hi);
  ck_assert(lo == -1 && hi == 0);
  /* 1 x (-128) x (-128) = 16384 = 2^14: 16 signed bits (i15 tops at 16383). */
  ck_assert(cimDotProductBits(1, -128, 127, -128, 127, &bits));
  ck_assert_uint_eq(bits, 16);
  /* 4 terms: 65536 = 2^16 -> 18 bits (the converter's message for an
   * i8 x i8 4-term layer, test/tools/cim-opt/Inputs/overflow.mlir). */
  ck_assert(cimDotProductBits(4, -128, 127, -128, 127, &bits));
  ck_assert_uint_eq(bits, 18);
  /* Binary activations and weights in {0, 1}: K ones -> unsigned K. */
  ck_assert(cimDotProductBits(255, 0, 1, 0, 1, &bits));
  ck_assert_uint_eq(bits, 9);
  /* Beyond int64: false. */
  ck_assert(!cimDotProductBits(INT64_C(1) << 40, -(INT64_C(1) << 30),
                               INT64_C(1) << 30, -1, 1, &bits));
}
END_TEST

int main(void) {
  Suite *s = suite_create("checked");
  TCase *tc = tcase_create("arithmetic");
  tcase_add_test(tc, test_checked_arithmetic);
  tcase_add_test(tc, test_window_sizes);
  tcase_add_test(tc, test_dot_product_bits);
  suite_add_tcase(s, tc);
  SRunner *runner = srunner_create(s);
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
