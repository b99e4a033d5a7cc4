/*===-- digital.c - Digital unit and data movement -------------------------===*
 *
 * Every instruction that reads whole buffers and writes one (load,
 * weight_tile, bitplane, im2col, requantize, pool, ...) through the exact
 * kernels of lib/kernels, and store.
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "SimMachine.h"
#include "isa/IsaKernels.h"

/*===----------------------------------------------------------------------===*
 * Digital and data movement instructions
 *===----------------------------------------------------------------------===*/

/// Runs one instruction that reads src0 (and src1) and writes dst whole.
/// Longer than the house limit on purpose: the switch is the dispatch table
/// of the digital opcodes, one case each that decodes the instruction's
/// fields into its kernel's parameters; split up, the shared operand and
/// destination handling around it would be repeated per opcode.
MlirLogicalResult cimSimExecDigital(SimMachine *m, const CimIsaInstr *in,
                                     MlirStringCallback cb, void *ud) {
  const CimProgram *p = m->program;
  int64_t *s0 = NULL, *s1 = NULL;
  if (in->src[0] < p->numBuffers &&
      mlirLogicalResultIsFailure(cimSimMaterialize(m, in->src[0], &s0, cb, ud)))
    return mlirLogicalResultFailure();
  if (in->src[1] < p->numBuffers &&
      mlirLogicalResultIsFailure(cimSimMaterialize(m, in->src[1], &s1, cb, ud)))
    return mlirLogicalResultFailure();
  uint32_t d = in->dst;
  const CimIsaTensorType *dtt = &p->buffers[d].type;
  int64_t n = cimSimTypeNumElements(dtt);
  /* A destination that is also a source gets fresh storage, swapped in at
   * the end (transpose, im2col, ... cannot work in place). */
  bool alias = d == in->src[0] || d == in->src[1];
  int64_t *out;
  if (alias) {
    if (m->buffers[d].isConst)
      return cimSimMachineFail(m, cb, ud, "writes constant buffer %u", d);
    out = cimSimMalloc(n, sizeof(int64_t));
    if (!out)
      return cimSimMachineFail(m, cb, ud, "out of memory");
  } else if (mlirLogicalResultIsFailure(cimSimPrepareDst(m, d, &out, cb, ud))) {
    return mlirLogicalResultFailure();
  }
  CimSimTensor r = cimSimViewOf(dtt, out);
  CimSimTensor x0 = {0}, x1 = {0};
  if (s0)
    x0 = cimSimViewOf(&p->buffers[in->src[0]].type, s0);
  if (s1)
    x1 = cimSimViewOf(&p->buffers[in->src[1]].type, s1);
  const int64_t *v1 = NULL, *v2 = NULL;
  int64_t c1 = 0, c2 = 0;
  MlirLogicalResult ok = mlirLogicalResultSuccess();
  bool kernel = true;
#define BLOCK(blk, want, what, v, c)                                           \
  if (mlirLogicalResultIsFailure(                                              \
          cimSimBlockValues(m, blk, want, what, &v, &c, cb, ud))) {            \
    ok = mlirLogicalResultFailure();                                           \
    kernel = false;                                                            \
    break;                                                                     \
  }
  switch (in->opcode) {
  case CIM_ISA_LOAD: {
    kernel = false;
    int64_t idx = in->load.input;
    if (idx < 0 || (uint64_t)idx >= p->numInputs) {
      ok = cimSimMachineFail(m, cb, ud, "input #%lld does not exist",
                             (long long)idx);
      break;
    }
    if (cimSimTypeNumElements(&p->inputs[idx].type) != n) {
      ok = cimSimMachineFail(m, cb, ud,
                             "input '%s' does not have the destination's "
                             "%lld elements",
                             p->inputs[idx].name, (long long)n);
      break;
    }
    if (!m->inputs[idx]) {
      ok = cimSimMachineFail(m, cb, ud, "input '%s' was not set",
                       p->inputs[idx].name);
      break;
    }
    memcpy(out, m->inputs[idx], (size_t)n * sizeof(int64_t));
    break;
  }
  case CIM_ISA_WEIGHT_TILE: {
    CimSimWeightTileParams wp = {
        (CimWeightMapping)in->weightTile.mapping, in->weightTile.wBits,
        in->weightTile.cellBits, in->weightTile.wSigned != 0,
        in->weightTile.kOffset, in->weightTile.unitOffset};
    ok = cimSimWeightTile(&x0, &wp, &r, KCB);
    break;
  }
  case CIM_ISA_BITPLANE: {
    CimSimBitplaneParams bp = {(CimInputEncoding)in->bitplane.encoding,
                               in->bitplane.aBits, in->bitplane.bitOffset,
                               in->bitplane.bits};
    ok = cimSimBitplane(&x0, &bp, &r, KCB);
    break;
  }
  case CIM_ISA_IM2COL: {
    CimSimIm2colParams ip = cimIsaIm2colParams(in);
    ok = cimSimIm2col(&x0, &ip, &r, KCB);
    break;
  }
  case CIM_ISA_INSERT:
    BLOCK(in->insert.offsets, x0.rank, "offsets", v1, c1);
    ok = cimSimInsert(&x0, &x1, v1, &r, KCB);
    break;
  case CIM_ISA_SLICE:
    BLOCK(in->slice.offsets, x0.rank, "offsets", v1, c1);
    ok = cimSimSlice(&x0, v1, &r, KCB);
    break;
  case CIM_ISA_RESHAPE:
    ok = cimSimReshape(&x0, &r, KCB);
    break;
  case CIM_ISA_TRANSPOSE:
    BLOCK(in->transpose.permutation, x0.rank, "permutation", v1, c1);
    ok = cimSimTranspose(&x0, v1, &r, KCB);
    break;
  case CIM_ISA_REQUANTIZE: {
    BLOCK(in->requantize.multiplier, -1, "multiplier", v1, c1);
    BLOCK(in->requantize.shift, -1, "shift", v2, c2);
    CimSimRequantizeParams rp = {in->requantize.axis, v1, c1, v2, c2,
                                 in->requantize.inZeroPoint,
                                 in->requantize.outZeroPoint,
                                 in->requantize.qmin, in->requantize.qmax};
    ok = cimSimRequantize(&x0, s1 ? &x1 : NULL, &rp, &r, KCB);
    break;
  }
  case CIM_ISA_CLAMP:
    ok = cimSimClamp(&x0, in->clamp.min, in->clamp.max, &r, KCB);
    break;
  case CIM_ISA_LUT:
    BLOCK(in->lut.table, -1, "table", v1, c1);
    ok = cimSimLut(&x0, v1, c1, in->lut.inMin, &r, KCB);
    break;
  case CIM_ISA_POOL: {
    CimSimPoolParams pp = cimIsaPoolParams(in);
    ok = cimSimPool(&x0, &pp, &r, KCB);
    break;
  }
  case CIM_ISA_ADD:
    ok = cimSimAdd(&x0, &x1, &r, KCB);
    break;
  case CIM_ISA_SOFTMAX: {
    BLOCK(in->softmax.expTable, -1, "exp_table", v1, c1);
    CimSimSoftmaxParams sp = {in->softmax.axis, v1, c1, in->softmax.one,
                              in->softmax.outZeroPoint, in->softmax.qmin,
                              in->softmax.qmax};
    ok = cimSimSoftmax(&x0, &sp, &r, KCB);
    break;
  }
  case CIM_ISA_LAYER_NORM: {
    int64_t axis = in->layerNorm.axis;
    int64_t len = axis >= 0 && axis < x0.rank ? x0.shape[axis] : -1;
    if (len < 0) {
      ok = cimSimMachineFail(m, cb, ud, "axis %lld is not a dimension",
                       (long long)axis);
      kernel = false;
      break;
    }
    BLOCK(in->layerNorm.gamma, len, "gamma", v1, c1);
    BLOCK(in->layerNorm.beta, len, "beta", v2, c2);
    CimSimLayerNormParams lp = {axis,
                                in->layerNorm.fracBits,
                                in->layerNorm.eps,
                                v1,
                                v2,
                                in->layerNorm.multiplier,
                                in->layerNorm.shift,
                                in->layerNorm.outZeroPoint,
                                in->layerNorm.qmin,
                                in->layerNorm.qmax};
    ok = cimSimLayerNorm(&x0, &lp, &r, KCB);
    break;
  }
  default:
    kernel = false;
    ok = cimSimMachineFail(m, cb, ud, "unexpected opcode %d", (int)in->opcode);
    break;
  }
#undef BLOCK
  if (mlirLogicalResultIsFailure(ok)) {
    if (alias)
      free(out);
    return kernel ? cimSimKernelFailed(m, cb, ud) : ok;
  }
  if (alias) {
    SimBuffer *b = &m->buffers[d];
    cimSimBufferReset(b);
    b->data = out;
    b->ownsData = true;
  }
  m->buffers[d].valid = true;
  return cimSimCheckFits(m, d, out, n, cb, ud);
}

MlirLogicalResult cimSimExecStore(SimMachine *m, const CimIsaInstr *in,
                                   MlirStringCallback cb, void *ud) {
  const CimProgram *p = m->program;
  int64_t idx = in->store.output;
  if (idx < 0 || (uint64_t)idx >= p->numOutputs)
    return cimSimMachineFail(m, cb, ud, "output #%lld does not exist",
                       (long long)idx);
  int64_t n = cimSimTypeNumElements(&p->outputs[idx].type);
  if (cimSimTypeNumElements(&p->buffers[in->src[0]].type) != n)
    return cimSimMachineFail(m, cb, ud, "buffer %u does not have output '%s''s "
                       "%lld elements", in->src[0], p->outputs[idx].name,
                       (long long)n);
  int64_t *v;
  if (mlirLogicalResultIsFailure(cimSimMaterialize(m, in->src[0], &v, cb, ud)))
    return mlirLogicalResultFailure();
  int64_t lo, hi;
  cimSimElemRange(p->outputs[idx].type.elem, &lo, &hi);
  for (int64_t i = 0; i < n; ++i)
    if (v[i] < lo || v[i] > hi)
      return cimSimMachineFail(m, cb, ud,
                               "value %lld (element %lld) does not fit "
                               "output '%s'",
                               (long long)v[i], (long long)i,
                               p->outputs[idx].name);
  if (!m->outputs[idx]) {
    m->outputs[idx] = cimSimMalloc(n, sizeof(int64_t));
    if (!m->outputs[idx])
      return cimSimMachineFail(m, cb, ud, "out of memory");
  }
  memcpy(m->outputs[idx], v, (size_t)n * sizeof(int64_t));
  return mlirLogicalResultSuccess();
}
