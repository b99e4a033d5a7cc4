/*===-- layer_registry_test.c - Check suite for lib/ir/LayerRegistry.h ----===*
 *
 * The layer table (lib/ir/LayerOps.def) is well formed, docs/layers.md is
 * what the table renders to, every row has an instance in
 * test/passes/Inputs/every-layer-op.mlir, and the crossbar view the
 * estimator reads off each instance is the one derived by hand below. Ops
 * that look like layers but have no row are told apart from the ones that
 * are no layers at all.
 *
 * `layer_registry_test --print-markdown` prints docs/layers.md.
 *
 * The library is built with hidden visibility, so its internal functions are
 * not exported from libcimlir: this test compiles the sources under test
 * (and the small helpers they call) into itself.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "mlir-c/Diagnostics.h"

#include "ir/layer_docs.c"
#include "ir/layer_info.c"
#include "ir/layer_registry.c"
#include "ir/pass_utils.c"
#include "support/strbuf.c"

/*===-- Fixture ------------------------------------------------------------===*/

#include "ContextFixture.h"

static char *readFile(const char *path) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  CimStrBuf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    cimStrBufAppend(&b, chunk, n);
  fclose(f);
  size_t len = strlen(cimStrBufGet(&b));
  char *text = malloc(len + 1);
  ck_assert(text != NULL);
  memcpy(text, cimStrBufGet(&b), len + 1);
  cimStrBufFree(&b);
  return text;
}

static MlirModule parseFile(const char *relPath) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", CIM_SOURCE_DIR, relPath);
  char *text = readFile(path);
  MlirModule m =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(text));
  free(text);
  ck_assert_msg(!mlirModuleIsNull(m), "parse failed: %s", lastError);
  return m;
}

static MlirModule parse(const char *src) {
  MlirModule m = mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(src));
  ck_assert_msg(!mlirModuleIsNull(m), "parse failed: %s", lastError);
  return m;
}

/*===-- The table ----------------------------------------------------------===*/

static bool only(const char *axes, const char *allowed) {
  return strspn(axes, allowed) == strlen(axes);
}

static bool has(const char *axes, char letter) {
  return strchr(axes, letter) != NULL;
}

/* Every row: a unique linalg name, two distinct inputs, a known cim layout,
 * and letters that make sense where they stand: reductions shared by
 * activation and weights, outputs shared by weights and result, groups in
 * all three or none, a convolution's window on the right operands. */
START_TEST(test_rows_well_formed) {
  intptr_t n = cimLayerOpGetNumDefs();
  ck_assert_int_ge(n, 13);
  ck_assert_ptr_null(cimLayerOpGetDef(n));
  for (intptr_t i = 0; i < n; ++i) {
    const CimLayerOpDef *d = cimLayerOpGetDef(i);
    ck_assert_msg(strncmp(d->name, "linalg.", 7) == 0, "%s", d->name);
    for (intptr_t j = 0; j < i; ++j)
      ck_assert_str_ne(cimLayerOpGetDef(j)->name, d->name);
    ck_assert((d->act == 0 && d->weight == 1) || (d->act == 1 && d->weight == 0));
    bool conv = cimLayerOpIsConv(d);
    ck_assert(strcmp(d->cim, "matmul") == 0 || strcmp(d->cim, "nchw_fchw") == 0 ||
              strcmp(d->cim, "nhwc_hwcf") == 0);
    if (!d->actAxes[0]) { /* from the maps */
      ck_assert(!d->weightAxes[0] && !d->resultAxes[0] && !conv);
      continue;
    }
    const char *a = d->actAxes, *w = d->weightAxes, *r = d->resultAxes;
    ck_assert_msg(only(a, conv ? "BHWCG" : "MKG"), "%s act %s", d->name, a);
    ck_assert_msg(only(w, conv ? "RSCFG" : "KNG"), "%s weight %s", d->name, w);
    ck_assert_msg(only(r, conv ? "BPQFG" : "MNG"), "%s result %s", d->name, r);
    const char *ops[3] = {a, w, r};
    for (int k = 0; k < 3; ++k)
      for (size_t p = 0; ops[k][p]; ++p)
        ck_assert_msg(!strchr(ops[k] + p + 1, ops[k][p]), "%s: %c twice",
                      d->name, ops[k][p]);
    for (const char *l = "KCNF"; *l; ++l)
      ck_assert_msg(has(w, *l) == (has(a, *l) || has(r, *l)), "%s: %c",
                    d->name, *l);
    ck_assert_msg(has(a, 'G') == has(w, 'G') && has(w, 'G') == has(r, 'G'),
                  "%s: G", d->name);
    if (conv)
      ck_assert_msg(has(a, 'H') && has(a, 'W') && has(w, 'R') && has(w, 'S') &&
                        has(r, 'P') && has(r, 'Q') && has(a, 'B') && has(r, 'B'),
                    "%s: window", d->name);
  }
}
END_TEST

static void toBuf(MlirStringRef s, void *userData) {
  cimStrBufAppendRef(userData, s);
}

/* docs/layers.md is the table's rendering (regenerate with
 * `layer_registry_test --print-markdown > docs/layers.md`). */
START_TEST(test_docs_current) {
  CimStrBuf want = {0};
  cimLayerRegistryPrintMarkdown(toBuf, &want);
  char *have = readFile(CIM_SOURCE_DIR "/docs/layers.md");
  ck_assert_msg(strcmp(have, cimStrBufGet(&want)) == 0,
                "docs/layers.md is stale: run `%s/test/layer_registry_test "
                "--print-markdown > docs/layers.md`",
                CIM_BINARY_DIR);
  /* Every row is in it. */
  for (intptr_t i = 0; i < cimLayerOpGetNumDefs(); ++i) {
    char cell[128];
    snprintf(cell, sizeof cell, "| `%s` |", cimLayerOpGetDef(i)->name);
    ck_assert_msg(strstr(have, cell) != NULL, "%s", cell);
  }
  free(have);
  cimStrBufFree(&want);
}
END_TEST

/*===-- Every row on real IR -----------------------------------------------===*/

/* Derived by hand from the shapes in every-layer-op.mlir (its comments and
 * test/passes/cim-estimate-every-layer.test say how). */
static const struct {
  const char *name;
  CimLayerKind kind;
  int64_t in, out, invocations, repeat;
} kEveryLayer[] = {
    {"matmul", CIM_LAYER_DENSE, 300, 5, 6, 1},
    {"batch_matmul", CIM_LAYER_MATMUL, 64, 50, 50, 12},
    {"matvec", CIM_LAYER_DENSE, 20, 7, 1, 1},
    {"vecmat", CIM_LAYER_DENSE, 20, 7, 1, 1},
    {"generic", CIM_LAYER_DENSE, 8, 5, 3, 1},
    {"conv_nchw", CIM_LAYER_CONV2D, 27, 16, 128, 1},
    {"conv_nhwc", CIM_LAYER_CONV2D, 144, 32, 64, 1},
    {"depthwise_nchw", CIM_LAYER_CONV2D, 9, 1, 64, 16},
    {"depthwise_nhwc", CIM_LAYER_CONV2D, 9, 1, 64, 16},
    {"depthwise_hwcm", CIM_LAYER_CONV2D, 9, 2, 64, 16},
    {"grouped_gfchw", CIM_LAYER_CONV2D, 36, 3, 16, 2},
    {"grouped_fgchw", CIM_LAYER_CONV2D, 36, 3, 16, 2},
    {"grouped_gfhwc", CIM_LAYER_CONV2D, 36, 3, 16, 2},
    {"conv_strided", CIM_LAYER_CONV2D, 27, 4, 16, 1},
};

START_TEST(test_every_row_read) {
  MlirModule m = parseFile("test/passes/Inputs/every-layer-op.mlir");
  MlirOperation *ops = NULL;
  intptr_t n = 0;
  ck_assert(mlirLogicalResultIsSuccess(
      cimLayerCollect(mlirModuleGetOperation(m), "test", &ops, &n)));
  ck_assert_int_eq(n, sizeof kEveryLayer / sizeof kEveryLayer[0]);
  bool covered[64] = {false};
  for (intptr_t i = 0; i < n; ++i) {
    char name[64];
    cimLayerGetName(ops[i], i, name, sizeof name);
    ck_assert_str_eq(name, kEveryLayer[i].name);
    const CimLayerOpDef *def = cimLayerOpLookup(ops[i]);
    ck_assert_ptr_nonnull(def);
    covered[def - cimLayerOpGetDef(0)] = true;
    CimLayer l;
    int64_t index;
    ck_assert(mlirLogicalResultIsSuccess(cimLayerFromOp(ops[i], &l, &index)));
    ck_assert_msg(l.kind == kEveryLayer[i].kind, "%s kind", name);
    ck_assert_int_eq(l.inDim, kEveryLayer[i].in);
    ck_assert_int_eq(l.outDim, kEveryLayer[i].out);
    ck_assert_int_eq(l.invocations, kEveryLayer[i].invocations);
    ck_assert_int_eq(l.repeat, kEveryLayer[i].repeat);
    ck_assert_int_eq(l.wBits, 8);
    ck_assert_int_eq(l.aBits, 8);
  }
  for (intptr_t i = 0; i < cimLayerOpGetNumDefs(); ++i)
    ck_assert_msg(covered[i], "%s has no instance in every-layer-op.mlir",
                  cimLayerOpGetDef(i)->name);
  free(ops);
  mlirModuleDestroy(m);
  ck_assert_int_eq(numErrors, 0);
}
END_TEST

/* A transposed matmul is read from its maps; the letters say which
 * dimension is which. */
START_TEST(test_axes_from_maps) {
  MlirModule m = parse(
      "func.func @f(%a: tensor<512x3xi8>, %w: tensor<1000x512xi8>, "
      "%z: tensor<3x1000xi32>) -> tensor<3x1000xi32> {\n"
      "  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, "
      "d0)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> "
      "(d0, d1)>] ins(%a, %w : tensor<512x3xi8>, tensor<1000x512xi8>) "
      "outs(%z : tensor<3x1000xi32>) -> tensor<3x1000xi32>\n"
      "  return %r : tensor<3x1000xi32>\n}\n");
  MlirOperation *ops = NULL;
  intptr_t n = 0;
  ck_assert(mlirLogicalResultIsSuccess(
      cimLayerCollect(mlirModuleGetOperation(m), NULL, &ops, &n)));
  ck_assert_int_eq(n, 1);
  CimLayerAxes ax;
  ck_assert(mlirLogicalResultIsSuccess(cimLayerOpGetAxes(ops[0], NULL, &ax)));
  ck_assert_str_eq(ax.act, "KM");
  ck_assert_str_eq(ax.weight, "NK");
  ck_assert_str_eq(ax.result, "MN");
  CimLayer l;
  int64_t index;
  ck_assert(mlirLogicalResultIsSuccess(cimLayerFromOp(ops[0], &l, &index)));
  ck_assert_int_eq(l.inDim, 512);
  ck_assert_int_eq(l.outDim, 1000);
  ck_assert_int_eq(l.invocations, 3);
  ck_assert_int_eq(l.kind, CIM_LAYER_MATMUL); /* %w is an argument */
  free(ops);
  mlirModuleDestroy(m);
}
END_TEST

/* conv_1d is a layer the table lacks: unsupported, and collecting it fails
 * with the list. Pooling, elementwise generics and fills are no layers. */
START_TEST(test_unsupported) {
  MlirModule m = parse(
      "func.func @f(%x: tensor<1x4x6xi8>, %w: tensor<4x4x3xi8>, "
      "%p: tensor<1x1x4x4xi8>, %k: tensor<2x2xi8>) -> (tensor<1x4x4xi32>, "
      "tensor<1x1x3x3xi8>, tensor<1x4x6xi8>) {\n"
      "  %c0 = arith.constant 0 : i32\n"
      "  %e = tensor.empty() : tensor<1x4x4xi32>\n"
      "  %z = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x4x4xi32>) -> "
      "tensor<1x4x4xi32>\n"
      "  %e2 = tensor.empty() : tensor<1x1x3x3xi8>\n"
      "  %pool = linalg.pooling_nchw_max {dilations = dense<1> : "
      "tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %k : "
      "tensor<1x1x4x4xi8>, tensor<2x2xi8>) outs(%e2 : tensor<1x1x3x3xi8>) -> "
      "tensor<1x1x3x3xi8>\n"
      "  %add = linalg.add ins(%x, %x : tensor<1x4x6xi8>, tensor<1x4x6xi8>) "
      "outs(%x : tensor<1x4x6xi8>) -> tensor<1x4x6xi8>\n"
      "  %r = linalg.conv_1d_ncw_fcw {dilations = dense<1> : tensor<1xi64>, "
      "strides = dense<1> : tensor<1xi64>} ins(%x, %w : tensor<1x4x6xi8>, "
      "tensor<4x4x3xi8>) outs(%z : tensor<1x4x4xi32>) -> tensor<1x4x4xi32> "
      "loc(\"c1\")\n"
      "  return %r, %pool, %add : tensor<1x4x4xi32>, tensor<1x1x3x3xi8>, "
      "tensor<1x4x6xi8>\n}\n");
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(
      mlirBlockGetFirstOperation(mlirModuleGetBody(m)), 0));
  int unsupported = 0, layers = 0;
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op)) {
    unsupported += cimLayerOpIsUnsupported(op);
    layers += cimIsLayerOp(op);
  }
  ck_assert_int_eq(unsupported, 1); /* the conv_1d only */
  ck_assert_int_eq(layers, 0);
  MlirOperation *ops = NULL;
  intptr_t n = 0;
  ck_assert(mlirLogicalResultIsFailure(
      cimLayerCollect(mlirModuleGetOperation(m), "who", &ops, &n)));
  free(ops);
  ck_assert_int_eq(numErrors, 1);
  ck_assert_msg(strstr(lastError, "who: 'linalg.conv_1d_ncw_fcw' is a "
                                  "matrix-vector layer cimlir cannot lower; "
                                  "supported: linalg.matmul, ") != NULL,
                "%s", lastError);
  for (intptr_t i = 0; i < cimLayerOpGetNumDefs(); ++i)
    ck_assert_msg(strstr(lastError, cimLayerOpGetDef(i)->name) != NULL,
                  "%s missing from: %s", cimLayerOpGetDef(i)->name, lastError);
  mlirModuleDestroy(m);
}
END_TEST

static Suite *layerRegistrySuite(void) {
  Suite *s = suite_create("layer_registry");
  TCase *table = tcase_create("table");
  tcase_add_test(table, test_rows_well_formed);
  tcase_add_test(table, test_docs_current);
  suite_add_tcase(s, table);
  TCase *ir = tcase_create("ir");
  tcase_add_checked_fixture(ir, setup, teardown);
  tcase_add_test(ir, test_every_row_read);
  tcase_add_test(ir, test_axes_from_maps);
  tcase_add_test(ir, test_unsupported);
  tcase_set_timeout(ir, 60);
  suite_add_tcase(s, ir);
  return s;
}

static void toStdout(MlirStringRef s, void *userData) {
  (void)userData;
  fwrite(s.data, 1, s.length, stdout);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--print-markdown") == 0) {
    cimLayerRegistryPrintMarkdown(toStdout, NULL);
    return EXIT_SUCCESS;
  }
  SRunner *runner = srunner_create(layerRegistrySuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
