#define _POSIX_C_SOURCE 200809L
/*===-- npy_test.c - Check suite for the .npy reader/writer and policies ---===*
 *
 * The .npy inputs are written byte by byte here from the format's
 * specification (magic, version, little-endian header length, dict, data),
 * not by our writer, so reader and writer are checked independently.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cim-c/Npy.h"
#include "cim-c/Policy.h"

static char message[512];

static void capture(MlirStringRef s, void *userData) {
  (void)userData;
  snprintf(message, sizeof message, "%.*s", (int)s.length, s.data);
}

/* Builds a version 1.0 .npy image with the given header dict and data. */
static size_t makeNpy(unsigned char *out, const char *dict, const void *data,
                      size_t dataSize) {
  size_t len = strlen(dict);
  memcpy(out, "\x93NUMPY\x01\x00", 8);
  out[8] = (unsigned char)(len & 0xff);
  out[9] = (unsigned char)(len >> 8);
  memcpy(out + 10, dict, len);
  memcpy(out + 10 + len, data, dataSize);
  return 10 + len + dataSize;
}

static bool parse(const unsigned char *bytes, size_t size, CimNpyArray *a) {
  message[0] = '\0';
  return mlirLogicalResultIsSuccess(cimNpyParse(
      bytes, size, mlirStringRefCreateFromCString("x.npy"), a, capture, NULL));
}

START_TEST(test_reads_int64_matrix) {
  unsigned char buf[256];
  int64_t data[6] = {8, 8, 4, 5, -1, 3};
  size_t n = makeNpy(buf, "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }\n",
                     data, sizeof data);
  CimNpyArray a;
  ck_assert_msg(parse(buf, n, &a), "%s", message);
  ck_assert_int_eq(a.dtype, CIM_NPY_I64);
  ck_assert_int_eq(a.rank, 2);
  ck_assert_int_eq(a.shape[0], 3);
  ck_assert_int_eq(a.shape[1], 2);
  ck_assert_int_eq(a.numElements, 6);
  ck_assert_int_eq(cimNpyArrayGetInt(&a, 4), -1);
  ck_assert_int_eq(cimNpyArrayGetInt(&a, 5), 3);
  cimNpyArrayDestroy(&a);
}
END_TEST

START_TEST(test_reads_other_dtypes_and_ranks) {
  unsigned char buf[256];
  int8_t bytes[3] = {-128, 0, 127};
  size_t n = makeNpy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }\n",
                     bytes, sizeof bytes);
  CimNpyArray a;
  ck_assert(parse(buf, n, &a));
  ck_assert_int_eq(a.rank, 1);
  ck_assert_int_eq(cimNpyArrayGetInt(&a, 0), -128);
  cimNpyArrayDestroy(&a);
  uint16_t u[1] = {65535};
  n = makeNpy(buf, "{\"descr\": \"<u2\", \"shape\": (), \"fortran_order\": False}\n",
              u, sizeof u);
  ck_assert_msg(parse(buf, n, &a), "%s", message);
  ck_assert_int_eq(a.rank, 0);
  ck_assert_int_eq(a.numElements, 1);
  ck_assert_int_eq(cimNpyArrayGetInt(&a, 0), 65535);
  cimNpyArrayDestroy(&a);
}
END_TEST

START_TEST(test_rejects_bad_files_with_offsets) {
  unsigned char buf[256];
  CimNpyArray a;
  int64_t data[4] = {1, 2, 3, 4};
  /* Bad magic. */
  memcpy(buf, "PK\x03\x04garbage!", 12);
  ck_assert(!parse(buf, 12, &a));
  ck_assert_str_eq(message, "x.npy: at byte 0: not a .npy file (bad magic)");
  /* Too short. */
  ck_assert(!parse((const unsigned char *)"\x93NUM", 4, &a));
  ck_assert_str_eq(message, "x.npy: at byte 0: file too short for the .npy magic");
  /* Valid magic, cut before the header length. */
  ck_assert(!parse((const unsigned char *)"\x93NUMPY\x01\x00", 8, &a));
  ck_assert_str_eq(message, "x.npy: at byte 8: truncated header: the version "
                            "and header length need 10 bytes, 8 present");
  /* Unsupported version. */
  size_t n = makeNpy(buf, "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }\n",
                     data, sizeof data);
  buf[6] = 9;
  ck_assert(!parse(buf, n, &a));
  ck_assert_str_eq(message, "x.npy: at byte 6: unsupported .npy version 9.0");
  /* Header longer than the file: the dict is 58 bytes, file cut at 40. */
  buf[6] = 1;
  ck_assert(!parse(buf, 40, &a));
  ck_assert_str_eq(message, "x.npy: at byte 40: truncated header: 58 header "
                            "bytes announced, 30 present");
  /* Truncated data: 4 int64 need 32 bytes, 31 present. */
  ck_assert(!parse(buf, n - 1, &a));
  ck_assert_str_eq(message, "x.npy: at byte 99: truncated data: shape needs 32 "
                            "bytes, 31 present");
  /* Float dtype. */
  n = makeNpy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", data, 4);
  ck_assert(!parse(buf, n, &a));
  ck_assert_str_eq(message, "x.npy: at byte 20: unsupported dtype '<f4' (integer "
                            "arrays only: |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8)");
  /* Fortran order. */
  n = makeNpy(buf, "{'descr': '<i8', 'fortran_order': True, 'shape': (2, 2), }\n",
              data, sizeof data);
  ck_assert(!parse(buf, n, &a));
  ck_assert_str_eq(message, "x.npy: at byte 10: Fortran-ordered arrays are not supported");
  /* Malformed dict. */
  n = makeNpy(buf, "{'descr': '<i8', 'fortran_order': False, 'shape': (2; 2), }\n",
              data, sizeof data);
  ck_assert(!parse(buf, n, &a));
  ck_assert_str_eq(message, "x.npy: at byte 62: expected ',' or ')' in 'shape'");
  n = makeNpy(buf, "{'descr': '<i8', 'shape': (4,), }\n", data, sizeof data);
  ck_assert(!parse(buf, n, &a));
  ck_assert_str_eq(message, "x.npy: at byte 10: header lacks 'fortran_order'");
}
END_TEST

START_TEST(test_writer_round_trip) {
  int32_t values[6] = {1, -2, 3, -4, 5, -6};
  CimNpyArray a = {CIM_NPY_I32, 2, {2, 3}, 6, values};
  char path[64];
  snprintf(path, sizeof path, "/tmp/cim-npy-test-%d.npy", (int)getpid());
  ck_assert(mlirLogicalResultIsSuccess(cimNpyWriteFile(path, &a, capture, NULL)));
  CimNpyArray b;
  ck_assert(mlirLogicalResultIsSuccess(cimNpyReadFile(path, &b, capture, NULL)));
  ck_assert_int_eq(b.dtype, CIM_NPY_I32);
  ck_assert_int_eq(b.rank, 2);
  ck_assert_int_eq(b.shape[1], 3);
  ck_assert(memcmp(b.data, values, sizeof values) == 0);
  cimNpyArrayDestroy(&b);
  /* The file is a valid .npy: data starts on a 64-byte boundary. */
  FILE *f = fopen(path, "rb");
  unsigned char head[10];
  ck_assert_uint_eq(fread(head, 1, 10, f), 10);
  fclose(f);
  ck_assert_uint_eq((10 + head[8] + 256 * head[9]) % 64, 0);
  remove(path);
}
END_TEST

/* --- Policies ---------------------------------------------------------- */

static const char *writeTemp(const char *name, const void *bytes, size_t n) {
  static char path[256];
  snprintf(path, sizeof path, "/tmp/cim-policy-test-%d-%s", (int)getpid(), name);
  FILE *f = fopen(path, "wb");
  fwrite(bytes, 1, n, f);
  fclose(f);
  return path;
}

START_TEST(test_policy_npy) {
  unsigned char buf[256];
  int64_t rows[6] = {8, 8, 4, 5, 6, 3};
  size_t n = makeNpy(buf, "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }\n",
                     rows, sizeof rows);
  const char *path = writeTemp("ok.npy", buf, n);
  CimPolicy p = cimPolicyLoadFile(path, capture, NULL);
  ck_assert_msg(!cimPolicyIsNull(p), "%s", message);
  ck_assert_int_eq(cimPolicyGetNumLayers(p), 3);
  ck_assert_int_eq(cimPolicyGetWeightBits(p, 1), 4);
  ck_assert_int_eq(cimPolicyGetActivationBits(p, 1), 5);
  ck_assert_int_eq(cimPolicyGetActivationBits(p, 2), 3);
  ck_assert(mlirLogicalResultIsSuccess(cimPolicyCheckLayerCount(p, 3, capture, NULL)));
  ck_assert(mlirLogicalResultIsFailure(cimPolicyCheckLayerCount(p, 21, capture, NULL)));
  char expected[512];
  snprintf(expected, sizeof expected,
           "policy '%s' has 3 layers but the module has 21 matrix-vector layers", path);
  ck_assert_str_eq(message, expected);
  cimPolicyDestroy(p);
  remove(path);
}
END_TEST

static void expectPolicyError(const char *name, const void *bytes, size_t n,
                              const char *suffix) {
  const char *path = writeTemp(name, bytes, n);
  CimPolicy p = cimPolicyLoadFile(path, capture, NULL);
  ck_assert(cimPolicyIsNull(p));
  char expected[512];
  snprintf(expected, sizeof expected, "%s%s", path, suffix);
  ck_assert_str_eq(message, expected);
  remove(path);
}

START_TEST(test_policy_errors) {
  unsigned char buf[256];
  int64_t rows[6] = {8, 8, 9, 5, 6, 3};
  size_t n = makeNpy(buf, "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }\n",
                     rows, sizeof rows);
  expectPolicyError("bits.npy", buf, n, ": layer 1: weight bits 9 outside 1..8");
  n = makeNpy(buf, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }\n",
              rows, sizeof rows);
  expectPolicyError("shape.npy", buf, n, ": a policy has shape [layers, 2], got [2, 3]");
  n = makeNpy(buf, "{'descr': '<u2', 'fortran_order': False, 'shape': (1, 2), }\n",
              rows, 4);
  expectPolicyError("dtype.npy", buf, n, ": a policy is an int64 array, got dtype '<u2'");
  n = makeNpy(buf, "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }\n",
              rows, sizeof rows);
  expectPolicyError("trunc.npy", buf, n - 8,
                    ": at byte 110: truncated data: shape needs 48 bytes, 40 present");
  expectPolicyError("magic.npy", "\x93NUMPX....", 10, ": at byte 0: not a .npy file (bad magic)");
  const char *j = "[[8, 8], [4, 0]]";
  expectPolicyError("zero.json", j, strlen(j), ": layer 1: activation bits 0 outside 1..8");
  j = "[[8, 8], [4]]";
  expectPolicyError("short.json", j, strlen(j), ": layer 1: expected [w_bits, a_bits]");
  j = "{\"layers\": [{\"name\": \"fc\", \"w_bits\": 8}]}";
  expectPolicyError("named.json", j, strlen(j),
                    ": layer 0: expected {\"name\": ..., \"w_bits\": N, \"a_bits\": N}");
  j = "{\"policy\": []}";
  expectPolicyError("key.json", j, strlen(j),
                    ": a JSON policy is an array of [w_bits, a_bits] or an object "
                    "with one key, \"layers\"");
}
END_TEST

START_TEST(test_policy_json_named) {
  const char *j = "{\"layers\": [{\"name\": \"conv1\", \"w_bits\": 8, \"a_bits\": 8},"
                  " {\"name\": \"fc\", \"w_bits\": 2, \"a_bits\": 7}]}";
  const char *path = writeTemp("named-ok.json", j, strlen(j));
  CimPolicy p = cimPolicyLoadFile(path, capture, NULL);
  ck_assert_msg(!cimPolicyIsNull(p), "%s", message);
  ck_assert_int_eq(cimPolicyGetNumLayers(p), 2);
  ck_assert_str_eq(cimPolicyGetLayerName(p, 1), "fc");
  ck_assert_int_eq(cimPolicyGetWeightBits(p, 1), 2);
  ck_assert_int_eq(cimPolicyGetActivationBits(p, 1), 7);
  cimPolicyDestroy(p);
  cimPolicyDestroy((CimPolicy){NULL});
  remove(path);
}
END_TEST

static Suite *npySuite(void) {
  Suite *s = suite_create("npy");
  TCase *tc = tcase_create("npy");
  tcase_add_test(tc, test_reads_int64_matrix);
  tcase_add_test(tc, test_reads_other_dtypes_and_ranks);
  tcase_add_test(tc, test_rejects_bad_files_with_offsets);
  tcase_add_test(tc, test_writer_round_trip);
  suite_add_tcase(s, tc);
  TCase *pc = tcase_create("policy");
  tcase_add_test(pc, test_policy_npy);
  tcase_add_test(pc, test_policy_errors);
  tcase_add_test(pc, test_policy_json_named);
  suite_add_tcase(s, pc);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(npySuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
