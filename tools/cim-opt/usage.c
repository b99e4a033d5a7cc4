/*===-- usage.c - cim-opt's --help and --list-passes text ------------------===*/

#include "usage.h"

#include <string.h>

#include "cim-c/Passes.h"

static void toStream(MlirStringRef s, void *stream) {
  fwrite(s.data, 1, s.length, (FILE *)stream);
}

void cimOptPrintHelp(FILE *stream) {
  fputs(
      "OVERVIEW: cimlir modular optimizer driver (mlir-opt for cimlir)\n"
      "\n"
      "USAGE: cim-opt [options] [input file, '-' or none for stdin]\n"
      "\n"
      "OPTIONS:\n"
      "  -o FILE                          Output file ('-' for stdout, the "
      "default); written\n"
      "                                   atomically: on failure no file is "
      "created or changed\n"
      "  --pass-pipeline=PIPELINE         Textual pipeline, e.g.\n"
      "                                   "
      "'builtin.module(func.func(convert-linalg-to-cim),canonicalize)'\n"
      "  --PASS[=OPTIONS]                 Add a pass (cim or upstream), e.g.\n"
      "                                   --canonicalize, "
      "--convert-linalg-to-cim, --cse\n"
      "  --split-input-file               Split the input at '// -----' and "
      "process each chunk\n"
      "  --verify-diagnostics             Check diagnostics against "
      "expected-error/warning/\n"
      "                                   remark/note comments in the input\n"
      "  --verify-each[=BOOL]             Verify the IR after each pass "
      "(default: true)\n"
      "  --irdl-file=FILE                 Load the IRDL dialects defined in "
      "FILE (repeatable)\n"
      "  --load-pass-plugin=LIB           Load a pass plugin (exports "
      "cimGetPassPluginInfo)\n"
      "  --mlir-print-ir-before-all       Print the IR before every pass (to "
      "stderr)\n"
      "  --mlir-print-ir-after-all        Print the IR after every pass (to "
      "stderr)\n"
      "  --mlir-print-debuginfo           Print locations in the output\n"
      "  --mlir-print-op-generic          Print operations in generic form\n"
      "  --allow-unregistered-dialect     Accept ops of unknown dialects\n"
      "  --dump-pass-pipeline             Print the pass pipeline to stderr "
      "before running\n"
      "  --list-passes[=markdown]         List the cim passes and their "
      "options\n"
      "  --version                        Print the version\n"
      "  --help                           Print this help\n"
      "\n"
      "Every pass registered in upstream MLIR 22 is accepted by its mlir-opt "
      "flag as well\n"
      "(see 'mlir-opt --help'); upstream passes that run on functions are "
      "nested under\n"
      "func.func automatically, as mlir-opt does.\n"
      "\n"
      "CIM PASSES:\n",
      stream);
  cimPassRegistryPrintHelp(toStream, stream);
}

void cimOptPrintPassList(FILE *stream, const char *format) {
  if (format && !strcmp(format, "markdown"))
    cimPassRegistryPrintMarkdown(toStream, stream);
  else
    cimPassRegistryPrintHelp(toStream, stream);
}
