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
 * With --mlir-output-format=json the banner goes and the same rows are
 * printed as mlir-opt's JSON array (tree rows nest in "passes").
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

/* One report being printed: as text or, with --mlir-output-format=json,
 * as mlir-opt's JSON array. */
typedef struct Printer {
  FILE *os;
  double total;
  bool json;
} Printer;

/// One row. JSON rows of the tree carry "passes" (`depth` >= 0) and are
/// closed by closeJson; the list's rows and Rest/Total end with `tail`.
static void printRow(const Printer *p, double seconds, const char *name,
                     size_t length, int depth, const char *tail) {
  double percent = p->total > 0 ? 100.0 * seconds / p->total : 0.0;
  if (!p->json) {
    fprintf(p->os, "  %8.4f (%5.1f%%)  %.*s\n", seconds, percent, (int)length,
            name);
    return;
  }
  size_t k = 0;
  while (k < length && name[k] == ' ')
    ++k;
  fprintf(p->os,
          "%*s{\"wall\": {\"duration\": %8.4f, \"percentage\": %5.1f}, "
          "\"name\": \"%.*s\"%s\n",
          2 * (depth > 0 ? depth : 0), "", seconds, percent,
          (int)(length - k), name + k, depth >= 0 ? ", \"passes\": [" : tail);
}

/// Closes the JSON tree rows from `depth` down to `nextDepth`.
static void closeJson(const Printer *p, int depth, int nextDepth) {
  for (int d = depth; d >= nextDepth; --d)
    fprintf(p->os, "%*s{}]},\n", 2 * d, "");
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

/// The tree: "Parser", the pass manager's rows, "Output".
static void printTree(const Printer *p, const Row *rows, size_t n,
                      double parseSeconds, double outputSeconds) {
  printRow(p, parseSeconds, "Parser", 6, 0, NULL);
  if (p->json)
    closeJson(p, 0, 0);
  for (size_t i = 0; i < n; ++i) {
    int depth = (int)(indentOf(&rows[i]) / 2);
    printRow(p, rows[i].seconds, rows[i].name, rows[i].length, depth, NULL);
    int next = i + 1 < n ? (int)(indentOf(&rows[i + 1]) / 2) : 0;
    if (p->json && next <= depth)
      closeJson(p, depth, next);
  }
  printRow(p, outputSeconds, "Output", 6, 0, NULL);
  if (p->json)
    closeJson(p, 0, 0);
}

/// The list: the same timers merged by name, slowest first.
static void printList(const Printer *p, const Row *rows, size_t n,
                      double parseSeconds, double outputSeconds) {
  Row *merged = calloc(n + 3, sizeof *merged);
  size_t m = 0;
  if (!merged)
    return;
  merged[m++] = (Row){p->total, "root", 4};
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
    printRow(p, merged[i].seconds, merged[i].name, merged[i].length, -1, "},");
  free(merged);
}

/// Rewrites the rows of one report (between the column header and "Total",
/// both excluded from `rows`) and prints the report from its "Total
/// Execution Time" line on (text) or as a JSON array.
static void printReport(FILE *os, Row *rows, size_t n, double passTotal,
                        double rest, double parseSeconds, double outputSeconds,
                        const CimOptOptions *o) {
  Printer p = {os, passTotal + parseSeconds + outputSeconds, o->timingJson};
  if (p.json)
    fputs("[\n", os);
  else
    fprintf(os, "  Total Execution Time: %.4f seconds\n\n%s\n", p.total,
            kHeader);
  if (o->timingList)
    printList(&p, rows, n, parseSeconds, outputSeconds);
  else
    printTree(&p, rows, n, parseSeconds, outputSeconds);
  printRow(&p, rest, "Rest", 4, -1, "},");
  printRow(&p, p.total, "Total", 5, -1, "}");
  if (p.json)
    fputs("]\n", os);
}

/// True when the line at `pos` opens a timing report's banner (a rule, then
/// "... Execution time report ..."): JSON replaces the banner.
static bool isTimingBanner(const char *text, size_t pos, size_t size) {
  static const char rule[] = "===---";
  if (size - pos < sizeof rule - 1 || memcmp(text + pos, rule, sizeof rule - 1))
    return false;
  const char *nl = memchr(text + pos, '\n', size - pos);
  if (!nl)
    return false;
  size_t next = (size_t)(nl - text) + 1;
  const char *nl2 = memchr(text + next, '\n', size - next);
  size_t end = nl2 ? (size_t)(nl2 - text) : size;
  static const char title[] = "... Execution time report ...";
  for (size_t i = next; i + sizeof title - 1 <= end; ++i)
    if (!memcmp(text + i, title, sizeof title - 1))
      return true;
  return false;
}

/// Copies `text` to `os`, rewriting each timing report in it.
static void rewrite(FILE *os, const char *text, size_t size,
                    double parseSeconds, double outputSeconds,
                    const CimOptOptions *o) {
  static const char totalLine[] = "  Total Execution Time: ";
  size_t pos = 0;
  while (pos < size) {
    const char *nl = memchr(text + pos, '\n', size - pos);
    size_t next = nl ? (size_t)(nl - text) + 1 : size;
    size_t length = next - pos;
    if (o->timingJson && isTimingBanner(text, pos, size)) {
      for (int skip = 0; skip < 3 && pos < size; ++skip) {
        const char *e = memchr(text + pos, '\n', size - pos);
        pos = e ? (size_t)(e - text) + 1 : size;
      }
      continue;
    }
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
        rest = seconds > 0 ? seconds : 0; /* never negative, as in mlir-opt */
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
                  o);
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
  int saved;
  FILE *capture = cimOptCaptureStderr(&saved);
  if (!capture) {
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
    rewrite(stderr, text, got, parseSeconds, outputSeconds, o);
  }
  free(text);
  fclose(capture);
  fflush(stderr);
}
