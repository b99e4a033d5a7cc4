/*===-- onnx_import.c - ONNX -> linalg on tensors + upstream quant --------===*
 *
 * The ONNX importer of cim-c/Import.h (issue 13). The model is unpacked with
 * the protobuf-c reader generated at build time from Debian's onnx.proto
 * (lib/import/onnx/CMakeLists.txt); this file walks the graph once, in node
 * order (ONNX graphs are topologically sorted), and emits one func.func in
 * the form docs/design.md's quant-level contract describes:
 *
 *   - float tensors are f32 tensors; matrix-vector layers are linalg named
 *     ops (matmul, batch_matmul, conv_2d_nchw_fchw), elementwise ops are
 *     linalg.generic / named elementwise ops;
 *   - an ONNX integer tensor with a scale and zero point (QuantizeLinear's
 *     output, QOperator inputs and outputs) is a `!quant.uniform` tensor,
 *     entered with quant.qcast and left with quant.dcast;
 *   - an integer tensor without a scale (MatMulInteger, ConvInteger) is the
 *     same with scale 1: its f32 value equals the integer;
 *   - integer graph inputs become f32 function arguments that are quantized
 *     (qcast) with the scale and zero point of their first consumer, so the
 *     compiled program takes the original integers again;
 *   - constants (initializers, Constant nodes) are folded at import time
 *     where ONNX semantics allow (QuantizeLinear of a constant, transposes of
 *     Gemm weights) and emitted as dense attributes built from raw buffers.
 *
 * Every op is located at its node's name (loc("conv1")); every error is one
 * diagnostic at that location naming the node. docs/onnx.md is the user's
 * reference for the operator table below (ONNX_OPS).
 *
 * This file holds the value table, the operator table, the graph walk and
 * the entry points; the rest is split by concern (Importer.h declares what
 * crosses files): emit.c (diagnostics and the small IR helpers every
 * operator uses), tensors.c (TensorProto, external data,
 * attributes), quant.c (quantization parameters and types), layers.c (conv
 * and matmul cores, Conv / MatMul / Gemm), ops_quant.c (QDQ and QOperator
 * operators), ops_basic.c (Relu, MaxPool, Flatten, Add, Identity, Constant),
 * ops_float.c, ops_shape.c, ops_transformer.c (layer norm, GELU, ...).
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cim-c/Import.h"
#include "cim-c/Input.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/Dialect/Arith.h"
#include "mlir-c/Dialect/Func.h"
#include "mlir-c/Dialect/Linalg.h"
#include "mlir-c/Dialect/Math.h"
#include "mlir-c/Dialect/Quant.h"
#include "mlir-c/Dialect/Tensor.h"
#include "mlir-c/IR.h"
/* Generated into the build tree by protoc-c from Debian's onnx.proto: an
 * external schema's reader, included like a system header. */
#include <onnx.pb-c.h>

#include "Importer.h"
#include "support/Checked.h"

void cimOnnxConstFree(Const *c) {
  if (c) {
    free(c->v);
    cimOnnxBufFree(c->f);
    free(c);
  }
}

void cimOnnxQFree(QParams *q) {
  free(q->scales);
  free(q->zps);
  q->scales = NULL;
  q->zps = NULL;
}

static void valueFree(Value *v) {
  if (!v)
    return;
  free(v->name);
  cimOnnxConstFree(v->c);
  cimOnnxConstFree(v->dqInt);
  cimOnnxQFree(&v->q);
  cimOnnxQFree(&v->dqq);
  cimOnnxQFree(&v->grid);
  free(v);
}

static uint64_t hashStr(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; ++s)
    h = (h ^ (uint8_t)*s) * 1099511628211ull;
  return h;
}

Value *cimOnnxLookup(Importer *I, const char *name) {
  if (!I->hashCap)
    return NULL;
  size_t m = I->hashCap - 1;
  for (size_t i = hashStr(name) & m;; i = (i + 1) & m) {
    size_t e = I->hash[i];
    if (!e)
      return NULL;
    if (!strcmp(I->vals[e - 1]->name, name))
      return I->vals[e - 1];
  }
}

static bool rehash(Importer *I, size_t cap) {
  size_t *h = calloc(cap, sizeof *h);
  if (!h)
    return false;
  for (size_t k = 0; k < I->nVals; ++k)
    for (size_t i = hashStr(I->vals[k]->name) & (cap - 1);; i = (i + 1) & (cap - 1))
      if (!h[i]) {
        h[i] = k + 1;
        break;
      }
  free(I->hash);
  I->hash = h;
  I->hashCap = cap;
  return true;
}

/// Adds a value named `name`; NULL when out of memory.
Value *cimOnnxAddValue(Importer *I, const char *name) {
  if (I->nVals == I->capVals) {
    size_t cap = I->capVals ? I->capVals * 2 : 64;
    Value **p = realloc(I->vals, cap * sizeof *p);
    if (!p)
      return NULL;
    I->vals = p;
    I->capVals = cap;
  }
  Value *v = calloc(1, sizeof *v);
  if (!v || !(v->name = strdup(name))) {
    free(v);
    return NULL;
  }
  I->vals[I->nVals++] = v;
  if ((I->nVals * 2 > I->hashCap && !rehash(I, I->hashCap ? I->hashCap * 2 : 128)))
    return NULL;
  if (I->hashCap && cimOnnxLookup(I, name) != v) {
    size_t m = I->hashCap - 1;
    for (size_t i = hashStr(name) & m;; i = (i + 1) & m)
      if (!I->hash[i]) {
        I->hash[i] = I->nVals;
        break;
      }
  }
  return v;
}

/// The operator table: one row per supported ONNX operator (domain ai.onnx).
/// docs/onnx.md documents each row; the unsupported-operator diagnostic
/// lists them from here.
static const struct {
  const char *opType;
  Handler handler;
} ONNX_OPS[] = {
    {"QuantizeLinear", cimOnnxQuantizeLinear},
    {"DequantizeLinear", cimOnnxDequantizeLinear},
    {"Conv", cimOnnxConv},
    {"Gemm", cimOnnxGemm},
    {"MatMul", cimOnnxMatMul},
    {"QLinearConv", cimOnnxQLinearConv},
    {"QLinearMatMul", cimOnnxQLinearMatMul},
    {"MatMulInteger", cimOnnxMatMulInteger},
    {"ConvInteger", cimOnnxConvInteger},
    {"Relu", cimOnnxRelu},
    {"MaxPool", cimOnnxMaxPool},
    {"Add", cimOnnxAdd},
    {"Flatten", cimOnnxFlatten},
    {"Identity", cimOnnxAlias},
    {"Constant", cimOnnxConstantOp},
    {"Reshape", cimOnnxReshapeOp},
    {"Unsqueeze", cimOnnxUnsqueeze},
    {"Squeeze", cimOnnxSqueeze},
    {"Transpose", cimOnnxTranspose},
    {"Concat", cimOnnxConcat},
    {"Gather", cimOnnxGather},
    {"Slice", cimOnnxSlice},
    {"Shape", cimOnnxShape},
    {"ConstantOfShape", cimOnnxConstantOfShape},
    {"Cast", cimOnnxCast},
    {"Dropout", cimOnnxDropout},
    {"Sub", cimOnnxSub},
    {"Mul", cimOnnxMul},
    {"Div", cimOnnxDiv},
    {"Sqrt", cimOnnxSqrt},
    {"ReduceMean", cimOnnxReduceMean},
    {"Clip", cimOnnxClip},
    {"Softmax", cimOnnxSoftmax},
    {"AveragePool", cimOnnxAveragePool},
    {"GlobalAveragePool", cimOnnxGlobalAveragePool},
    {"BatchNormalization", cimOnnxBatchNorm},
    {"LayerNormalization", cimOnnxLayerNorm},
    {"Erf", cimOnnxErf},
    {"Pow", cimOnnxPow},
    {"Equal", cimOnnxEqual},
    {"Where", cimOnnxWhere},
    {"Expand", cimOnnxExpand},
};
#define NUM_ONNX_OPS (sizeof ONNX_OPS / sizeof ONNX_OPS[0])

/// Operators of ONNX Runtime's `com.microsoft` domain that its quantization
/// tool writes into QOperator models (docs/onnx.md).
static const struct {
  const char *opType;
  Handler handler;
} MS_OPS[] = {
    {"QLinearAdd", cimOnnxQLinearAdd},
};
#define NUM_MS_OPS (sizeof MS_OPS / sizeof MS_OPS[0])

static bool isMicrosoftDomain(const Onnx__NodeProto *n) {
  return n->domain && !strcmp(n->domain, "com.microsoft");
}

static bool unsupported(const Onnx__NodeProto *n, MlirLocation loc) {
  char list[1024];
  size_t k = 0;
  for (size_t i = 0; i < NUM_ONNX_OPS; ++i)
    k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
                          ONNX_OPS[i].opType);
  for (size_t i = 0; i < NUM_MS_OPS && k < sizeof list; ++i)
    k += (size_t)snprintf(list + k, sizeof list - k, ", com.microsoft.%s",
                          MS_OPS[i].opType);
  bool foreignDomain = n->domain && *n->domain && strcmp(n->domain, "ai.onnx");
  return cimOnnxFail(loc,
                     "node '%s': operator '%s%s%s' is not supported; supported "
                     "operators: %s",
                     cimOnnxNodeName(n), foreignDomain ? n->domain : "",
                     foreignDomain ? "." : "", n->op_type ? n->op_type : "",
                     list);
}

/*===----------------------------------------------------------------------===*
 * The graph
 *===----------------------------------------------------------------------===*/

static bool readValueInfoShape(const Onnx__ValueInfoProto *vi, MlirLocation loc,
                               int32_t *dtype, int *rank, int64_t *dims) {
  const char *name = vi->name ? vi->name : "";
  if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
      !vi->type->tensor_type)
    return cimOnnxFail(loc, "graph input '%s' is not a tensor", name);
  const Onnx__TypeProto__Tensor *tt = vi->type->tensor_type;
  *dtype = tt->has_elem_type ? tt->elem_type : 0;
  if (!tt->shape)
    return cimOnnxFail(loc,
                       "graph input '%s' has no shape (static shapes are "
                       "required)",
                       name);
  if (tt->shape->n_dim > MAX_RANK)
    return cimOnnxFail(loc, "graph input '%s' has rank %zu, above %d", name,
                       tt->shape->n_dim, MAX_RANK);
  *rank = (int)tt->shape->n_dim;
  for (int i = 0; i < *rank; ++i) {
    const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
    if (d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ||
        d->dim_value < 1)
      return cimOnnxFail(
          loc,
          "graph input '%s': dimension %d is not a static size "
          "(%s); export with a fixed input shape",
          name, i,
          d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
              ? d->dim_param
              : "unknown");
    dims[i] = d->dim_value;
  }
  return true;
}

static MlirLocation nodeLoc(Importer *I, const Onnx__NodeProto *n) {
  return mlirLocationNameGet(I->ctx, cimOnnxS(cimOnnxNodeName(n)),
                             mlirLocationUnknownGet(I->ctx));
}

static bool isOp(const Onnx__NodeProto *n, const char *op) {
  return n->op_type && !strcmp(n->op_type, op) &&
         !(n->domain && *n->domain && strcmp(n->domain, "ai.onnx"));
}

/// Uses of value `name` as a node input or graph output.
size_t cimOnnxUses(const Onnx__GraphProto *g, const char *name) {
  size_t k = 0;
  for (size_t i = 0; i < g->n_node; ++i)
    for (size_t j = 0; j < g->node[i]->n_input; ++j)
      k += g->node[i]->input[j] && !strcmp(g->node[i]->input[j], name);
  for (size_t i = 0; i < g->n_output; ++i)
    k += g->output[i]->name && !strcmp(g->output[i]->name, name);
  return k;
}

/// I->bnOf: for each Conv whose only use is a BatchNormalization, that
/// node's index (hConv folds it when the weights are float constants).
static bool planBatchNormFolds(Importer *I, const Onnx__GraphProto *g) {
  I->bnOf = malloc((g->n_node + 1) * sizeof *I->bnOf);
  if (!I->bnOf)
    return false;
  for (size_t i = 0; i < g->n_node; ++i)
    I->bnOf[i] = -1;
  for (size_t j = 0; j < g->n_node; ++j) {
    const Onnx__NodeProto *bn = g->node[j];
    if (!isOp(bn, "BatchNormalization") || bn->n_input < 5 || !bn->input[0] ||
        (bn->n_output > 1 && bn->output[1] && *bn->output[1]))
      continue;
    for (size_t i = 0; i < j; ++i) {
      const Onnx__NodeProto *c = g->node[i];
      if (isOp(c, "Conv") && c->n_output >= 1 && c->output[0] &&
          !strcmp(c->output[0], bn->input[0]) && cimOnnxUses(g, bn->input[0]) == 1)
        I->bnOf[i] = (long)j;
    }
  }
  return true;
}

/// True when input `j` of `n` is the weight of a layer (input 1 of Conv,
/// Gemm or MatMul): the uses that can read a constant held as f32.
static bool isLayerWeight(const Onnx__NodeProto *n, size_t j) {
  return j == 1 &&
         (isOp(n, "Conv") || isOp(n, "Gemm") || isOp(n, "MatMul"));
}

/// Every initializer of `g` as a constant value of the table. An
/// initializer used only as a layer weight (isLayerWeight) is held as f32,
/// in the buffer protobuf-c read it into (Const.f); Value.weightUses counts
/// its uses, and the walk frees it after the last (docs/onnx.md, "Memory").
static bool defineInitializers(Importer *I, Onnx__GraphProto *g,
                               MlirLocation fileLoc) {
  for (size_t i = 0; i < g->n_initializer; ++i) {
    const Onnx__TensorProto *t = g->initializer[i];
    MlirLocation loc =
        mlirLocationNameGet(I->ctx, cimOnnxS(t->name ? t->name : ""), fileLoc);
    if (!t->name || !*t->name)
      return cimOnnxFail(loc, "an initializer has no name");
    if (cimOnnxLookup(I, t->name))
      return cimOnnxFail(loc, "initializer '%s' is defined twice", t->name);
    Value *v = cimOnnxAddValue(I, t->name);
    if (!v)
      return cimOnnxFail(loc, "out of memory");
    v->kind = K_CONST;
  }
  /* Each initializer's uses: weightUses counts layer-weight uses, -1 marks
   * any other use (a graph output too). */
  for (size_t i = 0; i < g->n_node; ++i)
    for (size_t j = 0; j < g->node[i]->n_input; ++j) {
      const char *name = g->node[i]->input[j];
      Value *v = name && *name ? cimOnnxLookup(I, name) : NULL;
      if (v && v->weightUses >= 0)
        v->weightUses = isLayerWeight(g->node[i], j) ? v->weightUses + 1 : -1;
    }
  for (size_t i = 0; i < g->n_output; ++i) {
    Value *v = g->output[i]->name ? cimOnnxLookup(I, g->output[i]->name) : NULL;
    if (v)
      v->weightUses = -1;
  }
  for (size_t i = 0; i < g->n_initializer; ++i) {
    Onnx__TensorProto *t = g->initializer[i];
    MlirLocation loc = mlirLocationNameGet(I->ctx, cimOnnxS(t->name), fileLoc);
    Value *v = cimOnnxLookup(I, t->name);
    if (!cimOnnxConstFromTensor(I, t, loc, v->weightUses > 0, &v->c))
      return false;
    if (!v->c->f)
      v->weightUses = 0;
    v->dtype = v->c->dtype;
    cimOnnxSetShape(v, v->c->rank, v->c->dims);
  }
  return true;
}

/// After node `n`: frees the f32 data of its layer weight when that was the
/// weight's last use (the layer's dense attribute holds it now).
static void releaseWeight(Importer *I, const Onnx__NodeProto *n) {
  if (n->n_input < 2 || !isLayerWeight(n, 1) || !n->input[1])
    return;
  Value *v = cimOnnxLookup(I, n->input[1]);
  if (v && v->weightUses > 0 && --v->weightUses == 0 && v->c) {
    cimOnnxBufFree(v->c->f);
    v->c->f = NULL;
  }
}

/// The function's arguments: the graph inputs that are not initializers,
/// as values of the table and arguments of I->block (created here); their
/// `*nArgs` types in `argTypes` (g->n_input + 1 entries).
static bool defineArguments(Importer *I, const Onnx__GraphProto *g,
                            MlirLocation fileLoc, MlirType *argTypes,
                            size_t *nArgs) {
  MlirLocation *argLocs = calloc(g->n_input + 1, sizeof *argLocs);
  Value **argVals = calloc(g->n_input + 1, sizeof *argVals);
  if (!argLocs || !argVals) {
    free(argLocs);
    free(argVals);
    return cimOnnxFail(fileLoc, "out of memory");
  }
  bool ok = true;
  size_t n = 0;
  for (size_t i = 0; ok && i < g->n_input; ++i) {
    const Onnx__ValueInfoProto *vi = g->input[i];
    if (!vi->name || cimOnnxLookup(I, vi->name))
      continue;
    MlirLocation loc = mlirLocationNameGet(I->ctx, cimOnnxS(vi->name),
                                           mlirLocationUnknownGet(I->ctx));
    int32_t dt = 0;
    int rank = 0;
    int64_t dims[MAX_RANK];
    if (!(ok = readValueInfoShape(vi, fileLoc, &dt, &rank, dims)))
      break;
    if (dt != DT_FLOAT && !cimOnnxIsIntType(dt)) {
      ok = cimOnnxFail(fileLoc,
                       "graph input '%s' has element type %s (float, uint8 "
                       "and int8 are supported)",
                       vi->name, cimOnnxDtypeName(dt));
      break;
    }
    Value *v = cimOnnxAddValue(I, vi->name);
    if (!v) {
      ok = cimOnnxFail(fileLoc, "out of memory");
      break;
    }
    v->dtype = dt;
    v->kind = dt == DT_FLOAT ? K_FLOAT : K_INTARG;
    cimOnnxSetShape(v, rank, dims);
    argTypes[n] = cimOnnxF32Tensor(I, rank, dims);
    argLocs[n] = loc;
    argVals[n++] = v;
  }
  if (ok) {
    I->block = mlirBlockCreate((intptr_t)n, argTypes, argLocs);
    for (size_t i = 0; i < n; ++i)
      argVals[i]->v = mlirBlockGetArgument(I->block, (intptr_t)i);
  }
  free(argLocs);
  free(argVals);
  *nArgs = n;
  return ok;
}

/// Every node of `g` in order, by a fused pattern or its operator's
/// handler (ONNX_OPS, MS_OPS); an operator of neither is refused.
static bool importNodes(Importer *I, const Onnx__GraphProto *g,
                        MlirLocation fileLoc) {
  bool ok = true;
  I->graph = g;
  if (ok && !(ok = planBatchNormFolds(I, g)))
    cimOnnxFail(fileLoc, "out of memory");
  if (ok && !(ok = (I->done = calloc(g->n_node + 1, sizeof *I->done))))
    cimOnnxFail(fileLoc, "out of memory");
  for (size_t i = 0; ok && i < g->n_node; ++i) {
    const Onnx__NodeProto *n = g->node[i];
    MlirLocation loc = nodeLoc(I, n);
    I->nodeIndex = i;
    if (I->done[i])
      continue;
    int fused = cimOnnxFusePattern(I, n, loc);
    if (fused) {
      ok = fused > 0;
      continue;
    }
    bool foreign = n->domain && *n->domain && strcmp(n->domain, "ai.onnx");
    Handler h = NULL;
    for (size_t k = 0; !foreign && n->op_type && k < NUM_ONNX_OPS; ++k)
      if (!strcmp(ONNX_OPS[k].opType, n->op_type))
        h = ONNX_OPS[k].handler;
    for (size_t k = 0; isMicrosoftDomain(n) && n->op_type && k < NUM_MS_OPS;
         ++k)
      if (!strcmp(MS_OPS[k].opType, n->op_type))
        h = MS_OPS[k].handler;
    ok = h ? h(I, n, loc) : unsupported(n, loc);
    if (ok)
      releaseWeight(I, n);
  }
  return ok;
}

/// The graph outputs as f32 values (`results`) and their types.
static bool collectResults(Importer *I, const Onnx__GraphProto *g,
                           MlirLocation fileLoc, MlirValue *results,
                           MlirType *resTypes) {
  if (g->n_output == 0)
    return cimOnnxFail(fileLoc, "the graph has no outputs");
  for (size_t i = 0; i < g->n_output; ++i) {
    const char *name = g->output[i]->name ? g->output[i]->name : "";
    Value *v = cimOnnxLookup(I, name);
    MlirLocation loc = mlirLocationNameGet(I->ctx, cimOnnxS(name),
                                           mlirLocationUnknownGet(I->ctx));
    if (!v)
      return cimOnnxFail(fileLoc,
                         "graph output '%s' is not computed by any node",
                         name);
    Onnx__NodeProto dummy = ONNX__NODE_PROTO__INIT;
    dummy.name = (char *)name;
    dummy.op_type = (char *)"output";
    results[i] = cimOnnxUseFloat(I, &dummy, loc, v);
    if (mlirValueIsNull(results[i]))
      return false;
    resTypes[i] = mlirValueGetType(results[i]);
  }
  return true;
}

/// The module of one func.func: I->block (which it takes) returning
/// `results`; null when the MLIR verifier rejects it (it has said why).
static MlirOperation buildModule(Importer *I, const Onnx__GraphProto *g,
                                 MlirLocation fileLoc, size_t nArgs,
                                 const MlirType *argTypes,
                                 const MlirValue *results,
                                 const MlirType *resTypes) {
  cimOnnxEmitIn(I, I->block, "func.return", mlirLocationUnknownGet(I->ctx),
                (intptr_t)g->n_output, results, 0, NULL, 0, NULL, NULL);
  MlirRegion r = mlirRegionCreate();
  mlirRegionAppendOwnedBlock(r, I->block);
  I->block = (MlirBlock){NULL};
  const char *fname = g->name && *g->name ? g->name : "main";
  MlirType ft = mlirFunctionTypeGet(I->ctx, (intptr_t)nArgs, argTypes,
                                    (intptr_t)g->n_output, resTypes);
  MlirNamedAttribute attrs[2] = {
      cimOnnxNA(I, "sym_name", mlirStringAttrGet(I->ctx, cimOnnxS(fname))),
      cimOnnxNA(I, "function_type", mlirTypeAttrGet(ft))};
  MlirOperationState st = mlirOperationStateGet(cimOnnxS("func.func"), fileLoc);
  mlirOperationStateAddAttributes(&st, 2, attrs);
  mlirOperationStateAddOwnedRegions(&st, 1, &r);
  MlirOperation func = mlirOperationCreate(&st);
  MlirModule mod = mlirModuleCreateEmpty(fileLoc);
  mlirBlockAppendOwnedOperation(mlirModuleGetBody(mod), func);
  MlirOperation module = mlirModuleGetOperation(mod);
  if (!mlirOperationVerify(module)) {
    /* The verifier has reported why; nothing half-built is returned. */
    mlirOperationDestroy(module);
    module = (MlirOperation){NULL};
  }
  return module;
}

static MlirOperation importModel(Importer *I, const Onnx__ModelProto *m,
                                 MlirLocation fileLoc) {
  Onnx__GraphProto *g = m->graph;
  if (!g)
    return cimOnnxFail(fileLoc, "the model has no graph"),
           (MlirOperation){NULL};
  if (!defineInitializers(I, g, fileLoc))
    return (MlirOperation){NULL};
  size_t nArgs = 0;
  MlirType *argTypes = calloc(g->n_input + 1, sizeof *argTypes);
  if (!argTypes)
    return cimOnnxFail(fileLoc, "out of memory"), (MlirOperation){NULL};
  if (!defineArguments(I, g, fileLoc, argTypes, &nArgs)) {
    free(argTypes);
    return (MlirOperation){NULL};
  }
  bool ok = importNodes(I, g, fileLoc);
  MlirType *resTypes = calloc(g->n_output + 1, sizeof *resTypes);
  MlirValue *results = calloc(g->n_output + 1, sizeof *results);
  if (ok && (!resTypes || !results))
    ok = cimOnnxFail(fileLoc, "out of memory");
  ok = ok && collectResults(I, g, fileLoc, results, resTypes);
  MlirOperation module = {NULL};
  if (ok)
    module = buildModule(I, g, fileLoc, nArgs, argTypes, results, resTypes);
  free(argTypes);
  free(resTypes);
  free(results);
  return module;
}

static void loadDialects(MlirContext ctx) {
  MlirDialectHandle hs[] = {mlirGetDialectHandle__func__(),
                            mlirGetDialectHandle__arith__(),
                            mlirGetDialectHandle__linalg__(),
                            mlirGetDialectHandle__tensor__(),
                            mlirGetDialectHandle__quant__(),
                            mlirGetDialectHandle__math__()};
  for (size_t i = 0; i < sizeof hs / sizeof hs[0]; ++i)
    mlirDialectHandleLoadDialect(hs[i], ctx);
}

/// The ModelProto in data[0, size), unpacked with the importer's allocator
/// (memory.c; `state` names a file mapping the importer owns, or is NULL);
/// NULL after a diagnostic when it does not decode.
static Onnx__ModelProto *unpackModel(MlirLocation fileLoc, const void *data,
                                     size_t size, CimOnnxUnpackState *state) {
  ProtobufCAllocator a = cimOnnxProtobufAllocator(state);
  Onnx__ModelProto *m = onnx__model_proto__unpack(&a, size, data);
  if (!m)
    cimOnnxFail(fileLoc,
                "not an ONNX model: the protobuf (%zu bytes) does not decode "
                "as onnx.ModelProto",
                size);
  return m;
}

/// Imports the unpacked model `m` and frees it.
static MlirOperation importUnpacked(MlirContext context, Onnx__ModelProto *m,
                                    MlirStringRef sourceName,
                                    MlirLocation fileLoc) {
  ProtobufCAllocator a = cimOnnxProtobufAllocator(NULL);
  char *name = strndup(sourceName.data ? sourceName.data : "", sourceName.length);
  if (!name) {
    onnx__model_proto__free_unpacked(m, &a);
    return cimOnnxFail(fileLoc, "out of memory"), (MlirOperation){NULL};
  }
  Importer I = {0};
  I.ctx = context;
  I.sourceName = name;
  I.opset = 1;
  for (size_t i = 0; i < m->n_opset_import; ++i) {
    const char *d = m->opset_import[i]->domain;
    if (!d || !*d || !strcmp(d, "ai.onnx"))
      I.opset = m->opset_import[i]->version;
  }
  MlirOperation module = importModel(&I, m, fileLoc);
  free(I.bnOf);
  free(I.done);
  if (!mlirBlockIsNull(I.block))
    mlirBlockDestroy(I.block);
  for (size_t i = 0; i < I.nVals; ++i)
    valueFree(I.vals[i]);
  free(I.vals);
  free(I.hash);
  free(name);
  onnx__model_proto__free_unpacked(m, &a);
  return module;
}

MlirOperation cimImportOnnxBytes(MlirContext context, const void *data,
                                 size_t size, MlirStringRef sourceName) {
  MlirLocation fileLoc = mlirLocationFileLineColGet(context, sourceName, 0, 0);
  loadDialects(context);
  Onnx__ModelProto *m = unpackModel(fileLoc, data, size, NULL);
  return m ? importUnpacked(context, m, sourceName, fileLoc)
           : (MlirOperation){NULL};
}

MlirOperation cimImportOnnxFile(MlirContext context, MlirStringRef path) {
  char *p = strndup(path.data ? path.data : "", path.length);
  MlirLocation fileLoc = mlirLocationFileLineColGet(context, path, 0, 0);
  if (!p)
    return cimOnnxFail(fileLoc, "out of memory"), (MlirOperation){NULL};
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  struct stat st;
  int e = fd < 0 ? errno : fstat(fd, &st) != 0 ? errno : 0;
  if (e || !S_ISREG(st.st_mode)) {
    if (fd >= 0)
      close(fd);
    cimOnnxFail(fileLoc, "cannot open ONNX model '%s': %s", p,
                e ? strerror(e) : "not a regular file");
    free(p);
    return (MlirOperation){NULL};
  }
  /* Mapped, not read; protobuf-c copies everything it keeps, so the mapping
   * is dropped as it goes (memory.c) and unmapped as soon as it is done. */
  size_t size = (size_t)st.st_size;
  void *data = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
  close(fd);
  if (size && data == MAP_FAILED) {
    cimOnnxFail(fileLoc, "cannot map ONNX model '%s': %s", p, strerror(errno));
    free(p);
    return (MlirOperation){NULL};
  }
  free(p);
  loadDialects(context);
  CimOnnxUnpackState state = {data, size};
  Onnx__ModelProto *m = unpackModel(fileLoc, data, size, &state);
  if (size)
    munmap(data, size);
  return m ? importUnpacked(context, m, path, fileLoc) : (MlirOperation){NULL};
}
