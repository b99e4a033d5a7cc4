/*===-- pricing.c - Events to picoseconds and femtojoules ------------------===*
 *
 * The one place a count of crossbar events is multiplied by a time or an
 * energy. The analytic model (cost.c), cim-estimate on xbar IR
 * (passes/xbar/count.c), the ISA's program cost (lib/isa/isa_events.c), the
 * schedule engine and cim-sim all price through cimPriceEvents, so they agree
 * by construction on the formula and on what happens when a number does not
 * fit: every product and sum is checked, and one that exceeds int64 is an
 * error naming the component, never a wrapped or saturated value.
 *
 * The components come from CIM_COST_COMPONENTS (cim-c/Cost.h):
 *   latency = sum over components of  time count  x  target time per event
 *   energy  = sum over components of energy count x target energy per event
 *===----------------------------------------------------------------------===*/

#include "cim-c/Cost.h"

#include <assert.h>
#include <stddef.h>

#include "support/StrBuf.h"

/// One row of CIM_COST_COMPONENTS, with the fields as offsets.
typedef struct Component {
  const char *name;
  size_t timeCount, timeUnit, energyCount, energyUnit;
} Component;

static const Component components[CIM_COST_NUM_COMPONENTS] = {
#define CIM_COMPONENT_ROW(ID, NAME, TC, TU, EC, EU)                            \
  [CIM_COST_##ID] = {NAME, offsetof(CimEventCounts, TC),                       \
                     offsetof(CimTarget, TU), offsetof(CimEventCounts, EC),    \
                     offsetof(CimTarget, EU)},
    CIM_COST_COMPONENTS(CIM_COMPONENT_ROW)
#undef CIM_COMPONENT_ROW
};

/// The counters of CimEventCounts with their names, for cimEventCountsAdd.
static const struct {
  const char *name;
  size_t offset;
} counters[] = {
    {"crossbar writes", offsetof(CimEventCounts, writes)},
    {"cells written", offsetof(CimEventCounts, cellsWritten)},
    {"MVM cycles", offsetof(CimEventCounts, mvmCycles)},
    {"row activations", offsetof(CimEventCounts, rowActivations)},
    {"ADC conversions", offsetof(CimEventCounts, adcConversions)},
    {"digital ops", offsetof(CimEventCounts, digitalOps)},
    {"buffer accesses", offsetof(CimEventCounts, bufferAccesses)},
};
_Static_assert(sizeof counters / sizeof counters[0] ==
                   sizeof(CimEventCounts) / sizeof(int64_t),
               "every counter of CimEventCounts is listed");

static int64_t field(const void *base, size_t offset) {
  return *(const int64_t *)((const char *)base + offset);
}

static MlirLogicalResult fail(MlirStringCallback cb, void *ud, CimStrBuf *msg) {
  if (cb)
    cb(mlirStringRefCreate(cimStrBufGet(msg), msg->length), ud);
  cimStrBufFree(msg);
  return mlirLogicalResultFailure();
}

const char *cimCostComponentGetName(CimCostComponent component) {
  return (unsigned)component < CIM_COST_NUM_COMPONENTS
             ? components[component].name
             : "?";
}

/// `count * unit` into `*part`, then added to `*total`. `quantity` is
/// "latency" or "energy", `unitName` "ps" or "fJ", `counter` the name of
/// the 64-bit counter for the message.
static MlirLogicalResult priceOne(const char *name, const char *quantity,
                                  const char *unitName, const char *counter,
                                  int64_t count, int64_t unit, int64_t *part,
                                  int64_t *total, MlirStringCallback cb,
                                  void *ud) {
  assert(count >= 0 && unit >= 0 && "counts and unit costs are non-negative");
  CimStrBuf msg = {0};
  if (__builtin_mul_overflow(count, unit, part)) {
    cimStrBufPrintf(&msg,
                    "the %s of the %s, %lld x %lld %s, exceeds the 64-bit %s "
                    "counter",
                    quantity, name, (long long)count, (long long)unit,
                    unitName, counter);
    return fail(cb, ud, &msg);
  }
  if (__builtin_add_overflow(*total, *part, total)) {
    cimStrBufPrintf(&msg,
                    "the total %s exceeds the 64-bit %s counter when the %s "
                    "(%lld %s) are added",
                    quantity, counter, name, (long long)*part, unitName);
    return fail(cb, ud, &msg);
  }
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimPriceEvents(const CimTarget *target,
                                 const CimEventCounts *counts,
                                 CimEventCost *cost,
                                 MlirStringCallback errorCallback,
                                 void *userData) {
  CimEventCost r = {0};
  for (int k = 0; k < CIM_COST_NUM_COMPONENTS; ++k) {
    const Component *c = &components[k];
    if (mlirLogicalResultIsFailure(priceOne(
            c->name, "latency", "ps", "picosecond",
            field(counts, c->timeCount), field(target, c->timeUnit),
            &r.latencyPs[k], &r.totalLatencyPs, errorCallback, userData)) ||
        mlirLogicalResultIsFailure(priceOne(
            c->name, "energy", "fJ", "femtojoule",
            field(counts, c->energyCount), field(target, c->energyUnit),
            &r.energyFj[k], &r.totalEnergyFj, errorCallback, userData)))
      return mlirLogicalResultFailure();
  }
  *cost = r;
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimEventCountsAdd(CimEventCounts *total,
                                    const CimEventCounts *counts,
                                    MlirStringCallback errorCallback,
                                    void *userData) {
  CimEventCounts sum = *total;
  for (size_t k = 0; k < sizeof counters / sizeof counters[0]; ++k) {
    int64_t *to = (int64_t *)((char *)&sum + counters[k].offset);
    if (__builtin_add_overflow(*to, field(counts, counters[k].offset), to)) {
      CimStrBuf msg = {0};
      cimStrBufPrintf(&msg,
                      "the number of %s exceeds the 64-bit event counter",
                      counters[k].name);
      return fail(errorCallback, userData, &msg);
    }
  }
  *total = sum;
  return mlirLogicalResultSuccess();
}
