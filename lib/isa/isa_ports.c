/*===-- isa_ports.c - A program's ports and target by accessor -------------===*
 *
 * The fields of CimProgram that bindings need, so that they never lay the
 * struct out themselves (cim-c/Isa.h).
 *===----------------------------------------------------------------------===*/

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>

#include <jansson.h>

#include "cim-c/Cost.h"
#include "cim-c/Isa.h"

intptr_t cimProgramGetNumInputs(const CimProgram *program) {
  return (intptr_t)program->numInputs;
}

const char *cimProgramGetInputName(const CimProgram *program, intptr_t i) {
  assert(i >= 0 && (uint64_t)i < program->numInputs);
  return program->inputs[i].name;
}

intptr_t cimProgramGetNumOutputs(const CimProgram *program) {
  return (intptr_t)program->numOutputs;
}

const char *cimProgramGetOutputName(const CimProgram *program, intptr_t i) {
  assert(i >= 0 && (uint64_t)i < program->numOutputs);
  return program->outputs[i].name;
}

const CimTarget *cimProgramGetTarget(const CimProgram *program) {
  return &program->target;
}

/// The JSON key of a cost component: its CIM_COST_COMPONENTS identifier in
/// lower case ("write", "mvm", "adc", "digital", "buffer").
static void componentKey(CimCostComponent c, char *buf, size_t size) {
  static const char *const ids[] = {
#define COMPONENT_ID(ID, NAME, TC, TU, EC, EU) #ID,
      CIM_COST_COMPONENTS(COMPONENT_ID)
#undef COMPONENT_ID
  };
  size_t i = 0;
  for (; ids[c][i] && i + 1 < size; ++i)
    buf[i] = (char)tolower((unsigned char)ids[c][i]);
  buf[i] = '\0';
}

MlirLogicalResult cimProgramPrintCostJSON(const CimProgram *program,
                                          MlirStringCallback callback,
                                          void *userData,
                                          MlirStringCallback errorCallback,
                                          void *errorUserData) {
  CimEventCounts n;
  CimEventCost c;
  if (mlirLogicalResultIsFailure(cimProgramGetCost(
          program, NULL, &n, &c, errorCallback, errorUserData)))
    return mlirLogicalResultFailure();
  json_t *events = json_pack(
      "{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "writes", (json_int_t)n.writes,
      "cells_written", (json_int_t)n.cellsWritten, "mvm_cycles",
      (json_int_t)n.mvmCycles, "row_activations", (json_int_t)n.rowActivations,
      "adc_conversions", (json_int_t)n.adcConversions, "digital_ops",
      (json_int_t)n.digitalOps, "buffer_accesses",
      (json_int_t)n.bufferAccesses);
  json_t *latency = json_object(), *energy = json_object();
  for (int k = 0; k < CIM_COST_NUM_COMPONENTS; ++k) {
    char key[16];
    componentKey((CimCostComponent)k, key, sizeof key);
    json_object_set_new(latency, key, json_integer(c.latencyPs[k]));
    json_object_set_new(energy, key, json_integer(c.energyFj[k]));
  }
  json_t *root = json_pack("{s:o, s:o, s:o, s:I, s:I}", "events", events,
                           "latency_ps", latency, "energy_fj", energy,
                           "total_latency_ps", (json_int_t)c.totalLatencyPs,
                           "total_energy_fj", (json_int_t)c.totalEnergyFj);
  char *text = root ? json_dumps(root, JSON_PRESERVE_ORDER) : NULL;
  json_decref(root);
  if (!text)
    abort();
  callback(mlirStringRefCreateFromCString(text), userData);
  free(text);
  return mlirLogicalResultSuccess();
}
