/*===-- options.c - cim-opt's command line ---------------------------------===*
 *
 * One table of driver flags, with mlir-opt 22's names and defaults. The
 * parser, --help, the "Did you mean" suggestions and the refusals of flags
 * that the MLIR C API cannot implement all iterate it. Anything that is not
 * in the table is a pass flag, resolved against the cim pass table and
 * MLIR's pass registry when the pass manager is built.
 *===----------------------------------------------------------------------===*/

#include "options.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cim-c/Passes.h"
#include "cim-c/Tooling.h"
#include "cim-c/Version.h"
#include "usage.h"

#define TOOL "cim-opt"

typedef enum FlagKind {
  kBool,      /* --x, --x=true|false */
  kString,    /* --x=V or --x V */
  kOptString, /* --x or --x=V */
  kList,      /* repeatable --x=V */
  kInt,       /* --x=N */
  kChoice,    /* --x=one|two */
  kAction,    /* handled in code: --help, --version, --list-passes */
  kRefused,   /* exists in mlir-opt, impossible here: `help` says why */
  kFixed,     /* a boolean the C API leaves at mlir-opt's default (`choices`,
                 "true" or "false"): that value is accepted, the other is
                 refused with `help` as the reason */
} FlagKind;

typedef struct Flag {
  const char *name;
  FlagKind kind;
  size_t offset;       /* into CimOptOptions */
  const char *valueName;
  const char *help;    /* for kRefused: why it cannot be done */
  const char *choices; /* kChoice: "a|b" */
} Flag;

#define OFF(field) offsetof(CimOptOptions, field)
#define NONE ((size_t)-1)

/* A flag of mlir-opt that cim-opt refuses, and why. */
#define REFUSED(name, why) {name, kRefused, NONE, NULL, why, NULL}
#define NO_ACTIONS "the C API has no action handlers"
#define NO_CRASH_REPRODUCER "the C API has no crash reproducer"
#define NO_DEBUG_COUNTERS "the C API has no debug counters"

static const Flag kFlags[] = {
    {"o", kString, OFF(output), "filename", "Output filename", NULL},
    {"pass-pipeline", kString, OFF(pipeline), "string",
     "Textual description of the pass pipeline to run", NULL},
    {"p", kString, OFF(pipeline), "string", "Alias for --pass-pipeline", NULL},
    {"split-input-file", kOptString, OFF(splitMarker), "string",
     "Split the input file into chunks using the given or default marker and "
     "process each chunk independently",
     NULL},
    {"output-split-marker", kString, OFF(outputSplitMarker), "string",
     "Split marker to use for merging the output", NULL},
    {"verify-diagnostics", kChoice, NONE, "value",
     "Check that emitted diagnostics match expected-* lines on the "
     "corresponding line (=all, the default, or =only-expected)",
     "all|only-expected"},
    {"verify-each", kBool, OFF(verifyEach), NULL,
     "Run the verifier after each transformation pass (default: true)", NULL},
    {"verify-roundtrip", kBool, OFF(verifyRoundtrip), NULL,
     "Round-trip the IR after parsing and ensure it succeeds", NULL},
    {"irdl-file", kList, OFF(irdlFiles), "filename",
     "IRDL file to register before processing the input (repeatable)", NULL},
    {"load-pass-plugin", kList, OFF(plugins), "string",
     "Load passes from plugin library (exports cimGetPassPluginInfo)", NULL},
    {"allow-unregistered-dialect", kBool, OFF(allowUnregistered), NULL,
     "Allow operation with no registered dialects", NULL},
    {"no-implicit-module", kBool, OFF(noImplicitModule), NULL,
     "Disable implicit addition of a top-level module op during parsing",
     NULL},
    {"dump-pass-pipeline", kBool, OFF(dumpPipeline), NULL,
     "Print the pipeline that will be run", NULL},
    {"emit-bytecode", kBool, OFF(emitBytecode), NULL,
     "Emit bytecode when generating output", NULL},
    {"elide-resource-data-from-bytecode", kBool, OFF(elideResourceData), NULL,
     "Elide resources when generating bytecode", NULL},
    {"emit-bytecode-version", kInt, OFF(bytecodeVersion), "value",
     "Use specified bytecode when generating output", NULL},
    {"emit-bytecode-producer", kString, OFF(bytecodeProducer), "string",
     "Use specified producer string when generating bytecode output", NULL},
    {"mlir-disable-diagnostic-notes", kBool, OFF(disableNotes), NULL,
     "Disable diagnostic notes (those emitted on their own; notes attached "
     "to an error stay, as in mlir-opt 22)",
     NULL},
    {"mlir-diagnostic-verbosity-level", kChoice, NONE, "value",
     "Choose level of diagnostic information (errors, warnings or remarks, "
     "the default)",
     "errors|warnings|remarks"},
    {"mlir-disable-threading", kBool, OFF(disableThreading), NULL,
     "Disable multi-threading within MLIR", NULL},
    {"mlir-timing", kBool, OFF(timing), NULL, "Display execution times", NULL},
    {"mlir-timing-display", kChoice, NONE, "value",
     "Display method for timing data (list or tree, the default)",
     "list|tree"},
    {"mlir-output-format", kChoice, NONE, "value",
     "Output format for timing data (text, the default, or json)",
     "text|json"},
    {"mlir-pass-statistics", kBool, OFF(statistics), NULL,
     "Display the statistics of each pass", NULL},
    {"mlir-pass-statistics-display", kChoice, NONE, "value",
     "Display method for pass statistics (list or pipeline, the default)",
     "list|pipeline"},
    {"mlir-print-ir-before-all", kBool, OFF(printBefore), NULL,
     "Print IR before each pass", NULL},
    {"mlir-print-ir-after-all", kBool, OFF(printAfter), NULL,
     "Print IR after each pass", NULL},
    {"mlir-print-ir-after-change", kBool, OFF(printAfterChange), NULL,
     "When printing the IR after a pass, only print if the IR changed", NULL},
    {"mlir-print-ir-after-failure", kBool, OFF(printAfterFailure), NULL,
     "When printing the IR after a pass, only print if the pass failed", NULL},
    {"mlir-print-ir-before", kList, OFF(printBeforePasses), "pass-arg",
     "Print IR before specified passes (comma-separated pass arguments)",
     NULL},
    {"mlir-print-ir-after", kList, OFF(printAfterPasses), "pass-arg",
     "Print IR after specified passes (comma-separated pass arguments)",
     NULL},
    {"mlir-print-ir-module-scope", kBool, OFF(printModuleScope), NULL,
     "When printing IR for print-ir-[before|after]{-all} always print the "
     "top-level operation",
     NULL},
    {"mlir-print-ir-tree-dir", kString, OFF(printTreeDir), "string",
     "When printing the IR before/after a pass, print file tree rooted at "
     "this directory",
     NULL},
    {"mlir-print-debuginfo", kBool, OFF(printDebugInfo), NULL,
     "Print debug info in MLIR output", NULL},
    {"mlir-pretty-debuginfo", kBool, OFF(prettyDebugInfo), NULL,
     "Print pretty debug info in MLIR output", NULL},
    {"mlir-print-op-generic", kBool, OFF(printGeneric), NULL,
     "Print the generic op form", NULL},
    {"mlir-print-local-scope", kBool, OFF(printLocalScope), NULL,
     "Print with local scope and inline information", NULL},
    {"mlir-print-assume-verified", kBool, OFF(assumeVerified), NULL,
     "Skip op verification when using custom printers", NULL},
    {"mlir-use-nameloc-as-prefix", kBool, OFF(nameLocAsPrefix), NULL,
     "Print SSA IDs using NameLocs as prefixes", NULL},
    {"mlir-print-skip-regions", kBool, OFF(skipRegions), NULL,
     "Skip regions when printing ops", NULL},
    {"mlir-elide-elementsattrs-if-larger", kInt, OFF(elideElements), "uint",
     "Elide ElementsAttrs with \"...\" that have more elements than the given "
     "upper limit",
     NULL},
    {"mlir-elide-resource-strings-if-larger", kInt, OFF(elideResources),
     "uint", "Elide printing value of resources if string is too long in chars",
     NULL},
    {"log-actions-to", kString, OFF(logActionsTo), "string",
     "Log the pass-execution actions to a file, or stdout if '-' is passed "
     "(docs/cim-opt.md)",
     NULL},
    {"log-mlir-actions-filter", kList, OFF(actionFilters), "string",
     "Comma separated list of locations to filter actions from logging",
     NULL},
    {"run-reproducer", kBool, OFF(runReproducer), NULL,
     "Run the pipeline stored in the reproducer", NULL},
    {"show-dialects", kBool, OFF(showDialects), NULL,
     "Print the list of registered dialects and exit", NULL},
    {"list-passes", kAction, NONE, NULL,
     "Print the list of cim passes and exit (=markdown: docs/passes.md)", NULL},
    {"help", kAction, NONE, NULL, "Display available options", NULL},
    {"help-hidden", kAction, NONE, NULL,
     "Display available options (there are no hidden ones)", NULL},
    {"h", kAction, NONE, NULL, "Alias for --help", NULL},
    {"version", kAction, NONE, NULL, "Display the version of this program",
     NULL},

    /* mlir-opt flags that cannot be done on the C API. */
    REFUSED("load-dialect-plugin", "dialect plugins are C++ libraries; "
                                   "cimlir's dialect plugins are IRDL files: "
                                   "use --irdl-file"),
    REFUSED("mlir-print-unique-ssa-ids",
            "MlirOpPrintingFlags has no unique-SSA-id setter"),
    REFUSED("mlir-print-value-users",
            "MlirOpPrintingFlags has no value-users setter"),
    REFUSED("mlir-print-elementsattrs-with-hex-if-larger",
            "MlirOpPrintingFlags has no hex-elements setter"),
    {"mlir-print-op-on-diagnostic", kFixed, NONE, NULL,
     "the C API cannot change MLIRContext::printOpOnDiagnostic (always on, "
     "mlir-opt's default)",
     "true"},
    {"mlir-print-stacktrace-on-diagnostic", kFixed, NONE, NULL,
     "the C API cannot change MLIRContext::printStackTraceOnDiagnostic "
     "(always off, mlir-opt's default)",
     "false"},
    REFUSED("mlir-very-unsafe-disable-verifier-on-parsing",
            "the C API's parser always verifies (no ParserConfig)"),
    REFUSED("mlir-pass-pipeline-crash-reproducer",
            NO_CRASH_REPRODUCER
            " (PassManager::enableCrashReproducerGeneration)"),
    REFUSED("mlir-pass-pipeline-local-reproducer", NO_CRASH_REPRODUCER),
    REFUSED("mlir-generate-reproducer",
            "the C API has no reproducer generation"),
    REFUSED("profile-actions-to", NO_ACTIONS),
    REFUSED("mlir-enable-debugger-hook", NO_ACTIONS),
    REFUSED("mlir-debug-counter", NO_DEBUG_COUNTERS),
    REFUSED("mlir-print-debug-counter", NO_DEBUG_COUNTERS),
};
enum { kNumFlags = sizeof kFlags / sizeof kFlags[0] };

static void *field(CimOptOptions *o, const Flag *f) {
  return (char *)o + f->offset;
}

static bool parseBool(const char *flag, const char *value, bool *out) {
  if (!value || !strcmp(value, "true") || !strcmp(value, "TRUE") ||
      !strcmp(value, "True") || !strcmp(value, "1")) {
    *out = true;
    return true;
  }
  if (!strcmp(value, "false") || !strcmp(value, "FALSE") ||
      !strcmp(value, "False") || !strcmp(value, "0")) {
    *out = false;
    return true;
  }
  fprintf(stderr,
          TOOL ": for the --%s option: '%s' is invalid value for boolean "
               "argument! Try 0 or 1\n",
          flag, value);
  return false;
}

static bool parseInt(const char *flag, const char *value, long long *out) {
  char *end = NULL;
  errno = 0;
  long long v = value && *value ? strtoll(value, &end, 0) : -1;
  if (!value || !*value || *end || errno || v < 0) {
    fprintf(stderr, TOOL ": for the --%s option: '%s' value invalid for uint "
                         "argument!\n",
            flag, value ? value : "");
    return false;
  }
  *out = v;
  return true;
}

/// Applies a kChoice flag.
static bool applyChoice(CimOptOptions *o, const Flag *f, const char *v) {
  const char *name = f->name;
  bool bad = !v;
  if (!bad && !strcmp(name, "verify-diagnostics")) {
    if (!strcmp(v, "all"))
      o->verifyOnlyExpected = false;
    else if (!strcmp(v, "only-expected"))
      o->verifyOnlyExpected = true;
    else
      bad = true;
    o->verifyDiagnostics = true;
  } else if (!bad && !strcmp(name, "mlir-timing-display")) {
    o->timingList = !strcmp(v, "list");
    bad = !o->timingList && strcmp(v, "tree") != 0;
  } else if (!bad && !strcmp(name, "mlir-diagnostic-verbosity-level")) {
    o->verbosity = !strcmp(v, "errors")     ? 0
                   : !strcmp(v, "warnings") ? 1
                   : !strcmp(v, "remarks")  ? 2
                                            : -1;
    bad = o->verbosity < 0;
  } else if (!bad && !strcmp(name, "mlir-output-format")) {
    o->timingJson = !strcmp(v, "json");
    bad = !o->timingJson && strcmp(v, "text") != 0;
  } else if (!bad && !strcmp(name, "mlir-pass-statistics-display")) {
    if (!strcmp(v, "list"))
      o->statisticsList = true;
    else if (!strcmp(v, "pipeline"))
      o->statisticsList = false;
    else
      bad = true;
  }
  if (bad) {
    fprintf(stderr,
            TOOL ": for the --%s option: Cannot find option named '%s'!\n",
            name, v ? v : "");
    return false;
  }
  return true;
}

/// Finds the flag `a` (with its dashes) names; sets *value to the text after
/// '=' (or NULL).
static const Flag *findFlag(const char *a, const char **value) {
  const char *name = a + ((a[1] == '-') ? 2 : 1);
  const char *eq = strchr(name, '=');
  size_t n = eq ? (size_t)(eq - name) : strlen(name);
  for (int k = 0; k < kNumFlags; ++k) {
    if (strlen(kFlags[k].name) == n && !strncmp(kFlags[k].name, name, n)) {
      *value = eq ? eq + 1 : NULL;
      return &kFlags[k];
    }
  }
  return NULL;
}

/// Handles --help, --version and --list-passes: 2 to stop (exit 0), 1 for
/// an error, 0 to go on.
static int applyAction(CimOptOptions *o, const Flag *f, const char *v) {
  if (!strcmp(f->name, "help") || !strcmp(f->name, "h") ||
      !strcmp(f->name, "help-hidden")) {
    cimOptPrintHelp(stdout);
    return 2;
  }
  if (!strcmp(f->name, "version")) {
    printf(TOOL " (cimlir) %s, built on MLIR %s\n", cimGetVersion(),
           CIM_MLIR_VERSION_STRING);
    return 2;
  }
  /* list-passes */
  if (v && strcmp(v, "markdown") != 0 && strcmp(v, "text") != 0) {
    fprintf(stderr,
            TOOL ": '--list-passes' takes 'text' or 'markdown', got '%s'\n",
            v);
    return 1;
  }
  o->listPasses = true;
  o->listFormat = v;
  return 0;
}

/// Stores the value `v` of a kInt, kList or kString flag.
static bool applyValue(CimOptOptions *o, const Flag *f, const char *v) {
  if (f->kind == kInt)
    return parseInt(f->name, v, field(o, f));
  if (f->kind != kList) {
    *(const char **)field(o, f) = v;
    return true;
  }
  if (f->offset == OFF(actionFilters))
    return cimOptAddActionFilters(o, v);
  const char ***list = field(o, f);
  int *count = f->offset == OFF(irdlFiles) ? &o->numIrdlFiles
               : f->offset == OFF(plugins) ? &o->numPlugins
               : f->offset == OFF(printBeforePasses)
                   ? &o->numPrintBeforePasses
                   : &o->numPrintAfterPasses;
  if (!*v) {
    bool file = count == &o->numIrdlFiles || count == &o->numPlugins;
    fprintf(stderr, TOOL ": '--%s' needs a %s\n", f->name,
            file ? "file name" : "pass argument");
    return false;
  }
  (*list)[(*count)++] = v;
  return true;
}

/// Applies one driver flag (`v`: the text after '=', or NULL; a flag that
/// takes a value may take the next argument, advancing *i). Returns 0 to go
/// on, 1 for an error (reported), 2 to stop with exit code 0.
static int applyFlag(CimOptOptions *o, const Flag *f, const char *v,
                     int argc, char **argv, int *i) {
  switch (f->kind) {
  case kRefused:
    fprintf(stderr, TOOL ": '--%s' is not supported: %s\n", f->name, f->help);
    return 1;
  case kAction:
    return applyAction(o, f, v);
  case kBool:
    return parseBool(f->name, v, field(o, f)) ? 0 : 1;
  case kFixed: {
    bool b;
    if (!parseBool(f->name, v, &b))
      return 1;
    if (b != !strcmp(f->choices, "true")) {
      fprintf(stderr, TOOL ": '--%s=%s' is not supported: %s\n", f->name,
              b ? "true" : "false", f->help);
      return 1;
    }
    return 0;
  }
  case kOptString:
    *(const char **)field(o, f) = v ? v : "// -----";
    return 0;
  case kString:
  case kList:
  case kInt:
    if (!v && *i + 1 < argc)
      v = argv[++*i];
    if (!v) {
      fprintf(stderr, TOOL ": for the -%s option: requires a value!\n",
              f->name);
      return 1;
    }
    return applyValue(o, f, v) ? 0 : 1;
  case kChoice:
    if (!v && !strcmp(f->name, "verify-diagnostics"))
      v = "all";
    return applyChoice(o, f, v) ? 0 : 1;
  }
  return 0;
}

/// The flag combinations mlir-opt (or cim-opt) refuses.
static bool checkCombinations(const CimOptOptions *o) {
  if (o->pipeline && o->numPassFlags > 0) {
    fputs("<unknown>:0: error: '-pass-pipeline' option can't be used with "
          "individual pass options\n",
          stderr);
    return false;
  }
  if (o->splitMarker && strlen(o->splitMarker) < 3) {
    fprintf(stderr,
            TOOL ": '--split-input-file=%s': a split marker needs at least 3 "
                 "characters (mlir-opt matches all but the last two first)\n",
            o->splitMarker);
    return false;
  }
  if (o->printTreeDir &&
      (o->numPrintBeforePasses > 0 || o->numPrintAfterPasses > 0)) {
    fputs(TOOL ": '--mlir-print-ir-before=' and '--mlir-print-ir-after=' "
               "cannot be combined with '--mlir-print-ir-tree-dir': the C API "
               "prints around every pass, and cim-opt selects the passes in "
               "what is printed on stderr\n",
          stderr);
    return false;
  }
  if (o->logActionsTo && *o->logActionsTo) {
    const char *other = o->timing                      ? "mlir-timing"
                        : o->statistics                ? "mlir-pass-statistics"
                        : o->printBefore               ? "mlir-print-ir-before-all"
                        : o->printAfter                ? "mlir-print-ir-after-all"
                        : o->printAfterChange          ? "mlir-print-ir-after-change"
                        : o->printAfterFailure         ? "mlir-print-ir-after-failure"
                        : o->numPrintBeforePasses > 0  ? "mlir-print-ir-before"
                        : o->numPrintAfterPasses > 0   ? "mlir-print-ir-after"
                        : o->printTreeDir              ? "mlir-print-ir-tree-dir"
                                                       : NULL;
    if (other) {
      fprintf(stderr,
              TOOL ": '--log-actions-to' cannot be combined with '--%s': "
                   "cim-opt logs pass executions by running each pass in a "
                   "pass manager of its own, so that report would not be "
                   "mlir-opt's\n",
              other);
      return false;
    }
  }
  if (o->output && !*o->output) {
    fputs(TOOL ": '-o' needs a file name\n", stderr);
    return false;
  }
  return true;
}

int cimOptParseCommandLine(int argc, char **argv, CimOptOptions *o) {
  memset(o, 0, sizeof *o);
  o->argv0 = argc > 0 ? argv[0] : TOOL;
  o->verifyEach = true;
  o->verbosity = 2;
  o->elideElements = o->elideResources = o->bytecodeVersion = -1;
  o->outputSplitMarker = "// -----";
  o->irdlFiles = calloc((size_t)argc + 1, sizeof *o->irdlFiles);
  o->plugins = calloc((size_t)argc + 1, sizeof *o->plugins);
  o->printBeforePasses = calloc((size_t)argc + 1, sizeof *o->printBeforePasses);
  o->printAfterPasses = calloc((size_t)argc + 1, sizeof *o->printAfterPasses);
  o->passFlags = calloc((size_t)argc + 1, sizeof *o->passFlags);
  if (!o->irdlFiles || !o->plugins || !o->passFlags || !o->printBeforePasses ||
      !o->printAfterPasses) {
    fputs(TOOL ": out of memory\n", stderr);
    return 1;
  }
  bool onlyPositional = false;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (onlyPositional || a[0] != '-' || !strcmp(a, "-")) {
      if (o->input) {
        fprintf(stderr, TOOL ": too many positional arguments: '%s' after "
                             "'%s'\n",
                a, o->input);
        return 1;
      }
      o->input = a;
      continue;
    }
    if (!strcmp(a, "--")) {
      onlyPositional = true;
      continue;
    }
    const char *v = NULL;
    const Flag *f = findFlag(a, &v);
    if (!f) {
      /* A pass flag: a cim pass from the table or an upstream pass. */
      const char *name = a + ((a[1] == '-') ? 2 : 1);
      const char *eq = strchr(name, '=');
      CimOptPassFlag *p = &o->passFlags[o->numPassFlags++];
      p->arg = a;
      p->name = name;
      p->nameLength = eq ? (size_t)(eq - name) : strlen(name);
      p->options = eq ? eq + 1 : NULL;
      continue;
    }
    int status = applyFlag(o, f, v, argc, argv, &i);
    if (status != 0)
      return status;
  }
  if (!checkCombinations(o))
    return 1;
  if (!o->input)
    o->input = "-";
  if (!o->output)
    o->output = "-";
  return 0;
}

void cimOptOptionsFree(CimOptOptions *o) {
  free(o->irdlFiles);
  free(o->plugins);
  free(o->printBeforePasses);
  free(o->printAfterPasses);
  o->printBeforePasses = o->printAfterPasses = NULL;
  free(o->passFlags);
  free(o->actionFilters);
  o->actionFilters = NULL;
  o->irdlFiles = o->plugins = NULL;
  o->passFlags = NULL;
}

/*===----------------------------------------------------------------------===*
 * Suggestions
 *===----------------------------------------------------------------------===*/

/* Upstream pass and pipeline names (generated from mlir-opt --help, see
 * CMakeLists.txt); a name is suggested only if MLIR's C API accepts it. */
static const char *const kUpstreamPasses[] = {
#include <UpstreamPasses.inc> /* generated in the build tree */
    NULL,
};

static void ignoreMessage(MlirStringRef message, void *userData) {
  (void)message;
  (void)userData;
}

/// True when MLIR's pass registry (mlirRegisterAllPasses) knows `name`.
static bool isRegisteredUpstreamPass(const char *name) {
  MlirContext ctx = mlirContextCreate();
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirLogicalResult r = mlirOpPassManagerAddPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString(name), ignoreMessage, NULL);
  mlirPassManagerDestroy(pm);
  mlirContextDestroy(ctx);
  return mlirLogicalResultIsSuccess(r);
}

void cimOptReportUnknownFlag(FILE *stream, const char *argv0,
                             const char *arg) {
  fprintf(stream,
          TOOL ": Unknown command line argument '%s'.  Try: '%s --help'\n",
          arg, argv0);
  const char *name = arg + ((arg[1] == '-') ? 2 : 1);
  const char *eq = strchr(name, '=');
  size_t n = eq ? (size_t)(eq - name) : strlen(name);
  /* The closest cim pass or pipeline, driver flag or upstream pass. */
  CimSuggester s = cimSuggesterCreate(mlirStringRefCreate(name, n));
  const char *cim = cimPassRegistrySuggest(mlirStringRefCreate(name, n));
  if (cim)
    cimSuggesterConsider(&s, cim);
  for (int k = 0; k < kNumFlags; ++k)
    if (kFlags[k].kind != kRefused && strlen(kFlags[k].name) > 1)
      cimSuggesterConsider(&s, kFlags[k].name);
  for (int k = 0; kUpstreamPasses[k]; ++k)
    if (cimSuggesterDistance(&s, kUpstreamPasses[k]) < s.bestDistance &&
        isRegisteredUpstreamPass(kUpstreamPasses[k]))
      cimSuggesterConsider(&s, kUpstreamPasses[k]);
  if (s.best)
    fprintf(stream, TOOL ": Did you mean '--%s'?\n", s.best);
}

void cimOptPrintFlagHelp(FILE *stream) {
  for (int k = 0; k < kNumFlags; ++k) {
    const Flag *f = &kFlags[k];
    if (f->kind == kRefused)
      continue;
    char left[96];
    const char *dash = strlen(f->name) == 1 ? "-" : "--";
    if (f->kind == kChoice)
      snprintf(left, sizeof left, "%s%s=<%s>", dash, f->name, f->choices);
    else if (f->kind == kOptString)
      snprintf(left, sizeof left, "%s%s[=<%s>]", dash, f->name, f->valueName);
    else if (f->valueName && strncmp(f->help, "Alias for ", 10) != 0)
      snprintf(left, sizeof left, "%s%s=<%s>", dash, f->name, f->valueName);
    else /* LLVM prints an alias without its value, like a switch */
      snprintf(left, sizeof left, "%s%s", dash, f->name);
    fprintf(stream, "  %-44s - %s\n", left, f->help);
  }
  fputs("\nmlir-opt flags that cim-opt refuses (the MLIR C API cannot do them):"
        "\n",
        stream);
  for (int k = 0; k < kNumFlags; ++k)
    if (kFlags[k].kind == kRefused)
      fprintf(stream, "  --%s: %s\n", kFlags[k].name, kFlags[k].help);
}
