/*===-- cim-c/Isa.h - The accelerator instruction set and its files -*- C -*-===*\
|*                                                                            *|
|* Part of cimlir, a mixed-precision compiler for RRAM computing-in-memory    *|
|* accelerators, built on the MLIR C API of LLVM 22.                          *|
|*                                                                            *|
|* Level 5 of cimlir: a program for the CIM accelerator as numbered buffers,  *|
|* a data section and a straight-line instruction stream, one instruction per *|
|* xbar op (docs/isa.md is the reference; docs/dialects/xbar.md defines the   *|
|* integer semantics). This header is the in-memory form that the emitter     *|
|* (xbar IR -> program), the binary encoder/decoder, the assembly printer and *|
|* parser and the simulator share.                                            *|
|*                                                                            *|
|* Change log (the header only grows; nothing below is ever changed in        *|
|* meaning):                                                                  *|
|*   v1  first version.                                                       *|
\*===----------------------------------------------------------------------===*/

#ifndef CIM_C_ISA_H
#define CIM_C_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cim-c/Cost.h"
#include "cim-c/Support.h"
#include "cim-c/Target.h"
#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * Constants
 *===----------------------------------------------------------------------===*/

/// The four bytes a binary program starts with.
#define CIM_ISA_MAGIC "CIMB"
/// The binary format version this library writes and reads.
#define CIM_ISA_VERSION 1
/// Largest tensor rank of a buffer, input or output.
#define CIM_ISA_MAX_RANK 8
/// Largest number of source buffers of one instruction.
#define CIM_ISA_MAX_SRCS 2
/// Largest number of immediate fields of one instruction.
#define CIM_ISA_MAX_IMMS 16
/// Largest dimension of a buffer (each dimension is 1..this).
#define CIM_ISA_MAX_DIM ((int64_t)1 << 31)
/// Largest number of elements of one buffer or data block (2^40).
#define CIM_ISA_MAX_ELEMENTS ((int64_t)1 << 40)
/// "No buffer": an absent optional source (requantize without bias) or the
/// destination of an instruction that writes none.
#define CIM_ISA_NO_BUFFER UINT32_MAX
/// "No data block": a buffer that is not a constant.
#define CIM_ISA_NO_DATA UINT32_MAX
/// The `layer` of an instruction that belongs to no layer.
#define CIM_ISA_NO_LAYER (-1)

/*===----------------------------------------------------------------------===*
 * Element types and shapes
 *===----------------------------------------------------------------------===*/

/// The element type of a buffer, input or output: a `bits`-wide integer
/// (1..64), two's complement unless `isUnsigned`. Values are exact integers
/// in that range; `tensor<...xi8>` (signless) and `si8` are signed 8-bit,
/// `ui8` unsigned 8-bit.
typedef struct CimIsaElemType {
  uint8_t bits;
  bool isUnsigned;
} CimIsaElemType;

/// A ranked tensor type: rank 0..CIM_ISA_MAX_RANK, each dimension
/// 1..CIM_ISA_MAX_DIM, at most CIM_ISA_MAX_ELEMENTS elements. Dimensions past
/// `rank` are 0.
typedef struct CimIsaTensorType {
  CimIsaElemType elem;
  uint8_t rank;
  int64_t dims[CIM_ISA_MAX_RANK];
} CimIsaTensorType;

/// Number of elements of `t` (1 for rank 0). `t` must be valid.
CIM_CAPI_EXPORTED int64_t cimIsaTensorTypeGetNumElements(
    const CimIsaTensorType *t);

/*===----------------------------------------------------------------------===*
 * The program
 *===----------------------------------------------------------------------===*/

/// A named program input or output: the tensor the caller passes (an .npy
/// file for cim-sim) or receives.
typedef struct CimIsaPort {
  char *name; ///< NUL-terminated, 1..255 bytes, no whitespace or quotes.
  CimIsaTensorType type;
} CimIsaPort;

/// One numbered buffer of the accelerator's local memory. A constant buffer
/// (`dataBlock != CIM_ISA_NO_DATA`) holds the data block's values from the
/// start of the program and is never written. Its block has as many elements
/// as the buffer, or exactly one (a splat: every element has that value).
/// Every other buffer is scratch: its contents are undefined until an
/// instruction writes it.
typedef struct CimIsaBuffer {
  CimIsaTensorType type;
  uint32_t dataBlock; ///< Index into CimProgram.blocks, or CIM_ISA_NO_DATA.
} CimIsaBuffer;

/// One block of the data section: `count` little-endian two's-complement
/// integers of `elemBytes` bytes (1, 2, 4 or 8) at byte `offset` of
/// CimProgram.data. Blocks hold constant buffers (cell tiles, biases, zeros)
/// and the table-like attributes of instructions (requantize multipliers, LUT
/// tables, offsets, permutations).
typedef struct CimIsaDataBlock {
  uint8_t elemBytes;
  uint64_t offset;
  uint64_t count;
} CimIsaDataBlock;

/// Opcodes, one per xbar op plus program I/O and control. The numbers are
/// the binary encoding; new opcodes are only appended.
typedef enum CimIsaOpcode {
  CIM_ISA_HALT = 0,        ///< End of the program.
  CIM_ISA_LOAD = 1,        ///< dst <- program input #input.
  CIM_ISA_STORE = 2,       ///< program output #output <- src0.
  CIM_ISA_BARRIER = 3,     ///< xbar.barrier.
  CIM_ISA_WEIGHT_TILE = 4, ///< xbar.weight_tile (dynamic weights).
  CIM_ISA_WRITE = 5,       ///< xbar.write: src0 cells -> a crossbar region.
  CIM_ISA_BITPLANE = 6,    ///< xbar.bitplane.
  CIM_ISA_MVM = 7,         ///< xbar.mvm on the tile a WRITE put there.
  CIM_ISA_ADC = 8,         ///< xbar.adc.
  CIM_ISA_SHIFT_ADD = 9,   ///< xbar.shift_add.
  CIM_ISA_IM2COL = 10,     ///< xbar.im2col.
  CIM_ISA_INSERT = 11,     ///< xbar.insert.
  CIM_ISA_SLICE = 12,      ///< xbar.slice.
  CIM_ISA_RESHAPE = 13,    ///< xbar.reshape.
  CIM_ISA_TRANSPOSE = 14,  ///< xbar.transpose.
  CIM_ISA_REQUANTIZE = 15, ///< xbar.requantize.
  CIM_ISA_CLAMP = 16,      ///< xbar.clamp.
  CIM_ISA_LUT = 17,        ///< xbar.lut.
  CIM_ISA_POOL = 18,       ///< xbar.pool.
  CIM_ISA_ADD = 19,        ///< xbar.add.
  CIM_ISA_SOFTMAX = 20,    ///< xbar.softmax.
  CIM_ISA_LAYER_NORM = 21, ///< xbar.layer_norm.
  CIM_ISA_SCHED = 22,      ///< Static schedule of the next write or mvm.
  CIM_ISA_NUM_OPCODES = 23
} CimIsaOpcode;

/// Enumerated immediates. Weight mappings and input encodings use the
/// numbering of CimWeightMapping and CimInputEncoding (Target.h).
typedef enum CimIsaLayout {
  CIM_ISA_LAYOUT_NCHW = 0,
  CIM_ISA_LAYOUT_NHWC = 1
} CimIsaLayout;

typedef enum CimIsaPoolKind {
  CIM_ISA_POOL_MAX = 0,
  CIM_ISA_POOL_AVG = 1
} CimIsaPoolKind;

/// One instruction. `src` lists the source buffers in the order of the xbar
/// op's operands; `imm` the immediates in the order given by the named views
/// of the union (each view is a sequence of int64_t, so `imm[i]` and the
/// view's i-th field are the same storage). A field documented as a "block"
/// is the index of a data block holding an array attribute. Booleans are 0/1,
/// enumerations their enum value. Unused `src` entries are CIM_ISA_NO_BUFFER,
/// unused `imm` entries 0. docs/isa.md gives every instruction's semantics.
typedef struct CimIsaInstr {
  CimIsaOpcode opcode;
  int64_t layer;                 ///< xbar `layer`, or CIM_ISA_NO_LAYER.
  uint32_t dst;                  ///< Destination buffer or CIM_ISA_NO_BUFFER.
  uint32_t src[CIM_ISA_MAX_SRCS];
  union {
    int64_t imm[CIM_ISA_MAX_IMMS];
    struct { int64_t input; } load;    ///< index into CimProgram.inputs
    struct { int64_t output; } store;  ///< index into CimProgram.outputs
    struct {
      int64_t mapping, wBits, wSigned, cellBits, kOffset, unitOffset;
    } weightTile;
    struct { int64_t crossbar, row, col; } write;
    struct { int64_t encoding, aBits, bitOffset, bits; } bitplane;
    /// The tile is the region [tileRow, +tileRows) x [tileCol, +tileCols) of
    /// `crossbar` that a WRITE programmed (the xbar.write of the mvm's tile).
    struct {
      int64_t crossbar, tileRow, tileCol, tileRows, tileCols;
      int64_t kOffset, rowOffset, rows, differentialRows;
    } mvm;
    struct { int64_t bits, shift, isSigned; } adc;
    struct {
      int64_t srcOffset, srcStride, dstOffset, count, shift, negate;
    } shiftAdd;
    struct {
      int64_t layout, kernelH, kernelW, strideH, strideW, dilationH,
          dilationW, padTop, padLeft, padBottom, padRight, padValue,
          channelOffset, channels;
    } im2col;
    struct { int64_t offsets; } insert;  ///< block: one offset per dim
    struct { int64_t offsets; } slice;   ///< block: one offset per dim
    struct { int64_t permutation; } transpose; ///< block: rank entries
    /// src1 is the optional bias (CIM_ISA_NO_BUFFER when absent).
    struct {
      int64_t axis, multiplier, shift, inZeroPoint, outZeroPoint, qmin, qmax;
    } requantize; ///< multiplier, shift: blocks (1 or one per channel)
    struct { int64_t min, max; } clamp;
    struct { int64_t table, inMin; } lut; ///< table: block
    struct {
      int64_t kind, layout, windowH, windowW, strideH, strideW, padTop,
          padLeft, padBottom, padRight;
    } pool;
    struct {
      int64_t axis, expTable, one, outZeroPoint, qmin, qmax;
    } softmax; ///< expTable: block
    struct {
      int64_t axis, fracBits, eps, gamma, beta, multiplier, shift,
          outZeroPoint, qmin, qmax;
    } layerNorm; ///< gamma, beta: blocks
    /// The schedule of the next instruction (a write or an mvm): its rows
    /// are issued in chunks of `chunkRows` (the last may be shorter; a write
    /// is one chunk), chunk j at time start[j] (ps) on crossbar crossbar[j].
    /// start, crossbar: blocks of one entry per chunk (docs/isa.md, "sched").
    struct { int64_t chunkRows, start, crossbar; } sched;
  };
} CimIsaInstr;

/// A whole program. Every pointer member is malloc'ed and owned by the
/// program; cimProgramDestroy frees them all (so a program may also be
/// assembled by hand with malloc'ed arrays and checked with
/// cimProgramVerify). Programs returned by this library have passed
/// cimProgramVerify: every index is in range and every instruction's buffers
/// have the shapes its semantics require, so an executor need not re-check.
typedef struct CimProgram {
  CimTarget target;       ///< The target the program was compiled for.
  uint64_t fingerprint;   ///< cimTargetGetFingerprint(&target).
  CimIsaPort *inputs;
  uint32_t numInputs;
  CimIsaPort *outputs;
  uint32_t numOutputs;
  CimIsaBuffer *buffers;
  uint32_t numBuffers;
  CimIsaDataBlock *blocks;
  uint32_t numBlocks;
  CimIsaInstr *instrs;    ///< Ends with exactly one CIM_ISA_HALT.
  uint32_t numInstrs;
  uint8_t *data;          ///< The data section.
  uint64_t dataSize;
} CimProgram;

/// Frees `program` and everything it owns. NULL is a no-op.
CIM_CAPI_EXPORTED void cimProgramDestroy(CimProgram *program);

/// Checks every rule docs/isa.md states for a program: table indices, shapes,
/// element widths, data blocks inside the data section, immediates in range,
/// operand shapes of every instruction, a final HALT and no other. On failure
/// passes one message naming the instruction ("instruction 7 (mvm): ...") to
/// `errorCallback`.
CIM_CAPI_EXPORTED MlirLogicalResult
cimProgramVerify(const CimProgram *program, MlirStringCallback errorCallback,
                 void *userData);

/// Value `i` of data block `block` (sign-extended). Indices must be in range.
CIM_CAPI_EXPORTED int64_t cimProgramGetDataValue(const CimProgram *program,
                                                 uint32_t block, uint64_t i);

/// Accessors for bindings that hold a program by pointer only (the Python
/// package): the number and names of its inputs and outputs (borrowed,
/// valid while the program lives; indices asserted in range), and the
/// target it was compiled for (borrowed).
CIM_CAPI_EXPORTED intptr_t cimProgramGetNumInputs(const CimProgram *program);
CIM_CAPI_EXPORTED const char *cimProgramGetInputName(const CimProgram *program,
                                                     intptr_t i);
CIM_CAPI_EXPORTED intptr_t cimProgramGetNumOutputs(const CimProgram *program);
CIM_CAPI_EXPORTED const char *
cimProgramGetOutputName(const CimProgram *program, intptr_t i);
CIM_CAPI_EXPORTED const CimTarget *
cimProgramGetTarget(const CimProgram *program);

/// cimProgramGetCost on the program's own target as one JSON object, in one
/// call of `callback`: {"events": {writes, cells_written, mvm_cycles,
/// row_activations, adc_conversions, digital_ops, buffer_accesses},
/// "latency_ps": {component: ps}, "energy_fj": {component: fJ},
/// "total_latency_ps", "total_energy_fj"}, components named by
/// CIM_COST_COMPONENTS in lower case ("write", "mvm", ...). Fails as
/// cimProgramGetCost does, through `errorCallback`.
CIM_CAPI_EXPORTED MlirLogicalResult cimProgramPrintCostJSON(
    const CimProgram *program, MlirStringCallback callback, void *userData,
    MlirStringCallback errorCallback, void *errorUserData);

/// The mnemonic of an opcode ("mvm", "shift_add", ...), NULL if out of range.
CIM_CAPI_EXPORTED const char *cimIsaOpcodeGetName(CimIsaOpcode opcode);

/*===----------------------------------------------------------------------===*
 * The emitter: xbar IR -> program
 *===----------------------------------------------------------------------===*/

/// Builds the program of the function `entry` of `module` (empty: the only
/// func.func of the module). The function must contain only xbar ops,
/// `arith.constant` of integer tensors and one `func.return`; its arguments
/// become the inputs (named by a `cim.name` string argument attribute, else
/// "arg0", "arg1", ...) and its results the outputs ("result0", ...). An
/// xbar.mvm's tile copies must sit at one region; schedule attributes on a
/// write or mvm become a `sched` before it (docs/isa.md, "From xbar IR"). The
/// target is the JSON file `targetPath` when non-empty, else the module's
/// `cim.target`, else the default (cimTargetResolve). Anything that cannot be
/// encoded is reported as an error diagnostic at the op (and the function
/// returns failure and stores NULL); on success `*program` is owned by the
/// caller.
CIM_CAPI_EXPORTED MlirLogicalResult
cimProgramCreateFromModule(MlirOperation module, MlirStringRef entry,
                           MlirStringRef targetPath, CimProgram **program);

/*===----------------------------------------------------------------------===*
 * Binary encoding
 *===----------------------------------------------------------------------===*/

/// Encodes `program` (docs/isa.md, "Binary encoding") into a malloc'ed
/// buffer stored in `*bytes` (caller frees with free()) of `*size` bytes.
/// Fails, with a message, when the program does not pass cimProgramVerify or
/// memory runs out; then `*bytes` is NULL.
CIM_CAPI_EXPORTED MlirLogicalResult
cimProgramEncode(const CimProgram *program, uint8_t **bytes, size_t *size,
                 MlirStringCallback errorCallback, void *userData);

/// Decodes a binary program. Never reads outside [bytes, bytes + size).
/// Fails, passing one message "offset N: PROBLEM" (N the byte offset of the
/// offending field) to `errorCallback`, on a truncated or over-long input,
/// bad magic, unsupported version, fingerprint mismatch, unknown opcode, an
/// index or size out of range, or a program that fails cimProgramVerify
/// (then the offset is that of the instruction or table entry). On success
/// `*program` is owned by the caller; on failure it is NULL.
CIM_CAPI_EXPORTED MlirLogicalResult
cimProgramDecode(const uint8_t *bytes, size_t size, CimProgram **program,
                 MlirStringCallback errorCallback, void *userData);

/*===----------------------------------------------------------------------===*
 * Text assembly
 *===----------------------------------------------------------------------===*/

/// Prints `program` as assembly (docs/isa.md, "Assembly"). The output parses
/// back to an equal program, and printing that gives the same text.
CIM_CAPI_EXPORTED void cimProgramPrintAsm(const CimProgram *program,
                                          MlirStringCallback callback,
                                          void *userData);

/// Parses assembly. Fails with one message "NAME:LINE:COL: PROBLEM" on a
/// syntax error or a program that fails cimProgramVerify (then the position
/// is that of the offending directive or instruction).
CIM_CAPI_EXPORTED MlirLogicalResult
cimProgramParseAsm(MlirStringRef text, MlirStringRef sourceName,
                   CimProgram **program, MlirStringCallback errorCallback,
                   void *userData);

/*===----------------------------------------------------------------------===*
 * Cost: what each instruction counts
 *===----------------------------------------------------------------------===*/

/// Adds the events of instruction `index` of `program` to `*counts`
/// (docs/isa.md, "Cost"). They depend only on the instruction and the buffer
/// shapes, never on data. Fails, with one message naming the instruction,
/// when a count does not fit in int64; `*counts` is then unchanged.
CIM_CAPI_EXPORTED MlirLogicalResult
cimProgramAddInstrCounts(const CimProgram *program, uint32_t index,
                         CimEventCounts *counts,
                         MlirStringCallback errorCallback, void *userData);

/// The events of every instruction of `program` (`*counts`, may be NULL) and
/// their time and energy on the sequential schedule (`*cost`, may be NULL),
/// priced by cimPriceEvents on `target` (NULL: the program's own). Fails,
/// with one message naming the instruction or the component, when a count or
/// a cost does not fit in int64; never wraps, never saturates.
CIM_CAPI_EXPORTED MlirLogicalResult
cimProgramGetCost(const CimProgram *program, const CimTarget *target,
                  CimEventCounts *counts, CimEventCost *cost,
                  MlirStringCallback errorCallback, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CIM_C_ISA_H */
