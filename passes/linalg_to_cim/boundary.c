/*===-- boundary.c - convert-linalg-to-cim: quant casts, arguments, results ===*/

#include "Convert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Quant.h"

#include "ir/Elements.h"
#include "ir/PassUtils.h"

static bool isFloatTensor(MlirType t) {
  return mlirTypeIsAShaped(t) &&
         mlirTypeIsAFloat(mlirShapedTypeGetElementType(t));
}

bool cvCheckArguments(CvConverter *cv) {
  cv->numArgs = mlirBlockGetNumArguments(cv->block);
  cv->args = calloc((size_t)(cv->numArgs ? cv->numArgs : 1), sizeof *cv->args);
  if (!cv->args)
    abort();
  for (intptr_t i = 0; i < cv->numArgs; ++i) {
    MlirValue arg = mlirBlockGetArgument(cv->block, i);
    MlirType t = mlirValueGetType(arg);
    if (!isFloatTensor(t) && !mlirTypeIsAFloat(t))
      continue;
    for (MlirOpOperand use = mlirValueGetFirstUse(arg);
         !mlirOpOperandIsNull(use); use = mlirOpOperandGetNextUse(use)) {
      MlirOperation user = mlirOpOperandGetOwner(use);
      if (cimOpIsA(user, "quant.qcast") && isFloatTensor(t))
        continue;
      char name[64];
      cvError(cv, user,
              "function argument #%ld is used unquantized by '%s'; every use "
              "of a float argument must be quant.qcast",
              (long)i, cvOpName(user, name, sizeof name));
      return false;
    }
  }
  return true;
}

bool cvCheckQcast(CvConverter *cv, MlirOperation op) {
  MlirValue r = mlirOperationGetResult(op, 0);
  for (MlirOpOperand use = mlirValueGetFirstUse(r); !mlirOpOperandIsNull(use);
       use = mlirOpOperandGetNextUse(use)) {
    MlirOperation user = mlirOpOperandGetOwner(use);
    if (cimOpIsA(user, "quant.dcast"))
      continue;
    char name[64];
    cvError(cv, op,
            "the result of quant.qcast is used by '%s'; only quant.dcast may "
            "use it",
            cvOpName(user, name, sizeof name));
    return false;
  }
  return true;
}

/// Reads a per-axis type's scales into *scales (malloc'ed) after checking it
/// against the constant's shape; *inner is the number of elements after the
/// axis. False after an error.
static bool readPerAxis(CvConverter *cv, MlirOperation op, MlirType quant,
                        intptr_t rank, const int64_t *shape, int64_t *axis,
                        int64_t *channels, int64_t *inner, double **scales,
                        int64_t *zp) {
  *axis = mlirUniformQuantizedPerAxisTypeGetQuantizedDimension(quant);
  *channels = mlirUniformQuantizedPerAxisTypeGetNumDims(quant);
  if (*axis < 0 || *axis >= rank || shape[*axis] != *channels) {
    cvError(cv, op, "per-axis quantization along axis %lld does not match "
                    "the constant's shape",
            (long long)*axis);
    return false;
  }
  *inner = 1;
  for (intptr_t d = *axis + 1; d < rank; ++d)
    *inner *= shape[d];
  *scales = malloc((size_t)(*channels ? *channels : 1) * sizeof **scales);
  if (!*scales)
    abort();
  *zp = mlirUniformQuantizedPerAxisTypeGetZeroPoint(quant, 0);
  for (int64_t c = 0; c < *channels; ++c) {
    (*scales)[c] = mlirUniformQuantizedPerAxisTypeGetScale(quant, c);
    if (mlirUniformQuantizedPerAxisTypeGetZeroPoint(quant, c) != *zp) {
      free(*scales);
      cvError(cv, op, "per-axis zero points must all be equal");
      return false;
    }
  }
  return true;
}

/// Quantizes a float constant (ONNX QuantizeLinear: divide, round half to
/// even, add the zero point, saturate) in one pass over its storage
/// (lib/ir/Elements.h) straight into the integer constant's raw buffer.
static bool quantizeConstant(CvConverter *cv, MlirOperation op,
                             MlirAttribute attr, MlirType quant,
                             const CvQType *t, MlirValue result) {
  intptr_t rank;
  int64_t shape[CV_MAX_RANK];
  if (!cvReadShape(mlirAttributeGetType(attr), &rank, shape)) {
    cvError(cv, op, "constants of rank above %d are not supported",
            CV_MAX_RANK);
    return false;
  }
  CimElements e;
  const char *why = cimElementsOpen(attr, &e);
  if (!why && e.kind == CIM_ELEMENTS_INT)
    why = "only float constants can be quantized";
  if (why) {
    cvError(cv, op, "cannot quantize this constant: %s", why);
    return false;
  }
  bool perAxis = mlirTypeIsAUniformQuantizedPerAxisType(quant);
  int64_t axis = -1, channels = 1, inner = 1, zp = t->zeroPoint;
  double *scales = NULL;
  if (perAxis && !readPerAxis(cv, op, quant, rank, shape, &axis, &channels,
                              &inner, &scales, &zp))
    return false;
  unsigned bits = cvSignedBitsFor(t->qmin, t->qmax);
  CimQuantizeLinear p = {perAxis ? scales : &t->scale, channels, inner, zp,
                         t->qmin, t->qmax};
  bool splat = e.splat && channels == 1;
  int64_t n = splat ? 1 : e.count;
  void *q = malloc((size_t)(n ? n : 1) * cimElementsStorageWidth(bits));
  if (!q)
    abort();
  int64_t nan = cimElementsQuantize(&e, &p, bits, q);
  if (nan >= 0) {
    free(q);
    free(scales);
    cvError(cv, op, "cannot quantize this constant: element %lld is NaN",
            (long long)nan);
    return false;
  }
  CvRep *r = cvNewRep(cv, result);
  r->q = cvRawConstant(cv, mlirOperationGetLocation(op), rank, shape, bits, q,
                       splat, &r->values);
  free(q);
  r->storage = true;
  r->bits = t->bits;
  r->isSigned = t->isSigned;
  r->qmin = t->qmin;
  r->qmax = t->qmax;
  r->z = zp;
  if (perAxis) {
    cvSetScales(r, channels, scales);
    r->axis = axis;
    free(scales);
  } else {
    r->s[0] = t->scale;
  }
  return true;
}

static void setStorage(CvRep *r, const CvQType *t) {
  r->storage = true;
  r->bits = t->bits;
  r->isSigned = t->isSigned;
  r->qmin = t->qmin;
  r->qmax = t->qmax;
  r->s[0] = t->scale;
  r->z = t->zeroPoint;
}

bool cvConvertDcast(CvConverter *cv, MlirOperation op) {
  MlirValue in = mlirOperationGetOperand(op, 0);
  MlirValue result = mlirOperationGetResult(op, 0);
  if (!mlirValueIsAOpResult(in) ||
      !cimOpIsA(mlirOpResultGetOwner(in), "quant.qcast")) {
    cvError(cv, op, "quant.dcast must take the result of a quant.qcast "
                    "(a dcast(qcast(x)) pair)");
    return false;
  }
  MlirType inType = mlirValueGetType(in);
  if (!mlirTypeIsARankedTensor(inType)) {
    cvError(cv, op, "quant.dcast on a scalar is not supported");
    return false;
  }
  MlirType quant = mlirShapedTypeGetElementType(inType);
  CvQType t;
  if (!cvReadQType(cv, op, quant, &t))
    return false;
  MlirValue x = mlirOperationGetOperand(mlirOpResultGetOwner(in), 0);
  MlirAttribute c = cvConstantAttr(x);
  if (!mlirAttributeIsNull(c) && (mlirAttributeIsADenseElements(c) ||
                                  mlirAttributeIsADenseResourceElements(c)))
    return quantizeConstant(cv, op, c, quant, &t, result);
  if (mlirTypeIsAUniformQuantizedPerAxisType(quant)) {
    cvError(cv, op, "per-axis quantization is supported for constant "
                    "weights only, not for values computed at run time");
    return false;
  }
  if (mlirValueIsABlockArgument(x) &&
      mlirBlockEqual(mlirBlockArgumentGetOwner(x), cv->block)) {
    intptr_t i = mlirBlockArgumentGetArgNumber(x);
    CvArg *a = &cv->args[i];
    if (a->quantized && !mlirTypeEqual(a->type.quantType, quant)) {
      cvError(cv, op, "function argument #%ld is quantized to two different "
                      "types",
              (long)i);
      return false;
    }
    if (!a->quantized) {
      /* Retyped now, so that every op built on it sees the storage type;
       * its quant.qcast users are erased at the end. */
      MlirType old = mlirValueGetType(x);
      intptr_t rank = mlirShapedTypeGetRank(old);
      int64_t shape[CV_MAX_RANK];
      for (intptr_t d = 0; d < rank && d < CV_MAX_RANK; ++d)
        shape[d] = mlirShapedTypeGetDimSize(old, d);
      mlirBlockArgumentSetType(
          x, cvTensorType(cv->ctx, rank, shape,
                          cvIntType(cv->ctx, cvSignedBitsFor(t.qmin, t.qmax))));
    }
    a->quantized = true;
    a->type = t;
    CvRep *r = cvNewRep(cv, result);
    r->q = x;
    setStorage(r, &t);
    return true;
  }
  CvRep *src = cvGetRep(cv, x);
  if (!src) {
    char name[64] = "a block argument";
    if (mlirValueIsAOpResult(x))
      cvOpName(mlirOpResultGetOwner(x), name, sizeof name);
    cvError(cv, op,
            "the value quantized here (produced by '%s') has no integer "
            "representation",
            name);
    return false;
  }
  MlirValue q = cvMaterialize(cv, op, src, &t);
  if (mlirValueIsNull(q))
    return false;
  CvRep *r = cvNewRep(cv, result);
  r->q = q;
  setStorage(r, &t);
  return true;
}

static MlirNamedAttribute named(MlirContext ctx, const char *name,
                                MlirAttribute a) {
  return mlirNamedAttributeGet(
      mlirIdentifierGet(ctx, mlirStringRefCreateFromCString(name)), a);
}

/// `dict` (may be null) plus cim.scale and cim.zero_point; with
/// `numScales` > 1, cim.scale is an array of f64, one per channel along
/// cim.axis = `axis`.
static MlirAttribute withScale(MlirContext ctx, MlirAttribute dict,
                               intptr_t numScales, const double *scales,
                               int64_t axis, int64_t zp) {
  intptr_t n = mlirAttributeIsNull(dict) ? 0 : mlirDictionaryAttrGetNumElements(dict);
  MlirNamedAttribute *attrs = malloc((size_t)(n + 3) * sizeof *attrs);
  if (!attrs)
    abort();
  intptr_t k = 0;
  for (intptr_t i = 0; i < n; ++i) {
    MlirNamedAttribute e = mlirDictionaryAttrGetElement(dict, i);
    MlirStringRef nm = mlirIdentifierStr(e.name);
    if (mlirStringRefEqual(nm, mlirStringRefCreateFromCString("cim.scale")) ||
        mlirStringRefEqual(nm, mlirStringRefCreateFromCString("cim.axis")) ||
        mlirStringRefEqual(nm,
                           mlirStringRefCreateFromCString("cim.zero_point")))
      continue;
    attrs[k++] = e;
  }
  if (numScales == 1) {
    attrs[k++] = named(ctx, "cim.scale", mlirFloatAttrDoubleGet(
                                             ctx, mlirF64TypeGet(ctx), scales[0]));
  } else {
    attrs[k++] = named(ctx, "cim.scale",
                       mlirDenseF64ArrayGet(ctx, numScales, scales));
    attrs[k++] = named(ctx, "cim.axis",
                       mlirIntegerAttrGet(mlirIntegerTypeGet(ctx, 64), axis));
  }
  attrs[k++] = named(ctx, "cim.zero_point",
                     mlirIntegerAttrGet(mlirIntegerTypeGet(ctx, 64), zp));
  MlirAttribute d = mlirDictionaryAttrGet(ctx, k, attrs);
  free(attrs);
  return d;
}

/// Replaces the dictionaries of `attrName` (arg_attrs / res_attrs) at the
/// positions where `has` is set.
static void setAttrDicts(CvConverter *cv, const char *attrName, intptr_t n,
                         const bool *has, const intptr_t *numScales,
                         const double *const *scales, const int64_t *axis,
                         const int64_t *zp) {
  bool any = false;
  for (intptr_t i = 0; i < n; ++i)
    any |= has[i];
  if (!any)
    return;
  MlirAttribute old = mlirOperationGetAttributeByName(
      cv->func, mlirStringRefCreateFromCString(attrName));
  MlirAttribute *dicts = malloc((size_t)n * sizeof *dicts);
  if (!dicts)
    abort();
  for (intptr_t i = 0; i < n; ++i) {
    MlirAttribute d = mlirAttributeIsNull(old) ? mlirAttributeGetNull()
                                               : mlirArrayAttrGetElement(old, i);
    if (has[i])
      d = withScale(cv->ctx, d, numScales[i], scales[i], axis[i], zp[i]);
    else if (mlirAttributeIsNull(d))
      d = mlirDictionaryAttrGet(cv->ctx, 0, NULL);
    dicts[i] = d;
  }
  mlirOperationSetAttributeByName(cv->func,
                                  mlirStringRefCreateFromCString(attrName),
                                  mlirArrayAttrGet(cv->ctx, n, dicts));
  free(dicts);
}

bool cvConvertReturn(CvConverter *cv, MlirOperation op) {
  intptr_t n = mlirOperationGetNumOperands(op);
  size_t cap = (size_t)(n + cv->numArgs + 1);
  bool *has = calloc(cap, sizeof *has);
  double *scale = calloc(cap, sizeof *scale);
  intptr_t *numScales = calloc(cap, sizeof *numScales);
  const double **scales = calloc(cap, sizeof *scales);
  int64_t *axis = calloc(cap, sizeof *axis);
  int64_t *zp = calloc(cap, sizeof *zp);
  MlirType *results = calloc((size_t)(n + 1), sizeof *results);
  MlirType *inputs = calloc((size_t)(cv->numArgs + 1), sizeof *inputs);
  if (!has || !scale || !numScales || !scales || !axis || !zp || !results ||
      !inputs)
    abort();
  bool ok = true;
  for (intptr_t i = 0; i < n && ok; ++i) {
    MlirValue v = mlirOperationGetOperand(op, i);
    results[i] = mlirValueGetType(v);
    if (!isFloatTensor(results[i]))
      continue;
    CvRep *r = cvGetRep(cv, v);
    if (!r) {
      cvError(cv, op, "returned value #%ld has no integer representation",
              (long)i);
      ok = false;
      break;
    }
    /* Per-channel scales are returned as cim.scale = array<f64> along
       cim.axis; a channel axis spanning several dims (a grouped
       convolution's G and F) has no single axis to name. */
    if (r->numS != 1 && r->axisSpan > 1) {
      cvError(cv, op, "returned value #%ld has one scale per channel over "
                      "%lld merged dimensions; quantize it before returning it",
              (long)i, (long long)r->axisSpan);
      ok = false;
      break;
    }
    MlirValue q;
    if (r->storage && !r->numBias) {
      q = cvStorageValue(cv, op, r, "the returned value");
    } else {
      ok = cvFlatten(cv, op, r);
      q = r->q;
    }
    if (!ok || mlirValueIsNull(q)) {
      ok = false;
      break;
    }
    mlirOperationSetOperand(op, i, q);
    results[i] = mlirValueGetType(q);
    has[i] = true;
    numScales[i] = r->numS;
    scales[i] = r->s;
    axis[i] = r->axis;
    zp[i] = r->z;
  }
  if (ok) {
    setAttrDicts(cv, "res_attrs", n, has, numScales, scales, axis, zp);
    memset(has, 0, cap * sizeof *has);
    for (intptr_t i = 0; i < cv->numArgs; ++i) {
      MlirValue arg = mlirBlockGetArgument(cv->block, i);
      if (cv->args[i].quantized) {
        has[i] = true;
        scale[i] = cv->args[i].type.scale;
        numScales[i] = 1;
        scales[i] = &scale[i];
        zp[i] = cv->args[i].type.zeroPoint;
      }
      inputs[i] = mlirValueGetType(arg);
    }
    setAttrDicts(cv, "arg_attrs", cv->numArgs, has, numScales, scales, axis,
                 zp);
    mlirOperationSetAttributeByName(
        cv->func, mlirStringRefCreateFromCString("function_type"),
        mlirTypeAttrGet(mlirFunctionTypeGet(cv->ctx, cv->numArgs, inputs, n,
                                            results)));
  }
  free(has);
  free(scale);
  free(numScales);
  free(scales);
  free(axis);
  free(zp);
  free(results);
  free(inputs);
  return ok;
}
