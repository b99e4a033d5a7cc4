/*===-- schedule_bound_test.c - The schedule bounds against exhaustive search ===*
 *
 * The report's bound (docs/schedule.md, "Bounds") claims to hold for every
 * schedule of a program. These tests enumerate every schedule of tiny
 * programs: for each write and mvm every chunk size, and for every chunk
 * every crossbar and every start time on the grid of the programs' time
 * quantum (all durations are multiples of q = 10 ps, so some optimal
 * schedule starts every event at a multiple of q: shifting an event left
 * to the latest end before it keeps a valid schedule valid), up to a limit.
 * Each candidate is written as `sched` instructions and handed to the
 * schedule verifier (cimScheduleAnalyze), the judge of what is a valid
 * schedule; digital instructions run as soon as their data and the in-order
 * digital unit allow, as the machine runs them. The best accepted latency
 * is the optimum; the tests check bound <= optimum for every program and
 * bound == optimum where the optimum is derived by hand.
 *
 * Target: 2x2 crossbars, t_write = 20 ps, t_mvm = 10 ps per row, a clamp of
 * two elements 2 x 20 = 40 ps on the digital unit, every other cost 0.
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

static void ignore(MlirStringRef s, void *userData) {
  (void)s;
  (void)userData;
}

enum { Q = 10, MAX_EVENTS = 6, MAX_CHUNKS = 4 };

/// A tiny program: target fields, declarations, and its code with one `%s`
/// before every write and mvm (where its `sched` goes) and, for writes, a
/// `%d` for its crossbar field (an mvm's: its first chunk's).
typedef struct Prog {
  int crossbars, ports;
  const char *decls; ///< .input/.output/.data d0/.buffer lines
  const char *code;  ///< per write and mvm: %s (its sched), %d (crossbar)
  int numEvents;
  int isWrite[MAX_EVENTS];
  int rows[MAX_EVENTS];    ///< M (1 for a write)
  int64_t perRow[MAX_EVENTS]; ///< ps per row (a write: t_write)
  int seqXbar[MAX_EVENTS];    ///< crossbar fields of the unscheduled program
  int tileOf[MAX_EVENTS];     ///< the event that writes its tile (a write: k)
  int cells[MAX_EVENTS];      ///< a write's cells buffer (same: a copy)
} Prog;

typedef struct Choice {
  int chunkRows, numChunks;
  int xbar[MAX_CHUNKS];
  int64_t start[MAX_CHUNKS];
} Choice;

static char *render(const Prog *g, const Choice *ch) {
  static char buf[8192];
  char data[2048] = "", sched[MAX_EVENTS][128], code[4096];
  size_t n = 0;
  /* Data blocks are numbered in order after the declarations' own and
   * precede the buffers. */
  int base = 0;
  for (const char *d = strstr(g->decls, ".data "); d;
       d = strstr(d + 1, ".data "))
    ++base;
  const char *buffers = strstr(g->decls, ".buffer");
  for (int k = 0; k < g->numEvents; ++k) {
    n += (size_t)snprintf(data + n, sizeof data - n, ".data d%d i32 %d\n ",
                          base + 2 * k, ch[k].numChunks);
    for (int c = 0; c < ch[k].numChunks; ++c)
      n += (size_t)snprintf(data + n, sizeof data - n, " %lld",
                            (long long)ch[k].start[c]);
    n += (size_t)snprintf(data + n, sizeof data - n, "\n.data d%d i8 %d\n ",
                          base + 2 * k + 1, ch[k].numChunks);
    for (int c = 0; c < ch[k].numChunks; ++c)
      n += (size_t)snprintf(data + n, sizeof data - n, " %d", ch[k].xbar[c]);
    n += (size_t)snprintf(data + n, sizeof data - n, "\n");
    snprintf(sched[k], sizeof sched[k],
             "  sched chunk_rows=%d start=d%d crossbar=d%d\n",
             ch[k].chunkRows, base + 2 * k, base + 2 * k + 1);
  }
  /* The code has the events' %s (and %d for writes) in order. */
  const char *f = g->code;
  size_t o = 0;
  int k = 0;
  while (*f) {
    if (f[0] == '%' && f[1] == 's') {
      o += (size_t)snprintf(code + o, sizeof code - o, "%s", sched[k]);
      f += 2;
    } else if (f[0] == '%' && f[1] == 'd') {
      /* A write's own crossbar; an mvm's: that of the write of its tile
       * (the program reads that tile; chunks may run on its copies). */
      o += (size_t)snprintf(code + o, sizeof code - o, "%d",
                            ch[g->tileOf[k]].xbar[0]);
      ++k;
      f += 2;
    } else {
      code[o++] = *f++;
    }
    code[o] = '\0';
  }
  snprintf(buf, sizeof buf,
           ".version 1\n.target rows=2 cols=2 cell_bits=4 dac_bits=1 "
           "adc_bits=0 weight_mapping=differential-column "
           "input_encoding=unsigned crossbars=%d ou_rows=2 write_ports=%d "
           "t_write_ps=20 t_mvm_ps=10 t_adc_ps=0 t_digital_ps=20 "
           "t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 "
           "e_buffer_fj=0\n%.*s%s%s.code\n%s",
           g->crossbars, g->ports, (int)(buffers - g->decls), g->decls, data,
           buffers, code);
  return buf;
}

typedef struct Search {
  const Prog *g;
  Choice ch[MAX_EVENTS];
  int64_t limit, best, candidates, valid;
  int64_t minBound; ///< smallest bound any accepted schedule reported
} Search;

static void evaluate(Search *s) {
  ++s->candidates;
  CimProgram *p = NULL;
  if (mlirLogicalResultIsFailure(cimProgramParseAsm(
          mlirStringRefCreateFromCString(render(s->g, s->ch)),
          mlirStringRefCreateFromCString("t.s"), &p,
          getenv("CIM_DEBUG_SEARCH") ? capture : ignore, NULL))) {
    if (getenv("CIM_DEBUG_SEARCH"))
      fprintf(stderr, "%s\n%s\n", message, render(s->g, s->ch));
    return;
  } /* structurally invalid (e.g. a chunk where its tile is not) */
  CimScheduleReport *r = NULL;
  if (mlirLogicalResultIsSuccess(cimScheduleAnalyze(p, &r, ignore, NULL))) {
    ++s->valid;
    /* Every valid schedule is at least its own report's bound. */
    ck_assert_msg(r->latencyPs >= r->boundPs,
                  "schedule with latency %lld below its bound %lld:\n%s",
                  (long long)r->latencyPs, (long long)r->boundPs,
                  render(s->g, s->ch));
    if (r->latencyPs < s->best)
      s->best = r->latencyPs;
    if (r->boundPs < s->minBound)
      s->minBound = r->boundPs;
  }
  cimScheduleReportDestroy(r);
  cimProgramDestroy(p);
}

static void chunk(Search *s, int k, int c);

static void event(Search *s, int k) {
  if (k == s->g->numEvents) {
    evaluate(s);
    return;
  }
  int M = s->g->rows[k];
  for (int cr = 1; cr <= M; ++cr) {
    s->ch[k].chunkRows = cr;
    s->ch[k].numChunks = (M + cr - 1) / cr;
    if (s->ch[k].numChunks > MAX_CHUNKS)
      continue;
    chunk(s, k, 0);
    if (s->g->isWrite[k])
      break;
  }
}

static void chunk(Search *s, int k, int c) {
  Choice *ch = &s->ch[k];
  if (c == ch->numChunks) {
    event(s, k + 1);
    return;
  }
  int M = s->g->rows[k];
  int rows = (c + 1) * ch->chunkRows <= M ? ch->chunkRows
                                          : M - c * ch->chunkRows;
  int64_t dur = rows * s->g->perRow[k];
  /* Crossbars are interchangeable: the first event goes on crossbar 0. */
  int xbars = k == 0 && c == 0 ? 1 : s->g->crossbars;
  for (int x = 0; x < xbars; ++x) {
    /* A chunk runs where a copy of its tile is: the write resident there
     * in program order wrote the same cells. The verifier cannot tell
     * (cim-sim checks the data at run time), so the search keeps to it. */
    if (!s->g->isWrite[k]) {
      int resident = -1;
      for (int j = 0; j < k; ++j)
        if (s->g->isWrite[j] && s->ch[j].xbar[0] == x)
          resident = j;
      if (resident < 0 ||
          s->g->cells[resident] != s->g->cells[s->g->tileOf[k]])
        continue;
    }
    for (int64_t t = 0; t + dur <= s->limit; t += Q) {
      ch->xbar[c] = x;
      ch->start[c] = t;
      chunk(s, k, c + 1);
    }
  }
}

/// The best latency over every schedule whose events all end by `limit`
/// (INT64_MAX when none is valid), and the smallest bound reported.
static Search exhaustive(const Prog *g, int64_t limit) {
  Search s;
  memset(&s, 0, sizeof s);
  s.g = g;
  s.limit = limit;
  s.best = INT64_MAX;
  s.minBound = INT64_MAX;
  event(&s, 0);
  return s;
}

static CimProgram *unscheduled(const Prog *g);

/// The bound of the unscheduled program (the sched instructions left out).
static CimScheduleReport *boundOf(const Prog *g) {
  CimProgram *p = unscheduled(g);
  CimScheduleReport *r = NULL;
  ck_assert_msg(mlirLogicalResultIsSuccess(
                    cimScheduleAnalyze(p, &r, capture, NULL)),
                "%s", message);
  cimProgramDestroy(p);
  return r;
}

/// The program without its sched instructions, writes on seqXbar.
static CimProgram *unscheduled(const Prog *g) {
  /* The schedule-free text: every %s empty, every write on crossbar 0..n
   * in order of appearance (the sequential program's own fields). */
  char code[4096];
  const char *f = g->code;
  size_t o = 0;
  int w = 0;
  while (*f) {
    if (f[0] == '%' && f[1] == 's') {
      f += 2;
    } else if (f[0] == '%' && f[1] == 'd') {
      o += (size_t)snprintf(code + o, sizeof code - o, "%d",
                            g->seqXbar[w++]);
      f += 2;
    } else {
      code[o++] = *f++;
    }
    code[o] = '\0';
  }
  char text[8192];
  snprintf(text, sizeof text,
           ".version 1\n.target rows=2 cols=2 cell_bits=4 dac_bits=1 "
           "adc_bits=0 weight_mapping=differential-column "
           "input_encoding=unsigned crossbars=%d ou_rows=2 write_ports=%d "
           "t_write_ps=20 t_mvm_ps=10 t_adc_ps=0 t_digital_ps=20 "
           "t_buffer_ps=0 e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 "
           "e_buffer_fj=0\n%s.code\n%s",
           g->crossbars, g->ports, g->decls, code);
  CimProgram *p = NULL;
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsSuccess(cimProgramParseAsm(
                    mlirStringRefCreateFromCString(text),
                    mlirStringRefCreateFromCString("t.s"), &p, capture, NULL)),
                "%s\n%s", message, text);
  return p;
}

#define MVM(dst, src, layer)                                                   \
  "  mvm " dst ", " src " crossbar=%d tile_row=0 tile_col=0 tile_rows=2 "     \
  "tile_cols=2 k_offset=0 row_offset=0 rows=2 differential_rows=false "      \
  "layer=" #layer "\n"

/* ---- Digital: two independent layers, each clamped on the one digital
 * unit. Hand derivation: the clamps (40 ps each) cannot overlap; the first
 * can start no earlier than write (20) + its row (10) = 30, so the second
 * ends no earlier than 30 + 40 + 40 = 110. Achieved: layer 0's write at 0
 * on crossbar 0, its row at 20, clamp [30, 70); layer 1's write at 20 on
 * crossbar 1 (one port), row at 40, clamp [70, 110). Optimum 110 = the
 * digital bound; critical path 70, work (40 + 20) / 2 = 30, ports 40. --- */
static const Prog digitalProg = {
    2, 1,
    ".input x i8[1x2]\n.output y i32[1x2]\n.output z i32[1x2]\n"
    ".data d0 i8 4\n  1 0 0 1\n"
    ".buffer b0 i8[1x2]\n.buffer b1 i8[2x2] = d0\n.buffer b2 i32[1x2]\n"
    ".buffer b3 i32[1x2]\n.buffer b4 i32[1x2]\n.buffer b5 i32[1x2]\n",
    "  load b0, @x\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s" MVM("b2", "b0", 0) "  clamp b3, b2 min=-3 max=7\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=1\n"
    "%s" MVM("b4", "b0", 1) "  clamp b5, b4 min=-3 max=7\n"
    "  store @y, b3\n  store @z, b5\n  halt\n",
    4,
    {1, 0, 1, 0},
    {1, 1, 1, 1},
    {20, 10, 20, 10},
    {0, 0, 1, 1},
    {0, 0, 2, 2},
    {1, 0, 1, 0}};

START_TEST(test_digital_bound_is_optimal) {
  CimScheduleReport *r = boundOf(&digitalProg);
  ck_assert_int_eq(r->digitalBoundPs, 110);
  ck_assert_int_eq(r->criticalPathPs, 70);
  ck_assert_int_eq(r->workBoundPs, 30);
  ck_assert_int_eq(r->writeBoundPs, 40);
  ck_assert_int_eq(r->boundPs, 110);
  ck_assert_int_eq(r->binding, CIM_SCHEDULE_BOUND_DIGITAL);
  ck_assert_str_eq(cimScheduleBoundGetName(r->binding), "digital");
  Search s = exhaustive(&digitalProg, 110);
  ck_assert_int_gt(s.valid, 0);
  ck_assert_int_eq(s.best, 110);
  ck_assert_int_ge(s.best, r->boundPs);
  cimScheduleReportDestroy(r);
  /* The list scheduler finds it too: write A on crossbar 0 [0, 20), its
   * row [20, 30), clamp A [30, 70); write B on crossbar 1 (free earliest)
   * after the port [20, 40), its row [40, 50), clamp B [70, 110). Its
   * latencyPs is that makespan. */
  CimProgram *p = unscheduled(&digitalProg);
  CimScheduleRequest req = {NULL, 0, 1};
  CimSchedule *sc = NULL;
  ck_assert_msg(mlirLogicalResultIsSuccess(
                    cimScheduleCompute(p, &req, &sc, capture, NULL)),
                "%s", message);
  ck_assert_int_eq(sc->latencyPs, 110);
  cimScheduleDestroy(sc);
  cimProgramDestroy(p);
}
END_TEST

/* ---- Work: two independent layers, each a write and an mvm of 2 rows,
 * two crossbars and two ports. Hand derivation: 2 x 20 of writes and
 * 4 x 10 of rows on 2 crossbars: (40 + 40) / 2 = 40, achieved by both
 * writes at 0 and each layer's rows at 20, 30 on its own crossbar. ------ */
static const Prog workProg = {
    2, 2,
    ".input x i8[2x2]\n.output y i32[2x2]\n.output z i32[2x2]\n"
    ".data d0 i8 4\n  1 0 0 1\n"
    ".buffer b0 i8[2x2]\n.buffer b1 i8[2x2] = d0\n.buffer b2 i32[2x2]\n"
    ".buffer b3 i32[2x2]\n",
    "  load b0, @x\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s" MVM("b2", "b0", 0)
    "%s  write b1 crossbar=%d row=0 col=0 layer=1\n"
    "%s" MVM("b3", "b0", 1)
    "  store @y, b2\n  store @z, b3\n  halt\n",
    4,
    {1, 0, 1, 0},
    {1, 2, 1, 2},
    {20, 10, 20, 10},
    {0, 0, 1, 1},
    {0, 0, 2, 2},
    {1, 0, 1, 0}};

START_TEST(test_work_bound_is_optimal) {
  CimScheduleReport *r = boundOf(&workProg);
  ck_assert_int_eq(r->workBoundPs, 40);
  ck_assert_int_eq(r->writeBoundPs, 20);
  ck_assert_int_eq(r->criticalPathPs, 30);
  ck_assert_int_eq(r->digitalBoundPs, 0);
  ck_assert_int_eq(r->boundPs, 40);
  ck_assert_int_eq(r->binding, CIM_SCHEDULE_BOUND_WORK);
  Search s = exhaustive(&workProg, 40);
  ck_assert_int_eq(s.best, 40);
  cimScheduleReportDestroy(r);
}
END_TEST

/* ---- Write ports: two layers with different weights, one port, two
 * crossbars, 1-row mvms. Bound: ports 2 x 20 = 40 (work (40 + 20) / 2 =
 * 30, path 30). Optimum by hand: the second write ends at 40 at the
 * earliest and its row takes 10 more: 50 > 40 (the bound does not count
 * the tail after the last write). The search confirms 50. --------------- */
static const Prog portProg = {
    2, 1,
    ".input x i8[1x2]\n.output y i32[1x2]\n.output z i32[1x2]\n"
    ".data d0 i8 4\n  1 0 0 1\n.data d1 i8 4\n  0 1 1 0\n"
    ".buffer b0 i8[1x2]\n.buffer b1 i8[2x2] = d0\n.buffer b2 i32[1x2]\n"
    ".buffer b3 i8[2x2] = d1\n.buffer b4 i32[1x2]\n",
    "  load b0, @x\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s" MVM("b2", "b0", 0)
    "%s  write b3 crossbar=%d row=0 col=0 layer=1\n"
    "%s" MVM("b4", "b0", 1)
    "  store @y, b2\n  store @z, b4\n  halt\n",
    4,
    {1, 0, 1, 0},
    {1, 1, 1, 1},
    {20, 10, 20, 10},
    {0, 0, 1, 1},
    {0, 0, 2, 2},
    {1, 0, 3, 0}};

START_TEST(test_write_port_bound_holds) {
  CimScheduleReport *r = boundOf(&portProg);
  ck_assert_int_eq(r->writeBoundPs, 40);
  ck_assert_int_eq(r->boundPs, 40);
  ck_assert_int_eq(r->binding, CIM_SCHEDULE_BOUND_WRITE_PORTS);
  Search s = exhaustive(&portProg, 50);
  ck_assert_int_eq(s.best, 50);
  ck_assert_int_ge(s.best, r->boundPs);
  ck_assert_int_ge(s.minBound, 40);
  cimScheduleReportDestroy(r);
}
END_TEST

/* ---- Critical path: one layer feeding the next row by row (a slice of
 * its result), then a clamp; different weights per layer. Path by hand:
 * write 20, layer 0's row 10, layer 1's row 10, the clamp of its 2 x 2
 * result 4 x 20 = 80: 120; the digital unit has that one clamp, fed at
 * 40: 120 too (a tie names the first term of CIM_SCHEDULE_BOUNDS that
 * attains it: digital). Work (40 + 40) / 2 = 40, ports 40 / 2 = 20.
 * Optimum by hand: the 2 rows of each layer share its one tile: layer 1's
 * second row waits for layer 0's second row (20 + 10 + 10 = 40) and its
 * first row (40 + 10 = 50), the clamp for both: 50 + 80 = 130 >= 120. -- */
static const Prog pathProg = {
    2, 2,
    ".input x i8[2x2]\n.output y i32[2x2]\n"
    ".data d0 i8 4\n  1 0 0 1\n.data d1 i8 2\n  0 0\n"
    ".data d2 i8 4\n  0 1 1 0\n"
    ".buffer b0 i8[2x2]\n.buffer b1 i8[2x2] = d0\n.buffer b2 i32[2x2]\n"
    ".buffer b3 i32[2x2]\n.buffer b4 i32[2x2]\n.buffer b5 i32[2x2]\n"
    ".buffer b6 i8[2x2] = d2\n",
    "  load b0, @x\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s  write b6 crossbar=%d row=0 col=0 layer=1\n"
    "%s" MVM("b2", "b0", 0) "  slice b3, b2 offsets=d1\n"
    "%s" MVM("b4", "b3", 1) "  clamp b5, b4 min=-3 max=7\n"
    "  store @y, b5\n  halt\n",
    4,
    {1, 1, 0, 0},
    {1, 1, 2, 2},
    {20, 20, 10, 10},
    {0, 1, 0, 1},
    {0, 1, 0, 1},
    {1, 6, 0, 0}};

START_TEST(test_critical_path_bound_holds) {
  CimScheduleReport *r = boundOf(&pathProg);
  ck_assert_int_eq(r->criticalPathPs, 120);
  ck_assert_int_eq(r->digitalBoundPs, 120);
  ck_assert_int_eq(r->workBoundPs, 40);
  ck_assert_int_eq(r->boundPs, 120);
  ck_assert_int_eq(r->binding, CIM_SCHEDULE_BOUND_DIGITAL);
  Search s = exhaustive(&pathProg, 50);
  ck_assert_int_eq(s.best, 130);
  cimScheduleReportDestroy(r);
}
END_TEST

/* ---- Write fill, one port: one tile written twice (a copy), an mvm of 4
 * rows over the copies, two crossbars, one port. A crossbar computes only
 * after its first write ends, and the one port ends the i-th write at
 * 20 i at the earliest, so by T the crossbars give at most
 * (T - 20) + (T - 40) of the 40 ps of rows: T >= 50. Work (40 + 20) / 2 =
 * 30 (the copy is not work), ports 20, path 20 + 10 = 30: without the
 * write-fill term the bound was 30. Optimum by hand: write on crossbar 0
 * [0, 20), the copy on crossbar 1 [20, 40); rows 0-2 on crossbar 0 at
 * 20, 30, 40, row 3 on crossbar 1 at 40: 50. The search confirms 50. --- */
static const Prog fillProg = {
    2, 1,
    ".input x i8[4x2]\n.output y i32[4x2]\n"
    ".data d0 i8 4\n  1 0 0 1\n"
    ".buffer b0 i8[4x2]\n.buffer b1 i8[2x2] = d0\n.buffer b2 i32[4x2]\n",
    "  load b0, @x\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s" MVM("b2", "b0", 0) "  store @y, b2\n  halt\n",
    3,
    {1, 1, 0},
    {1, 1, 4},
    {20, 20, 10},
    {0, 1, 0},
    {0, 1, 0},
    {1, 1, 0}};

START_TEST(test_write_fill_bound_is_optimal) {
  CimScheduleReport *r = boundOf(&fillProg);
  ck_assert_int_eq(r->writeFillBoundPs, 50);
  ck_assert_int_eq(r->workBoundPs, 30);
  ck_assert_int_eq(r->writeBoundPs, 20);
  ck_assert_int_eq(r->criticalPathPs, 30);
  ck_assert_int_eq(r->boundPs, 50);
  ck_assert_int_eq(r->binding, CIM_SCHEDULE_BOUND_WRITE_FILL);
  ck_assert_str_eq(cimScheduleBoundGetName(r->binding), "write_fill");
  Search s = exhaustive(&fillProg, 50);
  ck_assert_int_gt(s.valid, 0);
  ck_assert_int_eq(s.best, 50);
  ck_assert_int_ge(s.minBound, 50);
  cimScheduleReportDestroy(r);
}
END_TEST

/* An OU-style mvm: rows [row_offset, row_offset + 1) of the tile. */
#define MVM_OU(dst, src, off, layer)                                          \
  "  mvm " dst ", " src " crossbar=%d tile_row=0 tile_col=0 tile_rows=2 "     \
  "tile_cols=2 k_offset=0 row_offset=" #off " rows=1 "                        \
  "differential_rows=false layer=" #layer "\n"

/* ---- Write fill with OU groups and two ports: the tile's two row groups
 * are two mvms of 2 rows each (40 ps of rows), the tile and one copy, two
 * crossbars, two ports. Both writes can end at 20, so by T the crossbars
 * give 2 (T - 20): T >= 40. Work (40 + 20) / 2 = 30, ports 20 / 2 = 10,
 * path 30. Optimum by hand: both writes at 0, each crossbar two rows at
 * 20 and 30: 40; the search confirms it. ------------------------------- */
static const Prog ouFillProg = {
    2, 2,
    ".input x i8[2x2]\n.output y i32[2x2]\n.output z i32[2x2]\n"
    ".data d0 i8 4\n  1 0 0 1\n"
    ".buffer b0 i8[2x2]\n.buffer b1 i8[2x2] = d0\n.buffer b2 i32[2x2]\n"
    ".buffer b3 i32[2x2]\n",
    "  load b0, @x\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s" MVM_OU("b2", "b0", 0, 0) "%s" MVM_OU("b3", "b0", 1, 0)
    "  store @y, b2\n  store @z, b3\n  halt\n",
    4,
    {1, 1, 0, 0},
    {1, 1, 2, 2},
    {20, 20, 10, 10},
    {0, 1, 0, 0},
    {0, 1, 0, 0},
    {1, 1, 0, 0}};

START_TEST(test_write_fill_ou_ports_is_optimal) {
  CimScheduleReport *r = boundOf(&ouFillProg);
  ck_assert_int_eq(r->writeFillBoundPs, 40);
  ck_assert_int_eq(r->workBoundPs, 30);
  ck_assert_int_eq(r->writeBoundPs, 10);
  ck_assert_int_eq(r->criticalPathPs, 30);
  ck_assert_int_eq(r->boundPs, 40);
  ck_assert_int_eq(r->binding, CIM_SCHEDULE_BOUND_WRITE_FILL);
  Search s = exhaustive(&ouFillProg, 40);
  ck_assert_int_gt(s.valid, 0);
  ck_assert_int_eq(s.best, 40);
  cimScheduleReportDestroy(r);
}
END_TEST

/* ---- Write fill, three crossbars and two ports: one tile and two copies,
 * an mvm of 3 rows (30 ps). Two writes can end at 20, the third at 40; at
 * T = 35 the first two crossbars give 2 x 15 = 30, at 34 only 28: the
 * bound is 35 (work (30 + 20) / 3 = 17, ports 10, path 30). Rows are 10 ps
 * each and start on the 10 ps grid, so the optimum is 40 (two crossbars
 * from 20 give 2 rows by 30, 4 by 40); the search confirms 40 >= 35. --- */
static const Prog fill3Prog = {
    3, 2,
    ".input x i8[3x2]\n.output y i32[3x2]\n"
    ".data d0 i8 4\n  1 0 0 1\n"
    ".buffer b0 i8[3x2]\n.buffer b1 i8[2x2] = d0\n.buffer b2 i32[3x2]\n",
    "  load b0, @x\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s  write b1 crossbar=%d row=0 col=0 layer=0\n"
    "%s" MVM("b2", "b0", 0) "  store @y, b2\n  halt\n",
    4,
    {1, 1, 1, 0},
    {1, 1, 1, 3},
    {20, 20, 20, 10},
    {0, 1, 2, 0},
    {0, 1, 2, 0},
    {1, 1, 1, 0}};

START_TEST(test_write_fill_three_crossbars_holds) {
  CimScheduleReport *r = boundOf(&fill3Prog);
  ck_assert_int_eq(r->writeFillBoundPs, 35);
  ck_assert_int_eq(r->workBoundPs, 17);
  ck_assert_int_eq(r->boundPs, 35);
  ck_assert_int_eq(r->binding, CIM_SCHEDULE_BOUND_WRITE_FILL);
  Search s = exhaustive(&fill3Prog, 40);
  ck_assert_int_gt(s.valid, 0);
  ck_assert_int_eq(s.best, 40);
  ck_assert_int_ge(s.minBound, 35);
  cimScheduleReportDestroy(r);
}
END_TEST

/* ---- Checked arithmetic: a chunk of 4700 rows at 10^15 ps each (4.7 x
 * 10^18 ps, the program's cost fits in int64) started at 2^62 ps (the
 * latest start a `sched` may give) would end after INT64_MAX; the verifier
 * names the instruction instead of wrapping. --------------------------- */
START_TEST(test_time_overflow_is_an_error) {
  const char *text =
      ".version 1\n.target rows=2 cols=2 cell_bits=4 dac_bits=1 adc_bits=0 "
      "weight_mapping=differential-column input_encoding=unsigned "
      "crossbars=1 ou_rows=2 write_ports=1 t_write_ps=20 "
      "t_mvm_ps=1000000000000000 t_adc_ps=0 t_digital_ps=0 t_buffer_ps=0 "
      "e_write_fj=0 e_mvm_fj=0 e_adc_fj=0 e_digital_fj=0 e_buffer_fj=0\n"
      ".input x i8[4700x2]\n.output y i32[4700x2]\n"
      ".data d0 i8 4\n  1 0 0 1\n"
      ".data d1 i64 1\n  0\n.data d2 i8 1\n  0\n"
      ".data d3 i64 1\n  4611686018427387904\n"
      ".buffer b0 i8[4700x2]\n.buffer b1 i8[2x2] = d0\n"
      ".buffer b2 i32[4700x2]\n"
      ".code\n  load b0, @x\n"
      "  sched chunk_rows=1 start=d1 crossbar=d2\n"
      "  write b1 crossbar=0 row=0 col=0 layer=0\n"
      "  sched chunk_rows=4700 start=d3 crossbar=d2\n"
      "  mvm b2, b0 crossbar=0 tile_row=0 tile_col=0 tile_rows=2 "
      "tile_cols=2 k_offset=0 row_offset=0 rows=2 differential_rows=false "
      "layer=0\n"
      "  store @y, b2\n  halt\n";
  CimProgram *p = NULL;
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsSuccess(cimProgramParseAsm(
                    mlirStringRefCreateFromCString(text),
                    mlirStringRefCreateFromCString("t.s"), &p, capture, NULL)),
                "%s", message);
  CimScheduleReport *r = NULL;
  message[0] = '\0';
  ck_assert(mlirLogicalResultIsFailure(
      cimScheduleAnalyze(p, &r, capture, NULL)));
  ck_assert_ptr_null(r);
  ck_assert_str_eq(message, "instruction 4 (mvm): a time of "
                            "4611686018427387904 + 4700000000000000000 ps "
                            "exceeds the 64-bit picosecond counter");
  cimProgramDestroy(p);
}
END_TEST

static Suite *boundSuite(void) {
  Suite *s = suite_create("schedule_bound");
  TCase *tc = tcase_create("exhaustive");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_digital_bound_is_optimal);
  tcase_add_test(tc, test_work_bound_is_optimal);
  tcase_add_test(tc, test_write_port_bound_holds);
  tcase_add_test(tc, test_critical_path_bound_holds);
  tcase_add_test(tc, test_write_fill_bound_is_optimal);
  tcase_add_test(tc, test_write_fill_ou_ports_is_optimal);
  tcase_add_test(tc, test_write_fill_three_crossbars_holds);
  tcase_add_test(tc, test_time_overflow_is_an_error);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(boundSuite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
