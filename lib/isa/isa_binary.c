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

/// The header's counts and section bounds, once checked against the input.
typedef struct Header {
  uint32_t numInputs, numOutputs, numBuffers, numBlocks, numInstrs;
  uint64_t codeSize, dataSize;
  size_t codeStart, dataStart;
} Header;

/// Where each table entry starts in the input, so that an error found by the
/// verifier points at the bytes that hold it.
typedef struct EntryOffsets {
  size_t *input, *output, *buffer, *block, *instr;
} EntryOffsets;

/// The magic, written as a C string literal for the message.
static bool badMagic(Reader *r) {
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

/// The embedded target: valid, and hashing to the header's fingerprint.
static bool decodeTarget(Reader *r, CimProgram *p) {
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
  return true;
}

/// The fixed header: magic, version, flags, target, counts and the section
/// sizes, which must add up to the input's size.
static bool decodeHeader(Reader *r, CimProgram *p, Header *h) {
  size_t size = r->end;
  if (size < 4)
    return need(r, HEADER_SIZE, "header");
  if (memcmp(r->bytes, CIM_ISA_MAGIC, 4) != 0)
    return badMagic(r);
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
  if (!decodeTarget(r, p))
    return false;
  h->numInputs = (uint32_t)get(r, 4);
  h->numOutputs = (uint32_t)get(r, 4);
  h->numBuffers = (uint32_t)get(r, 4);
  h->numBlocks = (uint32_t)get(r, 4);
  h->numInstrs = (uint32_t)get(r, 4);
  if (get(r, 4) != 0)
    return failAt(r, OFF_RESERVED, "reserved field must be 0");
  h->codeSize = get(r, 8);
  h->dataSize = get(r, 8);
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
  if (h->codeSize > rest || h->dataSize > rest - h->codeSize)
    return failAt(r, OFF_CODE_SIZE,
                  "code size %" PRIu64 " and data size %" PRIu64
                  " exceed the %zu bytes after the header",
                  h->codeSize, h->dataSize, rest);
  h->codeStart = size - (size_t)h->dataSize - (size_t)h->codeSize;
  h->dataStart = size - (size_t)h->dataSize;
  return true;
}

/// An offsets array of count + 1 entries; null after an error.
static size_t *allocOffsets(Reader *r, uint32_t count) {
  size_t *at = calloc((size_t)count + 1, sizeof *at);
  if (!at)
    failAt(r, r->pos, "out of memory");
  return at;
}

/// The input or output table: `count` ports into *ports.
static bool decodePorts(Reader *r, uint32_t count, size_t countOffset,
                        const char *table, const char *entry,
                        CimIsaPort **ports, uint32_t *num, size_t **at) {
  *ports = allocTable(r, count, 5, sizeof **ports, countOffset, table);
  if (count && !*ports)
    return false;
  *num = count;
  if (!(*at = allocOffsets(r, count)))
    return false;
  for (uint32_t i = 0; i < count; ++i) {
    (*at)[i] = r->pos;
    if (!getPort(r, &(*ports)[i], entry))
      return false;
  }
  return true;
}

static bool decodeBuffers(Reader *r, CimProgram *p, const Header *h,
                          size_t **at) {
  p->buffers = allocTable(r, h->numBuffers, 7, sizeof *p->buffers,
                          OFF_COUNTS + 8, "buffers");
  if (h->numBuffers && !p->buffers)
    return false;
  p->numBuffers = h->numBuffers;
  if (!(*at = allocOffsets(r, h->numBuffers)))
    return false;
  for (uint32_t i = 0; i < h->numBuffers; ++i) {
    (*at)[i] = r->pos;
    if (!getType(r, &p->buffers[i].type, "buffer table entry") ||
        !need(r, 4, "buffer table entry"))
      return false;
    size_t pos = r->pos;
    p->buffers[i].dataBlock = (uint32_t)get(r, 4);
    if (p->buffers[i].dataBlock != CIM_ISA_NO_DATA &&
        p->buffers[i].dataBlock >= h->numBlocks)
      return failAt(r, pos,
                    "buffer b%u: data block d%u does not exist (%u blocks)",
                    i, p->buffers[i].dataBlock, h->numBlocks);
  }
  return true;
}

static bool decodeBlocks(Reader *r, CimProgram *p, const Header *h,
                         size_t **at) {
  p->blocks = allocTable(r, h->numBlocks, BLOCK_ENTRY, sizeof *p->blocks,
                         OFF_COUNTS + 12, "data blocks");
  if (h->numBlocks && !p->blocks)
    return false;
  p->numBlocks = h->numBlocks;
  if (!(*at = allocOffsets(r, h->numBlocks)))
    return false;
  for (uint32_t i = 0; i < h->numBlocks; ++i) {
    (*at)[i] = r->pos;
    if (!need(r, BLOCK_ENTRY, "data block table entry"))
      return false;
    p->blocks[i].elemBytes = (uint8_t)get(r, 1);
    p->blocks[i].offset = get(r, 8);
    p->blocks[i].count = get(r, 8);
  }
  return true;
}

/// The tables: [HEADER_SIZE, codeStart).
static bool decodeTables(Reader *r, CimProgram *p, const Header *h,
                         EntryOffsets *at) {
  r->end = h->codeStart;
  if (!decodePorts(r, h->numInputs, OFF_COUNTS, "inputs", "input table entry",
                   &p->inputs, &p->numInputs, &at->input) ||
      !decodePorts(r, h->numOutputs, OFF_COUNTS + 4, "outputs",
                   "output table entry", &p->outputs, &p->numOutputs,
                   &at->output) ||
      !decodeBuffers(r, p, h, &at->buffer) ||
      !decodeBlocks(r, p, h, &at->block))
    return false;
  if (r->pos != h->codeStart)
    return failAt(r, r->pos,
                  "%zu bytes between the tables and the code section (the "
                  "section sizes in the header do not match the tables)",
                  h->codeStart - r->pos);
  return true;
}

/// One instruction at r->pos: its fixed part checked against the opcode
/// table, then its sources and immediates.
static bool decodeInstr(Reader *r, uint32_t i, CimIsaInstr *in) {
  size_t at = r->pos;
  if (!need(r, INSTR_FIXED, "code section"))
    return false;
  uint64_t opcode = get(r, 1), numSrcs = get(r, 1), numImms = get(r, 1);
  uint64_t reserved = get(r, 1);
  if (opcode >= CIM_ISA_NUM_OPCODES)
    return failAt(r, at, "instruction %u: unknown opcode %llu", i,
                  (unsigned long long)opcode);
  const CimIsaOpDesc *d = &cimIsaOpDescs[opcode];
  if (numSrcs != d->numSrcs || numImms != d->numImms)
    return failAt(r, at + 1,
                  "instruction %u (%s): %llu sources and %llu immediates; "
                  "the opcode has %u and %u",
                  i, d->name, (unsigned long long)numSrcs,
                  (unsigned long long)numImms, d->numSrcs, d->numImms);
  if (reserved != 0)
    return failAt(r, at + 3, "instruction %u: reserved byte must be 0", i);
  in->opcode = (CimIsaOpcode)opcode;
  in->layer = (int32_t)(uint32_t)get(r, 4);
  in->dst = (uint32_t)get(r, 4);
  in->src[0] = in->src[1] = CIM_ISA_NO_BUFFER;
  if (!need(r, 4u * d->numSrcs + 8u * d->numImms, "code section"))
    return false;
  for (unsigned s = 0; s < d->numSrcs; ++s)
    in->src[s] = (uint32_t)get(r, 4);
  for (unsigned k = 0; k < d->numImms; ++k)
    in->imm[k] = (int64_t)get(r, 8);
  return true;
}

/// The code section: [codeStart, dataStart).
static bool decodeCode(Reader *r, CimProgram *p, const Header *h,
                       size_t **at) {
  r->end = h->dataStart;
  if ((uint64_t)h->numInstrs * INSTR_FIXED > h->codeSize)
    return failAt(r, OFF_COUNTS + 16,
                  "%u instructions need at least %llu bytes; the code "
                  "section has %" PRIu64,
                  h->numInstrs,
                  (unsigned long long)h->numInstrs * INSTR_FIXED,
                  h->codeSize);
  p->instrs = calloc(h->numInstrs ? h->numInstrs : 1, sizeof *p->instrs);
  *at = calloc((size_t)h->numInstrs + 1, sizeof **at);
  if (!p->instrs || !*at)
    return failAt(r, OFF_COUNTS + 16, "out of memory");
  p->numInstrs = h->numInstrs;
  for (uint32_t i = 0; i < h->numInstrs; ++i) {
    (*at)[i] = r->pos;
    if (!decodeInstr(r, i, &p->instrs[i]))
      return false;
  }
  if (r->pos != h->dataStart)
    return failAt(r, r->pos,
                  "%zu bytes after the last instruction in the code section",
                  h->dataStart - r->pos);
  return true;
}

/// The data section: [dataStart, size), copied.
static bool decodeData(Reader *r, CimProgram *p, const Header *h) {
  p->dataSize = h->dataSize;
  p->data = malloc(h->dataSize ? (size_t)h->dataSize : 1);
  if (!p->data)
    return failAt(r, h->dataStart, "out of memory");
  if (h->dataSize)
    memcpy(p->data, r->bytes + h->dataStart, (size_t)h->dataSize);
  return true;
}

/// Everything the tables refer to (cimIsaVerify), reported at the offset of
/// the entry at fault.
static bool verifyDecoded(Reader *r, CimProgram *p, const Header *h,
                          const EntryOffsets *at) {
  CimStrBuf msg = {0};
  CimIsaLocus locus;
  if (cimIsaVerify(p, &locus, &msg)) {
    cimStrBufFree(&msg);
    return true;
  }
  /* The entry at fault, in the table the verifier names. */
  const size_t *entries[CIM_ISA_LOCUS_INSTR + 1] = {
      [CIM_ISA_LOCUS_INPUT] = at->input,
      [CIM_ISA_LOCUS_OUTPUT] = at->output,
      [CIM_ISA_LOCUS_BUFFER] = at->buffer,
      [CIM_ISA_LOCUS_BLOCK] = at->block,
      [CIM_ISA_LOCUS_INSTR] = at->instr};
  size_t off = h->codeStart; /* CIM_ISA_LOCUS_PROGRAM */
  if (locus.kind == CIM_ISA_LOCUS_TARGET)
    off = OFF_TARGET;
  else if (entries[locus.kind])
    off = entries[locus.kind][locus.index];
  if (locus.kind == CIM_ISA_LOCUS_INSTR)
    failAt(r, off, "instruction %u (%s): %s", locus.index,
           cimIsaOpDescs[p->instrs[locus.index].opcode].name,
           cimStrBufGet(&msg));
  else if (locus.kind == CIM_ISA_LOCUS_PROGRAM ||
           locus.kind == CIM_ISA_LOCUS_TARGET)
    failAt(r, off, "%s", cimStrBufGet(&msg));
  else
    failAt(r, off, "%s %u: %s", locusName(locus.kind), locus.index,
           cimStrBufGet(&msg));
  cimStrBufFree(&msg);
  return false;
}

static bool decode(Reader *r, CimProgram *p) {
  Header h = {0};
  if (!decodeHeader(r, p, &h))
    return false;
  EntryOffsets at = {0};
  bool ok = decodeTables(r, p, &h, &at) && decodeCode(r, p, &h, &at.instr) &&
            decodeData(r, p, &h) && verifyDecoded(r, p, &h, &at);
  free(at.input);
  free(at.output);
  free(at.buffer);
  free(at.block);
  free(at.instr);
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
