/*===-- VerifyRules.h - Shared pieces of the op rules (internal) ----------===*
 *
 * The rule table of cim and xbar ops (ir/Verify.h) is spread over two files:
 * lib/ir/verify.c holds the table, the rules common to every op, the cim
 * layer rules and the digital-op rules; lib/ir/verify_xbar.c holds the rules
 * of the xbar crossbar ops (weight_tile, write, bitplane, mvm, adc,
 * shift_add, im2col, insert). This header is what they share: the op being
 * checked (V) and the helpers that read its attributes and compare its
 * shapes. Every helper that returns bool has emitted one error at the op's
 * location ("'<op name>' op <rule>") when it returns false.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_IR_VERIFYRULES_H
#define CIM_LIB_IR_VERIFYRULES_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/Verify.h"
#include "mlir-c/IR.h"

/// Operands and results whose shapes are kept (more are checked, not kept).
#define CIM_VERIFY_MAX_VALUES 8

/// A tensor operand or result: rank (-1: not a tensor, e.g. !xbar.tile),
/// dimensions and element width (signless, read as two's complement).
typedef struct Tensor {
  int rank;
  int64_t d[CIM_IR_MAX_RANK];
  unsigned width;
} Tensor;

/// The op being checked, its operands and results after the common rules.
typedef struct V {
  MlirOperation op;
  MlirLocation loc;
  char name[64];
  intptr_t numOperands, numResults;
  Tensor in[CIM_VERIFY_MAX_VALUES], out[CIM_VERIFY_MAX_VALUES];
  Tensor lastIn; /* the last operand (xbar.mvm's digits after its copies) */
} V;

/*===-- Helpers (lib/ir/verify.c) -----------------------------------------===*/

/// Emits "'<op name>' op <message>" at the op's location; returns false.
bool cimVerifyFail(const V *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/// Integer attribute `name` (of at most 64 bits) in `*out`.
bool cimVerifyIntAttr(const V *v, const char *name, int64_t *out);
/// An integer attribute within [lo, hi], in `*out` unless `out` is null.
bool cimVerifyIntIn(const V *v, const char *name, int64_t lo, int64_t hi,
                    int64_t *out);
/// Bool attribute `name` is present and true (never fails).
bool cimVerifyBoolAttr(const V *v, const char *name);
/// String attribute `name` is present and equal to `value` (never fails).
bool cimVerifyStringIs(const V *v, const char *name, const char *value);
/// A dense i64 array of `len` elements each within [lo, hi], into `out`.
bool cimVerifyArrayIn(const V *v, const char *name, intptr_t len, int64_t lo,
                      int64_t hi, int64_t *out);
/// The range of a signless `width`-bit element read as two's complement.
void cimVerifyTypeRange(unsigned width, int64_t *lo, int64_t *hi);
/// A signless `width`-bit element holds every value of [lo, hi].
bool cimVerifyHolds(unsigned width, int64_t lo, int64_t hi);
/// Operand/result `t` has rank `rank`.
bool cimVerifyNeedRank(const V *v, const Tensor *t, const char *what,
                       int rank);
/// `a` and `b` have one rank and one shape (never fails).
bool cimVerifySameShape(const Tensor *a, const Tensor *b);
/// cimVerifySameShape, failing with "<an> and <bn> must have the same shape".
bool cimVerifyNeedSameShape(const V *v, const Tensor *a, const char *an,
                            const Tensor *b, const char *bn);
/// Units of a [K, N] weight matrix: N * ceil(w_bits / cell_bits).
bool cimVerifyUnitsOf(const V *v, int64_t n, int64_t wBits, int64_t cellBits,
                      int64_t *units);
/// [offset, offset + size) within [0, limit), size >= 1.
bool cimVerifySpan(const V *v, const char *what, int64_t offset, int64_t size,
                   int64_t limit, const char *of);
/// The block `small` at `offsets` lies inside `big` (slice, insert).
bool cimVerifyBlock(const V *v, const Tensor *big, const Tensor *small);

/*===-- Rules of the xbar crossbar ops (lib/ir/verify_xbar.c) -------------===*/

bool cimVerifyWeightTile(const V *v);
bool cimVerifyWrite(const V *v);
bool cimVerifyBitplane(const V *v);
bool cimVerifyMvm(const V *v);
bool cimVerifyAdc(const V *v);
bool cimVerifyShiftAdd(const V *v);
bool cimVerifyIm2col(const V *v);
bool cimVerifyInsert(const V *v);

#endif /* CIM_LIB_IR_VERIFYRULES_H */
