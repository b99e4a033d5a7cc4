/*===-- Mapping.h - The crossbar mapping steps (internal) ------------------===*
 *
 * Shared by cim-tile (passes/tile.c), cim-bitslice (passes/bitslice.c),
 * convert-cim-to-xbar (passes/convert_cim_to_xbar.c) and cim-estimate's
 * counting on xbar IR (passes/xbar/count.c).
 *
 * docs/design.md ("Crossbar mapping") gives the math; docs/dialects/xbar.md
 * the ops. The three passes are thin wrappers over the three steps below, so
 * that convert-cim-to-xbar alone gives the same program as
 * cim-tile, cim-bitslice, convert-cim-to-xbar in sequence.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_PASSES_XBAR_MAPPING_H
#define CIM_PASSES_XBAR_MAPPING_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Cost.h"
#include "cim-c/Target.h"
#include "mlir-c/IR.h"

/// Step 1 (cim-tile): every cim.matmul / cim.conv2d under `root` becomes
/// explicit crossbar tiles (cim.matmul_tile chains, xbar.im2col for
/// convolutions, cim shape ops to put batches and groups back together) for
/// crossbars of `rows` x `cols` with the target's cell bits and mapping.
/// Emits an error at the layer and fails on unmappable layers.
MlirLogicalResult cimMapTileLayers(MlirOperation root, const CimTarget *target,
                                   int64_t rows, int64_t cols);

/// Step 2 (cim-bitslice): every cim.matmul_tile under `root` becomes the
/// crossbar program of its tile (weight_tile, write, bit-planes, MVMs per OU
/// group, ADC, shift_add). With `requireTiled`, a cim.matmul / cim.conv2d
/// still present is an error (the order question, docs/design.md).
MlirLogicalResult cimMapBitsliceTiles(MlirOperation root,
                                      const CimTarget *target,
                                      bool requireTiled);

/// Step 3: every digital cim op becomes its xbar namesake (cim.concat two
/// xbar.insert). Fails on a cim op with no xbar form.
MlirLogicalResult cimMapConvertDigital(MlirOperation root);

/*===----------------------------------------------------------------------===*
 * Counting on xbar IR (passes/xbar/count.c), for cim-estimate
 *===----------------------------------------------------------------------===*/

/// Events of one layer read off its xbar ops (crossbar events only: no
/// digital ops, no buffer accesses), and their price (cimPriceEvents).
typedef struct CimXbarCounts {
  CimEventCounts events;
  CimEventCost cost;
} CimXbarCounts;

/// True when `root` holds crossbar events (xbar.write, xbar.mvm, xbar.adc).
bool cimXbarHasCrossbarOps(MlirOperation root);

/// cim-estimate on xbar IR: counts every layer's events, costs them on
/// `target`, prints the table to `tablePath` ("-": stderr, empty: none) and
/// writes the JSON report to `reportPath` (empty: none). Errors are emitted
/// at the module.
MlirLogicalResult cimXbarEstimate(MlirOperation module, const CimTarget *target,
                                  MlirStringRef tablePath,
                                  MlirStringRef reportPath);

/*===----------------------------------------------------------------------===*
 * Small builders (passes/xbar/build.c)
 *===----------------------------------------------------------------------===*/

/// Creates `name` before `before` with the given operands, one result of
/// type `result` (none when null) and attributes. Returns the op.
MlirOperation cimMapCreate(const char *name, MlirLocation loc,
                           MlirOperation before, intptr_t nOperands,
                           const MlirValue *operands, MlirType result,
                           intptr_t nAttrs, const MlirNamedAttribute *attrs);

/// As cimMapCreate, returning the single result.
MlirValue cimMapCreateValue(const char *name, MlirLocation loc,
                            MlirOperation before, intptr_t nOperands,
                            const MlirValue *operands, MlirType result,
                            intptr_t nAttrs, const MlirNamedAttribute *attrs);

/// `tensor<shape x iBITS>`.
MlirType cimMapTensorType(MlirContext ctx, intptr_t rank, const int64_t *shape,
                          unsigned bits);

/// `arith.constant dense<value> : type` before `before`.
MlirValue cimMapSplatConstant(MlirLocation loc, MlirOperation before,
                              MlirType type, int64_t value);

/// A named dense i64 array attribute.
MlirNamedAttribute cimMapNamedArray(MlirContext ctx, const char *name,
                                    intptr_t n, const int64_t *values);

/// Integer attribute `name` of `op`, or `fallback`.
int64_t cimMapIntAttr(MlirOperation op, const char *name, int64_t fallback);
/// Bool attribute `name` of `op` (false when missing).
bool cimMapBoolAttr(MlirOperation op, const char *name);
/// True when string attribute `name` of `op` equals `value`.
bool cimMapStringAttrIs(MlirOperation op, const char *name, const char *value);
/// Reads up to `max` entries of dense i64 array attribute `name`; returns the
/// count or -1 when missing.
intptr_t cimMapArrayAttr(MlirOperation op, const char *name, int64_t *out,
                         intptr_t max);

/// Collects every op under `root` whose name is in `names` (NULL-terminated),
/// in pre-order. `*ops` is malloc'ed (caller frees); false when out of memory.
bool cimMapCollect(MlirOperation root, const char *const *names,
                   MlirOperation **ops, intptr_t *count);

/// The builtin.module that contains `op` (`op` itself if it is one); the
/// outermost op when there is none.
MlirOperation cimMapEnclosingModule(MlirOperation op);

/// Smallest signed width among 32 and 64 that holds +-bound.
unsigned cimMapWidthFor(int64_t bound);

/// ceil(a / b) for positive b.
static inline int64_t cimMapCeilDiv(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

#endif /* CIM_PASSES_XBAR_MAPPING_H */
