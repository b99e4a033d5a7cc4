/*===-- schedule.c - cim-schedule ------------------------------------------===*
 *
 * Gives every xbar.write and xbar.mvm of an xbar program its crossbar and
 * start time on a multi-crossbar target (docs/schedule.md): the function is
 * encoded as a program (lib/isa), scheduled by the engine of
 * cim-c/Schedule.h, and the result written back as the `crossbar` of each
 * write and the schedule attributes `sched_chunk_rows`, `sched_start_ps`,
 * `sched_crossbar` that cim-translate encodes as `sched` instructions. The
 * program order is left as it is: it already is a valid issue order.
 *===----------------------------------------------------------------------===*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Passes.h"
#include "cim-c/Schedule.h"
#include "cim-c/Target.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ScheduleLatency.h"
#include "schedule/ScheduleCopies.h"
#include "support/FileIO.h"
#include "ir/PassUtils.h"
#include "support/StrBuf.h"
#include "isa/IsaEmit.h"

static bool isFunc(MlirOperation op, void *ud) {
  (void)ud;
  return cimOpIsA(op, "func.func");
}

static void setI64(MlirOperation op, const char *name, int64_t v) {
  MlirContext ctx = mlirOperationGetContext(op);
  mlirOperationSetAttributeByName(
      op, mlirStringRefCreateFromCString(name),
      mlirIntegerAttrGet(mlirIntegerTypeGet(ctx, 64), v));
}

static void setArray(MlirOperation op, const char *name, int64_t n,
                     const int64_t *v) {
  MlirContext ctx = mlirOperationGetContext(op);
  mlirOperationSetAttributeByName(op, mlirStringRefCreateFromCString(name),
                                  mlirDenseI64ArrayGet(ctx, n, v));
}

typedef struct OpIndex {
  const void *op;
  uint32_t instr;
} OpIndex;

static int cmpOpIndex(const void *a, const void *b) {
  const OpIndex *x = a, *y = b;
  return x->op < y->op ? -1 : x->op > y->op ? 1 : 0;
}

/// The write instruction `op` produced, or -1 (`writes` sorted by op).
static int64_t writeInstrOf(const OpIndex *writes, uint32_t n,
                            MlirOperation op) {
  OpIndex key = {op.ptr, 0};
  const OpIndex *f = bsearch(&key, writes, n, sizeof key, cmpOpIndex);
  return f ? (int64_t)f->instr : -1;
}

/// Tiles: the writes an mvm takes as operands are copies of one tile.
/// `*copied` (if not NULL) tells whether an mvm takes more than one.
static int64_t *tilesOf(const CimProgram *p, MlirOperation *ops,
                        int64_t *numTiles, bool *copied) {
  int64_t *tileOf = malloc((p->numInstrs ? p->numInstrs : 1) * sizeof *tileOf);
  if (!tileOf)
    return NULL;
  /* Write instructions by op, for the operand lookups. */
  OpIndex *writes = malloc((p->numInstrs ? p->numInstrs : 1) * sizeof *writes);
  uint32_t nw = 0;
  if (!writes) {
    free(tileOf);
    return NULL;
  }
  for (uint32_t i = 0; i < p->numInstrs; ++i) {
    tileOf[i] = -1;
    if (p->instrs[i].opcode == CIM_ISA_WRITE)
      writes[nw++] = (OpIndex){ops[i].ptr, i};
  }
  qsort(writes, nw, sizeof *writes, cmpOpIndex);
  *numTiles = 0;
  for (uint32_t i = 0; i < p->numInstrs; ++i) {
    if (p->instrs[i].opcode != CIM_ISA_MVM)
      continue;
    MlirOperation mvm = ops[i];
    intptr_t n = mlirOperationGetNumOperands(mvm) - 1;
    if (copied && n != 1)
      *copied = true;
    int64_t g = -1;
    for (intptr_t k = 0; k < n; ++k) {
      MlirValue t = mlirOperationGetOperand(mvm, k);
      int64_t w = writeInstrOf(writes, nw, mlirOpResultGetOwner(t));
      if (w < 0)
        continue;
      if (g < 0)
        g = tileOf[w] >= 0 ? tileOf[w] : (*numTiles)++;
      tileOf[w] = g;
    }
    tileOf[i] = g;
  }
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    if (p->instrs[i].opcode == CIM_ISA_WRITE && tileOf[i] < 0)
      tileOf[i] = (*numTiles)++;
  free(writes);
  return tileOf;
}

/// Engine messages start with "instruction N (...)": the diagnostic goes to
/// that instruction's op when there is one, else to `fallback`.
static MlirLocation locOfMessage(const CimProgram *p, MlirOperation *ops,
                                 const char *msg, MlirLocation fallback) {
  unsigned n;
  if (!p || !ops || sscanf(msg, "instruction %u", &n) != 1 ||
      n >= p->numInstrs || mlirOperationIsNull(ops[n]))
    return fallback;
  return mlirOperationGetLocation(ops[n]);
}

static void collectMessage(MlirStringRef s, void *ud) {
  cimStrBufAppendRef(ud, s);
}

typedef struct ReportOut {
  const CimScheduleReport *rep;
} ReportOut;

static void fileChunk(MlirStringRef s, void *ud) {
  fwrite(s.data, 1, s.length, ud);
}

static bool writeReport(FILE *out, void *data) {
  cimScheduleReportPrintJSON(((ReportOut *)data)->rep, fileChunk, out);
  return !ferror(out);
}

static MlirLogicalResult scheduleFunction(MlirOperation func,
                                          const CimTarget *target,
                                          int64_t chunks, bool verify,
                                          const char *reportPath) {
  MlirLocation loc = mlirOperationGetLocation(func);
  CimProgram *p = NULL;
  MlirOperation *ops = NULL;
  if (mlirLogicalResultIsFailure(
          cimProgramCreateFromFunction(func, target, &p, &ops)))
    return mlirLogicalResultFailure();
  int64_t numTiles = 0;
  int64_t *tileOf = tilesOf(p, ops, &numTiles, NULL);
  CimStrBuf msg = {0};
  CimSchedule *s = NULL;
  bool ok = tileOf != NULL;
  if (ok) {
    CimScheduleRequest req = {tileOf, numTiles, chunks};
    ok = mlirLogicalResultIsSuccess(
        cimScheduleCompute(p, &req, &s, collectMessage, &msg));
    if (!ok)
      cimEmitErrorf(locOfMessage(p, ops, cimStrBufGet(&msg), loc),
                    "cim-schedule: %s", cimStrBufGet(&msg));
  }
  for (uint32_t i = 0; ok && i < p->numInstrs; ++i) {
    const CimInstrSchedule *is = &s->instrs[i];
    if (!is->numChunks)
      continue;
    MlirOperation op = ops[i];
    if (p->instrs[i].opcode == CIM_ISA_WRITE)
      setI64(op, "crossbar", is->crossbar[0]);
    setI64(op, "sched_chunk_rows", is->chunkRows);
    setArray(op, "sched_start_ps", is->numChunks, is->start);
    setArray(op, "sched_crossbar", is->numChunks, is->crossbar);
  }
  cimScheduleDestroy(s);
  free(tileOf);
  free(ops);
  cimProgramDestroy(p);
  p = NULL;
  ops = NULL;
  if (ok && (verify || reportPath[0])) {
    /* The schedule verifier on what cim-translate will encode. */
    CimScheduleReport *rep = NULL;
    ok = mlirLogicalResultIsSuccess(
        cimProgramCreateFromFunction(func, target, &p, &ops));
    cimStrBufClear(&msg);
    if (ok &&
        mlirLogicalResultIsFailure(
            cimScheduleAnalyze(p, &rep, collectMessage, &msg))) {
      cimEmitErrorf(locOfMessage(p, ops, cimStrBufGet(&msg), loc),
                    "cim-schedule: the schedule verifier rejects the "
                         "result (a bug in cim-schedule): %s",
                    cimStrBufGet(&msg));
      ok = false;
    }
    if (ok && reportPath[0]) {
      ReportOut ro = {rep};
      cimStrBufClear(&msg);
      if (mlirLogicalResultIsFailure(cimWriteFileAtomically(
              reportPath, writeReport, &ro, collectMessage, &msg))) {
        cimEmitErrorf(loc, "cim-schedule: %s", cimStrBufGet(&msg));
        ok = false;
      }
    }
    cimScheduleReportDestroy(rep);
    free(ops);
    cimProgramDestroy(p);
  }
  cimStrBufFree(&msg);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

bool cimScheduleModuleLatency(MlirOperation module, const CimTarget *target,
                              int64_t chunks, int64_t *latencyPs) {
  MlirOperation *funcs = NULL;
  intptr_t numFuncs = 0;
  if (!cimCollectOps(module, isFunc, NULL, &funcs, &numFuncs))
    return false;
  bool ok = true;
  int64_t total = 0;
  for (intptr_t f = 0; ok && f < numFuncs; ++f) {
    CimProgram *p = NULL;
    MlirOperation *ops = NULL;
    if (mlirLogicalResultIsFailure(
            cimProgramCreateFromFunction(funcs[f], target, &p, &ops))) {
      ok = false;
      break;
    }
    int64_t numTiles = 0;
    int64_t *tileOf = tilesOf(p, ops, &numTiles, NULL);
    CimSchedule *s = NULL;
    CimScheduleRequest req = {tileOf, numTiles, chunks};
    ok = tileOf && mlirLogicalResultIsSuccess(
                       cimScheduleCompute(p, &req, &s, NULL, NULL)) &&
         !__builtin_add_overflow(total, s->latencyPs, &total);
    cimScheduleDestroy(s);
    free(tileOf);
    free(ops);
    cimProgramDestroy(p);
  }
  free(funcs);
  *latencyPs = total;
  return ok;
}

struct CimLatencyPrograms {
  intptr_t numFuncs;
  CimProgram **programs; ///< per function; NULL: it failed to encode
  int64_t **tileOf;      ///< per function (tilesOf)
  int64_t *numTiles;
  int64_t *copies;       ///< scratch: per instruction of the longest program
};

void cimLatencyProgramsDestroy(CimLatencyPrograms *lp) {
  if (!lp)
    return;
  for (intptr_t f = 0; f < lp->numFuncs; ++f) {
    if (lp->programs)
      cimProgramDestroy(lp->programs[f]);
    if (lp->tileOf)
      free(lp->tileOf[f]);
  }
  free(lp->programs);
  free(lp->tileOf);
  free(lp->numTiles);
  free(lp->copies);
  free(lp);
}

CimLatencyPrograms *cimLatencyProgramsCreate(MlirOperation module,
                                             const CimTarget *target) {
  MlirOperation *funcs = NULL;
  intptr_t numFuncs = 0;
  if (!cimCollectOps(module, isFunc, NULL, &funcs, &numFuncs))
    return NULL;
  CimLatencyPrograms *lp = calloc(1, sizeof *lp);
  size_t nf = (size_t)(numFuncs ? numFuncs : 1);
  bool ok = lp && (lp->programs = calloc(nf, sizeof *lp->programs)) &&
            (lp->tileOf = calloc(nf, sizeof *lp->tileOf)) &&
            (lp->numTiles = calloc(nf, sizeof *lp->numTiles));
  if (lp)
    lp->numFuncs = numFuncs;
  uint32_t longest = 1;
  bool copied = false;
  for (intptr_t f = 0; ok && f < numFuncs; ++f) {
    MlirOperation *ops = NULL;
    CimProgram *p = NULL;
    if (mlirLogicalResultIsFailure(
            cimProgramCreateFromFunction(funcs[f], target, &p, &ops))) {
      /* Every candidate fails here alike: no latency (INT64_MAX). */
      free(ops);
      break;
    }
    lp->programs[f] = p;
    lp->tileOf[f] = tilesOf(p, ops, &lp->numTiles[f], &copied);
    ok = lp->tileOf[f] != NULL && !copied;
    if (p->numInstrs > longest)
      longest = p->numInstrs;
    free(ops);
  }
  ok = ok && (lp->copies = malloc(longest * sizeof *lp->copies));
  free(funcs);
  if (!ok) {
    cimLatencyProgramsDestroy(lp);
    return NULL;
  }
  return lp;
}

bool cimLatencyProgramsGet(CimLatencyPrograms *lp, int64_t chunks,
                           int64_t numLayers, const int64_t *layers,
                           const int64_t *factors, int64_t cutoffPs,
                           int64_t *latencyPs) {
  int64_t total = 0;
  bool ok = true;
  for (intptr_t f = 0; ok && f < lp->numFuncs; ++f) {
    const CimProgram *p = lp->programs[f];
    if (!p) {
      ok = false;
      break;
    }
    for (uint32_t i = 0; i < p->numInstrs; ++i) {
      const CimIsaInstr *in = &p->instrs[i];
      int64_t layer = in->layer == CIM_ISA_NO_LAYER ? -1 : in->layer;
      lp->copies[i] = 1;
      for (int64_t k = 0; in->opcode == CIM_ISA_WRITE && k < numLayers; ++k)
        if (layers[k] == layer)
          lp->copies[i] = factors[k];
    }
    CimScheduleRequest req = {lp->tileOf[f], lp->numTiles[f], chunks};
    int64_t ps;
    /* The functions before this one took `total` of the cutoff. */
    int64_t cut = cutoffPs > 0 ? cutoffPs - total : 0;
    if (cutoffPs > 0 && cut <= 0) {
      total = cutoffPs;
      break;
    }
    ok = cimScheduleLatencyWithCopies(p, &req, lp->copies, cut, &ps) &&
         !__builtin_add_overflow(total, ps, &total);
  }
  *latencyPs = total;
  return ok;
}

static MlirLogicalResult runSchedule(MlirOperation module,
                                     const CimPassOptions *options) {
  /* The schedule holds for this target only: it is recorded. */
  CimTarget target;
  if (mlirLogicalResultIsFailure(
          cimPassResolveTarget(module, "cim-schedule",
                               cimPassOptionsGetString(options, "target"),
                               false, &target)))
    return mlirLogicalResultFailure();
  bool verify = cimPassOptionsGetBool(options, "verify");
#ifndef NDEBUG
  verify = true; /* debug builds always check what they produce */
#endif
  MlirStringRef reportRef = cimPassOptionsGetString(options, "report");
  CimStrBuf reportBuf = {0};
  cimStrBufAppendRef(&reportBuf, reportRef);
  const char *report = cimStrBufGet(&reportBuf);
  MlirOperation *funcs = NULL;
  intptr_t numFuncs = 0;
  if (!cimCollectOps(module, isFunc, NULL, &funcs, &numFuncs))
    return mlirLogicalResultFailure();
  if (report[0] && numFuncs != 1) {
    cimEmitErrorf(mlirOperationGetLocation(module),
                  "cim-schedule: report= needs a module with exactly one "
                  "function (this one has %ld)",
                  (long)numFuncs);
    free(funcs);
    cimStrBufFree(&reportBuf);
    return mlirLogicalResultFailure();
  }
  bool ok = true;
  for (intptr_t i = 0; ok && i < numFuncs; ++i)
    ok = mlirLogicalResultIsSuccess(scheduleFunction(
        funcs[i], &target, cimPassOptionsGetInt(options, "chunks"), verify,
        report));
  free(funcs);
  cimStrBufFree(&reportBuf);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static const CimPassOptionDef scheduleOptions[] = {
    {"chunks", CIM_PASS_OPTION_INT, "16",
     "Chunks per tile copy that an mvm's rows are cut into (finer: earlier "
     "consumers, longer schedule attributes).",
     1, 1 << 20},
    {"verify", CIM_PASS_OPTION_BOOL, "false",
     "Run the schedule verifier on the result (always on in debug builds).",
     0, 0},
    {"report", CIM_PASS_OPTION_STRING, "",
     "Write the schedule report (latency, lower bounds, utilization; "
     "docs/schedule.md) as JSON to this file.",
     0, 0},
    CIM_PASS_TARGET_OPTION,
};

const CimPassDef cimSchedulePass = {
    .argument = "cim-schedule",
    .name = "CimSchedule",
    .summary = "Static multi-crossbar schedule: crossbars, start times, "
               "pipelining, re-programming",
    .description =
        "On `xbar` IR: gives every `xbar.write` a crossbar and every\n"
        "`xbar.write` and `xbar.mvm` start times, recorded as the attributes\n"
        "`sched_chunk_rows`, `sched_start_ps` and `sched_crossbar` (and the\n"
        "write's `crossbar`), which `cim-translate` encodes as `sched`\n"
        "instructions and `cim-sim` follows. List scheduling in program\n"
        "order: a write takes the crossbar that is free earliest among those\n"
        "whose tile no later mvm needs (re-programming when the model does\n"
        "not fit) and the earliest write port; an mvm's rows are cut into\n"
        "`chunks` chunks per copy of its tile, all bit-planes and OU groups of\n"
        "a chunk before the next, each on the copy free earliest, as soon as\n"
        "the rows of its input are ready, so consumers start before their\n"
        "producer has finished (inter-layer pipelining). Run-time writes of\n"
        "dynamic weights wait for their operands. With one crossbar the\n"
        "result is the sequential schedule. The module gets the target as\n"
        "`cim.target`; a `target=` that differs from the program's is an\n"
        "error (docs/target.md, \"One target per program\"), and the report\n"
        "names the target by `target_fingerprint`. docs/schedule.md defines\n"
        "the timing model, the\n"
        "verifier's rules and the lower bounds of the report.",
    .anchor = "builtin.module",
    .options = scheduleOptions,
    .numOptions = sizeof scheduleOptions / sizeof scheduleOptions[0],
    .run = runSchedule,
};
