/*===-- output.c - What cim-opt prints: IR, bytecode, pipelines, dialects --===*/

#include <stdlib.h>
#include <string.h>

#include "cim-c/Tooling.h"
#include "mlir-c/Diagnostics.h"
#include "options.h"

#define TOOL "cim-opt"

MlirOpPrintingFlags cimOptCreatePrintingFlags(const CimOptOptions *o) {
  MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
  /* As in mlir-opt, --mlir-pretty-debuginfo only shapes what
     --mlir-print-debuginfo prints. */
  if (o->printDebugInfo)
    mlirOpPrintingFlagsEnableDebugInfo(flags, true, o->prettyDebugInfo);
  if (o->printGeneric)
    mlirOpPrintingFlagsPrintGenericOpForm(flags);
  if (o->printLocalScope)
    mlirOpPrintingFlagsUseLocalScope(flags);
  if (o->assumeVerified)
    mlirOpPrintingFlagsAssumeVerified(flags);
  if (o->nameLocAsPrefix)
    mlirOpPrintingFlagsPrintNameLocAsPrefix(flags);
  if (o->skipRegions)
    mlirOpPrintingFlagsSkipRegions(flags);
  if (o->elideElements >= 0)
    mlirOpPrintingFlagsElideLargeElementsAttrs(flags,
                                               (intptr_t)o->elideElements);
  if (o->elideResources >= 0)
    mlirOpPrintingFlagsElideLargeResourceString(flags,
                                                (intptr_t)o->elideResources);
  return flags;
}

/* Collects text passed to an MlirStringCallback. */
typedef struct Buf {
  char *data;
  size_t length;
  bool oom;
} Buf;

static void appendBuf(MlirStringRef s, void *userData) {
  Buf *b = userData;
  if (b->oom)
    return;
  char *grown = realloc(b->data, b->length + s.length + 1);
  if (!grown) {
    b->oom = true;
    return;
  }
  memcpy(grown + b->length, s.data, s.length);
  b->length += s.length;
  grown[b->length] = '\0';
  b->data = grown;
}

/// Writes `bc` with its producer string replaced by `producer`. The header
/// of MLIR bytecode is the magic "ML\xefR", the version as a VarInt (its
/// first byte's trailing zero bits count the bytes that follow) and the
/// producer as a NUL-terminated string; nothing refers to the producer's
/// length, so it can be exchanged. False if `bc` has no such header.
static bool writeWithProducer(const Buf *bc, const char *producer, FILE *out) {
  const unsigned char *d = (const unsigned char *)bc->data;
  if (bc->length < 6 || memcmp(d, "ML\xefR", 4) != 0)
    return false;
  size_t versionBytes = 1;
  for (unsigned char first = d[4]; versionBytes < 9 && !(first & 1);
       first >>= 1)
    ++versionBytes;
  size_t producerAt = 4 + versionBytes;
  const unsigned char *nul =
      producerAt < bc->length
          ? memchr(d + producerAt, '\0', bc->length - producerAt)
          : NULL;
  if (!nul)
    return false;
  size_t rest = (size_t)(nul - d);
  fwrite(d, 1, producerAt, out);
  fwrite(producer, 1, strlen(producer), out);
  fwrite(d + rest, 1, bc->length - rest, out);
  return true;
}

bool cimOptPrintOutput(MlirOperation op, const CimOptOptions *o, FILE *out) {
  if (o->emitBytecode) {
    MlirBytecodeWriterConfig config = mlirBytecodeWriterConfigCreate();
    if (o->bytecodeVersion >= 0)
      mlirBytecodeWriterConfigDesiredEmitVersion(config, o->bytecodeVersion);
    Buf bc = {0};
    MlirLogicalResult r =
        mlirOperationWriteBytecodeWithConfig(op, config, appendBuf, &bc);
    mlirBytecodeWriterConfigDestroy(config);
    if (mlirLogicalResultIsFailure(r)) {
      free(bc.data);
      mlirEmitError(mlirOperationGetLocation(op),
                    "failed to write bytecode (unsupported "
                    "--emit-bytecode-version?)");
      return false;
    }
    Buf elided = {0};
    if (!bc.oom && o->elideResourceData &&
        !cimOptElideResourceData(bc.data, bc.length, &elided.data,
                                 &elided.length)) {
      free(bc.data);
      mlirEmitError(mlirOperationGetLocation(op),
                    "--elide-resource-data-from-bytecode: cannot leave out "
                    "the data of a string resource (or out of memory)");
      return false;
    }
    if (o->elideResourceData) {
      free(bc.data);
      bc = elided;
    }
    bool ok = !bc.oom && (o->bytecodeProducer
                              ? writeWithProducer(&bc, o->bytecodeProducer, out)
                              : fwrite(bc.data, 1, bc.length, out) == bc.length);
    free(bc.data);
    if (!ok)
      mlirEmitError(mlirOperationGetLocation(op),
                    "failed to write the bytecode (out of memory?)");
    return ok;
  }
  MlirOpPrintingFlags flags = cimOptCreatePrintingFlags(o);
  mlirOperationPrintWithFlags(op, flags, cimWriteToStream, out);
  mlirOpPrintingFlagsDestroy(flags);
  fputc('\n', out);
  return true;
}

/*===----------------------------------------------------------------------===*
 * --verify-roundtrip (mlir-opt's doVerifyRoundTrip)
 *===----------------------------------------------------------------------===*/

static void printGenericWithLocs(MlirOperation op, Buf *b) {
  MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
  mlirOpPrintingFlagsPrintGenericOpForm(flags);
  mlirOpPrintingFlagsEnableDebugInfo(flags, true, false);
  mlirOperationPrintWithFlags(op, flags, appendBuf, b);
  mlirOpPrintingFlagsDestroy(flags);
}

static bool roundtripOnce(MlirOperation op, const CimOptOptions *o,
                          MlirContext (*createContext)(const CimOptOptions *),
                          bool bytecode) {
  const char *kind = bytecode ? "bytecode" : "textual";
  MlirLocation loc = mlirOperationGetLocation(op);
  MlirStringRef opName = mlirIdentifierStr(mlirOperationGetName(op));
  char prefix[300];
  snprintf(prefix, sizeof prefix, "'%.*s' op ", (int)opName.length,
           opName.data);
  Buf text = {0};
  if (bytecode) {
    mlirOperationWriteBytecode(op, appendBuf, &text);
  } else {
    MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
    mlirOpPrintingFlagsEnableDebugInfo(flags, true, false);
    mlirOperationPrintWithFlags(op, flags, appendBuf, &text);
    mlirOpPrintingFlagsDestroy(flags);
  }
  MlirContext ctx = createContext(o);
  if (mlirContextIsNull(ctx) || text.oom) {
    free(text.data);
    return false;
  }
  /* Diagnostics of the second parse are not the user's: swallowed. */
  MlirOperation back = mlirOperationCreateParse(
      ctx, mlirStringRefCreate(text.data ? text.data : "", text.length),
      mlirStringRefCreateFromCString("roundtrip"));
  free(text.data);
  bool ok = true;
  char msg[512];
  if (mlirOperationIsNull(back)) {
    snprintf(msg, sizeof msg,
             "%sfailed to parse %s content back, cannot verify round-trip.\n",
             prefix, kind);
    mlirEmitError(loc, msg);
    ok = false;
  } else {
    Buf reference = {0}, roundtrip = {0};
    printGenericWithLocs(op, &reference);
    printGenericWithLocs(back, &roundtrip);
    if (reference.oom || roundtrip.oom || reference.length != roundtrip.length ||
        (reference.length &&
         memcmp(reference.data, roundtrip.data, reference.length))) {
      size_t n = strlen(prefix) + reference.length + roundtrip.length + 200;
      char *m = malloc(n);
      if (m) {
        snprintf(m, n,
                 "%s%s roundTrip testing roundtripped module differs from "
                 "reference:\n<<<<<<Reference\n%s\n=====\n%s\n>>>>>"
                 "roundtripped\n",
                 prefix, kind, reference.data ? reference.data : "",
                 roundtrip.data ? roundtrip.data : "");
        mlirEmitError(loc, m);
        free(m);
      }
      ok = false;
    }
    free(reference.data);
    free(roundtrip.data);
    mlirOperationDestroy(back);
  }
  mlirContextDestroy(ctx);
  return ok;
}

bool cimOptVerifyRoundtrip(MlirOperation op, const CimOptOptions *o,
                           MlirContext (*createContext)(const CimOptOptions *)) {
  bool text = roundtripOnce(op, o, createContext, false);
  bool bytecode = roundtripOnce(op, o, createContext, true);
  return text && bytecode;
}

/*===----------------------------------------------------------------------===*
 * --dump-pass-pipeline
 *===----------------------------------------------------------------------===*/

static void indent(FILE *s, int depth) {
  for (int i = 0; i < depth; ++i)
    fputs("  ", s);
}

void cimOptDumpPassPipeline(FILE *stream, MlirOpPassManager pm) {
  Buf b = {0};
  mlirPrintPassPipeline(pm, appendBuf, &b);
  const char *t = b.data ? b.data : "";
  size_t n = b.length;
  /* Count the top-level elements: commas at depth 1, plus one. */
  int depth = 0, count = 0;
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    char c = t[i];
    if (c == '{') { /* option text: skip to the matching brace */
      int braces = 1;
      while (++i < n && braces)
        braces += t[i] == '{' ? 1 : t[i] == '}' ? -1 : 0;
      --i;
      continue;
    }
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if (depth == 1 && c == ',')
      ++count;
    else if (depth == 1 && c != ' ')
      any = true;
  }
  fprintf(stream, "Pass Manager with %d passes:\n", any ? count + 1 : 0);
  depth = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = t[i];
    if (c == '{') {
      size_t j = i;
      int braces = 0;
      do {
        braces += t[j] == '{' ? 1 : t[j] == '}' ? -1 : 0;
        ++j;
      } while (j < n && braces);
      fwrite(t + i, 1, j - i, stream);
      i = j - 1;
    } else if (c == '(') {
      ++depth;
      fputs("(\n", stream);
      if (i + 1 < n && t[i + 1] != ')')
        indent(stream, depth);
    } else if (c == ')') {
      --depth;
      fputc('\n', stream);
      indent(stream, depth);
      fputc(')', stream);
    } else if (c == ',') {
      fputs(",\n", stream);
      indent(stream, depth);
    } else {
      fputc(c, stream);
    }
  }
  fputs("\n\n", stream);
  free(b.data);
}

/*===----------------------------------------------------------------------===*
 * --show-dialects
 *===----------------------------------------------------------------------===*/

/* The dialects mlirRegisterAllDialects registers in MLIR 22 (mlir-opt's list
   without its test dialects), each probed before it is printed, and
   cimlir's own. */
static const char *const kDialects[] = {
    "acc",       "affine",      "amdgpu",       "amx",
    "arith",     "arm_neon",    "arm_sme",      "arm_sve",
    "async",     "bufferization", "builtin",    "cf",
    "cim",       "complex",     "dlti",         "emitc",
    "func",      "gpu",         "index",        "irdl",
    "linalg",    "llvm",        "math",         "memref",
    "ml_program", "mpi",        "nvgpu",        "nvvm",
    "omp",       "pdl",         "pdl_interp",   "ptr",
    "quant",     "rocdl",       "scf",          "shape",
    "shard",     "smt",         "sparse_tensor", "spirv",
    "tensor",    "tosa",        "transform",    "ub",
    "vector",    "wasmssa",     "x86vector",    "xbar",
    "xegpu",     "xevm",
};

#include "cim-c/Dialects.h"

bool cimOptPrintDialects(FILE *stream) {
  MlirContext ctx = cimContextCreate();
  if (mlirContextIsNull(ctx))
    return false;
  fputs("Available Dialects: ", stream);
  bool first = true;
  for (size_t i = 0; i < sizeof kDialects / sizeof kDialects[0]; ++i) {
    MlirDialect d = mlirContextGetOrLoadDialect(
        ctx, mlirStringRefCreateFromCString(kDialects[i]));
    if (mlirDialectIsNull(d))
      continue;
    fprintf(stream, "%s%s", first ? "" : ",", kDialects[i]);
    first = false;
  }
  fputc('\n', stream);
  mlirContextDestroy(ctx);
  return true;
}
