/*===-- verify_xbar.c - The rules of the xbar crossbar ops ----------------===*
 *
 * The rows of the rule table (lib/ir/verify.c) for the ops that program and
 * read the crossbars and move data to and from them: xbar.weight_tile,
 * write, bitplane, mvm, adc, shift_add, im2col and insert
 * (docs/dialects/xbar.md). Each runs after the rules common to every op, on
 * the operands and results they kept (ir/VerifyRules.h);
 * test/dialects/xbar-verify.mlir has one case per message.
 *===----------------------------------------------------------------------===*/

#include "ir/VerifyRules.h"

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"

#include "ir/PassUtils.h"
#include "support/Checked.h"

bool cimVerifyWeightTile(const V *v) {
  const Tensor *w = &v->in[0], *r = &v->out[0];
  if (!cimVerifyNeedRank(v, w, "the weights", 2) ||
      !cimVerifyNeedRank(v, r, "the cells", 2))
    return false;
  int64_t wBits, cellBits, k0, u0, kSize, units, nUnits;
  if (!cimVerifyIntIn(v, "w_bits", 1, 8, &wBits) ||
      !cimVerifyIntIn(v, "cell_bits", 1, 8, &cellBits) ||
      !cimVerifyIntIn(v, "k_offset", 0, CIM_IR_MAX_DIM, &k0) ||
      !cimVerifyIntIn(v, "unit_offset", 0, CIM_IR_MAX_DIM, &u0) ||
      !cimVerifyUnitsOf(v, w->d[1], wBits, cellBits, &nUnits))
    return false;
  if (cimVerifyStringIs(v, "mapping", "differential-column")) {
    if (r->d[1] % 2)
      return cimVerifyFail(
          v,
          "differential-column cells need an even column count, "
          "got %lld",
          (long long)r->d[1]);
    kSize = r->d[0];
    units = r->d[1] / 2;
  } else if (cimVerifyStringIs(v, "mapping", "differential-row")) {
    if (r->d[0] % 2)
      return cimVerifyFail(v,
                           "differential-row cells need an even row count, got "
                           "%lld",
                           (long long)r->d[0]);
    kSize = r->d[0] / 2;
    units = r->d[1];
  } else {
    if (r->d[1] < 2)
      return cimVerifyFail(
          v, "offset cells need at least 2 columns (data and bias)");
    kSize = r->d[0];
    units = r->d[1] - 1;
  }
  if (!cimVerifySpan(v, "rows", k0, kSize, w->d[0], "weight rows") ||
      !cimVerifySpan(v, "units", u0, units, nUnits, "weight units"))
    return false;
  int64_t hi = (INT64_C(1) << cellBits) - 1;
  if (!cimVerifyHolds(r->width, 0, hi))
    return cimVerifyFail(v,
                         "its i%u result cannot hold %lld-bit cell levels [0, "
                         "%lld]: it needs i%lld",
                         r->width, (long long)cellBits, (long long)hi,
                         (long long)cellBits + 1);
  return true;
}

bool cimVerifyWrite(const V *v) {
  return cimVerifyNeedRank(v, &v->in[0], "the cells", 2) &&
         cimVerifyIntIn(v, "crossbar", 0, CIM_IR_MAX_DIM, NULL) &&
         cimVerifyIntIn(v, "row", 0, CIM_IR_MAX_DIM, NULL) &&
         cimVerifyIntIn(v, "col", 0, CIM_IR_MAX_DIM, NULL);
}

bool cimVerifyBitplane(const V *v) {
  const Tensor *x = &v->in[0], *r = &v->out[0];
  int64_t aBits, off, bits, end;
  if (!cimVerifyNeedSameShape(v, x, "x", r, "the digits") ||
      !cimVerifyIntIn(v, "a_bits", 1, 8, &aBits) ||
      !cimVerifyIntIn(v, "bit_offset", 0, 7, &off) ||
      !cimVerifyIntIn(v, "bits", 1, 8, &bits))
    return false;
  end = off + bits;
  if (end > aBits)
    return cimVerifyFail(v, "bits [%lld, %lld) exceed the %lld activation bits",
                         (long long)off, (long long)end, (long long)aBits);
  int64_t hi = (INT64_C(1) << bits) - 1;
  if (!cimVerifyHolds(r->width, 0, hi))
    return cimVerifyFail(
        v,
        "its i%u result cannot hold %lld-bit digits [0, %lld]: it "
        "needs i%lld",
        r->width, (long long)bits, (long long)hi, (long long)bits + 1);
  return true;
}

/// The largest value an operand can carry: `2^bits - 1` when it is made by
/// `producer` (xbar.bitplane's digits, xbar.weight_tile's cells: the attribute
/// `bitsAttr` bounds it), the value of a non-negative integer splat constant
/// (the offset encoding's all-ones correction digits), else what its
/// signless type holds.
static int64_t largestValue(MlirValue value, const char *producer,
                            const char *bitsAttr, unsigned width) {
  if (mlirValueIsAOpResult(value)) {
    MlirOperation def = mlirOpResultGetOwner(value);
    if (cimOpIsA(def, "arith.constant")) {
      MlirAttribute c = mlirOperationGetAttributeByName(
          def, mlirStringRefCreateFromCString("value"));
      if (!mlirAttributeIsNull(c) && mlirAttributeIsADenseIntElements(c) &&
          mlirDenseElementsAttrIsSplat(c)) {
        MlirAttribute e = mlirDenseElementsAttrGetSplatValue(c);
        if (mlirAttributeIsAInteger(e) && mlirIntegerAttrGetValueInt(e) >= 0)
          return mlirIntegerAttrGetValueInt(e);
      }
    }
    if (cimOpIsA(def, producer)) {
      MlirAttribute a = mlirOperationGetAttributeByName(
          def, mlirStringRefCreateFromCString(bitsAttr));
      if (!mlirAttributeIsNull(a) && mlirAttributeIsAInteger(a)) {
        int64_t bits = mlirIntegerAttrGetValueInt(a);
        if (bits >= 1 && bits <= 16)
          return (INT64_C(1) << bits) - 1;
      }
    }
  }
  int64_t lo, hi;
  cimVerifyTypeRange(width, &lo, &hi);
  return hi;
}

/// The sums of an mvm hold every sum of `rows` digit x cell products
/// (digits negated on the odd rows of differential rows): the bound of each
/// comes from its producer's bits where known, else from its type.
static bool checkMvmSums(const V *v, MlirValue cellsValue, unsigned cellWidth,
                         int64_t rows) {
  int64_t dMax = largestValue(mlirOperationGetOperand(v->op, v->numOperands - 1),
                              "xbar.bitplane", "bits", v->lastIn.width);
  int64_t cMax = largestValue(cellsValue, "xbar.weight_tile", "cell_bits",
                              cellWidth);
  int64_t dLo = cimVerifyBoolAttr(v, "differential_rows") ? -dMax : 0;
  unsigned needed = 0;
  bool ok = cimDotProductBits(rows, dLo, dMax, 0, cMax, &needed);
  if (ok && needed <= v->out[0].width)
    return true;
  return cimVerifyFail(
      v,
      "its i%u sums cannot hold every sum of %lld rows of digits up to "
      "%lld and cells up to %lld: they need %s%u bits",
      v->out[0].width, (long long)rows, (long long)dMax, (long long)cMax,
      ok ? "" : "more than ", ok ? needed : 64u);
}

bool cimVerifyMvm(const V *v) {
  intptr_t last = v->numOperands - 1;
  if (last < 1)
    return cimVerifyFail(v, "needs at least one tile before the digits");
  const Tensor *dg = &v->lastIn, *r = &v->out[0];
  if (!cimVerifyNeedRank(v, dg, "the digits", 2) ||
      !cimVerifyNeedRank(v, r, "the sums", 2))
    return false;
  if (r->d[0] != dg->d[0])
    return cimVerifyFail(v, "the sums have %lld rows, the digits %lld",
                         (long long)r->d[0], (long long)dg->d[0]);
  int64_t k0, r0, rows, last1, need;
  if (!cimVerifyIntIn(v, "k_offset", 0, CIM_IR_MAX_DIM, &k0) ||
      !cimVerifyIntIn(v, "row_offset", 0, CIM_IR_MAX_DIM, &r0) ||
      !cimVerifyIntIn(v, "rows", 1, CIM_IR_MAX_DIM, &rows))
    return false;
  last1 = r0 + rows - 1;
  need = k0 + (cimVerifyBoolAttr(v, "differential_rows") ? last1 / 2 : last1);
  if (need >= dg->d[1])
    return cimVerifyFail(v, "drives digit column %lld of %lld", (long long)need,
                         (long long)dg->d[1]);
  /* The region of the first tile's write, when it is one. */
  MlirValue tile = mlirOperationGetOperand(v->op, 0);
  if (mlirValueIsAOpResult(tile) &&
      cimOpIsA(mlirOpResultGetOwner(tile), "xbar.write")) {
    MlirType cells = mlirValueGetType(
        mlirOperationGetOperand(mlirOpResultGetOwner(tile), 0));
    if (mlirTypeIsARankedTensor(cells) && mlirShapedTypeGetRank(cells) == 2 &&
        mlirShapedTypeHasStaticShape(cells)) {
      int64_t tr = mlirShapedTypeGetDimSize(cells, 0),
              tc = mlirShapedTypeGetDimSize(cells, 1);
      if (r0 + rows > tr)
        return cimVerifyFail(v, "rows [%lld, %lld) exceed the tile's %lld rows",
                             (long long)r0, (long long)(r0 + rows),
                             (long long)tr);
      if (r->d[1] != tc)
        return cimVerifyFail(v, "the sums have %lld columns, the tile %lld",
                             (long long)r->d[1], (long long)tc);
      MlirValue cellsValue =
          mlirOperationGetOperand(mlirOpResultGetOwner(tile), 0);
      MlirType ce = mlirShapedTypeGetElementType(cells);
      if (mlirTypeIsAInteger(ce) &&
          !checkMvmSums(v, cellsValue, mlirIntegerTypeGetWidth(ce), rows))
        return false;
    }
  }
  return true;
}

bool cimVerifyAdc(const V *v) {
  return cimVerifyNeedSameShape(v, &v->in[0], "the sums", &v->out[0],
                                "the result") &&
         cimVerifyIntIn(v, "bits", 0, 32, NULL) &&
         cimVerifyIntIn(v, "shift", 0, 62, NULL);
}

bool cimVerifyShiftAdd(const V *v) {
  const Tensor *acc = &v->in[0], *part = &v->in[1], *r = &v->out[0];
  if (!cimVerifyNeedRank(v, acc, "acc", 2) ||
      !cimVerifyNeedRank(v, part, "part", 2))
    return false;
  if (!cimVerifySameShape(acc, r) || acc->width != r->width)
    return cimVerifyFail(v, "acc and the result must have one type");
  if (part->d[0] != acc->d[0] && part->d[0] != 1)
    return cimVerifyFail(v, "part has %lld rows; expected %lld or 1",
                         (long long)part->d[0], (long long)acc->d[0]);
  int64_t so, ss, d0, count, end, lastCol;
  if (!cimVerifyIntIn(v, "src_offset", 0, CIM_IR_MAX_DIM, &so) ||
      !cimVerifyIntIn(v, "src_stride", 0, CIM_IR_MAX_DIM, &ss) ||
      !cimVerifyIntIn(v, "dst_offset", 0, CIM_IR_MAX_DIM, &d0) ||
      !cimVerifyIntIn(v, "count", 0, CIM_IR_MAX_DIM, &count) ||
      !cimVerifyIntIn(v, "shift", 0, 62, NULL))
    return false;
  if (count == 0)
    return true;
  if (!cimCheckedAdd(d0, count, &end) || end > acc->d[1])
    return cimVerifyFail(
        v,
        "columns [%lld, %lld + %lld) exceed the %lld columns of "
        "acc",
        (long long)d0, (long long)d0, (long long)count, (long long)acc->d[1]);
  if (!cimCheckedMul(count - 1, ss, &lastCol) ||
      !cimCheckedAdd(lastCol, so, &lastCol) || lastCol >= part->d[1])
    return cimVerifyFail(v, "reads part column past its %lld columns",
                         (long long)part->d[1]);
  return true;
}

bool cimVerifyIm2col(const V *v) {
  const Tensor *x = &v->in[0], *r = &v->out[0];
  if (!cimVerifyNeedRank(v, x, "the input", 4) ||
      !cimVerifyNeedRank(v, r, "the patches", 2))
    return false;
  int64_t k[2], st[2], dl[2], pd[4], padValue, c0, cn, oh = 0, ow = 0;
  if (!cimVerifyArrayIn(v, "kernel", 2, 1, CIM_IR_MAX_DIM, k) ||
      !cimVerifyArrayIn(v, "strides", 2, 1, CIM_IR_MAX_DIM, st) ||
      !cimVerifyArrayIn(v, "dilations", 2, 1, CIM_IR_MAX_DIM, dl) ||
      !cimVerifyArrayIn(v, "padding", 4, 0, CIM_IR_MAX_DIM, pd) ||
      !cimVerifyIntAttr(v, "pad_value", &padValue) ||
      !cimVerifyIntAttr(v, "channel_offset", &c0) ||
      !cimVerifyIntAttr(v, "channels", &cn))
    return false;
  bool nchw = cimVerifyStringIs(v, "layout", "nchw");
  int64_t c = nchw ? x->d[1] : x->d[3], h = nchw ? x->d[2] : x->d[1],
          w = nchw ? x->d[3] : x->d[2];
  if (!cimVerifySpan(v, "channels", c0, cn, c, "input channels"))
    return false;
  if (!cimWindowOutputSize(h, pd[0], pd[2], k[0], dl[0], st[0], &oh) ||
      !cimWindowOutputSize(w, pd[1], pd[3], k[1], dl[1], st[1], &ow))
    return cimVerifyFail(v,
                         "the input (%lldx%lld), kernel (%lldx%lld), strides, "
                         "dilations and padding do not give a valid window",
                         (long long)h, (long long)w, (long long)k[0],
                         (long long)k[1]);
  int64_t rows, cols;
  if (!cimCheckedMul(x->d[0], oh, &rows) || !cimCheckedMul(rows, ow, &rows) ||
      !cimCheckedMul(cn, k[0], &cols) || !cimCheckedMul(cols, k[1], &cols) ||
      r->d[0] != rows || r->d[1] != cols)
    return cimVerifyFail(
        v,
        "patches must be [B*OH*OW, channels*KH*KW] = [%lld * %lld "
        "* %lld, %lld * %lld * %lld]",
        (long long)x->d[0], (long long)oh, (long long)ow, (long long)cn,
        (long long)k[0], (long long)k[1]);
  if (r->width < x->width || !cimVerifyHolds(r->width, padValue, padValue))
    return cimVerifyFail(v,
                         "its i%u result cannot hold the input's values and "
                         "pad_value %lld",
                         r->width, (long long)padValue);
  return true;
}

bool cimVerifyInsert(const V *v) {
  const Tensor *dest = &v->in[0], *x = &v->in[1], *r = &v->out[0];
  if (!cimVerifySameShape(dest, r) || dest->width != r->width)
    return cimVerifyFail(v, "dest and the result must have one type");
  if (!cimVerifyBlock(v, dest, x))
    return false;
  if (r->width < x->width)
    return cimVerifyFail(v, "its i%u result cannot hold the i%u block's values",
                         r->width, x->width);
  return true;
}
