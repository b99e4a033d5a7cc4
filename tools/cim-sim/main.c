/*===-- cim-sim - Runs a compiled CIM program bit-exactly ------------------===*
 *
 *   cim-sim PROGRAM --input NAME=FILE.npy ... [--output-dir DIR]
 *           [--report FILE.json] [--target FILE.json]
 *           [--target-set FIELD=VALUE,...] [--list-target-fields]
 *
 * Reads a binary program (cim-translate --mlir-to-cim-bin) or its assembly,
 * runs it on the given .npy inputs in the simulator (libcimlir, cim-c/Sim.h),
 * writes each output as DIR/NAME.npy and the JSON report, and prints the
 * per-layer table. Every problem is one "cim-sim: error: ..." line (or,
 * at a position in an assembly program, "FILE:LINE:COL: error: ...") and a
 * non-zero exit; output files appear all together or not at all.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cim-c/Input.h"
#include "cim-c/Isa.h"
#include "cim-c/Npy.h"
#include "cim-c/Sim.h"
#include "cim-c/Target.h"
#include "cim-c/Tooling.h"
#include "cim-c/Version.h"

#define TOOL "cim-sim"

static const char *const usage =
    "OVERVIEW: cim-sim - runs a compiled CIM program bit-exactly and reports "
    "its cost\n"
    "\n"
    "USAGE: cim-sim PROGRAM [options]\n"
    "\n"
    "PROGRAM is a binary program (cim-translate --mlir-to-cim-bin) or its\n"
    "assembly (--mlir-to-cim-asm, --cim-bin-to-asm).\n"
    "\n"
    "OPTIONS:\n"
    "  --input NAME=FILE.npy   Value of program input NAME (repeat for each\n"
    "                          input). Shape and dtype must match the program\n"
    "                          (i1..i8 -> int8, i9..i16 -> int16, ...,\n"
    "                          u1..u8 -> uint8, ...).\n"
    "  --output-dir DIR        Write every output as DIR/NAME.npy (DIR must\n"
    "                          exist). All outputs appear together or none.\n"
    "  --report FILE.json      Write the JSON report (totals, per layer, per\n"
    "                          crossbar; docs/cim-sim.md).\n"
    "  --target FILE.json      Price events with this target's times and\n"
    "                          energies (everything else must match the\n"
    "                          program's target).\n"
    "  --target-set F=V,...    Override single target fields (repeatable),\n"
    "                          e.g. t_mvm_ns=1000,e_adc_pj=2; on --target's\n"
    "                          target, else the program's.\n"
    "  --list-target-fields    Print the target fields (docs/target.md).\n"
    "  --no-shortcuts          Compute every MVM plane by plane (slower; the\n"
    "                          results are the same).\n"
    "  --quiet                 Do not print the table.\n"
    "  --help                  Print this text.\n"
    "  --version               Print the version.\n";

static void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void errorf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs(TOOL ": error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/// Prints a library message as one error line, with an optional prefix.
typedef struct ErrCtx {
  const char *prefix;
} ErrCtx;

static void printError(MlirStringRef s, void *ud) {
  const ErrCtx *c = ud;
  fprintf(stderr, TOOL ": error: %s%.*s\n", c && c->prefix ? c->prefix : "",
          (int)s.length, s.data);
}

/// Prints a message that already reads "FILE:LINE:COL: error: ..." (MLIR's
/// form, from the assembly parser) as it is.
static void printLocated(MlirStringRef s, void *ud) {
  (void)ud;
  fprintf(stderr, "%.*s\n", (int)s.length, s.data);
}

static void toStdout(MlirStringRef s, void *ud) {
  (void)ud;
  fwrite(s.data, 1, s.length, stdout);
}

static void toStream(MlirStringRef s, void *stream) {
  fwrite(s.data, 1, s.length, stream);
}

typedef struct InputArg {
  const char *name;
  size_t nameLength;
  const char *path;
} InputArg;

typedef struct Options {
  const char *program;
  const char *outputDir;
  const char *report;
  const char *target;
  const char **targetSets;
  int numTargetSets;
  bool noShortcuts;
  bool quiet;
  InputArg *inputs;
  int numInputs;
} Options;

/// Matches `--name VALUE` / `--name=VALUE` (and `-name`).
static bool matchValue(int argc, char **argv, int *i, const char *name,
                       const char **value, bool *missing) {
  const char *a = argv[*i];
  if (a[0] != '-')
    return false;
  a += a[1] == '-' ? 2 : 1;
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0)
    return false;
  if (a[n] == '=') {
    *value = a + n + 1;
    *missing = !**value;
    return true;
  }
  if (a[n] != '\0')
    return false;
  *missing = *i + 1 >= argc;
  *value = *missing ? NULL : argv[++*i];
  return true;
}

static bool isFlag(const char *a, const char *name) {
  if (a[0] != '-')
    return false;
  a += a[1] == '-' ? 2 : 1;
  return strcmp(a, name) == 0;
}

/// 0: continue; 1: error; 2: done (help/version).
static int parseArgs(int argc, char **argv, Options *o) {
  o->inputs = calloc((size_t)argc, sizeof *o->inputs);
  o->targetSets = calloc((size_t)argc, sizeof *o->targetSets);
  if (!o->inputs || !o->targetSets) {
    errorf("out of memory");
    return 1;
  }
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i], *v = NULL;
    bool missing = false;
    if (isFlag(a, "help") || isFlag(a, "h")) {
      fputs(usage, stdout);
      return 2;
    }
    if (isFlag(a, "version")) {
      printf(TOOL " (cimlir) %s\n", cimGetVersion());
      return 2;
    }
    if (isFlag(a, "list-target-fields")) {
      cimTargetPrintFieldTable(toStdout, NULL);
      return 2;
    }
    if (isFlag(a, "no-shortcuts")) {
      o->noShortcuts = true;
      continue;
    }
    if (isFlag(a, "quiet")) {
      o->quiet = true;
      continue;
    }
    const char **slot = NULL;
    const char *flag = NULL;
    if (matchValue(argc, argv, &i, "input", &v, &missing)) {
      if (missing) {
        errorf("'--input' needs NAME=FILE.npy");
        return 1;
      }
      const char *eq = strchr(v, '=');
      if (!eq || eq == v || !eq[1]) {
        errorf("'--input %s': expected NAME=FILE.npy", v);
        return 1;
      }
      o->inputs[o->numInputs++] =
          (InputArg){v, (size_t)(eq - v), eq + 1};
      continue;
    }
    if (matchValue(argc, argv, &i, "target-set", &v, &missing)) {
      if (missing) {
        errorf("'--target-set' needs FIELD=VALUE");
        return 1;
      }
      o->targetSets[o->numTargetSets++] = v;
      continue;
    }
    if (matchValue(argc, argv, &i, "output-dir", &v, &missing))
      slot = &o->outputDir, flag = "--output-dir";
    else if (matchValue(argc, argv, &i, "report", &v, &missing))
      slot = &o->report, flag = "--report";
    else if (matchValue(argc, argv, &i, "target", &v, &missing))
      slot = &o->target, flag = "--target";
    if (slot) {
      if (missing) {
        errorf("'%s' needs a value", flag);
        return 1;
      }
      *slot = v;
      continue;
    }
    if (a[0] == '-' && a[1] != '\0') {
      errorf("unknown option '%s' (see --help)", a);
      return 1;
    }
    if (o->program) {
      errorf("more than one program: '%s' and '%s'", o->program, a);
      return 1;
    }
    o->program = a;
  }
  if (!o->program) {
    errorf("no program given (usage: cim-sim PROGRAM --input NAME=FILE.npy "
           "...; see --help)");
    return 1;
  }
  return 0;
}

/// Reads a whole program file (size-limited, cim-c/Input.h); NULL (after
/// an error line) on failure.
static unsigned char *readFile(const char *path, size_t *size) {
  char *data = NULL;
  ErrCtx none = {NULL};
  if (mlirLogicalResultIsFailure(
          cimReadInputFile(path, "program", &data, size, printError, &none)))
    return NULL;
  return (unsigned char *)data;
}

static CimProgram *loadProgram(const char *path) {
  size_t size = 0;
  unsigned char *bytes = readFile(path, &size);
  if (!bytes)
    return NULL;
  CimProgram *p = NULL;
  char prefix[4096];
  snprintf(prefix, sizeof prefix, "%s: ", path);
  ErrCtx ctx = {prefix};
  MlirLogicalResult r;
  if (size >= 4 && memcmp(bytes, CIM_ISA_MAGIC, 4) == 0) {
    r = cimProgramDecode(bytes, size, &p, printError, &ctx);
  } else {
    r = cimProgramParseAsm(mlirStringRefCreate((const char *)bytes, size),
                           mlirStringRefCreateFromCString(path), &p,
                           printLocated, NULL);
  }
  free(bytes);
  if (mlirLogicalResultIsFailure(r)) {
    cimProgramDestroy(p);
    return NULL;
  }
  return p;
}

/// Applies every --target-set, joined into one list (cross-field rules are
/// checked once, on the result).
static bool applyTargetSets(const Options *o, CimTarget *target) {
  size_t n = 1;
  for (int i = 0; i < o->numTargetSets; ++i)
    n += strlen(o->targetSets[i]) + 1;
  char *all = calloc(n, 1);
  if (!all) {
    errorf("out of memory");
    return false;
  }
  for (int i = 0; i < o->numTargetSets; ++i) {
    if (i)
      strcat(all, ",");
    strcat(all, o->targetSets[i]);
  }
  ErrCtx none = {NULL};
  bool ok = mlirLogicalResultIsSuccess(cimTargetApplyOverrides(
      target, mlirStringRefCreateFromCString(all),
      mlirStringRefCreateFromCString("--target-set"), printError, &none));
  free(all);
  return ok;
}

static bool isDirectory(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/// Writes every output as `dir/NAME.npy`. The files are deferred
/// (cimDeferredOutputsBegin in main): they appear, with the report, only when
/// all of them have been written.
static bool writeOutputs(CimSim sim, const CimProgram *p, const char *dir) {
  for (uint32_t i = 0; i < p->numOutputs; ++i) {
    const char *name = p->outputs[i].name;
    size_t len = strlen(dir) + strlen(name) + 8;
    char *path = malloc(len);
    if (!path) {
      errorf("out of memory");
      return false;
    }
    snprintf(path, len, "%s/%s.npy", dir, name);
    CimNpyArray a;
    char prefix[600];
    snprintf(prefix, sizeof prefix, "output '%s': ", name);
    ErrCtx ctx = {prefix};
    bool ok = mlirLogicalResultIsSuccess(
        cimSimGetOutput(sim, i, &a, printError, &ctx));
    if (ok) {
      ErrCtx plain = {NULL};
      ok = mlirLogicalResultIsSuccess(
          cimNpyWriteFile(path, &a, printError, &plain));
      cimNpyArrayDestroy(&a);
    }
    free(path);
    if (!ok)
      return false;
  }
  return true;
}

/// Sets the program's inputs from --input: every name known, none twice,
/// none missing.
static bool setInputs(CimSim sim, const CimProgram *p, const Options *o) {
  bool *given = calloc(p->numInputs ? p->numInputs : 1, 1);
  if (!given) {
    errorf("out of memory");
    return false;
  }
  for (int i = 0; i < o->numInputs; ++i) {
    const InputArg *in = &o->inputs[i];
    int64_t idx = cimSimLookupInput(
        sim, mlirStringRefCreate(in->name, in->nameLength));
    if (idx < 0) {
      fprintf(stderr, TOOL ": error: the program has no input named '%.*s'",
              (int)in->nameLength, in->name);
      for (uint32_t k = 0; k < p->numInputs; ++k)
        fprintf(stderr, "%s'%s'", k ? ", " : " (its inputs: ",
                p->inputs[k].name);
      fputs(p->numInputs ? ")\n" : " (it takes none)\n", stderr);
      free(given);
      return false;
    }
    if (given[idx]) {
      errorf("input '%.*s' is given twice", (int)in->nameLength, in->name);
      free(given);
      return false;
    }
    given[idx] = true;
    char prefix[600];
    snprintf(prefix, sizeof prefix, "input '%.*s': ", (int)in->nameLength,
             in->name);
    ErrCtx ctx = {prefix};
    CimNpyArray a;
    if (mlirLogicalResultIsFailure(
            cimNpyReadFile(in->path, &a, printError, &ctx))) {
      free(given);
      return false;
    }
    MlirLogicalResult r = cimSimSetInput(sim, idx, &a, printError, NULL);
    cimNpyArrayDestroy(&a);
    if (mlirLogicalResultIsFailure(r)) {
      free(given);
      return false;
    }
  }
  for (uint32_t k = 0; k < p->numInputs; ++k)
    if (!given[k]) {
      errorf("input '%s' is missing (give --input %s=FILE.npy)",
             p->inputs[k].name, p->inputs[k].name);
      free(given);
      return false;
    }
  free(given);
  return true;
}

int main(int argc, char **argv) {
#ifdef __GLIBC__
  /* The simulator frees and allocates buffers of the same few MiB at almost
   * every instruction. glibc would hand each freed one back to the kernel
   * (trimming the heap top, or munmap) and fault its pages in again at the
   * next allocation: on ResNet-18 that was half the run time (docs/cim-sim.md,
   * "Speed"). A one-shot tool keeps freed memory for reuse instead; peak RSS
   * is unchanged. */
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
  Options o = {0};
  int rc = parseArgs(argc, argv, &o);
  if (rc) {
    free(o.inputs);
    free(o.targetSets);
    return rc == 2 ? 0 : 1;
  }
  int status = 1;
  CimProgram *program = NULL;
  CimSim sim = {NULL};
  CimOutputFile report = {NULL};
  CimTarget target;
  bool haveTarget = false;
  ErrCtx none = {NULL};

  if (o.outputDir && !isDirectory(o.outputDir)) {
    errorf("output directory '%s' does not exist or is not a directory",
           o.outputDir);
    goto done;
  }
  if (o.target) {
    if (mlirLogicalResultIsFailure(
            cimTargetLoadFile(o.target, &target, printError, &none)))
      goto done;
    haveTarget = true;
  }
  program = loadProgram(o.program);
  if (!program)
    goto done;
  if (o.numTargetSets) {
    if (!haveTarget)
      target = program->target;
    haveTarget = true;
    if (!applyTargetSets(&o, &target))
      goto done;
  }
  {
    char prefix[4096];
    snprintf(prefix, sizeof prefix, "%s: ", o.program);
    ErrCtx ctx = {prefix};
    if (mlirLogicalResultIsFailure(cimSimCreate(
            program, haveTarget ? &target : NULL, &sim, printError, &ctx)))
      goto done;
  }
  cimSimSetShortcuts(sim, !o.noShortcuts);

  if (!setInputs(sim, program, &o))
    goto done;

  /* Open the report before running, so an unwritable path fails early. */
  if (o.report) {
    report = cimOutputFileOpen(o.report, cimWriteLineToStream, stderr);
    if (cimOutputFileIsNull(report)) {
      fputs(TOOL ": error: cannot write the report\n", stderr);
      goto done;
    }
  }
  {
    char prefix[4096];
    snprintf(prefix, sizeof prefix, "%s: ", o.program);
    ErrCtx ctx = {prefix};
    if (mlirLogicalResultIsFailure(cimSimRun(sim, printError, &ctx)))
      goto done;
  }
  /* The report and the output tensors appear together, or not at all. */
  cimDeferredOutputsBegin();
  if (o.report) {
    cimSimPrintReportJSON(sim, toStream, cimOutputFileGetStream(report));
    CimOutputFile r = report;
    report.ptr = NULL;
    if (mlirLogicalResultIsFailure(cimOutputFileDefer(r, cimWriteLineToStream, stderr)))
      goto done;
  }
  if (o.outputDir && !writeOutputs(sim, program, o.outputDir))
    goto done;
  if (mlirLogicalResultIsFailure(cimDeferredOutputsCommit(cimWriteLineToStream, stderr)))
    goto done;
  if (!o.quiet)
    cimSimPrintTable(sim, toStdout, NULL);
  status = 0;

done:
  cimDeferredOutputsDiscard();
  cimOutputFileDiscard(report);
  cimSimDestroy(sim);
  cimProgramDestroy(program);
  free(o.inputs);
  free(o.targetSets);
  return status;
}
