/*===-- cost_test.c - Check suite for the crossbar cost model --------------===*
 *
 * Hand-derived counts for edge cases (derivations in the comments), and the
 * reproduction of the reference system's published speedups (Pelke, Klein et
 * al., DATE 2026) from its own per-layer policies and layer shapes
 * (test/data/cim-aq-policies.json, copied from shared/reference).
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Cost.h"
#include "cim-c/Estimate.h"

static char message[512];

static void capture(MlirStringRef s, void *userData) {
  (void)userData;
  snprintf(message, sizeof message, "%.*s", (int)s.length, s.data);
}

static CimLayer layer(int64_t in, int64_t out, int64_t inv, int64_t w, int64_t a) {
  CimLayer l = {CIM_LAYER_DENSE, in, out, inv, 1, w, a, true, true};
  return l;
}

static CimLayerCost cost(const CimTarget *t, const CimLayer *l) {
  CimLayerCost c;
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsSuccess(cimLayerCostCompute(t, l, &c, capture, NULL)),
                "%s", message);
  return c;
}

START_TEST(test_resnet18_first_layer_w8a8) {
  /* conv1: 64 outputs, 3*7*7 = 147 inputs, 112*112 = 12544 invocations.
   * 8-bit weights on 4-bit cells: 2 slices; differential column: 64*2*2 =
   * 256 columns = 1 column tile; 147 rows = 1 row tile. 8 input planes.
   * writes = 1; MVMs = 12544 * 1 * 8 = 100352;
   * latency = 56 us + 100352 * 1.4 us = 140548.8 us. */
  CimTarget t = cimTargetGetDefault();
  CimLayer l = layer(147, 64, 12544, 8, 8);
  CimLayerCost c = cost(&t, &l);
  ck_assert_int_eq(c.weightSlices, 2);
  ck_assert_int_eq(c.inputPlanes, 8);
  ck_assert_int_eq(c.columns, 256);
  ck_assert_int_eq(c.rows, 147);
  ck_assert_int_eq(c.tiles, 1);
  ck_assert_int_eq(c.cells, 147 * 256);
  ck_assert_int_eq(c.writes, 1);
  ck_assert_int_eq(c.mvmCycles, 100352);
  ck_assert_int_eq(c.adcConversions, 100352 * 256);
  ck_assert_int_eq(c.latencyPs, INT64_C(140548800000));
}
END_TEST

START_TEST(test_one_bit_weights_and_activations) {
  /* 1-bit weights: 1 slice even on 4-bit cells; 1-bit activations: 1 plane.
   * out 200 -> 400 columns -> 2 column tiles (256 + 144); in 10 -> 1 row
   * tile. MVMs = 3 invocations * 2 tiles * 1 plane = 6. */
  CimTarget t = cimTargetGetDefault();
  CimLayer l = layer(10, 200, 3, 1, 1);
  CimLayerCost c = cost(&t, &l);
  ck_assert_int_eq(c.weightSlices, 1);
  ck_assert_int_eq(c.inputPlanes, 1);
  ck_assert_int_eq(c.colTiles, 2);
  ck_assert_int_eq(c.tiles, 2);
  ck_assert_int_eq(c.mvmCycles, 6);
  ck_assert_int_eq(c.adcConversions, 3 * (256 + 144));
  ck_assert_int_eq(c.cells, 10 * 400);
}
END_TEST

START_TEST(test_three_bit_weights_on_two_bit_cells_ragged_rows) {
  /* 3-bit weights on 2-bit cells: ceil(3/2) = 2 slices. out 5 -> 5*2*2 = 20
   * columns; in 300 on 256 rows -> row tiles of 256 and 44. cells = 300*20.
   * 5 invocations, 4-bit activations with a 1-bit DAC: 4 planes;
   * MVMs = 5 * 2 * 4 = 40. */
  CimTarget t = cimTargetGetDefault();
  t.cellBits = 2;
  CimLayer l = layer(300, 5, 5, 3, 4);
  CimLayerCost c = cost(&t, &l);
  ck_assert_int_eq(c.weightSlices, 2);
  ck_assert_int_eq(c.columns, 20);
  ck_assert_int_eq(c.rowTiles, 2);
  ck_assert_int_eq(c.tiles, 2);
  ck_assert_int_eq(c.cells, 6000);
  ck_assert_int_eq(c.mvmCycles, 40);
  ck_assert_int_eq(c.rowActivations, 5 * 4 * 300);
}
END_TEST

START_TEST(test_ou_smaller_than_rows) {
  /* Same layer with at most 64 rows active: the 256-row tile takes 4
   * sub-cycles, the 44-row tile 1, so each MVM step costs 5 cycles:
   * MVMs = 5 invocations * 4 planes * 5 = 100; every sub-cycle converts the
   * 20 columns: 2000 conversions. */
  CimTarget t = cimTargetGetDefault();
  t.cellBits = 2;
  t.ouRows = 64;
  CimLayer l = layer(300, 5, 5, 3, 4);
  CimLayerCost c = cost(&t, &l);
  ck_assert_int_eq(c.mvmCycles, 100);
  ck_assert_int_eq(c.adcConversions, 2000);
  ck_assert_int_eq(c.writes, 2);
}
END_TEST

START_TEST(test_differential_row_mapping) {
  /* Rows in pairs: 128 pairs per 256-row crossbar. in 200 -> 400 rows in
   * tiles of 256 and 144; out 100 with 8-bit weights on 4-bit cells ->
   * 200 columns, 1 column tile. */
  CimTarget t = cimTargetGetDefault();
  t.weightMapping = CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW;
  CimLayer l = layer(200, 100, 1, 8, 8);
  CimLayerCost c = cost(&t, &l);
  ck_assert_int_eq(c.rows, 400);
  ck_assert_int_eq(c.columns, 200);
  ck_assert_int_eq(c.rowTiles, 2);
  ck_assert_int_eq(c.colTiles, 1);
  ck_assert_int_eq(c.cells, 400 * 200);
  ck_assert_int_eq(c.mvmCycles, 2 * 8);
}
END_TEST

START_TEST(test_offset_mapping_bias_column) {
  /* 255 data columns + 1 bias column per 256-column crossbar. out 300 with
   * 4-bit weights: 300 data columns -> tiles of 255 and 45, each with a
   * bias column: 302 columns, cells = 10 rows * 302. */
  CimTarget t = cimTargetGetDefault();
  t.weightMapping = CIM_WEIGHT_MAPPING_OFFSET;
  CimLayer l = layer(10, 300, 1, 4, 8);
  CimLayerCost c = cost(&t, &l);
  ck_assert_int_eq(c.colTiles, 2);
  ck_assert_int_eq(c.columns, 302);
  ck_assert_int_eq(c.cells, 3020);
  ck_assert_int_eq(c.adcConversions, 8 * 302);
}
END_TEST

START_TEST(test_repeat_and_times) {
  /* An attention score matmul: 64-long dot products, 50 outputs, 50
   * invocations, 12 heads, w8a8 on the default target: 1 tile per head;
   * writes = 12; MVMs = 50 * 1 * 8 * 12 = 4800;
   * latency = 12 * 56 us + 4800 * 1.4 us = 672 + 6720 us = 7392 us. */
  CimTarget t = cimTargetGetDefault();
  CimLayer l = layer(64, 50, 50, 8, 8);
  l.kind = CIM_LAYER_MATMUL;
  l.repeat = 12;
  CimLayerCost c = cost(&t, &l);
  ck_assert_int_eq(c.writes, 12);
  ck_assert_int_eq(c.mvmCycles, 4800);
  ck_assert_int_eq(c.latencyPs, INT64_C(7392000000));
  /* ADC time and energies add per event. */
  t.adcPs = 10;
  t.adcFj = 3;
  t.mvmFj = 2;
  t.writeFj = 5;
  c = cost(&t, &l);
  ck_assert_int_eq(c.adcConversions, 4800 * 200);
  ck_assert_int_eq(c.latencyPs, INT64_C(7392000000) + 4800 * 200 * 10);
  ck_assert_int_eq(c.energyFj, 64 * 200 * 12 * 5 + 4800 * 64 * 2 + 4800 * 200 * 3);
}
END_TEST

START_TEST(test_unmappable_layers) {
  /* Targets that cannot hold one unit of their weight mapping are rejected
   * by the target validation the cost model runs first. */
  CimTarget t = cimTargetGetDefault();
  t.rows = t.cols = t.ouRows = 1;
  CimLayer l = layer(4, 4, 1, 4, 4);
  CimLayerCost c;
  ck_assert(mlirLogicalResultIsFailure(cimLayerCostCompute(&t, &l, &c, capture, NULL)));
  ck_assert_str_eq(message, "target: field 'cols': 1 is out of range [2, 65536] "
                            "(differential-column needs a column pair)");
  t.weightMapping = CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW;
  ck_assert(mlirLogicalResultIsFailure(cimLayerCostCompute(&t, &l, &c, capture, NULL)));
  ck_assert_str_eq(message, "target: field 'rows': 1 is out of range [2, 65536] "
                            "(differential-row needs a row pair)");
  t.weightMapping = CIM_WEIGHT_MAPPING_OFFSET;
  ck_assert(mlirLogicalResultIsFailure(cimLayerCostCompute(&t, &l, &c, capture, NULL)));
  ck_assert_str_eq(message, "target: field 'cols': 1 is out of range [2, 65536] "
                            "(offset needs a data column beside the bias column)");
  /* An invalid target never reaches a division. */
  t = cimTargetGetDefault();
  t.ouRows = 0;
  ck_assert(mlirLogicalResultIsFailure(cimLayerCostCompute(&t, &l, &c, capture, NULL)));
  ck_assert_str_eq(message, "target: field 'ou_rows': 0 is out of range [1, 256]");
  t = cimTargetGetDefault();
  t.inputEncoding = CIM_INPUT_ENCODING_UNSIGNED;
  ck_assert(mlirLogicalResultIsFailure(cimLayerCostCompute(&t, &l, &c, capture, NULL)));
  ck_assert_str_eq(message, "the layer has signed activations but the target's "
                            "input encoding is 'unsigned'");
  t = cimTargetGetDefault();
  l.wBits = 9;
  ck_assert(mlirLogicalResultIsFailure(cimLayerCostCompute(&t, &l, &c, capture, NULL)));
  ck_assert_str_eq(message, "weights have 9 bits and activations 4 bits; "
                            "crossbar layers take 1 to 8 bits");
  l.wBits = 4;
  l.inDim = 0;
  ck_assert(mlirLogicalResultIsFailure(cimLayerCostCompute(&t, &l, &c, capture, NULL)));
  ck_assert_str_eq(message, "layer dimensions must be positive: in_dim 0, "
                            "out_dim 4, invocations 1, repeat 1");
  /* Costs beyond 64 bits are an error, not a wrapped number: 2^31
   * invocations of a 2^20-row layer at the slowest MVM (1000 s). */
  l = layer(INT64_C(1) << 20, 1, INT64_C(1) << 31, 8, 8);
  t.mvmPs = INT64_C(1000000000000000);
  ck_assert(mlirLogicalResultIsFailure(cimLayerCostCompute(&t, &l, &c, capture, NULL)));
  /* 2^20 rows / 256 = 4096 row tiles, 1 column tile: 4096 * 2^31 * 8 =
   * 2^46 MVM cycles; the writes (4096 x 56 us) still fit. */
  ck_assert_str_eq(message, "the latency of the MVM cycles, 70368744177664 x "
                            "1000000000000000 ps, exceeds the 64-bit "
                            "picosecond counter");
  l.invocations = (INT64_C(1) << 31) + 1;
  ck_assert(mlirLogicalResultIsFailure(cimLayerCostCompute(&t, &l, &c, capture, NULL)));
  ck_assert_str_eq(message, "layer dimensions beyond 2^31 are not supported");
}
END_TEST

/* --- Pricing: events to ps and fJ (cimPriceEvents). ---------------------- */

static CimEventCost price(const CimTarget *t, const CimEventCounts *n) {
  CimEventCost c;
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsSuccess(cimPriceEvents(t, n, &c, capture, NULL)),
                "%s", message);
  return c;
}

START_TEST(test_price_default_target) {
  /* The reference system: 56 us per crossbar write, 1.4 us per MVM cycle,
   * everything else free. 3 writes and 10 MVM cycles:
   * 3 * 56,000,000 ps + 10 * 1,400,000 ps = 168,000,000 + 14,000,000
   * = 182,000,000 ps (182 us). Energy from the published defaults
   * (docs/target.md, "Energy defaults"): one active row 256 cols *
   * 2.34375 fJ + 416.67 fJ (1-bit DAC) = 1016.67 -> 1017 fJ, so 2560 rows
   * = 2,603,520 fJ; a digital op 21 fJ, 99 ops = 2079 fJ; writes, the
   * ideal ADC (12 bits: no figure) and buffer accesses are not priced. */
  CimTarget t = cimTargetGetDefault();
  CimEventCounts n = {.writes = 3, .cellsWritten = 3 * 256 * 256,
                      .mvmCycles = 10, .rowActivations = 10 * 256,
                      .adcConversions = 10 * 256, .digitalOps = 99,
                      .bufferAccesses = 1000};
  CimEventCost c = price(&t, &n);
  ck_assert_int_eq(c.latencyPs[CIM_COST_WRITE], INT64_C(168000000));
  ck_assert_int_eq(c.latencyPs[CIM_COST_MVM], INT64_C(14000000));
  ck_assert_int_eq(c.latencyPs[CIM_COST_ADC], 0);
  ck_assert_int_eq(c.latencyPs[CIM_COST_DIGITAL], 0);
  ck_assert_int_eq(c.latencyPs[CIM_COST_BUFFER], 0);
  ck_assert_int_eq(c.totalLatencyPs, INT64_C(182000000));
  ck_assert_int_eq(c.energyFj[CIM_COST_WRITE], 0);
  ck_assert_int_eq(c.energyFj[CIM_COST_MVM], INT64_C(2603520));
  ck_assert_int_eq(c.energyFj[CIM_COST_ADC], 0);
  ck_assert_int_eq(c.energyFj[CIM_COST_DIGITAL], 2079);
  ck_assert_int_eq(c.energyFj[CIM_COST_BUFFER], 0);
  ck_assert_int_eq(c.totalEnergyFj, INT64_C(2605599));
  ck_assert_str_eq(cimCostComponentGetName(CIM_COST_MVM), "MVM cycles");
  ck_assert_str_eq(cimCostComponentGetName(CIM_COST_NUM_COMPONENTS), "?");
}
END_TEST

START_TEST(test_price_every_component) {
  /* Each component takes its own count for time and for energy:
   *   write:   time   1 write  x  7 ps =     7; energy  100 cells x  2 fJ =   200
   *   MVM:     time   4 cycles x 11 ps =    44; energy   40 rows  x  3 fJ =   120
   *   ADC:     time  64 conv.  x 13 ps =   832; energy   64 conv. x  5 fJ =   320
   *   digital: time   9 ops    x 17 ps =   153; energy    9 ops   x 23 fJ =   207
   *   buffer:  time 1000 acc.  x 19 ps = 19000; energy 1000 acc.  x 29 fJ = 29000
   * latency 7 + 44 + 832 + 153 + 19000 = 20036 ps;
   * energy 200 + 120 + 320 + 207 + 29000 = 29847 fJ. */
  CimTarget t = cimTargetGetDefault();
  t.writePs = 7, t.mvmPs = 11, t.adcPs = 13, t.digitalPs = 17, t.bufferPs = 19;
  t.writeFj = 2, t.mvmFj = 3, t.adcFj = 5, t.digitalFj = 23, t.bufferFj = 29;
  CimEventCounts n = {1, 100, 4, 40, 64, 9, 1000};
  CimEventCost c = price(&t, &n);
  const int64_t ps[] = {7, 44, 832, 153, 19000}, fj[] = {200, 120, 320, 207, 29000};
  for (int k = 0; k < CIM_COST_NUM_COMPONENTS; ++k) {
    ck_assert_int_eq(c.latencyPs[k], ps[k]);
    ck_assert_int_eq(c.energyFj[k], fj[k]);
  }
  ck_assert_int_eq(c.totalLatencyPs, 20036);
  ck_assert_int_eq(c.totalEnergyFj, 29847);
}
END_TEST

START_TEST(test_price_overflow_is_an_error) {
  /* INT64_MAX = 9,223,372,036,854,775,807. On the default target
   * 6,588,122,883,468 MVM cycles x 1,400,000 ps > INT64_MAX (one fewer
   * fits: 6,588,122,883,467 x 1.4e6 = 9,223,372,036,853,800,000). */
  CimTarget t = cimTargetGetDefault();
  CimEventCounts n = {.mvmCycles = INT64_C(6588122883468)};
  CimEventCost c = {.totalLatencyPs = -1};
  ck_assert(mlirLogicalResultIsFailure(cimPriceEvents(&t, &n, &c, capture, NULL)));
  ck_assert_str_eq(message, "the latency of the MVM cycles, 6588122883468 x "
                            "1400000 ps, exceeds the 64-bit picosecond counter");
  ck_assert_int_eq(c.totalLatencyPs, -1); /* untouched */
  n.mvmCycles -= 1;
  ck_assert_int_eq(price(&t, &n).totalLatencyPs, INT64_C(9223372036853800000));
  /* Each product fits, the sum does not: 164,703,072,086 writes x 56 us =
   * 9,223,372,036,816,000,000 ps, plus the MVM cycles above. */
  n.writes = INT64_C(164703072086);
  ck_assert(mlirLogicalResultIsFailure(cimPriceEvents(&t, &n, &c, capture, NULL)));
  ck_assert_str_eq(message, "the total latency exceeds the 64-bit picosecond "
                            "counter when the MVM cycles (9223372036853800000 "
                            "ps) are added");
  /* Energy likewise: 2^62 cells at 2 fJ. */
  t.writeFj = 2;
  n = (CimEventCounts){.cellsWritten = INT64_C(1) << 62};
  ck_assert(mlirLogicalResultIsFailure(cimPriceEvents(&t, &n, &c, capture, NULL)));
  ck_assert_str_eq(message, "the energy of the crossbar writes, "
                            "4611686018427387904 x 2 fJ, exceeds the 64-bit "
                            "femtojoule counter");
}
END_TEST

START_TEST(test_event_counts_add) {
  CimEventCounts total = {1, 2, 3, 4, 5, 6, 7}, more = {10, 20, 30, 40, 50, 60, 70};
  ck_assert(mlirLogicalResultIsSuccess(cimEventCountsAdd(&total, &more, capture, NULL)));
  ck_assert_int_eq(total.writes, 11);
  ck_assert_int_eq(total.cellsWritten, 22);
  ck_assert_int_eq(total.mvmCycles, 33);
  ck_assert_int_eq(total.rowActivations, 44);
  ck_assert_int_eq(total.adcConversions, 55);
  ck_assert_int_eq(total.digitalOps, 66);
  ck_assert_int_eq(total.bufferAccesses, 77);
  /* 44 + (INT64_MAX - 44) is the largest sum that fits; 40 more do not. */
  CimEventCounts huge = {.rowActivations = INT64_MAX - 44};
  ck_assert(mlirLogicalResultIsSuccess(cimEventCountsAdd(&total, &huge, capture, NULL)));
  ck_assert_int_eq(total.rowActivations, INT64_MAX);
  ck_assert(mlirLogicalResultIsFailure(cimEventCountsAdd(&total, &more, capture, NULL)));
  ck_assert_str_eq(message, "the number of row activations exceeds the 64-bit "
                            "event counter");
  ck_assert_int_eq(total.writes, 11); /* unchanged */
}
END_TEST

START_TEST(test_network_total_overflow_is_an_error) {
  /* The slowest valid MVM (10^12 ns = 10^15 ps). One layer: 256 inputs
   * (1 row tile), 64 outputs x 2 slices x 2 = 256 columns (1 column tile),
   * 625 invocations x 8 planes = 5000 MVM cycles: 56 us + 5000 x 10^15 ps
   * = 5,000,000,000,056,000,000 ps fits. Two such layers are 10^19 ps >
   * INT64_MAX: the second is refused and the total stays the first's. */
  CimTarget t = cimTargetGetDefault();
  t.mvmPs = INT64_C(1000000000000000);
  CimLayer l = layer(256, 64, 625, 8, 8);
  ck_assert_int_eq(cost(&t, &l).latencyPs, INT64_C(5000000000056000000));
  CimEstimate e = cimEstimateCreate(&t, 0);
  ck_assert(mlirLogicalResultIsSuccess(cimEstimateAddLayer(e, "a", &l, capture, NULL)));
  ck_assert(mlirLogicalResultIsFailure(cimEstimateAddLayer(e, "b", &l, capture, NULL)));
  ck_assert_str_eq(message, "layer 'b': the total latency (ps) over the layers "
                            "exceeds 64 bits");
  ck_assert_int_eq(cimEstimateGetNumLayers(e), 1);
  ck_assert_int_eq(cimEstimateGetTotalCost(e)->latencyPs,
                   INT64_C(5000000000056000000));
  cimEstimateDestroy(e);
}
END_TEST

/* --- Reproduction of the published speedups. ---------------------------- */

/* The reference model as the brief states it, written out independently of
 * lib/cost/cost.c: slices = ceil(w/cell); columns = out * slices * 2;
 * tiles = ceil(columns/256) * ceil(in/256); MVMs = inv * tiles * a;
 * latency = writes * 56 us + MVMs * 1.4 us, per repeat. In units of 0.1 us. */
static int64_t referenceLatency(json_t *shape, json_t *row, int64_t cell) {
  int64_t out = json_integer_value(json_object_get(shape, "output_dim"));
  int64_t in = json_integer_value(json_object_get(shape, "input_dim"));
  int64_t inv = json_integer_value(json_object_get(shape, "mvm_invocations"));
  int64_t rep = json_integer_value(json_object_get(shape, "repeat_factor"));
  int64_t w = json_integer_value(json_array_get(row, 0));
  int64_t a = json_integer_value(json_array_get(row, 1));
  int64_t slices = (w + cell - 1) / cell;
  int64_t tiles = ((out * slices * 2 + 255) / 256) * ((in + 255) / 256);
  return rep * (tiles * 560 + inv * tiles * a * 14);
}

static double speedupOf(json_t *root, const char *policyName, bool *countsMatch) {
  json_t *policy = json_object_get(json_object_get(root, "policies"), policyName);
  ck_assert_ptr_nonnull(policy);
  char model[32];
  snprintf(model, sizeof model, "%.*s", (int)strcspn(policyName, "-"), policyName);
  json_t *shapes = json_object_get(json_object_get(root, "layer_dimensions"), model);
  ck_assert_ptr_nonnull(shapes);
  ck_assert_int_eq(json_array_size(shapes), json_array_size(policy));
  int64_t cell = policyName[strlen(policyName) - 1] - '0';

  CimTarget t = cimTargetGetDefault();
  t.cellBits = cell;
  int64_t mixed = 0, base = 0;
  *countsMatch = true;
  for (size_t i = 0; i < json_array_size(shapes); ++i) {
    json_t *s = json_array_get(shapes, i);
    json_t *row = json_array_get(policy, i);
    const char *type = json_string_value(json_object_get(s, "type"));
    CimLayer l = {
        strcmp(type, "Conv2D") == 0  ? CIM_LAYER_CONV2D
        : strcmp(type, "MatMul") == 0 ? CIM_LAYER_MATMUL
                                      : CIM_LAYER_DENSE,
        json_integer_value(json_object_get(s, "input_dim")),
        json_integer_value(json_object_get(s, "output_dim")),
        json_integer_value(json_object_get(s, "mvm_invocations")),
        json_integer_value(json_object_get(s, "repeat_factor")),
        json_integer_value(json_array_get(row, 0)),
        json_integer_value(json_array_get(row, 1)),
        true, true};
    CimLayerCost c = cost(&t, &l);
    mixed += c.latencyPs;
    /* The library's latency equals the independent formula (0.1 us = 1e5 ps). */
    if (c.latencyPs != referenceLatency(s, row, cell) * 100000)
      *countsMatch = false;
    CimLayer l8 = l;
    l8.wBits = l8.aBits = 8;
    base += cost(&t, &l8).latencyPs;
  }
  return (double)base / (double)mixed;
}

START_TEST(test_reproduces_published_speedups) {
  json_error_t err;
  json_t *root = json_load_file(CIM_SOURCE_DIR "/test/data/cim-aq-policies.json", 0, &err);
  ck_assert_msg(root != NULL, "%s", err.text);
  bool match;
  /* Published: VGG-16 2.482x, ViT-B/32 2.200x, ResNet-18 2.374x. */
  double vgg = speedupOf(root, "vgg16-both_constraints-acc05-rcell4", &match);
  ck_assert(match);
  ck_assert_double_eq_tol(vgg, 2.482, 0.0005);
  double vit = speedupOf(root, "vitb32-both_constraints-acc05-rcell4", &match);
  ck_assert(match);
  ck_assert_double_eq_tol(vit, 2.200, 0.0005);
  double resnet = speedupOf(root, "resnet18-both_constraints-acc05-rcell4", &match);
  ck_assert(match);
  ck_assert_double_eq_tol(resnet, 2.374, 0.0005);
  /* Every other policy: the library agrees with the independent formula on
   * every layer, and mixed precision never loses against W8A8. */
  const char *name;
  json_t *policy;
  json_object_foreach(json_object_get(root, "policies"), name, policy) {
    double s = speedupOf(root, name, &match);
    ck_assert_msg(match, "%s: library and reference formula disagree", name);
    ck_assert_msg(s >= 1.0, "%s: speedup %.3f < 1", name, s);
    printf("  %-48s %.3fx\n", name, s);
  }
  json_decref(root);
}
END_TEST

static Suite *costSuite(void) {
  Suite *s = suite_create("cost");
  TCase *tc = tcase_create("layer");
  tcase_add_test(tc, test_resnet18_first_layer_w8a8);
  tcase_add_test(tc, test_one_bit_weights_and_activations);
  tcase_add_test(tc, test_three_bit_weights_on_two_bit_cells_ragged_rows);
  tcase_add_test(tc, test_ou_smaller_than_rows);
  tcase_add_test(tc, test_differential_row_mapping);
  tcase_add_test(tc, test_offset_mapping_bias_column);
  tcase_add_test(tc, test_repeat_and_times);
  tcase_add_test(tc, test_unmappable_layers);
  tcase_add_test(tc, test_network_total_overflow_is_an_error);
  TCase *pricing = tcase_create("pricing");
  tcase_add_test(pricing, test_price_default_target);
  tcase_add_test(pricing, test_price_every_component);
  tcase_add_test(pricing, test_price_overflow_is_an_error);
  tcase_add_test(pricing, test_event_counts_add);
  suite_add_tcase(s, pricing);
  suite_add_tcase(s, tc);
  TCase *repro = tcase_create("reproduction");
  tcase_add_test(repro, test_reproduces_published_speedups);
  suite_add_tcase(s, repro);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(costSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
