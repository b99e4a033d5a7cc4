/*===-- isa_asm.c - Text assembly: the parser -----------------------------===*
 *
 * The assembly is line-oriented (docs/isa.md, "Assembly"): directives for
 * the target, inputs, outputs, data blocks and buffers, then `.code` and one
 * instruction per line, `mnemonic operands key=value...`. The printer is
 * isa_asm_print.c; print(parse(x)) == x for every printed x. Errors carry
 * NAME:LINE:COL.
 *===----------------------------------------------------------------------===*/

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "IsaInternal.h"

/*===----------------------------------------------------------------------===*
 * Parser
 *===----------------------------------------------------------------------===*/

typedef struct Pos {
  unsigned line, col;
} Pos;

typedef struct Parser {
  const char *s;
  size_t n, i;
  unsigned line;
  size_t lineStart;
  MlirStringRef name;
  CimStrBuf err;
  CimProgram *p;
  /* capacities of the growing tables */
  uint32_t capInputs, capOutputs, capBuffers, capBlocks, capInstrs;
  uint64_t capData;
  /* positions of every entry, for verifier errors */
  Pos *inputAt, *outputAt, *bufferAt, *blockAt, *instrAt;
  Pos targetAt, fingerprintAt;
  bool haveTarget, haveFingerprint, inCode;
  uint64_t fingerprint;
} Parser;

static Pos here(const Parser *ps) {
  return (Pos){ps->line, (unsigned)(ps->i - ps->lineStart) + 1};
}

static bool errorAt(Parser *ps, Pos at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool errorAt(Parser *ps, Pos at, const char *fmt, ...) {
  if (ps->err.length)
    return false;
  cimStrBufPrintf(&ps->err, "%.*s:%u:%u: error: ", (int)ps->name.length,
                  ps->name.data, at.line, at.col);
  va_list ap;
  va_start(ap, fmt);
  cimStrBufVPrintf(&ps->err, fmt, ap);
  va_end(ap);
  return false;
}

static int peek(const Parser *ps) {
  return ps->i < ps->n ? (unsigned char)ps->s[ps->i] : -1;
}

/// Skips blanks and a comment, not the newline.
static void skipBlanks(Parser *ps) {
  for (;;) {
    int c = peek(ps);
    if (c == ' ' || c == '\t' || c == '\r') {
      ++ps->i;
    } else if (c == ';') {
      while (peek(ps) != -1 && peek(ps) != '\n')
        ++ps->i;
    } else {
      return;
    }
  }
}

static bool atLineEnd(Parser *ps) {
  skipBlanks(ps);
  return peek(ps) == '\n' || peek(ps) == -1;
}

static void nextLine(Parser *ps) {
  if (peek(ps) == '\n') {
    ++ps->i;
    ++ps->line;
    ps->lineStart = ps->i;
  }
}

/// Skips blanks, comments and newlines (inside a .data value list).
static void skipSpace(Parser *ps) {
  for (;;) {
    skipBlanks(ps);
    if (peek(ps) != '\n')
      return;
    nextLine(ps);
  }
}

static bool expectLineEnd(Parser *ps) {
  if (!atLineEnd(ps))
    return errorAt(ps, here(ps), "unexpected '%c' at the end of the line",
                   peek(ps));
  return true;
}

static bool isWordChar(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/// A run of [A-Za-z0-9_.-]; empty if none.
static MlirStringRef word(Parser *ps) {
  skipBlanks(ps);
  size_t start = ps->i;
  while (isWordChar(peek(ps)))
    ++ps->i;
  return mlirStringRefCreate(ps->s + start, ps->i - start);
}

static bool wordIs(MlirStringRef w, const char *lit) {
  return w.length == strlen(lit) && !memcmp(w.data, lit, w.length);
}

static bool expectChar(Parser *ps, char c) {
  skipBlanks(ps);
  if (peek(ps) != c)
    return errorAt(ps, here(ps), "expected '%c'", c);
  ++ps->i;
  return true;
}

/// A decimal integer with optional sign (or 0x hex when `allowHex`).
static bool integer(Parser *ps, int64_t *out, bool allowHex) {
  skipBlanks(ps);
  Pos at = here(ps);
  size_t start = ps->i;
  bool neg = false;
  if (peek(ps) == '-' || peek(ps) == '+') {
    neg = peek(ps) == '-';
    ++ps->i;
  }
  unsigned base = 10;
  if (allowHex && peek(ps) == '0' && ps->i + 1 < ps->n &&
      (ps->s[ps->i + 1] == 'x' || ps->s[ps->i + 1] == 'X')) {
    base = 16;
    ps->i += 2;
  }
  uint64_t v = 0;
  size_t digits = 0;
  bool overflow = false;
  for (;;) {
    int c = peek(ps), d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      break;
    if (v > (UINT64_MAX - (uint64_t)d) / base)
      overflow = true;
    v = v * base + (uint64_t)d;
    ++digits;
    ++ps->i;
  }
  if (!digits) {
    ps->i = start;
    return errorAt(ps, at, "expected an integer");
  }
  if (base == 16 && !neg) {
    if (overflow)
      return errorAt(ps, at, "integer out of range");
    *out = (int64_t)v;
    return true;
  }
  if (overflow || (!neg && v > (uint64_t)INT64_MAX) ||
      (neg && v > (uint64_t)INT64_MAX + 1))
    return errorAt(ps, at, "integer out of range of a signed 64-bit value");
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return true;
}

/// `PREFIX<n>` such as b3 or d0.
static bool indexed(Parser *ps, char prefix, uint32_t *out) {
  skipBlanks(ps);
  Pos at = here(ps);
  if (peek(ps) != prefix)
    return errorAt(ps, at, "expected '%c<number>'", prefix);
  ++ps->i;
  if (!(peek(ps) >= '0' && peek(ps) <= '9'))
    return errorAt(ps, at, "expected '%c<number>'", prefix);
  int64_t v;
  if (!integer(ps, &v, false))
    return false;
  if (v < 0 || v >= (int64_t)UINT32_MAX)
    return errorAt(ps, at, "index %lld is out of range", (long long)v);
  *out = (uint32_t)v;
  return true;
}

static bool tensorType(Parser *ps, CimIsaTensorType *t) {
  memset(t, 0, sizeof *t);
  skipBlanks(ps);
  Pos at = here(ps);
  int c = peek(ps);
  if (c != 'i' && c != 'u')
    return errorAt(ps, at, "expected a type such as i8[2x3]");
  ++ps->i;
  int64_t bits;
  if (!(peek(ps) >= '0' && peek(ps) <= '9'))
    return errorAt(ps, at, "expected a type such as i8[2x3]");
  if (!integer(ps, &bits, false))
    return false;
  if (bits < 1 || bits > 64)
    return errorAt(ps, at, "element width %lld is out of range [1, 64]",
                   (long long)bits);
  t->elem.bits = (uint8_t)bits;
  t->elem.isUnsigned = c == 'u';
  if (peek(ps) != '[')
    return errorAt(ps, here(ps), "expected '['");
  ++ps->i;
  unsigned rank = 0;
  while (peek(ps) != ']') {
    if (rank == CIM_ISA_MAX_RANK)
      return errorAt(ps, here(ps), "more than %d dimensions",
                     CIM_ISA_MAX_RANK);
    if (rank && peek(ps) != 'x')
      return errorAt(ps, here(ps), "expected 'x' or ']'");
    if (rank)
      ++ps->i;
    if (!(peek(ps) >= '0' && peek(ps) <= '9'))
      return errorAt(ps, here(ps), "expected a dimension");
    if (!integer(ps, &t->dims[rank], false))
      return false;
    ++rank;
  }
  ++ps->i;
  t->rank = (uint8_t)rank;
  CimStrBuf m = {0};
  bool ok = cimIsaCheckTensorType(t, &m);
  if (!ok)
    errorAt(ps, at, "%s", cimStrBufGet(&m));
  cimStrBufFree(&m);
  return ok;
}

/// Grows `*arr` (of `*cap` elements of `size` bytes) to hold `n + 1`.
static bool reserve(Parser *ps, void **arr, uint32_t *cap, uint32_t n,
                    size_t size, Pos **at) {
  if (n < *cap)
    return true;
  if (n >= UINT32_MAX - 1)
    return errorAt(ps, here(ps), "too many entries");
  uint32_t c = *cap ? (*cap > UINT32_MAX / 2 ? UINT32_MAX - 1 : *cap * 2) : 8;
  void *grown = realloc(*arr, (size_t)c * size);
  if (!grown)
    return errorAt(ps, here(ps), "out of memory");
  memset((char *)grown + (size_t)*cap * size, 0, (size_t)(c - *cap) * size);
  *arr = grown;
  Pos *g = realloc(*at, (size_t)c * sizeof **at);
  if (!g)
    return errorAt(ps, here(ps), "out of memory");
  *at = g;
  *cap = c;
  return true;
}

static bool portDirective(Parser *ps, bool isInput, Pos at) {
  CimProgram *p = ps->p;
  CimIsaPort **arr = isInput ? &p->inputs : &p->outputs;
  uint32_t *num = isInput ? &p->numInputs : &p->numOutputs;
  if (!reserve(ps, (void **)arr, isInput ? &ps->capInputs : &ps->capOutputs,
               *num, sizeof **arr, isInput ? &ps->inputAt : &ps->outputAt))
    return false;
  Pos nameAt = (skipBlanks(ps), here(ps));
  MlirStringRef name = word(ps);
  if (!cimIsaIsValidPortName(name.data, name.length))
    return errorAt(ps, nameAt, "expected a name of [A-Za-z0-9_.-]");
  CimIsaPort *port = &(*arr)[*num];
  port->name = malloc(name.length + 1);
  if (!port->name)
    return errorAt(ps, nameAt, "out of memory");
  memcpy(port->name, name.data, name.length);
  port->name[name.length] = '\0';
  (isInput ? ps->inputAt : ps->outputAt)[*num] = at;
  ++*num;
  return tensorType(ps, &port->type) && expectLineEnd(ps);
}

/// The name of the next entry of a numbered table (`d<n>` data blocks,
/// `b<n>` buffers), which must be `<prefix><count>`, after room for it.
static bool nextEntry(Parser *ps, void **arr, uint32_t *cap, uint32_t count,
                      size_t size, Pos **at, char prefix, const char *what,
                      uint32_t *id) {
  if (!reserve(ps, arr, cap, count, size, at))
    return false;
  Pos idAt = (skipBlanks(ps), here(ps));
  if (!indexed(ps, prefix, id))
    return false;
  if (*id != count)
    return errorAt(ps, idAt, "expected %c%u: %s are numbered in order", prefix,
                   count, what);
  return true;
}

static bool dataDirective(Parser *ps, Pos at) {
  CimProgram *p = ps->p;
  uint32_t id;
  if (!nextEntry(ps, (void **)&p->blocks, &ps->capBlocks, p->numBlocks,
                 sizeof *p->blocks, &ps->blockAt, 'd', "data blocks", &id))
    return false;
  skipBlanks(ps);
  Pos typeAt = here(ps);
  MlirStringRef w = word(ps);
  unsigned bytes = wordIs(w, "i8")    ? 1
                   : wordIs(w, "i16") ? 2
                   : wordIs(w, "i32") ? 4
                   : wordIs(w, "i64") ? 8
                                      : 0;
  if (!bytes)
    return errorAt(ps, typeAt, "expected i8, i16, i32 or i64");
  int64_t count;
  Pos countAt = (skipBlanks(ps), here(ps));
  if (!integer(ps, &count, false))
    return false;
  if (count < 1 || count > CIM_ISA_MAX_ELEMENTS)
    return errorAt(ps, countAt, "count %lld is out of range [1, 2^40]",
                   (long long)count);
  uint64_t need = p->dataSize + (uint64_t)count * bytes;
  if (need > ps->capData) {
    uint64_t cap = ps->capData ? ps->capData : 256;
    while (cap < need)
      cap *= 2;
    /* Do not trust the count beyond what the text could hold. */
    if (cap > (uint64_t)SIZE_MAX || (uint64_t)count > ps->n)
      return errorAt(ps, countAt, "count %lld is more than the text holds",
                     (long long)count);
    uint8_t *grown = realloc(p->data, (size_t)cap);
    if (!grown)
      return errorAt(ps, countAt, "out of memory");
    p->data = grown;
    ps->capData = cap;
  }
  int64_t lo = bytes == 8 ? INT64_MIN : -((int64_t)1 << (8 * bytes - 1));
  int64_t hi = bytes == 8 ? INT64_MAX : ((int64_t)1 << (8 * bytes - 1)) - 1;
  for (int64_t k = 0; k < count; ++k) {
    skipSpace(ps);
    Pos vAt = here(ps);
    int64_t v;
    if (peek(ps) == '.' || peek(ps) == -1)
      return errorAt(ps, vAt, "data block d%u ends after %lld of %lld values",
                     id, (long long)k, (long long)count);
    if (!integer(ps, &v, false))
      return false;
    if (v < lo || v > hi)
      return errorAt(ps, vAt, "value %lld does not fit i%u", (long long)v,
                     8 * bytes);
    cimIsaWriteLE(p->data + p->dataSize + (uint64_t)k * bytes, bytes, v);
  }
  p->blocks[id] = (CimIsaDataBlock){(uint8_t)bytes, p->dataSize,
                                    (uint64_t)count};
  p->dataSize += (uint64_t)count * bytes;
  ps->blockAt[id] = at;
  ++p->numBlocks;
  return expectLineEnd(ps);
}

static bool bufferDirective(Parser *ps, Pos at) {
  CimProgram *p = ps->p;
  uint32_t id;
  if (!nextEntry(ps, (void **)&p->buffers, &ps->capBuffers, p->numBuffers,
                 sizeof *p->buffers, &ps->bufferAt, 'b', "buffers", &id))
    return false;
  CimIsaBuffer *b = &p->buffers[id];
  b->dataBlock = CIM_ISA_NO_DATA;
  if (!tensorType(ps, &b->type))
    return false;
  ps->bufferAt[id] = at;
  ++p->numBuffers;
  skipBlanks(ps);
  if (peek(ps) == '=') {
    ++ps->i;
    if (!indexed(ps, 'd', &b->dataBlock))
      return false;
  }
  return expectLineEnd(ps);
}

static bool targetDirective(Parser *ps, Pos at) {
  if (ps->haveTarget)
    return errorAt(ps, at, "second '.target'");
  int64_t v[20];
  bool seen[20] = {false};
  while (!atLineEnd(ps)) {
    Pos keyAt = here(ps);
    MlirStringRef key = word(ps);
    int f = -1;
    for (int i = 0; i < 20 && f < 0; ++i)
      if (wordIs(key, cimIsaTargetFieldNames[i]))
        f = i;
    if (f < 0)
      return errorAt(ps, keyAt, "unknown target field '%.*s'",
                     (int)key.length, key.data);
    if (seen[f])
      return errorAt(ps, keyAt, "target field '%s' given twice",
                     cimIsaTargetFieldNames[f]);
    seen[f] = true;
    if (!expectChar(ps, '='))
      return false;
    if (cimTargetFieldGetKind(f) == CIM_TARGET_FIELD_KIND_ENUM) {
      Pos valAt = (skipBlanks(ps), here(ps));
      MlirStringRef w = word(ps);
      int e = -1;
      for (int k = 0; cimTargetFieldGetValueName(f, k) && e < 0; ++k)
        if (wordIs(w, cimTargetFieldGetValueName(f, k)))
          e = k;
      if (e < 0)
        return errorAt(ps, valAt, "unknown %s '%.*s'",
                       cimIsaTargetFieldNames[f], (int)w.length, w.data);
      v[f] = e;
    } else if (!integer(ps, &v[f], false)) {
      return false;
    }
  }
  for (int i = 0; i < 20; ++i)
    if (!seen[i])
      return errorAt(ps, at, "'.target' lacks field '%s'",
                     cimIsaTargetFieldNames[i]);
  cimIsaTargetFromArray(v, &ps->p->target);
  CimStrBuf m = {0};
  bool ok = mlirLogicalResultIsSuccess(
      cimTargetValidate(&ps->p->target, cimStrBufCallback, &m));
  if (!ok)
    errorAt(ps, at, "%s", cimStrBufGet(&m));
  cimStrBufFree(&m);
  ps->haveTarget = true;
  ps->targetAt = at;
  return ok;
}

static bool port(Parser *ps, bool isInput, int64_t *out) {
  skipBlanks(ps);
  Pos at = here(ps);
  if (peek(ps) != '@')
    return errorAt(ps, at, "expected '@%s'", isInput ? "input" : "output");
  ++ps->i;
  MlirStringRef w = word(ps);
  const CimIsaPort *ports = isInput ? ps->p->inputs : ps->p->outputs;
  uint32_t n = isInput ? ps->p->numInputs : ps->p->numOutputs;
  for (uint32_t i = 0; i < n; ++i)
    if (wordIs(w, ports[i].name)) {
      *out = i;
      return true;
    }
  return errorAt(ps, at, "no %s named '%.*s'", isInput ? "input" : "output",
                 (int)w.length, w.data);
}

static bool bufOperand(Parser *ps, uint32_t *out, bool optional) {
  skipBlanks(ps);
  if (optional && peek(ps) == '_') {
    ++ps->i;
    *out = CIM_ISA_NO_BUFFER;
    return true;
  }
  return indexed(ps, 'b', out);
}

/// One immediate's value (after its `key=`), which starts at `valAt`.
static bool fieldValue(Parser *ps, const CimIsaField *fd, Pos valAt,
                       int64_t *out) {
  switch (fd->kind) {
  case CIM_ISA_FIELD_BOOL: {
    MlirStringRef w = word(ps);
    if (wordIs(w, "true"))
      *out = 1;
    else if (wordIs(w, "false"))
      *out = 0;
    else
      return errorAt(ps, valAt, "expected true or false");
    break;
  }
  case CIM_ISA_FIELD_ENUM: {
    MlirStringRef w = word(ps);
    int e = -1;
    for (int k = 0; fd->enumNames[k] && e < 0; ++k)
      if (wordIs(w, fd->enumNames[k]))
        e = k;
    if (e < 0)
      return errorAt(ps, valAt, "unknown %s '%.*s'", fd->name,
                     (int)w.length, w.data);
    *out = e;
    break;
  }
  case CIM_ISA_FIELD_BLOCK: {
    uint32_t blk;
    if (!indexed(ps, 'd', &blk))
      return false;
    *out = blk;
    break;
  }
  default:
    if (!integer(ps, out, false))
      return false;
    break;
  }
  return true;
}

/// An instruction's operands, in the printer's order, separated by commas.
static bool operands(Parser *ps, const CimIsaOpDesc *d, CimIsaInstr *in) {
  bool first = true;
#define SEP()                                                                  \
  do {                                                                         \
    if (!first && !expectChar(ps, ','))                                        \
      return false;                                                            \
    first = false;                                                             \
  } while (0)
  for (unsigned k = 0; k < d->numImms; ++k)
    if (d->imms[k].kind == CIM_ISA_FIELD_OUTPUT) {
      SEP();
      if (!port(ps, false, &in->imm[k]))
        return false;
    }
  if (d->hasDst) {
    SEP();
    if (!bufOperand(ps, &in->dst, false))
      return false;
  }
  for (unsigned k = 0; k < d->numImms; ++k)
    if (d->imms[k].kind == CIM_ISA_FIELD_INPUT) {
      SEP();
      if (!port(ps, true, &in->imm[k]))
        return false;
    }
  for (unsigned s = 0; s < d->numSrcs; ++s) {
    SEP();
    if (!bufOperand(ps, &in->src[s], (d->optionalSrcs >> s) & 1))
      return false;
  }
#undef SEP
  return true;
}

/// An instruction's key=value immediates, any order, each exactly once.
static bool immediates(Parser *ps, const CimIsaOpDesc *d, CimIsaInstr *in,
                       Pos at) {
  bool seen[CIM_ISA_MAX_IMMS + 1] = {false};
  while (!atLineEnd(ps)) {
    Pos keyAt = here(ps);
    MlirStringRef key = word(ps);
    if (!key.length)
      return errorAt(ps, keyAt, "expected 'key=value'");
    int f = -1;
    if (wordIs(key, "layer"))
      f = CIM_ISA_MAX_IMMS;
    for (unsigned k = 0; k < d->numImms && f < 0; ++k)
      if (wordIs(key, d->imms[k].name) &&
          d->imms[k].kind != CIM_ISA_FIELD_INPUT &&
          d->imms[k].kind != CIM_ISA_FIELD_OUTPUT)
        f = (int)k;
    if (f < 0)
      return errorAt(ps, keyAt, "'%s' has no field '%.*s'", d->name,
                     (int)key.length, key.data);
    if (seen[f])
      return errorAt(ps, keyAt, "field '%.*s' given twice", (int)key.length,
                     key.data);
    seen[f] = true;
    if (!expectChar(ps, '='))
      return false;
    skipBlanks(ps);
    Pos valAt = here(ps);
    if (f == CIM_ISA_MAX_IMMS) {
      if (!integer(ps, &in->layer, false))
        return false;
      continue;
    }
    if (!fieldValue(ps, &d->imms[f], valAt, &in->imm[f]))
      return false;
  }
  for (unsigned k = 0; k < d->numImms; ++k) {
    const CimIsaField *fd = &d->imms[k];
    if (!seen[k] && fd->kind != CIM_ISA_FIELD_INPUT &&
        fd->kind != CIM_ISA_FIELD_OUTPUT)
      return errorAt(ps, at, "'%s' lacks field '%s'", d->name, fd->name);
  }
  return true;
}

static bool instruction(Parser *ps, Pos at) {
  CimProgram *p = ps->p;
  if (!reserve(ps, (void **)&p->instrs, &ps->capInstrs, p->numInstrs,
               sizeof *p->instrs, &ps->instrAt))
    return false;
  MlirStringRef m = word(ps);
  int op = -1;
  for (int k = 0; k < CIM_ISA_NUM_OPCODES && op < 0; ++k)
    if (wordIs(m, cimIsaOpDescs[k].name))
      op = k;
  if (op < 0)
    return errorAt(ps, at, "unknown instruction '%.*s'", (int)m.length,
                   m.data);
  const CimIsaOpDesc *d = &cimIsaOpDescs[op];
  CimIsaInstr *in = &p->instrs[p->numInstrs];
  memset(in, 0, sizeof *in);
  in->opcode = (CimIsaOpcode)op;
  in->layer = CIM_ISA_NO_LAYER;
  in->dst = CIM_ISA_NO_BUFFER;
  in->src[0] = in->src[1] = CIM_ISA_NO_BUFFER;
  ps->instrAt[p->numInstrs] = at;
  ++p->numInstrs;
  return operands(ps, d, in) && immediates(ps, d, in, at);
}

static bool line(Parser *ps) {
  skipBlanks(ps);
  if (atLineEnd(ps))
    return true;
  Pos at = here(ps);
  if (peek(ps) != '.') {
    if (!ps->inCode)
      return errorAt(ps, at, "instructions must follow '.code'");
    return instruction(ps, at) && expectLineEnd(ps);
  }
  MlirStringRef dir = word(ps);
  if (ps->inCode)
    return errorAt(ps, at, "'%.*s' after '.code'", (int)dir.length,
                   dir.data);
  if (wordIs(dir, ".version")) {
    int64_t v;
    Pos vAt = (skipBlanks(ps), here(ps));
    if (!integer(ps, &v, false))
      return false;
    if (v != CIM_ISA_VERSION)
      return errorAt(ps, vAt,
                     "unsupported version %lld (this parser reads version %d)",
                     (long long)v, CIM_ISA_VERSION);
    return expectLineEnd(ps);
  }
  if (wordIs(dir, ".target"))
    return targetDirective(ps, at);
  if (wordIs(dir, ".fingerprint")) {
    int64_t v;
    if (!integer(ps, &v, true))
      return false;
    ps->fingerprint = (uint64_t)v;
    ps->haveFingerprint = true;
    ps->fingerprintAt = at;
    return expectLineEnd(ps);
  }
  if (wordIs(dir, ".input"))
    return portDirective(ps, true, at);
  if (wordIs(dir, ".output"))
    return portDirective(ps, false, at);
  if (wordIs(dir, ".data"))
    return dataDirective(ps, at);
  if (wordIs(dir, ".buffer"))
    return bufferDirective(ps, at);
  if (wordIs(dir, ".code")) {
    if (!ps->haveTarget)
      return errorAt(ps, at, "'.code' before '.target'");
    ps->inCode = true;
    return expectLineEnd(ps);
  }
  return errorAt(ps, at, "unknown directive '%.*s'", (int)dir.length,
                 dir.data);
}

static bool parseAll(Parser *ps) {
  while (peek(ps) != -1) {
    if (!line(ps))
      return false;
    nextLine(ps);
  }
  if (!ps->inCode)
    return errorAt(ps, here(ps), "missing '.code'");
  CimProgram *p = ps->p;
  p->fingerprint = cimTargetGetFingerprint(&p->target);
  if (ps->haveFingerprint && ps->fingerprint != p->fingerprint)
    return errorAt(ps, ps->fingerprintAt,
                   "fingerprint 0x%016" PRIx64
                   " does not match the target's 0x%016" PRIx64,
                   ps->fingerprint, p->fingerprint);
  CimStrBuf msg = {0};
  CimIsaLocus locus;
  bool ok = cimIsaVerify(p, &locus, &msg);
  if (!ok) {
    /* The entry at fault, in the table the verifier names. */
    const Pos *entries[CIM_ISA_LOCUS_INSTR + 1] = {
        [CIM_ISA_LOCUS_INPUT] = ps->inputAt,
        [CIM_ISA_LOCUS_OUTPUT] = ps->outputAt,
        [CIM_ISA_LOCUS_BUFFER] = ps->bufferAt,
        [CIM_ISA_LOCUS_BLOCK] = ps->blockAt,
        [CIM_ISA_LOCUS_INSTR] = ps->instrAt};
    Pos at = here(ps);
    if (locus.kind == CIM_ISA_LOCUS_TARGET)
      at = ps->targetAt;
    else if (entries[locus.kind])
      at = entries[locus.kind][locus.index];
    errorAt(ps, at, "%s", cimStrBufGet(&msg));
  }
  cimStrBufFree(&msg);
  return ok;
}

MlirLogicalResult cimProgramParseAsm(MlirStringRef text,
                                     MlirStringRef sourceName,
                                     CimProgram **program,
                                     MlirStringCallback errorCallback,
                                     void *userData) {
  *program = NULL;
  Parser ps = {0};
  ps.s = text.data;
  ps.n = text.length;
  ps.line = 1;
  ps.name = sourceName;
  ps.p = calloc(1, sizeof *ps.p);
  bool ok = ps.p && parseAll(&ps);
  if (!ps.p)
    cimStrBufAppendCString(&ps.err, "out of memory");
  if (!ok) {
    if (errorCallback)
      errorCallback(mlirStringRefCreate(cimStrBufGet(&ps.err), ps.err.length),
                    userData);
    cimProgramDestroy(ps.p);
    ps.p = NULL;
  }
  free(ps.inputAt);
  free(ps.outputAt);
  free(ps.bufferAt);
  free(ps.blockAt);
  free(ps.instrAt);
  cimStrBufFree(&ps.err);
  *program = ps.p;
  return ok ? mlirLogicalResultSuccess() : mlirLogicalResultFailure();
}
