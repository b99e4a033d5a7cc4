/*===-- isa_events.c - Event counts and cost of a program -----------------===*
 *
 * What each instruction costs in events (docs/isa.md, "Cost"): the counts
 * the simulator and the scheduler accumulate per instruction, and the whole
 * program's sequential time and energy, priced by the one pricing function
 * (cimPriceEvents, lib/cost/pricing.c).
 *===----------------------------------------------------------------------===*/

#include "IsaInternal.h"
#include "cim-c/Cost.h"

static int64_t elems(const CimProgram *p, uint32_t id) {
  return id == CIM_ISA_NO_BUFFER
             ? 0
             : cimIsaTensorTypeGetNumElements(&p->buffers[id].type);
}

/// The events of instruction `in` alone. Element counts are <= 2^40 and
/// rows <= 2^31, so sums of a few of them and M * rows fit; the products
/// with a pool window or a shift_add count may not (a valid program can
/// ask for more than 2^63 digital ops): false then.
static bool instrEvents(const CimProgram *p, const CimIsaInstr *in,
                        CimEventCounts *c) {
  int64_t nd = elems(p, in->dst);
  int64_t n0 = elems(p, in->src[0]), n1 = elems(p, in->src[1]);
  switch (in->opcode) {
  case CIM_ISA_HALT:
  case CIM_ISA_BARRIER:
  case CIM_ISA_SCHED:
  case CIM_ISA_NUM_OPCODES:
    return true;
  case CIM_ISA_WRITE:
    c->writes = 1;
    c->cellsWritten = c->bufferAccesses = n0;
    return true;
  case CIM_ISA_MVM: {
    int64_t m = p->buffers[in->src[0]].type.dims[0];
    c->mvmCycles = m;
    c->rowActivations = m * in->mvm.rows;
    c->bufferAccesses = m * in->mvm.rows + nd;
    return true;
  }
  case CIM_ISA_ADC:
    c->adcConversions = n0;
    c->bufferAccesses = n0 + nd;
    return true;
  case CIM_ISA_SHIFT_ADD: {
    int64_t rows = p->buffers[in->src[0]].type.dims[0];
    return cimIsaMulOk(rows, in->shiftAdd.count, &c->digitalOps) &&
           !__builtin_add_overflow(n0 + nd, c->digitalOps,
                                   &c->bufferAccesses);
  }
  case CIM_ISA_LOAD:
  case CIM_ISA_STORE:
  case CIM_ISA_IM2COL:
  case CIM_ISA_INSERT:
  case CIM_ISA_SLICE:
  case CIM_ISA_RESHAPE:
  case CIM_ISA_TRANSPOSE:
    c->bufferAccesses = n0 + n1 + nd;
    return true;
  case CIM_ISA_POOL:
    c->bufferAccesses = n0 + nd;
    return cimIsaMulOk(nd, in->pool.windowH, &c->digitalOps) &&
           cimIsaMulOk(c->digitalOps, in->pool.windowW, &c->digitalOps);
  case CIM_ISA_SOFTMAX:
  case CIM_ISA_LAYER_NORM:
    c->digitalOps = (in->opcode == CIM_ISA_SOFTMAX ? 3 : 4) * nd;
    c->bufferAccesses = n0 + nd;
    return true;
  case CIM_ISA_WEIGHT_TILE:
  case CIM_ISA_BITPLANE:
  case CIM_ISA_REQUANTIZE:
  case CIM_ISA_CLAMP:
  case CIM_ISA_LUT:
  case CIM_ISA_ADD:
    c->digitalOps = nd;
    c->bufferAccesses = n0 + n1 + nd;
    return true;
  }
  return true;
}

typedef struct InstrPrefix {
  MlirStringCallback cb;
  void *ud;
  const CimProgram *p;
  uint32_t index;
} InstrPrefix;

/// Forwards a message prefixed with "instruction N (opcode): ".
static void prefixInstr(MlirStringRef s, void *userData) {
  InstrPrefix *x = userData;
  if (!x->cb)
    return;
  CimStrBuf b = {0};
  cimStrBufPrintf(&b, "instruction %u (%s): ", x->index,
                  cimIsaOpcodeGetName(x->p->instrs[x->index].opcode));
  cimStrBufAppendRef(&b, s);
  x->cb(mlirStringRefCreate(cimStrBufGet(&b), b.length), x->ud);
  cimStrBufFree(&b);
}

MlirLogicalResult cimProgramAddInstrCounts(const CimProgram *p, uint32_t index,
                                           CimEventCounts *c,
                                           MlirStringCallback errorCallback,
                                           void *userData) {
  InstrPrefix prefix = {errorCallback, userData, p, index};
  CimEventCounts ev = {0};
  if (!instrEvents(p, &p->instrs[index], &ev)) {
    prefixInstr(mlirStringRefCreateFromCString(
                    "its event counts exceed the 64-bit event counters"),
                &prefix);
    return mlirLogicalResultFailure();
  }
  return cimEventCountsAdd(c, &ev, prefixInstr, &prefix);
}

typedef struct Prefix {
  MlirStringCallback cb;
  void *ud;
} Prefix;

static void prefixProgram(MlirStringRef s, void *userData) {
  Prefix *x = userData;
  if (!x->cb)
    return;
  CimStrBuf b = {0};
  cimStrBufAppendCString(&b, "the program's sequential cost: ");
  cimStrBufAppendRef(&b, s);
  x->cb(mlirStringRefCreate(cimStrBufGet(&b), b.length), x->ud);
  cimStrBufFree(&b);
}

MlirLogicalResult cimProgramGetCost(const CimProgram *p,
                                    const CimTarget *target,
                                    CimEventCounts *counts, CimEventCost *cost,
                                    MlirStringCallback errorCallback,
                                    void *userData) {
  CimEventCounts total = {0};
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    if (mlirLogicalResultIsFailure(cimProgramAddInstrCounts(
            p, i, &total, errorCallback, userData)))
      return mlirLogicalResultFailure();
  Prefix prefix = {errorCallback, userData};
  CimEventCost c;
  if (mlirLogicalResultIsFailure(cimPriceEvents(
          target ? target : &p->target, &total, &c, prefixProgram, &prefix)))
    return mlirLogicalResultFailure();
  if (counts)
    *counts = total;
  if (cost)
    *cost = c;
  return mlirLogicalResultSuccess();
}
