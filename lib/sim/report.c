/*===-- report.c - The simulator's JSON report and table --------------------===*
 *
 * docs/cim-sim.md lists every field. Times are integer picoseconds and
 * energies integer femtojoules, as everywhere in cimlir; the table prints
 * them exactly in us and nJ.
 *===----------------------------------------------------------------------===*/

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "SimMachine.h"
#include "schedule/ScheduleReport.h"
#include "target/TargetJSON.h"

/// Fraction of the crossbar's cells that take part in an average MVM cycle.
static double cellUtilization(const SimMachine *m, const CimSimCounters *c) {
  if (c->mvmCycles == 0)
    return 0.0;
  return (double)c->cellActivations /
         ((double)c->mvmCycles * (double)m->target.rows *
          (double)m->target.cols);
}

/// `energy_by_component_fj`: the energy of each CIM_COST_COMPONENTS row,
/// priced by cimPriceEvents (the program's cost was checked before the run,
/// so no sum of its counts overflows), keyed by the row's lower-case ID.
static json_t *energyByComponent(const SimMachine *m, const CimSimCounters *c) {
  CimEventCounts k = {c->writes,         c->cellsWritten,   c->mvmCycles,
                      c->rowActivations, c->adcConversions, c->digitalOps,
                      c->bufferAccesses};
  CimEventCost cost = {0};
  (void)cimPriceEvents(&m->target, &k, &cost, NULL, NULL);
  static const char *const keys[] = {
#define COMPONENT_KEY(ID, NAME, TC, TU, EC, EU) #ID,
      CIM_COST_COMPONENTS(COMPONENT_KEY)
#undef COMPONENT_KEY
  };
  json_t *e = json_object();
  for (int i = 0; i < CIM_COST_NUM_COMPONENTS; ++i) {
    char key[16];
    size_t n = 0;
    for (; keys[i][n] && n + 1 < sizeof key; ++n)
      key[n] = (char)tolower((unsigned char)keys[i][n]);
    key[n] = '\0';
    json_object_set_new(e, key, json_integer(cost.energyFj[i]));
  }
  return e;
}

static json_t *countersToJSON(const SimMachine *m, const CimSimCounters *c) {
  json_t *o = json_pack(
      "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}",
      "instructions", (json_int_t)c->instructions, "writes",
      (json_int_t)c->writes, "cells_written", (json_int_t)c->cellsWritten,
      "mvm_cycles", (json_int_t)c->mvmCycles, "row_activations",
      (json_int_t)c->rowActivations, "cell_activations",
      (json_int_t)c->cellActivations, "adc_conversions",
      (json_int_t)c->adcConversions, "digital_ops", (json_int_t)c->digitalOps,
      "buffer_accesses", (json_int_t)c->bufferAccesses, "latency_ps",
      (json_int_t)c->latencyPs, "energy_fj", (json_int_t)c->energyFj,
      "cell_utilization", cellUtilization(m, c));
  if (o)
    json_object_set_new(o, "energy_by_component_fj", energyByComponent(m, c));
  return o;
}

static int emit(const char *buffer, size_t size, void *data) {
  void **cbud = data;
  MlirStringCallback cb = (MlirStringCallback)(uintptr_t)cbud[0];
  cb(mlirStringRefCreate(buffer, size), cbud[1]);
  return 0;
}

void cimSimPrintReportJSON(CimSim sim, MlirStringCallback cb, void *ud) {
  const SimMachine *m = sim.ptr;
  json_t *target = cimTargetToJSON(&m->target);
  json_t *layers = json_array();
  for (int64_t i = 0; i < m->numLayers; ++i) {
    json_t *e = countersToJSON(m, &m->layerCounters[i]);
    json_object_set_new(e, "layer", json_integer(m->layers[i]));
    json_array_append_new(layers, e);
  }
  json_t *crossbars = json_array();
  for (int64_t i = 0; i < m->numUsedCrossbars; ++i) {
    const CimSimCounters *c = &m->crossbars[m->usedCrossbars[i]]->counters;
    json_t *e = countersToJSON(m, c);
    json_object_set_new(e, "crossbar", json_integer(m->usedCrossbars[i]));
    json_object_set_new(
        e, "busy_fraction",
        json_real(m->total.latencyPs
                      ? (double)c->latencyPs / (double)m->total.latencyPs
                      : 0.0));
    json_array_append_new(crossbars, e);
  }
  json_t *root = json_pack(
      "{s:o, s:o, s:o, s:o, s:o, s:{s:I, s:I}}", "target",
      target ? target : json_null(), "total", countersToJSON(m, &m->total),
      "layers", layers, "unattributed",
      countersToJSON(m, &m->layerCounters[m->numLayers]), "crossbars",
      crossbars, "mvm_instructions", "deferred", (json_int_t)m->deferred,
      "direct", (json_int_t)m->direct);
  char fingerprint[24];
  snprintf(fingerprint, sizeof fingerprint, "0x%016" PRIx64,
           cimTargetGetFingerprint(&m->target));
  if (root)
    json_object_set_new(root, "target_fingerprint", json_string(fingerprint));
  if (root && m->schedule)
    json_object_set_new(root, "schedule",
                        cimScheduleReportToJSON(m->schedule));
  void *cbud[2] = {(void *)(uintptr_t)cb, ud};
  if (root)
    json_dump_callback(root, emit, cbud, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  cb(mlirStringRefCreate("\n", 1), ud);
  json_decref(root);
}

/// "12.345678" for v / 10^6, exact.
static void fixed6(char *buf, size_t n, int64_t v) {
  snprintf(buf, n, "%s%lld.%06lld", v < 0 ? "-" : "",
           (long long)((v < 0 ? -(v / 1000000) : v / 1000000)),
           (long long)((v < 0 ? -(v % 1000000) : v % 1000000)));
}

static void printRow(CimStrBuf *b, const char *name, const SimMachine *m,
                     const CimSimCounters *c) {
  char t[48], e[48];
  fixed6(t, sizeof t, c->latencyPs);
  fixed6(e, sizeof e, c->energyFj);
  cimStrBufPrintf(b, "%-12s %8lld %14lld %18s %16s %7.1f%%\n", name,
                  (long long)c->writes, (long long)c->mvmCycles, t, e,
                  100.0 * cellUtilization(m, c));
}

void cimSimPrintTable(CimSim sim, MlirStringCallback cb, void *ud) {
  const SimMachine *m = sim.ptr;
  CimStrBuf b = {0};
  cimStrBufPrintf(&b, "%-12s %8s %14s %18s %16s %8s\n", "layer", "writes",
                  "MVM cycles", "time (us)", "energy (nJ)", "util");
  for (int64_t i = 0; i < m->numLayers; ++i) {
    char name[32];
    snprintf(name, sizeof name, "%lld", (long long)m->layers[i]);
    printRow(&b, name, m, &m->layerCounters[i]);
  }
  const CimSimCounters *other = &m->layerCounters[m->numLayers];
  if (other->instructions)
    printRow(&b, "(no layer)", m, other);
  printRow(&b, "total", m, &m->total);
  if (m->schedule && m->schedule->scheduled) {
    const CimScheduleReport *r = m->schedule;
    char lat[48], bnd[48];
    fixed6(lat, sizeof lat, r->latencyPs);
    fixed6(bnd, sizeof bnd, r->boundPs);
    cimStrBufPrintf(&b,
                    "schedule: %s us on %lld crossbars (sequential above), "
                    "lower bound %s us, ratio %.3f\n",
                    lat, (long long)r->numCrossbars, bnd,
                    r->boundPs ? (double)r->latencyPs / (double)r->boundPs
                               : 0.0);
  }
  cb(mlirStringRefCreate(cimStrBufGet(&b), b.length), ud);
  cimStrBufFree(&b);
}
