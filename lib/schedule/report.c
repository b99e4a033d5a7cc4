/*===-- report.c - The schedule report as JSON -----------------------------===*
 *
 * docs/schedule.md, "The report", lists every field.
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "ScheduleReport.h"

static int emitChunk(const char *buffer, size_t size, void *data) {
  void **cbud = data;
  MlirStringCallback cb = (MlirStringCallback)(uintptr_t)cbud[0];
  cb(mlirStringRefCreate(buffer, size), cbud[1]);
  return 0;
}

static double ratio(int64_t a, int64_t b) {
  return b > 0 ? (double)a / (double)b : 0.0;
}

const char *cimScheduleBoundGetName(CimScheduleBound bound) {
  static const char *const names[CIM_SCHEDULE_NUM_BOUNDS] = {
#define CIM_SCHEDULE_BOUND_NAME(ID, NAME) [CIM_SCHEDULE_BOUND_##ID] = NAME,
      CIM_SCHEDULE_BOUNDS(CIM_SCHEDULE_BOUND_NAME)
#undef CIM_SCHEDULE_BOUND_NAME
  };
  return (unsigned)bound < CIM_SCHEDULE_NUM_BOUNDS ? names[bound] : "?";
}

json_t *cimScheduleReportToJSON(const CimScheduleReport *r) {
  json_t *crossbars = json_array();
  for (int64_t x = 0; x < r->numCrossbars; ++x)
    if (r->crossbarBusyPs[x])
      json_array_append_new(
          crossbars,
          json_pack("{s:I, s:I, s:f}", "crossbar", (json_int_t)x, "busy_ps",
                    (json_int_t)r->crossbarBusyPs[x], "utilization",
                    ratio(r->crossbarBusyPs[x], r->latencyPs)));
  json_t *layers = json_array();
  for (int64_t k = 0; k < r->numLayers; ++k) {
    const CimScheduleLayer *l = &r->layers[k];
    int64_t span = l->endPs > l->startPs ? l->endPs - l->startPs : 0;
    json_array_append_new(
        layers,
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "layer",
                  (json_int_t)l->layer, "start_ps", (json_int_t)l->startPs,
                  "end_ps", (json_int_t)l->endPs, "busy_ps",
                  (json_int_t)l->busyPs, "writes", (json_int_t)l->writes,
                  "copies", (json_int_t)l->copies, "work_bound_ps",
                  (json_int_t)l->workBoundPs, "span_over_work_bound",
                  ratio(span, l->workBoundPs)));
  }
  char fingerprint[24];
  snprintf(fingerprint, sizeof fingerprint, "0x%016" PRIx64,
           r->targetFingerprint);
  int64_t used = 0, busy = 0;
  for (int64_t x = 0; x < r->numCrossbars; ++x)
    if (r->crossbarBusyPs[x])
      ++used, busy += r->crossbarBusyPs[x];
  /* The bounds in the order of CIM_SCHEDULE_BOUNDS, then the largest and
   * the term that attains it. */
  const int64_t terms[CIM_SCHEDULE_NUM_BOUNDS] = {
      [CIM_SCHEDULE_BOUND_WORK] = r->workBoundPs,
      [CIM_SCHEDULE_BOUND_WRITE_PORTS] = r->writeBoundPs,
      [CIM_SCHEDULE_BOUND_DIGITAL] = r->digitalBoundPs,
      [CIM_SCHEDULE_BOUND_CRITICAL_PATH] = r->criticalPathPs,
      [CIM_SCHEDULE_BOUND_WRITE_FILL] = r->writeFillBoundPs};
  json_t *bounds = json_object();
  for (int k = 0; k < CIM_SCHEDULE_NUM_BOUNDS; ++k) {
    char key[32];
    snprintf(key, sizeof key, "%s_ps",
             cimScheduleBoundGetName((CimScheduleBound)k));
    json_object_set_new(bounds, key, json_integer((json_int_t)terms[k]));
  }
  json_object_set_new(bounds, "bound_ps", json_integer((json_int_t)r->boundPs));
  json_object_set_new(bounds, "binding",
                      json_string(cimScheduleBoundGetName(r->binding)));
  return json_pack(
      "{s:s, s:b, s:I, s:I, s:f, s:o, s:f, s:I, s:I, s:I, "
      "s:f, s:o, s:o}",
      "target_fingerprint", fingerprint, "scheduled", r->scheduled, "latency_ps", (json_int_t)r->latencyPs,
      "sequential_ps", (json_int_t)r->sequentialPs, "speedup_over_sequential",
      ratio(r->sequentialPs, r->latencyPs), "bounds", bounds,
      "latency_over_bound", ratio(r->latencyPs, r->boundPs), "writes",
      (json_int_t)r->writes, "copies", (json_int_t)r->copies,
      "crossbars_used", (json_int_t)used, "utilization",
      /* busy / (latency * crossbars), without the int64 product */
      ratio(busy, r->latencyPs) /
          (double)(r->numCrossbars ? r->numCrossbars : 1),
      "crossbars", crossbars, "layers", layers);
}

void cimScheduleReportPrintJSON(const CimScheduleReport *r,
                                MlirStringCallback cb, void *ud) {
  json_t *root = cimScheduleReportToJSON(r);
  void *cbud[2] = {(void *)(uintptr_t)cb, ud};
  if (root)
    json_dump_callback(root, emitChunk, cbud,
                       JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  cb(mlirStringRefCreate("\n", 1), ud);
  json_decref(root);
}
