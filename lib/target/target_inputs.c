/*===-- target_inputs.c - Which activations a target can apply -------------===*
 *
 * The one check of whether a target's DACs and input encoding can apply a
 * layer's activations, shared by the cost model (cimLayerCostCompute, and so
 * cim-estimate) and the crossbar mapping (cim-bitslice), so that the two
 * accept and reject the same designs with the same reason (issue 17,
 * item 5; docs/design.md, "Input slicing").
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
  if (t->inputEncoding == CIM_INPUT_ENCODING_OFFSET) {
    cimStrBufAppendCString(
        &msg, "the 'offset' input encoding is not supported for signed "
              "activations (its correction 2^(a_bits-1) * sum_k w needs the "
              "weights); use 'twos-complement'");
    return cimTargetFail(errorCallback, userData, &msg);
  }
  if (aBits >= 1 && (aBits - 1) % t->dacBits != 0) {
    cimStrBufPrintf(&msg,
                    "%" PRId64 "-bit two's complement activations on a %" PRId64
                    "-bit DAC would put the sign bit and magnitude bits in one "
                    "plane (unipolar DACs cannot drive it); dac_bits must "
                    "divide a_bits - 1",
                    aBits, t->dacBits);
    return cimTargetFail(errorCallback, userData, &msg);
  }
  return mlirLogicalResultSuccess();
}
