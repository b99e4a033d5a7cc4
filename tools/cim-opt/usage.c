/*===-- usage.c - cim-opt's --help and --list-passes text ------------------===*/

#include "usage.h"

#include <string.h>

#include "cim-c/Passes.h"
#include "options.h"

static void toStream(MlirStringRef s, void *stream) {
  fwrite(s.data, 1, s.length, (FILE *)stream);
}

void cimOptPrintHelp(FILE *stream) {
  fputs("OVERVIEW: cimlir modular optimizer driver (mlir-opt for cimlir)\n"
        "\n"
        "USAGE: cim-opt [options] <input file, '-' or none for stdin>\n"
        "\n"
        "OPTIONS (mlir-opt's names and defaults):\n",
        stream);
  cimOptPrintFlagHelp(stream);
  fputs("\n"
        "  --PASS[=OPTIONS]: add a pass (cim or upstream), e.g. --canonicalize,\n"
        "  --convert-linalg-to-cim, --cim-tile='rows=128'. Every pass "
        "registered in\n"
        "  upstream MLIR 22 is accepted by its mlir-opt flag (see 'mlir-opt "
        "--help');\n"
        "  passes that run on functions are nested under func.func "
        "automatically,\n"
        "  as mlir-opt does. -o writes atomically: on failure no file is "
        "created\n"
        "  or changed.\n"
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
