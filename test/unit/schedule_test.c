/*===-- schedule_test.c - Check suite for the schedule engine --------------===*
 *
 * Small programs whose schedules are derived by hand in the comments
 * (docs/schedule.md): the list scheduler's start times and crossbars, the
 * report's latency and three bounds, row-level pipelining between two
 * layers, and one program per verifier rule that breaks exactly that rule.
 *
 * Target of all programs: 4x4 crossbars, 2 crossbars, t_write = 1000 ps,
 * t_mvm = 10 ps, all other costs 0 (so only writes and MVM rows take time).
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Isa.h"
#include "cim-c/Schedule.h"

static char message[4096];

static void capture(MlirStringRef s, void *userData) {
  (void)userData;
  snprintf(message, sizeof message, "%.*s", (int)s.length, s.data);
}

#define TARGET(ports, tdig)                                                   \
  ".version 1\n.target rows=4 cols=4 cell_bits=4 dac_bits=1 adc_bits=0 "       \
  "weight_mapping=differential-column input_encoding=unsigned crossbars=2 "    \
  "ou_rows=4 write_ports=" ports " t_write_ps=1000 t_mvm_ps=10 t_adc_ps=0 "    \
  "t_digital_ps=" tdig " t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 "    \
  "e_digital_fj=0 e_buffer_fj=0\n"

static CimProgram *parse(const char *text) {
  CimProgram *p = NULL;
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsSuccess(cimProgramParseAsm(
                    mlirStringRefCreateFromCString(text),
                    mlirStringRefCreateFromCString("t.s"), &p, capture, NULL)),
                "%s", message);
  return p;
}

/* ---- Program A: one tile and a copy of it, one mvm of 4 rows. ----------- */

/// Unscheduled: the scheduler's input.
static const char *const progA =
    TARGET("1", "0")
    ".input x i8[4x2]\n.output y i32[4x4]\n"
    ".data d0 i8 8\n  1 2 3 4 5 6 7 8\n"
    ".buffer b0 i8[4x2]\n.buffer b1 i8[2x4] = d0\n.buffer b2 i32[4x4]\n"
    ".code\n"
    "  load b0, @x\n"
    "  write b1 crossbar=0 row=0 col=0 layer=0\n"
    "  write b1 crossbar=1 row=0 col=0 layer=0\n"
    "  mvm b2, b0 crossbar=0 tile_row=0 tile_col=0 tile_rows=2 tile_cols=4 "
    "k_offset=0 row_offset=0 rows=2 differential_rows=false layer=0\n"
    "  store @y, b2\n  halt\n";

/// Scheduled by hand; `%s` are the blocks d1 (write 0 start), d2 (its
/// crossbar), d3, d4 (copy), d5 (mvm starts), d6 (mvm crossbars).
static char *scheduledA(const char *w0, const char *w1, const char *starts,
                        const char *xbars) {
  static char buf[4096];
  snprintf(buf, sizeof buf,
           TARGET("1", "0")
           ".input x i8[4x2]\n.output y i32[4x4]\n"
           ".data d0 i8 8\n  1 2 3 4 5 6 7 8\n"
           ".data d1 i32 1\n  %s\n.data d2 i8 1\n  0\n"
           ".data d3 i32 1\n  %s\n.data d4 i8 1\n  1\n"
           ".data d5 i32 4\n  %s\n.data d6 i8 4\n  %s\n"
           ".buffer b0 i8[4x2]\n.buffer b1 i8[2x4] = d0\n"
           ".buffer b2 i32[4x4]\n"
           ".code\n"
           "  load b0, @x\n"
           "  sched chunk_rows=1 start=d1 crossbar=d2\n"
           "  write b1 crossbar=0 row=0 col=0 layer=0\n"
           "  sched chunk_rows=1 start=d3 crossbar=d4\n"
           "  write b1 crossbar=1 row=0 col=0 layer=0\n"
           "  sched chunk_rows=1 start=d5 crossbar=d6\n"
           "  mvm b2, b0 crossbar=0 tile_row=0 tile_col=0 tile_rows=2 "
           "tile_cols=4 k_offset=0 row_offset=0 rows=2 "
           "differential_rows=false layer=0\n"
           "  store @y, b2\n  halt\n",
           w0, w1, starts, xbars);
  return buf;
}

START_TEST(test_compute_copy) {
  /* The writes share one port: write 0 on crossbar 0 at [0, 1000), the
   * copy on crossbar 1 at [1000, 2000). Two copies, 2 chunks per copy:
   * chunk_rows = ceil(4 / 4) = 1. Each chunk takes the copy that can start
   * it first: crossbar 0 is free at 1000, 1010, 1020, 1030, always before
   * crossbar 1 (2000), so all four run there. */
  CimProgram *p = parse(progA);
  int64_t tiles[8] = {-1, 0, 0, 0, -1, -1};
  CimScheduleRequest req = {tiles, 1, 2};
  CimSchedule *s = NULL;
  ck_assert_msg(mlirLogicalResultIsSuccess(
                    cimScheduleCompute(p, &req, &s, capture, NULL)),
                "%s", message);
  ck_assert_int_eq(s->instrs[1].numChunks, 1);
  ck_assert_int_eq(s->instrs[1].start[0], 0);
  ck_assert_int_eq(s->instrs[1].crossbar[0], 0);
  ck_assert_int_eq(s->instrs[2].start[0], 1000);
  ck_assert_int_eq(s->instrs[2].crossbar[0], 1);
  ck_assert_int_eq(s->instrs[3].chunkRows, 1);
  ck_assert_int_eq(s->instrs[3].numChunks, 4);
  for (int c = 0; c < 4; ++c) {
    ck_assert_int_eq(s->instrs[3].start[c], 1000 + 10 * c);
    ck_assert_int_eq(s->instrs[3].crossbar[c], 0);
  }
  cimScheduleDestroy(s);
  cimProgramDestroy(p);
}
END_TEST

START_TEST(test_report_bounds) {
  /* Chunks alternate between the copies: crossbar 0 at 1000 and 1010,
   * crossbar 1 at 2000 and 2010; the last ends at 2020 = the latency.
   * Sequential: 2 writes + 4 rows = 2000 + 40 = 2040. Work without the
   * copy: 1000 + 40 = 1040 over 2 crossbars = 520. Write ports: one write
   * that is no copy, 1000 / 1 = 1000. Critical path: the write ends at
   * 1000, every row (own copy) 10 later: 1010. Write fill: with one
   * port the second write ends at 2000 at the earliest, so by T the
   * crossbars give (T - 1000) + max(0, T - 2000) of the 40 ps of rows:
   * T >= 1040. Bound 1040, ratio 2020 / 1040. */
  CimProgram *p =
      parse(scheduledA("0", "1000", "1000 2000 1010 2010", "0 1 0 1"));
  CimScheduleReport *r = NULL;
  ck_assert_msg(mlirLogicalResultIsSuccess(
                    cimScheduleAnalyze(p, &r, capture, NULL)),
                "%s", message);
  ck_assert(r->scheduled);
  ck_assert_int_eq(r->latencyPs, 2020);
  ck_assert_int_eq(r->sequentialPs, 2040);
  ck_assert_int_eq(r->workBoundPs, 520);
  ck_assert_int_eq(r->writeBoundPs, 1000);
  ck_assert_int_eq(r->criticalPathPs, 1010);
  ck_assert_int_eq(r->writeFillBoundPs, 1040);
  ck_assert_int_eq(r->boundPs, 1040);
  ck_assert_int_eq(r->binding, CIM_SCHEDULE_BOUND_WRITE_FILL);
  ck_assert_int_eq(r->writes, 2);
  ck_assert_int_eq(r->copies, 1);
  /* Busy: crossbar 0 = 1000 + 2 x 10, crossbar 1 = 1000 + 2 x 10. */
  ck_assert_int_eq(r->crossbarBusyPs[0], 1020);
  ck_assert_int_eq(r->crossbarBusyPs[1], 1020);
  ck_assert_int_eq(r->numLayers, 1);
  ck_assert_int_eq(r->layers[0].startPs, 0);
  ck_assert_int_eq(r->layers[0].endPs, 2020);
  cimScheduleReportDestroy(r);
  cimProgramDestroy(p);
}
END_TEST

START_TEST(test_unscheduled_is_sequential) {
  CimProgram *p = parse(progA);
  CimScheduleReport *r = NULL;
  ck_assert(mlirLogicalResultIsSuccess(cimScheduleAnalyze(p, &r, capture, NULL)));
  ck_assert(!r->scheduled);
  ck_assert_int_eq(r->latencyPs, 2040);
  ck_assert_int_eq(r->sequentialPs, 2040);
  cimScheduleReportDestroy(r);
  cimProgramDestroy(p);
}
END_TEST

static void expectRejected(const char *text, const char *want) {
  CimProgram *p = parse(text);
  CimScheduleReport *r = NULL;
  message[0] = '\0';
  ck_assert(mlirLogicalResultIsFailure(cimScheduleAnalyze(p, &r, capture, NULL)));
  ck_assert_ptr_null(r);
  ck_assert_msg(strstr(message, want), "got '%s', want '%s'", message, want);
  cimProgramDestroy(p);
}

START_TEST(test_verifier_rules) {
  /* Rule 2: a chunk before the write of its tile ends (1000). */
  expectRejected(scheduledA("0", "1000", "999 2000 1010 2010", "0 1 0 1"),
                 "instruction 6 (mvm): chunk 0 starts at 999 ps on crossbar "
                 "0, before the write of its tile (instruction 2) ends at "
                 "1000 ps");
  /* Rule 3: chunks 0 and 2 overlap on crossbar 0. */
  expectRejected(scheduledA("0", "1000", "1000 2000 1005 2010", "0 1 0 1"),
                 "uses crossbar 0 from 1005 ps while instruction 6 uses it "
                 "until 1010 ps");
  /* Rule 4: the copy starts at 500 while write 0 holds the only port. */
  expectRejected(scheduledA("0", "500", "1000 2000 1010 2010", "0 1 0 1"),
                 "instruction 4 (write): starts a write at 500 ps while 1 "
                 "others are in progress; the target has 1 write ports");
}
END_TEST

/* ---- Program C: two layers, row-level pipelining. ----------------------- */

/// Layer 0: tile A (2x4) on crossbar 0, 4 rows; layer 1: tile B (2x4) on
/// crossbar 1 reads columns 0..1 of layer 0's sums (a slice), so its row r
/// waits for layer 0's chunk r only. Two write ports.
static char *programC(bool scheduled, const char *w1, const char *s0,
                      const char *s1) {
  static char buf[4096];
  snprintf(buf, sizeof buf,
           TARGET("2", "0")
           ".input x i8[4x2]\n.output y i32[4x4]\n"
           ".data d0 i8 8\n  1 0 1 0 0 1 0 1\n"
           ".data d1 i8 2\n  0 0\n"
           ".data d2 i32 1\n  0\n.data d3 i8 1\n  0\n"
           ".data d4 i32 1\n  %s\n.data d5 i8 1\n  1\n"
           ".data d6 i32 4\n  %s\n.data d7 i8 4\n  0 0 0 0\n"
           ".data d8 i32 4\n  %s\n.data d9 i8 4\n  1 1 1 1\n"
           ".buffer b0 i8[4x2]\n.buffer b1 i8[2x4] = d0\n"
           ".buffer b2 i32[4x4]\n.buffer b3 i32[4x2]\n.buffer b4 i32[4x4]\n"
           ".code\n"
           "  load b0, @x\n"
           "%s  write b1 crossbar=0 row=0 col=0 layer=0\n"
           "%s  write b1 crossbar=1 row=0 col=0 layer=1\n"
           "%s  mvm b2, b0 crossbar=0 tile_row=0 tile_col=0 tile_rows=2 "
           "tile_cols=4 k_offset=0 row_offset=0 rows=2 "
           "differential_rows=false layer=0\n"
           "  slice b3, b2 offsets=d1\n"
           "%s  mvm b4, b3 crossbar=1 tile_row=0 tile_col=0 tile_rows=2 "
           "tile_cols=4 k_offset=0 row_offset=0 rows=2 "
           "differential_rows=false layer=1\n"
           "  store @y, b4\n  halt\n",
           w1, s0, s1,
           scheduled ? "  sched chunk_rows=1 start=d2 crossbar=d3\n" : "",
           scheduled ? "  sched chunk_rows=1 start=d4 crossbar=d5\n" : "",
           scheduled ? "  sched chunk_rows=1 start=d6 crossbar=d7\n" : "",
           scheduled ? "  sched chunk_rows=1 start=d8 crossbar=d9\n" : "");
  return buf;
}

START_TEST(test_pipelining) {
  /* Compute: both writes at [0, 1000) (two ports, two crossbars). Layer 0's
   * chunks (1 row each: chunks = 4 per copy) at 1000, 1010, 1020, 1030 on
   * crossbar 0, ending at 1010 + 10r. Layer 1's row r is ready then, and
   * crossbar 1 is free, so its chunks start at 1010, 1020, 1030, 1040:
   * layer 1 starts before layer 0 has finished (1040). Latency 1050. */
  CimProgram *p = parse(programC(false, "0", "0 0 0 0", "0 0 0 0"));
  CimScheduleRequest req = {NULL, 0, 4};
  CimSchedule *s = NULL;
  ck_assert_msg(mlirLogicalResultIsSuccess(
                    cimScheduleCompute(p, &req, &s, capture, NULL)),
                "%s", message);
  ck_assert_int_eq(s->instrs[2].start[0], 0);
  ck_assert_int_eq(s->instrs[2].crossbar[0], 1);
  for (int c = 0; c < 4; ++c) {
    ck_assert_int_eq(s->instrs[3].start[c], 1000 + 10 * c);
    ck_assert_int_eq(s->instrs[3].crossbar[c], 0);
    ck_assert_int_eq(s->instrs[5].start[c], 1010 + 10 * c);
    ck_assert_int_eq(s->instrs[5].crossbar[c], 1);
  }
  cimScheduleDestroy(s);
  cimProgramDestroy(p);

  /* The same schedule by hand passes the verifier. Sequential: 2000 + 80.
   * Work 2080 / 2 = 1040; ports 2000 / 2 = 1000; critical path: rows of
   * layer 0 end at 1010, of layer 1 at 1020. Bound 1040. */
  p = parse(programC(true, "0", "1000 1010 1020 1030", "1010 1020 1030 1040"));
  CimScheduleReport *r = NULL;
  ck_assert_msg(mlirLogicalResultIsSuccess(
                    cimScheduleAnalyze(p, &r, capture, NULL)),
                "%s", message);
  ck_assert_int_eq(r->latencyPs, 1050);
  ck_assert_int_eq(r->sequentialPs, 2080);
  ck_assert_int_eq(r->workBoundPs, 1040);
  ck_assert_int_eq(r->writeBoundPs, 1000);
  ck_assert_int_eq(r->criticalPathPs, 1020);
  ck_assert_int_eq(r->boundPs, 1040);
  cimScheduleReportDestroy(r);
  cimProgramDestroy(p);

  /* Rule 1: layer 1's chunk 1 at 1015, before layer 0's row 1 (1020). */
  expectRejected(programC(true, "0", "1000 1010 1020 1030",
                          "1010 1015 1030 1040"),
                 "instruction 9 (mvm): chunk 1 (rows [1, 2)) starts at 1015 "
                 "ps, before its digits are ready at 1020 ps");
}
END_TEST

START_TEST(test_reprogram_while_read) {
  /* Rule 5: the second write re-programs crossbar 0 at [1040, 2040) (no
   * overlap in time with anything on it) but layer 0's last chunk, which
   * precedes that write in program order and so reads the first tile,
   * runs at 3000 on crossbar 0. The second write is then on crossbar 0, so
   * layer 1 runs there too, after it. */
  const char *text =
      TARGET("2", "0")
      ".input x i8[4x2]\n.output y i32[4x4]\n"
      ".data d0 i8 8\n  1 0 1 0 0 1 0 1\n"
      ".data d1 i32 1\n  0\n.data d2 i8 1\n  0\n"
      ".data d3 i32 1\n  1040\n"
      ".data d4 i32 4\n  1000 1010 1020 3000\n.data d5 i8 4\n  0 0 0 0\n"
      ".data d6 i32 4\n  4000 4010 4020 4030\n"
      ".buffer b0 i8[4x2]\n.buffer b1 i8[2x4] = d0\n"
      ".buffer b2 i32[4x4]\n.buffer b3 i32[4x4]\n"
      ".code\n"
      "  load b0, @x\n"
      "  sched chunk_rows=1 start=d1 crossbar=d2\n"
      "  write b1 crossbar=0 row=0 col=0 layer=0\n"
      "  sched chunk_rows=1 start=d4 crossbar=d5\n"
      "  mvm b2, b0 crossbar=0 tile_row=0 tile_col=0 tile_rows=2 "
      "tile_cols=4 k_offset=0 row_offset=0 rows=2 differential_rows=false "
      "layer=0\n"
      "  sched chunk_rows=1 start=d3 crossbar=d2\n"
      "  write b1 crossbar=0 row=0 col=0 layer=1\n"
      "  sched chunk_rows=1 start=d6 crossbar=d5\n"
      "  mvm b3, b0 crossbar=0 tile_row=0 tile_col=0 tile_rows=2 "
      "tile_cols=4 k_offset=0 row_offset=0 rows=2 differential_rows=false "
      "layer=1\n"
      "  store @y, b3\n  halt\n";
  expectRejected(text, "instruction 6 (write): re-programs crossbar 0 at "
                       "1040 ps while the tile of instruction 2 is read "
                       "there until 3010 ps");
}
END_TEST


/* A cost that does not fit in 64 bits is an error before any scheduling:
 * 100 x 100 clamped elements are 10^4 digital ops, at the slowest valid
 * digital op (10^15 ps) 10^19 ps > INT64_MAX. Never a wrapped time. */
START_TEST(test_cost_overflow_is_an_error) {
  CimProgram *p = parse(TARGET("1", "1000000000000000")
                        ".input x i8[100x100]\n.output y i8[100x100]\n"
                        ".buffer b0 i8[100x100]\n.buffer b1 i8[100x100]\n"
                        ".code\n  load b0, @x\n  clamp b1, b0 min=-3 max=7\n"
                        "  store @y, b1\n  halt\n");
  const char *expected = "the program's sequential cost: the latency of the "
                         "digital ops, 10000 x 1000000000000000 ps, exceeds "
                         "the 64-bit picosecond counter";
  CimScheduleReport *r = NULL;
  ck_assert(mlirLogicalResultIsFailure(cimScheduleAnalyze(p, &r, capture, NULL)));
  ck_assert_ptr_null(r);
  ck_assert_str_eq(message, expected);
  CimScheduleRequest req = {NULL, 0, 1};
  CimSchedule *s = NULL;
  message[0] = '\0';
  ck_assert(mlirLogicalResultIsFailure(cimScheduleCompute(p, &req, &s, capture, NULL)));
  ck_assert_ptr_null(s);
  ck_assert_str_eq(message, expected);
  /* One tenth of the time per op fits: 10^4 x 10^14 = 10^18 ps. */
  p->target.digitalPs = INT64_C(100000000000000);
  ck_assert(mlirLogicalResultIsSuccess(cimScheduleAnalyze(p, &r, capture, NULL)));
  ck_assert_int_eq(r->sequentialPs, INT64_C(1000000000000000000));
  cimScheduleReportDestroy(r);
  cimProgramDestroy(p);
}
END_TEST

static Suite *scheduleSuite(void) {
  Suite *s = suite_create("schedule");
  TCase *tc = tcase_create("engine");
  tcase_add_test(tc, test_compute_copy);
  tcase_add_test(tc, test_report_bounds);
  tcase_add_test(tc, test_unscheduled_is_sequential);
  tcase_add_test(tc, test_verifier_rules);
  tcase_add_test(tc, test_pipelining);
  tcase_add_test(tc, test_reprogram_while_read);
  tcase_add_test(tc, test_cost_overflow_is_an_error);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(scheduleSuite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
