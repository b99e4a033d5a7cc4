/*===-- cost_oracle.c - Throughput of the cost model as a search oracle ----===*
 *
 * A HAQ/CIM-AQ-style search evaluates thousands of per-layer policies. This
 * benchmark costs every reference policy (test/data/cim-aq-policies.json)
 * against its network's layer shapes on the default target, with a W8A8
 * baseline, over and over, and reports policies evaluated per second.
 *
 * Usage: cost_oracle POLICIES.json [SECONDS]
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cim-c/Estimate.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s POLICIES.json [SECONDS]\n", argv[0]);
    return 1;
  }
  double seconds = argc > 2 ? atof(argv[2]) : 2.0;
  json_error_t err;
  json_t *root = json_load_file(argv[1], 0, &err);
  if (!root) {
    fprintf(stderr, "%s:%d:%d: %s\n", argv[1], err.line, err.column, err.text);
    return 1;
  }
  json_t *policies = json_object_get(root, "policies");
  json_t *shapes = json_object_get(root, "layer_dimensions");
  long evaluations = 0, layers = 0;
  double checksum = 0;
  double start = now();
  while (now() - start < seconds) {
    const char *name;
    json_t *policy;
    json_object_foreach(policies, name, policy) {
      char model[32];
      snprintf(model, sizeof model, "%.*s", (int)strcspn(name, "-"), name);
      json_t *net = json_object_get(shapes, model);
      CimTarget t = cimTargetGetDefault();
      t.cellBits = name[strlen(name) - 1] - '0';
      CimEstimate e = cimEstimateCreate(&t, 8);
      for (size_t i = 0; i < json_array_size(net); ++i) {
        json_t *s = json_array_get(net, i), *row = json_array_get(policy, i);
        CimLayer l = {CIM_LAYER_DENSE,
                      json_integer_value(json_object_get(s, "input_dim")),
                      json_integer_value(json_object_get(s, "output_dim")),
                      json_integer_value(json_object_get(s, "mvm_invocations")),
                      json_integer_value(json_object_get(s, "repeat_factor")),
                      json_integer_value(json_array_get(row, 0)),
                      json_integer_value(json_array_get(row, 1)),
                      true, true};
        if (mlirLogicalResultIsFailure(cimEstimateAddLayer(e, "l", &l, NULL, NULL)))
          return 1;
        ++layers;
      }
      checksum += (double)cimEstimateGetBaselineTotalCost(e)->latencyPs /
                  (double)cimEstimateGetTotalCost(e)->latencyPs;
      cimEstimateDestroy(e);
      ++evaluations;
    }
  }
  double elapsed = now() - start;
  printf("policies evaluated: %ld in %.2f s = %.0f policies/s (%.0f layers/s); "
         "checksum %.3f\n",
         evaluations, elapsed, evaluations / elapsed, layers / elapsed,
         checksum / evaluations);
  json_decref(root);
  return 0;
}
