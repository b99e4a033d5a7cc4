/*===-- isa_emit.c - The emitter: xbar IR -> CimProgram --------------------===*
 *
 * One walk over the entry function: arguments become inputs (LOAD), integer
 * tensor constants become constant buffers backed by data blocks, every xbar
 * op becomes its instruction (the opcode table says which attribute goes in
 * which immediate), func.return becomes STOREs and a HALT ends the program.
 * An xbar.mvm takes its tile region from the xbar.write of its first tile
 * operand (the others are copies at the same region of other crossbars); a
 * write or mvm with schedule attributes (sched_chunk_rows, sched_start_ps,
 * sched_crossbar) gets a SCHED instruction right before it.
 *
 * Buffers: every tensor value gets a buffer. A buffer whose value is dead
 * (after its last use) goes to a free list and is reused by a later value of
 * exactly the same type; the destination is allocated before the sources
 * are released, so an instruction never writes a buffer it reads.
 *
 * Longer than the house limit (about 970 lines): the per-op emitters are
 * short but share one Emitter state (value map, free list, tile regions)
 * and its static helpers (bufferOf, newBuffer, newInstr, releaseDead);
 * splitting them over files would turn that state into an internal API.
 *===----------------------------------------------------------------------===*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "IsaEmit.h"
#include "IsaInternal.h"
#include "ir/PassUtils.h"
#include "ir/Verify.h"
#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"

/*===----------------------------------------------------------------------===*
 * A pointer-keyed hash map (values and ops -> index)
 *===----------------------------------------------------------------------===*/

typedef struct MapEntry {
  const void *key;
  uint32_t value;
  uint32_t aux; /* for values: index of the last op that uses it */
} MapEntry;

typedef struct Map {
  MapEntry *slots;
  size_t cap, size;
} Map;

static size_t hashPtr(const void *p) {
  uintptr_t x = (uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return (size_t)x;
}

static MapEntry *mapFind(Map *m, const void *key) {
  if (!m->cap)
    return NULL;
  for (size_t i = hashPtr(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    if (m->slots[i].key == key)
      return &m->slots[i];
    if (!m->slots[i].key)
      return NULL;
  }
}

static MapEntry *mapInsert(Map *m, const void *key) {
  MapEntry *e = mapFind(m, key);
  if (e)
    return e;
  if (2 * (m->size + 1) > m->cap) {
    size_t cap = m->cap ? 2 * m->cap : 64;
    MapEntry *slots = calloc(cap, sizeof *slots);
    if (!slots)
      return NULL;
    for (size_t i = 0; i < m->cap; ++i) {
      if (!m->slots[i].key)
        continue;
      size_t j = hashPtr(m->slots[i].key) & (cap - 1);
      while (slots[j].key)
        j = (j + 1) & (cap - 1);
      slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
  }
  size_t i = hashPtr(key) & (m->cap - 1);
  while (m->slots[i].key)
    i = (i + 1) & (m->cap - 1);
  m->slots[i].key = key;
  m->slots[i].value = UINT32_MAX;
  m->slots[i].aux = UINT32_MAX;
  ++m->size;
  return &m->slots[i];
}

/*===----------------------------------------------------------------------===*
 * Emitter state
 *===----------------------------------------------------------------------===*/

typedef struct WriteInfo {
  int64_t crossbar, row, col, rows, cols;
} WriteInfo;

typedef struct Emitter {
  CimProgram *p;
  uint32_t capBuffers, capBlocks, capInstrs, capInputs, capOutputs;
  uint64_t capData;
  Map values;     /* value -> buffer id; aux = last use */
  Map writes;     /* xbar.write op -> index into writeInfo */
  WriteInfo *writeInfo;
  uint32_t numWrites, capWrites;
  uint32_t *freeList; /* released scratch buffers */
  uint32_t numFree, capFree;
  MlirLocation *bufferLoc, *blockLoc, *instrLoc;
  MlirLocation funcLoc;
  MlirOperation currentOp;  /* the op being encoded */
  MlirOperation *instrOps;  /* per instruction: its op (or null) */
  uint32_t capInstrOps;
  bool oom;
} Emitter;

static bool grow(void **arr, uint32_t *cap, uint32_t n, size_t size) {
  if (n < *cap)
    return true;
  if (n == UINT32_MAX) /* the tables are indexed by uint32_t */
    return false;
  uint32_t c = !*cap ? 16 : *cap > UINT32_MAX / 2 ? UINT32_MAX : *cap * 2;
  void *g = realloc(*arr, (size_t)c * size);
  if (!g)
    return false;
  *arr = g;
  *cap = c;
  return true;
}

/* Grows a program table and its location array together. */
static bool growWithLoc(Emitter *e, void **arr, uint32_t *cap, uint32_t n,
                        size_t size, MlirLocation **locs) {
  uint32_t old = *cap;
  if (!grow(arr, cap, n, size))
    return e->oom = true, false;
  if (*cap != old) {
    MlirLocation *g = realloc(*locs, (size_t)*cap * sizeof **locs);
    if (!g)
      return e->oom = true, false;
    *locs = g;
  }
  return true;
}

static bool tensorTypeOf(MlirType t, CimIsaTensorType *out, MlirLocation loc,
                         const char *what) {
  memset(out, 0, sizeof *out);
  if (!mlirTypeIsARankedTensor(t) || !mlirShapedTypeHasStaticShape(t) ||
      !mlirTypeIsAInteger(mlirShapedTypeGetElementType(t))) {
    cimEmitErrorf(loc, "cannot encode %s: expected a statically shaped tensor "
                       "of integers",
                  what);
    return false;
  }
  MlirType elem = mlirShapedTypeGetElementType(t);
  unsigned bits = mlirIntegerTypeGetWidth(elem);
  bool isUnsigned = mlirIntegerTypeIsUnsigned(elem);
  intptr_t rank = mlirShapedTypeGetRank(t);
  if (bits > (isUnsigned ? 63u : 64u) || rank > CIM_ISA_MAX_RANK) {
    cimEmitErrorf(loc, "cannot encode %s: elements wider than 64 bits (63 "
                       "unsigned) or rank above %d",
                  what, CIM_ISA_MAX_RANK);
    return false;
  }
  out->elem.bits = (uint8_t)bits;
  out->elem.isUnsigned = isUnsigned;
  out->rank = (uint8_t)rank;
  for (intptr_t i = 0; i < rank; ++i)
    out->dims[i] = mlirShapedTypeGetDimSize(t, i);
  CimStrBuf m = {0};
  bool ok = cimIsaCheckTensorType(out, &m);
  if (!ok)
    cimEmitErrorf(loc, "cannot encode %s: %s", what, cimStrBufGet(&m));
  cimStrBufFree(&m);
  return ok;
}

static bool sameType(const CimIsaTensorType *a, const CimIsaTensorType *b) {
  return a->elem.bits == b->elem.bits &&
         a->elem.isUnsigned == b->elem.isUnsigned && a->rank == b->rank &&
         !memcmp(a->dims, b->dims, sizeof a->dims);
}

static uint32_t newBuffer(Emitter *e, const CimIsaTensorType *t,
                          uint32_t block, MlirLocation loc) {
  CimProgram *p = e->p;
  if (block == CIM_ISA_NO_DATA) {
    for (uint32_t i = e->numFree; i-- > 0;) {
      uint32_t id = e->freeList[i];
      if (sameType(&p->buffers[id].type, t)) {
        e->freeList[i] = e->freeList[--e->numFree];
        return id;
      }
    }
  }
  if (!growWithLoc(e, (void **)&p->buffers, &e->capBuffers, p->numBuffers,
                   sizeof *p->buffers, &e->bufferLoc))
    return CIM_ISA_NO_BUFFER;
  uint32_t id = p->numBuffers++;
  p->buffers[id].type = *t;
  p->buffers[id].dataBlock = block;
  e->bufferLoc[id] = loc;
  return id;
}

static uint32_t newBlock(Emitter *e, const int64_t *v, uint64_t n,
                         MlirLocation loc) {
  CimProgram *p = e->p;
  if (!growWithLoc(e, (void **)&p->blocks, &e->capBlocks, p->numBlocks,
                   sizeof *p->blocks, &e->blockLoc))
    return CIM_ISA_NO_DATA;
  int64_t lo = 0, hi = 0;
  for (uint64_t i = 0; i < n; ++i) {
    lo = i == 0 || v[i] < lo ? v[i] : lo;
    hi = i == 0 || v[i] > hi ? v[i] : hi;
  }
  unsigned bytes = cimIsaBytesForValues(lo, hi);
  uint64_t need = p->dataSize + n * bytes;
  if (need > e->capData) {
    uint64_t cap = e->capData ? e->capData : 4096;
    while (cap < need)
      cap *= 2;
    uint8_t *g = realloc(p->data, (size_t)cap);
    if (!g) {
      e->oom = true;
      return CIM_ISA_NO_DATA;
    }
    p->data = g;
    e->capData = cap;
  }
  for (uint64_t i = 0; i < n; ++i)
    cimIsaWriteLE(p->data + p->dataSize + i * bytes, bytes, v[i]);
  uint32_t id = p->numBlocks++;
  p->blocks[id] = (CimIsaDataBlock){(uint8_t)bytes, p->dataSize, n};
  p->dataSize = need;
  e->blockLoc[id] = loc;
  return id;
}

static CimIsaInstr *newInstr(Emitter *e, CimIsaOpcode opcode,
                             MlirLocation loc) {
  CimProgram *p = e->p;
  if (!growWithLoc(e, (void **)&p->instrs, &e->capInstrs, p->numInstrs,
                   sizeof *p->instrs, &e->instrLoc))
    return NULL;
  e->instrLoc[p->numInstrs] = loc;
  if (!grow((void **)&e->instrOps, &e->capInstrOps, p->numInstrs,
            sizeof *e->instrOps)) {
    e->oom = true;
    return NULL;
  }
  e->instrOps[p->numInstrs] = e->currentOp;
  CimIsaInstr *in = &p->instrs[p->numInstrs++];
  memset(in, 0, sizeof *in);
  in->opcode = opcode;
  in->layer = CIM_ISA_NO_LAYER;
  in->dst = CIM_ISA_NO_BUFFER;
  in->src[0] = in->src[1] = CIM_ISA_NO_BUFFER;
  return in;
}

/// Reads the integers of a dense integer elements attribute (sign- or
/// zero-extended per the element type). A splat yields one value.
static int64_t *readDense(MlirAttribute attr, uint64_t *n) {
  MlirType elem = mlirShapedTypeGetElementType(mlirAttributeGetType(attr));
  unsigned bits = mlirIntegerTypeGetWidth(elem);
  bool isSigned = !mlirIntegerTypeIsUnsigned(elem);
  bool splat = mlirDenseElementsAttrIsSplat(attr);
  *n = splat ? 1 : (uint64_t)mlirElementsAttrGetNumElements(attr);
  int64_t *out = malloc((size_t)(*n ? *n : 1) * sizeof *out);
  if (!out)
    return NULL;
  if (bits == 1) {
    for (uint64_t i = 0; i < *n; ++i)
      out[i] = mlirDenseElementsAttrGetBoolValue(attr, (intptr_t)i)
                   ? (isSigned ? -1 : 1)
                   : 0;
    return out;
  }
  const unsigned char *raw = mlirDenseElementsAttrGetRawData(attr);
  size_t width = bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
  for (uint64_t i = 0; i < *n; ++i) {
    const unsigned char *q = raw + (size_t)i * width;
    uint64_t v = 0;
    for (size_t b = 0; b < width; ++b)
      v |= (uint64_t)q[b] << (8 * b);
    if (bits < 64) {
      v &= (1ull << bits) - 1;
      if (isSigned && (v >> (bits - 1)) & 1)
        v |= ~((1ull << bits) - 1);
    }
    out[i] = (int64_t)v;
  }
  return out;
}

static bool hasUses(MlirValue v) {
  return !mlirOpOperandIsNull(mlirValueGetFirstUse(v));
}

/*===----------------------------------------------------------------------===*
 * Ops
 *===----------------------------------------------------------------------===*/

static bool emitConstant(Emitter *e, MlirOperation op) {
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirValue r = mlirOperationGetResult(op, 0);
  MlirAttribute value = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("value"));
  MlirType t = mlirValueGetType(r);
  if (mlirAttributeIsNull(value) || !mlirAttributeIsADenseIntElements(value) ||
      !mlirTypeIsARankedTensor(t)) {
    if (!hasUses(r))
      return true; /* an unused scalar constant: nothing to encode */
    cimEmitErrorf(loc, "cannot encode this constant: expected a dense tensor "
                       "of integers");
    return false;
  }
  CimIsaTensorType type;
  if (!tensorTypeOf(t, &type, loc, "this constant"))
    return false;
  uint64_t n;
  int64_t *values = readDense(value, &n);
  if (!values)
    return e->oom = true, false;
  uint32_t block = newBlock(e, values, n, loc);
  free(values);
  if (block == CIM_ISA_NO_DATA)
    return false;
  uint32_t id = newBuffer(e, &type, block, loc);
  MapEntry *me = mapInsert(&e->values, r.ptr);
  if (id == CIM_ISA_NO_BUFFER || !me)
    return e->oom = true, false;
  me->value = id;
  return true;
}

static bool readField(Emitter *e, MlirOperation op, const CimIsaOpDesc *d,
                      const CimIsaField *f, int64_t *out) {
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirAttribute a =
      mlirOperationGetAttributeByName(op, mlirStringRefCreateFromCString(f->attr));
  if (mlirAttributeIsNull(a)) {
    cimEmitErrorf(loc, "cannot encode '%s': attribute '%s' is missing",
                  d->xbarName, f->attr);
    return false;
  }
  switch (f->kind) {
  case CIM_ISA_FIELD_BOOL:
    if (!mlirAttributeIsABool(a))
      break;
    *out = mlirBoolAttrGetValue(a);
    return true;
  case CIM_ISA_FIELD_ENUM: {
    if (!mlirAttributeIsAString(a))
      break;
    MlirStringRef s = mlirStringAttrGetValue(a);
    for (int k = 0; f->enumNames[k]; ++k)
      if (s.length == strlen(f->enumNames[k]) &&
          !memcmp(s.data, f->enumNames[k], s.length)) {
        *out = k;
        return true;
      }
    cimEmitErrorf(loc, "cannot encode '%s': unknown %s '%.*s'", d->xbarName,
                  f->attr, (int)s.length, s.data);
    return false;
  }
  case CIM_ISA_FIELD_BLOCK: {
    if (!mlirAttributeIsADenseI64Array(a))
      break;
    intptr_t n = mlirDenseArrayGetNumElements(a);
    if (n < 1) {
      cimEmitErrorf(loc, "cannot encode '%s': attribute '%s' is empty",
                    d->xbarName, f->attr);
      return false;
    }
    int64_t *v = malloc((size_t)n * sizeof *v);
    if (!v)
      return e->oom = true, false;
    for (intptr_t i = 0; i < n; ++i)
      v[i] = mlirDenseI64ArrayGetElement(a, i);
    uint32_t block = newBlock(e, v, (uint64_t)n, loc);
    free(v);
    if (block == CIM_ISA_NO_DATA)
      return false;
    *out = block;
    return true;
  }
  default: {
    int64_t v;
    if (f->attrIndex >= 0) {
      if (!mlirAttributeIsADenseI64Array(a))
        break;
      if (mlirDenseArrayGetNumElements(a) != f->attrLength) {
        cimEmitErrorf(loc, "cannot encode '%s': attribute '%s' must have %d "
                           "elements",
                      d->xbarName, f->attr, f->attrLength);
        return false;
      }
      v = mlirDenseI64ArrayGetElement(a, f->attrIndex);
    } else {
      if (!mlirAttributeIsAInteger(a))
        break;
      v = mlirIntegerAttrGetValueInt(a);
    }
    if (v < f->min || v > f->max) {
      cimEmitErrorf(loc, "cannot encode '%s': %s = %lld is out of range "
                         "[%lld, %lld]",
                    d->xbarName, f->name, (long long)v, (long long)f->min,
                    (long long)f->max);
      return false;
    }
    *out = v;
    return true;
  }
  }
  cimEmitErrorf(loc, "cannot encode '%s': attribute '%s' has the wrong kind",
                d->xbarName, f->attr);
  return false;
}

static uint32_t bufferOf(Emitter *e, MlirValue v) {
  MapEntry *me = mapFind(&e->values, v.ptr);
  return me ? me->value : CIM_ISA_NO_BUFFER;
}

/// After op `index`: releases the scratch buffers of operands used for the
/// last time, and of results never used.
static void releaseDead(Emitter *e, MlirOperation op, uint32_t index) {
  intptr_t nOps = mlirOperationGetNumOperands(op);
  intptr_t nRes = mlirOperationGetNumResults(op);
  for (intptr_t i = 0; i < nOps + nRes; ++i) {
    MlirValue v = i < nOps ? mlirOperationGetOperand(op, i)
                           : mlirOperationGetResult(op, i - nOps);
    MapEntry *me = mapFind(&e->values, v.ptr);
    if (!me || me->value == CIM_ISA_NO_BUFFER)
      continue;
    if (i < nOps ? me->aux != index : me->aux != UINT32_MAX)
      continue;
    uint32_t id = me->value;
    me->value = CIM_ISA_NO_BUFFER; /* released once */
    if (e->p->buffers[id].dataBlock != CIM_ISA_NO_DATA)
      continue;
    if (!grow((void **)&e->freeList, &e->capFree, e->numFree,
              sizeof *e->freeList)) {
      e->oom = true;
      return;
    }
    e->freeList[e->numFree++] = id;
  }
}

/// The schedule attributes of a write or mvm (docs/dialects/xbar.md,
/// "Schedule attributes") as a `sched` instruction before it (docs/isa.md):
/// all three or none; an mvm's chunks only on crossbars of its tile copies.
/// The block lengths and the rest of the rules are cimIsaVerify's.
static bool emitSched(Emitter *e, MlirOperation op, CimIsaOpcode opcode,
                      const CimIsaInstr *instr, unsigned numTiles) {
  static const char *const names[3] = {"sched_chunk_rows", "sched_start_ps",
                                       "sched_crossbar"};
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirAttribute a[3];
  int present = 0;
  for (int k = 0; k < 3; ++k) {
    a[k] = mlirOperationGetAttributeByName(
        op, mlirStringRefCreateFromCString(names[k]));
    present += !mlirAttributeIsNull(a[k]);
  }
  if (present == 0)
    return true;
  for (int k = 0; k < 3; ++k) {
    if (mlirAttributeIsNull(a[k])) {
      cimEmitErrorf(loc, "cannot encode '%s': it has schedule attributes but "
                         "no '%s'",
                    cimIsaOpDescs[opcode].xbarName, names[k]);
      return false;
    }
    if (k == 0 ? !mlirAttributeIsAInteger(a[k])
               : !mlirAttributeIsADenseI64Array(a[k])) {
      cimEmitErrorf(loc, "cannot encode '%s': '%s' must be %s",
                    cimIsaOpDescs[opcode].xbarName, names[k],
                    k == 0 ? "an integer" : "an array<i64: ...>");
      return false;
    }
  }
  int64_t chunkRows = mlirIntegerAttrGetValueInt(a[0]);
  if (chunkRows < 1 || chunkRows > CIM_ISA_MAX_DIM) {
    cimEmitErrorf(loc, "cannot encode '%s': 'sched_chunk_rows' = %lld is out "
                       "of range [1, 2^31]",
                  cimIsaOpDescs[opcode].xbarName, (long long)chunkRows);
    return false;
  }
  intptr_t n = mlirDenseArrayGetNumElements(a[1]);
  if (n != mlirDenseArrayGetNumElements(a[2]) || n < 1) {
    cimEmitErrorf(loc, "cannot encode '%s': 'sched_start_ps' and "
                       "'sched_crossbar' must have one entry per chunk",
                  cimIsaOpDescs[opcode].xbarName);
    return false;
  }
  int64_t *start = malloc((size_t)n * sizeof *start);
  int64_t *xbar = malloc((size_t)n * sizeof *xbar);
  if (!start || !xbar) {
    free(start);
    free(xbar);
    return e->oom = true, false;
  }
  bool ok = true;
  for (intptr_t i = 0; i < n; ++i) {
    start[i] = mlirDenseI64ArrayGetElement(a[1], i);
    xbar[i] = mlirDenseI64ArrayGetElement(a[2], i);
    if (opcode != CIM_ISA_MVM || !ok)
      continue;
    bool isCopy = false;
    for (unsigned t = 0; t < numTiles && !isCopy; ++t) {
      MlirValue tile = mlirOperationGetOperand(op, t);
      MapEntry *w = mlirValueIsAOpResult(tile)
                        ? mapFind(&e->writes, mlirOpResultGetOwner(tile).ptr)
                        : NULL;
      isCopy = w && e->writeInfo[w->value].crossbar == xbar[i];
    }
    if (!isCopy) {
      cimEmitErrorf(loc, "cannot encode 'xbar.mvm': 'sched_crossbar' puts "
                         "chunk %ld on crossbar %lld, which holds none of "
                         "its tile copies",
                    (long)i, (long long)xbar[i]);
      ok = false;
    }
  }
  uint32_t bs = ok ? newBlock(e, start, (uint64_t)n, loc) : CIM_ISA_NO_DATA;
  uint32_t bx = ok ? newBlock(e, xbar, (uint64_t)n, loc) : CIM_ISA_NO_DATA;
  free(start);
  free(xbar);
  if (!ok)
    return false;
  if (bs == CIM_ISA_NO_DATA || bx == CIM_ISA_NO_DATA)
    return e->oom = true, false;
  CimIsaInstr *in = newInstr(e, CIM_ISA_SCHED, loc);
  if (!in)
    return false;
  in->layer = instr->layer;
  in->sched.chunkRows = chunkRows;
  in->sched.start = bs;
  in->sched.crossbar = bx;
  return true;
}

static bool emitXbar(Emitter *e, MlirOperation op, CimIsaOpcode opcode) {
  const CimIsaOpDesc *d = &cimIsaOpDescs[opcode];
  MlirLocation loc = mlirOperationGetLocation(op);
  intptr_t nOperands = mlirOperationGetNumOperands(op);
  intptr_t nResults = mlirOperationGetNumResults(op);
  /* mvm: the tile and its copies come first, the digits last. */
  unsigned firstSrc =
      opcode == CIM_ISA_MVM && nOperands >= 2 ? (unsigned)nOperands - 1 : 0;
  unsigned minSrcs = d->numSrcs, maxSrcs = d->numSrcs;
  for (unsigned s = 0; s < d->numSrcs; ++s)
    if ((d->optionalSrcs >> s) & 1)
      --minSrcs;
  if ((unsigned)nOperands < minSrcs + firstSrc ||
      (unsigned)nOperands > maxSrcs + firstSrc ||
      nResults != ((d->hasDst || opcode == CIM_ISA_WRITE) ? 1 : 0)) {
    cimEmitErrorf(loc, "cannot encode '%s': unexpected number of operands or "
                       "results",
                  d->xbarName);
    return false;
  }
  CimIsaInstr tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.layer = CIM_ISA_NO_LAYER;
  tmp.dst = CIM_ISA_NO_BUFFER;
  tmp.src[0] = tmp.src[1] = CIM_ISA_NO_BUFFER;
  for (unsigned s = 0; s + firstSrc < (unsigned)nOperands; ++s) {
    MlirValue v = mlirOperationGetOperand(op, (intptr_t)(s + firstSrc));
    tmp.src[s] = bufferOf(e, v);
    if (tmp.src[s] == CIM_ISA_NO_BUFFER) {
      cimEmitErrorf(loc, "cannot encode '%s': operand %u is not a tensor "
                         "the program holds in a buffer",
                    d->xbarName, s + firstSrc);
      return false;
    }
  }
  for (unsigned k = 0; k < d->numImms; ++k) {
    const CimIsaField *f = &d->imms[k];
    if (f->attr && !readField(e, op, d, f, &tmp.imm[k]))
      return false;
  }
  MlirAttribute layer = mlirOperationGetAttributeByName(
      op, mlirStringRefCreateFromCString("layer"));
  if (!mlirAttributeIsNull(layer)) {
    if (!mlirAttributeIsAInteger(layer) ||
        mlirIntegerAttrGetValueInt(layer) < 0 ||
        mlirIntegerAttrGetValueInt(layer) > INT32_MAX) {
      cimEmitErrorf(loc, "cannot encode '%s': 'layer' must be an integer in "
                         "[0, 2^31-1]",
                    d->xbarName);
      return false;
    }
    tmp.layer = mlirIntegerAttrGetValueInt(layer);
  }
  if (opcode == CIM_ISA_MVM) {
    MlirValue tile = mlirOperationGetOperand(op, 0);
    MapEntry *w = mlirValueIsAOpResult(tile)
                      ? mapFind(&e->writes, mlirOpResultGetOwner(tile).ptr)
                      : NULL;
    if (!w) {
      cimEmitErrorf(loc, "cannot encode 'xbar.mvm': its tile does not come "
                         "from an 'xbar.write' in this function");
      return false;
    }
    const WriteInfo *wi = &e->writeInfo[w->value];
    for (unsigned k = 1; k < firstSrc; ++k) {
      MlirValue copy = mlirOperationGetOperand(op, k);
      MapEntry *cw = mlirValueIsAOpResult(copy)
                         ? mapFind(&e->writes, mlirOpResultGetOwner(copy).ptr)
                         : NULL;
      const WriteInfo *ci = cw ? &e->writeInfo[cw->value] : NULL;
      if (!ci || ci->row != wi->row || ci->col != wi->col ||
          ci->rows != wi->rows || ci->cols != wi->cols) {
        cimEmitErrorf(loc, "cannot encode 'xbar.mvm': its tile copies must "
                           "occupy the same region on their crossbars");
        return false;
      }
    }
    tmp.mvm.crossbar = wi->crossbar;
    tmp.mvm.tileRow = wi->row;
    tmp.mvm.tileCol = wi->col;
    tmp.mvm.tileRows = wi->rows;
    tmp.mvm.tileCols = wi->cols;
  }
  if (opcode == CIM_ISA_WRITE) {
    const CimIsaTensorType *cells = &e->p->buffers[tmp.src[0]].type;
    MapEntry *w = mapInsert(&e->writes, op.ptr);
    if (!w || !grow((void **)&e->writeInfo, &e->capWrites, e->numWrites,
                    sizeof *e->writeInfo))
      return e->oom = true, false;
    if (cells->rank != 2) {
      cimEmitErrorf(loc, "cannot encode 'xbar.write': cells must be a 2-D "
                         "tensor");
      return false;
    }
    w->value = e->numWrites;
    e->writeInfo[e->numWrites++] =
        (WriteInfo){tmp.write.crossbar, tmp.write.row, tmp.write.col,
                    cells->dims[0], cells->dims[1]};
  }
  if (d->hasDst) {
    MlirValue r = mlirOperationGetResult(op, 0);
    CimIsaTensorType type;
    if (!tensorTypeOf(mlirValueGetType(r), &type, loc, "this result"))
      return false;
    tmp.dst = newBuffer(e, &type, CIM_ISA_NO_DATA, loc);
    MapEntry *me = mapInsert(&e->values, r.ptr);
    if (tmp.dst == CIM_ISA_NO_BUFFER || !me)
      return e->oom = true, false;
    me->value = tmp.dst;
  }
  if ((opcode == CIM_ISA_WRITE || opcode == CIM_ISA_MVM) &&
      !emitSched(e, op, opcode, &tmp, firstSrc))
    return false;
  CimIsaInstr *in = newInstr(e, opcode, loc);
  if (!in)
    return false;
  tmp.opcode = opcode;
  *in = tmp;
  return true;
}

static bool addPort(Emitter *e, bool isInput, const char *name,
                    size_t nameLength, const CimIsaTensorType *type) {
  CimProgram *p = e->p;
  CimIsaPort **arr = isInput ? &p->inputs : &p->outputs;
  uint32_t *n = isInput ? &p->numInputs : &p->numOutputs;
  if (!grow((void **)arr, isInput ? &e->capInputs : &e->capOutputs, *n,
            sizeof **arr))
    return e->oom = true, false;
  CimIsaPort *port = &(*arr)[*n];
  port->name = malloc(nameLength + 1);
  if (!port->name)
    return e->oom = true, false;
  memcpy(port->name, name, nameLength);
  port->name[nameLength] = '\0';
  port->type = *type;
  ++*n;
  return true;
}

/// Finds the entry function; diagnostics at the module.
static MlirOperation findEntry(MlirOperation module, MlirStringRef entry) {
  MlirLocation loc = mlirOperationGetLocation(module);
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(module, 0));
  MlirOperation found = {NULL};
  int count = 0;
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op)) {
    if (!cimOpIsA(op, "func.func"))
      continue;
    MlirAttribute name = mlirOperationGetAttributeByName(
        op, mlirStringRefCreateFromCString("sym_name"));
    if (entry.length) {
      if (mlirStringRefEqual(mlirStringAttrGetValue(name), entry))
        return op;
      continue;
    }
    ++count;
    found = op;
  }
  if (entry.length)
    cimEmitErrorf(loc, "no function named '%.*s' to encode", (int)entry.length,
                  entry.data);
  else if (count != 1)
    cimEmitErrorf(loc, "expected exactly one function to encode, found %d "
                       "(name one with --entry)",
                  count);
  return count == 1 ? found : (MlirOperation){NULL};
}

static bool argName(MlirOperation func, intptr_t i, CimStrBuf *name) {
  MlirAttribute all = mlirOperationGetAttributeByName(
      func, mlirStringRefCreateFromCString("arg_attrs"));
  if (!mlirAttributeIsNull(all) && mlirAttributeIsAArray(all) &&
      i < mlirArrayAttrGetNumElements(all)) {
    MlirAttribute dict = mlirArrayAttrGetElement(all, i);
    if (mlirAttributeIsADictionary(dict)) {
      MlirAttribute n = mlirDictionaryAttrGetElementByName(
          dict, mlirStringRefCreateFromCString("cim.name"));
      if (!mlirAttributeIsNull(n) && mlirAttributeIsAString(n)) {
        cimStrBufAppendRef(name, mlirStringAttrGetValue(n));
        return true;
      }
    }
  }
  cimStrBufPrintf(name, "arg%ld", (long)i);
  return false;
}

/// Argument `i` of `func` (whose block is `body`): an input port and the
/// load that brings it into a buffer (freed at once when unused).
static bool loadArgument(Emitter *e, MlirOperation func, MlirBlock body,
                         intptr_t i) {
  MlirValue arg = mlirBlockGetArgument(body, i);
  CimStrBuf name = {0};
  bool named = argName(func, i, &name);
  CimIsaTensorType type;
  bool ok = true;
  char what[64];
  snprintf(what, sizeof what, "argument %ld", (long)i);
  if (!tensorTypeOf(mlirValueGetType(arg), &type, e->funcLoc, what))
    ok = false;
  else if (named &&
           !cimIsaIsValidPortName(cimStrBufGet(&name), name.length)) {
    cimEmitErrorf(e->funcLoc, "cannot encode argument %ld: 'cim.name' must "
                              "be 1..255 characters of [A-Za-z0-9_.-]",
                  (long)i);
    ok = false;
  }
  for (uint32_t k = 0; ok && k < e->p->numInputs; ++k)
    if (!strcmp(e->p->inputs[k].name, cimStrBufGet(&name))) {
      cimEmitErrorf(e->funcLoc, "cannot encode argument %ld: input name "
                                "'%s' is used twice",
                    (long)i, cimStrBufGet(&name));
      ok = false;
    }
  if (ok)
    ok = addPort(e, true, cimStrBufGet(&name), name.length, &type);
  cimStrBufFree(&name);
  if (!ok)
    return false;
  uint32_t id = newBuffer(e, &type, CIM_ISA_NO_DATA, e->funcLoc);
  CimIsaInstr *in = newInstr(e, CIM_ISA_LOAD, e->funcLoc);
  MapEntry *me = mapInsert(&e->values, arg.ptr);
  if (id == CIM_ISA_NO_BUFFER || !in || !me)
    return e->oom = true, false;
  in->dst = id;
  in->load.input = i;
  me->value = id;
  if (me->aux == UINT32_MAX) { /* unused argument */
    me->value = CIM_ISA_NO_BUFFER;
    if (!grow((void **)&e->freeList, &e->capFree, e->numFree,
              sizeof *e->freeList))
      return e->oom = true, false;
    e->freeList[e->numFree++] = id;
  }
  return true;
}

/// The operands of func.return `op`: output ports and the stores that
/// write them.
static bool storeResults(Emitter *e, MlirOperation op, MlirLocation loc) {
  bool ok = true;
  for (intptr_t i = 0; ok && i < mlirOperationGetNumOperands(op); ++i) {
    MlirValue v = mlirOperationGetOperand(op, i);
    CimIsaTensorType type;
    char what[64];
    snprintf(what, sizeof what, "result %ld", (long)i);
    char portName[32];
    snprintf(portName, sizeof portName, "result%ld", (long)i);
    uint32_t src = bufferOf(e, v);
    ok = tensorTypeOf(mlirValueGetType(v), &type, loc, what);
    if (ok && src == CIM_ISA_NO_BUFFER) {
      cimEmitErrorf(loc, "cannot encode result %ld: not a tensor the "
                         "program holds in a buffer",
                    (long)i);
      ok = false;
    }
    if (ok)
      ok = addPort(e, false, portName, strlen(portName), &type);
    CimIsaInstr *in = ok ? newInstr(e, CIM_ISA_STORE, loc) : NULL;
    if (ok && !in)
      ok = false;
    if (ok) {
      in->src[0] = src;
      in->store.output = i;
    }
  }
  return ok;
}

static bool emitFunction(Emitter *e, MlirOperation func) {
  MlirBlock body = mlirRegionGetFirstBlock(mlirOperationGetRegion(func, 0));
  if (mlirBlockIsNull(body)) {
    cimEmitErrorf(e->funcLoc, "cannot encode a function without a body");
    return false;
  }
  if (!mlirBlockIsNull(mlirBlockGetNextInRegion(body))) {
    cimEmitErrorf(e->funcLoc, "cannot encode a function with more than one "
                              "block: programs are straight-line code");
    return false;
  }
  /* Last uses: op index of the last user of each value. */
  uint32_t index = 0;
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op), ++index) {
    for (intptr_t i = 0; i < mlirOperationGetNumOperands(op); ++i) {
      MapEntry *me =
          mapInsert(&e->values, mlirOperationGetOperand(op, i).ptr);
      if (!me)
        return e->oom = true, false;
      me->aux = index;
    }
  }

  /* Arguments: inputs, loaded first. */
  for (intptr_t i = 0; i < mlirBlockGetNumArguments(body); ++i)
    if (!loadArgument(e, func, body, i))
      return false;

  index = 0;
  for (MlirOperation op = mlirBlockGetFirstOperation(body);
       !mlirOperationIsNull(op); op = mlirOperationGetNextInBlock(op), ++index) {
    MlirLocation loc = mlirOperationGetLocation(op);
    e->currentOp = op;
    MlirIdentifier nameId = mlirOperationGetName(op);
    MlirStringRef name = mlirIdentifierStr(nameId);
    bool ok;
    if (cimOpIsA(op, "arith.constant")) {
      ok = emitConstant(e, op);
    } else if (cimOpIsA(op, "func.return")) {
      ok = storeResults(e, op, loc);
    } else {
      int opcode = -1;
      for (int k = 0; k < CIM_ISA_NUM_OPCODES && opcode < 0; ++k)
        if (cimIsaOpDescs[k].xbarName && cimOpIsA(op, cimIsaOpDescs[k].xbarName))
          opcode = k;
      if (opcode < 0) {
        cimEmitErrorf(loc, "cannot encode '%.*s': a program holds only xbar "
                           "ops, arith.constant and func.return",
                      (int)name.length, name.data);
        return false;
      }
      ok = emitXbar(e, op, (CimIsaOpcode)opcode);
    }
    if (!ok)
      return false;
    releaseDead(e, op, index);
    if (e->oom)
      return false;
  }
  e->currentOp = (MlirOperation){NULL};
  CimIsaInstr *halt = newInstr(e, CIM_ISA_HALT, e->funcLoc);
  return halt != NULL;
}

MlirLogicalResult cimProgramCreateFromModule(MlirOperation module,
                                             MlirStringRef entry,
                                             MlirStringRef targetPath,
                                             CimProgram **program) {
  *program = NULL;
  CimTarget target;
  if (mlirLogicalResultIsFailure(
          cimTargetResolve(module, targetPath, &target)))
    return mlirLogicalResultFailure();
  MlirOperation func = findEntry(module, entry);
  if (mlirOperationIsNull(func))
    return mlirLogicalResultFailure();
  return cimProgramCreateFromFunction(func, &target, program, NULL);
}

/* The IR verifier's limits (lib/ir/verify.c) are the ISA's, so that what
 * the passes accept also encodes. */
_Static_assert(CIM_IR_MAX_RANK == CIM_ISA_MAX_RANK &&
                   CIM_IR_MAX_DIM == CIM_ISA_MAX_DIM &&
                   CIM_IR_MAX_ELEMENTS == CIM_ISA_MAX_ELEMENTS,
               "lib/ir/Verify.h and include/cim-c/Isa.h disagree on limits");

MlirLogicalResult cimProgramCreateFromFunction(MlirOperation func,
                                               const CimTarget *targetIn,
                                               CimProgram **program,
                                               MlirOperation **instrOps) {
  *program = NULL;
  if (instrOps)
    *instrOps = NULL;
  /* The rules of every op (docs/dialects/xbar.md) before encoding any. */
  if (mlirLogicalResultIsFailure(cimVerifyOps(func)))
    return mlirLogicalResultFailure();
  CimTarget target = *targetIn;
  MlirOperation parent = mlirOperationGetParentOperation(func);
  MlirLocation moduleLoc = mlirOperationIsNull(parent)
                               ? mlirOperationGetLocation(func)
                               : mlirOperationGetLocation(parent);
  Emitter e;
  memset(&e, 0, sizeof e);
  e.funcLoc = mlirOperationGetLocation(func);
  e.p = calloc(1, sizeof *e.p);
  bool ok = false;
  if (!e.p) {
    e.oom = true;
  } else {
    e.p->target = target;
    e.p->fingerprint = cimTargetGetFingerprint(&target);
    ok = emitFunction(&e, func);
  }
  if (ok) {
    CimStrBuf msg = {0};
    CimIsaLocus locus;
    ok = cimIsaVerify(e.p, &locus, &msg);
    if (!ok) {
      MlirLocation loc = e.funcLoc;
      if (locus.kind == CIM_ISA_LOCUS_INSTR)
        loc = e.instrLoc[locus.index];
      else if (locus.kind == CIM_ISA_LOCUS_BUFFER)
        loc = e.bufferLoc[locus.index];
      else if (locus.kind == CIM_ISA_LOCUS_BLOCK)
        loc = e.blockLoc[locus.index];
      else if (locus.kind == CIM_ISA_LOCUS_TARGET)
        loc = moduleLoc;
      cimEmitErrorf(loc, "cannot encode: %s", cimStrBufGet(&msg));
    }
    cimStrBufFree(&msg);
  }
  if (e.oom)
    cimEmitErrorf(e.funcLoc, "out of memory while encoding the program");
  free(e.values.slots);
  free(e.writes.slots);
  free(e.writeInfo);
  free(e.freeList);
  free(e.bufferLoc);
  free(e.blockLoc);
  free(e.instrLoc);
  if (!ok) {
    free(e.instrOps);
    cimProgramDestroy(e.p);
    return mlirLogicalResultFailure();
  }
  if (instrOps)
    *instrOps = e.instrOps;
  else
    free(e.instrOps);
  *program = e.p;
  return mlirLogicalResultSuccess();
}
