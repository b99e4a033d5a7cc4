/*===-- schedule_copies_test.c - Latency of tile copies issued by the engine ===*
 *
 * cimScheduleLatencyWithCopies (lib/schedule/ScheduleCopies.h), the entry
 * cim-duplicate uses to schedule its candidates without rewriting the IR:
 * a program with one write issued twice must get the latency of the same
 * program with the copy as an instruction, derived by hand below; a cutoff
 * stops the walk without ever reporting less than the cutoff. The engine
 * is internal (hidden in libcimlir), so its sources are compiled in.
 *
 * Target: 4x4 crossbars, 2 crossbars, one write port, t_write = 1000 ps,
 * t_mvm = 10 ps, all other costs 0 (as schedule_test.c).
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Isa.h"
#include "cim-c/Schedule.h"

#include "isa/isa_kernels.c"
#include "schedule/bounds.c"
#include "schedule/engine.c"
#include "schedule/placement.c"
#include "schedule/ready_times.c"
#include "support/strbuf.c"

static char message[4096];

static void capture(MlirStringRef s, void *userData) {
  (void)userData;
  snprintf(message, sizeof message, "%.*s", (int)s.length, s.data);
}

#define TARGET                                                                \
  ".version 1\n.target rows=4 cols=4 cell_bits=4 dac_bits=1 adc_bits=0 "       \
  "weight_mapping=differential-column input_encoding=unsigned crossbars=2 "    \
  "ou_rows=4 write_ports=1 t_write_ps=1000 t_mvm_ps=10 t_adc_ps=0 "            \
  "t_digital_ps=0 t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 "           \
  "e_digital_fj=0 e_buffer_fj=0\n"

/// One tile written once (instruction 1), one mvm of 4 rows reading it.
static const char *const progOne =
    TARGET ".input x i8[4x2]\n.output y i32[4x4]\n"
           ".data d0 i8 8\n  1 2 3 4 5 6 7 8\n"
           ".buffer b0 i8[4x2]\n.buffer b1 i8[2x4] = d0\n.buffer b2 i32[4x4]\n"
           ".code\n"
           "  load b0, @x\n"
           "  write b1 crossbar=0 row=0 col=0 layer=0\n"
           "  mvm b2, b0 crossbar=0 tile_row=0 tile_col=0 tile_rows=2 "
           "tile_cols=4 k_offset=0 row_offset=0 rows=2 "
           "differential_rows=false layer=0\n"
           "  store @y, b2\n  halt\n";

static CimProgram *parse(const char *text) {
  CimProgram *p = NULL;
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsSuccess(cimProgramParseAsm(
                    mlirStringRefCreateFromCString(text),
                    mlirStringRefCreateFromCString("t.s"), &p, capture, NULL)),
                "%s", message);
  return p;
}

START_TEST(test_copy_latency) {
  /* Write 1 issued twice on the one port: [0, 1000) on crossbar 0, the
   * copy [1000, 2000) on crossbar 1. Two copies, 2 chunks per copy:
   * chunk_rows = ceil(4 / 4) = 1; crossbar 0 (free at 1000, 1010, ...) is
   * always earlier than crossbar 1 (2000), so rows end at 1010 ... 1040.
   * Latency: the copy's end, 2000. Without the copy: 1000 + 4 x 10. */
  CimProgram *p = parse(progOne);
  int64_t tiles[5] = {-1, 0, 0, -1, -1};
  int64_t copies[5] = {1, 2, 1, 1, 1};
  int64_t once[5] = {1, 1, 1, 1, 1};
  CimScheduleRequest req = {tiles, 1, 2};
  int64_t ps = 0;
  ck_assert(cimScheduleLatencyWithCopies(p, &req, copies, 0, &ps));
  ck_assert_int_eq(ps, 2000);
  ck_assert(cimScheduleLatencyWithCopies(p, &req, once, 0, &ps));
  ck_assert_int_eq(ps, 1040);
  /* The public entry on the program without copies agrees. */
  CimSchedule *s = NULL;
  ck_assert(mlirLogicalResultIsSuccess(
      cimScheduleCompute(p, &req, &s, capture, NULL)));
  ck_assert_int_eq(s->latencyPs, 1040);
  cimScheduleDestroy(s);
  cimProgramDestroy(p);
}
END_TEST

START_TEST(test_cutoff) {
  /* A cutoff above the latency changes nothing; at or below it the
   * answer is some value >= the cutoff (the two writes alone hold the
   * port for 2000 ps, so a cutoff of 2000 is reached before any walk). */
  CimProgram *p = parse(progOne);
  int64_t tiles[5] = {-1, 0, 0, -1, -1};
  int64_t copies[5] = {1, 2, 1, 1, 1};
  CimScheduleRequest req = {tiles, 1, 2};
  int64_t ps = 0;
  ck_assert(cimScheduleLatencyWithCopies(p, &req, copies, 2001, &ps));
  ck_assert_int_eq(ps, 2000);
  ck_assert(cimScheduleLatencyWithCopies(p, &req, copies, 2000, &ps));
  ck_assert_int_ge(ps, 2000);
  ck_assert(cimScheduleLatencyWithCopies(p, &req, copies, 1500, &ps));
  ck_assert_int_ge(ps, 1500);
  /* Without the copy the port bound is 1000 < 1030: the walk stops at the
   * first event ending at or after 1030 (the row ending at 1030). */
  int64_t once[5] = {1, 1, 1, 1, 1};
  ck_assert(cimScheduleLatencyWithCopies(p, &req, once, 1030, &ps));
  ck_assert_int_ge(ps, 1030);
  cimProgramDestroy(p);
}
END_TEST

START_TEST(test_too_many_copies) {
  /* Three copies need three crossbars at once; the target has two: no
   * schedule, as cimScheduleCompute fails on such a program. */
  CimProgram *p = parse(progOne);
  int64_t tiles[5] = {-1, 0, 0, -1, -1};
  int64_t copies[5] = {1, 3, 1, 1, 1};
  CimScheduleRequest req = {tiles, 1, 2};
  int64_t ps = 0;
  ck_assert(!cimScheduleLatencyWithCopies(p, &req, copies, 0, &ps));
  ck_assert_int_eq(ps, INT64_MAX);
  cimProgramDestroy(p);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("schedule_copies");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_copy_latency);
  tcase_add_test(tc, test_cutoff);
  tcase_add_test(tc, test_too_many_copies);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
