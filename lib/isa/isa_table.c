/*===-- isa_table.c - The opcode table and small shared helpers ------------===*
 *
 * One row per opcode: mnemonic, operands and immediates with their ranges and
 * the xbar attributes they come from. The encoder, decoder, assembly printer
 * and parser, verifier and emitter all read this table, so a change to an
 * instruction is a change to its row (plus its semantic check in
 * verifyInstr in isa_program.c). docs/isa.md documents every row.
 *===----------------------------------------------------------------------===*/

#include <string.h>

#include "IsaInternal.h"
#include "target/TargetFields.h"

const char *const cimIsaMappingNames[] = {"differential-column",
                                          "differential-row", "offset", NULL};
const char *const cimIsaEncodingNames[] = {"unsigned", "twos-complement",
                                           "offset", NULL};
static const char *const layoutNames[] = {"nchw", "nhwc", NULL};
static const char *const poolKindNames[] = {"max", "avg", NULL};

#define DIM CIM_ISA_MAX_DIM
#define VMIN CIM_ISA_VALUE_MIN
#define VMAX CIM_ISA_VALUE_MAX

/* Field constructors. */
#define INT(n, lo, hi, a) {n, CIM_ISA_FIELD_INT, lo, hi, NULL, a, -1, 0}
#define ARR(n, lo, hi, a, i, len) {n, CIM_ISA_FIELD_INT, lo, hi, NULL, a, i, len}
#define BOOL(n, a) {n, CIM_ISA_FIELD_BOOL, 0, 1, NULL, a, -1, 0}
#define ENUM(n, names, a) {n, CIM_ISA_FIELD_ENUM, 0, 0, names, a, -1, 0}
#define BLOCK(n, a) {n, CIM_ISA_FIELD_BLOCK, 0, 0, NULL, a, -1, 0}
#define DERIVED(n, lo, hi) {n, CIM_ISA_FIELD_INT, lo, hi, NULL, NULL, -1, 0}

const CimIsaOpDesc cimIsaOpDescs[CIM_ISA_NUM_OPCODES] = {
    [CIM_ISA_HALT] = {"halt", NULL, false, 0, 0, 0, {{0}}},
    [CIM_ISA_LOAD] = {"load", NULL, true, 0, 0, 1,
                      {{"input", CIM_ISA_FIELD_INPUT, 0, 0, NULL, NULL, -1, 0}}},
    [CIM_ISA_STORE] = {"store", NULL, false, 1, 0, 1,
                       {{"output", CIM_ISA_FIELD_OUTPUT, 0, 0, NULL, NULL, -1,
                         0}}},
    [CIM_ISA_BARRIER] = {"barrier", "xbar.barrier", false, 0, 0, 0, {{0}}},
    [CIM_ISA_WEIGHT_TILE] = {"weight_tile", "xbar.weight_tile", true, 1, 0, 6,
                             {ENUM("mapping", cimIsaMappingNames, "mapping"),
                              INT("w_bits", 1, 8, "w_bits"),
                              BOOL("w_signed", "w_signed"),
                              INT("cell_bits", 1, 8, "cell_bits"),
                              INT("k_offset", 0, DIM, "k_offset"),
                              INT("unit_offset", 0, DIM, "unit_offset")}},
    [CIM_ISA_WRITE] = {"write", "xbar.write", false, 1, 0, 3,
                       {INT("crossbar", 0, DIM, "crossbar"),
                        INT("row", 0, DIM, "row"), INT("col", 0, DIM, "col")}},
    [CIM_ISA_BITPLANE] = {"bitplane", "xbar.bitplane", true, 1, 0, 4,
                          {ENUM("encoding", cimIsaEncodingNames, "encoding"),
                           INT("a_bits", 1, 8, "a_bits"),
                           INT("bit_offset", 0, 7, "bit_offset"),
                           INT("bits", 1, 8, "bits")}},
    [CIM_ISA_MVM] = {"mvm", "xbar.mvm", true, 1, 0, 9,
                     {DERIVED("crossbar", 0, DIM), DERIVED("tile_row", 0, DIM),
                      DERIVED("tile_col", 0, DIM),
                      DERIVED("tile_rows", 1, DIM),
                      DERIVED("tile_cols", 1, DIM),
                      INT("k_offset", 0, DIM, "k_offset"),
                      INT("row_offset", 0, DIM, "row_offset"),
                      INT("rows", 1, DIM, "rows"),
                      BOOL("differential_rows", "differential_rows")}},
    [CIM_ISA_ADC] = {"adc", "xbar.adc", true, 1, 0, 3,
                     {INT("bits", 0, 32, "bits"), INT("shift", 0, 62, "shift"),
                      BOOL("signed", "signed")}},
    [CIM_ISA_SHIFT_ADD] = {"shift_add", "xbar.shift_add", true, 2, 0, 6,
                           {INT("src_offset", 0, DIM, "src_offset"),
                            INT("src_stride", 0, DIM, "src_stride"),
                            INT("dst_offset", 0, DIM, "dst_offset"),
                            INT("count", 0, DIM, "count"),
                            INT("shift", 0, 62, "shift"),
                            BOOL("negate", "negate")}},
    [CIM_ISA_IM2COL] = {"im2col", "xbar.im2col", true, 1, 0, 14,
                        {ENUM("layout", layoutNames, "layout"),
                         ARR("kernel_h", 1, DIM, "kernel", 0, 2),
                         ARR("kernel_w", 1, DIM, "kernel", 1, 2),
                         ARR("stride_h", 1, DIM, "strides", 0, 2),
                         ARR("stride_w", 1, DIM, "strides", 1, 2),
                         ARR("dilation_h", 1, DIM, "dilations", 0, 2),
                         ARR("dilation_w", 1, DIM, "dilations", 1, 2),
                         ARR("pad_top", 0, DIM, "padding", 0, 4),
                         ARR("pad_left", 0, DIM, "padding", 1, 4),
                         ARR("pad_bottom", 0, DIM, "padding", 2, 4),
                         ARR("pad_right", 0, DIM, "padding", 3, 4),
                         INT("pad_value", VMIN, VMAX, "pad_value"),
                         INT("channel_offset", 0, DIM, "channel_offset"),
                         INT("channels", 1, DIM, "channels")}},
    [CIM_ISA_INSERT] = {"insert", "xbar.insert", true, 2, 0, 1,
                        {BLOCK("offsets", "offsets")}},
    [CIM_ISA_SLICE] = {"slice", "xbar.slice", true, 1, 0, 1,
                       {BLOCK("offsets", "offsets")}},
    [CIM_ISA_RESHAPE] = {"reshape", "xbar.reshape", true, 1, 0, 0, {{0}}},
    [CIM_ISA_TRANSPOSE] = {"transpose", "xbar.transpose", true, 1, 0, 1,
                           {BLOCK("permutation", "permutation")}},
    [CIM_ISA_REQUANTIZE] = {"requantize", "xbar.requantize", true, 2, 0x2, 7,
                            {INT("axis", 0, CIM_ISA_MAX_RANK - 1, "axis"),
                             BLOCK("multiplier", "multiplier"),
                             BLOCK("shift", "shift"),
                             INT("in_zero_point", VMIN, VMAX, "in_zero_point"),
                             INT("out_zero_point", VMIN, VMAX,
                                 "out_zero_point"),
                             INT("qmin", VMIN, VMAX, "qmin"),
                             INT("qmax", VMIN, VMAX, "qmax")}},
    [CIM_ISA_CLAMP] = {"clamp", "xbar.clamp", true, 1, 0, 2,
                       {INT("min", VMIN, VMAX, "min"),
                        INT("max", VMIN, VMAX, "max")}},
    [CIM_ISA_LUT] = {"lut", "xbar.lut", true, 1, 0, 2,
                     {BLOCK("table", "table"),
                      INT("in_min", VMIN, VMAX, "in_min")}},
    [CIM_ISA_POOL] = {"pool", "xbar.pool", true, 1, 0, 10,
                      {ENUM("kind", poolKindNames, "kind"),
                       ENUM("layout", layoutNames, "layout"),
                       ARR("window_h", 1, DIM, "window", 0, 2),
                       ARR("window_w", 1, DIM, "window", 1, 2),
                       ARR("stride_h", 1, DIM, "strides", 0, 2),
                       ARR("stride_w", 1, DIM, "strides", 1, 2),
                       ARR("pad_top", 0, DIM, "padding", 0, 4),
                       ARR("pad_left", 0, DIM, "padding", 1, 4),
                       ARR("pad_bottom", 0, DIM, "padding", 2, 4),
                       ARR("pad_right", 0, DIM, "padding", 3, 4)}},
    [CIM_ISA_ADD] = {"add", "xbar.add", true, 2, 0, 0, {{0}}},
    [CIM_ISA_SOFTMAX] = {"softmax", "xbar.softmax", true, 1, 0, 6,
                         {INT("axis", 0, CIM_ISA_MAX_RANK - 1, "axis"),
                          BLOCK("exp_table", "exp_table"),
                          INT("one", 0, VMAX, "one"),
                          INT("out_zero_point", VMIN, VMAX, "out_zero_point"),
                          INT("qmin", VMIN, VMAX, "qmin"),
                          INT("qmax", VMIN, VMAX, "qmax")}},
    [CIM_ISA_LAYER_NORM] = {"layer_norm", "xbar.layer_norm", true, 1, 0, 10,
                            {INT("axis", 0, CIM_ISA_MAX_RANK - 1, "axis"),
                             INT("frac_bits", 0, 30, "frac_bits"),
                             INT("eps", 0, VMAX, "eps"),
                             BLOCK("gamma", "gamma"), BLOCK("beta", "beta"),
                             INT("multiplier", 0, ((int64_t)1 << 32) - 1,
                                 "multiplier"),
                             INT("shift", 0, 62, "shift"),
                             INT("out_zero_point", VMIN, VMAX,
                                 "out_zero_point"),
                             INT("qmin", VMIN, VMAX, "qmin"),
                             INT("qmax", VMIN, VMAX, "qmax")}},
    [CIM_ISA_SCHED] = {"sched", NULL, false, 0, 0, 3,
                       {INT("chunk_rows", 1, DIM, NULL),
                        BLOCK("start", NULL), BLOCK("crossbar", NULL)}},
};

const char *cimIsaOpcodeGetName(CimIsaOpcode opcode) {
  if ((unsigned)opcode >= CIM_ISA_NUM_OPCODES)
    return NULL;
  return cimIsaOpDescs[opcode].name;
}

/* The program header carries every target field, in the order and stored
 * units of the target field table (#cim.target's parameter names). A new
 * target field changes the binary format, and so CIM_ISA_VERSION. */
_Static_assert(CIM_TARGET_NUM_FIELDS == 20,
               "a new target field changes the ISA header: bump "
               "CIM_ISA_VERSION and the [20] of IsaInternal.h");

const char *const cimIsaTargetFieldNames[20] = {
#define CIM_TARGET_FIELD(ID, MEMBER, KEY, ATTR, ...) ATTR,
#include "target/TargetFields.def"
};

void cimIsaTargetToArray(const CimTarget *t, int64_t out[20]) {
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    out[i] = cimTargetGetFieldValue(t, i);
}

void cimIsaTargetFromArray(const int64_t in[20], CimTarget *t) {
  /* Out-of-range enum values are kept as they are and rejected by
   * cimTargetValidate. */
  for (int i = 0; i < CIM_TARGET_NUM_FIELDS; ++i)
    cimTargetSetFieldValue(t, i, in[i]);
}

int64_t cimIsaReadLE(const uint8_t *p, unsigned elemBytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < elemBytes; ++i)
    v |= (uint64_t)p[i] << (8 * i);
  if (elemBytes < 8 && (v >> (8 * elemBytes - 1)) & 1)
    v |= ~0ull << (8 * elemBytes);
  return (int64_t)v;
}

void cimIsaWriteLE(uint8_t *p, unsigned elemBytes, int64_t v) {
  uint64_t u = (uint64_t)v;
  for (unsigned i = 0; i < elemBytes; ++i)
    p[i] = (uint8_t)(u >> (8 * i));
}

unsigned cimIsaBytesForValues(int64_t lo, int64_t hi) {
  if (lo >= INT8_MIN && hi <= INT8_MAX)
    return 1;
  if (lo >= INT16_MIN && hi <= INT16_MAX)
    return 2;
  if (lo >= INT32_MIN && hi <= INT32_MAX)
    return 4;
  return 8;
}

bool cimIsaMulOk(int64_t a, int64_t b, int64_t *r) {
  if (a < 0 || b < 0)
    return false;
  if (a != 0 && b > INT64_MAX / a)
    return false;
  *r = a * b;
  return true;
}

bool cimIsaIsValidPortName(const char *name, size_t length) {
  if (length == 0 || length > 255)
    return false;
  for (size_t i = 0; i < length; ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

void cimIsaPrintTensorType(CimStrBuf *b, const CimIsaTensorType *t) {
  cimStrBufPrintf(b, "%c%u[", t->elem.isUnsigned ? 'u' : 'i',
                  (unsigned)t->elem.bits);
  for (unsigned i = 0; i < t->rank && i < CIM_ISA_MAX_RANK; ++i)
    cimStrBufPrintf(b, "%s%lld", i ? "x" : "", (long long)t->dims[i]);
  cimStrBufAppendCString(b, "]");
}
