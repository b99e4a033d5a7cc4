/*===-- duplicate.c - cim-duplicate ----------------------------------------===*
 *
 * Copies the weight tiles of the layers that bound a pipelined schedule's
 * latency onto more crossbars, so their invocations split between the
 * copies (docs/schedule.md, "Duplication"). On xbar IR: a copy is another
 * `xbar.write` of the same cells, and every `xbar.mvm` of the tile takes all
 * copies as its tile operands; cim-schedule then spreads its rows over them.
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Cost.h"
#include "cim-c/Passes.h"
#include "cim-c/Target.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ScheduleLatency.h"
#include "ir/PassUtils.h"

/// One tile: its write, its layer and the crossbar time of its mvms.
typedef struct DupTile {
  MlirOperation write;
  int64_t layer, busyPs, rows;
} DupTile;

typedef struct DupLayer {
  int64_t layer, tiles, maxBusyPs, maxRows, factor;
  int64_t writesPs; ///< time of writing all its tiles once
} DupLayer;

static bool isWrite(MlirOperation op, void *ud) {
  (void)ud;
  return cimOpIsA(op, "xbar.write");
}

static int64_t intAttr(MlirOperation op, const char *name) {
  MlirAttribute a =
      mlirOperationGetAttributeByName(op, mlirStringRefCreateFromCString(name));
  return !mlirAttributeIsNull(a) && mlirAttributeIsAInteger(a)
             ? mlirIntegerAttrGetValueInt(a)
             : -1;
}

static int64_t dimOf(MlirValue v, intptr_t d) {
  MlirType t = mlirValueGetType(v);
  return mlirTypeIsARankedTensor(t) && mlirShapedTypeGetRank(t) > d
             ? mlirShapedTypeGetDimSize(t, d)
             : 0;
}

/// Emits an error at the location in `ud`, prefixed with the pass name.
static void emitAt(MlirStringRef s, void *ud) {
  cimEmitErrorf(*(MlirLocation *)ud, "cim-duplicate: %.*s", (int)s.length,
                s.data);
}

/// Crossbar time of the mvms reading `write`'s tile (docs/isa.md "Cost"):
/// an mvm of M rows is M MVM cycles and M x (rows + cols) buffer accesses,
/// priced by cimPriceEvents. Fails, with an error at the write, when that
/// does not fit in int64.
static bool measureTile(MlirOperation write, const CimTarget *t,
                        DupTile *tile) {
  MlirLocation loc = mlirOperationGetLocation(write);
  MlirValue token = mlirOperationGetResult(write, 0);
  int64_t cols = dimOf(mlirOperationGetOperand(write, 0), 1);
  CimEventCounts events = {0};
  for (MlirOpOperand u = mlirValueGetFirstUse(token); !mlirOpOperandIsNull(u);
       u = mlirOpOperandGetNextUse(u)) {
    MlirOperation mvm = mlirOpOperandGetOwner(u);
    if (!cimOpIsA(mvm, "xbar.mvm"))
      continue;
    intptr_t n = mlirOperationGetNumOperands(mvm);
    int64_t M = dimOf(mlirOperationGetOperand(mvm, n - 1), 0);
    int64_t rows = intAttr(mvm, "rows");
    CimEventCounts one = {.mvmCycles = M};
    /* rows, cols <= 2^31 (tensor dims of a tile), M a tensor dim. */
    if (__builtin_mul_overflow(M, (rows > 0 ? rows : 0) + cols,
                               &one.bufferAccesses)) {
      emitAt(mlirStringRefCreateFromCString(
                 "the number of buffer accesses exceeds the 64-bit event "
                 "counter"),
             &loc);
      return false;
    }
    if (mlirLogicalResultIsFailure(
            cimEventCountsAdd(&events, &one, emitAt, &loc)))
      return false;
    if (M > tile->rows)
      tile->rows = M;
  }
  CimEventCost cost;
  if (mlirLogicalResultIsFailure(cimPriceEvents(t, &events, &cost, emitAt, &loc)))
    return false;
  tile->busyPs = cost.totalLatencyPs;
  return true;
}

/// Time of writing `tiles` tiles once (cimPriceEvents); fails with an error
/// at `loc` when it does not fit in int64.
static bool writesTime(const CimTarget *t, int64_t tiles, MlirLocation loc,
                       int64_t *ps) {
  CimEventCounts events = {.writes = tiles};
  CimEventCost cost;
  if (mlirLogicalResultIsFailure(cimPriceEvents(t, &events, &cost, emitAt, &loc)))
    return false;
  *ps = cost.totalLatencyPs;
  return true;
}

/// Rows of output under the last input rows that the drain-weighted
/// candidate assumes (a 3 x 3 window and a stride): chosen on ResNet-18 with
/// OU 16 (2 and 1 gave smaller gains, 4 to 32 similar ones).
enum { DRAIN_ROWS = 4 };

__extension__ typedef __int128 Wide;

/// The largest q with q * q <= v (v >= 0).
static int64_t isqrt64(int64_t v) {
  int64_t r = 0;
  while ((r + 1) <= v / (r + 1))
    ++r;
  return r;
}

/// The time the greedy balances for layer `l`: its busiest tile's MVM time,
/// with `drainRows` > 0 weighted by (q + drainRows) / q, q = sqrt(rows) the
/// image rows of a square output: after its producer's last row a layer
/// still computes the output rows under the last input rows, a fraction of
/// about drainRows / q of its time (docs/schedule.md, "Duplication").
static int64_t balancedTime(const DupLayer *l, int64_t drainRows) {
  if (drainRows <= 0)
    return l->maxBusyPs;
  int64_t q = isqrt64(l->maxRows > 0 ? l->maxRows : 1);
  Wide w = (Wide)l->maxBusyPs * (q + drainRows) / q;
  return w > INT64_MAX ? INT64_MAX : (int64_t)w;
}

/// The greedy bottleneck balancing of docs/schedule.md: raise the factor of
/// the layer with the longest per-copy time (balancedTime / factor) while
/// the copies fit beside all other tiles and the extra writes do not
/// become the new bottleneck.
static void chooseGreedy(DupLayer *L, int64_t n, const CimTarget *t,
                         int64_t held, bool resident, int64_t drainRows) {
  int64_t used = held, writes = held;
  int64_t ports = t->writePorts > 0 ? t->writePorts : 1;
  for (;;) {
    int64_t best = -1;
    for (int64_t k = 0; k < n; ++k)
      if (best < 0 || balancedTime(&L[k], drainRows) * L[best].factor >
                          balancedTime(&L[best], drainRows) * L[k].factor)
        best = k;
    if (best < 0)
      return;
    DupLayer *l = &L[best];
    /* Resident: all copies of all tiles at once. Re-programmed: one
     * layer's copies take at most half the crossbars, the rest keep
     * cycling through the other layers' tiles. */
    bool fits = resident ? used + l->tiles <= t->crossbars
                         : l->tiles * (l->factor + 1) <= t->crossbars / 2;
    if (!fits || l->factor >= l->maxRows)
      return;
    /* The copy pays off when the time it saves the bottleneck exceeds
     * the write-port time its writes add. */
    int64_t now = balancedTime(l, drainRows) / l->factor;
    int64_t next = balancedTime(l, drainRows) / (l->factor + 1);
    int64_t extraWrites = l->writesPs / ports;
    if (now - next <= extraWrites)
      return;
    ++l->factor;
    used += l->tiles;
    writes += l->tiles;
  }
}

/// Measures every tile (`writes`) and groups them by layer: tiles, longest
/// tile time, most rows and the time of writing the layer's tiles once.
/// Fails, with an error, when a time does not fit in int64.
static bool measureLayers(MlirOperation module, MlirOperation *writes,
                          intptr_t numWrites, const CimTarget *target,
                          DupTile *tiles, DupLayer *layers,
                          int64_t *numLayers) {
  for (intptr_t i = 0; i < numWrites; ++i) {
    DupTile *tl = &tiles[i];
    tl->write = writes[i];
    tl->layer = intAttr(writes[i], "layer");
    if (!measureTile(writes[i], target, tl))
      return false;
    DupLayer *l = NULL;
    for (int64_t k = 0; k < *numLayers && !l; ++k)
      if (layers[k].layer == tl->layer)
        l = &layers[k];
    if (!l) {
      l = &layers[(*numLayers)++];
      *l = (DupLayer){tl->layer, 0, 0, 1, 1, 0};
    }
    ++l->tiles;
    if (tl->busyPs > l->maxBusyPs)
      l->maxBusyPs = tl->busyPs;
    if (tl->rows > l->maxRows)
      l->maxRows = tl->rows;
  }
  for (int64_t k = 0; k < *numLayers; ++k)
    if (!writesTime(target, layers[k].tiles, mlirOperationGetLocation(module),
                    &layers[k].writesPs))
      return false;
  return true;
}

/// Writes each tile of `writes` (the module's writes in walk order, tiles[i]
/// measured from the same order) its layer's factor times, and makes
/// every mvm of the tile take all copies.
static bool applyFactors(MlirOperation *writes, intptr_t numWrites,
                         const DupTile *tiles, const DupLayer *layers,
                         int64_t numLayers) {
  for (intptr_t i = 0; i < numWrites; ++i) {
    int64_t f = 1;
    for (int64_t k = 0; k < numLayers; ++k)
      if (layers[k].layer == tiles[i].layer)
        f = layers[k].factor;
    if (f <= 1)
      continue;
    MlirOperation w = writes[i];
    MlirValue token = mlirOperationGetResult(w, 0);
    /* The mvms of the tile, before the copies add uses. */
    intptr_t numUsers = 0;
    for (MlirOpOperand u = mlirValueGetFirstUse(token);
         !mlirOpOperandIsNull(u); u = mlirOpOperandGetNextUse(u))
      ++numUsers;
    MlirOperation *users = malloc((size_t)(numUsers ? numUsers : 1) *
                                  sizeof *users);
    MlirValue *copies = malloc((size_t)f * sizeof *copies);
    MlirValue *operands = malloc((size_t)(f + 1) * sizeof *operands);
    if (!users || !copies || !operands) {
      free(users);
      free(copies);
      free(operands);
      return false;
    }
    intptr_t k = 0;
    for (MlirOpOperand u = mlirValueGetFirstUse(token);
         !mlirOpOperandIsNull(u); u = mlirOpOperandGetNextUse(u))
      users[k++] = mlirOpOperandGetOwner(u);
    copies[0] = token;
    MlirOperation after = w;
    MlirBlock block = mlirOperationGetBlock(w);
    for (int64_t c = 1; c < f; ++c) {
      MlirOperation copy = mlirOperationClone(w);
      mlirBlockInsertOwnedOperationAfter(block, after, copy);
      after = copy;
      copies[c] = mlirOperationGetResult(copy, 0);
    }
    for (intptr_t u = 0; u < numUsers; ++u) {
      MlirOperation mvm = users[u];
      if (!cimOpIsA(mvm, "xbar.mvm") || mlirOperationGetNumOperands(mvm) != 2)
        continue; /* already has copies: left alone */
      for (int64_t c = 0; c < f; ++c)
        operands[c] = copies[c];
      operands[f] = mlirOperationGetOperand(mvm, 1);
      mlirOperationSetOperands(mvm, f + 1, operands);
    }
    free(users);
    free(copies);
    free(operands);
  }
  return true;
}

/// The distinct candidate factor vectors of chooseBest, numLayers entries
/// each, in `cand` (room for maxCand): the greedy choice for the target
/// and for 1/2, 1/4, ... of its crossbars (`levels` halvings) and of its
/// write ports, plain and drain-weighted, then no copies at all. Returns
/// their number; leaves `layers`' factors changed.
static int64_t collectCandidates(DupLayer *layers, int64_t numLayers,
                                 const CimTarget *target, intptr_t numWrites,
                                 int64_t levels, int64_t *cand,
                                 int64_t maxCand) {
  int64_t P = target->writePorts > 0 ? target->writePorts : 1, numCand = 0;
  for (int64_t lv = 0; lv <= levels; ++lv) {
    int64_t C = target->crossbars >> lv;
    if (C < 1)
      break;
    for (int64_t ports = P; ports >= 1; ports /= 2) {
      CimTarget t = *target;
      t.crossbars = C;
      t.writePorts = ports;
      /* The plain greedy and the drain-weighted one. */
      for (int64_t drain = 0; drain <= DRAIN_ROWS; drain += DRAIN_ROWS) {
        for (int64_t k = 0; k < numLayers; ++k)
          layers[k].factor = 1;
        chooseGreedy(layers, numLayers, &t, numWrites, numWrites <= C,
                     drain);
        int64_t *f = &cand[numCand * numLayers];
        for (int64_t k = 0; k < numLayers; ++k)
          f[k] = layers[k].factor;
        bool seen = false;
        for (int64_t c = 0; c < numCand && !seen; ++c)
          seen = !memcmp(&cand[c * numLayers], f,
                         (size_t)numLayers * sizeof *f);
        if (!seen && numCand + 1 < maxCand)
          ++numCand;
      }
      if (ports == 1)
        break;
    }
  }
  /* No copies at all. */
  int64_t *f = &cand[numCand * numLayers];
  bool seen = false;
  for (int64_t k = 0; k < numLayers; ++k)
    f[k] = 1;
  for (int64_t c = 0; c < numCand && !seen; ++c)
    seen = !memcmp(&cand[c * numLayers], f, (size_t)numLayers * sizeof *f);
  return seen ? numCand : numCand + 1;
}

/// The latency of the module with the copies `factors` (per layer) on a
/// rewritten copy of it; INT64_MAX when that cannot be scheduled. Sets
/// `layers`' factors.
static int64_t cloneLatency(MlirOperation module, DupLayer *layers,
                            int64_t numLayers, const int64_t *factors,
                            const CimTarget *target, intptr_t numWrites) {
  for (int64_t k = 0; k < numLayers; ++k)
    layers[k].factor = factors[k];
  MlirOperation copy = mlirOperationClone(module);
  MlirOperation *w = NULL;
  intptr_t n = 0;
  int64_t ps = INT64_MAX;
  DupTile *tiles = calloc((size_t)(numWrites ? numWrites : 1), sizeof *tiles);
  if (tiles && cimCollectOps(copy, isWrite, NULL, &w, &n) && n == numWrites) {
    for (intptr_t i = 0; i < n; ++i)
      tiles[i].layer = intAttr(w[i], "layer");
    if (!applyFactors(w, n, tiles, layers, numLayers) ||
        !cimScheduleModuleLatency(copy, target, 16, &ps))
      ps = INT64_MAX;
  }
  free(tiles);
  free(w);
  mlirOperationDestroy(copy);
  return ps;
}

/// Keeps the better of candidate duplications (docs/schedule.md,
/// "Duplication"): the candidates of collectCandidates, each scheduled on
/// the real target (cim-schedule's scheduler, the module left unchanged)
/// and the fastest wins, the first of equals. So a target never gets a
/// slower schedule than the choice made for a smaller one would give it.
/// The module is encoded once and the engine issues each candidate's
/// copies (cimLatencyProgramsGet), a candidate's schedule stopping once it
/// cannot beat the best so far; a module whose mvms already take copies is
/// rewritten and encoded per candidate instead (cloneLatency).
/// Sets `layers`' factors; false (with a diagnostic) on out of memory.
static bool chooseBest(MlirOperation module, DupLayer *layers,
                       int64_t numLayers, const CimTarget *target,
                       intptr_t numWrites, int64_t levels) {
  if (levels > 62)
    levels = 62;
  int64_t maxCand = (levels + 1) * 64 * 2 + 1;
  int64_t *cand = malloc((size_t)(maxCand * numLayers) * sizeof *cand);
  int64_t *ids = malloc((size_t)numLayers * sizeof *ids);
  if (!cand || !ids) {
    free(cand);
    free(ids);
    cimEmitErrorf(mlirOperationGetLocation(module),
                  "cim-duplicate: out of memory");
    return false;
  }
  for (int64_t k = 0; k < numLayers; ++k)
    ids[k] = layers[k].layer;
  int64_t numCand = collectCandidates(layers, numLayers, target, numWrites,
                                      levels, cand, maxCand);
  CimLatencyPrograms *lp =
      numCand > 1 ? cimLatencyProgramsCreate(module, target) : NULL;
  int64_t best = 0, bestPs = INT64_MAX;
  for (int64_t c = 0; numCand > 1 && c < numCand; ++c) {
    const int64_t *f = &cand[c * numLayers];
    int64_t ps = INT64_MAX;
    /* A candidate wins only if strictly faster than the best so far. */
    if (!lp)
      ps = cloneLatency(module, layers, numLayers, f, target, numWrites);
    else if (!cimLatencyProgramsGet(lp, 16, numLayers, ids, f,
                                    bestPs == INT64_MAX ? 0 : bestPs, &ps))
      ps = INT64_MAX;
    if (ps < bestPs) {
      bestPs = ps;
      best = c;
    }
  }
  for (int64_t k = 0; k < numLayers; ++k)
    layers[k].factor = cand[best * numLayers + k];
  cimLatencyProgramsDestroy(lp);
  free(ids);
  free(cand);
  return true;
}

static MlirLogicalResult runDuplicate(MlirOperation module,
                                      const CimPassOptions *options) {
  /* The copies are chosen for this target: it is recorded. */
  CimTarget target;
  MlirStringRef targetOption = cimPassOptionsGetString(options, "target");
  if (mlirLogicalResultIsFailure(cimPassResolveTarget(
          module, "cim-duplicate", targetOption, false, &target)))
    return mlirLogicalResultFailure();
  MlirStringRef mode = cimPassOptionsGetString(options, "mode");
  int64_t factor = cimPassOptionsGetInt(options, "factor");
  int64_t candidates = cimPassOptionsGetInt(options, "candidates");
  bool greedy = mlirStringRefEqual(mode, mlirStringRefCreateFromCString("greedy"));
  bool uniform =
      mlirStringRefEqual(mode, mlirStringRefCreateFromCString("uniform"));
  if (!greedy && !uniform &&
      !mlirStringRefEqual(mode, mlirStringRefCreateFromCString("none"))) {
    cimEmitErrorf(mlirOperationGetLocation(module),
                  "cim-duplicate: mode '%.*s' is not one of greedy, uniform, "
                  "none",
                  (int)mode.length, mode.data);
    return mlirLogicalResultFailure();
  }
  MlirOperation *writes = NULL;
  intptr_t numWrites = 0;
  if (!cimCollectOps(module, isWrite, NULL, &writes, &numWrites))
    return mlirLogicalResultFailure();
  DupTile *tiles = calloc((size_t)(numWrites ? numWrites : 1), sizeof *tiles);
  DupLayer *layers = calloc((size_t)(numWrites ? numWrites : 1),
                            sizeof *layers);
  int64_t numLayers = 0;
  bool ok = tiles && layers;
  ok = ok && measureLayers(module, writes, numWrites, &target, tiles, layers,
                          &numLayers);
  bool resident = numWrites <= target.crossbars;
  if (ok && numWrites > 0 && greedy) {
    chooseGreedy(layers, numLayers, &target, numWrites, resident, 0);
  } else if (ok && numWrites > 0 && resident) {
    if (uniform) {
      int64_t f = factor > 0 ? factor : target.crossbars / numWrites;
      if (f * numWrites > target.crossbars) {
        cimEmitErrorf(mlirOperationGetLocation(module),
                      "cim-duplicate: factor %lld needs %lld crossbars for "
                      "%lld tiles; the target has %lld",
                      (long long)f, (long long)(f * numWrites),
                      (long long)numWrites, (long long)target.crossbars);
        ok = false;
      }
      for (int64_t k = 0; k < numLayers; ++k)
        layers[k].factor = f;
    }
  }
  if (ok && numWrites > 0 && greedy && candidates > 0 && numLayers > 0)
    ok = chooseBest(module, layers, numLayers, &target, numWrites, candidates);
  if (ok)
    ok = applyFactors(writes, numWrites, tiles, layers, numLayers);
  free(writes);
  free(tiles);
  free(layers);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static const CimPassOptionDef duplicateOptions[] = {
    {"mode", CIM_PASS_OPTION_STRING, "greedy",
     "How factors are chosen: greedy (bottleneck balancing), uniform (every "
     "layer `factor` copies) or none.",
     0, 0},
    {"factor", CIM_PASS_OPTION_INT, "0",
     "Copies per tile for mode=uniform; 0: as many as fit (crossbars / "
     "tiles).",
     0, 1 << 20},
    {"candidates", CIM_PASS_OPTION_INT, "62",
     "mode=greedy: also try the greedy choices made for 1/2, 1/4, ... of the "
     "crossbars (at most this many halvings; the default goes down to one "
     "crossbar) and of the write ports, each plain and drain-weighted, and "
     "no copies; schedule each "
     "distinct one on the target and keep the fastest. 0: the greedy "
     "choice for the target alone.",
     0, 62},
    CIM_PASS_TARGET_OPTION,
};

const CimPassDef cimDuplicatePass = {
    .argument = "cim-duplicate",
    .name = "CimDuplicate",
    .summary = "Copy the weight tiles of latency-bound layers onto spare "
               "crossbars",
    .description =
        "On `xbar` IR: chooses a duplication factor per layer and writes\n"
        "each of its tiles that many times (more `xbar.write`s of the same\n"
        "cells); every `xbar.mvm` of the tile then takes all copies as its\n"
        "tile operands, and `cim-schedule` spreads the mvm's rows over them.\n"
        "`mode=greedy` (default) balances the pipeline: it repeatedly gives\n"
        "one more copy to the layer whose per-copy crossbar time is the\n"
        "largest, while all copies of all tiles fit on the target's crossbars\n"
        "at once and the extra write time does not exceed the time saved.\n"
        "`mode=uniform` gives every layer `factor` copies; `mode=none`\n"
        "changes nothing. When the tiles do not all fit (re-programming), a\n"
        "layer's copies may take at most half the crossbars (greedy; uniform\n"
        "and none add no copies then). docs/schedule.md explains the choice.",
    .anchor = "builtin.module",
    .options = duplicateOptions,
    .numOptions = sizeof duplicateOptions / sizeof duplicateOptions[0],
    .run = runDuplicate,
};
