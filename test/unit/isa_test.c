#define _POSIX_C_SOURCE 200809L
/*===-- isa_test.c - Check suite for the ISA: encoding, decoding, assembly -===*
 *
 * Golden bytes and offsets below are derived by hand from the layout in
 * docs/isa.md (the derivation is written next to each check), not taken from
 * the encoder's output. The mutation test flips, truncates and extends every
 * byte of valid programs and applies seeded random mutations; each decode
 * must fail with an "offset N: ..." message or succeed with a program that
 * verifies, re-encodes and prints. Run under ASan (make check-asan) it is the
 * fuzz test of the decoder.
 *===----------------------------------------------------------------------===*/

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "cim-c/Isa.h"
#include "cim-c/Target.h"
#include "cim-c/Tooling.h"
#include "mlir-c/IR.h"

static char message[1024];

static void capture(MlirStringRef s, void *userData) {
  (void)userData;
  snprintf(message, sizeof message, "%.*s", (int)s.length, s.data);
}

static void append(MlirStringRef s, void *userData) {
  char **buf = userData;
  size_t old = *buf ? strlen(*buf) : 0;
  char *g = realloc(*buf, old + s.length + 1);
  ck_assert_ptr_nonnull(g);
  memcpy(g + old, s.data, s.length);
  g[old + s.length] = '\0';
  *buf = g;
}

static char *readFile(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(buf);
  ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  *size = (size_t)n;
  return buf;
}

#define INPUTS CIM_SOURCE_DIR "/test/tools/cim-translate/Inputs/"

static CimProgram *parseAsmFile(const char *path) {
  size_t n;
  char *text = readFile(path, &n);
  CimProgram *p = NULL;
  message[0] = '\0';
  MlirLogicalResult r = cimProgramParseAsm(
      mlirStringRefCreate(text, n), mlirStringRefCreateFromCString(path), &p,
      capture, NULL);
  free(text);
  ck_assert_msg(mlirLogicalResultIsSuccess(r), "parse failed: %s", message);
  return p;
}

static char *printAsm(const CimProgram *p) {
  char *text = NULL;
  cimProgramPrintAsm(p, append, &text);
  ck_assert_ptr_nonnull(text);
  return text;
}

static void encode(const CimProgram *p, uint8_t **bytes, size_t *size) {
  message[0] = '\0';
  ck_assert_msg(mlirLogicalResultIsSuccess(
                    cimProgramEncode(p, bytes, size, capture, NULL)),
                "encode failed: %s", message);
}

static bool decode(const uint8_t *bytes, size_t size, CimProgram **p) {
  message[0] = '\0';
  return mlirLogicalResultIsSuccess(
      cimProgramDecode(bytes, size, p, capture, NULL));
}

static bool typesEqual(const CimIsaTensorType *a, const CimIsaTensorType *b) {
  return a->elem.bits == b->elem.bits &&
         a->elem.isUnsigned == b->elem.isUnsigned && a->rank == b->rank &&
         !memcmp(a->dims, b->dims, sizeof a->dims);
}

/* Field-by-field equality (structs have padding, so no memcmp of them). */
static void assertProgramsEqual(const CimProgram *a, const CimProgram *b) {
  ck_assert(cimTargetEqual(&a->target, &b->target));
  ck_assert_uint_eq(a->fingerprint, b->fingerprint);
  ck_assert_uint_eq(a->numInputs, b->numInputs);
  ck_assert_uint_eq(a->numOutputs, b->numOutputs);
  for (uint32_t i = 0; i < a->numInputs; ++i) {
    ck_assert_str_eq(a->inputs[i].name, b->inputs[i].name);
    ck_assert(typesEqual(&a->inputs[i].type, &b->inputs[i].type));
  }
  for (uint32_t i = 0; i < a->numOutputs; ++i) {
    ck_assert_str_eq(a->outputs[i].name, b->outputs[i].name);
    ck_assert(typesEqual(&a->outputs[i].type, &b->outputs[i].type));
  }
  ck_assert_uint_eq(a->numBuffers, b->numBuffers);
  for (uint32_t i = 0; i < a->numBuffers; ++i) {
    ck_assert(typesEqual(&a->buffers[i].type, &b->buffers[i].type));
    ck_assert_uint_eq(a->buffers[i].dataBlock, b->buffers[i].dataBlock);
  }
  ck_assert_uint_eq(a->numBlocks, b->numBlocks);
  for (uint32_t i = 0; i < a->numBlocks; ++i) {
    ck_assert_uint_eq(a->blocks[i].elemBytes, b->blocks[i].elemBytes);
    ck_assert_uint_eq(a->blocks[i].count, b->blocks[i].count);
    for (uint64_t k = 0; k < a->blocks[i].count; ++k)
      ck_assert_int_eq(cimProgramGetDataValue(a, i, k),
                       cimProgramGetDataValue(b, i, k));
  }
  ck_assert_uint_eq(a->numInstrs, b->numInstrs);
  for (uint32_t i = 0; i < a->numInstrs; ++i) {
    const CimIsaInstr *x = &a->instrs[i], *y = &b->instrs[i];
    ck_assert_int_eq(x->opcode, y->opcode);
    ck_assert_int_eq(x->layer, y->layer);
    ck_assert_uint_eq(x->dst, y->dst);
    ck_assert_uint_eq(x->src[0], y->src[0]);
    ck_assert_uint_eq(x->src[1], y->src[1]);
    for (int k = 0; k < CIM_ISA_MAX_IMMS; ++k)
      ck_assert_int_eq(x->imm[k], y->imm[k]);
  }
}

/*===----------------------------------------------------------------------===*
 * A small program built by hand (no parser, no emitter)
 *===----------------------------------------------------------------------===*/

/* Inputs "a" i8[2]; output "r" i8[2]; b0 i8[2] scratch, b1 i8[2] = d0;
 * d0: 2 one-byte values {7, -3}; code: load b0,@a; store @r,b0; halt. */
static CimProgram *makeSmall(void) {
  CimProgram *p = calloc(1, sizeof *p);
  ck_assert_ptr_nonnull(p);
  p->target = cimTargetGetDefault();
  p->fingerprint = cimTargetGetFingerprint(&p->target);
  CimIsaTensorType t = {{8, false}, 1, {2}};
  p->numInputs = p->numOutputs = 1;
  p->inputs = calloc(1, sizeof *p->inputs);
  p->outputs = calloc(1, sizeof *p->outputs);
  p->inputs[0].name = strdup("a");
  p->outputs[0].name = strdup("r");
  p->inputs[0].type = p->outputs[0].type = t;
  p->numBuffers = 2;
  p->buffers = calloc(2, sizeof *p->buffers);
  p->buffers[0] = (CimIsaBuffer){t, CIM_ISA_NO_DATA};
  p->buffers[1] = (CimIsaBuffer){t, 0};
  p->numBlocks = 1;
  p->blocks = calloc(1, sizeof *p->blocks);
  p->blocks[0] = (CimIsaDataBlock){1, 0, 2};
  p->dataSize = 2;
  p->data = malloc(2);
  p->data[0] = 7;
  p->data[1] = (uint8_t)-3;
  p->numInstrs = 3;
  p->instrs = calloc(3, sizeof *p->instrs);
  for (int i = 0; i < 3; ++i) {
    p->instrs[i].layer = CIM_ISA_NO_LAYER;
    p->instrs[i].dst = CIM_ISA_NO_BUFFER;
    p->instrs[i].src[0] = p->instrs[i].src[1] = CIM_ISA_NO_BUFFER;
  }
  p->instrs[0].opcode = CIM_ISA_LOAD;
  p->instrs[0].dst = 0;
  p->instrs[1].opcode = CIM_ISA_STORE;
  p->instrs[1].src[0] = 0;
  p->instrs[2].opcode = CIM_ISA_HALT;
  return p;
}

/* Layout of makeSmall's binary, by hand from docs/isa.md:
 *   header                                   [0, 224)
 *   input "a": 1 len + 1 name + 3 type + 8 dim = 13      [224, 237)
 *   output "r": 13                            [237, 250)
 *   b0: 3 type + 8 dim + 4 block = 15          [250, 265)
 *   b1: 15                                    [265, 280)
 *   d0: 1 + 8 + 8 = 17                         [280, 297)
 *   load: 12 fixed + 1 imm * 8 = 20            [297, 317)
 *   store: 12 + 1 src * 4 + 1 imm * 8 = 24     [317, 341)
 *   halt: 12                                  [341, 353)
 *   data: 2                                   [353, 355)
 * code size 20 + 24 + 12 = 56, data size 2, total 355 = 0x163. */
START_TEST(test_golden_bytes) {
  CimProgram *p = makeSmall();
  uint8_t *b;
  size_t n;
  encode(p, &b, &n);
  ck_assert_uint_eq(n, 355);
  ck_assert(!memcmp(b, "CIMB", 4));
  ck_assert_uint_eq(b[4], 1); /* version 1, little-endian u16 */
  ck_assert_uint_eq(b[5], 0);
  uint64_t fp = 0;
  for (int i = 0; i < 8; ++i)
    fp |= (uint64_t)b[8 + i] << (8 * i);
  ck_assert_uint_eq(fp, cimTargetGetFingerprint(&p->target));
  ck_assert_uint_eq(b[16], 0); /* rows = 264 = 0x100 */
  ck_assert_uint_eq(b[17], 1);
  ck_assert_uint_eq(b[16 + 2 * 8], 4); /* cell_bits */
  ck_assert_uint_eq(b[176], 1);        /* inputs */
  ck_assert_uint_eq(b[180], 1);        /* outputs */
  ck_assert_uint_eq(b[184], 2);        /* buffers */
  ck_assert_uint_eq(b[188], 1);        /* blocks */
  ck_assert_uint_eq(b[192], 3);        /* instructions */
  ck_assert_uint_eq(b[200], 56);       /* code size */
  ck_assert_uint_eq(b[208], 2);        /* data size */
  ck_assert_uint_eq(b[216], 0x63);     /* total size 355 */
  ck_assert_uint_eq(b[217], 0x01);
  ck_assert_uint_eq(b[224], 1);        /* name length */
  ck_assert_uint_eq(b[225], 'a');
  ck_assert_uint_eq(b[226], 8); /* bits */
  ck_assert_uint_eq(b[227], 0); /* signed */
  ck_assert_uint_eq(b[228], 1); /* rank */
  ck_assert_uint_eq(b[229], 2); /* dim 0 */
  ck_assert_uint_eq(b[238], 'r');
  /* b1's data block index at 265 + 11 */
  ck_assert_uint_eq(b[276], 0);
  ck_assert_uint_eq(b[261], 0xff); /* b0: CIM_ISA_NO_DATA */
  ck_assert_uint_eq(b[280], 1);    /* d0: 1-byte elements */
  ck_assert_uint_eq(b[289], 2);    /* d0 count */
  ck_assert_uint_eq(b[297], 1);    /* LOAD */
  ck_assert_uint_eq(b[298], 0);    /* no sources */
  ck_assert_uint_eq(b[299], 1);    /* one immediate */
  ck_assert_uint_eq(b[301], 0xff); /* layer -1 */
  ck_assert_uint_eq(b[305], 0);    /* dst b0 */
  ck_assert_uint_eq(b[317], 2);    /* STORE */
  ck_assert_uint_eq(b[325], 0xff); /* no dst */
  ck_assert_uint_eq(b[329], 0);    /* src b0 */
  ck_assert_uint_eq(b[341], 0);    /* HALT */
  ck_assert_uint_eq(b[353], 7);
  ck_assert_uint_eq(b[354], 0xfd); /* -3 */

  CimProgram *q = NULL;
  ck_assert_msg(decode(b, n, &q), "%s", message);
  assertProgramsEqual(p, q);
  ck_assert_int_eq(cimProgramGetDataValue(q, 0, 1), -3);
  cimProgramDestroy(q);
  free(b);
  cimProgramDestroy(p);
}
END_TEST

/* Decodes a mutated copy of the small program; expects the message. */
static void expectError(size_t cut, size_t at, uint8_t value, size_t length,
                        const char *expected) {
  CimProgram *p = makeSmall();
  uint8_t *b;
  size_t n;
  encode(p, &b, &n);
  cimProgramDestroy(p);
  if (at < n)
    for (size_t i = 0; i < length; ++i)
      b[at + i] = i ? 0 : value;
  CimProgram *q = NULL;
  ck_assert(!decode(b, cut ? cut : n, &q));
  ck_assert_ptr_null(q);
  ck_assert_msg(strstr(message, expected) != NULL, "got '%s', expected '%s'",
                message, expected);
  free(b);
}

START_TEST(test_decoder_errors) {
  expectError(100, SIZE_MAX, 0, 0,
              "offset 0: truncated header: needs 224 bytes, 100 left");
  expectError(3, SIZE_MAX, 0, 0, "offset 0: truncated header");
  expectError(0, 0, 'X', 1, "offset 0: bad magic 'XIMB'");
  expectError(0, 4, 2, 1, "offset 4: unsupported version 2");
  expectError(0, 6, 1, 1, "offset 6: flags must be 0");
  expectError(0, 8, 0, 1, "offset 8: fingerprint mismatch");
  /* rows = 0 (the 8 bytes at 16) */
  expectError(0, 16, 0, 8, "offset 16: target: field 'rows': 0 is out of range");
  /* one byte short */
  expectError(354, SIZE_MAX, 0, 0,
              "offset 216: truncated program: the header announces 355 "
              "bytes, the input has 354");
  expectError(0, 196, 1, 1, "offset 196: reserved field must be 0");
  expectError(0, 297, 99, 1, "offset 297: instruction 0: unknown opcode 99");
  expectError(0, 299, 2, 1, "offset 298: instruction 0 (load): 0 sources "
                            "and 2 immediates; the opcode has 0 and 1");
  /* load's dst (4 bytes at 305) = 5 */
  expectError(0, 305, 5, 4,
              "offset 297: instruction 0 (load): destination b5 does not "
              "exist (2 buffers)");
  /* store's src at 329 = 9 */
  expectError(0, 329, 9, 4, "offset 317: instruction 1 (store): source b9");
  /* load's input index (8 bytes at 309) = 3 */
  expectError(0, 309, 3, 8, "offset 297: instruction 0 (load): 'input' = 3");
  /* d0's offset (8 bytes at 281) = 5: bytes [5, 7) of a 2-byte section */
  expectError(0, 281, 5, 8,
              "offset 280: data block 0: bytes [5, 7) lie outside the "
              "2-byte data section");
  /* d0's element size 3 */
  expectError(0, 280, 3, 1, "offset 280: data block 0: element size 3");
  /* b1's block (4 bytes at 276) = 4 */
  expectError(0, 276, 4, 4,
              "offset 276: buffer b1: data block d4 does not exist");
  /* input rank 9 at 228 */
  expectError(0, 228, 9, 1, "offset 228: input table entry: rank 9");
  /* input name with a space */
  expectError(0, 225, ' ', 1, "offset 224: input table entry: the name");
  /* halt replaced by barrier: the program does not end with halt */
  expectError(0, 341, 3, 1, "the program does not end with 'halt'");
  /* load replaced by sched (opcode 22): sched has 0 sources and 3
   * immediates (chunk_rows, start, crossbar), the load's bytes say 0 and 1 */
  expectError(0, 297, 22, 1, "offset 298: instruction 0 (sched): 0 sources "
                             "and 1 immediates; the opcode has 0 and 3");
  /* load replaced by halt (same operand counts do not match: 0 imms) */
  expectError(0, 297, 0, 1, "offset 298: instruction 0 (halt)");
  /* data size 3: the tables would end one byte earlier, inside d0 */
  expectError(0, 208, 3, 1,
              "offset 188: 1 data blocks need at least 17 bytes, only 16 are "
              "left before the code section");
}
END_TEST

START_TEST(test_trailing_and_count_limits) {
  CimProgram *p = makeSmall();
  uint8_t *b;
  size_t n;
  encode(p, &b, &n);
  cimProgramDestroy(p);
  uint8_t *longer = malloc(n + 1);
  memcpy(longer, b, n);
  longer[n] = 0;
  CimProgram *q = NULL;
  /* One more byte than the header announces. */
  ck_assert(!decode(longer, n + 1, &q));
  ck_assert_msg(strstr(message, "offset 355: 1 bytes after the end of the "
                               "program (the header announces 355 bytes)") !=
                    NULL,
                "%s", message);
  /* Total size consistent but a code size of 55 (byte 200): the tables
   * (ending at 297) are followed by 1 byte before the code, now at 298. */
  b[200] = 55;
  ck_assert(!decode(b, n, &q));
  ck_assert_msg(strstr(message, "offset 297: 1 bytes between the tables and "
                               "the code section") != NULL,
                "%s", message);
  b[200] = 56;
  /* A huge buffer count must be refused before allocating. */
  b[184] = 0xff;
  b[185] = 0xff;
  b[186] = 0xff;
  b[187] = 0x7f;
  ck_assert(!decode(b, n, &q));
  ck_assert_msg(strstr(message, "offset 184: 2147483647 buffers need at least") != NULL,
                "%s", message);
  free(longer);
  free(b);
}
END_TEST

/*===----------------------------------------------------------------------===*
 * Every instruction kind, through binary and assembly
 *===----------------------------------------------------------------------===*/

/// Binary and assembly round trips of `p` give the same program, text and
/// bytes; the text contains `mustContain` (if not NULL). Frees `p`.
static void checkRoundTrips(CimProgram *p, const char *mustContain) {
  uint8_t *b;
  size_t n;
  encode(p, &b, &n);
  CimProgram *q = NULL;
  ck_assert_msg(decode(b, n, &q), "%s", message);
  assertProgramsEqual(p, q);
  char *t1 = printAsm(p), *t2 = printAsm(q);
  ck_assert_str_eq(t1, t2);

  if (mustContain)
    ck_assert_ptr_nonnull(strstr(t1, mustContain));
  CimProgram *r = NULL;
  ck_assert(mlirLogicalResultIsSuccess(cimProgramParseAsm(
      mlirStringRefCreateFromCString(t1), mlirStringRefCreateFromCString("t"),
      &r, capture, NULL)));
  assertProgramsEqual(p, r);
  uint8_t *b2;
  size_t n2;
  encode(r, &b2, &n2);
  ck_assert_uint_eq(n, n2);
  ck_assert(!memcmp(b, b2, n));
  free(b2);
  free(t1);
  free(t2);
  free(b);
  cimProgramDestroy(r);
  cimProgramDestroy(q);
  cimProgramDestroy(p);
}

START_TEST(test_every_instruction_round_trips) {
  CimProgram *p = parseAsmFile(INPUTS "all-instructions.s");
  bool seen[CIM_ISA_NUM_OPCODES] = {false};
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    seen[p->instrs[i].opcode] = true;
  for (int k = 0; k < CIM_ISA_NUM_OPCODES; ++k)
    ck_assert_msg(seen[k], "opcode %s missing from all-instructions.s",
                  cimIsaOpcodeGetName((CimIsaOpcode)k));
  /* Named views and imm[] are the same storage. Instruction 6 is the
   * mvm's sched: chunk_rows=1 start=d14 crossbar=d15. */
  ck_assert_int_eq(p->instrs[6].opcode, CIM_ISA_SCHED);
  ck_assert_int_eq(p->instrs[6].sched.chunkRows, 1);
  ck_assert_int_eq(p->instrs[6].sched.start, 14);
  ck_assert_int_eq(p->instrs[6].imm[2], 15);
  ck_assert_int_eq(p->instrs[7].opcode, CIM_ISA_MVM);
  ck_assert_int_eq(p->instrs[7].mvm.tileCols, 8);
  ck_assert_int_eq(p->instrs[7].imm[4], 8);
  ck_assert_int_eq(p->instrs[8].adc.bits, 4);
  ck_assert_int_eq(p->instrs[8].adc.isSigned, 0);
  ck_assert_int_eq(p->instrs[11].im2col.padValue, -1);
  ck_assert_int_eq(p->instrs[23].src[1], CIM_ISA_NO_BUFFER);
  ck_assert_int_eq(p->instrs[23].layer, 5);
  /* sched counts nothing. */
  CimEventCounts none = {0};
  ck_assert(mlirLogicalResultIsSuccess(
      cimProgramAddInstrCounts(p, 6, &none, capture, NULL)));
  ck_assert_int_eq(none.writes + none.cellsWritten + none.mvmCycles +
                       none.rowActivations + none.adcConversions +
                       none.digitalOps + none.bufferAccesses,
                   0);

  checkRoundTrips(p, NULL);
}
END_TEST

START_TEST(test_asm_errors) {
  static const struct {
    const char *text, *expected;
  } cases[] = {
      {".code\n", "t:1:1: error: '.code' before '.target'"},
      {"halt\n", "t:1:1: error: instructions must follow '.code'"},
      {".version 2\n", "t:1:10: error: unsupported version 2"},
      {".target rows=1\n", "t:1:1: error: '.target' lacks field 'cols'"},
      {".bogus\n", "t:1:1: error: unknown directive '.bogus'"},
      {".buffer b1 i8[2]\n", "t:1:9: error: expected b0"},
      {".buffer b0 i8[2x0]\n", "t:1:12: error: dimension 1 is 0"},
      {".buffer b0 i65[2]\n", "t:1:12: error: element width 65"},
      {".data d0 i8 3\n 1 2\n", "t:3:1: error: data block d0 ends after 2 of 3"},
      {".data d0 i8 1\n 300\n", "t:2:2: error: value 300 does not fit i8"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    CimProgram *p = NULL;
    message[0] = '\0';
    ck_assert(mlirLogicalResultIsFailure(cimProgramParseAsm(
        mlirStringRefCreateFromCString(cases[i].text),
        mlirStringRefCreateFromCString("t"), &p, capture, NULL)));
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(message, cases[i].expected) != NULL,
                  "case %zu: got '%s', expected '%s'", i, message,
                  cases[i].expected);
  }
  /* Semantic errors point at the instruction's line. */
  size_t n;
  char *text = readFile(INPUTS "all-instructions.s", &n);
  char *mvm = strstr(text, "tile_cols=8");
  ck_assert_ptr_nonnull(mvm);
  mvm[10] = '7';
  CimProgram *p = NULL;
  ck_assert(mlirLogicalResultIsFailure(cimProgramParseAsm(
      mlirStringRefCreate(text, n), mlirStringRefCreateFromCString("t"), &p,
      capture, NULL)));
  ck_assert_msg(strstr(message, ":3: error: sums have 8 columns, the tile 7") !=
                    NULL,
                "%s", message);
  free(text);
}
END_TEST

/*===----------------------------------------------------------------------===*
 * Verifier rules on hand-built programs
 *===----------------------------------------------------------------------===*/

/* Removes the sched instructions: the sequential schedule of the same
 * program (its blocks stay). all-instructions.s then has write 3,
 * bitplane 4, mvm 5. */
static void unschedule(CimProgram *p) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    if (p->instrs[i].opcode != CIM_ISA_SCHED)
      p->instrs[k++] = p->instrs[i];
  p->numInstrs = k;
}

START_TEST(test_verifier_rules) {
  CimProgram *p = parseAsmFile(INPUTS "all-instructions.s");
  unschedule(p);
  ck_assert_int_eq(p->instrs[5].opcode, CIM_ISA_MVM);
  /* mvm whose tile region was overwritten by a later write */
  CimIsaInstr saved = p->instrs[4];
  p->instrs[4] = p->instrs[3]; /* a second write of the same cells ... */
  p->instrs[4].write.row = 3;  /* ... one row lower: overlaps the tile */
  message[0] = '\0';
  ck_assert(mlirLogicalResultIsFailure(cimProgramVerify(p, capture, NULL)));
  ck_assert_msg(strstr(message, "instruction 5 (mvm): crossbar 1 holds no "
                                "tile at rows [2, 5)") != NULL,
                "%s", message);
  p->instrs[4] = saved;
  /* destination that is a constant */
  uint32_t dst = p->instrs[4].dst;
  p->instrs[4].dst = 2;
  ck_assert(mlirLogicalResultIsFailure(cimProgramVerify(p, capture, NULL)));
  ck_assert_msg(strstr(message, "instruction 4 (bitplane): destination b2 is "
                                "a constant") != NULL,
                "%s", message);
  /* source equal to destination */
  p->instrs[4].dst = p->instrs[4].src[0];
  ck_assert(mlirLogicalResultIsFailure(cimProgramVerify(p, capture, NULL)));
  ck_assert_msg(strstr(message, "is both source and destination") != NULL,
                "%s", message);
  p->instrs[4].dst = dst;
  /* crossbar region outside the 8x8 target: row 2 + 3 rows > 8 at row 6 */
  p->instrs[3].write.row = 6;
  ck_assert(mlirLogicalResultIsFailure(cimProgramVerify(p, capture, NULL)));
  ck_assert_msg(strstr(message, "instruction 3 (write): region rows [6, 9)") !=
                    NULL,
                "%s", message);
  p->instrs[3].write.row = 2;
  ck_assert(mlirLogicalResultIsSuccess(cimProgramVerify(p, capture, NULL)));
  cimProgramDestroy(p);
  cimProgramDestroy(NULL); /* no-op */
}
END_TEST

/*===----------------------------------------------------------------------===*
 * Scheduled programs: 'sched' and tile copies
 *===----------------------------------------------------------------------===*/

#define SIM_INPUTS CIM_SOURCE_DIR "/test/tools/cim-sim/Inputs/"

/* Sets value i of data block `block` (little-endian, the block's width). */
static void setValue(CimProgram *p, uint32_t block, uint64_t i, int64_t v) {
  const CimIsaDataBlock *b = &p->blocks[block];
  uint64_t u = (uint64_t)v;
  for (unsigned k = 0; k < b->elemBytes; ++k)
    p->data[b->offset + i * b->elemBytes + k] = (uint8_t)(u >> (8 * k));
  ck_assert_int_eq(cimProgramGetDataValue(p, block, i), v);
}

static void expectInvalid(const CimProgram *p, const char *expected) {
  message[0] = '\0';
  ck_assert(mlirLogicalResultIsFailure(cimProgramVerify(p, capture, NULL)));
  ck_assert_msg(strstr(message, expected) != NULL, "got '%s', expected '%s'",
                message, expected);
}

/* sched-copy.s (test/tools/cim-sim/Inputs): 0 load; 1 sched (start d2 [0],
 * crossbar d3 [0]); 2 write crossbar=0; 3 sched (d4 [56 us], d5 [1]);
 * 4 write crossbar=1 (the copy); 5, 6 bitplanes (digits [2x3]: 2 rows);
 * 7 sched chunk_rows=1 (d6 [56, 112 us], d7 [0, 1]); 8 mvm crossbar=0;
 * 9 adc; 10 sched (d8 [57.4, 113.4 us], d7); 11 mvm; 12 adc; 13..16
 * shift_add; 17 store; 18 halt. */
START_TEST(test_sched_rules) {
  CimProgram *p = parseAsmFile(SIM_INPUTS "sched-copy.s");
  ck_assert_int_eq(p->numInstrs, 19);
  ck_assert_int_eq(p->instrs[7].opcode, CIM_ISA_SCHED);
  ck_assert_int_eq(p->instrs[8].opcode, CIM_ISA_MVM);
  ck_assert(mlirLogicalResultIsSuccess(cimProgramVerify(p, capture, NULL)));
  /* sched counts nothing: 2 writes, 2 mvms of 2 rows = 4 cycles; the
   * sequential time 2 x 56 us + 4 x 1.4 us = 117.6 us. */
  CimEventCounts c = {0};
  CimEventCost cost;
  ck_assert(mlirLogicalResultIsSuccess(
      cimProgramGetCost(p, NULL, &c, &cost, capture, NULL)));
  ck_assert_int_eq(c.writes, 2);
  ck_assert_int_eq(c.mvmCycles, 4);
  ck_assert_int_eq(cost.totalLatencyPs, 117600000);

  /* A sched as the last instruction (in place of the halt). */
  CimIsaInstr saved = p->instrs[18];
  p->instrs[18] = p->instrs[10];
  expectInvalid(p, "instruction 18 (sched): 'sched' must be followed by a "
                   "'write' or an 'mvm'");
  p->instrs[18] = saved;
  /* A sched before a store (in place of the last shift_add). */
  saved = p->instrs[16];
  p->instrs[16] = p->instrs[10];
  expectInvalid(p, "instruction 16 (sched): 'sched' must be followed by a "
                   "'write' or an 'mvm'");
  p->instrs[16] = saved;
  /* An mvm, and a write, without a sched in a scheduled program (its sched
   * replaced by a barrier). */
  saved = p->instrs[10];
  memset(&p->instrs[10].imm, 0, sizeof p->instrs[10].imm);
  p->instrs[10].opcode = CIM_ISA_BARRIER;
  expectInvalid(p, "instruction 11 (mvm): the program is scheduled, so every "
                   "write and mvm needs a 'sched' right before it");
  p->instrs[10] = saved;
  saved = p->instrs[3];
  memset(&p->instrs[3].imm, 0, sizeof p->instrs[3].imm);
  p->instrs[3].opcode = CIM_ISA_BARRIER;
  expectInvalid(p, "instruction 4 (write): the program is scheduled");
  p->instrs[3] = saved;
  /* Block lengths: M = 2 rows in chunks of 1 need 2 entries each; d4 has
   * one. With chunk_rows=2 it is one chunk, and d8, d7 have two. A write is
   * one chunk; d7 has two. */
  p->instrs[10].sched.start = 4;
  expectInvalid(p, "instruction 11 (mvm): its 'sched' has 1 start and 2 "
                   "crossbar entries; 2 chunks need one each");
  p->instrs[10].sched.start = 8;
  p->instrs[10].sched.chunkRows = 2;
  expectInvalid(p, "instruction 11 (mvm): its 'sched' has 2 start and 2 "
                   "crossbar entries; 1 chunks need one each");
  p->instrs[10].sched.chunkRows = 1;
  p->instrs[3].sched.crossbar = 7;
  expectInvalid(p, "instruction 4 (write): its 'sched' has 1 start and 2 "
                   "crossbar entries; 1 chunks need one each");
  p->instrs[3].sched.crossbar = 5;
  /* A write is one chunk of chunk_rows=1. */
  p->instrs[3].sched.chunkRows = 2;
  expectInvalid(p, "instruction 4 (write): the 'sched' of a write must have "
                   "chunk_rows=1, not 2");
  p->instrs[3].sched.chunkRows = 1;
  /* chunk_rows 0 is out of the table's range [1, 2^31]. */
  p->instrs[7].sched.chunkRows = 0;
  expectInvalid(p, "instruction 7 (sched): 'chunk_rows' = 0 is out of range "
                   "[1, 2147483648]");
  p->instrs[7].sched.chunkRows = 1;
  /* Crossbar 2 of a 2-crossbar target (d7 entry 1, read by mvm 8 first). */
  setValue(p, 7, 1, 2);
  expectInvalid(p, "instruction 8 (mvm): its 'sched' puts chunk 1 on "
                   "crossbar 2, which does not exist (the target has 2)");
  setValue(p, 7, 1, 1);
  /* A negative start (d6 entry 0). */
  setValue(p, 6, 0, -1);
  expectInvalid(p, "instruction 8 (mvm): its 'sched' starts chunk 0 at -1 "
                   "ps, outside [0, 2^62]");
  setValue(p, 6, 0, 56000000);
  /* The write's sched says crossbar 1 (d5), the write crossbar 0. */
  p->instrs[4].write.crossbar = 0;
  expectInvalid(p, "instruction 4 (write): its 'sched' puts it on crossbar "
                   "1, the write names crossbar 0");
  p->instrs[4].write.crossbar = 1;
  /* The copy one row lower: crossbar 1, where chunk 1 runs, holds no tile
   * at the mvm's region rows [0, 3) cols [0, 8). */
  p->instrs[4].write.row = 1;
  expectInvalid(p, "instruction 8 (mvm): crossbar 1 holds no tile at rows "
                   "[0, 3) cols [0, 8)");
  p->instrs[4].write.row = 0;
  /* Chunk 0 of mvm 8 on crossbar 1 as well (d5 = [1]): a copy, valid. */
  p->instrs[7].sched.crossbar = 5;
  p->instrs[7].sched.chunkRows = 2;
  p->instrs[7].sched.start = 4;
  ck_assert_msg(mlirLogicalResultIsSuccess(cimProgramVerify(p, capture, NULL)),
                "%s", message);
  p->instrs[7].sched.crossbar = 7;
  p->instrs[7].sched.chunkRows = 1;
  p->instrs[7].sched.start = 6;
  ck_assert(mlirLogicalResultIsSuccess(cimProgramVerify(p, capture, NULL)));

  /* Round trips: binary and assembly give the same program and bytes. */
  checkRoundTrips(p, "\n  sched chunk_rows=1 start=d6 crossbar=d7 layer=0\n"
                     "  mvm b4, b2 crossbar=0");
}
END_TEST

/* The parser reports a sched rule at the line of the instruction. */
START_TEST(test_sched_asm_errors) {
  size_t n;
  char *text = readFile(SIM_INPUTS "sched-copy.s", &n);
  /* The second mvm's sched names d4 (one start) for two chunks. */
  char *at = strstr(text, "sched chunk_rows=1 start=d8");
  ck_assert_ptr_nonnull(at);
  at[26] = '4';
  CimProgram *p = NULL;
  ck_assert(mlirLogicalResultIsFailure(cimProgramParseAsm(
      mlirStringRefCreate(text, n), mlirStringRefCreateFromCString("t"), &p,
      capture, NULL)));
  ck_assert_ptr_null(p);
  ck_assert_msg(strstr(message, ":3: error: its 'sched' has 1 start and 2 crossbar "
                                "entries") != NULL,
                "%s", message);
  free(text);
}
END_TEST

/*===----------------------------------------------------------------------===*
 * Emitter and counts: docs/dialects/xbar.md's worked example
 *===----------------------------------------------------------------------===*/

START_TEST(test_emitter_and_counts) {
  MlirContext ctx = cimContextCreate();
  ck_assert(!mlirContextIsNull(ctx));
  size_t n;
  char *text = readFile(INPUTS "one-tile.mlir", &n);
  MlirModule m = mlirModuleCreateParse(ctx, mlirStringRefCreate(text, n));
  ck_assert(!mlirModuleIsNull(m));
  CimProgram *p = NULL;
  ck_assert(mlirLogicalResultIsSuccess(cimProgramCreateFromModule(
      mlirModuleGetOperation(m), mlirStringRefCreateFromCString(""),
      mlirStringRefCreateFromCString(""), &p)));
  CimEventCounts c = {0};
  for (uint32_t i = 0; i < p->numInstrs; ++i)
    ck_assert(mlirLogicalResultIsSuccess(
        cimProgramAddInstrCounts(p, i, &c, capture, NULL)));
  /* xbar.md: 1 write of a 3x8 tile (24 cells); 2 input rows x 2 planes = 4
   * MVM cycles of 3 active rows (12 row activations); 4 x 8 = 32 ADC
   * conversions. */
  ck_assert_int_eq(c.writes, 1);
  ck_assert_int_eq(c.cellsWritten, 24);
  ck_assert_int_eq(c.mvmCycles, 4);
  ck_assert_int_eq(c.rowActivations, 12);
  ck_assert_int_eq(c.adcConversions, 32);
  /* Digital: weight_tile 24 cells + 2 bitplanes of 6 + shift_adds 2*8 + 2*8
   * + 2*4 + 2*4 = 24 + 12 + 48 = 84. */
  ck_assert_int_eq(c.digitalOps, 84);
  /* Reference target: 56 us + 4 x 1.4 us = 61.6 us. */
  CimEventCost cost;
  ck_assert(mlirLogicalResultIsSuccess(
      cimProgramGetCost(p, NULL, NULL, &cost, capture, NULL)));
  ck_assert_int_eq(cost.totalLatencyPs, 61600000);
  ck_assert_int_eq(cost.totalEnergyFj, 0);
  CimTarget t = p->target;
  t.bufferPs = 1;
  /* buffer accesses: load 6; weight_tile 12+24; write 24; bitplanes 2x(6+6);
   * mvms 2x(2*3 + 16); adcs 2x(16+16); shift_adds (16+16+16)x2 + (8+8+8)x2;
   * store 8 = 6+36+24+24+44+64+96+48+8 = 350 */
  ck_assert(mlirLogicalResultIsSuccess(
      cimProgramGetCost(p, &t, NULL, &cost, capture, NULL)));
  ck_assert_int_eq(cost.totalLatencyPs, 61600000 + 350);
  ck_assert_int_eq(cost.latencyPs[CIM_COST_BUFFER], 350);
  ck_assert_str_eq(p->inputs[0].name, "arg0");
  ck_assert_str_eq(p->outputs[0].name, "result0");
  cimProgramDestroy(p);
  mlirModuleDestroy(m);
  free(text);
  mlirContextDestroy(ctx);
}
END_TEST

/* A valid program whose cost does not fit (test/tools/cim-sim/Inputs/
 * cost-overflow.s): a 100x100 load and store are 10^4 + 10^4 buffer
 * accesses; at 10^15 ps each that is 2 x 10^19 ps > INT64_MAX: an error
 * naming the component, never a wrapped or saturated time. At 1 ps per
 * access the same program costs 20,000 ps. */
START_TEST(test_program_cost_overflow) {
  CimProgram *p =
      parseAsmFile(CIM_SOURCE_DIR "/test/tools/cim-sim/Inputs/cost-overflow.s");
  CimEventCounts n = {.writes = -1};
  CimEventCost cost = {.totalLatencyPs = -1};
  ck_assert(mlirLogicalResultIsFailure(
      cimProgramGetCost(p, NULL, &n, &cost, capture, NULL)));
  ck_assert_str_eq(message, "the program's sequential cost: the latency of "
                            "the buffer accesses, 20000 x 1000000000000000 "
                            "ps, exceeds the 64-bit picosecond counter");
  ck_assert_int_eq(n.writes, -1); /* untouched on failure */
  ck_assert_int_eq(cost.totalLatencyPs, -1);
  CimTarget t = p->target;
  t.bufferPs = 1;
  ck_assert(mlirLogicalResultIsSuccess(
      cimProgramGetCost(p, &t, &n, &cost, capture, NULL)));
  ck_assert_int_eq(n.bufferAccesses, 20000);
  ck_assert_int_eq(cost.totalLatencyPs, 20000);
  cimProgramDestroy(p);
}
END_TEST

/*===----------------------------------------------------------------------===*
 * Mutation test (the decoder's fuzz test)
 *===----------------------------------------------------------------------===*/

static unsigned long decodedOk, decodedFail;

/* Decodes `b`; a failure must have an "offset N: " message, a success must
 * verify, re-encode, decode again and print/parse. */
static void checkMutant(const uint8_t *b, size_t n) {
  CimProgram *p = NULL;
  if (!decode(b, n, &p)) {
    ck_assert_ptr_null(p);
    ck_assert_msg(!strncmp(message, "offset ", 7), "bad message '%s'",
                  message);
    ++decodedFail;
    return;
  }
  ++decodedOk;
  ck_assert(mlirLogicalResultIsSuccess(cimProgramVerify(p, capture, NULL)));
  /* Either a cost that fits or an error, never a wrapped one. */
  CimEventCost cost;
  if (mlirLogicalResultIsSuccess(
          cimProgramGetCost(p, NULL, NULL, &cost, capture, NULL))) {
    ck_assert_int_ge(cost.totalLatencyPs, 0);
    ck_assert_int_ge(cost.totalEnergyFj, 0);
  } else {
    ck_assert_msg(strstr(message, "64-bit") != NULL, "got '%s'", message);
  }
  uint8_t *again;
  size_t m;
  encode(p, &again, &m);
  CimProgram *q = NULL;
  ck_assert_msg(decode(again, m, &q), "%s", message);
  char *text = printAsm(q);
  CimProgram *r = NULL;
  ck_assert_msg(mlirLogicalResultIsSuccess(cimProgramParseAsm(
                    mlirStringRefCreateFromCString(text),
                    mlirStringRefCreateFromCString("m"), &r, capture, NULL)),
                "%s", message);
  assertProgramsEqual(q, r);
  cimProgramDestroy(r);
  free(text);
  cimProgramDestroy(q);
  free(again);
  cimProgramDestroy(p);
}

static void mutateAll(const uint8_t *orig, size_t n) {
  /* Copies in exact-size heap buffers, so ASan sees any read past the end. */
  for (size_t len = 0; len < n; ++len) {
    uint8_t *t = malloc(len ? len : 1);
    memcpy(t, orig, len);
    checkMutant(t, len);
    free(t);
  }
  static const uint8_t masks[] = {0x01, 0x80, 0xff, 0x10};
  uint8_t *b = malloc(n + 8);
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < sizeof masks; ++k) {
      memcpy(b, orig, n);
      b[i] ^= masks[k];
      checkMutant(b, n);
    }
  for (size_t extra = 1; extra <= 8; extra *= 2) {
    memcpy(b, orig, n);
    memset(b + n, 0xab, extra);
    checkMutant(b, n + extra);
  }
  /* Seeded random mutations: 1..6 bytes set to interesting values. */
  uint64_t seed = 0x5eed1234abcdull;
  for (int iter = 0; iter < 20000; ++iter) {
    memcpy(b, orig, n);
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    int changes = 1 + (int)((seed >> 33) % 6);
    for (int c = 0; c < changes; ++c) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      size_t at = (size_t)((seed >> 20) % n);
      static const uint8_t values[] = {0, 1, 2, 3, 7, 8, 0x7f, 0x80, 0xfe, 0xff};
      b[at] = (seed >> 50) & 1 ? values[(seed >> 40) % sizeof values]
                               : (uint8_t)(seed >> 56);
    }
    size_t len = n;
    if ((seed >> 10) % 8 == 0)
      len = (size_t)((seed >> 12) % (n + 1));
    checkMutant(b, len);
  }
  free(b);
}

START_TEST(test_mutations) {
  CimProgram *small = makeSmall();
  uint8_t *b;
  size_t n;
  encode(small, &b, &n);
  mutateAll(b, n);
  free(b);
  cimProgramDestroy(small);

  CimProgram *all = parseAsmFile(INPUTS "all-instructions.s");
  encode(all, &b, &n);
  mutateAll(b, n);
  free(b);
  cimProgramDestroy(all);
  /* Both outcomes happened (a mutation test that never decodes anything
   * would not exercise the verifier and printer). */
  ck_assert_uint_gt(decodedFail, 1000);
  ck_assert_uint_gt(decodedOk, 10);
}
END_TEST

/* Every prefix of the assembly text parses or fails with NAME:LINE:COL. */
START_TEST(test_asm_prefixes) {
  size_t n;
  char *text = readFile(INPUTS "all-instructions.s", &n);
  for (size_t len = 0; len <= n; ++len) {
    char *t = malloc(len ? len : 1);
    memcpy(t, text, len);
    CimProgram *p = NULL;
    message[0] = '\0';
    if (mlirLogicalResultIsFailure(cimProgramParseAsm(
            mlirStringRefCreate(t, len), mlirStringRefCreateFromCString("p"),
            &p, capture, NULL)))
      ck_assert_msg(!strncmp(message, "p:", 2), "bad message '%s'", message);
    cimProgramDestroy(p);
    free(t);
  }
  free(text);
}
END_TEST

static Suite *isaSuite(void) {
  Suite *s = suite_create("isa");
  TCase *tc = tcase_create("encoding");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_golden_bytes);
  tcase_add_test(tc, test_decoder_errors);
  tcase_add_test(tc, test_trailing_and_count_limits);
  tcase_add_test(tc, test_every_instruction_round_trips);
  tcase_add_test(tc, test_asm_errors);
  tcase_add_test(tc, test_verifier_rules);
  tcase_add_test(tc, test_sched_rules);
  tcase_add_test(tc, test_sched_asm_errors);
  tcase_add_test(tc, test_emitter_and_counts);
  tcase_add_test(tc, test_program_cost_overflow);
  tcase_add_test(tc, test_mutations);
  tcase_add_test(tc, test_asm_prefixes);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(isaSuite());
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
