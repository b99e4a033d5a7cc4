/*===-- ops_quant.c - ONNX QDQ and QOperator operators ---------------------===*
 *
 * QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul,
 * MatMulInteger, ConvInteger (docs/onnx.md, "Operators").
 *===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Importer.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Quant.h"
#include "mlir-c/IR.h"

/*===----------------------------------------------------------------------===*
 * Operators
 *===----------------------------------------------------------------------===*/

bool cimOnnxIsIntType(int32_t t) { return t == DT_UINT8 || t == DT_INT8; }

bool cimOnnxQuantizeLinear(Importer *I, const Onnx__NodeProto *n,
                           MlirLocation loc) {
  IN(x, 0) IN(s, 1) IN(z, 2) REQUIRE(x, "x") REQUIRE(s, "y_scale") QParams q;
  if (!cimOnnxReadQParams(n, loc, s, z, DT_UINT8,
                          (int)cimOnnxAttrInt(n, "axis", 1), x->rank, x->dims,
                          &q))
    return false;
  if (!cimOnnxCheckZeroPoints(n, loc, &q)) {
    cimOnnxQFree(&q);
    return false;
  }
  Value *y = cimOnnxOutput(I, n, 0, loc);
  if (!y) {
    cimOnnxQFree(&q);
    return false;
  }
  cimOnnxSetShape(y, x->rank, x->dims);
  y->dtype = q.dtype;
  if (x->kind == K_CONST) {
    /* Folded with ONNX's rule: round half to even, add, saturate. */
    int64_t lo = 0, hi = 0;
    cimOnnxStorageRange(q.dtype, &lo, &hi);
    y->kind = K_CONST;
    y->c = cimOnnxConstNew(q.dtype, x->c->rank, x->c->dims);
    if (!y->c) {
      cimOnnxQFree(&q);
      return cimOnnxFail(loc, "out of memory");
    }
    /* ONNX divides a float32 (or float16, widened) input by its float32
     * scale in float32; a double input in double (the compiler's
     * cimElementsQuantize does the same). */
    bool inFloat = x->c->dtype != DT_DOUBLE;
    for (int64_t i = 0; i < x->c->n; ++i) {
      int64_t ch = q.n > 1 ? cimOnnxChannelOf(x->c, q.axis, i) : 0;
      double quotient = inFloat ? (double)((float)x->c->v[i] /
                                           (float)q.scales[ch])
                                : x->c->v[i] / q.scales[ch];
      double r = nearbyint(quotient) + (double)q.zps[ch];
      y->c->v[i] = r < lo ? lo : r > hi ? hi : r;
    }
    cimOnnxQFree(&q);
    return true;
  }
  MlirValue xf = cimOnnxUseFloat(I, n, loc, x);
  if (mlirValueIsNull(xf)) {
    cimOnnxQFree(&q);
    return false;
  }
  /* A value the importer holds quantized (a ReLU of a dequantized value,
   * kept on its grid) is a float in ONNX: its dcast is re-quantized, as
   * torch's PTQ exports do after every ReLU (DequantizeLinear -> Relu ->
   * QuantizeLinear). */
  if (x->kind == K_INTARG || (x->kind != K_QUANT && x->dtype != DT_FLOAT)) {
    cimOnnxQFree(&q);
    return cimOnnxFail(loc, "node '%s' (%s): input '%s' must be float",
                       cimOnnxNodeName(n), n->op_type, x->name);
  }
  y->kind = K_QUANT;
  y->q = q;
  y->v = cimOnnxEmit1(
      I, "quant.qcast", loc, 1, &xf,
      cimOnnxTensorOf(x->rank, x->dims, cimOnnxQuantElemType(I, &q)), 0, NULL);
  return true;
}

bool cimOnnxDequantizeLinear(Importer *I, const Onnx__NodeProto *n,
                             MlirLocation loc) {
  IN(x, 0) IN(s, 1) IN(z, 2) REQUIRE(x, "x") REQUIRE(s, "x_scale") Value *y;
  if (x->dtype == DT_INT32 && x->kind == K_CONST) {
    /* A 32-bit bias (PTQ exports): folded to float; zero point must be 0. */
    if (!s->c || (z && (!z->c || z->c->n != s->c->n)))
      return cimOnnxFail(loc,
                         "node '%s' (%s): the scale and zero point must be "
                         "constants",
                         cimOnnxNodeName(n), n->op_type);
    /* Per-axis scales: one per slice of an axis the bias has (a fuzzed
     * axis or count would index past them: onnx_import fuzz target). */
    int axis = (int)cimOnnxAttrInt(n, "axis", 1);
    if (axis < 0)
      axis += x->c->rank;
    if (s->c->n > 1 && (axis < 0 || axis >= x->c->rank))
      return cimOnnxFail(loc, "node '%s' (%s): axis out of range for rank %d",
                         cimOnnxNodeName(n), n->op_type, x->c->rank);
    if (s->c->n > 1 && s->c->n != x->c->dims[axis])
      return cimOnnxFail(loc,
                         "node '%s' (%s): %lld scales for axis %d of size %lld",
                         cimOnnxNodeName(n), n->op_type, (long long)s->c->n,
                         axis, (long long)x->c->dims[axis]);
    if (!(y = cimOnnxOutput(I, n, 0, loc)))
      return false;
    cimOnnxSetShape(y, x->rank, x->dims);
    y->dtype = DT_FLOAT;
    y->kind = K_CONST;
    y->c = cimOnnxConstNew(DT_FLOAT, x->c->rank, x->c->dims);
    if (!y->c)
      return cimOnnxFail(loc, "out of memory");
    for (int64_t i = 0; i < x->c->n; ++i) {
      int64_t ch = s->c->n > 1 ? cimOnnxChannelOf(x->c, axis, i) : 0;
      double zp = z ? z->c->v[ch] : 0;
      y->c->v[i] = (double)(float)(s->c->v[ch] * (x->c->v[i] - zp));
    }
    return true;
  }
  QParams q;
  if (!cimOnnxReadQParams(n, loc, s, z, x->dtype,
                          (int)cimOnnxAttrInt(n, "axis", 1), x->rank, x->dims,
                          &q))
    return false;
  if (!cimOnnxCheckZeroPoints(n, loc, &q) ||
      !(y = cimOnnxOutput(I, n, 0, loc))) {
    cimOnnxQFree(&q);
    return false;
  }
  cimOnnxSetShape(y, x->rank, x->dims);
  y->dtype = DT_FLOAT;
  if (x->kind == K_CONST) {
    if (x->c->dtype != q.dtype) {
      cimOnnxQFree(&q);
      return cimOnnxFail(loc,
                         "node '%s' (%s): input '%s' is %s but the zero point "
                         "is %s",
                         cimOnnxNodeName(n), n->op_type, x->name,
                         cimOnnxDtypeName(x->c->dtype),
                         cimOnnxDtypeName(q.dtype));
    }
    if (x->c->hasRange) {
      /* A clipped weight: the zero point must lie in the declared range. */
      for (int64_t i = 0; i < q.n; ++i)
        if (q.zps[i] < x->c->lo || q.zps[i] > x->c->hi) {
          bool ok = cimOnnxFail(
              loc,
              "node '%s' (%s): zero point %lld outside the range [%lld, %lld] "
              "that a Clip gave '%s'",
              cimOnnxNodeName(n), n->op_type, (long long)q.zps[i],
              (long long)x->c->lo, (long long)x->c->hi, x->name);
          cimOnnxQFree(&q);
          return ok;
        }
      q.hasRange = true;
      q.lo = x->c->lo;
      q.hi = x->c->hi;
    }
    y->kind = K_CONST;
    y->dqInt = cimOnnxConstNew(x->c->dtype, x->c->rank, x->c->dims);
    y->c = cimOnnxConstNew(DT_FLOAT, x->c->rank, x->c->dims);
    if (!y->dqInt || !y->c) {
      cimOnnxQFree(&q);
      return cimOnnxFail(loc, "out of memory");
    }
    memcpy(y->dqInt->v, x->c->v, (size_t)x->c->n * sizeof(double));
    for (int64_t i = 0; i < x->c->n; ++i) {
      int64_t ch = q.n > 1 ? cimOnnxChannelOf(x->c, q.axis, i) : 0;
      y->c->v[i] =
          (double)(float)(q.scales[ch] * (x->c->v[i] - (double)q.zps[ch]));
    }
    y->dqq = q;
    return true;
  }
  MlirValue f = cimOnnxUseDequantized(I, n, loc, x, &q, "input");
  if (mlirValueIsNull(f)) {
    cimOnnxQFree(&q);
    return false;
  }
  y->kind = K_FLOAT;
  y->v = f;
  y->grid = q; /* every value of y lies on q's grid */
  if (x->kind == K_QUANT && x->q.hasRange) {
    /* ... and in the range a Clip gave it */
    y->grid.hasRange = true;
    y->grid.lo = x->q.lo;
    y->grid.hi = x->q.hi;
  }
  return true;
}

/// Reads the `count` inputs of a QLinear* node into `in`; those whose bit
/// is set in `optional` may be absent (NULL), any other must be present.
static bool readQInputs(Importer *I, const Onnx__NodeProto *n,
                        MlirLocation loc, const char *const *names, int count,
                        unsigned optional, Value **in) {
  for (int i = 0; i < count; ++i) {
    bool bad = false;
    in[i] = cimOnnxInput(I, n, (size_t)i, loc, &bad);
    if (bad)
      return false;
    if (!in[i] && !(optional & (1u << i)))
      return cimOnnxFail(loc, "node '%s' (%s): missing input '%s'",
                         cimOnnxNodeName(n), n->op_type, names[i]);
  }
  return true;
}

/// Common part of QLinearConv / QLinearMatMul: operand parameters.
static bool qlinearParams(const Onnx__NodeProto *n, MlirLocation loc,
                          Value *const *in, int wAxis, QParams *qa, QParams *qw,
                          QParams *qy) {
  memset(qa, 0, sizeof *qa);
  memset(qw, 0, sizeof *qw);
  memset(qy, 0, sizeof *qy);
  if (!cimOnnxReadQParams(n, loc, in[1], in[2], in[0]->dtype, 0, in[0]->rank,
                          in[0]->dims, qa))
    return false;
  if (qa->n != 1) {
    cimOnnxQFree(qa);
    return cimOnnxFail(loc, "node '%s' (%s): the input scale must be one value",
                       cimOnnxNodeName(n), n->op_type);
  }
  if (!cimOnnxReadQParams(n, loc, in[4], in[5], in[3]->dtype, wAxis,
                          in[3]->rank, in[3]->dims, qw) ||
      !cimOnnxReadQParams(n, loc, in[6], in[7], DT_UINT8, 0, 0, NULL, qy)) {
    cimOnnxQFree(qa);
    cimOnnxQFree(qw);
    return false;
  }
  if (qy->n != 1 || !cimOnnxCheckZeroPoints(n, loc, qa) ||
      !cimOnnxCheckZeroPoints(n, loc, qw) ||
      !cimOnnxCheckZeroPoints(n, loc, qy)) {
    if (qy->n != 1)
      cimOnnxFail(loc, "node '%s' (%s): the output scale must be one value",
                  cimOnnxNodeName(n), n->op_type);
    cimOnnxQFree(qa);
    cimOnnxQFree(qw);
    cimOnnxQFree(qy);
    return false;
  }
  return true;
}

/// Output of a QOperator: qcast of the f32 result into `qy`.
static bool defineQuantOutput(Importer *I, const Onnx__NodeProto *n,
                              MlirLocation loc, MlirValue y, int rank,
                              const int64_t *dims, QParams *qy) {
  Value *o = cimOnnxOutput(I, n, 0, loc);
  if (!o) {
    cimOnnxQFree(qy);
    return false;
  }
  o->kind = K_QUANT;
  o->dtype = qy->dtype;
  o->q = *qy;
  cimOnnxSetShape(o, rank, dims);
  o->v = cimOnnxEmit1(I, "quant.qcast", loc, 1, &y,
                      cimOnnxTensorOf(rank, dims, cimOnnxQuantElemType(I, qy)),
                      0, NULL);
  return true;
}

bool cimOnnxQLinearConv(Importer *I, const Onnx__NodeProto *n,
                        MlirLocation loc) {
  Value *in[9];
  static const char *names[9] = {"x",       "x_scale",      "x_zero_point",
                                 "w",       "w_scale",      "w_zero_point",
                                 "y_scale", "y_zero_point", "B"};
  /* Optional: the three zero points and B. */
  if (!readQInputs(I, n, loc, names, 9, 1u << 2 | 1u << 5 | 1u << 7 | 1u << 8,
                   in))
    return false;
  if (in[0]->rank != 4 || in[3]->rank != 4)
    return cimOnnxFail(loc,
                       "node '%s' (QLinearConv): only 2-D convolutions are "
                       "supported",
                       cimOnnxNodeName(n));
  QParams qa, qw, qy;
  if (!qlinearParams(n, loc, in, 0, &qa, &qw, &qy))
    return false;
  MlirValue xf = cimOnnxUseDequantized(I, n, loc, in[0], &qa, "x");
  bool split = false;
  int64_t wd[4], xd[4];
  MlirValue wf =
      mlirValueIsNull(xf)
          ? xf
          : cimOnnxUseWeightSymmetric(I, n, loc, in[3], &qw, 1, &split, wd);
  for (int i = 0; i < 4; ++i)
    xd[i] = in[0]->dims[i];
  if (split && !mlirValueIsNull(wf))
    xf = cimOnnxConcatSelf(I, loc, xf, 4, in[0]->dims, 1, xd);
  float *bias = NULL;
  bool ok = !mlirValueIsNull(wf);
  if (ok && in[8]) {
    /* B is int32 at scale x_scale * w_scale[c], zero point 0. */
    double *ws = malloc((size_t)in[3]->dims[0] * sizeof(double));
    ok = ws != NULL;
    for (int64_t c = 0; ok && c < in[3]->dims[0]; ++c)
      ws[c] = qw.scales[qw.n > 1 ? c : 0];
    ok = ok && (bias = cimOnnxBiasVector(n, loc, in[8], in[3]->dims[0],
                                         qa.scales[0], ws));
    free(ws);
  }
  int64_t od[4];
  MlirValue y = {NULL};
  if (ok)
    y = cimOnnxConvCore(I, n, loc, xf, xd, wf, wd, bias, od,
                        split ? NULL : in[3], split ? NULL : &qw);
  free(bias);
  cimOnnxQFree(&qa);
  cimOnnxQFree(&qw);
  if (mlirValueIsNull(y)) {
    cimOnnxQFree(&qy);
    return false;
  }
  return defineQuantOutput(I, n, loc, y, 4, od, &qy);
}

bool cimOnnxQLinearMatMul(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc) {
  Value *in[8];
  static const char *names[8] = {"a",       "a_scale",     "a_zero_point",
                                 "b",       "b_scale",     "b_zero_point",
                                 "y_scale", "y_zero_point"};
  /* Optional: the three zero points. */
  if (!readQInputs(I, n, loc, names, 8, 1u << 2 | 1u << 5 | 1u << 7, in))
    return false;
  QParams qa, qw, qy;
  if (!qlinearParams(n, loc, in, in[3]->rank - 1, &qa, &qw, &qy))
    return false;
  MlirValue af = cimOnnxUseDequantized(I, n, loc, in[0], &qa, "a");
  bool split = false;
  int64_t bd[MAX_RANK], ad[MAX_RANK];
  int ra = in[0]->rank, rb = in[3]->rank;
  MlirValue bf = mlirValueIsNull(af) || rb < 2
                     ? (MlirValue){NULL}
                     : cimOnnxUseWeightSymmetric(I, n, loc, in[3], &qw, rb - 2,
                                                 &split, bd);
  if (rb < 2)
    cimOnnxFail(loc, "node '%s' (QLinearMatMul): b must have rank 2 or 3",
                cimOnnxNodeName(n));
  for (int i = 0; i < ra; ++i)
    ad[i] = in[0]->dims[i];
  if (split && !mlirValueIsNull(bf))
    af = cimOnnxConcatSelf(I, loc, af, ra, in[0]->dims, ra - 1, ad);
  int64_t od[MAX_RANK];
  int ro = 0;
  MlirValue y = {NULL};
  if (!mlirValueIsNull(bf))
    y = cimOnnxMatmulCore(I, n, loc, af, ra, ad, bf, rb, bd, &ro, od);
  cimOnnxQFree(&qa);
  cimOnnxQFree(&qw);
  if (mlirValueIsNull(y)) {
    cimOnnxQFree(&qy);
    return false;
  }
  return defineQuantOutput(I, n, loc, y, ro, od, &qy);
}

/// MatMulInteger / ConvInteger: operands at scale 1 with their zero points;
/// the int32 result is the f32 value of the accumulation (exact).
static bool integerOperands(Importer *I, const Onnx__NodeProto *n,
                            MlirLocation loc, Value **a, Value **b,
                            MlirValue *af, MlirValue *bf) {
  IN(x, 0) IN(w, 1) IN(xz, 2) IN(wz, 3) REQUIRE(x, "A") REQUIRE(w, "B") *a = x;
  *b = w;
  if (!cimOnnxIsIntType(x->dtype) || !cimOnnxIsIntType(w->dtype))
    return cimOnnxFail(loc, "node '%s' (%s): operands must be uint8 or int8",
                       cimOnnxNodeName(n), n->op_type);
  Value *zs[2] = {xz, wz};
  int64_t zv[2] = {0, 0};
  for (int k = 0; k < 2; ++k) {
    if (!zs[k])
      continue;
    if (!zs[k]->c || zs[k]->c->n < 1)
      return cimOnnxFail(loc,
                         "node '%s' (%s): zero point '%s' must be a constant",
                         cimOnnxNodeName(n), n->op_type, zs[k]->name);
    for (int64_t i = 1; i < zs[k]->c->n; ++i)
      if (zs[k]->c->v[i] != zs[k]->c->v[0])
        return cimOnnxFail(loc,
                           "node '%s' (%s): per-channel zero points are not "
                           "supported",
                           cimOnnxNodeName(n), n->op_type);
    zv[k] = (int64_t)zs[k]->c->v[0];
  }
  QParams qa = cimOnnxQUnit(x->dtype, zv[0]),
          qb = cimOnnxQUnit(w->dtype, zv[1]);
  bool ok = qa.scales && qb.scales && cimOnnxCheckZeroPoints(n, loc, &qa) &&
            cimOnnxCheckZeroPoints(n, loc, &qb);
  *af = ok ? cimOnnxUseDequantized(I, n, loc, x, &qa, "A") : (MlirValue){NULL};
  *bf = !mlirValueIsNull(*af) ? cimOnnxUseDequantized(I, n, loc, w, &qb, "B")
                              : (MlirValue){NULL};
  cimOnnxQFree(&qa);
  cimOnnxQFree(&qb);
  return !mlirValueIsNull(*bf);
}

bool cimOnnxMatMulInteger(Importer *I, const Onnx__NodeProto *n,
                          MlirLocation loc) {
  Value *a, *b;
  MlirValue af, bf;
  if (!integerOperands(I, n, loc, &a, &b, &af, &bf))
    return false;
  int64_t od[MAX_RANK];
  int ro;
  MlirValue y = cimOnnxMatmulCore(I, n, loc, af, a->rank, a->dims, bf, b->rank,
                                  b->dims, &ro, od);
  return cimOnnxDefineOutput(I, n, loc, y, DT_INT32, ro, od);
}

bool cimOnnxConvInteger(Importer *I, const Onnx__NodeProto *n,
                        MlirLocation loc) {
  Value *x, *w;
  MlirValue xf, wf;
  if (!integerOperands(I, n, loc, &x, &w, &xf, &wf))
    return false;
  if (x->rank != 4 || w->rank != 4)
    return cimOnnxFail(loc,
                       "node '%s' (ConvInteger): only 2-D convolutions are "
                       "supported",
                       cimOnnxNodeName(n));
  int64_t od[4];
  MlirValue y = cimOnnxConvCore(I, n, loc, xf, x->dims, wf, w->dims, NULL, od,
                                NULL, NULL);
  return cimOnnxDefineOutput(I, n, loc, y, DT_INT32, 4, od);
}

/// com.microsoft QLinearAdd (ONNX Runtime's QOperator form of a residual
/// add): C = saturate(rne((A_scale (A - A_zp) + B_scale (B - B_zp)) /
/// C_scale) + C_zp), per-tensor parameters, A and B of one shape. Imported as
/// the QDQ form it stands for: dcast A, dcast B, linalg.add, qcast C.
bool cimOnnxQLinearAdd(Importer *I, const Onnx__NodeProto *n,
                       MlirLocation loc) {
  Value *in[8];
  static const char *names[8] = {"A",       "A_scale",     "A_zero_point",
                                 "B",       "B_scale",     "B_zero_point",
                                 "C_scale", "C_zero_point"};
  /* Optional: the three zero points. */
  if (!readQInputs(I, n, loc, names, 8, 1u << 2 | 1u << 5 | 1u << 7, in))
    return false;
  Value *a = in[0], *b = in[3];
  bool same = a->rank == b->rank;
  for (int i = 0; same && i < a->rank; ++i)
    same = a->dims[i] == b->dims[i];
  if (!same)
    return cimOnnxFail(loc,
                       "node '%s' (QLinearAdd): A and B must have one shape "
                       "(broadcasting is not supported)",
                       cimOnnxNodeName(n));
  QParams qa, qb, qc;
  memset(&qb, 0, sizeof qb);
  memset(&qc, 0, sizeof qc);
  if (!cimOnnxReadQParams(n, loc, in[1], in[2], a->dtype, 0, a->rank, a->dims,
                          &qa))
    return false;
  bool ok = cimOnnxReadQParams(n, loc, in[4], in[5], b->dtype, 0, b->rank,
                               b->dims, &qb) &&
            cimOnnxReadQParams(n, loc, in[6], in[7], a->dtype, 0, 0, NULL,
                               &qc);
  if (ok && (qa.n != 1 || qb.n != 1 || qc.n != 1))
    ok = cimOnnxFail(loc,
                     "node '%s' (QLinearAdd): scales and zero points must be "
                     "one value each",
                     cimOnnxNodeName(n));
  ok = ok && cimOnnxCheckZeroPoints(n, loc, &qa) &&
       cimOnnxCheckZeroPoints(n, loc, &qb) &&
       cimOnnxCheckZeroPoints(n, loc, &qc);
  MlirValue ins[2] = {{NULL}, {NULL}};
  if (ok)
    ins[0] = cimOnnxUseDequantized(I, n, loc, a, &qa, "A");
  if (ok && !mlirValueIsNull(ins[0]))
    ins[1] = cimOnnxUseDequantized(I, n, loc, b, &qb, "B");
  cimOnnxQFree(&qa);
  cimOnnxQFree(&qb);
  if (!ok || mlirValueIsNull(ins[0]) || mlirValueIsNull(ins[1])) {
    cimOnnxQFree(&qc);
    return false;
  }
  MlirValue init = cimOnnxEmptyF32(I, loc, a->rank, a->dims);
  MlirValue y = cimOnnxEmitNamed(I, "linalg.add", loc, 2, ins, init, 0, NULL);
  return defineQuantOutput(I, n, loc, y, a->rank, a->dims, &qc);
}
