/*===-- Elements.h - Reading and quantizing constant tensors in bulk -------===*
 *
 * Weights arrive as `dense<...>` (DenseIntOrFPElementsAttr) or
 * `dense_resource<...>` (a blob) attributes with up to ~10^8 elements. The
 * MLIR C API reads them three ways:
 *
 *  - a splat: one element stands for all (mlirDenseElementsAttrIsSplat);
 *  - dense storage: mlirDenseElementsAttrGetRawData, one pointer to the
 *    packed little-endian elements (integers in ceil(bits / 8) rounded to a
 *    power of two bytes, except i1: one bit each);
 *  - dense_resource: MLIR 22's C API has no pointer to the blob, only one
 *    typed accessor call per element (mlirDense*ResourceElementsAttrGetValue,
 *    f32 / f64 / 8..64-bit integers / i1), and no way to ask whether the blob
 *    has data at all (an elided or undeclared blob parses, and reading it
 *    dereferences nothing); cimElementsOpen finds out by printing a module
 *    holding just the attribute, with resource strings elided.
 *
 * A CimElements view hides the three behind one reader, and
 * cimElementsQuantize turns float elements into quantized integer storage in
 * one pass (ONNX QuantizeLinear, docs/design.md "Numerics"), writing the raw
 * layout mlirDenseElementsAttrRawBufferGet takes: no per-element C API call
 * for dense attributes, no double copy of the tensor.
 *===----------------------------------------------------------------------===*/

#ifndef CIM_LIB_IR_ELEMENTS_H
#define CIM_LIB_IR_ELEMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlir-c/IR.h"

typedef enum CimElementKind {
  CIM_ELEMENTS_INT,  /* any signedness, 1..64 bits */
  CIM_ELEMENTS_F16,  /* IEEE binary16 */
  CIM_ELEMENTS_BF16, /* bfloat16 */
  CIM_ELEMENTS_F32,
  CIM_ELEMENTS_F64,
} CimElementKind;

/// A read-only view of a constant tensor's elements; borrows `attr`.
typedef struct CimElements {
  MlirAttribute attr;
  CimElementKind kind;
  unsigned bits;            /* element width in bits */
  int64_t count;            /* elements of the attribute's shape */
  bool splat;               /* one stored element stands for all `count` */
  bool resource;            /* dense_resource: read through typed accessors */
  const unsigned char *raw; /* dense storage; NULL for resources and i1 */
  size_t width;             /* bytes per element in raw */
} CimElements;

/// Opens `attr` for reading into `*e`. Returns NULL on success, otherwise a
/// static sentence saying why it cannot be read (not an elements attribute of
/// a static shape, an element type other than integers, f16, bf16, f32 and
/// f64, a dense_resource without data or of a type MLIR 22 has no accessor
/// for).
const char *cimElementsOpen(MlirAttribute attr, CimElements *e);

/// Bytes per element of the raw storage MLIR keeps for a `bits`-bit integer
/// (bits >= 2): 1, 2, 4 or 8.
size_t cimElementsStorageWidth(unsigned bits);

/// Elements [begin, begin + n) of a float view as doubles (exact widening).
/// A splat yields its value n times.
void cimElementsGetDoubles(const CimElements *e, int64_t begin, int64_t n,
                           double *out);

/// Element i of an integer view, sign-extended when `isSigned` (i1: -1 or 0),
/// zero-extended otherwise. A splat yields its value for every i.
int64_t cimElementsGetInt(const CimElements *e, int64_t i, bool isSigned);

/// ONNX QuantizeLinear parameters: element i uses scale
/// scales[(i / inner) % numScales] (numScales 1: per tensor; otherwise
/// per channel along an axis with `inner` elements after it).
typedef struct CimQuantizeLinear {
  const double *scales;
  int64_t numScales;
  int64_t inner;
  int64_t zeroPoint;
  int64_t qmin, qmax;
} CimQuantizeLinear;

/// Quantizes the elements of a float view: q = saturate(rne(x / s) + z) to
/// [qmin, qmax], as ONNX QuantizeLinear computes it: the quotient in float32
/// (f32, f16 and bf16 elements; the scale rounded to float32) or in double
/// (f64 elements), then nearbyint under the default round-to-nearest-even
/// mode.
/// Writes `outCount` elements into `out`, each `width` bytes holding the
/// value's low `bits` bits little-endian (the layout of
/// mlirDenseElementsAttrRawBufferGet), where outCount is 1 for a splat view
/// with one scale and e->count otherwise. Returns -1, or the index of the
/// first NaN element (nothing meaningful is written then).
int64_t cimElementsQuantize(const CimElements *e, const CimQuantizeLinear *p,
                            unsigned bits, void *out);

/// Stores `v` (its low `bits` bits) as element i of raw storage of `width`
/// bytes per element.
void cimElementsStore(void *raw, size_t width, unsigned bits, int64_t i,
                      int64_t v);

#endif /* CIM_LIB_IR_ELEMENTS_H */
