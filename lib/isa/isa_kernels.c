/*===-- isa_kernels.c - Kernel parameters of an ISA instruction -----------===*/
/*
 * See IsaKernels.h: one reading of im2col and pool fields for the simulator
 * and the scheduler.
 */

#include "IsaKernels.h"

#include <assert.h>

CimSimIm2colParams cimIsaIm2colParams(const CimIsaInstr *in) {
  assert(in->opcode == CIM_ISA_IM2COL);
  CimSimIm2colParams ip = {
      in->im2col.layout == CIM_ISA_LAYOUT_NHWC,
      {in->im2col.kernelH, in->im2col.kernelW},
      {in->im2col.strideH, in->im2col.strideW},
      {in->im2col.dilationH, in->im2col.dilationW},
      {in->im2col.padTop, in->im2col.padLeft, in->im2col.padBottom,
       in->im2col.padRight},
      in->im2col.padValue,
      in->im2col.channelOffset,
      in->im2col.channels};
  return ip;
}

CimSimPoolParams cimIsaPoolParams(const CimIsaInstr *in) {
  assert(in->opcode == CIM_ISA_POOL);
  CimSimPoolParams pp = {
      in->pool.kind == CIM_ISA_POOL_AVG,
      in->pool.layout == CIM_ISA_LAYOUT_NHWC,
      {in->pool.windowH, in->pool.windowW},
      {in->pool.strideH, in->pool.strideW},
      {in->pool.padTop, in->pool.padLeft, in->pool.padBottom,
       in->pool.padRight}};
  return pp;
}
