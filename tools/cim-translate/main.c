/*===-- cim-translate - Between xbar IR, ISA assembly and ISA binaries -----===*
 *
 * mlir-translate for cimlir. One mode per run:
 *   --mlir-to-cim-asm   xbar IR (MLIR) -> assembly
 *   --mlir-to-cim-bin   xbar IR (MLIR) -> binary program
 *   --cim-bin-to-asm    binary -> assembly (disassembler)
 *   --cim-asm-to-bin    assembly -> binary (assembler)
 *   --import-onnx       ONNX model -> linalg + quant (MLIR), cim-c/Import.h
 * Output goes through CimOutputFile, so a failing run leaves no file behind.
 * docs/cim-translate.md describes the flags; docs/isa.md the formats. All the
 * work is in libcimlir (cim-c/Isa.h); this file maps flags onto it.
 *===----------------------------------------------------------------------===*/

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Dialects.h"
#include "cim-c/Import.h"
#include "cim-c/Input.h"
#include "cim-c/Isa.h"
#include "cim-c/Tooling.h"
#include "cim-c/Version.h"
#include "mlir-c/IR.h"
#include "print_module.h"

#define TOOL "cim-translate"

typedef enum Mode {
  MODE_NONE,
  MODE_MLIR_TO_ASM,
  MODE_MLIR_TO_BIN,
  MODE_BIN_TO_ASM,
  MODE_ASM_TO_BIN,
  MODE_IMPORT_ONNX
} Mode;

typedef struct Options {
  Mode mode;
  const char *input;
  const char *output;
  const char *entry;
  const char *target;
  bool splitInputFile;
  bool verifyDiagnostics;
  const char *elideLarger; ///< --mlir-elide-elementsattrs-if-larger
} Options;

static void printHelp(FILE *f) {
  fputs(
      "OVERVIEW: cimlir translation driver: xbar IR, ISA assembly and ISA "
      "binaries\n"
      "\n"
      "USAGE: cim-translate MODE [options] [input file, '-' or none for "
      "stdin]\n"
      "\n"
      "MODES (exactly one):\n"
      "  --mlir-to-cim-asm        xbar IR -> ISA assembly\n"
      "  --mlir-to-cim-bin        xbar IR -> ISA binary\n"
      "  --cim-bin-to-asm         ISA binary -> assembly (disassemble)\n"
      "  --cim-asm-to-bin         ISA assembly -> binary (assemble)\n"
      "  --import-onnx            ONNX model -> linalg + quant MLIR "
      "(docs/onnx.md)\n"
      "\n"
      "OPTIONS:\n"
      "  -o FILE                  Output file ('-' for stdout, the default); "
      "written\n"
      "                           atomically: on failure no file is created "
      "or changed\n"
      "  --entry=NAME             Function to encode (default: the only "
      "func.func)\n"
      "  --target=FILE            Target JSON file overriding the module's "
      "cim.target\n"
      "  --split-input-file       (--mlir-to-cim-asm) Split the input at "
      "'// -----'\n"
      "  --verify-diagnostics     (--mlir-to-cim-asm) Check diagnostics "
      "against\n"
      "                           expected-error comments in the input\n"
      "  --mlir-elide-elementsattrs-if-larger=N\n"
      "                           (--import-onnx) Print constants of more "
      "than N\n"
      "                           elements as dense_resource<__elided__>\n"
      "  --help, -h               This text\n"
      "  --version                Version of cim-translate and of MLIR\n"
      "\n"
      "Operators and limits of --import-onnx: docs/onnx.md. Formats: "
      "docs/isa.md.\n",
      f);
}

static void errorPrefix(void) { fputs(TOOL ": error: ", stderr); }

static bool matchFlag(int argc, char **argv, int *i, const char *name,
                      bool takesValue, const char **value) {
  const char *a = argv[*i];
  if (a[0] != '-')
    return false;
  a += (a[1] == '-') ? 2 : 1;
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0)
    return false;
  if (a[n] == '=') {
    *value = a + n + 1;
    return true;
  }
  if (a[n] != '\0')
    return false;
  *value = NULL;
  if (takesValue && *i + 1 < argc)
    *value = argv[++*i];
  return true;
}

/// The options that only some modes take, and the one mode: 0 when they go
/// together, 1 (after an error line) when not.
static int checkModeOptions(const Options *o) {
  if (o->mode == MODE_NONE) {
    errorPrefix();
    fputs("no mode given: use one of --mlir-to-cim-asm, --mlir-to-cim-bin, "
          "--cim-bin-to-asm, --cim-asm-to-bin, --import-onnx (see --help)\n",
          stderr);
    return 1;
  }
  bool fromMlir = o->mode == MODE_MLIR_TO_ASM || o->mode == MODE_MLIR_TO_BIN;
  if (!fromMlir && (o->entry || o->target || o->splitInputFile ||
                    o->verifyDiagnostics)) {
    errorPrefix();
    fputs("--entry, --target, --split-input-file and --verify-diagnostics "
          "apply only to --mlir-to-cim-asm/--mlir-to-cim-bin\n",
          stderr);
    return 1;
  }
  if (o->elideLarger && o->mode != MODE_IMPORT_ONNX) {
    errorPrefix();
    fputs("--mlir-elide-elementsattrs-if-larger applies only to "
          "--import-onnx\n",
          stderr);
    return 1;
  }
  if (o->mode == MODE_MLIR_TO_BIN && o->splitInputFile) {
    errorPrefix();
    fputs("--split-input-file cannot be used with --mlir-to-cim-bin (one "
          "binary holds one program)\n",
          stderr);
    return 1;
  }
  return 0;
}

/// Returns 0 to continue, 1 for an error, 2 for "done, exit 0".
static int parseCommandLine(int argc, char **argv, Options *o) {
  static const struct {
    const char *flag;
    Mode mode;
  } modes[] = {{"mlir-to-cim-asm", MODE_MLIR_TO_ASM},
               {"mlir-to-cim-bin", MODE_MLIR_TO_BIN},
               {"cim-bin-to-asm", MODE_BIN_TO_ASM},
               {"cim-asm-to-bin", MODE_ASM_TO_BIN},
               {"import-onnx", MODE_IMPORT_ONNX}};
  bool onlyPositional = false;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = NULL;
    if (onlyPositional || a[0] != '-' || !strcmp(a, "-")) {
      if (o->input) {
        errorPrefix();
        fprintf(stderr, "too many positional arguments: '%s' after '%s'\n", a,
                o->input);
        return 1;
      }
      o->input = a;
      continue;
    }
    if (!strcmp(a, "--")) {
      onlyPositional = true;
      continue;
    }
    if (matchFlag(argc, argv, &i, "help", false, &v) ||
        matchFlag(argc, argv, &i, "h", false, &v)) {
      printHelp(stdout);
      return 2;
    }
    if (matchFlag(argc, argv, &i, "version", false, &v)) {
      printf(TOOL " (cimlir) %s, built on MLIR %s, ISA version %d\n",
             cimGetVersion(), CIM_MLIR_VERSION_STRING, CIM_ISA_VERSION);
      return 2;
    }
    bool isMode = false;
    for (size_t k = 0; k < sizeof modes / sizeof modes[0]; ++k) {
      if (!matchFlag(argc, argv, &i, modes[k].flag, false, &v))
        continue;
      isMode = true;
      if (o->mode != MODE_NONE && o->mode != modes[k].mode) {
        errorPrefix();
        fprintf(stderr, "only one mode may be given; '--%s' conflicts with "
                        "an earlier one\n",
                modes[k].flag);
        return 1;
      }
      o->mode = modes[k].mode;
    }
    if (isMode)
      continue;
    struct {
      const char *name;
      const char **target;
    } valued[] = {{"o", &o->output}, {"entry", &o->entry},
                  {"target", &o->target}};
    bool matched = false;
    for (size_t k = 0; k < 3 && !matched; ++k) {
      if (!matchFlag(argc, argv, &i, valued[k].name, true, &v))
        continue;
      matched = true;
      if (!v || !*v) {
        errorPrefix();
        fprintf(stderr, "'%s%s' needs a value\n", k ? "--" : "-",
                valued[k].name);
        return 1;
      }
      *valued[k].target = v;
    }
    if (matched)
      continue;
    if (matchFlag(argc, argv, &i, "split-input-file", false, &v)) {
      o->splitInputFile = true;
      continue;
    }
    if (matchFlag(argc, argv, &i, "verify-diagnostics", false, &v)) {
      o->verifyDiagnostics = true;
      continue;
    }
    if (matchFlag(argc, argv, &i, "mlir-elide-elementsattrs-if-larger", true,
                  &v)) {
      char *end = NULL;
      if (!v || !*v || strtol(v, &end, 10) < 0 || *end) {
        errorPrefix();
        fputs("'--mlir-elide-elementsattrs-if-larger' needs a non-negative "
              "number\n",
              stderr);
        return 1;
      }
      o->elideLarger = v;
      continue;
    }
    errorPrefix();
    fprintf(stderr, "unknown option '%s' (see --help)\n", a);
    return 1;
  }
  if (checkModeOptions(o))
    return 1;
  if (!o->input)
    o->input = "-";
  if (!o->output)
    o->output = "-";
  return 0;
}

/// Reads all of `path` ("-" for stdin) into a malloc'ed NUL-terminated buffer.
static void printPlain(MlirStringRef message, void *userData) {
  (void)userData;
  errorPrefix();
  fprintf(stderr, "%.*s\n", (int)message.length, message.data);
}

/// Reads the input (size-limited, cim-c/Input.h); NULL after an error line.
static char *readInput(const char *path, size_t *length) {
  char *data = NULL;
  if (mlirLogicalResultIsFailure(cimReadInputFile(path, "input file", &data,
                                                  length, printPlain, NULL)))
    return NULL;
  return data;
}

static void toStream(MlirStringRef s, void *stream) {
  fwrite(s.data, 1, s.length, (FILE *)stream);
}

/// Prints a library message on stderr as "cim-translate: error: NAME:
/// MESSAGE" (a binary: the message names the byte offset; as cim-sim) or as
/// it is (assembly messages already read NAME:LINE:COL: error: ...).
typedef struct ErrorContext {
  const char *name;
  bool prefixName;
} ErrorContext;

static void printError(MlirStringRef s, void *userData) {
  const ErrorContext *c = userData;
  if (c->prefixName)
    fprintf(stderr, TOOL ": error: %s: ", c->name);
  fwrite(s.data, 1, s.length, stderr);
  fputc('\n', stderr);
}

/// Writes `program` to `out` in the output format of `mode`.
static bool writeProgram(const CimProgram *program, Mode mode, FILE *out,
                         const char *bufferName) {
  if (mode == MODE_MLIR_TO_ASM || mode == MODE_BIN_TO_ASM) {
    cimProgramPrintAsm(program, toStream, out);
    return true;
  }
  uint8_t *bytes = NULL;
  size_t size = 0;
  ErrorContext ec = {bufferName, true};
  if (mlirLogicalResultIsFailure(
          cimProgramEncode(program, &bytes, &size, printError, &ec)))
    return false;
  bool ok = fwrite(bytes, 1, size, out) == size;
  free(bytes);
  return ok;
}

/// One chunk of MLIR -> program -> output. In verify mode the diagnostics
/// go to `verifier`, else to a printer.
static bool translateChunk(MlirContext ctx, const Options *o,
                           CimSourceBuffer source, CimSourceChunk chunk,
                           unsigned lastLine, CimDiagnosticVerifier verifier,
                           FILE *out, bool *printedAny) {
  intptr_t errors = 0;
  MlirDiagnosticHandlerID printer = 0;
  if (!o->verifyDiagnostics)
    printer = cimAttachDiagnosticPrinter(ctx, stderr, source, &errors);
  bool ok = false;
  MlirOperation module = cimParseSourceChunk(ctx, source.name, chunk);
  if (!mlirOperationIsNull(module)) {
    CimProgram *program = NULL;
    ok = mlirLogicalResultIsSuccess(cimProgramCreateFromModule(
        module,
        mlirStringRefCreateFromCString(o->entry ? o->entry : ""),
        mlirStringRefCreateFromCString(o->target ? o->target : ""),
        &program));
    if (ok) {
      if (*printedAny)
        fputs("; -----\n", out);
      ok = writeProgram(program, o->mode, out, source.name.data);
      *printedAny = true;
    }
    cimProgramDestroy(program);
    mlirOperationDestroy(module);
  }
  if (o->verifyDiagnostics)
    return mlirLogicalResultIsSuccess(
        cimDiagnosticVerifierFinish(verifier, chunk.firstLine, lastLine));
  mlirContextDetachDiagnosticHandler(ctx, printer);
  return ok && errors == 0;
}

static bool fromMlir(const Options *o, char *input, size_t length,
                     const char *bufferName, FILE *out) {
  unsigned deepLine = 0;
  int64_t maxDepth = cimGetMaxNestingDepth();
  if (!cimCheckNestingDepth(mlirStringRefCreate(input, length), maxDepth,
                            &deepLine)) {
    fprintf(stderr,
            "%s:%u: error: brackets nest deeper than %lld levels, more than "
            "a %llu-byte stack can parse (set CIM_STACK_BYTES to raise it)\n",
            bufferName, deepLine, (long long)maxDepth,
            (unsigned long long)cimGetStackBytes());
    return false;
  }
  unsigned column = 0;
  if (!cimCheckLinalgProperties(mlirStringRefCreate(input, length), &deepLine,
                                &column)) {
    fprintf(stderr, "%s:%u:%u: error: %s\n", bufferName, deepLine, column,
            "properties of a linalg op must be a dictionary, '<{...}>': MLIR 22's linalg parser crashes on any other attribute there");
    return false;
  }
  MlirContext ctx = cimContextCreate();
  if (mlirContextIsNull(ctx)) {
    errorPrefix();
    fputs("the embedded cim/xbar dialects failed to load\n", stderr);
    return false;
  }
  CimSourceBuffer source = {mlirStringRefCreateFromCString(bufferName),
                            mlirStringRefCreate(input, length)};
  CimSourceChunk whole = {source.text, 1};
  CimSourceChunk *chunks = NULL;
  intptr_t numChunks = 1;
  bool allOk = true;
  if (o->splitInputFile) {
    numChunks = cimSplitSourceBuffer(source.text, mlirStringRefCreate(NULL, 0),
                                     &chunks);
    if (numChunks <= 0) {
      errorPrefix();
      fputs("cannot split the input\n", stderr);
      mlirContextDestroy(ctx);
      return false;
    }
  }
  CimDiagnosticVerifier verifier = {NULL};
  if (o->verifyDiagnostics) {
    verifier = cimDiagnosticVerifierCreate(ctx, source, stderr);
    if (cimDiagnosticVerifierIsNull(verifier)) {
      errorPrefix();
      fputs("out of memory while verifying diagnostics\n", stderr);
      allOk = false;
    }
  }
  bool printedAny = false, keepGoing = true;
  for (intptr_t i = 0; allOk && i < numChunks; ++i) {
    CimSourceChunk chunk = o->splitInputFile ? chunks[i] : whole;
    unsigned lastLine = (o->splitInputFile && i + 1 < numChunks)
                            ? chunks[i + 1].firstLine - 2
                            : 0;
    if (!translateChunk(ctx, o, source, chunk, lastLine, verifier, out,
                        &printedAny))
      allOk = o->splitInputFile ? (keepGoing = false, allOk) : false;
  }
  if (!keepGoing)
    allOk = false;
  cimDiagnosticVerifierDestroy(verifier);
  free(chunks);
  mlirContextDestroy(ctx);
  return allOk;
}

/// --import-onnx: the model (mapped from its file, or read from stdin) ->
/// MLIR text. Diagnostics are printed as they come; nothing is written
/// unless the import succeeded.
static int importOnnx(const Options *o) {
  MlirContext ctx = cimContextCreate();
  if (mlirContextIsNull(ctx)) {
    errorPrefix();
    fputs("the embedded cim/xbar dialects failed to load\n", stderr);
    return 1;
  }
  const char *bufferName = strcmp(o->input, "-") ? o->input : "<stdin>";
  CimSourceBuffer noSource = {mlirStringRefCreateFromCString(bufferName),
                              mlirStringRefCreate(NULL, 0)};
  intptr_t errors = 0;
  MlirDiagnosticHandlerID printer =
      cimAttachDiagnosticPrinter(ctx, stderr, noSource, &errors);
  MlirOperation module;
  if (strcmp(o->input, "-")) {
    module = cimImportOnnxFile(ctx, mlirStringRefCreateFromCString(o->input));
  } else {
    size_t length = 0;
    char *bytes = readInput("-", &length);
    if (!bytes) {
      mlirContextDestroy(ctx);
      return 1;
    }
    module = cimImportOnnxBytes(ctx, bytes, length,
                                mlirStringRefCreateFromCString(bufferName));
    free(bytes);
  }
  bool ok = !mlirOperationIsNull(module) && errors == 0;
  if (ok) {
    CimOutputFile outFile = cimOutputFileOpen(o->output, cimWriteLineToStream, stderr);
    ok = !cimOutputFileIsNull(outFile);
    if (ok) {
      FILE *out = cimOutputFileGetStream(outFile);
      if (o->elideLarger) {
        MlirOpPrintingFlags flags = mlirOpPrintingFlagsCreate();
        mlirOpPrintingFlagsElideLargeElementsAttrs(
            flags, strtol(o->elideLarger, NULL, 10));
        mlirOpPrintingFlagsEnableDebugInfo(flags, true, false);
        mlirOperationPrintWithFlags(module, flags, toStream, out);
        mlirOpPrintingFlagsDestroy(flags);
      } else {
        /* The weights' hex strings are streamed (print_module.c). */
        cimTranslatePrintModule(module, out);
      }
      fputc('\n', out);
      ok = mlirLogicalResultIsSuccess(cimOutputFileCommit(outFile, cimWriteLineToStream, stderr));
    }
  }
  if (!mlirOperationIsNull(module))
    mlirOperationDestroy(module);
  mlirContextDetachDiagnosticHandler(ctx, printer);
  mlirContextDestroy(ctx);
  return ok ? 0 : 1;
}

static int translateMain(int argc, char **argv) {
  Options o = {0};
  int status = parseCommandLine(argc, argv, &o);
  if (status != 0)
    return status == 2 ? 0 : 1;
  if (o.mode == MODE_IMPORT_ONNX)
    return importOnnx(&o);

  size_t length = 0;
  char *input = readInput(o.input, &length);
  if (!input)
    return 1;
  const char *bufferName = strcmp(o.input, "-") ? o.input : "<stdin>";

  CimOutputFile outFile = cimOutputFileOpen(o.output, cimWriteLineToStream, stderr);
  if (cimOutputFileIsNull(outFile)) {
    free(input);
    return 1;
  }
  FILE *out = cimOutputFileGetStream(outFile);
  bool ok = false;
  if (o.mode == MODE_MLIR_TO_ASM || o.mode == MODE_MLIR_TO_BIN) {
    ok = fromMlir(&o, input, length, bufferName, out);
  } else {
    CimProgram *program = NULL;
    if (o.mode == MODE_BIN_TO_ASM) {
      ErrorContext ec = {bufferName, true};
      ok = mlirLogicalResultIsSuccess(cimProgramDecode(
          (const uint8_t *)input, length, &program, printError, &ec));
    } else {
      ErrorContext ec = {bufferName, false};
      ok = mlirLogicalResultIsSuccess(cimProgramParseAsm(
          mlirStringRefCreate(input, length),
          mlirStringRefCreateFromCString(bufferName), &program, printError,
          &ec));
    }
    if (ok)
      ok = writeProgram(program, o.mode, out, bufferName);
    cimProgramDestroy(program);
  }
  free(input);
  if (!ok) {
    cimOutputFileDiscard(outFile);
    return 1;
  }
  return mlirLogicalResultIsSuccess(cimOutputFileCommit(outFile, cimWriteLineToStream, stderr)) ? 0
                                                                          : 1;
}

/* The real main runs on a large stack: deeply nested IR is parsed, printed
 * and destroyed recursively by MLIR (cim-c/Tooling.h). */
int main(int argc, char **argv) {
  return cimRunMainWithLargeStack(translateMain, argc, argv);
}
