/*===-- target_inputs.c - Which activations a target can apply -------------===*
 *
 * The one check of whether a target's DACs and input encoding can apply a
 * layer's activations, shared by the cost model (cimLayerCostCompute, and so
 * cim-estimate) and the crossbar mapping (cim-bitslice), so that the two
 * accept and reject the same designs with the same reason, and the one
 * layout of an activation's bit-planes, which both count (issue 17, item 5;
 * docs/design.md, "Input slicing").
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>

#include "target/TargetInternal.h"

MlirLogicalResult cimTargetCheckActivations(const CimTarget *t, int64_t aBits,
                                            bool aSigned,
                                            MlirStringCallback errorCallback,
                                            void *userData) {
  if (!aSigned)
    return mlirLogicalResultSuccess();
  CimStrBuf msg = {0};
  if (t->inputEncoding == CIM_INPUT_ENCODING_UNSIGNED) {
    cimStrBufAppendCString(&msg, "the layer has signed activations but the "
                                 "target's input encoding is 'unsigned'");
    return cimTargetFail(errorCallback, userData, &msg);
  }
  return mlirLogicalResultSuccess();
}

/// Bits of an activation that are applied as positive digits: all of them
/// for unsigned activations and for the offset code `a + 2^(a_bits-1)` of
/// signed ones, all but the sign bit for two's complement.
static int64_t magnitudeBits(const CimTarget *t, int64_t aBits, bool aSigned) {
  return aSigned && t->inputEncoding != CIM_INPUT_ENCODING_OFFSET ? aBits - 1
                                                                  : aBits;
}

int64_t cimTargetInputPlanes(const CimTarget *t, int64_t aBits,
                             bool aSigned) {
  int64_t mag = magnitudeBits(t, aBits, aSigned);
  return (mag + t->dacBits - 1) / t->dacBits + (aSigned ? 1 : 0);
}

void cimTargetInputPlane(const CimTarget *t, int64_t aBits, bool aSigned,
                         int64_t index, int64_t *bitOffset, int64_t *bits) {
  int64_t mag = magnitudeBits(t, aBits, aSigned);
  int64_t off = index * t->dacBits;
  if (off >= mag) { /* the subtracted plane, weighted 2^(a_bits-1) */
    *bitOffset = aBits - 1;
    *bits = 1;
    return;
  }
  *bitOffset = off;
  *bits = mag - off < t->dacBits ? mag - off : t->dacBits;
}

CimInputPlaneKind cimTargetInputPlaneKind(const CimTarget *t, int64_t aBits,
                                          bool aSigned, int64_t index) {
  if (!aSigned || index < cimTargetInputPlanes(t, aBits, aSigned) - 1)
    return CIM_INPUT_PLANE_DIGITS;
  return t->inputEncoding == CIM_INPUT_ENCODING_OFFSET
             ? CIM_INPUT_PLANE_OFFSET_CORRECTION
             : CIM_INPUT_PLANE_SIGN;
}

const char *cimTargetInputPlaneEncoding(const CimTarget *t, bool aSigned) {
  if (!aSigned)
    return "unsigned";
  return t->inputEncoding == CIM_INPUT_ENCODING_OFFSET ? "offset"
                                                       : "twos-complement";
}
