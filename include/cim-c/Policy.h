/*===-- cim-c/Policy.h - Per-layer bit-width policies ------------------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* A policy gives each matrix-vector layer its weight and activation bit      *|
|* width. Three forms are read:                                               *|
|*  - the reference system's own output (CIM-AQ/HAQ `policy-*.npy`): int64,   *|
|*    shape [L, 2], rows [w_bits, a_bits];                                    *|
|*  - JSON: [[8, 8], [4, 5], ...];                                            *|
|*  - JSON: {"layers": [{"name": "conv1", "w_bits": 8, "a_bits": 8,           *|
|*    "input_dim": 147, "output_dim": 64, "mvm_invocations": 12544,           *|
|*    "repeat_factor": 1}, ...]} (name and the four shape keys optional).     *|
|* A policy whose rows all have names meets the layers by name, in any order; *|
|* one without names meets them by position (row i: layer i in program       *|
|* order). Rows with a shape must meet a layer of that shape.                 *|
|* cimPolicyMatchLayers is the one place that applies these rules.            *|
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
/// malformed content, a wrong dtype or shape, bits outside 1..8 ("layer 3:
/// weight bits 9 outside 1..8"), an unknown row key, a shape value that is
/// not a positive integer, an empty name, two rows with the same name, or
/// rows of which some have a name and some not. The caller owns the result.
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

/// True when the rows have layer names (then every row has one, and the
/// policy meets the layers by name).
CIM_CAPI_EXPORTED bool cimPolicyHasLayerNames(CimPolicy policy);

/// A matrix-vector layer of a module as a policy meets it: its name as
/// cim-estimate's table prints it (the name location, else "layer <i>";
/// borrowed) and its crossbar shape (CimLayer's inDim, outDim, invocations,
/// repeat; JSON keys input_dim, output_dim, mvm_invocations, repeat_factor).
typedef struct CimPolicyLayer {
  const char *name;
  int64_t inDim;
  int64_t outDim;
  int64_t invocations;
  int64_t repeat;
} CimPolicyLayer;

/// Receives an error of cimPolicyMatchLayers: `layer` is the index of the
/// module layer it is about (report it at that layer's op), or -1 when it is
/// about the policy or the module as a whole.
typedef void (*CimPolicyErrorCallback)(intptr_t layer, MlirStringRef message,
                                       void *userData);

/// Finds the policy row of each of the module's `numLayers` layers, given in
/// program order: `rowOfLayer[i]` (the caller's array of `numLayers`) is
/// the row whose bits layer i takes. A policy with names meets the layers by
/// name, in any order, each layer exactly once; one without names meets them
/// by position. A row that carries shape keys must agree with its layer on
/// each. Fails at the first problem, with one message to `errorCallback`:
/// two layers of the module with the same name (named policies only; at the
/// second), a row naming a layer the module does not have, a layer without
/// a row (at the layer), a row count that differs from the layer count
/// (positional policies; the cimPolicyCheckLayerCount message), or a shape
/// that differs (at the layer; both shapes).
CIM_CAPI_EXPORTED MlirLogicalResult
cimPolicyMatchLayers(CimPolicy policy, intptr_t numLayers,
                     const CimPolicyLayer *layers, intptr_t *rowOfLayer,
                     CimPolicyErrorCallback errorCallback, void *userData);

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
