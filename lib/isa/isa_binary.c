/*===-- isa_binary.c - Binary encoding and the bounds-checked decoder ------===*
 *
 * Layout (docs/isa.md, "Binary encoding"): a 224-byte header, the input and
 * output tables, the buffer table, the data-block table, the code section
 * and the data section, all little-endian with fixed-width fields. The
 * decoder checks every length against the bytes that remain before reading,
 * every count against the bytes it would need before allocating, and then
 * runs the verifier, mapping its complaint back to the offset of the entry.
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "IsaInternal.h"

#define HEADER_SIZE 224
#define OFF_VERSION 4
#define OFF_FLAGS 6
#define OFF_FINGERPRINT 8
#define OFF_TARGET 16
#define OFF_COUNTS 176
#define OFF_RESERVED 196
#define OFF_CODE_SIZE 200
#define OFF_DATA_SIZE 208
#define OFF_TOTAL_SIZE 216
#define INSTR_FIXED 12 /* opcode, #srcs, #imms, reserved, layer, dst */
#define BLOCK_ENTRY 17

/*===----------------------------------------------------------------------===*
 * Encoder
 *===----------------------------------------------------------------------===*/

typedef struct Writer {
  uint8_t *p;
  size_t pos;
} Writer;

static void put(Writer *w, unsigned bytes, uint64_t v) {
  if (w->p)
    cimIsaWriteLE(w->p + w->pos, bytes, (int64_t)v);
  w->pos += bytes;
}

static void putBytes(Writer *w, const void *src, size_t n) {
  if (w->p)
    memcpy(w->p + w->pos, src, n);
  w->pos += n;
}

static void putType(Writer *w, const CimIsaTensorType *t) {
  put(w, 1, t->elem.bits);
  put(w, 1, t->elem.isUnsigned);
  put(w, 1, t->rank);
  for (unsigned i = 0; i < t->rank; ++i)
    put(w, 8, (uint64_t)t->dims[i]);
}

static void putPort(Writer *w, const CimIsaPort *port) {
  size_t n = strlen(port->name);
  put(w, 1, n);
  putBytes(w, port->name, n);
  putType(w, &port->type);
}

/// Writes the tables and code (everything before the data section); with a
/// null `w->p` only measures.
static void putProgram(Writer *w, const CimProgram *p, uint64_t codeSize,
                       uint64_t totalSize) {
  putBytes(w, CIM_ISA_MAGIC, 4);
  put(w, 2, CIM_ISA_VERSION);
  put(w, 2, 0);
  put(w, 8, p->fingerprint);
  int64_t t[20];
  cimIsaTargetToArray(&p->target, t);
  for (int i = 0; i < 20; ++i)
    put(w, 8, (uint64_t)t[i]);
  put(w, 4, p->numInputs);
  put(w, 4, p->numOutputs);
  put(w, 4, p->numBuffers);
  put(w, 4, p->numBlocks);
  put(w, 4, p->numInstrs);
  put(w, 4, 0);
  put(w, 8, codeSize);
  put(w, 8, p->dataSize);
  put(w, 8, totalSize);
  for (uint32_t i = 0; i < p->numInputs; ++i)
    putPort(w, &p->inputs[i]);
  for (uint32_t i = 0; i < p->numOutputs; ++i)
    putPort(w, &p->outputs[i]);
  for (uint32_t i = 0; i < p->numBuffers; ++i) {
    putType(w, &p->buffers[i].type);
    put(w, 4, p->buffers[i].dataBlock);
  }
  for (uint32_t i = 0; i < p->numBlocks; ++i) {
    put(w, 1, p->blocks[i].elemBytes);
    put(w, 8, p->blocks[i].offset);
    put(w, 8, p->blocks[i].count);
  }
  for (uint32_t i = 0; i < p->numInstrs; ++i) {
    const CimIsaInstr *in = &p->instrs[i];
    const CimIsaOpDesc *d = &cimIsaOpDescs[in->opcode];
    put(w, 1, in->opcode);
    put(w, 1, d->numSrcs);
    put(w, 1, d->numImms);
    put(w, 1, 0);
    put(w, 4, (uint64_t)in->layer);
    put(w, 4, in->dst);
    for (unsigned s = 0; s < d->numSrcs; ++s)
      put(w, 4, in->src[s]);
    for (unsigned k = 0; k < d->numImms; ++k)
      put(w, 8, (uint64_t)in->imm[k]);
  }
}

static uint64_t codeSizeOf(const CimProgram *p) {
  uint64_t n = 0;
  for (uint32_t i = 0; i < p->numInstrs; ++i) {
    const CimIsaOpDesc *d = &cimIsaOpDescs[p->instrs[i].opcode];
    n += INSTR_FIXED + 4u * d->numSrcs + 8u * d->numImms;
  }
  return n;
}

static void report(MlirStringCallback cb, void *ud, const char *text) {
  if (cb)
    cb(mlirStringRefCreateFromCString(text), ud);
}

MlirLogicalResult cimProgramEncode(const CimProgram *p, uint8_t **bytes,
                                   size_t *size,
                                   MlirStringCallback errorCallback,
                                   void *userData) {
  *bytes = NULL;
  *size = 0;
  if (mlirLogicalResultIsFailure(
          cimProgramVerify(p, errorCallback, userData)))
    return mlirLogicalResultFailure();
  uint64_t codeSize = codeSizeOf(p);
  Writer measure = {NULL, 0};
  putProgram(&measure, p, codeSize, 0);
  if (p->dataSize > SIZE_MAX - measure.pos) {
    report(errorCallback, userData, "program too large to encode");
    return mlirLogicalResultFailure();
  }
  size_t total = measure.pos + (size_t)p->dataSize;
  uint8_t *buf = malloc(total ? total : 1);
  if (!buf) {
    report(errorCallback, userData, "out of memory while encoding");
    return mlirLogicalResultFailure();
  }
  Writer w = {buf, 0};
  putProgram(&w, p, codeSize, total);
  if (p->dataSize)
    memcpy(buf + w.pos, p->data, (size_t)p->dataSize);
  *bytes = buf;
  *size = total;
  return mlirLogicalResultSuccess();
}

/*===----------------------------------------------------------------------===*
 * Decoder
 *===----------------------------------------------------------------------===*/

typedef struct Reader {
  const uint8_t *bytes;
  size_t pos, end; /* reading [pos, end) */
  CimStrBuf *err;
} Reader;

static bool failAt(Reader *r, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool failAt(Reader *r, size_t offset, const char *fmt, ...) {
  if (r->err->length)
    return false; /* keep the first message */
  cimStrBufPrintf(r->err, "offset %zu: ", offset);
  va_list ap;
  va_start(ap, fmt);
  cimStrBufVPrintf(r->err, fmt, ap);
  va_end(ap);
  return false;
}

static bool need(Reader *r, size_t n, const char *what) {
  if (r->end - r->pos < n)
    return failAt(r, r->pos, "truncated %s: needs %zu bytes, %zu left", what,
                  n, r->end - r->pos);
  return true;
}

/* Callers have checked `need` for these. */
static uint64_t get(Reader *r, unsigned bytes) {
  uint64_t v = (uint64_t)cimIsaReadLE(r->bytes + r->pos, bytes);
  if (bytes < 8)
    v &= (1ull << (8 * bytes)) - 1;
  r->pos += bytes;
  return v;
}

static bool getType(Reader *r, CimIsaTensorType *t, const char *what) {
  memset(t, 0, sizeof *t);
  if (!need(r, 3, what))
    return false;
  size_t at = r->pos;
  uint64_t bits = get(r, 1), isUnsigned = get(r, 1);
  size_t rankAt = r->pos;
  uint64_t rank = get(r, 1);
  if (isUnsigned > 1)
    return failAt(r, at + 1, "%s: signedness byte is %llu, not 0 or 1", what,
                  (unsigned long long)isUnsigned);
  if (rank > CIM_ISA_MAX_RANK)
    return failAt(r, rankAt, "%s: rank %llu is out of range [0, %d]", what,
                  (unsigned long long)rank, CIM_ISA_MAX_RANK);
  t->elem.bits = (uint8_t)bits;
  t->elem.isUnsigned = isUnsigned != 0;
  t->rank = (uint8_t)rank;
  if (!need(r, 8 * (size_t)rank, what))
    return false;
  for (unsigned i = 0; i < rank; ++i)
    t->dims[i] = (int64_t)get(r, 8);
  CimStrBuf m = {0};
  bool ok = cimIsaCheckTensorType(t, &m);
  if (!ok)
    failAt(r, at, "%s: %s", what, cimStrBufGet(&m));
  cimStrBufFree(&m);
  return ok;
}

static bool getPort(Reader *r, CimIsaPort *port, const char *what) {
  if (!need(r, 1, what))
    return false;
  size_t at = r->pos;
  size_t n = (size_t)get(r, 1);
  if (!need(r, n, what))
    return false;
  if (!cimIsaIsValidPortName((const char *)r->bytes + r->pos, n))
    return failAt(r, at, "%s: the name must be 1..255 characters of "
                         "[A-Za-z0-9_.-]",
                  what);
  port->name = malloc(n + 1);
  if (!port->name)
    return failAt(r, at, "out of memory");
  memcpy(port->name, r->bytes + r->pos, n);
  port->name[n] = '\0';
  r->pos += n;
  return getType(r, &port->type, what);
}

/// Checks that `count` entries of at least `minBytes` each can fit in what
/// is left of the tables, then allocates them zeroed.
static void *allocTable(Reader *r, uint32_t count, size_t minBytes,
                        size_t elemSize, size_t countOffset, const char *what) {
  if (count == 0)
    return NULL;
  if ((uint64_t)count * minBytes > r->end - r->pos) {
    failAt(r, countOffset,
           "%" PRIu32 " %s need at least %zu bytes, only %zu are left before "
           "the code section",
           count,
           what, (size_t)count * minBytes, r->end - r->pos);
    return NULL;
  }
  void *t = calloc(count, elemSize);
  if (!t)
    failAt(r, countOffset, "out of memory");
  return t;
}

static const char *locusName(CimIsaLocusKind k) {
  switch (k) {
  case CIM_ISA_LOCUS_INPUT:
    return "input";
  case CIM_ISA_LOCUS_OUTPUT:
    return "output";
  case CIM_ISA_LOCUS_BUFFER:
    return "buffer";
  case CIM_ISA_LOCUS_BLOCK:
    return "data block";
  case CIM_ISA_LOCUS_INSTR:
    return "instruction";
  default:
    return "program";
  }
}

static bool decode(Reader *r, CimProgram *p) {
  size_t size = r->end;
  if (size < 4)
    return need(r, HEADER_SIZE, "header");
  if (memcmp(r->bytes, CIM_ISA_MAGIC, 4) != 0) {
    char shown[17] = {0};
    size_t len = 0;
    for (int i = 0; i < 4; ++i) {
      unsigned char c = r->bytes[i];
      if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
        shown[len++] = (char)c;
      else
        len += (size_t)snprintf(shown + len, 5, "\\x%02x", c);
    }
    return failAt(r, 0, "bad magic '%s' (expected 'CIMB'): not a cimlir "
                        "binary program",
                  shown);
  }
  r->pos = 4;
  if (!need(r, 2, "header"))
    return false;
  uint64_t version = get(r, 2);
  if (version != CIM_ISA_VERSION)
    return failAt(r, OFF_VERSION,
                  "unsupported version %llu (this decoder reads version %d)",
                  (unsigned long long)version, CIM_ISA_VERSION);
  r->pos = 0;
  if (!need(r, HEADER_SIZE, "header"))
    return false;
  r->pos = OFF_FLAGS;
  if (get(r, 2) != 0)
    return failAt(r, OFF_FLAGS, "flags must be 0 in version 1");
  p->fingerprint = get(r, 8);
  int64_t t[20];
  for (int i = 0; i < 20; ++i)
    t[i] = (int64_t)get(r, 8);
  cimIsaTargetFromArray(t, &p->target);
  CimStrBuf m = {0};
  bool targetOk = mlirLogicalResultIsSuccess(
      cimTargetValidate(&p->target, cimStrBufCallback, &m));
  if (!targetOk)
    failAt(r, OFF_TARGET, "%s", cimStrBufGet(&m));
  cimStrBufFree(&m);
  if (!targetOk)
    return false;
  uint64_t expected = cimTargetGetFingerprint(&p->target);
  if (p->fingerprint != expected)
    return failAt(r, OFF_FINGERPRINT,
                  "fingerprint mismatch: the header says 0x%016" PRIx64
                  ", the target in the header hashes to 0x%016" PRIx64,
                  p->fingerprint, expected);
  uint32_t numInputs = (uint32_t)get(r, 4), numOutputs = (uint32_t)get(r, 4);
  uint32_t numBuffers = (uint32_t)get(r, 4), numBlocks = (uint32_t)get(r, 4);
  uint32_t numInstrs = (uint32_t)get(r, 4);
  if (get(r, 4) != 0)
    return failAt(r, OFF_RESERVED, "reserved field must be 0");
  uint64_t codeSize = get(r, 8), dataSize = get(r, 8);
  uint64_t totalSize = get(r, 8);
  if (totalSize > size)
    return failAt(r, OFF_TOTAL_SIZE,
                  "truncated program: the header announces %" PRIu64
                  " bytes, the input has %zu",
                  totalSize, size);
  if (totalSize < size)
    return failAt(r, (size_t)totalSize,
                  "%zu bytes after the end of the program (the header "
                  "announces %" PRIu64 " bytes)",
                  size - (size_t)totalSize, totalSize);
  size_t rest = size - HEADER_SIZE;
  if (codeSize > rest || dataSize > rest - codeSize)
    return failAt(r, OFF_CODE_SIZE,
                  "code size %" PRIu64 " and data size %" PRIu64
                  " exceed the %zu bytes after the header",
                  codeSize, dataSize, rest);
  size_t codeStart = size - (size_t)dataSize - (size_t)codeSize;
  size_t dataStart = size - (size_t)dataSize;

  /* Tables: [HEADER_SIZE, codeStart). */
  r->end = codeStart;
  size_t *inputAt = NULL, *outputAt = NULL, *bufferAt = NULL, *blockAt = NULL,
         *instrAt = NULL;
  bool ok = false;
  p->inputs = allocTable(r, numInputs, 5, sizeof *p->inputs, OFF_COUNTS,
                         "inputs");
  if (numInputs && !p->inputs)
    goto out;
  p->numInputs = numInputs;
  inputAt = calloc(numInputs + 1, sizeof *inputAt);
  if (!inputAt) {
    failAt(r, r->pos, "out of memory");
    goto out;
  }
  for (uint32_t i = 0; i < numInputs; ++i) {
    inputAt[i] = r->pos;
    if (!getPort(r, &p->inputs[i], "input table entry"))
      goto out;
  }
  p->outputs = allocTable(r, numOutputs, 5, sizeof *p->outputs,
                          OFF_COUNTS + 4, "outputs");
  if (numOutputs && !p->outputs)
    goto out;
  p->numOutputs = numOutputs;
  outputAt = calloc(numOutputs + 1, sizeof *outputAt);
  if (!outputAt) {
    failAt(r, r->pos, "out of memory");
    goto out;
  }
  for (uint32_t i = 0; i < numOutputs; ++i) {
    outputAt[i] = r->pos;
    if (!getPort(r, &p->outputs[i], "output table entry"))
      goto out;
  }
  p->buffers = allocTable(r, numBuffers, 7, sizeof *p->buffers,
                          OFF_COUNTS + 8, "buffers");
  if (numBuffers && !p->buffers)
    goto out;
  p->numBuffers = numBuffers;
  bufferAt = calloc(numBuffers + 1, sizeof *bufferAt);
  if (!bufferAt) {
    failAt(r, r->pos, "out of memory");
    goto out;
  }
  for (uint32_t i = 0; i < numBuffers; ++i) {
    bufferAt[i] = r->pos;
    if (!getType(r, &p->buffers[i].type, "buffer table entry") ||
        !need(r, 4, "buffer table entry"))
      goto out;
    size_t at = r->pos;
    p->buffers[i].dataBlock = (uint32_t)get(r, 4);
    if (p->buffers[i].dataBlock != CIM_ISA_NO_DATA &&
        p->buffers[i].dataBlock >= numBlocks) {
      failAt(r, at, "buffer b%u: data block d%u does not exist (%u blocks)",
             i, p->buffers[i].dataBlock, numBlocks);
      goto out;
    }
  }
  p->blocks = allocTable(r, numBlocks, BLOCK_ENTRY, sizeof *p->blocks,
                         OFF_COUNTS + 12, "data blocks");
  if (numBlocks && !p->blocks)
    goto out;
  p->numBlocks = numBlocks;
  blockAt = calloc(numBlocks + 1, sizeof *blockAt);
  if (!blockAt) {
    failAt(r, r->pos, "out of memory");
    goto out;
  }
  for (uint32_t i = 0; i < numBlocks; ++i) {
    blockAt[i] = r->pos;
    if (!need(r, BLOCK_ENTRY, "data block table entry"))
      goto out;
    p->blocks[i].elemBytes = (uint8_t)get(r, 1);
    p->blocks[i].offset = get(r, 8);
    p->blocks[i].count = get(r, 8);
  }
  if (r->pos != codeStart) {
    failAt(r, r->pos,
           "%zu bytes between the tables and the code section (the section "
           "sizes in the header do not match the tables)",
           codeStart - r->pos);
    goto out;
  }

  /* Code: [codeStart, dataStart). */
  r->end = dataStart;
  if ((uint64_t)numInstrs * INSTR_FIXED > codeSize) {
    failAt(r, OFF_COUNTS + 16,
           "%u instructions need at least %llu bytes; the code section has "
           "%" PRIu64,
           numInstrs, (unsigned long long)numInstrs * INSTR_FIXED, codeSize);
    goto out;
  }
  p->instrs = calloc(numInstrs ? numInstrs : 1, sizeof *p->instrs);
  instrAt = calloc(numInstrs + 1, sizeof *instrAt);
  if (!p->instrs || !instrAt) {
    failAt(r, OFF_COUNTS + 16, "out of memory");
    goto out;
  }
  p->numInstrs = numInstrs;
  for (uint32_t i = 0; i < numInstrs; ++i) {
    size_t at = instrAt[i] = r->pos;
    CimIsaInstr *in = &p->instrs[i];
    if (!need(r, INSTR_FIXED, "code section"))
      goto out;
    uint64_t opcode = get(r, 1), numSrcs = get(r, 1), numImms = get(r, 1);
    uint64_t reserved = get(r, 1);
    if (opcode >= CIM_ISA_NUM_OPCODES) {
      failAt(r, at, "instruction %u: unknown opcode %llu", i,
             (unsigned long long)opcode);
      goto out;
    }
    const CimIsaOpDesc *d = &cimIsaOpDescs[opcode];
    if (numSrcs != d->numSrcs || numImms != d->numImms) {
      failAt(r, at + 1,
             "instruction %u (%s): %llu sources and %llu immediates; the "
             "opcode has %u and %u",
             i, d->name, (unsigned long long)numSrcs,
             (unsigned long long)numImms, d->numSrcs, d->numImms);
      goto out;
    }
    if (reserved != 0) {
      failAt(r, at + 3, "instruction %u: reserved byte must be 0", i);
      goto out;
    }
    in->opcode = (CimIsaOpcode)opcode;
    in->layer = (int32_t)(uint32_t)get(r, 4);
    in->dst = (uint32_t)get(r, 4);
    in->src[0] = in->src[1] = CIM_ISA_NO_BUFFER;
    if (!need(r, 4u * d->numSrcs + 8u * d->numImms, "code section"))
      goto out;
    for (unsigned s = 0; s < d->numSrcs; ++s)
      in->src[s] = (uint32_t)get(r, 4);
    for (unsigned k = 0; k < d->numImms; ++k)
      in->imm[k] = (int64_t)get(r, 8);
  }
  if (r->pos != dataStart) {
    failAt(r, r->pos,
           "%zu bytes after the last instruction in the code section",
           dataStart - r->pos);
    goto out;
  }

  /* Data: [dataStart, size). */
  p->dataSize = dataSize;
  p->data = malloc(dataSize ? (size_t)dataSize : 1);
  if (!p->data) {
    failAt(r, dataStart, "out of memory");
    goto out;
  }
  if (dataSize)
    memcpy(p->data, r->bytes + dataStart, (size_t)dataSize);

  /* Everything the tables refer to. */
  {
    CimStrBuf msg = {0};
    CimIsaLocus locus;
    if (!cimIsaVerify(p, &locus, &msg)) {
      size_t at = 0;
      switch (locus.kind) {
      case CIM_ISA_LOCUS_TARGET:
        at = OFF_TARGET;
        break;
      case CIM_ISA_LOCUS_INPUT:
        at = inputAt[locus.index];
        break;
      case CIM_ISA_LOCUS_OUTPUT:
        at = outputAt[locus.index];
        break;
      case CIM_ISA_LOCUS_BUFFER:
        at = bufferAt[locus.index];
        break;
      case CIM_ISA_LOCUS_BLOCK:
        at = blockAt[locus.index];
        break;
      case CIM_ISA_LOCUS_INSTR:
        at = instrAt[locus.index];
        break;
      case CIM_ISA_LOCUS_PROGRAM:
        at = codeStart;
        break;
      }
      if (locus.kind == CIM_ISA_LOCUS_INSTR)
        failAt(r, at, "instruction %u (%s): %s", locus.index,
               cimIsaOpDescs[p->instrs[locus.index].opcode].name,
               cimStrBufGet(&msg));
      else if (locus.kind == CIM_ISA_LOCUS_PROGRAM ||
               locus.kind == CIM_ISA_LOCUS_TARGET)
        failAt(r, at, "%s", cimStrBufGet(&msg));
      else
        failAt(r, at, "%s %u: %s", locusName(locus.kind), locus.index,
               cimStrBufGet(&msg));
      cimStrBufFree(&msg);
      goto out;
    }
    cimStrBufFree(&msg);
  }
  ok = true;
out:
  free(inputAt);
  free(outputAt);
  free(bufferAt);
  free(blockAt);
  free(instrAt);
  return ok;
}

MlirLogicalResult cimProgramDecode(const uint8_t *bytes, size_t size,
                                   CimProgram **program,
                                   MlirStringCallback errorCallback,
                                   void *userData) {
  *program = NULL;
  CimStrBuf err = {0};
  Reader r = {bytes, 0, size, &err};
  CimProgram *p = calloc(1, sizeof *p);
  bool ok = p && decode(&r, p);
  if (!p)
    cimStrBufAppendCString(&err, "offset 0: out of memory");
  if (!ok) {
    if (!err.length)
      cimStrBufAppendCString(&err, "offset 0: cannot decode the program");
    if (errorCallback)
      errorCallback(mlirStringRefCreate(cimStrBufGet(&err), err.length),
                    userData);
    cimProgramDestroy(p);
    p = NULL;
  }
  cimStrBufFree(&err);
  *program = p;
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
