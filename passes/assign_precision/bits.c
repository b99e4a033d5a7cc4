/*===-- bits.c - cim-assign-precision: bits per layer ---------------------===*/

#include "AssignPrecisionInternal.h"

/*===----------------------------------------------------------------------===*
 * Bits per layer
 *===----------------------------------------------------------------------===*/

bool apAssignBits(State *st, MlirOperation module) {
  const CimPassOptions *o = st->options;
  intptr_t n = st->numLayers;
  MlirStringRef policyPath = cimPassOptionsGetString(o, "policy");
  if (policyPath.length > 0 &&
      (cimPassOptionsIsSet(o, "w-bits") || cimPassOptionsIsSet(o, "a-bits"))) {
    apErrorAt(st, st->moduleLoc,
              "give either policy=FILE or w-bits/a-bits, "
              "not both");
    return false;
  }
  bool given = !cimPolicyIsNull(st->givenPolicy);
  if (policyPath.length > 0 || given) {
    CimPolicy policy = st->givenPolicy;
    if (!given) {
      CimStrBuf path = {0};
      cimStrBufAppendRef(&path, policyPath);
      policy = cimPolicyLoadFile(cimStrBufGet(&path), apEmitAtModule, st);
      cimStrBufFree(&path);
    }
    intptr_t *rows = calloc(n > 0 ? (size_t)n : 1, sizeof *rows);
    bool ok = !cimPolicyIsNull(policy);
    if (ok && !rows) {
      apErrorAt(st, st->moduleLoc, "out of memory");
      ok = false;
    }
    /* Rows meet layers by name or by position, shapes checked: the one rule
     * (lib/cost/policy.c), shared with cim-estimate. */
    if (ok && mlirLogicalResultIsFailure(cimLayerMatchPolicy(
                  st->layers, n, policy, PASS, st->moduleLoc, rows))) {
      st->failed = true;
      ok = false;
    }
    for (intptr_t i = 0; ok && i < n; ++i) {
      st->wBits[i] = cimPolicyGetWeightBits(policy, rows[i]);
      st->aBits[i] = cimPolicyGetActivationBits(policy, rows[i]);
    }
    free(rows);
    if (!given)
      cimPolicyDestroy(policy);
    if (!ok)
      return false;
  } else {
    for (intptr_t i = 0; i < n; ++i) {
      st->wBits[i] = cimPassOptionsGetInt(o, "w-bits");
      st->aBits[i] = cimPassOptionsGetInt(o, "a-bits");
    }
  }
  if (cimPassOptionsGetBool(o, "first-last-8bit") && n > 0) {
    st->wBits[0] = st->aBits[0] = 8;
    st->wBits[n - 1] = st->aBits[n - 1] = 8;
  }
  if (cimPassOptionsGetBool(o, "cell-aligned")) {
    CimTarget target;
    if (mlirLogicalResultIsFailure(cimPassResolveTarget(
            module, "cim-assign-precision",
            cimPassOptionsGetString(o, "target"), true, &target))) {
      st->failed = true;
      return false;
    }
    int64_t cell = target.cellBits;
    for (intptr_t i = 0; i < n; ++i) {
      int64_t aligned = (st->wBits[i] + cell - 1) / cell * cell;
      if (aligned > 8) {
        char name[128];
        cimLayerGetName(st->layers[i], i, name, sizeof name);
        apErrorAt(
            st, mlirOperationGetLocation(st->layers[i]),
            "cell-aligned: layer '%s' has %lld-bit weights, which round "
            "up to %lld bits (a multiple of the target's %lld-bit cells), "
            "more than the 8 bits a weight can have",
            name, (long long)st->wBits[i], (long long)aligned, (long long)cell);
        return false;
      }
      st->wBits[i] = aligned;
    }
  }
  return true;
}

/*===----------------------------------------------------------------------===*
 * Calibration entries -> layers
 *===----------------------------------------------------------------------===*/

bool apResolveCalibration(State *st) {
  for (intptr_t e = 0; e < st->cal.numLayers; ++e) {
    const CimCalibrationEntry *entry = &st->cal.layers[e];
    intptr_t found = -1;
    if (entry->name) {
      for (intptr_t i = 0; i < st->numLayers && found < 0; ++i) {
        char name[128];
        cimLayerGetName(st->layers[i], i, name, sizeof name);
        if (strcmp(name, entry->name) == 0)
          found = i;
      }
      if (found < 0) {
        apErrorAt(st, st->moduleLoc,
                  "calibration layers[%ld] names layer '%s', which the module "
                  "does not have",
                  (long)e, entry->name);
        return false;
      }
    } else {
      if (entry->index >= st->numLayers) {
        apErrorAt(st, st->moduleLoc,
                  "calibration layers[%ld] is for layer %lld, but the module "
                  "has %ld matrix-vector layers",
                  (long)e, (long long)entry->index, (long)st->numLayers);
        return false;
      }
      found = (intptr_t)entry->index;
    }
    if (st->layerCal[found]) {
      char name[128];
      cimLayerGetName(st->layers[found], found, name, sizeof name);
      apErrorAt(st, st->moduleLoc,
                "calibration layers[%ld] is the second entry for layer %ld "
                "('%s')",
                (long)e, (long)found, name);
      return false;
    }
    st->layerCal[found] = entry;
  }
  return true;
}
