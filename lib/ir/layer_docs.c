/*===-- layer_docs.c - docs/layers.md from the layer table -----------------===*
 *
 * The reference of the supported layer ops is rendered from the rows of
 * lib/ir/LayerOps.def, so it cannot drift from what the passes accept;
 * test/unit/layer_registry_test.c fails when docs/layers.md differs from
 * this text.
 *===----------------------------------------------------------------------===*/

#include <string.h>

#include "ir/LayerRegistry.h"
#include "support/StrBuf.h"

/// "[B,C,H,W]" from "BCHW".
static void appendShape(CimStrBuf *b, const char *axes) {
  cimStrBufAppendCString(b, "`[");
  for (size_t i = 0; axes[i]; ++i)
    cimStrBufPrintf(b, "%s%c", i ? "," : "", axes[i]);
  cimStrBufAppendCString(b, "]`");
}

/// "C x R x S": the letters of `axes` among `letters`, or "1".
static void appendProduct(CimStrBuf *b, const char *axes, const char *letters) {
  bool any = false;
  for (size_t i = 0; axes[i]; ++i)
    if (strchr(letters, axes[i])) {
      cimStrBufPrintf(b, "%s%c", any ? " x " : "", axes[i]);
      any = true;
    }
  if (!any)
    cimStrBufAppendCString(b, "1");
}

static const char *grouping(const CimLayerOpDef *d) {
  if (!strchr(d->weightAxes, 'G'))
    return "-";
  if (!cimLayerOpIsConv(d))
    return "batch: one weight matrix per entry";
  if (!strchr(d->weightAxes, 'C'))
    return strchr(d->weightAxes, 'F') ? "depthwise, F filters per channel"
                                      : "depthwise";
  return "grouped";
}

static void appendRow(CimStrBuf *b, const CimLayerOpDef *d) {
  cimStrBufPrintf(b, "| `%s` | ", d->name);
  if (!d->actAxes[0]) {
    cimStrBufAppendCString(
        b, "a contraction (multiply-add body): its indexing maps give "
           "`[G,]M,K`, `[G,]K,N` and `[G,]M,N` in any order | `cim.matmul` | "
           "K | N | M | G (1 without batch) | batch |\n");
    return;
  }
  const char *axes[3] = {d->actAxes, d->weightAxes, d->resultAxes};
  const char *what[3] = {"in", "weights", "out"};
  int index[3] = {d->act, d->weight, 2};
  for (int i = 0; i < 3; ++i) {
    cimStrBufPrintf(b, "%s%s %d ", i ? ", " : "", what[i], index[i]);
    appendShape(b, axes[i]);
  }
  if (cimLayerOpIsConv(d))
    cimStrBufPrintf(b, " | `cim.conv2d` `%s` | ", d->cim);
  else
    cimStrBufAppendCString(b, " | `cim.matmul` | ");
  appendProduct(b, d->weightAxes, "KCRS");
  cimStrBufAppendCString(b, " | ");
  appendProduct(b, d->weightAxes, "NF");
  cimStrBufAppendCString(b, " | ");
  appendProduct(b, d->resultAxes, "MBPQ");
  cimStrBufAppendCString(b, " | ");
  appendProduct(b, d->weightAxes, "G");
  cimStrBufPrintf(b, " | %s |\n", grouping(d));
}

void cimLayerRegistryPrintMarkdown(MlirStringCallback callback,
                                   void *userData) {
  CimStrBuf b = {0};
  cimStrBufAppendCString(
      &b,
      "<!-- Generated from the layer table lib/ir/LayerOps.def by\n"
      "     cimLayerRegistryPrintMarkdown (lib/ir/layer_docs.c). Do not edit;\n"
      "     test/unit/layer_registry_test.c fails when this file is stale and\n"
      "     `build/test/layer_registry_test --print-markdown > docs/layers.md`\n"
      "     rewrites it. -->\n\n"
      "# Matrix-vector layer ops\n\n"
      "These linalg ops are the layers cimlir maps onto crossbars. One table\n"
      "(`lib/ir/LayerOps.def`) lists them: `convert-linalg-to-cim` lowers\n"
      "exactly these, and `cim-estimate` and `cim-assign-precision` count\n"
      "exactly these, in program order (layer `i` gets policy row `i`). Any\n"
      "other linalg contraction or convolution (`linalg.conv_1d_ncw_fcw`,\n"
      "`linalg.conv_3d_ncdhw_fcdhw`, a `linalg.generic` convolution, ...) is\n"
      "an error in each of them that names the op and this list, never a\n"
      "layer silently left out.\n\n"
      "Each dimension of each operand has a letter: `M` matmul rows, `B`\n"
      "images, `P` `Q` output height and width (one crossbar invocation\n"
      "each); `H` `W` input height and width; `K` the matmul reduction, `C`\n"
      "input channels per group, `R` `S` kernel height and width (crossbar\n"
      "rows); `N` matmul outputs, `F` filters per group (crossbar columns);\n"
      "`G` groups: batch_matmul's batch, a grouped convolution's groups, a\n"
      "depthwise convolution's channels (one weight matrix each). The\n"
      "crossbar view follows from the letters: in_dim is the product of the\n"
      "weights' `K C R S`, out_dim of their `N F`, repeat of their `G`,\n"
      "invocations of the result's `M B P Q` (docs/target.md prices a layer\n"
      "from these four numbers and its bits). Operands are numbered as the\n"
      "op takes them (`ins` 0 and 1, `outs` 2). A `linalg.matmul` or\n"
      "`batch_matmul` with transposing `indexing_maps` is read from its maps\n"
      "like a contraction. Convolutions take `strides` and `dilations` from\n"
      "the op's attributes and fold a `tensor.pad` of their input into\n"
      "`padding`. docs/design.md (\"Op forms\") says how operands are\n"
      "permuted and reshaped into the cim layouts.\n\n"
      "| linalg op | operands | lowers to | in_dim | out_dim | invocations "
      "| repeat | grouping |\n"
      "|---|---|---|---|---|---|---|---|\n");
  for (intptr_t i = 0; i < cimLayerOpGetNumDefs(); ++i)
    appendRow(&b, cimLayerOpGetDef(i));
  callback(mlirStringRefCreate(cimStrBufGet(&b), b.length), userData);
  cimStrBufFree(&b);
}
