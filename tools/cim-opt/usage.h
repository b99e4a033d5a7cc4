/*===-- usage.h - cim-opt's --help and --list-passes text ------------------===*/

#ifndef CIM_OPT_USAGE_H
#define CIM_OPT_USAGE_H

#include <stdio.h>

/// Prints the whole --help text: tool options, then every cim pass with its
/// options (generated from the pass table).
void cimOptPrintHelp(FILE *stream);

/// Prints the pass table: `text` for --list-passes, `markdown` for
/// --list-passes=markdown (the contents of docs/passes.md).
void cimOptPrintPassList(FILE *stream, const char *format);

#endif /* CIM_OPT_USAGE_H */
