/*===-- timing_report.c - --mlir-timing as mlir-opt prints it --------------===*
 *
 * mlirPassManagerEnableTiming times the pass manager only, and prints its
 * report as a tree when the pass manager is destroyed. mlir-opt times the
 * whole run: its tree has a "Parser" row first and an "Output" row before
 * "Rest", and --mlir-timing-display=list lists the same timers merged by
 * name, slowest first. cim-opt destroys the pass manager with file
 * descriptor 2 going into a temporary file, measures parsing and output
 * itself, and rewrites the report it finds there:
 *
 *   ===-------------------------------------------------------------------------===
 *                            ... Execution time report ...
 *   ===-------------------------------------------------------------------------===
 *     Total Execution Time: 0.0198 seconds
 *
 *     ----Wall Time----  ----Name----
 *       0.0182 ( 91.7%)  Parser
 *       0.0004 (  2.1%)  'func.func' Pipeline
 *       0.0001 (  0.4%)    CSE
 *       0.0002 (  0.9%)  Output
 *       0.0006 (  2.8%)  Rest
 *       0.0198 (100.0%)  Total
 *
 * Everything else the pass manager prints when it goes (pass statistics)
 * is copied unchanged.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

typedef struct Row {
  double seconds;
  const char *name; /* with the tree's indentation */
  size_t length;
} Row;

static const char kHeader[] = "  ----Wall Time----  ----Name----";

static void printRow(FILE *os, double seconds, double total, const char *name,
                     size_t length) {
  fprintf(os, "  %8.4f (%5.1f%%)  %.*s\n", seconds,
          total > 0 ? 100.0 * seconds / total : 0.0, (int)length, name);
}

static size_t indentOf(const Row *r) {
  size_t n = 0;
  while (n < r->length && r->name[n] == ' ')
    ++n;
  return n;
}

static int bySecondsDescending(const void *a, const void *b) {
  const Row *x = a, *y = b;
  return (x->seconds < y->seconds) - (x->seconds > y->seconds);
}

/// Rewrites the rows of one report (between the column header and "Total",
/// both excluded from `rows`) and prints the report from its header line on.
static void printReport(FILE *os, Row *rows, size_t n, double passTotal,
                        double rest, double parseSeconds, double outputSeconds,
                        bool list) {
  double total = passTotal + parseSeconds + outputSeconds;
  fprintf(os, "  Total Execution Time: %.4f seconds\n\n%s\n", total, kHeader);
  if (!list) {
    printRow(os, parseSeconds, total, "Parser", 6);
    for (size_t i = 0; i < n; ++i)
      printRow(os, rows[i].seconds, total, rows[i].name, rows[i].length);
    printRow(os, outputSeconds, total, "Output", 6);
  } else {
    /* Merge by name (without indentation), then slowest first. */
    Row *merged = calloc(n + 3, sizeof *merged);
    size_t m = 0;
    if (!merged)
      return;
    merged[m++] = (Row){total, "root", 4};
    merged[m++] = (Row){parseSeconds, "Parser", 6};
    merged[m++] = (Row){outputSeconds, "Output", 6};
    for (size_t i = 0; i < n; ++i) {
      size_t k = indentOf(&rows[i]);
      Row r = {rows[i].seconds, rows[i].name + k, rows[i].length - k};
      size_t j = 0;
      while (j < m && !(merged[j].length == r.length &&
                        !memcmp(merged[j].name, r.name, r.length)))
        ++j;
      if (j < m)
        merged[j].seconds += r.seconds;
      else
        merged[m++] = r;
    }
    qsort(merged, m, sizeof *merged, bySecondsDescending);
    for (size_t i = 0; i < m; ++i)
      printRow(os, merged[i].seconds, total, merged[i].name, merged[i].length);
    free(merged);
  }
  printRow(os, rest, total, "Rest", 4);
  printRow(os, total, total, "Total", 5);
}

/// Copies `text` to `os`, rewriting each timing report in it.
static void rewrite(FILE *os, const char *text, size_t size,
                    double parseSeconds, double outputSeconds, bool list) {
  static const char totalLine[] = "  Total Execution Time: ";
  size_t pos = 0;
  while (pos < size) {
    const char *nl = memchr(text + pos, '\n', size - pos);
    size_t next = nl ? (size_t)(nl - text) + 1 : size;
    size_t length = next - pos;
    if (length < sizeof totalLine - 1 ||
        memcmp(text + pos, totalLine, sizeof totalLine - 1) != 0) {
      fwrite(text + pos, 1, length, os);
      pos = next;
      continue;
    }
    /* "  Total Execution Time: ...", a blank line, the column header, the
       rows up to "Total". */
    size_t rowsAt = pos;
    for (int skip = 0; skip < 3 && rowsAt < size; ++skip) {
      const char *e = memchr(text + rowsAt, '\n', size - rowsAt);
      rowsAt = e ? (size_t)(e - text) + 1 : size;
    }
    Row *rows = NULL;
    size_t n = 0, cap = 0;
    double rest = 0, passTotal = 0;
    bool done = false;
    size_t at = rowsAt;
    while (at < size && !done) {
      const char *e = memchr(text + at, '\n', size - at);
      size_t end = e ? (size_t)(e - text) : size;
      const char *close = memchr(text + at, ')', end - at);
      double seconds = 0;
      if (!close || sscanf(text + at, "%lf", &seconds) != 1 ||
          close + 3 > text + end)
        break; /* not a row: leave the rest as it is */
      const char *name = close + 3; /* after ")  " */
      size_t nameLength = (size_t)(text + end - name);
      at = e ? end + 1 : size;
      if (nameLength == 4 && !memcmp(name, "Rest", 4)) {
        rest = seconds;
      } else if (nameLength == 5 && !memcmp(name, "Total", 5)) {
        passTotal = seconds;
        done = true;
      } else {
        if (n == cap) {
          cap = cap ? 2 * cap : 16;
          Row *grown = realloc(rows, cap * sizeof *grown);
          if (!grown)
            break;
          rows = grown;
        }
        rows[n++] = (Row){seconds, name, nameLength};
      }
    }
    if (done) {
      printReport(os, rows, n, passTotal, rest, parseSeconds, outputSeconds,
                  list);
      pos = at;
    } else {
      fwrite(text + pos, 1, length, os);
      pos = next;
    }
    free(rows);
  }
}

void cimOptDestroyPassManager(MlirPassManager pm, const CimOptOptions *o,
                              double parseSeconds, double outputSeconds) {
  if (!o->timing) {
    mlirPassManagerDestroy(pm);
    return;
  }
  fflush(stderr);
  FILE *capture = tmpfile();
  int saved = capture ? dup(2) : -1;
  if (saved < 0 || dup2(fileno(capture), 2) < 0) {
    if (saved >= 0)
      close(saved);
    if (capture)
      fclose(capture);
    mlirPassManagerDestroy(pm); /* the pass manager's own report */
    return;
  }
  mlirPassManagerDestroy(pm);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);

  long size = fseek(capture, 0, SEEK_END) == 0 ? ftell(capture) : -1;
  char *text = size > 0 ? malloc((size_t)size) : NULL;
  if (text) {
    rewind(capture);
    size_t got = fread(text, 1, (size_t)size, capture);
    rewrite(stderr, text, got, parseSeconds, outputSeconds, o->timingList);
  }
  free(text);
  fclose(capture);
  fflush(stderr);
}
