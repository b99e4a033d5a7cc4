/*===-- cim-c/Policy.h - Per-layer bit-width policies ------------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* A policy gives each matrix-vector layer, in program order, its weight and  *|
|* activation bit width. Two forms are read:                                  *|
|*  - the reference system's own output (CIM-AQ/HAQ `policy-*.npy`): int64,   *|
|*    shape [L, 2], rows [w_bits, a_bits];                                    *|
|*  - JSON: [[8, 8], [4, 5], ...] or                                          *|
|*    {"layers": [{"name": "conv1", "w_bits": 8, "a_bits": 8}, ...]}.         *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_POLICY_H
#define CIM_C_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CimPolicy {
  void *ptr;
} CimPolicy;

static inline bool cimPolicyIsNull(CimPolicy p) { return !p.ptr; }

/// Loads a policy from `path`: `.npy` by its magic bytes, JSON otherwise.
/// Fails (null policy, one message naming the file) on unreadable files,
/// malformed content, a wrong dtype or shape, or bits outside 1..8 ("layer 3:
/// weight bits 9 outside 1..8"). The caller owns the result.
CIM_CAPI_EXPORTED CimPolicy cimPolicyLoadFile(const char *path,
                                              MlirStringCallback errorCallback,
                                              void *userData);

/// Creates a policy from `numLayers` pairs (w_bits, a_bits); bits must be in
/// 1..8 (else null and a message). Names are left empty.
CIM_CAPI_EXPORTED CimPolicy cimPolicyCreate(intptr_t numLayers,
                                            const int64_t *wBits,
                                            const int64_t *aBits,
                                            MlirStringCallback errorCallback,
                                            void *userData);

CIM_CAPI_EXPORTED void cimPolicyDestroy(CimPolicy policy);

CIM_CAPI_EXPORTED intptr_t cimPolicyGetNumLayers(CimPolicy policy);
CIM_CAPI_EXPORTED int64_t cimPolicyGetWeightBits(CimPolicy policy, intptr_t i);
CIM_CAPI_EXPORTED int64_t cimPolicyGetActivationBits(CimPolicy policy,
                                                     intptr_t i);
/// The layer's name from the JSON form, or "" (borrowed).
CIM_CAPI_EXPORTED const char *cimPolicyGetLayerName(CimPolicy policy,
                                                    intptr_t i);

/// Succeeds when the policy has exactly `numLayers` rows; otherwise one
/// message that says both numbers: "policy 'p.npy' has 20 layers but the
/// module has 21 matrix-vector layers".
CIM_CAPI_EXPORTED MlirLogicalResult
cimPolicyCheckLayerCount(CimPolicy policy, intptr_t numLayers,
                         MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_POLICY_H */
