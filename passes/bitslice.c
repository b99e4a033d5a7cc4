/*===-- bitslice.c - cim-bitslice -------------------------------------------===*
 *
 * Turns every crossbar tile (cim.matmul_tile, made by cim-tile) into its
 * crossbar program (docs/design.md, "Crossbar mapping"):
 *
 *   cells = xbar.weight_tile(w)          slices of the tile's units, in the
 *                                         layout of the mapping
 *   tile  = xbar.write(cells)            one crossbar write (crossbar 0)
 *   for every input plane p (xbar.bitplane of a, shared by all tiles; for
 *   the offset encoding's correction pass a splat constant of ones):
 *     for every OU group g:  sums = xbar.mvm(tile, plane_p) {rows <= ou_rows}
 *                            read = xbar.adc(sums)
 *     colsum_p = sum over g of read                    (xbar.shift_add)
 *     Q += (p is subtracted: the two's complement sign plane or the offset
 *           correction ? -1 : 1) * colsum_p
 *          << bit offset of plane p     (cimTargetInputPlane: dac_bits-wide
 *                                         planes, the last one alone)
 *   acc += per slice s and polarity: +-Q[unit columns] << s*cell_bits,
 *          offset mapping: - bias column << (w_bits - 1) for signed weights
 *
 * Every shift_add is over all M invocations at once, so the IR grows with
 * tiles x planes x OU groups, never with invocations.
 *===----------------------------------------------------------------------===*/

#include <stdlib.h>
#include <string.h>

#include "cim-c/Passes.h"
#include "cim-c/Target.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ir/PassUtils.h"
#include "xbar/Mapping.h"

/// The bit-planes of one activation value, created once before the first
/// tile that reads them.
typedef struct Planes {
  MlirValue a;
  MlirBlock block;
  int64_t aBits;
  bool aSigned;
  intptr_t count;
  MlirValue planes[8];
} Planes;

typedef struct Slicer {
  MlirContext ctx;
  const CimTarget *target;
  Planes *cache;
  intptr_t n, cap;
} Slicer;

static MlirNamedAttribute named(MlirContext ctx, const char *name,
                                MlirAttribute a) {
  return mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString(name)), a);
}

/// The planes of `a` for this tile: from the cache, else created before `at`.
static const Planes *planesFor(Slicer *s, MlirOperation at, MlirValue a,
                               int64_t aBits, bool aSigned) {
  MlirBlock block = mlirOperationGetBlock(at);
  for (intptr_t i = 0; i < s->n; ++i)
    if (mlirValueEqual(s->cache[i].a, a) && s->cache[i].aBits == aBits &&
        s->cache[i].aSigned == aSigned &&
        mlirBlockEqual(s->cache[i].block, block))
      return &s->cache[i];
  if (s->n == s->cap) {
    intptr_t cap = s->cap ? s->cap * 2 : 16;
    Planes *grown = realloc(s->cache, (size_t)cap * sizeof *grown);
    if (!grown)
      return NULL;
    s->cache = grown;
    s->cap = cap;
  }
  Planes *p = &s->cache[s->n++];
  memset(p, 0, sizeof *p);
  p->a = a;
  p->block = block;
  p->aBits = aBits;
  p->aSigned = aSigned;
  int64_t dac = s->target->dacBits;
  p->count = cimTargetInputPlanes(s->target, aBits, aSigned);
  MlirType aType = mlirValueGetType(a);
  int64_t shape[2] = {mlirShapedTypeGetDimSize(aType, 0),
                      mlirShapedTypeGetDimSize(aType, 1)};
  /* Digits and cell levels are non-negative: i8 holds up to 7 bits, 8-bit
   * DACs and cells need i16 so that 255 does not read as -1. */
  MlirType digits = cimMapTensorType(s->ctx, 2, shape, dac < 8 ? 8 : 16);
  MlirLocation loc = mlirOperationGetLocation(at);
  for (intptr_t i = 0; i < p->count; ++i) {
    if (cimTargetInputPlaneKind(s->target, aBits, aSigned, i) ==
        CIM_INPUT_PLANE_OFFSET_CORRECTION) {
      /* Every digit 1: the pass reads the weights' column sums. */
      p->planes[i] = cimMapSplatConstant(loc, at, digits, 1);
      continue;
    }
    int64_t off, bits;
    cimTargetInputPlane(s->target, aBits, aSigned, i, &off, &bits);
    MlirNamedAttribute attrs[4] = {
        cimNamedString(s->ctx, "encoding",
                       cimTargetInputPlaneEncoding(s->target, aSigned)),
        cimNamedI64(s->ctx, "a_bits", aBits),
        cimNamedI64(s->ctx, "bit_offset", off),
        cimNamedI64(s->ctx, "bits", bits)};
    p->planes[i] = cimMapCreateValue("xbar.bitplane", loc, at, 1, &a, digits,
                                     4, attrs);
  }
  return p;
}

static MlirValue shiftAdd(MlirContext ctx, MlirLocation loc, MlirOperation at,
                          MlirValue acc, MlirValue part, int64_t srcOffset,
                          int64_t srcStride, int64_t dstOffset, int64_t count,
                          int64_t shift, bool negate) {
  MlirNamedAttribute attrs[6] = {
      cimNamedI64(ctx, "src_offset", srcOffset),
      cimNamedI64(ctx, "src_stride", srcStride),
      cimNamedI64(ctx, "dst_offset", dstOffset),
      cimNamedI64(ctx, "count", count),
      cimNamedI64(ctx, "shift", shift),
      cimNamedBool(ctx, "negate", negate)};
  MlirValue ops[2] = {acc, part};
  return cimMapCreateValue("xbar.shift_add", loc, at, 2, ops,
                           mlirValueGetType(acc), 6, attrs);
}

/// "cim-bitslice: layer N: REASON" at the tile.
typedef struct LayerError {
  MlirLocation loc;
  int64_t layer;
} LayerError;

static void emitLayerError(MlirStringRef reason, void *data) {
  const LayerError *e = data;
  cimEmitErrorf(e->loc, "cim-bitslice: layer %lld: %.*s", (long long)e->layer,
                (int)reason.length, reason.data);
}

/// The attributes and operands of one cim.matmul_tile, and the crossbar
/// geometry they give.
typedef struct Tile {
  MlirOperation op;
  MlirLocation loc;
  int64_t layer, aBits, wBits, cellBits, k0, kSize, u0, units;
  bool aSigned, wSigned, dcol, drow;
  MlirValue acc, a, w;
  int64_t m, k, n, slices;
  int64_t tileRows, tileCols; /* of the crossbar tile, by mapping */
} Tile;

/// Reads the tile's attributes and operands and checks what cim-bitslice
/// relies on and IRDL cannot check: static 2-D operands whose shapes agree,
/// rows and units inside the layer.
static MlirLogicalResult readTile(MlirOperation op, Tile *tl) {
  MlirLocation loc = mlirOperationGetLocation(op);
  tl->op = op;
  tl->loc = loc;
  tl->layer = cimMapIntAttr(op, "layer", 0);
  tl->aBits = cimMapIntAttr(op, "a_bits", 0);
  tl->wBits = cimMapIntAttr(op, "w_bits", 0);
  tl->aSigned = cimMapBoolAttr(op, "a_signed");
  tl->wSigned = cimMapBoolAttr(op, "w_signed");
  tl->cellBits = cimMapIntAttr(op, "cell_bits", 0);
  tl->k0 = cimMapIntAttr(op, "k_offset", 0);
  tl->kSize = cimMapIntAttr(op, "k_size", 0);
  tl->u0 = cimMapIntAttr(op, "unit_offset", 0);
  tl->units = cimMapIntAttr(op, "units", 0);
  tl->dcol = cimMapStringAttrIs(op, "mapping", "differential-column");
  tl->drow = cimMapStringAttrIs(op, "mapping", "differential-row");
  tl->acc = mlirOperationGetOperand(op, 0);
  tl->a = mlirOperationGetOperand(op, 1);
  tl->w = mlirOperationGetOperand(op, 2);
  MlirType aType = mlirValueGetType(tl->a), wType = mlirValueGetType(tl->w);
  MlirType accType = mlirValueGetType(tl->acc);

  if (!mlirTypeIsARankedTensor(aType) || !mlirTypeIsARankedTensor(wType) ||
      !mlirTypeIsARankedTensor(accType) || mlirShapedTypeGetRank(aType) != 2 ||
      mlirShapedTypeGetRank(wType) != 2 ||
      mlirShapedTypeGetRank(accType) != 2 ||
      !mlirShapedTypeHasStaticShape(aType) ||
      !mlirShapedTypeHasStaticShape(wType) ||
      !mlirShapedTypeHasStaticShape(accType)) {
    cimEmitErrorf(loc, "cim-bitslice: cim.matmul_tile needs static 2-D "
                       "operands acc [M, N], a [M, K], w [K, N]");
    return mlirLogicalResultFailure();
  }
  int64_t m = tl->m = mlirShapedTypeGetDimSize(aType, 0);
  int64_t k = tl->k = mlirShapedTypeGetDimSize(aType, 1);
  int64_t n = tl->n = mlirShapedTypeGetDimSize(wType, 1);
  int64_t k0 = tl->k0, kSize = tl->kSize, u0 = tl->u0, units = tl->units;
  int64_t slices = tl->slices =
      tl->cellBits > 0 ? cimMapCeilDiv(tl->wBits, tl->cellBits) : 0;
  if (mlirShapedTypeGetDimSize(wType, 0) != k ||
      mlirShapedTypeGetDimSize(accType, 0) != m ||
      mlirShapedTypeGetDimSize(accType, 1) != n || k0 < 0 || kSize < 1 ||
      k0 + kSize > k || u0 < 0 || units < 1 || u0 + units > n * slices) {
    cimEmitErrorf(loc,
                  "cim-bitslice: cim.matmul_tile rows [%lld, %lld) or units "
                  "[%lld, %lld) lie outside the layer (%lld rows, %lld units) "
                  "or the shapes disagree",
                  (long long)k0, (long long)(k0 + kSize), (long long)u0,
                  (long long)(u0 + units), (long long)k,
                  (long long)(n * slices));
    return mlirLogicalResultFailure();
  }
  tl->tileRows = tl->drow ? 2 * kSize : kSize;
  tl->tileCols = tl->dcol ? 2 * units : tl->drow ? units : units + 1;
  return mlirLogicalResultSuccess();
}

/// The weight tile's cells (xbar.weight_tile) and their crossbar write
/// (xbar.write), before the tile op; returns the written tile.
static MlirValue writeWeightTile(MlirContext ctx, const Tile *tl) {
  MlirOperation op = tl->op;
  MlirLocation loc = tl->loc;
  int64_t cshape[2] = {tl->tileRows, tl->tileCols};
  MlirNamedAttribute wattrs[6] = {
      named(ctx, "mapping",
            mlirOperationGetAttributeByName(
                op, mlirStringRefCreateFromCString("mapping"))),
      cimNamedI64(ctx, "w_bits", tl->wBits),
      cimNamedBool(ctx, "w_signed", tl->wSigned),
      cimNamedI64(ctx, "cell_bits", tl->cellBits),
      cimNamedI64(ctx, "k_offset", tl->k0),
      cimNamedI64(ctx, "unit_offset", tl->u0)};
  MlirValue w = tl->w;
  MlirValue cells = cimMapCreateValue(
      "xbar.weight_tile", loc, op, 1, &w,
      cimMapTensorType(ctx, 2, cshape, tl->cellBits < 8 ? 8 : 16), 6, wattrs);
  MlirNamedAttribute xattrs[4] = {
      cimNamedI64(ctx, "layer", tl->layer), cimNamedI64(ctx, "crossbar", 0),
      cimNamedI64(ctx, "row", 0), cimNamedI64(ctx, "col", 0)};
  MlirType tileType =
      mlirTypeParseGet(ctx, mlirStringRefCreateFromCString("!xbar.tile"));
  return cimMapCreateValue("xbar.write", loc, op, 1, &cells, tileType, 4,
                           xattrs);
}

/// Q, the column sums of the tile over every input plane: per plane, the
/// MVMs of its OU groups, their ADC reads summed, shifted by the plane's bit
/// offset and negated on the two's complement sign plane and on the offset
/// encoding's correction pass.
static MlirValue readPlanes(Slicer *s, const Tile *tl, const Planes *planes,
                            MlirValue tile) {
  MlirContext ctx = s->ctx;
  MlirOperation op = tl->op;
  MlirLocation loc = tl->loc;
  const CimTarget *t = s->target;
  int64_t layer = tl->layer, aBits = tl->aBits, tileRows = tl->tileRows,
          tileCols = tl->tileCols;
  bool aSigned = tl->aSigned, drow = tl->drow;
  int64_t cellMax = (INT64_C(1) << tl->cellBits) - 1;
  int64_t sumBound = tileRows * ((INT64_C(1) << t->dacBits) - 1) * cellMax;
  int64_t qBound = tileRows * (INT64_C(1) << aBits) * cellMax;
  int64_t sshape[2] = {tl->m, tileCols};
  MlirType sumType = cimMapTensorType(ctx, 2, sshape, cimMapWidthFor(sumBound));
  MlirType qType = cimMapTensorType(ctx, 2, sshape, cimMapWidthFor(qBound));
  MlirValue q = cimMapSplatConstant(loc, op, qType, 0);
  int64_t ou = t->ouRows;
  for (intptr_t p = 0; p < planes->count; ++p) {
    MlirValue colsum = {NULL};
    for (int64_t r0 = 0; r0 < tileRows; r0 += ou) {
      int64_t rows = tileRows - r0 < ou ? tileRows - r0 : ou;
      MlirNamedAttribute mattrs[5] = {
          cimNamedI64(ctx, "layer", layer),
          cimNamedI64(ctx, "k_offset", tl->k0),
          cimNamedI64(ctx, "row_offset", r0), cimNamedI64(ctx, "rows", rows),
          cimNamedBool(ctx, "differential_rows", drow)};
      MlirValue mops[2] = {tile, planes->planes[p]};
      MlirValue sums =
          cimMapCreateValue("xbar.mvm", loc, op, 2, mops, sumType, 5, mattrs);
      MlirNamedAttribute aattrs[4] = {cimNamedI64(ctx, "layer", layer),
                                      cimNamedI64(ctx, "bits", t->adcBits),
                                      cimNamedI64(ctx, "shift", 0),
                                      cimNamedBool(ctx, "signed", drow)};
      MlirValue read =
          cimMapCreateValue("xbar.adc", loc, op, 1, &sums, sumType, 4, aattrs);
      colsum = mlirValueIsNull(colsum) ? read
                                       : shiftAdd(ctx, loc, op, colsum, read, 0,
                                                  1, 0, tileCols, 0, false);
    }
    bool subtracted = cimTargetInputPlaneKind(t, aBits, aSigned, p) !=
                      CIM_INPUT_PLANE_DIGITS;
    int64_t off, bits;
    cimTargetInputPlane(t, aBits, aSigned, p, &off, &bits);
    q = shiftAdd(ctx, loc, op, q, colsum, 0, 1, 0, tileCols, off, subtracted);
  }
  return q;
}

/// acc plus the weight slices of Q (and both polarities of differential
/// columns, and the offset mapping's bias column), each shifted by its
/// slice's bit offset.
static MlirValue accumulateSlices(MlirContext ctx, const Tile *tl,
                                  MlirValue q) {
  MlirOperation op = tl->op;
  MlirLocation loc = tl->loc;
  MlirValue acc = tl->acc;
  int64_t slices = tl->slices, units = tl->units, u0 = tl->u0;
  bool dcol = tl->dcol, drow = tl->drow;
  for (int64_t sl = 0; sl < slices; ++sl) {
    int64_t j0 = ((sl - u0 % slices) + slices) % slices;
    if (j0 >= units)
      continue;
    int64_t count = (units - 1 - j0) / slices + 1;
    int64_t n0 = (u0 + j0) / slices;
    int64_t shift = sl * tl->cellBits;
    if (dcol) {
      acc = shiftAdd(ctx, loc, op, acc, q, 2 * j0, 2 * slices, n0, count, shift,
                     false);
      acc = shiftAdd(ctx, loc, op, acc, q, 2 * j0 + 1, 2 * slices, n0, count,
                     shift, true);
    } else {
      acc = shiftAdd(ctx, loc, op, acc, q, j0, slices, n0, count, shift, false);
    }
    /* Offset mapping: cells hold w + 2^(w_bits-1); the tile holding slice
     * 0 of an output subtracts 2^(w_bits-1) times the bias column (every
     * cell 1, so its sum is the row sum of the inputs of this tile). */
    if (!dcol && !drow && tl->wSigned && sl == 0)
      acc = shiftAdd(ctx, loc, op, acc, q, units, 0, n0, count, tl->wBits - 1,
                     true);
  }
  return acc;
}

static MlirLogicalResult sliceTile(Slicer *s, MlirOperation op) {
  Tile tl;
  if (mlirLogicalResultIsFailure(readTile(op, &tl)))
    return mlirLogicalResultFailure();

  /* The input side: signed activations need a signed encoding, and a
   * two's complement sign plane must hold the sign bit alone; the check is
   * the cost model's too (cimTargetCheckActivations). */
  LayerError le = {tl.loc, tl.layer};
  if (mlirLogicalResultIsFailure(cimTargetCheckActivations(
          s->target, tl.aBits, tl.aSigned, emitLayerError, &le)))
    return mlirLogicalResultFailure();
  const Planes *planes = planesFor(s, op, tl.a, tl.aBits, tl.aSigned);
  if (!planes) {
    cimEmitErrorf(tl.loc, "cim-bitslice: out of memory");
    return mlirLogicalResultFailure();
  }

  MlirValue tile = writeWeightTile(s->ctx, &tl);
  MlirValue q = readPlanes(s, &tl, planes, tile);
  MlirValue acc = accumulateSlices(s->ctx, &tl, q);
  mlirValueReplaceAllUsesOfWith(mlirOperationGetResult(op, 0), acc);
  mlirOperationDestroy(op);
  return mlirLogicalResultSuccess();
}

MlirLogicalResult cimMapBitsliceTiles(MlirOperation root,
                                      const CimTarget *target,
                                      bool requireTiled) {
  MlirOperation *ops;
  intptr_t n;
  if (requireTiled) {
    static const char *const layers[] = {"cim.matmul", "cim.conv2d", NULL};
    if (!cimMapCollect(root, layers, &ops, &n)) {
      free(ops);
      return mlirLogicalResultFailure();
    }
    if (n > 0) {
      cimEmitErrorf(
          mlirOperationGetLocation(ops[0]),
          "cim-bitslice: layer %lld is not tiled; run cim-tile first: weight "
          "slices are placed per crossbar tile, so the tile grid (which may "
          "split one output's slices across tiles) must exist before bit "
          "slicing",
          (long long)cimMapIntAttr(ops[0], "layer", 0));
      free(ops);
      return mlirLogicalResultFailure();
    }
    free(ops);
  }
  static const char *const names[] = {"cim.matmul_tile", NULL};
  if (!cimMapCollect(root, names, &ops, &n)) {
    free(ops);
    cimEmitErrorf(mlirOperationGetLocation(root), "cim-bitslice: out of memory");
    return mlirLogicalResultFailure();
  }
  Slicer s = {mlirOperationGetContext(root), target, NULL, 0, 0};
  bool ok = true;
  for (intptr_t i = 0; i < n && ok; ++i)
    ok = mlirLogicalResultIsSuccess(sliceTile(&s, ops[i]));
  free(ops);
  free(s.cache);
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}

static MlirLogicalResult runBitslice(MlirOperation func,
                                     const CimPassOptions *options) {
  CimTarget target;
  if (mlirLogicalResultIsFailure(cimPassResolveTarget(
          func, "cim-bitslice", cimPassOptionsGetString(options, "target"),
          false, &target)))
    return mlirLogicalResultFailure();
  return cimMapBitsliceTiles(func, &target, true);
}

static const CimPassOptionDef bitsliceOptions[] = {
    CIM_PASS_TARGET_OPTION,
};

const CimPassDef cimBitslicePass = {
    .argument = "cim-bitslice",
    .name = "CimBitslice",
    .summary = "Bit-slice crossbar tiles into xbar writes, input bit-plane "
               "MVMs, ADC read-outs and shift-and-add",
    .description =
        "Lowers every `cim.matmul_tile` (from `cim-tile`) to its crossbar\n"
        "program: `xbar.weight_tile` (the cell levels of the tile's weight\n"
        "slices in the tile's mapping), one `xbar.write`, and for each input\n"
        "bit-plane (`xbar.bitplane`, shared by all tiles of a layer:\n"
        "`ceil(a_bits / dac_bits)` planes of `dac_bits` bits for unsigned\n"
        "activations; for two's complement ones `ceil((a_bits - 1) /\n"
        "dac_bits)` magnitude planes and the sign bit in a plane of its own)\n"
        "one `xbar.mvm` per OU group of at most `ou_rows`\n"
        "rows, each read out through `xbar.adc` with the target's `adc_bits`\n"
        "(0: ideal). `xbar.shift_add` then adds the OU groups, combines the\n"
        "planes (the two's complement sign plane negated), and adds each\n"
        "weight slice shifted by `s * cell_bits` into the layer's accumulator\n"
        "(differential columns subtracted; the offset mapping's bias column\n"
        "subtracted at `2^(w_bits-1)`). With an ideal ADC the result is the\n"
        "exact product. The schedule is sequential on crossbar 0: each tile\n"
        "is written, then all its MVMs run. The target is the program's (the\n"
        "one `cim-tile` recorded); another `target=` is an error. Untiled\n"
        "layers are an error (run\n"
        "`cim-tile` first); signed activations need a `twos-complement` target.",
    .anchor = "func.func",
    .options = bitsliceOptions,
    .numOptions = sizeof bitsliceOptions / sizeof bitsliceOptions[0],
    .run = runBitslice,
};
