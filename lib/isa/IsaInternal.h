/*===-- IsaInternal.h - Tables and helpers of the ISA library (internal) ---===*/

#ifndef CIM_LIB_ISA_ISAINTERNAL_H
#define CIM_LIB_ISA_ISAINTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "support/StrBuf.h"
#include "cim-c/Isa.h"

/// What an immediate field holds; decides its range check and its spelling
/// in assembly.
typedef enum CimIsaFieldKind {
  CIM_ISA_FIELD_INT,    ///< integer in [min, max]
  CIM_ISA_FIELD_BOOL,   ///< 0 or 1; asm `true`/`false`
  CIM_ISA_FIELD_ENUM,   ///< 0..n-1; asm spells `enumNames[v]`
  CIM_ISA_FIELD_BLOCK,  ///< index of a data block; asm `dN`
  CIM_ISA_FIELD_INPUT,  ///< index of an input; asm `@name` (an operand)
  CIM_ISA_FIELD_OUTPUT, ///< index of an output; asm `@name` (an operand)
} CimIsaFieldKind;

/// One immediate field of an opcode, and where the emitter takes it from.
typedef struct CimIsaField {
  const char *name; ///< asm key (the xbar attribute name, or derived)
  CimIsaFieldKind kind;
  int64_t min, max;              ///< CIM_ISA_FIELD_INT
  const char *const *enumNames;  ///< CIM_ISA_FIELD_ENUM, NULL-terminated
  /// The xbar attribute it comes from (NULL: computed by the emitter);
  /// `attrIndex >= 0` takes that element of a dense i64 array of
  /// `attrLength` elements.
  const char *attr;
  int attrIndex, attrLength;
} CimIsaField;

/// One opcode: its mnemonic, operands and immediates. The table drives the
/// encoder, decoder, printer, parser, verifier and emitter alike.
typedef struct CimIsaOpDesc {
  const char *name;     ///< mnemonic == the xbar op name without "xbar."
  const char *xbarName; ///< NULL for instructions that are no xbar op
  bool hasDst;
  uint8_t numSrcs;
  uint8_t optionalSrcs; ///< bit i set: src[i] may be CIM_ISA_NO_BUFFER
  uint8_t numImms;
  CimIsaField imms[CIM_ISA_MAX_IMMS];
} CimIsaOpDesc;

/// The table, indexed by opcode.
extern const CimIsaOpDesc cimIsaOpDescs[CIM_ISA_NUM_OPCODES];

extern const char *const cimIsaMappingNames[];
extern const char *const cimIsaEncodingNames[];

/// Limits of plain integer immediates (zero points, clamp bounds, ...).
#define CIM_ISA_VALUE_MIN (-((int64_t)1 << 47))
#define CIM_ISA_VALUE_MAX ((int64_t)1 << 47)

/// Where a verifier error is: the program as a whole, or one entry of a table.
typedef enum CimIsaLocusKind {
  CIM_ISA_LOCUS_PROGRAM,
  CIM_ISA_LOCUS_TARGET,
  CIM_ISA_LOCUS_INPUT,
  CIM_ISA_LOCUS_OUTPUT,
  CIM_ISA_LOCUS_BUFFER,
  CIM_ISA_LOCUS_BLOCK,
  CIM_ISA_LOCUS_INSTR,
} CimIsaLocusKind;

typedef struct CimIsaLocus {
  CimIsaLocusKind kind;
  uint32_t index;
} CimIsaLocus;

/// The verifier. On failure fills `locus` and appends the problem (without
/// any position prefix) to `msg`.
bool cimIsaVerify(const CimProgram *p, CimIsaLocus *locus, CimStrBuf *msg);

/// Checks one tensor type; appends the problem to `msg` on failure.
bool cimIsaCheckTensorType(const CimIsaTensorType *t, CimStrBuf *msg);

/// True if `name` is a valid port name (1..255 bytes of [A-Za-z0-9_.-]).
bool cimIsaIsValidPortName(const char *name, size_t length);

/// Appends `i8[2x3]` (or `u4[]`) to `b`.
void cimIsaPrintTensorType(CimStrBuf *b, const CimIsaTensorType *t);

/// Reads a `elemBytes`-wide little-endian two's-complement value.
int64_t cimIsaReadLE(const uint8_t *p, unsigned elemBytes);
/// Writes the low `elemBytes` bytes of `v`, little-endian.
void cimIsaWriteLE(uint8_t *p, unsigned elemBytes, int64_t v);

/// Smallest of 1, 2, 4, 8 bytes whose two's complement holds [lo, hi].
unsigned cimIsaBytesForValues(int64_t lo, int64_t hi);

/// a * b, false on overflow of [0, INT64_MAX] (both non-negative).
bool cimIsaMulOk(int64_t a, int64_t b, int64_t *r);

/// Names of the target's fields in .target lines, CimTarget order.
extern const char *const cimIsaTargetFieldNames[20];
/// The target's fields as an array (CimTarget order) and back.
void cimIsaTargetToArray(const CimTarget *t, int64_t out[20]);
void cimIsaTargetFromArray(const int64_t in[20], CimTarget *t);

#endif /* CIM_LIB_ISA_ISAINTERNAL_H */
