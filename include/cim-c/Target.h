/*===-- cim-c/Target.h - The crossbar accelerator description --------*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* One validated model of a CIM accelerator: crossbar geometry, cell and      *|
|* converter resolutions, how signed weights and inputs are encoded, how many *|
|* crossbars there are and what each event costs. It is read from a JSON file *|
|* (docs/target.md lists every field) and carried in IR as #cim.target.       *|
|* Times are integer picoseconds and energies integer femtojoules, so every   *|
|* count and cost derived from a target is exact.                             *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_TARGET_H
#define CIM_C_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "cim-c/Support.h"
#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// How a signed weight is stored in unsigned conductances.
typedef enum CimWeightMapping {
  /// Positive and negative parts in a pair of columns, subtracted after the
  /// ADC (doubles the columns). The reference system's mapping.
  CIM_WEIGHT_MAPPING_DIFFERENTIAL_COLUMN = 0,
  /// Positive and negative parts in a pair of rows driven with opposite input
  /// polarity (doubles the rows).
  CIM_WEIGHT_MAPPING_DIFFERENTIAL_ROW = 1,
  /// Weights shifted by 2^(w_bits-1) to be non-negative; one extra bias
  /// column per crossbar removes the offset digitally.
  CIM_WEIGHT_MAPPING_OFFSET = 2,
} CimWeightMapping;

/// How an activation is applied, one DAC-wide bit-plane per cycle.
typedef enum CimInputEncoding {
  /// Only non-negative inputs (e.g. after ReLU).
  CIM_INPUT_ENCODING_UNSIGNED = 0,
  /// Two's complement: the most significant plane carries negative weight.
  CIM_INPUT_ENCODING_TWOS_COMPLEMENT = 1,
  /// Inputs shifted by 2^(a_bits-1); the offset times the column sums of the
  /// weights is removed digitally.
  CIM_INPUT_ENCODING_OFFSET = 2,
} CimInputEncoding;

/// A value of `adcBits` meaning a lossless ADC: as many bits as the largest
/// possible column sum needs.
#define CIM_ADC_BITS_IDEAL 0

typedef struct CimTarget {
  int64_t rows;      ///< Wordlines per crossbar, 1..65536 (default 256).
  int64_t cols;      ///< Bitlines per crossbar, 1..65536 (default 256).
  int64_t cellBits;  ///< Bits per RRAM cell, 1..8 (default 4).
  int64_t dacBits;   ///< Input bits applied per cycle, 1..8 (default 1).
  int64_t adcBits;   ///< ADC resolution 1..32, or CIM_ADC_BITS_IDEAL (default).
  CimWeightMapping weightMapping;  ///< Default differential column.
  CimInputEncoding inputEncoding;  ///< Default two's complement.
  int64_t crossbars;  ///< Crossbars on the chip, 1..2^20 (default 1).
  int64_t ouRows;     ///< Rows active at once (OU), 1..rows (default rows).
  int64_t writePorts; ///< Crossbars programmable at once, 1..crossbars (default 1).
  /* Times, picoseconds. */
  int64_t writePs;   ///< Programming one crossbar (default 56 us).
  int64_t mvmPs;     ///< One MVM cycle of one crossbar (default 1.4 us).
  int64_t adcPs;     ///< One ADC conversion beyond the MVM cycle (default 0).
  int64_t digitalPs; ///< One digital element operation (default 0).
  int64_t bufferPs;  ///< One buffer access of one element (default 0).
  /* Energies, femtojoules. */
  int64_t writeFj;   ///< Programming one cell (default 0: not modelled).
  int64_t mvmFj;     ///< One active row for one MVM cycle (default 0).
  int64_t adcFj;     ///< One ADC conversion (default 0).
  int64_t digitalFj; ///< One digital element operation (default 0).
  int64_t bufferFj;  ///< One buffer access of one element (default 0).
} CimTarget;

/// The built-in default: the reference system (Pelke, Klein et al., DATE 2026):
/// 256x256 crossbar, 4-bit cells, 1-bit DAC, differential columns, 56 us per
/// crossbar write, 1.4 us per MVM cycle, one crossbar.
CIM_CAPI_EXPORTED CimTarget cimTargetGetDefault(void);

/// A heap copy of `target` (NULL: of the default) owned by the caller
/// (cimTargetDestroy), for bindings that hold targets by pointer only.
/// Aborts when memory runs out.
CIM_CAPI_EXPORTED CimTarget *cimTargetCreateCopy(const CimTarget *target);

/// Frees a target made by cimTargetCreateCopy; NULL is a no-op.
CIM_CAPI_EXPORTED void cimTargetDestroy(CimTarget *target);

/// Parses a target from JSON text. Missing fields keep their defaults.
/// Fails, passing one message to `errorCallback`, on malformed JSON
/// ("NAME:LINE:COL: ..."), unknown fields, wrong types and values out of range
/// ("NAME: field 'rows': 0 is out of range [1, 65536]"). `*target` is written
/// only on success.
CIM_CAPI_EXPORTED MlirLogicalResult
cimTargetParseJSON(MlirStringRef text, MlirStringRef sourceName,
                   CimTarget *target, MlirStringCallback errorCallback,
                   void *userData);

/// Reads and parses the JSON file at `path` (see cimTargetParseJSON).
CIM_CAPI_EXPORTED MlirLogicalResult
cimTargetLoadFile(const char *path, CimTarget *target,
                  MlirStringCallback errorCallback, void *userData);

/// Checks every field's range and the fields' consistency (ou_rows <= rows,
/// write_ports <= crossbars). Same messages as the parser.
CIM_CAPI_EXPORTED MlirLogicalResult
cimTargetValidate(const CimTarget *target, MlirStringCallback errorCallback,
                  void *userData);

/// Prints the target as JSON with every field, in documentation order.
CIM_CAPI_EXPORTED void cimTargetPrintJSON(const CimTarget *target,
                                          MlirStringCallback callback,
                                          void *userData);

/// Equality of all fields.
CIM_CAPI_EXPORTED bool cimTargetEqual(const CimTarget *a, const CimTarget *b);

/// A 64-bit FNV-1a hash of all fields, stable across builds and hosts; the ISA
/// binary header records it so that a program runs only on its target.
CIM_CAPI_EXPORTED uint64_t cimTargetGetFingerprint(const CimTarget *target);

/*===----------------------------------------------------------------------===*
 * The #cim.target attribute
 *===----------------------------------------------------------------------===*/

/// The help text of a pass's `target=` option (cimTargetResolve's value),
/// shared by every pass that takes one.
#define CIM_TARGET_OPTION_DESCRIPTION                                          \
  "Target JSON file; empty for the program's target (the module's "            \
  "cim.target attribute, which an earlier pass records) or else the built-in " \
  "default. A program has one target: a different one is an error. A suffix " \
  ":field=value,... sets single fields of that target (docs/target.md), e.g. " \
  "target=t.json:cell_bits=2 or, on the default, target=:cell_bits=2."

/// The name of the module attribute that carries the target: `cim.target`.
#define CIM_TARGET_ATTR_NAME "cim.target"

/// Builds `#cim.target<...>` (parameters in CimTarget field order, times in ps,
/// energies in fJ, adc_bits 0 for ideal). The cim dialect must be loaded.
CIM_CAPI_EXPORTED MlirAttribute cimTargetToAttribute(MlirContext context,
                                                     const CimTarget *target);

/// Reads a `#cim.target<...>` attribute and validates it. Fails with a message
/// when `attr` is not a cim.target or a value is out of range.
CIM_CAPI_EXPORTED MlirLogicalResult
cimTargetFromAttribute(MlirAttribute attr, CimTarget *target,
                       MlirStringCallback errorCallback, void *userData);

/// The target a pass running on `op` (a module, or an op such as a
/// `func.func` nested in one) should use, given the pass's `target=` value
/// `option`. The program's target is the one recorded in `cim.target`
/// attributes (cimTargetRecord): the module's, and the function's own (`op`
/// nested) or those of the module's top-level ops (`op` the module); they
/// must all be equal. With an empty `option` the result is the program's
/// target, else the built-in default. Otherwise it is the JSON file `option`
/// names (else the program's target or the default) with the settings of a
/// suffix `:field=value,field=value` applied (cimTargetApplyOverrides), so
/// `t.json:cell_bits=2` and `:cell_bits=2` are both accepted. Fails, with a
/// diagnostic at `op`, on an unreadable file, a bad attribute or setting,
/// recorded targets that differ, and an `option` whose target differs from
/// the program's: "PASS: target 'T' (fingerprint 0x...) differs from the
/// program's target, the cim.target attribute of the module (fingerprint
/// 0x...): cell_bits 2 vs 4 (given vs the program's); ...". `passName`
/// (may be empty) starts that message.
CIM_CAPI_EXPORTED MlirLogicalResult
cimTargetResolveForPass(MlirOperation op, MlirStringRef passName,
                        MlirStringRef option, CimTarget *target);

/// cimTargetResolveForPass with no pass name: the target of the program
/// `module` for a `target=` value `overridePath`. Never changes the IR.
CIM_CAPI_EXPORTED MlirLogicalResult cimTargetResolve(MlirOperation module,
                                                     MlirStringRef overridePath,
                                                     CimTarget *target);

/// Records `target` as the program's target. On a module: sets its
/// `cim.target` attribute and removes the attribute from its top-level ops
/// (functions), so that the module holds the one copy. On an op nested in a
/// module (a function pass's function, which may not change its module):
/// sets the op's own attribute unless the module already has one. Call it
/// after cimTargetResolveForPass succeeded with the same target.
CIM_CAPI_EXPORTED void cimTargetRecord(MlirOperation op,
                                       const CimTarget *target);

/// Whether `target` can apply `aBits`-bit activations (signed when
/// `aSigned`): the one check the cost model (cimLayerCostCompute) and the
/// crossbar mapping (cim-bitslice) share, so that they reject the same
/// designs with the same reason. Fails, passing one message to
/// `errorCallback`, for signed activations on an `unsigned` input encoding
/// ("the layer has signed activations but the target's input encoding is
/// 'unsigned'"). Any DAC width applies two's complement and offset-coded
/// activations (cimTargetInputPlane).
CIM_CAPI_EXPORTED MlirLogicalResult
cimTargetCheckActivations(const CimTarget *target, int64_t aBits, bool aSigned,
                          MlirStringCallback errorCallback, void *userData);

/// The number of input bit-planes (crossbar passes) of one `aBits`-bit
/// activation on `target`'s `dac_bits`-bit DACs: `ceil(aBits / dac_bits)`
/// for unsigned activations. Signed ones take one plane more: with two's
/// complement, the `aBits - 1` magnitude bits take
/// `ceil((aBits - 1) / dac_bits)` planes and the sign bit one of its own
/// (unipolar DACs cannot drive a plane that mixes the sign's negative weight
/// with positive ones); with the `offset` encoding, the `aBits` bits of
/// `a + 2^(aBits-1)` take `ceil(aBits / dac_bits)` planes and one pass with
/// every digit 1 reads the column sums of the weights, which the
/// recombination subtracts `2^(aBits-1)` times. The cost model and
/// cim-bitslice both count planes with this function.
CIM_CAPI_EXPORTED int64_t cimTargetInputPlanes(const CimTarget *target,
                                               int64_t aBits, bool aSigned);

/// What plane `index` of that layout drives (cimTargetInputPlaneKind).
typedef enum CimInputPlaneKind {
  /// Digits of the activation's code, added with weight 2^bitOffset.
  CIM_INPUT_PLANE_DIGITS,
  /// The two's complement sign bit, subtracted with weight 2^(aBits-1).
  CIM_INPUT_PLANE_SIGN,
  /// Every digit 1 (the offset encoding's correction): the weights' column
  /// sums, subtracted with weight 2^(aBits-1).
  CIM_INPUT_PLANE_OFFSET_CORRECTION,
} CimInputPlaneKind;

/// Plane `index` (0 = least significant) of that layout: its first bit
/// `*bitOffset` and width `*bits` (1..dac_bits). The last plane of a signed
/// activation (kind SIGN or OFFSET_CORRECTION) has `*bitOffset` =
/// `aBits - 1` and `*bits` = 1, and the recombination subtracts it.
/// `index` must be below cimTargetInputPlanes.
CIM_CAPI_EXPORTED void cimTargetInputPlane(const CimTarget *target,
                                           int64_t aBits, bool aSigned,
                                           int64_t index, int64_t *bitOffset,
                                           int64_t *bits);

/// The kind of plane `index` (below cimTargetInputPlanes).
CIM_CAPI_EXPORTED CimInputPlaneKind
cimTargetInputPlaneKind(const CimTarget *target, int64_t aBits, bool aSigned,
                        int64_t index);

/// The `encoding` of the `xbar.bitplane` ops that extract the digit planes:
/// "unsigned" for unsigned activations, else the target's signed encoding
/// ("twos-complement" or "offset"). A static string.
CIM_CAPI_EXPORTED const char *
cimTargetInputPlaneEncoding(const CimTarget *target, bool aSigned);

/// Prints the fields in which `a` and `b` differ, "cell_bits 2 vs 4,
/// dac_bits 1 vs 2" (values in JSON units, `a`'s first), or "" when they are
/// equal, through `callback` (one call).
CIM_CAPI_EXPORTED void cimTargetPrintDifferences(const CimTarget *a,
                                                 const CimTarget *b,
                                                 MlirStringCallback callback,
                                                 void *userData);

/*===----------------------------------------------------------------------===*
 * The fields, by name
 *
 * Every field of CimTarget is declared once, in lib/target/TargetFields.def;
 * these functions enumerate it, so that a caller (the Python package, a
 * sweep script) can list, read and set every field without knowing the
 * struct layout. A field's name is its JSON key ("t_write_ns"); its value
 * is spelled as in JSON, without quotes for names: "256", "1.4", "ideal",
 * "differential-row".
 *===----------------------------------------------------------------------===*/

/// What a field holds, and so how its value is spelled.
typedef enum CimTargetFieldKind {
  /// An integer (a count or a number of bits), stored as int64_t.
  CIM_TARGET_FIELD_KIND_INT = 0,
  /// A number of bits or "ideal" (stored as CIM_ADC_BITS_IDEAL).
  CIM_TARGET_FIELD_KIND_ADC = 1,
  /// Nanoseconds, decimals down to 0.001; stored as int64_t picoseconds.
  CIM_TARGET_FIELD_KIND_TIME = 2,
  /// Picojoules, decimals down to 0.001; stored as int64_t femtojoules.
  CIM_TARGET_FIELD_KIND_ENERGY = 3,
  /// One of a few names (cimTargetFieldGetValueName), stored as a C enum.
  CIM_TARGET_FIELD_KIND_ENUM = 4,
} CimTargetFieldKind;

/// The number of fields; indices run from 0, in documentation order (which
/// is also the order of CimTarget and of the #cim.target parameters).
CIM_CAPI_EXPORTED intptr_t cimTargetGetNumFields(void);

/// The index of the field named `name` (its JSON key), or -1.
CIM_CAPI_EXPORTED intptr_t cimTargetLookupField(MlirStringRef name);

/// Static description of field `index` (asserted in range); the strings are
/// borrowed and live forever. Name: the JSON key ("t_write_ns"). Attribute
/// name: the #cim.target parameter in stored units ("t_write_ps"). C type:
/// "int64_t", "CimWeightMapping" or "CimInputEncoding". Unit: the JSON unit
/// ("count", "bits", "ns", "pJ"; "" for names). Doc: one line of Markdown.
CIM_CAPI_EXPORTED const char *cimTargetFieldGetName(intptr_t index);
CIM_CAPI_EXPORTED const char *cimTargetFieldGetAttrName(intptr_t index);
CIM_CAPI_EXPORTED const char *cimTargetFieldGetCType(intptr_t index);
CIM_CAPI_EXPORTED const char *cimTargetFieldGetUnit(intptr_t index);
CIM_CAPI_EXPORTED const char *cimTargetFieldGetDoc(intptr_t index);
CIM_CAPI_EXPORTED CimTargetFieldKind cimTargetFieldGetKind(intptr_t index);

/// The valid range of field `index` in stored units (ps, fJ, enum numbers).
/// `ou_rows` and `write_ports` are further bounded by `rows` and
/// `crossbars` (cimTargetValidate).
CIM_CAPI_EXPORTED void cimTargetFieldGetRange(intptr_t index, int64_t *min,
                                              int64_t *max);

/// The name of value `value` of an enum field ("offset"), or NULL when the
/// field is not an enum or the value is out of range. The names of an enum
/// field are those of values 0, 1, ... up to the first NULL.
CIM_CAPI_EXPORTED const char *cimTargetFieldGetValueName(intptr_t index,
                                                         int64_t value);

/// Field `index` of `target` in stored units: picoseconds, femtojoules, the
/// enum's number, CIM_ADC_BITS_IDEAL for an ideal ADC.
CIM_CAPI_EXPORTED int64_t cimTargetGetFieldValue(const CimTarget *target,
                                                 intptr_t index);

/// Stores `value` (stored units) in field `index`, unchecked: call
/// cimTargetValidate before using the target.
CIM_CAPI_EXPORTED void cimTargetSetFieldValue(CimTarget *target,
                                              intptr_t index, int64_t value);

/// Prints field `index` of `target` as a setting's value is spelled ("1.4",
/// "ideal", "offset"), through `callback`.
CIM_CAPI_EXPORTED void cimTargetPrintFieldValue(const CimTarget *target,
                                                intptr_t index,
                                                MlirStringCallback callback,
                                                void *userData);

/// Sets the field named `name` from the text `value`, spelled as in JSON
/// without quotes. Fails, passing one message to `errorCallback` and leaving
/// `*target` unchanged, when the name is unknown ("unknown field 'rowz'; the
/// fields are rows, cols, ..."), the value has the wrong type, or it is out
/// of the field's range ("field 'rows': 0 is out of range [1, 65536]").
/// Rules between fields are left to cimTargetValidate, except that a field
/// following another one (`ou_rows`, which defaults to `rows`) moves with it
/// while the two are equal.
CIM_CAPI_EXPORTED MlirLogicalResult
cimTargetSetField(CimTarget *target, MlirStringRef name, MlirStringRef value,
                  MlirStringCallback errorCallback, void *userData);

/// Applies a comma-separated list `field=value,field=value` with
/// cimTargetSetField, left to right, then validates the result. All or
/// nothing: on failure `*target` is unchanged and the one message passed to
/// `errorCallback` starts with "SOURCENAME: ". A field may appear once.
CIM_CAPI_EXPORTED MlirLogicalResult
cimTargetApplyOverrides(CimTarget *target, MlirStringRef overrides,
                        MlirStringRef sourceName,
                        MlirStringCallback errorCallback, void *userData);

/// Prints the field table of docs/target.md (Markdown: field, meaning, unit
/// or values, default, range), one line per field after the header.
CIM_CAPI_EXPORTED void cimTargetPrintFieldTable(MlirStringCallback callback,
                                                void *userData);

/// Spelling of the enumerations in JSON and IR ("differential-column", ...).
CIM_CAPI_EXPORTED const char *cimWeightMappingGetName(CimWeightMapping m);
CIM_CAPI_EXPORTED const char *cimInputEncodingGetName(CimInputEncoding e);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_TARGET_H */
